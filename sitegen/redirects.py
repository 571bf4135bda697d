"""Old URLs that keep working: ``content/redirects.toml``.

An article moves when its title or slug (or the permalink pattern) changes. ``build`` notices
by comparing each article's URL with the one its last build published (the build state),
says so, and appends the old path to ``content/redirects.toml``: the editor commits that
file, so a build from a fresh clone (GitHub Pages' CI, without ``.sitegen/``) still writes
the redirects. Each line maps an old path to an article id, not to a URL, so the redirect
follows the article wherever it moves next (no chains). The pages are static HTML that
GitHub Pages serves as they are: a meta refresh, a canonical link, and a script that keeps
the ``#fragment`` (a footnote or paragraph link).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.diagnostics import Diagnostic, error, info, warning
from sitegen.editorial import read_text_file
from sitegen.model import Article
from sitegen.plan.keys import PageKeys, PageUnit
from sitegen.plan.records import PagePlan, page_context
from sitegen.sources import SiteInputs
from sitegen.tomlpos import TomlPositions
from sitegen.urls import UrlBuilder, output_path

REDIRECTS_FILE = "content/redirects.toml"
# Article id -> URL, as last published into an output folder. Kept beside the build state
# but not in it: the state is discarded when sitegen changes, and a move made in the same
# build as an upgrade must still leave its redirect.
PUBLISHED_FILE = ".sitegen/published.json"
HEADER = (
    "# Old URLs that keep working: old path = article id. `sitegen build` adds a line when an\n"
    "# article moves (a new title or slug); commit this file. Lines may be edited or removed.\n"
)
# A directory path inside the site: plain segments, no '.' or '..', no query or fragment.
_OLD_PATH = re.compile(r"(?:[A-Za-z0-9_~%+-][A-Za-z0-9._~%+-]*/)+")


@dataclass(frozen=True, slots=True)
class Redirect:
    old: str  # site-relative directory URL: '2020/01/03/old-slug/'
    article_id: str
    line: int


def parse_redirects(text: str, rel: str = REDIRECTS_FILE) -> tuple[list[Redirect], list[Diagnostic]]:
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"at line (\d+)", str(exc))
        return [], [
            error("redirect-toml", f"not valid TOML: {exc}", rel, int(where.group(1)) if where else 1)
        ]
    positions = TomlPositions(text)
    redirects: list[Redirect] = []
    problems: list[Diagnostic] = []
    for key, value in data.items():
        line = positions.line(key) or 1
        old = key.lstrip("/")
        if not isinstance(value, str) or not _OLD_PATH.fullmatch(old):
            problems.append(
                error(
                    "redirect-entry",
                    f"'{key}' must be a quoted old path ending in '/' = the id of an article, "
                    'as in "2020/01/03/old-slug/" = "article-id"',
                    rel,
                    line,
                )
            )
            continue
        redirects.append(Redirect(old, value, line))
    return redirects, problems


def record_moves(
    text: str | None,
    redirects: list[Redirect],
    previous: Mapping[str, str],
    articles: tuple[Article, ...],
    live: set[str],
) -> tuple[str | None, list[Diagnostic]]:
    """Append the articles that moved since the last build (``previous``: article id → the
    URL it was published at) to the redirects file's ``text``: the new text (None if none
    moved) and an info line per move."""
    known = {r.old for r in redirects}
    added: list[str] = []
    notes: list[Diagnostic] = []
    for article in articles:
        old = previous.get(article.id)
        if old is None or old == article.url or old in known or output_path(old) in live:
            continue
        known.add(old)
        added.append(f'"{old}" = "{article.id}"\n')
        notes.append(
            info(
                "url-moved",
                f"article '{article.id}' moved from /{old} to /{article.url}; the old URL redirects "
                f"to the new one (recorded in {REDIRECTS_FILE}: commit it)",
                article.editorial_path or article.seed_path,
            )
        )
    if not added:
        return None, notes
    start = text if text else HEADER
    if not start.endswith("\n"):
        start += "\n"
    return start + "".join(added), notes


REDIRECTS_UNIT = PageUnit("planner", "redirects")  # a patch does not plan them: a full build


def plan_redirects(
    redirects: list[Redirect],
    keys: PageKeys,
    urls: UrlBuilder,
    live: set[str],
    site_ctx: dict[str, Any],
) -> tuple[list[PagePlan], list[Diagnostic]]:
    """A redirect page at each old path to its article's current URL (its title read
    through ``keys``, which records what reads it)."""
    by_id = {a.id: index for index, a in enumerate(keys.site.articles)}
    pages: list[PagePlan] = []
    problems: list[Diagnostic] = []
    for redirect in redirects:
        index = by_id.get(redirect.article_id)
        if index is None:
            problems.append(
                warning(
                    "redirect-unknown-article",
                    f"no article '{redirect.article_id}' is published: /{redirect.old} is not "
                    "redirected; fix the id or remove the line",
                    REDIRECTS_FILE,
                    redirect.line,
                )
            )
            continue
        with keys.reading(REDIRECTS_UNIT):
            title, url, _ = keys.link(index)
        if redirect.old == url:
            continue  # the article is back at this address: its page is there
        if output_path(redirect.old) in live:
            problems.append(
                error(
                    "redirect-collision",
                    f"/{redirect.old} is a page of the site now, so it cannot redirect to "
                    f"'{redirect.article_id}'; remove the line",
                    REDIRECTS_FILE,
                    redirect.line,
                )
            )
            continue
        context = {
            "site": site_ctx,
            "page": page_context(redirect.old, title, "redirect", urls),
            "target": url,
            "target_full": urls.full(url),
        }
        pages.append(PagePlan(redirect.old, "redirect.html", context, (REDIRECTS_FILE,)))
    return pages, problems


def redirect_pages(
    inputs: SiteInputs,
    keys: PageKeys,
    urls: UrlBuilder,
    site_ctx: dict[str, Any],
    previous: Mapping[str, str],
    live: set[str],
    write: bool,
) -> tuple[list[PagePlan], list[Diagnostic]]:
    """The redirect pages of the site at ``inputs.root``, after recording in its redirects
    file (when ``write``) the articles that moved since the last build."""
    site = keys.site
    path = inputs.root / REDIRECTS_FILE
    text: str | None = None
    problems: list[Diagnostic] = []
    if inputs.redirect_files:
        text, problems = read_text_file(path, inputs.root)
        if text is None:
            return [], problems
    redirects, found = parse_redirects(text or "")
    problems += found
    if found or (os.path.lexists(path) and not inputs.redirect_files):
        write = False  # an invalid (or refused) file is the editor's to fix first
    new_text, moves = record_moves(text, redirects, previous, site.articles, live)
    if new_text is not None and write:
        path.parent.mkdir(exist_ok=True)
        path.write_text(new_text, encoding="utf-8")
        problems += moves
        redirects, _ = parse_redirects(new_text)
    pages, found = plan_redirects(redirects, keys, urls, live, site_ctx)
    return pages, problems + found


def load_published(root: Path, out: Path) -> dict[str, str]:
    """Where the last build into ``out`` published each article (empty if unknown)."""
    try:
        data = json.loads((root / PUBLISHED_FILE).read_text(encoding="utf-8"))
        urls = data["urls"] if data.get("output") == str(out) else {}
        return {str(k): str(v) for k, v in urls.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # a record of the last build, like the state: missing means no moves seen


def save_published(root: Path, out: Path, articles: tuple[Article, ...]) -> None:
    urls = {a.id: a.url for a in articles}
    path = root / PUBLISHED_FILE
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"output": str(out), "urls": urls}, sort_keys=True), encoding="utf-8")
