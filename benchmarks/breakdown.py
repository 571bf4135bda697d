#!/usr/bin/env python3
"""Where a clean build's time goes, by stage and by kind of output, without a profiler.

    python benchmarks/synth.py /tmp/a10k --articles 10000 --hugo /tmp/h10k   # once
    python benchmarks/breakdown.py /tmp/a10k [--hugo /tmp/h10k] [--runs 3]

Builds the archive in this process with ``--jobs 1`` (so every stage's time is CPU time of
one process, not divided among workers), into a fresh temporary output folder (all of them
removed at the end, as in ``peer.py``), with a
clock around each stage: analysing an article, building a page's context, rendering it
(per template), recording its links, producing a file without a template, and storing
each output (per file extension). Timings are exclusive: a stage called inside another
counts only in itself. The stages the parent process runs alone (discovery, stamps, the
registry, the site model, the plan, the link check, the state) are timed as "serial";
"other stages" is the build's wall time minus every timed stage.

With ``--hugo``, Hugo builds its copy of the archive (``synth.py --hugo``) between the
sitegen runs, as in ``peer.py``, so its whole build can be set beside each stage. Medians of
``--runs``. Nothing is written into the archive: its ``.sitegen`` state is removed before
each build, as for a clean build. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from peer import hugo_cmd  # noqa: E402

import sitegen.analyse_stage as analyse_stage  # noqa: E402
import sitegen.pipeline as pipeline  # noqa: E402
import sitegen.plan.site as plan_site  # noqa: E402
import sitegen.produce as produce  # noqa: E402
from sitegen.diagnostics import Level  # noqa: E402
from sitegen.keeper import BuildMemory  # noqa: E402
from sitegen.linkcheck import LinkChecker  # noqa: E402
from sitegen.options import BuildOptions  # noqa: E402
from sitegen.plan.records import PagePlan  # noqa: E402
from sitegen.render import Renderer  # noqa: E402
from sitegen.writer import OutputDir  # noqa: E402

# The stages the parent runs alone, by the module that calls them.
SERIAL = (
    (pipeline, "discover"),
    (pipeline, "stamp_files"),
    (analyse_stage, "load_registry"),
    (analyse_stage, "load_rules"),
    (plan_site, "load_pages"),
    (plan_site, "build_site"),
    (plan_site, "plan_outputs"),
)
Totals = dict[tuple[str, str], list[float]]  # (stage, kind) -> [count, seconds, bytes]


class Clock:
    """Exclusive time per (stage, kind): a stage running inside another is subtracted from it."""

    def __init__(self) -> None:
        self.totals: Totals = defaultdict(lambda: [0, 0.0, 0])
        self._inner: list[float] = []  # time taken by nested stages, per open stage

    @contextmanager
    def stage(self, name: str, kind: str) -> Iterator[list[float]]:
        entry = self.totals[(name, kind)]
        self._inner.append(0.0)
        started = time.perf_counter()
        try:
            yield entry
        finally:
            elapsed = time.perf_counter() - started
            inner = self._inner.pop()
            if self._inner:
                self._inner[-1] += elapsed
            entry[0] += 1
            entry[1] += elapsed - inner


def _wrap(
    owner: Any,
    name: str,
    clock: Clock,
    stage: str,
    kind: Callable[..., str],
    size: Callable[..., int] | None = None,
) -> Callable[[], None]:
    """Time ``owner.name`` (``size``: the bytes a call handles, from its arguments; else the
    length of a bytes result); returns the function that puts the original back."""
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        with clock.stage(stage, kind(*args, **kwargs)) as entry:
            result = original(*args, **kwargs)
        if size is not None:
            entry[2] += size(*args, **kwargs)
        elif isinstance(result, bytes):
            entry[2] += len(result)
        return result

    setattr(owner, name, timed)
    return lambda: setattr(owner, name, original)


def _extension(path: str) -> str:
    return "." + path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else path


def timed_build(site: Path, scratch: Path) -> tuple[Totals, float, float]:
    """One clean build with --jobs 1: per-stage totals, wall time and CPU time (user + system)."""
    clock = Clock()
    # Each name is looked up where the build calls it: the stage modules import these
    # functions by name, so they are replaced in those modules.
    restore = [
        _wrap(analyse_stage, "analyse_one", clock, "analyse", lambda *a, **k: "article"),
        _wrap(PagePlan, "make_context", clock, "context", lambda plan: plan.template),
        _wrap(Renderer, "fingerprint", clock, "fingerprint", lambda _r, plan, *a: plan.template),
        _wrap(Renderer, "render", clock, "render", lambda _r, plan, *a: plan.template),
        # A page's links as known while rendering it (sitegen check also scans its HTML).
        _wrap(produce, "page_links", clock, "link record", lambda *a: "page"),
        _wrap(produce, "scan_page", clock, "link scan", lambda *a: "page"),
        # The stages the parent runs alone, before and after the workers.
        *(_wrap(module, name, clock, "serial", lambda *a, n=name, **k: n) for module, name in SERIAL),
        _wrap(LinkChecker, "finish", clock, "serial", lambda *a: "link check"),
        _wrap(BuildMemory, "save", clock, "serial", lambda *a: "state save"),
        _wrap(OutputDir, "finish", clock, "serial", lambda *a: "manifest, prune"),
        _wrap(produce, "_file", clock, "produce file", lambda plan, *a: _extension(plan.path)),
        _wrap(
            OutputDir,
            "store",
            clock,
            "store",
            lambda _o, rel, data: _extension(rel),
            lambda _o, rel, data: len(data),
        ),
    ]
    shutil.rmtree(site / ".sitegen", ignore_errors=True)
    out = scratch / f"site-{len(list(scratch.iterdir()))}"  # removed at the end (see peer.py)
    try:
        before, started = os.times(), time.perf_counter()
        report = pipeline.build(BuildOptions(root=site, output=out, jobs=1))
        wall, after = time.perf_counter() - started, os.times()
    finally:
        for undo in restore:
            undo()
        shutil.rmtree(site / ".sitegen", ignore_errors=True)
    if report.log.errors:
        first = next(d for d in report.log.items if d.level is Level.ERROR)
        raise SystemExit(f"the build failed: {first.format()}")
    cpu = (after.user - before.user) + (after.system - before.system)
    return clock.totals, wall, cpu


def hugo_build(args: argparse.Namespace, scratch: Path) -> float:
    """Hugo's build of its copy of the archive, as peer.py runs it: wall time."""
    tmp = scratch / f"hugo-{len(list(scratch.iterdir()))}"
    started = time.perf_counter()
    subprocess.run(hugo_cmd(args, args.hugo, tmp / "out", tmp / "cache"), check=True)
    return time.perf_counter() - started


def report(runs: list[tuple[Totals, float, float]], hugo: list[float], articles: int) -> None:
    keys = sorted({k for totals, _, _ in runs for k in totals}, key=lambda k: -runs[0][0][k][1])
    wall = statistics.median(w for _, w, _ in runs)
    print(f"{'stage':13} {'kind':14} {'count':>7} {'seconds':>8} {'share':>6} {'ms each':>8} {'KiB each':>9}")
    timed = 0.0
    for stage, kind in keys:
        count = int(runs[0][0][(stage, kind)][0])
        seconds = statistics.median(totals[(stage, kind)][1] for totals, _, _ in runs)
        size = runs[0][0][(stage, kind)][2]
        timed += seconds
        if seconds < 0.005 * wall:
            continue
        each = f"{size / count / 1024:9.1f}" if size else ""
        print(
            f"{stage:13} {kind:14} {count:7} {seconds:8.2f} {seconds / wall:6.1%} "
            f"{seconds / count * 1000:8.3f} {each}"
        )
    other = max(wall - timed, 0)
    print(f"{'other stages':13} {'':14} {'':7} {other:8.2f} {other / wall:6.1%}")
    cpu = statistics.median(c for _, _, c in runs)
    print(
        f"\nsitegen, one process: {wall:.2f} s wall, {cpu:.2f} s CPU "
        f"({wall / articles * 1000:.2f} ms an article; medians of {len(runs)})"
    )
    if hugo:
        median = statistics.median(hugo)
        print(f"Hugo, its own threads: {median:.2f} s wall ({median / articles * 1000:.2f} ms an article)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("site", type=Path, help="a sitegen archive (e.g. written by synth.py)")
    parser.add_argument("--hugo", type=Path, help="the same articles as a Hugo site (synth.py --hugo)")
    parser.add_argument("--hugo-bin", default="hugo", help="the hugo executable (default: hugo on PATH)")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if args.hugo and not shutil.which(args.hugo_bin):
        raise SystemExit(f"--hugo: {args.hugo_bin} is not found (Debian package 'hugo')")
    articles = len(list((args.site / "seeds").glob("*.txt")))
    runs, hugo = [], []
    with tempfile.TemporaryDirectory(prefix="breakdown-") as scratch:
        for _ in range(args.runs):
            runs.append(timed_build(args.site, Path(scratch)))
            if args.hugo:
                hugo.append(hugo_build(args, Path(scratch)))
    report(runs, hugo, articles)


if __name__ == "__main__":
    main()
