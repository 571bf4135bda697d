"""The patch's own part of a build (patch.py says when a patch is right): what the edits
change — the edited articles analysed again, the site model with them, the outputs to
produce again — as a :class:`PatchWork` (:func:`patch_work`), and the last build of
another process restored from the snapshot saved with the build state
(:func:`stored_build`). :class:`sitegen.pipeline.Builder` runs the steps after planning."""

from __future__ import annotations

import dataclasses
import os
import pickle
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from sitegen.analyse_stage import load_annotators
from sitegen.analysis import Annotators
from sitegen.config import SiteConfig
from sitegen.diagnostics import Diagnostic, DiagnosticLog
from sitegen.editorial import read_text_file
from sitegen.entities import Entity, ParseCache, parse_entity
from sitegen.incremental import article_deps, entity_signatures
from sitegen.model import Article
from sitegen.patch import (
    LastBuild,
    Snapshot,
    could_patch,
    is_article_file,
    plan_patch,
    restore,
    scope_of,
    setup_of,
    site_structure,
    with_articles,
)
from sitegen.plan.records import BodyOf, FilePlan, PagePlan
from sitegen.produce import PageRecord
from sitegen.reanalyse import Analysed, CachedAnalysis, analyse_one
from sitegen.record import BuildRecord
from sitegen.render import Renderer
from sitegen.renderers import RendererCache
from sitegen.search import pagefind_available
from sitegen.site import Site
from sitegen.sources import SiteInputs, discover
from sitegen.stamps import settle, stamp_files, stamp_key
from sitegen.state import BuildState, FileStamp
from sitegen.writer import PENDING, OutputDir


@dataclass(frozen=True)
class PatchWork:
    """What one patch does, planned: nothing here has touched the output or the state."""

    inputs: SiteInputs
    tools: Annotators | None
    site: Site  # the last build's site model with the edits
    pages: list[PagePlan]  # the outputs the edits reach
    files: list[FilePlan]
    analyses: dict[str, CachedAnalysis]  # the edited articles analysed again, by id (sorted)
    bodies: list[tuple[str, bytes, bytes]]  # their (digest, pickled body, pickled texts)
    # The log of a full build but the link check's and the limits' problems: the last
    # build's, with the edited articles' problems as they are now.
    log: list[Diagnostic]
    stamps: dict[str, FileStamp]
    renderer: Renderer
    templates_edited: bool  # the renderer read template files anew
    dead_bodies: set[str]  # bodies of the analyses replaced


def _edited_registry(
    last: LastBuild, edited: Sequence[str], root: Path
) -> tuple[dict[str, Entity], set[str]] | None:
    """The registry with the ``edited`` files read again, and the entities whose record
    changed; None unless every analysis stays as it is (no entity added or removed, no
    form changed: the annotators hold only ids and forms) and the edited files read without
    a problem now and had none at the last build. Only they are parsed: the registry's
    checks across files (duplicate ids, clashing aliases) are of ids and forms, which did
    not change, so they find what they found last time."""
    if any(d.path in edited for d in last.problems if d not in last.link_problems):
        return None
    old = last.site.entities
    new = dict(old)
    for rel in edited:
        path = root / rel
        text, problems = read_text_file(path, root)
        if text is None or problems or path.stem not in old:
            return None
        entity, problems = parse_entity(text, path.stem, rel)
        if entity is None or problems:
            return None
        new[entity.id] = entity
    if entity_signatures(old.values()) != entity_signatures(new.values()):
        return None
    return new, {e for e in new if new[e] != old[e]}


def patch_work(
    changes: Collection[str],
    last: LastBuild,
    stamps_before: dict[str, FileStamp],
    cache: Mapping[str, CachedAnalysis],
    body_of: BodyOf,
    renderers: RendererCache,
    root: Path,
) -> PatchWork | None:
    """What ``changes`` (site-relative paths) change in ``last``, when a patch can scope it;
    None when a full build is needed. ``stamps_before`` and ``cache``: the last build's
    stamps and cached analyses (those of the edited articles at least)."""
    scope = scope_of(changes, last)
    if scope is None:
        return None
    rel = last.inputs.rel
    edited = scope.articles
    files = [p for pair in edited.values() for p in pair if p is not None]
    files += [root / r for r in scope.registry]
    present = [root / r for r in scope.template_files if (root / r).is_file()]
    fresh = stamp_files(files + present, root, stamps_before)
    if len(fresh) != len(files) + len(present):
        return None  # gone while we looked
    stamps = {k: v for k, v in stamps_before.items() if k not in scope.template_files}
    stamps.update(fresh)
    inputs, tools, site = last.inputs, last.tools, last.site
    entities: set[str] = set()
    if scope.registry:
        registry = _edited_registry(last, scope.registry, root)
        if registry is None:
            return None
        site = dataclasses.replace(site, entities=registry[0])
        entities = registry[1]
    known = {stamp_key(p, root) for p in inputs.template_files}
    if any((t in known) != (root / t).is_file() for t in scope.template_files):
        inputs = discover(root, last.theme)  # a template file added or deleted
        same = dataclasses.replace(
            inputs, template_dirs=last.inputs.template_dirs, template_files=last.inputs.template_files
        )
        if same != last.inputs:
            return None
    # The last build's renderer, unless a template file changed.
    renderer = renderers.get(inputs, last.config, stamps)
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
    todo = sorted(i for i in edited if deps_of[i] != cache[i].deps)
    results: dict[str, Analysed] = {}
    if todo:
        assert tools is not None  # built whenever an article changed (stored_build)
        results = {i: analyse_one(*edited[i], inputs, tools) for i in todo}
    for article_id, result in results.items():  # record the bytes read (see analyse_stage)
        if settle(stamps, result.read):
            seed, editorial = edited[article_id]
            deps_of[article_id] = article_deps(stamps, rel(seed), rel(editorial) if editorial else None)
    replaced: dict[int, Article] = {}
    dead: set[str] = set()
    for article_id, result in results.items():
        index = last.index[article_id]
        before = last.site.articles[index]
        if result.article is None or site_structure(result.article) != site_structure(before):
            return None  # the site model changes (or the seed broke): a full build
        replaced[index] = result.article
        if before.digest != result.article.digest:
            dead.add(before.digest)
    site = with_articles(site, replaced)
    indices = [last.index[i] for i in todo]
    planned = plan_patch(
        site,
        last.site,
        last.urls,
        body_of,
        indices,
        last.reads,
        last.index,
        entities,
        templates,
        last.templates,
    )
    if planned is None:
        return None
    pages, outputs, site = planned  # the rules' links may be made again (plan_patch)
    stale = {d for i in todo for d in cache[i].problems}
    stale.update(last.link_problems, last.limit_problems)
    log = [d for d in last.problems if d not in stale]
    analyses: dict[str, CachedAnalysis] = {}
    bodies = []
    for article_id, result in results.items():
        assert result.article is not None
        log.extend(result.problems)
        analyses[article_id] = CachedAnalysis(
            deps_of[article_id], result.article, result.texts or None, result.problems
        )
        bodies.append((result.article.digest, result.body, result.texts))
    return PatchWork(
        inputs,
        tools,
        site,
        pages,
        outputs,
        analyses,
        bodies,
        log,
        stamps,
        renderer,
        bool(scope.templates),
        dead,
    )


@dataclass(frozen=True)
class StoredBuild:
    """The last build of another process, as a patch of it needs it."""

    changes: set[str]  # the inputs changed since (site-relative)
    last: LastBuild
    analyses: dict[str, CachedAnalysis]  # the cached analyses of the edited articles
    pages: dict[str, PageRecord]  # every page record
    snapshot: Snapshot


def stored_build(
    state: BuildState | None,
    record: BuildRecord,
    stamps_before: dict[str, FileStamp],
    stamps: dict[str, FileStamp],
    config: SiteConfig,
    inputs: SiteInputs,
    out: Path,
    theme: Path,
    entity_cache: ParseCache,
) -> StoredBuild | None:
    """The last build, from the build state and its snapshot, when only inputs a patch may
    scope changed since (``stamps_before`` → ``stamps``); None when a full build is needed.
    Reads only what the patch needs: the edited articles' cached analyses, the page
    records, the articles the patched pages show (lazily: patch.StoredArticles)."""
    blob = state.snapshot() if state is not None else None
    if state is None or blob is None:
        return None
    changes = {
        path
        for path in stamps.keys() | stamps_before.keys()
        if path not in stamps
        or path not in stamps_before
        or stamps[path].digest != stamps_before[path].digest
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
        ids = {Path(rel).stem for rel in changes if is_article_file(rel)}
        cached = {}
        for article_id in ids:
            row = state.article(article_id)
            if row is not None:
                deps, (article, problems) = row
                cached[article.id] = CachedAnalysis(deps, article, None, problems)
        pages = {p: (f, links or None) for p, (f, links) in state.pages().items()}
    except Exception:  # the state is a cache: anything unreadable means a full build
        return None
    tools = None  # what analyses read: needed only when an article changed
    if ids:
        # Their problems are the build on record's.
        tools, _, _ = load_annotators(config, inputs, entity_cache, DiagnosticLog())

    def load(article_id: str) -> Article:
        row = state.article(article_id)
        if row is None:
            raise LookupError(f"no analysis of {article_id} in the build state")
        article: Article = row[1][0]
        return article

    last = restore(snapshot, load, config, inputs, tools, out, theme, list(record.problems), manifest)
    if any(i in last.index and i not in cached for i in ids):
        return None
    return StoredBuild(changes, last, cached, pages, snapshot)
