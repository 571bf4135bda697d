"""Plan the corrections ledger: every distinct correction once, with the articles it applies in.

A correction (a rule, or a per-article record) is listed once with its note, type and
counts, and under it the articles it corrects, each with links to the paragraphs of its
corrected places: every place is one link away, without repeating the note per place.
A correction that applies in more than ``SHOWN`` articles lists the first of them and
links to a page of its own that lists them all (paginated like every listing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sitegen.model import Article, Footnote
from sitegen.plan import (
    Context,
    PageKeys,
    PagePlan,
    page_context,
    paged_url,
    paginate,
    paragraph_links,
    site_context,
)
from sitegen.site import Site
from sitegen.text import slugify
from sitegen.urls import UrlBuilder

SHOWN = 10  # articles listed under a correction on the ledger itself
LEDGER_DESCRIPTION = "Every editorial correction in the archive, with the source reading it replaces."


@dataclass
class LedgerEntry:
    """One distinct correction: what the ledger says of it and the articles it applies in."""

    key: str
    find: str
    replace: str
    type: str
    category: str
    note: str
    url: str  # its own page (used when it applies in more than SHOWN articles)
    places: int = 0
    articles: list[int] = field(default_factory=list)  # indices into site.articles

    def info(self) -> Context:
        return {
            "find": self.find,
            "replace": self.replace,
            "type": self.type,
            "category": self.category,
            "note": self.note,
            "places": self.places,
            "article_count": len(self.articles),
        }


def _corrections_by_key(article: Article) -> dict[str, list[int]]:
    """Correction key -> paragraph numbers of its places in ``article``, in order."""
    correction_of = {n.number: n.correction for n in article.footnotes}
    blocks: dict[str, list[int]] = {}
    for place in article.places:
        blocks.setdefault(correction_of[place.footnote], []).append(place.block)
    return blocks


def _entry(site: Site, note: Footnote) -> LedgerEntry:
    rule = site.rules.get(note.correction)
    # A regex is no reading: show what it matched, as for per-article records.
    literal = rule is not None and not getattr(rule, "regex", False)
    find = getattr(rule, "find", "") if literal else " / ".join(note.readings)
    slug = slugify(note.correction.removeprefix("content/"), 80) or "correction"
    return LedgerEntry(
        note.correction,
        find,
        " / ".join(note.replacements),
        note.type,
        note.category,
        note.note,
        f"corrections/{slug}/",
    )


def ledger_entries(site: Site) -> list[LedgerEntry]:
    """Every correction that applies somewhere, most places first."""
    entries: dict[str, LedgerEntry] = {}
    for index, article in enumerate(site.articles):
        if not article.places:
            continue
        notes = {n.correction: n for n in article.footnotes}
        for key, blocks in _corrections_by_key(article).items():
            entry = entries.get(key)
            if entry is None:
                entry = entries[key] = _entry(site, notes[key])
            entry.places += len(blocks)
            entry.articles.append(index)
    return sorted(entries.values(), key=lambda e: (-e.places, e.key))


def _listing(site: Site, key: str, indices: list[int]) -> list[Context]:
    """The articles ``indices`` as the ledger lists them under correction ``key``."""
    listed = []
    for i in indices:
        article = site.articles[i]
        blocks = _corrections_by_key(article)[key]
        listed.append(
            {"title": article.title, "url": article.url, "paragraphs": paragraph_links(article, blocks)}
        )
    return listed


def _ledger_page(
    site: Site, fixed: Context, chunk: list[LedgerEntry], shown: int | None
) -> Callable[[], Context]:
    """A page of the ledger (``shown``: articles per correction) or, with one entry and
    ``shown`` None, a page of one correction's articles; built when the page is rendered."""

    def build() -> Context:
        corrections = []
        for entry in chunk:
            indices = entry.articles[:shown] if shown is not None else fixed["indices"]
            more = len(entry.articles) - len(indices) if shown is not None else 0
            corrections.append(
                {
                    **entry.info(),
                    "articles": _listing(site, entry.key, indices),
                    "more": more,
                    "more_url": entry.url,
                }
            )
        return {**fixed, "corrections": corrections}

    return build


def plan_ledger(site: Site, urls: UrlBuilder) -> list[PagePlan]:
    """The ledger's pages (corrections, ``per_page`` to a page) and a page of its own (also
    paginated) for each correction that applies in more than ``SHOWN`` articles."""
    site_ctx = site_context(site, urls)
    keys = PageKeys(site, urls)
    per_page = site.config.per_page
    entries = ledger_entries(site)
    totals = {
        "total": sum(e.places for e in entries),
        "article_count": sum(1 for a in site.articles if a.places),
        "correction_count": len(entries),
    }
    plans = []
    for url, chunk, pagination in paginate(entries, per_page, paged_url("corrections/")):
        number = pagination["number"]
        title = "Corrections ledger" if number == 1 else f"Corrections ledger, page {number}"
        fixed: Context = {
            "site": site_ctx,
            "page": page_context(url, title, "ledger", urls, LEDGER_DESCRIPTION),
            "pagination": pagination,
            "correction": None,
            **totals,
        }
        shown = [(e.info(), e.url, [keys.ledger_digest(i) for i in e.articles[:SHOWN]]) for e in chunk]
        plans.append(
            PagePlan(
                url,
                "ledger.html",
                _ledger_page(site, fixed, chunk, SHOWN),
                (),
                key=keys.ledger_page_key(fixed, shown),
            )
        )
    for entry in entries:
        if len(entry.articles) <= SHOWN:
            continue
        for url, indices, pagination in paginate(entry.articles, per_page, paged_url(entry.url)):
            number = pagination["number"]
            title = f"Correction: {entry.find} → {entry.replace}" + (f", page {number}" if number > 1 else "")
            fixed = {
                "site": site_ctx,
                "page": page_context(url, title, "ledger", urls, entry.note),
                "pagination": pagination,
                "correction": entry.info(),
                "indices": indices,
                **totals,
            }
            listed = [keys.ledger_digest(i) for i in indices]
            plans.append(
                PagePlan(
                    url,
                    "ledger.html",
                    _ledger_page(site, fixed, [entry], None),
                    (),
                    key=keys.ledger_page_key(fixed, listed),
                )
            )
    return plans
