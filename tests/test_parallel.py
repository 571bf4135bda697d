"""Builds on several worker processes (``--jobs``) give exactly what one process gives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from sitegen import cli, pipeline, produce, workers
from sitegen.pipeline import Builder, BuildOptions, BuildReport, build
from sitegen.plan.records import FilePlan, PagePlan, listing_weight
from tests.conftest import REPO_ROOT, run_cli
from tests.sitefactory import diff_outputs, output_files


def test_tasks_run_in_several_processes_and_come_back_in_order() -> None:
    assert workers.can_fork(), "these tests need Linux (fork)"

    def task(index: int) -> tuple[int, int]:
        time.sleep(0.002)  # long enough that both workers get chunks
        return index, os.getpid()

    results = list(workers.run_tasks(task, 600, jobs=2))
    assert [i for i, _ in results] == list(range(600))
    pids = {pid for _, pid in results}
    # Two at a time, each replaced by a fresh fork after a share of the chunks
    # (workers.RECYCLE): more than two processes in all, never this one.
    assert len(pids) > 2 and os.getpid() not in pids


def test_a_worker_is_replaced_after_a_weight_of_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a worker copies of the parent grows with what its tasks read: pages listing many
    articles weigh more (PagePlan.weight), and a worker is replaced after workers.LIFE
    of weight, however many tasks that is."""
    monkeypatch.setattr(workers, "LIFE", 64)

    def task(index: int) -> int:
        time.sleep(0.001)
        return os.getpid()

    def weight(index: int) -> int:
        return 4 if index >= 300 else 1

    carried: dict[int, int] = {}
    for index, pid in enumerate(workers.run_tasks(task, 600, 2, weight)):
        carried[pid] = carried.get(pid, 0) + weight(index)
    # chunks of 18 in weight (600 tasks, 2 jobs), 3 a worker: at most 3 × (18 + 3)
    assert max(carried.values()) <= 64
    assert os.getpid() not in carried


def test_produce_weighs_each_page_by_the_articles_it_lists(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages that list articles read a part of each (a worker copies what it reads):
    their weight in a worker's share is the listing's, an article's own outputs weigh 1."""
    planned: list[int] = []
    given: list[int] = []
    produce_outputs, run_tasks = produce.produce_outputs, produce.run_tasks

    def planning(pages: list[PagePlan], files: list[FilePlan], *args: Any, **kwargs: Any) -> Any:
        planned.extend([p.weight for p in pages] + [1] * len(files))
        listed = {p.url: len(p.make_context()["articles"]) for p in pages if p.template == "list.html"}
        assert listed and all(p.weight == listing_weight(listed[p.url]) for p in pages if p.url in listed)
        assert all(p.weight == 1 for p in pages if p.template in ("article.html", "source.html"))
        assert any(p.weight > 1 for p in pages if p.template == "entity.html")
        return produce_outputs(pages, files, *args, **kwargs)

    def running(task: Any, count: int, jobs: int, weight: Any = None) -> Any:
        given.extend(weight(index) for index in range(count))
        return run_tasks(task, count, jobs, weight)

    monkeypatch.setattr(pipeline, "produce_outputs", planning)
    monkeypatch.setattr(produce, "run_tasks", running)
    _build(synthetic, tmp_path / "out", 2, monkeypatch)
    assert given == planned and len(given) > 300
    assert max(given) >= listing_weight(50)  # the home page lists 50 articles


def test_a_fork_waits_for_code_that_must_not_be_forked() -> None:
    """The pool forks from its own thread while the parent goes on: a fork in the middle of
    the parent's SQLite write would leave SQLite's lock held in the child, which then hangs
    at its first SQLite call (reading a body). Such writes run in no_fork(), and forks wait."""
    inside, events = threading.Event(), []

    def write() -> None:
        with workers.no_fork():
            inside.set()
            time.sleep(0.2)
            events.append("written")

    writer = threading.Thread(target=write)
    writer.start()
    inside.wait()
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    events.append("forked")
    os.waitpid(pid, 0)
    writer.join()
    assert events == ["written", "forked"]


def test_few_tasks_stay_in_this_process() -> None:
    results = list(workers.run_tasks(lambda i: os.getpid(), workers.MIN_PARALLEL_TASKS - 1, jobs=2))
    assert set(results) == {os.getpid()}


def test_a_failing_task_fails_the_caller() -> None:
    def task(index: int) -> int:
        if index == 700:
            raise ValueError("task 700")
        return index

    with pytest.raises(ValueError, match="task 700"):
        list(workers.run_tasks(task, 1000, jobs=2))


CTRL_C = """
import os, signal, sys, time
from sitegen import workers

def task(index):
    if index == 300:
        os.killpg(0, signal.SIGINT)  # what a terminal does on Ctrl-C: the whole group gets it
    time.sleep(0.002)
    return index

try:
    list(workers.run_tasks(task, 2000, jobs=2))
except KeyboardInterrupt:
    print("stopped", flush=True)
    sys.exit(130)
print("not stopped")
"""


def test_ctrl_c_stops_the_parent_and_no_worker_prints_a_traceback() -> None:
    process = subprocess.run(
        [sys.executable, "-c", CTRL_C],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # a process group of its own, as a terminal's foreground job
        # as in a terminal: a test runner's workers may have inherited SIGINT ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert (process.returncode, process.stdout.strip()) == (130, "stopped"), process.stderr
    assert process.stderr == ""  # not 'Process ForkPoolWorker-3: Traceback … KeyboardInterrupt


def test_a_stopped_build_says_so_and_what_the_next_build_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def stopped(options: BuildOptions) -> BuildReport:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build", stopped)
    result = run_cli("build", "--source", str(tmp_path))
    assert result.exit_code == 130
    assert "stopped before the build finished" in result.stderr
    assert "the next build writes them again" in result.stderr


SIZE = ("--articles", "60", "--entities", "80", "--rules", "30")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic archive (benchmarks/synth.py) with a few faults, so diagnostics compare too."""
    root = tmp_path_factory.mktemp("parallel") / "site"
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "synth.py"), str(root), "-q", *SIZE],
        check=True,
    )
    seeds = sorted((root / "seeds").iterdir())
    seeds[3].write_bytes(b"no date line here\n\nA paragraph.\n")  # an error in one seed
    pages = root / "content" / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    (pages / "notes.md").write_text("---\ntitle: Notes\n---\n\nSee [nothing](/no-such-page/).\n")
    return root


def _build(root: Path, out: Path, jobs: int, monkeypatch: pytest.MonkeyPatch) -> BuildReport:
    monkeypatch.setattr(workers, "MIN_PARALLEL_TASKS", 1)  # a pool even for this small archive
    return build(BuildOptions(root=root, output=out, jobs=jobs, use_state=False))


def _summary(report: BuildReport) -> tuple[object, ...]:
    return (
        [d.format() for d in report.log.items],
        report.rendered,
        report.analysed,
        report.write.written,
        report.pages,
    )


def test_output_is_identical_for_one_and_two_jobs(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = _build(synthetic, tmp_path / "one", 1, monkeypatch)
    two = _build(synthetic, tmp_path / "two", 2, monkeypatch)
    assert len(one.analysed) == 59 and len(one.rendered) > 300  # the pool had real work
    assert any(d.code == "broken-link" for d in one.log.items)
    assert any(d.code.startswith("seed-") for d in one.log.items)
    assert diff_outputs(output_files(tmp_path / "two"), output_files(tmp_path / "one")) == []
    assert _summary(two) == _summary(one)


def test_state_written_by_workers_serves_the_next_build(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parallel build's records (fingerprints, links, analyses) make the next build a no-op,
    and an edit after it re-renders as few pages as after a one-process build."""
    monkeypatch.setattr(workers, "MIN_PARALLEL_TASKS", 1)
    site = tmp_path / "site"
    subprocess.run(["cp", "-r", str(synthetic), str(site)], check=True)
    first = Builder(BuildOptions(root=site, jobs=2)).build()
    assert len(first.rendered) > 300
    seed = sorted((site / "seeds").iterdir())[10]
    seed.write_bytes(seed.read_bytes() + b"\nA new closing paragraph.\n")
    parallel = Builder(BuildOptions(root=site, jobs=2)).build()
    seed.write_bytes(seed.read_bytes() + b"\nAnother closing paragraph.\n")
    serial = Builder(BuildOptions(root=site, jobs=1)).build()
    assert parallel.analysed == serial.analysed == [seed.stem]
    assert 0 < len(parallel.rendered) < 40
    assert sorted(parallel.rendered) == sorted(serial.rendered)
    clean = tmp_path / "clean"
    build(BuildOptions(root=site, output=clean, use_state=False, jobs=1))
    assert diff_outputs(output_files(site / "_site"), output_files(clean), limit=5) == []


def test_a_build_freezes_what_it_keeps_and_thaws_it_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long-lived objects are kept out of the collector's scans during a build (a full
    collection walks the whole heap; it made large archives cost more than linearly), and
    given back to it afterwards, so a serve process does not keep old site models."""
    import gc

    seen: list[int] = []
    original = Builder._build

    def spy(self: Builder) -> BuildReport:
        report = original(self)
        seen.append(gc.get_freeze_count())
        return report

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "synth.py"), str(site), "-q", *SIZE], check=True
    )
    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(Builder, "_build", spy)
    Builder(BuildOptions(root=site, jobs=1)).build()
    assert seen and seen[0] > 1000  # the analyses and the site model were frozen
    assert gc.get_freeze_count() == 0  # and thawed


def test_nested_freezes_thaw_once() -> None:
    import gc

    with workers.frozen_heap():
        with workers.frozen_heap():
            pass
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_jobs_on_the_command_line(synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "MIN_PARALLEL_TASKS", 1)
    out = tmp_path / "out"
    result = run_cli("build", "--source", str(synthetic), "--output", str(out), "--jobs", "2", "-q")
    assert result.exit_code == 1  # the archive's deliberate faults are errors
    assert (out / "index.html").is_file()
    refused = run_cli("build", "--source", str(synthetic), "--output", str(out), "--jobs", "0")
    assert refused.exit_code == 2 and "--jobs" in refused.output
