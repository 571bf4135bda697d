"""The one URL builder.

Inside sitegen a URL is *site-relative*: no leading slash, directories end in
'/', the home page is ''. Pages link to each other with relative URLs, so a
site works at any base path; the 404 page, which GitHub Pages serves at any
depth, uses base-path-absolute URLs instead.
"""

from __future__ import annotations

import posixpath
import re

from sitegen.config import SiteConfig


def permalink(pattern: str, *, year: int, month: int, day: int, slug: str, article_id: str) -> str:
    path = pattern.format(
        year=f"{year:04d}", month=f"{month:02d}", day=f"{day:02d}", slug=slug, id=article_id
    )
    return re.sub(r"/+", "/", path).lstrip("/")


def output_path(url: str) -> str:
    """The file an URL is served from: directories serve their index.html."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def relative(from_url: str, to_url: str) -> str:
    """A relative link from the page at ``from_url`` to ``to_url`` (both site-relative)."""
    fragment = ""
    if "#" in to_url:
        to_url, fragment = to_url.split("#", 1)
        fragment = "#" + fragment
    from_dir = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url) + "/"
    if to_url == from_url and fragment:
        return fragment
    rel = (
        posixpath.relpath("/" + to_url, "/" + from_dir) if to_url else posixpath.relpath("/", "/" + from_dir)
    )
    if to_url.endswith("/") or to_url == "":
        rel = "./" if rel == "." else rel + "/"
    return rel + fragment


class UrlBuilder:
    def __init__(self, config: SiteConfig) -> None:
        self.base_path = config.base_path
        self.origin = config.site_origin

    def absolute_path(self, url: str) -> str:
        """Base-path-absolute, for pages served at any depth (404)."""
        return self.base_path + url

    def full(self, url: str) -> str:
        """Fully qualified, for feeds, sitemaps and canonical links; path-only without an origin."""
        return self.origin + self.base_path + url
