"""``sitegen serve``'s limits, on a real server and real sockets: the Host names it answers,
connections and event streams at once, clients that send nothing or send slowly."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from pathlib import Path

import pytest

from sitegen.serve_limits import HostPolicy, host_name

from .test_serve import WAIT, EventStream, live_site, parse_response, request, serving, wait_for

EVENTS = "/__sitegen__/events"


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One small site; each test starts its own server on it (with the limits it tests)."""
    return live_site(tmp_path_factory.mktemp("limits") / "site", "/").root


def answer(port: int, target: str | None, seconds: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    """What the server sends, until it closes or ``seconds`` passed (an event stream the server
    accepted never closes), to a GET of ``target``, or to a connection that sends nothing."""
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as sock:
        if target is not None:
            sock.sendall(f"GET {target} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        deadline = time.monotonic() + seconds
        data = b""
        while (remaining := deadline - time.monotonic()) > 0:
            sock.settimeout(remaining)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            data += chunk
    assert data.startswith(b"HTTP/"), f"no answer within {seconds} s: {data[:200]!r}"
    return parse_response(data)


# --------------------------------------------------------------------------- the Host header (pure)


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.0.0.1:8000", "127.0.0.1"),
        ("LocalHost:80", "localhost"),
        ("localhost:", "localhost"),
        ("[::1]:8000", "::1"),
        ("[::1]", "::1"),
        ("::1", None),  # an IPv6 address without brackets
        ("[::1", None),
        ("[::1]x", None),
        ("localhost:80x", None),
        ("localhost:８０", None),  # fullwidth digits
        (":8000", None),
        ("", None),
    ],
)
def test_host_name(header: str, name: str | None) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize(
    ("bind", "header", "allowed"),
    [
        ("127.0.0.1", "127.0.0.1:8000", True),
        ("127.0.0.1", "localhost:8000", True),
        ("127.0.0.1", "[::1]:8000", True),
        ("127.0.0.1", "evil.example:8000", False),  # DNS rebinding: the attacker's name
        ("127.0.0.1", "127.0.0.1.nip.io:8000", False),
        ("127.0.0.1", "localhost.evil.example", False),
        ("127.0.0.1", "192.168.1.5:8000", False),
        ("127.0.0.1", None, False),
        ("192.168.1.5", "192.168.1.5:8000", True),  # --host given explicitly
        ("192.168.1.5", "evil.example", False),
        ("preview.test", "Preview.Test:8000", True),
        ("0.0.0.0", "192.168.1.5:8000", True),  # every interface: addresses cannot be re-pointed
        ("0.0.0.0", "[fe80::1]:8000", True),
        ("0.0.0.0", "evil.example:8000", False),
        ("::", "10.0.0.2", True),
    ],
)
def test_host_policy(bind: str, header: str | None, allowed: bool) -> None:
    assert HostPolicy(bind).allows(header) is allowed


# --------------------------------------------------------------------------- the Host header (server)


def test_requests_for_another_host_are_refused(site_root: Path) -> None:
    with serving(site_root) as (server, _recorder):
        port = server.address[1]
        refused = [
            "Host: evil.example\r\n",
            f"Host: evil.example:{port}\r\n",
            f"Host: 127.0.0.1.evil.example:{port}\r\n",
            "",  # no Host at all
            "Host: 127.0.0.1\r\nHost: evil.example\r\n",  # two of them
        ]
        for target in ("/", "/index.html", EVENTS, "/__sitegen__/livereload.js"):
            for headers in refused:
                status, got, body = request(port, target, headers=headers)
                assert status == 403, (target, headers)
                assert got["content-type"] == "text/plain; charset=utf-8"
                assert b"DNS rebinding" in body and b"--host" in body and b"<html" not in body.lower()
        assert server.hub.clients == 0
        for headers in ("Host: localhost\r\n", f"Host: LOCALHOST:{port}\r\n", f"Host: [::1]:{port}\r\n"):
            status, _got, body = request(port, "/", headers=headers)
            assert status == 200 and b"Serve test" in body, headers


# --------------------------------------------------------------------------- limits


def test_event_streams_beyond_the_limit_are_refused_and_a_closed_page_frees_its_place(
    site_root: Path,
) -> None:
    with serving(site_root, max_streams=4, max_connections=8, keepalive=0.1) as (server, _recorder):
        port = server.address[1]
        before = threading.active_count()
        streams = [EventStream(port) for _ in range(4)]
        for stream in streams:
            assert stream.next()[0] == "hello"
        for _ in range(20):  # more pages: each refused at once, the page's script retries
            status, headers, body = answer(port, EVENTS)
            assert status == 503 and headers["retry-after"] == "1", status
            assert b"4 pages are open already" in body
            assert threading.active_count() <= before + 8
        assert server.hub.clients == 4
        streams.pop().close()  # a page closed: the next keep-alive finds it gone
        # Two keep-alives (0.1 s apart) find it gone; sitegen's own 15 s would take 30 s.
        wait_for(lambda: server.hub.clients == 3, 10, "the closed page's stream to end")
        streams.append(EventStream(port))
        assert streams[-1].next()[0] == "hello"
        for stream in streams:
            stream.close()


def test_connections_beyond_the_limit_get_503_without_a_thread(site_root: Path) -> None:
    with serving(site_root, max_connections=6, max_streams=2, request_timeout=WAIT) as (server, _recorder):
        port = server.address[1]
        before = threading.active_count()
        # Clients that connect and send nothing (yet): each holds a thread until it does.
        idle = [socket.create_connection(("127.0.0.1", port), timeout=WAIT) for _ in range(6)]
        wait_for(lambda: threading.active_count() >= before + 6, what="a thread per idle connection")
        for _ in range(30):
            status, headers, body = answer(port, None)
            assert status == 503 and headers["retry-after"] == "1" and b"too many connections" in body
            assert threading.active_count() <= before + 6
        for sock in idle:
            sock.close()  # their threads end
        wait_for(lambda: threading.active_count() <= before, what="the idle connections' threads to end")
        assert request(port, "/")[0] == 200


def test_a_client_that_sends_nothing_is_dropped_after_the_timeout(site_root: Path) -> None:
    with serving(site_root, request_timeout=0.5) as (server, _recorder):
        started = time.monotonic()
        with (
            socket.create_connection(("127.0.0.1", server.address[1]), timeout=10) as sock,
            contextlib.suppress(ConnectionResetError),  # a reset is a close too
        ):
            assert sock.recv(1) == b""  # closed by the server, without an answer
        assert time.monotonic() - started >= 0.45
        assert request(server.address[1], "/")[0] == 200  # the server itself goes on


def test_a_client_that_sends_its_request_slowly_is_dropped_too(site_root: Path) -> None:
    """The timeout is for the whole request, not for each read: a header line every 0.1 s
    would keep a per-read timeout of 0.5 s waiting for ever."""
    with serving(site_root, request_timeout=0.5) as (server, _recorder):
        started = time.monotonic()
        closed = False
        with socket.create_connection(("127.0.0.1", server.address[1]), timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n")
            while not closed and time.monotonic() - started < 5:  # 50 lines: below http.server's 100
                try:
                    sock.sendall(b"X-Slow: 1\r\n")
                    if select.select([sock], [], [], 0.1)[0]:
                        closed = sock.recv(65536) == b""
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
        assert closed, "the slow request was still being read after 5 s"
        assert time.monotonic() - started >= 0.45
