"""Command line: thin wrappers that parse flags and call the pipeline."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from sitegen import __version__
from sitegen.budget import report_lines
from sitegen.damage import damage_report
from sitegen.diagnostics import SHOWN_NOTICES, DiagnosticLog, Level, SitegenError
from sitegen.editorial import read_text_file
from sitegen.pipeline import BuildOptions, build

stderr = Console(stderr=True, highlight=False)


class LazyProgress:
    """A progress bar that appears only once a build has run for about a second."""

    def __init__(self, console: Console, delay: float = 1.0) -> None:
        self.console = console
        self.delay = delay
        self.started = time.monotonic()
        self.terminal = console.is_terminal  # asked once: a build reports progress 40,000 times
        self.progress: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.progress is None:
            if not self.terminal or time.monotonic() - self.started < self.delay:
                return
            self.progress = Progress(
                TextColumn("{task.description:>8}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.progress.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def print_diagnostics(log: DiagnosticLog, verbosity: int) -> None:
    for diagnostic in log.sorted():
        if diagnostic.level == Level.INFO and verbosity < 1 and diagnostic.code not in SHOWN_NOTICES:
            continue
        if diagnostic.level == Level.WARNING and verbosity < 0:
            continue
        style = {Level.ERROR: "bold red", Level.WARNING: "yellow", Level.INFO: "dim"}[diagnostic.level]
        stderr.print(diagnostic.format(), style=style, markup=False, soft_wrap=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sitegen")
def main() -> None:
    """sitegen: turn a folder of damaged articles into a static archive readers can trust.

    A site is a folder with sitegen.toml, seeds/ (the articles as received, never
    edited) and content/ (the editorial layer: article metadata, entities,
    corrections, pages).
    """


F = TypeVar("F", bound=Callable[..., Any])


source_option = click.option(
    "--source",
    "-s",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The site's root folder (holding sitegen.toml).",
)


def verbosity_options(func: F) -> F:
    func = click.option("-v", "--verbose", "verbosity", flag_value=1, help="Show notices too.")(func)
    func = click.option("-q", "--quiet", "verbosity", flag_value=-1, help="Show errors only.")(func)
    return func


def site_options(func: F) -> F:
    func = source_option(func)
    func = click.option(
        "--base-url", help="Override base_url, e.g. the URL GitHub's configure-pages action gives."
    )(func)
    return verbosity_options(func)


# Not on serve: its builds are small edits, and forking a process that runs server and
# watcher threads is unsafe.
jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Worker processes for analysis and rendering (default: every core). "
    "The output is the same for any number.",
)


@main.command("build")
@site_options
@jobs_option
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: output_dir from sitegen.toml, '_site').",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.option(
    "--force",
    is_flag=True,
    help="Build into an output folder that holds files sitegen did not write (they are kept).",
)
def build_command(
    source: Path,
    base_url: str | None,
    jobs: int | None,
    verbosity: int | None,
    output: Path | None,
    strict: bool,
    force: bool,
) -> None:
    """Build the site into the output folder."""
    verbosity = verbosity or 0
    progress = LazyProgress(stderr)
    try:
        report = build(
            BuildOptions(
                root=source, output=output, base_url=base_url, force=force, progress=progress, jobs=jobs
            )
        )
    except SitegenError as exc:
        progress.stop()
        for diagnostic in exc.diagnostics:
            stderr.print(diagnostic.format(), style="bold red", markup=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        progress.stop()
        stderr.print(
            "sitegen: stopped before the build finished. The files it wrote are noted as "
            "sitegen's; the next build writes them again.",
            markup=False,
            soft_wrap=True,
        )
        sys.exit(130)  # 128 + SIGINT, as shells report it
    progress.stop()
    print_diagnostics(report.log, verbosity)
    write = report.write
    summary = (
        f"{report.pages} outputs: {len(write.written)} written, {len(write.unchanged)} unchanged, "
        f"{len(write.removed)} removed in {report.seconds:.2f} s → {report.output}"
    )
    if report.log.errors or report.log.warnings:
        summary += f" ({report.log.errors} error(s), {report.log.warnings} warning(s))"
    if verbosity >= 0:
        stderr.print(summary, markup=False, soft_wrap=True)
        if report.sizes:
            stderr.print("\n".join(report_lines(report.sizes)), markup=False, soft_wrap=True)
    sys.exit(1 if report.log.failed(strict) else 0)


@main.command("check")
@site_options
@jobs_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.option(
    "--candidates",
    "candidate_count",
    type=int,
    default=30,
    show_default=True,
    help="How many candidate entities to list (0 for none).",
)
@click.option(
    "--damage",
    "damage_count",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    help="How many places of likely spinner damage to propose, most likely first (0 for none).",
)
def check_command(
    source: Path,
    base_url: str | None,
    jobs: int | None,
    verbosity: int | None,
    strict: bool,
    candidate_count: int,
    damage_count: int,
) -> None:
    """Check the site without writing it: links, anchors, corrections, entities.

    Lists, with file:line, broken links, orphaned or unused corrections, entities no
    article mentions, aliases that never match, and candidate entities: capitalised
    names in the articles that match no alias, most frequent first; and likely spinner
    damage to registry names ("Quds Drive" for "Quds Force"), each with the correction
    to paste into the article's editorial file to accept it.
    """
    verbosity = 1 if verbosity is None else verbosity  # the report is the point: show notices too
    try:
        report = build(BuildOptions(root=source, base_url=base_url, dry_run=True, jobs=jobs))
    except SitegenError as exc:
        for diagnostic in exc.diagnostics:
            stderr.print(diagnostic.format(), style="bold red", markup=False, soft_wrap=True)
        sys.exit(1)
    print_diagnostics(report.log, verbosity)
    out = Console(highlight=False)
    # Proposals first: their blocks are indented YAML, the candidate list ends the report.
    damage = report.check.damage if report.check else []
    if damage_count and damage:
        for line in damage_report(damage, damage_count, partial(_read_editorial, source)):
            out.print(line, markup=False, soft_wrap=True)
    candidates = report.check.candidates if report.check else []
    if candidate_count and candidates:
        out.print(
            f"Candidate entities (capitalised names that match no alias), {len(candidates)} in all:",
            markup=False,
        )
        for candidate in candidates[:candidate_count]:
            out.print(
                f"  {candidate.count:5d}  {candidate.name}  ({candidate.path}:{candidate.line})",
                markup=False,
                soft_wrap=True,
            )
    log = report.log
    summary = f"Checked {report.pages} outputs: {log.errors} error(s), {log.warnings} warning(s)."
    out.print(summary, markup=False)
    sys.exit(1 if log.failed(strict) else 0)


def _read_editorial(root: Path, rel: str) -> str | None:
    """An editorial file's text, to show where an accepted correction goes (None: unreadable)."""
    text, _ = read_text_file(root / rel, root)
    return text


@main.command("serve")
@site_options
@click.option(
    "--port",
    "-p",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port; the URL printed tells which).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 shows the site to the whole network.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in the web browser.")
def serve_command(
    source: Path, base_url: str | None, verbosity: int | None, port: int, host: str, open_browser: bool
) -> None:
    """Build the site, serve it under its base path and rebuild it when a source changes.

    Pages open in a browser reload by themselves after each build that changed them;
    a build with errors shows them over the page until a later build succeeds. The
    files in the output folder are exactly what 'sitegen build' writes.
    """
    from sitegen.serve import ServeOptions, run  # watchdog and http.server only for this command

    styles = {"error": "bold red", "warning": "yellow", "dim": "dim", "": ""}

    def echo(line: str, style: str) -> None:
        stderr.print(line, style=styles.get(style, ""), markup=False, highlight=False, soft_wrap=True)

    options = ServeOptions(root=source, host=host, port=port, base_url=base_url)
    sys.exit(run(options, echo, open_browser=open_browser, verbosity=verbosity or 0))


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option(
    "--github-pages", is_flag=True, help="Also write .github/workflows/pages.yml to publish on GitHub Pages."
)
def init_command(directory: Path, github_pages: bool) -> None:
    """Start a new archive in DIRECTORY: configuration, one seed, one entity, one correction.

    Never overwrites an existing file: files already there are listed as skipped.
    """
    from sitegen.scaffold import init_site

    try:
        created, skipped = init_site(directory, github_pages)
    except OSError as exc:
        stderr.print(
            f"{directory}: ERROR: cannot create the site: {exc.strerror or exc} [init-failed]",
            style="bold red",
            markup=False,
        )
        sys.exit(1)
    for path in created:
        stderr.print(f"created {path}", markup=False)
    for path in skipped:
        stderr.print(f"skipped {path} (it exists; left as it is)", style="yellow", markup=False)
    stderr.print(f"Next: cd {directory} && sitegen build && sitegen serve", markup=False)


@main.command("import")
@source_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--date",
    "date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date (YYYY-MM-DD) of plain texts without one in their name, and of saved pages "
    "whose own date is not found.",
)
@click.option(
    "--collection",
    "collections",
    multiple=True,
    metavar="NAME",
    help="Accept this rule collection (content/corrections/NAME.toml) for every imported article: "
    "their editorial files say rules: {NAME: accept}. Repeatable.",
)
@verbosity_options
def import_command(
    source: Path,
    paths: tuple[Path, ...],
    date: dt.datetime | None,
    collections: tuple[str, ...],
    verbosity: int | None,
) -> None:
    """Import articles into the site: seeds and their editorial files.

    PATHS are web-archive captures (.warc, .warc.gz), saved pages (.html), exports (.csv,
    .jsonl with title, date, url, text, publisher, author) or plain texts (.txt), or folders
    holding them. The files read are never changed, and no existing seed or editorial file
    is replaced: a second import of the same files adds nothing. Ends with what was
    imported and what was skipped, and why.
    """
    from sitegen.importer.run import ImportOptions, missing_modules, report_lines, run_import

    verbosity = verbosity or 0
    missing = missing_modules()
    if missing:
        stderr.print(
            f"sitegen import needs {', '.join(missing)}: install them with "
            "pip install 'sitegen[import]' (in a checkout: .venv/bin/pip install -e '.[import]')",
            style="bold red",
            markup=False,
            soft_wrap=True,
        )
        sys.exit(1)
    if not (source / "sitegen.toml").is_file():
        stderr.print(
            f"{source}: ERROR: not a site (no sitegen.toml); give the site with --source, or start "
            "one with 'sitegen init' [import-no-site]",
            style="bold red",
            markup=False,
            soft_wrap=True,
        )
        sys.exit(1)
    from sitegen.importer.store import collection_names

    known = collection_names(source)
    unknown = [name for name in collections if name not in known]
    if unknown:  # a typo would write a rules line every build then rejects, in every article
        listed = ", ".join(sorted(known)) or "none: add content/corrections/<name>.toml first"
        raise click.UsageError(
            f"no rule collection {', '.join(map(repr, unknown))} in {source}; the site has {listed}"
        )
    progress = LazyProgress(stderr)
    options = ImportOptions(
        root=source,
        paths=paths,
        date=date.date() if date else None,
        collections=tuple(dict.fromkeys(collections)),
        progress=progress,
    )
    try:
        report = run_import(options)
    finally:
        progress.stop()
    print_diagnostics(report.log, verbosity)
    out = Console(highlight=False)
    for line in report_lines(report, verbosity):
        out.print(line, markup=False, soft_wrap=True)
    sys.exit(1 if report.failed else 0)
