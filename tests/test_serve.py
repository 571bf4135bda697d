"""``sitegen serve``: a real server on a free port, real file-system events, real Chromium.

Request tests share one read-only server per base path (module scope); tests that
change files start their own. Every wait is on a condition with a timeout.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sitegen.livereload import Rebuilder, Watcher, ignored_name
from sitegen.serve import BuildOutcome, DevServer, ServeOptions, route

from .conftest import REPO_ROOT, SampleSite, make_sample_site

SEED = "date 2021-03-15 The mayor of Saltmere opened the spring fair.\n\nStalls lined the quay all day.\n"
ENTITY = '---\nname: Saltmere\nkind: place\ndescription: "A small harbour town."\n---\n'
ENTITY_PATH = "content/entities/saltmere.md"
SECRET = "TOP-SECRET-7f3a9c: never served"


def config(base_url: str) -> str:
    return f'title = "Serve test"\ndescription = "A site for sitegen serve."\nbase_url = "{base_url}"\n'


def live_site(root: Path, base_url: str = "https://example.github.io/archive/", **files: str) -> SampleSite:
    return make_sample_site(root, {"fair": SEED}, config(base_url), {ENTITY_PATH: ENTITY, **files})


def article_rel(out: Path) -> str:
    pages = sorted(out.glob("2021/*/*/*/index.html"))
    assert pages, "the test site built no article page"
    return pages[0].relative_to(out).as_posix()


# How long a test waits for something that takes milliseconds on an idle machine: generous,
# since a loaded machine (two cores, many test processes) can be a hundred times slower.
WAIT = 60.0
BROWSER_WAIT = int(WAIT * 1000)  # Playwright's timeouts are in milliseconds


def wait_for(condition: Callable[[], Any], timeout: float = WAIT, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


class Recorder:
    """Collects the server's printed lines and build outcomes; waits on them."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.outcomes: list[BuildOutcome] = []
        self.lines: list[str] = []

    def echo(self, line: str, style: str) -> None:
        self.lines.append(line)

    def on_build(self, outcome: BuildOutcome) -> None:
        with self.cond:
            self.outcomes.append(outcome)
            self.cond.notify_all()

    def wait_build(self, after: int, timeout: float = WAIT) -> BuildOutcome:
        """The first build after the first ``after`` ones."""
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.outcomes) > after, timeout), (
                f"no build after #{after} within {timeout} s; printed: {self.lines}"
            )
            return self.outcomes[after]

    def settle(self, quiet: float = 0.6, timeout: float = WAIT) -> int:
        """Wait until no build has finished for ``quiet`` seconds; returns the number of builds."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                count = len(self.outcomes)
                self.cond.wait(quiet)
                if len(self.outcomes) == count:
                    return count
                assert time.monotonic() < deadline, "builds never settled"


@contextlib.contextmanager
def serving(root: Path, **options: Any) -> Iterator[tuple[DevServer, Recorder]]:
    recorder = Recorder()
    # A burst of changes ends after 0.2 s without one (not sitegen's 0.05 s): a write that a
    # loaded machine pauses between truncating and filling a file must still be one change.
    options = {"port": 0, "quiet": 0.2, **options}
    server = DevServer(ServeOptions(root=root, **options), recorder.echo)
    server.on_build = recorder.on_build
    with server:
        yield server, recorder


def request(
    port: int, target: str, method: str = "GET", headers: str = "Host: 127.0.0.1\r\n"
) -> tuple[int, dict[str, str], bytes]:
    """A raw HTTP/1.0 request: the target is sent exactly as given (no client normalisation)."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(f"{method} {target} HTTP/1.0\r\n{headers}\r\n".encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return parse_response(data)


def parse_response(data: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


class EventStream:
    """A Server-Sent Events client on a raw socket."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.sock.sendall(b"GET /__sitegen__/events HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        self.buffer = b""
        head = self._until(b"\r\n\r\n", time.monotonic() + WAIT)
        assert b" 200 " in head.split(b"\r\n")[0] and b"text/event-stream" in head

    def _until(self, separator: bytes, deadline: float) -> bytes:
        while separator not in self.buffer:
            # One deadline for all reads: keep-alive comments must not extend the wait.
            self.sock.settimeout(max(deadline - time.monotonic(), 0.001))
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the event stream closed")
            self.buffer += chunk
        frame, self.buffer = self.buffer.split(separator, 1)
        return frame

    def next(self, timeout: float = WAIT) -> tuple[str, dict[str, Any]]:
        import json

        deadline = time.monotonic() + timeout
        while True:
            event, data = "message", None
            for line in self._until(b"\n\n", deadline).decode("utf-8").split("\n"):
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data = json.loads(line[6:])
            if data is not None:  # comments (keep-alives) and 'retry:' carry no data
                return event, data

    def close(self) -> None:
        self.sock.close()


# --------------------------------------------------------------------------- routing (pure)


@pytest.mark.parametrize(
    ("raw", "base", "expected"),
    [
        ("/", "/", ("file", "")),
        ("/a/b/?q=1#f", "/", ("file", "a/b/")),
        ("/archive/x.css", "/archive/", ("file", "x.css")),
        ("/", "/archive/", ("redirect", "/archive/")),
        ("/archive?x=1", "/archive/", ("redirect", "/archive/?x=1")),
        ("/other/", "/archive/", ("missing", "")),
        ("/%2e%2e/x", "/", ("missing", "")),
        ("/a%2fb", "/", ("missing", "")),
        ("/%252e%252e/x", "/", ("file", "%2e%2e/x")),  # decoded once: a literal name, no such file
        ("/a/./b", "/", ("missing", "")),
        ("/a//b", "/", ("missing", "")),
        ("/%c0%ae%c0%ae/", "/", ("bad", "")),
        ("http://evil.example/", "/", ("bad", "")),
        ("/__sitegen__/events", "/archive/", ("events", "")),
    ],
)
def test_route(raw: str, base: str, expected: tuple[str, str]) -> None:
    found = route(raw, base)
    assert (found.kind, found.target) == expected


def test_editor_temp_files_are_ignored() -> None:
    for name in (".fair.txt.swp", "fair.txt~", ".#fair.txt", "4913", ".git", "x.swx"):
        assert ignored_name(name), name
    assert not ignored_name("fair.txt")


# --------------------------------------------------------------------------- requests (read-only server)


@pytest.fixture(scope="module", params=["/", "https://example.github.io/archive/"], ids=["root", "archive"])
def static_server(request: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DevServer, Path]]:
    tmp = tmp_path_factory.mktemp("serve")
    site = live_site(
        tmp / "site",
        request.param,
        **{
            "static/feed.xml": "<?xml version='1.0'?><feed/>",
            "static/data.json": "{}",
            "static/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        },
    )
    (site.root / "secret.txt").write_text(SECRET)  # next to the output folder
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    with serving(site.root) as (server, _recorder):
        out = site.out
        # Symlinks made after the build (the server never rebuilds here): two lead outside.
        (out / "leak.txt").symlink_to("../secret.txt")
        (out / "leakdir").symlink_to(outside, target_is_directory=True)
        (out / "etc").symlink_to("/etc", target_is_directory=True)
        (out / "alias.css").symlink_to("assets/style.css")  # inside: allowed
        assert (out / "leak.txt").read_text() == SECRET  # the links do reach the secret on disk
        yield server, out


ESCAPES = [
    "../secret.txt",
    "../../secret.txt",
    "..%2fsecret.txt",
    "..%2f..%2fetc/passwd",
    "%2e%2e/secret.txt",
    "%2E%2E/%2e%2e/etc/passwd",
    "%252e%252e/secret.txt",
    "%252e%252e%252fsecret.txt",
    "..\\secret.txt",
    "..%5csecret.txt",
    "%5c..%5csecret.txt",
    "./../secret.txt",
    "assets/../../secret.txt",
    "assets/%2e%2e/%2e%2e/secret.txt",
    "%2e%2e%2f%2e%2e%2fsecret.txt",
    "%c0%ae%c0%ae/secret.txt",
    "..%00/secret.txt",
    "leak.txt",
    "leakdir/secret.txt",
    "leakdir/",
    "etc/passwd",
    "/etc/passwd",
    "//etc/passwd",
]


@pytest.mark.parametrize("attack", ESCAPES)
def test_path_traversal_never_escapes(static_server: tuple[DevServer, Path], attack: str) -> None:
    server, _out = static_server
    port = server.address[1]
    targets = [server.site.base_path + attack, "/" + attack]
    for target in targets:
        status, _headers, body = request(port, target)
        assert status in (400, 404), f"{target} → {status}"
        assert SECRET.encode() not in body and b"root:x:0:0" not in body, target


@pytest.mark.parametrize(
    "target",
    [
        "//etc/passwd",
        "///etc/passwd",
        "/%2e%2e/secret.txt",
        "/\\..\\secret.txt",
        "/a\x00b",
        "http://127.0.0.1/",
    ],
)
def test_absolute_and_odd_targets(static_server: tuple[DevServer, Path], target: str) -> None:
    server, _out = static_server
    status, _headers, body = request(server.address[1], target)
    assert status in (400, 404) and SECRET.encode() not in body


def test_symlink_inside_the_output_is_served(static_server: tuple[DevServer, Path]) -> None:
    server, out = static_server
    status, _headers, body = request(server.address[1], server.site.base_path + "alias.css")
    assert status == 200 and body == (out / "assets/style.css").read_bytes()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("article", "text/html; charset=utf-8"),
        ("assets/style.css", "text/css; charset=utf-8"),
        ("assets/reading.js", "text/javascript; charset=utf-8"),
        ("annotations.jsonld.gz", "application/gzip"),
        ("fair.txt", "text/plain; charset=utf-8"),
        ("assets/feed.xml", "application/xml; charset=utf-8"),
        ("assets/data.json", "application/json"),
        ("assets/logo.svg", "image/svg+xml"),
    ],
)
def test_content_types(static_server: tuple[DevServer, Path], name: str, expected: str) -> None:
    server, out = static_server
    article = article_rel(out)
    rel = {"article": article, "annotations.jsonld.gz": "", "fair.txt": ""}.get(name, name)
    if rel == "":
        rel = article.removesuffix("index.html") + name
    status, headers, body = request(server.address[1], server.site.base_path + rel)
    assert status == 200
    assert headers["content-type"] == expected
    assert headers["cache-control"] == "no-store"
    if name != "article":
        assert body == (out / rel).read_bytes()  # only HTML gets the script


def test_html_is_injected_at_serve_time_only(static_server: tuple[DevServer, Path]) -> None:
    server, out = static_server
    rel = article_rel(out)
    _status, headers, body = request(server.address[1], server.site.base_path + rel)
    disk = (out / rel).read_bytes()
    tag = re.search(rb'<script src="/__sitegen__/livereload\.js"[^>]*defer></script>', body)
    assert tag is not None and body.replace(tag.group(0), b"") == disk
    assert body.index(tag.group(0)) < body.rindex(b"</body>")
    assert int(headers["content-length"]) == len(body)
    assert not any(b"__sitegen__" in p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert not (out / "__sitegen__").exists()


def test_directory_urls(static_server: tuple[DevServer, Path]) -> None:
    server, _out = static_server
    base, port = server.site.base_path, server.address[1]
    status, headers, _body = request(port, base + "entities?sort=name")
    assert (status, headers["location"]) == (301, base + "entities/?sort=name")
    status, _headers, body = request(port, base + "entities/")
    assert status == 200 and b"Saltmere" in body
    status, _headers, _body = request(port, base + "entities/index.html/")
    assert status == 404


def test_not_found_gets_the_404_page(static_server: tuple[DevServer, Path]) -> None:
    server, _out = static_server
    status, headers, body = request(server.address[1], server.site.base_path + "no/such/page/")
    assert status == 404 and b"Page not found" in body and b"livereload.js" in body
    assert headers["content-type"] == "text/html; charset=utf-8"
    status, _headers, body = request(server.address[1], server.site.base_path + "no/such/page/", "HEAD")
    assert status == 404 and body == b""


def test_base_path_like_production(static_server: tuple[DevServer, Path]) -> None:
    server, _out = static_server
    port = server.address[1]
    if server.site.base_path == "/":
        assert server.url.endswith(f":{port}/")
        assert request(port, "/")[0] == 200
        return
    assert server.url.endswith(f":{port}/archive/")
    status, headers, _body = request(port, "/")
    assert (status, headers["location"]) == (302, "/archive/")
    status, headers, _body = request(port, "/archive")
    assert (status, headers["location"]) == (301, "/archive/")
    status, _headers, body = request(port, "/archive/")
    assert status == 200 and b"Serve test" in body
    status, _headers, body = request(port, "/entities/")  # outside the base path
    assert status == 404 and b"Page not found" in body


def test_binds_to_loopback_by_default(static_server: tuple[DevServer, Path]) -> None:
    server, _out = static_server
    assert server.address[0] == "127.0.0.1"
    from sitegen.cli import serve_command

    host = next(p for p in serve_command.params if p.name == "host")
    assert host.default == "127.0.0.1"


# --------------------------------------------------------------------------- rebuilds (own servers)


@pytest.fixture
def site(tmp_path: Path) -> SampleSite:
    return live_site(tmp_path / "site")


def test_reload_event_comes_after_the_files_are_written(site: SampleSite) -> None:
    with serving(site.root) as (server, recorder):
        stream = EventStream(server.address[1])
        event, hello = stream.next()
        assert event == "hello" and hello == {"build": server.hub.build_id, "errors": ""}
        rel = article_rel(site.out)
        site.seed("fair", SEED.replace("the quay", "the harbour wall"))
        event, data = stream.next()
        assert event == "ok" and rel in data["changed"] and data["build"] != hello["build"]
        assert "the harbour wall" in (site.out / rel).read_text()  # already on disk at the event
        _status, _headers, body = request(server.address[1], server.site.base_path + rel)
        assert f'data-build="{data["build"]}"'.encode() in body
        outcome = recorder.outcomes[-1]
        assert outcome.changes == ["seeds/fair.txt"] and outcome.report is not None
        assert outcome.report.analysed == ["fair"]  # incremental, same Builder
        assert any("seeds/fair.txt changed" in line for line in recorder.lines)
        stream.close()


def test_errors_are_sent_and_cleared(site: SampleSite) -> None:
    with serving(site.root) as (server, recorder):
        stream = EventStream(server.address[1])
        assert stream.next()[0] == "hello"
        site.write(ENTITY_PATH, ENTITY.replace("kind: place", "kind: planet"))
        event, data = stream.next()
        assert event == "error"
        assert (
            f"{ENTITY_PATH}:3: ERROR: kind 'planet'" in data["errors"] and "[entity-kind]" in data["errors"]
        )
        late = EventStream(server.address[1])  # a page opened now sees the errors at once
        event, hello = late.next()
        assert event == "hello" and hello["errors"] == data["errors"]
        site.write(ENTITY_PATH, ENTITY)
        event, data = stream.next()
        assert (event, data["errors"]) == ("ok", "")
        assert any("1 error(s)" in line for line in recorder.lines)
        stream.close()
        late.close()


def test_broken_config_keeps_the_server_running(site: SampleSite) -> None:
    with serving(site.root) as (server, _recorder):
        stream = EventStream(server.address[1])
        assert stream.next()[0] == "hello"
        good = (site.root / "sitegen.toml").read_text()
        site.write("sitegen.toml", good + "titel = 'typo'\n")
        event, data = stream.next()
        assert event == "error" and "sitegen.toml:4: ERROR: unknown key 'titel'" in data["errors"]
        assert request(server.address[1], server.site.base_path)[0] == 200  # the last good site
        site.write("sitegen.toml", good)
        assert stream.next()[0] == "ok"
        stream.close()


def test_a_crash_in_the_build_is_reported_and_survived(site: SampleSite, monkeypatch: Any) -> None:
    with serving(site.root) as (server, recorder):
        real = server.builder.build

        def broken(changes: object = None) -> Any:
            raise RuntimeError("boom")

        monkeypatch.setattr(server.builder, "build", broken)
        site.seed("fair", SEED + "\nMore.\n")
        outcome = recorder.wait_build(1)
        assert outcome.report is None and "RuntimeError('boom')" in outcome.errors[0]
        assert any("Traceback" in line for line in recorder.lines)
        monkeypatch.setattr(server.builder, "build", real)
        site.seed("fair", SEED + "\nMore still.\n")
        assert recorder.wait_build(2).errors == []


def test_a_burst_of_writes_causes_one_rebuild(site: SampleSite) -> None:
    # max_delay 5 s: on a loaded machine writing 200 files can take longer than sitegen's 1 s.
    with serving(site.root, max_delay=5.0) as (_server, recorder):
        burst = site.root / "static" / "burst"
        burst.mkdir(parents=True)
        for i in range(200):
            (burst / f"f{i:03d}.txt").write_text(f"file {i}\n")
        last = site.out / "assets/burst/f199.txt"
        # Waited for before counting: a loaded machine can pause longer between two builds than
        # settle() waits. (Builds may name the new folder rather than its files: no events for
        # files made before the folder's watch began.)
        wait_for(lambda: last.is_file() and last.read_text() == "file 199\n", what="the burst copied")
        builds = recorder.settle() - 1
        assert 1 <= builds <= 2, [o.changes[:3] for o in recorder.outcomes]
        before = len(recorder.outcomes)
        for i in range(200):  # touch
            os.utime(burst / f"f{i:03d}.txt")
        recorder.wait_build(before)
        assert 1 <= recorder.settle() - before <= 2


def test_ignored_files_cause_no_rebuild(site: SampleSite) -> None:
    with serving(site.root) as (_server, recorder):
        (site.root / ".git").mkdir()
        for rel in (
            "seeds/.fair.txt.swp",
            "seeds/4913",
            "seeds/fair.txt~",
            "content/.#saltmere.md",
            ".git/index",
            ".sitegen/other",
            "_site/extra.tmp",
            "notes.txt",
        ):
            (site.root / rel).write_text("x")
        (site.root / "_site/extra.tmp").unlink()  # not ours: the next build would refuse the folder
        site.write("content/pages/about.md", "---\ntitle: About\n---\nHello.\n")
        recorder.wait_build(1)
        recorder.settle(0.4)
        for outcome in recorder.outcomes[1:]:  # one build, or two if a loaded machine paused the write
            assert set(outcome.changes) <= {"content/pages", "content/pages/about.md"}, outcome.changes


def test_folders_created_later_are_watched(site: SampleSite) -> None:
    with serving(site.root) as (server, recorder):
        assert not (site.root / "static").exists()
        (site.root / "static").mkdir()
        (site.root / "static/late.css").write_text("body{}")
        wait_for(lambda: (site.out / "assets/late.css").is_file(), what="static/late.css copied")
        (site.root / "static/sub").mkdir()
        (site.root / "static/sub/deeper.css").write_text("p{}")  # the new watch is recursive
        wait_for(
            lambda: any("static/sub/deeper.css" in o.changes for o in recorder.outcomes),
            what="a build for static/sub/deeper.css",
        )
        assert (site.out / "assets/sub/deeper.css").is_file()
        status, headers, _body = request(server.address[1], server.site.base_path + "assets/late.css")
        assert status == 200 and headers["content-type"].startswith("text/css")


def test_plain_404_without_a_404_page(site: SampleSite) -> None:
    with serving(site.root) as (server, _recorder):
        (site.out / "404.html").unlink()
        status, _headers, body = request(server.address[1], server.site.base_path + "nothing/")
        assert status == 404 and b"404 Not Found" in body
        (site.root / "secret.txt").write_text(SECRET)
        (site.out / "404.html").symlink_to("../secret.txt")  # the not-found page is no way out either
        status, _headers, body = request(server.address[1], server.site.base_path + "nothing/")
        assert status == 404 and b"404 Not Found" in body and SECRET.encode() not in body


# --------------------------------------------------------------------------- the rebuild worker


def test_changes_during_a_build_cause_exactly_one_more() -> None:
    running = threading.Event()
    release = threading.Event()
    batches: list[list[str]] = []
    active = [0, 0]  # now, most at once

    def build(changes: list[str]) -> None:
        active[0] += 1
        active[1] = max(active)
        batches.append(changes)
        if len(batches) == 2:
            running.set()
            release.wait(WAIT)
        active[0] -= 1

    worker = Rebuilder(build, quiet=0.02, max_delay=0.5)
    worker.start()
    assert worker.first_build.wait(WAIT)
    worker.notify("seeds/a.txt")
    assert running.wait(WAIT)  # build 2 runs: now change files while it does
    for i in range(50):
        worker.notify(f"seeds/{i}.txt")
    release.set()
    wait_for(lambda: len(batches) >= 3, what="the build after the busy one")
    time.sleep(0.2)  # a fourth build would have started by now (on a loaded machine: maybe not)
    assert worker.stop(WAIT)
    assert len(batches) == 3 and len(batches[2]) == 50 and active[1] == 1


def test_a_steady_stream_of_changes_still_builds() -> None:
    batches: list[list[str]] = []
    worker = Rebuilder(batches.append, quiet=0.5, max_delay=0.2)
    worker.start()
    deadline = time.monotonic() + WAIT
    # A change every 10 ms: never quiet for 0.5 s (on a loaded machine a sleep may last far
    # longer than asked, hence the long quiet time). Builds come all the same, max_delay apart.
    while len(batches) < 3 and time.monotonic() < deadline:
        worker.notify("content/x.md")
        time.sleep(0.01)
    assert worker.stop(WAIT)
    assert len(batches) >= 3  # the first build, then more while the changes never paused


def test_bookkeeping_waits_for_a_pause_in_the_edits_and_runs_before_exit() -> None:
    """serve saves the build state when edits pause, not between two quick edits' reloads."""
    events: list[str] = []
    worker = Rebuilder(
        lambda changes: events.append("build"),
        quiet=0.02,
        max_delay=0.5,
        idle=lambda: events.append("idle"),
        idle_after=2.0,  # far longer than the 0.1 s between edits, even on a loaded machine
    )
    worker.start()
    wait_for(lambda: events == ["build", "idle"], what="the bookkeeping after the first build")
    for edit in range(1, 4):  # edits 0.1 s apart: no pause of 2 s between them
        worker.notify("seeds/a.txt")
        wait_for(lambda n=1 + edit: events.count("build") == n, what=f"build {1 + edit}")
        time.sleep(0.1)
    assert events == ["build", "idle", "build", "build", "build"]
    wait_for(lambda: events[-1] == "idle", what="the bookkeeping after the pause")
    worker.notify("seeds/a.txt")
    wait_for(lambda: events.count("build") == 5, what="build 5")
    assert worker.stop(WAIT)  # at once: the bookkeeping runs before the worker ends
    assert events[-2:] == ["build", "idle"] and events.count("idle") == 3


def test_watcher_reports_site_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    seen: list[str] = []
    watcher = Watcher(tmp_path, seen.append)
    assert watcher.relevant(str(tmp_path / "seeds/a.txt")) == "seeds/a.txt"
    assert watcher.relevant(str(tmp_path / "sitegen.toml")) == "sitegen.toml"
    assert watcher.relevant(str(tmp_path / "_site/index.html")) is None
    assert watcher.relevant(str(tmp_path / "themes/x/.git/HEAD")) is None
    watcher.start()
    try:
        (tmp_path / "seeds/a.txt").write_text("x")
        wait_for(lambda: "seeds/a.txt" in seen, what="the watcher to report seeds/a.txt")
    finally:
        watcher.stop()


# --------------------------------------------------------------------------- the command


class OutputLines:
    """A subprocess's output, read line by line on a thread; waits on a condition, never polls."""

    def __init__(self, stream: Any) -> None:
        self.cond = threading.Condition()
        self.lines: list[str] = []
        self.ended = False
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream: Any) -> None:
        for line in stream:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.ended = True
            self.cond.notify_all()

    def wait_line(self, prefix: str, timeout: float = WAIT) -> str:
        def found() -> str | None:
            return next((line for line in self.lines if line.startswith(prefix)), None)

        with self.cond:
            self.cond.wait_for(lambda: found() is not None or self.ended, timeout)
            line = found()
        assert line is not None, f"no line starting {prefix!r} within {timeout} s: {''.join(self.lines)}"
        return line

    def wait_end(self, timeout: float = WAIT) -> str:
        with self.cond:
            assert self.cond.wait_for(lambda: self.ended, timeout), "the output never ended"
            return "".join(self.lines)


def test_cli_prints_the_url_opens_it_and_stops_cleanly_on_ctrl_c(site: SampleSite, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    fake_browser = tmp_path / "browser.py"  # webbrowser runs $BROWSER with the URL for %s
    # Written under another name, then renamed: the test never reads a half-written file.
    fake_browser.write_text(
        "import os, sys, pathlib\n"
        f"pathlib.Path({str(opened)!r} + '.part').write_text(sys.argv[1])\n"
        f"os.replace({str(opened)!r} + '.part', {str(opened)!r})\n"
    )
    proc = subprocess.Popen(
        # -X faulthandler: a server that does not stop prints where each thread is (below)
        [
            sys.executable,
            "-X",
            "faulthandler",
            "-m",
            "sitegen",
            "serve",
            "--source",
            str(site.root),
            "--port",
            "0",
            "--open",
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "COLUMNS": "200",
            "BROWSER": f"{sys.executable} {fake_browser} %s",
        },
    )
    try:
        output = OutputLines(proc.stderr)
        # Printed once the first build is done and the socket serves: the readiness signal.
        serving_line = output.wait_line("Serving ", timeout=2 * WAIT)  # a fresh interpreter and a build
        url = re.search(r"http://127\.0\.0\.1:(\d+)/archive/", serving_line)
        assert url, serving_line
        port = int(url.group(1))
        assert request(port, "/archive/")[0] == 200
        wait_for(lambda: opened.is_file(), what="--open to open the URL")
        assert opened.read_text() == url.group(0)
        stream = EventStream(port)
        assert stream.next()[0] == "hello"
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(2 * WAIT)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)  # faulthandler writes every thread's stack
            pytest.fail(f"serve did not stop on Ctrl-C:\n{output.wait_end()}")
        assert proc.returncode == 0
        text = output.wait_end()
        with pytest.raises((EOFError, ConnectionResetError)):  # not TimeoutError: a hanging stream
            stream.next()  # the event stream was closed, not left hanging
        stream.close()
        assert "Traceback" not in text, text
        assert "first build" in text and "Stopping" in text
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_reports_a_busy_port(site: SampleSite) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "sitegen", "serve", "--source", str(site.root), "--port", str(port)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1 and "cannot listen" in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- in Chromium


def reloaded(page: Any) -> bool:
    """True once the page is a new document (the marker set on the old one is gone)."""
    from playwright.sync_api import Error

    try:
        return bool(page.evaluate("window.__before === undefined"))
    except Error:  # navigating right now
        return False


@pytest.mark.browser
def test_browser_reloads_shows_errors_and_reconnects(page: Any, site: SampleSite) -> None:
    from playwright.sync_api import expect

    rel = ""
    with serving(site.root) as (server, recorder):
        rel = article_rel(site.out)
        port = server.address[1]
        page.goto(server.url + rel.removesuffix("index.html"))
        main = page.locator("main")
        expect(main).to_contain_text("Stalls lined the quay")
        wait_for(lambda: server.hub.clients == 1, WAIT, "the page's event stream")
        page.evaluate("window.__before = true")

        # An edit to the seed: the page reloads by itself and shows the new text.
        started = time.monotonic()
        site.seed("fair", SEED.replace("the quay", "the harbour wall"))
        expect(main).to_contain_text("Stalls lined the harbour wall", timeout=BROWSER_WAIT)
        recorder.lines.append(f"reload seen after {time.monotonic() - started:.2f} s")
        assert reloaded(page)  # a reload, not a patch

        # A broken entity: the overlay names the file and line; a page opened now shows it at once.
        site.write(ENTITY_PATH, ENTITY.replace("kind: place", "kind: planet"))
        overlay = page.get_by_role("alertdialog", name="Build error")
        expect(overlay).to_be_visible(timeout=BROWSER_WAIT)
        expect(overlay.locator("pre")).to_contain_text(f"{ENTITY_PATH}:3: ERROR: kind 'planet'")
        other = page.context.new_page()
        other.goto(server.url + "entities/")
        expect(other.get_by_role("alertdialog", name="Build error")).to_be_visible(timeout=BROWSER_WAIT)

        # Fixed: the overlay goes away on both pages.
        site.write(ENTITY_PATH, ENTITY)
        expect(overlay).to_have_count(0, timeout=BROWSER_WAIT)
        expect(other.get_by_role("alertdialog", name="Build error")).to_have_count(0, timeout=BROWSER_WAIT)

        # A stylesheet change reloads every page, also those whose HTML did not change.
        page.evaluate("window.__before = true")
        other.evaluate("window.__before = true")
        site.write("static/style.css", (REPO_ROOT / "themes/default/static/style.css").read_text() + "\n")
        wait_for(lambda: reloaded(other), WAIT, "the entities page to reload")
        wait_for(lambda: reloaded(page), WAIT, "the article page to reload")
        recorder.settle(0.3)
        page.wait_for_load_state()
        page.evaluate("window.__before = true")

    # The server goes away; the seed changes meanwhile; a new server on the same port comes back.
    site.seed("fair", SEED.replace("the quay", "the new pier"))
    with serving(site.root, port=port) as (server, _recorder):
        expect(page.locator("main")).to_contain_text("Stalls lined the new pier", timeout=BROWSER_WAIT)
        assert reloaded(page)
        other.close()


def test_a_template_error_heads_the_overlay_and_the_open_page_stays(site: SampleSite) -> None:
    theme_article = (REPO_ROOT / "themes/default/templates/article.html").read_text(encoding="utf-8")
    broken = theme_article.replace('{% if block.role == "heading" %}', '{% if block.role == "heading" }')
    assert broken != theme_article
    with serving(site.root) as (server, _recorder):
        stream = EventStream(server.address[1])
        assert stream.next()[0] == "hello"
        rel = article_rel(site.out)
        page = (site.out / rel).read_bytes()
        site.write("templates/article.html", broken)
        event, data = stream.next()
        assert event == "error"
        errors = data["errors"].splitlines()
        assert errors[0].startswith("templates/article.html:45: ERROR: ") and "[template-error]" in errors[0]
        assert [e.rsplit(" ", 1)[1] for e in errors] == ["[template-error]", "[render-failed]"], errors
        status, _headers, body = request(server.address[1], server.site.base_path + rel)
        assert status == 200 and b"opened the spring fair" in body  # the open page is still there
        assert (site.out / rel).read_bytes() == page
        site.write("templates/article.html", theme_article)
        assert stream.next()[0] == "ok"
        stream.close()
