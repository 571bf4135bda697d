"""Rebuild after edits of article texts alone: the fast path of a kept builder.

A full incremental build plans every page of the site to find the few whose inputs
changed: O(archive) work for a one-word edit. ``sitegen serve`` knows which files
changed (its watcher reports them). When they are only seeds and editorial files of
published articles, and the edit leaves unchanged everything that pages other than
the article's own show of it (:func:`shown_elsewhere`), the only outputs whose
inputs can have changed are the article's own four and the entity pages whose
snippet of it changed. Those are planned and produced; every other output and the
site model stand. Anything else is a full build. The property test
(tests/test_incremental.py) holds this path, too, equal to a clean build.

A new ``sitegen build`` process patches too, from a :class:`Snapshot` that every build
saves with its state: the site model but its articles, and what the link check and
GitHub Pages' limits found. Reading every cached analysis back would cost more than
the patch (2 s at 10,000 articles), so :class:`StoredArticles` reads an article from
the state only when a page being patched shows it.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from sitegen.analysis import Annotators
from sitegen.config import SiteConfig
from sitegen.diagnostics import Diagnostic
from sitegen.model import Article
from sitegen.plan import FilePlan, PageKeys, PagePlan, SeedBytes, plan_article, site_context
from sitegen.plan_archive import MentionGroups, plan_entity
from sitegen.site import Site
from sitegen.sources import CONTENT_DIR, SEEDS_DIR, SiteInputs
from sitegen.urls import UrlBuilder

EDITORIAL_DIR = CONTENT_DIR + "/articles"


@dataclass
class LastBuild:
    """What a kept builder remembers of its last build, to patch it."""

    config: SiteConfig
    inputs: SiteInputs
    tools: Annotators
    site: Site
    urls: UrlBuilder
    out: Path
    theme: Path
    problems: list[Diagnostic]  # the whole log but the notice that the state was rebuilt
    link_problems: list[Diagnostic]
    limit_problems: list[Diagnostic]  # GitHub Pages' limits (sizes change with every write)
    manifest: dict[str, str]  # every output and its manifest entry
    sizes: dict[str, int]  # bytes of the outputs by kind, for the report and the host's limit
    foreign: set[str]  # files in the output folder that sitegen did not write
    index: dict[str, int] = field(default_factory=dict)  # article id → index in site.articles
    seeds: dict[str, Path] = field(default_factory=dict)  # by article id
    editorials: dict[str, Path] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.index:  # a patch keeps the order of the articles and the set of files
            self.index = {article_id: i for i, article_id in enumerate(article_ids(self.site.articles))}
            self.seeds = {p.stem: p for p in self.inputs.seeds}
            self.editorials = {p.stem: p for p in self.inputs.editorials}


def edited_articles(changes: Collection[str], last: LastBuild) -> dict[str, tuple[Path, Path | None]] | None:
    """The published articles whose seed or editorial file ``changes`` name: (seed, editorial
    file) by id. None when a change is anything else: a file added or deleted, an entity, a
    rule, a page, a template, an asset, the configuration."""
    found: dict[str, tuple[Path, Path | None]] = {}
    for rel in changes:
        folder, _, name = rel.rpartition("/")
        if folder == SEEDS_DIR and name.endswith(".txt"):
            article_id = name[: -len(".txt")]
        elif folder == EDITORIAL_DIR and name.endswith(".md"):
            article_id = name[: -len(".md")]
            if article_id not in last.editorials:
                return None  # a new editorial file
        else:
            return None
        seed = last.seeds.get(article_id)
        editorial = last.editorials.get(article_id)
        if article_id not in last.index or seed is None:
            return None  # a new seed, or one that did not build last time
        if not seed.is_file() or (editorial is not None and not editorial.is_file()):
            return None  # deleted
        found[article_id] = (seed, editorial)
    return found


def shown_elsewhere(article: Article) -> tuple[Any, ...]:
    """What pages other than the article's own read of it: listings, feed and sitemap (title,
    URL, date, summary, tags), related and neighbour links, the cross-references and entity
    cards (what it mentions, in order, and is about), the ledger (its corrections, and its
    rule matches awaiting review). Entity
    pages also read the context of its mentions: :func:`plan_patch` compares those."""
    return (
        article.id,
        article.url,
        article.title,
        article.date,
        article.summary,
        article.tags,
        article.about,
        article.seed_path,
        article.editorial_path,
        tuple(m.entity for m in article.mentions),
        article.footnotes,
        tuple((p.footnote, p.ref, p.source, p.replacement) for p in article.places),
        tuple((p.collection, p.places) for p in article.pending),  # the ledger's awaiting-review part
    )


def plan_patch(
    site: Site, old_site: Site, urls: UrlBuilder, seed_bytes: SeedBytes, indices: list[int]
) -> tuple[list[PagePlan], list[FilePlan]]:
    """The outputs an edit of the articles at ``indices`` can change: their own, and the
    entity pages that list one of them with other snippets than before."""
    keys, old_keys = PageKeys(site, urls), PageKeys(old_site, urls)
    site_ctx = site_context(site, urls)
    pages: list[PagePlan] = []
    files: list[FilePlan] = []
    per_page = site.config.entities.per_page
    listed: dict[str, set[int]] = {}  # entity id → numbers of its pages to plan
    for index in sorted(indices):
        article_pages, article_files = plan_article(site, urls, seed_bytes, keys, index, site_ctx)
        pages += article_pages
        files += article_files
        before = old_keys.snippets(index)
        for entity_id, snippets in keys.snippets(index).items():
            if before.get(entity_id) != snippets:
                position = site.refs.entity_articles[entity_id].index(index)
                listed.setdefault(entity_id, set()).add(position // per_page + 1)
    groups = MentionGroups(site)
    for entity_id in sorted(listed):
        pages += plan_entity(site, urls, keys, entity_id, site_ctx, groups, listed[entity_id])
    return pages, files


# -- the last build of another process ------------------------------------------------------------


class StoredArticles(Sequence[Article]):
    """The site's articles in order, each read from the build state when first asked for."""

    def __init__(
        self, ids: Sequence[str], load: Callable[[str], Article], replaced: dict[int, Article] | None = None
    ) -> None:
        self.ids = tuple(ids)
        self.load = load
        self.replaced = replaced or {}
        self.loaded: dict[int, Article] = {}

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Article: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Article]: ...
    def __getitem__(self, index: int | slice) -> Article | Sequence[Article]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(len(self.ids))[index])
        if index < 0:
            index += len(self.ids)
        found = self.replaced.get(index) or self.loaded.get(index)
        if found is None:
            found = self.loaded[index] = self.load(self.ids[index])  # IndexError past the end
        return found

    def __iter__(self) -> Iterator[Article]:
        return (self[i] for i in range(len(self.ids)))


def article_ids(articles: Sequence[Article]) -> Sequence[str]:
    return articles.ids if isinstance(articles, StoredArticles) else [a.id for a in articles]


def with_articles(site: Site, replaced: dict[int, Article]) -> Site:
    """``site`` with the articles at some indices replaced (the order stays)."""
    articles = site.articles
    if isinstance(articles, StoredArticles):
        stored = StoredArticles(articles.ids, articles.load, {**articles.replaced, **replaced})
        stored.loaded = articles.loaded
        return dataclasses.replace(site, articles=stored)  # type: ignore[arg-type]
    changed = list(articles)
    for index, article in replaced.items():
        changed[index] = article
    return dataclasses.replace(site, articles=tuple(changed))


@dataclass(frozen=True)
class Snapshot:
    """What a new process needs of the last build to patch it, besides the build state."""

    setup: str  # see setup_of(): a snapshot taken with other settings is not used
    order: tuple[str, ...]  # the ids of site.articles
    shell: bytes  # the site model without its articles, pickled (patches do not change it)
    link_problems: list[Diagnostic]
    limit_problems: list[Diagnostic]
    sizes: dict[str, int]
    foreign: set[str]
    inbound: dict[str, set[str]] | None  # LinkChecker.inbound


def setup_of(config: SiteConfig, out: Path, theme: Path, search: bool) -> str:
    """The settings a build's pages depend on beyond its input files (command-line options
    change the configuration without a file changing)."""
    return repr((config, str(out), str(theme), search))


def take_snapshot(
    last: LastBuild, inbound: dict[str, set[str]] | None, shell: bytes | None = None
) -> Snapshot:
    """``shell``: the pickled shell of an earlier snapshot of the same site model."""
    if shell is None:
        shell = pickle.dumps(dataclasses.replace(last.site, articles=()), protocol=5)
    return Snapshot(
        setup_of(last.config, last.out, last.theme, last.site.search),
        tuple(article_ids(last.site.articles)),
        shell,
        last.link_problems,
        last.limit_problems,
        last.sizes,
        last.foreign,
        inbound,
    )


def restore(
    snapshot: Snapshot,
    load: Callable[[str], Article],
    config: SiteConfig,
    inputs: SiteInputs,
    tools: Annotators,
    out: Path,
    theme: Path,
    problems: list[Diagnostic],
    manifest: dict[str, str],
) -> LastBuild:
    """The last build as a patch needs it: ``snapshot`` with articles read by ``load``, and
    what this process read again (the configuration, the input files, the output manifest)."""
    shell: Site = pickle.loads(snapshot.shell)
    site = dataclasses.replace(shell, articles=StoredArticles(snapshot.order, load))  # type: ignore[arg-type]
    return LastBuild(
        config,
        inputs,
        tools,
        site,
        UrlBuilder(config),
        out,
        theme,
        problems,
        snapshot.link_problems,
        snapshot.limit_problems,
        manifest,
        snapshot.sizes,
        snapshot.foreign,
    )
