"""What pages read of other parts of the site: entities' cards, articles' links, and the
keys (digests of those inputs) that say whether a page must be rendered again; the reads
are recorded as pages are planned (PageReads), for patches."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from sitegen.entities import Entity
from sitegen.model import Article
from sitegen.plan.records import (
    Context,
    LedgerPart,
    Link,
    data_key,
    ledger_part,
    link_context,
    link_of,
    site_context,
)
from sitegen.site import Site
from sitegen.urls import UrlBuilder


@dataclass(frozen=True, slots=True)
class EntityCard:
    """What pages other than an entity's own show of it: sidebars and JSON-LD. Its
    description is in entities/cards.json: they show only whether it has one."""

    id: str
    name: str
    kind: str
    described: bool
    wikidata: str

    def parts(self) -> tuple[str, str, str, bool, str]:
        return (self.id, self.name, self.kind, self.described, self.wikidata)


def entity_card(entity: Entity) -> EntityCard:
    return EntityCard(entity.id, entity.name, entity.kind, bool(entity.description), entity.wikidata or "")


def entity_ref(card: EntityCard, urls: UrlBuilder) -> Context:
    schema_type = {
        "person": "Person",
        "organization": "Organization",
        "place": "Place",
        "event": "Event",
    }.get(card.kind, "Thing")
    ref: Context = {"@type": schema_type, "name": card.name, "url": urls.full(f"entities/{card.id}/")}
    if card.wikidata:
        ref["sameAs"] = f"https://www.wikidata.org/wiki/{card.wikidata}"
    return ref


class PageUnit(NamedTuple):
    """Pages planned together, as a patch plans them again: an article's outputs
    (``("article", id)``), one page of an entity's listing (``("entity", id, number)``), the
    pages of one planner (``("planner", name)``: plan.site.PAGE_PLANNERS) or a file made of
    other parts of the site (``("file", name)``: the feed); a patch that meets a reader it
    cannot plan apart builds the whole site."""

    kind: str
    id: str
    number: int = 1


def summary_of(article: Article) -> str:
    return article.summary


# What pages read of another article through PageKeys, by the table PageReads records the
# reading pages in: the record a patch compares to know whether those pages must be planned.
ARTICLE_READS: dict[str, Callable[[Article], object]] = {
    "links": link_of,
    "summaries": summary_of,
    "ledger_parts": ledger_part,
}


READ_TABLES = ("cards", *ARTICLE_READS, "rule_links")  # the tables of PageReads that record readers


@dataclass
class PageReads:
    """What the pages of the last full build read, recorded as they were planned, not
    declared: for each entity, the pages that show its card; for each article, the pages
    other than its own that show its link, those that show its summary and those that show
    its corrections (the ledger); for each correction, the pages that link its ledger entry
    (or would: a rule's note is in the ledger) (:meth:`PageKeys.reading`); for each template, the
    planners whose pages are rendered with it (plan.site.plan_pages). A patch plans those
    again (patch.plan_patch)."""

    cards: dict[str, tuple[PageUnit, ...]] = field(default_factory=dict)
    links: dict[str, tuple[PageUnit, ...]] = field(default_factory=dict)
    summaries: dict[str, tuple[PageUnit, ...]] = field(default_factory=dict)
    ledger_parts: dict[str, tuple[PageUnit, ...]] = field(default_factory=dict)
    rule_links: dict[str, tuple[PageUnit, ...]] = field(default_factory=dict)
    templates: dict[str, set[str]] = field(default_factory=dict)
    # The readers being recorded, by table and key, as numbers of units (_units) in the order
    # read; close() keeps them as sorted tuples of units. Sets of units took 4.3 kB an article
    # at 10,000 articles while a build planned (430 MiB at 100,000), arrays a fifth of it.
    _open: dict[str, dict[str, array[int]]] = field(
        default_factory=lambda: {table: {} for table in READ_TABLES}, repr=False
    )
    _units: list[PageUnit] = field(default_factory=list, repr=False)
    _numbers: dict[PageUnit, int] = field(default_factory=dict, repr=False)

    def _number(self, unit: PageUnit) -> int:
        units = self._units
        if units and units[-1] is unit:  # a page's reads come one after the other
            return len(units) - 1
        number = self._numbers.get(unit)
        if number is None:
            number = self._numbers[unit] = len(units)
            units.append(unit)
        return number

    def read(self, table: str, key: str, unit: PageUnit) -> None:
        """Record that ``unit``'s pages read ``key`` (an entity id or article id) of ``table``."""
        opened = self._open[table]
        numbers = opened.get(key)
        if numbers is None:
            recorded = getattr(self, table).get(key, ())
            # A patch planning a page again: most of its reads are recorded already. The
            # tuples are sorted (close()), and thousands long for a rule or a common entity.
            found = bisect_left(recorded, unit)
            if found < len(recorded) and recorded[found] == unit:
                return
            numbers = opened[key] = array("I", map(self._number, recorded))
        number = self._number(unit)
        if not numbers or numbers[-1] != number:  # a page reads the same key many times in a row
            numbers.append(number)

    def _sorted(self, numbers: array[int]) -> tuple[PageUnit, ...]:
        units = self._units
        return tuple(sorted({units[n] for n in numbers}))

    def readers(self, table: str, key: str) -> tuple[PageUnit, ...]:
        """The pages that read ``key`` of ``table``, in order."""
        numbers = self._open[table].get(key)
        return self._sorted(numbers) if numbers is not None else getattr(self, table).get(key, ())

    def close(self) -> None:
        """Keep what was recorded compactly (recording may go on afterwards): each set of
        readers as a tuple, one tuple for all keys the same pages read (every article is
        read by the same listings, most of them by no other page but its neighbours')."""
        shared: dict[tuple[PageUnit, ...], tuple[PageUnit, ...]] = {}
        for table, opened in self._open.items():
            kept = getattr(self, table)
            for key, numbers in opened.items():
                readers = self._sorted(numbers)
                kept[key] = shared.setdefault(readers, readers)
            opened.clear()
        self._units.clear()
        self._numbers.clear()


class PageKeys:
    """Digests of the parts of the site model that pages built on demand read (their keys).
    Planners read entities' cards through it; with ``reads``, it records which page read
    each (inside :meth:`reading`)."""

    def __init__(self, site: Site, urls: UrlBuilder, reads: PageReads | None = None) -> None:
        self.site = site
        # What every page reads of the configuration: the site context (title, URLs, ...).
        # Other settings reach a page through its inputs (pagination, publisher): a setting
        # no page reads (the size budget, the custom domain) renders none again.
        self.shared = data_key(site_context(site, urls))
        self._cards: dict[str, EntityCard] = {}
        self._links: dict[int, Link] = {}
        self._listed: dict[int, Context] = {}
        self._reads = reads
        self._reader: PageUnit | None = None

    @contextmanager
    def reading(self, unit: PageUnit) -> Iterator[None]:
        """Record what is read in this block as read by ``unit``'s pages (a block inside
        another records for its own unit)."""
        outer, self._reader = self._reader, unit
        try:
            yield
        finally:
            self._reader = outer

    def _record(self, table: str, key: str) -> None:
        unit = self._reader
        if unit is not None and self._reads is not None:
            self._reads.read(table, key, unit)

    def _shown(self, table: str, index: int) -> None:
        unit = self._reader
        if unit is not None and self._reads is not None:
            article_id = self.site.articles[index].id
            if unit.id != article_id or unit.kind != "article":  # its own pages are planned with it
                self._reads.read(table, article_id, unit)

    def link(self, index: int) -> Link:
        """The link of article ``index`` (pages show an article's link on many others)."""
        self._shown("links", index)
        link = self._links.get(index)
        if link is None:
            link = self._links[index] = link_of(self.site.articles[index])
        return link

    def summary(self, index: int) -> str:
        """The summary of article ``index`` (listings and the feed show it)."""
        self._shown("summaries", index)
        return summary_of(self.site.articles[index])

    def rule_link(self, key: str) -> str | None:
        """Where the ledger's entry of correction ``key`` is, if it is a site-wide rule that
        applies somewhere (ledger.rule_links): footnotes, exports and the notes file link it."""
        self._record("rule_links", key)
        return self.site.rule_links.get(key)

    def ledger_part(self, index: int) -> LedgerPart:
        """What the ledger shows of article ``index`` but its link (its corrections)."""
        self._shown("ledger_parts", index)
        return ledger_part(self.site.articles[index])

    def listed(self, index: int) -> Context:
        """Article ``index`` as listings show it: its link and its summary. One dict for the
        home, tag and month listings alike (contexts are read, never written), not one for
        each: those took about 0.3 kB an article more, held by the listings' plans through
        produce."""
        link, summary = self.link(index), self.summary(index)  # recorded for each reader
        listed = self._listed.get(index)
        if listed is None:
            listed = self._listed[index] = dict(link_context(link), summary=summary)
        return listed

    def entity_card(self, entity_id: str) -> EntityCard:
        self._record("cards", entity_id)
        card = self._cards.get(entity_id)
        if card is None:
            card = self._cards[entity_id] = entity_card(self.site.entities[entity_id])
        return card

    def card(self, entity_id: str) -> str:
        """What other pages show of an entity (EntityCard), as a digest."""
        return data_key(self.entity_card(entity_id).parts())

    def ledger_page_key(self, context: Context) -> str:
        """What one ledger page shows: its whole context but the site's (small: the ledger
        lists counts and links, no places)."""
        return data_key("ledger", self.shared, context)
