"""Publishing: the Atom feed, the sitemap and robots.txt, `sitegen init`'s scaffold, Pagefind search."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
import yaml

from sitegen import search
from sitegen.config import parse_config
from sitegen.diagnostics import Level
from sitegen.model import ArticleBody
from sitegen.pipeline import BuildOptions, build
from sitegen.plan import site as plan_site
from sitegen.plan.publish import (
    atom_feed,
    entry_id,
    plan_publish,
    robots_txt,
    sitemap,
    sitemap_files,
    sitemap_urls,
)
from sitegen.scaffold import PLACEHOLDER, SEED_ID, WORKFLOW_PATH, init_site
from sitegen.search import RECORD, html_fingerprint, index_site, pagefind_available
from sitegen.site import Site
from sitegen.urls import UrlBuilder
from sitegen.writer import MANIFEST

from .conftest import TESTS_DIR, SampleSite, make_sample_site, require, serve

BASIC = TESTS_DIR / "sites" / "basic"
DATA = TESTS_DIR / "data"
SUBPATH = "https://example.org/gazette/"
ROOT = "https://example.org/"


# --------------------------------------------------------------------------- helpers


def load_model(root: Path, base_url: str | None = None) -> Site:
    """The site model of a real build (into a scratch folder, without build state)."""
    captured: list[Site] = []
    real = plan_site.build_site  # looked up where the build calls it

    def spy(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        captured.append(result[0])
        return result

    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as scratch:
        patch.setattr(plan_site, "build_site", spy)
        report = build(
            BuildOptions(root=root, output=Path(scratch) / "out", base_url=base_url, use_state=False)
        )
    assert report.log.errors == 0, [d.format() for d in report.log.items]
    assert len(captured) == 1
    return captured[0]


def page_urls(site: Site) -> list[str]:
    """Every page the pipeline plans, as the sitemap gets them (no page is rendered: no seed is read)."""
    pages, _ = plan_site.plan_pages(
        plan_site.planning(site, UrlBuilder(site.config), lambda article: ArticleBody(()))
    )
    return [p.url for p in pages]


def xmllint(schema: Path, document: Path) -> subprocess.CompletedProcess[str]:
    require(shutil.which("xmllint"), "xmllint (Debian package libxml2-utils)")
    return subprocess.run(
        ["xmllint", "--noout", "--nonet", "--schema", str(schema), str(document)],
        capture_output=True,
        text=True,
        check=False,
    )


def absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@pytest.fixture(scope="module")
def basic_site() -> Site:
    return load_model(BASIC)


# --------------------------------------------------------------------------- Atom feed


def test_feed_parses_without_bozo_and_links_are_absolute(basic_site: Site) -> None:
    urls = UrlBuilder(basic_site.config)
    parsed: Any = feedparser.parse(atom_feed(basic_site, urls))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    feed = parsed.feed
    assert feed.title == "Harbour Town Gazette archive"
    assert feed.id == SUBPATH
    assert feed.updated == "2021-04-09T00:00:00Z"  # the newest article
    assert feed.author == "The sitegen test suite"
    links = {link.rel: link.href for link in feed.links}
    assert links == {"self": SUBPATH + "feed.xml", "alternate": SUBPATH}
    assert len(parsed.entries) == 3
    assert [e.published for e in parsed.entries] == [
        "2021-04-09T00:00:00Z",
        "2021-03-15T00:00:00Z",
        "2021-03-02T00:00:00Z",
    ]
    for entry in parsed.entries:
        assert absolute(entry.link) and entry.link.startswith(SUBPATH)
        assert entry.id.startswith("tag:example.org,")
        assert entry.updated == entry.published
        assert entry.summary
    assert len({e.id for e in parsed.entries}) == 3
    harbour = parsed.entries[2]
    assert harbour.title == "Saltmere harbour reopens after quay repairs"
    assert harbour.link == SUBPATH + "2021/03/02/harbour-reopens/"
    assert harbour.id == "tag:example.org,2021-03-02:/gazette/2021-03-02-harbour"
    assert [t.term for t in harbour.tags] == ["harbour", "council", "saltmere"]


def test_feed_escapes_markup_and_drops_characters_xml_cannot_hold(tmp_path: Path) -> None:
    config = (
        'title = "Fish & Chips <Weekly>"\ndescription = "A \\"quoted\\" paper"\n'
        f'base_url = "{ROOT}"\npublisher = "R&D"\n'
    )
    seed = "date 2022-01-05 Prices rose <b>sharply</b> & queues \x01grew at the quay.\n"
    site = load_model(make_sample_site(tmp_path / "s", {"a1": seed}, config).root)
    data = atom_feed(site, UrlBuilder(site.config))
    parsed: Any = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Fish & Chips <Weekly>"
    assert parsed.feed.author == "R&D"
    # the seed reader shows the control character as U+FFFD (a warning); the feed never holds it
    assert "&lt;b&gt;sharply&lt;/b&gt; &amp; queues \ufffdgrew".encode() in data
    assert b"\x01" not in data


def test_feed_limit_keeps_the_newest_and_an_empty_site_still_has_a_valid_feed(
    basic_site: Site, tmp_path: Path
) -> None:
    urls = UrlBuilder(basic_site.config)
    parsed: Any = feedparser.parse(atom_feed(basic_site, urls, limit=1))
    assert [e.published for e in parsed.entries] == ["2021-04-09T00:00:00Z"]
    empty = load_model(make_sample_site(tmp_path / "e", {}, f'base_url = "{ROOT}"\n').root)
    parsed = feedparser.parse(atom_feed(empty, UrlBuilder(empty.config)))
    assert not parsed.bozo and parsed.entries == []
    assert parsed.feed.author == "Untitled archive"  # no publisher: the site's title


def test_entry_id_survives_a_new_title_and_slug(basic_site: Site, tmp_path: Path) -> None:
    site = make_sample_site(tmp_path / "b", config="")
    shutil.copytree(BASIC, site.root, dirs_exist_ok=True)
    editorial = site.root / "content" / "articles" / "2021-03-02-harbour.md"
    editorial.write_text(
        editorial.read_text(encoding="utf-8").replace("slug: harbour-reopens", "slug: quay-reopens"),
        encoding="utf-8",
    )
    renamed = load_model(site.root)
    before = next(a for a in basic_site.articles if a.id == "2021-03-02-harbour")
    after = next(a for a in renamed.articles if a.id == "2021-03-02-harbour")
    assert before.url != after.url
    urls = UrlBuilder(basic_site.config)
    assert entry_id(urls, before) == entry_id(urls, after)


def test_feed_and_sitemap_refuse_a_base_url_without_host(tmp_path: Path) -> None:
    site = load_model(make_sample_site(tmp_path / "s", {"a1": "date 2022-01-05 Text.\n"}).root)
    urls = UrlBuilder(site.config)
    for make in (lambda: atom_feed(site, urls), lambda: sitemap([""], urls), lambda: robots_txt(urls)):
        with pytest.raises(ValueError, match="absolute URLs"):
            make()


# --------------------------------------------------------------------------- sitemap and robots.txt


def test_sitemap_validates_against_the_sitemaps_schema(basic_site: Site, tmp_path: Path) -> None:
    planned = page_urls(basic_site)
    assert "404.html" in planned
    document = tmp_path / "sitemap.xml"
    document.write_bytes(sitemap(planned, UrlBuilder(basic_site.config)))
    result = xmllint(DATA / "sitemap.xsd", document)
    assert result.returncode == 0, result.stderr
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text or "" for e in ET.parse(document).getroot().findall("s:url/s:loc", ns)]
    assert locs[0] == SUBPATH
    assert all(absolute(loc) and loc.startswith(SUBPATH) for loc in locs)
    assert not any(loc.endswith("404.html") for loc in locs)
    assert len(locs) == len(set(locs)) == len(set(planned)) - 1
    assert SUBPATH + "2021/03/02/harbour-reopens/" in locs
    assert SUBPATH + "about/" in locs


def test_sitemap_urls_keep_html_pages_once_and_percent_encode_paths(basic_site: Site) -> None:
    assert sitemap_urls(["", "a/", "404.html", "a/", "b.html", "a/notes.jsonld"]) == ["", "a/", "b.html"]
    data = sitemap(["caf\u00e9 menu/"], UrlBuilder(basic_site.config)).decode("utf-8")
    assert "<loc>https://example.org/gazette/caf%C3%A9%20menu/</loc>" in data


def test_a_large_sitemap_is_split_under_an_index(basic_site: Site, tmp_path: Path) -> None:
    urls = UrlBuilder(basic_site.config)
    files = sitemap_files(["", "a/", "b/", "c/", "d/"], urls, per_file=2)
    assert [f.path for f in files] == ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]
    assert len({f.fingerprint for f in files}) == len(files)
    for plan in files:
        (tmp_path / plan.path).write_bytes(plan.produce())
    index = xmllint(DATA / "siteindex.xsd", tmp_path / "sitemap.xml")
    assert index.returncode == 0, index.stderr
    assert f"<loc>{SUBPATH}sitemap-3.xml</loc>" in (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    for part in files[1:]:
        result = xmllint(DATA / "sitemap.xsd", tmp_path / part.path)
        assert result.returncode == 0, result.stderr


def test_robots_txt_points_to_the_sitemap(tmp_path: Path) -> None:
    site = load_model(make_sample_site(tmp_path / "s", {}, f'base_url = "{ROOT}"\n').root)
    text = robots_txt(UrlBuilder(site.config)).decode("utf-8")
    lines = text.splitlines()
    assert "User-agent: *" in lines and "Disallow:" in lines
    assert "Sitemap: https://example.org/sitemap.xml" in lines


def test_plan_publish_writes_what_the_base_url_allows(basic_site: Site, tmp_path: Path) -> None:
    planned = page_urls(basic_site)

    files, problems = plan_publish(basic_site, UrlBuilder(basic_site.config), planned)  # under /gazette/
    assert [f.path for f in files] == ["feed.xml", "sitemap.xml"]
    assert [(p.level, p.code) for p in problems] == [(Level.INFO, "publish-robots-subpath")]
    assert SUBPATH + "sitemap.xml" in problems[0].message

    at_root = load_model(BASIC, ROOT)
    files, problems = plan_publish(at_root, UrlBuilder(at_root.config), planned)
    assert [f.path for f in files] == ["feed.xml", "sitemap.xml", "robots.txt"] and problems == []

    local = load_model(BASIC, "/")
    files, problems = plan_publish(local, UrlBuilder(local.config), planned)
    assert files == []
    assert [(p.level, p.code, p.path) for p in problems] == [
        (Level.INFO, "publish-relative-base-url", "sitegen.toml")
    ]
    assert "--base-url" in problems[0].message


# --------------------------------------------------------------------------- scaffold

SCAFFOLD = {
    "sitegen.toml",
    f"seeds/{SEED_ID}.txt",
    f"content/articles/{SEED_ID}.md",
    "content/entities/kestrel-bay.md",
    "content/corrections/typos.toml",
    "content/pages/about.md",
    ".gitignore",
    "README.md",
}


def relative_paths(paths: list[Path], root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in paths}


def test_init_creates_every_file(tmp_path: Path) -> None:
    created, skipped = init_site(tmp_path / "plain", github_pages=False)
    assert relative_paths(created, tmp_path / "plain") == SCAFFOLD and skipped == []
    created, skipped = init_site(tmp_path / "gh", github_pages=True)
    assert relative_paths(created, tmp_path / "gh") == SCAFFOLD | {WORKFLOW_PATH} and skipped == []
    root = tmp_path / "gh"
    config, problems = parse_config((root / "sitegen.toml").read_text(encoding="utf-8"))
    assert problems == []
    assert config.base_url == "/" and config.language == "en" and config.title and config.publisher
    assert (root / ".gitignore").read_text(encoding="utf-8").split("\n").count("_site/") == 1
    assert ".sitegen/" in (root / ".gitignore").read_text(encoding="utf-8").split("\n")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "Settings → Pages" in readme and "Source: GitHub Actions" in readme
    assert "SITEGEN_REQUIREMENT" in readme
    assert "wheather" in (root / "seeds" / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    assert "GitHub Actions" not in (tmp_path / "plain" / "README.md").read_text(encoding="utf-8")


def test_init_never_overwrites(tmp_path: Path) -> None:
    root = tmp_path / "site"
    mine = 'title = "My own archive"\n'
    (root / "content").mkdir(parents=True)
    (root / "sitegen.toml").write_text(mine, encoding="utf-8")
    (root / "content" / "pages").write_text("a file where a folder belongs", encoding="utf-8")
    (root / ".github").mkdir()
    (root / ".github" / "workflows").symlink_to(tmp_path / "nowhere")  # a dangling link is in the way too
    created, skipped = init_site(root, github_pages=True)
    assert relative_paths(skipped, root) == {"sitegen.toml", "content/pages/about.md", WORKFLOW_PATH}
    assert relative_paths(created, root) == (SCAFFOLD | {WORKFLOW_PATH}) - relative_paths(skipped, root)
    assert (root / "sitegen.toml").read_text(encoding="utf-8") == mine
    assert (root / "content" / "pages").read_text(encoding="utf-8") == "a file where a folder belongs"
    assert not (tmp_path / "nowhere").exists()

    again_created, again_skipped = init_site(root, github_pages=True)
    assert again_created == [] and len(again_skipped) == len(SCAFFOLD) + 1


def workflow(root: Path) -> dict[Any, Any]:
    data = yaml.safe_load((root / WORKFLOW_PATH).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_workflow_deploys_to_pages_with_the_expected_steps(tmp_path: Path) -> None:
    init_site(tmp_path, github_pages=True)
    data = workflow(tmp_path)
    triggers = data[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"] == {"branches": ["main"]} and "workflow_dispatch" in triggers
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert data["concurrency"]["group"] == "pages"

    build_steps = data["jobs"]["build"]["steps"]
    assert [s["uses"] for s in build_steps if "uses" in s] == [
        "actions/checkout@v7",
        "actions/setup-python@v7",
        "actions/configure-pages@v6",
        "actions/upload-pages-artifact@v5",
    ]
    by_use = {s["uses"].split("@")[0]: s for s in build_steps if "uses" in s}
    assert by_use["actions/setup-python"]["with"]["python-version"] == "3.12"
    assert by_use["actions/configure-pages"]["id"] == "pages"
    assert by_use["actions/upload-pages-artifact"]["with"]["path"] == "_site"
    runs = [s["run"] for s in build_steps if "run" in s]
    assert any('pip install "$SITEGEN_REQUIREMENT"' in r for r in runs)
    assert 'sitegen build --base-url "${{ steps.pages.outputs.base_url }}/"' in runs

    deploy = data["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {
        "name": "github-pages",
        "url": "${{ steps.deployment.outputs.page_url }}",
    }
    assert [(s["uses"], s["id"]) for s in deploy["steps"]] == [("actions/deploy-pages@v5", "deployment")]


def test_workflow_install_step_stops_until_the_requirement_is_set(tmp_path: Path) -> None:
    init_site(tmp_path / "default", github_pages=True)
    data = workflow(tmp_path / "default")
    assert PLACEHOLDER in data["env"]["SITEGEN_REQUIREMENT"]
    install = next(s["run"] for s in data["jobs"]["build"]["steps"] if s.get("name") == "Install sitegen")
    env = {"PATH": os.environ.get("PATH", ""), "SITEGEN_REQUIREMENT": data["env"]["SITEGEN_REQUIREMENT"]}
    result = subprocess.run(["bash", "-c", install], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 1 and "::error" in result.stdout and "SITEGEN_REQUIREMENT" in result.stdout

    chosen = "sitegen[search] @ git+https://github.com/example/sitegen@v0.1.0"
    init_site(tmp_path / "chosen", github_pages=True, sitegen_requirement=chosen)
    assert workflow(tmp_path / "chosen")["env"]["SITEGEN_REQUIREMENT"] == chosen


def test_scaffold_builds_without_errors_or_warnings(tmp_path: Path) -> None:
    init_site(tmp_path, github_pages=True, title='The "Kestrel" & Bay archive')
    for base_url in (None, "https://example.github.io/archive/"):
        report = build(BuildOptions(root=tmp_path, base_url=base_url))
        shown = [d.format() for d in report.log.items if d.level >= Level.WARNING]
        assert shown == []
    article = tmp_path / "_site" / "2024" / "05" / "14" / "gull-point-lighthouse-to-reopen"
    html = (article / "index.html").read_text(encoding="utf-8")
    assert "<li id=n1>" in html and "weather" in html  # the deliberate typo is corrected
    assert "entities/kestrel-bay/" in html  # and the entity linked
    assert "The &#34;Kestrel&#34; &amp; Bay archive" in html or "The &quot;Kestrel&quot;" in html

    site = load_model(tmp_path, "https://example.github.io/archive/")
    files, _ = plan_publish(site, UrlBuilder(site.config), page_urls(site))
    feed = next(f for f in files if f.path == "feed.xml")
    parsed: Any = feedparser.parse(feed.produce())
    assert not parsed.bozo and [e.title for e in parsed.entries] == [
        "Gull Point lighthouse to reopen this summer"
    ]


# --------------------------------------------------------------------------- Pagefind search


def built_site(root: Path, base_url: str | None = None) -> SampleSite:
    init_site(root, github_pages=False)
    build(BuildOptions(root=root, base_url=base_url))
    return SampleSite(root)


def manifest_digests(out: Path) -> dict[str, str]:
    import json

    files = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert isinstance(files, dict)
    return {str(k): str(v) for k, v in files.items()}


def test_index_site_says_how_to_add_pagefind_when_it_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sitegen.search.pagefind_executable", lambda: None)
    site = built_site(tmp_path / "s")
    files, problems = index_site(site.out, "x")
    assert files == []
    assert [(p.level, p.code) for p in problems] == [(Level.INFO, "search-unavailable")]
    assert 'pip install "sitegen[search]"' in problems[0].message
    assert "\n" not in problems[0].message
    assert not (site.out / "pagefind").exists()


def test_index_site_writes_the_bundle_and_skips_when_nothing_changed(tmp_path: Path) -> None:
    require(pagefind_available(), 'the Pagefind binary (pip install "sitegen[search]")')
    site = built_site(tmp_path / "s")
    fingerprint = html_fingerprint(manifest_digests(site.out))
    files, problems = index_site(site.out, fingerprint)
    assert problems == []
    assert "pagefind/pagefind.js" in files and "pagefind/pagefind-ui.js" in files and RECORD in files
    assert all((site.out / f).is_file() for f in files)
    assert set(files) == {
        p.relative_to(site.out).as_posix() for p in (site.out / "pagefind").rglob("*") if p.is_file()
    }

    stamp = {f: (site.out / f).stat().st_mtime_ns for f in files}
    again, problems = index_site(site.out, fingerprint)
    assert problems == [] and sorted(again) == sorted(files)
    assert {f: (site.out / f).stat().st_mtime_ns for f in again} == stamp  # nothing rewritten

    (site.out / "extra").mkdir()
    (site.out / "extra" / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>Zeppelin</title></head>'
        "<body><main><h1>Zeppelin</h1><p>A zeppelin flew over the quay.</p></main></body></html>",
        encoding="utf-8",
    )
    changed, problems = index_site(site.out, fingerprint + "-changed")
    assert problems == [] and "pagefind/pagefind.js" in changed
    on_disk = {p.relative_to(site.out).as_posix() for p in (site.out / "pagefind").rglob("*") if p.is_file()}
    assert on_disk == set(changed)  # an older bundle's files are gone, none left behind


def test_search_indexes_the_corrected_reading_only(tmp_path: Path) -> None:
    """The received reading (del) and the footnote markers are in the page, not in the index."""
    import gzip
    import json

    require(pagefind_available(), 'the Pagefind binary (pip install "sitegen[search]")')
    site = built_site(tmp_path / "s")
    (page,) = site.out.glob("2024/*/*/*/index.html")
    html = page.read_text(encoding="utf-8")
    assert "<del>wheather</del>weather<a href=#n1>1</a>" in html
    files, problems = index_site(site.out, "x")
    assert problems == [] and files
    indexed = []
    for fragment in (site.out / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        indexed.append(json.loads(data[data.index(b"{") :])["content"])
    (article,) = [text for text in indexed if "early July" in text]
    assert "early July, weather permitting" in article  # no received word, no marker
    assert "July, wheather" not in article


def test_index_site_leaves_files_it_did_not_write_alone(tmp_path: Path) -> None:
    require(pagefind_available(), 'the Pagefind binary (pip install "sitegen[search]")')
    site = built_site(tmp_path / "s")
    (site.out / "pagefind").mkdir(exist_ok=True)  # the build already indexed the site
    (site.out / "pagefind" / "notes.txt").write_text("mine", encoding="utf-8")
    files, problems = index_site(site.out, "x")
    assert files == [] and [p.code for p in problems] == ["search-not-ours"]
    assert (site.out / "pagefind" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_build_stopped_while_copying_the_search_bundle_does_not_lock_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundle's files are announced (OutputDir.begin) before they are copied: those a
    stopped build copied are sitegen's for the next build, not files to refuse."""
    require(pagefind_available(), 'the Pagefind binary (pip install "sitegen[search]")')
    root = tmp_path / "s"
    init_site(root, github_pages=False)
    real_write = search.atomic_write

    def write_then_stop(path: Path, data: bytes) -> None:
        real_write(path, data)
        if path.name == "pagefind.js":
            raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(search, "atomic_write", write_then_stop)
        with pytest.raises(KeyboardInterrupt):
            build(BuildOptions(root=root))
    out = SampleSite(root).out
    assert (out / "pagefind" / "pagefind.js").is_file() and not (out / RECORD).exists()

    report = build(BuildOptions(root=root))

    assert report.log.errors == 0, [d.format() for d in report.log.items]
    assert (out / RECORD).is_file() and (out / "pagefind" / "pagefind-ui.js").is_file()
    assert "pagefind/pagefind.js" in manifest_digests(out)


@pytest.fixture
def search_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The scaffold built for /archive/ (the build adds the search page and index), served under /archive/."""
    require(pagefind_available(), 'the Pagefind binary (pip install "sitegen[search]")')
    root = tmp_path / "site"
    site = built_site(root, "http://127.0.0.1/archive/")
    assert (site.out / "search" / "index.html").is_file()
    assert (site.out / "pagefind" / "pagefind.js").is_file()
    served = tmp_path / "www"
    served.mkdir()
    (served / "archive").symlink_to(site.out, target_is_directory=True)
    with serve(served) as base:
        yield base + "archive/", site.out


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_page_finds_articles_when_served_from_a_subpath(
    search_site: tuple[str, Path], page: Any, scheme: str
) -> None:
    base, _ = search_site
    page.emulate_media(color_scheme=scheme)
    page.goto(base + "search/?q=lighthouse")
    box = page.get_by_label("Search the articles and the people, organisations and places in them")
    assert box.input_value() == "lighthouse"
    article = page.locator('a.pagefind-ui__result-link[href^="/archive/2024/05/14/"]').first
    article.wait_for(timeout=10_000)  # result links carry the sub-path the site is served under
    hrefs = page.locator("a.pagefind-ui__result-link").evaluate_all("links => links.map(a => a.pathname)")
    assert hrefs and all(h.startswith("/archive/") for h in hrefs), hrefs
    assert page.locator("[data-search-status]").inner_text().strip() != ""
    assert page.locator("[role=search]").count() == 1  # one search landmark, ours

    from axe_playwright_python.sync_playwright import Axe

    violations = [
        f"{v['id']}: {v['help']} {[n.get('target') for n in v.get('nodes', [])][:3]}"
        for v in Axe().run(page).response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert violations == []  # with results shown

    box.fill("Kestrel")
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=10_000)
    assert "q=Kestrel" in page.url
