"""The seed reader: seeds/<id>.txt → Seed, tolerant of how the file was saved, exact about errors."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.diagnostics import Diagnostic, Level
from sitegen.model import Seed
from sitegen.seeds import LAYOUT_SPACE, FileOffsets, parse_seed, read_seed

from .conftest import SampleSite


def read(root: Path, name: str, data: bytes) -> tuple[Seed | None, list[Diagnostic]]:
    path = root / "seeds" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return read_seed(path, root)


def ok(root: Path, data: bytes, name: str = "a.txt") -> Seed:
    seed, problems = read(root, name, data)
    assert problems == []
    assert seed is not None
    return seed


def texts(seed: Seed) -> list[str]:
    return [p.text for p in seed.paragraphs]


def lines(seed: Seed) -> list[int]:
    return [p.line for p in seed.paragraphs]


def only_error(problems: list[Diagnostic]) -> Diagnostic:
    assert len(problems) == 1, problems
    assert problems[0].level == Level.ERROR
    return problems[0]


# --------------------------------------------------------------------------- reading


def test_reads_date_paragraphs_id_and_path(tmp_path: Path) -> None:
    seed = ok(tmp_path, b"date 2020-01-04 First paragraph.\n\nSecond paragraph.\n", "2020_x-y.z.txt")
    assert seed.id == "2020_x-y.z"  # the file stem is the id
    assert seed.path == "seeds/2020_x-y.z.txt"
    assert seed.date == dt.date(2020, 1, 4)
    assert texts(seed) == ["First paragraph.", "Second paragraph."]
    assert lines(seed) == [1, 3]


def test_utf8_bom_is_not_part_of_the_text(tmp_path: Path) -> None:
    seed = ok(tmp_path, "\ufeffdate 2020-01-04 Café “quoted” text.\n".encode())
    assert seed.date == dt.date(2020, 1, 4)
    assert texts(seed) == ["Café “quoted” text."]


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_line_ends_are_all_understood(tmp_path: Path, eol: str) -> None:
    text = eol.join(["date 2020-01-04 One", "wrapped.", "", "Two.", "", "", "Three", "also wrapped."])
    seed = ok(tmp_path, text.encode())
    assert texts(seed) == ["One wrapped.", "Two.", "Three also wrapped."]
    assert lines(seed) == [1, 4, 7]


def test_mixed_line_ends_in_one_file(tmp_path: Path) -> None:
    seed = ok(tmp_path, b"date 2020-01-04 One\r\n\r\nTwo\rwrapped\n\nThree")
    assert texts(seed) == ["One", "Two wrapped", "Three"]
    assert lines(seed) == [1, 3, 6]


def test_trailing_whitespace_and_no_final_newline(tmp_path: Path) -> None:
    seed = ok(tmp_path, b"date 2020-01-04 One.  \t\n\nTwo. \t ")
    assert texts(seed) == ["One.", "Two."]


def test_runs_of_blank_and_whitespace_only_lines(tmp_path: Path) -> None:
    data = b"\n \n\t\ndate 2020-01-04 One.\n\n   \n\t \n\nTwo.\n \n\n"
    seed = ok(tmp_path, data)
    assert texts(seed) == ["One.", "Two."]
    assert lines(seed) == [4, 9]


def test_leading_whitespace_before_date(tmp_path: Path) -> None:
    seed = ok(tmp_path, b" \t date 2020-01-04 The first paragraph.\n")
    assert seed.date == dt.date(2020, 1, 4)
    assert texts(seed) == ["The first paragraph."]


def test_soft_wraps_join_with_one_space(tmp_path: Path) -> None:
    seed = ok(tmp_path, b"date 2020-01-04 A line\n   continued  \nand  ended.\n")
    # outer whitespace of each wrapped line goes; spacing inside a line is kept as received
    assert texts(seed) == ["A line continued and  ended."]


def test_date_alone_on_its_line(tmp_path: Path) -> None:
    seed = ok(tmp_path, b"date 2020-01-04\nThe text starts here\nand wraps.\n\nSecond.")
    assert texts(seed) == ["The text starts here and wraps.", "Second."]
    assert lines(seed) == [2, 5]


def test_text_is_never_interpreted(tmp_path: Path) -> None:
    seed = ok(tmp_path, b"date 2020-01-04 *not* <b>markup</b> &amp; {{ x }}")
    assert texts(seed) == ["*not* <b>markup</b> &amp; {{ x }}"]


def test_digest_is_of_the_raw_bytes(tmp_path: Path) -> None:
    lf = ok(tmp_path, b"date 2020-01-04 Same text.\n", "lf.txt")
    crlf = ok(tmp_path, b"date 2020-01-04 Same text.\r\n", "crlf.txt")
    assert texts(lf) == texts(crlf)
    assert lf.digest != crlf.digest


_WORD = st.text(alphabet="abcXYZ09.,;’“”é—&<>*#{}\\", min_size=1, max_size=8)
_LINE = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)
_PARAGRAPH = st.lists(_LINE, min_size=1, max_size=3)


@settings(max_examples=75, deadline=None)
@given(
    paragraphs=st.lists(_PARAGRAPH, min_size=1, max_size=5),
    eol=st.sampled_from(["\n", "\r\n", "\r"]),
    blank=st.sampled_from(["", " ", "\t", "  \t "]),
    extra_blank_lines=st.integers(min_value=0, max_value=2),
    indent=st.sampled_from(["", " ", "\t"]),
)
def test_any_layout_gives_the_same_paragraphs(
    paragraphs: list[list[str]], eol: str, blank: str, extra_blank_lines: int, indent: str
) -> None:
    """Paragraph texts and first-line numbers survive any mix of line ends, blank runs and indentation."""
    out_lines = []
    expected_lines = []
    for index, paragraph in enumerate(paragraphs):
        if index:
            out_lines.extend([blank] * (1 + extra_blank_lines))
        expected_lines.append(len(out_lines) + 1)
        out_lines.extend(indent + line for line in paragraph)
    out_lines[0] = "date 2021-12-31 " + out_lines[0]
    seed, problems = parse_seed(eol.join(out_lines).encode(), "x", "seeds/x.txt")
    assert problems == []
    assert seed is not None
    assert texts(seed) == [" ".join(line.strip() for line in p) for p in paragraphs]
    assert lines(seed) == expected_lines


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("data", "code", "line", "message"),
    [
        pytest.param(b"Hello, no date here.\n", "seed-no-date", 1, "date YYYY-MM-DD", id="no-date"),
        pytest.param(b"\n\nHello.\n", "seed-no-date", 3, "date YYYY-MM-DD", id="no-date-after-blanks"),
        pytest.param(b"dated 2020-01-04 x", "seed-no-date", 1, "", id="dated"),
        pytest.param(b"date 2020-1-4 Text.", "seed-bad-date", 1, "'2020-1-4'", id="short-date"),
        pytest.param(b"date yesterday Text.", "seed-bad-date", 1, "'yesterday'", id="yesterday"),
        pytest.param(b"date\nText.", "seed-bad-date", 1, "YYYY-MM-DD", id="date-word-only"),
        pytest.param(b"\n date 2020-02-30 Text.", "seed-bad-date", 2, "not a real date", id="feb-30"),
        pytest.param(b"date 2021-13-01 Text.", "seed-bad-date", 1, "not a real date", id="month-13"),
        pytest.param(
            "date ２０２０-０１-０４ Text.".encode(), "seed-bad-date", 1, "YYYY-MM-DD", id="fullwidth-digits"
        ),
        pytest.param(b"", "seed-empty", 1, "empty", id="empty"),
        pytest.param(b" \n\t\r\n\n", "seed-empty", 1, "empty", id="whitespace-only"),
        pytest.param(b"date 2020-01-04", "seed-empty-body", 1, "no text", id="date-no-body"),
        pytest.param(b"\n\ndate 2020-01-04 \n \n\n", "seed-empty-body", 3, "no text", id="date-blank-body"),
    ],
)
def test_errors_name_code_file_and_line(
    tmp_path: Path, data: bytes, code: str, line: int, message: str
) -> None:
    seed, problems = read(tmp_path, "bad.txt", data)
    assert seed is None
    problem = only_error(problems)
    assert (problem.code, problem.path, problem.line) == (code, "seeds/bad.txt", line)
    assert message in problem.message
    assert problem.format().startswith(f"seeds/bad.txt:{line}: ERROR: ")


@pytest.mark.parametrize(
    ("data", "line"),
    [
        pytest.param(b"\xff date 2020-01-04 x", 1, id="first-line"),
        pytest.param(b"date 2020-01-04 ok\n\nnot \xe9 utf-8\n", 3, id="LF"),
        pytest.param(b"date 2020-01-04 ok\r\n\r\nnot \xe9 utf-8\r\n", 3, id="CRLF"),
        pytest.param(b"date 2020-01-04 ok\r\rnot \xe9 utf-8\r", 3, id="CR"),
        pytest.param(b"\xef\xbb\xbfdate 2020-01-04 ok\n\xc3", 2, id="BOM-truncated-sequence"),
    ],
)
def test_non_utf8_bytes_report_the_line_of_the_bad_byte(tmp_path: Path, data: bytes, line: int) -> None:
    seed, problems = read(tmp_path, "latin1.txt", data)
    assert seed is None
    problem = only_error(problems)
    assert (problem.code, problem.path, problem.line) == ("seed-encoding", "seeds/latin1.txt", line)
    with pytest.raises(UnicodeDecodeError) as decoding:
        data.decode("utf-8")
    assert f"offset {decoding.value.start}" in problem.message


def test_a_directory_is_not_a_seed(tmp_path: Path) -> None:
    (tmp_path / "seeds" / "x.txt").mkdir(parents=True)
    seed, problems = read_seed(tmp_path / "seeds" / "x.txt", tmp_path)
    assert seed is None
    problem = only_error(problems)
    assert (problem.code, problem.path, problem.line) == ("input-not-file", "seeds/x.txt", None)


def test_a_symbolic_link_is_not_a_seed(tmp_path: Path) -> None:
    outside = tmp_path / "private.txt"
    outside.write_bytes(b"date 2020-01-04 Not for publication.\n")
    link = tmp_path / "seeds" / "linked.txt"
    link.parent.mkdir()
    os.symlink(outside, link)
    seed, problems = read_seed(link, tmp_path)
    assert seed is None
    problem = only_error(problems)
    assert (problem.code, problem.path, problem.line) == ("input-symlink", "seeds/linked.txt", None)


@pytest.mark.parametrize("stem", ["-dash", "has space", ".hidden", "new\nline", "newline-at-end\n", "ümlaut"])
def test_unusable_file_names(tmp_path: Path, stem: str) -> None:
    seed, problems = read(tmp_path, stem + ".txt", b"date 2020-01-04 Fine text.\n")
    assert seed is None
    problem = only_error(problems)
    assert (problem.code, problem.path, problem.line) == ("seed-bad-name", f"seeds/{stem}.txt", None)


# --------------------------------------------------------------------------- end to end


def test_a_broken_seed_leaves_the_other_articles_built(make_site: Callable[..., SampleSite]) -> None:
    good = b"date 2020-01-04 Good article stands.\n\nIt has two paragraphs.\n"
    bad = b"date 2020-02-30 Broken article falls.\n"
    site = make_site(seeds={"good": good, "bad": bad})
    before = {p.name: p.read_bytes() for p in (site.root / "seeds").iterdir()}

    result = site.cli()

    assert result.exit_code == 1
    assert "seeds/bad.txt:1: ERROR:" in result.stderr
    assert "[seed-bad-date]" in result.stderr
    outputs = site.outputs()
    assert "2020/01/04/good-article-stands/index.html" in outputs
    assert "2020/01/04/good-article-stands/good.txt" in outputs
    assert not [rel for rel in outputs if "broken" in rel or rel.endswith("bad.txt")]
    assert "Broken article" not in site.read("index.html")
    assert "Good article stands." in site.read("index.html")
    after = {p.name: p.read_bytes() for p in (site.root / "seeds").iterdir()}
    assert after == before


def test_a_directory_in_seeds_is_reported_by_the_build(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(seeds={"good": b"date 2020-01-04 Good article stands.\n"})
    (site.root / "seeds" / "x.txt").mkdir()
    result = site.cli()
    assert result.exit_code == 1
    assert "seeds/x.txt: ERROR: not a regular file" in result.stderr
    assert "[input-not-file]" in result.stderr
    assert "2020/01/04/good-article-stands/index.html" in site.outputs()


def test_control_characters_are_a_warning_and_shown_as_replacement_characters(
    make_site: Callable[..., SampleSite],
) -> None:
    data = b"date 2020-01-04 Nul\x00byte article.\n\nBell \x07 and\nescape \x1b[31m here.\tTab kept.\n"
    site = make_site(seeds={"nul": data, "good": b"date 2020-01-05 A good article.\n"})
    result = site.cli()
    assert result.exit_code == 0
    assert (
        "seeds/nul.txt:1: WARNING: 3 control character(s) (U+0000, U+0007, U+001B) on lines 1, 3, 4 "
        "are shown as U+FFFD" in result.stderr
    )
    assert "[seed-control-char]" in result.stderr
    page = next(rel for rel in site.outputs() if rel.endswith("/nul.txt")).replace("nul.txt", "index.html")
    assert "Nul\ufffdbyte article." in site.read(page)
    assert "escape \ufffd[31m here.\tTab kept." in site.read(page)
    listing = site.read(page.replace("index.html", "source/index.html")).partition("source-listing")[2]
    assert listing.partition("</code>")[0].count("\ufffd") == 3
    assert (site.out / page.replace("index.html", "nul.txt")).read_bytes() == data  # as received
    for path in site.out.rglob("*"):
        if path.suffix in (".html", ".xml", ".jsonld", ".json", ".gz"):  # text outputs, but the seed copy
            published = path.read_bytes()
            if path.suffix == ".gz":
                published = gzip.decompress(published)
            assert not any(b in published for b in (b"\x00", b"\x07", b"\x1b")), path


def test_an_information_separator_at_a_line_end_is_reported_not_dropped(tmp_path: Path) -> None:
    """U+001C–U+001F are whitespace to str.strip(), so at a line's end they vanished from the
    text unreported; they are control characters, shown as U+FFFD wherever they are."""
    data = b"date 2020-01-04 Record\x1e\nNext\x1f line.\n\x1c\nLast.\n"
    seed, problems = read(tmp_path, "sep.txt", data)
    assert seed is not None
    # A line holding a separator alone is a line of text, not a blank one.
    assert texts(seed) == ["Record\ufffd Next\ufffd line. \ufffd Last."]
    (warning,) = problems
    assert warning.code == "seed-control-char" and warning.line == 1
    assert "3 control character(s) (U+001C, U+001E, U+001F) on lines 1, 2, 3" in warning.message
    # The received reading still maps onto the file: "Next" is where the file has it.
    text = data.decode("utf-8")
    offsets = FileOffsets(text, seed)
    source = seed.source_text
    assert text[offsets(source.index("Next")) :].startswith("Next")
    assert text[offsets(source.index("Last")) :].startswith("Last")


def test_layout_space_is_whitespace_but_the_information_separators() -> None:
    every = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(LAYOUT_SPACE) == every - set("\x1c\x1d\x1e\x1f")


def test_a_seed_without_control_characters_has_no_warning(tmp_path: Path) -> None:
    seed = ok(tmp_path, b"date 2020-01-04 Tab\there, form feed at the end\x0c\n\x0c\nNext.\n")
    assert texts(seed) == ["Tab\there, form feed at the end", "Next."]
