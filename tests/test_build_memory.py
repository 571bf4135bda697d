"""What a build holds once its outputs are made, and what it writes instead.

The page records (each output's fingerprint and packed links, what the next build compares
and the link check reads): ``sitegen build`` writes them to the build state as the pages
are made instead of holding them until the save (keeper.StreamedPages); serve keeps them,
to patch. A build stopped before its save leaves the stored records as they were, so the
next build never trusts a record of an output the stored build does not describe. The
page plans are dropped once every output is made (produce_outputs' ``release``)."""

from __future__ import annotations

import contextlib
import gc
import pickle
import types
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from sitegen import pipeline
from sitegen.keeper import StreamedPages
from sitegen.linkcheck import PageLinks
from sitegen.pipeline import Builder, BuildOptions, BuildReport
from sitegen.plan.records import FilePlan, PagePlan
from sitegen.state import BuildState

from .sitefactory import FIXED_FILES, theme_template, write_files
from .test_incremental import clean_build, compare_with_clean

NOT_DATA = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.CodeType)


def packed_links_held(roots: Iterable[object]) -> int:
    """How many packed page links (linkcheck.pack) are reachable from ``roots``."""
    found, seen, todo = 0, set(), list(roots)
    while todo:
        obj = todo.pop()
        if isinstance(obj, NOT_DATA) or id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, bytes) and obj.startswith(b"\x80\x05"):
            with contextlib.suppress(Exception):  # bytes that only look like a pickle
                found += isinstance(pickle.loads(obj), PageLinks)
        todo.extend(gc.get_referents(obj))
    return found


def stored_pages(root: Path) -> dict[str, tuple[str, bytes]]:
    """The page records committed to the build state (read as the next process reads them)."""
    state = BuildState(root)
    try:
        return state.pages()
    finally:
        state.close()


def close(builder: Builder) -> None:
    if builder.memory.state is not None:
        builder.memory.state.close()


@pytest.mark.parametrize("serve", [False, True], ids=["build", "serve"])
def test_a_build_holds_no_page_record_once_its_pages_are_made_unless_it_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, serve: bool
) -> None:
    root, out = tmp_path / "site", tmp_path / "out"
    write_files(root, FIXED_FILES)
    builder = Builder(BuildOptions(root=root, output=out, patchable=serve))
    held: list[int] = []
    produce = pipeline.produce_outputs

    def counting(*args: Any, **kwargs: Any) -> Any:
        produced = produce(*args, **kwargs)
        held.append(packed_links_held([produced, args[5], builder]))  # args[5]: the LinkChecker
        return produced

    monkeypatch.setattr(pipeline, "produce_outputs", counting)
    monkeypatch.setattr(StreamedPages, "BATCH", 1)  # else the last batch is held until written
    try:
        report = builder.build()
    finally:
        close(builder)
    stored = stored_pages(root)
    pages = [p for p in report.rendered if p.endswith(".html")]
    assert len(pages) > 10 and set(report.rendered) <= stored.keys()
    assert all(stored[p][1] for p in pages)  # each page's links, for the next build's check
    if serve:
        assert held == [len(pages)]  # in memory, for the patches to come
    else:
        assert held == [0]


@pytest.mark.parametrize("serve", [False, True], ids=["build", "serve"])
def test_a_build_holds_no_page_plan_once_the_pages_are_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, serve: bool
) -> None:
    root = tmp_path / "site"
    write_files(root, FIXED_FILES)
    alive: list[int] = []
    produce = pipeline.produce_outputs

    def counting(*args: Any, **kwargs: Any) -> Any:
        produced = produce(*args, **kwargs)
        gc.unfreeze()  # the build froze what it holds (workers.frozen_heap): get_objects skips that
        gc.collect()  # and garbage left by builds before (other tests'), frozen with it: not held
        alive.append(sum(isinstance(o, (PagePlan, FilePlan)) for o in gc.get_objects()))
        gc.freeze()
        return produced

    monkeypatch.setattr(pipeline, "produce_outputs", counting)
    builder = Builder(BuildOptions(root=root, output=tmp_path / "out", patchable=serve))
    try:
        report = builder.build()
    finally:
        close(builder)
    assert report.planned > 30 and alive == [0]


BROKEN = "<a href=\"{{ 'nowhere/' | url }}\">elsewhere</a>"  # a link to no page, on every page


def stop_before_the_save(*args: Any, **kwargs: Any) -> None:
    raise KeyboardInterrupt  # Ctrl-C once the pages are made and their links checked


@pytest.mark.parametrize("kept", [False, True], ids=["new-process", "kept-builder"])
def test_a_build_stopped_before_its_save_leaves_the_stored_records_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: bool
) -> None:
    """The stopped build wrote its pages; a record of them kept beside the last build's record
    would outlive the build that made them. Here the edit is undone and made again: a record of
    the stopped build's page would then match, and its page, written over since, be kept."""
    root, out = tmp_path / "site", tmp_path / "out"
    write_files(root, FIXED_FILES)
    config = (root / "sitegen.toml").read_text(encoding="utf-8")
    base = theme_template("base.html")
    # Every page renders otherwise; a setting, so that it is a full build, not a patch.
    edited = {
        "templates/base.html": base.replace("Skip to content</a>", "Skip to content</a>" + BROKEN),
        "sitegen.toml": config.replace('title = "', 'title = "The '),
    }
    assert edited["sitegen.toml"] != config
    first = Builder(BuildOptions(root=root, output=out))

    def build(new_process: bool = not kept) -> BuildReport:
        builder = Builder(BuildOptions(root=root, output=out)) if new_process else first
        try:
            return builder.build()
        finally:
            if new_process:
                close(builder)

    try:
        build(new_process=False)
        before = stored_pages(root)
        write_files(root, edited)
        monkeypatch.setattr(pipeline, "index_for_search", stop_before_the_save)
        with pytest.raises(KeyboardInterrupt):
            build()
        assert stored_pages(root) == before
        monkeypatch.undo()
        write_files(root, {"templates/base.html": base, "sitegen.toml": config})  # undone
        assert_equals_clean(root, out, build(), tmp_path / "clean-1")
        write_files(root, edited)  # and made again
        report = build(new_process=True)
    finally:
        close(first)
    clean = assert_equals_clean(root, out, report, tmp_path / "clean-2")
    assert [d for d in clean.log.items if d.code == "broken-link"]


def assert_equals_clean(root: Path, out: Path, report: BuildReport, workdir: Path) -> BuildReport:
    expected, clean = clean_build(root, workdir)
    problems = compare_with_clean("incremental", out, report, expected, clean)
    assert not problems, "\n\n".join(problems)
    return clean
