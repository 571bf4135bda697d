"""Find mentions of registry entities in text, and names that could become entities.

Matching is one pass over the text for the whole registry (Aho–Corasick), so its
cost does not grow with the number of entities. The rules:

* whole words only: the characters either side of a match must not be letters,
  digits, underscores or combining marks (so "US-led" mentions "US", "Iranian"
  does not mention "Iran", and "Soleimani’s" mentions "Soleimani");
* case-sensitive, unless the alias says ``ignore_case: true``;
* leftmost match first, the longest at a position wins, no overlaps;
* never inside a URL (``http://…``, ``https://…``, ``www.…`` up to whitespace).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick

from sitegen.entities import Alias, Entity, fold_case

_URL = re.compile(r"(?:\bhttps?://|\bwww\.)\S+", re.IGNORECASE)

# (length of the key, rank of the entity's id, entity id); the rank breaks ties
# between two entities claiming one form (the registry reports that as an error).
_Value = tuple[int, int, str]
_Match = tuple[int, int, int, str]  # start, end, rank, entity id


@dataclass(frozen=True, slots=True)
class Found:
    start: int  # offsets into the searched text
    end: int
    entity: str  # entity id
    surface: str  # the text as written: text[start:end]


def _is_word_char(c: str) -> bool:
    """Letters, digits, underscore and combining marks: what a match may not touch."""
    return c.isalnum() or c == "_" or (c >= "\u0300" and unicodedata.category(c)[0] == "M")


def _url_spans(text: str) -> list[tuple[int, int]]:
    if "://" not in text and "www." not in text.lower():  # the common case, without the slower regex
        return []
    return [m.span() for m in _URL.finditer(text)]


class _Spans:
    """Sorted, disjoint spans, asked whether [start, end) overlaps any of them."""

    __slots__ = ("_spans", "_starts")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._spans = sorted(spans)
        self._starts = [s for s, _ in self._spans]

    def __bool__(self) -> bool:
        return bool(self._spans)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, start)
        return (i > 0 and self._spans[i - 1][1] > start) or (i < len(self._spans) and self._spans[i][0] < end)


def _automaton(words: dict[str, _Value]) -> Any:
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    for key, value in words.items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """``text`` case-folded char by char, and the offset in ``text`` of every folded char."""
    parts: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        low = fold_case(char)
        parts.append(low)
        origin.extend([index] * len(low))
    origin.append(len(text))
    return "".join(parts), origin


def _leftmost_longest(matches: list[_Match]) -> list[_Match]:
    matches.sort(key=lambda m: (m[0], -m[1], m[2]))
    chosen: list[_Match] = []
    last_end = -1
    for match in matches:
        if match[0] >= last_end:
            chosen.append(match)
            last_end = match[1]
    return chosen


class MentionFinder:
    """All forms of all entities, compiled once per build. Picklable, for worker processes."""

    __slots__ = ("_exact", "_folded")

    def __init__(self, entities: Sequence[Entity]) -> None:
        exact: dict[str, _Value] = {}
        folded: dict[str, _Value] = {}
        for rank, entity in enumerate(sorted(entities, key=lambda e: e.id)):
            for form in entity.forms:
                key = fold_case(form.text) if form.ignore_case else form.text
                table = folded if form.ignore_case else exact
                if key and key not in table:  # the entity sorting first keeps a shared form
                    table[key] = (len(key), rank, entity.id)
        self._exact = _automaton(exact)
        self._folded = _automaton(folded)

    def __getstate__(self) -> tuple[Any, Any]:
        return self._exact, self._folded

    def __setstate__(self, state: tuple[Any, Any]) -> None:
        self._exact, self._folded = state

    def _candidates(self, text: str) -> list[_Match]:
        """Every whole-word occurrence of every form outside URLs, overlapping or not."""
        found: list[_Match] = []
        if self._exact is not None:
            for last, (length, rank, entity) in self._exact.iter(text):
                found.append((last + 1 - length, last + 1, rank, entity))
        if self._folded is not None:
            folded = fold_case(text)
            if len(folded) == len(text):
                # lower() never shortens a character, so equal lengths mean equal offsets
                for last, (length, rank, entity) in self._folded.iter(folded):
                    found.append((last + 1 - length, last + 1, rank, entity))
            else:  # a character grew when folded (such as 'İ'): map offsets back
                folded, origin = _folded_with_offsets(text)
                for last, (length, rank, entity) in self._folded.iter(folded):
                    start, end = last + 1 - length, last + 1
                    if (start == 0 or origin[start - 1] != origin[start]) and origin[end] != origin[end - 1]:
                        found.append((origin[start], origin[end - 1] + 1, rank, entity))
        if not found:
            return found
        size = len(text)
        found = [
            m
            for m in found
            if (m[0] == 0 or not _is_word_char(text[m[0] - 1]))
            and (m[1] == size or not _is_word_char(text[m[1]]))
        ]
        urls = _Spans(_url_spans(text))
        if urls:
            found = [m for m in found if not urls.overlaps(m[0], m[1])]
        return found

    def find(self, text: str) -> list[Found]:
        """Mentions in ``text``: sorted by offset, never overlapping, leftmost-longest."""
        return [
            Found(s, e, entity, text[s:e]) for s, e, _, entity in _leftmost_longest(self._candidates(text))
        ]

    def entities_matching(self, text: str) -> set[str]:
        """Ids of entities with a form occurring in ``text`` as a whole word, even if a longer
        mention hides it. To see which texts a registry change affects, ask the old and the new finder."""
        return {m[3] for m in self._candidates(text)}


# --- Names that are not entities yet -------------------------------------------------------------

_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*")
_INITIALS = re.compile(r"^(?:\w\.)+\w\.?$")  # 'U.N' of 'U.N.', completed by the dot that follows
_LAST_WORD = re.compile(r"[\w.]+$")
_CONNECTORS = frozenset({"of", "al", "bin", "de"})
_NAME_PREFIXES = ("al-", "el-")  # 'al-Muhandis': a name although it starts in lowercase
_OPENERS = "“‘\"'«"
_CLOSERS = "”’\"'»)]"
_SENTENCE_END = ".?!:…"


def _words(*groups: str) -> frozenset[str]:
    return frozenset(" ".join(groups).split())


# Titles: stripped from the front of a run ('President Hassan Rouhani'), never a name alone.
TITLES = _words(
    "Mr Mrs Ms Dr Prof President Prime Minister Secretary General Gen Sen Rep Colonel Col Commander Lt",
    "Lieutenant Maj Major Capt Captain Sgt Sergeant Adm Admiral Brig Brigadier Gov Governor Senator",
    "Representative Ambassador Chancellor Deputy Vice Chief Supreme Leader Foreign Defense Defence Affairs",
    "Ayatollah Sheikh King Queen Prince Princess Sir Lord Lady Mayor Speaker Judge Pope Rev Reverend Imam",
    "Mullah Cardinal Bishop Officer Spokesman Spokeswoman Spokesperson Chairman Chairwoman",
)
# Words capitalised for grammar, not because they are names (straight apostrophes); titles too.
STOP_WORDS = TITLES | _words(
    # common-noun abbreviations written in capitals
    "TV CV PC OK",
    # days and months
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July",
    "August September October November December",
    # pronouns and their contractions
    "I I'm I'll I've I'd We We're We'll We've We'd You You're You'll You've You'd He He'll He'd She She'll",
    "She'd It It'll They They're They'll They've They'd Me Us Him Her Them My Our Your His Its Their Mine",
    "Ours Yours Theirs Let",
    # articles, determiners, conjunctions, prepositions, adverbs, auxiliaries
    "The A An This That These Those And But Or Nor So Yet If In On At As For With By From To Of Into Onto",
    "Over Under About After Before Since Until During Without Within Against Among Between Through Across",
    "Despite Although Though Because While When Whenever Where Why How What Which Who Whom Whose There",
    "Here Then Now Still Also However Meanwhile Moreover Thus Not No Yes All Some Many Most Much More Any",
    "Each Every Both Either Neither Other Such Is Are Was Were Be Been Do Does Did Has Have Had Will Would",
    "Can Could Should Might Must",
)


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str
    count: int
    path: str  # first occurrence
    line: int


@dataclass(frozen=True, slots=True)
class _Token:
    text: str  # possessive stripped
    start: int
    end: int
    kind: str  # "name" | "connector" | "title" | "other"
    possessive: bool
    sentence_start: bool


def _plain(word: str) -> str:
    return word.replace("’", "'").rstrip(".")


def _classify(word: str) -> str:
    plain = _plain(word)
    if word in _CONNECTORS:
        return "connector"
    if any(c.isdigit() for c in word):
        return "other"
    if plain in TITLES:
        return "title"
    if plain in STOP_WORDS or plain.lower().endswith("n't"):
        return "other"
    if word[0].isupper():
        letters = [c for c in word if c.isalpha()]
        if len(letters) >= 5 and all(c.isupper() for c in letters):
            return "other"  # 'THOUSANDS': shouting, not a name
        return "name"
    if word.startswith(_NAME_PREFIXES) and len(word) > 3 and word[3].isupper():
        return "name"
    return "other"


def _at_sentence_start(text: str, start: int) -> bool:
    """Start of the text, after '.?!:…' and a space, or right after an opening quote mark."""
    if start and text[start - 1] in _OPENERS:
        return True
    i = start
    while i and text[i - 1].isspace():
        i -= 1
    if i == 0:
        return True
    if i == start:
        return False
    while i and text[i - 1] in _CLOSERS:
        i -= 1
    if i == 0 or text[i - 1] not in _SENTENCE_END:
        return False
    if text[i - 1] == ".":  # not after an abbreviation: 'Gen. Qasem', 'U.S. Army', 'Mr. Smith'
        word = _LAST_WORD.search(text, max(0, i - 25), i - 1)
        if word and (word.group() in TITLES or _INITIALS.match(word.group() + ".") or len(word.group()) == 1):
            return False
    return True


def _tokens(text: str, covered: _Spans) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(text):
        word, start, end = match.group(), match.start(), match.end()
        if _INITIALS.match(word) and text[end : end + 1] == ".":
            word, end = word + ".", end + 1
        if covered.overlaps(start, end):
            continue
        possessive = word.endswith(("'s", "’s"))
        if possessive:
            word = word[:-2]
        kind = _classify(word) if word else "other"
        tokens.append(_Token(word, start, end, kind, possessive, _at_sentence_start(text, start)))
    return tokens


def _runs(text: str, tokens: list[_Token]) -> list[list[_Token]]:
    """Consecutive name words joined by single spaces (connectors allowed between them)."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []

    def close() -> None:
        while current and current[-1].kind == "connector":
            current.pop()
        while current and current[0].kind in ("title", "connector"):
            current.pop(0)
            if current and current[0].text == "of" and len(current) > 1:  # 'Secretary of State'
                del current[:2]
        if any(t.kind == "name" for t in current):
            runs.append(list(current))
        current.clear()

    for token in tokens:
        joined = bool(current) and text[current[-1].end : token.start] == " " and not current[-1].possessive
        if not joined:
            close()
        if token.kind in ("name", "title") or (token.kind == "connector" and current):
            current.append(token)
        else:
            close()
    close()
    return runs


def find_candidates(
    texts: Iterable[tuple[str, int, str]], finder: MentionFinder, min_count: int = 1
) -> list[Candidate]:
    """Capitalised names in ``texts`` (path, line, text per paragraph) that are not mentions.

    Most frequent first, ties by name. A single word at the start of a sentence is
    left out unless it is also capitalised somewhere mid-sentence.
    """
    occurrences: list[tuple[str, bool, str, int]] = []  # name, single word at sentence start, path, line
    mid_sentence: set[str] = set()
    for path, line, text in texts:
        covered = _Spans([(f.start, f.end) for f in finder.find(text)] + _url_spans(text))
        for run in _runs(text, _tokens(text, covered)):
            words = [t.text for t in run]
            for token in run:
                if not token.sentence_start:
                    mid_sentence.add(token.text)
            single_initial = len(run) == 1 and run[0].sentence_start
            occurrences.append((" ".join(words), single_initial, path, line))
    counts: dict[str, int] = {}
    first: dict[str, tuple[str, int]] = {}
    for name, single_initial, path, line in occurrences:
        if single_initial and name not in mid_sentence:
            continue
        counts[name] = counts.get(name, 0) + 1
        first.setdefault(name, (path, line))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Candidate(name, count, *first[name]) for name, count in ranked if count >= min_count]


def unused_aliases(
    entities: Sequence[Entity], texts: Iterable[tuple[str, int, str]], finder: MentionFinder
) -> list[tuple[Entity, Alias]]:
    """Forms (names and aliases) that no mention in ``texts`` (path, line, text) matched."""
    surfaces: dict[str, set[str]] = {}
    for _path, _line, text in texts:
        for found in finder.find(text):
            surfaces.setdefault(found.entity, set()).add(found.surface)
    unused: list[tuple[Entity, Alias]] = []
    for entity in entities:
        seen = surfaces.get(entity.id, set())
        folded_seen = {fold_case(s) for s in seen}
        for form in entity.forms:
            used = fold_case(form.text) in folded_seen if form.ignore_case else form.text in seen
            if not used:
                unused.append((entity, form))
    return unused
