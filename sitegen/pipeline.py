"""The build, in order: load → analyse → site model → plan → render → write.

This is the only module that knows the order of the stages. A :class:`Builder`
keeps what it learnt between builds (in memory for ``sitegen serve``, in
``.sitegen/`` for the next process), so a build redoes only the work whose
inputs changed: an article is analysed again only when its own inputs did,
and a page is rendered only when its fingerprint (template files + context)
differs from the one its current output was made from.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Collection
from pathlib import Path

from sitegen.analyse_stage import analyse_articles, load_annotators
from sitegen.budget import output_kinds, sizes_by_kind
from sitegen.checks import content_checks
from sitegen.config import SiteConfig, load_config
from sitegen.diagnostics import SitegenError, error, info
from sitegen.entities import ParseCache
from sitegen.incremental import site_digest
from sitegen.keeper import BuildMemory
from sitegen.linkcheck import LinkChecker
from sitegen.options import BuildOptions as BuildOptions  # re-exported: the public entry points
from sitegen.options import BuildReport as BuildReport
from sitegen.patch import (
    LastBuild,
    pages_by_template,
    take_snapshot,
)
from sitegen.patcher import Patcher, index_for_search
from sitegen.plan_site import plan_site
from sitegen.produce import produce_outputs
from sitegen.reanalyse import AnalysisInputs
from sitegen.record import BuildRecord
from sitegen.redirects import load_published, save_published
from sitegen.render import Renderer
from sitegen.search import INSTALL_HINT, bundle_entry
from sitegen.sources import RESERVED_DIRS, SiteInputs, discover, theme_dir
from sitegen.stamps import all_inputs, settle, stamp_files, stamp_key, template_files
from sitegen.state import FileStamp
from sitegen.workers import default_jobs, frozen_heap
from sitegen.writer import OutputDir


def resolve_output(root: Path, config: SiteConfig, output: Path | None) -> Path:
    out = (output if output is not None else root / config.output_dir).resolve()
    root = root.resolve()
    if out == root or root.is_relative_to(out) or any(out.is_relative_to(root / d) for d in RESERVED_DIRS):
        raise SitegenError(
            [
                error(
                    "output-unsafe",
                    f"refusing to write the site into {out}: it would overwrite "
                    "the site's own sources; use a separate directory such as "
                    "'_site'",
                )
            ]
        )
    return out


class Builder(Patcher):
    """Builds one site; reuse the same Builder for every rebuild in a process."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self.root = options.root
        self.memory = BuildMemory(options.root, options.use_state)
        self.entity_cache: ParseCache = {}  # registry files parsed in this process, by path
        self.renderer: Renderer | None = None
        self.renderer_key: object = None
        self.jobs = options.jobs if options.jobs is not None else default_jobs()
        self.last: LastBuild | None = None  # the last build's site model, to patch (patch.py)
        self.pending: tuple[OutputDir, list[tuple[str, bytes, bytes]]] | None = None  # see flush()
        self._output_id: int | None = None
        self.output_path: Path | None = None
        self.link_inbound: dict[str, set[str]] | None = None  # see LinkChecker.inbound
        self.snapshot_shell: bytes | None = None  # the pickled site model of the last Snapshot
        self.settled = False  # this build read other bytes than the stamps of some file (stamps.settle)

    # -- the build ---------------------------------------------------------------------------------
    def build(self, changes: Collection[str] | None = None) -> BuildReport:
        """Build the site. ``changes``: the site-relative paths of every input changed since
        the last build of this Builder (sitegen serve's watcher knows them), if known; edits
        of article texts alone then patch the last build (patch.py) instead of planning
        every page again."""
        # The stages below freeze what they keep (see workers.frozen_heap); a patch must not
        # pay for a collection over the whole site model either.
        if changes is not None and self.last is not None:
            with frozen_heap():
                patched = self._patch(changes)  # carries an unflushed patch's writes along
            if patched is not None:
                return patched
        self.flush()
        with frozen_heap():
            return self._build()

    def _build(self) -> BuildReport:
        started = time.perf_counter()
        options, memory = self.options, self.memory
        self.last, self._output_id = None, None  # until this build completes
        report = BuildReport()
        log = report.log
        root = self.root
        config = load_config(root, options.base_url)
        out = resolve_output(root, config, options.output)
        report.output = self.output_path = out
        theme = theme_dir(root, config.theme)
        if theme is None:
            raise SitegenError(
                [
                    error(
                        "theme-missing",
                        f"theme '{config.theme}' not found in themes/ nor among "
                        "the themes shipped with sitegen",
                        "sitegen.toml",
                    )
                ]
            )
        inputs = discover(root, theme)
        log.extend(inputs.problems)
        self.memory.load_state(log)

        stamps = stamp_files(all_inputs(inputs, root), root, self.memory.stamps)
        build_digest = site_digest(stamps, config, out, theme)
        reusable = (  # the last build's record, when its outputs, problems and state are reusable
            self.memory.record
            if self.memory.record is not None
            and not options.dry_run
            and not options.patchable
            and self.memory.record.output == str(out)
            and self.memory.record.refused == inputs.problems  # a patch keeps the last ones
            else None
        )
        if reusable is not None and reusable.digest != build_digest and not self.memory.caches_loaded:
            # A new process: patch the last build if only article texts changed (patch.py).
            patched = self._patch_stored(config, inputs, out, theme, stamps)
            if patched is not None:
                patched.seconds = time.perf_counter() - started
                return patched
        output_dir = OutputDir(out, force=options.force, dry_run=options.dry_run)
        if reusable is not None and reusable.digest == build_digest and output_dir.intact():
            # Nothing the site depends on changed since the last build: its output is what
            # a full build would write. Report that build's problems again, do nothing else.
            log.extend(reusable.problems)
            report.sizes = reusable.sizes
            # files beside ours may have changed
            log.extend(output_dir.pages_limits(report.sizes or None, config.max_site_size))
            report.write = output_dir.finish_unchanged()
            report.pages = len(report.write.unchanged)
            report.unrendered = list(reusable.unrendered)
            report.seconds = time.perf_counter() - started
            return report

        self.memory.load_caches(log)
        if self.memory.record is None or self.memory.record.output != str(out):
            self.memory.pages = {}  # page records describe another output folder: trust none of them
            self.memory.replace_all_pages = True
        tools, entities, rules = load_annotators(config, inputs, self.entity_cache, log)
        analysis = AnalysisInputs.of(config, rules, entities, tools.collections)

        self.settled = False
        # Where the last build published each article: a move leaves a redirect (redirects.py).
        published = load_published(root, out) if options.use_state else {}
        stream = memory.state is not None and not options.dry_run
        analysed = analyse_articles(
            inputs, stamps, tools, analysis, memory, self.jobs, options.progress, stream, log
        )
        report.analysed = analysed.analysed
        self.settled = analysed.settled
        memory.removed_analyses = set(memory.cache) - set(analysed.analyses)
        memory.changed_analyses = {i for i, a in analysed.analyses.items() if memory.cache.get(i) is not a}
        memory.cache = analysed.analyses
        gc.freeze()

        site, urls, pages, files = plan_site(
            config,
            inputs,
            analysed.articles,
            tools,
            memory.crossrefs,
            memory.seed_bytes,
            published,
            options,
            log,
        )
        gc.freeze()

        renderer = self._renderer(inputs, config, stamps)
        # The last build's link problems per page, if they describe the pages now on record.
        # serve checks every link once, to know which pages link to which (LinkChecker.inbound).
        if self.link_inbound is None and not self.memory.replace_all_pages:
            self.link_inbound = self.memory.stored_inbound()
        inbound = None if self.memory.replace_all_pages else self.link_inbound
        fresh_check = self.memory.replace_all_pages or (options.patchable and inbound is None)
        previous = None if fresh_check or self.memory.record is None else self.memory.record.links
        links = LinkChecker(config.base_path, previous, inbound)
        produced = produce_outputs(
            pages,
            files,
            renderer,
            output_dir,
            self.memory.pages,
            links,
            root,
            self.jobs,
            options.progress,
            options.dry_run,
        )
        log.extend(produced.problems)
        report.rendered, report.unrendered = produced.rendered, produced.unrendered
        if settle(stamps, {stamp_key(Path(p), root): d for p, d in renderer.read().items()}):
            self.settled = True  # a template file changed after it was stamped: as read
            self.renderer_key = self._template_key(inputs, config, stamps)
        if self.settled:  # the digest the next build compares with: of the bytes used
            build_digest = site_digest(stamps, config, out, theme)
        new_pages = produced.records
        removed = any(p not in new_pages for p in self.memory.pages)
        self.link_inbound = None  # until the page records it describes are kept, below
        link_problems = links.finish(
            set(output_dir.current) | bundle_entry(site.search), removed, produced.unrendered
        )
        render_failed = produced.render_failed(links.follow_on)
        if render_failed is not None:
            link_problems.append(render_failed)
        log.extend(link_problems)
        report.links_checked = links.checked
        if not options.dry_run:
            if config.search.enabled and not site.search:
                log.add(
                    info("search-unavailable", f"search is off: Pagefind is not installed; {INSTALL_HINT}")
                )
            # Pages a template error left unrendered: the last index stands until they render.
            index_for_search(site.search, options.search and not produced.unrendered, out, output_dir, log)
        if options.dry_run:
            report.check = content_checks(
                site, entities, rules, tools.finder, {a.id: self.memory.body(a.digest) for a in site.articles}
            )
            log.extend(report.check.problems)
        report.pages = len(output_dir.current)
        report.planned = len(pages) + len(files)
        report.write = output_dir.finish()
        kinds = output_kinds(pages, files)
        report.sizes = sizes_by_kind(kinds, output_dir.current, output_dir.current)
        del kinds
        limit_problems = (
            [] if options.dry_run else output_dir.pages_limits(report.sizes, config.max_site_size)
        )
        log.extend(limit_problems)

        self.memory.stamps = stamps
        # Only page records that changed are written back to the state (there are tens of
        # thousands in a large archive; rewriting them all cost more than the edit itself).
        self.memory.pages_changed = {
            p for p, record in new_pages.items() if self.memory.pages.get(p) is not record
        }
        self.memory.pages_removed = set(self.memory.pages) - set(new_pages)
        if self.memory.state is not None and (self.memory.state.fresh or self.memory.replace_all_pages):
            self.memory.pages_changed = set(new_pages)
        self.memory.pages = new_pages
        self.link_inbound = links.inbound
        problems = [d for d in log.items if d.code != "state-rebuilt"]  # not news next time
        self.memory.record = BuildRecord(
            output=str(out),
            digest=build_digest,
            problems=tuple(problems),
            refused=inputs.problems,
            analysis=analysis,
            links=links.by_page,
            crossrefs=dict(self.memory.crossrefs),
            sizes=report.sizes,
            unrendered=tuple(produced.unrendered),
        )
        if not options.dry_run:
            last = None
            if not produced.problems:  # a failed page is tried again: no patch
                last = LastBuild(
                    config,
                    inputs,
                    tools,
                    site,
                    urls,
                    out,
                    theme,
                    problems,
                    link_problems,
                    limit_problems,
                    output_dir.current,
                    report.sizes,
                    output_dir.foreign,
                    pages_by_template(pages),
                )
            snapshot = take_snapshot(last, self.link_inbound) if last is not None else None
            self.snapshot_shell = snapshot.shell if snapshot is not None else None
            self.memory.save(snapshot)
            if (
                options.use_state
                and options.record_moves
                and published != {a.id: a.url for a in site.articles}
            ):
                save_published(root, out, site.articles)
            if options.patchable:
                self.last = last
        report.seconds = time.perf_counter() - started
        return report

    def _renderer(self, inputs: SiteInputs, config: SiteConfig, stamps: dict[str, FileStamp]) -> Renderer:
        """Reuse the renderer (its compiled templates and closure hashes) while no template
        file changed: the key names every template file by content."""
        template_key = self._template_key(inputs, config, stamps)
        if self.renderer is None or self.renderer_key != template_key:
            self.renderer = Renderer(
                inputs.template_dirs,
                config.base_path,
                {"blocks": lambda d: self.memory.body(d).blocks},
            )
            self.renderer_key = template_key
        return self.renderer

    def _template_key(self, inputs: SiteInputs, config: SiteConfig, stamps: dict[str, FileStamp]) -> object:
        root = self.root
        return (
            tuple(map(str, inputs.template_dirs)),
            config.base_path,
            tuple(
                (key, stamps[key].digest)
                for key in map(lambda p: stamp_key(p, root), template_files(inputs))
                if key in stamps
            ),
        )


def build(options: BuildOptions) -> BuildReport:
    """One build with the persistent state (or a clean one with ``use_state=False``)."""
    builder = Builder(options)
    try:
        return builder.build()
    finally:
        if builder.memory.state is not None:
            builder.memory.state.close()
