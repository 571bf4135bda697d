"""The record a build leaves for the next one, kept in the build state (state.py): what the
next build compares its inputs with to know what it may reuse, and what it reports again
when nothing changed.

Pickled, like the rest of the state: it holds diagnostics, rule and entity signatures and
cross-references (dicts with tuple keys), which a JSON encoding would have to rebuild type
by type on the way back. Its format has a version of its own, checked before the record is
trusted; a record of another format, or not a record at all, means a full build.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, fields

from sitegen.crossref import CrossRefs
from sitegen.diagnostics import Diagnostic
from sitegen.reanalyse import AnalysisInputs


@dataclass(frozen=True, slots=True)
class BuildRecord:
    """What the last complete build (or patch) of a site left for the next build."""

    output: str  # the output folder written (resolved): the page records describe its files
    # site_digest of everything the build read: the same digest next time, nothing to do.
    # None after a patch until flush() computes it.
    digest: str | None
    problems: tuple[Diagnostic, ...]  # the build's log but the state-rebuilt notice
    refused: tuple[Diagnostic, ...]  # the input files discovery refused (SiteInputs.problems)
    analysis: AnalysisInputs  # what every analysis read besides its files (reanalyse.invalidated)
    links: dict[str, list[Diagnostic]]  # link problems by page (LinkChecker.by_page)
    crossrefs: dict[str, CrossRefs]  # the cross-reference memo (crossref.compute_crossrefs)
    sizes: dict[str, int]  # published bytes by kind (budget.py)
    unrendered: tuple[str, ...]  # pages a template error left as they were


def _layout_version() -> int:
    """A frozen dataclass with slots pickles its fields by position: the format is named by
    the fields of BuildRecord, AnalysisInputs and CrossRefs (names and types, in order), so a
    change of any is another format and an old record is never read into the wrong fields."""
    shapes = [
        (c.__name__, [(f.name, str(f.type)) for f in fields(c)])
        for c in (BuildRecord, AnalysisInputs, CrossRefs)
    ]
    return int.from_bytes(hashlib.blake2b(repr(shapes).encode("utf-8"), digest_size=7).digest(), "big")


RECORD_VERSION = _layout_version()


class StaleRecord(ValueError):
    """The stored record is of another format, or not a record: the state cannot be used."""


def encode_record(record: BuildRecord) -> tuple[int, bytes]:
    """(format version, bytes) to store."""
    return RECORD_VERSION, pickle.dumps(record, protocol=5)


def decode_record(version: int, data: bytes) -> BuildRecord:
    """The record stored by :func:`encode_record`; :class:`StaleRecord` (or any error of
    unpickling) when it cannot be trusted."""
    if version != RECORD_VERSION:
        raise StaleRecord(
            f"its build record has format {version}, this sitegen reads format {RECORD_VERSION}"
        )
    record = pickle.loads(data)
    if not isinstance(record, BuildRecord):
        raise StaleRecord(f"its build record is a {type(record).__name__}, not a BuildRecord")
    missing = [f.name for f in fields(BuildRecord) if not hasattr(record, f.name)]
    if missing or not isinstance(record.analysis, AnalysisInputs):
        raise StaleRecord(f"its build record lacks {', '.join(missing) or 'analysis'}")
    return record
