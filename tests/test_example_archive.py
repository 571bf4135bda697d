"""The repository's example archive, built end to end: the article page keeps every paragraph as received."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from sitegen.config import load_config
from sitegen.editorial import parse_editorial
from sitegen.model import Editorial, Seed
from sitegen.seeds import read_seed
from sitegen.urls import permalink, relative

from .conftest import BuiltSite
from .htmltext import ArticleBlock, Element, article_blocks, parse_html

TAG_OF_ROLE = {"body": "p", "heading": "h2", "caption": "figure", "quote": "blockquote"}


def seed_paths(root: Path) -> list[Path]:
    return sorted((root / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def seed(example_site: BuiltSite) -> Seed:
    paths = seed_paths(example_site.root)
    assert paths, "the example archive has no seeds"
    found, problems = read_seed(paths[0], example_site.root)
    assert problems == [] and found is not None
    return found


@pytest.fixture(scope="module")
def editorial(example_site: BuiltSite, seed: Seed) -> Editorial:
    path = example_site.root / "content" / "articles" / f"{seed.id}.md"
    assert path.is_file(), f"the example archive has no editorial file for {seed.id}"
    found, problems = parse_editorial(
        path.read_text(encoding="utf-8"), seed.id, f"content/articles/{seed.id}.md"
    )
    assert problems == [] and found is not None
    return found


@pytest.fixture(scope="module")
def article_url(example_site: BuiltSite, seed: Seed, editorial: Editorial) -> str:
    config = load_config(example_site.root)
    assert editorial.slug
    return permalink(
        config.permalink,
        year=seed.date.year,
        month=seed.date.month,
        day=seed.date.day,
        slug=editorial.slug,
        article_id=seed.id,
    )


@pytest.fixture(scope="module")
def html(example_site: BuiltSite, article_url: str) -> str:
    path = example_site.out / article_url / "index.html"
    assert path.is_file(), f"no article page at /{article_url}"
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc(html: str) -> Element:
    return parse_html(html)


@pytest.fixture(scope="module")
def blocks(html: str) -> list[ArticleBlock]:
    return article_blocks(html)


def test_the_example_builds_without_errors(example_site: BuiltSite) -> None:
    assert example_site.report.log.errors == 0, [d.format() for d in example_site.report.log.items]


def test_title_and_date(doc: Element, editorial: Editorial, seed: Seed) -> None:
    h1 = doc.find("h1")
    assert h1 is not None and editorial.title
    assert h1.text() == editorial.title
    title = doc.find("title")
    assert title is not None and title.text().startswith(editorial.title)
    header = doc.find("header", cls="article-header")
    assert header is not None
    time = header.find("time")
    assert time is not None
    assert time.attrs["datetime"] == seed.date.isoformat()
    assert time.text() == f"{seed.date.day} {seed.date:%B} {seed.date.year}"


def test_editors_note(doc: Element, editorial: Editorial) -> None:
    assert editorial.note_markdown
    note = doc.find("section", cls="editors-note")
    assert note is not None
    heading = note.find("h2")
    assert heading is not None and heading.id and note.attrs.get("aria-labelledby") == heading.id
    # plain CommonMark gives the note's text; sitegen's renderer may add markup but not change the words
    expected = parse_html(MarkdownIt("commonmark").render(editorial.note_markdown))
    shown = note.text(skip=lambda el: el is heading)
    assert " ".join(shown.split()) == " ".join(expected.text().split())


def test_every_paragraph_appears_once_and_unchanged(blocks: list[ArticleBlock], seed: Seed) -> None:
    expected = [p.text for p in seed.paragraphs]
    assert [b.number for b in blocks] == list(range(1, len(expected) + 1))
    received = [b.received for b in blocks]
    for number, (got, want) in enumerate(zip(received, expected, strict=True), start=1):
        assert got == want, f"paragraph {number} (seed line {seed.paragraphs[number - 1].line}) differs"
    assert Counter(received) == Counter(expected)


def test_blocks_follow_the_editorial_roles(blocks: list[ArticleBlock], editorial: Editorial) -> None:
    assert editorial.roles
    for block in blocks:
        role = editorial.roles.get(block.number, "body")
        assert block.role == role, f"paragraph {block.number}"
        assert block.element.tag == TAG_OF_ROLE[role]
    anchors = [b.anchor for b in blocks]
    assert all(anchors) and len(set(anchors)) == len(anchors)


def test_headings_are_h2_with_ids(blocks: list[ArticleBlock], editorial: Editorial) -> None:
    headings = [b for b in blocks if b.role == "heading"]
    assert [b.number for b in headings] == sorted(n for n, r in editorial.roles.items() if r == "heading")
    for block in headings:
        assert block.element.tag == "h2"
        assert block.anchor and not block.anchor.startswith("p")


def test_captions_are_set_apart(blocks: list[ArticleBlock], editorial: Editorial) -> None:
    captions = [b for b in blocks if b.role == "caption"]
    assert [b.number for b in captions] == sorted(n for n, r in editorial.roles.items() if r == "caption")
    for block in captions:
        assert block.element.tag == "figure" and "caption" in block.element.classes
        figcaption = block.element.find("figcaption")
        assert figcaption is not None


def test_quotes_are_blockquotes(blocks: list[ArticleBlock], editorial: Editorial) -> None:
    quotes = [b for b in blocks if b.role == "quote"]
    assert [b.number for b in quotes] == sorted(n for n, r in editorial.roles.items() if r == "quote")
    assert all(b.element.tag == "blockquote" for b in quotes)


def test_table_of_contents_links_to_the_headings(doc: Element, blocks: list[ArticleBlock]) -> None:
    toc = doc.find("nav", cls="toc")
    assert toc is not None
    hrefs = [a.attrs["href"] for a in toc.find_all("a")]
    heading_ids = [b.anchor or "" for b in blocks if b.role == "heading"]
    assert hrefs == [f"#{anchor}" for anchor in heading_ids]
    ids = Counter(el.id for el in doc.iter() if el.id)
    assert all(ids[anchor] == 1 for anchor in heading_ids)


def test_ids_are_unique_in_the_page(doc: Element) -> None:
    ids = Counter(el.id for el in doc.iter() if el.id)
    assert [i for i, n in ids.items() if n > 1] == []


def test_home_page_lists_the_article(example_site: BuiltSite, article_url: str, editorial: Editorial) -> None:
    home = parse_html((example_site.out / "index.html").read_text(encoding="utf-8"))
    listing = home.find("ol", cls="article-list")
    assert listing is not None
    links = {a.attrs["href"]: a.text() for a in listing.find_all("a")}
    assert links.get(relative("", article_url)) == editorial.title


def test_source_file_is_published_as_received(example_site: BuiltSite, article_url: str, seed: Seed) -> None:
    published = example_site.out / article_url / f"{seed.id}.txt"
    assert published.read_bytes() == (example_site.root / seed.path).read_bytes()


def test_example_seeds_are_untouched_by_the_build(example_site: BuiltSite) -> None:
    from .conftest import REPO_ROOT

    for path in seed_paths(example_site.root):
        assert path.read_bytes() == (REPO_ROOT / "seeds" / path.name).read_bytes()


def test_no_link_inside_a_link(doc: Element) -> None:
    """HTML forbids nested <a>; a browser would split the outer link (a mention around a footnote marker)."""
    nested = []
    for link in doc.find_all("a"):
        inner = link.find("a")
        if inner is not None:
            outer_class, inner_href = link.attrs.get("class"), inner.attrs.get("href")
            nested.append(f"line {link.line}: <a class={outer_class!r}> holds <a href={inner_href!r}>")
    assert not nested, f"{len(nested)} nested link(s), first ones:\n" + "\n".join(nested[:5])


@pytest.mark.browser
def test_the_browser_dom_keeps_every_paragraph(
    example_server: str, article_url: str, seed: Seed, blocks: list[ArticleBlock], page: Any
) -> None:
    """The same check through Chromium's parser, which repairs invalid nesting by moving elements."""
    page.goto(example_server + article_url)
    readings = page.evaluate(
        """() => [...document.querySelectorAll('.article-text > *')].map(block => {
            const reading = (drop) => {
                const copy = block.cloneNode(true);
                copy.querySelectorAll(drop).forEach(el => el.remove());
                return copy.textContent;
            };
            return [reading('ins, a[href^="#n"]'), reading('del, a[href^="#n"]')];
        })"""
    )
    assert [received for received, _ in readings] == [p.text for p in seed.paragraphs]
    assert [corrected for _, corrected in readings] == [b.corrected for b in blocks]
