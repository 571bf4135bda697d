"""Plan the archive's navigation pages: entities, tags, timeline (the ledger: ledger.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson

from sitegen.budget import ENTITY_PAGES
from sitegen.entities import KINDS, Entity
from sitegen.markdown import link_lines, render_markdown
from sitegen.model import EntityMentions
from sitegen.plan.keys import PageKeys, PageUnit, entity_card, entity_ref
from sitegen.plan.records import (
    CARDS_PATH,
    KIND_LABELS,
    NO_LINES,
    Context,
    FilePlan,
    Link,
    PagePlan,
    data_key,
    digest_of,
    listing_weight,
    markdown_made,
    page_context,
    paged_url,
    paginate,
    script_json,
    site_context,
)
from sitegen.site import Site
from sitegen.text import MONTHS
from sitegen.urls import UrlBuilder


def _entity_context(site: Site, entity_id: str, links: list[tuple[str, int]]) -> Context:
    entity = site.entities[entity_id]
    note = entity.note_markdown
    return {
        "id": entity.id,
        "name": entity.name,
        "kind": entity.kind,
        "kind_label": KIND_LABELS[entity.kind],
        "description": entity.description,
        "note_html": render_markdown(note, f"entities/{entity.id}/", first_line=entity.note_line, links=links)
        if note.strip()
        else "",
        "wikidata": entity.wikidata or "",
        "links": [{"title": link.title, "url": link.url} for link in entity.links],
        "aliases": [a.text for a in entity.aliases],
    }


class MentionGroups:
    """The mentions of each article grouped by entity, made on first use and shared by every
    entity page: listing an entity's rows then costs its own mentions, not all the article's
    (an article is listed on the pages of every entity it mentions; one long article may
    mention hundreds of entities thousands of times)."""

    def __init__(self, site: Site) -> None:
        self._site = site
        self._groups: dict[int, dict[str, int]] = {}

    def of(self, index: int, entity_id: str) -> EntityMentions:
        return self._site.articles[index].mentioned[self._position(index, entity_id)]

    def snippet(self, index: int, entity_id: str) -> tuple[str, str, str]:
        """The article's first mention of the entity in its sentence: before, surface, after."""
        return self._site.articles[index].snippet(self._position(index, entity_id))

    def _position(self, index: int, entity_id: str) -> int:
        groups = self._groups.get(index)
        if groups is None:
            mentioned = self._site.articles[index].mentioned
            groups = self._groups[index] = {m.entity: n for n, m in enumerate(mentioned)}
        return groups[entity_id]

    def clear(self) -> None:
        """Forget the groups made (370 bytes an article): made again on use, where the pages
        are rendered, instead of held by the parent through produce."""
        self._groups.clear()


SNIPPETS = 5  # articles shown with a keyword-in-context snippet, on an entity's first page


# An article in an entity's listing: its link, the anchor of its first mention of the
# entity, how many it has, and that mention in context (before, surface, after) or None.
Row = tuple[Link, str, int, tuple[str, str, str] | None]


def entity_row(keys: PageKeys, groups: MentionGroups, index: int, entity_id: str, snippet: bool) -> Row:
    """Article ``index`` as the listing of ``entity_id`` shows it (``snippet``: with its first
    mention in context). A patch compares an edited article's rows with this very function."""
    mine = groups.of(index, entity_id)
    return (
        keys.link(index),
        mine.anchor,
        mine.times,
        groups.snippet(index, entity_id) if snippet else None,
    )


@dataclass(frozen=True, slots=True)
class EntityPageInputs:
    """Everything one page of an entity's listing shows (besides the entity's own part,
    made of its record once for all its pages): :func:`_entity_page_context` reads nothing
    else, so :meth:`key` names the page's inputs by construction."""

    entity: Entity
    url: str
    title: str
    pagination: Context
    rows: tuple[Row, ...]
    article_count: int
    mention_count: int
    cooccurring: tuple[tuple[str, str, int], ...]  # (id, name, shared articles), first page only

    def key(self, shared: str) -> str:
        return data_key(
            "entity",
            shared,
            repr(self.entity),
            self.url,
            self.title,
            self.pagination,
            self.rows,
            self.article_count,
            self.mention_count,
            self.cooccurring,
        )


def entity_page_inputs(
    site: Site,
    keys: PageKeys,
    entity_id: str,
    url: str,
    title: str,
    indices: list[int],
    pagination: Context,
    groups: MentionGroups,
) -> EntityPageInputs:
    """The articles at ``indices`` are listed; the first few of page 1 with a snippet. The
    page linked holds every mention (rows of a snippet and links per mention made the entity
    pages heavier than the articles they list)."""
    first = pagination["number"] == 1
    rows = [
        entity_row(keys, groups, index, entity_id, first and n < SNIPPETS) for n, index in enumerate(indices)
    ]
    refs = site.refs
    cooccurring = refs.cooccurrence.get(entity_id, ()) if first else ()
    return EntityPageInputs(
        site.entities[entity_id],
        url,
        title,
        pagination,
        tuple(rows),
        len(refs.entity_articles.get(entity_id, ())),
        refs.entity_counts.get(entity_id, 0),
        tuple((other, keys.entity_card(other).name, count) for other, count in cooccurring),
    )


def _entity_page(
    inputs_of: Callable[[], EntityPageInputs], entity_ctx: Context, site_ctx: Context, urls: UrlBuilder
) -> Context:
    return _entity_page_context(inputs_of(), entity_ctx, site_ctx, urls)


def _entity_page_context(
    inputs: EntityPageInputs, entity_ctx: Context, site_ctx: Context, urls: UrlBuilder
) -> Context:
    entity = inputs.entity
    first = inputs.pagination["number"] == 1
    return {
        "site": site_ctx,
        "page": page_context(inputs.url, inputs.title, "entity", urls, entity.description),
        "entity": entity_ctx,
        "articles": [
            {
                "title": title,
                "url": f"{url}#{anchor}",
                "date": date,
                "mentions": mentions,
                "snippet": {"before": snippet[0], "surface": snippet[1], "after": snippet[2]}
                if snippet
                else None,
            }
            for (title, url, date), anchor, mentions, snippet in inputs.rows
        ],
        "article_count": inputs.article_count,
        "mention_count": inputs.mention_count,
        "cooccurring": [
            {"name": name, "url": f"entities/{other}/", "count": count}
            for other, name, count in inputs.cooccurring
        ],
        "pagination": inputs.pagination,
        "jsonld": _entity_jsonld(entity, urls) if first else "",
    }


_ENTITY_MADE = markdown_made(lambda context: str(context["entity"]["note_html"]))


def plan_entity(
    site: Site,
    urls: UrlBuilder,
    keys: PageKeys,
    entity_id: str,
    site_ctx: Context,
    groups: MentionGroups,
    numbers: set[int] | None = None,
) -> list[PagePlan]:
    """The pages of one entity's listing (only the page ``numbers`` given, if any)."""
    per_page = site.config.entities.per_page
    entity = site.entities[entity_id]
    indices = site.refs.entity_articles.get(entity_id, ())
    note_links: list[tuple[str, int]] = []
    entity_ctx = _entity_context(site, entity_id, note_links)
    plans = []
    for url, chunk, pagination in paginate(list(indices), per_page, paged_url(f"entities/{entity_id}/")):
        if numbers is not None and pagination["number"] not in numbers:
            continue
        title = entity.name if pagination["number"] == 1 else f"{entity.name}, page {pagination['number']}"
        inputs_of = partial(entity_page_inputs, site, keys, entity_id, url, title, chunk, pagination, groups)
        with keys.reading(PageUnit("entity", entity_id, pagination["number"])):
            inputs = inputs_of()
        # Its inputs are made again where the page is rendered: plans hold no page's rows.
        context = partial(_entity_page, inputs_of, entity_ctx, site_ctx, urls)
        plans.append(
            PagePlan(
                url,
                "entity.html",
                context,
                (entity.path,),
                link_lines=link_lines(note_links) if pagination["number"] == 1 else NO_LINES,
                key=inputs.key(keys.shared),
                made=_ENTITY_MADE,
                weight=listing_weight(len(chunk)),
            )
        )
    return plans


def plan_entity_index(site: Site, urls: UrlBuilder, site_ctx: Context) -> PagePlan:
    """``entities/``: every entity by kind, with its description and counts."""
    groups = []
    for kind in KINDS:
        members = sorted((e for e in site.entities.values() if e.kind == kind), key=lambda e: e.name.lower())
        if members:
            groups.append(
                {
                    "kind": kind,
                    "label": KIND_LABELS[kind],
                    "entities": [
                        {
                            "name": e.name,
                            "url": f"entities/{e.id}/",
                            "description": e.description,
                            "articles": len(site.refs.entity_articles.get(e.id, ())),
                            "mentions": site.refs.entity_counts.get(e.id, 0),
                        }
                        for e in members
                    ],
                }
            )
    return PagePlan(
        "entities/",
        "entities.html",
        {
            "site": site_ctx,
            "page": page_context("entities/", "People, organisations and places", "entities", urls),
            "groups": groups,
        },
        (),
    )


def cards_file(site: Site) -> FilePlan | None:
    """``entities/cards.json``: each entity's description by its id, written once for the
    site instead of in the sidebar of every article that mentions it; reading.js puts it
    into the sidebar and shows it as the card of a mention link. None without descriptions."""
    cards = {e.id: e.description for e in sorted(site.entities.values(), key=lambda e: e.id) if e.description}
    if not cards:
        return None
    return FilePlan(CARDS_PATH, digest_of("cards", cards), lambda: orjson.dumps(cards), ENTITY_PAGES)


def _entity_jsonld(entity: Entity, urls: UrlBuilder) -> str:

    # Its URL is its @id: articles name the entities they mention by it (article_jsonld).
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@id": urls.full(f"entities/{entity.id}/"),
        **entity_ref(entity_card(entity), urls),
    }
    if entity.description:
        data["description"] = entity.description
    return script_json(data)


def plan_tags(site: Site, urls: UrlBuilder, keys: PageKeys) -> list[PagePlan]:
    site_ctx = site_context(site, urls)
    plans: list[PagePlan] = []
    for tag, indices in site.refs.tags.items():
        for url, chunk, pagination in paginate(
            [keys.listed(i) for i in indices],
            site.config.per_page,
            paged_url(f"tags/{tag}/"),
        ):
            plans.append(
                PagePlan(
                    url,
                    "list.html",
                    {
                        "site": site_ctx,
                        "page": page_context(url, f"Tag: {tag}", "tag", urls),
                        "heading": f"Articles tagged “{tag}”",
                        "articles": chunk,
                        "pagination": pagination,
                        "count": len(indices),
                    },
                    (),
                    weight=listing_weight(len(chunk)),
                )
            )
    plans.append(
        PagePlan(
            "tags/",
            "tags.html",
            {
                "site": site_ctx,
                "page": page_context("tags/", "Tags", "tags", urls),
                "tags": [
                    {"name": t, "url": f"tags/{t}/", "count": len(i)} for t, i in site.refs.tags.items()
                ],
            },
            (),
        )
    )
    return plans


def plan_timeline(site: Site, urls: UrlBuilder, keys: PageKeys) -> list[PagePlan]:
    site_ctx = site_context(site, urls)
    plans: list[PagePlan] = []
    years: dict[int, list[Context]] = {}
    for (year, month), indices in site.refs.months.items():
        base = f"timeline/{year:04d}/{month:02d}/"
        label = f"{MONTHS[month - 1]} {year}"
        years.setdefault(year, []).append({"label": label, "url": base, "count": len(indices)})
        for url, chunk, pagination in paginate(
            [keys.listed(i) for i in indices], site.config.per_page, paged_url(base)
        ):
            plans.append(
                PagePlan(
                    url,
                    "list.html",
                    {
                        "site": site_ctx,
                        "page": page_context(url, label, "month", urls),
                        "heading": f"Articles from {label}",
                        "articles": chunk,
                        "pagination": pagination,
                        "count": len(indices),
                        "up": {"title": str(year), "url": f"timeline/{year:04d}/"},
                    },
                    (),
                    weight=listing_weight(len(chunk)),
                )
            )
    for year, months in years.items():
        url = f"timeline/{year:04d}/"
        plans.append(
            PagePlan(
                url,
                "year.html",
                {
                    "site": site_ctx,
                    "page": page_context(url, str(year), "year", urls),
                    "year": year,
                    "months": months,
                    "count": sum(m["count"] for m in months),
                },
                (),
            )
        )
    plans.append(
        PagePlan(
            "timeline/",
            "timeline.html",
            {
                "site": site_ctx,
                "page": page_context("timeline/", "Timeline", "timeline", urls),
                "years": [
                    {"year": y, "url": f"timeline/{y:04d}/", "months": m, "count": sum(x["count"] for x in m)}
                    for y, m in years.items()
                ],
            },
            (),
        )
    )
    return plans
