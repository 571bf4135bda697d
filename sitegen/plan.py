"""Plan the output: for every page, its URL, template and explicit context.

A context holds plain data only (strings, numbers, lists, dicts), so a page
is a pure function of (template, context) and the plan can be fingerprinted.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.budget import ANNOTATIONS, OTHER, SEED_COPIES
from sitegen.entities import KINDS, Entity
from sitegen.highlight import source_listing
from sitegen.linkcheck import html_ids
from sitegen.markdown import link_lines, render_markdown
from sitegen.model import Article, Footnote, note_anchor
from sitegen.pageparts import footnotes_html, sidebar_html
from sitegen.site import Site
from sitegen.urls import UrlBuilder, output_path, relative
from sitegen.webannotation import EXPORT_NAME

Context = dict[str, Any]
# The bytes of an article's seed as its analysis read them (model.ArticleBody.source): the
# outputs made of the seed come from them, never from the file read again.
SeedBytes = Callable[[Article], bytes]
KIND_LABELS = {
    "person": "People",
    "organization": "Organisations",
    "place": "Places",
    "event": "Events",
    "other": "Other",
}


@dataclass(frozen=True, slots=True)
class PagePlan:
    url: str  # site-relative
    template: str
    # The explicit context, or a function that builds it: large contexts (articles, entity
    # pages) are built only when the page is fingerprinted, in the worker that renders it,
    # and dropped after, so a build never holds every page's context at once.
    context: Context | Callable[[], Context]
    sources: tuple[str, ...]  # the input files this page is mostly about (for diagnostics)
    link_lines: dict[str, int] = field(default_factory=dict)  # href -> line in sources[0] (from Markdown)
    # Context values too big to build for every page on every build: (context key, reference).
    # A reference names its value by content (an article's digest), so
    # the page stays a pure function of its context; the renderer fills them in (render.py).
    lazy: tuple[tuple[str, str], ...] = ()
    # For a context built on demand: a digest of everything the builder reads (the page's
    # inputs), so an unchanged page is recognised without building its context. The
    # incremental property test (tests/test_incremental.py) holds it complete.
    key: str = ""
    # The ids the page has and the links it holds beyond those its template writes through
    # the url filter (which records them): made from the same data as the page, given its
    # full context (lazy values in), so the link check need not read the page's HTML.
    made: Callable[[Context], tuple[Iterable[str], Iterable[str]]] | None = None

    @property
    def path(self) -> str:
        return output_path(self.url)

    def make_context(self) -> Context:
        return self.context() if callable(self.context) else self.context


@dataclass(frozen=True, slots=True)
class FilePlan:
    """A file copied or generated without a template.

    ``fingerprint`` names everything the bytes depend on; ``produce`` makes them only
    when the fingerprint changed since the last build.
    """

    path: str
    fingerprint: str
    produce: Callable[[], bytes]
    kind: str = OTHER  # kind of output, for the byte budget (budget.py)


AWAITING_PATH = "corrections/awaiting/"  # the ledger's rule matches awaiting review (ledger.plan_ledger)
NOTES_PATH = "corrections/notes.jsonld"  # site-wide rules' notes by ledger anchor (ledger.notes_file)
CARDS_PATH = "entities/cards.json"  # entities' descriptions by id (plan_archive.cards_file)


def digest_of(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def data_file(path: str, data: bytes, kind: str = OTHER) -> FilePlan:
    return FilePlan(path, hashlib.blake2b(data, digest_size=16).hexdigest(), lambda: data, kind)


# An article as a link shows it (listings, related and neighbouring articles): title, URL, date.
Link = tuple[str, str, str]


def link_of(article: Article) -> Link:
    return (article.title, article.url, article.date.isoformat())


def link_context(link: Link) -> Context:
    return {"title": link[0], "url": link[1], "date": link[2]}


def article_link(article: Article) -> Context:
    return link_context(link_of(article))


@dataclass(frozen=True, slots=True)
class EntityCard:
    """What pages other than an entity's own show of it: sidebars and JSON-LD. Its
    description is in entities/cards.json: they show only whether it has one."""

    id: str
    name: str
    kind: str
    described: bool
    wikidata: str

    def parts(self) -> tuple[str, str, str, bool, str]:
        return (self.id, self.name, self.kind, self.described, self.wikidata)


def entity_card(entity: Entity) -> EntityCard:
    return EntityCard(entity.id, entity.name, entity.kind, bool(entity.description), entity.wikidata or "")


@dataclass(frozen=True, slots=True)
class ArticlePageInputs:
    """Everything an article's page shows. :func:`article_context` is given this and reads
    nothing else, so :meth:`key` names the page's inputs by construction, not by a list kept
    beside the code that reads them."""

    article: Article  # its analysis: the key names it by its digest
    older: Link | None
    newer: Link | None
    related: tuple[Link, ...]
    cards: dict[str, EntityCard]  # the entities it mentions or is about, by id
    why: dict[str, str]  # correction key → its ledger entry (a site-wide rule's note)
    publisher: str

    def key(self, shared: str) -> str:
        return data_key(
            "article",
            shared,
            self.article.digest,
            self.older,
            self.newer,
            self.related,
            [self.cards[e].parts() for e in sorted(self.cards)],
            sorted(self.why.items()),
            self.publisher,
        )


def article_inputs(site: Site, index: int, keys: PageKeys) -> ArticlePageInputs:
    """What the page of article ``index`` shows of the site (``keys`` makes each entity's
    card and each article's link once)."""
    article = site.articles[index]
    entities = {m.entity for m in article.mentions} | set(article.about)
    rule_links = site.rule_links
    count = len(site.articles)
    return ArticlePageInputs(
        article,
        keys.link(index + 1) if index + 1 < count else None,  # older: the list is newest first
        keys.link(index - 1) if index > 0 else None,
        tuple(keys.link(i) for i in site.refs.related[index]),
        {e: keys.entity_card(e) for e in sorted(entities)},
        {n.correction: rule_links[n.correction] for n in article.footnotes if n.correction in rule_links},
        site.config.publisher,
    )


def site_context(site: Site, urls: UrlBuilder) -> Context:
    config = site.config
    return {
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "publisher": config.publisher,
        "base_url": urls.full(""),
        "nav": [{"title": p.title, "url": p.id + "/"} for p in site.pages],
        "search": "search/" if site.search else "",
        "feed": "feed.xml" if urls.origin else "",  # feeds need absolute URLs (feeds.py)
    }


def page_context(
    url: str, title: str, kind: str, urls: UrlBuilder, description: str = "", absolute_links: bool = False
) -> Context:
    return {
        "url": url,
        "title": title,
        "kind": kind,
        "canonical": urls.full(url),
        "description": description,
        "absolute_links": absolute_links,
    }


def paged_url(base: str) -> Callable[[int], str]:
    """URLs of a paginated listing: ``base`` for page 1, then ``base/page/N/``."""

    def url_of(number: int) -> str:
        return base if number == 1 else f"{base}page/{number}/"

    return url_of


def paginate(
    items: list[Any], per_page: int, url_of: Callable[[int], str]
) -> list[tuple[str, list[Any], Context]]:
    """Split a list into pages: (url, items, pagination context) per page; at least one page."""
    chunks = [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        pagination = {
            "number": number,
            "total": len(chunks),
            "previous": url_of(number - 1) if number > 1 else None,
            "next": url_of(number + 1) if number < len(chunks) else None,
        }
        pages.append((url_of(number), chunk, pagination))
    return pages


def _sidebar(article: Article, cards: dict[str, EntityCard]) -> list[Context]:
    stats: dict[str, list[Any]] = {}
    for position, mention in enumerate(article.mentions):
        entry = stats.setdefault(mention.entity, [0, position, mention.anchor])
        entry[0] += 1
    groups = []
    for kind in KINDS:
        members = [(e, s) for e, s in stats.items() if cards[e].kind == kind]
        members.sort(key=lambda item: (-item[1][0], item[1][1]))
        if members:
            groups.append(
                {
                    "kind": kind,
                    "label": KIND_LABELS[kind],
                    "entities": [
                        {
                            "id": e,
                            "name": cards[e].name,
                            "count": s[0],
                            "url": f"entities/{e}/",
                            "first": s[2],
                        }
                        for e, s in members
                    ],
                }
            )
    return groups


def _note_kind(note: Footnote) -> tuple[str, str]:
    """Type and category of a note, as the page names them."""
    return ("Error" if note.type == "error" else "Regularisation"), note.category or "other"


def _kind_label(kind: tuple[str, str], common: tuple[str, str] | None = None) -> str:
    """How a note states its kind: the type, and its category where it differs from the
    common one (the key states the common kind, whose category 'other' goes without saying)."""
    if kind == common:
        return ""
    if common is not None and kind[1] == common[1]:
        return kind[0]
    return kind[0] if common is None and kind[1] == "other" else f"{kind[0]} ({kind[1]})"


def _note_meta(note: Footnote) -> tuple[str, str, str]:
    """Evidence, certainty and responsibility of a note, as the page states them."""
    return (
        f"evidence {note.evidence}" if note.evidence else "no evidence stated",
        f"certainty {note.cert}",
        f"by {note.resp}" if note.resp else "no editor named",
    )


def _footnotes(article: Article, why: dict[str, str]) -> tuple[list[Context], str, str]:
    """The footnotes, the kind most of them have, and what most say of evidence, certainty
    and responsibility: each stated once above the list, and in a note only where it differs
    (the 601 notes of the example are mostly alike: 24 KB less); a note whose type differs
    but not its category names the type alone. "Certainty high" alone goes
    without saying. A site-wide rule's note is written once, in the ledger: the footnote
    links its entry there (``why``), and reading.js puts the note in its place."""
    kinds = [_note_kind(note) for note in article.footnotes]
    common_kind = Counter(kinds).most_common(1)[0][0] if kinds else None
    metas = [_note_meta(note) for note in article.footnotes]
    common = tuple(Counter(field).most_common(1)[0][0] for field in zip(*metas, strict=True))
    places = Counter(place.footnote for place in article.places)
    notes = []
    for note, kind, meta in zip(article.footnotes, kinds, metas, strict=True):
        differs = "; ".join(part for part, usual in zip(meta, common, strict=True) if part != usual)
        notes.append(
            {
                "number": note.number,
                "kind": _kind_label(kind, common_kind),
                "note": "" if note.correction in why else note.note,
                "why": why.get(note.correction, ""),
                "meta": differs[:1].upper() + differs[1:] + "." if differs else "",
                "readings": list(note.readings),
                "replacements": list(note.replacements),
                # The paragraph of its first place (reading.js returns to the marker followed).
                "ref": note.refs[0][0],
                "places": places[note.number],
            }
        )
    unsaid = ("no evidence stated", "certainty high", "no editor named")
    stated = [part for part in common if part not in unsaid]
    common_label = _kind_label(common_kind) if common_kind else ""
    return notes, common_label, "; ".join(stated) + "." if stated else ""


def article_jsonld(inputs: ArticlePageInputs, urls: UrlBuilder) -> str:
    article = inputs.article
    mentioned = sorted({m.entity for m in article.mentions})
    data: Context = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.date.isoformat(),
        "url": urls.full(article.url),
        "mainEntityOfPage": urls.full(article.url),
        "isBasedOn": urls.full(article.url + article.id + ".txt"),
    }
    if inputs.publisher:
        data["publisher"] = {"@type": "Organization", "name": inputs.publisher}
    if article.summary:
        data["description"] = article.summary
    if mentioned:
        # Each entity is described once, by its own page (whose node has its URL as @id):
        # an article names the dozens it mentions by that IRI, instead of repeating each
        # one's type, name and Wikidata link on every page that mentions it.
        data["mentions"] = [{"@id": urls.full(f"entities/{e}/")} for e in mentioned]
    if article.about:
        data["about"] = [entity_ref(inputs.cards[e], urls) for e in article.about]
    if article.footnotes:
        # One comment for all corrections, pointing at where each is stated once: the page's
        # footnotes, and the Web Annotations (one per corrected place, with its note).
        places, notes = len(article.places), len(article.footnotes)
        data["correction"] = {
            "@type": "CorrectionComment",
            "text": f"{places} editorial correction{'s' if places != 1 else ''} of the text as received, "
            f"explained in {notes} footnote{'s' if notes != 1 else ''}.",
            "url": urls.full(article.url) + "#footnotes",
            "encoding": {
                "@type": "MediaObject",
                "contentUrl": urls.full(article.url + EXPORT_NAME),
                # JSON-LD, gzip-compressed (served as application/gzip)
                "encodingFormat": ["application/ld+json", "application/gzip"],
            },
        }
    return script_json(data)


def script_json(data: Context) -> str:
    """JSON to embed in a <script> element: '<', '>' and '&' escaped, so no text can end the
    element or open a comment inside it (<!--, </script>)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def entity_ref(card: EntityCard, urls: UrlBuilder) -> Context:
    schema_type = {
        "person": "Person",
        "organization": "Organization",
        "place": "Place",
        "event": "Event",
    }.get(card.kind, "Thing")
    ref: Context = {"@type": schema_type, "name": card.name, "url": urls.full(f"entities/{card.id}/")}
    if card.wikidata:
        ref["sameAs"] = f"https://www.wikidata.org/wiki/{card.wikidata}"
    return ref


def data_key(*parts: Any) -> str:
    """A digest of plain data (str, int, None, tuples, lists, dicts): marshal, not repr, since
    keys are computed for every page of every build."""
    return hashlib.blake2b(marshal.dumps(parts, 2), digest_size=16).hexdigest()


class PageKeys:
    """Digests of the parts of the site model that pages built on demand read (their keys)."""

    def __init__(self, site: Site, urls: UrlBuilder) -> None:
        self.site = site
        # Everything shared: the configuration (URLs, publisher, ...) and the site context.
        self.shared = data_key(repr(site.config), site_context(site, urls))
        self._cards: dict[str, EntityCard] = {}
        self._links: dict[int, Link] = {}
        self._snippets: dict[int, dict[str, str]] = {}

    def link(self, index: int) -> Link:
        """The link of article ``index`` (pages show an article's link on many others)."""
        link = self._links.get(index)
        if link is None:
            link = self._links[index] = link_of(self.site.articles[index])
        return link

    def entity_card(self, entity_id: str) -> EntityCard:
        card = self._cards.get(entity_id)
        if card is None:
            card = self._cards[entity_id] = entity_card(self.site.entities[entity_id])
        return card

    def card(self, entity_id: str) -> str:
        """What other pages show of an entity (EntityCard), as a digest."""
        return data_key(self.entity_card(entity_id).parts())

    def snippets(self, index: int) -> dict[str, str]:
        """Per entity, a digest of what an entity page shows of article ``index``: its link,
        the first mention of that entity and the paragraphs of all (an edit elsewhere in the
        article changes none of them)."""
        found = self._snippets.get(index)
        if found is None:
            article = self.site.articles[index]
            by_entity: dict[str, list[tuple[str, str, str, str]]] = {}
            for m in article.mentions:
                seen = by_entity.setdefault(m.entity, [])
                anchor = m.anchor
                seen.append((m.before, m.surface, m.after, anchor) if not seen else ("", "", "", anchor))
            link = (article.title, article.url, article.date.toordinal())
            found = self._snippets[index] = {e: data_key(link, items) for e, items in by_entity.items()}
        return found

    def ledger_page_key(self, context: Context) -> str:
        """What one ledger page shows: its whole context but the site's (small: the ledger
        lists counts and links, no places)."""
        return data_key("ledger", self.shared, context)


def article_context(inputs: ArticlePageInputs, urls: UrlBuilder) -> Context:
    """An article page's context, from its inputs alone."""
    article = inputs.article
    footnotes, common_kind, common_meta = _footnotes(article, inputs.why)
    sidebar = _sidebar(article, inputs.cards)
    hrefs: list[str] = []  # the links the parts below write (the url filter records the others)
    return {
        "page": page_context(article.url, article.title, "article", urls, article.summary),
        "article": {
            "id": article.id,
            "title": article.title,
            "title_is_opening": article.title_is_opening,
            "subtitle": article.subtitle,
            "date": article.date.isoformat(),
            "tags": [{"name": t, "url": f"tags/{t}/"} for t in article.tags],
            "summary": article.summary,
            "note_html": article.note_html,
            "toc": [{"anchor": t.anchor, "text": t.text} for t in article.toc],
            "footnotes": footnotes,
            "footnotes_html": footnotes_html(footnotes, article.url, hrefs),
            "common_kind": common_kind,
            "common_meta": common_meta,
            "places": len(article.places),
            # rule matches no editor decided on: one line on the page, listed in the ledger
            "pending": sum(p.places for p in article.pending),
            "pending_collections": [p.collection for p in article.pending],
            "pending_url": AWAITING_PATH,
            "source_file": article.url + article.id + ".txt",
            "source_view": article.url + "source/",
            "annotations": article.url + EXPORT_NAME,
            "notes": NOTES_PATH if any(note["why"] for note in footnotes) else "",
            "source_publisher": article.source_publisher,
            "source_url": article.source_url,
            "source_author": article.source_author,
            "source_captured": article.source_captured.isoformat() if article.source_captured else "",
            "month_url": f"timeline/{article.date.year:04d}/{article.date.month:02d}/",
        },
        "sidebar": sidebar,
        "sidebar_html": sidebar_html(sidebar, article.url, hrefs),
        PART_HREFS: hrefs,
        # The sidebar's descriptions (and the cards) come from one file, cached across pages.
        "cards": CARDS_PATH
        if any(inputs.cards[e["id"]].described for group in sidebar for e in group["entities"])
        else "",
        "related": [link_context(link) for link in inputs.related],
        "older": link_context(inputs.older) if inputs.older else None,
        "newer": link_context(inputs.newer) if inputs.newer else None,
        "jsonld": article_jsonld(inputs, urls),
    }


# The links an article page's parts written in Python hold (pageparts.py): its made() adds them.
PART_HREFS = "part_hrefs"
# Ids article.html gives every article page, besides its paragraphs' and notes': the ones
# other pages' links may name.
ARTICLE_IDS = ("main", "article")


def article_made(article: Article) -> Callable[[Context], tuple[list[str], list[str]]]:
    """An article page's ids (paragraphs, notes, its editor's note's headings) and the links
    its paragraphs hold (mentions, to entity pages), from the data they are written from."""

    def made(context: Context) -> tuple[list[str], list[str]]:
        ids = [block.anchor for block in context["blocks"]] + [
            note_anchor(note.number) for note in article.footnotes
        ]
        ids += [*html_ids(article.note_html), *ARTICLE_IDS, *(("footnotes",) if article.footnotes else ())]
        entities = dict.fromkeys(m.entity for m in article.mentions)
        return ids, [*(relative(article.url, f"entities/{e}/") for e in entities), *context[PART_HREFS]]

    return made


def markdown_made(html: Callable[[Context], str]) -> Callable[[Context], tuple[set[str], tuple[()]]]:
    """The ids of a page's Markdown (``html`` finds it in the page's context); its links are
    the plan's ``link_lines``."""
    return lambda context: (html_ids(html(context)), ())


def _annotations_file(site: Site, article: Article, urls: UrlBuilder, seed_bytes: SeedBytes) -> FilePlan:
    from sitegen.seeds import parse_seed
    from sitegen.webannotation import annotation_page, compressed, export_inputs

    def produce() -> bytes:
        data = seed_bytes(article)
        seed, _ = parse_seed(data, article.id, article.seed_path)
        if seed is None:
            raise ValueError(f"{article.seed_path}: the seed no longer parses; build again")
        # Its inputs are made again here: plans do not hold them (hundreds of notes each).
        inputs = export_inputs(site, article, urls)
        return compressed(annotation_page(inputs, seed, data.decode("utf-8"), NOTES_PATH))

    key = export_inputs(site, article, urls).key()
    return FilePlan(article.url + EXPORT_NAME, key, produce, ANNOTATIONS)


def _seed_file(article: Article, seed_bytes: SeedBytes) -> FilePlan:
    return FilePlan(
        article.url + article.id + ".txt", article.seed_digest, lambda: seed_bytes(article), SEED_COPIES
    )


def plan_article(
    site: Site, urls: UrlBuilder, seed_bytes: SeedBytes, keys: PageKeys, index: int, site_ctx: Context
) -> tuple[list[PagePlan], list[FilePlan]]:
    """The outputs of one article: its page, its source view, the seed as received and its
    Web Annotations."""
    article = site.articles[index]

    def article_page() -> Context:
        # Its inputs are made again where the page is rendered: plans do not hold them.
        return {**article_context(article_inputs(site, index, keys), urls), "site": site_ctx}

    # Everything the source view shows: the article's link, its seed file's name and hash,
    # and the seed's bytes (named by that hash). source_page reads nothing else.
    source = (link_of(article), article.id, article.seed_path, article.seed_digest)

    def source_page() -> Context:
        link, article_id, seed_path, seed_digest = source
        title, url, _ = link
        return {
            "site": site_ctx,
            "page": page_context(url + "source/", f"Source as received: {title}", "source", urls),
            "article": link_context(link),
            "source_file": url + article_id + ".txt",
            "seed_name": Path(seed_path).name,
            "seed_digest": seed_digest,
            "listing_html": source_listing(seed_bytes(article).decode("utf-8")),
        }

    # Links in the page's Markdown come from the editorial file: name it first.
    sources = ((article.editorial_path,) if article.editorial_path else ()) + (article.seed_path,)
    pages = [
        PagePlan(
            article.url,
            "article.html",
            article_page,
            sources,
            link_lines=link_lines(list(article.note_links)) if article.editorial_path else {},
            lazy=(("blocks", article.digest),),
            key=article_inputs(site, index, keys).key(keys.shared),
            made=article_made(article),
        ),
        PagePlan(
            article.url + "source/",
            "source.html",
            source_page,
            (article.seed_path,),
            key=data_key("source", keys.shared, source),
        ),
    ]
    return pages, [_seed_file(article, seed_bytes), _annotations_file(site, article, urls, seed_bytes)]


def plan_core(site: Site, urls: UrlBuilder, seed_bytes: SeedBytes) -> tuple[list[PagePlan], list[FilePlan]]:
    """Home, articles (with their source views and files), authored pages, 404."""
    site_ctx = site_context(site, urls)
    pages: list[PagePlan] = []
    files: list[FilePlan] = []

    pages += plan_home(site, urls, site_ctx)

    keys = PageKeys(site, urls)
    for index in range(len(site.articles)):
        article_pages, article_files = plan_article(site, urls, seed_bytes, keys, index, site_ctx)
        pages += article_pages
        files += article_files

    pages += plan_authored(site, urls, site_ctx)
    pages.append(plan_not_found(urls, site_ctx))
    return pages, files


def plan_authored(site: Site, urls: UrlBuilder, site_ctx: Context) -> list[PagePlan]:
    """The authored pages (content/pages/)."""
    pages = []
    for page in site.pages:
        page_links: list[tuple[str, int]] = []
        body_html = render_markdown(
            page.body_markdown, page.id + "/", first_line=page.body_line, links=page_links
        )
        pages.append(
            PagePlan(
                page.id + "/",
                "page.html",
                {
                    "site": site_ctx,
                    "page": page_context(page.id + "/", page.title, "page", urls),
                    "body_html": body_html,
                },
                (page.path,),
                link_lines=link_lines(page_links),
                made=markdown_made(lambda context: str(context["body_html"])),
            )
        )
    return pages


def plan_not_found(urls: UrlBuilder, site_ctx: Context) -> PagePlan:
    return PagePlan(
        "404.html",
        "404.html",
        {
            "site": site_ctx,
            "page": page_context("404.html", "Page not found", "404", urls, absolute_links=True),
        },
        (),
    )


def plan_search(urls: UrlBuilder, site_ctx: Context) -> PagePlan:
    context = {"site": site_ctx, "page": page_context("search/", "Search", "search", urls)}
    return PagePlan("search/", "search.html", context, ())


def plan_home(site: Site, urls: UrlBuilder, site_ctx: Context) -> list[PagePlan]:
    """The home page and the pages after it: every article, newest first, with its summary."""
    pages = []
    listing = [dict(article_link(a), summary=a.summary) for a in site.articles]
    for url, chunk, pagination in paginate(listing, site.config.per_page, paged_url("")):
        title = site.config.title if pagination["number"] == 1 else f"Articles, page {pagination['number']}"
        pages.append(
            PagePlan(
                url,
                "index.html",
                {
                    "site": site_ctx,
                    "page": page_context(url, title, "index", urls, site.config.description),
                    "articles": chunk,
                    "pagination": pagination,
                },
                (),
            )
        )
    return pages
