"""Shared fixtures: sample sites built in ``tmp_path``, the CLI in-process, a server and a browser.

Helpers for other test modules:

* ``require(ok, what)``: skip when a prerequisite is missing on a developer's
  machine, FAIL when ``CI=true`` (so CI never goes green by skipping).
* ``make_site(...)``: a site folder in ``tmp_path`` (config, seeds, any files; rules
  files accepted for every article unless ``accept_rules=False``);
  ``site.build()`` runs the pipeline in-process, ``site.cli(...)`` runs
  ``sitegen build`` through click's CliRunner.
* ``example_site``: the repository's example archive, copied and built once.
* ``serve(directory)`` / ``example_server``: an ``http.server`` on 127.0.0.1.
* ``browser`` (session) and ``page``: headless Debian Chromium via Playwright.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sitegen.cli import main as cli_main
from sitegen.pipeline import BuildOptions, BuildReport, build

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent


def in_ci() -> bool:
    """True when the CI environment variable is 'true' (read at call time)."""
    return os.environ.get("CI", "").strip().lower() == "true"


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require(ok: object, what: str) -> None:
    """Stop the test when a prerequisite is missing: a skip locally, a failure under ``CI=true``."""
    if ok:
        return
    if in_ci():
        pytest.fail(f"prerequisite missing under CI=true: {what}", pytrace=False)
    pytest.skip(f"prerequisite missing: {what}")


# --------------------------------------------------------------------------- sample sites

DEFAULT_CONFIG = 'title = "Test archive"\ndescription = "A site built by the test suite."\n'


@dataclass
class SampleSite:
    root: Path

    @property
    def out(self) -> Path:
        return self.root / "_site"

    def write(self, rel: str, content: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_bytes(content.encode("utf-8"))
        else:
            path.write_bytes(content)
        return path

    def seed(self, seed_id: str, content: str | bytes) -> Path:
        return self.write(f"seeds/{seed_id}.txt", content)

    def build(self, **options: Any) -> BuildReport:
        """The pipeline in-process; SitegenError propagates."""
        return build(BuildOptions(root=self.root, **options))

    def cli(self, *args: str) -> Result:
        """``sitegen build --source ROOT ARGS`` through CliRunner."""
        return run_cli("build", "--source", str(self.root), *args)

    def read(self, rel: str) -> str:
        return (self.out / rel).read_text(encoding="utf-8")

    def outputs(self, out: Path | None = None) -> set[str]:
        base = out or self.out
        return {p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()}


def run_cli(*args: str) -> Result:
    """Run the ``sitegen`` command group in-process; ``result.stderr`` holds the diagnostics."""
    return CliRunner().invoke(cli_main, list(args), catch_exceptions=False)


RULES_FILE = re.compile(r"^content/(?:corrections\.toml|corrections/[^/]+\.toml)$")
ACCEPT_EVERYWHERE = 'articles = ["*"]\n'


def accepted_everywhere(rel: str, content: str | bytes) -> str | bytes:
    """A rules file as the factory writes it: its collection accepted for every article
    (``articles = ["*"]`` put first), as most tests mean, unless it says for which itself."""
    if not RULES_FILE.match(rel) or not isinstance(content, str):
        return content
    if re.search(r"^articles\s*=", content.split("[[", 1)[0], re.MULTILINE):
        return content
    return ACCEPT_EVERYWHERE + content


def make_sample_site(
    root: Path,
    seeds: dict[str, str | bytes] | None = None,
    config: str = DEFAULT_CONFIG,
    files: dict[str, str | bytes] | None = None,
    accept_rules: bool = True,
) -> SampleSite:
    """``accept_rules``: rules files get ``articles = ["*"]`` first (see accepted_everywhere);
    False writes them as given, so their rules apply only where an editor accepts them."""
    root.mkdir(parents=True, exist_ok=True)
    site = SampleSite(root)
    if config is not None:
        site.write("sitegen.toml", config)
    (root / "seeds").mkdir(exist_ok=True)
    for seed_id, content in (seeds or {}).items():
        site.seed(seed_id, content)
    for rel, content in (files or {}).items():
        site.write(rel, accepted_everywhere(rel, content) if accept_rules else content)
    return site


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., SampleSite]:
    """Factory: ``make_site(seeds={...}, config=..., files={...}, name="site")``; rules files
    are accepted for every article unless ``accept_rules=False`` (see make_sample_site)."""

    def factory(
        seeds: dict[str, str | bytes] | None = None,
        config: str = DEFAULT_CONFIG,
        files: dict[str, str | bytes] | None = None,
        name: str = "site",
        accept_rules: bool = True,
    ) -> SampleSite:
        return make_sample_site(tmp_path / name, seeds, config, files, accept_rules)

    return factory


def copy_example_archive(dest: Path) -> SampleSite:
    """The repository's example archive (sitegen.toml, seeds/, content/) copied to ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO_ROOT / "sitegen.toml", dest / "sitegen.toml")
    for folder in ("seeds", "content"):
        if (REPO_ROOT / folder).is_dir():
            shutil.copytree(REPO_ROOT / folder, dest / folder)
    return SampleSite(dest)


@dataclass
class BuiltSite:
    site: SampleSite
    report: BuildReport

    @property
    def root(self) -> Path:
        return self.site.root

    @property
    def out(self) -> Path:
        return self.site.out


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The example archive built once per session (read-only for tests)."""
    site = copy_example_archive(tmp_path_factory.mktemp("example"))
    report = site.build()
    return BuiltSite(site, report)


# --------------------------------------------------------------------------- local server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="test-http-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def example_server(example_site: BuiltSite) -> Iterator[str]:
    """Base URL of the built example archive, served over HTTP for the session."""
    with serve(example_site.out) as url:
        yield url


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright, one per session."""
    require(importlib.util.find_spec("playwright") is not None, "the Python package playwright")
    require(CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page per test."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()
