"""Article text, title and date from one HTML page: trafilatura for the text, htmldate for
the date. Also reads saved pages (``.html``, ``.htm``).

trafilatura is set for precision: comments, tables, images and links are left out, and
the text of each paragraph is kept as the page has it: typographic quotes, dashes and
no-break spaces as they are (trafilatura rewrites none), a line break (<br>) a soft wrap
in the seed; only where a paragraph's HTML source spans lines is its whitespace joined,
as a browser shows it. The page's own headline, which trafilatura returns as the first
heading, is the title and not repeated as the first paragraph.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.diagnostics import error, info, warning
from sitegen.importer.records import Candidate, Found, Paragraph, Provenance, Rejected, paragraph
from sitegen.urlpolicy import is_safe

NO_TEXT = "import-no-text"
NO_DATE = "import-no-date"


@dataclass(frozen=True, slots=True)
class Page:
    """What a page yields: its paragraphs and metadata; ``date`` is None when htmldate
    found none."""

    paragraphs: tuple[Paragraph, ...]
    title: str
    date: dt.date | None
    publisher: str
    author: str
    url: str


def _lines(element: Any) -> str:
    """An element's text, with '\n' for each line break (<lb/>) inside it."""
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if child.tag == "lb" else _lines(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _paragraphs(body: Any) -> list[Paragraph]:
    found: list[Paragraph | None] = []
    for element in body:
        if element.tag == "list":
            found.extend(paragraph(_lines(item)) for item in element.iter("item"))
        elif element.tag == "quote" and len(element) and all(child.tag == "p" for child in element):
            found.extend(paragraph(_lines(child), "quote") for child in element)
        else:
            role = {"head": "heading", "quote": "quote"}.get(element.tag, "body")
            found.append(paragraph(_lines(element), role))
    return [p for p in found if p is not None]


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def extract(html: bytes, url: str = "") -> Page | None:
    """The article in ``html``, or None when the page holds no article text (an index, a
    listing, an error page): nothing but headings, lists and links."""
    import htmldate
    import trafilatura

    tree = trafilatura.load_html(html)
    if tree is None:
        return None
    # htmldate first, on a copy: trafilatura prunes the tree it reads.
    found_date = htmldate.find_date(
        copy.deepcopy(tree),
        url=url or None,
        original_date=True,  # publication, not the last modification
        extensive_search=False,  # its guesses from free text take a footer's '© 2021' for a date
        outputformat="%Y-%m-%d",
    )
    document = trafilatura.bare_extraction(
        tree,
        url=url or None,
        with_metadata=True,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
    )
    if document is None or isinstance(document, dict) or document.body is None:  # dict: as_dict=True
        return None
    paragraphs = _paragraphs(document.body)
    title = document.title or ""
    if paragraphs and paragraphs[0].role == "heading" and _same(paragraphs[0].text, title):
        paragraphs = paragraphs[1:]
    if not any(p.role == "body" for p in paragraphs):
        return None
    page_url = url or document.url or ""
    return Page(
        paragraphs=tuple(paragraphs),
        title=title,
        date=dt.date.fromisoformat(found_date) if found_date else None,
        publisher=document.sitename or "",
        author=document.author or "",
        url=page_url if page_url.startswith(("http://", "https://")) and is_safe(page_url) else "",
    )


def read_page(html: bytes, url: str, origin: str, path: str, what: str) -> Page | Rejected:
    """The article in a page, or why there is none. A page without article text is skipped
    (a warning: a crawl holds many); one the libraries fail on fails alone."""
    try:
        page = extract(html, url)
    # lxml, trafilatura and htmldate raise what their parsers raise on a malformed page; any
    # of it is this page's problem, and the other pages still import.
    except Exception as exc:
        message = f"{what} cannot be read as HTML ({type(exc).__name__}: {exc})"
        return Rejected(origin, error("import-page", message, path))
    if page is None:
        message = f"{what} has no article text (an index, listing or error page?)"
        return Rejected(origin, warning(NO_TEXT, message, path))
    return page


def read_saved_page(path: Path, label: str, fallback_date: dt.date | None) -> list[Found]:
    """A saved page: its date from the page, else ``--date``."""
    page = read_page(path.read_bytes(), "", label, label, "the page")
    if isinstance(page, Rejected):
        return [page]
    date, notes = page.date, []
    if date is None and fallback_date is not None:
        date = fallback_date
        notes.append(info(NO_DATE, "no publication date found in the page; used --date", label))
    if date is None:
        return [
            Rejected(
                label,
                error(
                    NO_DATE,
                    "no publication date found in the page (htmldate); give it with --date YYYY-MM-DD",
                    label,
                ),
            )
        ]
    provenance = Provenance(url=page.url, publisher=page.publisher, author=page.author)
    return [Candidate(label, date, page.paragraphs, page.title, provenance, tuple(notes))]
