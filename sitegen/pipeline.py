"""The build, in order: inputs → analyse → site model → plan → produce → check links → index
for search → measure → record → save.

This is the only module that knows the order of the stages. A :class:`Builder` keeps what
it learnt between builds (:class:`sitegen.keeper.BuildMemory`: in memory for ``sitegen
serve``, in ``.sitegen/`` for the next process), so a build redoes only the work whose
inputs changed: an article is analysed again only when its own inputs did, and a page is
rendered only when its fingerprint (template files + context) differs from the one its
current output was made from. A patch (patch.py, patcher.py) plans only the outputs an
edit reaches; the steps after planning (:meth:`Builder._finish`) are the same for both.
"""

from __future__ import annotations

import dataclasses
import gc
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from sitegen.analyse_stage import analyse_articles, load_annotators
from sitegen.analysis import Annotators
from sitegen.budget import output_kinds, patched_sizes, sizes_by_kind
from sitegen.checks import content_checks
from sitegen.config import SiteConfig, load_config
from sitegen.diagnostics import info
from sitegen.entities import ParseCache
from sitegen.incremental import site_digest
from sitegen.keeper import BuildMemory, StreamedPages
from sitegen.linkcheck import LinkChecker
from sitegen.options import BuildOptions as BuildOptions  # re-exported: the public entry points
from sitegen.options import BuildReport as BuildReport
from sitegen.patch import LastBuild, pages_by_template, same_shell, take_snapshot
from sitegen.patcher import patch_work, stored_build
from sitegen.plan.keys import PageReads
from sitegen.plan.records import FilePlan, PagePlan
from sitegen.plan.site import plan_site
from sitegen.produce import PageRecord, produce_outputs
from sitegen.reanalyse import AnalysisInputs, CachedAnalysis
from sitegen.record import BuildRecord
from sitegen.redirects import load_published, save_published
from sitegen.render import Renderer
from sitegen.renderers import RendererCache
from sitegen.search import INSTALL_HINT, bundle_entry, index_for_search
from sitegen.site import Site
from sitegen.sources import SiteInputs, discover, require_theme, resolve_output
from sitegen.stamps import all_inputs, stamp_files
from sitegen.state import FileStamp, unpack_blob
from sitegen.urls import UrlBuilder
from sitegen.workers import default_jobs, frozen_heap
from sitegen.writer import OutputDir, entry_id, manifest_id


@dataclass(frozen=True)
class Planned:
    """What a full build or a patch planned: what the steps after planning take."""

    config: SiteConfig
    inputs: SiteInputs
    tools: Annotators | None
    site: Site
    urls: UrlBuilder
    out: Path
    theme: Path
    pages: list[PagePlan]  # the outputs to produce: every one, or those a patch reaches (emptied by produce)
    files: list[FilePlan]
    renderer: Renderer
    stamps: dict[str, FileStamp]
    analyses: dict[str, CachedAnalysis]  # every article's, or those a patch made again
    record: BuildRecord  # what the record of this build starts from (its digest: None for a patch)
    settled: bool  # the stamps changed after the record's digest was computed
    templates_read: bool  # the renderer read template files for this build (not a patch of articles)
    reads: PageReads  # what the pages read of other parts of the site (a patch adds to the last build's)
    bodies: list[tuple[str, bytes, bytes]]  # a patch's analyses' (digest, body, texts): saved at flush


class Builder:
    """Builds one site; reuse the same Builder for every rebuild in a process."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self.root = options.root
        self.memory = BuildMemory(options.root, options.use_state)
        self.entity_cache: ParseCache = {}  # registry files parsed in this process, by path
        self.renderers = RendererCache(options.root, {"blocks": lambda d: self.memory.body(d).blocks})
        self.jobs = options.jobs if options.jobs is not None else default_jobs()
        self.last: LastBuild | None = None  # the last build's site model, to patch (patch.py)
        self.pending: tuple[OutputDir, list[tuple[str, bytes, bytes]]] | None = None  # see flush()
        self._output_id: int | None = None
        self.output_path: Path | None = None
        self.link_inbound: dict[str, set[str]] | None = None  # see LinkChecker.inbound
        self.snapshot_shell: bytes | None = None  # the pickled site model of the last Snapshot

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
                patched = self._patch(changes, self.last)  # carries an unflushed patch's writes along
            if patched is not None:
                return patched
        self.flush()
        with frozen_heap():
            try:
                return self._build()
            except BaseException:
                if self.memory.state is not None:
                    self.memory.state.discard()  # the page records of a build that did not finish
                raise

    def _build(self) -> BuildReport:
        started = time.perf_counter()
        options, memory = self.options, self.memory
        self.last, self._output_id = None, None  # until this build completes
        report = BuildReport()
        log = report.log
        root = self.root
        config = load_config(root, options.base_url)
        out = resolve_output(root, config.output_dir, options.output)
        report.output = self.output_path = out
        theme = require_theme(root, config.theme)
        inputs = discover(root, theme)
        log.extend(inputs.problems)
        memory.load_state(log)

        stamps = stamp_files(all_inputs(inputs, root), root, memory.stamps)
        build_digest = site_digest(stamps, config, out, theme)
        reusable = (  # the last build's record, when its outputs, problems and state are reusable
            memory.record
            if memory.record is not None
            and not options.dry_run
            and not options.patchable
            and memory.record.output == str(out)
            and memory.record.refused == inputs.problems  # a patch keeps the last ones
            else None
        )
        if reusable is not None and reusable.digest != build_digest and not memory.caches_loaded:
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

        memory.load_caches(log)
        if memory.record is None or memory.record.output != str(out):
            memory.pages = {}  # page records describe another output folder: trust none of them
            memory.replace_all_pages = True
        tools, entities, rules = load_annotators(config, inputs, self.entity_cache, log)
        analysis = AnalysisInputs.of(config, rules, entities, tools.collections)

        # Where the last build published each article: a move leaves a redirect (redirects.py).
        published = load_published(root, out) if options.use_state else {}
        stream = memory.state is not None and not options.dry_run
        analysed = analyse_articles(
            inputs, stamps, tools, analysis, memory, self.jobs, options.progress, stream, log
        )
        report.analysed = analysed.analysed
        gc.freeze()

        site, urls, pages, files, reads = plan_site(
            config,
            inputs,
            analysed.articles,
            {e.id: e for e in entities},
            tools,
            memory.crossrefs,
            memory.body_of,
            published,
            options,
            log,
        )
        gc.freeze()

        # The last build's link problems per page, if they describe the pages now on record.
        # serve checks every link once, to know which pages link to which (LinkChecker.inbound).
        if self.link_inbound is None and not memory.replace_all_pages:
            self.link_inbound = memory.stored_inbound()
        inbound = None if memory.replace_all_pages else self.link_inbound
        fresh_check = memory.replace_all_pages or (options.patchable and inbound is None)
        previous = None if fresh_check or memory.record is None else memory.record.links
        record = BuildRecord(
            output=str(out),
            digest=build_digest,
            problems=(),
            refused=inputs.problems,
            analysis=analysis,
            links={},
            crossrefs=dict(memory.crossrefs),
            sizes={},
            unrendered=(),
        )
        renderer = self.renderers.get(inputs, config, stamps)
        planned = Planned(
            config,
            inputs,
            tools,
            site,
            urls,
            out,
            theme,
            pages,
            files,
            renderer,
            stamps,
            analysed.analyses,
            record,
            settled=analysed.settled,
            templates_read=True,
            reads=reads,
            bodies=[],
        )
        # sitegen build writes the page records to the state as they come (keeper.StreamedPages)
        streamed = None if options.patchable or options.dry_run else memory.stream_pages()
        links = LinkChecker(config.base_path, previous, inbound, streamed.links if streamed else None)
        self._finish(planned, output_dir, links, report, streamed=streamed)
        if options.dry_run:
            report.check = content_checks(
                site, entities, rules, tools.finder, {a.id: memory.body(a.digest) for a in site.articles}
            )
            log.extend(report.check.problems)
        elif options.use_state and options.record_moves and published != {a.id: a.url for a in site.articles}:
            save_published(root, out, site.articles)
        report.seconds = time.perf_counter() - started
        return report

    def _patch(self, changes: Collection[str], last: LastBuild) -> BuildReport | None:
        """Rebuild after edits a patch can scope (patch.py); None when a full build is needed."""
        started = time.perf_counter()
        memory = self.memory
        work = patch_work(
            changes,
            last,
            memory.stamps,
            memory.cache,
            memory.body_of,
            self.renderers,
            self.root,
        )
        if work is None:
            return None
        # Nothing below can fail over to a full build: from here on this is the build.
        self.last = None  # until this patch completes
        if not same_shell(work.site, last.site):  # an entity or a rule's link: the snapshot's shell changes
            self.snapshot_shell = None
        memory.dead_bodies |= work.dead_bodies
        for digest, body, _ in work.bodies:
            memory.bodies[digest] = unpack_blob(body)
        record = memory.record
        assert record is not None  # the build being patched made it
        links = LinkChecker(last.config.base_path, record.links, self.link_inbound)
        for path, (_, packed) in memory.pages.items():
            if packed is not None:
                links.keep(path, packed)
        report = BuildReport(output=last.out, analysed=list(work.analyses))
        report.log.extend(work.log)
        planned = Planned(
            last.config,
            work.inputs,
            work.tools,
            work.site,
            last.urls,
            last.out,
            last.theme,
            work.pages,
            work.files,
            work.renderer,
            work.stamps,
            work.analyses,
            dataclasses.replace(record, digest=None),  # flush() computes it, for the next process
            settled=False,
            templates_read=work.templates_edited,
            reads=last.reads,
            bodies=work.bodies,
        )
        self._finish(planned, OutputDir.resume(last.out, last.manifest, last.foreign), links, report, last)
        report.seconds = time.perf_counter() - started
        return report

    def _finish(
        self,
        planned: Planned,
        output_dir: OutputDir,
        links: LinkChecker,
        report: BuildReport,
        resumed: LastBuild | None = None,
        streamed: StreamedPages | None = None,
    ) -> None:
        """The steps after planning, for a full build and a patch alike: produce the outputs,
        check the links, index for search, measure against the host's limits, then keep what
        the next build needs. ``resumed``: the build a patch continues — every output of it
        not produced again stands, its sizes are patched, its page records and log (in
        ``report.log`` already) carried on, and the state saved at flush(). ``streamed``:
        where the page records go, when not into memory."""
        options, memory, root = self.options, self.memory, self.root
        config, site, out, stamps = planned.config, planned.site, planned.out, planned.stamps
        pages, files = planned.pages, planned.files
        log = report.log
        earlier = self.pending  # a patch not flushed yet: its changes are saved with these
        # What the steps below read of the plans, taken before produce drops them (release).
        report.planned = len(pages) + len(files)
        kinds = output_kinds(pages, files)
        templates = pages_by_template(pages) if resumed is None else resumed.templates  # a patch plans some
        # A patch renders its few pages here, quietly (serve's watcher thread must not fork).
        jobs, progress = (self.jobs, options.progress) if resumed is None else (1, None)
        records: dict[str, PageRecord] | StreamedPages = {} if streamed is None else streamed
        produced = produce_outputs(
            pages,
            files,
            planned.renderer,
            output_dir,
            memory.pages,
            links,
            root,
            jobs,
            progress,
            options.dry_run,
            records,
            release=True,
        )
        if resumed is not None:
            output_dir.keep_rest()
        log.extend(produced.problems)
        report.rendered, report.unrendered = produced.rendered, produced.unrendered
        settled = planned.settled
        if planned.templates_read and self.renderers.settle(planned.inputs, config, stamps):
            settled = True  # a template file changed after it was stamped: as read
        digest = planned.record.digest
        if settled and digest is not None:  # the digest the next build compares with: of the bytes used
            digest = site_digest(stamps, config, out, planned.theme)

        self.link_inbound = None  # until the page records it describes are kept, below
        removed = resumed is None and any(p not in records for p in memory.pages)
        link_problems = links.finish(
            set(output_dir.current) | bundle_entry(site.search), removed, produced.unrendered
        )
        render_failed = produced.render_failed(links.follow_on)
        if render_failed is not None:
            link_problems.append(render_failed)
        log.extend(link_problems)
        report.links_checked = links.checked
        if not options.dry_run:
            if resumed is None and config.search.enabled and not site.search:  # a patch keeps it
                log.add(
                    info("search-unavailable", f"search is off: Pagefind is not installed; {INSTALL_HINT}")
                )
            if resumed is None or produced.rendered:
                # Pages a template error left unrendered: the last index stands until they render.
                index_for_search(
                    site.search, options.search and not produced.unrendered, out, output_dir, log
                )

        report.pages = len(output_dir.current)
        if resumed is None:
            report.write = output_dir.finish()
            sizes = sizes_by_kind(kinds, output_dir.current, output_dir.current)
        else:
            # A new search index replaces files of the old one: those are gone, not rewritten.
            gone = (
                resumed.manifest.keys() - output_dir.current.keys()
                if produced.rendered and site.search
                else set()
            )
            changed = [*output_dir.report.written, *gone]
            sizes = patched_sizes(resumed.sizes, kinds, resumed.manifest, output_dir.current, changed)
        del kinds
        report.sizes = sizes
        limit_problems = [] if options.dry_run else output_dir.pages_limits(sizes, config.max_site_size)
        log.extend(limit_problems)

        memory.keep(planned.analyses, records, stamps, resumed is not None, earlier is not None)
        self.link_inbound = links.inbound
        problems = [d for d in log.items if d.code != "state-rebuilt"]  # not news next time
        memory.record = dataclasses.replace(
            planned.record,
            digest=digest,
            problems=tuple(problems),
            links=links.by_page,
            sizes=sizes,
            unrendered=tuple(produced.unrendered),
        )
        last = None
        if not options.dry_run and not produced.problems:  # a failed page is tried again: no patch
            last = LastBuild(
                config,
                planned.inputs,
                planned.tools,
                site,
                planned.urls,
                out,
                planned.theme,
                problems,
                link_problems,
                limit_problems,
                output_dir.current,
                sizes,
                output_dir.foreign,
                templates,
                planned.reads,
                # A patch keeps the order of the articles and the set of input files.
                index=resumed.index if resumed else {},
                seeds=resumed.seeds if resumed else {},
                editorials=resumed.editorials if resumed else {},
                entity_files=resumed.entity_files if resumed else {},
            )

        if resumed is not None:
            # sitegen serve saves the manifest and the state once the pages reloaded (flush()).
            report.write = output_dir.report
            if self._output_id is not None:
                for path in output_dir.report.written:
                    old = resumed.manifest.get(path)
                    self._output_id ^= entry_id(path, output_dir.current[path])
                    self._output_id ^= entry_id(path, old) if old is not None else 0
            self.pending = (output_dir, (earlier[1] if earlier else []) + planned.bodies)
            self.last = last
        elif not options.dry_run:
            snapshot = take_snapshot(last, self.link_inbound) if last is not None else None
            self.snapshot_shell = snapshot.shell if snapshot is not None else None
            memory.save(snapshot)
            if options.patchable:
                self.last = last

    def _patch_stored(
        self, config: SiteConfig, inputs: SiteInputs, out: Path, theme: Path, stamps: dict[str, FileStamp]
    ) -> BuildReport | None:
        """Patch the last build of another process (patcher.stored_build); None when a full
        build is needed."""
        memory = self.memory
        assert memory.record is not None  # _build patches only a build on record
        stored = stored_build(
            memory.state, memory.record, memory.stamps, stamps, config, inputs, out, theme, self.entity_cache
        )
        if stored is None:
            return None
        before = memory.stamps
        memory.cache, memory.pages, memory.stamps = stored.analyses, stored.pages, stamps
        self.link_inbound, self.snapshot_shell = stored.snapshot.inbound, stored.snapshot.shell
        with frozen_heap():
            report = self._patch(stored.changes, stored.last)
        if report is None:  # the edit shows on other pages: back to what _build expects
            memory.cache, memory.pages, memory.stamps = {}, {}, before
            self.snapshot_shell = None  # the link index stays: it describes the stored pages
            return None
        self.flush()  # this process ends with this build
        self.last = None  # a Builder that is not told what changed does not patch again
        return report

    def flush(self) -> None:
        """Finish the patches since the last flush: write the output manifest and the build
        state. sitegen serve calls this once it has told the pages to reload and no edit came
        for a moment (a stale manifest entry only makes the next build write that file again;
        a stale state, analyse an article again); a full build calls it first."""
        if self.pending is None:
            return
        memory = self.memory
        output_dir, bodies = self.pending
        self.pending = None
        output_dir.finish()
        if self.last is not None and memory.record is not None:
            digest = site_digest(memory.stamps, self.last.config, output_dir.path, self.last.theme)
            memory.record = dataclasses.replace(memory.record, digest=digest)
        if memory.state is not None:
            memory.state.put_bodies(bodies)
            snapshot = take_snapshot(self.last, self.link_inbound, self.snapshot_shell) if self.last else None
            self.snapshot_shell = snapshot.shell if snapshot is not None else None
            memory.save(snapshot)

    def output_id(self) -> str:
        """A digest of the outputs (the manifest's entries): the same outputs, the same id."""
        if self._output_id is None:
            if self.last is not None:
                self._output_id = manifest_id(self.last.manifest)
            elif self.output_path is not None:  # the last build failed: what its output holds
                return f"{manifest_id(OutputDir.resume(self.output_path, {}, set()).read_manifest()):016x}"
            else:
                return ""
        return f"{self._output_id:016x}"


def build(options: BuildOptions) -> BuildReport:
    """One build with the persistent state (or a clean one with ``use_state=False``)."""
    builder = Builder(options)
    try:
        return builder.build()
    finally:
        if builder.memory.state is not None:
            builder.memory.state.close()
