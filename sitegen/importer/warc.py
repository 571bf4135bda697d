"""Web-archive captures (WARC, gzip-compressed or not, through warcio): every HTML page
in a ``response`` or ``resource`` record.

A record warcio cannot read (a damaged gzip member, a garbled header, a record cut short)
is an error naming the file and the record's offset; reading goes on at the next record
start found after it, so one bad record never loses the rest of the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sitegen.diagnostics import error, info, warning
from sitegen.importer.page import NO_DATE, read_page
from sitegen.importer.records import Candidate, Found, Provenance, Rejected

BAD_RECORD = "import-warc-record"
NOT_PAGES = "import-warc-other"
HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Capture:
    """One captured HTML page."""

    url: str
    captured: dt.datetime  # WARC-Date
    html: bytes
    offset: int  # where its record starts in the file


@dataclass(frozen=True, slots=True)
class BadRecord:
    offset: int
    reason: str


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def _next_start(fh: IO[bytes], after: int, magic: bytes) -> int | None:
    """The offset of the first record start (``magic``) at or after ``after``, if any."""
    position = after
    while True:
        fh.seek(position)
        chunk = fh.read(_CHUNK + len(magic) - 1)
        found = chunk.find(magic)
        if found >= 0:
            return position + found
        if len(chunk) < _CHUNK + len(magic) - 1:
            return None
        position += _CHUNK


def _describe(exc: Exception) -> str:
    """An exception in a line, without the damaged bytes warcio quotes ('first line: ...')."""
    message = (str(exc).strip().splitlines() or [""])[0]
    if not (message.isascii() and message.isprintable()):
        message = message.split(":", 1)[0]
    return f"{type(exc).__name__}: {message}"[:200]


def _capture(record: Any, iterator: Any, offset: int) -> Capture | BadRecord | None:
    """The HTML page a record holds; None for every other kind of record."""
    if not record.rec_type:
        return BadRecord(offset, "it has no WARC-Type: its header is damaged")
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or http.get_statuscode() != "200":
            return None
        media = _media_type(http.get_header("Content-Type"))
    elif record.rec_type == "resource":
        media = _media_type(record.rec_headers.get_header("Content-Type"))
    else:  # request, revisit, metadata, warcinfo, conversion: no page of their own
        return None
    if media not in HTML_TYPES:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    try:
        html = record.content_stream().read()
    except Exception as exc:  # a broken Content-Encoding or chunking: zlib, brotli, ValueError
        return BadRecord(offset, f"its content cannot be decoded ({exc})")
    if getattr(record.raw_stream, "limit", 0) > 0:
        return BadRecord(offset, "it is cut short: the file ends before its Content-Length")
    errors_before = iterator.err_count
    iterator.read_to_end()  # reads what follows it: a record longer than it says shows here
    if iterator.err_count > errors_before:
        return BadRecord(offset, "its Content-Length does not match its content (damaged or cut)")
    raw_date = record.rec_headers.get_header("WARC-Date") or ""
    try:
        captured = dt.datetime.fromisoformat(raw_date)
    except ValueError:
        return BadRecord(offset, f"its WARC-Date {raw_date!r} is not a date")
    if captured.tzinfo is None:  # WARC dates are UTC
        captured = captured.replace(tzinfo=dt.UTC)
    return Capture(url, captured, html, offset)


def read_captures(path: Path, on_offset: Callable[[int], None]) -> Iterator[Capture | BadRecord | int]:
    """Each HTML capture or unreadable record in the WARC file ``path``, in file order; at
    the end, how many records held no HTML page (yielded as an int)."""
    from warcio.archiveiterator import ArchiveIterator

    other = 0
    with path.open("rb") as fh:
        magic = _GZIP_MAGIC if fh.read(2) == _GZIP_MAGIC[:2] else _WARC_MAGIC
        start: int | None = 0
        searching = False  # after a bad record: a false start found by the search is not news
        while start is not None:
            fh.seek(start)
            iterator = ArchiveIterator(fh)
            records = iter(iterator)
            try:
                while True:
                    # warcio writes its warnings to stderr (they are counted in err_count
                    # instead); silenced only while it runs, not while this generator waits.
                    with contextlib.redirect_stderr(io.StringIO()):
                        record = next(records, None)
                        if record is None:
                            break
                        offset = iterator.offset
                        found = _capture(record, iterator, offset)
                    searching = False
                    if found is None:
                        other += 1
                    else:
                        yield found
                    on_offset(offset)
                start = None
            # warcio raises whatever its readers raise on damaged bytes (ArchiveLoadFailed,
            # zlib.error, EOFError, AttributeError, ...): every one means this record is lost.
            except Exception as exc:
                failed = iterator.offset
                if not searching:
                    yield BadRecord(failed, f"it cannot be read ({_describe(exc)})")
                searching = True
                start = _next_start(fh, failed + 1, magic)
    yield other


def read_warc(path: Path, label: str, on_offset: Callable[[int], None]) -> Iterator[Found]:
    """The articles captured in the WARC file ``path`` (``label`` names it in messages)."""
    for item in read_captures(path, on_offset):
        if isinstance(item, int):
            if item:
                yield Rejected(
                    label,
                    info(
                        NOT_PAGES,
                        f"{item} record(s) hold no HTML page (requests, "
                        "revisits, metadata, redirects, images, scripts, styles); passed over",
                        label,
                    ),
                )
        elif isinstance(item, BadRecord):
            reason = " ".join(item.reason.split())[:300]
            yield Rejected(
                f"{label}@{item.offset}",
                error(
                    BAD_RECORD,
                    f"the record at offset {item.offset} is skipped: {reason}; the file's other "
                    "records are imported (check the capture, e.g. with 'warcio check')",
                    label,
                ),
            )
        else:
            yield _candidate(item, label)


def _candidate(capture: Capture, label: str) -> Found:
    origin = f"{label}@{capture.offset}"
    what = f"the capture of {capture.url} (record at offset {capture.offset})"
    page = read_page(capture.html, capture.url, origin, label, what)
    if isinstance(page, Rejected):
        return page
    notes = []
    date = page.date
    if date is None:
        date = capture.captured.date()
        notes.append(
            warning(
                NO_DATE,
                f"{what}: no publication date found in the page; dated by its capture (WARC-Date); "
                "correct the seed's date line if the article is older",
                label,
            )
        )
    provenance = Provenance(
        url=page.url, publisher=page.publisher, author=page.author, captured=capture.captured
    )
    return Candidate(origin, date, page.paragraphs, page.title, provenance, tuple(notes))
