"""For feed readers and crawlers: ``feed.xml`` (Atom 1.0), ``sitemap.xml`` (sitemaps.org 0.9), ``robots.txt``.

All three must name pages by absolute URL, so they are written only when
``base_url`` has a scheme and host (``https://user.github.io/repo/``, as the
GitHub Pages workflow passes with ``--base-url``). With a path-only base_url
such as ``/`` (the default, for local previews) :func:`plan_publish` writes none
of them and says why in one INFO diagnostic. ``robots.txt`` is read by crawlers
only at the root of a host, so it is written only when the site is served
there; a site under a sub-path gets an INFO naming the sitemap to submit instead.

Entry ids in the feed are ``tag:`` URIs (RFC 4151) built from the host, the
article's date and its id (the seed's file name), so an entry keeps its id when
its title, slug or permalink pattern changes.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from urllib.parse import quote, urlsplit

from sitegen import __version__
from sitegen.budget import LISTINGS
from sitegen.diagnostics import Diagnostic, info
from sitegen.model import Article
from sitegen.plan.keys import PageKeys, PageUnit
from sitegen.plan.records import FilePlan, data_file, digest_of
from sitegen.site import Site
from sitegen.urls import UrlBuilder

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_PATH = "feed.xml"
SITEMAP_PATH = "sitemap.xml"
ROBOTS_PATH = "robots.txt"
NOT_FOUND_PAGE = "404.html"
SITEMAP_MAX_URLS = 50_000  # per file, by the sitemaps.org protocol; more go into an index
EPOCH = dt.date(1970, 1, 1)  # 'updated' of a feed with no articles yet

# Characters XML 1.0 cannot carry at all (C0 controls other than tab, CR, LF; surrogates; U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Kept as they are when an URL path is percent-encoded (RFC 3986 pchar, '/', and existing escapes).
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def has_origin(urls: UrlBuilder) -> bool:
    """Whether absolute URLs can be made: base_url has a scheme and host."""
    return bool(urls.origin)


def _require_origin(urls: UrlBuilder, what: str) -> None:
    if not has_origin(urls):
        raise ValueError(f"{what} needs absolute URLs: base_url must be like 'https://host/path/'")


def absolute_url(urls: UrlBuilder, url: str) -> str:
    """The absolute, percent-encoded URL of a site-relative URL."""
    return urls.origin + quote(urls.base_path + url, safe=_PATH_SAFE)


def rfc3339(date: dt.date) -> str:
    """A date as an RFC 3339 timestamp at midnight UTC: ``2021-03-02T00:00:00Z``."""
    return f"{date.isoformat()}T00:00:00Z"


def xml_text(text: str) -> str:
    """Text without the characters XML 1.0 forbids (seeds are arbitrary text)."""
    return _NOT_XML.sub("", text)


def _serialize(root: ET.Element, namespace: str) -> bytes:
    # Elements are built unqualified under an explicit default namespace: ElementTree's
    # default_namespace option rejects the unqualified attributes (rel, href) Atom uses.
    root.set("xmlns", namespace)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = xml_text(text)
    return element


def entry_id(urls: UrlBuilder, article: Article) -> str:
    """``tag:host,YYYY-MM-DD:/base/path/<article id>``; the full URL when the host is unusable."""
    host = urlsplit(urls.origin).hostname
    if not host:
        return absolute_url(urls, article.url)
    return f"tag:{host},{article.date.isoformat()}:{quote(urls.base_path + article.id, safe=_PATH_SAFE)}"


def atom_feed(site: Site, urls: UrlBuilder, limit: int = 50, keys: PageKeys | None = None) -> bytes:
    """An Atom 1.0 feed of the ``limit`` newest articles (``site.articles`` is newest first);
    their titles and summaries read through ``keys`` (which records what reads them)."""
    _require_origin(urls, "the Atom feed")
    keys = keys if keys is not None else PageKeys(site, urls)
    config = site.config
    feed = ET.Element("feed", {XML_LANG: config.language} if config.language else {})
    _add(feed, "id", absolute_url(urls, ""))
    _add(feed, "title", config.title)
    if config.description:
        _add(feed, "subtitle", config.description)
    _add(feed, "updated", rfc3339(site.articles[0].date if site.articles else EPOCH))
    author = _add(feed, "author")
    _add(author, "name", config.publisher or config.title)
    _add(feed, "link", rel="self", type="application/atom+xml", href=absolute_url(urls, FEED_PATH))
    _add(feed, "link", rel="alternate", type="text/html", href=absolute_url(urls, ""))
    _add(feed, "generator", "sitegen", version=__version__)
    for index, article in enumerate(site.articles[: max(limit, 0)]):
        title, _, _ = keys.link(index)
        summary = keys.summary(index)
        entry = _add(feed, "entry")
        _add(entry, "id", entry_id(urls, article))
        _add(entry, "title", title)
        _add(entry, "link", rel="alternate", type="text/html", href=absolute_url(urls, article.url))
        _add(entry, "published", rfc3339(article.date))
        _add(entry, "updated", rfc3339(article.date))
        if summary:
            _add(entry, "summary", summary)
        for tag in article.tags:
            _add(entry, "category", term=xml_text(tag))
    return _serialize(feed, ATOM_NS)


def sitemap_urls(page_urls: Iterable[str]) -> list[str]:
    """The pages a crawler should know: every HTML page once, in order, but not the 404 page."""
    kept = (u for u in page_urls if u != NOT_FOUND_PAGE and (u == "" or u.endswith(("/", ".html"))))
    return list(dict.fromkeys(kept))


def sitemap(page_urls: Iterable[str], urls: UrlBuilder) -> bytes:
    """A sitemaps.org 0.9 ``urlset`` with the absolute ``loc`` of every HTML page but 404.html."""
    _require_origin(urls, "the sitemap")
    urlset = ET.Element("urlset")
    for url in sitemap_urls(page_urls):
        entry = ET.SubElement(urlset, "url")
        ET.SubElement(entry, "loc").text = absolute_url(urls, url)
    return _serialize(urlset, SITEMAP_NS)


def sitemap_index(sitemap_paths: Iterable[str], urls: UrlBuilder) -> bytes:
    """A sitemaps.org 0.9 ``sitemapindex`` listing the given sitemap files."""
    _require_origin(urls, "the sitemap index")
    index = ET.Element("sitemapindex")
    for path in sitemap_paths:
        entry = ET.SubElement(index, "sitemap")
        ET.SubElement(entry, "loc").text = absolute_url(urls, path)
    return _serialize(index, SITEMAP_NS)


def sitemap_files(
    page_urls: Iterable[str], urls: UrlBuilder, per_file: int = SITEMAP_MAX_URLS
) -> list[FilePlan]:
    """``sitemap.xml``; past ``per_file`` URLs, ``sitemap-N.xml`` parts listed by a ``sitemap.xml`` index."""
    pages = sitemap_urls(page_urls)
    if not pages:
        return []
    where = (urls.origin, urls.base_path)
    chunks = [pages[i : i + per_file] for i in range(0, len(pages), per_file)]
    if len(chunks) == 1:
        return [FilePlan(SITEMAP_PATH, digest_of("sitemap", where, pages), lambda: sitemap(pages, urls))]
    parts = [
        FilePlan(f"sitemap-{n}.xml", digest_of("sitemap", where, chunk), _producer(sitemap, chunk, urls))
        for n, chunk in enumerate(chunks, 1)
    ]
    names = [p.path for p in parts]
    index = FilePlan(
        SITEMAP_PATH, digest_of("sitemap-index", where, names), lambda: sitemap_index(names, urls)
    )
    return [index, *parts]


def _producer(
    make: Callable[[list[str], UrlBuilder], bytes], items: list[str], urls: UrlBuilder
) -> Callable[[], bytes]:
    return lambda: make(items, urls)


def robots_txt(urls: UrlBuilder) -> bytes:
    """A robots.txt that lets every crawler in and points to the sitemap."""
    _require_origin(urls, "robots.txt")
    lines = [
        "# Written by sitegen.",
        "User-agent: *",
        "Disallow:",
        "",
        f"Sitemap: {absolute_url(urls, SITEMAP_PATH)}",
    ]
    return ("\n".join(lines) + "\n").encode()


FEED_UNIT = PageUnit("file", "feed")


def feed_file(site: Site, urls: UrlBuilder, keys: PageKeys, limit: int = 50) -> FilePlan:
    """``feed.xml``, known by its bytes: made on every build (50 entries cost a millisecond),
    so nothing restates what the feed shows to tell whether it changed."""
    with keys.reading(FEED_UNIT):
        return data_file(FEED_PATH, atom_feed(site, urls, limit, keys), LISTINGS)


def plan_publish(
    site: Site, urls: UrlBuilder, page_urls: Iterable[str], keys: PageKeys | None = None, feed_limit: int = 50
) -> tuple[list[FilePlan], list[Diagnostic]]:
    """The feed, sitemap and robots.txt to write, or INFO diagnostics saying why some are not
    written. ``keys``: records what the feed reads of the articles."""
    if not has_origin(urls):
        return [], [
            info(
                "publish-relative-base-url",
                f"feed.xml, sitemap.xml and robots.txt are not written: they need absolute URLs and "
                f"base_url '{site.config.base_url}' has no scheme and host; set base_url to the address "
                "the site is published at (such as 'https://user.github.io/repo/') or pass --base-url, "
                "as the GitHub Pages workflow does",
                "sitegen.toml",
            )
        ]
    keys = keys if keys is not None else PageKeys(site, urls)
    files = [feed_file(site, urls, keys, feed_limit), *sitemap_files(page_urls, urls)]
    problems: list[Diagnostic] = []
    if urls.base_path == "/":
        files.append(
            FilePlan(ROBOTS_PATH, digest_of("robots", urls.origin, urls.base_path), lambda: robots_txt(urls))
        )
    else:
        problems.append(
            info(
                "publish-robots-subpath",
                f"robots.txt is not written: crawlers read it only at the root of a host, not under "
                f"{urls.base_path}; list {absolute_url(urls, SITEMAP_PATH)} in the host's robots.txt "
                "or submit it to search engines",
                "sitegen.toml",
            )
        )
    return files, problems
