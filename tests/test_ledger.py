"""The corrections ledger summarises: each correction once, paginated, long article lists
on a page of their own, and every corrected place one link away (its paragraph)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urldefrag, urljoin

from sitegen.ledger import SHOWN

from .conftest import DEFAULT_CONFIG, SampleSite
from .htmltext import Element, article_blocks, parse_html

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
ARTICLES = SHOWN + 3  # the 'struggle' rule applies in more articles than the ledger lists


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


def test_each_correction_is_listed_once_with_a_count_and_long_lists_collapse(
    make_site: Callable[..., SampleSite],
) -> None:
    site = ledger_site(make_site)
    pages = ledger_pages(site)
    main = [page for url, page in pages.items() if url == "corrections/"]
    assert len(main) == 1
    entries = main[0].find_all("article", cls="ledger-entry")
    assert [e.find("h3").text() for e in entries] == ["struggle → war", "navy → military"]  # type: ignore[union-attr]
    struggle = entries[0]
    assert f"{3 * ARTICLES} places in {ARTICLES} articles" in struggle.text()
    assert len(items(struggle.find("ul", cls="ledger-articles"))) == SHOWN
    more = struggle.find("p", cls="ledger-more")
    assert more is not None and "and 3 more articles" in more.text()
    # Its own page lists every article it applies in, paginated like every listing.
    own = urljoin(SITE + "corrections/", more.find("a").attrs["href"]).removeprefix(SITE)  # type: ignore[union-attr]
    listed = [
        li
        for url, page in pages.items()
        if url.startswith(own)
        for li in items(page.find("ul", cls="ledger-articles"))
    ]
    assert len(listed) == ARTICLES
    assert len([url for url in pages if url.startswith(own)]) == -(-ARTICLES // 4)
    assert "1 place in 1 article" in entries[1].text()
    # The note is written once per correction, not once per place.
    html = (site.out / "corrections" / "index.html").read_text(encoding="utf-8")
    assert html.count("stands for &#39;war&#39;") + html.count("stands for 'war'") == 1


def test_every_corrected_place_is_one_link_away(make_site: Callable[..., SampleSite]) -> None:
    site = ledger_site(make_site)
    links = links_of(ledger_pages(site))
    targets = set()
    for n in range(1, ARTICLES + 1):
        page = next(site.out.glob(f"2020/01/{n:02d}/*/index.html"))
        url = SITE + page.parent.relative_to(site.out).as_posix() + "/"
        blocks = article_blocks(page.read_text(encoding="utf-8"))
        corrected = [b for b in blocks if b.received != b.corrected]
        assert [b.number for b in corrected] == [2, 4]
        targets |= {f"{url}#{b.anchor}" for b in corrected}
        # only paragraphs with a corrected place are linked: no link leads elsewhere in the text
        linked = {urldefrag(link)[1] for link in links if urldefrag(link)[0] == url} - {""}
        assert linked == {b.anchor for b in corrected}
    assert targets <= links
