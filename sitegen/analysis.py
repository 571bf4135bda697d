"""Analyse one article: seed + editorial layer → :class:`~sitegen.model.Article`.

Order inside an article: corrections first (on the source text), then
mentions (on the corrected reading), then inline markup. The result depends
only on its own inputs (seed, editorial file, the rules and registry entries
in scope), so it can be cached by their hash.
"""

from __future__ import annotations

import hashlib
import pickle
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from sitegen.config import SiteConfig
from sitegen.correct import Edit, RuleSet, correct_and_pending
from sitegen.corrections import Correction, Rule, parse_records
from sitegen.diagnostics import Diagnostic, warning
from sitegen.entities import Entity
from sitegen.inline import (
    InlineEdit,
    InlineMention,
    Place,
    PlaceIndex,
    attribute,
    corrected_places,
    render_inline,
)
from sitegen.markdown import render_markdown
from sitegen.mentions import MentionFinder
from sitegen.model import (
    Article,
    ArticleBody,
    Block,
    CorrectedPlace,
    Editorial,
    Footnote,
    Mention,
    Seed,
    TocEntry,
    body_records,
    mention_snippets,
    mentioned,
    note_core,
    paragraph_anchor,
)
from sitegen.pending import summarise
from sitegen.scope import BY_EDITOR, decisions_of
from sitegen.text import (
    SLUG_WORDS,
    SNIPPET_SIDE,
    derived_title,
    first_sentence,
    slugify,
    split_sentences,
    trim_left,
    trim_right,
)
from sitegen.urls import permalink, relative

RESERVED_ANCHORS = {"main", "article-title", "editors-note-title", "toc-title", "footnotes", "entities"}
QUOTE_CONTEXT = 32  # characters of prefix and suffix in quote selectors (W3C TextQuoteSelector)


@dataclass(frozen=True, slots=True)
class AnalysisSettings:
    """The configuration an analysis reads, given to it explicitly (as a template gets its
    context): it reads nothing else of sitegen.toml, so this record, compared whole, is what a
    change of configuration must re-analyse for (reanalyse.analysis_config), never a list of
    keys kept beside the code that reads them."""

    permalink: str  # the article's URL
    link_mentions: str  # which mentions link to their entity's page

    @classmethod
    def of(cls, config: SiteConfig) -> AnalysisSettings:
        return cls(config.permalink, config.entities.link_mentions)


@dataclass(frozen=True, slots=True)
class Annotators:
    """What every article is analysed against, built once per build."""

    settings: AnalysisSettings
    rules: RuleSet
    finder: MentionFinder
    # What an analysis is given of the registry: the entities' forms (the finder) and their
    # ids (an editorial file's 'about' names them). Nothing else of an entity, so its name,
    # description or links can change without any analysis changing (incremental.EntityInfo).
    entity_ids: frozenset[str]
    corrections: Mapping[str, Correction]  # site-wide rules by key
    collections: frozenset[str]  # rule collections an article's 'rules' line may name

    @classmethod
    def build(
        cls,
        config: SiteConfig,
        entities: Sequence[Entity],
        rules: Sequence[Rule],
        collections: Iterable[str] = (),
    ) -> Annotators:
        """The annotators of a registry and a rule set (compiles the automata once);
        ``collections``: the names of every rules file (one may hold no valid rule)."""
        return cls(
            settings=AnalysisSettings.of(config),
            rules=RuleSet(rules),
            finder=MentionFinder(entities),
            entity_ids=frozenset(e.id for e in entities),
            corrections={r.key: r for r in rules},
            collections=frozenset(collections) | {r.collection for r in rules},
        )


def _heading_anchor(text: str, used: set[str], number: int) -> str:
    base = slugify(text, 50) or f"section-{number}"
    if base in RESERVED_ANCHORS or (base[:1] in "pmn" and base[1:].lstrip("-").isdigit()):
        base = f"section-{base}"
    anchor, n = base, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor


def _footnotes(
    edits: Sequence[Edit],
    corrections: Mapping[str, Correction],
    anchors: Sequence[str],
    confirmed: Mapping[str, str],
) -> list[Footnote]:
    """Number footnotes by first appearance; give each the fragment id of the paragraph it
    first applies in (``anchors``: each paragraph's)."""
    # One pass over the edits: per correction, its paragraphs, readings and replacements in
    # order of appearance (dicts as ordered sets; an article may have thousands of edits).
    order: dict[str, tuple[dict[int, None], dict[str, None], dict[str, None]]] = {}
    for edit in edits:
        seen = order.get(edit.correction)
        if seen is None:
            seen = order[edit.correction] = ({}, {}, {})
        seen[0][edit.paragraph] = None
        seen[1][edit.source] = None
        seen[2][edit.replacement] = None
    places = Counter(edit.correction for edit in edits)  # each edit is one corrected place
    notes: list[Footnote] = []
    for number, (key, (paragraphs, readings, replacements)) in enumerate(order.items(), start=1):
        record = corrections[key]
        notes.append(
            Footnote(
                number,
                anchors[next(iter(paragraphs))],
                places[key],
                note_core(
                    key,
                    record.type,
                    record.category,
                    record.note,
                    record.evidence,
                    record.resp,
                    record.cert,
                    tuple(readings),
                    tuple(replacements),
                    confirmed.get(key, BY_EDITOR),
                    record.collection if isinstance(record, Rule) else "",
                ),
            )
        )
    return notes


def analyse_article(
    seed: Seed, editorial: Editorial | None, tools: Annotators
) -> tuple[Article, ArticleBody, list[Diagnostic]]:
    settings = tools.settings
    problems: list[Diagnostic] = []
    roles = dict(editorial.roles) if editorial else {}
    count = len(seed.paragraphs)
    if editorial:
        for number in sorted(n for n in roles if n > count):
            problems.append(
                warning(
                    "editorial-roles",
                    f"paragraph {number} does not exist: the seed {seed.path} has {count} paragraphs",
                    editorial.path,
                    editorial.line("roles"),
                )
            )
            del roles[number]

    # Title and URL first: mention links are relative to the article's own URL.
    texts = [p.text for p in seed.paragraphs]
    records, record_problems = parse_records(editorial) if editorial else ([], [])
    problems.extend(record_problems)
    decisions, decision_problems = decisions_of(editorial, tools.collections)
    problems.extend(decision_problems)
    edits, pending, edit_problems = correct_and_pending(
        seed.id, texts, tools.rules, records, editorial.path if editorial else None, decisions
    )
    problems.extend(edit_problems)
    confirmed = tools.rules.confirmations(seed.id, decisions, {e.correction for e in edits})
    corrections: dict[str, Correction] = dict(tools.corrections)
    corrections.update((r.key, r) for r in records)
    by_paragraph: dict[int, list[Edit]] = {}
    for edit in edits:
        by_paragraph.setdefault(edit.paragraph, []).append(edit)
    numbers = {key: n for n, key in enumerate(dict.fromkeys(e.correction for e in edits), start=1)}

    corrected_texts: list[str] = []
    inline_edits: list[list[InlineEdit]] = []
    paragraph_places: list[list[Place]] = []
    for index, text in enumerate(texts):
        paragraph_edits = [
            InlineEdit(e.start, e.end, e.source, e.replacement, numbers[e.correction])
            for e in by_paragraph.get(index, [])
        ]
        inline_edits.append(paragraph_edits)
        corrected, places_here = corrected_places(text, paragraph_edits)
        corrected_texts.append(corrected)
        paragraph_places.append(places_here)

    # Paragraph anchors: what footnotes, entity pages and the ledger link to.
    used_anchors: set[str] = set(RESERVED_ANCHORS)
    anchors: list[str] = []
    toc: list[TocEntry] = []
    for index, corrected in enumerate(corrected_texts):
        if roles.get(index + 1, "body") == "heading":
            anchors.append(_heading_anchor(corrected, used_anchors, index + 1))
            toc.append(TocEntry(anchors[-1], corrected, index + 1))
        else:
            anchors.append(paragraph_anchor(index + 1))
    footnotes = _footnotes(edits, corrections, anchors, confirmed)

    first_body = next(
        (corrected_texts[n - 1] for n in range(1, count + 1) if roles.get(n, "body") == "body"),
        corrected_texts[0],
    )
    title, title_is_opening = (
        (editorial.title, False) if editorial and editorial.title else derived_title(first_body)
    )
    slug = (
        (editorial.slug if editorial and editorial.slug else None)
        or slugify(title, max_words=SLUG_WORDS)
        or slugify(seed.id)
    )
    url = permalink(
        settings.permalink,
        year=seed.date.year,
        month=seed.date.month,
        day=seed.date.day,
        slug=slug,
        article_id=seed.id,
    )

    link_mode = settings.link_mentions
    linked_entities: set[str] = set()
    mentions: list[Mention] = []
    blocks: list[Block] = []
    offset = 0
    for index, corrected in enumerate(corrected_texts):
        number = index + 1
        anchor = anchors[index]
        place_index = PlaceIndex(paragraph_places[index])
        inline_mentions: list[InlineMention] = []
        sentences = split_sentences(corrected) if corrected else [(0, 0)]
        sentence_starts = [a for a, _ in sentences]
        for found in tools.finder.find(corrected):
            linked = link_mode == "every" or (link_mode == "first" and found.entity not in linked_entities)
            linked_entities.add(found.entity)
            s_start, s_end = _sentence_of(found.start, sentences, sentence_starts, len(corrected))
            # Only the context a snippet keeps is sliced: a paragraph may be one very long sentence.
            mentions.append(
                Mention(
                    found.entity,
                    anchor,
                    number,
                    found.surface,
                    trim_left(corrected[max(s_start, found.start - SNIPPET_SIDE - 1) : found.start]),
                    trim_right(corrected[found.end : min(s_end, found.end + SNIPPET_SIDE + 1)]),
                    linked,
                    offset + place_index.to_source(found.start, end=False),
                    offset + place_index.to_source(found.end, end=True),
                )
            )
            # Only links are marked up: the sidebar describes each entity once, and the
            # card script finds that description by the link's address.
            if linked:
                href = attribute(relative(url, f"entities/{found.entity}/"))
                inline_mentions.append(InlineMention(found.start, found.end, f"<a href={href}>", "</a>"))
        html = render_inline(
            texts[index],
            inline_edits[index],
            inline_mentions,
            (corrected_texts[index], paragraph_places[index]),
        )
        blocks.append(
            Block(number, roles.get(number, "body"), anchor, html, corrected, seed.paragraphs[index].line)
        )
        offset += len(texts[index]) + 2

    note_links: list[tuple[str, int]] = []
    note_html = (
        render_markdown(editorial.note_markdown, url, first_line=editorial.note_line, links=note_links)
        if editorial and editorial.note_markdown
        else ""
    )
    article = Article(
        id=seed.id,
        seed_path=seed.path,
        editorial_path=editorial.path if editorial else None,
        date=seed.date,
        title=title,
        title_is_opening=title_is_opening,
        subtitle=editorial.subtitle if editorial else "",
        slug=slug,
        url=url,
        tags=editorial.tags if editorial else (),
        summary=(editorial.summary if editorial and editorial.summary else first_sentence(first_body, 240)),
        note_html=note_html,
        toc=tuple(toc),
        source_publisher=editorial.source.publisher if editorial else "",
        source_url=editorial.source.url if editorial else "",
        source_author=editorial.source.author if editorial else "",
        source_captured=editorial.source.captured if editorial else None,
        footnotes=tuple(footnotes),
        mentioned=mentioned(mentions),
        snippets=mention_snippets(mentions),
        about=_about(editorial, tools, problems),
        note_links=tuple(note_links),
        pending=summarise(seed, pending, tools.corrections),
        seed_digest=seed.digest,
    )
    places = _places(seed, by_paragraph, numbers, anchors)
    body = ArticleBody(tuple(blocks), seed.data, body_records(places, mentions))
    digest = hashlib.blake2b(pickle.dumps((article, body), protocol=5), digest_size=16).hexdigest()
    return replace(article, digest=digest), body, problems


def _about(editorial: Editorial | None, tools: Annotators, problems: list[Diagnostic]) -> tuple[str, ...]:
    if editorial is None:
        return ()
    known = []
    for entity_id in editorial.about:
        if entity_id in tools.entity_ids:
            known.append(entity_id)
        else:
            problems.append(
                warning(
                    "editorial-about",
                    f"'about' names '{entity_id}', which is not in the registry (content/entities/<id>.md)",
                    editorial.path,
                    editorial.line("about"),
                )
            )
    return tuple(known)


def _sentence_of(
    position: int, sentences: Sequence[tuple[int, int]], starts: Sequence[int], length: int
) -> tuple[int, int]:
    """The sentence (of ``split_sentences``: sorted, disjoint) holding ``position``, else the paragraph."""
    i = bisect_right(starts, position) - 1
    if i >= 0:
        a, b = sentences[i]
        if position < max(b, a + 1):
            return a, b
    return 0, length


def _places(
    seed: Seed, by_paragraph: Mapping[int, list[Edit]], numbers: Mapping[str, int], anchors: Sequence[str]
) -> tuple[CorrectedPlace, ...]:
    source_text = seed.source_text
    offset = 0
    places: list[CorrectedPlace] = []
    for index, paragraph in enumerate(seed.paragraphs):
        for edit in by_paragraph.get(index, []):
            start, end = offset + edit.start, offset + edit.end
            places.append(
                CorrectedPlace(
                    footnote=numbers[edit.correction],
                    ref=anchors[index],
                    block=index + 1,
                    source=edit.source,
                    replacement=edit.replacement,
                    start=start,
                    end=end,
                    prefix=source_text[max(0, start - QUOTE_CONTEXT) : start],
                    suffix=source_text[end : end + QUOTE_CONTEXT],
                )
            )
        offset += len(paragraph.text) + 2
    return tuple(places)
