"""Small text helpers shared by stages: slugs, first sentences, HTML escaping."""

from __future__ import annotations

import re
import unicodedata

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
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[’'\"”]?\s+(?=[‘'\"“(]?[A-Z0-9])")


def slugify(text: str, max_length: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_ALNUM.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def first_sentence(text: str, max_length: int = 120) -> str:
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    if len(sentence) > max_length:
        sentence = sentence[:max_length].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…"
    return sentence


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
