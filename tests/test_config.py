"""sitegen.toml: typed values, every problem at once with its line, and the CLI's exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen.config import SiteConfig, load_config, parse_config
from sitegen.diagnostics import Level, SitegenError

from .conftest import SampleSite, run_cli
from .htmltext import parse_html

SEED = "date 2020-01-04 A short article.\n"

VALID = """\
title = "An archive"
description = "Described."
language = "fr"
base_url = "https://user.github.io/repo/"
publisher = "Someone"
output_dir = "public"
permalink = "/{year}/{slug}/"
per_page = 10

[entities]
link_mentions = "every"
per_page = 20
"""


def problems_of(text: str) -> list[tuple[str, int | None, str]]:
    _config, problems = parse_config(text)
    assert all(p.level == Level.ERROR and p.path == "sitegen.toml" for p in problems)
    return [(p.code, p.line, p.message) for p in problems]


def test_valid_config_loads(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text(VALID, encoding="utf-8")
    config = load_config(tmp_path)
    assert config.title == "An archive"
    assert config.description == "Described."
    assert config.language == "fr"
    assert config.base_url == "https://user.github.io/repo/"
    assert config.base_path == "/repo/"
    assert config.site_origin == "https://user.github.io"
    assert config.publisher == "Someone"
    assert config.output_dir == "public"
    assert config.permalink == "/{year}/{slug}/"
    assert config.per_page == 10
    assert config.entities.link_mentions == "every"
    assert config.entities.per_page == 20


def test_defaults_when_empty() -> None:
    config, problems = parse_config("")
    assert problems == []
    assert config == SiteConfig()
    assert config.base_path == "/"


def test_bom_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_bytes(b'\xef\xbb\xbftitle = "With BOM"\n')
    assert load_config(tmp_path).title == "With BOM"


def test_every_error_at_once_with_lines(tmp_path: Path) -> None:
    text = 'title = 5\n\nper_page = 0\n# a comment\ntitel = "Typo"\n'
    (tmp_path / "sitegen.toml").write_text(text, encoding="utf-8")
    with pytest.raises(SitegenError) as raised:
        load_config(tmp_path)
    found = sorted((d.line, d.code) for d in raised.value.diagnostics)
    assert found == [(1, "config-value"), (3, "config-value"), (5, "config-unknown-key")]
    assert all(d.path == "sitegen.toml" for d in raised.value.diagnostics)


def test_every_error_at_once_through_the_cli(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(
        seeds={"a": SEED},
        config=(
            'title = "x"\nbase_url = "ftp://nope"\n\n[entities]\nlink_mentions = "sometimes"\nper_pag = 3\n'
        ),
    )
    result = site.cli()
    assert result.exit_code == 1
    assert "sitegen.toml:2: ERROR: 'base_url' must be" in result.stderr
    assert "sitegen.toml:5: ERROR: 'entities.link_mentions' must be one of" in result.stderr
    assert "sitegen.toml:6: ERROR: unknown key 'entities.per_pag'; did you mean 'entities.per_page'?" in (
        result.stderr
    )
    assert not site.out.exists()  # a bad configuration builds nothing


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [("titel", "title"), ("base-url", "base_url"), ("permalinks", "permalink"), ("perpage", "per_page")],
)
def test_unknown_key_suggests_the_nearest(key: str, suggestion: str) -> None:
    [(code, line, message)] = problems_of(f'title = "x"\n{key} = "y"\n')
    assert (code, line) == ("config-unknown-key", 2)
    assert message == f"unknown key '{key}'; did you mean '{suggestion}'?"


def test_unknown_key_without_a_near_one_lists_the_known_keys() -> None:
    [(code, _line, message)] = problems_of("zzzzz = 1\n")
    assert code == "config-unknown-key"
    assert "known keys:" in message and "permalink" in message and "title" in message


def test_unknown_table_is_reported_at_its_header() -> None:
    [(code, line, message)] = problems_of('title = "x"\n\n[entitys]\nper_page = 2\n')
    assert (code, line) == ("config-unknown-key", 3)
    assert "did you mean 'entities'?" in message


def test_section_must_be_a_table() -> None:
    [(code, line, _message)] = problems_of('title = "x"\nentities = 3\n')
    assert (code, line) == ("config-type", 2)


@pytest.mark.parametrize(
    "value",
    [
        "example.org",
        "ftp://example.org/",
        "https://",
        "https://exa mple.org/",
        "https://example.org/?q=1",
        "https://example.org/#top",
        "https://example.org/\\n",
        "",
        "/<script>/",  # a path, but one that could end the attribute or script it is written into
        "/repo'/",
        "https://example.org/a>b/",
        "/a\\tb/",
        "JaVaScript:alert(13)",
    ],
)
def test_bad_base_url(value: str) -> None:
    [(code, line, message)] = problems_of(f'title = "x"\nbase_url = "{value}"\n')
    assert (code, line) == ("config-value", 2)
    assert message.startswith("'base_url' must be an absolute http(s) URL")


@pytest.mark.parametrize(
    ("value", "base_path", "origin"),
    [
        ("/", "/", ""),
        ("/docs", "/docs/", ""),
        ("https://example.org", "/", "https://example.org"),
        ("https://user.github.io/repo", "/repo/", "https://user.github.io"),
        ("http://localhost:8000/a/b/", "/a/b/", "http://localhost:8000"),
    ],
)
def test_good_base_url(value: str, base_path: str, origin: str) -> None:
    config, problems = parse_config(f'base_url = "{value}"\n')
    assert problems == []
    assert (config.base_path, config.site_origin) == (base_path, origin)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("/{year}/{month}/", "must contain {slug} or {id}"),
        ("/{year}/{title}/", "unknown field(s) ['title']"),
        ("{slug}/", "must start and end with '/'"),
        ("/{slug}", "must start and end with '/'"),
        ("/{slug}/{}/", "must be a plain name"),
        ("/{slug}/{0}/", "unknown field(s) ['0']"),
        ("/{slug.upper}/", "must be a plain name"),
        ("/{year:>6}/{slug}/", "must be a plain name"),
        ("/{slug!r}/", "must be a plain name"),
        ("/{slug}/{", "not a valid pattern"),
        ("/{slug}}/", "not a valid pattern"),
        ("/../{slug}/", "'.' or '..' segments"),
        ("/a/./{slug}/", "'.' or '..' segments"),
        ("/{slug}/?page/", "no whitespace, '?', '#'"),
        ("/my {slug}/", "no whitespace"),
    ],
)
def test_bad_permalink(value: str, fragment: str) -> None:
    [(code, line, message)] = problems_of(f'title = "x"\n\npermalink = "{value}"\n')
    assert (code, line) == ("config-value", 3)
    assert message.startswith("'permalink' ")
    assert fragment in message


@pytest.mark.parametrize(
    "value", ["/{year}/{month}/{day}/{slug}/", "/{id}/", "/a/{slug}.html/", "/{year}-{slug}/"]
)
def test_good_permalink(value: str) -> None:
    assert problems_of(f'permalink = "{value}"\n') == []


@pytest.mark.parametrize("permalink", ["/../{slug}/", "/{slug}/{}/"])
def test_bad_permalink_never_reaches_the_writer(make_site: Callable[..., SampleSite], permalink: str) -> None:
    """Before validation was strict these escaped the output folder or crashed with a traceback."""
    site = make_site(seeds={"a": SEED}, config=f'permalink = "{permalink}"\n')
    result = site.cli()
    assert result.exit_code == 1
    assert "sitegen.toml:1: ERROR: 'permalink'" in result.stderr
    assert not (site.root / "a-short-article").exists()
    assert not site.out.exists()


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ('per_page = "ten"', "config-value"),
        ("per_page = true", "config-value"),
        ("per_page = -1", "config-value"),
        ('output_dir = "../elsewhere"', "config-value"),
        ('output_dir = "/abs"', "config-value"),
        ('output_dir = "."', "config-value"),
        ("title = []", "config-value"),
    ],
)
def test_bad_values(line: str, code: str) -> None:
    [(found_code, found_line, _message)] = problems_of(f"# comment\n{line}\n")
    assert (found_code, found_line) == (code, 2)


def test_toml_syntax_error_reports_its_line() -> None:
    [(code, line, message)] = problems_of('title = "x"\ndescription = "y"\nper_page = \n')
    assert (code, line) == ("config-syntax", 3)
    assert message.startswith("not valid TOML")


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(SitegenError) as raised:
        load_config(tmp_path)
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.code == "config-missing"


def test_base_url_override(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(seeds={"a": SEED}, config='title = "x"\nbase_url = "/"\n')
    result = site.cli("--base-url", "https://example.org/archive/")
    assert result.exit_code == 0, result.stderr
    home = parse_html(site.read("index.html"))
    canonical = home.find("link", rel="canonical")
    assert canonical is not None
    assert canonical.attrs["href"] == "https://example.org/archive/"
    article = parse_html(site.read("2020/01/04/a-short-article/index.html"))
    canonical = article.find("link", rel="canonical")
    assert canonical is not None
    assert canonical.attrs["href"] == "https://example.org/archive/2020/01/04/a-short-article/"
    # the 404 page is served at any depth: its links are base-path absolute
    not_found = parse_html(site.read("404.html"))
    assert {a.attrs["href"] for a in not_found.find_all("a", cls="site-title")} == {"/archive/"}


def test_bad_base_url_override(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(seeds={"a": SEED})
    result = site.cli("--base-url", "example.org")
    assert result.exit_code == 1
    assert "--base-url must be an absolute http(s) URL" in result.stderr
    assert not site.out.exists()


# --------------------------------------------------------------------------- exit codes


def test_exit_0_when_the_build_is_clean(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(seeds={"a": SEED})
    result = site.cli()
    assert result.exit_code == 0, result.stderr
    assert "0 error" not in result.stderr
    assert "written" in result.stderr


def test_exit_1_on_configuration_errors(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(seeds={"a": SEED}, config="per_page = 0\n")
    assert site.cli().exit_code == 1


def test_exit_1_without_a_config_file(tmp_path: Path) -> None:
    result = run_cli("build", "--source", str(tmp_path))
    assert result.exit_code == 1
    assert "no sitegen.toml" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--no-such-option"],
        ["no-such-command"],
        ["build", "--output"],
        ["build", "extra-argument"],
    ],
)
def test_exit_2_on_usage_errors(tmp_path: Path, args: list[str]) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    assert "Error:" in result.output


def test_version() -> None:
    from sitegen import __version__

    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"sitegen, version {__version__}"
