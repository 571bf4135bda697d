"""Command line: thin wrappers that parse flags and call the pipeline."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from sitegen import __version__
from sitegen.budget import report_lines
from sitegen.diagnostics import SHOWN_NOTICES, DiagnosticLog, Level, SitegenError
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


def site_options(func: F) -> F:
    func = click.option(
        "--source",
        "-s",
        type=click.Path(file_okay=False, path_type=Path),
        default=".",
        show_default=True,
        help="The site's root folder (holding sitegen.toml).",
    )(func)
    func = click.option(
        "--base-url", help="Override base_url, e.g. the URL GitHub's configure-pages action gives."
    )(func)
    func = click.option("-v", "--verbose", "verbosity", flag_value=1, help="Show notices too.")(func)
    func = click.option("-q", "--quiet", "verbosity", flag_value=-1, help="Show errors only.")(func)
    return func


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
def check_command(
    source: Path,
    base_url: str | None,
    jobs: int | None,
    verbosity: int | None,
    strict: bool,
    candidate_count: int,
) -> None:
    """Check the site without writing it: links, anchors, corrections, entities.

    Lists, with file:line, broken links, orphaned or unused corrections, entities no
    article mentions, aliases that never match, and candidate entities: capitalised
    names in the articles that match no alias, most frequent first.
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
