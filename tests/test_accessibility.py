"""axe-core in headless Chromium over the built example archive: no serious or critical violation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import BuiltSite

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
SAMPLE_OF_LONG_PAGES = {"exclude": [[".article-text > :nth-child(n+16)"], ["li:nth-child(n+16)"]]}


def article_url(example_site: BuiltSite) -> str:
    out = example_site.out
    pages = sorted(p.parent.relative_to(out).as_posix() + "/" for p in out.glob("[0-9]*/*/*/*/index.html"))
    assert pages, "the example archive built no article page"
    return pages[0]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation.get("nodes", [])[:5]:
            lines.append(f"    {json.dumps(node.get('target'))}: {node.get('failureSummary', '').strip()}")
            lines.append(f"      {node.get('html', '')[:200]}")
    return "\n".join(lines)


def run_axe(page: Any, url: str, context: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, (
        f"GET {url} → {response.status if response else 'no response'}"
    )
    results = Axe().run(page, context=context)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("which", ["home", "article", "source view", "about page"])
def test_no_serious_or_critical_violations(
    page: Any, example_server: str, example_site: BuiltSite, which: str, scheme: str
) -> None:
    article = article_url(example_site)
    path = {"home": "", "article": article, "source view": article + "source/", "about page": "about/"}[which]
    page.emulate_media(color_scheme=scheme)  # the theme has a dark palette: check its contrast too
    # The example article is long (thousands of corrections and mentions): the light run checks all of
    # it; the dark run, which only changes colours, checks the first blocks and list items of each kind.
    context = SAMPLE_OF_LONG_PAGES if (which, scheme) == ("article", "dark") else None
    violations = run_axe(page, example_server + path, context)
    assert not violations, (
        f"axe found {len(violations)} blocking violation(s) on /{path} ({scheme}):\n" + describe(violations)
    )


def test_axe_reports_a_known_violation(page: Any, example_server: str) -> None:
    """Guards the harness: an unlabelled image and input must be reported, so a pass means something."""
    page.goto(example_server)
    page.set_content("<html><body><img src='x.png'><input type='text'></body></html>")
    from axe_playwright_python.sync_playwright import Axe

    ids = {v["id"] for v in Axe().run(page).response["violations"] if v.get("impact") in BLOCKING}
    assert {"image-alt", "label"} <= ids
