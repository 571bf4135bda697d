"""Rule collections: a rule corrects an article only where an editor accepted it (issue #17).

The archive: the repository's example (its spun article accepts the collection of rules
written for it, ``spinner-soleimani``) and a clean local-news article beside it, whose
words those rules would rewrite ("past" → "beyond", "Individuals" → "Americans", …).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from sitegen.corrections import parse_rules
from sitegen.diagnostics import Diagnostic, Level
from sitegen.pipeline import Builder, BuildOptions, BuildReport, build
from sitegen.scope import BY_COLLECTION, BY_RULE, BY_RULES_LINE, Scopes

from .conftest import SampleSite, copy_example_archive, run_cli
from .htmltext import article_blocks, parse_html

COLLECTION = "spinner-soleimani"
RULES = f"content/corrections/{COLLECTION}.toml"
SPUN = "000_e90d1dc293122756"
CLEAN = "2024-03-12-bridge"
CLEAN_SEED = f"seeds/{CLEAN}.txt"
CLEAN_EDITORIAL = f"content/articles/{CLEAN}.md"
CLEAN_TEXT = """\
date 2024-03-12 The Harbour Road bridge reopened on Monday, two weeks past the date the
county had promised.

The repairs were paid for solely by the county's roads budget, a council spokesperson
said, and the financial report will be published in April.

Individuals can read the full report at the town library; the council simply asks
readers to bring a library card.

The prime concern now is the harbour wall, which engineers will inspect in May.
"""
CLEAN_PAGE = "2024/03/12/gull-bridge/index.html"
CLEAN_EXPORT = "2024/03/12/gull-bridge/annotations.jsonld.gz"
SPUN_PAGE = "2020/01/04/soleimani-killing-tantamount-to-war/index.html"


def editorial(rules: str = "") -> str:
    return f'---\ntitle: "Harbour Road bridge reopens"\nslug: gull-bridge\n{rules}---\n'


def archive(tmp_path: Path, clean_editorial: str | None = editorial()) -> SampleSite:
    site = copy_example_archive(tmp_path / "site")
    site.write(CLEAN_SEED, CLEAN_TEXT)
    if clean_editorial is not None:
        site.write(CLEAN_EDITORIAL, clean_editorial)
    config = site.root.joinpath("sitegen.toml").read_text(encoding="utf-8")
    site.write("sitegen.toml", config + "\n[search]\nenabled = false\n")
    return site


def check(site: SampleSite) -> BuildReport:
    return build(BuildOptions(root=site.root, dry_run=True))


def pending(log: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in log if d.code == "corrections-pending"]


def clean_blocks(site: SampleSite) -> list[Any]:
    return article_blocks(site.read(CLEAN_PAGE))


def export(site: SampleSite, rel: str) -> dict[str, Any]:
    data = json.loads(gzip.decompress((site.out / rel).read_bytes()))
    assert isinstance(data, dict)
    return data


def creators(document: dict[str, Any]) -> dict[str, str]:
    """Each editing annotation's creator, by id: its name where first described."""
    names: dict[str, str] = {}
    for item in document.get("items", []):
        if item["motivation"] != "editing":
            continue
        creator = item["creator"]
        if isinstance(creator, dict):
            names[creator["id"]] = creator["name"]
        else:
            assert creator in names, "a creator IRI is referenced before it is described"
    return names


def ledger_row(site: SampleSite, title: str) -> str:
    page = parse_html(site.read("corrections/articles/index.html"))
    rows = [li.text() for li in page.find_all("li") if title in li.text()]
    assert len(rows) == 1, rows
    return rows[0]


# --------------------------------------------------------------------------- no silent change


def test_a_clean_article_gains_no_correction_and_its_matches_await_a_decision(tmp_path: Path) -> None:
    site = archive(tmp_path)
    report = site.build()
    assert report.log.errors == 0, [d.format() for d in report.log.items if d.level >= Level.ERROR]

    blocks = clean_blocks(site)
    assert [b.corrected for b in blocks] == [b.received for b in blocks]
    assert "past the date" in blocks[0].corrected and blocks[2].corrected.startswith("Individuals can read")
    page = site.read(CLEAN_PAGE)
    assert "<del>" not in page and 'id="footnotes"' not in page
    # the page says what no editor confirmed, in one line
    notice = parse_html(page).find(cls="pending-note")
    assert notice is not None and "6 places" in notice.text() and COLLECTION in notice.text()
    # the spun article still carries every correction of its collection
    assert parse_html(site.read(SPUN_PAGE)).find(cls="footnotes") is not None
    assert site.read(SPUN_PAGE).count("<li id=n") == 601

    # build: one line for the archive, pointing to check
    summary = pending(report.log.items)
    assert len(summary) == 1 and summary[0].path is None and summary[0].level is Level.WARNING
    assert "1 article has 6 rule match(es)" in summary[0].message and "sitegen check" in summary[0].message

    # the ledger lists the article as awaiting review, with a link to it
    awaiting = parse_html(site.read("corrections/awaiting/index.html"))
    rows = [li for li in awaiting.find_all("li") if "bridge" in li.text()]
    assert len(rows) == 1 and "6 places" in rows[0].text() and "line 1" in rows[0].text()
    assert rows[0].find("a").attrs["href"].endswith("2024/03/12/gull-bridge/")  # type: ignore[union-attr]
    assert export(site, CLEAN_EXPORT)["type"] == "AnnotationCollection"  # no correction to export


def test_check_names_the_article_with_its_pending_matches_and_the_line_to_add(tmp_path: Path) -> None:
    site = archive(tmp_path)
    report = check(site)
    found = pending(report.log.items)
    assert [(d.path, d.line, d.level) for d in found] == [(CLEAN_SEED, 1, Level.WARNING)]
    message = found[0].message
    assert message.startswith(f"6 matches of rules in collection '{COLLECTION}' await a decision: ")
    assert "“past” → “beyond” (line 1)" in message and "“solely” → “only” (line 4)" in message
    assert "and 3 more" in message
    line_to_add = f"`rules: {{{COLLECTION}: accept}}` (or `reject`)"
    assert f"add {line_to_add} to the front matter of {CLEAN_EDITORIAL}" in message
    # the same, as the command prints it
    result = run_cli("check", "--source", str(site.root))
    lines = [line for line in result.stderr.splitlines() if "[corrections-pending]" in line]
    assert lines == [found[0].format()]
    assert lines[0].startswith(f"{CLEAN_SEED}:1: WARNING: 6 matches")


def test_check_says_to_create_the_editorial_file_when_there_is_none(tmp_path: Path) -> None:
    site = archive(tmp_path, clean_editorial=None)
    (message,) = [d.message for d in pending(check(site).log.items)]
    assert f"content/articles/{CLEAN}.md (a new file" in message


# --------------------------------------------------------------------------- one line decides


def test_accepting_the_collection_applies_its_rules(tmp_path: Path) -> None:
    site = archive(tmp_path, editorial(f"rules: {{{COLLECTION}: accept}}\n"))
    report = site.build()
    assert report.log.errors == 0 and pending(report.log.items) == []
    blocks = clean_blocks(site)
    assert "two weeks beyond the date" in blocks[0].corrected and "past the date" in blocks[0].received
    assert blocks[2].corrected.startswith("Americans can read")  # the regex rule, as in the spun text
    assert parse_html(site.read(CLEAN_PAGE)).find(cls="pending-note") is None
    assert not (site.out / "corrections/awaiting/index.html").exists()
    assert pending(check(site).log.items) == []

    # the ledger and the export say how it was confirmed
    assert f"confirmed: {COLLECTION} (its rules line)" in ledger_row(site, "Harbour Road bridge reopens")
    names = creators(export(site, CLEAN_EXPORT))
    assert list(names.values()) == [
        f"The editors, accepting rule collection ‘{COLLECTION}’ in this article’s editorial file"
    ]
    # one collection: its ledger entries do not repeat its name (the by-article view says it)
    assert "rule of" not in site.read("corrections/index.html")
    # the spun article: its rules by its rules line, its own corrections by its editorial file
    spun = ledger_row(site, "tantamount to war")
    assert f"confirmed: {COLLECTION} (its rules line); its editorial file" in spun
    assert set(creators(export(site, SPUN_PAGE.replace("index.html", "annotations.jsonld.gz"))).values()) == {
        f"The editors, accepting rule collection ‘{COLLECTION}’ in this article’s editorial file",
        "The editors, in this article’s editorial file",
    }


def test_rejecting_the_collection_silences_it(tmp_path: Path) -> None:
    site = archive(tmp_path, editorial(f"rules: {{{COLLECTION}: reject}}\n"))
    report = site.build()
    assert report.log.errors == 0 and pending(report.log.items) == []
    assert pending(check(site).log.items) == []
    blocks = clean_blocks(site)
    assert [b.corrected for b in blocks] == [b.received for b in blocks]
    assert parse_html(site.read(CLEAN_PAGE)).find(cls="pending-note") is None
    assert not (site.out / "corrections/awaiting/index.html").exists()


def test_the_collections_list_accepts_articles_by_glob_and_an_articles_line_overrides_it(
    tmp_path: Path,
) -> None:
    site = archive(tmp_path)
    rules = site.root / RULES
    rules.write_text('articles = ["2024-*"]\n' + rules.read_text(encoding="utf-8"), encoding="utf-8")
    other = "2024-04-01-fair"
    site.seed(other, "date 2024-04-01 The spring fair opened in the past week.\n")
    site.write(f"content/articles/{other}.md", f"---\nrules: {{{COLLECTION}: reject}}\n---\n")
    # a second collection: the ledger's entries then say which each rule is of
    site.write(
        "content/corrections/local-typos.toml",
        'articles = ["2024-03-*"]\n[[rule]]\nfind = "roads budget"\nreplace = "road budget"\n'
        'type = "regularisation"\nnote = "House style."\n',
    )
    report = site.build()
    assert report.log.errors == 0 and pending(report.log.items) == []
    assert "two weeks beyond the date" in clean_blocks(site)[0].corrected
    row = ledger_row(site, "Harbour Road bridge reopens")
    assert f"confirmed: {COLLECTION} (the collection’s list)" in row
    assert list(creators(export(site, CLEAN_EXPORT)).values()) == [
        f"The editors, accepting rule collection ‘{name}’ for this article in its list of articles"
        for name in (COLLECTION, "local-typos")
    ]
    assert "the county's road budget" in clean_blocks(site)[1].corrected
    entries = [
        e.text().strip()
        for page in sorted((site.out / "corrections").glob("**/index.html"))
        for e in parse_html(page.read_text(encoding="utf-8")).find_all("article", cls="ledger-entry")
    ]
    assert [e for e in entries if "rule of local-typos" in e] == [
        next(e for e in entries if e.startswith("roads budget → road budget"))
    ]
    assert sum(f"rule of {COLLECTION}" in e for e in entries) > 500
    fair = next((site.out / "2024/04/01").glob("*/index.html")).read_text(encoding="utf-8")
    assert "<del>" not in fair and "in the past week" in fair  # its own line rejects the collection


# --------------------------------------------------------------------------- bad decisions


@pytest.mark.parametrize(
    ("line", "code", "words"),
    [
        ("rules: {spinner-soleimany: accept}", "editorial-rules", "did you mean 'spinner-soleimani'?"),
        (f"rules: {{{COLLECTION}: yes}}", "editorial-rules", "write accept or reject"),
        (f"rules: [{COLLECTION}]", "editorial-rules", "must map a rule collection"),
    ],
)
def test_a_bad_rules_line_is_an_error_at_its_line(tmp_path: Path, line: str, code: str, words: str) -> None:
    site = archive(tmp_path, editorial(line + "\n"))
    report = site.build()
    errors = [d for d in report.log.items if d.level is Level.ERROR]
    assert [(d.path, d.line, d.code) for d in errors] == [(CLEAN_EDITORIAL, 4, code)]
    assert words in errors[0].message
    # nothing is applied without a valid decision; the page and every other article still build
    blocks = clean_blocks(site)
    assert [b.corrected for b in blocks] == [b.received for b in blocks]
    assert site.read(SPUN_PAGE).count("<li id=n") == 601


def test_a_top_level_articles_list_must_be_strings() -> None:
    _, problems = parse_rules('articles = "2024-*"\n[[rule]]\nfind = "a"\nreplace = "b"\n', RULES)
    assert [(d.line, d.code) for d in problems][:1] == [(1, "correction-scope")]
    _, problems = parse_rules('article = ["x"]\n', RULES)
    assert [(d.line, d.code) for d in problems] == [(1, "correction-unknown-key")]
    assert "did you mean 'articles'?" in problems[0].message


# --------------------------------------------------------------------------- the scope, unit by unit


RULES_TOML = """\
articles = ["b*"]

[[rule]]
find = "struggle"
replace = "war"
type = "error"
note = "n"

[[rule]]
find = "navy"
replace = "military"
type = "error"
note = "n"
articles = ["a1", "b1"]
"""


def test_who_confirmed_each_rule_for_each_article() -> None:
    rules, problems = parse_rules(RULES_TOML, "content/corrections/batch.toml")
    assert problems == [] and {r.collection for r in rules} == {"batch"}
    scopes = Scopes(rules)
    # a1: no decision, but the second rule names it
    a1 = scopes.of("a1")
    assert (a1.pending, dict(a1.confirmed)) == (frozenset({0}), {1: BY_RULE})
    # b1: the collection's list accepts it (the rule naming it too: the list is said first)
    assert dict(scopes.of("b1").confirmed) == {0: BY_COLLECTION, 1: BY_RULE}
    # b2: the list accepts it; the second rule is limited to others
    b2 = scopes.of("b2")
    assert (dict(b2.confirmed), b2.out, b2.pending) == ({0: BY_COLLECTION}, frozenset({1}), frozenset())
    # an article's own line overrides the list, both ways
    assert scopes.of("b2", {"batch": "reject"}).out == frozenset({0, 1})
    assert dict(scopes.of("c1", {"batch": "accept"}).confirmed) == {0: BY_RULES_LINE}
    assert scopes.of("a1", {"batch": "reject"}).out == frozenset({0, 1})


# --------------------------------------------------------------------------- incremental


def test_a_new_list_reanalyses_only_the_articles_it_changes(tmp_path: Path) -> None:
    site = archive(tmp_path)
    untouched = "notes-2024-05-01"  # the new list does not name it: it stays pending
    site.seed(untouched, "date 2024-05-01 Walkers found the path past the mill closed.\n")
    site.build()
    rules = site.root / RULES
    # In place of the first line (a comment): every rule keeps its line, which its diagnostics name.
    first, rest = rules.read_text(encoding="utf-8").split("\n", 1)
    assert first.startswith("#")
    rules.write_text('articles = ["2024-*"]\n' + rest, encoding="utf-8")
    assert site.build().analysed == [CLEAN]  # not the spun article, not one the list leaves out
    assert "two weeks beyond the date" in clean_blocks(site)[0].corrected
    site.write(CLEAN_EDITORIAL, editorial(f"rules: {{{COLLECTION}: reject}}\n"))
    assert site.build().analysed == [CLEAN]
    assert "two weeks past the date" in clean_blocks(site)[0].corrected


@pytest.mark.parametrize("process", ["serve", "new process"])
def test_a_patch_shows_where_the_first_match_awaiting_review_moved(tmp_path: Path, process: str) -> None:
    """The list of matches awaiting review names the seed line of each article's first one:
    after an edit that only moves it (the text rewrapped) the list follows, as after a clean
    build (a patch of the article's pages alone left the old line there)."""
    site = archive(tmp_path)
    builder = Builder(BuildOptions(root=site.root, output=site.out, patchable=process == "serve"))
    builder.build()
    assert "the first on line 1" in awaiting_row(site)
    site.write(CLEAN_SEED, CLEAN_TEXT.replace("on Monday, two weeks past", "on Monday,\ntwo weeks past", 1))
    report = rebuild(site, builder, process)
    assert report.analysed == [CLEAN]
    assert "the first on line 2" in awaiting_row(site)


def rebuild(site: SampleSite, builder: Builder, process: str) -> BuildReport:
    """After an edit of the clean seed: ``builder`` told of it (serve), or a new process."""
    if process != "serve":
        return site.build()
    report = builder.build({CLEAN_SEED})
    builder.flush()
    assert builder.memory.state is not None
    builder.memory.state.close()
    return report


def awaiting_row(site: SampleSite) -> str:
    page = parse_html(site.read("corrections/awaiting/index.html"))
    (row,) = [li.text() for li in page.find_all("li") if "bridge" in li.text()]
    return row


SPIN_RULE = '[[rule]]\nfind = "Quds Drive"\nreplace = "Quds Force"\ntype = "error"\nnote = "Spun."\n'


def test_a_rule_whose_matches_all_await_a_decision_is_not_unused(make_site: Any) -> None:
    """Its matches are listed as pending; calling it unused too would send the editor to
    delete a rule that only waits for an article's rules line."""
    site = make_site(
        seeds={"a": "date 2020-01-05 The Quds Drive chief.\n"},
        files={"content/corrections/spin.toml": SPIN_RULE},
        accept_rules=False,
    )
    report = check(site)
    assert [d.code for d in report.log.items if d.code.startswith("correction-")] == []
    assert [d.path for d in pending(report.log.items)] == ["seeds/a.txt"]


def test_two_rules_files_naming_one_collection_is_an_error(make_site: Any) -> None:
    """content/corrections.toml and content/corrections/corrections.toml are both the
    collection 'corrections': an article's rules line could not say which it accepts."""
    files = {"content/corrections.toml": SPIN_RULE, "content/corrections/corrections.toml": SPIN_RULE}
    site = make_site(seeds={"a": "date 2020-01-05 The Quds Drive chief.\n"}, files=files, accept_rules=False)
    report = check(site)
    assert [(d.code, d.path) for d in report.log.items if d.code == "correction-collection"] == [
        ("correction-collection", "content/corrections/corrections.toml")
    ]


@pytest.mark.parametrize("process", ["serve", "new process"])
def test_the_build_counts_the_matches_awaiting_review_after_an_edit(tmp_path: Path, process: str) -> None:
    """The build's one line about matches awaiting review counts them over the archive: an
    edit that takes one away says so (a patch of the article's pages alone kept the old count)."""
    site = archive(tmp_path)
    builder = Builder(BuildOptions(root=site.root, output=site.out, patchable=process == "serve"))
    assert pending_line(builder.build()).startswith("1 article has 6 rule match(es)")
    site.write(CLEAN_SEED, CLEAN_TEXT.replace("The prime concern", "The main concern", 1))
    report = rebuild(site, builder, process)
    assert report.analysed == [CLEAN]
    assert pending_line(report).startswith("1 article has 5 rule match(es)")


def pending_line(report: BuildReport) -> str:
    (line,) = [d.message for d in report.log.items if d.code == "corrections-pending"]
    return line
