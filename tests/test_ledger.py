"""The corrections ledger summarises: each correction once with a few examples, each
corrected article once (linked to its footnotes, which link every place), both paginated."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from urllib.parse import urldefrag, urljoin

from sitegen.plan.ledger import BY_ARTICLE, EXAMPLES

from .conftest import DEFAULT_CONFIG, SampleSite
from .htmltext import Element, article_blocks, corrected_places, parse_html

SITE = "https://archive.example/"
RULES = """\
[[rule]]
find = "struggle"
replace = "war"
type = "error"
note = "Spinner damage: 'struggle' stands for 'war'."

[[rule]]
find = "navy"
replace = "military"
type = "error"
note = "Spinner damage: 'navy' stands for 'military'."
"""
ARTICLES = 13  # the 'struggle' rule applies in more articles than the ledger shows as examples


def seed(n: int) -> str:
    navy = " The navy said so." if n == 1 else ""
    return (
        f"date 2020-01-{n:02d} Report {n} begins here.\n\nThe struggle went on.{navy}\n\n"
        "Nothing to correct.\n\nAnother struggle, and one more struggle.\n"
    )


def ledger_site(make_site: Callable[..., SampleSite]) -> SampleSite:
    site = make_site(
        seeds={f"a{n:02d}": seed(n) for n in range(1, ARTICLES + 1)},
        config=DEFAULT_CONFIG + "per_page = 4\n[search]\nenabled = false\n",
        files={"content/corrections.toml": RULES},
    )
    report = site.build()
    assert report.log.errors == 0, [d.message for d in report.log.items]
    return site


def ledger_pages(site: SampleSite) -> dict[str, Element]:
    return {
        p.parent.relative_to(site.out).as_posix() + "/": parse_html(p.read_text(encoding="utf-8"))
        for p in (site.out / "corrections").rglob("index.html")
    }


def items(element: Element | None) -> list[Element]:
    assert element is not None
    return [li for li in element.children if isinstance(li, Element) and li.tag == "li"]


def links_of(pages: dict[str, Element]) -> set[str]:
    return {urljoin(SITE + url, a.attrs["href"]) for url, page in pages.items() for a in page.find_all("a")}


def test_each_correction_is_listed_once_with_counts_and_a_few_examples(
    make_site: Callable[..., SampleSite],
) -> None:
    site = ledger_site(make_site)
    pages = ledger_pages(site)
    by_correction = [page for url, page in pages.items() if not url.startswith(BY_ARTICLE)]
    assert list(pages).count("corrections/") == 1
    entries = [e for page in by_correction for e in page.find_all("article", cls="ledger-entry")]
    assert [e.find("h3").text() for e in entries] == ["struggle → war", "navy → military"]  # type: ignore[union-attr]
    struggle, navy = entries
    assert f"{3 * ARTICLES} places in {ARTICLES} articles" in struggle.text()
    assert "1 place in 1 article" in navy.text()
    # a few examples, each the correction's footnote in an article, and the rest counted
    examples = [a.attrs["href"] for a in struggle.find_all("a")]
    assert len(examples) == EXAMPLES and all(h.endswith("#n1") for h in examples)
    assert f"and {ARTICLES - EXAMPLES} more" in struggle.text()
    assert [a.attrs["href"].rpartition("#")[2] for a in navy.find_all("a")] == ["n2"]
    # The note is written once per correction, not once per place or article.
    html = "".join(p.read_text(encoding="utf-8") for p in (site.out / "corrections").rglob("index.html"))
    assert html.count("stands for &#39;war&#39;") + html.count("stands for 'war'") == 1


def test_the_ledger_links_every_corrected_article_whose_page_marks_every_place(
    make_site: Callable[..., SampleSite],
) -> None:
    site = ledger_site(make_site)
    pages = ledger_pages(site)
    by_article = {url: page for url, page in pages.items() if url.startswith(BY_ARTICLE)}
    assert len(by_article) == -(-ARTICLES // 4)  # paginated, per_page = 4
    rows = [li for page in by_article.values() for li in items(page.find("ul", cls="ledger-articles"))]
    assert len(rows) == ARTICLES
    assert sum(int(re.findall(r"(\d+) places?", li.text())[-1]) for li in rows) == 3 * ARTICLES + 1
    links = links_of(by_article)
    for n in range(1, ARTICLES + 1):
        page = next(site.out.glob(f"2020/01/{n:02d}/*/index.html"))
        url = SITE + page.parent.relative_to(site.out).as_posix() + "/"
        assert url + "#footnotes" in links  # one link to the article, landing on its footnotes
        html = page.read_text(encoding="utf-8")
        corrected = [b.anchor for b in article_blocks(html) if b.received != b.corrected]
        assert len(corrected) == 2
        footnotes = parse_html(html).find(id="footnotes")
        assert footnotes is not None
        # each footnote leads back into the text, to a paragraph with a corrected place, and
        # each corrected place is marked with a link to a footnote on this page
        backs = {a.attrs["href"][1:] for a in footnotes.find_all("a") if a.attrs["href"][0] == "#"}
        assert backs and backs <= set(corrected)
        notes = {li.id for li in footnotes.find_all("li")}
        assert {p.marker.attrs["href"].removeprefix("#") for p in corrected_places(html)} <= notes


def test_a_rule_note_is_written_once_in_the_ledger_and_linked_from_each_footnote(
    make_site: Callable[..., SampleSite],
) -> None:
    """Six rules, four entries to a ledger page: a footnote of a rule links its entry, on the
    page that holds it, instead of repeating its note; notes.jsonld has each note by its anchor."""
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
    rules = "".join(
        f'[[rule]]\nfind = "{w}"\nreplace = "{w.upper()}"\ntype = "error"\nnote = "Why {w} is wrong."\n'
        for w in words
    )
    site = make_site(
        seeds={"a01": "date 2020-01-01 One.\n\n" + " ".join(words) + ".\n"},
        config=DEFAULT_CONFIG + "per_page = 4\n[search]\nenabled = false\n",
        files={"content/corrections.toml": rules},
    )
    report = site.build()
    assert report.log.errors == 0, [d.message for d in report.log.items]
    pages = {SITE + url: page for url, page in ledger_pages(site).items()}
    page = next(site.out.glob("2020/01/01/*/index.html"))
    url = SITE + page.parent.relative_to(site.out).as_posix() + "/"
    html = page.read_text(encoding="utf-8")
    footnotes = parse_html(html).find(id="footnotes")
    assert footnotes is not None
    graph = json.loads((site.out / "corrections" / "notes.jsonld").read_bytes())["@graph"]
    notes = {node["id"].removeprefix("#"): node["value"] for node in graph}
    held_on = set()
    for word, item in zip(words, footnotes.find_all("li"), strict=True):
        assert f"Why {word} is wrong." not in item.text()
        (why,) = [a.attrs["href"] for a in item.find_all("a") if a.attrs["href"][0] != "#"]
        target, anchor = urldefrag(urljoin(url, why))
        entry = pages[target].find(id_=anchor)
        assert entry is not None and f"Why {word} is wrong." in entry.text()
        assert notes[anchor] == f"Why {word} is wrong."
        held_on.add(target)
    assert held_on == {SITE + "corrections/", SITE + "corrections/page/2/"}
    assert len(notes) == len(words)
