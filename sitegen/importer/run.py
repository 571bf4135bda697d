"""The import: read every input, choose which candidates to write, write them, report.

Several captures of one URL make one article: the latest capture's text, dated by the
earliest capture that has exactly that text. An article whose text (its hash) the site
already holds, or that an earlier input of the same run gave, is a duplicate: skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.diagnostics import Diagnostic, DiagnosticLog, Level, error, warning
from sitegen.importer.records import Candidate, Found, Outcome, Rejected, Result
from sitegen.importer.store import (
    ARTICLES_DIR,
    candidate_hash,
    create,
    editorial_text,
    existing_texts,
    seed_id,
    seed_text,
)
from sitegen.sources import RESERVED_DIRS, SEEDS_DIR

Progress = Callable[[str, int, int], None]

KINDS = {
    ".warc": "warc",
    ".warc.gz": "warc",
    ".html": "html",
    ".htm": "html",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".txt": "text",
}


@dataclass(frozen=True, slots=True)
class ImportOptions:
    root: Path  # the site
    paths: tuple[Path, ...]  # files, or folders to take every known file from
    date: dt.date | None = None  # --date: for texts, and pages whose date is not found
    collections: tuple[str, ...] = ()  # --collection: rule collections the articles accept
    progress: Progress | None = None


@dataclass
class ImportReport:
    results: list[Result] = field(default_factory=list)
    log: DiagnosticLog = field(default_factory=DiagnosticLog)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def failed(self) -> bool:
        """Whether an item failed, or an article was imported with an error (an unsafe URL)."""
        return self.count(Outcome.FAILED) > 0 or self.log.errors > 0


def missing_modules() -> list[str]:
    """The libraries of the 'import' extra that are not installed."""
    import importlib.util

    return [name for name in ("warcio", "trafilatura", "htmldate") if importlib.util.find_spec(name) is None]


def report_lines(report: ImportReport, verbosity: int) -> list[str]:
    """What was imported and what was skipped and why, one line each, then the counts (the
    failed items are the errors printed before)."""
    if verbosity < 0:
        return []
    lines = []
    for result in report.results:
        if result.outcome == Outcome.IMPORTED:
            title = f" “{result.title}”" if result.title else ""
            lines.append(f"imported  {SEEDS_DIR}/{result.seed_id}.txt{title}  ← {result.origin}")
    lines.extend(f"skipped   {r.origin}: {r.reason}" for r in report.results if r.outcome == Outcome.SKIPPED)
    failed = report.count(Outcome.FAILED)
    lines.append(
        f"Imported {report.count(Outcome.IMPORTED)} article(s), skipped {report.count(Outcome.SKIPPED)}"
        + (f", {failed} failed (the errors above say why)." if failed else ".")
    )
    return lines


def kind_of(path: Path) -> str | None:
    name = path.name.lower()
    return next((kind for suffix, kind in KINDS.items() if name.endswith(suffix)), None)


def _walk(folder: Path, root: Path) -> Iterator[tuple[Path, str]]:
    """The files of known kinds in ``folder``, but hidden ones and the site's own seeds,
    content and output: a folder that holds the site must not import the site."""
    site = root.resolve()
    own = [site / name for name in (*RESERVED_DIRS, "_site")]
    for path in sorted(folder.rglob("*")):
        kind = kind_of(path)
        if kind is None or not path.is_file():
            continue
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if not any(path.resolve().is_relative_to(mine) for mine in own):
            yield path, kind


def input_files(paths: Iterable[Path], root: Path) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """Each file to read with its kind; a folder gives every file of a known kind in it."""
    files: list[tuple[Path, str]] = []
    problems: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            files.extend(_walk(path, root))
        elif not path.is_file():
            problems.append(error("import-missing", "no such file", str(path)))
        elif (kind := kind_of(path)) is None:
            problems.append(
                error(
                    "import-kind",
                    "not a kind of file sitegen imports; use .warc, .warc.gz, .html, .htm, .csv, "
                    ".jsonl or .txt",
                    str(path),
                )
            )
        else:
            files.append((path, kind))
    return files, problems


def _read(path: Path, kind: str, options: ImportOptions, on_offset: Callable[[int], None]) -> Iterator[Found]:
    label = str(path)
    if kind == "warc":
        from sitegen.importer.warc import read_warc

        yield from read_warc(path, label, on_offset)
    elif kind == "html":
        from sitegen.importer.page import read_saved_page

        yield from read_saved_page(path, label, options.date)
    elif kind == "csv":
        from sitegen.importer.exports import read_csv

        yield from read_csv(path, label)
    elif kind == "jsonl":
        from sitegen.importer.exports import read_json_lines

        yield from read_json_lines(path, label)
    else:
        from sitegen.importer.plaintext import read_text

        yield from read_text(path, label, options.date)


def _one_per_url(candidates: list[Candidate]) -> tuple[list[Candidate], list[Result]]:
    """Of several captures of a URL, the one to import; the others skipped, saying why."""
    by_url: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        if candidate.provenance.captured is not None and candidate.provenance.url:
            by_url.setdefault(candidate.provenance.url, []).append(candidate)
    dropped: dict[int, Result] = {}
    for captures in by_url.values():
        if len(captures) < 2:
            continue
        ordered = sorted(captures, key=lambda c: c.provenance.captured or dt.datetime.min)  # never min
        latest = candidate_hash(ordered[-1])
        kept = next(c for c in ordered if candidate_hash(c) == latest)
        for capture in ordered:
            if capture is kept:
                continue
            when = f"{kept.provenance.captured:%Y-%m-%d %H:%M}"
            why = (
                f"the same text as the capture of {when} ({kept.origin}), which is imported"
                if candidate_hash(capture) == latest
                else f"superseded: a later capture of {capture.provenance.url} ({kept.origin}) differs"
            )
            dropped[id(capture)] = Result(Outcome.SKIPPED, capture.origin, why, title=capture.title)
    return [c for c in candidates if id(c) not in dropped], list(dropped.values())


def run_import(options: ImportOptions) -> ImportReport:
    report = ImportReport()
    files, problems = input_files(options.paths, options.root)
    report.log.extend(problems)
    report.results.extend(Result(Outcome.FAILED, p.path or "", p.message) for p in problems)
    candidates: list[Candidate] = []
    total = sum(path.stat().st_size for path, _ in files) or 1
    done = 0
    for path, kind in files:

        def on_offset(offset: int, base: int = done) -> None:
            if options.progress:
                options.progress("import", min(base + offset, total), total)

        try:
            for found in _read(path, kind, options, on_offset):
                if isinstance(found, Candidate):
                    candidates.append(found)
                else:
                    report.results.append(_rejected(found, report.log))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:  # what was found before still imports
            reason = (
                f"not UTF-8 (byte {exc.start}); save it as UTF-8"
                if isinstance(exc, UnicodeDecodeError)
                else f"cannot be read: {exc}"
            )
            problem = error("import-unreadable", reason, str(path))
            report.results.append(_rejected(Rejected(str(path), problem), report.log))
        done += path.stat().st_size
        if options.progress:
            options.progress("import", done, total)
    chosen, superseded = _one_per_url(candidates)
    report.results.extend(superseded)
    _write(chosen, options, report)
    return report


def _rejected(found: Rejected, log: DiagnosticLog) -> Result:
    """An error fails its item and is reported as a diagnostic; anything less skips it."""
    diagnostic = found.diagnostic
    if diagnostic.level == Level.ERROR:
        log.add(diagnostic)
        return Result(Outcome.FAILED, found.origin, diagnostic.message)
    return Result(Outcome.SKIPPED, found.origin, diagnostic.message)


def _write(candidates: list[Candidate], options: ImportOptions, report: ImportReport) -> None:
    root = options.root
    known = existing_texts(root)
    origins: dict[str, str] = {}  # text hash → the input this run imported it from
    for candidate in candidates:
        text = candidate_hash(candidate)
        new_id = seed_id(candidate)
        if text in known:
            earlier = known[text]
            if text in origins:
                reason = f"the same text as {origins[text]} (imported as {SEEDS_DIR}/{earlier}.txt)"
            elif earlier == new_id:
                reason = f"already imported as {SEEDS_DIR}/{earlier}.txt"
            else:
                reason = f"the same text as {SEEDS_DIR}/{earlier}.txt"
            report.results.append(Result(Outcome.SKIPPED, candidate.origin, reason, earlier, candidate.title))
            continue
        seed_path = root / SEEDS_DIR / f"{new_id}.txt"
        if not create(seed_path, seed_text(candidate)):
            reason = f"{SEEDS_DIR}/{new_id}.txt exists; left as it is"
            report.results.append(Result(Outcome.SKIPPED, candidate.origin, reason, new_id))
            continue
        known[text] = new_id
        origins[text] = candidate.origin
        report.log.extend(candidate.notes)
        editorial = editorial_text(candidate, options.collections)
        editorial_path = root / ARTICLES_DIR / f"{new_id}.md"
        if editorial is not None and not create(editorial_path, editorial):
            report.log.add(
                warning(
                    "import-editorial-exists",
                    "exists and is left as it is; add the imported title and source to it by hand",
                    f"{ARTICLES_DIR}/{new_id}.md",
                )
            )
        imported = Result(Outcome.IMPORTED, candidate.origin, seed_id=new_id, title=candidate.title)
        report.results.append(imported)
