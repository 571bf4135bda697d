"""Read built pages as a reader's browser would, with the standard library only.

``parse_html`` turns a page into a small element tree; ``article_blocks`` finds
the blocks of an article (the children of ``.article-text``, one per paragraph
of the seed, in order) and gives each block's text in both readings:

* ``received``: the text as it stands in the seed. Every corrected reading
  (``ins``) and every footnote marker (``a href=#nN``) is left out, and nothing
  else is: the source reading (``del``), mention links (:func:`is_mention`) and any
  other wrapper keep their text.
* ``corrected``: what the reader sees by default: ``del`` and the markers left out.

Before corrections exist both readings are simply the block's text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_ELEMENTS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
BLOCK_ROLES = {"p": "body", "h2": "heading", "figure": "caption", "blockquote": "quote"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = field(default=None, repr=False)
    line: int = 0  # line of the start tag in the page

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    @property
    def id(self) -> str | None:
        return self.attrs.get("id")

    def iter(self) -> Iterator[Element]:
        """Every element below this one, in document order."""
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Element]:
        """Descendants matching a tag name, a class and exact attribute values (``id_`` for id)."""
        wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
        return [
            el
            for el in self.iter()
            if (tag is None or el.tag == tag)
            and (cls is None or cls in el.classes)
            and all(el.attrs.get(k) == v for k, v in wanted.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Element | None:
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def text(self, skip: Callable[[Element], bool] | None = None) -> str:
        """Concatenated text, character references decoded, leaving out subtrees ``skip`` selects."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif skip is None or not skip(child):
                parts.append(child.text(skip))
        return "".join(parts)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self._close_open_item()
        element = Element(
            tag,
            {k: v if v is not None else "" for k, v in attrs},
            parent=self.stack[-1],
            line=self.getpos()[0],
        )
        self.stack[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def _close_open_item(self) -> None:
        """A <li> start tag ends the list's open item: its </li> may be omitted (HTML's
        optional end tags), as the footnotes and the sidebar do."""
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag in ("ol", "ul"):
                return
            if self.stack[depth].tag == "li":
                del self.stack[depth:]
                return

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.stack[-1], line=self.getpos()[0])
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return
        # a stray end tag closes nothing (browsers ignore it too)

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str | bytes) -> Element:
    """The page as a tree of :class:`Element` under a ``#document`` root, each corrected reading
    in an ``ins`` as reading.js puts it (see :func:`wrap_corrected_readings`)."""
    builder = _TreeBuilder()
    builder.feed(html.decode("utf-8") if isinstance(html, bytes) else html)
    builder.close()
    wrap_corrected_readings(builder.root)
    return builder.root


def wrap_corrected_readings(root: Element) -> None:
    """A place is written ``<del>received</del>corrected<a href=#n6>6</a>`` where that is
    unambiguous: the text between ``del`` and its marker is the corrected reading. Wrap it in
    ``ins``, as reading.js does in the browser, so every place has its three elements."""
    for element in [root, *root.iter()]:
        children = element.children
        for i in range(len(children) - 2, 0, -1):
            before, text, after = children[i - 1], children[i], children[i + 1]
            if (
                isinstance(text, str)
                and isinstance(before, Element)
                and before.tag == "del"
                and isinstance(after, Element)
                and is_footnote_ref(after)
            ):
                children[i] = Element("ins", {}, [text], parent=element, line=before.line)


def is_corrected_reading(element: Element) -> bool:
    return element.tag == "ins"


def is_source_reading(element: Element) -> bool:
    return element.tag == "del"


def is_mention(element: Element) -> bool:
    """A mention link: in the article text, every link that is not a footnote marker."""
    return element.tag == "a" and not element.attrs.get("href", "").startswith("#")


def is_footnote_ref(element: Element) -> bool:
    """A corrected place's link to its footnote: ``<a href=#n6>6</a>``."""
    href = element.attrs.get("href", "")
    return element.tag == "a" and href[:2] == "#n" and href[2:].isdigit()


def received_text(element: Element) -> str:
    """The text as received: without corrected readings and footnote markers, nothing else removed."""
    return element.text(skip=lambda el: is_corrected_reading(el) or is_footnote_ref(el))


def corrected_text(element: Element) -> str:
    """The text as the reader sees it by default: without source readings and footnote markers."""
    return element.text(skip=lambda el: is_source_reading(el) or is_footnote_ref(el))


@dataclass(frozen=True)
class ArticleBlock:
    number: int  # the paragraph's number in the seed: its position
    role: str  # body | heading | caption | quote, from the element
    anchor: str | None
    element: Element
    received: str
    corrected: str


def _role(element: Element) -> str:
    if element.tag == "figure" and "caption" not in element.classes:
        return "figure"
    return BLOCK_ROLES.get(element.tag, element.tag)


def article_blocks(page: str | bytes | Element) -> list[ArticleBlock]:
    """The numbered blocks of an article page, in document order."""
    root = page if isinstance(page, Element) else parse_html(page)
    container = root.find(cls="article-text")
    if container is None:
        raise AssertionError("the page has no .article-text element")
    children = [child for child in container.children if isinstance(child, Element)]
    return [
        ArticleBlock(
            number=number,
            role=_role(child),
            anchor=child.id,
            element=child,
            received=received_text(child),
            corrected=corrected_text(child),
        )
        for number, child in enumerate(children, start=1)
    ]


@dataclass(frozen=True)
class PlaceElements:
    """One corrected place on an article page: ``<del>`` (received), ``<ins>`` (corrected) and its
    footnote marker, which follows the place, or the mention link around it."""

    block: ArticleBlock
    source: Element
    corrected: Element
    marker: Element

    @property
    def note(self) -> int:
        return int(self.marker.attrs["href"].removeprefix("#n"))


def corrected_places(page: str | bytes | Element) -> list[PlaceElements]:
    """Every corrected place of an article page, in document order."""
    found: list[PlaceElements] = []
    for block in article_blocks(page):
        sources = block.element.find_all("del")
        corrections = block.element.find_all("ins")
        markers = [el for el in block.element.iter() if is_footnote_ref(el)]
        if not len(sources) == len(corrections) == len(markers):
            raise AssertionError(
                f"block {block.number}: {len(sources)} del, {len(corrections)} ins, {len(markers)} markers"
            )
        found += [PlaceElements(block, *parts) for parts in zip(sources, corrections, markers, strict=True)]
    return found


def footnote_replacements(text: str) -> list[str]:
    """A footnote's corrected readings from its text: ``USA → United States. Note…`` (plain text
    after the arrow, up to the first ". ", separated by ", "), as a reader sees them."""
    after = text.split("→ ", 1)[1]
    return after[: after.index(". ")].split(", ")
