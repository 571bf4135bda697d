"""W3C Web Annotation export: ``annotations.jsonld.gz`` beside every article.

One AnnotationPage (Web Annotation Data Model, W3C Recommendation 2017) holding:

- one ``editing`` Annotation per correction (a footnote) and corrected reading, whose
  targets are every place it applies to. Its bodies are the corrected reading (purpose
  ``editing``) and the footnote's note (purpose ``commenting``), each stated once: a
  note that several annotations carry gets an id where it is first given and is
  referenced by that IRI after. A site-wide rule's note is stated once for the whole
  site, in ``corrections/notes.jsonld`` (:func:`notes_document`), and referenced by its
  IRI there: on densely corrected text the notes were about half of each compressed
  export, the same sentences in every article. Each body applies to each target on its
  own (the model's meaning of several targets).
  Its ``creator`` is the agent that confirmed the correction for this article (see
  :data:`CONFIRMED_BY`): the editors, through the article's editorial file (a correction of
  its own, or its ``rules`` line accepting the rule's collection), the collection's list of
  articles, or the rule's own. Each such agent is described once, where first used (``id``,
  ``type``, ``name``), and referenced by its IRI after.
- one ``identifying`` Annotation per entity the article mentions, with a target per
  mention and the entity's page and Wikidata item as bodies (plain IRIs: ``purpose``
  belongs on a TextualBody or SpecificResource only, and the motivation says it all).

Targets select text of the seed as published beside the export (``<id>.txt``): a
TextPositionSelector counts code points of the file decoded as UTF-8 (a byte order mark
not counted). The file is the archive's unaltered copy, built with the export, so a
position is unambiguous and a quote would only repeat the text. IRIs are relative to the
export's own URL, which the context also names as ``@base`` when ``base_url`` has a host.

The file is published gzip-compressed: on densely corrected text its JSON is about eight
times its compressed size, and the export is the largest thing the site holds.
"""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from sitegen.model import Article, ArticleBody, CorrectedPlace, Footnote, Mention, Seed
from sitegen.plan.records import data_key
from sitegen.scope import BY_COLLECTION, BY_EDITOR, BY_RULE, BY_RULES_LINE
from sitegen.seeds import FileOffsets
from sitegen.site import Site
from sitegen.urls import UrlBuilder, relative

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
EXPORT_NAME = "annotations.jsonld.gz"
GZIP_LEVEL = 6  # zlib's default: within 1 % of level 9's size at half its time


# How a correction was confirmed (Footnote.confirmed) as the name of its creator agent.
CONFIRMED_BY = {
    BY_EDITOR: "The editors, in this article’s editorial file",
    BY_RULES_LINE: "The editors, accepting rule collection ‘{}’ in this article’s editorial file",
    BY_COLLECTION: "The editors, accepting rule collection ‘{}’ for this article in its list of articles",
    BY_RULE: "The editors, in a rule of collection ‘{}’ that names this article",
}


class _Creators:
    """The agent that confirmed each correction: described at its first use, then its IRI."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], str] = {}

    def __call__(self, footnote: Footnote) -> Any:
        how = footnote.confirmed if footnote.confirmed in CONFIRMED_BY else BY_EDITOR
        collection = "" if how == BY_EDITOR else footnote.collection
        found = self.ids.get((how, collection))
        if found is not None:
            return found
        found = self.ids[how, collection] = f"#by-{len(self.ids) + 1}"
        return {"id": found, "type": "Organization", "name": CONFIRMED_BY[how].format(collection)}


def _body(value: str, purpose: str) -> dict[str, Any]:
    # No 'format': a TextualBody's value is plain text, and the key would repeat on every body.
    return {"type": "TextualBody", "value": value, "purpose": purpose}


class _Targets:
    """Targets in the seed file: its IRI, described (type and format) at its first use only."""

    def __init__(self, name: str, offsets: FileOffsets) -> None:
        self.name = name
        self.offsets = offsets
        self.described = False

    def __call__(self, spans: list[tuple[int, int]]) -> list[dict[str, Any]]:
        targets = []
        for start, end in spans:
            source: Any = self.name
            if not self.described:
                source = {"id": self.name, "type": "Text", "format": "text/plain"}
                self.described = True
            selector = {
                "type": "TextPositionSelector",
                "start": self.offsets(start),
                "end": self.offsets(end, end=True),
            }
            targets.append({"source": source, "selector": selector})
        return targets


def _context(urls: UrlBuilder, here: str) -> Any:
    """The model's context, with the document's own URL as ``@base`` when there is a host."""
    return [ANNO_CONTEXT, {"@base": urls.full(here)}] if urls.origin else ANNO_CONTEXT


def notes_document(notes: dict[str, str], urls: UrlBuilder, here: str) -> bytes:
    """The site-wide rules' notes (anchor -> note) as TextualBodies with ids ``#<anchor>``,
    which the exports reference as bodies and reading.js puts into the footnotes."""
    graph = [{"id": f"#{anchor}", **_body(note, "commenting")} for anchor, note in notes.items()]
    return orjson.dumps({"@context": _context(urls, here), "@graph": graph})


def _editing(
    article: Article, corrected: Sequence[CorrectedPlace], targets: _Targets, rule_notes: dict[str, str]
) -> list[dict[str, Any]]:
    """One annotation per (footnote, corrected reading), in footnote order. ``rule_notes``:
    rule key -> the IRI of its note in the site's notes document."""
    places: dict[tuple[int, str], list[CorrectedPlace]] = {}
    for place in corrected:
        places.setdefault((place.footnote, place.replacement), []).append(place)
    groups = [
        (footnote, k, places[footnote.number, replacement])
        for footnote in article.footnotes
        for k, replacement in enumerate(footnote.replacements)
        if (footnote.number, replacement) in places
    ]
    # A note given to several annotations (a footnote with two corrected readings, or two
    # footnotes with the same words) is stated at its first use with an id, then referenced.
    uses = Counter(
        footnote.note for footnote, _, _ in groups if footnote.note and footnote.correction not in rule_notes
    )
    stated: dict[str, str] = {}
    creators = _Creators()
    items = []
    for footnote, k, group in groups:
        body: list[Any] = [_body(group[0].replacement, "editing")]
        if footnote.correction in rule_notes:
            body.append(rule_notes[footnote.correction])
        elif footnote.note in stated:
            body.append(stated[footnote.note])
        elif footnote.note:
            note = _body(footnote.note, "commenting")
            if uses[footnote.note] > 1:
                stated[footnote.note] = f"#note-{footnote.number}"
                note = {"id": stated[footnote.note], **note}
            body.append(note)
        items.append(
            {
                "id": f"#fn-{footnote.number}" + (f"-{k + 1}" if k else ""),
                "type": "Annotation",
                "motivation": "editing",
                "creator": creators(footnote),
                "body": body,
                "target": targets([(p.start, p.end) for p in group]),
            }
        )
    return items


@dataclass(frozen=True, slots=True)
class ExportInputs:
    """Everything an article's export says besides its seed's text: :func:`annotation_page`
    reads nothing else, so the file's fingerprint (:meth:`key`) names its inputs."""

    article: Article  # its analysis: named in the key by its digest
    origin: str  # the site's URL ("" without a host: no @base)
    wikidata: dict[str, str]  # Wikidata id (or "") of each entity it mentions
    note_ids: dict[str, str]  # correction key → the id of its rule's note in the notes document

    def key(self) -> str:
        return data_key(
            "export", EXPORT_FORMAT, self.article.digest, self.origin, self.wikidata, self.note_ids
        )


EXPORT_FORMAT = 5  # the shape of the export: raise it when annotation_page writes other JSON


def export_inputs(
    site: Site,
    article: Article,
    urls: UrlBuilder,
    wikidata: Callable[[str], str],
    rule_link: Callable[[str], str | None],
) -> ExportInputs:
    """``wikidata``: an entity's Wikidata id, or ""; ``rule_link``: where a rule's ledger
    entry is, if it has one (both read through the planner's PageKeys)."""
    return ExportInputs(
        article,
        urls.full("") if urls.origin else "",
        {e: wikidata(e) for e in sorted(m.entity for m in article.mentioned)},
        {
            n.correction: link.partition("#")[2]
            for n in article.footnotes
            if n.note and (link := rule_link(n.correction))
        },
    )


def _identifying(
    inputs: ExportInputs, mentions: Sequence[Mention], targets: _Targets, here: str
) -> list[dict[str, Any]]:
    """One annotation per mentioned entity, in order of first mention."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for mention in mentions:
        spans.setdefault(mention.entity, []).append((mention.start, mention.end))
    items = []
    for entity_id, entity_spans in spans.items():
        body = [relative(here, f"entities/{entity_id}/")]
        wikidata = inputs.wikidata[entity_id]
        if wikidata:
            body.append(f"http://www.wikidata.org/entity/{wikidata}")
        items.append(
            {
                "id": f"#entity-{entity_id}",
                "type": "Annotation",
                "motivation": "identifying",
                "body": body,
                "target": targets(entity_spans),
            }
        )
    return items


def annotation_page(
    inputs: ExportInputs, body: ArticleBody, seed: Seed, seed_file: str, notes_path: str
) -> bytes:
    """The article's corrections and mentions as one AnnotationPage (an empty
    AnnotationCollection when it has neither), compact JSON (UTF-8).

    ``body``: the article's corrected places and mentions; ``seed_file`` the
    seed file's text as published (the text the positions count); ``notes_path`` the
    site's notes document (:func:`notes_document`)."""
    article = inputs.article
    here = article.url + EXPORT_NAME
    targets = _Targets(article.id + ".txt", FileOffsets(seed_file, seed))
    rule_notes = {key: relative(here, notes_path + "#" + note_id) for key, note_id in inputs.note_ids.items()}
    items = _editing(article, body.places, targets, rule_notes)
    items += _identifying(inputs, body.mentions, targets, here)
    context = [ANNO_CONTEXT, {"@base": inputs.origin + here}] if inputs.origin else ANNO_CONTEXT
    collection = {
        "id": EXPORT_NAME + "#all",
        "type": "AnnotationCollection",
        "label": f"Corrections and entity mentions in “{article.title}”",
        "total": len(items),
    }
    if not items:
        # A page lists 1 or more annotations: with none, the file is the empty collection.
        document: dict[str, Any] = {"@context": context, **collection, "id": EXPORT_NAME}
    else:
        document = {
            "@context": context,
            "id": EXPORT_NAME,
            "type": "AnnotationPage",
            "partOf": {**collection, "first": EXPORT_NAME},
            "startIndex": 0,
            "items": items,
        }
    # orjson: compact (no spaces), UTF-8 as is, keys in insertion order, so deterministic.
    return orjson.dumps(document) + b"\n"


def compressed(document: bytes) -> bytes:
    """The export as published: gzip, deterministic (no mtime, no file name in the header)."""
    return gzip.compress(document, compresslevel=GZIP_LEVEL, mtime=0)
