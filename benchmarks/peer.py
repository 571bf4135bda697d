#!/usr/bin/env python3
"""Build the same archive with sitegen and with Hugo, interleaved, and compare.

    python benchmarks/peer.py SITE_DIR [HUGO_DIR] [--runs 5]
    python benchmarks/peer.py --sizes 1000,10000 [--runs 5] [--entities 1000 --rules 200 --profile zipf]

The first form times archives that already exist (written by synth.py). The second
generates one archive per size under benchmarks/out/ (reused while its parameters are
unchanged) and also reports how the cost grows with the number of articles.

Every build is clean: a fresh output directory (and Hugo cache directory) each time,
and no sitegen state (SITE_DIR/.sitegen is removed before each sitegen build). Builds
alternate sitegen, Hugo, Hugo, sitegen, … so that drifting load on a shared machine
hits both. Each build runs under a small Python wrapper that reports that build's own
wall time, CPU time and peak resident set size; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_WORK = HERE / "out"
DEFAULT_SITEGEN = f"{shlex.quote(sys.executable)} -m sitegen"

# Runs one command and writes its own figures as JSON: wall time around the child, CPU
# time and peak RSS from getrusage(RUSAGE_CHILDREN), which in this fresh process covers
# exactly the build (and anything the build waits for). ru_maxrss is the largest single
# process: a build that forks workers also needs the memory of the whole process tree,
# sampled every 50 ms on Linux as the sum of PSS (proportional set size: a page shared
# by n processes counts 1/n in each, so copy-on-write pages forked workers share with
# their parent are counted once).
WRAPPER = r"""
import json, os, resource, subprocess, sys, threading, time
out, cmd = sys.argv[1], sys.argv[2:]

def tree(root):
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    todo.extend(int(c) for c in handle.read().split())
        except OSError:
            pass
    return pids

def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

peak = [0]
def sample(child, done):
    while not done.wait(0.05):
        pids = tree(child.pid)
        total = sum(pss_kib(pid) for pid in pids)
        # A worker forked or gone between the reads changes how the pages read before it
        # are shared: such a sample over- or under-counts. Keep the others.
        if tree(child.pid) == pids:
            peak[0] = max(peak[0], total)

before = resource.getrusage(resource.RUSAGE_CHILDREN)
start = time.perf_counter()
child = subprocess.Popen(cmd)
done = threading.Event()
sampler = threading.Thread(target=sample, args=(child, done), daemon=True)
if os.path.exists("/proc/self/smaps_rollup"):
    sampler.start()
rc = child.wait()
wall = time.perf_counter() - start
done.set()
after = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as handle:
    json.dump({"rc": rc, "wall": wall, "user": after.ru_utime - before.ru_utime,
               "sys": after.ru_stime - before.ru_stime, "maxrss": after.ru_maxrss,
               "tree_pss": peak[0]}, handle)
"""
RSS_UNIT = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux


@dataclass
class Run:
    tool: str
    index: int  # 0-based; runs below --warmup are not counted
    rc: int
    wall: float  # s, the build alone (measured inside the wrapper)
    cpu: float  # s, user + system of the build
    user: float
    sys: float
    rss: int  # bytes, peak resident set size of the build process
    tree: int  # bytes, peak sum of PSS over the build's process tree (0: not measured)
    outer_wall: float  # s, around the wrapper, as seen from here (includes ~30 ms of wrapper start-up)
    files: int | None = None
    bytes: int | None = None
    error: str = ""


@dataclass
class Result:
    label: str
    articles: int | None
    site: str
    hugo: str | None
    generation_seconds: float | None
    runs: list[Run] = field(default_factory=list)


def tree_size(path: Path) -> tuple[int, int]:
    count = size = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            count += 1
            size += os.lstat(os.path.join(root, name)).st_size
    return count, size


def measure(
    tool: str,
    index: int,
    cmd: list[str],
    tmp: Path,
    out: Path,
    count_output: bool,
    timeout: float | None = None,
) -> Run:
    """One build under the wrapper; after ``timeout`` seconds it is killed and reported with rc -9."""
    metrics = tmp / "metrics.json"
    metrics.unlink(missing_ok=True)
    log = tmp / "stderr.log"
    before = time.perf_counter()
    with open(log, "wb") as err:
        # cwd: a neutral directory, so that 'python -m sitegen' cannot import a checkout from the cwd
        wrapped = [sys.executable, "-c", WRAPPER, str(metrics), *cmd]
        # its own session, so that a build past the timeout is killed with its workers
        child = subprocess.Popen(
            wrapped, stdout=subprocess.DEVNULL, stderr=err, cwd=tmp, start_new_session=True
        )
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, 9)
            child.wait()
    outer = time.perf_counter() - before
    try:
        data = json.loads(metrics.read_text())
    except (OSError, ValueError):
        rc = -9 if child.returncode == -9 else -1
        data = {"rc": rc, "wall": outer, "user": 0.0, "sys": 0.0, "maxrss": 0}
    run = Run(
        tool,
        index,
        data["rc"],
        data["wall"],
        data["user"] + data["sys"],
        data["user"],
        data["sys"],
        data["maxrss"] * RSS_UNIT,
        data.get("tree_pss", 0) * 1024,
        outer,
    )
    if run.rc != 0:
        text = log.read_text(errors="replace").strip().splitlines()
        run.error = "\n".join(text[-15:]) or f"exit status {run.rc}"
    elif count_output and out.exists():
        run.files, run.bytes = tree_size(out)
    return run


def sitegen_cmd(args: argparse.Namespace, site: Path, out: Path) -> list[str]:
    return [*shlex.split(args.sitegen), "build", "--source", str(site), "--output", str(out), "-q"]


def hugo_cmd(args: argparse.Namespace, hugo: Path, out: Path, cache: Path) -> list[str]:
    return [
        args.hugo_bin,
        "--quiet",
        "--source",
        str(hugo),
        "--destination",
        str(out),
        "--cacheDir",
        str(cache),
        "--noBuildLock",
    ]


def compare(args: argparse.Namespace, result: Result) -> Result:
    site = Path(result.site)
    hugo = Path(result.hugo) if result.hugo else None
    tools = ["sitegen", "hugo"] if hugo else ["sitegen"]
    total = args.warmup + args.runs
    tmp_base = Path(args.tmp).resolve() if args.tmp else None
    failed: set[str] = set()
    # Outputs are removed after the last build, not between builds: on an ext4 file system
    # without a journal (as on these machines) the kernel skips over inodes deleted in the
    # last minutes when it allocates new ones, so removing one build's 40,000 files made the
    # next build's file creation up to ten times slower (see benchmarks/README.md, Method).
    used: list[Path] = []
    try:
        for index in range(total):
            order = tools if index % 2 == 0 else tools[::-1]
            for tool in order:
                if tool in failed:
                    continue
                tmp = Path(tempfile.mkdtemp(prefix=f"peer-{tool}-", dir=tmp_base))
                used.append(tmp)
                out = tmp / "out"
                if tool == "sitegen":
                    shutil.rmtree(site / ".sitegen", ignore_errors=True)  # no state carried over
                    cmd = sitegen_cmd(args, site, out)
                else:
                    assert hugo is not None
                    shutil.rmtree(hugo / "resources" / "_gen", ignore_errors=True)
                    cmd = hugo_cmd(args, hugo, out, tmp / "cache")
                run = measure(tool, index, cmd, tmp, out, count_output=index == args.warmup)
                result.runs.append(run)
                label = "warm-up" if index < args.warmup else f"run {index - args.warmup + 1}/{args.runs}"
                if run.rc != 0:
                    failed.add(tool)
                    print(
                        f"  {tool:8} {label}: FAILED (exit {run.rc}); not timed further\n"
                        + "\n".join("    " + line for line in run.error.splitlines()),
                        file=sys.stderr,
                    )
                elif not args.quiet:
                    print(
                        f"  {tool:8} {label}: {run.wall:7.2f} s wall, {run.cpu:7.2f} s CPU, "
                        f"{run.rss / 2**20:7.1f} MiB peak RSS, {run.tree / 2**20:7.1f} MiB peak tree PSS",
                        file=sys.stderr,
                        flush=True,
                    )
    finally:
        for tmp in used:
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def counted(result: Result, tool: str, warmup: int) -> list[Run]:
    return [r for r in result.runs if r.tool == tool and r.index >= warmup and r.rc == 0]


NAN = float("nan")


@dataclass
class Stat:
    median: float = NAN
    low: float = NAN
    high: float = NAN

    @classmethod
    def of(cls, values: list[float]) -> Stat:
        return cls(statistics.median(values), min(values), max(values)) if values else cls()

    def show(self, digits: int, scale: float = 1.0) -> str:
        if self.median != self.median:  # NaN: no successful run
            return "—"
        return (
            f"{self.median / scale:.{digits}f} [{self.low / scale:.{digits}f}–{self.high / scale:.{digits}f}]"
        )


@dataclass
class Summary:
    n: int
    wall: Stat
    cpu: Stat
    rss: Stat
    tree: Stat
    files: float = NAN  # from the first counted run
    bytes: float = NAN


def summary(result: Result, tool: str, warmup: int) -> Summary:
    runs = counted(result, tool, warmup)
    first = next((r for r in result.runs if r.tool == tool and r.files is not None), None)
    return Summary(
        len(runs),
        Stat.of([r.wall for r in runs]),
        Stat.of([r.cpu for r in runs]),
        Stat.of([float(r.rss) for r in runs]),
        Stat.of([float(r.tree) for r in runs]),
        float(first.files) if first and first.files is not None else NAN,
        float(first.bytes) if first and first.bytes is not None else NAN,
    )


def ratio(a: float, b: float) -> str:
    if a != a or b != b or not b:
        return "—"
    return f"{a / b:.1f}×"


def number(value: float, digits: int = 0, scale: float = 1.0) -> str:
    return "—" if value != value else f"{value / scale:.{digits}f}"


def print_table(result: Result, warmup: int) -> None:
    s = summary(result, "sitegen", warmup)
    h = summary(result, "hugo", warmup) if result.hugo else None
    head = result.label
    if result.generation_seconds:
        head += f" (generated in {result.generation_seconds:.1f} s)"
    print(f"\n{head}")
    print(f"medians of {s.n} sitegen" + (f" and {h.n} Hugo" if h else "") + " runs, [min–max]\n")

    def row(name: str, get: Callable[[Summary], str], key: Callable[[Summary], float]) -> None:
        if h is None:
            print(f"{name:20}{get(s):>26}")
        else:
            print(f"{name:20}{get(s):>26}{get(h):>26}{ratio(key(s), key(h)):>14}")

    if h is None:
        print(f"{'':20}{'sitegen':>26}")
    else:
        print(f"{'':20}{'sitegen':>26}{'Hugo':>26}{'sitegen/Hugo':>14}")
    row("wall time (s)", lambda x: x.wall.show(2), lambda x: x.wall.median)
    row("CPU time (s)", lambda x: x.cpu.show(2), lambda x: x.cpu.median)
    row("CPU / wall", lambda x: number(x.cpu.median / x.wall.median, 2), lambda x: NAN)
    row("peak RSS (MiB)", lambda x: x.rss.show(0, 2**20), lambda x: x.rss.median)
    row("peak tree PSS (MiB)", lambda x: x.tree.show(0, 2**20), lambda x: x.tree.median)
    row("output files", lambda x: number(x.files), lambda x: x.files)
    row("output size (MiB)", lambda x: number(x.bytes, 1, 2**20), lambda x: x.bytes)


def print_growth(results: list[Result], warmup: int) -> None:
    rows = [
        (r, summary(r, "sitegen", warmup), summary(r, "hugo", warmup) if r.hugo else None) for r in results
    ]
    with_hugo = any(h for _r, _s, h in rows)
    print("\nHow cost grows with the number of articles (medians)\n")
    head = f"{'articles':>9}{'sitegen s':>11}{'ms/article':>12}{'MiB':>7}"
    if with_hugo:
        head += f"{'Hugo s':>9}{'ms/article':>12}{'MiB':>7}{'ratio':>8}"
    print(head)
    for r, s, h in rows:
        n = max(r.articles or 0, 1)
        line = f"{n:>9}{number(s.wall.median, 2):>11}{number(1000 * s.wall.median / n, 2):>12}"
        line += f"{number(s.rss.median, 0, 2**20):>7}"
        if with_hugo and h:
            line += f"{number(h.wall.median, 2):>9}{number(1000 * h.wall.median / n, 2):>12}"
            line += f"{number(h.rss.median, 0, 2**20):>7}{ratio(s.wall.median, h.wall.median):>8}"
        print(line)
    for (a, sa, ha), (b, sb, hb) in itertools.pairwise(rows):
        if not a.articles or not b.articles:
            continue
        line = (
            f"{a.articles} → {b.articles} articles (×{b.articles / a.articles:g}): "
            f"sitegen wall {ratio(sb.wall.median, sa.wall.median)}, RSS {ratio(sb.rss.median, sa.rss.median)}"
        )
        if ha and hb:
            line += f"; Hugo wall {ratio(hb.wall.median, ha.wall.median)}, "
            line += f"RSS {ratio(hb.rss.median, ha.rss.median)}"
        print(line)


def describe_environment(args: argparse.Namespace, have_hugo: bool) -> dict[str, str]:
    def output(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    env = {
        "sitegen": f"{args.sitegen} ({output([*shlex.split(args.sitegen), '--version'])}"
        + (
            f"; repository tree {output(['git', '-C', str(REPO), 'describe', '--always', '--dirty'])})"
            if args.sitegen == DEFAULT_SITEGEN
            else ")"
        ),
        "hugo": output([args.hugo_bin, "version"]) if have_hugo else "not installed",
        "python": platform.python_version(),
        "machine": f"{os.cpu_count()} CPUs, {cpu}, {platform.system()} {platform.release()}",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    return env


def generated(args: argparse.Namespace, size: int) -> Result:
    sys.path.insert(0, str(HERE))
    import synth  # a sibling script, imported only when archives are generated

    realistic = args.profile == "realistic"  # realistic.py: the example's registry and rules
    name = (
        f"n{size}-{args.profile}-s{args.seed}"
        if realistic
        else (f"n{size}-e{args.entities}-r{args.rules}-{args.profile}-s{args.seed}")
    )
    root = Path(args.work).resolve() / name
    site, hugo = root / "site", root / "hugo"
    params = {
        "articles": size,
        "entities": args.entities,
        "rules": args.rules,
        "profile": args.profile,
        "seed": args.seed,
        "editorial_share": 0.3,
    }
    stats = None
    try:
        stats = json.loads((site / synth.MARKER).read_text())
        made = stats.get("params", {})
        if realistic:  # its registry and rules are the example's, not parameters
            made = {**made, "entities": args.entities, "rules": args.rules}
        if made != params or not (hugo / synth.MARKER).is_file():
            stats = None
    except (OSError, ValueError):
        stats = None
    if stats is None or args.regenerate:
        print(f"generating {name} …", file=sys.stderr, flush=True)
        common = [
            str(site),
            "--articles",
            str(size),
            "--seed",
            str(args.seed),
            "--hugo",
            str(hugo),
            "--force",
            "-q",
        ]
        if realistic:
            import realistic as generator

            stats = generator.generate(generator.parse_args(common))
        else:
            more = ["--entities", str(args.entities), "--rules", str(args.rules), "--profile", args.profile]
            stats = synth.generate(synth.parse_args(common + more))
    p = stats.get("params", {})
    label = f"{size} articles, {p.get('entities')} entities, {p.get('rules')} rules, profile {args.profile}"
    return Result(label, size, str(site), str(hugo), stats.get("seconds"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("site", nargs="?", help="an existing sitegen archive (from synth.py)")
    parser.add_argument("hugo_site", nargs="?", help="the same archive as a Hugo site (synth.py --hugo)")
    parser.add_argument("--runs", type=int, default=5, help="timed builds per tool (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed builds per tool first (default 1)")
    parser.add_argument("--sizes", help="generate and compare archives of these sizes, e.g. 1000,10000")
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument(
        "--profile",
        choices=("zipf", "hot", "realistic"),
        default="zipf",
        help="synth.py's zipf or hot, or realistic.py (the example's registry and rules)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--work", default=str(DEFAULT_WORK), help="where --sizes keeps archives (default benchmarks/out)"
    )
    parser.add_argument("--regenerate", action="store_true", help="regenerate archives even if present")
    parser.add_argument("--tmp", help="parent of the temporary output directories (default: system temp)")
    parser.add_argument(
        "--sitegen",
        default=DEFAULT_SITEGEN,
        help="command that runs sitegen (default: this Python's -m sitegen)",
    )
    parser.add_argument("--hugo-bin", default="hugo", help="the hugo executable (default: hugo on PATH)")
    parser.add_argument("--no-hugo", action="store_true", help="time sitegen alone")
    parser.add_argument("--json", help="also write every run's figures to this file")
    parser.add_argument("-q", "--quiet", action="store_true", help="no per-run lines")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    if args.site and args.sizes:
        parser.error("give either SITE_DIR [HUGO_DIR] or --sizes, not both")

    have_hugo = not args.no_hugo and shutil.which(args.hugo_bin) is not None
    if not args.no_hugo and not have_hugo:
        print(
            f"'{args.hugo_bin}' is not installed (not on PATH): reporting sitegen's figures alone.",
            file=sys.stderr,
        )
    env = describe_environment(args, have_hugo)
    print("\n".join(f"{k}: {v}" for k, v in env.items()))
    print(
        f"method: {args.runs} timed run(s) per tool after {args.warmup} warm-up, interleaved "
        "(sitegen, Hugo, Hugo, sitegen, …), clean output each time"
    )

    results: list[Result] = []
    if args.site:
        site = Path(args.site).resolve()  # builds run in a temporary cwd
        hugo = Path(args.hugo_site).resolve() if args.hugo_site and have_hugo else None
        stats: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            stats = json.loads((site / ".synth.json").read_text())
        articles = stats.get("articles") or len(list((site / "seeds").glob("*.txt")))
        p = stats.get("params", {})
        label = f"{site}: {articles} articles" + (
            f", {p['entities']} entities, {p['rules']} rules, profile {p['profile']}" if p else ""
        )
        results.append(Result(label, articles, str(site), str(hugo) if hugo else None, stats.get("seconds")))
    else:
        sizes = [int(x) for x in (args.sizes or "1000").split(",") if x.strip()]
        for size in sizes:
            result = generated(args, size)
            if not have_hugo:
                result.hugo = None
            results.append(result)

    for result in results:
        print(f"\n== {result.label}", file=sys.stderr, flush=True)
        compare(args, result)
        print_table(result, args.warmup)
    if len(results) > 1:
        print_growth(results, args.warmup)
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "environment": env,
                    "runs": args.runs,
                    "warmup": args.warmup,
                    "results": [asdict(r) for r in results],
                },
                indent=2,
            )
            + "\n"
        )
    ok = all(r.rc == 0 for res in results for r in res.runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
