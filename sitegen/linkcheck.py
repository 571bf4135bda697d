"""Check every internal link of the built site: each href, src and srcset must
resolve to a file sitegen produced and, with a fragment, to an id in that page.

A page's links and ids are known as it is rendered, not read back from its HTML: the
``url`` filter records every link a template writes, the Markdown renderer every link an
author wrote (with its line), and the page's plan the ids and links it makes from its
data (render.PageMade). ``sitegen check`` also scans each rendered page's HTML
(:func:`scan_page`), for templates that write links by hand. Cross-page fragments are
checked at the end, once every page's ids are known.
"""

from __future__ import annotations

import html
import pickle
import posixpath
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import NamedTuple, Protocol

from sitegen.diagnostics import Diagnostic, error

# Values quoted or not (article pages leave short ones unquoted). Only inside tags: escaped
# text has no '<' or '>', so whatever '<…>' holds is a tag, and text like " id=5" is skipped.
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_ATTR = re.compile(r'\s(id|href|src|srcset)=(?:"([^"]*)"|([^\s"\'=<>`]+))')
_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


# Named tuples, not dataclasses: tens of thousands of these are pickled into the build
# state and back from worker processes, and tuples pickle several times faster.
class PageLinks(NamedTuple):
    """What the check needs of one page, kept between builds for pages not rendered again."""

    ids: str  # the page's ids, sorted, one per line: one object, not thousands of small ones
    links: tuple[tuple[str, str, str], ...]  # (href, target output path, fragment) to other pages
    origin: LinkOrigin
    problems: tuple[Diagnostic, ...]  # in-page problems (links to a missing '#id' on the page)


class LinkOrigin(NamedTuple):
    """Where a page came from, so a broken link can name a source file and line."""

    path: str | None  # the page's main source file
    lines: Mapping[str, int]  # href -> line in that file (links from Markdown)


def _urls(attr: str, value: str) -> list[str]:
    value = html.unescape(value)
    if attr != "srcset":
        return [value]
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def pack(links: PageLinks) -> bytes:
    """A page's links as the build state stores them; kept packed in memory too (a large
    site has tens of thousands of pages, and the check reads each record once)."""
    return pickle.dumps(links, protocol=5)


class LinkStore(Protocol):
    """Where a :class:`LinkChecker` keeps each page's packed links: a dict, or (a build that
    keeps no page record in memory) the page records in the build state (keeper.StoredLinks)."""

    def __setitem__(self, page: str, packed: bytes) -> None: ...
    def __getitem__(self, page: str) -> bytes: ...
    def __contains__(self, page: object) -> bool: ...
    def __iter__(self) -> Iterator[str]: ...  # in the order the pages were added
    def items(self) -> Iterable[tuple[str, bytes]]: ...  # in any order


class LinkChecker:
    """Collects every page's links as pages are produced; checks them at the end.

    A page's problems are its in-page ones (found when it was rendered) and its links to
    other pages. When the last build's problems are given, only pages rendered now are
    checked again, unless the set of pages or the ids of a page changed. New ids re-check
    the pages linking to that page's fragments if ``inbound`` (the last build's index of
    them) is given, and every page if not; a new or removed page re-checks every page.
    """

    def __init__(
        self,
        base_path: str,
        previous: dict[str, list[Diagnostic]] | None = None,
        inbound: dict[str, set[str]] | None = None,
        store: LinkStore | None = None,
    ) -> None:
        self.base_path = base_path
        self.pages: LinkStore = {} if store is None else store  # output path -> packed PageLinks
        self.rendered: set[str] = set()
        self.previous = previous  # page -> its link problems in the last build (None: unknown)
        self.everything = previous is None  # check every page, not only the rendered ones
        # target page -> pages linking to one of its fragments; after finish(), this build's
        self.inbound = inbound
        self.new_ids: set[str] = set()  # rendered pages whose ids changed
        self.earlier: dict[str, bytes] = {}  # rendered page -> its record in the last build
        self.by_page: dict[str, list[Diagnostic]] = {}  # this build's problems, for the next one
        self.checked = 0  # pages whose links finish() checked
        self.follow_on = 0  # problems finish() did not list: they follow from a template error

    def add(self, page: str, packed: bytes, earlier: bytes | None = None) -> None:
        """A page rendered now (``earlier``: its record from the last build, if any)."""
        self.pages[page] = packed
        self.rendered.add(page)
        if earlier is not None:
            self.earlier[page] = earlier
        if self.everything:
            return
        if earlier is None or (self.inbound is None and _ids(earlier) != _ids(packed)):
            self.everything = True  # a new page, or new ids: links elsewhere may now resolve or break
        elif _ids(earlier) != _ids(packed):
            self.new_ids.add(page)  # links to its fragments may now resolve or break

    def appeared(self) -> None:
        """An output that is not a page (a file) is new: links to it may resolve now."""
        self.everything = True

    def keep(self, page: str, packed: bytes) -> None:
        """A page not rendered again: its links as recorded by the last build."""
        self.pages[page] = packed

    def finish(
        self, outputs: set[str], removed: bool = False, unrendered: Collection[str] = ()
    ) -> list[Diagnostic]:
        """Check the recorded links against every output (``removed``: some page is gone).

        ``unrendered``: pages a template error left unrendered (with their last good output, or
        none). What follows from that error is counted in ``follow_on``, not listed: links to
        those pages and the problems of their stale output. Every page is checked then, so the
        count is exact; the stored problems stay complete, for the build after the fix."""
        unrendered = set(unrendered)
        everything = self.everything or removed or bool(unrendered)
        previous = self.previous or {}
        recheck = set(self.rendered)
        if not everything and self.inbound is not None:
            for target in self.new_ids:
                recheck.update(page for page in self.inbound.get(target, ()) if page in self.pages)
        # Links to fragments are checked as they are read, against their target's ids (read
        # once per target): a large site has hundreds of thousands of them, too many to hold.
        # The ids stay one string ('\nid\nid\n'): as sets, a site's would take 100 MB.
        ids_of: dict[str, _Ids] = {}
        linking: dict[str, set[str]] = {}  # target page -> pages checked that link to its fragments
        # (position in the page, problem, whether it follows from a template error)
        found: dict[str, list[tuple[int, Diagnostic, bool]]] = {}
        # Every page in the store's order of reading (a scan of the state's table), or those
        # to check again, looked up one by one.
        checking = (
            self.pages.items()
            if everything
            else ((page, self.pages[page]) for page in self.pages if page in recheck)
        )
        for page, packed in checking:
            record: PageLinks = pickle.loads(packed)
            stale = page in unrendered
            checked = found[page] = [(-1, p, stale) for p in record.problems]
            for position, (href, target, fragment) in enumerate(record.links):
                if target not in outputs:
                    hint = " (add a trailing slash?)" if target + "/index.html" in outputs else ""
                    why = f"resolves to /{target}, which the site does not have{hint}"
                    follows = stale or target in unrendered
                    checked.append((position, _broken(page, href, why, record.origin), follows))
                elif fragment and target in self.pages:
                    ids = ids_of.get(target)
                    if ids is None:
                        ids = ids_of[target] = _Ids(_ids(self.pages[target]))
                    if fragment not in ids:
                        why = f"points to '#{fragment}', which /{target} does not have"
                        follows = stale or target in unrendered
                        checked.append((position, _broken(page, href, why, record.origin), follows))
                    pages = linking.get(target)
                    if pages is None:
                        pages = linking[target] = set()
                    pages.add(page)
        self.checked = len(found)
        self._index(linking, everything)
        result: list[Diagnostic] = []
        self.follow_on = 0
        for page in self.pages:
            if page in found:
                ordered = sorted(found[page], key=lambda item: item[0])
                problems = [p for _, p, _ in ordered]
                listed = [p for _, p, follows in ordered if not follows]
            else:
                problems = listed = previous.get(page, [])
            if problems:
                self.by_page[page] = problems
                result.extend(listed)
                self.follow_on += len(problems) - len(listed)
        return result

    def _index(self, linking: dict[str, set[str]], everything: bool) -> None:
        """Record which pages link to which pages' fragments, for the next build's add()."""
        if everything:
            self.inbound = linking
            return
        inbound = self.inbound
        if inbound is None:  # only some pages were read: the index would be partial
            return
        for page in self.rendered:  # forget what rendered pages linked to; learn it anew below
            earlier = self.earlier.get(page)
            if earlier is not None:
                old: PageLinks = pickle.loads(earlier)
                for _, target, fragment in old.links:
                    if fragment and target in inbound:
                        inbound[target].discard(page)
        for target, pages in linking.items():
            for page in pages:
                if page in self.rendered:
                    inbound.setdefault(target, set()).add(page)


class _Ids:
    """A page's ids, for checking fragments: one string ('\nid\nid\n') for most pages (as
    sets, a large site's would take 100 MB), a set for a page with very many (a long article),
    where scanning the string for every link to it would cost links × ids."""

    __slots__ = ("_joined", "_set")

    def __init__(self, ids: str) -> None:
        self._set = frozenset(ids.split("\n")) if len(ids) > _MANY_IDS else None
        self._joined = "" if self._set is not None else f"\n{ids}\n"

    def __contains__(self, fragment: str) -> bool:
        if self._set is not None:
            return fragment in self._set
        return "\n" not in fragment and f"\n{fragment}\n" in self._joined


_MANY_IDS = 1 << 14  # characters of ids above which a page's ids are a set


def _ids(packed: bytes) -> str:
    record: PageLinks = pickle.loads(packed)
    return record.ids


def _broken(page: str, href: str, why: str, origin: LinkOrigin) -> Diagnostic:
    line = origin.lines.get(href)
    where = f"/{page}" if origin.path is None else f"/{page} (from {origin.path})"
    return error("broken-link", f"{where}: link '{href}' {why}", origin.path, line)


def html_ids(text: str) -> set[str]:
    """The ids of an HTML fragment (rendered Markdown: an author's headings and footnotes)."""
    return {
        quoted or bare
        for tag in _TAG.findall(text)
        for attr, quoted, bare in _ATTR.findall(tag)
        if attr == "id"
    }


def scan_page(page: str, text: str, origin: LinkOrigin, base_path: str) -> PageLinks:
    """One rendered HTML page's ids and links, read from its HTML (``sitegen check``)."""
    attributes = [
        (attr, quoted or bare) for tag in _TAG.findall(text) for attr, quoted, bare in _ATTR.findall(tag)
    ]
    ids = {value for attr, value in attributes if attr == "id"}
    hrefs = [
        href
        for attr, raw in attributes
        if attr != "id"
        for href in (_urls(attr, raw) if ("&" in raw or attr == "srcset") else (raw,))
    ]
    return page_links(page, ids, hrefs, origin, base_path)


def page_links(
    page: str, ids: Collection[str], hrefs: Iterable[str], origin: LinkOrigin, base_path: str
) -> PageLinks:
    """A page's record from its ids and the hrefs as written on it; its in-page links are
    checked now. A pure function of its arguments, so worker processes can make it."""
    problems: list[Diagnostic] = []
    pending: list[tuple[str, str, str]] = []
    page_dir = posixpath.dirname(page)
    resolved: dict[str, str | None] = {}  # relative path -> target
    for href in dict.fromkeys(hrefs):  # each once: pages repeat their links a lot
        if not href or _EXTERNAL.match(href):
            continue
        path, _, fragment = href.partition("#")
        if "?" in path:
            path = path.split("?", 1)[0]
        if not path:
            if fragment and fragment not in ids:
                problems.append(
                    _broken(page, href, f"points to '#{fragment}', which is not on the page", origin)
                )
            continue
        if path in resolved:
            target = resolved[path]
        else:
            target, why = _resolve(page_dir, path, base_path)
            resolved[path] = target
            if why:
                problems.append(_broken(page, href, why, origin))
        if target is not None:
            pending.append((href, target, fragment))
    return PageLinks("\n".join(sorted(ids)), tuple(pending), origin, tuple(problems))


def _join(page_dir: str, path: str) -> str | None:
    """``path`` relative to ``page_dir``, normalised, keeping a trailing slash; None if it
    climbs out of the site. Links the ``url`` filter writes ('../../entities/x/') take the
    fast path; anything else goes through posixpath."""
    rest, up = path, 0
    while rest.startswith("../"):
        rest, up = rest[3:], up + 1
    if (
        rest in (".", "..")
        or rest.startswith("/")
        or "//" in rest
        or "/./" in f"/{rest}/"
        or "/../" in f"/{rest}/"
    ):
        target = posixpath.normpath(posixpath.join(page_dir, path))
        if target.startswith("../") or target == "..":
            return None
        target = "" if target == "." else target
    else:
        parts = page_dir.split("/") if page_dir else []
        if up > len(parts):
            return None
        base = "/".join(parts[: len(parts) - up])
        target = f"{base}/{rest}" if base and rest else base or rest
        target = target.rstrip("/")
    return target + "/" if path.endswith("/") and target else target


def _resolve(page_dir: str, path: str, base_path: str) -> tuple[str | None, str]:
    """The output path a link's path points to, or None and why it is wrong."""
    if path.startswith("/"):
        if not path.startswith(base_path):
            return None, (f"is root-relative but misses the base path '{base_path}'; use the url filter")
        target = path[len(base_path) :]
    else:
        resolved = _join(page_dir, path)
        if resolved is None:
            return None, "leaves the site"
        target = resolved
    if target == "" or target.endswith("/"):
        target += "index.html"
    return target, ""
