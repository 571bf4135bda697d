"""``sitegen serve``: build, serve the output folder under the production base path, rebuild on change.

Threads: the HTTP server's accept loop and one thread per connection (event
streams included), at most ``max_connections`` of them; the watchdog observer;
the rebuild worker, which runs every build, one at a time, with the same
:class:`~sitegen.pipeline.Builder`, so rebuilds are incremental in memory. The
files on disk stay exactly what ``sitegen build`` writes: the live-reload script
is injected into responses.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import mimetypes
import os
import queue
import signal
import socket
import sys
import threading
import time
import traceback
import urllib.parse
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sitegen.config import load_config
from sitegen.diagnostics import Level, SitegenError
from sitegen.livereload import (
    CLIENT_URL,
    EVENTS_URL,
    Hub,
    Rebuilder,
    Watcher,
    client_script,
    inject,
    script_tag,
)
from sitegen.pipeline import Builder, BuildOptions, BuildReport
from sitegen.serve_limits import DeadlineReader, HostPolicy, busy_response, refuse_connection
from sitegen.sources import read_input

Echo = Callable[[str, str], None]  # (line, style): style is "", "error", "warning" or "dim"

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".jsonld": "application/ld+json",
    ".xml": "application/xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webmanifest": "application/manifest+json",
    ".ico": "image/x-icon",
    ".gz": "application/gzip",  # as GitHub Pages serves it (no Content-Encoding)
}


TEXT = TYPES[".txt"]


def content_type(name: str) -> str:
    """Fixed types for what sites hold (the system's mime.types differs between machines)."""
    suffix = os.path.splitext(name)[1].lower()
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


# -- requests → files -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Route:
    kind: Literal["file", "redirect", "events", "client", "missing", "bad"]
    target: str = ""  # file: site-relative path ('' or 'dir/' for directories); redirect: Location
    status: int = 0  # redirect: 301 or 302


def route(raw: str, base_path: str) -> Route:
    """Map a request target to a site-relative path, refusing anything that could leave the site."""
    if not raw.startswith("/"):
        return Route("bad")  # absolute-form or '*': a browser never sends those to a dev server
    path, _, query = raw.split("#", 1)[0].partition("?")
    lowered = path.lower()
    if "\\" in path or "%2f" in lowered or "%5c" in lowered or "%00" in lowered:
        return Route("missing")  # encoded separators and NULs name no file of a static site
    try:
        decoded = urllib.parse.unquote(path, errors="strict")  # once: '%252e' stays '%2e'
    except UnicodeDecodeError:
        return Route("bad")
    if "\x00" in decoded or "\\" in decoded:
        return Route("missing")
    if decoded == EVENTS_URL:
        return Route("events")
    if decoded == CLIENT_URL:
        return Route("client")
    suffix = "?" + query if query else ""
    if base_path != "/" and decoded == "/":
        return Route("redirect", base_path + suffix, 302)  # 302: another site may use this port tomorrow
    if decoded == base_path.rstrip("/"):
        return Route("redirect", base_path + suffix, 301)  # the home directory without its slash
    if not decoded.startswith(base_path):
        return Route("missing")
    rest = decoded[len(base_path) :]
    segments = rest.split("/")
    # '' anywhere but last is '//' (or an absolute path after the base); '.' and '..' walk.
    if any(s in ("", ".", "..") for s in segments[:-1]) or segments[-1] in (".", ".."):
        return Route("missing")
    return Route("file", rest)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)


def locate(out: str, rel: str) -> tuple[Literal["file", "slash", "missing"], str]:
    """The real path of the file serving ``rel`` inside ``out`` (a real path), following no
    symlink that leaves it; ``slash`` for a directory asked for without its trailing slash."""
    target = os.path.realpath(os.path.join(out, rel))
    if not _inside(target, out):
        return "missing", ""
    if os.path.isdir(target):
        if rel and not rel.endswith("/"):
            return "slash", ""
        target = os.path.realpath(os.path.join(target, "index.html"))
        if not _inside(target, out):
            return "missing", ""
    elif rel.endswith("/"):
        return "missing", ""
    return ("file", target) if os.path.isfile(target) else ("missing", "")


def read_regular(path: str) -> bytes | None:
    """Read a regular file, or None: as the build reads its inputs (sources.read_input), so a
    symlink swapped in since :func:`locate` is refused and a FIFO is not waited on."""
    return read_input(Path(path), Path(path).parent)[0]


PLAIN_404 = b"<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>404 Not Found</h1>\n<body></body>\n"
TOO_MANY_CONNECTIONS = busy_response("503 Service Unavailable: too many connections at once; try again.\n")


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _HTTPServer
    site: ServedSite
    server_version = "sitegen-serve"

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per rebuild is what the terminal shows, not one per request

    def setup(self) -> None:
        super().setup()
        self.request_timeout = self.server.app.options.request_timeout
        self.rfile.close()  # read the request through a deadline for all of its reads together
        self.rfile = io.BufferedReader(DeadlineReader(self.connection, self.request_timeout))

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _respond(self, head: bool) -> None:
        app = self.server.app
        site = self.site = app.site  # one snapshot per request: a rebuild may replace it
        self.connection.settimeout(self.request_timeout)  # the request is in; now the time per write
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or not app.hosts.allows(hosts[0]):
            self._send(403, app.hosts.explain(hosts[0] if hosts else None), TEXT, head)
            return
        found = route(self.path, site.base_path)
        if found.kind == "events":
            self._events(app.hub, head)
        elif found.kind == "client":
            self._send(200, client_script(), TYPES[".js"], head)
        elif found.kind == "redirect":
            self._redirect(found.status, found.target, head)
        elif found.kind == "bad":
            self._send(400, b"400 Bad Request\n", TEXT, head)
        else:
            build = app.hub.build_id  # before reading: a page newer than its id reloads, never older
            kind, path = locate(site.out, found.target) if found.kind == "file" else ("missing", "")
            if kind == "slash":
                raw = self.path.split("#", 1)[0]
                location, _, query = raw.partition("?")
                self._redirect(301, location + "/" + ("?" + query if query else ""), head)
                return
            body = read_regular(path) if kind == "file" else None
            if body is not None:
                self._send(200, body, content_type(path), head, build, os.path.relpath(path, site.out))
                return
            kind, path = locate(site.out, "404.html")
            page = read_regular(path) if kind == "file" else None
            self._send(404, page or PLAIN_404, "text/html; charset=utf-8", head, build, "404.html")

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str,
        head: bool,
        build: str | None = None,
        served: str = "",
        retry_after: int | None = None,
    ) -> None:
        if build is not None and ctype.startswith("text/html"):
            body = inject(body, script_tag(build, self.site.base_path, Path(served).as_posix()))
        self.send_response(status)
        if retry_after is not None:
            self.send_header("Retry-After", str(retry_after))
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _redirect(self, status: int, location: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _events(self, hub: Hub, head: bool) -> None:
        if head:
            self._send(200, b"", "text/event-stream", head)
            return
        client = hub.subscribe()
        if client is None:
            # The page's script opens a new stream a second after a refused one.
            why = "the server is stopping" if hub.closed else f"{hub.max_clients} pages are open already"
            self._send(503, f"503 Service Unavailable: {why}.\n".encode(), TEXT, head, retry_after=1)
            return
        keepalive = self.server.app.options.keepalive
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            while True:
                try:
                    frame = client.get(timeout=keepalive)
                except queue.Empty:
                    frame = b": keep-alive\n\n"
                if frame is None:
                    break
                self.wfile.write(frame)
        except OSError:
            pass  # the page went away
        finally:
            hub.unsubscribe(client)


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: DevServer) -> None:
        self.app = app
        self.slots = threading.BoundedSemaphore(app.options.max_connections)
        super().__init__(address, _Handler)

    def process_request(self, request: socket.socket, client_address: Any) -> None:  # type: ignore[override]
        if not self.slots.acquire(blocking=False):
            refuse_connection(request, TOO_MANY_CONNECTIONS)  # no thread for it: answer and close
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()  # no thread started
            raise

    def process_request_thread(self, request: socket.socket, client_address: Any) -> None:  # type: ignore[override]
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a page closed mid-response: not news
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


# -- the server -----------------------------------------------------------------------------------


@dataclass
class ServeOptions:
    root: Path
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str | None = None
    quiet: float = 0.05  # a burst of changes ends after this long without a new one…
    max_delay: float = 1.0  # …or this long after its first change
    # Limits: each open page holds one connection (its event stream), so a busy editor
    # with many tabs still leaves half the threads for the requests of the pages.
    max_connections: int = 128  # threads at once; more connections are answered 503 at once
    max_streams: int = 64  # live-reload event streams at once; more are answered 503
    request_timeout: float = 15.0  # for a request's head to arrive, and for each write
    keepalive: float = 15.0  # seconds between comments on an idle event stream (finds closed pages)


@dataclass(frozen=True, slots=True)
class ServedSite:
    out: str  # real path of the output folder
    base_path: str


@dataclass
class BuildOutcome:
    """What one build did, for the terminal line, the pages and tests."""

    number: int
    changes: list[str]  # site-relative source paths that caused it (empty: the first build)
    report: BuildReport | None  # None when the build raised
    errors: list[str] = field(default_factory=list)  # 'path:line: ERROR: message [code]' lines
    changed: list[str] = field(default_factory=list)  # output paths written or removed
    build_id: str = ""
    seconds: float = 0.0


def _describe(changes: list[str]) -> str:
    if not changes:
        return "first build"
    if len(changes) == 1:
        return f"{changes[0]} changed"
    shown = ", ".join(changes[:3]) + (", …" if len(changes) > 3 else "")
    return f"{len(changes)} files changed ({shown})"


class DevServer:
    """``start()`` builds, then serves and watches; ``stop()`` ends it all. Also a context manager."""

    def __init__(
        self,
        options: ServeOptions,
        echo: Echo | None = None,
        on_build: Callable[[BuildOutcome], None] | None = None,
        verbosity: int = 0,
    ) -> None:
        self.options = options
        self.root = options.root.resolve()
        self.echo: Echo = echo or (lambda line, style: print(line, flush=True))
        self.on_build = on_build
        self.verbosity = verbosity
        # search=False: Pagefind stays out of the edit loop (the last index is kept).
        self.builder = Builder(
            BuildOptions(
                root=self.root,
                base_url=options.base_url,
                search=False,
                jobs=1,
                patchable=True,
                record_moves=False,
            )
        )
        self.hub = Hub(options.max_streams)
        self.hosts = HostPolicy(options.host)
        self.site = self._fallback_site()
        self.outcomes = 0
        # The build state and manifest are saved once the pages reloaded and edits paused: a
        # save takes longer than a patch, and would delay the next edit's reload.
        self.rebuilder = Rebuilder(
            self._build, options.quiet, options.max_delay, self._close_state, self.builder.flush
        )
        self.watcher = Watcher(self.root, self.rebuilder.notify)
        self.httpd: _HTTPServer | None = None
        self.thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------------
    def bind(self) -> None:
        """Listen on the port; raises OSError when it is taken. ``start()`` binds if not done yet."""
        if self.httpd is None:
            family = _HTTPServer6 if ":" in self.options.host else _HTTPServer
            self.httpd = family((self.options.host, self.options.port), self)

    def start(self) -> str:
        """Bind (a busy port fails before any build), build once, serve; returns the site's URL."""
        self.bind()
        assert self.httpd is not None
        self.watcher.start()  # before the first build: a change made during it is not lost
        self.rebuilder.start()
        self.rebuilder.first_build.wait()
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="sitegen-http", daemon=True
        )
        self.thread.start()
        return self.url

    def stop(self) -> None:
        """Stop watching, finish the build in progress, close every event stream and the socket.

        Safe to call more than once, and after a ``start()`` that failed half-way.
        """
        self.watcher.stop()
        self.rebuilder.stop()
        self.hub.close()
        if self.httpd is not None:
            if self.thread is not None:
                self.httpd.shutdown()
                self.thread.join(timeout=5)
                self.thread = None
            self.httpd.server_close()

    def __enter__(self) -> DevServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> tuple[str, int]:
        assert self.httpd is not None
        host, port = self.httpd.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.address
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}{self.site.base_path}"

    # -- building (on the rebuild worker) ------------------------------------------------------------
    def _fallback_site(self) -> ServedSite:
        # What to serve while the configuration is broken: the default output under '/'.
        base = "/"
        if self.options.base_url is not None:
            base = "/" + urllib.parse.urlsplit(self.options.base_url).path.strip("/") + "/"
        return ServedSite(os.path.realpath(self.root / "_site"), base.replace("//", "/"))

    def _build(self, changes: list[str]) -> None:
        started = time.perf_counter()
        report: BuildReport | None = None
        try:
            # The watcher names every change since the last build: edits of article texts
            # patch the last build instead of planning every page again (patch.py).
            report = self.builder.build(changes if self.outcomes else None)
        except SitegenError as exc:
            errors = [d.format() for d in exc.diagnostics]
        except Exception as exc:  # a bug in sitegen: keep serving, show where
            self.echo(traceback.format_exc().rstrip(), "error")
            errors = [f"ERROR: sitegen failed: {exc!r}; the traceback is in the terminal [internal-error]"]
        else:
            errors = [d.format() for d in report.log.sorted() if d.level == Level.ERROR]
            self._update_site(report)
        changed = sorted({*report.write.written, *report.write.removed}) if report else []
        self.outcomes += 1
        outcome = BuildOutcome(
            self.outcomes, changes, report, errors, changed, self._build_id(), time.perf_counter() - started
        )
        self.hub.publish(outcome.build_id, "\n".join(errors), changed)  # files are written by now
        self._print(outcome)
        if self.on_build is not None:
            self.on_build(outcome)

    def _update_site(self, report: BuildReport) -> None:
        try:
            base_path = load_config(self.root, self.options.base_url).base_path
        except SitegenError:
            return
        if report.output is not None:
            moved = self.rebuilder.first_build.is_set() and base_path != self.site.base_path
            self.site = ServedSite(os.path.realpath(report.output), base_path)
            if moved:
                self.echo(f"The base path is now {base_path}: the site is at {self.url}", "")

    def _build_id(self) -> str:
        # A digest of the manifest's entries: same outputs, same id, even across restarts.
        return self.builder.output_id()

    def _print(self, outcome: BuildOutcome) -> None:
        stamp = time.strftime("%H:%M:%S")
        report = outcome.report
        what = _describe(outcome.changes)
        if report is None:
            line = f"[{stamp}] {what}: build failed in {outcome.seconds:.2f} s"
        else:
            line = (
                f"[{stamp}] {what}: {len(report.rendered)} page(s) rendered, {len(outcome.changed)} "
                f"changed in {outcome.seconds:.2f} s"
            )
        if outcome.errors:
            line += f" ({len(outcome.errors)} error(s))"
        self.echo(line, "error" if outcome.errors else "")
        shown = outcome.errors
        if report is not None and outcome.number == 1:  # like 'sitegen build'; later builds: errors only
            least = {-1: Level.ERROR, 0: Level.WARNING}.get(self.verbosity, Level.INFO)
            shown = [d.format() for d in report.log.sorted() if d.level >= least]
        for text in shown:
            self.echo(text, "error" if ": ERROR: " in text or text.startswith("ERROR") else "warning")

    def _close_state(self) -> None:
        if self.builder.memory.state is not None:
            self.builder.memory.state.close()  # on the worker: sqlite connections belong to their thread


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(options: ServeOptions, echo: Echo, open_browser: bool = False, verbosity: int = 0) -> int:
    """The ``sitegen serve`` command: serve until Ctrl-C; returns the exit status."""
    server = DevServer(options, echo, verbosity=verbosity)
    try:
        server.bind()
    except OSError as exc:
        echo(
            f"cannot listen on {options.host}:{options.port}: {exc.strerror or exc}; try another --port",
            "error",
        )
        return 1
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main else None  # 'kill' stops cleanly too
    try:
        try:
            url = server.start()
        except OSError as exc:  # no such folder, or the system's limit of watches reached
            echo(f"cannot watch {options.root}: {exc}", "error")
            return 1
        echo(f"Serving {server.site.out} at {url} (Ctrl-C to stop)", "")
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        threading.Event().wait()  # until Ctrl-C
    except KeyboardInterrupt:
        echo("Stopping…", "dim")
    finally:
        with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C: don't wait for the build
            server.stop()
        if main:
            signal.signal(signal.SIGTERM, previous)
    return 0
