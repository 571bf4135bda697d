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
        self.ids: dict[str, frozenset[str]] = {}  # output path → ids in that page
        # (page, href, target path, fragment, origin) of links to other pages, checked at the end
        self.pending: list[tuple[str, str, str, str, LinkOrigin]] = []
        self.problems: list[Diagnostic] = []

    def _report(self, page: str, href: str, why: str, origin: LinkOrigin) -> None:
        line = origin.lines.get(href)
        where = f"/{page}" if origin.path is None else f"/{page} (from {origin.path})"
        self.problems.append(error("broken-link", f"{where}: link '{href}' {why}", origin.path, line))

    def scan(self, page: str, text: str, origin: LinkOrigin) -> None:
        """Record one rendered HTML page (its output path, site-relative)."""
        ids = frozenset(_ID_ATTR.findall(text))
        self.ids[page] = ids
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
                self.pending.append((page, href, target, fragment, origin))

    def finish(self, outputs: set[str]) -> list[Diagnostic]:
        """Check the recorded links against every output file."""
        for page, href, target, fragment, origin in self.pending:
            if target not in outputs:
                hint = " (add a trailing slash?)" if target + "/index.html" in outputs else ""
                self._report(page, href, f"resolves to /{target}, which the site does not have{hint}", origin)
            elif fragment and target in self.ids and fragment not in self.ids[target]:
                self._report(page, href, f"points to '#{fragment}', which /{target} does not have", origin)
        self.pending.clear()
        return self.problems
