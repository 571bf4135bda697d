"""The planning stage of a full build: the site model of the analysed articles, and every
output of the site planned (pages: template + context; files: fingerprint + producer)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from sitegen.analysis import Annotators
from sitegen.budget import ASSETS
from sitegen.config import SiteConfig
from sitegen.crossref import CrossRefs
from sitegen.diagnostics import DiagnosticLog
from sitegen.entities import Entity
from sitegen.highlight import pygments_css
from sitegen.load import load_pages
from sitegen.markdown import link_lines, render_markdown
from sitegen.model import Article
from sitegen.options import BuildOptions
from sitegen.pending import pending_diagnostics, pending_summary
from sitegen.plan.archive import (
    MentionGroups,
    cards_file,
    plan_entity,
    plan_entity_index,
    plan_tags,
    plan_timeline,
)
from sitegen.plan.article import ArticlePlanner
from sitegen.plan.keys import PageKeys, PageReads, PageUnit
from sitegen.plan.ledger import LedgerIndex, ledger_index, notes_file, plan_ledger, rule_links
from sitegen.plan.publish import plan_publish
from sitegen.plan.records import (
    BodyOf,
    Context,
    FilePlan,
    PagePlan,
    data_file,
    listing_weight,
    markdown_made,
    page_context,
    paged_url,
    paginate,
    site_context,
)
from sitegen.redirects import redirect_pages
from sitegen.search import pagefind_available
from sitegen.site import Site, build_site
from sitegen.sources import SiteInputs, read_input
from sitegen.stamps import static_files
from sitegen.urls import UrlBuilder

LEDGER_UNIT = PageUnit("planner", "ledger")  # what the ledger's index reads is the ledger's


class SitePlan(NamedTuple):
    site: Site
    urls: UrlBuilder
    pages: list[PagePlan]
    files: list[FilePlan]
    reads: PageReads  # what the pages read of other parts of the site, as they were planned


def plan_site(
    config: SiteConfig,
    inputs: SiteInputs,
    articles: list[Article],
    registry: Mapping[str, Entity],
    tools: Annotators,
    crossref_memo: dict[str, CrossRefs],
    body_of: BodyOf,
    published: dict[str, str],
    options: BuildOptions,
    log: DiagnosticLog,
) -> SitePlan:
    """``registry``: the entities by id; ``crossref_memo``: the last build's
    cross-references, updated (site.build_site); ``published``: where the last build
    published each article (redirects.py)."""
    pages_loaded, problems = load_pages(inputs)
    log.extend(problems)
    site, problems = build_site(
        config,
        articles,
        pages_loaded,
        registry,
        tools.corrections,
        search=config.search.enabled and pagefind_available(),
        crossref_memo=crossref_memo,
    )
    log.extend(problems)
    # Rule matches no editor decided on: listed by check, counted in one line by build.
    log.extend((pending_diagnostics if options.dry_run else pending_summary)(site.articles))
    urls = UrlBuilder(config)
    reads = PageReads()
    # Once: the rules' links and the ledger's pages both need it; its reads are the ledger's.
    keys = PageKeys(site, urls, reads)
    with keys.reading(LEDGER_UNIT):
        ledger = ledger_index(site, keys)
    site = dataclasses.replace(site, rule_links=rule_links(site, ledger))
    pages, files = plan_outputs(site, urls, inputs, body_of, log, ledger, reads)
    del ledger
    live = {p.path for p in pages} | {f.path for f in files}
    moved, problems = redirect_pages(
        inputs,
        PageKeys(site, urls, reads),
        urls,
        site_context(site, urls),
        published,
        live,
        write=options.record_moves and not options.dry_run,
    )
    log.extend(problems)
    reads.close()
    return SitePlan(site, urls, pages + moved, files, reads)


@dataclass(frozen=True)
class Planning:
    """What the planners of the site's pages are given (:data:`PAGE_PLANNERS`)."""

    site: Site
    urls: UrlBuilder
    keys: PageKeys
    site_ctx: Context
    groups: MentionGroups
    body_of: BodyOf
    ledger: LedgerIndex | None = None  # the site's ledger index, when the caller has it
    reads: PageReads | None = None  # records what the pages read (also through ``keys``)


def planning(
    site: Site,
    urls: UrlBuilder,
    body_of: BodyOf,
    ledger: LedgerIndex | None = None,
    reads: PageReads | None = None,
) -> Planning:
    """``reads``: records what the pages read of other parts of the site."""
    keys = PageKeys(site, urls, reads)
    return Planning(site, urls, keys, site_context(site, urls), MentionGroups(site), body_of, ledger, reads)


Planned = tuple[list[PagePlan], list[FilePlan]]


def _articles(p: Planning) -> Planned:
    """Every article's outputs: its page, its source view, its seed and its Web Annotations."""
    pages: list[PagePlan] = []
    files: list[FilePlan] = []
    planner = ArticlePlanner(p.site, p.urls, p.body_of, p.keys, p.site_ctx)
    for index in range(len(p.site.articles)):
        article_pages, article_files = planner.plan(index)
        pages += article_pages
        files += article_files
    return pages, files


def _entities(p: Planning) -> Planned:
    """Every entity's pages, and the entity index."""
    pages = [
        plan
        for entity_id in sorted(p.site.entities)
        for plan in plan_entity(p.site, p.urls, p.keys, entity_id, p.site_ctx, p.groups)
    ]
    p.groups.clear()  # planned: the pages' rows are made again where they are rendered
    return [*pages, plan_entity_index(p.site, p.urls, p.site_ctx)], []


# The planners of the site's pages, in the order a build plans them. A full build runs them
# all and records which of them made the pages of each template (PageReads.templates); a
# patch of a template edit runs the ones recorded for it: the same functions, so what a
# patch plans cannot drift from what a full build plans.
PAGE_PLANNERS: dict[str, Callable[[Planning], Planned]] = {
    "home": lambda p: (plan_home(p.site, p.urls, p.keys, p.site_ctx), []),
    "articles": _articles,
    "authored": lambda p: (plan_authored(p.site, p.urls, p.site_ctx), []),
    "not-found": lambda p: ([plan_not_found(p.urls, p.site_ctx)], []),
    "entities": _entities,
    "listings": lambda p: (plan_tags(p.site, p.urls, p.keys) + plan_timeline(p.site, p.urls, p.keys), []),
    "ledger": lambda p: (plan_ledger(p.site, p.urls, p.keys, p.ledger), []),
    "search": lambda p: ([plan_search(p.urls, p.site_ctx)] if p.site.search else [], []),
}


def run_planner(name: str, p: Planning) -> Planned:
    """The pages of one planner, what they read recorded as read by it (where a planner
    plans units of its own, an article's outputs or an entity's page, those record)."""
    with p.keys.reading(PageUnit("planner", name)):
        return PAGE_PLANNERS[name](p)


def plan_pages(p: Planning) -> Planned:
    """Every page of the site (and the files made beside articles), by :data:`PAGE_PLANNERS`;
    with ``p.reads``, which planners made the pages of each template is recorded there."""
    pages: list[PagePlan] = []
    files: list[FilePlan] = []
    for name in PAGE_PLANNERS:
        made, made_files = run_planner(name, p)
        if p.reads is not None:
            for page in made:
                p.reads.templates.setdefault(page.template, set()).add(name)
        pages += made
        files += made_files
    return pages, files


def plan_outputs(
    site: Site,
    urls: UrlBuilder,
    inputs: SiteInputs,
    body_of: BodyOf,
    log: DiagnosticLog,
    ledger: LedgerIndex | None = None,
    reads: PageReads | None = None,
) -> tuple[list[PagePlan], list[FilePlan]]:
    """Every output of the site: pages (template + context) and files (fingerprint + producer).
    ``ledger``: the site's ledger index, when the caller has it; ``reads``: records what the
    pages read of other parts of the site."""
    config = site.config
    p = planning(site, urls, body_of, ledger, reads)
    pages, files = plan_pages(p)
    if site.rule_links:
        files.append(notes_file(site, urls, p.keys))
    cards = cards_file(site)
    if cards is not None:
        files.append(cards)
    published, problems = plan_publish(site, urls, [page.url for page in pages], p.keys)
    log.extend(problems)
    files.extend(published)
    for rel, path in static_files(inputs).items():
        data, refused = read_input(path, inputs.root)
        if data is not None:
            files.append(data_file("assets/" + rel, data, ASSETS))
        elif refused is not None:
            log.add(refused)
    files.append(data_file("assets/pygments.css", pygments_css().encode("utf-8"), ASSETS))
    files.append(data_file(".nojekyll", b""))  # GitHub Pages: no Jekyll pass over the output
    if config.custom_domain:
        files.append(data_file("CNAME", config.custom_domain.encode("ascii") + b"\n"))
    return pages, files


def plan_authored(site: Site, urls: UrlBuilder, site_ctx: Context) -> list[PagePlan]:
    """The authored pages (content/pages/)."""
    pages = []
    for page in site.pages:
        page_links: list[tuple[str, int]] = []
        body_html = render_markdown(
            page.body_markdown, page.id + "/", first_line=page.body_line, links=page_links
        )
        pages.append(
            PagePlan(
                page.id + "/",
                "page.html",
                {
                    "site": site_ctx,
                    "page": page_context(page.id + "/", page.title, "page", urls),
                    "body_html": body_html,
                },
                (page.path,),
                link_lines=link_lines(page_links),
                made=markdown_made(lambda context: str(context["body_html"])),
            )
        )
    return pages


def plan_not_found(urls: UrlBuilder, site_ctx: Context) -> PagePlan:
    return PagePlan(
        "404.html",
        "404.html",
        {
            "site": site_ctx,
            "page": page_context("404.html", "Page not found", "404", urls, absolute_links=True),
        },
        (),
    )


def plan_search(urls: UrlBuilder, site_ctx: Context) -> PagePlan:
    context = {"site": site_ctx, "page": page_context("search/", "Search", "search", urls)}
    return PagePlan("search/", "search.html", context, ())


def plan_home(site: Site, urls: UrlBuilder, keys: PageKeys, site_ctx: Context) -> list[PagePlan]:
    """The home page and the pages after it: every article, newest first, with its summary."""
    pages = []
    listing = [keys.listed(i) for i in range(len(site.articles))]
    for url, chunk, pagination in paginate(listing, site.config.per_page, paged_url("")):
        title = site.config.title if pagination["number"] == 1 else f"Articles, page {pagination['number']}"
        pages.append(
            PagePlan(
                url,
                "index.html",
                {
                    "site": site_ctx,
                    "page": page_context(url, title, "index", urls, site.config.description),
                    "articles": chunk,
                    "pagination": pagination,
                },
                (),
                weight=listing_weight(len(chunk)),
            )
        )
    return pages
