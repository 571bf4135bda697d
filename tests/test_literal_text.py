"""Seed text is plain text: anything that looks like markup comes out literally, escaped."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .conftest import SampleSite, make_sample_site, serve
from .htmltext import Element, article_blocks, parse_html

# The first sentence becomes the title, so it also lands in <title>, <meta>, JSON-LD and the home page.
# '<!--<script>' inside a <script> element would make the parser skip its real end tag.
# One clause under 80 characters: the derived title is the whole sentence (text.derived_title).
TITLE = "Title with <b>bold</b> and <!--<script> and <script>alert(1)</script> inside?"
# One paragraph per trap.
TRAPS = [
    TITLE + " Then more.",
    "*emphasis* and _underline_ and **strong**",
    "# heading",
    "1. item",
    "- bullet",
    "> quote",
    "`code` and ```fenced```",
    "<b>bold</b>",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "&amp; &lt; &#60; &copy; & < > \" '",
    "{{ site.title }} {{ 7*7 }}",
    "{% raw %}{% endraw %} {# comment #}",
    r"back\slash C:\new\table \\ \n \*",
    "https://example.org/?a=1&b=2 and <https://example.org/> and [link](https://example.org/)",
    "<!-- comment --> ]]> <![CDATA[ x ]]>",
]
HEADING = "# Not a <em>heading</em> & {{ toc }}"
CAPTION = "<figcaption>caption</figcaption> & ![image](x.png)"
QUOTE = "> <blockquote>quoted</blockquote>"
PARAGRAPHS = [*TRAPS, HEADING, CAPTION, QUOTE]
EDITORIAL = f"""---
roles:
  heading: [{len(TRAPS) + 1}]
  caption: [{len(TRAPS) + 2}]
  quote: [{len(TRAPS) + 3}]
---
"""
ALLOWED_IN_BLOCKS = {"p", "h2", "figure", "figcaption", "blockquote"}
# What the HTML spec says never to leave inside a <script> element's text.
SCRIPT_HAZARDS = ("<!--", "<script", "</script")


def build_site(root: Path, paragraphs: list[str]) -> SampleSite:
    seed = "date 2020-01-04 " + "\n\n".join(paragraphs) + "\n"
    site = make_sample_site(root, seeds={"traps": seed}, files={"content/articles/traps.md": EDITORIAL})
    report = site.build()
    assert report.log.errors == 0, [d.format() for d in report.log.items]
    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> SampleSite:
    return build_site(tmp_path_factory.mktemp("literal") / "site", PARAGRAPHS)


@pytest.fixture(scope="module")
def control(tmp_path_factory: pytest.TempPathFactory) -> SampleSite:
    """The same article with harmless words in every paragraph."""
    plain = ["Plain title words here. Then more."] + [
        f"Plain paragraph {n}" for n in range(2, len(PARAGRAPHS) + 1)
    ]
    return build_site(tmp_path_factory.mktemp("control") / "site", plain)


def article_path(site: SampleSite) -> str:
    pages = [rel for rel in site.outputs() if rel.endswith("/index.html") and rel.startswith("2020/01/04/")]
    articles = [rel for rel in pages if not rel.endswith("/source/index.html")]
    assert len(articles) == 1, pages
    return articles[0]


@pytest.fixture(scope="module")
def article_html(built: SampleSite) -> str:
    return built.read(article_path(built))


@pytest.fixture(scope="module")
def article(article_html: str) -> Element:
    return parse_html(article_html)


def test_every_paragraph_comes_out_literally(article_html: str) -> None:
    blocks = article_blocks(article_html)
    assert [b.received for b in blocks] == PARAGRAPHS
    assert [b.corrected for b in blocks] == PARAGRAPHS


def test_roles_keep_the_text_literal(article_html: str) -> None:
    blocks = {b.role: b for b in article_blocks(article_html)}
    assert blocks["heading"].element.tag == "h2"
    assert blocks["heading"].received == HEADING
    assert blocks["caption"].received == CAPTION
    assert blocks["quote"].received == QUOTE


def test_no_markup_is_created_inside_the_article_text(article: Element) -> None:
    container = article.find(cls="article-text")
    assert container is not None
    tags = {el.tag for el in container.iter()}
    assert tags <= ALLOWED_IN_BLOCKS, tags - ALLOWED_IN_BLOCKS
    # no <a>, <img>, <em>, <code>, <li>, <h1>: nothing was interpreted


def tag_counts(html: str) -> Counter[str]:
    return Counter(el.tag for el in parse_html(html).iter())


@pytest.mark.parametrize("which", ["article", "source view", "home"])
def test_no_element_is_created_anywhere_in_the_page(
    built: SampleSite, control: SampleSite, which: str
) -> None:
    """The page has exactly the elements the same page has with harmless text: the traps made none."""

    def html(site: SampleSite) -> str:
        rel = {
            "article": article_path(site),
            "source view": article_path(site).replace("index.html", "source/index.html"),
            "home": "index.html",
        }[which]
        return site.read(rel)

    assert tag_counts(html(built)) == tag_counts(html(control))


@pytest.mark.parametrize("which", ["article", "source view", "home"])
def test_script_elements_hold_no_markup_hazards(built: SampleSite, which: str) -> None:
    """Text inside <script> (JSON-LD, say) must not carry '<!--', '<script' or '</script' unescaped:
    a browser would then miss the element's real end tag and hide the rest of the page."""
    rel = {
        "article": article_path(built),
        "source view": article_path(built).replace("index.html", "source/index.html"),
        "home": "index.html",
    }[which]
    for script in parse_html(built.read(rel)).find_all("script"):
        text = script.text().lower()
        found = [hazard for hazard in SCRIPT_HAZARDS if hazard in text]
        assert not found, f"<script> on line {script.line} of {rel} contains {found}: {script.text()[:300]}"


def test_home_page_title_is_literal(built: SampleSite) -> None:
    home = parse_html(built.read("index.html"))
    link = next(a for a in home.find_all("a") if a.attrs.get("href", "").startswith("2020/"))
    assert link.text() == TITLE


def test_title_and_description_are_escaped(article: Element) -> None:
    title = article.find("title")
    h1 = article.find("h1")
    assert title is not None and h1 is not None
    assert h1.text() == TITLE
    assert title.text().startswith(h1.text())
    description = article.find("meta", name="description")
    assert description is not None
    assert description.attrs["content"].startswith(TITLE)


def test_template_syntax_is_not_evaluated(article_html: str) -> None:
    assert "{{ site.title }}" in article_html
    assert "{{ 7*7 }}" in article_html
    assert "{% raw %}{% endraw %} {# comment #}" in article_html


def test_raw_source_shows_escapes(article_html: str) -> None:
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article_html
    assert "&amp;amp; &amp;lt; &amp;#60;" in article_html


def test_toc_entry_is_literal(article: Element) -> None:
    toc = article.find("nav", cls="toc")
    assert toc is not None
    entries = toc.find_all("a")
    assert [a.text() for a in entries] == [HEADING]
    assert toc.find_all("em") == []


def test_source_view_is_literal(built: SampleSite) -> None:
    rel = article_path(built).replace("index.html", "source/index.html")
    source = parse_html(built.read(rel))
    assert source.find_all("script") == []
    assert source.find_all("b") == []
    listing = source.find(cls="source-listing")
    assert listing is not None
    assert "<script>alert(1)</script>" in listing.text()


def test_source_view_has_one_anchored_element_per_line(built: SampleSite) -> None:
    """#L-n is the element holding line n exactly, whatever the line holds; no markup but the lines."""
    rel = article_path(built).replace("index.html", "source/index.html")
    listing = parse_html(built.read(rel)).find(cls="source-listing")
    assert listing is not None
    seed = (built.root / "seeds" / "traps.txt").read_text(encoding="utf-8")
    lines = seed.splitlines()
    spans = [el for el in listing.iter() if el.tag == "span"]
    assert [(el.id, el.text()) for el in spans] == [(f"L-{n}", line) for n, line in enumerate(lines, 1)]
    assert all(not el.attrs.keys() - {"id"} for el in spans) and not listing.find_all("a")


def test_downloadable_seed_is_byte_identical(built: SampleSite) -> None:
    rel = article_path(built).replace("index.html", "traps.txt")
    assert (built.out / rel).read_bytes() == (built.root / "seeds" / "traps.txt").read_bytes()


def test_script_only_article_through_the_cli(make_site: Callable[..., SampleSite]) -> None:
    """A seed that is nothing but a script element, built through ``sitegen build``."""
    site = make_site(seeds={"one": "date 2020-01-04 <script>alert(1)</script>\n"})
    result = site.cli()
    assert result.exit_code == 0, result.stderr
    pages = [rel for rel in site.outputs() if rel.startswith("2020/01/04/") and rel.endswith("/index.html")]
    article = next(rel for rel in pages if not rel.endswith("source/index.html"))
    assert [b.received for b in article_blocks(site.read(article))] == ["<script>alert(1)</script>"]
    for script in parse_html(site.read(article)).find_all("script"):
        # only the theme's own scripts: external files, or JSON-LD data that parses as JSON
        if "src" in script.attrs:
            continue
        assert script.attrs.get("type") == "application/ld+json", script.attrs
        json.loads(script.text())


@pytest.mark.browser
def test_a_browser_shows_every_paragraph(built: SampleSite, page: Any) -> None:
    """Chromium's parser, not just html.parser: every block is in the DOM and no handler ran."""
    with serve(built.out) as base:
        page.goto(base + article_path(built).removesuffix("index.html"))
        count = page.evaluate("document.querySelectorAll('.article-text > *').length")
        heading = page.evaluate("document.querySelector('h1') && document.querySelector('h1').textContent")
        texts = page.evaluate("[...document.querySelectorAll('.article-text > *')].map(e => e.textContent)")
    assert count == len(PARAGRAPHS)
    assert heading == TITLE
    assert texts == PARAGRAPHS


@given(st.text(alphabet=st.sampled_from("a &<>'\"é\n;#"), max_size=40))
def test_paragraph_escaping_is_markupsafes(text: str) -> None:
    """Paragraphs are escaped by a str.replace chain (speed); it must write exactly what
    markupsafe (the templates' escaping) writes."""
    from markupsafe import escape

    from sitegen.inline import escape_html

    assert escape_html(text) == str(escape(text))
