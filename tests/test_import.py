"""``sitegen import``: seeds and editorial files from WARC captures, saved pages, CSV and JSON
Lines exports and plain text; duplicates, bad input and provenance on the built page.

The WARC files are written here with warcio's WARCWriter from the HTML fixtures in
``tests/data/import/`` (a made-up local paper, the Kestrel Bay Courier)."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sitegen.editorial import parse_editorial
from sitegen.seeds import parse_seed

from .conftest import SampleSite, run_cli
from .htmltext import article_blocks, parse_html

DATA = Path(__file__).parent / "data" / "import"
HARBOUR_URL = "https://courier.example.org/news/2021/02/harbour-wall-repairs"
LIBRARY_URL = "https://courier.example.org/news/2021/02/library-reopens"
INDEX_URL = "https://courier.example.org/news/"

# The harbour story's paragraphs as the page has them: typographic quotes, the pound sign and
# the dash kept; the headline is the title, not a paragraph.
HARBOUR_PARAGRAPHS = [
    "Repairs to the harbour wall at Kestrel Bay will begin in the first week of March, the district "
    "council has confirmed, after January’s storms tore a six-metre gap in the outer breakwater.",
    "The council’s harbour committee approved £412,000 for the work on Tuesday evening. Contractors will "
    "close the eastern slipway for up to ten weeks while the damaged blocks are lifted out and replaced.",
    "“We have been lucky that the spring tides have been kind to us so far,” said the committee’s chair, "
    "councillor Jory Penhallow. “Another storm like the one on the 19th and we would be talking about "
    "the fish market, not just the wall.”",
    "Fishing fleet to moor at the inner basin",
    "The eleven boats that land their catch at the eastern quay will use temporary pontoons in the inner "
    "basin until the work is finished. Harbour master Elowen Carne said the arrangement had been agreed "
    "with the fishermen’s association “after some long evenings — and a lot of tea”.",
    "Walkers are asked not to climb the barriers on the breakwater path, which stays closed beyond the "
    "lifeboat station.",
]
BOILERPLATE = (
    "Most read",
    "bus timetable",
    "Subscribe",
    "What’s On",
    "Registered office",
    "All rights reserved",
    "Share on Twitter",
    "Related: Storm",
    "Local Democracy Reporter",
)
# The second capture of the harbour story: the amount corrected the next day.
HARBOUR_UPDATED = ("£412,000", "£421,000")

Record = tuple[str, str, bytes, str]  # (WARC-Type, URL, HTML or other payload, WARC-Date)


def write_warc(path: Path, records: list[Record], *, gzipped: bool = True) -> list[int]:
    """A WARC of ``records`` (responses with HTTP headers; 'request' and 'revisit' records
    without a page); the offset of each record."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    offsets = []
    for kind, url, payload, date in records:
        offsets.append(buffer.tell())
        headers = {"WARC-Date": date}
        if kind == "response":
            content_type = "text/html; charset=utf-8" if payload.lstrip().startswith(b"<") else "image/png"
            http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(payload),
                length=len(payload),
                http_headers=http,
                warc_headers_dict=headers,
            )
        elif kind == "resource":  # a page saved as it was, without HTTP headers (e.g. by Webrecorder)
            record = writer.create_warc_record(
                url,
                "resource",
                payload=io.BytesIO(payload),
                length=len(payload),
                warc_content_type="text/html",
                warc_headers_dict=headers,
            )
        elif kind == "request":
            http = StatusAndHeaders(
                f"GET {url} HTTP/1.1", [("Host", "courier.example.org")], is_http_request=True
            )
            record = writer.create_warc_record(url, "request", http_headers=http, warc_headers_dict=headers)
        else:
            record = writer.create_revisit_record(url, "sha1:AAAA", url, date)
        writer.write_record(record)
    path.write_bytes(buffer.getvalue())
    return offsets


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def captures() -> list[Record]:
    """The harbour story captured twice (the amount corrected in between), the library story,
    the news index, an image, a request and a revisit."""
    harbour = fixture("harbour-wall.html")
    return [
        ("request", HARBOUR_URL, b"", "2021-02-11T09:00:00Z"),
        ("response", HARBOUR_URL, harbour, "2021-02-11T09:00:01Z"),
        ("response", INDEX_URL, fixture("news-index.html"), "2021-02-11T09:00:05Z"),
        (
            "response",
            "https://courier.example.org/img/harbour.png",
            b"\x89PNG\r\n\x1a\n",
            "2021-02-11T09:00:06Z",
        ),
        ("response", LIBRARY_URL, fixture("library-reopens.html"), "2021-02-11T09:01:00Z"),
        ("revisit", INDEX_URL, b"", "2021-02-12T08:00:00Z"),
        (
            "response",
            HARBOUR_URL,
            harbour.replace(*(s.encode() for s in HARBOUR_UPDATED)),
            "2021-02-12T08:00:02Z",
        ),
    ]


@pytest.fixture
def site(make_site: Callable[..., SampleSite]) -> SampleSite:
    return make_site()


def sitegen_import(site: SampleSite, *args: str | Path) -> tuple[int, str, str]:
    result = run_cli("import", "--source", str(site.root), *(str(a) for a in args))
    return result.exit_code, result.stdout, result.stderr


def seeds(site: SampleSite) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((site.root / "seeds").glob("*.txt"))}


def paragraphs(seed_text: str) -> list[str]:
    seed, problems = parse_seed(seed_text.encode("utf-8"), "x", "x.txt")
    assert seed is not None, problems
    return [p.text for p in seed.paragraphs]


def editorial(site: SampleSite, seed_id: str) -> dict[str, object]:
    text = (site.root / "content" / "articles" / f"{seed_id}.md").read_text(encoding="utf-8")
    parsed, problems = parse_editorial(text, seed_id, "x.md")
    assert parsed is not None and not problems, problems
    return parsed.raw


def seed_with(site: SampleSite, words: str) -> str:
    (found,) = [seed_id for seed_id, text in seeds(site).items() if words in text]
    return found


def test_a_saved_page_gives_its_paragraphs_verbatim_without_navigation_most_read_or_footer(
    site: SampleSite,
) -> None:
    status, out, err = sitegen_import(site, DATA / "harbour-wall.html")
    assert status == 0, err
    ((seed_id, text),) = seeds(site).items()
    assert seed_id == "20210211_" + seed_id.split("_")[1] and len(seed_id.split("_")[1]) == 16
    assert text.startswith("date 2021-02-11 Repairs to the harbour wall")  # htmldate: the page's date
    assert paragraphs(text) == HARBOUR_PARAGRAPHS
    for words in BOILERPLATE:
        assert words not in text
    front = editorial(site, seed_id)
    assert front["title"] == "Harbour wall repairs to start in March after winter storm damage"
    assert front["roles"] == {"heading": [4]}
    assert front["source"] == {
        "publisher": "Kestrel Bay Courier",
        "url": HARBOUR_URL,
        "author": "Morwenna Tregarthen",
    }  # a saved page has no capture date: none is made up
    assert f"imported  seeds/{seed_id}.txt “Harbour wall repairs" in out


def test_a_warc_gives_the_latest_capture_of_each_page_and_passes_over_the_rest(
    site: SampleSite, tmp_path: Path
) -> None:
    warc = tmp_path / "crawl.warc.gz"
    offsets = write_warc(warc, captures())
    status, out, err = sitegen_import(site, warc)
    assert status == 0, err
    found = seeds(site)
    assert len(found) == 2, out
    harbour = seed_with(site, "harbour wall")
    assert "£421,000" in found[harbour] and "£412,000" not in found[harbour]  # the later capture
    assert paragraphs(found[harbour])[0] == HARBOUR_PARAGRAPHS[0]
    assert editorial(site, harbour)["source"] == {
        "publisher": "Kestrel Bay Courier",
        "url": HARBOUR_URL,
        "author": "Morwenna Tregarthen",
        "captured": dt.date(2021, 2, 12),  # the later capture's WARC-Date
    }
    library = seed_with(site, "library reopened")
    assert found[library].startswith("date 2021-02-09 Polwenna’s library reopened")  # JSON-LD datePublished
    assert "Most read" not in found[library] and "cookies" not in found[library]
    assert f"skipped   {warc}@{offsets[1]}: superseded: a later capture of {HARBOUR_URL}" in out
    index_skipped = f"the capture of {INDEX_URL} (record at offset {offsets[2]}) has no article text"
    assert f"skipped   {warc}@{offsets[2]}: {index_skipped}" in out
    assert "3 record(s) hold no HTML page" in out  # the request, the image and the revisit
    assert "Imported 2 article(s), skipped 3." in out


def test_identical_captures_import_once_dated_by_the_first(site: SampleSite, tmp_path: Path) -> None:
    page = fixture("library-reopens.html")
    warc = tmp_path / "twice.warc"
    offsets = write_warc(
        warc,
        [
            ("response", LIBRARY_URL, page, "2021-02-10T10:00:00Z"),
            ("response", LIBRARY_URL, page, "2021-03-01T10:00:00Z"),
        ],
        gzipped=False,
    )
    status, out, err = sitegen_import(site, warc)
    assert status == 0, err
    (seed_id,) = seeds(site)
    assert editorial(site, seed_id)["source"]["captured"].isoformat() == "2021-02-10"  # type: ignore[index]
    assert (
        f"skipped   {warc}@{offsets[1]}: the same text as the capture of 2021-02-10 10:00 ({warc}@0)" in out
    )


def test_csv_and_json_lines_rows_import_and_a_row_without_date_or_text_is_named_by_line(
    site: SampleSite,
) -> None:
    status, out, err = sitegen_import(site, DATA / "council-export.csv", DATA / "wire-export.jsonl")
    assert status == 1  # two rows failed; the others are imported
    csv_name, jsonl_name = DATA / "council-export.csv", DATA / "wire-export.jsonl"
    assert (
        f"{csv_name}:5: ERROR: the row has no date; fill it in and import the file again [import-row]" in err
    )
    assert (
        f"{jsonl_name}:2: ERROR: the row has no text; fill it in and import the file again [import-row]"
        in err
    )
    found = seeds(site)
    assert len(found) == 4
    ferry = seed_with(site, "passenger ferry")
    assert paragraphs(found[ferry]) == [
        "The passenger ferry between Kestrel Bay and St Endellion will run every forty minutes from the "
        "first of May, up from once an hour.",
        "The operator said the extra crossings would be paid for by the new parking charges at the harbour.",
    ]
    assert found[ferry].startswith("date 2021-03-02 ")
    assert editorial(site, ferry) == {
        "title": "Ferry timetable to change for the summer",
        "source": {
            "publisher": "Kestrel Bay Courier",
            "url": "https://courier.example.org/news/2021/03/ferry-timetable",
            "author": "Jory Nance",
        },
    }
    beach = seed_with(site, "200 volunteers")
    assert found[beach].startswith("date 2021-03-08 ")  # an ISO date and time gives its date
    assert len(paragraphs(found[beach])) == 2  # no blank line: a paragraph per line
    lifeboat = seed_with(site, "swell off Gull Point")
    assert found[lifeboat].startswith("date 2021-04-17 The Kestrel Bay lifeboat")
    assert len(paragraphs(found[lifeboat])) == 2
    cliff = seed_with(site, "coast path")
    assert editorial(site, cliff) == {
        "title": "Cliff path reopens after landslip",
        "source": {"publisher": "Kestrel Bay Courier"},
    }
    assert "Imported 4 article(s), skipped 0, 2 failed" in out


def test_plain_text_is_dated_by_its_name_or_by_the_date_option(site: SampleSite) -> None:
    named, undated = DATA / "2021-10-02-memorial-railings.txt", DATA / "choir-carols.txt"
    status, _, err = sitegen_import(site, named, undated)
    assert status == 1
    assert f"{undated}: ERROR: no date for this text: give it with --date YYYY-MM-DD" in err
    (text,) = seeds(site).values()
    assert text.startswith("date 2021-10-02 The Kestrel Bay parish council")
    assert paragraphs(text)[0].endswith("railings before Remembrance Sunday.")  # a soft wrap, as in a seed
    status, _, err = sitegen_import(site, "--date", "2021-12-20", undated)
    assert status == 0, err
    assert seed_with(site, "carols").startswith("20211220_")
    assert not (site.root / "content" / "articles").exists()  # nothing to say about a bare text


def test_a_second_run_imports_nothing_new_and_changes_no_file(site: SampleSite, tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, captures())
    inputs = [
        warc,
        DATA / "harbour-wall.html",
        DATA / "council-export.csv",
        DATA / "2021-10-02-memorial-railings.txt",
    ]
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs}
    sitegen_import(site, *inputs)
    written = {p: p.read_bytes() for p in (site.root).rglob("*") if p.is_file()}
    assert len(seeds(site)) == 6
    status, out, err = sitegen_import(site, *inputs)
    assert status == 1  # the CSV's row without a date fails again, and nothing else
    assert err.count("ERROR") == 1 and "council-export.csv:5" in err
    assert "Imported 0 article(s)" in out
    assert out.count("already imported as seeds/") == 6  # each seed the first run wrote
    assert re.search(
        r"skipped   \S*harbour-wall\.html: already imported as seeds/20210211_[0-9a-f]{16}\.txt", out
    )
    assert {p: p.read_bytes() for p in (site.root).rglob("*") if p.is_file()} == written
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs} == before


def test_an_existing_seed_is_never_overwritten(site: SampleSite) -> None:
    sitegen_import(site, DATA / "library-reopens.html")
    (seed_id,) = seeds(site)
    path = site.root / "seeds" / f"{seed_id}.txt"
    path.write_text("date 2021-02-09 An editor's own seed under the id import would use.\n", encoding="utf-8")
    status, out, _ = sitegen_import(site, DATA / "library-reopens.html")
    assert status == 0
    assert f"seeds/{seed_id}.txt exists; left as it is" in out
    assert path.read_text(encoding="utf-8").startswith("date 2021-02-09 An editor's own seed")


def test_a_text_the_site_already_holds_under_another_id_is_a_duplicate(site: SampleSite) -> None:
    site.seed("harbour", "date 2021-02-11 " + "\n\n".join(HARBOUR_PARAGRAPHS) + "\n")
    status, out, _ = sitegen_import(site, DATA / "harbour-wall.html")
    assert status == 0
    assert "harbour-wall.html: the same text as seeds/harbour.txt" in out
    assert list(seeds(site)) == ["harbour"]


def damaged(data: bytes, start: int, gzipped: bool) -> bytes:
    """``data`` with bytes of the record at ``start`` flipped: inside its gzip member (which
    no longer inflates), or in its WARC header lines."""
    if gzipped:
        assert gzip.decompress(data[start:])  # sanity: the member was readable
    broken = bytearray(data)
    for index in range(start + 40, start + 80) if gzipped else range(start + 12, start + 40):
        broken[index] ^= 0x5A
    return bytes(broken)


@pytest.mark.parametrize(
    ("gzipped", "why"),
    [(True, "it cannot be read (ArchiveLoadFailed: Invalid WARC record"), (False, "its WARC-Date")],
)
def test_an_unreadable_warc_record_is_named_by_offset_and_the_rest_imports(
    site: SampleSite, tmp_path: Path, gzipped: bool, why: str
) -> None:
    records = [
        ("response", HARBOUR_URL, fixture("harbour-wall.html"), "2021-02-11T09:00:01Z"),
        ("response", INDEX_URL, fixture("news-index.html"), "2021-02-11T09:00:05Z"),
        ("response", LIBRARY_URL, fixture("library-reopens.html"), "2021-02-11T09:01:00Z"),
    ]
    warc = tmp_path / ("damaged.warc.gz" if gzipped else "damaged.warc")
    offsets = write_warc(warc, records, gzipped=gzipped)
    warc.write_bytes(damaged(warc.read_bytes(), offsets[1], gzipped))
    before = warc.read_bytes()
    status, out, err = sitegen_import(site, warc)
    assert status == 1
    assert f"{warc}: ERROR: the record at offset {offsets[1]} is skipped: {why}" in err
    assert "[import-warc-record]" in err
    assert len(seeds(site)) == 2  # the records before and after it
    assert "Imported 2 article(s), skipped 0, 1 failed" in out
    assert warc.read_bytes() == before


def test_a_warc_record_cut_short_is_named_and_the_records_before_it_import(
    site: SampleSite, tmp_path: Path
) -> None:
    warc = tmp_path / "cut.warc"
    offsets = write_warc(
        warc,
        [
            ("response", LIBRARY_URL, fixture("library-reopens.html"), "2021-02-11T09:01:00Z"),
            ("response", HARBOUR_URL, fixture("harbour-wall.html"), "2021-02-11T09:00:01Z"),
        ],
        gzipped=False,
    )
    warc.write_bytes(warc.read_bytes()[:-1500])  # the crawl stopped while writing the second page
    status, _, err = sitegen_import(site, warc)
    assert status == 1
    assert f"{warc}: ERROR: the record at offset {offsets[1]} is skipped: it is cut short" in err
    assert list(seeds(site)) == [seed_with(site, "library reopened")]


def test_provenance_is_shown_on_the_built_article_page(site: SampleSite, tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, captures())
    sitegen_import(site, warc, DATA / "council-export.csv", DATA / "news-index.html")
    result = site.cli()
    assert result.exit_code == 0, result.stderr
    harbour = seed_with(site, "harbour wall")
    (page,) = site.out.glob(f"2021/02/11/*/{harbour}.txt")
    html = (page.parent / "index.html").read_text(encoding="utf-8")
    footer = html[html.index('<footer class="article-footer"') :]
    assert (
        f'Captured from Kestrel Bay Courier (<a href="{HARBOUR_URL}" rel="nofollow">{HARBOUR_URL}</a>) on '
        '<time datetime="2021-02-12">12 February 2021</time>.'
    ) in footer
    assert "first published by Kestrel Bay Courier, written by Morwenna Tregarthen." in footer
    blocks = article_blocks(parse_html(html))
    assert [b.received for b in blocks][:3] == [p.replace(*HARBOUR_UPDATED) for p in HARBOUR_PARAGRAPHS[:3]]
    assert (
        '<h1 id="article-title">Harbour wall repairs to start in March after winter storm damage</h1>' in html
    )


def undated_page() -> bytes:
    """The library story without its date (the JSON-LD and the byline)."""
    page = fixture("library-reopens.html").decode("utf-8")
    date = r'<script type="application/ld\+json">.*?</script>|<div class="meta">.*?</div>'
    return re.sub(date, "", page).encode("utf-8")


def test_a_saved_page_without_a_date_needs_the_date_option(site: SampleSite, tmp_path: Path) -> None:
    saved = tmp_path / "library.html"
    saved.write_bytes(undated_page())
    status, _, err = sitegen_import(site, saved)
    assert status == 1
    assert f"{saved}: ERROR: no publication date found in the page (htmldate); give it with --date" in err
    assert seeds(site) == {}
    status, _, err = sitegen_import(site, "--date", "2021-02-09", saved)
    assert status == 0, err
    (text,) = seeds(site).values()
    assert text.startswith("date 2021-02-09 Polwenna’s library reopened")


def test_a_capture_without_a_date_of_its_own_is_dated_by_its_capture_and_says_so(
    site: SampleSite, tmp_path: Path
) -> None:
    warc = tmp_path / "undated.warc.gz"
    write_warc(warc, [("response", LIBRARY_URL, undated_page(), "2021-02-15T12:00:00Z")])
    status, _, err = sitegen_import(site, warc)
    assert status == 0, err
    (text,) = seeds(site).values()
    assert text.startswith("date 2021-02-15 Polwenna’s library reopened")
    assert (
        f"{warc}: WARNING: the capture of {LIBRARY_URL} (record at offset 0): no publication date found "
        "in the page; dated by its capture (WARC-Date)"
    ) in err


def test_without_the_import_extra_the_command_says_how_to_install_it(
    site: SampleSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "trafilatura" else find_spec(name, *a)
    )
    status, _, err = sitegen_import(site, DATA / "harbour-wall.html")
    assert status == 1
    assert "sitegen import needs trafilatura: install them with pip install 'sitegen[import]'" in err
    assert seeds(site) == {}


def test_a_folder_gives_its_files_but_neither_hidden_ones_nor_the_site_inside_it(
    site: SampleSite, tmp_path: Path
) -> None:
    site.seed("2020-01-01-own", "date 2020-01-01 The site's own seed, dated in its name.\n")
    site.write("_site/2021/index.html", fixture("library-reopens.html"))  # a built page
    inbox = tmp_path / "inbox"
    (inbox / "copies").mkdir(parents=True)
    (inbox / ".trash").mkdir()
    (inbox / "harbour.html").write_bytes(fixture("harbour-wall.html"))
    (inbox / "copies" / "harbour.htm").write_bytes(fixture("harbour-wall.html"))
    (inbox / ".trash" / "2021-01-01-draft.txt").write_text("A draft.\n", encoding="utf-8")
    (inbox / "notes.md").write_text("Not a kind import reads.\n", encoding="utf-8")
    status, out, err = sitegen_import(site, tmp_path)  # the folder that holds the site
    assert status == 0, err
    assert sorted(seeds(site)) == ["2020-01-01-own", seed_with(site, "harbour wall")]
    harbour = seed_with(site, "harbour wall")
    assert (
        f"skipped   {inbox / 'harbour.html'}: the same text as {inbox / 'copies' / 'harbour.htm'} "
        f"(imported as seeds/{harbour}.txt)"
    ) in out
    assert "Imported 1 article(s), skipped 1." in out


def test_progress_is_shown_while_a_warc_is_read(
    site: SampleSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The progress bar writes to stderr, which warcio's warnings must not silence meanwhile."""
    from sitegen.importer.run import ImportOptions, run_import

    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, captures())
    size = warc.stat().st_size

    def progress(stage: str, done: int, total: int) -> None:
        print(f"{stage} {done}/{total}", file=sys.stderr)

    run_import(ImportOptions(site.root, (warc,), progress=progress))
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == len(captures()) + 1  # after each record, then the file done
    assert lines[-1] == f"import {size}/{size}"


def test_a_resource_record_is_a_page_too(site: SampleSite, tmp_path: Path) -> None:
    warc = tmp_path / "resource.warc.gz"
    write_warc(warc, [("resource", LIBRARY_URL, fixture("library-reopens.html"), "2021-02-11T09:01:00Z")])
    status, _, err = sitegen_import(site, warc)
    assert status == 0, err
    (seed_id,) = seeds(site)
    assert editorial(site, seed_id)["source"] == {
        "publisher": "Kestrel Bay Courier",
        "url": LIBRARY_URL,
        "author": "Tamsin Kitto",
        "captured": dt.date(2021, 2, 11),
    }


def test_import_needs_a_site(tmp_path: Path) -> None:
    result = run_cli("import", "--source", str(tmp_path), str(DATA / "harbour-wall.html"))
    assert result.exit_code == 1
    assert f"{tmp_path}: ERROR: not a site (no sitegen.toml)" in result.stderr
    assert not (tmp_path / "seeds").exists()


def test_a_collection_given_on_the_command_line_is_accepted_by_each_imported_article(
    site: SampleSite,
) -> None:
    """--collection writes the one line that accepts a rule collection, so the import's rules
    correct its articles; an unknown collection is refused before anything is written."""
    rules = site.root / "content" / "corrections" / "courier-ocr.toml"
    rules.parent.mkdir(parents=True, exist_ok=True)
    rules.write_text(
        '[[rule]]\nfind = "Penhallow"\nreplace = "Penhaligon"\ntype = "error"\nnote = "OCR."\n',
        encoding="utf-8",
    )
    status, _, err = sitegen_import(site, "--collection", "courier-0cr", DATA / "harbour-wall.html")
    assert status == 2 and "no rule collection 'courier-0cr'" in err and "courier-ocr" in err
    assert not seeds(site)
    status, _, err = sitegen_import(site, "--collection", "courier-ocr", DATA / "harbour-wall.html")
    assert status == 0, err
    harbour = seed_with(site, "harbour wall")
    editorial = (site.root / "content" / "articles" / f"{harbour}.md").read_text(encoding="utf-8")
    assert "rules: {courier-ocr: accept}" in editorial
    result = site.cli()
    assert result.exit_code == 0, result.stderr
    (page,) = site.out.glob(f"2021/02/11/*/{harbour}.txt")
    html = (page.parent / "index.html").read_text(encoding="utf-8")
    assert "<del>Penhallow</del>Penhaligon" in html


def test_a_collection_the_build_would_refuse_is_refused_by_import_too(
    site: SampleSite, tmp_path: Path
) -> None:
    """--collection knows the collections the build reads: a rules file through a link is
    refused by both (the build reports it; import names the collections it would read)."""
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text('[[rule]]\nfind = "a"\nreplace = "b"\ntype = "error"\n', encoding="utf-8")
    (site.root / "content" / "corrections").mkdir(parents=True, exist_ok=True)
    (site.root / "content" / "corrections" / "linked.toml").symlink_to(elsewhere)
    status, _, err = sitegen_import(site, "--collection", "linked", DATA / "harbour-wall.html")
    assert status == 2 and "no rule collection 'linked'" in err
    assert not seeds(site)


def test_a_text_that_is_not_utf8_is_named_and_the_rest_imports(site: SampleSite, tmp_path: Path) -> None:
    latin = tmp_path / "2021-05-01-caf\u00e9.txt"
    latin.write_bytes("Le caf\u00e9 du port rouvre.\n".encode("latin-1"))
    status, _, err = sitegen_import(site, latin, DATA / "2021-10-02-memorial-railings.txt")
    assert status == 1
    assert f"{latin}: ERROR: not UTF-8 (byte 6); save it as UTF-8 [import-unreadable]" in err
    assert list(seeds(site)) and all(text.startswith("date 2021-10-02") for text in seeds(site).values())
