"""The one rule for every URL an author writes: front matter, entity links, configuration
and the links and images of Markdown.

Allowed: ``http:`` and ``https:`` URLs, ``mailto:`` addresses (Markdown's own ``<ed@example.com>``
autolinks make them, and they run nothing), and relative URLs (``#p3``, ``/about/``,
``../x.png``, ``//host/x``). Any other scheme (``javascript:``, ``data:``, ``vbscript:``,
``file:``, ...) is refused, whatever hides it: the value is judged as a browser reads it, with
HTML character references decoded, tabs and line breaks removed and the outer spaces and
control characters stripped, the scheme compared in any case.
"""

from __future__ import annotations

import html
import re

from sitegen.diagnostics import Diagnostic, error

SAFE_SCHEMES = ("http", "https", "mailto")
UNSAFE_URL = "unsafe-url"
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_REMOVED = re.compile(r"[\t\n\r]")  # a browser's URL parser drops these anywhere
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def unsafe_reason(url: str) -> str | None:
    """Why ``url`` must not be published, or None when the policy allows it."""
    seen = _REMOVED.sub("", html.unescape(url))
    control = _CONTROL.search(seen)
    if control:
        return f"holds the control character U+{ord(control.group()):04X}"
    seen = seen.strip(" ")  # a browser strips spaces around it (other controls are refused above)
    scheme = _SCHEME.match(seen)
    if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
        return f"uses the scheme '{scheme.group(1).lower()}:'"
    return None


def is_safe(url: str) -> bool:
    return unsafe_reason(url) is None


def unsafe_url(url: str, what: str, path: str | None, line: int | None) -> Diagnostic | None:
    """The error for an unsafe ``url`` written as ``what`` (e.g. "'source.url'"), or None."""
    reason = unsafe_reason(url)
    if reason is None:
        return None
    return error(
        UNSAFE_URL,
        f"{what} {url!r} {reason} and is not published; write an http:// or https:// address, "
        "a mailto: address or a relative link",
        path,
        line,
    )
