"""Plain records passed between pipeline stages. No I/O here."""

from __future__ import annotations

import datetime as dt
import marshal
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple

ROLES = ("body", "heading", "caption", "quote")


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str  # soft wraps joined with a single space, outer whitespace stripped
    line: int  # 1-based line of the paragraph's first line in the seed


@dataclass(frozen=True, slots=True)
class Seed:
    id: str  # the file stem: the article's stable id
    path: str  # relative to the site root
    date: dt.date
    paragraphs: tuple[Paragraph, ...]
    digest: str  # content hash of the raw bytes
    data: bytes = b""  # the raw bytes, as read once: every output of the article is made from them

    @property
    def source_text(self) -> str:
        """The article's text as read: paragraphs joined by a blank line.

        Offsets into this string are what Web Annotation position selectors count.
        """
        return "\n\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True, slots=True)
class SourceInfo:
    publisher: str = ""
    url: str = ""
    author: str = ""
    captured: dt.date | None = None  # when a web archive captured the page it came from


@dataclass(frozen=True, slots=True)
class Editorial:
    """The editorial layer for one seed: ``content/articles/<id>.md``."""

    id: str
    path: str
    title: str | None = None
    subtitle: str = ""
    slug: str | None = None
    tags: tuple[str, ...] = ()
    summary: str = ""
    source: SourceInfo = field(default_factory=SourceInfo)
    roles: dict[int, str] = field(default_factory=dict)  # paragraph number (1-based) -> role
    about: tuple[str, ...] = ()  # entity ids: what the article is about (schema.org 'about')
    rules: dict[str, str] = field(default_factory=dict)  # rule collection -> accept | reject
    note_markdown: str = ""
    note_line: int = 1  # line of the Markdown body in the file
    raw: dict[str, Any] = field(default_factory=dict)  # the whole front matter, for later stages
    # line of every key and list item in the front matter, keyed by path: ('corrections', 0, 'exact')
    positions: dict[tuple[str | int, ...], int] = field(default_factory=dict)

    def line(self, *path: str | int) -> int | None:
        """The line of a front-matter key or list item, e.g. ``line("corrections", 0)``."""
        return self.positions.get(path)


@dataclass(frozen=True, slots=True)
class AuthoredPage:
    """A Markdown page from ``content/pages/``."""

    id: str
    path: str
    title: str
    body_markdown: str
    body_line: int
    order: int = 0


class Block(NamedTuple):
    """One paragraph of an article as the reader sees it."""

    number: int  # 1-based paragraph number in the seed
    role: str  # body | heading | caption | quote
    anchor: str  # fragment id: 'p12', or a slug for headings
    html: str  # inline markup (escaped text, corrections, mentions)
    text: str  # the corrected reading as plain text
    line: int  # line in the seed


class TocEntry(NamedTuple):
    anchor: str
    text: str
    number: int = 0  # the heading's paragraph number


def paragraph_anchor(number: int) -> str:
    """The id of paragraph ``number`` on its article page (a heading's is its own slug)."""
    return f"p{number}"


def note_anchor(number: int) -> str:
    """The id of footnote ``number`` on its article page: its markers, the ledger's examples
    and the link check all name it by this."""
    return f"n{number}"


@dataclass(frozen=True, slots=True)
class ArticleBody:
    """The rendered paragraphs of an article and the seed's bytes they were made from: only
    the article's own outputs need them, so they are kept apart from :class:`Article` and
    loaded when those are produced. The seed copy, source view and annotation export are
    made from ``source``, not from the file read again, so all of them show the version
    of the seed the article page shows, even when it was edited during the build. Its
    corrected places and mentions are the export's alone (and ``sitegen check``'s): other
    pages read their counts (``Footnote.places``, ``Article.mentioned``), and a large site
    would hold hundreds of thousands of each."""

    blocks: tuple[Block, ...]
    source: bytes = b""
    # Its corrected places and mentions, marshalled (body_records), decoded when read: most
    # loads of a body are for its blocks or its source, and decoding hundreds of records
    # each time made a load cost three and a half times as much.
    records: bytes = b""

    @property
    def places(self) -> tuple[CorrectedPlace, ...]:
        return _decode_records(CorrectedPlace, self.records, 0)

    @property
    def mentions(self) -> tuple[Mention, ...]:
        return _decode_records(Mention, self.records, 1)


def body_records(places: Sequence[CorrectedPlace], mentions: Sequence[Mention]) -> bytes:
    """An :class:`ArticleBody`'s ``records``."""
    return marshal.dumps((_pack_records(places), _pack_records(mentions)), 2)  # version 2: stable bytes


def _decode_records(cls: Any, records: bytes, index: int) -> tuple[Any, ...]:
    # Not shared as the Article's records are: a body is read for one article's outputs.
    if not records:
        return ()
    rows = zip(*marshal.loads(records)[index], strict=True)
    return tuple(map(partial(tuple.__new__, cls), rows))


@dataclass(frozen=True, slots=True)
class Article:
    """An article after analysis: what every page that shows or links it needs."""

    id: str
    seed_path: str
    editorial_path: str | None
    date: dt.date
    title: str
    subtitle: str
    slug: str
    url: str
    tags: tuple[str, ...]
    summary: str
    note_html: str
    toc: tuple[TocEntry, ...]
    source_publisher: str = ""
    source_url: str = ""
    source_author: str = ""
    source_captured: dt.date | None = None
    footnotes: tuple[Footnote, ...] = ()
    mentioned: tuple[EntityMentions, ...] = ()  # per entity, in the order first mentioned
    # Each one's first mention in its sentence, packed (mention_snippets): only the first few
    # rows of an entity's listing show it, and a text each took 1.6 kB an article.
    snippets: bytes = b""
    about: tuple[str, ...] = ()  # entity ids the article is about
    # The title was derived and is the whole first sentence: the page shows it once, as the
    # opening of the text, and keeps the heading for the outline only (text.derived_title).
    title_is_opening: bool = False
    note_links: tuple[tuple[str, int], ...] = ()  # (href, line in the editorial file) from the note
    pending: tuple[Pending, ...] = ()  # rule matches awaiting an editor's decision, by collection
    seed_digest: str = ""  # hash of the seed file's bytes (the source view and download show them)
    digest: str = ""  # content hash of this record and its body: names the body in caches

    def snippet(self, position: int) -> tuple[str, str, str]:
        """``mentioned[position]``'s first mention in its sentence: (before, surface, after)."""
        befores, afters = marshal.loads(self.snippets)
        return befores[position], self.mentioned[position].surface, afters[position]

    def __reduce__(self) -> tuple[Any, ...]:
        # The many small records in one marshalled blob of columns (see _unpack_records).
        notes = _pack_records(self.footnotes)
        if notes:  # what they say, as plain tuples: marshal takes no NamedTuple
            notes[_SAYS] = tuple(map(tuple, notes[_SAYS]))
        packed = (notes, _pack_records(self.mentioned))
        fields = tuple(getattr(self, name) for name in _ARTICLE_FIELDS)
        return (_article, (fields, marshal.dumps(packed, 2)))  # version 2: no references, same bytes


# Footnotes, corrected places and mentions repeat the same strings across articles (a
# rule's note, a category, an entity id, 'p12'), and a large site holds hundreds of
# thousands of them: unpickled (from worker processes or the build state), each would be a
# copy. Unpickling shares one copy of each repeated value; a 10,000-article site model is
# about half the size for it. Text unique to one place (the words around it) is not shared.
_SHARED: dict[Any, Any] = {}
# The fields of each record that unpickling shares (the repeated values above), by name: a
# field added to a record is left out until named here (as Footnote's last ones once were,
# 2 kB an article).
_SHARED_FIELDS = {
    "Footnote": frozenset({"ref"}),  # and what it says, shared whole (_CORES)
    "EntityMentions": frozenset({"entity", "anchor", "surface"}),
}
# What footnotes say (NoteCore), one copy for every footnote of the same correction with the
# same readings: a site has a few hundred, and its articles tens to hundreds of footnotes each.
_CORES: dict[tuple[Any, ...], NoteCore] = {}


def note_core(*values: Any) -> NoteCore:
    """The one :class:`NoteCore` of these values (made in the workers: shared there too)."""
    core = NoteCore(*values)
    return _CORES.setdefault(core, core)


def _pack_records(records: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Records as columns of plain values (marshal takes no NamedTuple)."""
    return list(zip(*records, strict=True))


def _unpack_records(cls: Any, columns: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The records of :func:`_pack_records` again, their repeated values shared (all in C:
    an article has hundreds of them, and a Python call each made unpickling the slowest
    part of moving an analysis between processes)."""
    share = _SHARED.setdefault
    shared = _SHARED_FIELDS[cls.__name__]
    named = zip(cls._fields, columns, strict=False)  # no columns at all for no records
    values = [list(map(share, c, c)) if name in shared else c for name, c in named]
    return tuple(map(partial(tuple.__new__, cls), zip(*values, strict=True)))


def _article(fields: tuple[Any, ...], packed: bytes) -> Article:
    footnotes, mentioned = marshal.loads(packed)
    if footnotes:
        says = footnotes[_SAYS]  # plain tuples: each becomes the one NoteCore of its values
        footnotes[_SAYS] = list(map(_CORES.setdefault, says, map(partial(tuple.__new__, NoteCore), says)))
    return Article(
        **dict(zip(_ARTICLE_FIELDS, fields, strict=True)),
        footnotes=_unpack_records(Footnote, footnotes),
        mentioned=_unpack_records(EntityMentions, mentioned),
    )


class NoteCore(NamedTuple):
    """What a footnote says: the same for every footnote of one correction with the same
    readings, in every article (:func:`note_core`)."""

    correction: str  # key of the rule or per-article record
    type: str
    category: str
    note: str
    evidence: str
    resp: str
    cert: str
    readings: tuple[str, ...]  # distinct source readings, in order of appearance
    replacements: tuple[str, ...]  # distinct corrected readings
    confirmed: str = ""  # how an editor confirmed it: sitegen.scope.CONFIRMATIONS
    collection: str = ""  # a rule's collection (the stem of its rules file)


class Footnote(NamedTuple):
    """One footnote per distinct correction in an article: where it is and what it says.
    Four fields, not fourteen: an article has tens to hundreds of footnotes, and a large site
    millions (a field is 8 bytes each)."""

    number: int
    ref: str  # fragment id of the paragraph of its first place (its back-link returns there)
    places: int  # how many places it corrects (ArticleBody.places: the places themselves)
    says: NoteCore

    @property
    def correction(self) -> str:
        return self.says.correction

    @property
    def type(self) -> str:
        return self.says.type

    @property
    def category(self) -> str:
        return self.says.category

    @property
    def note(self) -> str:
        return self.says.note

    @property
    def evidence(self) -> str:
        return self.says.evidence

    @property
    def resp(self) -> str:
        return self.says.resp

    @property
    def cert(self) -> str:
        return self.says.cert

    @property
    def readings(self) -> tuple[str, ...]:
        return self.says.readings

    @property
    def replacements(self) -> tuple[str, ...]:
        return self.says.replacements

    @property
    def confirmed(self) -> str:
        return self.says.confirmed

    @property
    def collection(self) -> str:
        return self.says.collection


_SAYS = Footnote._fields.index("says")  # its column, packed (Article.__reduce__)


class Pending(NamedTuple):
    """Matches in one article of the rules of one collection it has no decision for."""

    collection: str
    places: int  # how many places match
    line: int  # line in the seed of the first
    examples: tuple[tuple[str, str, int], ...]  # (source reading, replacement, line): the first few
    rules: tuple[str, ...] = ()  # keys of the rules that match (a rule matching only here is not unused)


class CorrectedPlace(NamedTuple):
    """One corrected place, located in the source text (for the ledger and Web Annotations)."""

    footnote: int
    ref: str  # fragment id of its paragraph in the article page
    block: int  # paragraph number
    source: str
    replacement: str
    start: int  # offsets into Seed.source_text
    end: int
    prefix: str
    suffix: str


class Mention(NamedTuple):
    entity: str
    anchor: str  # fragment id of its paragraph in the article page
    block: int  # paragraph number
    surface: str  # the words in the corrected text
    before: str  # the rest of its sentence, for keyword-in-context snippets
    after: str
    linked: bool
    start: int = 0  # offsets of the words in Seed.source_text (the source reading)
    end: int = 0


class EntityMentions(NamedTuple):
    """An article's mentions of one entity, as pages other than its own show them: the
    entity pages (how many, the first in context: Article.snippet), the sidebar and the
    cross-references."""

    entity: str
    times: int  # how many times the article mentions it
    anchor: str  # fragment id of the first one's paragraph
    surface: str  # the words of the first one


def mentioned(mentions: Sequence[Mention]) -> tuple[EntityMentions, ...]:
    """Mentions summed up per entity, in the order of each entity's first mention."""
    first = _first_mentions(mentions)
    counts = Counter(m.entity for m in mentions)
    return tuple(EntityMentions(e, counts[e], m.anchor, m.surface) for e, m in first.items())


def mention_snippets(mentions: Sequence[Mention]) -> bytes:
    """:attr:`Article.snippets`: the words around each entity's first mention, in the order of
    :func:`mentioned`."""
    first = _first_mentions(mentions).values()
    return marshal.dumps((tuple(m.before for m in first), tuple(m.after for m in first)), 2)


def _first_mentions(mentions: Iterable[Mention]) -> dict[str, Mention]:
    first: dict[str, Mention] = {}
    for m in mentions:
        first.setdefault(m.entity, m)
    return first


_ARTICLE_FIELDS = tuple(f for f in Article.__dataclass_fields__ if f not in ("footnotes", "mentioned"))


def model_signature() -> str:
    """Names the shape of the records cached in the build state: a change to any of them
    (a field added, renamed or moved) makes older cached records unreadable, so the state
    is discarded instead of being unpickled into the wrong fields."""
    import hashlib
    from dataclasses import fields

    records: tuple[Any, ...] = (Paragraph, ArticleBody, Article)
    tuples: tuple[Any, ...] = (Block, TocEntry, NoteCore, Footnote, CorrectedPlace, Mention)
    tuples += (EntityMentions, Pending)
    shapes = [(c.__name__, [(f.name, str(f.type)) for f in fields(c)]) for c in records]
    shapes += [(c.__name__, list(c.__annotations__.items())) for c in tuples]
    return hashlib.blake2b(repr(shapes).encode("utf-8"), digest_size=8).hexdigest()
