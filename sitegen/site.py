"""The site model: all analysed articles and pages, ordered and cross-linked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from sitegen.config import SiteConfig
from sitegen.corrections import Correction
from sitegen.crossref import CrossRefs, Indexed, compute_crossrefs, indexed
from sitegen.diagnostics import Diagnostic, error
from sitegen.entities import Entity
from sitegen.model import Article, AuthoredPage


@dataclass(frozen=True, slots=True)
class Site:
    config: SiteConfig
    articles: tuple[Article, ...]  # newest first; ties by id
    pages: tuple[AuthoredPage, ...]  # by order, then title
    entities: Mapping[str, Entity]  # by id
    rules: Mapping[str, Correction]  # site-wide correction rules by key
    refs: CrossRefs
    search: bool = False  # a search page is built (Pagefind is installed)
    # rule key -> URL of its ledger entry, which holds its note (ledger.rule_links)
    rule_links: Mapping[str, str] = field(default_factory=dict)


RESERVED_TOP = {
    "assets",
    "entities",
    "tags",
    "timeline",
    "corrections",
    "page",
    "search",
    "404.html",
}


class Placement(NamedTuple):
    """What the site model is made of, of one article: :func:`build_site` reads nothing else
    of it. Its id, date and URL place it (the order, the URLs taken), the file a collision
    names, and what the cross-references index (crossref.indexed)."""

    id: str
    date: dt.date
    url: str
    source: str
    indexed: Indexed


def placement(article: Article) -> Placement:
    return Placement(
        article.id, article.date, article.url, article.editorial_path or article.seed_path, indexed(article)
    )


def build_site(
    config: SiteConfig,
    articles: list[Article],
    pages: list[AuthoredPage],
    entities: Mapping[str, Entity],
    rules: Mapping[str, Correction],
    search: bool = False,
    crossref_memo: dict[str, CrossRefs] | None = None,
) -> tuple[Site, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    placed = sorted(zip(map(placement, articles), articles, strict=True), key=lambda p: p[0].id)
    taken: dict[str, str] = {}
    kept: set[str] = set()
    for place, _ in placed:
        owner = taken.get(place.url)
        if owner is not None:
            problems.append(
                error(
                    "url-collision",
                    f"article '{place.id}' would be published at "
                    f"/{place.url}, which '{owner}' already uses; give "
                    "one of them another slug",
                    place.source,
                )
            )
            continue
        taken[place.url] = place.id
        kept.add(place.id)
    placed.sort(key=lambda p: p[0].date, reverse=True)  # newest first; ties by id (a stable sort)
    kept_pages = []
    for page in sorted(pages, key=lambda p: (p.order, p.title, p.id)):
        url = page.id + "/"
        if page.id in RESERVED_TOP or url in taken or any(u.startswith(url) for u in taken):
            problems.append(
                error(
                    "url-collision",
                    f"page '{page.id}' would be published at /{url}, which "
                    "another part of the site uses; rename the page",
                    page.path,
                )
            )
            continue
        taken[url] = page.id
        kept_pages.append(page)
    final = tuple(article for place, article in placed if place.id in kept)
    refs = compute_crossrefs([place.indexed for place, _ in placed if place.id in kept], crossref_memo)
    site = Site(config, final, tuple(kept_pages), entities, rules, refs, search)
    return site, problems
