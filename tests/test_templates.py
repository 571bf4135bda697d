"""Theme lookup: a site's own templates/ and static/ override the theme, file by file."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sitegen.sources import theme_dir

from .conftest import REPO_ROOT, SampleSite, run_cli
from .htmltext import article_blocks, parse_html

SEEDS = {
    "a": "date 2020-01-04 First article.\n\nIts second paragraph.\n",
    "b": "date 2020-02-01 Second article.\n",
}
ARTICLE = "2020/01/04/first-article/index.html"
THEME = REPO_ROOT / "themes" / "default"


def test_site_article_template_overrides_the_theme(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(
        seeds=SEEDS,
        files={
            "templates/article.html": (
                '{% extends "base.html" %}{% block main %}'
                '<p class="site-article">{{ article.title }} ({{ page.kind }})</p>'
                "{% endblock %}"
            )
        },
    )
    report = site.build()
    assert report.log.errors == 0
    page = parse_html(site.read(ARTICLE))
    custom = page.find("p", cls="site-article")
    assert custom is not None and custom.text() == "First article (article)"
    assert page.find(cls="article-text") is None  # the theme's article.html was not used
    # other pages still come from the theme, and base.html still wraps the site's template
    assert page.find("header", cls="site-header") is not None
    assert parse_html(site.read("index.html")).find("ol", cls="article-list") is not None


def test_site_base_template_overrides_the_theme_everywhere(make_site: Callable[..., SampleSite]) -> None:
    base = (THEME / "templates" / "base.html").read_text(encoding="utf-8")
    marker = '<p class="site-base-marker">From the site’s base.html</p>'
    assert "<body" in base
    site = make_site(
        seeds=SEEDS,
        files={"templates/base.html": base.replace('<main id="main"', marker + '\n<main id="main"', 1)},
    )
    assert site.build().log.errors == 0
    for rel in ("index.html", ARTICLE, "404.html", "2020/01/04/first-article/source/index.html"):
        page = parse_html(site.read(rel))
        assert page.find("p", cls="site-base-marker") is not None, rel
    # the theme's article.html extends the site's base.html and still renders the blocks
    assert [b.received for b in article_blocks(site.read(ARTICLE))] == [
        "First article.",
        "Its second paragraph.",
    ]


def test_site_static_file_overrides_the_theme_asset(make_site: Callable[..., SampleSite]) -> None:
    css = b"/* the site's own stylesheet */\nbody { color: rebeccapurple; }\n"
    site = make_site(seeds=SEEDS, files={"static/style.css": css, "static/img/logo.svg": b"<svg/>"})
    assert site.build().log.errors == 0
    assert (site.out / "assets" / "style.css").read_bytes() == css
    assert (site.out / "assets" / "img" / "logo.svg").read_bytes() == b"<svg/>"
    # theme assets the site does not override are still there
    assert (site.out / "assets" / "pygments.css").is_file()


def test_theme_asset_is_copied_byte_for_byte(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(seeds=SEEDS)
    assert site.build().log.errors == 0
    packaged = theme_dir(site.root, "default")
    assert packaged is not None
    assert (site.out / "assets" / "style.css").read_bytes() == (
        packaged / "static" / "style.css"
    ).read_bytes()


def test_site_theme_folder_wins_over_the_shipped_theme(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(seeds=SEEDS)
    local = site.root / "themes" / "default"
    shutil.copytree(THEME, local)
    index = local / "templates" / "index.html"
    index.write_text(
        index.read_text(encoding="utf-8").replace("<h1>", '<h1 class="local-theme">', 1), encoding="utf-8"
    )
    assert theme_dir(site.root, "default") == local
    assert site.build().log.errors == 0
    assert parse_html(site.read("index.html")).find("h1", cls="local-theme") is not None


def test_named_theme_in_the_site(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(seeds=SEEDS, config='title = "x"\ntheme = "plain"\n')
    shutil.copytree(THEME, site.root / "themes" / "plain")
    (site.root / "themes" / "plain" / "static" / "style.css").write_bytes(b"/* plain */\n")
    assert site.build().log.errors == 0
    assert (site.out / "assets" / "style.css").read_bytes() == b"/* plain */\n"


def test_unknown_theme_is_an_error(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(seeds=SEEDS, config='theme = "no-such-theme"\n')
    result = site.cli()
    assert result.exit_code == 1
    assert "theme 'no-such-theme' not found" in result.stderr
    assert not site.out.exists()


def test_template_error_is_reported_and_other_pages_still_build(
    make_site: Callable[..., SampleSite],
) -> None:
    site = make_site(seeds=SEEDS, files={"templates/article.html": "{{ article.no_such_field }}"})
    result = site.cli()
    assert result.exit_code == 1
    assert "[template-error]" in result.stderr
    assert (site.out / "index.html").is_file()
    assert not (site.out / ARTICLE).exists()


def test_default_theme_is_found_without_a_site_theme(tmp_path: Path) -> None:
    found = theme_dir(tmp_path, "default")
    assert found is not None
    assert (found / "templates" / "base.html").is_file()
    assert (found / "static" / "style.css").is_file()


def test_a_template_that_does_not_parse_is_an_error_at_its_file_and_line(make_site: Any) -> None:
    site = make_site(
        seeds={"a": "date 2020-01-01 One paragraph.\n"},
        files={
            "content/pages/about.md": "---\ntitle: About\n---\nHello.\n",
            "templates/page.html": '{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n',
        },
    )
    result = run_cli("build", "--source", str(site.root))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "[template-error]" in line]
    assert errors and errors[0].startswith("templates/page.html:3: ERROR:"), result.stderr
    assert (site.out / "2020/01/01").is_dir()  # the other pages still built


# --------------------------------------------------------------------------- a template error

TYPO_LINE = 45  # '{% if block.role == "heading" %}' in the theme's article.html


def article_pages(out: Path) -> dict[str, bytes]:
    """The article pages (year/month/day/slug/), not their source views."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.glob("20*/*/*/*/index.html")}


def with_typo() -> str:
    lines = (THEME / "templates" / "article.html").read_text(encoding="utf-8").split("\n")
    assert lines[TYPO_LINE - 1] == '{% if block.role == "heading" %}'
    lines[TYPO_LINE - 1] = '{% if block.role == "heading" }'  # one character lost
    return "\n".join(lines)


def errors_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": ERROR: " in line or line.startswith("ERROR: ")]


def test_a_template_error_is_reported_first_and_alone_and_keeps_the_last_good_pages(
    make_site: Callable[..., SampleSite],
) -> None:
    site = make_site(seeds=SEEDS)
    assert site.cli().exit_code == 0
    before = article_pages(site.out)
    assert ARTICLE in before and len(before) == 2
    manifest = (site.out / ".sitegen-manifest.json").read_text(encoding="utf-8")

    site.write("templates/article.html", with_typo())
    result = site.cli()
    assert result.exit_code == 1
    errors = errors_of(result.stderr)
    assert errors[0].startswith(f"templates/article.html:{TYPO_LINE}: ERROR: "), result.stderr
    assert errors[0].endswith("(and 1 other page(s)) [template-error]"), errors[0]
    assert [e.rsplit(" ", 1)[1] for e in errors] == ["[template-error]", "[render-failed]"], errors
    assert "2 page(s) could not be rendered" in errors[1] and "2 keep their last good output" in errors[1]
    # The pages stay online as they were, and sitegen's: in the manifest, so never orphaned.
    assert article_pages(site.out) == before
    assert (site.out / ".sitegen-manifest.json").read_text(encoding="utf-8") == manifest
    again = site.cli()  # nothing changed: the same report, the same pages
    assert again.exit_code == 1 and errors_of(again.stderr) == errors
    assert article_pages(site.out) == before

    fixed_template = with_typo().replace('"heading" }', '"heading" %}')
    site.write(
        "templates/article.html", fixed_template.replace("{% block main %}", "{% block main %}<!-- fixed -->")
    )
    fixed = site.cli()
    assert fixed.exit_code == 0, fixed.stderr
    after = article_pages(site.out)
    assert after.keys() == before.keys()
    assert all(b"<!-- fixed -->" in page for page in after.values())


def test_a_template_error_on_the_first_build_counts_the_broken_links_it_causes(
    make_site: Callable[..., SampleSite],
) -> None:
    site = make_site(seeds=SEEDS, files={"templates/article.html": with_typo()})
    result = site.cli()
    assert result.exit_code == 1
    errors = errors_of(result.stderr)
    assert [e.rsplit(" ", 1)[1] for e in errors] == ["[template-error]", "[render-failed]"], errors
    assert errors[0].startswith(f"templates/article.html:{TYPO_LINE}: ERROR: ")
    assert ": 2 are missing; " in errors[1]
    follow_on = re.search(r"; (\d+) broken link\(s\) that follow from it are not listed", errors[1])
    assert follow_on and int(follow_on.group(1)) > 2  # the home page, timeline, ... link to them
    assert article_pages(site.out) == {}
    site.write("templates/article.html", (THEME / "templates" / "article.html").read_text(encoding="utf-8"))
    assert site.cli().exit_code == 0
    assert ARTICLE in article_pages(site.out)


def test_an_error_in_a_shared_template_is_one_line_at_its_own_file_and_line(
    make_site: Callable[..., SampleSite],
) -> None:
    """An error met while rendering (not parsing) is placed by the template frame it happened
    in: base.html, which every page extends, not each page's own template."""
    site = make_site(seeds=SEEDS, files={"templates/base.html": "<p>\n{{ page.no_such_key.deeper }}\n"})
    result = site.cli()
    assert result.exit_code == 1
    errors = errors_of(result.stderr)
    assert [e.rsplit(" ", 1)[1] for e in errors] == ["[template-error]", "[render-failed]"], errors
    assert errors[0].startswith("templates/base.html:2: ERROR: "), errors[0]
