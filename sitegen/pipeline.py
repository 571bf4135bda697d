"""The build, in order: load → analyse → site model → plan → render → write.

This is the only module that knows the order of the stages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.analysis import Annotators, analyse_article
from sitegen.checks import CheckReport, content_checks
from sitegen.config import SiteConfig, load_config
from sitegen.correct import RuleSet
from sitegen.corrections import load_rules
from sitegen.diagnostics import DiagnosticLog, SitegenError, error
from sitegen.entities import load_registry
from sitegen.highlight import pygments_css
from sitegen.linkcheck import LinkChecker, LinkOrigin
from sitegen.load import load_site
from sitegen.mentions import MentionFinder
from sitegen.plan import FilePlan, PagePlan, plan_core
from sitegen.plan_archive import plan_entities, plan_ledger, plan_tags, plan_timeline
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
    dry_run: bool = False  # render and check everything, write nothing
    progress: Progress | None = None


@dataclass
class BuildReport:
    log: DiagnosticLog = field(default_factory=DiagnosticLog)
    write: WriteReport = field(default_factory=WriteReport)
    pages: int = 0
    seconds: float = 0.0
    output: Path | None = None
    check: CheckReport | None = None  # content checks, filled on dry runs (sitegen check)


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
    output_dir = OutputDir(out, force=options.force, dry_run=options.dry_run)

    loaded = load_site(inputs)
    log.extend(loaded.problems)
    entities, problems = load_registry(inputs.entities, root)
    log.extend(problems)
    rules, problems = load_rules(inputs.correction_files, root)
    log.extend(problems)
    tools = Annotators(
        config=config,
        rules=RuleSet(rules),
        finder=MentionFinder(entities),
        entities={e.id: e for e in entities},
        corrections={r.key: r for r in rules},
    )

    articles = []
    for index, seed in enumerate(loaded.seeds):
        article, problems = analyse_article(seed, loaded.editorials.get(seed.id), tools)
        log.extend(problems)
        articles.append(article)
        if options.progress:
            options.progress("analyse", index + 1, len(loaded.seeds))

    site, problems = build_site(config, articles, loaded.pages, tools.entities, tools.corrections)
    log.extend(problems)
    urls = UrlBuilder(config)
    pages, files = plan_core(site, urls, root)
    pages += plan_entities(site, urls) + plan_tags(site, urls) + plan_timeline(site, urls)
    pages += plan_ledger(site, urls)
    files.extend(
        FilePlan("assets/" + rel, source=path) for rel, path in _static_files(inputs.static_dirs).items()
    )
    files.append(FilePlan("assets/pygments.css", data=pygments_css().encode("utf-8")))
    files.append(FilePlan(".nojekyll", data=b""))

    renderer = Renderer(inputs.template_dirs, config.base_path)
    links = LinkChecker(config.base_path)
    _render_all(pages, renderer, output_dir, log, links, options.progress)
    for plan in files:
        data = plan.data if plan.data is not None else plan.source.read_bytes() if plan.source else b""
        problem = output_dir.write(plan.path, data)
        if problem:
            log.add(problem)
    log.extend(links.finish(set(output_dir.current)))
    if options.dry_run:
        report.check = content_checks(site, entities, rules, tools.finder)
        log.extend(report.check.problems)
    report.write = output_dir.finish()
    report.pages = len(pages) + len(files)
    report.seconds = time.perf_counter() - started
    return report


def _render_all(
    pages: list[PagePlan],
    renderer: Renderer,
    output_dir: OutputDir,
    log: DiagnosticLog,
    links: LinkChecker,
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
        links.scan(
            plan.path,
            data.decode("utf-8"),
            LinkOrigin(plan.sources[0] if plan.sources else None, plan.link_lines),
        )
        problem = output_dir.write(plan.path, data)
        if problem:
            log.add(problem)
        if progress:
            progress("render", index + 1, len(pages))
