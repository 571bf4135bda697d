"""The analysis stage of a build: what articles are analysed against (:func:`load_annotators`);
each article whose inputs changed analysed again (on worker processes when there are
many), every other one's cached analysis reused (:func:`analyse_articles`)."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

from sitegen.analysis import Annotators
from sitegen.config import SiteConfig
from sitegen.corrections import Rule, load_rules
from sitegen.diagnostics import DiagnosticLog, warning
from sitegen.entities import Entity, ParseCache, load_registry
from sitegen.incremental import article_deps
from sitegen.keeper import BuildMemory
from sitegen.model import Article
from sitegen.options import Progress
from sitegen.reanalyse import Analysed, AnalysisInputs, CachedAnalysis, analyse_one, invalidated
from sitegen.sources import SiteInputs
from sitegen.stamps import settle
from sitegen.state import FileStamp, unpack_blob
from sitegen.workers import run_tasks


def load_annotators(
    config: SiteConfig, inputs: SiteInputs, entity_cache: ParseCache, log: DiagnosticLog
) -> tuple[Annotators, list[Entity], list[Rule]]:
    """The registry and the correction rules read (their problems to ``log``), and the
    annotators made of them. ``entity_cache``: the registry files parsed in this process."""
    entities, problems = load_registry(inputs.entities, inputs.root, entity_cache)
    log.extend(problems)
    rules, problems = load_rules(inputs.correction_files, inputs.root)
    log.extend(problems)
    return Annotators.build(config, entities, rules, inputs.collections), entities, rules


@dataclass(frozen=True)
class AnalysedArticles:
    articles: list[Article]  # the site's, in the order of the seeds
    analyses: dict[str, CachedAnalysis]  # every article's analysis, by id: the cache to keep
    analysed: list[str]  # ids of the articles analysed again
    settled: bool  # a seed or editorial file changed after it was stamped: the stamps name the bytes read


def analyse_articles(
    inputs: SiteInputs,
    stamps: dict[str, FileStamp],
    tools: Annotators,
    analysis: AnalysisInputs,
    memory: BuildMemory,
    jobs: int,
    progress: Progress | None,
    stream: bool,
    log: DiagnosticLog,
) -> AnalysedArticles:
    """``stream``: bodies and texts go straight to the build state (``memory.state``);
    otherwise (a dry run, or a build without state) bodies are kept in ``memory.bodies``."""
    editorial_paths = {p.stem: p for p in inputs.editorials}
    seed_ids = {p.stem for p in inputs.seeds}
    for article_id, path in editorial_paths.items():
        if article_id not in seed_ids:
            log.add(
                warning(
                    "editorial-orphan",
                    f"no seed 'seeds/{article_id}.txt' matches this editorial "
                    "file; rename it to the id of its seed or remove it",
                    inputs.rel(path),
                )
            )

    last = memory.record.analysis if memory.record is not None else None
    everything, dirty = invalidated(last, analysis, memory.texts)

    # Cached analyses whose inputs are unchanged are reused; the others are redone,
    # on worker processes when there are many.
    def deps(path: Path) -> str:
        editorial = editorial_paths.get(path.stem)
        return article_deps(stamps, inputs.rel(path), inputs.rel(editorial) if editorial else None)

    deps_of: dict[str, str] = {}
    todo: list[Path] = []
    for path in inputs.seeds:
        article_id = path.stem
        deps_of[article_id] = deps(path)
        cached = memory.cache.get(article_id)
        if not (cached and not everything and article_id not in dirty and cached.deps == deps_of[article_id]):
            todo.append(path)

    def task(index: int) -> Analysed:
        path = todo[index]
        return analyse_one(path, editorial_paths.get(path.stem), inputs, tools)

    # Bodies (the rendered text, the largest part of an analysis) and texts go straight to
    # the build state, from which the renderer and the next build read them: memory does
    # not grow with them.
    state = memory.state if stream else None
    to_store: list[tuple[str, bytes, bytes]] = []
    fresh: dict[str, Analysed] = {}
    for index, result in enumerate(run_tasks(task, len(todo), jobs)):
        if result.article is not None:
            if state is not None:
                to_store.append((result.article.digest, result.body, result.texts))
                result = result._replace(body=b"", texts=b"")
            else:
                memory.bodies[result.article.digest] = unpack_blob(result.body)
        if len(to_store) >= 256 and state is not None:
            state.put_bodies(to_store)
            to_store.clear()
        fresh[todo[index].stem] = result
        if index % 1024 == 1023:
            gc.freeze()  # the analyses kept so far: out of the collector's scans
        if progress:
            progress("analyse", index + 1, len(todo))
    if to_store and state is not None:
        state.put_bodies(to_store)
    # The stamps and cache keys must name the bytes each analysis read, not the earlier
    # read of the stamps: a seed rewritten in between is then seen by the next build.
    settled = False
    for path in todo:
        if settle(stamps, fresh[path.stem].read):
            settled = True
            deps_of[path.stem] = deps(path)

    articles: list[Article] = []
    kept: dict[str, CachedAnalysis] = {}
    analysed: list[str] = []
    for path in inputs.seeds:
        article_id = path.stem
        if article_id not in fresh:
            cached = memory.cache[article_id]
            kept[article_id] = cached
            articles.append(cached.article)
            log.extend(cached.problems)
            continue
        result = fresh[article_id]
        log.extend(result.problems)
        if result.article is None:
            continue  # a broken seed is read again next build: its errors come back
        kept[article_id] = CachedAnalysis(
            deps_of[article_id], result.article, result.texts or None, result.problems
        )
        articles.append(result.article)
        analysed.append(article_id)
    return AnalysedArticles(articles, kept, analysed, settled)
