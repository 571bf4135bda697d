"""Plan an article's outputs: its page (from one record of everything it shows:
:class:`ArticlePageInputs`), its source view, the seed as received and its Web Annotations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sitegen.budget import ANNOTATIONS, SEED_COPIES
from sitegen.entities import KINDS
from sitegen.highlight import source_listing
from sitegen.linkcheck import html_ids
from sitegen.markdown import link_lines
from sitegen.model import Article, Footnote, note_anchor
from sitegen.pageparts import footnotes_html, sidebar_html
from sitegen.plan.keys import EntityCard, PageKeys, PageUnit, entity_ref
from sitegen.plan.records import (
    AWAITING_PATH,
    CARDS_PATH,
    KIND_LABELS,
    NO_LINES,
    NOTES_PATH,
    BodyOf,
    Call,
    Context,
    FilePlan,
    Link,
    PagePlan,
    data_key,
    link_context,
    link_of,
    page_context,
    script_json,
)
from sitegen.seeds import parse_seed
from sitegen.site import Site
from sitegen.urls import UrlBuilder, relative
from sitegen.webannotation import EXPORT_NAME, ExportInputs, annotation_page, compressed, export_inputs


@dataclass(frozen=True, slots=True)
class ArticlePageInputs:
    """Everything an article's page shows. :func:`article_context` is given this and reads
    nothing else, so :meth:`key` names the page's inputs by construction, not by a list kept
    beside the code that reads them."""

    article: Article  # its analysis: the key names it by its digest
    older: Link | None
    newer: Link | None
    related: tuple[Link, ...]
    cards: dict[str, EntityCard]  # the entities it mentions or is about, by id
    why: dict[str, str]  # correction key → its ledger entry (a site-wide rule's note)
    publisher: str

    def key(self, shared: str) -> str:
        return data_key(
            "article",
            shared,
            self.article.digest,
            self.older,
            self.newer,
            self.related,
            [self.cards[e].parts() for e in sorted(self.cards)],
            sorted(self.why.items()),
            self.publisher,
        )


def article_inputs(site: Site, index: int, keys: PageKeys) -> ArticlePageInputs:
    """What the page of article ``index`` shows of the site (``keys`` makes each entity's
    card and each article's link once)."""
    article = site.articles[index]
    entities = {m.entity for m in article.mentioned} | set(article.about)
    count = len(site.articles)
    return ArticlePageInputs(
        article,
        keys.link(index + 1) if index + 1 < count else None,  # older: the list is newest first
        keys.link(index - 1) if index > 0 else None,
        tuple(keys.link(i) for i in site.refs.related[index]),
        {e: keys.entity_card(e) for e in sorted(entities)},
        {n.correction: link for n in article.footnotes if (link := keys.rule_link(n.correction))},
        site.config.publisher,
    )


def _sidebar(article: Article, cards: dict[str, EntityCard]) -> list[Context]:
    groups = []
    for kind in KINDS:
        # most mentioned first, then in the order first mentioned (article.mentioned's)
        order = enumerate(article.mentioned)
        members = sorted(
            ((position, m) for position, m in order if cards[m.entity].kind == kind),
            key=lambda item: (-item[1].times, item[0]),
        )
        if members:
            groups.append(
                {
                    "kind": kind,
                    "label": KIND_LABELS[kind],
                    "entities": [
                        {
                            "id": m.entity,
                            "name": cards[m.entity].name,
                            "count": m.times,
                            "url": f"entities/{m.entity}/",
                            "first": m.anchor,
                        }
                        for _, m in members
                    ],
                }
            )
    return groups


def _note_kind(note: Footnote) -> tuple[str, str]:
    """Type and category of a note, as the page names them."""
    return ("Error" if note.type == "error" else "Regularisation"), note.category or "other"


def _kind_label(kind: tuple[str, str], common: tuple[str, str] | None = None) -> str:
    """How a note states its kind: the type, and its category where it differs from the
    common one (the key states the common kind, whose category 'other' goes without saying)."""
    if kind == common:
        return ""
    if common is not None and kind[1] == common[1]:
        return kind[0]
    return kind[0] if common is None and kind[1] == "other" else f"{kind[0]} ({kind[1]})"


def _note_meta(note: Footnote) -> tuple[str, str, str]:
    """Evidence, certainty and responsibility of a note, as the page states them."""
    return (
        f"evidence {note.evidence}" if note.evidence else "no evidence stated",
        f"certainty {note.cert}",
        f"by {note.resp}" if note.resp else "no editor named",
    )


def _footnotes(article: Article, why: dict[str, str]) -> tuple[list[Context], str, str]:
    """The footnotes, the kind most of them have, and what most say of evidence, certainty
    and responsibility: each stated once above the list, and in a note only where it differs
    (the 601 notes of the example are mostly alike: 24 KB less); a note whose type differs
    but not its category names the type alone. "Certainty high" alone goes
    without saying. A site-wide rule's note is written once, in the ledger: the footnote
    links its entry there (``why``), and reading.js puts the note in its place."""
    kinds = [_note_kind(note) for note in article.footnotes]
    common_kind = Counter(kinds).most_common(1)[0][0] if kinds else None
    metas = [_note_meta(note) for note in article.footnotes]
    common = tuple(Counter(field).most_common(1)[0][0] for field in zip(*metas, strict=True))
    notes = []
    for note, kind, meta in zip(article.footnotes, kinds, metas, strict=True):
        differs = "; ".join(part for part, usual in zip(meta, common, strict=True) if part != usual)
        notes.append(
            {
                "number": note.number,
                "kind": _kind_label(kind, common_kind),
                "note": "" if note.correction in why else note.note,
                "why": why.get(note.correction, ""),
                "meta": differs[:1].upper() + differs[1:] + "." if differs else "",
                "readings": list(note.readings),
                "replacements": list(note.replacements),
                # The paragraph of its first place (reading.js returns to the marker followed).
                "ref": note.ref,
                "places": note.places,
            }
        )
    unsaid = ("no evidence stated", "certainty high", "no editor named")
    stated = [part for part in common if part not in unsaid]
    common_label = _kind_label(common_kind) if common_kind else ""
    return notes, common_label, "; ".join(stated) + "." if stated else ""


def article_jsonld(inputs: ArticlePageInputs, urls: UrlBuilder) -> str:
    article = inputs.article
    mentioned = sorted(m.entity for m in article.mentioned)
    data: Context = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.date.isoformat(),
        "url": urls.full(article.url),
        "mainEntityOfPage": urls.full(article.url),
        "isBasedOn": urls.full(article.url + article.id + ".txt"),
    }
    if inputs.publisher:
        data["publisher"] = {"@type": "Organization", "name": inputs.publisher}
    if article.summary:
        data["description"] = article.summary
    if mentioned:
        # Each entity is described once, by its own page (whose node has its URL as @id):
        # an article names the dozens it mentions by that IRI, instead of repeating each
        # one's type, name and Wikidata link on every page that mentions it.
        data["mentions"] = [{"@id": urls.full(f"entities/{e}/")} for e in mentioned]
    if article.about:
        data["about"] = [entity_ref(inputs.cards[e], urls) for e in article.about]
    if article.footnotes:
        # One comment for all corrections, pointing at where each is stated once: the page's
        # footnotes, and the Web Annotations (one per corrected place, with its note).
        places, notes = sum(note.places for note in article.footnotes), len(article.footnotes)
        data["correction"] = {
            "@type": "CorrectionComment",
            "text": f"{places} editorial correction{'s' if places != 1 else ''} of the text as received, "
            f"explained in {notes} footnote{'s' if notes != 1 else ''}.",
            "url": urls.full(article.url) + "#footnotes",
            "encoding": {
                "@type": "MediaObject",
                "contentUrl": urls.full(article.url + EXPORT_NAME),
                # JSON-LD, gzip-compressed (served as application/gzip)
                "encodingFormat": ["application/ld+json", "application/gzip"],
            },
        }
    return script_json(data)


def article_context(inputs: ArticlePageInputs, urls: UrlBuilder) -> Context:
    """An article page's context, from its inputs alone."""
    article = inputs.article
    footnotes, common_kind, common_meta = _footnotes(article, inputs.why)
    sidebar = _sidebar(article, inputs.cards)
    hrefs: list[str] = []  # the links the parts below write (the url filter records the others)
    return {
        "page": page_context(article.url, article.title, "article", urls, article.summary),
        "article": {
            "id": article.id,
            "title": article.title,
            "title_is_opening": article.title_is_opening,
            "subtitle": article.subtitle,
            "date": article.date.isoformat(),
            "tags": [{"name": t, "url": f"tags/{t}/"} for t in article.tags],
            "summary": article.summary,
            "note_html": article.note_html,
            "toc": [{"anchor": t.anchor, "text": t.text} for t in article.toc],
            "footnotes": footnotes,
            "footnotes_html": footnotes_html(footnotes, article.url, hrefs),
            "common_kind": common_kind,
            "common_meta": common_meta,
            "places": sum(note.places for note in article.footnotes),
            # rule matches no editor decided on: one line on the page, listed in the ledger
            "pending": sum(p.places for p in article.pending),
            "pending_collections": [p.collection for p in article.pending],
            "pending_url": AWAITING_PATH,
            "source_file": article.url + article.id + ".txt",
            "source_view": article.url + "source/",
            "annotations": article.url + EXPORT_NAME,
            "notes": NOTES_PATH if any(note["why"] for note in footnotes) else "",
            "source_publisher": article.source_publisher,
            "source_url": article.source_url,
            "source_author": article.source_author,
            "source_captured": article.source_captured.isoformat() if article.source_captured else "",
            "month_url": f"timeline/{article.date.year:04d}/{article.date.month:02d}/",
        },
        "sidebar": sidebar,
        "sidebar_html": sidebar_html(sidebar, article.url, hrefs),
        PART_HREFS: hrefs,
        # The sidebar's descriptions (and the cards) come from one file, cached across pages.
        "cards": CARDS_PATH
        if any(inputs.cards[e["id"]].described for group in sidebar for e in group["entities"])
        else "",
        "related": [link_context(link) for link in inputs.related],
        "older": link_context(inputs.older) if inputs.older else None,
        "newer": link_context(inputs.newer) if inputs.newer else None,
        "jsonld": article_jsonld(inputs, urls),
    }


# The links an article page's parts written in Python hold (pageparts.py): its made() adds them.
PART_HREFS = "part_hrefs"


# Ids article.html gives every article page, besides its paragraphs' and notes': the ones
# other pages' links may name.
ARTICLE_IDS = ("main", "article")


def article_made(article: Article, context: Context) -> tuple[list[str], list[str]]:
    """An article page's ids (paragraphs, notes, its editor's note's headings) and the links
    its paragraphs hold (mentions, to entity pages), from the data they are written from."""
    ids = [block.anchor for block in context["blocks"]]
    ids += [note_anchor(note.number) for note in article.footnotes]
    ids += [*html_ids(article.note_html), *ARTICLE_IDS, *(("footnotes",) if article.footnotes else ())]
    entities = [relative(article.url, f"entities/{m.entity}/") for m in article.mentioned]
    return ids, [*entities, *context[PART_HREFS]]


@dataclass(frozen=True, slots=True)
class ArticlePlanner:
    """Plans each article's outputs: its page, its source view, the seed as received and its
    Web Annotations. A plan holds what makes its output (the page's context, the file's bytes)
    as this planner's method and the article's index, made again where the output is
    produced: closures over the same took 2.7 kB an article, held from planning to the end
    of produce (270 MiB at 100,000 articles)."""

    site: Site
    urls: UrlBuilder
    body_of: BodyOf
    keys: PageKeys
    site_ctx: Context

    def plan(self, index: int) -> tuple[list[PagePlan], list[FilePlan]]:
        site, keys = self.site, self.keys
        article = site.articles[index]
        # Links in the page's Markdown come from the editorial file: name it first.
        sources = ((article.editorial_path,) if article.editorial_path else ()) + (article.seed_path,)
        with keys.reading(PageUnit("article", article.id)):  # what its outputs read of other parts
            page_key = article_inputs(site, index, keys).key(keys.shared)
            export_key = self._export_inputs(article).key()
        pages = [
            PagePlan(
                article.url,
                "article.html",
                Call(ArticlePlanner._page, self, index),
                sources,
                link_lines=link_lines(list(article.note_links)) if article.editorial_path else NO_LINES,
                lazy=(("blocks", article.digest),),
                key=page_key,
                made=Call(article_made, article),
            ),
            PagePlan(
                article.url + "source/",
                "source.html",
                Call(ArticlePlanner._source_page, self, index),
                (article.seed_path,),
                key=data_key("source", keys.shared, _source_inputs(article)),
            ),
        ]
        files = [
            FilePlan(
                article.url + article.id + ".txt",
                article.seed_digest,
                Call(ArticlePlanner._seed, self, index),
                SEED_COPIES,
            ),
            FilePlan(
                article.url + EXPORT_NAME,
                export_key,
                Call(ArticlePlanner._export, self, index),
                ANNOTATIONS,
            ),
        ]
        return pages, files

    def _page(self, index: int) -> Context:
        # Its inputs are made again where the page is rendered: plans do not hold them.
        inputs = article_inputs(self.site, index, self.keys)
        return {**article_context(inputs, self.urls), "site": self.site_ctx}

    def _source_page(self, index: int) -> Context:
        # Everything the source view shows: the article's link, its seed file's name and hash,
        # and the seed's bytes (named by that hash). Its key names the same (_source_inputs).
        article = self.site.articles[index]
        link, article_id, seed_path, seed_digest = _source_inputs(article)
        title, url, _ = link
        return {
            "site": self.site_ctx,
            "page": page_context(url + "source/", f"Source as received: {title}", "source", self.urls),
            "article": link_context(link),
            "source_file": url + article_id + ".txt",
            "seed_name": Path(seed_path).name,
            "seed_digest": seed_digest,
            "listing_html": source_listing(self.body_of(article).source.decode("utf-8")),
        }

    def _seed(self, index: int) -> bytes:
        return self.body_of(self.site.articles[index]).source

    def _wikidata(self, entity_id: str) -> str:
        return self.keys.entity_card(entity_id).wikidata

    def _export_inputs(self, article: Article) -> ExportInputs:
        return export_inputs(self.site, article, self.urls, self._wikidata, self.keys.rule_link)

    def _export(self, index: int) -> bytes:
        article = self.site.articles[index]
        body = self.body_of(article)
        data = body.source
        seed, _ = parse_seed(data, article.id, article.seed_path)
        if seed is None:
            raise ValueError(f"{article.seed_path}: the seed no longer parses; build again")
        # Its inputs are made again here: plans do not hold them (hundreds of notes each).
        inputs = self._export_inputs(article)
        return compressed(annotation_page(inputs, body, seed, data.decode("utf-8"), NOTES_PATH))


def _source_inputs(article: Article) -> tuple[Link, str, str, str]:
    return (link_of(article), article.id, article.seed_path, article.seed_digest)
