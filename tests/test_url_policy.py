"""The one URL policy (sitegen.urlpolicy) holds for every URL an author can write.

``URL_FIELDS`` names every URL-bearing field of the typed records the inputs are parsed into
(front matter, entities, configuration), with a site that writes ``javascript:alert(13)`` in
it. ``test_every_url_field_is_in_the_registry`` walks those records, so a URL field added later
fails here until it is registered, and so tested end to end by ``test_unsafe_url_in_each_field``.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Callable
from typing import Any

import pytest

from sitegen.config import SiteConfig
from sitegen.entities import Entity
from sitegen.markdown import markdown_renderer
from sitegen.model import AuthoredPage, Editorial
from sitegen.urlpolicy import unsafe_reason

from .conftest import SampleSite

ATTACK = "javascript:alert(13)"
GOOD_SEED = "date 2020-01-04 A good article stands.\n"
EDITORIAL = "---\ntitle: Attacked\n{front}---\n{body}\n"
ENTITY = "---\nname: Quds Force\nkind: organization\n{front}---\n{body}\n"
PAGE = "---\ntitle: About\n---\n\n{body}\n"

# What the schemas write into: every field named like a URL, and every Markdown field.
URL_NAME = re.compile(r"url|uri|href|src|link|domain|markdown", re.IGNORECASE)


def _editorial(front: str = "", body: str = "") -> dict[str, str]:
    return {"content/articles/bad.md": EDITORIAL.format(front=front, body=body)}


def _entity(front: str = "", body: str = "") -> dict[str, str]:
    return {"content/entities/quds-force.md": ENTITY.format(front=front, body=body)}


# "Record.field" -> (files of a site writing ATTACK there, where the error is, its code)
URL_FIELDS: dict[str, tuple[dict[str, str], str, str]] = {
    "SourceInfo.url": (
        _editorial(front=f'source: {{publisher: "X", url: "{ATTACK}"}}\n'),
        "content/articles/bad.md:3",
        "unsafe-url",
    ),
    "Editorial.note_markdown": (
        _editorial(body=f"An editor's note with [a link]({ATTACK})."),
        "content/articles/bad.md:4",
        "unsafe-url",
    ),
    "Link.url": (
        _entity(front=f'links: [{{title: Evil, url: "{ATTACK}"}}]\n'),
        "content/entities/quds-force.md:4",
        "unsafe-url",
    ),
    "Entity.note_markdown": (
        _entity(body=f"\nA note with ![a picture]({ATTACK})."),
        "content/entities/quds-force.md:6",
        "unsafe-url",
    ),
    "AuthoredPage.body_markdown": (
        {"content/pages/about.md": PAGE.format(body=f"See <{ATTACK}>.")},
        "content/pages/about.md:5",
        "unsafe-url",
    ),
    "SiteConfig.base_url": (
        {"sitegen.toml": f'title = "T"\nbase_url = "{ATTACK}"\n'},
        "sitegen.toml:2",
        "config-value",
    ),
    "SiteConfig.permalink": (
        {"sitegen.toml": f'title = "T"\npermalink = "{ATTACK}/{{slug}}/"\n'},
        "sitegen.toml:2",
        "config-value",
    ),
    "SiteConfig.custom_domain": (
        {"sitegen.toml": f'title = "T"\ncustom_domain = "{ATTACK}"\n'},
        "sitegen.toml:2",
        "config-value",
    ),
}
NOT_URLS = {"EntitiesConfig.link_mentions": "a choice: first, every or none"}
SCHEMAS = (Editorial, AuthoredPage, Entity, SiteConfig)  # what front matter, entities and config parse into


def url_fields(record: type, seen: set[type]) -> set[str]:
    """Every str field of ``record`` and the records nested in it whose name says URL or Markdown."""
    found: set[str] = set()
    if record in seen:
        return found
    seen.add(record)
    for field in dataclasses.fields(record):
        hint = typing.get_type_hints(record)[field.name]
        nested = [t for t in (hint, *typing.get_args(hint)) if dataclasses.is_dataclass(t)]
        for inner in nested:
            found |= url_fields(typing.cast(type, inner), seen)
        if (hint is str or str in typing.get_args(hint)) and URL_NAME.search(field.name):
            found.add(f"{record.__name__}.{field.name}")
    return found


def test_every_url_field_is_in_the_registry() -> None:
    fields = set().union(*(url_fields(s, set()) for s in SCHEMAS))
    assert "SourceInfo.url" in fields and "Link.url" in fields  # the walk reaches nested records
    missing = fields - URL_FIELDS.keys() - NOT_URLS.keys()
    assert not missing, (
        f"URL fields not checked by tests/test_url_policy.py (add them to URL_FIELDS): {missing}"
    )
    assert not URL_FIELDS.keys() - fields, "URL_FIELDS names a field the schemas no longer have"


@pytest.mark.parametrize("field", sorted(URL_FIELDS))
def test_unsafe_url_in_each_field(make_site: Callable[..., SampleSite], field: str) -> None:
    files, where, code = URL_FIELDS[field]
    config = files.get("sitegen.toml", 'title = "T"\n')
    others = {k: v for k, v in files.items() if k != "sitegen.toml"}
    seeds = {"good": GOOD_SEED, "bad": "date 2020-01-05 The Quds Force was here.\n"}
    site = make_site(seeds=seeds, config=config, files=others)
    result = site.cli()
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith(where + ": ERROR:")]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.endswith(f"[{code}]")
    published = [p for p in site.out.rglob("*") if p.is_file()] if site.out.exists() else []
    for path in published:
        assert b"alert(13)" not in path.read_bytes(), path
    if code == "unsafe-url":  # a content error: the site is still built
        assert ATTACK in line
        assert "2020/01/04/a-good-article-stands/index.html" in site.outputs()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(13)",
        " JaVa\tscript:alert(13)",
        "java\nscript:alert(13)",
        "\x01javascript:alert(13)",
        "&#106;avascript:alert(13)",
        "javascript&colon;alert(13)",
        "VBScript:msgbox(1)",
        "data:text/html,<script>alert(13)</script>",
        "data:image/png;base64,AAAA",
        "file:///etc/passwd",
        "ftp://example.org/",
        "https://example.org/\x00",
    ],
)
def test_unsafe_urls(url: str) -> None:
    assert unsafe_reason(url) is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/x",
        "HTTP://example.org",
        "mailto:ed@example.org",
        "#p3",
        "/about/",
        "../x.png",
        "//cdn.example.org/x",
    ],
)
def test_safe_urls(url: str) -> None:
    assert unsafe_reason(url) is None


def test_markdown_leaves_refused_links_out_and_says_where() -> None:
    text = (
        "Fine [a](/a/).\n\n[text](JaVaScRiPt:alert(13)) and\n"
        "![alt *x*](data:image/png;base64,AA) <vbscript:x>\n"
    )
    env: dict[str, Any] = {"first_line": 10}
    html = markdown_renderer().render(text, env)
    assert html == '<p>Fine <a href="/a/">a</a>.</p>\n<p>text and\nalt <em>x</em> </p>\n'
    assert env["unsafe_links"] == [
        ("JaVaScRiPt:alert(13)", 12),
        ("data:image/png;base64,AA", 13),
        ("vbscript:x", 13),
    ]
