#!/usr/bin/env python3
"""Does a build's cost grow linearly with a paragraph's length?

    python benchmarks/longpara.py [--sizes 0.1,1,10] [--runs 3] [--timeout 600] [--sitegen CMD]

For each size (in MB of seed text) it writes two archives with the example archive's
registry and correction rules (``content/`` and ``sitegen.toml`` of this repository, without
its editorial file): one seed made of **one paragraph** of that size, and the same amount of
**ordinary articles** of about 5 KB each. Both are made from the paragraphs of the example
seed, so the text carries its spinner damage (what the rules correct) and its entity
mentions. Each build is a fresh ``sitegen build`` process with no state and a fresh output
directory; the median wall time and peak RSS of --runs builds are printed with the cost per
MB and the ratio of the two. A build that exceeds --timeout is stopped and shown as such
(``--sitegen "python -m sitegen"`` with ``PYTHONPATH`` set times another checkout).
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from peer import DEFAULT_SITEGEN, REPO, Run, measure  # noqa: E402

SEED = REPO / "seeds" / "000_e90d1dc293122756.txt"
ARTICLE_BYTES = 5000


def seed_paragraphs() -> list[str]:
    """The example seed's paragraphs, each on one line (soft wraps joined), without the date."""
    text = SEED.read_text(encoding="utf-8").removeprefix("\ufeff")
    rest = text.split(maxsplit=2)[2]  # after "date YYYY-MM-DD"
    return [" ".join(p.split()) for p in rest.split("\n\n") if p.strip()]


def sized(paragraphs: list[str], size: int, start: int = 0) -> list[str]:
    """Paragraphs taken in order from ``start`` (wrapping round) until they hold ``size`` bytes."""
    out: list[str] = []
    total = 0
    index = start
    while total < size:
        paragraph = paragraphs[index % len(paragraphs)]
        out.append(paragraph)
        total += len(paragraph.encode()) + 2
        index += 1
    return out


def write_site(root: Path, seeds: dict[str, str]) -> None:
    """A site with the example archive's configuration, registry, rules and pages."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copy(REPO / "sitegen.toml", root / "sitegen.toml")
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("articles"))
    (root / "seeds").mkdir()
    for name, text in seeds.items():
        (root / "seeds" / f"{name}.txt").write_text(text, encoding="utf-8")


def one_paragraph(megabytes: float) -> dict[str, str]:
    body = " ".join(sized(seed_paragraphs(), int(megabytes * 1e6)))
    return {"long": f"date 2020-01-04 {body}\n"}


def articles(megabytes: float) -> dict[str, str]:
    """Articles of about 5 KB, each starting at another paragraph (so titles differ), one a day."""
    paragraphs = seed_paragraphs()
    count = max(1, round(megabytes * 1e6 / ARTICLE_BYTES))
    seeds = {}
    for n in range(count):
        body = "\n\n".join(sized(paragraphs, ARTICLE_BYTES, start=n))
        year, day = 2000 + n // 336, n % 336  # 28-day months: every date exists
        seeds[f"a{n:06d}"] = f"date {year}-{day // 28 + 1:02d}-{day % 28 + 1:02d} {body}\n"
    return seeds


def timed(label: str, site: Path, args: argparse.Namespace, tmp: Path) -> list[Run]:
    runs = []
    for index in range(args.runs):
        out = tmp / "out"
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(site / ".sitegen", ignore_errors=True)
        cmd = [*shlex.split(args.sitegen), "build", "--source", str(site), "--output", str(out), "-q"]
        run = measure("sitegen", index, cmd, tmp, out, count_output=False, timeout=args.timeout)
        runs.append(run)
        status = "timed out" if run.rc == -9 else (run.error.splitlines()[-1] if run.error else "")
        figures = f"{run.wall:.2f} s wall, {run.cpu:.2f} s CPU, {run.rss / 2**20:.0f} MiB"
        print(f"  {label}: run {index + 1}: {figures} {status}", flush=True)
        if run.rc != 0:
            break  # a build that failed or timed out once will again
    return runs


def show(megabytes: float, kind: str, runs: list[Run]) -> float | None:
    """One line of the table; returns the median CPU time (the machine may be shared: wall
    time then says more about the other load than about the build)."""
    ok = [r for r in runs if r.rc == 0]
    if not ok:
        why = "timed out" if runs and runs[-1].rc == -9 else "failed"
        print(f"{megabytes:>8g} MB  {kind:<15}{why:>10} (after {runs[-1].wall:.0f} s)")
        return None
    wall = statistics.median(r.wall for r in ok)
    cpu = statistics.median(r.cpu for r in ok)
    rss = statistics.median(r.rss for r in ok) / 2**20
    print(f"{megabytes:>8g} MB  {kind:<15}{wall:>9.2f}{cpu:>9.2f}{cpu / megabytes:>10.2f}{rss:>8.0f}")
    return cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0.1,1,10", help="MB of text, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a build is stopped")
    parser.add_argument("--sitegen", default=DEFAULT_SITEGEN, help="the command that runs sitegen")
    parser.add_argument("--only", choices=("paragraph", "articles"), help="time one of the two only")
    parser.add_argument("--tmp", help="where to write the archives (default: a temporary directory)")
    args = parser.parse_args(argv)
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    kinds = {"paragraph": one_paragraph, "articles": articles}
    if args.only:
        kinds = {args.only: kinds[args.only]}
    with tempfile.TemporaryDirectory(prefix="longpara-", dir=args.tmp) as scratch:
        tmp = Path(scratch)
        table: list[tuple[float, str, list[Run]]] = []
        for megabytes in sizes:
            for kind, make in kinds.items():
                site = tmp / "site"
                write_site(site, make(megabytes))
                label = f"{megabytes:g} MB {kind}"
                table.append((megabytes, kind, timed(label, site, args, tmp)))
        print(f"\nmedians of up to {args.runs} clean builds (fresh process, no state)\n")
        print(f"{'':>11}  {'':<15}{'wall s':>9}{'CPU s':>9}{'CPU s/MB':>10}{'MiB':>8}")
        walls: dict[tuple[float, str], float | None] = {}
        for megabytes, kind, runs in table:
            walls[megabytes, kind] = show(megabytes, "one paragraph" if kind == "paragraph" else kind, runs)
        if len(kinds) == 2:
            print()
            for megabytes in sizes:
                para, arts = walls[megabytes, "paragraph"], walls[megabytes, "articles"]
                if para and arts:
                    print(f"{megabytes:>8g} MB: CPU time of one paragraph / articles = {para / arts:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
