"""The Builder's two patch paths (patch.py says when a patch is right): ``sitegen serve``'s,
from the site model a kept Builder holds, and a new process's, from the snapshot saved
with the build state; and flush(), which saves what patches did."""

from __future__ import annotations

import dataclasses
import os
import pickle
import time
from collections.abc import Collection, Sequence
from pathlib import Path

import jinja2

from sitegen.analyse_stage import load_annotators
from sitegen.analysis import Annotators
from sitegen.budget import output_kinds, patched_sizes
from sitegen.config import SiteConfig
from sitegen.diagnostics import DiagnosticLog
from sitegen.entities import ParseCache, load_registry
from sitegen.incremental import article_deps, entity_signatures, site_digest
from sitegen.keeper import BuildMemory
from sitegen.linkcheck import LinkChecker
from sitegen.model import Article
from sitegen.options import BuildOptions, BuildReport
from sitegen.patch import (
    EDITORIAL_DIR,
    LastBuild,
    Snapshot,
    could_patch,
    plan_patch,
    restore,
    scope_of,
    setup_of,
    shown_elsewhere,
    take_snapshot,
    with_articles,
)
from sitegen.produce import produce_outputs
from sitegen.reanalyse import Analysed, CachedAnalysis, analyse_one
from sitegen.render import Renderer
from sitegen.search import BUNDLE_DIR, bundle_entry, html_fingerprint, index_site, pagefind_available
from sitegen.sources import CONTENT_DIR, SEEDS_DIR, SiteInputs, discover
from sitegen.stamps import settle, stamp_files, stamp_key
from sitegen.state import FileStamp
from sitegen.workers import frozen_heap
from sitegen.writer import PENDING, OutputDir, entry_id, manifest_id


class Patcher:
    """A part of :class:`sitegen.pipeline.Builder`: its patch paths, kept apart for size."""

    # The Builder's attributes these methods use (see Builder.__init__).
    options: BuildOptions
    root: Path
    memory: BuildMemory
    entity_cache: ParseCache
    renderer: Renderer | None
    renderer_key: object
    last: LastBuild | None
    pending: tuple[OutputDir, list[tuple[str, bytes, bytes]]] | None
    _output_id: int | None
    output_path: Path | None
    link_inbound: dict[str, set[str]] | None
    snapshot_shell: bytes | None

    def _renderer(self, inputs: SiteInputs, config: SiteConfig, stamps: dict[str, FileStamp]) -> Renderer:
        raise NotImplementedError  # Builder's

    def _patch_stored(
        self, config: SiteConfig, inputs: SiteInputs, out: Path, theme: Path, stamps: dict[str, FileStamp]
    ) -> BuildReport | None:
        """Patch the last build of another process, from the build state and its snapshot;
        None when a full build is needed. Reads only what the patch needs: the edited
        articles' cached analyses, the page records, the articles the patched pages show."""
        state = self.memory.state
        blob = state.snapshot() if state is not None else None
        if state is None or blob is None:
            return None
        before = self.memory.stamps
        changes = {
            path
            for path in stamps.keys() | before.keys()
            if path not in stamps or path not in before or stamps[path].digest != before[path].digest
        }
        if not changes or not could_patch(changes, inputs):
            return None  # the cheap test first: anything else changed (or an output went missing)
        try:
            snapshot: Snapshot = pickle.loads(blob)
            search = config.search.enabled and pagefind_available()
            if snapshot.setup != setup_of(config, out, theme, search):
                return None  # built with other options (--base-url, --output) or Pagefind
            manifest = OutputDir.resume(out, {}, set()).read_manifest()
            prefix = os.path.join(out, "")  # strings, not Paths: 40,000 of them at 10,000 articles
            if not manifest or not all(os.path.isfile(prefix + rel) for rel in manifest):
                return None  # an output was deleted by hand: a full build writes it again
            if any(entry.startswith(PENDING) for entry in manifest.values()):
                return None  # the last build stopped half-way: its outputs are not known
            ids = {
                Path(rel).stem for rel in changes if rel.startswith((SEEDS_DIR + "/", EDITORIAL_DIR + "/"))
            }
            cached = {}
            for article_id in ids:
                row = state.article(article_id)
                if row is not None:
                    deps, (article, problems) = row
                    cached[article.id] = CachedAnalysis(deps, article, None, problems)
            pages = {p: (f, links or None) for p, (f, links) in state.pages().items()}
        except Exception:  # the state is a cache: anything unreadable means a full build
            return None
        tools = None  # what analyses read: needed only when an article or entity changed
        if ids or any(c.startswith(CONTENT_DIR + "/") for c in changes):
            tools, _, _ = load_annotators(
                config, inputs, self.entity_cache, DiagnosticLog()
            )  # reported before

        def load(article_id: str) -> Article:
            row = state.article(article_id)
            if row is None:
                raise LookupError(f"no analysis of {article_id} in the build state")
            article: Article = row[1][0]
            return article

        assert self.memory.record is not None  # Builder._build patches only a build on record
        problems = list(self.memory.record.problems)
        last = restore(snapshot, load, config, inputs, tools, out, theme, problems, manifest)
        if any(i in last.index and i not in cached for i in ids):
            return None
        self.memory.cache, self.memory.pages, self.memory.stamps = cached, pages, stamps
        self.link_inbound, self.snapshot_shell = snapshot.inbound, snapshot.shell
        self._renderer(inputs, config, stamps)
        self.last = last
        with frozen_heap():
            report = self._patch(changes)
        if report is None:  # the edit shows on other pages: back to what _build expects
            self.last, self.memory.cache, self.memory.pages, self.memory.stamps = None, {}, {}, before
            self.snapshot_shell = None  # the link index stays: it describes the stored pages
            return None
        self.flush()  # this process ends with this build
        self.last = None  # a Builder that is not told what changed does not patch again
        return report

    def _edited_registry(self, last: LastBuild, edited: Sequence[str]) -> tuple[Annotators, set[str]] | None:
        """The annotators with the registry as it is now, and the entities whose record
        changed; None unless every analysis stays as it is (no entity added or removed, no
        form changed) and the registry loads without a problem now and loaded without one
        at the files edited."""
        entities, problems = load_registry(last.inputs.entities, self.root, self.entity_cache)
        if problems or any(d.path in edited for d in last.problems if d not in last.link_problems):
            return None
        old = last.site.entities
        new = {e.id: e for e in entities}
        assert last.tools is not None  # built whenever an entity changed (_patch_stored)
        if old.keys() != new.keys() or entity_signatures(old.values()) != entity_signatures(entities):
            return None
        # The same ids and forms: the same mention finder.
        tools = dataclasses.replace(last.tools, entities=new)
        return tools, {e for e in new if new[e] != old[e]}

    def _patch(self, changes: Collection[str]) -> BuildReport | None:
        """Rebuild after edits a patch can scope (patch.py); None when a full build is needed."""
        last = self.last
        assert last is not None and self.renderer is not None
        started = time.perf_counter()
        scope = scope_of(changes, last)
        if scope is None:
            return None
        root = self.root
        rel = last.inputs.rel
        edited = scope.articles
        files = [p for pair in edited.values() for p in pair if p is not None]
        files += [root / r for r in scope.registry]
        present = [root / r for r in scope.template_files if (root / r).is_file()]
        fresh = stamp_files(files + present, root, self.memory.stamps)
        if len(fresh) != len(files) + len(present):
            return None  # gone while we looked
        stamps = {k: v for k, v in self.memory.stamps.items() if k not in scope.template_files}
        stamps.update(fresh)
        inputs, tools, site, renderer = last.inputs, last.tools, last.site, self.renderer
        entities: set[str] = set()
        if scope.registry:
            registry = self._edited_registry(last, scope.registry)
            if registry is None:
                return None
            tools, entities = registry
            site = dataclasses.replace(site, entities=tools.entities)
        known = {stamp_key(p, root) for p in inputs.template_files}
        if any((t in known) != (root / t).is_file() for t in scope.template_files):
            inputs = discover(root, last.theme)  # a template file added or deleted
            same = dataclasses.replace(
                inputs, template_dirs=last.inputs.template_dirs, template_files=last.inputs.template_files
            )
            if same != last.inputs:
                return None
        if scope.templates:
            renderer = self._renderer(inputs, last.config, stamps)
        try:
            templates = {
                name: pages
                for name, pages in last.templates.items()
                if scope.templates and renderer.loads_any(name, scope.templates)
            }
        except jinja2.TemplateError:
            return None  # a full build reports it at its file and line, once

        deps_of = {
            article_id: article_deps(stamps, rel(seed), rel(editorial) if editorial else None)
            for article_id, (seed, editorial) in edited.items()
        }
        todo = sorted(i for i in edited if deps_of[i] != self.memory.cache[i].deps)
        results: dict[str, Analysed] = {}
        if todo:
            assert tools is not None  # built whenever an article changed (_patch_stored)
            results = {i: analyse_one(*edited[i], inputs, tools) for i in todo}
        for article_id, result in results.items():  # record the bytes read (see Builder._analyse)
            if settle(stamps, result.read):
                seed, editorial = edited[article_id]
                deps_of[article_id] = article_deps(stamps, rel(seed), rel(editorial) if editorial else None)
        replaced: dict[int, Article] = {}
        dead: set[str] = set()  # bodies of the analyses replaced
        for article_id, result in results.items():
            index = last.index[article_id]
            before = last.site.articles[index]
            if result.article is None or shown_elsewhere(result.article) != shown_elsewhere(before):
                return None  # other pages show what changed (or the seed broke): a full build
            replaced[index] = result.article
            if before.digest != result.article.digest:
                dead.add(before.digest)
        site = with_articles(site, replaced)
        indices = [last.index[i] for i in todo]
        planned = plan_patch(site, last.site, last.urls, self.memory.seed_bytes, indices, entities, templates)
        if planned is None:
            return None
        pages, outputs = planned

        # Nothing below can fail over to a full build: from here on this is the build.
        self.last = None  # until this patch completes
        earlier = self.pending  # a patch not flushed yet: its records are saved with these
        self.memory.dead_bodies |= dead
        report = BuildReport(output=last.out, analysed=todo)
        bodies = []
        for result in results.values():
            assert result.article is not None
            self.memory.bodies[result.article.digest] = pickle.loads(result.body)
            bodies.append((result.article.digest, result.body, result.texts))
        output_dir = OutputDir.resume(last.out, last.manifest, last.foreign)
        record = self.memory.record
        assert record is not None  # the build being patched made it
        links = LinkChecker(last.config.base_path, record.links, self.link_inbound)
        for path, (_, packed) in self.memory.pages.items():
            if packed is not None:
                links.keep(path, packed)
        produced = produce_outputs(pages, outputs, renderer, output_dir, self.memory.pages, links, root)
        if scope.templates and settle(
            stamps, {stamp_key(Path(p), root): d for p, d in renderer.read().items()}
        ):
            self.renderer_key = None  # a template file changed after it was stamped: as read
        output_dir.keep_rest()
        search_log = DiagnosticLog()
        if produced.rendered:
            run = self.options.search and not produced.unrendered  # as in Builder._build
            index_for_search(site.search, run, last.out, output_dir, search_log)
        self.link_inbound = None  # until the page records it describes are kept, below
        link_problems = links.finish(
            set(output_dir.current) | bundle_entry(site.search), unrendered=produced.unrendered
        )
        render_failed = produced.render_failed(links.follow_on)
        if render_failed is not None:
            link_problems.append(render_failed)
        kinds = output_kinds(pages, outputs)
        # A new search index replaces files of the old one: those are gone, not rewritten.
        gone = (
            last.manifest.keys() - output_dir.current.keys() if produced.rendered and site.search else set()
        )
        changed = [*output_dir.report.written, *gone]
        sizes = patched_sizes(last.sizes, kinds, last.manifest, output_dir.current, changed)
        report.sizes = sizes
        limit_problems = output_dir.pages_limits(sizes, last.config.max_site_size)

        # The log of a full build: the last one's, with these articles' problems, the link
        # check's and the limits' as they are now.
        stale = {d for i in todo for d in self.memory.cache[i].problems}
        stale.update(last.link_problems, last.limit_problems)
        log = report.log
        log.extend(d for d in last.problems if d not in stale)
        for result in results.values():
            log.extend(result.problems)
        log.extend(produced.problems)
        log.extend(search_log.items)
        log.extend(link_problems)
        log.extend(limit_problems)

        for article_id, result in results.items():
            assert result.article is not None
            self.memory.cache[article_id] = CachedAnalysis(
                deps_of[article_id], result.article, result.texts or None, result.problems
            )
        carried = earlier is not None
        self.memory.changed_analyses = set(todo) | (self.memory.changed_analyses if carried else set())
        self.memory.removed_analyses = set()
        self.memory.pages_changed = {
            p for p, r in produced.records.items() if self.memory.pages.get(p) != r
        } | (self.memory.pages_changed if carried else set())
        self.memory.pages_removed = set()
        self.memory.pages = {**self.memory.pages, **produced.records}
        self.link_inbound = links.inbound
        if self._output_id is not None:
            for path in output_dir.report.written:
                old = last.manifest.get(path)
                self._output_id ^= entry_id(path, output_dir.current[path])
                self._output_id ^= entry_id(path, old) if old is not None else 0
        self.memory.stamps = stamps
        problems = [d for d in log.items if d.code != "state-rebuilt"]
        # The digest that lets the next process skip a build with no change: in flush().
        self.memory.record = dataclasses.replace(
            record,
            digest=None,
            problems=tuple(problems),
            links=links.by_page,
            sizes=sizes,
            unrendered=tuple(produced.unrendered),  # a patch follows a build that had none
        )
        if not produced.problems:
            self.last = dataclasses.replace(
                last,
                inputs=inputs,
                tools=tools,
                site=site,
                problems=problems,
                link_problems=link_problems,
                limit_problems=limit_problems,
                manifest=output_dir.current,
                sizes=sizes,
            )
        self.pending = (output_dir, (earlier[1] if earlier else []) + bodies)
        report.rendered, report.unrendered = produced.rendered, produced.unrendered
        report.planned = len(pages) + len(outputs)
        report.write = output_dir.report
        report.pages = len(output_dir.current)
        report.links_checked = links.checked
        report.seconds = time.perf_counter() - started
        return report

    def flush(self) -> None:
        """Finish the patches since the last flush: write the output manifest and the build
        state. sitegen serve calls this once it has told the pages to reload and no edit came
        for a moment (a stale manifest entry only makes the next build write that file again;
        a stale state, analyse an article again); a full build calls it first."""
        if self.pending is None:
            return
        output_dir, bodies = self.pending
        self.pending = None
        output_dir.finish()
        if self.last is not None and self.memory.record is not None:
            digest = site_digest(self.memory.stamps, self.last.config, output_dir.path, self.last.theme)
            self.memory.record = dataclasses.replace(self.memory.record, digest=digest)
        if self.memory.state is not None:
            self.memory.state.put_bodies(bodies)
            last = self.last
            self.memory.save(take_snapshot(last, self.link_inbound, self.snapshot_shell) if last else None)

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


def index_for_search(search: bool, run: bool, out: Path, output_dir: OutputDir, log: DiagnosticLog) -> None:
    if not search:
        return
    owned = [r for r in output_dir.previous if r.startswith(BUNDLE_DIR + "/")]
    for rel in owned:
        output_dir.keep(rel)
    if not run:  # sitegen serve: keep the last index, stay out of the edit loop
        return
    output_dir.prune()  # stale pages go before indexing, so search never finds them
    bundle, problems = index_site(out, html_fingerprint(output_dir.current), owned, output_dir.begin)
    log.extend(problems)
    output_dir.adopt(BUNDLE_DIR + "/", bundle)
