"""What a build keeps between builds (:class:`BuildMemory`): in memory for ``sitegen
serve``, in the build state in ``.sitegen/`` for the next process. The state is read
lazily (a no-op build reads only the stamps and the last build's record); saving writes
back only what a build or patch changed."""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from sitegen.crossref import CrossRefs
from sitegen.diagnostics import Diagnostic, DiagnosticLog, info
from sitegen.incremental import ArticleTexts
from sitegen.model import Article, ArticleBody
from sitegen.patch import Snapshot
from sitegen.produce import PageRecord
from sitegen.reanalyse import CachedAnalysis
from sitegen.record import BuildRecord, decode_record, encode_record
from sitegen.state import BuildState, FileStamp, unpack_blob


def _unreadable(exc: Exception) -> Diagnostic:
    return info("state-rebuilt", f"build state in .sitegen/ could not be read ({exc}); building everything")


class BuildMemory:
    """The build state of one site and what a build read of it; :class:`sitegen.pipeline.Builder`
    holds one for all its builds. ``use_state``: False keeps nothing on disk."""

    def __init__(self, root: Path, use_state: bool) -> None:
        self.root = root
        self.use_state = use_state
        self.loaded = False
        self.state: BuildState | None = None
        self.stamps: dict[str, FileStamp] = {}
        self.cache: dict[str, CachedAnalysis] = {}  # analyses by article id
        self.bodies: dict[str, ArticleBody] = {}  # by digest: those not (yet) in the state
        self.last_read: tuple[str, ArticleBody] | None = None  # the body this process read last
        self.pages: dict[str, PageRecord] = {}  # output path → (fingerprint, packed links)
        self.record: BuildRecord | None = None  # the last build's (record.py)
        self.crossrefs: dict[str, CrossRefs] = {}  # the last build's cross-references, by input key
        self.caches_loaded = True  # nothing to load until a state is opened
        self.pages_loaded = True  # False: self.pages are to be read from the state (load_caches)
        self.changed_analyses: set[str] = set()  # article ids whose cached analysis save() writes
        self.removed_analyses: set[str] = set()
        self.pages_changed: set[str] = set()
        self.pages_removed: set[str] = set()
        self.replace_all_pages = False  # the stored page records are all stale (another output folder)
        self.dead_bodies: set[str] = set()  # bodies of replaced analyses, for a partial cache

    def load_state(self, log: DiagnosticLog) -> None:
        if self.loaded or not self.use_state:
            self.loaded = True
            return
        self.loaded = True
        self.state = BuildState(self.root)
        if self.state.notice:
            log.add(info("state-rebuilt", self.state.notice))
            return
        try:
            self.stamps = self.state.stamps()
            stored = self.state.record()
            self.record = decode_record(*stored) if stored is not None else None
            if self.record is not None:
                self.crossrefs = dict(self.record.crossrefs)
        except Exception as exc:  # the state is a cache: unreadable means start afresh
            log.add(_unreadable(exc))
            self.stamps, self.record = {}, None
            self.state.reset()
            return
        self.caches_loaded = self.pages_loaded = False

    def load_caches(self, log: DiagnosticLog) -> None:
        """Cached analyses and page records: only once a build has work to do (the records
        again after a build that wrote them to the state without keeping them)."""
        if self.state is None or self.state.fresh:
            self.caches_loaded = self.pages_loaded = True
            return
        load_analyses, load_pages = not self.caches_loaded, not self.pages_loaded
        self.caches_loaded = self.pages_loaded = True
        try:
            if load_analyses:
                for article_id, deps, (article, problems) in self.state.articles():
                    self.cache[article_id] = CachedAnalysis(deps, article, None, problems)
            if load_pages:
                self.pages = {p: (f, links or None) for p, (f, links) in self.state.pages().items()}
        except Exception as exc:  # any unreadable record: the state is a cache, start afresh
            log.add(_unreadable(exc))
            self.cache, self.pages, self.record = {}, {}, None
            self.state.reset()

    def texts(self) -> dict[str, ArticleTexts]:
        """Every cached article's texts, read from the state the first time they are needed."""
        for cached in self.cache.values():
            if isinstance(cached.texts, bytes):
                cached.texts = unpack_blob(cached.texts)
        missing = [c for c in self.cache.values() if c.texts is None]
        if missing and self.state is not None:
            stored = dict(self.state.texts())
            for cached in missing:
                cached.texts = stored.get(cached.article.digest)
        return {i: c.texts for i, c in self.cache.items() if isinstance(c.texts, ArticleTexts)}

    def body(self, digest: str) -> ArticleBody:
        body = self.bodies.get(digest)
        if body is None and self.last_read is not None and self.last_read[0] == digest:
            body = self.last_read[1]
        elif body is None and self.state is not None:
            body = self.state.body(digest)  # not kept: a large build never holds every body
            if body is not None:
                # but the last one read: an article's outputs are produced one after the
                # other (its page and source view, its seed copy and export), and decoding a
                # body costs as much as rendering a page on densely corrected text.
                self.last_read = (digest, body)
        if body is None:
            raise LookupError(f"no article body {digest} in the build state")
        return body

    def body_of(self, article: Article) -> ArticleBody:
        """What only the article's own outputs read of its analysis (plan.BodyOf)."""
        return self.body(article.digest)

    def stored_inbound(self) -> dict[str, set[str]] | None:
        """The link index saved with the page records this process read (LinkChecker.inbound)."""
        if self.state is None or self.state.fresh:
            return None
        try:
            blob = self.state.snapshot()
            return pickle.loads(blob).inbound if blob is not None else None
        except Exception:  # a cache: without it, new ids mean checking every page's links
            return None

    def stream_pages(self) -> StreamedPages | None:
        """A sink for the page records of a full build that keeps none in memory (see
        StreamedPages); None without a state."""
        if self.state is None:
            return None
        return StreamedPages(self.state, self.pages, self.replace_all_pages or self.state.fresh)

    def keep(
        self,
        analyses: dict[str, CachedAnalysis],
        pages: dict[str, PageRecord] | StreamedPages,
        stamps: dict[str, FileStamp],
        merged: bool,
        carried: bool,
    ) -> None:
        """What a build made, for the next build and for save(): ``analyses`` by article id and
        page records by output path, every one, or (``merged``: a patch) those made again.
        ``carried``: an earlier patch is not saved yet; its changes are saved with these."""
        changed = {i for i, a in analyses.items() if self.cache.get(i) is not a}
        self.changed_analyses = changed | (self.changed_analyses if carried else set())
        self.removed_analyses = set() if merged else set(self.cache) - set(analyses)
        if merged:
            self.cache.update(analyses)
        else:
            self.cache = analyses
        self.stamps = stamps
        if isinstance(pages, StreamedPages):  # written: save() deletes the records of outputs gone
            pages.flush()
            self.pages_removed = set(self.pages) - pages.paths.keys()
            self.pages_changed = set()
            self.replace_all_pages = False  # done when the stream began
            self.pages, self.pages_loaded = {}, False  # read again by the next build that needs them
            return
        # Only page records that changed are written back to the state (there are tens of
        # thousands in a large archive; rewriting them all cost more than the edit itself).
        changed = {p for p, record in pages.items() if self.pages.get(p) != record}
        self.pages_changed = changed | (self.pages_changed if carried else set())
        self.pages_removed = set() if merged else set(self.pages) - set(pages)
        if self.state is not None and (self.state.fresh or self.replace_all_pages):
            self.pages_changed = set(pages)
        self.pages = {**self.pages, **pages} if merged else pages

    def save(self, snapshot: Snapshot | None = None) -> None:
        if self.state is None:
            return
        assert self.record is not None  # made by the build or patch that saves
        # Every analysis is in the cache, or (a new process's patch) only the edited ones.
        live = {c.article.digest for c in self.cache.values()} if self.caches_loaded else None
        changed = {
            i: (c.deps, (c.article, c.problems)) for i, c in self.cache.items() if i in self.changed_analyses
        }
        self.state.save(
            record=encode_record(self.record),
            stamps=self.stamps,
            analyses=changed,
            removed_analyses=self.removed_analyses,
            live_bodies=live,
            dead_bodies=self.dead_bodies,
            snapshot=pickle.dumps(snapshot, protocol=5) if snapshot is not None else None,
            pages=((p, self.pages[p][0], self.pages[p][1] or b"") for p in self.pages_changed),
            removed_pages=self.pages_removed,
            replace_pages=self.replace_all_pages,
        )
        self.replace_all_pages = False
        self.state.notice = ""  # saved: the next build in this process starts from a complete state
        self.bodies = {
            d: b
            for d, b in self.bodies.items()
            if (d in live if live is not None else d not in self.dead_bodies)
        }
        self.dead_bodies = set()


class StreamedPages:
    """The page records of a full build that keeps none in memory (``sitegen build``; serve
    keeps them, to patch), written to the build state as produce makes them. Held until the
    save, they were the largest part of a large build's memory (7 kB an article, each page's
    packed links, which the link check reads once more: through :attr:`links`). They join the
    transaction that save() commits, so a build that stops before it leaves the stored records
    as they were (Builder.build discards the rest): never records of outputs the stored build
    record does not describe. Produce sets ``records[path] = record``."""

    BATCH = 1000  # records written at a time

    def __init__(self, state: BuildState, previous: Mapping[str, PageRecord], replace: bool) -> None:
        self.state = state
        self.previous = previous  # the records stored: only those that differ are written
        self.paths: dict[str, bool] = {}  # every output recorded, in order: whether it has links
        self.batch: list[tuple[str, str, bytes]] = []
        self.links = StoredLinks(self)
        state.put_pages((), replace)

    def __setitem__(self, path: str, record: PageRecord) -> None:
        self.paths[path] = record[1] is not None
        if self.previous.get(path) != record:
            self.batch.append((path, record[0], record[1] or b""))
            if len(self.batch) >= self.BATCH:
                self.flush()

    def __contains__(self, path: object) -> bool:
        return path in self.paths

    def flush(self) -> None:
        if self.batch:
            self.state.put_pages(self.batch)
            self.batch = []


class StoredLinks:
    """The packed links of a :class:`StreamedPages` build as its link checker reads them
    (linkcheck.LinkStore): the pages that have links, each read back from its record."""

    def __init__(self, pages: StreamedPages) -> None:
        self.pages = pages

    def __setitem__(self, page: str, packed: bytes) -> None:
        """Nothing to hold: produce puts the same bytes in the page's record."""

    def __getitem__(self, page: str) -> bytes:
        self.pages.flush()
        packed = self.pages.state.page_links(page) if self.pages.paths.get(page) else None
        if not packed:
            raise KeyError(page)
        return packed

    def __contains__(self, page: object) -> bool:
        return isinstance(page, str) and self.pages.paths.get(page, False)

    def __iter__(self) -> Iterator[str]:
        return (page for page, linked in self.pages.paths.items() if linked)

    def items(self) -> Iterable[tuple[str, bytes]]:
        self.pages.flush()
        paths = self.pages.paths
        return ((page, packed) for page, packed in self.pages.state.all_page_links() if paths.get(page))
