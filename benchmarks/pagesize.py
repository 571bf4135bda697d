#!/usr/bin/env python3
"""What an article page's bytes are made of: by part of the page, then by tag and text.

    python benchmarks/pagesize.py                # builds the example archive, measures its article
    python benchmarks/pagesize.py PAGE.html ...  # measures pages already built

Parts: the ``<head>``, the article text (``[data-article-text]``), the footnotes
(``#footnotes``), the entity sidebar (``.entity-sidebar``) and the rest. Inside each part,
every byte is either markup (counted per tag name, start and end tags together; a link to
a fragment of the page, a footnote marker or back-link, is ``a#``) or text (counted per
innermost element: ``text in del`` is the received reading). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

EXAMPLE_PAGE = "2020/01/04/soleimani-killing-tantamount-to-war/index.html"
PARTS = ("head", "text", "footnotes", "sidebar", "rest")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _part(tag: str, attrs: dict[str, str | None]) -> str | None:
    """The part an element opens, if it is one of the page's parts."""
    if tag == "head":
        return "head"
    if "data-article-text" in attrs:
        return "text"
    if attrs.get("id") == "footnotes":
        return "footnotes"
    if "entity-sidebar" in (attrs.get("class") or "").split():
        return "sidebar"
    return None


class PageBytes(HTMLParser):
    """Counts each byte of a page once: (part, what) -> bytes."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.lines = [0]
        for line in text.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line.encode("utf-8")))
        self.bytes: Counter[tuple[str, str]] = Counter()
        self.stack: list[tuple[str, str]] = []  # (tag, part) of each open element
        self.feed(text)
        self.close()

    def _raw(self) -> int:
        raw = self.get_starttag_text() or ""
        return len(raw.encode("utf-8"))

    def _where(self) -> str:
        return self.stack[-1][1] if self.stack else "rest"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        part = _part(tag, values) or self._where()
        name = "a#" if tag == "a" and (values.get("href") or "").startswith("#") else tag
        self.bytes[(part, f"<{name}>")] += self._raw()
        if tag not in VOID:
            self.stack.append((name, part))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.bytes[(self._where(), f"<{tag}>")] += self._raw()

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching element: an omitted end tag (</li>, </p>) closes with it.
        names = [t if t != "a#" else "a" for t, _ in self.stack]
        if tag in names:
            index = len(names) - 1 - names[::-1].index(tag)
            name, part = self.stack[index]
            del self.stack[index:]
        else:
            name, part = tag, self._where()
        self.bytes[(part, f"<{name}>")] += len(tag) + 3

    def _text(self, data: str) -> None:
        inner = self.stack[-1][0] if self.stack else "document"
        self.bytes[(self._where(), f"text in {inner}")] += len(data.encode("utf-8"))

    handle_data = _text

    def handle_entityref(self, name: str) -> None:
        self._text(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._text(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.bytes[(self._where(), "comments")] += len(data) + 7

    def handle_decl(self, decl: str) -> None:
        self.bytes[("rest", "doctype")] += len(decl) + 3


def report(path: Path, top: int) -> None:
    data = path.read_bytes()
    counted = PageBytes(data.decode("utf-8")).bytes
    total = len(data)
    print(f"{path}: {total:,} bytes ({total / 1024:.1f} KiB)")
    if sum(counted.values()) != total:
        print(f"  (parsed {sum(counted.values()):,} bytes: the parser skipped some)")
    for part in PARTS:
        items = sorted(((n, w) for (p, w), n in counted.items() if p == part), reverse=True)
        size = sum(n for n, _ in items)
        print(f"  {part:10} {size / 1024:7.1f} KiB {size / total:6.1%}")
        for n, what in items[:top]:
            print(f"      {what:22} {n / 1024:7.1f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pages", type=Path, nargs="*", help="built pages (default: build the example)")
    parser.add_argument("--top", type=int, default=8, help="items shown per part (default 8)")
    args = parser.parse_args()
    if args.pages:
        for page in args.pages:
            report(page, args.top)
        return
    from sitegen.options import BuildOptions
    from sitegen.pipeline import build

    with tempfile.TemporaryDirectory(prefix="pagesize-") as out:
        result = build(BuildOptions(root=REPO, output=Path(out), jobs=1, search=False))
        if result.log.errors:
            raise SystemExit("the example archive does not build: run sitegen build")
        report(Path(out) / EXAMPLE_PAGE, args.top)


if __name__ == "__main__":
    main()
