"""The build, in order: load → analyse → site model → plan → render → write.

This is the only module that knows the order of the stages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.analysis import analyse_article
from sitegen.config import SiteConfig, load_config
from sitegen.diagnostics import DiagnosticLog, SitegenError, error
from sitegen.highlight import pygments_css
from sitegen.load import load_site
from sitegen.plan import FilePlan, PagePlan, plan_site
from sitegen.render import Renderer
from sitegen.site import build_site
from sitegen.sources import RESERVED_DIRS, discover, theme_dir
from sitegen.urls import UrlBuilder
from sitegen.writer import OutputDir, WriteReport

Progress = Callable[[str, int, int], None]


@dataclass
class BuildOptions:
    root: Path
    output: Path | None = None
    base_url: str | None = None
    force: bool = False
    progress: Progress | None = None


@dataclass
class BuildReport:
    log: DiagnosticLog = field(default_factory=DiagnosticLog)
    write: WriteReport = field(default_factory=WriteReport)
    pages: int = 0
    seconds: float = 0.0
    output: Path | None = None


def resolve_output(root: Path, config: SiteConfig, output: Path | None) -> Path:
    out = (output if output is not None else root / config.output_dir).resolve()
    root = root.resolve()
    if out == root or root.is_relative_to(out) or any(out.is_relative_to(root / d) for d in RESERVED_DIRS):
        raise SitegenError(
            [
                error(
                    "output-unsafe",
                    f"refusing to write the site into {out}: it would "
                    "overwrite the site's own sources; use a separate "
                    "directory such as '_site'",
                )
            ]
        )
    return out


def _static_files(dirs: tuple[Path, ...]) -> dict[str, Path]:
    """Theme assets first, then the site's own: same relative path → the site wins."""
    files: dict[str, Path] = {}
    for directory in dirs:
        for path in sorted(directory.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                files[path.relative_to(directory).as_posix()] = path
    return files


def build(options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport()
    log = report.log
    root = options.root
    config = load_config(root, options.base_url)
    out = resolve_output(root, config, options.output)
    report.output = out
    theme = theme_dir(root, config.theme)
    if theme is None:
        raise SitegenError(
            [
                error(
                    "theme-missing",
                    f"theme '{config.theme}' not found in themes/ nor among the themes shipped with sitegen",
                    "sitegen.toml",
                )
            ]
        )
    inputs = discover(root, theme)
    output_dir = OutputDir(out, force=options.force)

    loaded = load_site(inputs)
    log.extend(loaded.problems)

    articles = []
    for index, seed in enumerate(loaded.seeds):
        article, problems = analyse_article(seed, loaded.editorials.get(seed.id), config)
        log.extend(problems)
        articles.append(article)
        if options.progress:
            options.progress("analyse", index + 1, len(loaded.seeds))

    site, problems = build_site(config, articles, loaded.pages)
    log.extend(problems)
    urls = UrlBuilder(config)
    pages, files = plan_site(site, urls, root)
    files.extend(
        FilePlan("assets/" + rel, source=path) for rel, path in _static_files(inputs.static_dirs).items()
    )
    files.append(FilePlan("assets/pygments.css", data=pygments_css().encode("utf-8")))
    files.append(FilePlan(".nojekyll", data=b""))

    renderer = Renderer(inputs.template_dirs, config.base_path)
    _render_all(pages, renderer, output_dir, log, options.progress)
    for plan in files:
        data = plan.data if plan.data is not None else plan.source.read_bytes() if plan.source else b""
        problem = output_dir.write(plan.path, data)
        if problem:
            log.add(problem)
    report.write = output_dir.finish()
    report.pages = len(pages) + len(files)
    report.seconds = time.perf_counter() - started
    return report


def _render_all(
    pages: list[PagePlan],
    renderer: Renderer,
    output_dir: OutputDir,
    log: DiagnosticLog,
    progress: Progress | None,
) -> None:
    import jinja2

    for index, plan in enumerate(pages):
        try:
            data = renderer.render(plan)
        except jinja2.TemplateError as exc:
            where = getattr(exc, "filename", None) or plan.template
            line = getattr(exc, "lineno", None)
            log.add(error("template-error", f"rendering /{plan.url}: {exc}", where, line))
            continue
        problem = output_dir.write(plan.path, data)
        if problem:
            log.add(problem)
        if progress:
            progress("render", index + 1, len(pages))
