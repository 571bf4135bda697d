"""The seed reader: ``seeds/<id>.txt`` → :class:`~sitegen.model.Seed`.

Format: UTF-8 plain text; the first line starts with ``date YYYY-MM-DD`` and
goes on with the first paragraph; paragraphs are separated by blank lines; a
single newline inside a paragraph is a soft wrap. The text is never
interpreted (no Markdown, no HTML): it is escaped when rendered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from sitegen.diagnostics import Diagnostic, error
from sitegen.model import Paragraph, Seed

_DATE_LINE = re.compile(r"^[ \t]*date(?:[ \t]+(\S+))?(?:[ \t]+(.*))?$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")  # ASCII digits only: \d admits '２０２０'
SEED_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\Z")  # \Z: '$' would accept a trailing newline
_LINE_END = re.compile(rb"\r\n|\r|\n")


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
    while first < len(lines) and not lines[first].strip():
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
    for index, line in body:
        stripped = line.strip()
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
    return Seed(seed_id, rel, date, tuple(paragraphs), digest_bytes(data), data), []


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
    if path.is_symlink() or not path.is_file():
        return None, [
            error(
                "seed-not-file",
                "not a regular file; seeds must be plain files (not directories, links or devices)",
                rel,
            )
        ]
    try:
        return path.read_bytes(), []
    except OSError as exc:
        return None, [error("seed-unreadable", f"cannot be read: {exc.strerror}", rel)]
