"""Site-root links in authored Markdown, and where each link came from.

An author writes ``[About](/about/)`` or ``![x](/assets/x.png)``: a target with
one leading slash is *site-root-relative*. One MarkdownIt instance serves every
page, so the page is given per render call, in ``env``:

``env["page_url"]``
    the site-relative URL of the page being rendered (``"about/"``, ``""`` for
    home); root-relative targets become ``sitegen.urls.relative(page_url, target[1:])``.
``env["absolute_base"]``
    when set (the 404 page, served at any depth), root-relative targets become
    ``absolute_base + target[1:]`` instead (pass the site's base path, ``"/"`` or ``"/repo/"``).
``env["first_line"]``
    the line of the source file on which the Markdown starts (default 1).
``env["links"]``
    filled in (created if missing) with ``(href, line)`` for every link and
    image, in document order: ``href`` as written to the page, ``line`` the
    source file line it is on.
``env["unsafe_links"]``
    filled in (created if missing) with ``(target, line)`` for every link and
    image whose target :mod:`sitegen.urlpolicy` refuses (``javascript:``, ...).
    Such a link is not written: its text stays, an image leaves its alt text, an
    autolink (``<javascript:x>``) leaves nothing.

Without ``page_url`` or ``absolute_base`` root-relative targets stay as they are
(the link checker then reports them). ``//host``, ``scheme:``, ``#fragment``
and relative targets are never changed.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from sitegen.urlpolicy import is_safe
from sitegen.urls import relative

_TARGET_ATTR = {"link_open": "href", "image": "src"}


def sitelinks_plugin(md: MarkdownIt) -> None:
    """Rewrite site-root targets for the page in ``env`` and record every target in ``env["links"]``.

    The core rule is pushed to the end of the chain, after markdown-it's footnotes are placed; it
    may run before or after the CriticMarkup notes rule (a link in an editor's comment is
    recorded at its line either way).
    """
    # The URL policy is applied in the rule below, where the line of each link is known:
    # markdown-it's own validateLink would leave a refused link as text, silently.
    md.validateLink = _any_link  # type: ignore[method-assign]
    md.core.ruler.push("sitelinks", _sitelinks)


def _any_link(url: str) -> bool:
    return True


def site_target(target: str, env: MutableMapping[str, Any]) -> str:
    """``target`` as it should be written on the page described by ``env``."""
    if not target.startswith("/") or target.startswith("//"):
        return target
    base = env.get("absolute_base")
    if isinstance(base, str) and base:
        return base + target[1:]
    page_url = env.get("page_url")
    if isinstance(page_url, str):
        return relative(page_url, target[1:])
    return target


def _sitelinks(state: StateCore) -> None:
    env = state.env
    links: list[tuple[str, int]] = env.setdefault("links", [])
    unsafe: list[tuple[str, int]] = env.setdefault("unsafe_links", [])
    first_line = int(env.get("first_line", 1))
    line = first_line
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        if block.map:
            line = first_line + block.map[0]
        refused = False
        for token in block.children:
            if token.type in ("softbreak", "hardbreak"):
                line += 1
                continue
            attr = _TARGET_ATTR.get(token.type)
            target = token.attrGet(attr) if attr else None
            if attr is None or not isinstance(target, str):
                continue
            if not is_safe(target):
                unsafe.append((target, line))
                refused = True
                continue
            href = site_target(target, env)
            token.attrSet(attr, href)
            links.append((href, line))
        if refused:
            block.children = _without_unsafe(block.children)


def _without_unsafe(tokens: list[Token]) -> list[Token]:
    """``tokens`` without the links and images whose targets the URL policy refuses."""
    kept: list[Token] = []
    closing: int | None = None  # level of the refused link being closed
    autolink = False
    for token in tokens:
        if closing is not None:
            if token.type == "link_close" and token.level == closing:
                closing = None
            elif not autolink:  # an autolink's text is its URL
                kept.append(token)
        elif token.type == "link_open" and not is_safe(str(token.attrGet("href"))):
            closing, autolink = token.level, token.markup == "autolink"
        elif token.type == "image" and not is_safe(str(token.attrGet("src"))):
            kept.extend(token.children or ())  # the alt text
        else:
            kept.append(token)
    return kept
