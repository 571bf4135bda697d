"""Plan the output: for every page, its URL, template and explicit context.

A context holds plain data only (strings, numbers, lists, dicts), so a page
is a pure function of (template, context) and the plan can be fingerprinted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.markdown import render_markdown
from sitegen.model import Article
from sitegen.site import Site
from sitegen.urls import UrlBuilder, output_path

Context = dict[str, Any]


@dataclass(frozen=True, slots=True)
class PagePlan:
    url: str  # site-relative
    template: str
    context: Context
    sources: tuple[str, ...]  # the input files this page is mostly about (for diagnostics)

    @property
    def path(self) -> str:
        return output_path(self.url)


@dataclass(frozen=True, slots=True)
class FilePlan:
    """A file copied or generated without a template."""

    path: str
    source: Path | None = None
    data: bytes | None = None


def article_link(article: Article) -> Context:
    return {"title": article.title, "url": article.url, "date": article.date.isoformat()}


def site_context(site: Site, urls: UrlBuilder) -> Context:
    config = site.config
    return {
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "publisher": config.publisher,
        "base_url": urls.full(""),
        "nav": [{"title": p.title, "url": p.id + "/"} for p in site.pages],
    }


def _page(
    url: str,
    title: str,
    kind: str,
    urls: UrlBuilder,
    description: str = "",
    absolute_links: bool = False,
) -> Context:
    return {
        "url": url,
        "title": title,
        "kind": kind,
        "canonical": urls.full(url),
        "description": description,
        "absolute_links": absolute_links,
    }


def article_context(site: Site, index: int, urls: UrlBuilder) -> Context:
    article = site.articles[index]
    older, newer = site.neighbours(index)
    return {
        "page": _page(article.url, article.title, "article", urls, article.summary),
        "article": {
            "id": article.id,
            "title": article.title,
            "subtitle": article.subtitle,
            "date": article.date.isoformat(),
            "tags": list(article.tags),
            "summary": article.summary,
            "note_html": article.note_html,
            "blocks": [
                {"number": b.number, "role": b.role, "anchor": b.anchor, "html": b.html}
                for b in article.blocks
            ],
            "toc": [{"anchor": t.anchor, "text": t.text} for t in article.toc],
            "source_file": article.url + article.id + ".txt",
            "source_view": article.url + "source/",
            "source_publisher": article.source_publisher,
            "source_url": article.source_url,
        },
        "older": article_link(older) if older else None,
        "newer": article_link(newer) if newer else None,
    }


def plan_site(site: Site, urls: UrlBuilder, root: Path) -> tuple[list[PagePlan], list[FilePlan]]:
    from sitegen.highlight import source_listing  # Pygments is only needed when planning

    site_ctx = site_context(site, urls)
    pages: list[PagePlan] = []
    files: list[FilePlan] = []

    per_page = site.config.per_page
    listing = [dict(article_link(a), summary=a.summary) for a in site.articles]
    chunks = [listing[i : i + per_page] for i in range(0, len(listing), per_page)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        url = "" if number == 1 else f"page/{number}/"
        pages.append(
            PagePlan(
                url,
                "index.html",
                {
                    "site": site_ctx,
                    "page": _page(
                        url,
                        site.config.title if number == 1 else f"Articles, page {number}",
                        "index",
                        urls,
                        site.config.description,
                    ),
                    "articles": chunk,
                    "pagination": _pagination(number, len(chunks), lambda n: "" if n == 1 else f"page/{n}/"),
                },
                (),
            )
        )

    for index, article in enumerate(site.articles):
        context = article_context(site, index, urls)
        context["site"] = site_ctx
        sources = (article.seed_path,) + ((article.editorial_path,) if article.editorial_path else ())
        pages.append(PagePlan(article.url, "article.html", context, sources))
        seed_file = root / article.seed_path
        files.append(FilePlan(article.url + article.id + ".txt", source=seed_file))
        text = seed_file.read_bytes().decode("utf-8")
        pages.append(
            PagePlan(
                article.url + "source/",
                "source.html",
                {
                    "site": site_ctx,
                    "page": _page(
                        article.url + "source/",
                        f"Source as received: {article.title}",
                        "source",
                        urls,
                    ),
                    "article": article_link(article),
                    "source_file": article.url + article.id + ".txt",
                    "seed_name": Path(article.seed_path).name,
                    "listing_html": source_listing(text),
                },
                (article.seed_path,),
            )
        )

    for page in site.pages:
        pages.append(
            PagePlan(
                page.id + "/",
                "page.html",
                {
                    "site": site_ctx,
                    "page": _page(page.id + "/", page.title, "page", urls),
                    "body_html": render_markdown(page.body_markdown),
                },
                (page.path,),
            )
        )

    pages.append(
        PagePlan(
            "404.html",
            "404.html",
            {
                "site": site_ctx,
                "page": _page("404.html", "Page not found", "404", urls, absolute_links=True),
            },
            (),
        )
    )
    return pages, files


def _pagination(number: int, total: int, url_of: Any) -> Context:
    return {
        "number": number,
        "total": total,
        "previous": url_of(number - 1) if number > 1 else None,
        "next": url_of(number + 1) if number < total else None,
    }
