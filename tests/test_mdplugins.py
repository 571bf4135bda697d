"""The markdown-it plugins of sitegen.mdplugins: CriticMarkup edits and site-root links.

Rendering is pinned by fixture files in tests/markdown (markdown-it's format: a
title line, ``.``, the Markdown, ``.``, the expected HTML, ``.``). A sitelinks
title may end with ``| key=value`` parts, which become the render ``env``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file
from mdit_py_plugins.footnote import footnote_plugin

from sitegen.markdown import markdown_renderer
from sitegen.mdplugins import critic_plugin, sitelinks_plugin

FIXTURES = Path(__file__).parent / "markdown"
NOTES = '<section class="footnotes critic-notes"'
ID = re.compile(r'\sid="([^"]*)"')
REF = re.compile(r'<a id="cm-fnref-(\d+)" href="#cm-fn-(\d+)" role="doc-noteref">(\d+)</a>')
NOTE = re.compile(
    r'<li id="cm-fn-(\d+)" role="doc-endnote"><p>.*?<a href="#cm-fnref-(\d+)" role="doc-backlink"'
)


def plain_md() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def site_md() -> MarkdownIt:
    """The renderer sitegen.markdown uses, with both plugins: the one that ships."""
    return markdown_renderer()


def fixture_env(title: str) -> dict[str, Any]:
    env: dict[str, Any] = {}
    for part in title.split(" | ")[1:]:
        key, _, value = part.partition("=")
        env[key] = value
    return env


def fixtures(name: str) -> list[Any]:
    cases = read_fixture_file(FIXTURES / name)
    assert len(cases) > 10, f"{name}: the fixture reader found too few cases"
    return [pytest.param(*case, id=f"{name}:{case[0]}:{case[1]}") for case in cases]


# --- CriticMarkup ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "title", "source", "expected"), fixtures("critic.md"))
def test_critic_fixtures(line: int, title: str, source: str, expected: str) -> None:
    assert plain_md().use(critic_plugin).render(source) == expected


def test_ids_restart_at_one_in_every_render_call() -> None:
    md = plain_md().use(critic_plugin)
    first = md.render("{++a++} {--b--}\n")
    second = md.render("{++a++} {--b--}\n")
    assert first == second
    assert [m.group(1) for m in REF.finditer(second)] == ["1", "2"]


def test_id_prefix_from_env() -> None:
    html = plain_md().use(critic_plugin).render("{++a++}\n", {"critic_id_prefix": 'note-"x'})
    assert '<a id="note-&quot;xfnref-1" href="#note-&quot;xfn-1" role="doc-noteref">1</a>' in html
    assert '<li id="note-&quot;xfn-1" role="doc-endnote">' in html
    assert "cm-" not in html


SITE_TEXT = """\
## Background

Text {~~Smyth~>Smith~~}{>>See the [register](/registers/1901/).<<} with a note[^1].

### More

{++An added sentence.++} A {==key==}{>>why<<} point.
And {--a deleted phrase--} and ^[an inline note with {++an edit++}].

[^1]: A footnote with {~~a~>b~~}.
"""


def test_critic_ids_unique_and_apart_from_other_footnotes() -> None:
    html = site_md().render(SITE_TEXT, {"page_url": "about/"})
    ids = ID.findall(html)
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    critic_ids = [i for i in ids if i.startswith("cm-")]
    assert critic_ids
    # markdown-it's own footnotes (fn1, fnref1) and the article footnotes (fn-N, fnref-N-x) are untouched
    assert "fn1" in ids and "fnref1" in ids
    assert not [i for i in ids if re.fullmatch(r"fn-\d+|fnref-\d+-\w+", i)]
    refs = [(m.group(1), m.group(2), m.group(3)) for m in REF.finditer(html)]
    assert refs == [(str(n), str(n), str(n)) for n in range(1, len(refs) + 1)]
    notes = [(m.group(1), m.group(2)) for m in NOTE.finditer(html)]
    assert notes == [(str(n), str(n)) for n in range(1, len(refs) + 1)]
    assert len(refs) == 6  # sub+comment, addition, highlight+comment, deletion, inline footnote, footnote
    assert html.count(NOTES) == 1
    # the link in the comment lives in the note, rewritten for the page
    assert 'Changed from “Smyth” to “Smith”. See the <a href="../registers/1901/">register</a>.' in html


def test_no_section_without_edits() -> None:
    md = site_md()
    for text in ("Plain text.\n", "A {==highlight==} only.\n", "`{++code++}`\n", "{++unclosed\n", ""):
        assert NOTES not in md.render(text, {"page_url": ""}), text
        assert "cm-fn" not in md.render(text, {"page_url": ""}), text


def test_script_in_edits_never_reaches_the_page() -> None:
    text = "{~~<script>x()</script>~><script>y()</script>~~}{>><script>z()</script><<}\n"
    html = site_md().render(text, {"page_url": ""})
    assert "<script" not in html
    assert html.count("&lt;script&gt;") == 5  # old, new, both in the note, and the comment


CRITIC_ALPHABET = st.sampled_from(
    [
        "{",
        "}",
        "~~",
        "~>",
        "++",
        "--",
        "==",
        ">>",
        "<<",
        "`",
        "*",
        "[",
        "](/x/)",
        "\\",
        " ",
        "a",
        "\n",
        "\n\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(CRITIC_ALPHABET, max_size=40).map("".join))
def test_any_input_renders_with_matching_refs_and_notes(text: str) -> None:
    # no Pygments here: an unknown fence language makes it load lexer plugins, slowly
    md = plain_md().use(footnote_plugin).use(critic_plugin).use(sitelinks_plugin)
    html = md.render(text, {"page_url": "a/b/"})
    refs = [m.group(1) for m in REF.finditer(html)]
    notes = [m.group(1) for m in NOTE.finditer(html)]
    assert refs == notes == [str(n) for n in range(1, len(refs) + 1)]
    assert (NOTES in html) == bool(refs)
    assert [i for i, n in Counter(ID.findall(html)).items() if n > 1] == []


# --- site links -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "title", "source", "expected"), fixtures("sitelinks.md"))
def test_sitelinks_fixtures(line: int, title: str, source: str, expected: str) -> None:
    assert plain_md().use(sitelinks_plugin).render(source, fixture_env(title)) == expected


def test_one_instance_serves_every_page() -> None:
    md = plain_md().use(sitelinks_plugin)
    text = "[About](/about/)\n"
    assert md.render(text, {"page_url": ""}) == '<p><a href="about/">About</a></p>\n'
    assert (
        md.render(text, {"page_url": "2020/01/04/slug/"}) == '<p><a href="../../../../about/">About</a></p>\n'
    )
    assert md.render(text, {"page_url": "404.html", "absolute_base": "/b/"}) == (
        '<p><a href="/b/about/">About</a></p>\n'
    )


LINES_TEXT = """\
# [Home](/)

First paragraph, [about](/about/)
on two lines [mail](mailto:ed@example.com)
and a third ![logo](/assets/logo.png).

- item
- [tags](/tags/)

| a |
|---|
| x |
| [feed](/feed.xml) |

A [ref][r] and a footnote[^n]
{++added [here](https://example.com/)++}{>>see
[register](/registers/)<<}

[r]: #top
[^n]: Note text
    with [a link](/notes/).
"""


@pytest.mark.parametrize("sitelinks_first", [False, True])
def test_links_recorded_with_source_lines(sitelinks_first: bool) -> None:
    env: dict[str, Any] = {"page_url": "about/", "first_line": 7}
    md = site_md()
    if sitelinks_first:  # the other plugin order: the comment's link is met before it moves to the note
        md = plain_md().use(footnote_plugin).use(sitelinks_plugin).use(critic_plugin)
    md.render(LINES_TEXT, env)
    expected = [  # (href, Markdown line + 6): line 1 of the Markdown is line 7 of the file
        ("../", 7),
        ("./", 9),
        ("mailto:ed@example.com", 10),
        ("../assets/logo.png", 11),
        ("../tags/", 14),
        ("../feed.xml", 19),
        ("#top", 21),
        ("https://example.com/", 22),
        ("../registers/", 23),  # the comment's link, now in the note at the end
        ("../notes/", 27),  # the footnote body, moved to the end
    ]
    assert sorted(env["links"], key=lambda link: link[1]) == expected
    assert set(env["links"]) == set(expected)
    assert len(env["links"]) == len(expected)


def test_first_line_defaults_to_one_and_links_accumulate() -> None:
    env: dict[str, Any] = {"page_url": "", "links": [("earlier", 3)]}
    plain_md().use(sitelinks_plugin).render("\n\npara\n\n[x](/x/)\n", env)
    assert env["links"] == [("earlier", 3), ("x/", 5)]


def test_links_recorded_even_without_a_page() -> None:
    env: dict[str, Any] = {}
    html = plain_md().use(sitelinks_plugin).render("[x](/x/) [y](y/)\n", env)
    assert html == '<p><a href="/x/">x</a> <a href="y/">y</a></p>\n'
    assert env["links"] == [("/x/", 1), ("y/", 1)]
