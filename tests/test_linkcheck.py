"""The link check: its path resolution (a fast path for the links the url filter writes,
checked against posixpath on every shape of relative path), and links known as pages are
rendered rather than read back from their HTML."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import produce
from sitegen.diagnostics import Diagnostic
from sitegen.linkcheck import LinkOrigin, PageLinks, _join, page_links, scan_page
from sitegen.pipeline import BuildOptions, build

from .conftest import copy_example_archive, run_cli


def reference(page_dir: str, path: str) -> str | None:
    target = posixpath.normpath(posixpath.join(page_dir, path))
    if target.startswith("../") or target == "..":
        return None
    target = "" if target == "." else target
    return target + "/" if path.endswith("/") and target else target


@settings(max_examples=3000, derandomize=True, database=None)
@given(
    st.lists(st.sampled_from(["2021", "03", "a-slug", "entities"]), max_size=4),
    st.lists(st.sampled_from(["..", ".", "", "x", "y.html"]), min_size=1, max_size=6),
)
def test_relative_links_resolve_as_posixpath_resolves_them(dirs: list[str], parts: list[str]) -> None:
    page_dir, path = "/".join(dirs), "/".join(parts)
    if path and not path.startswith("/"):
        assert _join(page_dir, path) == reference(page_dir, path)


def test_links_the_url_filter_writes() -> None:
    assert _join("2021/03/02/slug", "../../../../entities/x/") == "entities/x/"
    assert _join("2021/03/02/slug", "source/") == "2021/03/02/slug/source/"
    assert _join("2021/03/02/slug", "../../../../") == ""
    assert _join("2021/03/02/slug", "../../../../../x/") is None
    assert _join("", "x.txt") == "x.txt"


def test_unquoted_ids_and_links_count_and_text_does_not() -> None:
    """Article pages leave short attribute values unquoted; text that reads like an attribute is text."""
    page = (
        "<p id=p1>A form with id=p9 and href=#nowhere in its text."
        '<a href=#n1>1</a> <a href="#p1">back</a> <a href=#p2>on</a> <a class=x href=#n3>3</a></p>'
        '<li id="n1">note</li>'
    )
    links = scan_page("a/index.html", page, LinkOrigin(None, {}), "/")
    assert links.ids.split("\n") == ["n1", "p1"]
    assert [p.message.split("'")[1] for p in links.problems] == ["#p2", "#n3"]


# A site with one article (2020/01/01/one-paragraph/, paragraph p1) and an authored page whose
# template a test replaces: links the default theme does not write.
ARTICLE = "2020/01/01/one-paragraph/"


def _site_with_page_template(make_site: Any, template: str, about: str = "Hello.\n") -> Any:
    return make_site(
        seeds={"one-paragraph": "date 2020-01-01 One paragraph.\n"},
        files={
            "templates/page.html": '{% extends "base.html" %}{% block main %}' + template + "{% endblock %}",
            "content/pages/about.md": "---\ntitle: About\n---\n" + about,
        },
    )


def _broken(report: Any) -> list[Diagnostic]:
    return [d for d in report.log.items if d.code == "broken-link"]


def test_a_template_link_to_a_missing_page_is_caught_without_reading_the_page(make_site: Any) -> None:
    """The url filter records the links it writes: a wrong one is an error naming the page."""
    site = _site_with_page_template(make_site, "<a href=\"{{ 'missing/' | url }}\">x</a>")
    broken = _broken(build(BuildOptions(root=site.root, jobs=1)))
    assert [d.message for d in broken] == [
        "/about/index.html (from content/pages/about.md): link '../missing/' resolves to "
        "/missing/index.html, which the site does not have"
    ]


def test_links_to_an_articles_anchors_are_checked_against_what_its_plan_declares(make_site: Any) -> None:
    """A template's link to a missing anchor of an article is caught, one to a paragraph it
    has is not; so is an author's, at its file and line."""
    template = (
        f"<a href=\"{{{{ '{ARTICLE}#nope' | url }}}}\">x</a><a href=\"{{{{ '{ARTICLE}#p1' | url }}}}\">y</a>"
    )
    about = f"Hello.\n\nSee [the first paragraph](/{ARTICLE}#p1) and [a note](/{ARTICLE}#n9).\n"
    site = _site_with_page_template(make_site, template + "{{ body_html | safe }}", about)
    broken = _broken(build(BuildOptions(root=site.root, jobs=1)))
    assert [(d.path, d.line, d.message.split("'")[1]) for d in broken] == [
        ("content/pages/about.md", None, f"../{ARTICLE}#nope"),
        ("content/pages/about.md", 6, f"../{ARTICLE}#n9"),
    ]


def test_sitegen_check_reads_links_a_template_writes_by_hand(make_site: Any) -> None:
    """A build trusts the url filter; ``sitegen check`` also reads every page's HTML."""
    site = _site_with_page_template(make_site, '<a href="/nope/">x</a><a href="#nowhere">y</a>')
    assert _broken(build(BuildOptions(root=site.root, jobs=1))) == []
    result = run_cli("check", "--source", str(site.root))
    lines = [line for line in result.stderr.splitlines() if "[broken-link]" in line]
    assert len(lines) == 2 and result.exit_code == 1, result.stderr
    assert [("'#nowhere'" in line, "'/nope/'" in line) for line in lines] == [(True, False), (False, True)]


def test_the_links_a_page_is_built_with_are_the_links_its_html_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page of the example archive: the links known while it was rendered (url filter,
    Markdown, its plan) are those its HTML holds, and the ids its plan declares are on it."""
    made: dict[str, tuple[set[str], list[str]]] = {}

    def recording(page: str, ids: Any, hrefs: Any, origin: LinkOrigin, base_path: str) -> PageLinks:
        made[page] = (set(ids), list(hrefs))
        return page_links(page, ids, hrefs, origin, base_path)

    monkeypatch.setattr(produce, "page_links", recording)
    site = copy_example_archive(tmp_path / "example")
    report = build(BuildOptions(root=site.root, jobs=1, search=False))
    assert len(made) > 10 and report.log.errors == 0
    for page, (ids, hrefs) in made.items():
        origin = LinkOrigin(None, {})
        assert report.output is not None
        scanned = scan_page(page, (report.output / page).read_text(encoding="utf-8"), origin, "/")
        built = page_links(page, ids, hrefs, origin, "/")
        # base.html's canonical link (page.canonical, urls.full) names the page itself.
        itself = {link for link in scanned.links if link[1] == page and not link[2]}
        # Every link the HTML holds is known to the build; the build may know more: a URL the
        # url filter wrote into another attribute (reading.js's data-notes and data-cards),
        # checked as well.
        assert set(scanned.links) - itself <= set(built.links), page
        fetched = ("corrections/notes.jsonld", "entities/cards.json")
        assert set(built.links) - set(scanned.links) <= {
            (href, target, "") for href, target, _ in built.links if target in fetched
        }, page
        assert ids <= set(scanned.ids.split("\n")), page
