"""Inline markup of one paragraph: escaped text, corrections and mentions.

A corrected place is ``<del>received</del>corrected<a href=#n6>6</a>``: both
readings and the footnote marker, in as few bytes as valid HTML allows (a page
can hold thousands). The corrected reading is the text between ``del`` and the
marker; it is wrapped in ``<ins>`` only where that would be ambiguous (a mention
inside it, or a mention link around it, which moves the marker after the link).
reading.js wraps the others in ``<ins>`` on load, for the switch; CSS shows one
reading at a time (the other is ``display: none``, so assistive technology reads
one); unstyled, the received reading is struck through. Search indexes the corrected reading only
(search.py excludes ``del`` and the markers, :data:`SEARCH_EXCLUDED`).
Mentions are found on the corrected reading, so their offsets are in the
corrected text; a mention that cuts through a correction is widened to
cover it, so elements always nest.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from sitegen.model import note_anchor


@dataclass(frozen=True, slots=True)
class InlineEdit:
    start: int  # offsets in the source paragraph
    end: int
    source: str  # the source reading, source[start:end]
    replacement: str  # the corrected reading
    note: int  # the number of its footnote


@dataclass(frozen=True, slots=True)
class InlineMention:
    start: int  # offsets in the corrected paragraph
    end: int
    open_tag: str
    close_tag: str


@dataclass(frozen=True, slots=True)
class Place:
    """Where an edit's replacement sits in the corrected text."""

    start: int
    end: int
    edit: InlineEdit


# What search leaves out of an article's text: the received readings and the footnote markers.
SEARCH_EXCLUDED = (".article-text del", '.article-text a[href^="#n"]')


def note_marker(number: int) -> str:
    """The link from a corrected place to its footnote (``id="n6"``, article.html)."""
    return f"<a href=#{note_anchor(number)}>{number}</a>"


# What an unquoted attribute value may not hold (HTML: whitespace, quotes, =, <, >, `), and &.
_NEEDS_QUOTES = re.compile("[ \t\n\f\r\"'=<>`&]")


def attribute(value: str) -> str:
    """An attribute value, quoted only when HTML requires it (one regex search: a page of
    damaged text writes thousands of links)."""
    if value and _NEEDS_QUOTES.search(value) is None:
        return value
    return '"' + escape_html(value) + '"'


def escape_html(text: str) -> str:
    """markupsafe.escape's output, as a plain str: str.replace is C, and this runs for every
    piece of every paragraph (markupsafe's wrapper builds a Markup object each time)."""
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


class PlaceIndex:
    """One paragraph's places (sorted, disjoint) with their starts and ends, for bisection: each
    lookup costs log(places), so a paragraph with many corrections and mentions stays linear."""

    __slots__ = ("ends", "places", "starts")

    def __init__(self, places: Sequence[Place]) -> None:
        self.places = places
        self.starts = [p.start for p in places]
        self.ends = [p.end for p in places]  # non-decreasing too, as places are disjoint

    def host(self, start: int, end: int) -> int | None:
        """The first place that holds [start, end) and is not exactly it."""
        for i in range(bisect_left(self.ends, end), bisect_right(self.starts, start)):
            p = self.places[i]
            if p.start <= start and end <= p.end and (p.start, p.end) != (start, end):
                return i
        return None

    def widen(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) widened to cover every place it cuts through (and those they reach)."""
        i = bisect_right(self.ends, start)  # the places before end at or before start
        while i < len(self.places) and self.places[i].start < end:
            start, end = min(start, self.places[i].start), max(end, self.places[i].end)
            i += 1
        return start, end

    def to_source(self, position: int, end: bool) -> int:
        """Map an offset in the corrected reading to the source reading of the same paragraph.

        An offset inside a replacement maps to the start (or, for an end, the end)
        of the source words it replaces, so a selector always covers whole corrections.
        """
        passed = (bisect_right if end else bisect_left)(self.starts, position)  # places before it
        for i in range(bisect_left(self.ends, position), passed):
            p = self.places[i]
            if position < p.end or (position == p.end and end and p.start == p.end):
                return p.edit.end if end else p.edit.start
        if not passed:
            return position
        last = self.places[passed - 1]
        return position + last.edit.end - last.end


def corrected_places(source: str, edits: Sequence[InlineEdit]) -> tuple[str, list[Place]]:
    """The corrected text, and where each edit's replacement sits in it."""
    parts: list[str] = []
    places: list[Place] = []
    position = length = 0
    for edit in edits:
        kept = source[position : edit.start]
        parts.append(kept)
        length += len(kept)
        places.append(Place(length, length + len(edit.replacement), edit))
        parts.append(edit.replacement)
        length += len(edit.replacement)
        position = edit.end
    parts.append(source[position:])
    return "".join(parts), places


class _Writer:
    """Walks the corrected text once, left to right, consuming places in order."""

    def __init__(self, text: str, places: list[Place], inside: dict[int, list[InlineMention]]) -> None:
        self.text = text
        self.places = places
        self.inside = inside
        self.next_place = 0

    def span(self, lo: int, hi: int, refs: list[str] | None = None) -> str:
        """Markup for text[lo:hi]. With ``refs``, footnote markers are collected there instead of
        written inline: inside a mention link they would make a link within a link."""
        html: list[str] = []
        position = lo
        while self.next_place < len(self.places) and self.places[self.next_place].end <= hi:
            place = self.places[self.next_place]
            if place.start < position:  # cannot happen once mentions are widened; never emit twice
                self.next_place += 1
                continue
            html.append(escape_html(self.text[position : place.start]))
            html.append(self._edit(place, self.inside.get(self.next_place, []), refs))
            position = place.end
            self.next_place += 1
        html.append(escape_html(self.text[position:hi]))
        return "".join(html)

    def _edit(self, place: Place, mentions: list[InlineMention], refs: list[str] | None) -> str:
        corrected: list[str] = []
        position = place.start
        for mention in mentions:
            corrected.append(escape_html(self.text[position : mention.start]))
            corrected.append(
                mention.open_tag + escape_html(self.text[mention.start : mention.end]) + mention.close_tag
            )
            position = mention.end
        corrected.append(escape_html(self.text[position : place.end]))
        edit = place.edit
        marker = note_marker(edit.note)
        if refs is not None:
            refs.append(marker)
            marker = ""
        if marker and not mentions:  # unambiguous: the text between </del> and the marker
            return f"<del>{escape_html(edit.source)}</del>{''.join(corrected)}{marker}"
        return f"<del>{escape_html(edit.source)}</del><ins>{''.join(corrected)}</ins>{marker}"


def render_inline(
    source: str,
    edits: Sequence[InlineEdit],
    mentions: Sequence[InlineMention],
    corrected_and_places: tuple[str, list[Place]] | None = None,
) -> str:
    """HTML for one paragraph.

    ``edits`` are sorted and disjoint; ``mentions`` too, with offsets in the corrected text.
    ``corrected_and_places`` is ``corrected_places(source, edits)``, when the caller has it.
    """
    corrected, places = corrected_and_places or corrected_places(source, edits)
    index = PlaceIndex(places)
    outer: list[tuple[int, int, InlineMention]] = []
    inside: dict[int, list[InlineMention]] = {}
    for mention in mentions:
        host = index.host(mention.start, mention.end)
        if host is not None:  # a mention inside a corrected reading: shown with that reading only
            inside.setdefault(host, []).append(mention)
            continue
        start, end = index.widen(mention.start, mention.end)
        if outer and start < outer[-1][1]:
            continue  # widening ran into the previous mention: keep the first
        outer.append((start, end, mention))

    writer = _Writer(corrected, places, inside)
    out: list[str] = []
    position = 0
    for start, end, mention in outer:
        out.append(writer.span(position, start))
        refs: list[str] = []
        out.append(mention.open_tag + writer.span(start, end, refs) + mention.close_tag + "".join(refs))
        position = end
    out.append(writer.span(position, len(corrected)))
    return "".join(out)
