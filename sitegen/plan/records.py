"""Plan the output: for every page, its URL, template and explicit context.

A context holds plain data only (strings, numbers, lists, dicts), so a page
is a pure function of (template, context) and the plan can be fingerprinted.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sitegen.budget import OTHER
from sitegen.linkcheck import html_ids
from sitegen.model import Article, ArticleBody
from sitegen.site import Site
from sitegen.urls import UrlBuilder, output_path

Context = dict[str, Any]
# What only an article's own outputs read of its analysis (model.ArticleBody), read from the
# build state when they are made: among it the seed's bytes as the analysis read them, so the
# outputs made of the seed come from them, never from the file read again.
BodyOf = Callable[[Article], ArticleBody]
KIND_LABELS = {
    "person": "People",
    "organization": "Organisations",
    "place": "Places",
    "event": "Events",
    "other": "Other",
}


# A page without Markdown links: one empty mapping for all (read-only by its type; a
# MappingProxyType would not pickle with the link check's records).
NO_LINES: Mapping[str, int] = {}


class Call(tuple[Any, ...]):
    """A function and its first arguments, called with the rest: what functools.partial
    does, in a third of the memory. A plan holds one for each output it makes later, and a
    site of 100,000 articles plans half a million (190 bytes each as partials, 64 as this)."""

    __slots__ = ()

    def __new__(cls, fn: Callable[..., Any], *args: Any) -> Call:
        return tuple.__new__(cls, (fn, *args))

    def __call__(self, *more: Any) -> Any:
        fn, *args = self
        return fn(*args, *more)


@dataclass(frozen=True, slots=True)
class PagePlan:
    url: str  # site-relative
    template: str
    # The explicit context, or a function that builds it: large contexts (articles, entity
    # pages) are built only when the page is fingerprinted, in the worker that renders it,
    # and dropped after, so a build never holds every page's context at once.
    context: Context | Callable[[], Context]
    sources: tuple[str, ...]  # the input files this page is mostly about (for diagnostics)
    # href -> line in sources[0] (from Markdown); pages without such links share NO_LINES
    link_lines: Mapping[str, int] = field(default_factory=lambda: NO_LINES)
    # Context values too big to build for every page on every build: (context key, reference).
    # A reference names its value by content (an article's digest), so
    # the page stays a pure function of its context; the renderer fills them in (render.py).
    lazy: tuple[tuple[str, str], ...] = ()
    # For a context built on demand: a digest of everything the builder reads (the page's
    # inputs), so an unchanged page is recognised without building its context. The
    # incremental property test (tests/test_incremental.py) holds it complete.
    key: str = ""
    # The ids the page has and the links it holds beyond those its template writes through
    # the url filter (which records them): made from the same data as the page, given its
    # full context (lazy values in), so the link check need not read the page's HTML.
    made: Callable[[Context], tuple[Iterable[str], Iterable[str]]] | None = None
    # How much of the parent's memory rendering it reads, in article pages (listing_weight):
    # a worker is replaced after a weight of tasks (workers.LIFE), as what it reads is copied.
    weight: int = 1
    # The file it is written to: one string for every table that names the page by it (the
    # outputs' kinds, the pages of each template, the records), not one each.
    path: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", output_path(self.url))

    def make_context(self) -> Context:
        return self.context() if callable(self.context) else self.context


@dataclass(frozen=True, slots=True)
class FilePlan:
    """A file copied or generated without a template.

    ``fingerprint`` names everything the bytes depend on; ``produce`` makes them only
    when the fingerprint changed since the last build.
    """

    path: str
    fingerprint: str
    produce: Callable[[], bytes]
    kind: str = OTHER  # kind of output, for the byte budget (budget.py)


# A row of a listing (an article's link, summary or mentions: entity pages, listings, the
# ledger) reads about a sixth of what an article page reads of the parent's memory: rendered
# in a forked worker, 100,000 articles, an entity page copied 826 KiB and an article page
# 43 KiB (entity pages list 100 articles a page, the other listings 50).
ROWS_PER_WEIGHT = 6


def listing_weight(rows: int) -> int:
    """A page's weight (PagePlan.weight) that lists ``rows`` articles."""
    return 1 + rows // ROWS_PER_WEIGHT


AWAITING_PATH = "corrections/awaiting/"  # the ledger's rule matches awaiting review (ledger.plan_ledger)
NOTES_PATH = "corrections/notes.jsonld"  # site-wide rules' notes by ledger anchor (ledger.notes_file)
CARDS_PATH = "entities/cards.json"  # entities' descriptions by id (plan.archive.cards_file)


def digest_of(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def data_file(path: str, data: bytes, kind: str = OTHER) -> FilePlan:
    return FilePlan(path, hashlib.blake2b(data, digest_size=16).hexdigest(), lambda: data, kind)


# An article as a link shows it (listings, related and neighbouring articles): title, URL, date.
Link = tuple[str, str, str]


def link_of(article: Article) -> Link:
    return (article.title, article.url, article.date.isoformat())


class LedgerNote(NamedTuple):
    """A footnote of an article as the ledger reads it, with its number of places there."""

    number: int
    correction: str
    type: str
    category: str
    note: str
    collection: str
    confirmed: str
    readings: tuple[str, ...]
    replacements: tuple[str, ...]
    places: int


class LedgerPart(NamedTuple):
    """Everything the ledger, the list of matches awaiting review and the site's checks read
    of one article but its link: they see an article only through :func:`ledger_part`, read
    through PageKeys, which records the pages that read it (plan.ledger), as its link."""

    notes: tuple[LedgerNote, ...]
    places: int
    pending: tuple[tuple[str, int, int, tuple[str, ...]], ...]  # (collection, places, first line, rules)


def ledger_part(article: Article) -> LedgerPart:
    notes = tuple(
        LedgerNote(
            n.number,
            n.correction,
            n.type,
            n.category,
            n.note,
            n.collection,
            n.confirmed,
            n.readings,
            n.replacements,
            n.places,
        )
        for n in article.footnotes
    )
    pending = tuple((p.collection, p.places, p.line, p.rules) for p in article.pending)
    return LedgerPart(notes, sum(n.places for n in notes), pending)


def link_context(link: Link) -> Context:
    return {"title": link[0], "url": link[1], "date": link[2]}


def site_context(site: Site, urls: UrlBuilder) -> Context:
    config = site.config
    return {
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "publisher": config.publisher,
        "base_url": urls.full(""),
        "nav": [{"title": p.title, "url": p.id + "/"} for p in site.pages],
        "search": "search/" if site.search else "",
        "feed": "feed.xml" if urls.origin else "",  # feeds need absolute URLs (plan/publish.py)
    }


def page_context(
    url: str, title: str, kind: str, urls: UrlBuilder, description: str = "", absolute_links: bool = False
) -> Context:
    return {
        "url": url,
        "title": title,
        "kind": kind,
        "canonical": urls.full(url),
        "description": description,
        "absolute_links": absolute_links,
    }


def paged_url(base: str) -> Callable[[int], str]:
    """URLs of a paginated listing: ``base`` for page 1, then ``base/page/N/``."""

    def url_of(number: int) -> str:
        return base if number == 1 else f"{base}page/{number}/"

    return url_of


def paginate(
    items: list[Any], per_page: int, url_of: Callable[[int], str]
) -> list[tuple[str, list[Any], Context]]:
    """Split a list into pages: (url, items, pagination context) per page; at least one page."""
    chunks = [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        pagination = {
            "number": number,
            "total": len(chunks),
            "previous": url_of(number - 1) if number > 1 else None,
            "next": url_of(number + 1) if number < len(chunks) else None,
        }
        pages.append((url_of(number), chunk, pagination))
    return pages


def script_json(data: Context) -> str:
    """JSON to embed in a <script> element: '<', '>' and '&' escaped, so no text can end the
    element or open a comment inside it (<!--, </script>)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def data_key(*parts: Any) -> str:
    """A digest of plain data (str, int, None, tuples, lists, dicts): marshal, not repr, since
    keys are computed for every page of every build."""
    return hashlib.blake2b(marshal.dumps(parts, 2), digest_size=16).hexdigest()


def markdown_made(html: Callable[[Context], str]) -> Callable[[Context], tuple[set[str], tuple[()]]]:
    """The ids of a page's Markdown (``html`` finds it in the page's context); its links are
    the plan's ``link_lines``."""
    return lambda context: (html_ids(html(context)), ())
