"""Small text helpers shared by stages: slugs, first sentences, HTML escaping."""

from __future__ import annotations

import re

from slugify import slugify as _transliterated_slug

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[’'\"”]?\s+(?=[‘'\"“(]?[A-Z0-9])")


SLUG_WORDS = 5  # an article's derived slug: a few words, not a sentence fragment


def slugify(text: str, max_length: int = 60, max_words: int | None = None) -> str:
    """Lowercase ASCII words joined by '-', non-Latin scripts transliterated (Persian,
    Cyrillic, CJK: a readable slug, not an empty one), cut at a word boundary. The backend
    is named, not 'auto': an installed Unidecode must not change every URL of a site."""
    slug = _transliterated_slug(text, backend="text-unidecode")
    if max_words is not None:
        slug = "-".join(slug.split("-")[:max_words])
    if len(slug) > max_length:
        slug = slug[: max_length + 1].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
    return slug


def first_sentence(text: str, max_length: int = 120) -> str:
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    if len(sentence) > max_length:
        sentence = sentence[:max_length].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…"
    return sentence


TITLE_LENGTH = 80  # a derived title longer than this is cut at a clause boundary
TITLE_LONGEST = 100  # ...or, without one, left whole up to this: better than cutting off 'is replaced.'
_MIN_CLAUSE = 20  # shorter leading clauses ("But,", "On Friday,") say too little to be a title
# A clause ends before a comma, semicolon or colon, or before a spaced dash.
_CLAUSE_END = re.compile(r"[,;:](?=\s)|\s[–—-](?=\s)")


def derived_title(text: str) -> tuple[str, bool]:
    """A title for an article without one, from its opening paragraph ``text``: its first
    sentence when short, else the longest leading clause that is, else the sentence when not
    much longer, else its first words.
    Also whether the title is the whole first sentence (the page then shows it once)."""
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    # Shorter than the sentence: the page's heading does not repeat the whole of it.
    clauses = [m.start() for m in _CLAUSE_END.finditer(sentence) if _MIN_CLAUSE <= m.start() <= TITLE_LENGTH]
    if clauses:
        return sentence[: clauses[-1]].rstrip(), False
    if len(sentence) <= TITLE_LONGEST:
        return (sentence[:-1] if sentence.endswith(".") and not sentence.endswith("..") else sentence), True
    return sentence[:TITLE_LENGTH].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…", False


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of ``text``, for keyword-in-context snippets."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


SNIPPET_SIDE = 110  # characters of context kept on each side of a mention


def trim_left(text: str, keep: int = SNIPPET_SIDE) -> str:
    """The end of ``text``, cut at a word boundary, for keyword-in-context snippets."""
    if len(text) <= keep:
        return text
    cut = text[-keep:]
    return "…" + cut[cut.find(" ") + 1 :] if " " in cut else "…" + cut


def trim_right(text: str, keep: int = SNIPPET_SIDE) -> str:
    if len(text) <= keep:
        return text
    cut = text[:keep]
    return (cut[: cut.rfind(" ")] if " " in cut else cut) + "…"
