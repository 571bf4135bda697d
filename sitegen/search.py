"""Optional full-text search with Pagefind (``pip install "sitegen[search]"``).

Pagefind reads the built HTML and writes a static search bundle, ``pagefind/``,
into the output folder; the search page (``search.html``) loads it in the
browser. Only the parts of a page inside ``data-pagefind-body`` are indexed
(once any page has one), so the templates decide what is searchable; of an
article's text, the received readings and footnote markers are left out
(``inline.SEARCH_EXCLUDED``), so search finds the corrected reading.

The bundle is built into a temporary folder first and then copied in, file by
file and only when changed. A record, ``pagefind/.index-record.json``, keeps
the HTML fingerprint it was built from, the Pagefind binary that built it and
the bundle's files: when neither changed and every file is still there, the
index is not rebuilt; files of an older bundle that the new one no longer has
are removed, and files in ``pagefind/`` that sitegen did not write are never
touched (indexing stops with an error instead).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.diagnostics import Diagnostic, DiagnosticLog, error, info
from sitegen.inline import SEARCH_EXCLUDED
from sitegen.writer import OutputDir, atomic_write

BUNDLE_DIR = "pagefind"


def bundle_entry(search: bool) -> set[str]:
    """The search bundle's files that pages link to (for the link check), if search is on."""
    return {f"{BUNDLE_DIR}/pagefind-ui.js", f"{BUNDLE_DIR}/pagefind-ui.css"} if search else set()


RECORD = f"{BUNDLE_DIR}/.index-record.json"  # not ".sitegen-*": that prefix marks temporary files
INSTALL_HINT = 'pip install "sitegen[search]"'
RECORD_VERSION = 1
_OUTPUT_TAIL = 1500  # characters of Pagefind's output shown when it fails


def pagefind_executable() -> Path | None:
    """The Pagefind binary, looked up as the ``pagefind`` package does it.

    ``PAGEFIND_BINARY_PATH``, then the binary shipped by ``pagefind_bin_extended``
    or ``pagefind_bin`` (``pip install "pagefind[bin]"``), then ``pagefind`` on PATH.
    """
    candidates: list[Path] = []
    override = os.environ.get("PAGEFIND_BINARY_PATH")
    if override:
        candidates.append(Path(override))
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            candidates.append(Path(importlib.import_module(module).get_executable()))
        except (ImportError, OSError, AttributeError):
            continue
    for name in ("pagefind_extended", "pagefind"):
        found = shutil.which(name)
        if found:
            candidates.append(Path(found))
    return next((c for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)


def pagefind_available() -> bool:
    return pagefind_executable() is not None


def pagefind_identity() -> str:
    """Which Pagefind a build runs ("" for none): installing, upgrading or removing it changes
    the site (its search page, every page's link to it, the index), so the build state's
    record of a build names it (incremental.site_digest)."""
    executable = pagefind_executable()
    return _binary_identity(executable) if executable is not None else ""


def html_fingerprint(outputs: Mapping[str, str]) -> str:
    """A digest of the HTML outputs, from a manifest's ``{relative path: content digest}``."""
    digest = hashlib.blake2b(digest_size=16)
    for rel in sorted(outputs):
        if rel.endswith(".html"):
            digest.update(f"{rel}\0{outputs[rel]}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class _Record:
    fingerprint: str
    binary: str
    files: tuple[str, ...]  # relative to the output folder, without the record itself


def _binary_identity(executable: Path) -> str:
    """Which Pagefind built the index: a new version means a new index."""
    resolved = executable.resolve()
    stat = resolved.stat()
    return f"{resolved}:{stat.st_size}:{stat.st_mtime_ns}"


def _read_record(output_dir: Path) -> _Record | None:
    try:
        data = json.loads((output_dir / RECORD).read_text(encoding="utf-8"))
        files = data["files"]
        if data.get("version") != RECORD_VERSION or not isinstance(files, list):
            return None
        kept = tuple(f for f in files if isinstance(f, str) and _inside_bundle(f))
        return _Record(str(data["fingerprint"]), str(data["binary"]), kept)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_record(output_dir: Path, record: _Record) -> None:
    data = {
        "version": RECORD_VERSION,
        "fingerprint": record.fingerprint,
        "binary": record.binary,
        "files": list(record.files),
    }
    atomic_write(output_dir / RECORD, (json.dumps(data, indent=1) + "\n").encode("utf-8"))


def _inside_bundle(rel: str) -> bool:
    parts = rel.split("/")
    return len(parts) > 1 and parts[0] == BUNDLE_DIR and all(p not in ("", ".", "..") for p in parts)


def _files_under(directory: Path, base: Path) -> list[str]:
    if not directory.is_dir():
        return []
    return sorted(p.relative_to(base).as_posix() for p in directory.rglob("*") if p.is_file())


def _run_pagefind(executable: Path, output_dir: Path, staging: Path) -> Diagnostic | None:
    command = [str(executable), "--site", str(output_dir), "--output-path", str(staging), "--quiet"]
    for selector in SEARCH_EXCLUDED:  # once here, not an attribute on each of thousands of elements
        command += ["--exclude-selectors", selector]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        return error("search-failed", f"could not run Pagefind ({executable}): {exc.strerror or exc}")
    if result.returncode != 0 or not (staging / "pagefind.js").is_file():
        output = (result.stderr + result.stdout).strip()[-_OUTPUT_TAIL:]
        return error(
            "search-failed",
            f"Pagefind exited with status {result.returncode} and wrote no search index: {output}",
        )
    return None


def _remove(output_dir: Path, rel: str) -> None:
    target = output_dir / rel
    if target.is_file() or target.is_symlink():
        target.unlink()
    directory = target.parent
    bundle = output_dir / BUNDLE_DIR
    while directory != bundle and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent


def index_site(
    output_dir: Path,
    fingerprint: str,
    owned: Collection[str] = (),
    announce: Callable[[list[str]], None] | None = None,
) -> tuple[list[str], list[Diagnostic]]:
    """Index the built site in ``output_dir`` with Pagefind, unless nothing changed since the last index.

    ``fingerprint`` identifies the HTML that is indexed (see :func:`html_fingerprint`).
    Returns every file of the search bundle, written now or kept from the last
    index, as paths relative to ``output_dir`` (the record included), for the
    output manifest; and the problems. Without Pagefind: no files and one INFO.
    ``announce`` is told the files before they are written (OutputDir.begin).
    """
    executable = pagefind_executable()
    if executable is None:
        return [], [info("search-unavailable", f"search is off: Pagefind is not installed; {INSTALL_HINT}")]
    binary = _binary_identity(executable)
    previous = _read_record(output_dir)
    if (
        previous is not None
        and previous.fingerprint == fingerprint
        and previous.binary == binary
        and all((output_dir / rel).is_file() for rel in previous.files)
    ):
        return [*previous.files, RECORD], []

    # Ours: what the last index recorded, and what sitegen's manifest says it wrote (``owned``).
    ours = (set(previous.files) if previous else set()) | set(owned)
    foreign = [r for r in _files_under(output_dir / BUNDLE_DIR, output_dir) if r not in ours and r != RECORD]
    if foreign:
        shown = ", ".join(foreign[:3]) + (" …" if len(foreign) > 3 else "")
        return [], [
            error(
                "search-not-ours",
                f"{BUNDLE_DIR}/ in the output folder holds {len(foreign)} file(s) sitegen did not write "
                f"({shown}); remove {output_dir / BUNDLE_DIR} and build again to add search",
            )
        ]

    with tempfile.TemporaryDirectory(prefix="sitegen-pagefind-") as tmp:
        staging = Path(tmp) / BUNDLE_DIR
        problem = _run_pagefind(executable, output_dir, staging)
        if problem:
            return [], [problem]
        files = [f"{BUNDLE_DIR}/{rel}" for rel in _files_under(staging, staging)]
        if announce is not None:
            announce([*files, RECORD])
        for rel in files:
            data = (staging / rel.removeprefix(BUNDLE_DIR + "/")).read_bytes()
            target = output_dir / rel
            if not (target.is_file() and target.read_bytes() == data):
                atomic_write(target, data)
    for rel in sorted(ours - set(files)):
        _remove(output_dir, rel)
    _write_record(output_dir, _Record(fingerprint, binary, tuple(files)))
    return [*files, RECORD], []


def index_for_search(search: bool, run: bool, out: Path, output_dir: OutputDir, log: DiagnosticLog) -> None:
    """Index the site in ``out`` for search (``run``), or keep the last index as it is."""
    if not search:
        return
    owned = [r for r in output_dir.previous if r.startswith(BUNDLE_DIR + "/")]
    for rel in owned:
        output_dir.keep(rel)
    if not run:  # sitegen serve: keep the last index, stay out of the edit loop
        return
    output_dir.prune()  # stale pages go before indexing, so search never finds them
    bundle, problems = index_site(out, html_fingerprint(output_dir.current), owned, output_dir.begin)
    log.extend(problems)
    output_dir.adopt(BUNDLE_DIR + "/", bundle)
