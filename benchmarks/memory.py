#!/usr/bin/env python3
"""Build an archive in this process and show where its memory goes, stage by stage.

    python benchmarks/memory.py SITE_DIR [--output DIR] [--jobs N] [--keep-state]
                                [--no-holders] [--trace N]

A clean build (SITE_DIR/.sitegen and the output are removed first, unless
``--keep-state``) through ``sitegen.pipeline.Builder``, with its stages marked by
wrapping the functions the pipeline calls: load (configuration, stamps, registry),
analysis, site model, plan, produce (render and write), finish (link check, state
save). A thread samples every 50 ms the parent's RSS and PSS and the PSS of its
workers (forked, so pages they share with the parent count once: see peer.py), and
keeps each stage's peak, and the most private memory one worker had.

Holders: when produce returns, every structure the build keeps at that point is still
alive (the parent's peak is at or after it). Their deep sizes are measured in one
walk of the object graph, in the order listed, so an object two holders share counts
in the first (the articles the cache and the site model share count as the site
model's). Sampling pauses during the walk. ``--trace N`` also runs tracemalloc in the
parent (not the workers) and prints its N largest allocation sites when produce
returns and after the build; it slows the build and doubles the parent's memory (the
workers inherit its traces too): read peaks from a run without it.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import threading
import time
import tracemalloc
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from sitegen import pipeline
from sitegen.options import BuildOptions
from sitegen.plan import site as plan_site

MiB = 2**20
STAGES = ("load", "analysis", "site model", "plan", "produce", "finish")


def _smaps(pid: int) -> tuple[int, int, int]:
    """(RSS, PSS, private) bytes of one process, 0s once it is gone."""
    values = {"Rss:": 0, "Pss:": 0, "Private_Clean:": 0, "Private_Dirty:": 0}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                key, _, rest = line.partition(" ")
                if key in values:
                    values[key] = int(rest.split()[0]) * 1024
    except OSError:
        pass
    return values["Rss:"], values["Pss:"], values["Private_Clean:"] + values["Private_Dirty:"]


def _children(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    kids = [int(c) for c in handle.read().split()]
                found += kids
                todo += kids
        except OSError:
            pass
    return found


@dataclass
class Peak:
    seconds: float = 0.0
    rss: int = 0  # the parent's
    pss: int = 0  # the parent's
    workers: int = 0  # the workers' PSS, summed
    private: int = 0  # the workers' private bytes (their copies and own allocations), summed
    one_worker: int = 0  # the most private bytes one worker had at any sample of the stage
    tree: int = 0  # parent PSS + workers PSS: what peer.py reports


@dataclass
class Sampler:
    stage: str = "load"
    peaks: dict[str, Peak] = field(default_factory=lambda: {s: Peak() for s in STAGES})
    paused: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    started: float = field(default_factory=time.perf_counter)

    def enter(self, stage: str) -> None:
        self.sample()
        now = time.perf_counter()
        self.peaks[self.stage].seconds += now - self.started
        self.stage, self.started = stage, now

    def sample(self) -> None:
        if self.paused.is_set():
            return
        pids = _children(os.getpid())
        rss, pss, _ = _smaps(os.getpid())
        workers = [_smaps(pid) for pid in pids]
        if _children(os.getpid()) != pids:
            # A worker forked or gone between the reads changes how the pages read before
            # it are shared: the sample over- or under-counts. Keep the others.
            return
        peak = self.peaks[self.stage]
        tree = pss + sum(w[1] for w in workers)
        peak.rss, peak.pss = max(peak.rss, rss), max(peak.pss, pss)
        peak.one_worker = max([peak.one_worker, *(w[2] for w in workers)])
        if tree > peak.tree:
            peak.tree = tree
            peak.workers = sum(w[1] for w in workers)
            peak.private = sum(w[2] for w in workers)

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.sample()


# -- deep sizes --------------------------------------------------------------------------------------


class Seen:
    """Objects already counted, as one bit per 16-byte address (CPython aligns objects to 16
    bytes): a set of ids would take more memory than many of the holders it measures."""

    def __init__(self) -> None:
        self.regions: dict[int, bytearray] = {}

    def add(self, obj: object) -> bool:
        """Mark ``obj``; False if it was marked already."""
        address = id(obj) >> 4
        region = self.regions.get(address >> 20)
        if region is None:
            region = self.regions[address >> 20] = bytearray(1 << 17)
        byte, bit = (address & 0xFFFFF) >> 3, 1 << (address & 7)
        if region[byte] & bit:
            return False
        region[byte] |= bit
        return True


SHARED = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.CodeType)


def deep_size(roots: Iterable[object], seen: Seen) -> tuple[int, int]:
    """(bytes, objects) reachable from ``roots`` and not seen yet; code and types are not data."""
    size = count = 0
    todo = list(roots)
    while todo:
        obj = todo.pop()
        if isinstance(obj, SHARED) or not seen.add(obj):
            continue
        size += sys.getsizeof(obj)
        count += 1
        todo.extend(gc.get_referents(obj))
    return size, count


@dataclass
class Captured:
    """What the build holds when produce returns, caught from the calls the stages make."""

    builder: Any = None
    site: Any = None
    plans: Any = None  # (pages, files) as produce left them
    links: Any = None
    output_dir: Any = None
    produced: Any = None


def holders(captured: Captured) -> list[tuple[str, Callable[[], Iterable[object]]]]:
    """Named roots, in the order their sizes are taken (an object counts in the first)."""
    b, site = captured.builder, captured.site
    memory = b.memory

    def site_rest() -> list[object]:
        return [getattr(site, f.name) for f in fields(site) if f.name not in ("articles", "refs")]

    def of_articles(*names: str) -> Callable[[], list[object]]:
        return lambda: [getattr(a, n) for a in site.articles for n in names]

    return [
        ("articles: mentions per entity", of_articles("mentioned")),
        ("articles: footnotes", of_articles("footnotes")),
        ("articles: pending, toc, rest", lambda: [site.articles]),
        ("site model: cross-references", lambda: [site.refs]),
        ("site model: entities, rules, rest", site_rest),
        ("BuildMemory.cache (beside the articles)", lambda: [memory.cache]),
        ("BuildMemory.pages (last build's records)", lambda: [memory.pages]),
        ("page plans", lambda: [captured.plans[0]]),
        ("file plans", lambda: [captured.plans[1]]),
        ("produced page records", lambda: [captured.produced.records]),
        ("LinkChecker", lambda: [captured.links]),
        ("output manifest (OutputDir)", lambda: [vars(captured.output_dir)]),
        ("BuildMemory.crossrefs (memo)", lambda: [memory.crossrefs]),
        ("renderers", lambda: [b.renderers]),
        ("BuildMemory.stamps, record, rest", lambda: [vars(memory)]),
        ("Builder, rest", lambda: [vars(b)]),
    ]


def measure_holders(captured: Captured, articles: int) -> None:
    seen = Seen()
    print(f"\nlargest holders when produce returns ({articles:,} articles; an object counts once, first)")
    print(f"{'holder':<40} {'MiB':>9} {'objects':>12} {'bytes/article':>14}")
    started = time.perf_counter()
    total = 0
    for name, roots in holders(captured):
        size, count = deep_size(roots(), seen)
        total += size
        print(f"{name:<40} {size / MiB:>9.1f} {count:>12,} {size / max(articles, 1):>14,.0f}")
    print(f"{'total':<40} {total / MiB:>9.1f} {'':>12} {total / max(articles, 1):>14,.0f}")
    print(f"(walked in {time.perf_counter() - started:.1f} s)")


def print_allocations(title: str, top: int) -> None:
    snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    stats = snapshot.statistics("lineno")
    print(f"\ntracemalloc, {title}: {sum(s.size for s in stats) / MiB:.1f} MiB traced")
    for stat in stats[:top]:
        frame = stat.traceback[0]
        print(f"{stat.size / MiB:>9.1f} MiB {stat.count:>11,}  {frame.filename}:{frame.lineno}")


# -- the build -----------------------------------------------------------------------------------


def instrument(sampler: Sampler, captured: Captured, on_produced: Callable[[], None]) -> None:
    """Mark the stages by wrapping what the build calls, in the module that calls it:
    pipeline (the analysis stage, produce) and plan_site (the site model, the plan)."""

    def staged(
        module: types.ModuleType,
        name: str,
        stage: str,
        after: Callable[[Any, tuple[Any, ...]], None] | None = None,
    ) -> None:
        original = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            sampler.enter(stage)
            result = original(*args, **kwargs)
            if after is not None:
                after(result, args)
            return result

        setattr(module, name, wrapper)

    build = pipeline.Builder._build

    def building(builder: Any) -> Any:
        captured.builder = builder
        return build(builder)

    pipeline.Builder._build = building  # type: ignore[method-assign]
    staged(pipeline, "analyse_articles", "analysis")
    staged(plan_site, "build_site", "site model", lambda result, _: setattr(captured, "site", result[0]))
    staged(plan_site, "plan_outputs", "plan")  # its lists are not the ones produce takes: not held here

    def produced(result: Any, args: tuple[Any, ...]) -> None:
        captured.produced, captured.output_dir, captured.links = result, args[3], args[5]
        captured.plans = (args[0], args[1])  # what produce left of them
        sampler.enter("finish")
        on_produced()

    staged(pipeline, "produce_outputs", "produce", produced)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("site", type=Path)
    parser.add_argument("--output", type=Path, help="default: SITE/_site")
    parser.add_argument("--jobs", type=int, help="worker processes (default: every core)")
    parser.add_argument("--keep-state", action="store_true", help="an incremental build: keep .sitegen/")
    parser.add_argument("--no-holders", action="store_true", help="peaks only: no walk of the object graph")
    parser.add_argument("--trace", type=int, default=0, metavar="N", help="tracemalloc's N largest sites")
    args = parser.parse_args(argv)
    root = args.site.resolve()
    output = (args.output or root / "_site").resolve()
    if not args.keep_state:
        shutil.rmtree(root / ".sitegen", ignore_errors=True)
        shutil.rmtree(output, ignore_errors=True)

    sampler, captured = Sampler(), Captured()

    def on_produced() -> None:
        sampler.sample()
        sampler.paused.set()
        if args.trace:
            print_allocations("when produce returns", args.trace)
        if not args.no_holders:
            measure_holders(captured, len(captured.site.articles))
        sampler.started = time.perf_counter()  # the walk is not the build's time
        sampler.paused.clear()

    instrument(sampler, captured, on_produced)
    if args.trace:
        tracemalloc.start()
        os.register_at_fork(after_in_child=tracemalloc.stop)  # workers untraced: fast, not doubled
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    started = time.perf_counter()
    report = pipeline.build(BuildOptions(root=root, output=output, jobs=args.jobs))
    sampler.enter("finish")  # closes the finish stage's time
    sampler.done.set()
    thread.join()
    wall = time.perf_counter() - started
    if args.trace:
        print_allocations("after the build", args.trace)

    print(f"\n{root}: {report.pages:,} pages in {wall:.1f} s (walks and tracing excluded from stages)")
    print(
        f"{'stage':<12} {'seconds':>8} {'parent RSS':>11} {'parent PSS':>11} {'workers PSS':>12} "
        f"{'(private)':>10} {'tree PSS':>9} {'1 worker':>9}   (MiB, peaks)"
    )
    for stage in STAGES:
        p = sampler.peaks[stage]
        print(
            f"{stage:<12} {p.seconds:>8.1f} {p.rss / MiB:>11.0f} {p.pss / MiB:>11.0f} "
            f"{p.workers / MiB:>12.0f} {p.private / MiB:>10.0f} {p.tree / MiB:>9.0f} "
            f"{p.one_worker / MiB:>9.0f}"
        )
    whole = max(sampler.peaks.values(), key=lambda p: p.tree)
    print(
        f"peak tree PSS {whole.tree / MiB:,.0f} MiB; peak parent RSS "
        f"{max(p.rss for p in sampler.peaks.values()) / MiB:,.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
