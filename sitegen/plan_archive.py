"""Plan the archive's navigation pages: entities, tags, timeline (the ledger: ledger.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from sitegen.budget import ENTITY_PAGES
from sitegen.entities import KINDS
from sitegen.markdown import link_lines, render_markdown
from sitegen.model import Article, Mention
from sitegen.plan import (
    CARDS_PATH,
    KIND_LABELS,
    Context,
    FilePlan,
    PageKeys,
    PagePlan,
    article_link,
    digest_of,
    markdown_made,
    page_context,
    paged_url,
    paginate,
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
    """The mentions of each long article grouped by entity, made on first use and shared by
    every entity page: listing an entity's snippets then costs its own mentions, not all the
    article's (one long article may mention hundreds of entities thousands of times)."""

    LONG = 64  # mentions; a shorter article is simply scanned

    def __init__(self, site: Site) -> None:
        self._site = site
        self._groups: dict[int, dict[str, list[Mention]]] = {}

    def of(self, index: int, entity_id: str) -> list[Mention]:
        mentions = self._site.articles[index].mentions
        if len(mentions) <= self.LONG:
            return [m for m in mentions if m.entity == entity_id]
        groups = self._groups.get(index)
        if groups is None:
            groups = self._groups[index] = {}
            for m in mentions:
                groups.setdefault(m.entity, []).append(m)
        return groups.get(entity_id, [])


SNIPPETS = 5  # articles shown with a keyword-in-context snippet, on an entity's first page


def _article_row(article: Article, mine: list[Mention], snippet: bool) -> Context:
    """An article in an entity's listing: its title linked to the paragraph of the first
    mention, its date and the number of mentions; the first few with that mention in
    context. The page linked holds every mention (rows of a snippet and links per mention
    made the entity pages heavier than the articles they list)."""
    first = mine[0]
    return {
        "title": article.title,
        "url": f"{article.url}#{first.anchor}",
        "date": article.date.isoformat(),
        "mentions": len(mine),
        "snippet": {"before": first.before, "surface": first.surface, "after": first.after}
        if snippet
        else None,
    }


def _entity_page(
    site: Site,
    urls: UrlBuilder,
    entity_id: str,
    entity_ctx: Context,
    page_ctx: Context,
    indices: list[int],
    pagination: Context,
    site_ctx: Context,
    groups: MentionGroups,
) -> Callable[[], Context]:
    """One page of an entity's listing, built when the page is rendered."""

    def build() -> Context:
        first = pagination["number"] == 1
        return {
            "site": site_ctx,
            "page": page_ctx,
            "entity": entity_ctx,
            "articles": [
                _article_row(site.articles[i], groups.of(i, entity_id), first and n < SNIPPETS)
                for n, i in enumerate(indices)
            ],
            "article_count": len(site.refs.entity_articles.get(entity_id, ())),
            "mention_count": site.refs.entity_counts.get(entity_id, 0),
            "cooccurring": [
                {"name": site.entities[other].name, "url": f"entities/{other}/", "count": count}
                for other, count in site.refs.cooccurrence.get(entity_id, ())[:20]
            ]
            if first
            else [],
            "pagination": pagination,
            "jsonld": _entity_jsonld(site, entity_id, urls) if first else "",
        }

    return build


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
        plans.append(
            PagePlan(
                url,
                "entity.html",
                _entity_page(
                    site,
                    urls,
                    entity_id,
                    entity_ctx,
                    page_context(url, title, "entity", urls, entity.description),
                    chunk,
                    pagination,
                    site_ctx,
                    groups,
                ),
                (entity.path,),
                link_lines=link_lines(note_links) if pagination["number"] == 1 else {},
                key=keys.entity_page_key(entity_id, url, title, chunk, pagination),
                made=_ENTITY_MADE,
            )
        )
    return plans


def plan_entities(site: Site, urls: UrlBuilder) -> list[PagePlan]:
    site_ctx = site_context(site, urls)
    keys = PageKeys(site, urls)
    plans: list[PagePlan] = []
    mention_groups = MentionGroups(site)
    for entity_id in sorted(site.entities):
        plans += plan_entity(site, urls, keys, entity_id, site_ctx, mention_groups)
    plans.append(plan_entity_index(site, urls, site_ctx))
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


def _entity_jsonld(site: Site, entity_id: str, urls: UrlBuilder) -> str:

    from sitegen.plan import _entity_ref, script_json

    # Its URL is its @id: articles name the entities they mention by it (article_jsonld).
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@id": urls.full(f"entities/{entity_id}/"),
        **_entity_ref(site, entity_id, urls),
    }
    if site.entities[entity_id].description:
        data["description"] = site.entities[entity_id].description
    return script_json(data)


def _listing(site: Site, indices: tuple[int, ...]) -> list[Context]:
    return [dict(article_link(site.articles[i]), summary=site.articles[i].summary) for i in indices]


def plan_tags(site: Site, urls: UrlBuilder) -> list[PagePlan]:
    site_ctx = site_context(site, urls)
    plans: list[PagePlan] = []
    for tag, indices in site.refs.tags.items():
        for url, chunk, pagination in paginate(
            _listing(site, indices),
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


def plan_timeline(site: Site, urls: UrlBuilder) -> list[PagePlan]:
    site_ctx = site_context(site, urls)
    plans: list[PagePlan] = []
    years: dict[int, list[Context]] = {}
    for (year, month), indices in site.refs.months.items():
        base = f"timeline/{year:04d}/{month:02d}/"
        label = f"{MONTHS[month - 1]} {year}"
        years.setdefault(year, []).append({"label": label, "url": base, "count": len(indices)})
        for url, chunk, pagination in paginate(
            _listing(site, indices), site.config.per_page, paged_url(base)
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
