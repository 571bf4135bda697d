"""The build record (record.py) a build leaves in ``.sitegen/`` for the next one: it reads
back as it was written, and one the running sitegen cannot trust (another format, an
earlier layout, garbage) means one full build with a notice, never a crash."""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen.crossref import CrossRefs
from sitegen.diagnostics import Diagnostic, Level, info, warning
from sitegen.incremental import EntityInfo, RuleInfo
from sitegen.pipeline import Builder, BuildOptions, BuildReport
from sitegen.reanalyse import AnalysisInputs
from sitegen.record import RECORD_VERSION, BuildRecord, StaleRecord, decode_record, encode_record
from sitegen.state import STATE_DIR, STATE_FILE, BuildState

from .sitefactory import FIXED_FILES, output_files, write_files


def sample_record() -> BuildRecord:
    refs = CrossRefs(
        entity_articles={"ana-pereira": (0, 2)},
        entity_counts={"ana-pereira": 3},
        cooccurrence={"ana-pereira": (("saltmere", 2),)},
        related=((1,), (0,), ()),
        tags={"harbour": (0, 1)},
        months={(2021, 3): (0, 1, 2)},
    )
    return BuildRecord(
        output="/site/_site",
        digest="0123456789abcdef",
        problems=(warning("rule-unused", "no article matches", "corrections/site.yaml", 4),),
        refused=(info("input-skipped", "a hidden file", ".draft.txt"),),
        analysis=AnalysisInputs(
            config="('4', 'sitegen 1.0')",
            rules={"ab12": RuleInfo("habour", False, ("a1",), (), ("a*",))},
            entities={"saltmere": EntityInfo(frozenset({("Saltmere", False), ("SALTMERE", True)}))},
            collections=frozenset({"site", "batch-2021"}),
        ),
        links={"about/index.html": [warning("broken-link", "no page /x/", "content/pages/about.md", 6)]},
        crossrefs={"f00d": refs},
        sizes={"html": 1234, "assets": 56},
        unrendered=("tags/harbour/index.html",),
    )


def test_a_record_reads_back_as_written() -> None:
    record = sample_record()
    version, data = encode_record(record)
    assert version == RECORD_VERSION
    assert decode_record(version, data) == record


class _EarlierLayout:
    """Pickles as a BuildRecord of two fields: a record written before fields were added."""

    def __reduce__(self) -> tuple[object, ...]:
        return object.__new__, (BuildRecord,), ["/site/_site", None]


@pytest.mark.parametrize(
    ("version", "data", "expected"),
    [
        (
            RECORD_VERSION + 1,
            encode_record(sample_record())[1],
            f"format {RECORD_VERSION + 1}, this sitegen reads format {RECORD_VERSION}$",
        ),
        (RECORD_VERSION, pickle.dumps({"digest": "0123", "problems": []}), "is a dict, not a BuildRecord"),
        (RECORD_VERSION, pickle.dumps(_EarlierLayout()), "lacks problems, refused, analysis"),
    ],
    ids=["another-format", "the-dict-of-sitegen-before-records", "an-earlier-layout"],
)
def test_a_record_that_cannot_be_trusted_is_refused(version: int, data: bytes, expected: str) -> None:
    with pytest.raises(StaleRecord, match=expected):
        decode_record(version, data)


# --------------------------------------------------------------------------- through a build


def new_process_build(root: Path, out: Path) -> tuple[BuildReport, Builder]:
    """A build as ``sitegen build`` runs it: a Builder reading ``.sitegen/``."""
    builder = Builder(BuildOptions(root=root, output=out))
    try:
        return builder.build(), builder
    finally:
        assert builder.memory.state is not None
        builder.memory.state.close()


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    root, out = tmp_path / "site", tmp_path / "out"
    write_files(root, FIXED_FILES)
    new_process_build(root, out)
    return root, out, output_files(out)


def stored_record(root: Path) -> BuildRecord:
    state = BuildState(root)
    try:
        stored = state.record()
        assert stored is not None
        return decode_record(*stored)
    finally:
        state.close()


def test_a_build_stores_its_record_and_the_next_process_reads_it(
    built: tuple[Path, Path, dict[str, bytes]],
) -> None:
    root, out, _ = built
    report, builder = new_process_build(root, out)
    assert report.analysed == [] and report.rendered == []  # the record said: nothing changed
    assert builder.memory.record == stored_record(root)
    assert builder.memory.record is not None and builder.memory.record.analysis.entities  # not an empty shell


def _set_record(root: Path, version: int, data: bytes) -> None:
    db = sqlite3.connect(root / STATE_DIR / STATE_FILE)
    with db:
        db.execute("UPDATE record SET version = ?, data = ?", (version, data))
    db.close()


def _another_format(root: Path) -> None:
    _set_record(root, RECORD_VERSION + 1, encode_record(stored_record(root))[1])


def _a_dict(root: Path) -> None:  # what sitegen kept before the record: a pickled dict
    _set_record(root, RECORD_VERSION, pickle.dumps({"digest": "0123", "problems": []}))


def _garbage(root: Path) -> None:
    _set_record(root, RECORD_VERSION, b"\x80\x05garbage, not a pickle")


@pytest.mark.parametrize("spoil", [_another_format, _a_dict, _garbage], ids=["format", "dict", "garbage"])
def test_an_untrusted_record_means_one_full_build_with_a_notice(
    built: tuple[Path, Path, dict[str, bytes]], spoil: Callable[[Path], None]
) -> None:
    root, out, first = built
    spoil(root)
    report, _ = new_process_build(root, out)
    notices: list[Diagnostic] = [d for d in report.log.items if d.code == "state-rebuilt"]
    assert [d.level for d in notices] == [Level.INFO]
    assert "could not be read" in notices[0].message and "building everything" in notices[0].message
    assert sorted(report.analysed) == sorted(
        p.removesuffix(".txt")[6:] for p in FIXED_FILES if p.startswith("seeds/")
    )
    assert output_files(out) == first
    again, _ = new_process_build(root, out)  # the state was rebuilt: nothing left to do
    assert again.analysed == [] and again.rendered == []


def test_the_format_is_named_by_the_records_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pickled by position: a field renamed (same count, same order) is another format."""
    import dataclasses

    import sitegen.record

    renamed = dataclasses.make_dataclass(
        "BuildRecord",
        [(("output_dir" if f.name == "output" else f.name), f.type) for f in dataclasses.fields(BuildRecord)],
        frozen=True,
        slots=True,
    )
    monkeypatch.setattr(sitegen.record, "BuildRecord", renamed)
    assert sitegen.record._layout_version() != RECORD_VERSION
