"""Publishing on GitHub Pages: every link works under a project-site subpath, the 404
page works at any depth, broken links fail the build with file:line, and the
Pages details (CNAME, symlinks, size) are checked."""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from sitegen.pipeline import BuildOptions, build

from .conftest import copy_example_archive, run_cli

BASE_URL = "https://example.github.io/archive/"


class PagesLikeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output under /archive/ and, like GitHub Pages, the root 404.html for any miss."""

    site_dir: Path

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def translate_path(self, path: str) -> str:
        path = urllib.parse.urlsplit(path).path
        if not path.startswith("/archive/"):
            return str(self.site_dir / "__missing__")
        return super().translate_path("/" + path[len("/archive/") :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        body = (self.site_dir / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def pages_server(site_dir: Path) -> Iterator[str]:
    handler = type("Handler", (PagesLikeHandler,), {"site_dir": site_dir})

    def make(*args: Any) -> http.server.SimpleHTTPRequestHandler:
        return handler(*args, directory=str(site_dir))

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append(value)
            elif name == "srcset":
                self.links.extend(part.split()[0] for part in value.split(",") if part.strip())
            elif name == "id":
                self.ids.add(value)


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def crawl(origin: str, start: str) -> tuple[int, list[str]]:
    """Follow every internal link from ``start``; return (pages visited, broken links)."""
    pages: dict[str, set[str]] = {}
    wanted_fragments: list[tuple[str, str, str]] = []
    broken: list[str] = []
    queue = [start]
    seen = {start}
    while queue:
        url = queue.pop()
        status, content_type, body = fetch(origin + url)
        if status != 200:
            broken.append(f"{url}: HTTP {status}")
            continue
        if "html" not in content_type:
            continue
        parser = LinkParser()
        parser.feed(body.decode("utf-8"))
        pages[url] = parser.ids
        for href in parser.links:
            target = urllib.parse.urljoin(origin + url, href)
            if not target.startswith(origin):
                continue  # external
            path, _, fragment = target[len(origin) :].partition("#")
            path = path.split("?")[0]
            if fragment:
                wanted_fragments.append((url, path, fragment))
            if path not in seen:
                seen.add(path)
                queue.append(path)
    for source, path, fragment in wanted_fragments:
        if path in pages and fragment not in pages[path]:
            broken.append(f"{source}: #{fragment} not in {path}")
    return len(pages), broken


@pytest.fixture(scope="module")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_example_archive(tmp_path_factory.mktemp("pages"))
    report = build(BuildOptions(root=site.root, base_url=BASE_URL))
    assert report.log.errors == 0, [d.format() for d in report.log.items]
    return site.out


def test_every_internal_link_resolves_under_the_project_subpath(subpath_site: Path) -> None:
    with pages_server(subpath_site) as origin:
        visited, broken = crawl(origin, "/archive/")
    assert broken == []
    assert visited > 150  # home, article, entity pages, timeline, tags, ledger, pages


def test_the_404_page_works_at_any_depth(subpath_site: Path) -> None:
    with pages_server(subpath_site) as origin:
        status, _, body = fetch(origin + "/archive/no/such/deep/page/")
        assert status == 404
        parser = LinkParser()
        parser.feed(body.decode("utf-8"))
        assert parser.links
        for href in parser.links:
            if href.startswith(("http:", "https:", "#")):
                continue
            assert href.startswith("/archive/"), href  # base-path-absolute, never relative
            assert fetch(origin + href.split("#")[0])[0] == 200, href


def test_pages_details_are_in_the_output(subpath_site: Path) -> None:
    assert (subpath_site / ".nojekyll").is_file()
    assert (subpath_site / "404.html").is_file()
    assert not (subpath_site / "CNAME").exists()  # no custom domain configured
    assert not [p for p in subpath_site.rglob("*") if p.is_symlink()]
    feed = (subpath_site / "feed.xml").read_text(encoding="utf-8")
    assert "https://example.github.io/archive/2020/01/04/" in feed


def test_article_jsonld_has_about_and_mentions_with_wikidata(subpath_site: Path) -> None:
    page = next(subpath_site.glob("2020/01/04/*/index.html")).read_text(encoding="utf-8")
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match
    data = json.loads(match.group(1))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] and data["datePublished"] == "2020-01-04"
    assert data["publisher"]["name"]
    assert [e["name"] for e in data["about"]] == ["Qasem Soleimani"]  # from the editorial file
    # each mention the IRI of the entity's page, whose JSON-LD states its Wikidata item
    assert all(m["@id"].startswith(BASE_URL + "entities/") for m in data["mentions"])
    trump = BASE_URL + "entities/donald-trump/"
    assert {"@id": trump} in data["mentions"]
    page = (subpath_site / "entities/donald-trump/index.html").read_text(encoding="utf-8")
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match
    described = json.loads(match.group(1))
    assert described["@id"] == trump and described["sameAs"] == "https://www.wikidata.org/wiki/Q22686"


def test_a_custom_domain_writes_cname(make_site: Any) -> None:
    site = make_site(
        seeds={"a": "date 2020-01-01 One paragraph.\n"},
        config='title = "T"\nbase_url = "https://archive.example.org/"\n'
        'custom_domain = "archive.example.org"\n',
    )
    report = site.build()
    assert report.log.errors == 0
    assert (site.out / "CNAME").read_text(encoding="utf-8") == "archive.example.org\n"


def test_a_symlink_in_the_output_is_reported(make_site: Any, tmp_path: Path) -> None:
    site = make_site(seeds={"a": "date 2020-01-01 One paragraph.\n"})
    site.build()
    (site.out / "linked").symlink_to(tmp_path)
    report = build(BuildOptions(root=site.root, force=True))
    assert [d.code for d in report.log.items if d.code == "pages-symlink"] == ["pages-symlink"]


def test_a_broken_markdown_link_fails_the_build_naming_page_and_line(make_site: Any) -> None:
    site = make_site(
        seeds={"a": "date 2020-01-01 One paragraph.\n"},
        files={
            "content/pages/about.md": "---\ntitle: About\n---\nFirst paragraph.\n\n"
            "See [the policy](/policy/) and [home](/).\n",
        },
    )
    result = run_cli("build", "--source", str(site.root))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if "[broken-link]" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("content/pages/about.md:6: ERROR:")
    assert "/about/" in lines[0] and "../policy/" in lines[0]


def test_a_root_relative_link_missing_the_base_path_is_an_error(make_site: Any) -> None:
    site = make_site(
        seeds={"a": "date 2020-01-01 One paragraph.\n"},
        config='title = "T"\nbase_url = "https://example.github.io/archive/"\n',
        files={
            "templates/page.html": '{% extends "base.html" %}{% block main %}'
            '<a href="/assets/style.css">css</a>{% endblock %}',
            "content/pages/about.md": "---\ntitle: About\n---\nHello.\n",
        },
    )
    # Written by hand, not through the url filter: what ``sitegen check`` reads pages for.
    report = build(BuildOptions(root=site.root, dry_run=True))
    messages = [d.message for d in report.log.items if d.code == "broken-link"]
    assert any("misses the base path" in m for m in messages), messages


@pytest.mark.browser
def test_search_finds_the_example_article_by_a_word_of_its_seed(subpath_site: Path, page: Any) -> None:
    from sitegen.search import pagefind_available

    from .conftest import require

    require(pagefind_available(), 'the Pagefind binary (pip install "sitegen[search]")')
    assert (subpath_site / "pagefind" / "pagefind.js").is_file()
    with pages_server(subpath_site) as origin:
        page.goto(origin + "/archive/search/")
        box = page.get_by_role("searchbox").first
        box.fill("Ravanchi")
        box.press("Enter")
        result = page.locator('a.pagefind-ui__result-link[href*="/archive/2020/01/04/"]').first
        result.wait_for(timeout=15_000)
        href = result.get_attribute("href")
        assert href is not None and href.startswith(
            "/archive/2020/01/04/soleimani-killing-tantamount-to-war/"
        )


def test_every_page_names_a_tiny_favicon_under_the_project_subpath(subpath_site: Path) -> None:
    """Browsers ask for /favicon.ico unless a page names its icon: a 404 on every page."""
    icon = subpath_site / "assets" / "favicon.svg"
    assert icon.is_file() and icon.stat().st_size < 300  # every visitor fetches it once
    pages = [p.relative_to(subpath_site).as_posix() for p in subpath_site.rglob("*.html")]
    assert len(pages) > 10
    for rel in pages:
        html = (subpath_site / rel).read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue  # a redirect is left before anything is drawn
        found = re.findall(r'<link rel="icon" href="([^"]+)">', html)
        assert len(found) == 1, rel
        page_url = "https://example.github.io/archive/" + rel.removesuffix("index.html")
        assert urllib.parse.urljoin(page_url, found[0]) == BASE_URL + "assets/favicon.svg", rel


# The text of search results (titles and excerpts of results and of their sections).
RESULT_TEXTS = """async (queries) => {
  const pagefind = await import("../pagefind/pagefind.js");
  await pagefind.options({ excerptLength: 60 });
  const texts = [];
  for (const query of queries) {
    for (const result of (await pagefind.search(query)).results) {
      const data = await result.data();
      texts.push(data.meta.title, data.excerpt);
      for (const sub of data.sub_results) texts.push(sub.title, sub.excerpt);
    }
  }
  return texts;
}"""


@pytest.mark.browser
def test_the_search_page_has_one_box_one_count_and_no_footnote_text(subpath_site: Path, page: Any) -> None:
    from sitegen.search import pagefind_available

    from .conftest import require

    require(pagefind_available(), 'the Pagefind binary (pip install "sitegen[search]")')
    with pages_server(subpath_site) as origin:
        page.goto(origin + "/archive/search/?q=general")
        page.locator(".pagefind-ui__result").first.wait_for(timeout=15_000)
        page.wait_for_function("() => document.querySelector('[data-search-status]').textContent.trim()")
        counts = page.evaluate(
            """() => [...document.querySelectorAll("main *")].filter(e => e.children.length === 0
                 && / results? for /.test(e.textContent) && e.getClientRects().length > 0)
                 .map(e => e.textContent.trim())"""
        )
        assert counts == ["7 results for general"]
        boxes = page.locator("input:visible")
        assert boxes.count() == 1
        box = boxes.first.bounding_box()
        assert box is not None and box["height"] >= 36 and box["width"] >= 200
        # Pagefind's form draws a magnifier before its (hidden) input.
        icon = page.evaluate(
            "() => getComputedStyle(document.querySelector('.pagefind-ui__form'), '::before').display"
        )
        assert icon == "none"
        texts = page.evaluate(RESULT_TEXTS, ["normal", "general", "Milley", "Soleimani"])
        # 'Japanese' is only in received readings ('Center Japanese' for 'Middle Eastern'): not indexed.
        received_only = page.evaluate(RESULT_TEXTS, ["Japanese"])
    assert len(texts) > 20
    assert [t for t in received_only if "Japanese" in t] == []
    # Footnotes (their received readings, "↩" back-links and counts) are not indexed, and no
    # number is glued to a word ("general18", "archive2").
    assert "Corrections" not in texts
    leaks = [t for t in texts if "↩" in t or re.search(r"[a-z’]\d", t)]
    assert leaks == []
