"""The site model: all analysed articles and pages, ordered and cross-linked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sitegen.config import SiteConfig
from sitegen.corrections import Correction
from sitegen.crossref import CrossRefs, compute_crossrefs
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

    def neighbours(self, index: int) -> tuple[Article | None, Article | None]:
        """(older, newer) article around ``articles[index]``."""
        older = self.articles[index + 1] if index + 1 < len(self.articles) else None
        newer = self.articles[index - 1] if index > 0 else None
        return older, newer


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
    ordered = sorted(articles, key=lambda a: a.id)
    ordered.sort(key=lambda a: a.date, reverse=True)
    taken: dict[str, str] = {}
    kept_articles = []
    for article in sorted(ordered, key=lambda a: a.id):
        owner = taken.get(article.url)
        if owner is not None:
            problems.append(
                error(
                    "url-collision",
                    f"article '{article.id}' would be published at "
                    f"/{article.url}, which '{owner}' already uses; give "
                    "one of them another slug",
                    article.editorial_path or article.seed_path,
                )
            )
            continue
        taken[article.url] = article.id
        kept_articles.append(article.id)
    kept = set(kept_articles)
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
    final = tuple(a for a in ordered if a.id in kept)
    site = Site(
        config, final, tuple(kept_pages), entities, rules, compute_crossrefs(final, crossref_memo), search
    )
    return site, problems
