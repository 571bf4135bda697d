"""Golden output: the sample archive tests/sites/basic built end to end, kept in tests/golden/basic.

Regenerate after an intended change to the output (templates, markup):

    .venv/bin/python -m tests.golden

then review ``git diff tests/golden`` and commit it with the change.
The build manifest is left out (it only records digests of the other files);
nothing else is normalised: the build is deterministic, and what third-party
libraries render (Pygments' HTML and CSS) is fixed by the versions pinned in
constraints.txt, which the README's test command installs.
"""

from __future__ import annotations

import difflib
import shutil
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from sitegen.diagnostics import Level
from sitegen.pipeline import BuildOptions, build
from sitegen.writer import MANIFEST

TESTS_DIR = Path(__file__).resolve().parent
SAMPLE = TESTS_DIR / "sites" / "basic"
GOLDEN = TESTS_DIR / "golden" / "basic"
EXCLUDED = frozenset({MANIFEST})
REGENERATE = ".venv/bin/python -m tests.golden"
CONSTRAINTS = TESTS_DIR.parent / "constraints.txt"


def build_sample(workdir: Path, sample: Path = SAMPLE) -> Path:
    """Copy the sample site into ``workdir`` and build it; returns the output folder.

    Raises AssertionError if the build reports a warning or an error: a golden
    file must come from a clean build.
    """
    root = workdir / "site"
    shutil.copytree(sample, root)
    out = workdir / "out"
    report = build(BuildOptions(root=root, output=out))
    problems = [d.format() for d in report.log.items if d.level >= Level.WARNING]
    if problems:
        raise AssertionError("the sample site does not build cleanly:\n" + "\n".join(problems))
    return out


def output_files(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` by relative POSIX path, less the excluded ones."""
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.relative_to(directory).as_posix() not in EXCLUDED
    }


def _diff(rel: str, expected: bytes, actual: bytes, context_lines: int = 3, limit: int = 60) -> str:
    try:
        old = expected.decode("utf-8").splitlines(keepends=True)
        new = actual.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return f"{rel}: binary content differs ({len(expected)} → {len(actual)} bytes)"
    lines = list(difflib.unified_diff(old, new, f"golden/{rel}", f"built/{rel}", n=context_lines))
    shown = "".join(lines[:limit])
    if len(lines) > limit:
        shown += f"… ({len(lines) - limit} more diff lines)\n"
    return shown


def compare(actual: Path, expected: Path = GOLDEN) -> list[str]:
    """Differences between a built output folder and the golden files; empty when identical."""
    built = output_files(actual)
    golden = output_files(expected) if expected.is_dir() else {}
    problems = []
    for rel in sorted(golden.keys() - built.keys()):
        problems.append(f"missing from the build: {rel}")
    for rel in sorted(built.keys() - golden.keys()):
        problems.append(f"not in the golden files: {rel}")
    for rel in sorted(built.keys() & golden.keys()):
        if built[rel] != golden[rel]:
            problems.append(f"differs: {rel}\n{_diff(rel, golden[rel], built[rel])}")
    return problems


def versions_not_as_pinned(constraints: Path = CONSTRAINTS) -> list[str]:
    """Installed distributions whose version is not the one pinned in ``constraints``.

    The golden files were made with the pinned versions; another Pygments renders
    other bytes, so a golden difference names these first.
    """
    found = []
    for line in constraints.read_text(encoding="utf-8").splitlines():
        name, pinned_sep, pinned = line.partition("==")
        if line.startswith("#") or not pinned_sep:
            continue
        try:
            installed = metadata.version(name.strip())
        except metadata.PackageNotFoundError:
            continue
        if installed != pinned.strip():
            found.append(f"{name.strip()} {installed} is installed, {pinned.strip()} is pinned")
    return found


def regenerate(expected: Path = GOLDEN) -> list[str]:
    """Rebuild the sample site and replace the golden files with the result; returns their paths."""
    with tempfile.TemporaryDirectory(prefix="sitegen-golden-") as tmp:
        out = build_sample(Path(tmp))
        files = output_files(out)
        if expected.exists():
            shutil.rmtree(expected)
        for rel, data in files.items():
            target = expected / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return sorted(files)


if __name__ == "__main__":
    for mismatch in versions_not_as_pinned():
        print(
            f"warning: {mismatch} in {CONSTRAINTS.name}; run scripts/install-test-deps first", file=sys.stderr
        )
    written = regenerate()
    shown = GOLDEN.relative_to(Path.cwd()) if GOLDEN.is_relative_to(Path.cwd()) else GOLDEN
    print(f"wrote {len(written)} golden files to {shown}")
    for rel in written:
        print(f"  {rel}")
    sys.exit(0)
