"""Exports: CSV files and JSON Lines, one article per row, with the columns (keys) ``title``,
``date``, ``url``, ``text`` and optionally ``publisher`` and ``author``.

``date`` and ``text`` are required; a row without them is an error naming its line, and the
other rows are imported. ``text`` separates paragraphs by blank lines, or, when it has
none, by line breaks.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from sitegen.diagnostics import Diagnostic, error
from sitegen.importer.records import Candidate, Found, Provenance, Rejected, split_paragraphs
from sitegen.urlpolicy import unsafe_url

BAD_ROW = "import-row"
COLUMNS = ("title", "date", "url", "text", "publisher", "author")
REQUIRED = ("date", "text")
_DATE = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ].*)?\Z")


def parse_date(value: str) -> dt.date | None:
    """A date written YYYY-MM-DD, alone or starting an ISO date and time; None otherwise."""
    match = _DATE.match(value.strip())
    if match is None:
        return None
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _row(values: Mapping[str, object], label: str, line: int) -> Found:
    origin = f"{label}:{line}"

    def fail(message: str) -> Rejected:
        return Rejected(origin, error(BAD_ROW, message, label, line))

    strings: dict[str, str] = {}
    for key in COLUMNS:
        value = values.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            return fail(f"'{key}' must be text, not {type(value).__name__}")
        strings[key] = value.strip()
    missing = [key for key in REQUIRED if not strings.get(key)]
    if missing:
        return fail(f"the row has no {' and no '.join(missing)}; fill it in and import the file again")
    date = parse_date(strings["date"])
    if date is None:
        return fail(f"'{strings['date']}' is not a date in the form YYYY-MM-DD")
    paragraphs = split_paragraphs(strings["text"], lines_if_no_blank=True)
    notes: list[Diagnostic] = []
    url = strings.get("url", "")
    refused = unsafe_url(url, "'url'", label, line)
    if refused is not None:
        notes.append(refused)
        url = ""
    provenance = Provenance(url=url, publisher=strings.get("publisher", ""), author=strings.get("author", ""))
    return Candidate(origin, date, paragraphs, strings.get("title", ""), provenance, tuple(notes))


def _missing_columns(found: list[str], label: str) -> Rejected | None:
    missing = [key for key in REQUIRED if key not in found]
    if not missing:
        return None
    return Rejected(
        label,
        error(
            BAD_ROW,
            f"no column {' and no column '.join(repr(m) for m in missing)}; the first line names the "
            f"columns ({', '.join(COLUMNS)}); found: {', '.join(found) or 'none'}",
            label,
            1,
        ),
    )


def read_csv(path: Path, label: str) -> Iterator[Found]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [name.strip().lower() for name in reader.fieldnames or []]
        problem = _missing_columns(header, label)
        if problem is not None:
            yield problem
            return
        reader.fieldnames = header
        line = reader.line_num + 1
        for row in reader:
            if any(value and value.strip() for value in row.values() if isinstance(value, str)):
                yield _row(row, label, line)
            line = reader.line_num + 1  # a quoted text spans lines: the next row starts after


def read_json_lines(path: Path, label: str) -> Iterator[Found]:
    with path.open(encoding="utf-8-sig") as fh:
        for number, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Rejected(
                    f"{label}:{number}", error(BAD_ROW, f"not a JSON object ({exc.msg})", label, number)
                )
                continue
            if not isinstance(value, dict):
                yield Rejected(
                    f"{label}:{number}",
                    error(BAD_ROW, "each line must be a JSON object (title, date, url, text)", label, number),
                )
                continue
            yield _row({str(k).lower(): v for k, v in value.items()}, label, number)
