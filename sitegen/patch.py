"""Rebuild after edits a patch can scope: the fast path of a kept builder.

A full incremental build plans every page of the site to find the few whose inputs
changed: O(archive) work for a one-word edit. ``sitegen serve`` knows which files
changed (its watcher reports them); a new process knows it from the stamps. A patch
plans and produces only the outputs an edit can change (:func:`scope_of` says which
edits it can scope, :func:`plan_patch` which outputs they reach); every other output
and the site model stand. Anything else is a full build. The edits it scopes:

- seeds and editorial files of published articles, when the edit leaves the site model's
  structure as it was (:func:`site_structure`): the article's own outputs, the entity
  pages whose row of it changed, and, when its link or summary changed, the pages that
  read them, as they recorded it when they were planned (``PageReads.links``,
  ``PageReads.summaries``);
- entity files, when no entity is added or removed and every form it is matched by
  stays (so no analysis changes): the entity's pages, the entity index and cards, and,
  when what other pages show of it changed (its card), the pages that read it, as they
  recorded it when they were planned (:class:`sitegen.plan.keys.PageReads`);
- template files: the pages rendered with a template that loads one of them, as the
  last build recorded them (:func:`pages_by_template`), planned again by the planners
  the last build recorded as their makers (``PageReads.templates``, the very planners of
  a full build: plan.site.PAGE_PLANNERS); pages made outside them (redirects) take a
  full build.

The property test (tests/test_incremental.py) holds this path, too, equal to a clean
build.

A new ``sitegen build`` process patches too, from a :class:`Snapshot` that every build
saves with its state: the site model but its articles, and what the link check and
GitHub Pages' limits found. Reading every cached analysis back would cost more than
the patch (2 s at 10,000 articles), so :class:`StoredArticles` reads an article from
the state only when a page being patched shows it.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, overload

from sitegen.analysis import Annotators
from sitegen.config import SiteConfig
from sitegen.diagnostics import Diagnostic
from sitegen.model import Article
from sitegen.pending import awaiting
from sitegen.plan.archive import (
    MentionGroups,
    cards_file,
    entity_row,
    plan_entity,
    plan_entity_index,
)
from sitegen.plan.article import ArticlePlanner
from sitegen.plan.keys import ARTICLE_READS, PageKeys, PageReads, PageUnit
from sitegen.plan.ledger import NOTES_UNIT, ledger_index, notes_file, rule_links
from sitegen.plan.publish import FEED_UNIT, feed_file
from sitegen.plan.records import BodyOf, FilePlan, PagePlan, site_context
from sitegen.plan.site import LEDGER_UNIT, PAGE_PLANNERS, Planning, run_planner
from sitegen.site import Placement, Site, placement
from sitegen.sources import CONTENT_DIR, SEEDS_DIR, TEMPLATES_DIR, SiteInputs
from sitegen.urls import UrlBuilder

EDITORIAL_DIR = CONTENT_DIR + "/articles"


@dataclass
class LastBuild:
    """What a kept builder remembers of its last build, to patch it."""

    config: SiteConfig
    inputs: SiteInputs
    tools: Annotators | None  # None: a new process's patch of templates alone does not need them
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
    templates: dict[str, frozenset[str]]  # template name → the pages rendered with it (pages_by_template)
    reads: PageReads  # what the pages read of other parts of the site, recorded as they were planned
    index: dict[str, int] = field(default_factory=dict)  # article id → index in site.articles
    seeds: dict[str, Path] = field(default_factory=dict)  # by article id
    editorials: dict[str, Path] = field(default_factory=dict)
    entity_files: dict[str, Path] = field(default_factory=dict)  # by site-relative path

    def __post_init__(self) -> None:
        if not self.index:  # a patch keeps the order of the articles and the set of files
            self.index = {article_id: i for i, article_id in enumerate(article_ids(self.site.articles))}
            self.seeds = {p.stem: p for p in self.inputs.seeds}
            self.editorials = {p.stem: p for p in self.inputs.editorials}
            self.entity_files = {self.inputs.rel(p): p for p in self.inputs.entities}


@dataclass(frozen=True)
class Scope:
    """The edits of one patch (:func:`scope_of`)."""

    articles: dict[str, tuple[Path, Path | None]]  # (seed, editorial file) by article id
    registry: tuple[str, ...] = ()  # entity files edited (site-relative)
    templates: frozenset[str] = frozenset()  # names of template files added, edited or deleted
    template_files: tuple[str, ...] = ()  # those files (site-relative)


def template_name(rel: str, inputs: SiteInputs) -> str | None:
    """The template name of a site-relative path in one of the template folders, or None."""
    # The site's folder too when it does not exist yet: a first override creates it.
    for directory in (inputs.root / TEMPLATES_DIR, *inputs.template_dirs):
        if directory.is_relative_to(inputs.root):
            prefix = directory.relative_to(inputs.root).as_posix() + "/"
            if rel.startswith(prefix):
                return rel[len(prefix) :]
    return None


def scope_of(changes: Collection[str], last: LastBuild) -> Scope | None:
    """What ``changes`` (site-relative paths) edit, when a patch can rebuild it; None when a
    change is anything else: a seed or editorial file added or deleted, an entity file added
    or deleted, a rule, a page, an asset, the configuration."""
    articles: dict[str, tuple[Path, Path | None]] = {}
    registry: list[str] = []
    templates: dict[str, str] = {}
    entity_files = last.entity_files
    for rel in changes:
        folder, _, name = rel.rpartition("/")
        if rel in entity_files:
            if not entity_files[rel].is_file():
                return None  # deleted
            registry.append(rel)
            continue
        template = template_name(rel, last.inputs)
        if template is not None:
            templates[rel] = template
            continue
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
        articles[article_id] = (seed, editorial)
    return Scope(articles, tuple(sorted(registry)), frozenset(templates.values()), tuple(sorted(templates)))


def is_article_file(rel: str) -> bool:
    """Whether a site-relative path is in the folder of seeds or of editorial files."""
    return rel.startswith((SEEDS_DIR + "/", EDITORIAL_DIR + "/"))


def could_patch(changes: Collection[str], inputs: SiteInputs) -> bool:
    """Whether every change is of a kind :func:`scope_of` may scope (the cheap test first)."""
    entity_files = {inputs.rel(p) for p in inputs.entities}
    return all(
        is_article_file(c) or c in entity_files or template_name(c, inputs) is not None for c in changes
    )


def pages_by_template(pages: Iterable[PagePlan]) -> dict[str, frozenset[str]]:
    """The pages of a build by the template each is rendered with: what a template edit
    re-renders (recorded from the plans, not declared)."""
    found: dict[str, set[str]] = {}
    for page in pages:
        found.setdefault(page.template, set()).add(page.path)
    return {template: frozenset(paths) for template, paths in found.items()}


def site_structure(article: Article) -> tuple[Placement, int]:
    """What a patch keeps of the site, of one article: its placement (site.placement: all
    the site model is made of) and how many of its rule matches await review (pending.
    awaiting: the build's summary line counts them). What other pages show besides (its
    link, summary and corrections) they read through PageKeys, which records which pages
    read each (keys.ARTICLE_READS): :func:`plan_patch` plans those."""
    return placement(article), awaiting(article)


class PatchPlan(NamedTuple):
    pages: list[PagePlan]
    files: list[FilePlan]
    site: Site  # the site model patched: the edits' articles, the rules' links made again


@dataclass
class _Reach:
    """The pages a patch plans because they read what an edit changed (as recorded)."""

    index_of: Mapping[str, int]
    entities: Collection[str]  # the site's entity ids
    articles: set[int] = field(default_factory=set)  # articles whose outputs read it
    listed: dict[str, set[int]] = field(default_factory=dict)  # entity id → its page numbers
    planners: set[str] = field(default_factory=set)  # PAGE_PLANNERS whose pages read it
    files: set[PageUnit] = field(default_factory=set)  # FEED_UNIT, NOTES_UNIT

    def take(self, units: Iterable[PageUnit]) -> bool:
        """False for a reader a patch cannot plan apart (then: a full build)."""
        for unit in units:
            if unit.kind == "article" and unit.id in self.index_of:
                self.articles.add(self.index_of[unit.id])
            elif unit.kind == "entity" and unit.id in self.entities:
                self.listed.setdefault(unit.id, set()).add(unit.number)
            elif unit.kind == "planner" and unit.id in PAGE_PLANNERS:
                self.planners.add(unit.id)
            elif unit in (FEED_UNIT, NOTES_UNIT):
                self.files.add(unit)
            else:
                return False
        return True


def plan_patch(
    site: Site,
    old_site: Site,
    urls: UrlBuilder,
    body_of: BodyOf,
    indices: list[int],
    reads: PageReads,
    index_of: Mapping[str, int],
    entities: Collection[str] = (),
    templates: Mapping[str, frozenset[str]] | None = None,
    pages_of: Mapping[str, frozenset[str]] | None = None,
) -> PatchPlan | None:
    """The outputs a patch can change: those of the edited articles at ``indices`` and the
    entity pages that list one of them with other rows than before; those that read what
    changed of an edited article (keys.ARTICLE_READS), of the rules' links the ledger gives
    (when an edit changed the ledger), or the card of an ``entities`` edited (as the last
    build recorded them: ``reads``; articles by ``index_of`` their id), the entity's own
    pages and the index; the pages of ``templates`` (name → the pages the last build
    rendered with it). A planner planned again must plan the pages it planned in the last
    build (``pages_of``: every template's, LastBuild.templates): a page that comes or goes
    changes the sitemap and the output's files. What is planned is recorded in ``reads``
    too. None when those cannot be planned apart: a full build."""
    keys, old_keys = PageKeys(site, urls, reads), PageKeys(old_site, urls)
    reach = _Reach(index_of, site.entities)
    changed = [reads.readers("cards", e) for e in entities if keys.card(e) != old_keys.card(e)] + [
        reads.readers(table, site.articles[i].id)
        for i in indices
        for table, shown in ARTICLE_READS.items()
        if shown(site.articles[i]) != shown(old_site.articles[i])
    ]
    if not all(reach.take(units) for units in changed):
        return None
    ledger = None
    if "ledger" in reach.planners:  # an edit shows there: the ledger's index made again
        with keys.reading(LEDGER_UNIT):
            ledger = ledger_index(site, keys)
        links = rule_links(site, ledger)
        moved = {k for k in links.keys() | site.rule_links.keys() if links.get(k) != site.rule_links.get(k)}
        if moved and not (links and site.rule_links):
            return None  # the notes file comes or goes: a full build writes or removes it
        if moved:  # rules' entries on other ledger pages: the pages that link them
            site = dataclasses.replace(site, rule_links=links)
            keys = PageKeys(site, urls, reads)
            if not all(reach.take(reads.readers("rule_links", k)) for k in sorted(moved)):
                return None
    site_ctx = site_context(site, urls)
    groups = MentionGroups(site)
    pages: list[PagePlan] = []
    files: list[FilePlan] = []
    if entities:
        pages.append(plan_entity_index(site, urls, site_ctx))
        cards = cards_file(site)
        if cards is None:
            return None  # the cards file goes: a full build removes it
        files.append(cards)
    planner = ArticlePlanner(site, urls, body_of, keys, site_ctx)
    for index in sorted(set(indices) | reach.articles):
        article_pages, article_files = planner.plan(index)
        pages += article_pages
        files += article_files
    # The entity pages that list an edited article: compared by the row they show of it,
    # with its snippet (shown on some pages only; the edit kept the entities it mentions).
    old_groups = MentionGroups(old_site)
    per_page = site.config.entities.per_page
    for index in indices:
        for entity_id in (m.entity for m in site.articles[index].mentioned):
            row = entity_row(keys, groups, index, entity_id, True)
            if row != entity_row(old_keys, old_groups, index, entity_id, True):
                position = site.refs.entity_articles[entity_id].index(index)
                reach.listed.setdefault(entity_id, set()).add(position // per_page + 1)
    for entity_id in sorted(reach.listed.keys() | set(entities)):
        numbers = None if entity_id in entities else reach.listed[entity_id]  # an edited entity: all
        pages += plan_entity(site, urls, keys, entity_id, site_ctx, groups, numbers)
    planning = Planning(site, urls, keys, site_ctx, groups, body_of, ledger)
    made: dict[str, list[PagePlan]] = {}  # planner name → its pages: each planner runs once
    for name in sorted(reach.planners):
        made[name] = run_planner(name, planning)[0]
        pages += made[name]
    if FEED_UNIT in reach.files:
        files.append(feed_file(site, urls, keys))
    if NOTES_UNIT in reach.files:
        if not site.rule_links:
            return None  # the notes file goes: a full build removes it
        files.append(notes_file(site, urls, keys))
    # An edited template: the pages of the planners that made its pages in the last build
    # (as recorded), the very pages the last build rendered with it, or a full build.
    for template, recorded in sorted((templates or {}).items()):
        names = sorted(reads.templates.get(template, ()))
        if any(name not in PAGE_PLANNERS for name in names):
            return None
        for name in names:
            if name not in made:
                made[name] = run_planner(name, planning)[0]
        planned = [p for name in names for p in made[name] if p.template == template]
        if {p.path for p in planned} != recorded:
            return None
        pages += planned
    if not _same_pages(made, reads, {**(pages_of or {}), **(templates or {})}):
        return None
    planned_paths: set[str] = set()  # a page two edits reach is planned once
    unique = []
    for page in pages:
        if page.path not in planned_paths:
            planned_paths.add(page.path)
            unique.append(page)
    reads.close()
    return PatchPlan(unique, files, site)


def _same_pages(
    made: Mapping[str, list[PagePlan]], reads: PageReads, pages_of: Mapping[str, frozenset[str]]
) -> bool:
    """The planners planned again (``made``) planned the very pages of the last build, for
    every template they render with (which the last build recorded: ``reads.templates``)."""
    used = {p.template for planned in made.values() for p in planned}
    for template in used | {t for t, names in reads.templates.items() if names & made.keys()}:
        names = reads.templates.get(template, set())
        if not names or not names <= made.keys():
            return False  # another planner makes pages with it too: its pages are not all here
        planned = {p.path for name in names for p in made[name] if p.template == template}
        if planned != pages_of.get(template, frozenset()):
            return False
    return True


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


def same_shell(site: Site, other: Site) -> bool:
    """Whether two site models differ in their articles alone (a patch replaces whatever it
    changes, so identity tells): only then may a snapshot reuse the other's pickled shell."""
    shell = [f.name for f in dataclasses.fields(site) if f.name != "articles"]
    return all(getattr(site, name) is getattr(other, name) for name in shell)


@dataclass(frozen=True)
class Snapshot:
    """What a new process needs of the last build to patch it, besides the build state."""

    setup: str  # see setup_of(): a snapshot taken with other settings is not used
    order: tuple[str, ...]  # the ids of site.articles
    shell: bytes  # the site model without its articles, pickled (same_shell: reused while it holds)
    link_problems: list[Diagnostic]
    limit_problems: list[Diagnostic]
    sizes: dict[str, int]
    foreign: set[str]
    inbound: dict[str, set[str]] | None  # LinkChecker.inbound
    templates: dict[str, frozenset[str]]  # LastBuild.templates
    reads: PageReads  # LastBuild.reads


SNAPSHOT_FORMAT = 4  # 2: the pages by template; 3: the pages' recorded reads; 4: of articles too


def setup_of(config: SiteConfig, out: Path, theme: Path, search: bool) -> str:
    """The settings a build's pages depend on beyond its input files (command-line options
    change the configuration without a file changing)."""
    return repr((SNAPSHOT_FORMAT, config, str(out), str(theme), search))


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
        last.templates,
        last.reads,
    )


def restore(
    snapshot: Snapshot,
    load: Callable[[str], Article],
    config: SiteConfig,
    inputs: SiteInputs,
    tools: Annotators | None,
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
        snapshot.templates,
        snapshot.reads,
    )
