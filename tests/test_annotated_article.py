"""The example article as an annotated text: the reading switch (in Chromium), the W3C Web Annotation
export, the page's schema.org JSON-LD and the corrections ledger.

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
from sitegen.model import Article, ArticleBody, Seed
from sitegen.seeds import read_seed
from sitegen.urls import UrlBuilder

from .conftest import BuiltSite
from .htmltext import Element, article_blocks, corrected_text, parse_html

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
    assert example.article.places and example.article.mentions
    assert sum(a != b for a, b in zip(received, [b.text for b in example.body.blocks], strict=True)) > 10


def test_the_static_page_holds_both_readings(doc: Element, received: list[str], corrected: list[str]) -> None:
    blocks = article_blocks(doc)
    assert [b.number for b in blocks] == list(range(1, len(received) + 1))
    assert [b.received for b in blocks] == received
    assert [b.corrected for b in blocks] == corrected


# --------------------------------------------------------------------------- the switch, in Chromium

VISIBLE_TEXTS = """() => [...document.querySelectorAll('.article-text [data-p]')].map(block => {
    const parts = [];
    const walk = (node) => {
        for (const child of node.childNodes) {
            if (child.nodeType === Node.TEXT_NODE) {
                parts.push(child.data);
            } else if (child.nodeType === Node.ELEMENT_NODE) {
                if (child.matches('sup.fn-ref')) continue;
                if (getComputedStyle(child).display === 'none') continue;
                walk(child);
            }
        }
    };
    walk(block);
    return [Number(block.dataset.p), parts.join('')];
})"""

VISIBLE_MARKERS = """() => [...document.querySelectorAll('.article-text sup.fn-ref')]
    .filter(el => el.getClientRects().length > 0).length"""

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
    markers = len(example.article.places)
    assert page.evaluate(VISIBLE_MARKERS) == markers

    button.click()
    assert page.evaluate(STATE) == {"pressed": "true", "received": True, "stored": "received"}
    shown = visible_texts(page)
    assert shown == received, "received reading: " + first_difference(shown, received)
    assert page.evaluate(VISIBLE_MARKERS) == markers, "footnote markers must stay visible in both readings"

    button.click()
    assert page.evaluate(STATE) == {"pressed": "false", "received": False, "stored": "corrected"}
    assert visible_texts(page) == corrected


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
            """() => [...document.querySelectorAll('#footnotes li[id^="fn-"]')].map(li => [
                li.id,
                li.getClientRects().length > 0,
                [...li.querySelectorAll('.sic')].map(el => el.innerText),
                [...li.querySelectorAll('.corr-text')].map(el => el.innerText),
            ])"""
        )
        expected = [
            [f"fn-{n.number}", True, list(n.readings), list(n.replacements)]
            for n in example.article.footnotes
        ]
        assert notes == expected
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


# --------------------------------------------------------------------------- Web Annotations

OA = "http://www.w3.org/ns/oa#"
AS = "http://www.w3.org/ns/activitystreams#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
ANNO_CONTEXT_URL = "http://www.w3.org/ns/anno.jsonld"

# The terms annotations.jsonld uses, mapped as the Web Annotation Vocabulary (W3C Recommendation,
# 23 February 2017) defines them: oa: classes and properties, ActivityStreams for collections and
# pages, rdf:value for a textual body's text and dc:format for its media type.
ANNO_CONTEXT: dict[str, Any] = {
    "@context": {
        "oa": OA,
        "as": AS,
        "rdf": RDF,
        "dc": DC,
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "id": "@id",
        "type": "@type",
        "Annotation": "oa:Annotation",
        "TextualBody": "oa:TextualBody",
        "SpecificResource": "oa:SpecificResource",
        "TextQuoteSelector": "oa:TextQuoteSelector",
        "TextPositionSelector": "oa:TextPositionSelector",
        "AnnotationCollection": "as:OrderedCollection",
        "AnnotationPage": "as:OrderedCollectionPage",
        "editing": "oa:editing",
        "identifying": "oa:identifying",
        "commenting": "oa:commenting",
        "body": {"@id": "oa:hasBody", "@type": "@id"},
        "target": {"@id": "oa:hasTarget", "@type": "@id"},
        "source": {"@id": "oa:hasSource", "@type": "@id"},
        "selector": {"@id": "oa:hasSelector", "@type": "@id"},
        "motivation": {"@id": "oa:motivatedBy", "@type": "@vocab"},
        "purpose": {"@id": "oa:hasPurpose", "@type": "@vocab"},
        "items": {"@id": "as:items", "@type": "@id", "@container": "@list"},
        "partOf": {"@id": "as:partOf", "@type": "@id"},
        "value": {"@id": "rdf:value"},
        "format": {"@id": "dc:format"},
        "exact": {"@id": "oa:exact"},
        "prefix": {"@id": "oa:prefix"},
        "suffix": {"@id": "oa:suffix"},
        "start": {"@id": "oa:start", "@type": "xsd:nonNegativeInteger"},
        "end": {"@id": "oa:end", "@type": "xsd:nonNegativeInteger"},
    }
}
EXPANSION_BASE = "https://archive.example/"


def load_anno_context(url: str, options: Any = None) -> dict[str, Any]:
    if url.rstrip("/") != ANNO_CONTEXT_URL:
        raise AssertionError(f"the annotations need a context the test does not serve: {url}")
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": ANNO_CONTEXT,
    }


@pytest.fixture(scope="module")
def annotations(example_site: BuiltSite, article_url: str) -> dict[str, Any]:
    path = example_site.out / article_url / "annotations.jsonld"
    assert path.is_file()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def items(annotations: dict[str, Any]) -> list[dict[str, Any]]:
    assert annotations["type"] == "AnnotationPage" and isinstance(annotations["items"], list)
    return annotations["items"]


def by_motivation(items: list[dict[str, Any]], motivation: str) -> list[dict[str, Any]]:
    return [item for item in items if item.get("motivation") == motivation]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def expanded_nodes(value: Any) -> list[dict[str, Any]]:
    """Every node object in an expanded JSON-LD document, depth first."""
    found: list[dict[str, Any]] = []
    if isinstance(value, list):
        for item in value:
            found += expanded_nodes(item)
    elif isinstance(value, dict):
        if "@value" not in value and "@list" not in value:
            found.append(value)
        for key, item in value.items():
            if key not in ("@value", "@id", "@type"):
                found += expanded_nodes(item)
    return found


def test_annotations_expand_as_web_annotations(
    annotations: dict[str, Any], items: list[dict[str, Any]]
) -> None:
    from pyld import jsonld

    assert annotations["@context"] == ANNO_CONTEXT_URL
    dropped: list[str | None] = []
    expanded = jsonld.expand(
        annotations,
        {"documentLoader": load_anno_context, "base": EXPANSION_BASE},
        on_property_dropped=dropped.append,
    )
    assert dropped == [], (
        f"terms the Web Annotation context does not define: {sorted(set(map(str, dropped)))}"
    )
    nodes = expanded_nodes(expanded)
    page_nodes = [n for n in nodes if AS + "OrderedCollectionPage" in n.get("@type", [])]
    assert len(page_nodes) == 1
    (page_node,) = page_nodes
    assert page_node[AS + "partOf"][0]["@id"].startswith(EXPANSION_BASE)
    listed = page_node[AS + "items"][0]["@list"]
    assert len(listed) == len(items), "items must stay an ordered list of every annotation"

    annotation_nodes = [n for n in nodes if OA + "Annotation" in n.get("@type", [])]
    assert len(annotation_nodes) == len(items)
    motivations = Counter(m["@id"] for n in annotation_nodes for m in n.get(OA + "motivatedBy", []))
    assert motivations[OA + "editing"] == len(by_motivation(items, "editing")) > 0
    assert motivations[OA + "identifying"] == len(by_motivation(items, "identifying")) > 0
    for node in annotation_nodes:
        (target,) = node[OA + "hasTarget"]
        assert target[OA + "hasSource"][0]["@id"].startswith(EXPANSION_BASE)
        kinds = sorted(t for s in target[OA + "hasSelector"] for t in s["@type"])
        assert kinds == [OA + "TextPositionSelector", OA + "TextQuoteSelector"], node.get("@id")
        assert node[OA + "hasBody"], node.get("@id")


def test_every_selector_quotes_the_source_text(items: list[dict[str, Any]], example: Analysed) -> None:
    source_text = example.seed.source_text
    problems = []
    for item in items:
        selectors = {s["type"]: s for s in as_list(item["target"]["selector"])}
        assert set(selectors) == {"TextQuoteSelector", "TextPositionSelector"}, item["id"]
        quote, position = selectors["TextQuoteSelector"], selectors["TextPositionSelector"]
        start, end = position["start"], position["end"]
        assert isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(source_text)
        want = {
            "exact": source_text[start:end],
            "prefix": source_text[max(0, start - QUOTE_CONTEXT) : start],
            "suffix": source_text[end : end + QUOTE_CONTEXT],
        }
        got = {key: quote.get(key) for key in want}
        if got != want:
            problems.append(f"{item['id']}: {got} != {want}")
    assert not problems, f"{len(problems)} selector(s) do not match the source text:\n" + "\n".join(
        problems[:5]
    )


def test_editing_annotations_carry_the_correction_and_its_note(
    items: list[dict[str, Any]], article_text: Element, example: Analysed
) -> None:
    editing = by_motivation(items, "editing")
    places = article_text.find_all("span", cls="corr")
    assert len(editing) == len(places)
    notes = {n.number: n for n in example.article.footnotes}
    for item, place, element in zip(editing, example.article.places, places, strict=True):
        bodies = as_list(item["body"])
        edits = [b for b in bodies if b.get("purpose") == "editing"]
        comments = [b for b in bodies if b.get("purpose") == "commenting"]
        assert len(edits) == 1 and edits[0]["type"] == "TextualBody", item["id"]
        corr = element.find(cls="reading-corr")
        assert corr is not None
        assert edits[0]["value"] == place.replacement == corrected_text(corr), item["id"]
        note = notes[place.footnote].note
        assert note, f"footnote {place.footnote} has no note to publish as a comment"
        assert [c["value"] for c in comments] == [note], item["id"]
        assert all(c["type"] == "TextualBody" for c in comments)
        quote = next(s for s in as_list(item["target"]["selector"]) if s["type"] == "TextQuoteSelector")
        sic = element.find(cls="reading-sic")
        assert sic is not None and quote["exact"] == sic.text(), item["id"]


def test_identifying_annotations_name_the_entity_page(
    items: list[dict[str, Any]], article_text: Element, example: Analysed
) -> None:
    identifying = by_motivation(items, "identifying")
    mentions = [el for el in article_text.iter() if "mention" in el.classes]
    assert len(identifying) == len(mentions), (
        f"{len(identifying)} identifying annotations, {len(mentions)} mentions in the page"
    )
    for item, element in zip(identifying, mentions, strict=True):
        entity = example.entities[element.attrs["data-entity"]]
        assert item["id"].endswith("#" + (element.id or "?")), item["id"]
        bodies = as_list(item["body"])
        assert example.urls.full(f"entities/{entity.id}/") in [b.get("id") for b in bodies], item["id"]
        assert all(b.get("purpose") == "identifying" for b in bodies)
        wikidata = [b["id"] for b in bodies if "wikidata.org" in b.get("id", "")]
        assert wikidata == ([f"http://www.wikidata.org/entity/{entity.wikidata}"] if entity.wikidata else [])


# --------------------------------------------------------------------------- schema.org JSON-LD


@pytest.fixture(scope="module")
def news_article(doc: Element) -> dict[str, Any]:
    scripts = [s for s in doc.find_all("script") if s.attrs.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    data = json.loads(scripts[0].text())
    assert isinstance(data, dict)
    return data


def test_news_article_jsonld(
    news_article: dict[str, Any], example: Analysed, article_text: Element, doc: Element
) -> None:
    assert news_article["@context"] == "https://schema.org"
    assert news_article["@type"] == "NewsArticle"
    h1 = doc.find("h1")
    assert h1 is not None and news_article["headline"] == h1.text() == example.article.title
    assert news_article["datePublished"] == example.seed.date.isoformat()

    mentioned = {el.attrs["data-entity"] for el in article_text.iter() if "mention" in el.classes}
    listed = {example.urls.full(f"entities/{e}/"): e for e in mentioned}
    refs = news_article["mentions"]
    assert sorted(r["url"] for r in refs) == sorted(listed)
    for ref in refs:
        entity = example.entities[listed[ref["url"]]]
        assert ref["name"] == entity.name
        if entity.wikidata:
            assert re.fullmatch(
                rf"https?://www\.wikidata\.org/(wiki|entity)/{entity.wikidata}", ref["sameAs"]
            )
        else:
            assert "sameAs" not in ref
    assert any(e.wikidata for e in map(example.entities.get, mentioned) if e), "no Wikidata id to check"

    corrections = news_article["correction"]
    assert [c["@type"] for c in corrections] == ["CorrectionComment"] * len(example.article.footnotes)
    for item, note in zip(corrections, example.article.footnotes, strict=True):
        assert item["url"].endswith(f"#fn-{note.number}") and note.note in item["text"]


# --------------------------------------------------------------------------- the corrections ledger


@pytest.fixture(scope="module")
def ledger(example_site: BuiltSite) -> Element:
    path = example_site.out / "corrections" / "index.html"
    assert path.is_file()
    return parse_html(path.read_text(encoding="utf-8"))


def places_in_page(article_text: Element) -> list[tuple[Element, str]]:
    """Each corrected place with the id of its footnote marker, in document order.

    The marker is inside the place, or (when a mention link wraps the place) right after the link;
    either way the markers follow the places in the same order.
    """
    places = article_text.find_all("span", cls="corr")
    refs = [a.id or "" for sup in article_text.find_all("sup", cls="fn-ref") for a in sup.find_all("a")]
    assert len(places) == len(refs)
    return list(zip(places, refs, strict=True))


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
    page_url = "https://archive.example/" + article_url
    linked = set()
    for url, page in ledger_pages.items():
        for link in page.find_all("a"):
            target, fragment = urldefrag(urljoin(url, link.attrs["href"]))
            if target == page_url and fragment:
                linked.add(fragment)
    with_places = {b.anchor for b in article_blocks(doc) if b.element.find_all("span", cls="corr")}
    assert with_places, "the example has corrected places"
    # each paragraph with a corrected place is linked, and no link leads elsewhere
    assert linked == with_places


def test_ledger_lists_each_correction_once_and_the_counts_add_up(
    ledger_pages: dict[str, Element], ledger: Element, article_text: Element, doc: Element
) -> None:
    total = len(places_in_page(article_text))
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
    # correction, and each entry's count is the number of back-links of its footnote
    footnotes = doc.find("section", cls="footnotes")
    assert footnotes is not None
    per_note = [
        len([a for a in li.find_all("a") if a.attrs.get("role") == "doc-backlink"])
        for li in footnotes.find_all("li")
    ]
    assert sorted(counts) == sorted(per_note)


def test_article_note_points_to_the_ledger(doc: Element, article_text: Element, article_url: str) -> None:
    note = doc.find("aside", cls="corrections-note")
    assert note is not None
    total = len(places_in_page(article_text))
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
