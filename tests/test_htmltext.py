"""The test helpers themselves: the received-reading extraction and the CI-aware ``require``."""

from __future__ import annotations

import pytest

from .conftest import require
from .htmltext import article_blocks, corrected_text, parse_html, received_text

# The markup corrections and mentions are given on the article page (see sitegen/inline.py).
CORRECTED_BLOCK = (
    '<div class="article-text">'
    "<p id=p1>The <a href=../e/>Quds "
    "<del>Drive</del><ins>Force</ins></a><a href=#n1>1</a>"
    " is tantamount to declaring "
    '<del>struggle</del><ins>war &amp; <a href="../f/">peace</a></ins><a href=#n2>2</a>.</p>'
    '<h2 id="a-heading">Heading with <del>old</del><ins>new</ins><a href="#n3">3</a> words</h2>'
    '<figure class="caption" id="p3"><figcaption>A caption &lt;b&gt;</figcaption></figure>'
    '<blockquote id="p4"><p>Quoted <br>text</p></blockquote>'
    "</div>"
)


def test_received_reading_drops_corrected_readings_and_footnote_markers_only() -> None:
    blocks = article_blocks(CORRECTED_BLOCK)
    assert [b.number for b in blocks] == [1, 2, 3, 4]
    assert [b.role for b in blocks] == ["body", "heading", "caption", "quote"]
    assert [b.anchor for b in blocks] == ["p1", "a-heading", "p3", "p4"]
    assert [b.received for b in blocks] == [
        "The Quds Drive is tantamount to declaring struggle.",
        "Heading with old words",
        "A caption <b>",
        "Quoted text",
    ]
    assert [b.corrected for b in blocks] == [
        "The Quds Force is tantamount to declaring war & peace.",
        "Heading with new words",
        "A caption <b>",
        "Quoted text",
    ]


def test_plain_blocks_read_the_same_both_ways() -> None:
    html = '<div class="article-text"><p id="p1">Plain &amp; simple</p></div>'
    [block] = article_blocks(html)
    assert block.received == block.corrected == "Plain & simple"


def test_only_links_to_a_note_are_markers() -> None:
    """Only ``a href=#nN`` is a marker; other links and elements with text are part of the reading."""
    root = parse_html('<p><a href="#n">kept</a><a href="#p1">1</a><sup>also</sup><a href=#n12>12</a></p>')
    element = root.find("p")
    assert element is not None
    assert received_text(element) == corrected_text(element) == "kept1also"


def test_missing_article_text_is_an_assertion() -> None:
    with pytest.raises(AssertionError, match="article-text"):
        article_blocks("<p>x</p>")


def test_tree_handles_void_and_stray_end_tags() -> None:
    root = parse_html("<div id='a'>one<br>two<img src=x></span>three</div><p id='b'>four</p>")
    a, b = root.find(id="a"), root.find(id="b")
    assert a is not None and b is not None
    assert a.text() == "onetwothree"
    assert b.parent is root  # the stray </span> did not swallow the rest of the page


def test_tree_ends_a_list_item_at_the_next_one() -> None:
    """</li> is optional in HTML (the footnotes leave it out): the next <li> or the list's end closes it."""
    root = parse_html("<ol><li id=a>one <b>1</b><li id=b>two<ul><li id=c>three</ul></ol><p id=d>")
    items = {li.id: li for li in root.find_all("li")}
    assert [items[i].text() for i in "abc"] == ["one 1", "twothree", "three"]
    assert items["b"].parent is items["a"].parent and root.find(id="d").parent is root  # type: ignore[union-attr]


def test_a_corrected_reading_without_ins_is_the_text_before_its_marker() -> None:
    """As reading.js does: <del>a</del>b<a href=#n1> has b as its corrected reading; text elsewhere
    (before a del, after a marker, or followed by another link) is not wrapped."""
    html = (
        '<div class="article-text"><p>x <del>a</del>b<a href=#n1>1</a> y <del>c</del><a href=#n2>2</a>'
        " <del>d</del>e<a href=../e/>f</a></div>"
    )
    [block] = article_blocks(html)
    assert [ins.text() for ins in block.element.find_all("ins")] == ["b"]
    assert (block.received, block.corrected) == ("x a y c def", "x b y  ef")


def test_require_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="prerequisite missing: a thing"):
        require(False, "a thing")


def test_require_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="under CI=true: a thing"):
        require(None, "a thing")


def test_require_passes_when_present(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    require("/usr/bin/java", "java")  # no exception
