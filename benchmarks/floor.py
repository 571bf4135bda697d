#!/usr/bin/env python3
"""What writing sitegen's output costs alone, beside Hugo's whole build: the floor under
any clean build that publishes the same files on this machine.

    python benchmarks/synth.py /tmp/a10k --articles 10000 --hugo /tmp/h10k   # once
    sitegen build --source /tmp/a10k --output /tmp/a10k-out                  # once
    python benchmarks/floor.py /tmp/a10k-out --hugo /tmp/h10k [--runs 3] [--jobs 2]

Reads every file of a built output folder into memory, then writes them all into a fresh
folder as a build does (``sitegen.writer.atomic_write``: the folders made once, each file
through a temporary name), spread over ``--jobs`` processes the way a build spreads its
pages; nothing else is computed. Runs alternate with Hugo's build of its copy of the
archive, as in ``peer.py``, and, as there, the written folders are removed only at the end
(removing 10,000s of files slows the creation of the next ones on these machines). Prints
medians of wall time and the ratio to Hugo's. See benchmarks/README.md.
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from peer import hugo_cmd  # noqa: E402

from sitegen.writer import atomic_write  # noqa: E402


def read_tree(root: Path) -> list[tuple[str, bytes]]:
    files = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            files.append((path.relative_to(root).as_posix(), path.read_bytes()))
    files.sort()
    return files


def write_tree(files: list[tuple[str, bytes]], out: Path, jobs: int) -> float:
    """Wall seconds to write ``files`` under ``out`` with ``jobs`` forked processes."""
    started = time.perf_counter()
    children = []
    for job in range(jobs):
        pid = os.fork()
        if pid == 0:  # every jobs-th file, so both processes make folders and files alike
            for rel, data in files[job::jobs]:
                atomic_write(out / rel, data)
            os._exit(0)
        children.append(pid)
    for pid in children:
        _, status = os.waitpid(pid, 0)
        if status:
            raise SystemExit(f"a writer failed (status {status})")
    return time.perf_counter() - started


def hugo_build(args: argparse.Namespace, out: Path, cache: Path) -> float:
    """Hugo's whole build of its copy of the archive, as peer.py runs it."""
    shutil.rmtree(args.hugo / "resources" / "_gen", ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(hugo_cmd(args, args.hugo, out, cache), check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("output", type=Path, help="a folder sitegen built")
    parser.add_argument("--hugo", type=Path, help="Hugo's copy of the archive (synth.py --hugo)")
    parser.add_argument("--hugo-bin", default="hugo")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--tmp", type=Path, default=None, help="where to write (default: the system's)")
    args = parser.parse_args()

    files = read_tree(args.output)
    size = sum(len(data) for _, data in files)
    folders = len({rel.rpartition("/")[0] for rel, _ in files})
    print(f"{len(files):,} files in {folders:,} folders, {size / 2**20:,.1f} MiB")
    writes: list[float] = []
    hugos: list[float] = []
    scratch: list[Path] = []
    try:
        for run in range(args.runs):
            for task in ("write", "hugo") if run % 2 == 0 else ("hugo", "write"):
                if task == "hugo" and args.hugo is None:
                    continue
                tmp = Path(tempfile.mkdtemp(prefix=f"floor-{task}-", dir=args.tmp))
                scratch.append(tmp)
                if task == "write":
                    writes.append(write_tree(files, tmp / "out", args.jobs))
                else:
                    hugos.append(hugo_build(args, tmp / "out", tmp / "cache"))
            print(
                f"run {run + 1}/{args.runs}: write {writes[-1]:.2f} s"
                + (f", hugo {hugos[-1]:.2f} s" if hugos else "")
            )
    finally:
        for tmp in scratch:
            shutil.rmtree(tmp, ignore_errors=True)
    write = statistics.median(writes)
    line = f"writing sitegen's output alone, {args.jobs} processes: {write:.2f} s (median of {len(writes)})"
    if hugos:
        hugo = statistics.median(hugos)
        line += f"; Hugo's whole build {hugo:.2f} s: {write / hugo:.1f} times Hugo"
    print(line)


if __name__ == "__main__":
    main()
