"""An article's URL never changes silently: a move is reported, recorded in
content/redirects.toml (which a build from a fresh clone reads too) and the old URL
redirects to the new one, #fragment included, under a GitHub Pages project subpath."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sitegen.diagnostics import Diagnostic
from sitegen.redirects import parse_redirects

from .conftest import SampleSite
from .htmltext import parse_html
from .test_github_pages import pages_server

CONFIG = 'title = "Moves"\nbase_url = "https://user.github.io/archive/"\n'
SEED = "date 2021-03-02 An unrelated story about the harbour at Kestrel Bay, where boats wait.\n\nMore.\n"
OLD = "2021/03/02/an-unrelated-story-about-the/"
NEW = "2021/03/02/kestrel-bay-fleet/"


def moves(items: list[Diagnostic]) -> list[str]:
    return [d.format() for d in items if d.code == "url-moved"]


def rename(site: SampleSite, slug: str) -> None:
    site.write("content/articles/kb.md", f"---\ntitle: Kestrel Bay fleet\nslug: {slug}\n---\n")


@pytest.fixture
def moved(make_site: Callable[..., SampleSite]) -> SampleSite:
    site = make_site(seeds={"kb": SEED, "other": "date 2021-03-01 Another story.\n"}, config=CONFIG)
    assert site.build().log.errors == 0
    rename(site, "kestrel-bay-fleet")
    return site


def test_a_move_is_reported_recorded_and_redirected(moved: SampleSite) -> None:
    report = moved.build()
    assert report.log.errors == 0
    assert moves(report.log.items) == [
        f"content/articles/kb.md: INFO: article 'kb' moved from /{OLD} to /{NEW}; the old URL "
        "redirects to the new one (recorded in content/redirects.toml: commit it) [url-moved]"
    ]
    recorded = (moved.root / "content/redirects.toml").read_text(encoding="utf-8")
    assert recorded.endswith(f'"{OLD}" = "kb"\n')
    page = parse_html(moved.read(OLD + "index.html"))
    canonical = page.find("link", rel="canonical")
    assert canonical is not None and canonical.attrs["href"] == "https://user.github.io/archive/" + NEW
    refresh = page.find("meta", **{"http-equiv": "refresh"})
    assert refresh is not None and refresh.attrs["content"] == "0; url=../kestrel-bay-fleet/"
    robots = page.find("meta", name="robots")
    assert robots is not None and robots.attrs["content"] == "noindex"
    assert 'location.replace("../kestrel-bay-fleet/" + location.hash)' in moved.read(OLD + "index.html")
    link = page.find("a")
    assert link is not None and link.attrs["href"] == "../kestrel-bay-fleet/"
    # Only the redirect is left at the old address; the sitemap does not list it.
    assert sorted(p.name for p in (moved.out / OLD).iterdir()) == ["index.html"]
    assert OLD not in moved.read("sitemap.xml")
    # A second build has nothing new to say.
    again = moved.build()
    assert moves(again.log.items) == [] and again.log.errors == 0


def test_the_command_line_shows_the_move_without_verbose(moved: SampleSite) -> None:
    result = moved.cli()
    assert result.exit_code == 0
    assert f"moved from /{OLD} to /{NEW}" in result.stderr and "[url-moved]" in result.stderr


def test_a_fresh_clone_keeps_the_redirects(moved: SampleSite, tmp_path: Path) -> None:
    """GitHub Pages' CI builds a clone without .sitegen/: the committed file is enough."""
    assert moved.build().log.errors == 0
    clone = tmp_path / "clone"
    shutil.copytree(moved.root, clone, ignore=shutil.ignore_patterns(".sitegen", "_site"))
    report = SampleSite(clone).build()
    assert report.log.errors == 0 and moves(report.log.items) == []
    redirect = (moved.out / OLD / "index.html").read_bytes()
    assert (clone / "_site" / OLD / "index.html").read_bytes() == redirect


def test_a_second_move_redirects_every_old_url_to_the_newest(moved: SampleSite) -> None:
    moved.build()
    rename(moved, "fleet-idle")
    report = moved.build()
    assert moves(report.log.items) == [
        f"content/articles/kb.md: INFO: article 'kb' moved from /{NEW} to /2021/03/02/fleet-idle/; the old "
        "URL redirects to the new one (recorded in content/redirects.toml: commit it) [url-moved]"
    ]
    for old in (OLD, NEW):
        assert "url=../fleet-idle/" in moved.read(old + "index.html")
    # Back at an old address: its page is the article again, not an error.
    rename(moved, "kestrel-bay-fleet")
    report = moved.build()
    assert report.log.errors == 0, [d.format() for d in report.log.items]
    assert 'id="article-title"' in moved.read(NEW + "index.html")
    assert "url=../kestrel-bay-fleet/" in moved.read("2021/03/02/fleet-idle/index.html")


def test_a_redirect_over_a_live_page_or_to_no_article_is_reported_at_its_line(
    make_site: Callable[..., SampleSite],
) -> None:
    site = make_site(
        seeds={"kb": SEED, "other": "date 2021-03-01 Another story.\n"},
        config=CONFIG,
        files={
            "content/redirects.toml": (
                "# moved\n"
                '"2021/03/01/another-story/" = "kb"\n'
                '"old/gone/" = "nobody"\n'
                '"no-slash" = "kb"\n'
                '"/2019/old/" = "kb"\n'
            )
        },
    )
    report = site.build()
    found = {(d.code, d.line) for d in report.log.items if d.path == "content/redirects.toml"}
    assert found == {("redirect-collision", 2), ("redirect-unknown-article", 3), ("redirect-entry", 4)}
    assert "Another story" in site.read("2021/03/01/another-story/index.html")  # the live page stays
    assert "url=../../2021/03/02/an-unrelated-story-about-the/" in site.read("2019/old/index.html")
    # The other articles still build.
    assert (site.out / OLD / "index.html").is_file()


def test_unsafe_or_relative_old_paths_are_refused() -> None:
    text = '"../escape/" = "a"\n"a/./b/" = "a"\n"a//b/" = "a"\n"ok/path/" = "a"\n"x" = 3\n'
    redirects, problems = parse_redirects(text)
    assert [r.old for r in redirects] == ["ok/path/"]
    assert [(p.code, p.line) for p in problems] == [("redirect-entry", n) for n in (1, 2, 3, 5)]


def test_a_quoted_key_with_dots_is_found_at_its_own_line() -> None:
    """Old paths may hold dots ("v1.2-notes/"): the line of a key is found by its quoted
    whole (tomlpos), not by its parts between dots."""
    text = '# moved\n"2020/v1.2-notes/" = "a"\n"2020/v1.3-notes/" = 3\n'
    redirects, problems = parse_redirects(text)
    assert [(r.old, r.line) for r in redirects] == [("2020/v1.2-notes/", 2)]
    assert [(p.code, p.line) for p in problems] == [("redirect-entry", 3)]


@pytest.mark.browser
def test_the_old_url_lands_on_the_new_one_with_its_fragment_under_a_subpath(
    make_site: Callable[..., SampleSite], page: Any
) -> None:
    site = make_site(
        seeds={"kb": SEED}, config='title = "Moves"\nbase_url = "https://example.github.io/archive/"\n'
    )
    assert site.build().log.errors == 0
    rename(site, "kestrel-bay-fleet")
    assert site.build().log.errors == 0
    with pages_server(site.out) as origin:
        page.goto(f"{origin}/archive/{OLD}#p2")
        page.wait_for_url(f"{origin}/archive/{NEW}#p2", timeout=10_000)
        assert page.locator("h1").first.inner_text() == "Kestrel Bay fleet"
        # Without the trailing slash too (GitHub Pages adds it for a folder).
        page.goto(f"{origin}/archive/{OLD}index.html#p1")
        page.wait_for_url(f"{origin}/archive/{NEW}#p1", timeout=10_000)


def test_drafts_previewed_in_serve_leave_no_redirect_lines_the_next_build_records_one_move(
    moved: SampleSite,
) -> None:
    """sitegen serve builds with record_moves=False: every title an editor saves while
    previewing would otherwise add a line to commit (and a rebuild for it)."""
    assert moved.build(record_moves=False).log.errors == 0
    rename(moved, "kestrel-bay-fleet-draft")
    assert moved.build(record_moves=False).log.errors == 0
    assert not (moved.root / "content/redirects.toml").exists()
    rename(moved, "kestrel-bay-fleet")
    report = moved.build()
    (move,) = moves(report.log.items)  # one move: from the first URL to the last
    assert f"moved from /{OLD} to /{NEW};" in move
    recorded = (moved.root / "content/redirects.toml").read_text(encoding="utf-8")
    assert recorded.count('" = "') == 1 and recorded.endswith(f'"{OLD}" = "kb"\n')
