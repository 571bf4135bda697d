"""Plan the corrections ledger: two indexes whose size grows with corrections plus articles.

- By correction (``corrections/``): every distinct correction once, with its note, type
  and counts, and links to the footnote it is in the first few articles it applies in.
- By article (``corrections/articles/``): one row per corrected article, linked to its
  footnotes, which link every corrected place of the article.

So every place is one link away from the ledger (the page holding it, whose footnotes mark
each place) without the ledger listing places: on densely corrected text that list was
correction × article, the heaviest listing of the site. Both indexes are paginated.

A site-wide rule's note is written here once (its entry has an anchor, :func:`rule_links`)
and in ``corrections/notes.jsonld`` for reading.js and the Web Annotation exports; article
footnotes link to it instead of repeating it on every page (per-article corrections keep
their note in the footnote).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from sitegen.budget import ANNOTATIONS
from sitegen.model import note_anchor
from sitegen.plan.keys import PageKeys, PageUnit
from sitegen.plan.records import (
    AWAITING_PATH,
    NOTES_PATH,
    Context,
    FilePlan,
    LedgerNote,
    LedgerPart,
    Link,
    PagePlan,
    digest_of,
    listing_weight,
    page_context,
    paged_url,
    paginate,
    site_context,
)
from sitegen.scope import BY_COLLECTION, BY_EDITOR, BY_RULE, BY_RULES_LINE
from sitegen.site import Site
from sitegen.urls import UrlBuilder
from sitegen.webannotation import notes_document

EXAMPLES = 3  # articles linked under a correction, as examples of where it applies
LEDGER_DESCRIPTION = "Every editorial correction in the archive, with the source reading it replaces."
BY_ARTICLE = "corrections/articles/"
# How each applied correction was confirmed, as a by-article row says it (the page's key explains).
CONFIRMED = {
    BY_RULES_LINE: "its rules line",
    BY_COLLECTION: "the collection’s list",
    BY_RULE: "the rule’s list",
}


@dataclass
class LedgerEntry:
    """One distinct correction: what the ledger says of it and where it applies."""

    key: str
    find: str
    replace: str
    type: str
    category: str
    note: str
    collection: str  # a rule's collection; empty for a correction in an article's editorial file
    places: int = 0
    articles: int = 0
    examples: list[Context] = field(default_factory=list)  # links to its footnote in a few articles

    def info(self, anchor: str = "") -> Context:
        return {
            "anchor": anchor,
            "find": self.find,
            "replace": self.replace,
            "type": self.type,
            "category": self.category,
            "note": self.note,
            "collection": self.collection,
            "places": self.places,
            "article_count": self.articles,
            "examples": self.examples,
        }


def _entry(site: Site, note: LedgerNote) -> LedgerEntry:
    rule = site.rules.get(note.correction)
    # A regex is no reading: show what it matched, as for per-article records.
    literal = rule is not None and not getattr(rule, "regex", False)
    find = getattr(rule, "find", "") if literal else " / ".join(note.readings)
    return LedgerEntry(
        note.correction,
        find,
        " / ".join(note.replacements),
        note.type,
        note.category,
        note.note,
        note.collection,
    )


def confirmations(notes: Iterable[LedgerNote]) -> list[str]:
    """How an article's corrections were confirmed, each way once: by the rules of which
    collection, accepted where; and its editorial file's own corrections."""
    said: dict[str, str] = {}
    for note in notes:
        if note.confirmed == BY_EDITOR or not note.collection:
            said.setdefault("", "its editorial file")
        else:
            how = CONFIRMED.get(note.confirmed, note.confirmed)
            said.setdefault(f"{note.collection}\0{note.confirmed}", f"{note.collection} ({how})")
    return list(said.values())


class LedgerIndex(NamedTuple):
    entries: list[LedgerEntry]  # every correction that applies somewhere, most places first
    rows: list[Context]  # every corrected article, in the archive's order, with its counts
    awaiting: list[Context]  # every article with rule matches awaiting review (awaiting_index)


def ledger_index(site: Site, keys: PageKeys) -> LedgerIndex:
    """What the ledger's pages list, made of the articles' ledger parts alone, and
    the links (read through ``keys``) of the articles it lists."""
    parts = [keys.ledger_part(i) for i in range(len(site.articles))]
    links = {i: keys.link(i) for i, part in enumerate(parts) if part.places or part.pending}
    entries, rows = _by_correction(parts, links, site)
    return LedgerIndex(entries, rows, awaiting_index(parts, links))


def _by_correction(
    parts: Iterable[LedgerPart], links: Mapping[int, Link], site: Site
) -> tuple[list[LedgerEntry], list[Context]]:
    entries: dict[str, LedgerEntry] = {}
    rows = []
    for index, part in enumerate(parts):
        if not part.places:
            continue
        title, url, date = links[index]
        applied = [n for n in part.notes if n.places]
        for note in applied:
            entry = entries.get(note.correction)
            if entry is None:
                entry = entries[note.correction] = _entry(site, note)
            entry.places += note.places
            entry.articles += 1
            if len(entry.examples) < EXAMPLES:
                entry.examples.append({"title": title, "url": f"{url}#{note_anchor(note.number)}"})
        rows.append(
            {
                "title": title,
                "url": url + "#footnotes",
                "date": date,
                "corrections": len(applied),
                "places": part.places,
                "confirmed": confirmations(part.notes),
            }
        )
    return sorted(entries.values(), key=lambda e: (-e.places, e.key)), rows


def awaiting_index(parts: Iterable[LedgerPart], links: Mapping[int, Link]) -> list[Context]:
    """Every article with rule matches no editor has decided on: its count of places, the
    collections they belong to and the seed line of the first (``sitegen check`` lists them)."""
    return [
        {
            "title": links[index][0],
            "url": links[index][1],
            "places": sum(p[1] for p in part.pending),
            "collections": [p[0] for p in part.pending],
            "line": part.pending[0][2],
        }
        for index, part in enumerate(parts)
        if part.pending
    ]


def rule_anchors(rules: Mapping[str, object]) -> dict[str, str]:
    """Rule key -> the id of its ledger entry: 'r' and its position among the site's rules."""
    return {key: f"r{n}" for n, key in enumerate(rules)}


def rule_links(site: Site, index: LedgerIndex) -> dict[str, str]:
    """Rule key -> URL of its ledger entry, for each site-wide rule that applies somewhere:
    the by-correction page that holds it (as :func:`plan_ledger` paginates) and its anchor.
    ``index``: the site's :func:`ledger_index`."""
    entries = index.entries
    anchors = rule_anchors(site.rules)
    url_of = paged_url("corrections/")
    per_page = site.config.per_page
    return {
        e.key: f"{url_of(n // per_page + 1)}#{anchors[e.key]}"
        for n, e in enumerate(entries)
        if e.key in anchors
    }


NOTES_UNIT = PageUnit("file", "notes")


def notes_file(site: Site, urls: UrlBuilder, keys: PageKeys) -> FilePlan:
    """``corrections/notes.jsonld``: each applying rule's note, with the anchor of its ledger
    entry as id; reading.js puts it into the footnotes that link there, and the articles'
    Web Annotation exports reference it as a body. Which rules apply is read through
    ``keys`` (PageKeys.rule_link, recorded)."""
    anchors = rule_anchors(site.rules)
    with keys.reading(NOTES_UNIT):
        notes = {anchors[key]: rule.note for key, rule in site.rules.items() if keys.rule_link(key)}
    digest = digest_of("notes", notes, urls.full(NOTES_PATH))
    return FilePlan(NOTES_PATH, digest, lambda: notes_document(notes, urls, NOTES_PATH), ANNOTATIONS)


def _with_site(context: Context, site_ctx: Context) -> Callable[[], Context]:
    return lambda: {**context, "site": site_ctx}


def _ledger_ids(context: Context) -> tuple[list[str], tuple[()]]:
    """The ids footnotes link to: each rule entry's anchor on this page (the link check
    knows a page's ids from its data, not by reading its HTML)."""
    return [c["anchor"] for c in context.get("corrections", ()) if c["anchor"]], ()


def plan_ledger(
    site: Site, urls: UrlBuilder, keys: PageKeys, index: LedgerIndex | None = None
) -> list[PagePlan]:
    """The ledger's pages: by correction, then by article, each ``per_page`` to a page.
    ``index``: the site's :func:`ledger_index`, when the caller has it (rule_links needs it too)."""
    site_ctx = site_context(site, urls)
    entries, rows, awaiting = index if index is not None else ledger_index(site, keys)
    anchors = rule_anchors(site.rules)
    totals = {
        "total": sum(e.places for e in entries),
        "article_count": len(rows),
        "correction_count": len(entries),
        "by_article": BY_ARTICLE,
        # An entry names its collection only where there are several (the by-article view
        # says how each was accepted): the example's 587 entries would repeat one name.
        "several_collections": len({e.collection for e in entries if e.collection}) > 1,
        "awaiting_url": AWAITING_PATH if awaiting else "",
        "awaiting_articles": len(awaiting),
        "awaiting_places": sum(a["places"] for a in awaiting),
    }
    listed = [e.info(anchors.get(e.key, "")) for e in entries]
    views: tuple[tuple[str, str, list[Context], str], ...] = (
        ("corrections/", "Corrections ledger", listed, "corrections"),
        (BY_ARTICLE, "Corrections ledger by article", rows, "articles"),
    )
    if awaiting:
        views += ((AWAITING_PATH, "Rule matches awaiting review", awaiting, "awaiting"),)
    plans = []
    for base, heading, items, view in views:
        for url, chunk, pagination in paginate(items, site.config.per_page, paged_url(base)):
            number = pagination["number"]
            title = heading if number == 1 else f"{heading}, page {number}"
            context: Context = {
                "page": page_context(url, title, "ledger", urls, LEDGER_DESCRIPTION),
                "pagination": pagination,
                "view": view,
                view: chunk,
                **totals,
            }
            plans.append(
                PagePlan(
                    url,
                    "ledger.html",
                    _with_site(context, site_ctx),
                    (),
                    key=keys.ledger_page_key(context),
                    made=_ledger_ids,
                    weight=listing_weight(len(chunk)),
                )
            )
    return plans
