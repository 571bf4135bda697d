"""Spread independent tasks over worker processes, results in task order.

Workers are forked, so they start with the parent's memory as it is: the site
model, the plans and the compiled templates are shared copy-on-write instead of
pickled. Only task indices go out and only results come back. Results are
yielded in index order whatever the number of workers, so everything the parent
does with them (diagnostics, reports, the build state) is the same for
``--jobs 1`` and ``--jobs 8``; the bytes of a page never depend on who made it.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

# Below this many tasks a pool costs more (fork, result pickling) than it saves.
MIN_PARALLEL_TASKS = 256
RECYCLE = 8  # each worker is replaced at least this many times over a run (see run_tasks)
LIFE = 1280  # and after this weight of tasks at most (plan.records.PagePlan.weight)

_task: Callable[[int], Any] | None = None  # set in the parent just before the fork

# The pool forks a replacement worker from its own thread while the parent goes on. A lock
# of a C library that the parent holds at that moment stays held in the child for ever:
# SQLite's, when the parent writes page records while workers render (keeper.StreamedPages)
# and the new worker then opens the state to read a body. Such calls run inside no_fork(),
# which a fork waits for.
_NO_FORK = threading.Lock()
os.register_at_fork(
    before=_NO_FORK.acquire, after_in_parent=_NO_FORK.release, after_in_child=_NO_FORK.release
)


@contextlib.contextmanager
def no_fork() -> Iterator[None]:
    """No process forks while this runs (see _NO_FORK)."""
    with _NO_FORK:
        yield


def default_jobs() -> int:
    """All the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    # fork is the only start method that shares the parent's memory; macOS and Windows
    # build with one process (fork there is unsafe with system frameworks, or missing).
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _task is not None
    return [_task(index) for index in range(*bounds)]


def run_tasks(
    task: Callable[[int], Any], count: int, jobs: int, weight: Callable[[int], int] | None = None
) -> Iterator[Any]:
    """``task(0) … task(count - 1)``, on up to ``jobs`` processes, yielded in order.
    ``weight(index)``: how much of the parent's memory a task reads, relative to others
    (default 1): a worker is replaced after a total weight, not a number of tasks."""
    global _task
    if jobs <= 1 or count < MIN_PARALLEL_TASKS or not can_fork():
        for index in range(count):
            yield task(index)
        return
    # Chunks small enough to balance the load (pages differ a lot in cost), large enough
    # that the round trips stay negligible.
    size = max(16, min(256, count // (jobs * 16)))
    chunks = _chunks(count, size, weight)
    _task = task
    # Every object the parent has goes into the collector's permanent generation: a
    # collection in a worker then never writes to their headers, which would copy the
    # parent's memory page by page into each worker (copy-on-write).
    with frozen_heap():
        try:
            # A worker copies each page of the parent's memory that it reads (reading an object
            # writes its reference count), so a worker that rendered thousands of pages holds
            # much of the site model twice; and the pages the parent writes after the fork
            # are left to it alone. Each is replaced by a fresh fork of the parent after a
            # share of the chunks, and after a weight of tasks: what a worker copies grows
            # with what its tasks read, not with the archive (100,000 articles: replaced after
            # a sixteenth of the run, each worker held up to 690 MiB of copies).
            per_worker = max(1, min(len(chunks) // (jobs * RECYCLE), LIFE // size))
            context = multiprocessing.get_context("fork")
            with context.Pool(jobs, _ignore_interrupts, maxtasksperchild=per_worker) as pool:
                for results in pool.imap(_run_chunk, chunks):
                    yield from results
        finally:
            _task = None


def _chunks(count: int, size: int, weight: Callable[[int], int] | None) -> list[tuple[int, int]]:
    """Consecutive ranges of tasks, each of ``size`` in weight (the last one less)."""
    if weight is None:
        return [(start, min(start + size, count)) for start in range(0, count, size)]
    chunks, start, total = [], 0, 0
    for index in range(count):
        total += weight(index)
        if total >= size:
            chunks.append((start, index + 1))
            start, total = index + 1, 0
    if start < count:
        chunks.append((start, count))
    return chunks


def _ignore_interrupts() -> None:
    # Ctrl-C reaches every process of the terminal's group: the parent stops the build and
    # the pool (which ends the workers), instead of each worker printing its traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep the objects that exist now out of the cyclic collector's scans until the end.

    A build holds hundreds of thousands of long-lived objects (the analyses, the site
    model); each full collection would walk them all, and full collections come more
    often as the heap grows, so a large archive cost more than linearly. They are freed
    as usual (by reference counting) and scanned again once thawed.
    """
    outermost = not gc.get_freeze_count()  # else an outer freeze is in force, and thaws
    gc.freeze()
    try:
        yield
    finally:
        if outermost:
            gc.unfreeze()
