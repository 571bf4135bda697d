"""What a build is asked to do (:class:`BuildOptions`) and what it did (:class:`BuildReport`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.checks import CheckReport
from sitegen.diagnostics import DiagnosticLog
from sitegen.writer import WriteReport

Progress = Callable[[str, int, int], None]


@dataclass
class BuildOptions:
    root: Path
    output: Path | None = None
    base_url: str | None = None
    force: bool = False
    dry_run: bool = False  # render and check everything, write nothing (sitegen check)
    progress: Progress | None = None
    use_state: bool = True  # read and write .sitegen/ (off: a clean build from scratch)
    search: bool = True  # run Pagefind when installed (serve leaves it out of the edit loop)
    jobs: int | None = None  # worker processes for analysis and rendering; None: every core
    # Keep the site model of the last build to patch it after edits the caller names
    # (sitegen serve): the first build then builds it even when nothing changed.
    patchable: bool = False
    # Record the articles whose URL moved (content/redirects.toml, .sitegen/published.json):
    # sitegen build does; serve leaves it to the next build, so the drafts of a title an
    # editor saves while previewing add no redirect lines (nor rebuild for them).
    record_moves: bool = True


@dataclass
class BuildReport:
    log: DiagnosticLog = field(default_factory=DiagnosticLog)
    write: WriteReport = field(default_factory=WriteReport)
    pages: int = 0
    rendered: list[str] = field(default_factory=list)  # output paths rendered or produced this build
    unrendered: list[str] = field(default_factory=list)  # pages a template error left as they were
    analysed: list[str] = field(default_factory=list)  # article ids analysed this build
    planned: int = 0  # outputs planned (every output of the site, unless a patch)
    links_checked: int = 0  # pages whose links were checked (not reused from the last build)
    seconds: float = 0.0
    output: Path | None = None
    sizes: dict[str, int] = field(default_factory=dict)  # published bytes by kind (budget.py)
    check: CheckReport | None = None  # content checks, filled on dry runs (sitegen check)
