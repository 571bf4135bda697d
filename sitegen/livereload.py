"""Live reload for ``sitegen serve``: watch the sources, rebuild, tell the pages.

Three parts, each on its own thread:

* :class:`Watcher`: watchdog events → site-relative paths of changed sources;
* :class:`Rebuilder`: merges a burst of changes into one build, on one worker
  thread that owns the :class:`~sitegen.pipeline.Builder` (its sqlite state may
  only be used from the thread that opened it);
* :class:`Hub`: the last build's status and one queue of Server-Sent Events per
  open page. A build's event is published only after ``build()`` returned, so a
  page never reloads before its file is written.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import queue
import threading
import time
import traceback
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from sitegen.config import CONFIG_FILE
from sitegen.sources import CONTENT_DIR, SEEDS_DIR, STATIC_DIR, TEMPLATES_DIR, THEMES_DIR

PREFIX = "/__sitegen__/"
EVENTS_URL = PREFIX + "events"
CLIENT_URL = PREFIX + "livereload.js"
RETRY_MS = 500  # how soon EventSource reconnects after the server went away

# -- the channel to the pages ---------------------------------------------------------------------


def sse_frame(event: str, payload: dict[str, Any]) -> bytes:
    # json.dumps escapes newlines, so the payload is always one 'data:' line.
    return f"event: {event}\ndata: {json.dumps(payload, separators=(',', ':'))}\n\n".encode()


class Hub:
    """The last build's id and errors, and one event queue per connected page."""

    def __init__(self, max_clients: int = 64) -> None:
        self.max_clients = max_clients
        self._lock = threading.Lock()
        self._clients: set[queue.SimpleQueue[bytes | None]] = set()
        self._idle = threading.Condition(self._lock)
        self._build = ""
        self._errors = ""
        self._closed = False

    @property
    def build_id(self) -> str:
        return self._build

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def clients(self) -> int:
        with self._lock:
            return len(self._clients)

    def publish(self, build: str, errors: str, changed: list[str]) -> None:
        """After a build: ``ok`` or ``error``, with the output paths it wrote or removed."""
        frame = sse_frame("error" if errors else "ok", {"build": build, "errors": errors, "changed": changed})
        with self._lock:
            self._build, self._errors = build, errors
            for client in self._clients:
                client.put(frame)

    def subscribe(self) -> queue.SimpleQueue[bytes | None] | None:
        """A new page's queue, starting with the current state (None once closed, or when
        ``max_clients`` pages are connected already)."""
        client: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        with self._lock:
            if self._closed or len(self._clients) >= self.max_clients:
                return None
            # Under the lock: no build's event can fall between this hello and the subscription.
            hello = sse_frame("hello", {"build": self._build, "errors": self._errors})
            client.put(f"retry: {RETRY_MS}\n".encode() + hello)
            self._clients.add(client)
        return client

    def unsubscribe(self, client: queue.SimpleQueue[bytes | None]) -> None:
        with self._lock:
            self._clients.discard(client)
            self._idle.notify_all()

    def close(self, timeout: float = 2.0) -> bool:
        """End every event stream; True when all of them ended within ``timeout``."""
        with self._lock:
            self._closed = True
            for client in self._clients:
                client.put(None)
            return self._idle.wait_for(lambda: not self._clients, timeout)


@cache
def client_script() -> bytes:
    return resources.files("sitegen").joinpath("livereload.js").read_bytes()


def script_tag(build: str, base_path: str, served: str) -> bytes:
    """The tag injected into HTML responses (never into the files on disk)."""
    attrs = f'data-build="{html.escape(build)}" data-base="{html.escape(base_path)}"'
    return f'<script src="{CLIENT_URL}" {attrs} data-path="{html.escape(served)}" defer></script>'.encode()


def inject(page: bytes, tag: bytes) -> bytes:
    index = page.lower().rfind(b"</body>")
    return page + tag if index < 0 else page[:index] + tag + page[index:]


# -- watching -------------------------------------------------------------------------------------

WATCHED_DIRS = (SEEDS_DIR, CONTENT_DIR, THEMES_DIR, TEMPLATES_DIR, STATIC_DIR)
# Only real changes: watchdog also reports opens and closes, and every build opens every input.
_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    FileAttribEvent,  # touch
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
_TEMP_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", "___jb_tmp___", "___jb_old___")


def ignored_name(name: str) -> bool:
    """Editor temp and backup files, and hidden files (.git, .#lock, .DS_Store), which no build reads."""
    return name.startswith(".") or name == "4913" or name.endswith(_TEMP_SUFFIXES)


class _Events(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.watcher.handle(event)


class Watcher:
    """Reports changes under the watched folders and to sitegen.toml, as site-relative paths.

    The site root is watched non-recursively, so a watched folder created (or
    replaced) later gets its own recursive watch; the output folder, ``.sitegen/``
    and ``.git/`` sit at the root and are never watched.
    """

    def __init__(self, root: Path, notify: Callable[[str], None]) -> None:
        self.root = root.resolve()
        self.notify = notify
        self.observer: BaseObserver = Observer()
        self.observer.daemon = True
        self.handler = _Events(self)
        self.watches: dict[str, tuple[ObservedWatch, int]] = {}  # folder → (watch, inode)
        self._lock = threading.Lock()

    def start(self) -> None:
        self.observer.schedule(self.handler, str(self.root), recursive=False, event_filter=_EVENTS)
        self.sync()
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join(timeout=5)

    def sync(self) -> None:
        """Watch each watched folder that exists now; drop watches of folders that went away."""
        with self._lock:
            for name in WATCHED_DIRS:
                path = self.root / name
                try:
                    inode = path.stat().st_ino if path.is_dir() else None
                except OSError:
                    inode = None
                current = self.watches.get(name)
                if current is not None and current[1] == inode:
                    continue
                if current is not None:
                    # A removed folder's emitter has stopped; a re-created one needs a new watch.
                    with contextlib.suppress(KeyError):
                        self.observer.unschedule(current[0])
                    del self.watches[name]
                if inode is not None:
                    watch = self.observer.schedule(
                        self.handler, str(path), recursive=True, event_filter=_EVENTS
                    )
                    self.watches[name] = (watch, inode)

    def relevant(self, path: str | bytes) -> str | None:
        """The site-relative path of a change that can affect the build, or None."""
        try:
            rel = Path(os.fsdecode(path)).relative_to(self.root)
        except ValueError:
            return None
        parts = rel.parts
        if not parts or parts[0] not in (*WATCHED_DIRS, CONFIG_FILE):
            return None
        if any(ignored_name(part) for part in parts):
            return None
        return rel.as_posix()

    def handle(self, event: FileSystemEvent) -> None:
        paths = [event.src_path]
        if event.event_type == "moved" and event.dest_path:
            paths.append(event.dest_path)  # an editor's atomic save: temp file → real name
        changed = [rel for rel in map(self.relevant, paths) if rel is not None]
        if any("/" not in rel for rel in changed):
            self.sync()  # a watched folder itself (or sitegen.toml) appeared, went or moved
        for rel in changed:
            self.notify(rel)


# -- building -------------------------------------------------------------------------------------


class Rebuilder:
    """Runs every build on one worker thread: the first at once, later ones after a burst of changes.

    A burst ends after ``quiet`` seconds without a new change, or ``max_delay``
    seconds after its first change, whichever comes first. Changes that arrive
    during a build are collected and cause exactly one more build afterwards.
    ``idle`` (the bookkeeping a build can leave for later) runs on the same thread once
    ``idle_after`` seconds passed after a build without a new change, and before exit.
    """

    def __init__(
        self,
        build: Callable[[list[str]], None],
        quiet: float = 0.05,
        max_delay: float = 1.0,
        on_exit: Callable[[], None] | None = None,
        idle: Callable[[], None] | None = None,
        idle_after: float = 0.5,
    ) -> None:
        self._build = build
        self.quiet = quiet
        self.max_delay = max_delay
        self._on_exit = on_exit
        self._idle = idle
        self.idle_after = idle_after
        self._idle_at: float | None = None  # when idle() is due (None: nothing to do)
        self._cond = threading.Condition()
        self._pending: dict[str, None] = {}  # ordered set of changed paths
        self._first = 0.0
        self._last = 0.0
        self._stopping = False
        self.first_build = threading.Event()
        self.thread = threading.Thread(target=self._run, name="sitegen-rebuild", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def notify(self, path: str) -> None:
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending[path] = None
            self._last = now
            self._cond.notify()

    def stop(self, timeout: float | None = None) -> bool:
        """Stop after the build in progress, if any; True when the worker has ended."""
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self.thread.is_alive():
            self.thread.join(timeout)
        return not self.thread.is_alive()

    def _next_batch(self) -> list[str] | None:
        """The next burst of changes; [] when idle() is due; None when stopping."""
        with self._cond:
            while not self._pending and not self._stopping:
                if self._idle_at is None:
                    self._cond.wait()
                    continue
                remaining = self._idle_at - time.monotonic()
                if remaining <= 0:
                    return []
                self._cond.wait(remaining)
            while not self._stopping:
                deadline = min(self._last + self.quiet, self._first + self.max_delay)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            if self._stopping:
                return None
            batch = list(self._pending)
            self._pending.clear()
            return batch

    def _run_build(self, changes: list[str]) -> None:
        try:
            self._build(changes)
        except Exception:  # the callback reports build failures itself; this is a last resort
            traceback.print_exc()

    def _run_idle(self) -> None:
        self._idle_at = None
        if self._idle is not None:
            try:
                self._idle()
            except Exception:  # a failed save costs the next build time, not the server
                traceback.print_exc()

    def _run(self) -> None:
        try:
            self._run_build([])
            self._idle_at = time.monotonic() + self.idle_after
            self.first_build.set()
            while (batch := self._next_batch()) is not None:
                if not batch:
                    self._run_idle()
                    continue
                self._run_build(batch)
                self._idle_at = time.monotonic() + self.idle_after
        finally:
            self.first_build.set()
            if self._idle_at is not None:
                self._run_idle()
            if self._on_exit is not None:
                self._on_exit()
