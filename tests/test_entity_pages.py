"""Entities in the built example archive: every registered form in the corrected text is a mention,
the sidebar names entities canonically, and entity pages list every article that mentions the entity,
linked to the paragraph of its first mention.

Expected mentions come from a small reference matcher written here from the documented rules
(README, "Entities"): whole words, longest match first, case-sensitive unless the alias says
``ignore_case``, possessives included, never inside a URL. It runs over each block's corrected text as
the page shows it and is compared with the article's mentions as the build finds them (the page
marks up only the mentions it links: the first of each entity).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from typing import Any, NamedTuple
from urllib.parse import urldefrag, urljoin

import pytest

from sitegen.diagnostics import Level
from sitegen.entities import Entity, load_registry
from sitegen.model import Mention
from sitegen.plan.archive import SNIPPETS

from .conftest import DEFAULT_CONFIG, BuiltSite, run_cli
from .htmltext import ArticleBlock, Element, article_blocks, corrected_text, is_mention, parse_html
from .test_annotated_article import analyse_example

BLOCKING = {"serious", "critical"}
SITE = "https://archive.example/"  # any origin: hrefs are resolved against it to compare URLs
KIND_ORDER = ("person", "organization", "place", "event", "other")
KIND_LABELS = {
    "person": "People",
    "organization": "Organisations",
    "place": "Places",
    "event": "Events",
    "other": "Other",
}
SAMPLE_ENTITIES = ("qasem-soleimani", "donald-trump", "quds-force", "baghdad")


# --------------------------------------------------------------------------- reference matcher


class Expected(NamedTuple):
    entity: str
    surface: str


_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_" or unicodedata.category(c).startswith("M")


def reference_mentions(text: str, entities: list[Entity]) -> list[tuple[int, int, str]]:
    """(start, end, entity id) of every mention in ``text``: leftmost, then longest; no overlaps."""
    urls = [m.span() for m in _URL.finditer(text)]
    owner: dict[tuple[str, bool], str] = {}  # a form claimed twice belongs to the entity sorting first
    for entity in sorted(entities, key=lambda e: e.id):
        for form in entity.forms:
            key = (form.text.lower() if form.ignore_case else form.text, form.ignore_case)
            owner.setdefault(key, entity.id)
    candidates: list[tuple[int, int, str]] = []
    for (form, ignore_case), entity_id in owner.items():
        haystack = text.lower() if ignore_case else text
        start = haystack.find(form)
        while start != -1:
            end = start + len(form)
            whole_word = (start == 0 or not _word_char(text[start - 1])) and (
                end == len(text) or not _word_char(text[end])
            )
            in_url = any(a < end and start < b for a, b in urls)
            if whole_word and not in_url:
                candidates.append((start, end, entity_id))
            start = haystack.find(form, start + 1)
    chosen: list[tuple[int, int, str]] = []
    for start, end, entity_id in sorted(candidates, key=lambda c: (c[0], -(c[1] - c[0]))):
        if not chosen or start >= chosen[-1][1]:
            chosen.append((start, end, entity_id))
    return chosen


def test_reference_matcher_follows_the_rules() -> None:
    """Guards the reference itself on the documented cases."""
    e = [
        Entity("us", "us.md", "US", "place", (), None, "", (), "", 1, ""),
        Entity("iran", "iran.md", "Iran", "place", (), None, "", (), "", 1, ""),
        Entity("qs", "qs.md", "Qasem Soleimani", "person", (), None, "", (), "", 1, ""),
        Entity("s", "s.md", "Soleimani", "person", (), None, "", (), "", 1, ""),
    ]
    text = "US-led; Iranian; Iran’s Qasem Soleimani's; see https://x.example/Iran and usa"
    found = [(text[a:b], who) for a, b, who in reference_mentions(text, e)]
    assert found == [("US", "us"), ("Iran", "iran"), ("Qasem Soleimani", "qs")]


SMALL_REGISTRY = {
    "iran": "name: Iran\nkind: place\naliases: [Iranians]",
    "united-states": 'name: United States\nkind: place\naliases: [US, {alias: "america", ignore_case: true}]',
    "qasem-soleimani": "name: Qasem Soleimani\nkind: person\naliases: [Soleimani]",
    "quds-force": "name: Quds Force\nkind: organization\naliases: [Quds]",
}
TRICKY_TEXT = (
    "Iranian officials in Iran said Soleimani’s deputy and Soleimani's driver met Qasem Soleimani."
    "\n\nThe US-led coalition, AMERICA, America’s allies and the USA (not US). See"
    " https://example.org/Iran/Soleimani and www.Iran.example for Iran."
    "\n\nThe Quds Force, Quds alone, QudsForce, Iran_x, xIran, IranQasem, Iranians and Iran2."
)


def test_mentions_follow_the_rules_on_a_small_archive(make_site: Any) -> None:
    """The example happens not to exercise every rule (its registry lists adjective forms, has no
    case-insensitive alias): a small archive with the awkward cases, compared with the reference."""
    files = {f"content/entities/{k}.md": f"---\n{v}\n---\n" for k, v in SMALL_REGISTRY.items()}
    config = DEFAULT_CONFIG + '[entities]\nlink_mentions = "every"\n'  # every mention a link: all in the page
    site = make_site(seeds={"tricky": f"date 2021-01-01 {TRICKY_TEXT}\n"}, files=files, config=config)
    report = site.build()
    assert report.log.errors == 0, [d.format() for d in report.log.items]
    (path,) = site.out.glob("2021/*/*/*/index.html")
    base = path.parent.relative_to(site.out).as_posix() + "/"
    blocks = article_blocks(path.read_text(encoding="utf-8"))
    assert [b.corrected for b in blocks] == TRICKY_TEXT.split("\n\n")
    entities, _ = load_registry(sorted((site.root / "content" / "entities").glob("*.md")), site.root)
    got, want = [], []
    for block in blocks:
        want += [
            Expected(e, block.corrected[a:b]) for a, b, e in reference_mentions(block.corrected, entities)
        ]
        got += [
            Expected(entity_of(m.attrs["href"], base), corrected_text(m)) for m in mentions_in(block.element)
        ]
    assert got == want
    surfaces = [x.surface for x in want]
    assert surfaces.count("AMERICA") == 1 and "America" in surfaces and "Iran2" not in surfaces


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def registry(example_site: BuiltSite) -> dict[str, Entity]:
    root = example_site.root
    entities, problems = load_registry(sorted((root / "content" / "entities").glob("*.md")), root)
    assert [p.format() for p in problems if p.level >= Level.ERROR] == []
    return {e.id: e for e in entities}


@pytest.fixture(scope="module")
def article_url(example_site: BuiltSite) -> str:
    out = example_site.out
    pages = sorted(p.parent.relative_to(out).as_posix() + "/" for p in out.glob("[0-9]*/*/*/*/index.html"))
    assert len(pages) == 1, pages
    return pages[0]


@pytest.fixture(scope="module")
def doc(example_site: BuiltSite, article_url: str) -> Element:
    return parse_html((example_site.out / article_url / "index.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def blocks(doc: Element) -> list[ArticleBlock]:
    return article_blocks(doc)


def mentions_in(element: Element) -> list[Element]:
    return [el for el in element.iter() if is_mention(el)]


@pytest.fixture(scope="module")
def page_mentions(blocks: list[ArticleBlock]) -> list[Element]:
    """The mention links of the page."""
    return [m for b in blocks for m in mentions_in(b.element)]


@pytest.fixture(scope="module")
def mentions(example_site: BuiltSite) -> tuple[Mention, ...]:
    """Every mention of the example article, as the build finds them."""
    return analyse_example(example_site.root).body.mentions


def entity_of(href: str, base: str) -> str:
    path = urljoin(SITE + base, href).removeprefix(SITE)
    match = re.fullmatch(r"entities/([a-z0-9-]+)/", path)
    assert match, f"{href} is not an entity page"
    return match.group(1)


# --------------------------------------------------------------------------- mentions


def test_every_registered_form_in_the_corrected_text_is_a_mention(
    blocks: list[ArticleBlock], registry: dict[str, Entity], mentions: tuple[Mention, ...]
) -> None:
    entities = list(registry.values())
    problems: list[str] = []
    total = 0
    for block in blocks:
        text = block.corrected
        expected = [Expected(e, text[a:b]) for a, b, e in reference_mentions(text, entities)]
        found = [Expected(m.entity, m.surface) for m in mentions if m.block == block.number]
        total += len(expected)
        if found != expected:
            missing = [x for x in expected if x not in found]
            extra = [x for x in found if x not in expected]
            problems.append(f"block {block.number}: missing {missing[:4]}, unexpected {extra[:4]}")
    assert total > 500, "the example should have many mentions"
    assert not problems, f"{len(problems)} block(s) differ:\n" + "\n".join(problems[:10])


def test_the_first_mention_of_each_entity_links_and_only_links_are_marked_up(
    blocks: list[ArticleBlock], mentions: tuple[Mention, ...], article_url: str
) -> None:
    first: dict[str, Mention] = {}
    for mention in mentions:
        first.setdefault(mention.entity, mention)
    assert [m for m in mentions if m.linked] == list(first.values())
    links = [(b, m) for b in blocks for m in mentions_in(b.element)]
    assert [(b.number, entity_of(m.attrs["href"], article_url)) for b, m in links] == [
        (m.block, m.entity) for m in first.values()
    ]
    for (_, link), mention in zip(links, first.values(), strict=True):
        assert link.tag == "a" and mention.surface in corrected_text(link)
        # no id, card or entity id on each mention: the sidebar holds the cards, once per entity
        assert set(link.attrs) == {"href"}, link.attrs


# --------------------------------------------------------------------------- the sidebar


class SidebarEntry(NamedTuple):
    kind_label: str
    entity: str
    name: str
    count: int


@pytest.fixture(scope="module")
def sidebar(doc: Element, article_url: str) -> list[SidebarEntry]:
    aside = doc.find("aside", cls="entity-sidebar")
    assert aside is not None
    entries = []
    for group in aside.find_all("section", cls="entity-group"):
        heading = group.find("h3")
        assert heading is not None
        for item in group.find_all("li"):
            # <li><a href=…>name</a> (149): the count in brackets after the name, and nothing
            # else (the description is in entities/cards.json, which reading.js puts here)
            link = item.find("a")
            assert link is not None and item.children[0] is link and len(item.children) == 2
            count = re.fullmatch(r" \((\d+)\)\s*", str(item.children[1]))
            assert count is not None, item.text()
            number = count.group(1)
            entries.append(
                SidebarEntry(
                    heading.text(), entity_of(link.attrs["href"], article_url), link.text(), int(number)
                )
            )
    return entries


def test_sidebar_shows_canonical_names(sidebar: list[SidebarEntry], registry: dict[str, Entity]) -> None:
    assert sidebar
    for entry in sidebar:
        assert entry.name == registry[entry.entity].name, f"{entry.entity} is labelled {entry.name!r}"
    names = {e.name for e in sidebar}
    assert "Qasem Soleimani" in names and "Soleimani" not in names


def test_sidebar_groups_orders_and_counts(
    sidebar: list[SidebarEntry], mentions: tuple[Mention, ...], registry: dict[str, Entity]
) -> None:
    counts = Counter(m.entity for m in mentions)
    first: dict[str, int] = {}
    for position, mention in enumerate(mentions):
        first.setdefault(mention.entity, position)
    assert {e.entity for e in sidebar} == set(counts)
    assert len(sidebar) == len(counts), "an entity is listed twice"
    expected = []
    for kind in KIND_ORDER:
        members = sorted(
            (e for e in counts if registry[e].kind == kind), key=lambda e: (-counts[e], first[e])
        )
        expected += [SidebarEntry(KIND_LABELS[kind], e, registry[e].name, counts[e]) for e in members]
    assert sidebar == expected


# --------------------------------------------------------------------------- entity pages


def entity_page(example_site: BuiltSite, entity_id: str) -> Element:
    path = example_site.out / "entities" / entity_id / "index.html"
    assert path.is_file(), f"no page for {entity_id}"
    return parse_html(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("entity_id", SAMPLE_ENTITIES)
def test_entity_page_lists_each_article_once_linked_to_its_first_mention(
    example_site: BuiltSite,
    entity_id: str,
    article_url: str,
    blocks: list[ArticleBlock],
    mentions: tuple[Mention, ...],
    registry: dict[str, Entity],
) -> None:
    page = entity_page(example_site, entity_id)
    base = f"entities/{entity_id}/"
    h1 = page.find("h1")
    assert h1 is not None and h1.text() == registry[entity_id].name
    listing = page.find("ol", cls="mention-list")
    assert listing is not None
    items = [
        li
        for li in listing.children
        if isinstance(li, Element)
        and li.tag == "li"
        and urldefrag(urljoin(SITE + base, li.find("a").attrs["href"]))[0] == SITE + article_url  # type: ignore[union-attr]
    ]
    assert len(items) == 1, f"the article is listed {len(items)} times on /{base}"
    item = items[0]
    # The entity's mentions in the article (only linked ones are marked up), with their paragraphs.
    block_of = {b.number: b for b in blocks}
    mine = [(block_of[m.block], m) for m in mentions if m.entity == entity_id]
    assert len(mine) > 1
    assert f"{len(mine)} mentions" in item.text()
    # The title links to the paragraph of the first mention (the page holds every other);
    # one link a row, the first rows of the first page quote that mention in context.
    first_block, first = mine[0]
    (link,) = item.find_all("a")
    assert urldefrag(urljoin(SITE + base, link.attrs["href"]))[1] == first_block.anchor
    (snippet,) = item.find_all("p", cls="kwic")
    mark = snippet.find("mark")
    assert mark is not None and mark.text() == first.surface
    context = snippet.text().removeprefix("…").removesuffix("…")
    assert context in first_block.corrected, "the snippet is not from its paragraph"

    facts = page.find("div", cls="entity-facts")
    assert facts is not None
    assert re.search(rf"(?<!\d){len(mine)} mentions? in 1 article\b", " ".join(facts.text().split()))


def test_an_entity_listing_keeps_every_article_and_few_snippets(make_site: Any) -> None:
    """Paginated, every article listed once with its count; snippets on page 1's first rows only."""
    entity = "---\nname: Ana Pereira\nkind: person\naliases:\n  - Pereira\n---\n"
    articles = SNIPPETS + 3
    seeds = {
        f"a{n}": f"date 2020-02-{n:02d} Report {n}.\n\nAna Pereira spoke." + " Pereira left." * n + "\n"
        for n in range(1, articles + 1)
    }
    site = make_site(
        seeds=seeds,
        config=DEFAULT_CONFIG + "[entities]\nper_page = 7\n[search]\nenabled = false\n",
        files={"content/entities/ana-pereira.md": entity},
    )
    report = site.build()
    assert report.log.errors == 0, [d.message for d in report.log.items]
    pages = sorted((site.out / "entities" / "ana-pereira").rglob("index.html"))
    assert len(pages) == 2
    rows = [
        (number, li)
        for number, path in enumerate(pages, start=1)
        for li in parse_html(path.read_text(encoding="utf-8")).find("ol", cls="mention-list").children  # type: ignore[union-attr]
        if isinstance(li, Element) and li.tag == "li"
    ]
    assert len(rows) == articles
    counts = sorted(int(re.findall(r"(\d+) mentions", li.text())[0]) for _, li in rows)
    assert counts == [n + 1 for n in range(1, articles + 1)]
    snippets = [(number, n) for n, (number, li) in enumerate(rows) if li.find("p", cls="kwic")]
    assert snippets == [(1, n) for n in range(SNIPPETS)]
    for _, li in rows:
        assert len(li.find_all("a")) == 1 and li.find("a").attrs["href"].endswith("#p2")  # type: ignore[union-attr]


def test_entity_page_jsonld_names_the_entity(example_site: BuiltSite, registry: dict[str, Entity]) -> None:
    for entity_id in SAMPLE_ENTITIES:
        page = entity_page(example_site, entity_id)
        scripts = [s for s in page.find_all("script") if s.attrs.get("type") == "application/ld+json"]
        assert len(scripts) == 1
        data: dict[str, Any] = json.loads(scripts[0].text())
        entity = registry[entity_id]
        assert data["name"] == entity.name
        # its page's URL is its @id: article pages name the entities they mention by it
        assert data["@id"] == data["url"] and data["url"].endswith(f"/entities/{entity_id}/")
        if entity.wikidata:
            assert data["sameAs"].endswith("/" + entity.wikidata)


def test_descriptions_are_written_once_for_the_site(
    example_site: BuiltSite, doc: Element, sidebar: list[SidebarEntry], registry: dict[str, Entity]
) -> None:
    """entities/cards.json holds every description by entity id; the sidebar links it and
    repeats none (an article page mentions dozens of entities, each on many pages)."""
    cards = json.loads((example_site.out / "entities" / "cards.json").read_bytes())
    assert cards == {e.id: e.description for e in registry.values() if e.description}
    aside = doc.find("aside", cls="entity-sidebar")
    assert aside is not None and aside.attrs["data-cards"] == "../../../../entities/cards.json"
    described = [d for d in (registry[entry.entity].description for entry in sidebar) if d]
    assert len(described) > 100
    assert not [d for d in described if d in aside.text()]


@pytest.mark.browser
def test_reading_js_puts_each_description_into_the_sidebar(
    page: Any, example_server: str, article_url: str, sidebar: list[SidebarEntry], registry: dict[str, Entity]
) -> None:
    """With JavaScript the sidebar reads as it did when each page wrote the descriptions:
    <li><a>name</a> (count)<br>description."""
    response = page.goto(example_server + article_url, wait_until="load")
    assert response is not None and response.ok
    page.wait_for_function("document.querySelectorAll('.entity-sidebar li br').length > 0")
    shown = page.eval_on_selector_all(
        ".entity-sidebar li",
        "items => items.map(li => [li.querySelector('a').textContent,"
        " li.querySelector('br') ? li.querySelector('br').nextSibling.textContent : ''])",
    )
    assert shown == [[entry.name, registry[entry.entity].description] for entry in sidebar]


@pytest.mark.browser
def test_a_mention_link_shows_its_entity_card_on_hover_and_focus(
    page: Any, example_server: str, article_url: str, registry: dict[str, Entity]
) -> None:
    """The card's text is written once for the site (the name in the sidebar, the description
    in entities/cards.json); reading.js shows it beside each link."""
    response = page.goto(example_server + article_url, wait_until="load")
    assert response is not None and response.ok
    page.wait_for_function("document.querySelectorAll('.entity-sidebar li br').length > 0")
    links = page.locator('.article-text a:not([href^="#"])')
    card = page.locator(".entity-card")
    for index in (0, 5):
        link = links.nth(index)
        entity = registry[entity_of(link.get_attribute("href"), article_url)]
        assert entity.description, "pick mentions of entities with a description"
        link.hover()
        assert card.is_visible() and card.inner_text() == f"{entity.name} — {entity.description}"
        assert link.get_attribute("aria-describedby") == card.get_attribute("id")
        page.mouse.move(0, 0)
        assert not card.is_visible() and link.get_attribute("aria-describedby") is None
    links.nth(1).focus()
    assert card.is_visible()
    page.keyboard.press("Escape")
    assert not card.is_visible()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["entities/", "entities/qasem-soleimani/"])
def test_entity_pages_have_no_serious_accessibility_violation(
    page: Any, example_server: str, path: str
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    response = page.goto(example_server + path, wait_until="load")
    assert response is not None and response.ok, path
    violations = [v for v in Axe().run(page).response["violations"] if v.get("impact") in BLOCKING]
    assert not violations, "\n".join(
        f"[{v['impact']}] {v['id']}: {v['help']} — {[n.get('target') for n in v['nodes'][:5]]}"
        for v in violations
    )


def test_check_lists_no_candidate_entity_occurring_three_times_or_more(example_site: Any) -> None:
    """The example registry covers every capitalised name the articles use often."""
    result = run_cli("check", "--source", str(example_site.root), "--candidates", "1000")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Candidate entities"))
    counts = [int(line.split()[0]) for line in lines[start + 1 :] if line.startswith("  ")]
    assert counts, result.stdout  # the report itself is there (names occurring once or twice)
    assert max(counts) < 3, result.stdout
