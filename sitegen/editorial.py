"""The editorial layer: ``content/articles/<id>.md`` and ``content/pages/*.md``.

Invalid fields are reported with ``file:line`` and dropped; the article still
builds from what is valid, so one typo never takes a page off the site.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any

from sitegen.diagnostics import Diagnostic, error
from sitegen.frontmatter import FrontMatter, split_front_matter
from sitegen.markdown import unsafe_links
from sitegen.model import ROLES, AuthoredPage, Editorial, SourceInfo
from sitegen.sources import read_input
from sitegen.urlpolicy import unsafe_url

# \Z, not $: '$' also matches before a final newline, so 'slug: |' YAML ("foo\n") would pass.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
TAG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
EDITORIAL_KEYS = (
    "title",
    "subtitle",
    "slug",
    "tags",
    "summary",
    "source",
    "roles",
    "corrections",
    "about",
    "rules",
)
RULE_DECISIONS = ("accept", "reject")
PAGE_KEYS = ("title", "order", "slug")
_RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")


def unknown_keys(fm: FrontMatter, known: tuple[str, ...], rel: str, code: str) -> list[Diagnostic]:
    problems = []
    for key in fm.data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
            problems.append(error(code, f"unknown key '{key}'; {hint}", rel, fm.line(key)))
    return problems


def read_text_file(path: Path, root: Path) -> tuple[str | None, list[Diagnostic]]:
    data, problems = read_file_bytes(path, root)
    return (None, problems) if data is None else decode_text(data, path.relative_to(root).as_posix())


def read_file_bytes(path: Path, root: Path) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of an input file (through the one input reader), or None and why not."""
    data, refused = read_input(path, root)
    return data, [refused] if data is None and refused else []


def decode_text(data: bytes, rel: str) -> tuple[str | None, list[Diagnostic]]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [
            error("content-encoding", f"not UTF-8 (offset {exc.start}); save the file as UTF-8", rel)
        ]


def _string(fm: FrontMatter, key: str, rel: str, problems: list[Diagnostic]) -> str | None:
    return _text(fm.data.get(key), key, rel, fm.line(key), problems)


def _text(value: object, name: str, rel: str, line: int | None, problems: list[Diagnostic]) -> str | None:
    """A front-matter value that must be text (a number reads as its digits); None if absent."""
    if value is None:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        problems.append(error("editorial-type", f"'{name}' must be text", rel, line))
        return None
    return str(value)


def _roles(fm: FrontMatter, rel: str, problems: list[Diagnostic]) -> dict[int, str]:
    raw = fm.data.get("roles")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(
            error(
                "editorial-roles",
                "'roles' must map a role (heading, caption, quote, body) to a list of paragraph numbers",
                rel,
                fm.line("roles"),
            )
        )
        return {}
    roles: dict[int, str] = {}
    for role, numbers in raw.items():
        line = fm.line("roles", role)
        if role not in ROLES:
            problems.append(
                error(
                    "editorial-roles",
                    f"unknown paragraph role '{role}'; use one of {', '.join(ROLES)}",
                    rel,
                    line,
                )
            )
            continue
        items = numbers if isinstance(numbers, list) else [numbers]
        for index, item in enumerate(items):
            item_line = fm.line("roles", role, index) if isinstance(numbers, list) else line
            span = _RANGE.match(item) if isinstance(item, str) else None
            if isinstance(item, int) and not isinstance(item, bool) and item >= 1:
                numbers_here = [item]
            elif span and 1 <= int(span.group(1)) <= int(span.group(2)):
                numbers_here = list(range(int(span.group(1)), int(span.group(2)) + 1))
            else:
                problems.append(
                    error(
                        "editorial-roles",
                        f"'{item}' is not a paragraph number or a range such as '12-15'",
                        rel,
                        item_line,
                    )
                )
                continue
            for number in numbers_here:
                if number in roles and roles[number] != role:
                    problems.append(
                        error(
                            "editorial-roles",
                            f"paragraph {number} is marked both '{roles[number]}' and '{role}'",
                            rel,
                            item_line,
                        )
                    )
                roles[number] = role
    return roles


SOURCE_KEYS = ("publisher", "url", "author", "captured")


def _source(fm: FrontMatter, rel: str, problems: list[Diagnostic]) -> SourceInfo:
    """Where the text came from: ``source: {publisher, url, author, captured}``; ``captured``
    is the date a web archive captured the page (what ``sitegen import`` records)."""
    raw = fm.data.get("source")
    if raw is None:
        return SourceInfo()
    if not isinstance(raw, dict) or not set(raw) <= set(SOURCE_KEYS):
        problems.append(
            error(
                "editorial-source",
                f"'source' must be a mapping with some of {', '.join(SOURCE_KEYS)}",
                rel,
                fm.line("source"),
            )
        )
        return SourceInfo()
    text = {
        key: _text(raw.get(key), f"source.{key}", rel, fm.line("source", key), problems) or ""
        for key in ("publisher", "url", "author")
    }
    url = text["url"]
    refused = unsafe_url(url, "'source.url'", rel, fm.line("source", "url"))
    if refused is not None:
        problems.append(refused)
        url = ""
    captured = raw.get("captured")
    if isinstance(captured, str):  # quoted in YAML, or TOML written as text
        with contextlib.suppress(ValueError):  # else reported below
            captured = dt.date.fromisoformat(captured)
    if isinstance(captured, dt.datetime):
        captured = captured.date()
    if captured is not None and not isinstance(captured, dt.date):
        problems.append(
            error(
                "editorial-source",
                f"'source.captured' {captured!r} must be a date YYYY-MM-DD",
                rel,
                fm.line("source", "captured"),
            )
        )
        captured = None
    return SourceInfo(text["publisher"], url, text["author"], captured)


def _rule_decisions(fm: FrontMatter, rel: str, problems: list[Diagnostic]) -> dict[str, str]:
    """'rules': the editor's decision per rule collection (whether a collection exists is
    checked against the rules files, in sitegen.scope)."""
    raw = fm.data.get("rules")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        message = "'rules' must map a rule collection to accept or reject, such as {spinner-2020: accept}"
        problems.append(error("editorial-rules", message, rel, fm.line("rules")))
        return {}
    decisions: dict[str, str] = {}
    for name, said in raw.items():
        if said not in RULE_DECISIONS:
            message = f"'rules' says {said!r} for '{name}'; write accept or reject"
            problems.append(error("editorial-rules", message, rel, fm.line("rules", name)))
        else:
            decisions[str(name)] = said
    return decisions


def parse_editorial(text: str, article_id: str, rel: str) -> tuple[Editorial | None, list[Diagnostic]]:
    fm, problems = split_front_matter(text, rel)
    if fm is None:
        return None, problems
    problems.extend(unknown_keys(fm, EDITORIAL_KEYS, rel, "editorial-unknown-key"))
    title = _string(fm, "title", rel, problems)
    subtitle = _string(fm, "subtitle", rel, problems) or ""
    summary = _string(fm, "summary", rel, problems) or ""
    slug = _string(fm, "slug", rel, problems)
    if slug is not None and not SLUG.match(slug):
        problems.append(
            error(
                "editorial-slug",
                f"slug '{slug}' must be lowercase letters, digits and single "
                "hyphens, such as 'iran-vows-revenge'",
                rel,
                fm.line("slug"),
            )
        )
        slug = None
    tags: list[str] = []
    raw_tags = fm.data.get("tags", [])
    if not isinstance(raw_tags, list):
        problems.append(error("editorial-tags", "'tags' must be a list", rel, fm.line("tags")))
        raw_tags = []
    for index, tag in enumerate(raw_tags):
        if isinstance(tag, str) and TAG.match(tag):
            if tag not in tags:
                tags.append(tag)
        else:
            problems.append(
                error(
                    "editorial-tags",
                    f"tag '{tag}' must be lowercase letters, digits and hyphens",
                    rel,
                    fm.line("tags", index),
                )
            )
    about: list[str] = []
    raw_about = fm.data.get("about", [])
    if isinstance(raw_about, str):
        raw_about = [raw_about]
    if not isinstance(raw_about, list) or not all(isinstance(a, str) for a in raw_about):
        problems.append(
            error(
                "editorial-about",
                "'about' must be a list of entity ids (file names in content/entities/ without .md)",
                rel,
                fm.line("about"),
            )
        )
    else:
        about = list(dict.fromkeys(raw_about))
    source = _source(fm, rel, problems)
    problems.extend(unsafe_links(fm.body, rel, fm.body_line))
    editorial = Editorial(
        id=article_id,
        path=rel,
        title=title,
        subtitle=subtitle,
        slug=slug,
        tags=tuple(tags),
        summary=summary,
        source=source,
        roles=_roles(fm, rel, problems),
        about=tuple(about),
        rules=_rule_decisions(fm, rel, problems),
        note_markdown=fm.body.strip("\n"),
        note_line=fm.body_line,
        raw=fm.data,
        positions=dict(fm.positions),
    )
    return editorial, problems


def parse_page(text: str, page_id: str, rel: str) -> tuple[AuthoredPage | None, list[Diagnostic]]:
    fm, problems = split_front_matter(text, rel)
    if fm is None:
        return None, problems
    problems.extend(unknown_keys(fm, PAGE_KEYS, rel, "page-unknown-key"))
    title = _string(fm, "title", rel, problems)
    if not title:
        problems.append(error("page-title", "a page needs a 'title' in its front matter", rel, 1))
        title = page_id.replace("-", " ").capitalize()
    order: Any = fm.data.get("order", 0)
    if not isinstance(order, int) or isinstance(order, bool):
        problems.append(error("page-order", "'order' must be a whole number", rel, fm.line("order")))
        order = 0
    slug = _string(fm, "slug", rel, problems) or page_id
    if not SLUG.match(slug):
        problems.append(
            error(
                "page-slug",
                f"page slug '{slug}' must be lowercase letters, digits and "
                "hyphens; rename the file or set 'slug'",
                rel,
                fm.line("slug"),
            )
        )
        return None, problems
    problems.extend(unsafe_links(fm.body, rel, fm.body_line))
    return AuthoredPage(slug, rel, title, fm.body, fm.body_line, order), problems
