"""Golden output: the sample archive in tests/sites/basic, built end to end, file for file."""

from __future__ import annotations

import re
import shutil
from importlib import metadata
from pathlib import Path

from sitegen.writer import MANIFEST

from .golden import (
    GOLDEN,
    REGENERATE,
    SAMPLE,
    build_sample,
    compare,
    output_files,
    versions_not_as_pinned,
)
from .htmltext import article_blocks, parse_html


def test_sample_matches_the_golden_files(tmp_path: Path) -> None:
    assert GOLDEN.is_dir(), f"no golden files yet: run `{REGENERATE}`"
    out = build_sample(tmp_path)
    differences = compare(out)
    unpinned = versions_not_as_pinned()
    cause = (
        "Installed versions differ from constraints.txt, which the golden files were made with "
        "(run scripts/install-test-deps):\n  " + "\n  ".join(unpinned) + "\n"
        if unpinned
        else ""
    )
    assert not differences, (
        f"the build differs from tests/golden/basic ({len(differences)} file(s)). {cause}If the change "
        f"is intended, run `{REGENERATE}` and commit the new golden files.\n\n" + "\n".join(differences)
    )


def test_build_is_deterministic(tmp_path: Path) -> None:
    """Two builds from different folders give the same bytes, the manifest included."""
    first = build_sample(tmp_path / "one")
    second = build_sample(tmp_path / "two")

    def everything(directory: Path) -> dict[str, bytes]:
        return {
            p.relative_to(directory).as_posix(): p.read_bytes() for p in directory.rglob("*") if p.is_file()
        }

    assert everything(first) == everything(second)


def test_compare_reports_missing_extra_and_changed_files(tmp_path: Path) -> None:
    """The comparison itself: it must notice every kind of difference, and only those."""
    out = build_sample(tmp_path / "built")
    expected = tmp_path / "expected"
    shutil.copytree(out, expected)
    assert compare(out, expected) == []
    (out / "index.html").write_bytes((out / "index.html").read_bytes().replace(b"</h1>", b"!</h1>", 1))
    (out / "404.html").unlink()
    (out / "extra.html").write_bytes(b"x")
    (out / MANIFEST).write_bytes(b"{}")  # left out of the comparison
    problems = compare(out, expected)
    assert problems[0] == "missing from the build: 404.html"
    assert problems[1] == "not in the golden files: extra.html"
    assert problems[2].startswith("differs: index.html\n")
    assert "+<h1>" in problems[2] and "!</h1>" in problems[2]
    assert len(problems) == 3


def test_versions_not_as_pinned_names_each_installed_distribution_pinned_otherwise(tmp_path: Path) -> None:
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(
        "# pinned==0.0.1 in a comment\n"
        f"Pygments=={metadata.version('pygments')}\n"
        "pytest==0.0.1\n"
        "not-a-distribution-anyone-installed==1.0\n",
        encoding="utf-8",
    )
    assert versions_not_as_pinned(constraints) == [
        f"pytest {metadata.version('pytest')} is installed, 0.0.1 is pinned"
    ]


def test_golden_files_cover_the_sample() -> None:
    """The golden set holds every page the sample should produce (guards against an empty golden dir)."""
    files = output_files(GOLDEN)
    seeds = sorted(p.stem for p in (SAMPLE / "seeds").glob("*.txt"))
    assert len(seeds) == 3
    for seed_id in seeds:
        assert [rel for rel in files if rel.endswith(f"/{seed_id}.txt")], seed_id
    assert {"index.html", "404.html", "about/index.html", "assets/style.css", "assets/pygments.css"} <= set(
        files
    )
    assert ".sitegen-manifest.json" not in files
    months = {rel[:7] for rel in files if re.match(r"\d{4}/\d{2}/\d{2}/", rel)}
    assert months == {"2021/03", "2021/04"}


def test_golden_article_has_roles_and_note() -> None:
    page = (GOLDEN / "2021/03/02/harbour-reopens/index.html").read_text(encoding="utf-8")
    roles = [b.role for b in article_blocks(page)]
    assert roles == ["body", "body", "heading", "body", "quote", "caption", "heading", "body"]
    note = parse_html(page).find("section", cls="editors-note")
    assert note is not None
    assert note.find(cls="highlight") is not None  # the fenced Python block is highlighted
