"""What ``sitegen serve`` refuses: other Host names, more connections than it has threads for,
requests that take too long to arrive.

The server is a development tool on the editor's machine, but any web page the editor
opens can make the browser talk to it: a page on a domain that an attacker re-points at
127.0.0.1 (DNS rebinding) would be same-origin with the dev server and could read every
file of the site. Such a request still names the attacker's domain in its ``Host``
header, so only loopback names (and the name the server was bound to explicitly) are
answered.
"""

from __future__ import annotations

import io
import ipaddress
import socket
import time
from dataclasses import dataclass

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def host_name(header: str) -> str | None:
    """The lower-case name of a ``Host`` header without its port (IPv6 without brackets);
    None when it is not of the form ``name[:port]`` or ``[address][:port]``."""
    value = header.strip().lower()
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket:
            return None
    else:
        name, colon, port = value.partition(":")
        rest = colon + port
    port = rest.removeprefix(":")
    if rest and not (rest.startswith(":") and (port == "" or (port.isascii() and port.isdigit()))):
        return None
    return name or None


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """The ``Host`` names a server bound to ``bind`` answers to."""

    bind: str

    @property
    def wildcard(self) -> bool:
        return self.bind.strip("[]") in WILDCARDS

    def allows(self, header: str | None) -> bool:
        name = host_name(header) if header is not None else None
        if name is None:
            return False
        if name in LOOPBACK_NAMES or name == self.bind.strip("[]").lower():
            return True
        if self.wildcard:
            # Bound to every interface on purpose: the machine's own name and any address
            # literal (an address cannot be re-pointed, a domain name can).
            return name == socket.gethostname().lower() or _is_address(name)
        return False

    def explain(self, header: str | None) -> bytes:
        """The body of the 403 answer to a request whose Host was refused."""
        if self.wildcard:
            names = "localhost, this machine's name or an IP address"
        elif self.bind.strip("[]").lower() in LOOPBACK_NAMES:
            names = "127.0.0.1, localhost or [::1]"
        else:
            names = f"127.0.0.1, localhost, [::1] or {self.bind}"
        shown = "a request without a Host header" if header is None else f"Host {header[:100]!r}"
        return (
            f"403 Forbidden: this development server answers requests for {names} only, not "
            f"for {shown} (a guard against DNS rebinding). To use another name, start it with "
            f"'sitegen serve --host NAME'.\n"
        ).encode()


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class DeadlineReader(io.RawIOBase):
    """Reads a socket until a deadline for all reads together: a client that sends a byte
    now and then (or nothing) cannot keep a server thread longer than ``seconds``."""

    def __init__(self, sock: socket.socket, seconds: float) -> None:
        super().__init__()
        self.sock = sock
        self.deadline = time.monotonic() + seconds

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request did not arrive in time")
        self.sock.settimeout(remaining)
        return self.sock.recv_into(buffer)


def busy_response(text: str, retry_after: int = 1) -> bytes:
    """A complete HTTP/1.0 503 response; the accept loop sends it without starting a thread."""
    body = text.encode()
    head = (
        "HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nRetry-After: {retry_after}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def refuse_connection(sock: socket.socket, response: bytes) -> None:
    """Answer a connection there is no thread for, without ever blocking the accept loop."""
    try:
        sock.setblocking(False)
        sock.send(response)  # a fresh socket's send buffer holds this at once
        sock.recv(65536)  # what already arrived: closing with unread data would reset the answer
    except OSError:
        pass
