"""W3C Web Annotation export: ``annotations.jsonld`` beside every article.

Selectors address the article's source text as read: the seed's paragraphs
joined by a blank line ("\\n\\n"), offsets in Unicode code points.
"""

from __future__ import annotations

import json
from typing import Any

from sitegen.model import Article
from sitegen.site import Site
from sitegen.urls import UrlBuilder

QUOTE_CONTEXT = 32


def _selectors(source_text: str, start: int, end: int) -> list[dict[str, Any]]:
    return [
        {
            "type": "TextQuoteSelector",
            "exact": source_text[start:end],
            "prefix": source_text[max(0, start - QUOTE_CONTEXT) : start],
            "suffix": source_text[end : end + QUOTE_CONTEXT],
        },
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


def _letters(index: int) -> str:
    """a, b, …, z, aa, ab, …"""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(97 + rest) + out
    return out


def annotation_page(site: Site, article: Article, urls: UrlBuilder, source_text: str) -> str:
    """The article's corrections (motivation 'editing') and mentions ('identifying') as an AnnotationPage."""
    page_id = urls.full(article.url + "annotations.jsonld")
    target_source = urls.full(article.url)
    notes = {n.number: n for n in article.footnotes}
    items: list[dict[str, Any]] = []
    seen: dict[int, int] = {}  # footnote -> its places so far: ids 'fnref-6-a', 'fnref-6-b', …
    for place in article.places:
        note = notes[place.footnote]
        seen[place.footnote] = seen.get(place.footnote, -1) + 1
        body: list[dict[str, Any]] = [
            {"type": "TextualBody", "value": place.replacement, "purpose": "editing", "format": "text/plain"},
        ]
        if note.note:
            body.append(
                {"type": "TextualBody", "value": note.note, "purpose": "commenting", "format": "text/plain"}
            )
        items.append(
            {
                "id": f"{page_id}#fnref-{place.footnote}-{_letters(seen[place.footnote])}",
                "type": "Annotation",
                "motivation": "editing",
                "target": {
                    "source": target_source,
                    "selector": [
                        {
                            "type": "TextQuoteSelector",
                            "exact": place.source,
                            "prefix": place.prefix,
                            "suffix": place.suffix,
                        },
                        {"type": "TextPositionSelector", "start": place.start, "end": place.end},
                    ],
                },
                "body": body,
            }
        )
    for number, mention in enumerate(article.mentions, start=1):
        entity = site.entities[mention.entity]
        bodies: list[dict[str, Any]] = [
            {"id": urls.full(f"entities/{entity.id}/"), "type": "SpecificResource", "purpose": "identifying"}
        ]
        if entity.wikidata:
            bodies.append(
                {"id": f"http://www.wikidata.org/entity/{entity.wikidata}", "purpose": "identifying"}
            )
        items.append(
            {
                "id": f"{page_id}#m-{number}",
                "type": "Annotation",
                "motivation": "identifying",
                "target": {
                    "source": target_source,
                    "selector": _selectors(source_text, mention.start, mention.end),
                },
                "body": bodies,
            }
        )
    page = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": page_id,
        "type": "AnnotationPage",
        "partOf": {"id": urls.full(article.url), "type": "AnnotationCollection"},
        "items": items,
    }
    # No indent: json's C encoder only runs without one, and this file is written per article.
    return json.dumps(page, ensure_ascii=False, separators=(",", ":")) + "\n"
