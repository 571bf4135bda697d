"""Check every internal link of the built site: each href, src and srcset must
resolve to a file sitegen produced and, with a fragment, to an id in that page.

Pages are scanned as they are rendered (one regex pass each); cross-page
fragments are checked at the end, once every page's ids are known.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field

from sitegen.diagnostics import Diagnostic, error

_URL_ATTR = re.compile(r'\s(href|src|srcset)="([^"]*)"')
_ID_ATTR = re.compile(r'\sid="([^"]*)"')
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


@dataclass(frozen=True, slots=True)
class PageLinks:
    """What the check needs of one page, kept between builds for pages not rendered again."""

    ids: frozenset[str]
    links: tuple[tuple[str, str, str], ...]  # (href, target output path, fragment) to other pages
    origin: LinkOrigin


@dataclass(frozen=True, slots=True)
class LinkOrigin:
    """Where a page came from, so a broken link can name a source file and line."""

    path: str | None  # the page's main source file
    lines: dict[str, int] = field(default_factory=dict)  # href -> line in that file (links from Markdown)


def _urls(attr: str, value: str) -> list[str]:
    value = html.unescape(value)
    if attr != "srcset":
        return [value]
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


class LinkChecker:
    def __init__(self, base_path: str) -> None:
        self.base_path = base_path
        # (page, href, target path, fragment, origin) of links to other pages, checked at the end
        self.pages: dict[str, PageLinks] = {}
        self.problems: list[Diagnostic] = []

    def _report(self, page: str, href: str, why: str, origin: LinkOrigin) -> None:
        line = origin.lines.get(href)
        where = f"/{page}" if origin.path is None else f"/{page} (from {origin.path})"
        self.problems.append(error("broken-link", f"{where}: link '{href}' {why}", origin.path, line))

    def add(self, page: str, links: PageLinks) -> None:
        """A page that was not rendered again: check its links as recorded last time."""
        self.pages[page] = links

    def scan(self, page: str, text: str, origin: LinkOrigin) -> PageLinks:
        """Record one rendered HTML page (its output path, site-relative); in-page links are checked now."""
        ids = frozenset(_ID_ATTR.findall(text))
        pending: list[tuple[str, str, str]] = []
        page_dir = posixpath.dirname(page)
        for attr, raw in _URL_ATTR.findall(text):
            for href in _urls(attr, raw):
                if not href or _EXTERNAL.match(href):
                    continue
                path, _, fragment = href.partition("#")
                path = path.split("?", 1)[0]
                if not path:
                    if fragment and fragment not in ids:
                        self._report(page, href, f"points to '#{fragment}', which is not on the page", origin)
                    continue
                if path.startswith("/"):
                    if not path.startswith(self.base_path):
                        self._report(
                            page,
                            href,
                            f"is root-relative but misses the base path "
                            f"'{self.base_path}'; use the url filter",
                            origin,
                        )
                        continue
                    target = path[len(self.base_path) :]
                else:
                    target = posixpath.normpath(posixpath.join(page_dir, path))
                    if target.startswith("../") or target == "..":
                        self._report(page, href, "leaves the site", origin)
                        continue
                    if target == ".":
                        target = ""
                    if path.endswith("/") and target:
                        target += "/"
                if target == "" or target.endswith("/"):
                    target += "index.html"
                pending.append((href, target, fragment))
        links = PageLinks(ids, tuple(pending), origin)
        self.pages[page] = links
        return links

    def finish(self, outputs: set[str]) -> list[Diagnostic]:
        """Check the recorded links against every output file."""
        for page, record in self.pages.items():
            for href, target, fragment in record.links:
                if target not in outputs:
                    hint = " (add a trailing slash?)" if target + "/index.html" in outputs else ""
                    self._report(
                        page,
                        href,
                        f"resolves to /{target}, which the site does not have{hint}",
                        record.origin,
                    )
                elif fragment and target in self.pages and fragment not in self.pages[target].ids:
                    self._report(
                        page, href, f"points to '#{fragment}', which /{target} does not have", record.origin
                    )
        return self.problems
