"""The byte budget: the build reports its published size by kind, and warns above the limit."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sitegen.budget import ANNOTATIONS, ARTICLE_PAGES, ENTITY_PAGES, SEED_COPIES, SOURCE_VIEWS, parse_size
from sitegen.config import parse_config

from .conftest import DEFAULT_CONFIG, SampleSite

SEED = "date 2020-01-04 The ministry said the navy struggle ended. " + "It went on and on. " * 200 + "\n"
RULES = '[[rule]]\nfind = "struggle"\nreplace = "war"\ntype = "error"\nnote = "Spinner damage."\n'
ENTITY = "---\nname: The ministry\nkind: organization\n---\n"


def realistic_site(make_site: Callable[..., SampleSite], config: str = DEFAULT_CONFIG) -> SampleSite:
    return make_site(
        seeds={"a1": SEED},
        config=config,
        files={"content/corrections.toml": RULES, "content/entities/ministry.md": ENTITY},
    )


def test_the_summary_lists_the_published_size_by_kind(make_site: Callable[..., SampleSite]) -> None:
    site = realistic_site(make_site)
    report = site.build()
    sizes = report.sizes
    # Each kind is measured from the files written, classified by the plan that made them.
    article_dir = next(p.parent for p in site.out.rglob("index.html") if (p.parent / "a1.txt").is_file())
    assert sizes[SEED_COPIES] == (article_dir / "a1.txt").stat().st_size
    assert sizes[ARTICLE_PAGES] == (article_dir / "index.html").stat().st_size
    # the export, and the site-wide rules' notes it references
    exports = [article_dir / "annotations.jsonld.gz", site.out / "corrections" / "notes.jsonld"]
    assert sizes[ANNOTATIONS] == sum(path.stat().st_size for path in exports)
    assert sizes[SOURCE_VIEWS] == (article_dir / "source" / "index.html").stat().st_size
    assert sizes[ENTITY_PAGES] > 0
    assert sum(sizes.values()) == published(site)

    result = site.cli()
    assert result.exit_code == 0, result.output
    assert "published size" in result.output
    for kind in (ARTICLE_PAGES, ANNOTATIONS, SOURCE_VIEWS, SEED_COPIES, ENTITY_PAGES, "listings"):
        assert kind in result.output
    assert "site-too-large" not in result.output + result.stderr


def published(site: SampleSite) -> int:
    files = [p for p in site.out.rglob("*") if p.is_file() and p.name != ".sitegen-manifest.json"]
    return sum(p.stat().st_size for p in files)


def test_the_report_survives_a_build_with_nothing_to_do_and_a_patch(
    make_site: Callable[..., SampleSite],
) -> None:
    site = realistic_site(make_site)
    first = site.build().sizes
    assert site.build().sizes == first  # a no-op build (the last build's figures)
    site.seed("a1", SEED.replace("It went on and on.", "It went on and on and on.", 1))
    patched = site.build()
    assert patched.analysed == ["a1"] and patched.planned < 10, "not a patch"
    assert sum(patched.sizes.values()) == published(site)
    assert patched.sizes[SEED_COPIES] == first[SEED_COPIES] + len(" and on")


def test_a_site_over_max_site_size_is_a_warning_naming_the_dominant_kind(
    make_site: Callable[..., SampleSite],
) -> None:
    site = realistic_site(make_site, DEFAULT_CONFIG + 'max_site_size = "20KB"\n')
    report = site.build()
    warnings = [d for d in report.log.items if d.code == "site-too-large"]
    assert len(warnings) == 1
    message = warnings[0].message
    top = max(report.sizes, key=lambda kind: report.sizes[kind])
    assert message.index(top) < message.index("GitHub Pages")
    assert "20.0 KB" in message and "max_site_size" in message

    result = site.cli()
    assert result.exit_code == 0  # a warning: the site is written
    assert "WARNING" in result.stderr and "[site-too-large]" in result.stderr


def test_a_site_under_the_limit_gives_no_warning(make_site: Callable[..., SampleSite]) -> None:
    site = realistic_site(make_site, DEFAULT_CONFIG + 'max_site_size = "1GiB"\n')
    assert not [d for d in site.build().log.items if d.code == "site-too-large"]


@pytest.mark.parametrize(
    ("value", "size"),
    [("500MB", 500_000_000), ("1GiB", 2**30), ("1.5 GB", 1_500_000_000), ("64 kib", 65536), (1000, 1000)],
)
def test_max_site_size_takes_units(value: object, size: int) -> None:
    assert parse_size(value) == size
    text = f"max_site_size = {value!r}\n".replace("'", '"')
    config, problems = parse_config(text)
    assert not problems and config.max_site_size == size


@pytest.mark.parametrize("value", ['"big"', '"12 parsecs"', '"-5MB"', "0", "true", '""'])
def test_an_invalid_max_site_size_is_a_config_error_with_its_line(value: str) -> None:
    _config, problems = parse_config(f'title = "x"\n\nmax_site_size = {value}\n')
    assert [(p.code, p.path, p.line) for p in problems] == [("config-value", "sitegen.toml", 3)]
    assert "'max_site_size'" in problems[0].message and "500MB" in problems[0].message
