"""Render and write every planned output, on as many processes as asked.

Each output is one task, a pure function of its plan: fingerprint it, keep it if
its fingerprint and file are unchanged since the last build, else render it,
record its links and store its bytes. Tasks run in worker processes
(:mod:`sitegen.workers`); the parent applies the outcomes in plan order, so the
manifest, the link check, the report and the build state come out the same
for any number of workers.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple, Protocol

import jinja2

from sitegen.diagnostics import Diagnostic, error
from sitegen.linkcheck import LinkChecker, LinkOrigin, pack, page_links, scan_page
from sitegen.plan.records import FilePlan, PagePlan
from sitegen.render import PageMade, Renderer
from sitegen.workers import run_tasks
from sitegen.writer import OutputDir

# (fingerprint, packed PageLinks or None for a file) of one output, kept between builds
PageRecord = tuple[str, bytes | None]
Progress = Callable[[str, int, int], None]


class Outcome(NamedTuple):
    status: str  # "kept", "stored" (rendered or produced), "unrendered" (a template error) or "failed"
    fingerprint: str = ""
    links: bytes | None = None  # packed (linkcheck.pack): as the parent keeps and stores them
    entry: str = ""  # manifest entry of the stored bytes
    written: bool = False  # the bytes differ from what was on disk
    problems: tuple[Diagnostic, ...] = ()  # why it failed
    cause: str = ""  # an unrendered page's template error, without the page: the same for every page


_KEPT = Outcome("kept")


class RecordSink(Protocol):
    """Where produce puts each output's record: a dict, or the build state (keeper.StreamedPages)."""

    def __setitem__(self, path: str, record: PageRecord) -> None: ...
    def __contains__(self, path: object) -> bool: ...


@dataclass
class Produced:
    records: RecordSink  # every output's record for next time
    rendered: list[str] = field(default_factory=list)  # outputs rendered or produced (not kept)
    problems: list[Diagnostic] = field(default_factory=list)
    # Pages a template error left unrendered: they keep their last good output (and its record,
    # so the next build renders them again) until the template is fixed; the others are missing.
    unrendered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def render_failed(self, follow_on: int) -> Diagnostic | None:
        """One line for what the template errors caused: the pages that show their last good
        output or none, and the broken links that follow (counted, not listed: linkcheck)."""
        if not self.unrendered:
            return None
        kept = len(self.unrendered) - len(self.missing)
        parts = [f"{kept} keep their last good output until it is fixed"] if kept else []
        parts += [f"{len(self.missing)} are missing"] if self.missing else []
        parts += [f"{follow_on} broken link(s) that follow from it are not listed"] if follow_on else []
        return error(
            "render-failed",
            f"{len(self.unrendered)} page(s) could not be rendered because of the template error(s) "
            f"above: {'; '.join(parts)}",
        )


def produce_outputs(
    pages: list[PagePlan],
    files: list[FilePlan],
    renderer: Renderer,
    output_dir: OutputDir,
    previous: dict[str, PageRecord],
    links: LinkChecker,
    root: Path,
    jobs: int = 1,
    progress: Progress | None = None,
    scan: bool = False,
    records: RecordSink | None = None,
    release: bool = False,
) -> Produced:
    """``scan``: render every page and read its links from its HTML (``sitegen check``).
    ``records``: where each output's record goes (default: a dict, ``Produced.records``).
    ``release``: the plans are taken out of ``pages`` and ``files`` (left empty) and dropped
    once every output is done, so the end of a large build (link check, save) holds none."""
    paths = [p.path for p in pages] + [f.path for f in files]
    output_dir.begin(paths)  # before any write: a build stopped half-way leaves no stranger files
    duplicates = _duplicates(paths)
    for name in {p.template for p in pages}:
        try:  # compile once here, not once per worker
            renderer.env.get_template(name)
            renderer.template_digest(name)
        except jinja2.TemplateError:
            pass  # reported by the page's task, at the template's file and line
    plans: list[PagePlan | FilePlan] = [*pages, *files]
    if release:
        pages.clear()
        files.clear()

    def task(index: int) -> Outcome:
        if index in duplicates:
            duplicate = error("output-duplicate", f"two parts of the site both write {paths[index]}")
            return Outcome("failed", problems=(duplicate,))
        plan = plans[index]
        if isinstance(plan, PagePlan):
            return _page(plan, renderer, output_dir, previous, links.base_path, root, scan)
        return _file(plan, output_dir, previous)

    empty: dict[str, PageRecord] = {}
    produced = Produced(empty if records is None else records)
    template_errors: dict[tuple[str | None, int | None, str], list[Diagnostic]] = {}
    total = len(paths)

    def weight(index: int) -> int:
        plan = plans[index]
        return plan.weight if isinstance(plan, PagePlan) else 1

    for index, outcome in enumerate(run_tasks(task, total, jobs, weight)):
        path = paths[index]
        if outcome.status == "failed":
            produced.problems.extend(outcome.problems)
        elif outcome.status == "unrendered":
            (problem,) = outcome.problems
            template_errors.setdefault((problem.path, problem.line, outcome.cause), []).append(problem)
            produced.unrendered.append(path)
            if output_dir.keep(path):  # the last good output stands
                record = previous.get(path)
                if record is not None and record[1] is not None:
                    links.keep(path, record[1])
                produced.records[path] = record or ("", None)  # none: rendered again next time
            else:
                produced.missing.append(path)
        elif outcome.status == "kept":
            record = previous[path]
            output_dir.record(path, output_dir.previous[path], False)
            if record[1] is not None:
                links.keep(path, record[1])
            produced.records[path] = record
        elif outcome.status == "stored":
            output_dir.record(path, outcome.entry, outcome.written)
            if outcome.links is not None:
                links.add(path, outcome.links, previous[path][1] if path in previous else None)
            elif path not in previous:
                links.appeared()  # a new file: links to it may resolve now
            produced.rendered.append(path)
            produced.records[path] = (outcome.fingerprint, outcome.links)
        if progress:
            progress("render", index + 1, total)
    # Dropped only now that the workers are gone: freeing them while a worker shares the
    # parent's pages (forked) would copy those pages (copy-on-write), and the tree grow.
    plans.clear()
    # One error per template error, not one per page it broke: first, so it is not lost.
    produced.problems[:0] = [
        problems[0]
        if len(problems) == 1
        else replace(problems[0], message=f"{problems[0].message} (and {len(problems) - 1} other page(s))")
        for problems in template_errors.values()
    ]
    return produced


def _duplicates(paths: Iterable[str]) -> set[int]:
    """Indices of outputs whose path an earlier output already has: the first one wins."""
    seen: set[str] = set()
    duplicates = set()
    for index, path in enumerate(paths):
        if path in seen:
            duplicates.add(index)
        seen.add(path)
    return duplicates


def _page(
    plan: PagePlan,
    renderer: Renderer,
    output_dir: OutputDir,
    previous: dict[str, PageRecord],
    base_path: str,
    root: Path,
    scan: bool = False,
) -> Outcome:
    refused = output_dir.refuse(plan.path)
    if refused:
        return Outcome("failed", problems=(refused,))
    try:
        # A page with a key is recognised as unchanged by its inputs, before its context is built.
        context = None if plan.key else plan.make_context()
        fingerprint = renderer.fingerprint(plan, context)
        record = None if scan else previous.get(plan.path)  # a check reads every page
        if record and record[0] == fingerprint and record[1] is not None and output_dir.can_keep(plan.path):
            return _KEPT
        made = PageMade()
        data = renderer.render(plan, context, made)
    except jinja2.TemplateError as exc:
        problem = template_error(exc, plan, renderer.template_dirs, root)
        return Outcome("unrendered", problems=(problem,), cause=getattr(exc, "message", None) or str(exc))
    origin = LinkOrigin(plan.sources[0] if plan.sources else None, plan.link_lines)
    if scan:  # a safety net for links a template writes by hand, not through the url filter
        found = scan_page(plan.path, data.decode("utf-8"), origin, base_path)
    else:
        found = page_links(plan.path, made.ids, made.hrefs, origin, base_path)
    entry, written = output_dir.store(plan.path, data)
    return Outcome("stored", fingerprint, pack(found), entry, written)


def _file(plan: FilePlan, output_dir: OutputDir, previous: dict[str, PageRecord]) -> Outcome:
    refused = output_dir.refuse(plan.path)
    if refused:
        return Outcome("failed", problems=(refused,))
    record = previous.get(plan.path)
    if record and record[0] == plan.fingerprint and output_dir.can_keep(plan.path):
        return _KEPT
    entry, written = output_dir.store(plan.path, plan.produce())
    return Outcome("stored", plan.fingerprint, None, entry, written)


def template_error(exc: Exception, plan: PagePlan, template_dirs: Iterable[Path], root: Path) -> Diagnostic:
    """A template problem as a diagnostic at the template's file and line."""
    where = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    if where is None:  # an error while rendering: the innermost template frame says where
        where, line = _template_frame(exc, template_dirs) or (plan.template, None)
    path = Path(where)
    if not path.is_absolute():  # Jinja names some errors by template name: find the file
        path = next(((d / where) for d in template_dirs if (d / where).is_file()), path)
    if path.exists() or path.is_absolute():  # resolved but for the last step: a link is named, not its target
        path, root = path.absolute().parent.resolve() / path.name, root.resolve()
        where = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    message = getattr(exc, "message", None) or str(exc)
    return error(
        "template-error",
        f"rendering /{plan.url} with {plan.template}: {message}",
        where,
        line,
    )


def _template_frame(exc: Exception, template_dirs: Iterable[Path]) -> tuple[str, int] | None:
    """The template file and line of the innermost template frame of ``exc``'s traceback (Jinja
    gives template code its file and line): in base.html, not in the page's own template."""
    dirs = tuple(os.path.join(os.path.normpath(d), "") for d in template_dirs)
    found = None
    for frame, line in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename.startswith(dirs):
            found = (frame.f_code.co_filename, line)
    return found
