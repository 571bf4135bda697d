"""The example article as an annotated text: the reading switch (in Chromium), the page's schema.org
JSON-LD and the corrections ledger (the W3C Web Annotation export: test_webannotation.py).

Expected texts come from the inputs, not from the page: the seed's paragraphs (as received) and the
article's analysis (``analyse_article`` over the registry and the rules, as the build runs it), so a
page that shows the wrong words in either reading fails here.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

import pytest

from sitegen.analysis import Annotators, analyse_article
from sitegen.config import load_config
from sitegen.corrections import load_rules
from sitegen.diagnostics import Level
from sitegen.editorial import parse_editorial
from sitegen.entities import Entity, load_registry
from sitegen.model import Article, ArticleBody, Footnote, Seed
from sitegen.seeds import read_seed
from sitegen.urls import UrlBuilder

from .conftest import BuiltSite
from .htmltext import Element, article_blocks, corrected_places, footnote_replacements, is_mention, parse_html

BLOCKING = {"serious", "critical"}
QUOTE_CONTEXT = 32
# The example article has ~300 blocks, ~1,800 corrections and ~1,100 mentions: axe over all of it takes
# about 20 s. test_accessibility.py runs that once (corrected reading, light); the runs here check the
# first blocks, list items and table rows of each kind, as its dark run does.
SAMPLE_OF_LONG_PAGES = {
    "exclude": [[".article-text > :nth-child(n+16)"], ["li:nth-child(n+16)"], ["tr:nth-child(n+16)"]]
}


# --------------------------------------------------------------------------- the example, analysed


@dataclass(frozen=True)
class Analysed:
    seed: Seed
    article: Article
    body: ArticleBody
    entities: dict[str, Entity]
    urls: UrlBuilder


def analyse_example(root: Path) -> Analysed:
    """The first seed of the archive at ``root``, analysed as the build does (no HTML involved)."""
    config = load_config(root)
    seed_path = sorted((root / "seeds").glob("*.txt"))[0]
    seed, problems = read_seed(seed_path, root)
    assert seed is not None and problems == []
    editorial_path = root / "content" / "articles" / f"{seed.id}.md"
    editorial, problems = parse_editorial(
        editorial_path.read_text(encoding="utf-8"), seed.id, f"content/articles/{seed.id}.md"
    )
    assert editorial is not None and problems == []
    entities, problems = load_registry(sorted((root / "content" / "entities").glob("*.md")), root)
    assert [p for p in problems if p.level >= Level.ERROR] == []
    rule_files = (
        [root / "content" / "corrections.toml"] if (root / "content/corrections.toml").is_file() else []
    )
    rule_files += sorted((root / "content" / "corrections").glob("*.toml"))
    rules, problems = load_rules(rule_files, root)
    assert [p for p in problems if p.level >= Level.ERROR] == []
    tools = Annotators.build(config, entities, rules)
    article, body, _ = analyse_article(seed, editorial, tools)
    return Analysed(seed, article, body, {e.id: e for e in entities}, UrlBuilder(config))


@pytest.fixture(scope="module")
def example(example_site: BuiltSite) -> Analysed:
    return analyse_example(example_site.root)


@pytest.fixture(scope="module")
def article_url(example: Analysed, example_site: BuiltSite) -> str:
    assert (example_site.out / example.article.url / "index.html").is_file()
    return example.article.url


@pytest.fixture(scope="module")
def doc(example_site: BuiltSite, article_url: str) -> Element:
    return parse_html((example_site.out / article_url / "index.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def article_text(doc: Element) -> Element:
    found = doc.find(cls="article-text")
    assert found is not None
    return found


@pytest.fixture(scope="module")
def received(example: Analysed) -> list[str]:
    return [p.text for p in example.seed.paragraphs]


@pytest.fixture(scope="module")
def corrected(example: Analysed) -> list[str]:
    return [block.text for block in example.body.blocks]


def test_the_example_has_both_readings_to_compare(example: Analysed, received: list[str]) -> None:
    """Guards the fixtures: the browser tests below mean something only if texts differ."""
    assert example.body.places and example.body.mentions
    assert sum(a != b for a, b in zip(received, [b.text for b in example.body.blocks], strict=True)) > 10


def test_the_static_page_holds_both_readings(doc: Element, received: list[str], corrected: list[str]) -> None:
    blocks = article_blocks(doc)
    assert [b.number for b in blocks] == list(range(1, len(received) + 1))
    assert [b.received for b in blocks] == received
    assert [b.corrected for b in blocks] == corrected


# --------------------------------------------------------------------------- the switch, in Chromium

# A footnote marker: <a href=#n6>6</a> (sitegen/inline.py).
IS_MARKER = "const isMarker = (el) => el.matches('a') && /^#n[0-9]+$/.test(el.getAttribute('href') || '');"

VISIBLE_TEXTS = """() => { IS_MARKER
return [...document.querySelectorAll('.article-text > *')].map((block, index) => {
    const parts = [];
    const walk = (node) => {
        for (const child of node.childNodes) {
            if (child.nodeType === Node.TEXT_NODE) {
                parts.push(child.data);
            } else if (child.nodeType === Node.ELEMENT_NODE) {
                if (isMarker(child)) continue;
                if (getComputedStyle(child).display === 'none') continue;
                walk(child);
            }
        }
    };
    walk(block);
    return [index + 1, parts.join('')];
})}""".replace("IS_MARKER", IS_MARKER)

VISIBLE_MARKERS = """() => { IS_MARKER return [...document.querySelectorAll('.article-text a')]
    .filter(el => isMarker(el) && el.getClientRects().length > 0).length }""".replace("IS_MARKER", IS_MARKER)

STATE = """() => ({
    pressed: document.querySelector('[data-reading-switch]').getAttribute('aria-pressed'),
    received: document.getElementById('article').classList.contains('reading-received'),
    stored: window.localStorage.getItem('sitegen-reading'),
})"""


def visible_texts(page: Any) -> list[str]:
    found = page.evaluate(VISIBLE_TEXTS)
    numbers = [number for number, _ in found]
    assert numbers == list(range(1, len(found) + 1)), "blocks are not numbered 1..N in order"
    return [text for _, text in found]


def first_difference(got: list[str], want: list[str]) -> str:
    if len(got) != len(want):
        return f"{len(got)} blocks shown, {len(want)} expected"
    for number, (a, b) in enumerate(zip(got, want, strict=True), start=1):
        if a != b:
            at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
            return (
                f"block {number} differs at character {at}:\n"
                f"  shown:    {a[max(0, at - 40) : at + 40]!r}\n  expected: {b[max(0, at - 40) : at + 40]!r}"
            )
    return "no difference"


def open_article(page: Any, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"GET {url}"


@pytest.mark.browser
def test_switch_shows_each_reading_exactly(
    page: Any,
    example_server: str,
    article_url: str,
    received: list[str],
    corrected: list[str],
    example: Analysed,
) -> None:
    open_article(page, example_server + article_url)
    button = page.locator("[data-reading-switch]")
    assert button.count() == 1 and button.is_visible(), "the reading switch is not shown with JavaScript"
    assert page.evaluate(STATE) == {"pressed": "false", "received": False, "stored": None}

    shown = visible_texts(page)
    assert shown == corrected, "default reading: " + first_difference(shown, corrected)
    markers = len(example.body.places)
    assert page.evaluate(VISIBLE_MARKERS) == markers

    button.click()
    assert page.evaluate(STATE) == {"pressed": "true", "received": True, "stored": "received"}
    shown = visible_texts(page)
    assert shown == received, "received reading: " + first_difference(shown, received)
    assert page.evaluate(VISIBLE_MARKERS) == markers, "footnote markers must stay visible in both readings"

    button.click()
    assert page.evaluate(STATE) == {"pressed": "false", "received": False, "stored": "corrected"}
    assert visible_texts(page) == corrected


MARKER_FOCUSED = """(note) => {
    const markers = [...document.querySelectorAll(`.article-text a[href="#${note}"]`)];
    const box = document.activeElement.getBoundingClientRect();
    return [markers.indexOf(document.activeElement), box.top >= 0 && box.bottom <= window.innerHeight];
}"""


@pytest.mark.browser
def test_a_back_link_returns_to_the_marker_followed(page: Any, example_server: str, article_url: str) -> None:
    open_article(page, example_server + article_url)
    markers = page.locator('.article-text a[href="#n5"]')
    last = markers.count() - 1
    assert last > 2, "note 5 applies in many places"
    markers.nth(last).click()
    assert page.evaluate("location.hash") == "#n5"
    page.locator("#n5 > a[href^='#']").click()  # its one back-link, whose href is the first place's paragraph
    assert page.evaluate(MARKER_FOCUSED, "n5") == [last, True], "not back at the marker followed"

    # Another note's back-link, or one reached without following a marker, goes to its first paragraph.
    page.locator("#n6 > a[href^='#']").click()
    assert page.evaluate("location.hash") == "#p2"
    open_article(page, example_server + article_url)  # a new page: no marker followed
    page.evaluate("location.hash = '#n5'")
    page.locator("#n5 > a[href^='#']").click()
    assert page.evaluate("location.hash") == "#p1"


@pytest.mark.browser
def test_switch_works_from_the_keyboard(page: Any, example_server: str, article_url: str) -> None:
    open_article(page, example_server + article_url)
    button = page.locator("[data-reading-switch]")
    assert button.evaluate("el => el.tagName") == "BUTTON"
    button.focus()
    assert page.evaluate("() => document.activeElement.matches('[data-reading-switch]')")
    page.keyboard.press("Enter")
    assert page.evaluate(STATE)["pressed"] == "true"
    assert page.evaluate(STATE)["received"] is True
    page.keyboard.press("Space")
    assert page.evaluate(STATE)["pressed"] == "false"
    assert page.evaluate(STATE)["received"] is False
    status = page.locator("[data-reading-status]")
    assert status.get_attribute("aria-live") == "polite" and status.inner_text().strip()


@pytest.mark.browser
def test_the_choice_survives_a_reload(
    page: Any, example_server: str, article_url: str, received: list[str], corrected: list[str]
) -> None:
    open_article(page, example_server + article_url)
    page.locator("[data-reading-switch]").click()
    page.reload(wait_until="load")
    assert page.evaluate(STATE) == {"pressed": "true", "received": True, "stored": "received"}
    assert visible_texts(page) == received
    page.locator("[data-reading-switch]").click()
    page.reload(wait_until="load")
    assert page.evaluate(STATE) == {"pressed": "false", "received": False, "stored": "corrected"}
    assert visible_texts(page) == corrected


@pytest.mark.browser
def test_without_javascript_the_corrected_reading_and_footnotes_show(
    browser: Any, example_server: str, article_url: str, corrected: list[str], example: Analysed
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        open_article(page, example_server + article_url)
        button = page.locator("[data-reading-switch]")
        assert button.count() <= 1
        assert button.count() == 0 or not button.is_visible(), "a switch that cannot work is shown"
        # Playwright's evaluate runs even with page scripts off: the DOM is what the reader got.
        assert not page.evaluate(
            "() => document.getElementById('article').classList.contains('reading-received')"
        )
        shown = visible_texts(page)
        assert shown == corrected, "without JavaScript: " + first_difference(shown, corrected)

        notes = page.evaluate(
            """() => [...document.querySelectorAll('#footnotes li[id^="n"]')].map(li => [
                li.id,
                li.getClientRects().length > 0,
                [...li.querySelectorAll('del')].map(el => el.innerText),
                li.innerText,
            ])"""
        )
        notes = [[id, shown, readings, footnote_replacements(text)] for id, shown, readings, text in notes]
        expected = [
            [f"n{n.number}", True, list(n.readings), list(n.replacements)] for n in example.article.footnotes
        ]
        assert notes == expected
    finally:
        context.close()


@pytest.mark.browser
def test_a_reader_without_javascript_is_told_where_the_received_text_is(
    browser: Any, example_server: str, article_url: str
) -> None:
    """The switch needs JavaScript; without it, its row says where the text as received is
    (the source view) instead of leaving an empty gap. With it, the switch replaces that line."""
    for javascript in (False, True):
        context = browser.new_context(java_script_enabled=javascript)
        try:
            page = context.new_page()
            open_article(page, example_server + article_url)
            row = page.locator(".reading-switch-row")
            assert row.is_visible() and row.inner_text().strip(), "an empty row"
            hint = page.locator("[data-reading-fallback]")
            if javascript:
                assert hint.count() == 0 and page.locator("[data-reading-switch]").is_visible()
                continue
            assert hint.is_visible() and "as received" in hint.inner_text()
            href = hint.locator("a").evaluate("a => a.href")
            assert href == example_server + article_url + "source/"
            open_article(page, href)
            assert page.title().startswith("Source as received")
        finally:
            context.close()


@pytest.mark.browser
def test_received_reading_has_no_serious_accessibility_violation(
    page: Any, example_server: str, article_url: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    open_article(page, example_server + article_url)
    page.locator("[data-reading-switch]").click()
    assert page.evaluate(STATE)["received"] is True
    violations = [
        v
        for v in Axe().run(page, context=SAMPLE_OF_LONG_PAGES).response["violations"]
        if v.get("impact") in BLOCKING
    ]
    assert not violations, "\n".join(
        f"[{v['impact']}] {v['id']}: {v['help']} — {[n.get('target') for n in v['nodes'][:5]]}"
        for v in violations
    )


# --------------------------------------------------------------------------- schema.org JSON-LD


@pytest.fixture(scope="module")
def news_article(doc: Element) -> dict[str, Any]:
    return page_jsonld(doc)


def page_jsonld(doc: Element) -> dict[str, Any]:
    """The page's one JSON-LD object."""
    scripts = [s for s in doc.find_all("script") if s.attrs.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    data = json.loads(scripts[0].text())
    assert isinstance(data, dict)
    return data


def mention_links(article_text: Element) -> list[Element]:
    return [el for el in article_text.iter() if is_mention(el)]


def linked_entity(link: Element) -> str:
    """The entity a mention link names: the last segment of its address (``…/entities/<id>/``)."""
    href = link.attrs["href"]
    assert re.fullmatch(r"(\.\./)*entities/[^/]+/", href), href
    return href.rstrip("/").rsplit("/", 1)[1]


def test_news_article_jsonld(
    news_article: dict[str, Any],
    example: Analysed,
    article_text: Element,
    doc: Element,
    example_site: BuiltSite,
) -> None:
    assert news_article["@context"] == "https://schema.org"
    assert news_article["@type"] == "NewsArticle"
    h1 = doc.find("h1")
    assert h1 is not None and news_article["headline"] == h1.text() == example.article.title
    assert news_article["datePublished"] == example.seed.date.isoformat()

    mentioned = {linked_entity(a) for a in mention_links(article_text)}
    assert mentioned == {m.entity for m in example.body.mentions}
    listed = {example.urls.full(f"entities/{e}/"): e for e in mentioned}
    # Each mention is the IRI of the entity's page, whose JSON-LD describes the entity once
    # (the node with that @id: its type, name and Wikidata link).
    refs = news_article["mentions"]
    assert all(set(ref) == {"@id"} for ref in refs)
    assert sorted(r["@id"] for r in refs) == sorted(listed)
    for ref in refs:
        entity = example.entities[listed[ref["@id"]]]
        page = parse_html((example_site.out / f"entities/{entity.id}/index.html").read_text(encoding="utf-8"))
        described = page_jsonld(page)
        assert described["@id"] == ref["@id"] and described["name"] == entity.name
        if entity.wikidata:
            assert re.fullmatch(
                rf"https?://www\.wikidata\.org/(wiki|entity)/{entity.wikidata}", described["sameAs"]
            )
        else:
            assert "sameAs" not in described
    assert any(e.wikidata for e in map(example.entities.get, mentioned) if e), "no Wikidata id to check"

    # One comment stands for every correction: it points at the footnotes (each note stated once,
    # section#footnotes) and at the Web Annotations (each place with its note).
    correction = news_article["correction"]
    page = example.urls.full(example.article.url)
    assert correction["@type"] == "CorrectionComment"
    assert correction["url"] == page + "#footnotes" and doc.find("section", id_="footnotes") is not None
    places, notes = len(example.body.places), len(example.article.footnotes)
    assert (
        f"{places} editorial corrections" in correction["text"] and f"{notes} footnotes" in correction["text"]
    )
    assert correction["encoding"] == {
        "@type": "MediaObject",
        "contentUrl": page + "annotations.jsonld.gz",
        "encodingFormat": ["application/ld+json", "application/gzip"],
    }
    alternate = [link for link in doc.find_all("link") if link.attrs.get("rel") == "alternate"]
    assert [urljoin(page, link.attrs["href"]) for link in alternate if "ld+json" in link.attrs["type"]] == [
        correction["encoding"]["contentUrl"]
    ]


# --------------------------------------------------------------------------- the corrections ledger


@pytest.fixture(scope="module")
def ledger(example_site: BuiltSite) -> Element:
    path = example_site.out / "corrections" / "index.html"
    assert path.is_file()
    return parse_html(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class PageNote:
    """A footnote as the page shows it."""

    readings: list[str]
    replacements: list[str]
    back: list[str]  # its back-links' targets
    why: str  # a site-wide rule's: the link to its ledger entry, which holds the note
    label: str  # its kind in bold, if it differs from the key's
    meta: str  # its evidence, certainty and responsibility, if they differ from the key's
    text: str


def footnotes_in_page(doc: Element) -> dict[int, PageNote]:
    section = doc.find("section", cls="footnotes")
    assert section is not None
    found: dict[int, PageNote] = {}
    for note in section.find_all("li"):
        assert (note.id or "").startswith("n"), note.id
        label, meta = note.find("b"), note.find("small")
        found[int((note.id or "")[1:])] = PageNote(
            [s.text() for s in note.find_all("del")],
            footnote_replacements(note.text()),
            [a.attrs["href"][1:] for a in note.find_all("a") if a.attrs["href"].startswith("#")],
            next((a.attrs["href"] for a in note.find_all("a") if not a.attrs["href"].startswith("#")), ""),
            label.text() if label else "",
            meta.text() if meta else "",
            note.text().strip(),
        )
    return found


@pytest.fixture(scope="module")
def ledger_pages(example_site: BuiltSite) -> dict[str, Element]:
    """Every page of the ledger (it is paginated) by URL."""
    return {
        "https://archive.example/" + p.parent.relative_to(example_site.out).as_posix() + "/": parse_html(
            p.read_text(encoding="utf-8")
        )
        for p in (example_site.out / "corrections").rglob("index.html")
    }


def test_ledger_puts_every_corrected_place_one_link_away(
    ledger_pages: dict[str, Element], doc: Element, article_url: str
) -> None:
    """The ledger links the article's footnotes: the page holding every corrected place, each
    marked and linked to its footnote, whose back-link leads to a paragraph it applies in."""
    page_url = "https://archive.example/" + article_url
    linked = set()
    for url, page in ledger_pages.items():
        for link in page.find_all("a"):
            target, fragment = urldefrag(urljoin(url, link.attrs["href"]))
            if target == page_url:
                linked.add(fragment)
    assert "footnotes" in linked and doc.find(id="footnotes") is not None
    notes = footnotes_in_page(doc)
    assert linked - {"footnotes"} <= {f"n{n}" for n in notes}  # examples: a correction's footnote
    with_places = {place.block.anchor for place in corrected_places(doc)}
    assert with_places, "the example has corrected places"
    assert {anchor for note in notes.values() for anchor in note.back} <= with_places
    assert {place.note for place in corrected_places(doc)} == set(notes)


def test_ledger_lists_each_correction_once_and_the_counts_add_up(
    ledger_pages: dict[str, Element], ledger: Element, doc: Element
) -> None:
    places = corrected_places(doc)
    total = len(places)
    counts = []
    for page in ledger_pages.values():
        for entry in page.find_all("article", cls="ledger-entry"):
            meta = entry.find("p", cls="article-meta")
            assert meta is not None
            match = re.search(r"(\d+) places? in 1 article\b", meta.text())
            assert match, meta.text()
            counts.append(int(match.group(1)))
    assert sum(counts) == total
    lead = ledger.find("p", cls="lead")
    assert lead is not None and re.search(rf"\b{total} in 1 article\b", lead.text())
    # the example is the only article: there is one footnote, and one ledger entry, per distinct
    # correction, and each entry's count is the number of places marked with its footnote
    assert sorted(counts) == sorted(Counter(place.note for place in places).values())


def test_a_footnote_links_back_once_and_counts_its_places(doc: Element) -> None:
    """One back-link, to the paragraph of the note's first place (reading.js returns to the
    marker followed), and "↩ (N)" where a note applies in several places, as the key says."""
    key = doc.find("p", cls="fn-key")
    assert key is not None and "a number after it counts the places a note applies in" in key.text()
    places = corrected_places(doc)
    ids = {el.id for el in doc.iter() if el.id}
    first: dict[int, str] = {}
    for place in places:
        first.setdefault(place.note, place.block.anchor or "")
    counts = Counter(place.note for place in places)
    notes = footnotes_in_page(doc)
    assert sorted(notes) == list(range(1, len(notes) + 1)) == sorted(first)
    assert max(counts.values()) > 1 and min(counts.values()) == 1
    for number, note in notes.items():
        assert note.back == [first[number]] and first[number] in ids, f"footnote {number}"
        said = re.findall(r"↩ \((\d+)\)$", note.text)
        assert said == ([str(counts[number])] if counts[number] > 1 else []), f"footnote {number}"
        assert note.text.endswith("↩" if counts[number] == 1 else ")"), f"footnote {number}"


def test_a_footnote_gives_both_readings_the_correction_as_plain_text(doc: Element, example: Analysed) -> None:
    """<del>USA</del> → United States: the received reading struck through, the corrected one
    after the arrow without an <ins> (nothing in the footnotes switches with the reading)."""
    section = doc.find("section", cls="footnotes")
    assert section is not None and section.find_all("ins") == []
    notes = footnotes_in_page(doc)
    for footnote in example.article.footnotes:
        note = notes[footnote.number]
        assert (note.readings, note.replacements) == (list(footnote.readings), list(footnote.replacements))


def test_each_note_states_kind_and_meta_itself_or_through_the_key(doc: Element, example: Analysed) -> None:
    """What most notes share (kind, evidence, certainty, responsibility) is said once above the
    list; a note says only where it differs."""
    key = doc.find("p", cls="fn-key")
    assert key is not None and key.find("b") is not None
    common_kind = key.find("b").text()  # type: ignore[union-attr]
    common = key.text().split("Unless a note says otherwise: ")[1].removesuffix(".").split("; ")
    assert common[0] == common_kind and common_kind == "Error (spinner)"
    assert common[1:] == ["evidence internal", "by sitegen editors"]  # "certainty high" goes without saying
    notes = footnotes_in_page(doc)
    labelled = 0
    for footnote in example.article.footnotes:
        note = notes[footnote.number]
        kind = "Error" if footnote.type == "error" else "Regularisation"
        category = footnote.category or "other"
        # the type where it differs, and the category where that differs (so never "Error")
        if f"{kind} ({category})" == common_kind:
            label = ""
        elif f"({category})" in common_kind:
            label = kind + "."
        else:
            label = f"{kind} ({category})."
        assert note.label == label, f"footnote {footnote.number}"
        labelled += bool(note.label)
        fields = [
            f"evidence {footnote.evidence}" if footnote.evidence else "no evidence stated",
            f"certainty {footnote.cert}",
            f"by {footnote.resp}" if footnote.resp else "no editor named",
        ]
        differs = [f for f in fields if f not in (*common[1:], "certainty high")]
        assert note.meta.lower() == ("; ".join(differs) + "." if differs else "").lower(), footnote.number
    assert 0 < labelled < len(notes) / 2


def test_ins_is_written_only_where_a_mention_makes_a_place_ambiguous(
    example_site: BuiltSite, article_url: str
) -> None:
    """<del>received</del>corrected<a href=#n6>6</a>: the corrected reading is the text between
    (reading.js wraps it in <ins>); only a place in or around a mention link keeps its <ins>."""
    html = (example_site.out / article_url / "index.html").read_text(encoding="utf-8")
    text = html[html.index("data-article-text") : html.index('id="footnotes"')]
    places = corrected_places(html)
    written = [m.start() for m in re.finditer("<ins>", text)]
    assert 0 < len(written) < len(places) / 10
    for start in written:  # each is in a mention link or holds one
        opened, closed = text.rfind("<a href=.", 0, start), text.rfind("</a>", 0, start)
        inside = opened > closed
        holds = "<a href=." in text[start : text.index("</ins>", start)]
        assert inside or holds, text[start - 80 : start + 80]


def is_rule(footnote: Footnote) -> bool:
    """Made by a site-wide rule (not by a correction in the article's front matter)."""
    return not footnote.correction.startswith("content/articles/")


def test_each_note_is_written_once_in_the_page(doc: Element, example: Analysed) -> None:
    """A per-article correction's note once per footnote (two may share a note); a site-wide
    rule's note not at all (its ledger entry holds it), unless quoted in one of the former."""
    page = (doc.find("html") or doc).text()
    inline = Counter(note.note for note in example.article.footnotes if not is_rule(note))
    ruled = {note.note for note in example.article.footnotes if is_rule(note)}
    assert inline and len(ruled) > 100
    for text in set(inline) | ruled:  # a short note may also be quoted inside a longer one
        assert page.count(text) == sum(n * other.count(text) for other, n in inline.items()), text


def test_a_rule_footnote_links_the_ledger_entry_that_holds_its_note(
    doc: Element, example: Analysed, article_url: str, ledger_pages: dict[str, Element]
) -> None:
    notes = footnotes_in_page(doc)
    ruled = [footnote for footnote in example.article.footnotes if is_rule(footnote)]
    assert len(ruled) > 100
    for footnote in ruled:
        note = notes[footnote.number]
        assert footnote.note not in note.text and note.text.count("why") == 1, footnote.number
        page_url, anchor = urldefrag(urljoin("https://archive.example/" + article_url, note.why))
        entry = ledger_pages[page_url].find(id_=anchor)
        assert entry is not None and entry.tag == "article", note.why
        assert footnote.note in entry.text(), note.why


def test_the_notes_document_maps_each_linked_entry_to_its_note(
    example_site: BuiltSite, doc: Element, example: Analysed, ledger_pages: dict[str, Element]
) -> None:
    """corrections/notes.jsonld: what reading.js puts in place of a footnote's link (each
    note a body with its ledger entry's anchor as id); only rules that apply somewhere (those
    with a ledger entry)."""
    graph = json.loads((example_site.out / "corrections" / "notes.jsonld").read_bytes())["@graph"]
    data = {node["id"].removeprefix("#"): node["value"] for node in graph}
    notes = footnotes_in_page(doc)
    for footnote in filter(is_rule, example.article.footnotes):
        assert data[urldefrag(notes[footnote.number].why).fragment] == footnote.note
    entries = {a.id for page in ledger_pages.values() for a in page.find_all("article", cls="ledger-entry")}
    assert set(data) == entries - {None}


def test_a_per_article_correction_keeps_its_note_in_the_footnote(doc: Element, example: Analysed) -> None:
    notes = footnotes_in_page(doc)
    own = [footnote for footnote in example.article.footnotes if not is_rule(footnote)]
    assert own, "the example has corrections of its own"
    for footnote in own:
        assert footnote.note in notes[footnote.number].text and notes[footnote.number].why == ""


NOTES_MISSING = """(notes) => notes.filter(([n, note]) => {
    const item = document.getElementById(n);
    return !item.textContent.includes(note) || item.querySelector("a:not([href^='#'])");
}).map(([n]) => n)"""


@pytest.mark.browser
def test_reading_js_puts_each_rule_note_in_its_footnote(
    page: Any, example_server: str, article_url: str, example: Analysed
) -> None:
    open_article(page, example_server + article_url)
    notes = [[f"n{f.number}", f.note] for f in example.article.footnotes if is_rule(f)]
    assert len(notes) > 100
    page.wait_for_function(f"() => ({NOTES_MISSING})({json.dumps(notes)}).length === 0", timeout=10_000)
    footnote = page.locator(f"#{notes[0][0]}").inner_text()
    assert footnote.startswith("USA") and notes[0][1] + " ↩" in footnote, footnote


def test_the_head_states_title_and_description_once_per_vocabulary(doc: Element, example: Analysed) -> None:
    """A summary card for X, whose title and description fall back to og:title and
    og:description (developer.x.com/cards/markup): no twitter:title or twitter:description."""
    metas = {
        m.attrs.get("name") or m.attrs.get("property"): m.attrs.get("content") for m in doc.find_all("meta")
    }
    assert metas["twitter:card"] == "summary"
    assert metas["og:title"] == example.article.title
    assert metas["og:description"] == metas["description"] == example.article.summary
    assert not {"twitter:title", "twitter:description"} & set(metas)


def test_article_note_points_to_the_ledger(doc: Element, article_url: str) -> None:
    note = doc.find("aside", cls="corrections-note")
    assert note is not None
    total = len(corrected_places(doc))
    assert re.search(rf"This text carries {total} corrections\b", " ".join(note.text().split()))
    links = [urljoin("https://archive.example/" + article_url, a.attrs["href"]) for a in note.find_all("a")]
    assert "https://archive.example/corrections/" in links


@pytest.mark.browser
def test_ledger_has_no_serious_accessibility_violation(page: Any, example_server: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    response = page.goto(example_server + "corrections/", wait_until="load")
    assert response is not None and response.ok
    violations = [
        v
        for v in Axe().run(page, context=SAMPLE_OF_LONG_PAGES).response["violations"]
        if v.get("impact") in BLOCKING
    ]
    assert not violations, "\n".join(
        f"[{v['impact']}] {v['id']}: {v['help']} — {[n.get('target') for n in v['nodes'][:5]]}"
        for v in violations
    )


def test_the_ledger_shows_what_a_regex_rule_matched_not_its_pattern(example_site: BuiltSite) -> None:
    ledger = (example_site.out / "corrections" / "index.html").read_text(encoding="utf-8")
    # content/corrections.toml has a regex rule '(?-i:individuals)' → 'people'.
    assert "(?-i:" not in ledger
    assert '<span class="sic">individuals</span> → people</h3>' in ledger
