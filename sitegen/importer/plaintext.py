"""Plain text (``.txt``): paragraphs separated by blank lines, as in a seed. The date is
``--date``, or else the one the file name starts with or holds (``2020-01-04-harbour.txt``)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sitegen.diagnostics import error
from sitegen.importer.exports import parse_date
from sitegen.importer.page import NO_DATE
from sitegen.importer.records import Candidate, Found, Rejected, split_paragraphs

NO_TEXT = "import-empty"
_DATE_IN_NAME = re.compile(r"(?<![0-9])([0-9]{4}-[0-9]{2}-[0-9]{2})(?![0-9])")


def read_text(path: Path, label: str, date: dt.date | None) -> list[Found]:
    if date is None:
        match = _DATE_IN_NAME.search(path.name)
        date = parse_date(match.group(1)) if match else None
    if date is None:
        return [
            Rejected(
                label,
                error(
                    NO_DATE,
                    "no date for this text: give it with --date YYYY-MM-DD, or start the file "
                    "name with it (2020-01-04-harbour.txt)",
                    label,
                ),
            )
        ]
    text = path.read_text(encoding="utf-8-sig")  # not UTF-8: run.py reports it, as for every reader
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        return [Rejected(label, error(NO_TEXT, "the file holds no text", label))]
    return [Candidate(label, date, paragraphs)]
