"""The build state records the optional parts a build ran with (Pagefind, the versions of
sitegen and of the libraries whose work shows in the output): a change there rebuilds what
depends on it, though no input file changed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sitegen import incremental, reanalyse, render, search
from sitegen.diagnostics import Level

from .conftest import SampleSite, require

SEEDS = {"a": "date 2020-01-04 First article.\n", "b": "date 2020-02-01 Second article.\n"}


def codes(report: object) -> set[str]:
    return {d.code for d in report.log.items}  # type: ignore[attr-defined]


def test_installing_search_after_a_build_adds_it_and_removing_it_takes_it_away(
    make_site: Callable[..., SampleSite], monkeypatch: pytest.MonkeyPatch
) -> None:
    require(search.pagefind_available(), 'the Pagefind binary (pip install "sitegen[search]")')
    site = make_site(seeds=SEEDS)
    with monkeypatch.context() as without:
        without.setattr(search, "pagefind_executable", lambda: None)
        first = site.build()
    assert "search-unavailable" in codes(first) and not (site.out / "search").exists()

    installed = site.build()  # the same state folder, the same inputs
    assert "search-unavailable" not in codes(installed)
    assert installed.write.written and (site.out / "search" / "index.html").is_file()
    assert (site.out / "pagefind" / "pagefind.js").is_file()
    assert "search/" in site.read("index.html")

    with monkeypatch.context() as without:
        without.setattr(search, "pagefind_executable", lambda: None)
        removed = site.build()
    assert "search-unavailable" in codes(removed) and not (site.out / "search").exists()
    assert not (site.out / "pagefind").exists()


def test_another_version_of_a_library_rebuilds_every_page(
    make_site: Callable[..., SampleSite], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(seeds=SEEDS, config='title = "x"\n[search]\nenabled = false\n')
    assert site.build().log.count(Level.ERROR) == 0
    assert site.build().rendered == []
    upgraded = "[('sitegen', '0.1.0'), ('jinja2', '99.0'), ...]"
    for module in (incremental, reanalyse, render):  # where the versions are read
        monkeypatch.setattr(module, "library_versions", lambda: upgraded, raising=False)
    report = site.build()
    assert sorted(report.analysed) == ["a", "b"]
    pages = {p.relative_to(site.out).as_posix() for p in site.out.rglob("*.html")}
    assert pages <= set(report.rendered)
