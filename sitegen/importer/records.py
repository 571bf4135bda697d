"""What the sources hand to the writer: candidate articles, and what became of each."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field

from sitegen.diagnostics import Diagnostic


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph as found: its lines (a line break inside it is a soft wrap in the seed)."""

    lines: tuple[str, ...]
    role: str = "body"  # one of sitegen.model.ROLES

    @property
    def text(self) -> str:
        """The paragraph as the seed reader reads it back: lines joined by one space."""
        return " ".join(self.lines)


def paragraph(text: str, role: str = "body") -> Paragraph | None:
    """``text`` as a paragraph: lines stripped, empty ones dropped (they would end it); None
    when nothing is left."""
    # Split at line ends only, as the seed reader does (str.splitlines also splits at U+2028, ...).
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = tuple(stripped for line in text.split("\n") if (stripped := line.strip()))
    return Paragraph(lines, role) if lines else None


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def split_paragraphs(text: str, *, lines_if_no_blank: bool = False) -> tuple[Paragraph, ...]:
    """``text``'s paragraphs, separated by blank lines as in a seed; with ``lines_if_no_blank``,
    by line breaks when it has no blank line (exports often write a paragraph per line)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _BLANK_LINE.search(text) or not lines_if_no_blank:
        pieces = _BLANK_LINE.split(text)
    else:
        pieces = text.split("\n")
    return tuple(p for p in (paragraph(piece) for piece in pieces) if p is not None)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an article was found: what the editorial file's ``source`` records."""

    url: str = ""
    publisher: str = ""
    author: str = ""
    captured: dt.datetime | None = None  # when a web archive captured it (WARC-Date)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article a source found, not yet written."""

    origin: str  # where it was found, for the report: 'file', 'file:line' or 'file@offset'
    date: dt.date
    paragraphs: tuple[Paragraph, ...]
    title: str = ""
    provenance: Provenance = field(default_factory=Provenance)
    notes: tuple[Diagnostic, ...] = ()  # said about it when imported (e.g. the date's origin)


class Outcome(enum.Enum):
    IMPORTED = "imported"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Result:
    """What became of one item: an imported seed, or why an item was skipped or failed."""

    outcome: Outcome
    origin: str
    reason: str = ""  # for a skipped or failed item
    seed_id: str = ""  # for an imported one, or the seed an item duplicates
    title: str = ""


@dataclass(frozen=True, slots=True)
class Rejected:
    """An item a source could not turn into an article, and why: an error fails the import
    (exit status 1), a warning or a notice only skips the item."""

    origin: str
    diagnostic: Diagnostic


Found = Candidate | Rejected
