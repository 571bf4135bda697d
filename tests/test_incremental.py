"""Incremental builds are provably right: after any edit, an incremental build writes
exactly what a clean build writes, and it re-renders only what the edit changed.

* A property test (hypothesis) makes random small archives, applies random edit
  sequences and, after every edit, compares three incremental builds with a clean
  one: a new :class:`Builder` per build (reading ``.sitegen/`` like a new process),
  one Builder kept across edits, and one kept Builder told which files changed, as
  ``sitegen serve`` is (so edits of article texts take the patch path, patch.py).
* Render-count tests (Hugo's rebuild tests, Lektor's "a second build builds
  nothing") edit a fixed archive and assert exactly which outputs are rendered.
  Expectations come from the built HTML of clean builds, not from sitegen's
  internals.
* The build state is a cache: a corrupt file means one full build, never an error.
"""

from __future__ import annotations

import gzip
import os
import re
import sqlite3
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from sitegen.diagnostics import Diagnostic, Level, SitegenError
from sitegen.pipeline import Builder, BuildOptions, BuildReport, build
from sitegen.state import STATE_DIR, STATE_FILE
from sitegen.webannotation import EXPORT_NAME as EXPORT
from sitegen.writer import PENDING_FILE

from .conftest import run_cli
from .sitefactory import (
    FIXED_CONFIG,
    FIXED_FILES,
    TEMPLATE_EDITS,
    Archive,
    Edit,
    archives,
    copy_sources,
    diagnostic_keys,
    diff_outputs,
    edits,
    output_files,
    sync,
    theme_asset,
    theme_template,
    write_files,
)


def state_notice(diagnostic: Diagnostic) -> bool:
    """The one diagnostic an incremental build may add: the notice that the state was rebuilt."""
    return diagnostic.code == "state-rebuilt"


def clean_build(root: Path, workdir: Path) -> tuple[dict[str, bytes], BuildReport]:
    """Copy the site's sources (no ``.sitegen/``, no output) to ``workdir`` and build from scratch."""
    source = workdir / "src"
    copy_sources(root, source)
    out = workdir / "out"
    report = build(BuildOptions(root=source, output=out, use_state=False))
    return output_files(out), report


def compare_with_clean(
    label: str, out: Path, report: BuildReport, expected: dict[str, bytes], clean: BuildReport
) -> list[str]:
    actual = output_files(out)
    if report.unrendered or clean.unrendered:
        # A template error: the pages it left unrendered keep their last good output, which a
        # clean build has not got, and the search index covers them too.
        kept = set(report.unrendered) - set(expected)
        if not kept <= set(clean.unrendered):
            return [f"[{label}] kept pages a clean build renders: {sorted(kept - set(clean.unrendered))}"]
        actual = {r: d for r, d in actual.items() if r not in kept and not r.startswith("pagefind/")}
        expected = {r: d for r, d in expected.items() if not r.startswith("pagefind/")}
    problems = diff_outputs(actual, expected)
    # A clean build has no record of where the last build published an article, so it cannot
    # see a move: the notice is the incremental build's alone (the redirect it records, both have).
    # Words compared too (a stale count is a wrong diagnostic), but a template error's: it
    # names the first page it broke, and an incremental build keeps their last good output.
    words = lambda d: d.code not in ("template-error", "render-failed")  # noqa: E731
    got = diagnostic_keys(
        report.log.items, ignore=lambda d: state_notice(d) or d.code == "url-moved", messages=words
    )
    want = diagnostic_keys(clean.log.items, messages=words)
    if got != want:
        problems.append(
            "diagnostics differ (level, code, path, line, message):\n"
            + "".join(f"  only incremental: {d}\n" for d in sorted(got - want, key=repr))
            + "".join(f"  only clean: {d}\n" for d in sorted(want - got, key=repr))
        )
    return [f"[{label}] {p}" for p in problems]


# --------------------------------------------------------------------------- property test

T = TypeVar("T")


def attempt(run: Callable[[], T]) -> T | SitegenError:
    """The result of a build, or the error that stopped it (any other exception propagates)."""
    try:
        return run()
    except SitegenError as exc:
        return exc


def crash(run: Callable[[], T]) -> T | SitegenError | str:
    """Like :func:`attempt`; a crash (any other exception) becomes its traceback, to report."""
    try:
        return attempt(run)
    except Exception:
        return traceback.format_exc(limit=-6)


def stopped(outcome: object) -> list[Diagnostic]:
    return outcome.diagnostics if isinstance(outcome, SitegenError) else []


@dataclass
class Copy:
    """One copy of the site under test, with its own output and build state."""

    root: Path
    out: Path
    keep_builder: bool
    told_changes: bool = False  # the kept Builder is told what changed, as sitegen serve does
    builder: Builder | None = None
    builds: int = 0

    def build(self, changes: set[str] | None = None) -> BuildReport:
        options = BuildOptions(root=self.root, output=self.out, patchable=self.told_changes)
        if not self.keep_builder:
            return build(options)  # a new Builder: reads .sitegen/ like a new process
        if self.builder is None:
            self.builder = Builder(options)
        if not self.told_changes:
            return self.builder.build()  # the same Builder across edits
        report = self.builder.build(changes)  # like `sitegen serve`: the watcher's paths
        self.builds += 1
        if self.builds % 2:  # serve saves when edits pause: sometimes after two patches
            self.builder.flush()
            assert not (self.out / PENDING_FILE).exists()  # saved: no output is unaccounted for
        return report

    def close(self) -> None:
        if self.builder is not None and self.builder.memory.state is not None:
            self.builder.memory.state.close()


@dataclass
class EditRun:
    workdir: Path
    archive: Archive
    copies: list[Copy] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    def start(self) -> None:
        files = self.archive.files()
        for name, keep, told in (
            ("new-builder", False, False),
            ("kept-builder", True, False),
            ("served", True, True),
        ):
            copy = Copy(self.workdir / name / "site", self.workdir / name / "out", keep, told)
            write_files(copy.root, files)
            self.copies.append(copy)
        self.check("initial build", None)

    def apply(self, edit: Edit) -> None:
        old = self.archive.files()
        self.archive, what = edit.apply(self.archive)
        new = self.archive.files()
        for copy in self.copies:
            sync(copy.root, old, new)
        self.steps.append(f"{edit}: {what}")
        note(f"edit {len(self.steps)}: {what}")
        self.check(what, {rel for rel in old.keys() | new.keys() if old.get(rel) != new.get(rel)})

    def check(self, what: str, changes: set[str] | None) -> None:
        outcomes = [(copy, crash(lambda copy=copy: copy.build(changes))) for copy in self.copies]
        workdir = self.workdir / f"clean-{len(self.steps)}"
        clean_outcome = attempt(lambda: clean_build(self.copies[0].root, workdir))
        problems: list[str] = []
        for copy, outcome in outcomes:
            label = copy.root.parent.name
            if isinstance(outcome, str):
                problems.append(f"[{label}] the build crashed:\n{outcome}")
                continue
            if isinstance(clean_outcome, SitegenError) or isinstance(outcome, SitegenError):
                # A build that stops (a configuration error) must stop the same way.
                if diagnostic_keys(stopped(clean_outcome)) != diagnostic_keys(stopped(outcome)):
                    problems.append(f"[{label}] stops with {outcome!r}; a clean build with {clean_outcome!r}")
                continue
            expected, clean = clean_outcome
            problems += compare_with_clean(label, copy.out, outcome, expected, clean)
            rebuilt = [d.format() for d in outcome.log.items if state_notice(d)]
            if self.steps and rebuilt:
                problems.append(f"[{label}] the build state was not reused: {rebuilt}")
        if problems:
            history = "\n".join(f"  {n}. {s}" for n, s in enumerate(self.steps, 1)) or "  (none)"
            pytest.fail(
                f"after {what!r}, an incremental build differs from a clean build.\nEdits so far:\n"
                f"{history}\n\n" + "\n\n".join(problems),
                pytrace=False,
            )

    def close(self) -> None:
        for copy in self.copies:
            copy.close()


# SITEGEN_PROPERTY_EXAMPLES=N explores N fresh random examples (run it after changing
# what a page depends on); by default the same 12 run every time.
EXPLORE = int(os.environ.get("SITEGEN_PROPERTY_EXAMPLES", "0"))


@settings(
    max_examples=EXPLORE or 12,
    deadline=None,
    derandomize=not EXPLORE,  # the same examples on every run: CI is stable, a failure reproduces
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(archive=archives(), edit_list=st.lists(edits(), min_size=3, max_size=6))
def test_incremental_build_equals_clean_build(
    tmp_path_factory: pytest.TempPathFactory, archive: Archive, edit_list: list[Edit]
) -> None:
    run = EditRun(tmp_path_factory.mktemp("edits"), archive)
    try:
        run.start()
        for edit in edit_list:
            run.apply(edit)
    finally:
        run.close()


# --------------------------------------------------------------------------- the fixed archive


@dataclass
class Site:
    """The fixed archive in ``tmp_path``, built with the persistent state."""

    root: Path
    out: Path
    workdir: Path
    cleans: int = 0

    def build(self) -> BuildReport:
        return build(BuildOptions(root=self.root, output=self.out))

    def write(self, rel: str, text: str) -> None:
        write_files(self.root, {rel: text})

    def edit(self, rel: str, old: str, new: str) -> None:
        text = (self.root / rel).read_text(encoding="utf-8")
        assert old in text, f"{rel} does not contain {old!r}"
        self.write(rel, text.replace(old, new))

    def clean(self) -> tuple[dict[str, bytes], BuildReport]:
        self.cleans += 1
        return clean_build(self.root, self.workdir / f"clean-{self.cleans}")

    def assert_equals_clean(self, report: BuildReport) -> dict[str, bytes]:
        expected, clean = self.clean()
        problems = compare_with_clean("incremental", self.out, report, expected, clean)
        assert not problems, "\n\n".join(problems)
        return expected


@pytest.fixture
def site(tmp_path: Path) -> Site:
    root = tmp_path / "site"
    write_files(root, FIXED_FILES)
    built = Site(root, tmp_path / "out", tmp_path)
    first = built.build()
    assert not [d.format() for d in first.log.items if d.level >= Level.WARNING]
    return built


def html(files: dict[str, bytes]) -> dict[str, str]:
    return {rel: data.decode("utf-8") for rel, data in files.items() if rel.endswith(".html")}


def containing(files: dict[str, bytes], *texts: str) -> set[str]:
    """The outputs that show any of ``texts`` (pages, feed, …), less the search bundle: Pagefind
    indexes the HTML as a whole, and its files are not among ``BuildReport.rendered``."""
    found = set()
    for rel, data in files.items():
        if rel.endswith(".gz"):  # the Web Annotation export
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
        if not rel.startswith("pagefind/") and any(t in text for t in texts):
            found.add(rel)
    return found


def article_dir(files: dict[str, bytes], seed_id: str) -> str:
    """The output folder of an article, found by its seed copy ``<url>/<id>.txt``."""
    (rel,) = [rel for rel in files if rel.endswith(f"/{seed_id}.txt")]
    return rel.rsplit("/", 1)[0] + "/"


def article_outputs(files: dict[str, bytes], seed_id: str) -> set[str]:
    url = article_dir(files, seed_id)
    return {url + "index.html", url + "source/index.html", url + f"{seed_id}.txt", url + EXPORT}


def body_kind(page: str) -> str:
    match = re.search(r'<body class="kind-([a-z0-9-]+)"', page)
    assert match, "no <body class=kind-…>"
    return match.group(1)


def test_a_second_build_renders_nothing(site: Site) -> None:
    report = site.build()
    assert report.rendered == []
    assert report.analysed == []
    assert report.write.written == [] and report.write.removed == []


def test_an_output_deleted_by_hand_is_written_again(site: Site) -> None:
    """The output folder's listing (not the manifest) says which outputs are there: an output
    deleted since the last build is rendered again, with no source change, and only it."""
    before, _ = site.clean()
    page = article_dir(before, "a2") + "index.html"
    (site.out / page).unlink()
    (site.out / "entities" / "ana-pereira" / "index.html").unlink()
    report = site.build()
    assert sorted(report.rendered) == sorted([page, "entities/ana-pereira/index.html"])
    site.assert_equals_clean(report)


def test_a_kept_builder_renders_nothing_the_second_time(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_files(root, FIXED_FILES)
    builder = Builder(BuildOptions(root=root, output=tmp_path / "served"))
    try:
        first = builder.build()
        assert first.rendered and sorted(first.analysed) == ["a1", "a2", "a3", "a4", "a5", "a6"]
        second = builder.build()
        assert second.rendered == [] and second.analysed == []
    finally:
        assert builder.memory.state is not None
        builder.memory.state.close()


def test_an_unchanged_rebuild_reports_what_a_clean_build_reports(site: Site) -> None:
    """The first build's 'no build state yet' notice is not news the second time."""
    report = site.build()
    _, clean = site.clean()
    assert [d.format() for d in report.log.items] == [d.format() for d in clean.log.items]


def test_editing_a_word_rerenders_only_that_article(site: Site) -> None:
    before, _ = site.clean()
    # Paragraph 4 of a1: no alias or rule touches it, the title and summary come from the
    # editorial file, and no mention snippet quotes its sentence.
    site.edit("seeds/a1.txt", "Gulls circled", "Terns circled")
    report = site.build()
    assert report.analysed == ["a1"]
    assert set(report.rendered) == article_outputs(before, "a1")
    assert len(report.rendered) == len(set(report.rendered))
    site.assert_equals_clean(report)


def test_an_edit_checks_the_links_of_the_rendered_pages_only(site: Site) -> None:
    site.edit("seeds/a1.txt", "Gulls circled", "Terns circled")  # the page's ids stay the same
    report = site.build()
    assert report.links_checked == len([p for p in report.rendered if p.endswith(".html")]) == 2
    site.assert_equals_clean(report)


def test_link_problems_of_pages_not_rendered_again_are_reported_again(site: Site) -> None:
    site.write(
        "content/pages/about.md",
        '---\ntitle: "About"\n---\nSee [the notes](#notes) and [the map](/assets/map.svg).\n',
    )
    first = site.build()
    broken = sorted(d.message for d in first.log.items if d.code == "broken-link")
    assert len(broken) == 2 and "'#notes'" in broken[0] and "map.svg" in broken[1]
    site.edit("seeds/a1.txt", "Gulls circled", "Terns circled")  # about/ is not rendered again
    report = site.build()
    assert "about/index.html" not in report.rendered
    assert sorted(d.message for d in report.log.items if d.code == "broken-link") == broken
    site.assert_equals_clean(report)
    # The map arrives: the link resolves now, though about/ itself is not rendered again.
    site.write("static/map.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    report = site.build()
    assert "about/index.html" not in report.rendered
    assert [d.message for d in report.log.items if d.code == "broken-link"] == broken[:1]
    site.assert_equals_clean(report)


def test_editing_a_title_rerenders_the_pages_that_show_it(site: Site) -> None:
    before, _ = site.clean()
    old, new = "Saltmere harbour reopens", "Saltmere harbour opens again"
    site.edit("content/articles/a1.md", old, new)
    report = site.build()
    after = site.assert_equals_clean(report)
    assert report.analysed == ["a1"]

    # Every output that shows the title, before or after: the article and its source view, the
    # home page, the month, its tags, the entities it mentions, the ledger (it has a correction),
    # the articles that list it as related, older or newer, the Atom feed.
    expected = containing(before, old) | containing(after, new)
    a1 = article_dir(after, "a1")
    assert {
        "index.html",
        "feed.xml",
        a1 + "index.html",
        a1 + "source/index.html",
        "timeline/2021/03/index.html",
        "tags/harbour/index.html",
        "tags/council/index.html",
        "entities/ana-pereira/index.html",
        "entities/saltmere/index.html",
        "corrections/index.html",
        article_dir(after, "a2") + "index.html",
    } <= expected
    unrelated = {
        article_dir(after, "a4") + "index.html",
        article_dir(after, "a6") + "index.html",
        "entities/hollin-lane/index.html",
        "entities/tom-okafor/index.html",
        "tags/roads/index.html",
        "timeline/2021/04/index.html",
    }
    assert not unrelated & expected, "the fixture no longer has unrelated pages"
    # The article's Web Annotations name it too (their collection's label).
    assert a1 + "annotations.jsonld.gz" in expected
    assert set(report.rendered) == expected


def test_editing_an_entity_description_rerenders_the_pages_that_show_it(site: Site) -> None:
    before, _ = site.clean()
    old, new = "Harbour master of Saltmere.", "Harbour master of Saltmere since 2019."
    site.edit("content/entities/ana-pereira.md", old, new)
    report = site.build()
    after = site.assert_equals_clean(report)

    expected = containing(before, old) | containing(after, new)
    # Articles mention her, but their sidebars and cards take her description from one file.
    mentioning = {
        a
        for a in ("a1", "a2", "a3", "a4", "a5", "a6")
        if "entities/ana-pereira/" in after[article_dir(after, a) + "index.html"].decode()
    }
    assert mentioning == {"a1", "a2"}
    assert expected == {"entities/ana-pereira/index.html", "entities/index.html", "entities/cards.json"}
    assert set(report.rendered) == expected
    # The description is shown by the pages (sidebar, cards), not read by the analysis: no
    # article is analysed again.
    assert set(report.analysed) == set()


def test_a_patch_after_an_entity_edit_shows_the_entity_as_edited(site: Site) -> None:
    """A new process patches the last build from the snapshot it saved. After an entity
    edit was patched, that snapshot holds the entity as edited: a later patch that renders
    its page again (here, for a template edit) shows the edit, not the entity before it."""
    old, new = "Harbour master of Saltmere.", "Harbour master of Saltmere since 2019."
    site.edit("content/entities/ana-pereira.md", old, new)
    patched = site.build()
    assert set(patched.rendered) == {
        "entities/ana-pereira/index.html",
        "entities/index.html",
        "entities/cards.json",
    }
    source = theme_template("base.html")
    site.write("templates/base.html", source.replace("<body", "<body data-edited", 1))
    report = site.build()
    assert report.analysed == [] and "entities/ana-pereira/index.html" in report.rendered
    site.assert_equals_clean(report)


def test_adding_an_alias_reanalyses_only_the_articles_where_it_occurs(site: Site) -> None:
    """'the harbour committee' occurs in a6 only; the Harbour Board is mentioned in a3."""
    alias = "harbour committee"
    seeds = {
        rel: (site.root / rel).read_text(encoding="utf-8") for rel in FIXED_FILES if rel.startswith("seeds/")
    }
    occurs = {Path(rel).stem for rel, text in seeds.items() if alias in " ".join(text.split())}
    assert occurs == {"a6"}
    site.edit("content/entities/harbour-board.md", 'aliases: ["Board"]', f'aliases: ["Board", "{alias}"]')
    report = site.build()
    after = site.assert_equals_clean(report)
    assert "entities/harbour-board/" in after[article_dir(after, "a6") + "index.html"].decode()
    assert sorted(report.analysed) == sorted(occurs)


@pytest.mark.parametrize(
    ("template", "kinds"),
    [("entity.html", {"entity"}), ("list.html", {"tag", "month"}), ("source.html", {"source"})],
)
def test_editing_a_template_rerenders_exactly_the_pages_that_use_it(
    site: Site, template: str, kinds: set[str]
) -> None:
    old, new = {
        "entity.html": TEMPLATE_EDITS["entity.html"],
        "list.html": TEMPLATE_EDITS["list.html"],
        "source.html": ("Source as received", "The source as it reached us"),
    }[template]
    source = theme_template(template)
    assert old in source
    site.write(f"templates/{template}", source.replace(old, new))
    report = site.build()
    after = site.assert_equals_clean(report)
    using = {rel for rel, page in html(after).items() if body_kind(page) in kinds}
    assert len(using) >= 2
    assert set(report.rendered) == using
    assert report.analysed == []

    # Editing the override again: the same pages, and nothing else.
    site.edit(f"templates/{template}", new, new + " (edited)")
    again = site.build()
    assert set(again.rendered) == using
    # Deleting it: back to the theme's template, the same pages again.
    (site.root / "templates" / template).unlink()
    removed = site.build()
    assert set(removed.rendered) == using
    site.assert_equals_clean(removed)


def test_editing_a_static_asset_writes_only_that_file(site: Site) -> None:
    css = theme_asset("style.css")
    site.write("static/style.css", css + "\n/* the site's own rule */\n")
    report = site.build()
    assert report.rendered == ["assets/style.css"]
    assert report.write.written == ["assets/style.css"]
    site.edit("static/style.css", "the site's own rule", "the site's own rule, edited")
    again = site.build()
    assert again.rendered == ["assets/style.css"]
    assert again.write.written == ["assets/style.css"]
    assert again.analysed == []
    site.assert_equals_clean(again)


def test_editing_a_page_body_rerenders_only_that_page(site: Site) -> None:
    site.edit("content/pages/about.md", "as received", "exactly as received")
    report = site.build()
    assert report.rendered == ["about/index.html"]
    assert report.analysed == []
    site.assert_equals_clean(report)


def test_deleting_a_seed_removes_its_outputs_and_every_link_to_it(site: Site) -> None:
    before, _ = site.clean()
    a5 = article_dir(before, "a5")
    slug = a5.rstrip("/").rsplit("/", 1)[1]
    assert slug in before["index.html"].decode()
    (site.root / "seeds/a5.txt").unlink()
    report = site.build()
    assert set(report.write.removed) == article_outputs(before, "a5")
    assert not (site.out / a5).exists()
    after = site.assert_equals_clean(report)
    linking = [rel for rel, data in output_files(site.out).items() if slug.encode() in data]
    assert linking == []
    assert report.analysed == []
    # no output of a5 is left (a search bundle's hashed file names may hold "a5" by chance)
    assert [rel for rel in after if rel.startswith(a5) or rel.endswith("/a5.txt")] == []


def test_changing_a_slug_leaves_no_stale_file(site: Site) -> None:
    before, _ = site.clean()
    old_dir = article_dir(before, "a2")
    assert old_dir.endswith("/fish-market/")
    site.edit("content/articles/a2.md", "slug: fish-market", "slug: market-day")
    report = site.build()
    site.assert_equals_clean(report)
    # Only a redirect to the new address is left at the old one (redirects.py).
    left = [p.relative_to(site.out / old_dir).as_posix() for p in (site.out / old_dir).rglob("*")]
    assert left == ["index.html"]
    assert b"market-day/" in (site.out / old_dir / "index.html").read_bytes()
    assert article_outputs(before, "a2") - {old_dir + "index.html"} <= set(report.write.removed)
    assert (site.out / old_dir.replace("fish-market", "market-day") / "index.html").is_file()
    stale = [rel for rel, data in output_files(site.out).items() if b"fish-market/" in data]
    assert stale == []


def test_a_template_of_redirect_pages_is_a_full_build(site: Site) -> None:
    """Redirect pages are planned outside the planners' table: an edit of their template
    cannot be patched, and the full build renders the redirect with it."""
    site.edit("content/articles/a2.md", "slug: fish-market", "slug: market-day")
    site.build()
    assert site.build().rendered == []  # reads back the redirect it recorded in content/
    source = theme_template("redirect.html")
    site.write("templates/redirect.html", source.replace("<title>", "<title>Gone: ", 1))
    report = site.build()
    assert report.planned == site.clean()[1].planned
    after = site.assert_equals_clean(report)
    redirect = next(rel for rel in after if "/fish-market/" in rel)
    assert redirect in report.rendered and b"Gone: " in after[redirect]


# --------------------------------------------------------------------------- a corrupt build state


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00garbage, not a database\xff" * 64)


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _bad_record(path: Path) -> None:
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE pages SET links = x'00ff'")
        db.execute("UPDATE analyses SET article = x'00ff'")
    db.close()


@pytest.mark.parametrize(
    "corrupt", [_garbage, _truncated, _bad_record], ids=["garbage", "truncated", "bad-record"]
)
def test_a_corrupt_state_means_one_full_build(site: Site, corrupt: object) -> None:
    site.edit("seeds/a3.txt", "Tom Okafor spoke", "Tom Okafor spoke at length")
    state = site.root / STATE_DIR / STATE_FILE
    assert state.is_file()
    corrupt(state)  # type: ignore[operator]
    report = site.build()
    notices = [d for d in report.log.items if d.code == "state-rebuilt"]
    assert [d.level for d in notices] == [Level.INFO]
    site.assert_equals_clean(report)
    # The state was rebuilt: the next build has nothing to do.
    again = site.build()
    assert again.rendered == [] and again.analysed == []


def test_a_corrupt_state_is_a_notice_on_the_command_line(site: Site) -> None:
    _garbage(site.root / STATE_DIR / STATE_FILE)
    result = run_cli("build", "--source", str(site.root), "--output", str(site.out), "-v")
    assert result.exit_code == 0, result.stderr
    assert re.search(r"INFO: .*\[state-rebuilt\]", result.stderr)
    expected, _ = site.clean()
    assert diff_outputs(output_files(site.out), expected) == []


# --------------------------------------------------------------------------- regressions


def test_an_article_that_lost_a_url_collision_builds_once_the_collision_is_gone(site: Site) -> None:
    """a2 takes a1's slug and loses (a1 sorts first); then a1 moves away and a2 gets the URL."""
    site.edit("content/articles/a2.md", "slug: fish-market", "slug: harbour-reopens")
    site.edit("seeds/a2.txt", "date 2021-03-15", "date 2021-03-02")
    first = site.build()
    assert "url-collision" in {d.code for d in first.log.items}
    site.assert_equals_clean(first)
    site.edit("content/articles/a1.md", "slug: harbour-reopens", "slug: harbour-reopened")
    report = site.build()  # a2 was not analysed again: its page comes from the cached analysis
    assert "a2" not in report.analysed
    site.assert_equals_clean(report)


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(site: Site) -> None:
    """Two saves within one timestamp tick (1 s on FAT, HFS+ and many network mounts), or a tool
    that restores mtimes: same size, same mtime, other bytes. The build must still see the edit."""
    path = site.root / "seeds/a1.txt"
    stat = path.stat()
    site.edit("seeds/a1.txt", "Gulls circled", "Terns circled")  # same length
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    report = site.build()
    site.assert_equals_clean(report)


def test_building_into_another_output_folder_in_between_leaves_no_stale_page(
    site: Site, tmp_path: Path
) -> None:
    """The state remembers pages by path, but a page kept from the first folder was made before the edit."""
    site.edit("seeds/a1.txt", "Gulls circled", "Terns circled")
    other = build(BuildOptions(root=site.root, output=tmp_path / "elsewhere"))  # e.g. `--output public`
    assert diff_outputs(output_files(tmp_path / "elsewhere"), site.clean()[0]) == []
    report = site.build()  # back to the usual folder, which still holds the pages from before the edit
    assert other.rendered
    site.assert_equals_clean(report)


# --------------------------------------------------------------------------- the patch path (serve)


@dataclass
class Served:
    """The fixed archive built by one kept Builder that is told what changed, as in
    ``sitegen serve``: edits of article texts patch the last build (patch.py)."""

    site: Site
    builder: Builder

    def build(self, *changes: str) -> BuildReport:
        report = self.builder.build(set(changes))
        self.builder.flush()  # serve writes the manifest and the state after the reload event
        return report


@pytest.fixture
def served(site: Site) -> Iterator[Served]:
    builder = Builder(BuildOptions(root=site.root, output=site.out, patchable=True))
    first = builder.build()
    assert first.planned and first.rendered == []  # the site model is built, though nothing changed
    try:
        yield Served(site, builder)
    finally:
        assert builder.memory.state is not None
        builder.memory.state.close()


def test_a_told_builder_plans_only_the_edited_articles_outputs(served: Served) -> None:
    before, _ = served.site.clean()
    served.site.edit("seeds/a1.txt", "Gulls circled", "Terns circled")
    report = served.build("seeds/a1.txt")
    assert report.planned == 4  # a full build plans every output of the site
    assert report.analysed == ["a1"]
    assert set(report.rendered) == article_outputs(before, "a1")
    served.site.assert_equals_clean(report)
    again = served.build("seeds/a1.txt")  # a save without a change
    assert again.rendered == [] and again.analysed == [] and again.write.written == []


def test_a_patch_renders_the_entity_pages_whose_snippet_changed(served: Served) -> None:
    before, _ = served.site.clean()
    served.site.edit("seeds/a2.txt", "the stalls were full", "every stall was taken")
    report = served.build("seeds/a2.txt")
    entity_pages = {p for p in report.rendered if p.startswith("entities/")}
    # Ana Pereira's page quotes the sentence; Saltmere's quotes another one of a2.
    assert entity_pages == {"entities/ana-pereira/index.html"}
    assert set(report.rendered) == article_outputs(before, "a2") | entity_pages
    after = served.site.assert_equals_clean(report)
    assert "every stall was taken" in after["entities/ana-pereira/index.html"].decode()


def test_a_patch_reports_what_a_clean_build_reports(served: Served) -> None:
    """A new problem in the edited article, and the old one gone once it is fixed."""
    editorial = FIXED_FILES["content/articles/a2.md"]
    served.site.write("content/articles/a2.md", editorial + "See [x](/nowhere/).\n")
    report = served.build("content/articles/a2.md")
    assert report.planned == 4
    assert [d.code for d in report.log.items if d.level >= Level.WARNING] == ["broken-link"]
    served.site.assert_equals_clean(report)
    served.site.write("content/articles/a2.md", editorial)
    fixed = served.build("content/articles/a2.md")
    assert fixed.planned == 4 and not [d for d in fixed.log.items if d.level >= Level.WARNING]
    served.site.assert_equals_clean(fixed)


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        ("seeds/a3.txt", "The Harbour Board met", "The Harbour Board sat"),  # the default title
        ("seeds/a1.txt", "Gulls circled", "Pereira watched gulls circle"),  # a new mention
        ("content/articles/a2.md", "tags: [harbour, fish]", "tags: [harbour]"),  # listings
        # a new form: the articles where it occurs are analysed again
        (
            "content/entities/harbour-board.md",
            'aliases: ["Board"]',
            'aliases: ["Board", "harbour committee"]',
        ),
    ],
)
def test_an_edit_shown_on_other_pages_is_a_full_build(served: Served, rel: str, old: str, new: str) -> None:
    served.site.edit(rel, old, new)
    report = served.build(rel)
    assert report.planned == served.site.clean()[1].planned  # every output of the site
    served.site.assert_equals_clean(report)


# An entity edit that changes no form leaves every analysis: a patch renders the pages that
# show what changed of it, planning only the pages that may (patch.plan_patch).
ENTITY_EDITS = {
    # its record only: its page, the index of entities, the cards file
    "description": ("Harbour master of Saltmere.", "Harbour master of Saltmere since 2019.", set()),
    # its card (the kind sorts it in the sidebars of the articles that mention her)
    "kind": ("kind: person", "kind: other", {"a1", "a2"}),
}


@pytest.mark.parametrize("field", sorted(ENTITY_EDITS))
def test_an_entity_edit_renders_only_the_pages_that_show_what_changed(served: Served, field: str) -> None:
    before, _ = served.site.clean()
    old, new, articles = ENTITY_EDITS[field]
    served.site.edit("content/entities/ana-pereira.md", old, new)
    report = served.build("content/entities/ana-pereira.md")
    after = served.site.assert_equals_clean(report)
    own = {"entities/ana-pereira/index.html", "entities/index.html", "entities/cards.json"}
    changed = {rel for rel in after if after[rel] != before.get(rel) and not rel.startswith("pagefind/")}
    assert changed - own == {article_dir(after, a) + "index.html" for a in articles}
    assert set(report.rendered) == changed and report.analysed == []
    # Planned: her pages, the index, the cards file; when her card changed, the four outputs
    # of each article mentioning her and the first page of each entity that lists her among
    # those often mentioned with it; never every output of the site.
    listing = {
        rel for rel in before if rel.startswith("entities/") and "ana-pereira/" in before[rel].decode()
    }
    listing -= {"entities/ana-pereira/index.html", "entities/index.html"}
    assert len(listing) == 2
    assert report.planned == 3 + (4 * len(articles) + len(listing) if articles else 0)
    assert report.planned < served.site.clean()[1].planned


def test_an_entity_edit_with_a_problem_is_a_full_build_that_reports_it(served: Served) -> None:
    """A patch parses only the edited entity file: one it cannot read cleanly takes a full
    build, which reports the problem at its line; the fix is patched again."""
    rel = "content/entities/ana-pereira.md"
    served.site.edit(rel, "kind: person", "kind: planet")
    broken = served.build(rel)
    assert broken.planned == served.site.clean()[1].planned
    assert [(d.path, d.line) for d in broken.log.items if d.level >= Level.ERROR] == [(rel, 3)]
    served.site.assert_equals_clean(broken)
    served.site.edit(rel, "kind: planet", "kind: person")
    fixed = served.build(rel)
    assert not [d for d in fixed.log.items if d.level >= Level.WARNING]
    served.site.assert_equals_clean(fixed)


def test_edits_of_an_article_an_entity_and_a_template_together_are_one_patch(served: Served) -> None:
    """serve may gather edits of several kinds into one build: each part is planned."""
    before, _ = served.site.clean()
    served.site.edit("seeds/a1.txt", "Gulls circled", "Terns circled")
    served.site.edit("content/entities/ana-pereira.md", "Harbour master of Saltmere.", "Harbour master.")
    served.site.write("templates/page.html", theme_template("page.html").replace("<article", "<article x", 1))
    report = served.build("seeds/a1.txt", "content/entities/ana-pereira.md", "templates/page.html")
    assert report.analysed == ["a1"] and report.planned < served.site.clean()[1].planned
    after = served.site.assert_equals_clean(report)
    changed = {r for r in after if after[r] != before.get(r) and not r.startswith("pagefind/")}
    assert set(report.rendered) >= changed
    assert {"about/index.html", "entities/ana-pereira/index.html", "entities/cards.json"} <= changed


def test_a_new_process_patches_an_entity_edit(site: Site) -> None:
    before, _ = site.clean()
    site.edit("content/entities/ana-pereira.md", "kind: person", "kind: other")
    report = site.build()
    after = site.assert_equals_clean(report)
    assert report.planned == 3 + 4 * 2 + 2 and report.analysed == []
    changed = {rel for rel in after if after[rel] != before.get(rel) and not rel.startswith("pagefind/")}
    assert set(report.rendered) == changed
    assert site.build().rendered == []  # the state it saved describes the site


@pytest.mark.parametrize("process", ["serve", "new process"])
def test_a_page_that_starts_showing_an_entity_follows_its_later_edits(served: Served, process: str) -> None:
    """Which pages show an entity's card is recorded as they are planned, by patches too: an
    article made about Ana Pereira (a4 never names her) is patched alone, and an edit of her
    card later reaches it."""
    site = served.site

    def build(rel: str) -> BuildReport:
        return served.build(rel) if process == "serve" else site.build()

    site.edit("content/articles/a4.md", "tags: [roads]", "tags: [roads]\nabout: [ana-pereira]")
    made_about = build("content/articles/a4.md")
    assert made_about.planned == 4 and made_about.analysed == ["a4"]  # its outputs alone
    site.assert_equals_clean(made_about)
    site.edit("content/entities/ana-pereira.md", "kind: person", "kind: other")
    edited = build("content/entities/ana-pereira.md")
    assert edited.planned == 3 + 4 * 3 + 2  # her pages, a1, a2 (they name her) and a4, 2 listings
    after = site.assert_equals_clean(edited)
    assert article_dir(after, "a4") + "index.html" in edited.rendered


@pytest.mark.parametrize("process", ["serve", "new process"])
@pytest.mark.parametrize(
    ("old", "new", "shown_on"),
    [
        # listed with its summary: the home page, its tag's and its month's pages, the feed
        ('summary: "For a month."', 'summary: "Closed for a month."', {"index.html", "feed.xml"}),
        # its link besides: the pages of its neighbours (a3, a5) and of Hollin Lane too
        ('title: "Footbridge to close"', 'title: "The footbridge closes"', {"index.html", "feed.xml"}),
    ],
)
def test_an_edit_of_what_listings_show_patches_the_pages_that_read_it(
    served: Served, process: str, old: str, new: str, shown_on: set[str]
) -> None:
    """Which pages show an article's link or summary is recorded as they are planned
    (PageKeys): an edit of them plans those pages, not the whole site, and renders the ones
    that show what changed."""
    site = served.site
    before, clean = site.clean()
    site.edit("content/articles/a4.md", old, new)
    report = served.build("content/articles/a4.md") if process == "serve" else site.build()
    after = site.assert_equals_clean(report)
    assert report.analysed == ["a4"] and report.planned < clean.planned
    changed = {rel for rel in after if after[rel] != before.get(rel) and not rel.startswith("pagefind/")}
    assert changed <= set(report.rendered) <= changed | article_outputs(after, "a4")
    assert shown_on | {article_dir(after, "a4") + "index.html"} <= changed
    assert any(rel.startswith("tags/roads/") for rel in changed)
    if old.startswith("title"):
        assert {article_dir(after, n) + "index.html" for n in ("a3", "a5")} <= changed
        assert "entities/hollin-lane/index.html" in changed


@pytest.mark.parametrize("process", ["serve", "new process"])
def test_a_correction_of_one_article_patches_it_and_the_ledger(served: Served, process: str) -> None:
    """The ledger reads an article's corrections through PageKeys too: a correction added in
    an editorial file plans the article's outputs and the ledger's pages, not the site (the
    rules' entries stay on their ledger pages, so no other footnote's link changes)."""
    site = served.site
    before, clean = site.clean()
    site.edit(
        "content/articles/a4.md",
        'summary: "For a month."\n',
        'summary: "For a month."\ncorrections:\n  - exact: "are asked"\n    replace: "are told"\n'
        '    type: error\n    note: "Corrected by the editor."\n',
    )
    report = served.build("content/articles/a4.md") if process == "serve" else site.build()
    after = site.assert_equals_clean(report)
    assert report.analysed == ["a4"] and report.planned < clean.planned
    changed = {rel for rel in after if after[rel] != before.get(rel) and not rel.startswith("pagefind/")}
    assert changed <= set(report.rendered) <= changed | article_outputs(after, "a4")
    assert {"corrections/index.html", "corrections/articles/index.html"} <= changed
    assert article_dir(after, "a4") + "index.html" in changed


@pytest.mark.parametrize("process", ["serve", "new process"])
def test_a_rule_entry_that_leaves_the_ledger_is_patched_where_it_was_linked(
    served: Served, process: str
) -> None:
    """a1's only 'struggle' goes, and with it the rule's entry in the ledger and its note in
    the notes file: the pages that read where that entry is (a1's, the notes file) and the
    ledger are planned, not the site."""
    site = served.site
    before, clean = site.clean()
    site.edit("seeds/a1.txt", "The struggle over", "The fight over")
    report = served.build("seeds/a1.txt") if process == "serve" else site.build()
    after = site.assert_equals_clean(report)
    assert report.analysed == ["a1"] and report.planned < clean.planned
    changed = {rel for rel in after if after[rel] != before.get(rel) and not rel.startswith("pagefind/")}
    assert changed <= set(report.rendered)
    assert {
        "corrections/notes.jsonld",
        "corrections/index.html",
        article_dir(after, "a1") + "index.html",
    } <= changed


@pytest.mark.parametrize("process", ["serve", "new process"])
def test_rule_entries_that_move_to_other_ledger_pages_are_patched_where_linked(
    tmp_path: Path, process: str
) -> None:
    """One ledger entry a page, most places first: a second 'kay' in a5 puts its rule's entry
    before the 'struggle' rule's, the two swap pages, and a1's footnote, which links the
    'struggle' entry, follows it. No page comes or goes: a patch, not a full build."""
    root = tmp_path / "site"
    write_files(root, {**FIXED_FILES, "sitegen.toml": FIXED_CONFIG + "per_page = 1\n"})
    site = Site(root, tmp_path / "out", tmp_path)
    builder = Builder(BuildOptions(root=root, output=site.out, patchable=process == "serve"))
    builder.build()
    before, clean = site.clean()
    site.edit("seeds/a5.txt", "Rain fell all week.", "Rain fell on every kay all week.")
    report = Served(site, builder).build("seeds/a5.txt") if process == "serve" else site.build()
    after = site.assert_equals_clean(report)
    assert report.analysed == ["a5"] and report.planned < clean.planned
    linked = article_dir(after, "a1") + "index.html"
    assert after[linked] != before[linked] and linked in report.rendered
    if builder.memory.state is not None:
        builder.memory.state.close()


def test_a_correction_that_adds_a_ledger_page_is_a_full_build(tmp_path: Path) -> None:
    """One ledger entry a page: a4's new correction is a new entry, so a new ledger page,
    which the sitemap lists. A patch plans only the pages its planners planned last time."""
    root = tmp_path / "site"
    write_files(root, {**FIXED_FILES, "sitegen.toml": FIXED_CONFIG + "per_page = 1\n"})
    site = Site(root, tmp_path / "out", tmp_path)
    site.build()
    site.edit(
        "content/articles/a4.md",
        'summary: "For a month."\n',
        'summary: "For a month."\ncorrections:\n  - exact: "are asked"\n    replace: "are told"\n'
        '    type: error\n    note: "Corrected by the editor."\n',
    )
    report = site.build()
    after = site.assert_equals_clean(report)
    assert report.planned == site.clean()[1].planned
    assert b"corrections/page/3/" in after["sitemap.xml"]


def test_a_title_a_redirect_shows_is_a_full_build(site: Site) -> None:
    """A redirect page shows its article's title; redirects are planned outside the
    planners' table, so what reads a title there takes a full build, which renders it."""
    site.edit("content/articles/a4.md", "slug: footbridge", "slug: footbridge-closes")
    site.build()
    assert site.build().rendered == []  # reads back the redirect it recorded in content/
    site.edit("content/articles/a4.md", 'title: "Footbridge to close"', 'title: "The footbridge closes"')
    report = site.build()
    assert report.planned == site.clean()[1].planned
    after = site.assert_equals_clean(report)
    redirect = next(rel for rel in after if "/footbridge/" in rel)
    assert redirect in report.rendered and b"The footbridge closes" in after[redirect]


@pytest.mark.parametrize(
    ("setting", "rendered"),
    [
        ("max_site_size = 500000000", set()),  # read by the size budget alone
        ('custom_domain = "gazette.example.org"', {"CNAME"}),
        # entity pages paginate anew, and the sitemap lists their new pages
        ("[entities]\nper_page = 1", {"entities/", "sitemap.xml"}),
    ],
)
def test_a_setting_renders_only_the_outputs_that_read_it(
    site: Site, setting: str, rendered: set[str]
) -> None:
    """Pages read the configuration through the site context and their own inputs, not as a
    whole: a setting re-renders only what reads it (a configuration edit is a full build)."""
    site.write("sitegen.toml", FIXED_CONFIG + setting + "\n")
    report = site.build()
    after = site.assert_equals_clean(report)
    assert report.planned == site.clean()[1].planned
    assert {
        p if p in rendered else "entities/" if p.startswith("entities/") else p for p in report.rendered
    } == rendered
    assert {w for w in report.write.written if not w.startswith("pagefind/")} == set(report.rendered)
    if "entities/" in rendered:
        assert "entities/ana-pereira/page/2/index.html" in after


def test_a_template_of_authored_pages_renders_only_them(served: Served) -> None:
    """A template only authored pages use: a patch plans them alone, in serve and in a new
    process. The article template: the article pages alone, as the last build recorded
    which planner made them (not their source views, seed copies and exports)."""
    source = theme_template("page.html")
    served.site.write("templates/page.html", source.replace("<article", "<article data-edited", 1))
    report = served.build("templates/page.html")
    assert report.planned == 1 and set(report.rendered) == {"about/index.html"}
    served.site.assert_equals_clean(report)
    (served.site.root / "templates" / "page.html").unlink()  # back to the theme's
    removed = build(BuildOptions(root=served.site.root, output=served.site.out))  # a new process
    assert removed.planned == 1 and set(removed.rendered) == {"about/index.html"}
    served.site.assert_equals_clean(removed)
    before, _ = served.site.clean()
    source = theme_template("article.html")
    served.site.write("templates/article.html", source.replace("<article", "<article data-edited", 1))
    articles = build(BuildOptions(root=served.site.root, output=served.site.out))
    pages = {article_dir(before, f"a{n}") + "index.html" for n in range(1, 7)}
    assert articles.planned == len(pages) and set(articles.rendered) == pages
    served.site.assert_equals_clean(articles)


def test_the_base_template_plans_every_page_again_and_nothing_else(served: Served) -> None:
    """base.html: every page is rendered with it, so every page is planned again (by the
    planners that made them, in a new process too) but nothing is analysed and no file
    that is not a page is planned."""
    before, clean = served.site.clean()
    pages = {rel for rel in before if rel.endswith(".html") and not rel.startswith("pagefind/")}
    source = theme_template("base.html")
    served.site.write("templates/base.html", source.replace("<body", "<body data-edited", 1))
    report = build(BuildOptions(root=served.site.root, output=served.site.out))
    assert report.analysed == [] and report.planned == len(pages) < clean.planned
    assert set(report.rendered) == pages
    served.site.assert_equals_clean(report)


def test_a_listing_template_in_serve_plans_only_the_listings(served: Served) -> None:
    """list.html: the tag and month listings, planned apart from the rest of the site."""
    before, _ = served.site.clean()
    source = theme_template("list.html")
    served.site.write("templates/list.html", source.replace("</h1>", " </h1>", 1))
    report = served.build("templates/list.html")
    listings = {rel for rel, page in html(before).items() if body_kind(page) in {"tag", "month"}}
    assert len(listings) >= 2
    assert report.planned == len(listings) and set(report.rendered) == listings
    served.site.assert_equals_clean(report)


def test_a_patch_checks_again_the_links_to_the_fragments_it_removed(served: Served) -> None:
    """Only the pages linking to a fragment of a page whose ids changed are checked again,
    though none of them is rendered again: a link to a paragraph that went breaks."""
    about = "content/pages/about.md"
    served.site.write(about, FIXED_FILES[about] + "\nSee [the prices](/2021/03/15/fish-market/#p3).\n")
    report = served.build(about)  # a page: a full build
    assert not [d for d in report.log.items if d.level >= Level.WARNING]
    served.site.edit("seeds/a2.txt", "\n\nPrices for cod fell by a third.", "")
    removed = served.build("seeds/a2.txt")
    assert removed.planned == 4
    assert "about/index.html" not in removed.rendered
    # a2's page and source view (both rendered, with other ids), and the pages linking to
    # fragments of a2: the about page (#p3) and the entity pages of Ana Pereira and Saltmere.
    assert removed.links_checked == 5
    broken = [d for d in removed.log.items if d.code == "broken-link"]
    assert [(d.path, d.line) for d in broken] == [(about, 6)], broken
    served.site.assert_equals_clean(removed)


def test_patches_saved_together_leave_a_state_a_new_process_can_trust(served: Served) -> None:
    """serve saves the state once edits pause (livereload.Rebuilder's idle step), so one save
    may hold several patches: each one's analyses and page records must be in it."""
    before, _ = served.site.clean()
    served.site.edit("seeds/a1.txt", "Gulls circled", "Terns circled")
    served.builder.build({"seeds/a1.txt"})
    served.site.edit("seeds/a2.txt", "the stalls were full", "every stall was taken")
    served.builder.build({"seeds/a2.txt"})
    served.builder.flush()
    served.site.edit("seeds/a4.txt", "Walkers are asked to use", "Walkers should use")
    later = build(BuildOptions(root=served.site.root, output=served.site.out))  # a new process
    assert later.analysed == ["a4"]  # a1's and a2's analyses were saved
    rendered = set(later.rendered)
    assert article_outputs(before, "a4") <= rendered  # and a1's and a2's pages were recorded:
    assert not rendered & (article_outputs(before, "a1") | article_outputs(before, "a2"))
    assert all(p.startswith("entities/") for p in rendered - article_outputs(before, "a4"))
    served.site.assert_equals_clean(later)


def test_outputs_serve_patched_but_never_saved_are_written_again_by_the_next_build(served: Served) -> None:
    """serve writes a patch's outputs at once and their manifest entries and page records
    only once edits pause. Stopped in between, it leaves outputs the record does not
    describe; they were announced (OutputDir.begin), so the next build trusts none of them,
    even when the inputs went back to what the record describes."""
    served.site.edit("seeds/a1.txt", "Gulls circled", "Terns circled")
    served.builder.build({"seeds/a1.txt"})  # no flush: serve stopped here
    page = served.site.out / article_dir(served.site.clean()[0], "a1") / "index.html"
    assert "Terns circled" in page.read_text(encoding="utf-8")
    served.site.edit("seeds/a1.txt", "Terns circled", "Gulls circled")  # undone while serve was down
    later = build(BuildOptions(root=served.site.root, output=served.site.out))  # a new process
    served.site.assert_equals_clean(later)
    assert not (served.site.out / PENDING_FILE).exists()


# --------------------------------------------------------------------------- a new process patches


def test_a_new_process_patches_an_edit_of_an_article_text(site: Site) -> None:
    """`sitegen build` after an edit of article texts alone plans only what it can change,
    reading the last build from the state (patch.Snapshot), and saves a state the next
    process trusts."""
    before, _ = site.clean()
    site.edit("seeds/a1.txt", "Gulls circled", "Terns circled")
    report = site.build()
    assert report.planned == 4 and report.analysed == ["a1"]
    assert set(report.rendered) == article_outputs(before, "a1")
    site.assert_equals_clean(report)
    site.edit("seeds/a2.txt", "the stalls were full", "every stall was taken")
    again = site.build()
    assert again.planned == 5 and again.analysed == ["a2"]  # and Ana Pereira's page
    site.assert_equals_clean(again)
    assert site.build().rendered == []  # nothing changed since


@pytest.mark.parametrize(
    "also",
    [
        "an output deleted by hand",
        "a title changed",
        "an entity's forms changed",
        "another base URL",
        "an unreadable snapshot",
    ],
)
def test_a_new_process_builds_everything_when_a_patch_cannot_do(site: Site, also: str) -> None:
    before, _ = site.clean()
    site.edit("seeds/a1.txt", "Gulls circled", "Terns circled")
    options = BuildOptions(root=site.root, output=site.out)
    if also == "an output deleted by hand":
        (site.out / article_dir(before, "a4") / "index.html").unlink()
    elif also == "a title changed":
        site.edit("seeds/a3.txt", "The Harbour Board met", "The Harbour Board sat")
    elif also == "an entity's forms changed":
        site.edit(
            "content/entities/harbour-board.md",
            'aliases: ["Board"]',
            'aliases: ["Board", "harbour committee"]',
        )
    elif also == "another base URL":
        options = BuildOptions(root=site.root, output=site.out, base_url="https://example.org/other/")
    else:
        with sqlite3.connect(site.root / STATE_DIR / STATE_FILE) as db:
            db.execute("UPDATE meta SET value = ? WHERE key = 'snapshot'", (b"\x80\x05garbage",))
        db.close()
    report = build(options)
    assert report.planned == clean_build(site.root, site.workdir / "planned")[1].planned
    assert not [d for d in report.log.items if d.level >= Level.WARNING]
    if also != "another base URL":
        site.assert_equals_clean(report)


def test_a_new_process_checks_again_the_links_to_the_fragments_it_removed(site: Site) -> None:
    """The link index (which pages link to which pages' fragments) comes with the snapshot:
    a new process re-checks the pages linking to a2's paragraphs, not every page."""
    about = "content/pages/about.md"
    site.write(about, FIXED_FILES[about] + "\nSee [the prices](/2021/03/15/fish-market/#p3).\n")
    site.build()
    site.edit("seeds/a2.txt", "\n\nPrices for cod fell by a third.", "")
    removed = site.build()
    assert removed.planned == 4 and "about/index.html" not in removed.rendered
    assert removed.links_checked == 5  # a2's two pages, about, Ana Pereira's and Saltmere's
    broken = [d for d in removed.log.items if d.code == "broken-link"]
    assert [(d.path, d.line) for d in broken] == [(about, 6)], broken
    site.assert_equals_clean(removed)


def test_a_full_build_in_a_new_process_reads_the_saved_link_index(site: Site) -> None:
    """New ids on a page re-check the pages linking to its fragments, not every page, in a
    full build too (here an entity's description also changed)."""
    about = "content/pages/about.md"
    site.write(about, FIXED_FILES[about] + "\nSee [the prices](/2021/03/15/fish-market/#p3).\n")
    site.build()
    site.edit("seeds/a2.txt", "\n\nPrices for cod fell by a third.", "")
    rel = next(r for r in FIXED_FILES if r.startswith("content/entities/"))
    site.write(rel, FIXED_FILES[rel].replace("\n---\n", "\n---\nEdited.\n", 1))
    report = build(BuildOptions(root=site.root, output=site.out))
    pages = [p for p in site.assert_equals_clean(report) if p.endswith(".html")]
    assert report.planned > 4  # a full build
    assert "about/index.html" not in report.rendered
    assert report.links_checked < len(pages)
    broken = [d for d in report.log.items if d.code == "broken-link"]
    assert [(d.path, d.line) for d in broken] == [(about, 6)], broken
