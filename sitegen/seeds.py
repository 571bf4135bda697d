"""The seed reader: ``seeds/<id>.txt`` → :class:`~sitegen.model.Seed`.

Format: UTF-8 plain text; the first line starts with ``date YYYY-MM-DD`` and
goes on with the first paragraph; paragraphs are separated by blank lines; a
single newline inside a paragraph is a soft wrap. The text is never
interpreted (no Markdown, no HTML): it is escaped when rendered.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.model import Paragraph, Seed
from sitegen.sources import read_input

_DATE_LINE = re.compile(r"^[ \t]*date(?:[ \t]+(\S+))?(?:[ \t]+(.*))?$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")  # ASCII digits only: \d admits '２０２０'
SEED_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\Z")  # \Z: '$' would accept a trailing newline
_LINE_END = re.compile(rb"\r\n|\r|\n")
# C0 control characters but tab and line ends: invalid in HTML text and in XML (the feed).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What the edges of a line lose: whitespace as str.strip() knows it, but the information
# separators U+001C–U+001F, which Python counts as whitespace though they are control
# characters: kept, they are reported and shown as U+FFFD at a line's end as anywhere else
# (a form feed at a line's end stays layout: pages of OCR'd text end with one).
LAYOUT_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
LAYOUT_SPACE += "\u2028\u2029\u202f\u205f\u3000"


def visible(text: str) -> str:
    """``text`` with every control character replaced by U+FFFD, as a browser shows a NUL."""
    return CONTROL.sub("\ufffd", text)


def digest_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _decode(data: bytes, rel: str) -> tuple[str | None, Diagnostic | None]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Count line ends as parse_seed does (CRLF, lone CR, LF), so the line matches the editor's.
        line = len(_LINE_END.findall(data[: exc.start])) + 1
        return None, error(
            "seed-encoding",
            f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8; "
            "convert the file to UTF-8 (for example with iconv) and build again",
            rel,
            line,
        )
    return text.removeprefix("\ufeff"), None


def parse_seed(data: bytes, seed_id: str, rel: str) -> tuple[Seed | None, list[Diagnostic]]:
    """Parse one seed's bytes. Returns the seed, or None and the reasons."""
    text, problem = _decode(data, rel)
    if text is None:
        return None, [problem] if problem else []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = 0
    while first < len(lines) and not lines[first].strip(LAYOUT_SPACE):
        first += 1
    if first == len(lines):
        return None, [
            error(
                "seed-empty",
                "the file is empty; a seed starts with 'date YYYY-MM-DD' followed by the article text",
                rel,
                1,
            )
        ]
    match = _DATE_LINE.match(lines[first])
    if not match:
        return None, [
            error(
                "seed-no-date",
                "the first line must start with 'date YYYY-MM-DD' "
                "(for example 'date 2020-01-04 The first paragraph…')",
                rel,
                first + 1,
            )
        ]
    raw_date = match.group(1) or ""
    if not _DATE.match(raw_date):
        return None, [
            error(
                "seed-bad-date",
                f"'{raw_date}' is not a date in the form YYYY-MM-DD",
                rel,
                first + 1,
            )
        ]
    try:
        date = dt.date.fromisoformat(raw_date)
    except ValueError as exc:
        return None, [error("seed-bad-date", f"'{raw_date}' is not a real date ({exc})", rel, first + 1)]

    body = [(first, match.group(2) or "")] + [(i, lines[i]) for i in range(first + 1, len(lines))]
    paragraphs: list[Paragraph] = []
    current: list[str] = []
    start = 0
    controls: list[tuple[int, str]] = []  # (line, character) of each control character in the text
    for index, line in body:
        stripped = line.strip(LAYOUT_SPACE)
        if CONTROL.search(stripped):
            controls.extend((index + 1, c) for c in CONTROL.findall(stripped))
            stripped = visible(stripped)
        if stripped:
            if not current:
                start = index + 1
            current.append(stripped)
        elif current:
            paragraphs.append(Paragraph(" ".join(current), start))
            current = []
    if current:
        paragraphs.append(Paragraph(" ".join(current), start))
    if not paragraphs:
        return None, [error("seed-empty-body", "the article has a date but no text", rel, first + 1)]
    return Seed(seed_id, rel, date, tuple(paragraphs), digest_bytes(data), data), _control_warning(
        controls, rel
    )


def _control_warning(controls: list[tuple[int, str]], rel: str) -> list[Diagnostic]:
    """One warning for a seed's control characters, at the first. A warning, not an error:
    damaged text is what the archive holds, and one stray byte must not take the article off
    the site; the published reading shows U+FFFD there, the .txt copy keeps the bytes."""
    if not controls:
        return []
    names = ", ".join(sorted({f"U+{ord(c):04X}" for _, c in controls}))
    lines = sorted({line for line, _ in controls})
    where = f"line {lines[0]}" if len(lines) == 1 else f"lines {', '.join(map(str, lines[:5]))}"
    return [
        warning(
            "seed-control-char",
            f"{len(controls)} control character(s) ({names}) on {where} are shown as U+FFFD (�) "
            f"in the published reading; the {rel.rsplit('/', 1)[-1]} copy keeps the bytes as received",
            rel,
            lines[0],
        )
    ]


def read_seed(path: Path, root: Path) -> tuple[Seed | None, list[Diagnostic]]:
    """Read and parse ``path``; every failure becomes a diagnostic naming the file."""
    data, problems = read_seed_bytes(path, root)
    if data is None:
        return None, problems
    return parse_seed(data, path.stem, path.relative_to(root).as_posix())


def read_seed_bytes(path: Path, root: Path) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of seed ``path``, read once; or None and why they cannot be used."""
    rel = path.relative_to(root).as_posix()
    if not SEED_ID.match(path.stem):
        return None, [
            error(
                "seed-bad-name",
                f"'{path.name}' is not a usable id; use letters, digits, '_', '-' and '.' only",
                rel,
            )
        ]
    data, refused = read_input(path, root)
    return data, [refused] if data is None and refused else []


_LINE_END_TEXT = re.compile(r"\r\n|\r|\n")


def paragraph_spans(texts: Iterable[str]) -> list[tuple[int, int]]:
    """(start, end) of each paragraph in the text they make joined by blank lines, as
    :attr:`Seed.source_text` joins a seed's paragraphs."""
    spans, position = [], 0
    for text in texts:
        spans.append((position, position + len(text)))
        position += len(text) + 2
    return spans


class FileOffsets:
    """Maps offsets in :attr:`Seed.source_text` to offsets in the seed file's own text.

    The file's text is its bytes decoded as UTF-8 without a byte order mark, counted in
    code points (CRLF counts two): what a reader of the published ``<id>.txt`` slices.
    Paragraph text differs from the file only in whitespace (lines stripped, soft wraps
    joined by one space), so each line of a paragraph keeps its characters; the space of
    a join maps to the end of the line before it.
    """

    def __init__(self, file_text: str, seed: Seed) -> None:
        text = file_text.removeprefix("\ufeff")
        starts = [0] + [m.end() for m in _LINE_END_TEXT.finditer(text)]
        ends = [m.start() for m in _LINE_END_TEXT.finditer(text)] + [len(text)]
        self._line_starts = starts
        lines = zip(starts, ends, strict=True)
        date_line = next(i for i, (b, e) in enumerate(lines) if text[b:e].strip(LAYOUT_SPACE))
        self._paragraph_starts: list[int] = []
        # per paragraph: (offset in the paragraph text, offset in the file, length) of each line
        self._pieces: list[list[tuple[int, int, int]]] = []
        offset = 0
        for paragraph in seed.paragraphs:
            self._paragraph_starts.append(offset)
            offset += len(paragraph.text) + 2
            pieces: list[tuple[int, int, int]] = []
            within, index = 0, paragraph.line - 1
            while within < len(paragraph.text):
                begin, end = starts[index], ends[index]
                if index == date_line:
                    # The first paragraph may share its line with 'date YYYY-MM-DD'.
                    match = _DATE_LINE.match(text[begin:end])
                    begin = end if match is None or match.group(2) is None else begin + match.start(2)
                line = text[begin:end]
                stripped = line.strip(LAYOUT_SPACE)
                if stripped:
                    pieces.append((within, begin + len(line) - len(line.lstrip(LAYOUT_SPACE)), len(stripped)))
                    within += len(stripped) + 1
                index += 1
            self._pieces.append(pieces)

    def __call__(self, offset: int, *, end: bool = False) -> int:
        """The file offset of ``offset``; ``end`` for an exclusive end (it stays on its line)."""
        number = bisect.bisect_right(self._paragraph_starts, offset) - 1
        within = offset - self._paragraph_starts[number]
        pieces = self._pieces[number]
        if len(pieces) == 1:  # the usual paragraph: one line
            return pieces[0][1] + min(within, pieces[0][2])
        for piece_start, file_start, length in reversed(pieces):
            if within > piece_start or (within == piece_start and not end) or piece_start == 0:
                return file_start + min(within - piece_start, length)
        raise AssertionError("unreachable: the first piece starts the paragraph")

    def line(self, offset: int) -> int:
        """The file's physical line (1-based) that holds ``offset`` of the source text."""
        return bisect.bisect_right(self._line_starts, self(offset))
