"""The output folder: only files sitegen wrote are ever replaced or removed; writes are atomic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen import writer
from sitegen.writer import MANIFEST, OutputDir

from .conftest import SampleSite

SEEDS = {
    "a": "date 2020-01-04 First article.\n",
    "b": "date 2020-02-01 Second article.\n",
}
ARTICLE_A = "2020/01/04/first-article/"
ARTICLE_B = "2020/02/01/second-article/"
FOREIGN = b"notes kept by a person, not by sitegen\n"


@pytest.fixture
def site(make_site: Callable[..., SampleSite]) -> SampleSite:
    return make_site(seeds=SEEDS)


def mtimes(directory: Path) -> dict[str, int]:
    return {
        p.relative_to(directory).as_posix(): p.stat().st_mtime_ns for p in directory.rglob("*") if p.is_file()
    }


def leftover_temporaries(directory: Path) -> list[Path]:
    return [p for p in directory.rglob(".sitegen-*.tmp")]


def test_foreign_file_in_output_is_refused_and_kept(site: SampleSite) -> None:
    site.write("_site/notes.txt", FOREIGN)
    result = site.cli()
    assert result.exit_code == 1
    assert "notes.txt" in result.stderr
    assert "[output-not-ours]" in result.stderr
    assert "--force" in result.stderr
    assert (site.out / "notes.txt").read_bytes() == FOREIGN
    assert site.outputs() == {"notes.txt"}  # nothing was written beside it


def test_force_builds_beside_a_foreign_file(site: SampleSite) -> None:
    site.write("_site/notes.txt", FOREIGN)
    result = site.cli("--force")
    assert result.exit_code == 0, result.stderr
    assert (site.out / ARTICLE_A / "index.html").is_file()
    assert (site.out / "notes.txt").read_bytes() == FOREIGN
    manifest = json.loads((site.out / MANIFEST).read_text(encoding="utf-8"))
    assert "notes.txt" not in manifest["files"]
    # the next build still sees it as foreign
    assert site.cli().exit_code == 1


def test_force_never_overwrites_a_foreign_file_at_an_output_path(site: SampleSite) -> None:
    site.write("_site/index.html", FOREIGN)
    result = site.cli("--force")
    assert result.exit_code == 1
    assert "index.html exists in the output directory and was not written by sitegen" in result.stderr
    assert (site.out / "index.html").read_bytes() == FOREIGN
    assert (site.out / ARTICLE_A / "index.html").is_file()


def test_second_build_rewrites_nothing(site: SampleSite) -> None:
    first = site.build()
    assert first.log.errors == 0
    assert first.write.unchanged == []
    before = mtimes(site.out)
    second = site.build()
    assert second.write.written == []
    assert second.write.removed == []
    assert sorted(second.write.unchanged) == sorted(first.write.written)
    after = mtimes(site.out)
    assert {k: v for k, v in after.items() if k != MANIFEST} == {
        k: v for k, v in before.items() if k != MANIFEST
    }
    result = site.cli()
    assert result.exit_code == 0
    assert f"0 written, {len(first.write.written)} unchanged, 0 removed" in result.stderr


def test_changed_seed_rewrites_its_pages_only(site: SampleSite) -> None:
    site.build()
    site.seed("b", "date 2020-02-01 Second article.\n\nWith a new paragraph.\n")
    report = site.build()
    assert ARTICLE_B + "index.html" in report.write.written
    assert ARTICLE_A + "index.html" in report.write.unchanged
    assert report.write.removed == []


def test_removed_seed_removes_its_outputs_but_no_foreign_file(site: SampleSite) -> None:
    first = site.build()
    article_b = {rel for rel in first.write.written if rel.startswith(ARTICLE_B)}
    assert {ARTICLE_B + "index.html", ARTICLE_B + "source/index.html", ARTICLE_B + "b.txt"} <= article_b
    site.write(f"_site/{ARTICLE_B}keep.txt", FOREIGN)  # a person's file inside an article folder
    site.write("_site/top.txt", FOREIGN)
    (site.root / "seeds" / "b.txt").unlink()

    report = site.build(force=True)

    assert report.log.errors == 0
    assert article_b <= set(report.write.removed)
    assert set(report.write.removed) <= set(first.write.written)  # only what sitegen wrote
    assert {p.relative_to(site.out).as_posix() for p in (site.out / ARTICLE_B).rglob("*")} == {
        ARTICLE_B + "keep.txt"
    }  # emptied folders go too
    assert (site.out / ARTICLE_B / "keep.txt").read_bytes() == FOREIGN
    assert (site.out / "top.txt").read_bytes() == FOREIGN
    assert (site.out / ARTICLE_A / "index.html").is_file()
    assert "Second article" not in site.read("index.html")


def test_removing_every_seed_prunes_empty_folders(site: SampleSite) -> None:
    site.build()
    for seed in (site.root / "seeds").iterdir():
        seed.unlink()
    site.build()
    assert not (site.out / "2020").exists()
    assert (site.out / "index.html").is_file()


def test_manifest_entries_outside_the_output_are_never_deleted(site: SampleSite, tmp_path: Path) -> None:
    """A tampered or hand-edited manifest must not make sitegen delete files it did not write."""
    site.build()
    victim = tmp_path / "victim.txt"
    victim.write_bytes(FOREIGN)
    manifest_path = site.out / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    relative_escape = os.path.relpath(victim, site.out)
    assert relative_escape.startswith("..")
    manifest["files"][relative_escape] = "0" * 32
    manifest["files"][str(victim)] = "0" * 32
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")

    report = site.build()

    assert victim.read_bytes() == FOREIGN
    assert report.write.removed == []


@pytest.mark.parametrize("target", [".", "seeds", "content", "content/out", "templates", "static", ".."])
def test_output_onto_the_site_sources_is_refused(site: SampleSite, target: str) -> None:
    before = {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file()}
    result = site.cli("--output", str(site.root / target))
    assert result.exit_code == 1
    assert "[output-unsafe]" in result.stderr
    assert "refusing to write the site into" in result.stderr
    after = {p: p.read_bytes() for p in site.root.rglob("*") if p.is_file()}
    assert after == before


def test_output_dir_from_config_onto_sources_is_refused(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(seeds=SEEDS, config='output_dir = "seeds"\n')
    result = site.cli()
    assert result.exit_code == 1
    assert "[output-unsafe]" in result.stderr
    assert sorted(p.name for p in (site.root / "seeds").iterdir()) == ["a.txt", "b.txt"]


def test_output_elsewhere_is_fine(site: SampleSite, tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = site.cli("--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert (out / ARTICLE_A / "index.html").is_file()
    assert not site.out.exists()


def test_no_temporary_files_are_left_behind(site: SampleSite) -> None:
    site.build()
    site.seed("a", "date 2020-01-04 First article, revised.\n")
    site.build()
    assert leftover_temporaries(site.out) == []
    assert all(not p.name.startswith(".sitegen-") or p.name == MANIFEST for p in site.out.rglob("*"))


def test_atomic_write_keeps_the_old_file_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "page" / "index.html"
    writer.atomic_write(target, b"old")

    def failing_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        writer.atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert leftover_temporaries(tmp_path) == []


def test_atomic_write_replaces_and_sets_readable_mode(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.html"
    writer.atomic_write(target, b"one")
    writer.atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert target.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    "rel", ["../escape.html", "{tmp}/abs.html", "a/../../b.html", "a//b.html", "", "./x"]
)
def test_writer_refuses_paths_outside_the_output(tmp_path: Path, rel: str) -> None:
    output = OutputDir(tmp_path / "out")
    problem = output.write(rel.format(tmp=tmp_path), b"x")
    assert problem is not None and problem.code == "output-unsafe"
    assert sorted(p.name for p in tmp_path.rglob("*")) == []


def test_writer_refuses_two_writes_to_one_path(tmp_path: Path) -> None:
    output = OutputDir(tmp_path / "out")
    assert output.write("x.html", b"1") is None
    problem = output.write("x.html", b"2")
    assert problem is not None and problem.code == "output-duplicate"
    assert (tmp_path / "out" / "x.html").read_bytes() == b"1"


def test_a_manifest_from_the_first_format_still_marks_our_files(site: SampleSite) -> None:
    """Outputs written by an older sitegen (manifest version 1: digests without sizes) stay ours."""
    assert site.build().log.errors == 0
    manifest = json.loads((site.out / MANIFEST).read_text(encoding="utf-8"))
    old = {k: v.split(":")[0] for k, v in manifest["files"].items()}
    (site.out / MANIFEST).write_text(json.dumps({"version": 1, "files": old}), encoding="utf-8")
    report = site.build()
    assert report.log.errors == 0, [d.format() for d in report.log.items]
    assert report.write.written == [] and report.write.removed == []


def test_a_state_written_by_other_sitegen_code_is_not_trusted(
    site: SampleSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unchanged site after a code change (same version number) is built again, not skipped."""
    assert site.build().log.errors == 0
    monkeypatch.setattr("sitegen.state.code_signature", lambda: "other-code")
    report = site.build()
    assert [d.code for d in report.log.items if d.code == "state-rebuilt"] == ["state-rebuilt"]
    assert report.rendered  # a full build, not the no-op fast path


def _stop_after_writing(monkeypatch: pytest.MonkeyPatch, last: str) -> None:
    """Make the build stop (as at Ctrl-C) right after it writes the output ``last``."""
    real_write = writer.atomic_write

    def write_then_stop(path: Path, data: bytes) -> None:
        real_write(path, data)
        if path.as_posix().endswith(last):
            raise KeyboardInterrupt

    monkeypatch.setattr(writer, "atomic_write", write_then_stop)


def test_a_build_stopped_half_way_leaves_files_the_next_build_owns(
    site: SampleSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with monkeypatch.context() as patched:
        _stop_after_writing(patched, ARTICLE_A + "index.html")
        with pytest.raises(KeyboardInterrupt):
            site.build(jobs=1)
    assert (site.out / ARTICLE_A / "index.html").is_file()  # written before the stop, in no manifest yet

    report = site.build(jobs=1)  # not refused: the stopped build had announced its files

    assert report.log.errors == 0, [d.format() for d in report.log.items]
    assert ARTICLE_A + "index.html" in report.write.written  # not trusted: written again
    manifest = json.loads((site.out / MANIFEST).read_text(encoding="utf-8"))
    assert "pending" not in manifest
    clean = tmp_path / "clean"
    site.build(jobs=1, output=clean, use_state=False)
    assert site.outputs() == site.outputs(clean) | {MANIFEST}
    assert all((site.out / rel).read_bytes() == (clean / rel).read_bytes() for rel in site.outputs(clean))


def test_a_file_a_stopped_build_rewrote_is_not_kept_when_its_inputs_go_back(
    site: SampleSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site.build(jobs=1)
    original = site.read(ARTICLE_A + "index.html")
    before = (site.root / "seeds" / "a.txt").read_bytes()
    site.seed("a", "date 2020-01-04 First article.\n\nA paragraph the editor then took back.\n")
    with monkeypatch.context() as patched:
        _stop_after_writing(patched, ARTICLE_A + "index.html")
        with pytest.raises(KeyboardInterrupt):
            site.build(jobs=1)
    assert "took back" in site.read(ARTICLE_A + "index.html")
    site.seed("a", before)  # the inputs are the last complete build's again

    report = site.build(jobs=1)

    assert report.log.errors == 0
    assert site.read(ARTICLE_A + "index.html") == original
    assert ARTICLE_A + "index.html" in report.write.written


def _process_state(pid: int) -> str:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().rpartition(")")[2].split()[0]


def test_temporary_files_of_a_killed_build_are_removed_and_a_live_ones_refused(site: SampleSite) -> None:
    site.build(jobs=1)
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    dead = site.write(f"_site/{ARTICLE_A}.sitegen-{finished.pid}-1-index.html.tmp", b"half a page")

    report = site.build(jobs=1)

    assert report.log.errors == 0
    assert not dead.exists()
    # Killed but not reaped yet (a zombie: its parent died too, and init has not come by).
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        deadline = time.monotonic() + 30
        while _process_state(zombie.pid) != "Z":  # not poll(): that would reap it
            assert time.monotonic() < deadline, "the child never exited"
            time.sleep(0.01)
        unreaped = site.write(f"_site/{ARTICLE_B}.sitegen-{zombie.pid}-1-index.html.tmp", b"half a page")
        assert site.build(jobs=1).log.errors == 0
        assert not unreaped.exists()
    finally:
        zombie.wait()
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = site.write(f"_site/{ARTICLE_A}.sitegen-{running.pid}-1-index.html.tmp", b"being written")
        result = site.cli()
        assert result.exit_code == 1
        assert "[output-not-ours]" in result.stderr  # another build is writing here: not ours to take
        assert live.read_bytes() == b"being written"
    finally:
        running.kill()
        running.wait()


def test_an_output_folder_that_cannot_be_written_is_one_clear_error(site: SampleSite, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_bytes(FOREIGN)
    result = site.cli("--output", str(blocker / "site"))
    assert result.exit_code == 1
    assert "[output-unwritable]" in result.stderr
    assert f"cannot write {blocker / 'site'}" in result.stderr and "Not a directory" in result.stderr
    assert "Traceback" not in result.stderr
    assert blocker.read_bytes() == FOREIGN
