"""The one URL builder.

Inside sitegen a URL is *site-relative*: no leading slash, directories end in
'/', the home page is ''. Pages link to each other with relative URLs, so a
site works at any base path; the 404 page, which GitHub Pages serves at any
depth, uses base-path-absolute URLs instead.
"""

from __future__ import annotations

import re
from functools import lru_cache

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
    path, hash_mark, fragment = to_url.partition("#")
    if hash_mark and path == from_url:
        return "#" + fragment
    from_dir = from_url[: from_url.rfind("/") + 1]  # '' for pages at the root
    top = from_dir.partition("/")[0]
    if not top or top != path.partition("/")[0]:
        # Nothing in common (an article linking an entity page, the commonest link): up to
        # the root and down. Each page is its own folder, so the cache below seldom hits.
        return ("../" * from_dir.count("/") + path or "./") + hash_mark + fragment
    return _relative_path(from_dir, path) + hash_mark + fragment


@lru_cache(maxsize=1 << 16)
def _relative_path(from_dir: str, to_path: str) -> str:
    # Plain string work (no posixpath.relpath, which resolves absolute paths): this runs
    # for every link of every page.
    here = from_dir.split("/")[:-1]
    there = to_path.split("/")
    target_dirs, name = there[:-1], there[-1]
    common = 0
    for a, b in zip(here, target_dirs, strict=False):
        if a != b:
            break
        common += 1
    rel = "../" * (len(here) - common) + "/".join([*target_dirs[common:], name])
    return rel or "./"


class UrlBuilder:
    def __init__(self, config: SiteConfig) -> None:
        self.base_path = config.base_path
        self.origin = config.site_origin

    def full(self, url: str) -> str:
        """Fully qualified, for feeds, sitemaps and canonical links; path-only without an origin."""
        return self.origin + self.base_path + url
