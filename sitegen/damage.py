"""Spinner damage that no rule or registry form covers yet: proposals for ``sitegen check``.

An article spinner swaps words for near-synonyms, so a registry name comes out with a
word changed ("Quds Force" → "Quds Drive", "Middle East" → "Center East"). A proposal is
a place where a registry name or alias of two or more words appears, keeping at least one
distinctive word, with

* words swapped for spun forms the corrections already know (a rule or a per-article
  correction that turns "drive" into "force"): *likely*; or
* exactly one other word swapped: *possible*. Spinners swap dictionary words, not proper
  names, so the registry's word must be one the archive also writes in lower case (in an
  article, a rule, an entity's description); both words are capitalised alike, neither is
  a title or a day, neither is a prefix of the other ("Force" / "Forces" is a variant), and
  no capitalised word runs on beside them ("World Mosque Day" is another name).

One Aho–Corasick pass over each article finds the names' rarest words and their known spun
forms; only there are the words around compared with the names, so the cost grows with
the text, not with the registry. A place is left out where a correction already applies,
where a mention covers a swapped word, or where a rule would apply but for its scope (an
editor excluded the article, or the rule waits for a decision).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import ahocorasick

from sitegen.correct import RuleSet
from sitegen.corrections import Rule
from sitegen.diagnostics import Diagnostic, info
from sitegen.entities import COMMON_WORDS, Entity, fold_case
from sitegen.mentions import STOP_WORDS
from sitegen.mentions import _is_word_char as is_word_char
from sitegen.mentions import _Spans as Spans
from sitegen.model import Article, ArticleBody, Seed
from sitegen.seeds import FileOffsets, paragraph_spans, parse_seed

LIKELY, NAMED, POSSIBLE = 0, 1, 2  # ranks, most likely first
_POSSESSIVE = ("’s", "'s")
_WORDS = re.compile(r"[^\W\d_]+")
_NOT_WORD = re.compile(r"\W")
_MAX_CONTEXT_WORDS = 12  # words of prefix or suffix tried before quoting the whole paragraph


def split_chunk(chunk: str) -> tuple[str, str, str]:
    """A whitespace-free chunk as (punctuation before, word, punctuation and possessive after)."""
    first, last = 0, len(chunk)
    while first < last and not is_word_char(chunk[first]):
        first += 1
    while last > first and not is_word_char(chunk[last - 1]):
        last -= 1
    if chunk[last - 2 : last] in _POSSESSIVE and last - first > 2:
        last -= 2
    return chunk[:first], chunk[first:last], chunk[last:]


def _shape(word: str) -> str:
    if word.isupper() and sum(c.isalpha() for c in word) > 1:
        return "upper"
    if word[:1].isupper():
        return "title" if word[1:] == word[1:].lower() else "mixed"
    return "lower" if word.islower() else "other"


@dataclass(frozen=True, slots=True)
class Proposal:
    """One place that looks like spinner damage, with the per-article correction to accept it."""

    article: str  # seed id
    seed_path: str
    editorial_path: str | None
    line: int  # the seed file's physical line
    exact: str  # the text as received
    replace: str  # the registry's form
    prefix: str  # context that makes ``exact`` unique in the article ('' when it already is)
    suffix: str
    entity: Entity
    swaps: tuple[tuple[str, str], ...]  # (received word, registry word) of each swapped word
    known_by: str  # 'rules' or 'corrections' when every swap is known; '' otherwise
    named: bool  # the article names the entity elsewhere

    @property
    def rank(self) -> int:
        return LIKELY if self.known_by else NAMED if self.named else POSSIBLE

    def reason(self) -> str:
        pairs = ", ".join(f"{fold_case(a)} → {fold_case(b)}" for a, b in self.swaps)
        if self.known_by:
            return f"likely: {self.known_by} know {pairs}"
        where = "the article names it elsewhere; " if self.named else ""
        return f"possible: one word differs from {self.entity.path}; {where}no rule knows {pairs}"

    def diagnostic(self) -> Diagnostic:
        message = f'possible spinner damage: "{self.exact}" → "{self.replace}" ({self.reason()})'
        return info("possible-damage", message, self.seed_path, self.line)

    def note(self) -> str:
        swapped = "; ".join(f"‘{b}’ appears as ‘{a}’" for a, b in self.swaps)
        return f"Spinner damage to the name ‘{self.entity.name}’: {swapped}."


class KnownSwaps:
    """Word pairs the corrections make: spun word → original word (both case-folded)."""

    def __init__(self) -> None:
        self.by_spun: dict[str, dict[str, str]] = {}  # spun -> original -> 'rules' | 'corrections'
        self.by_original: dict[str, set[str]] = {}

    def learn(self, received: str, corrected: str, known_by: str) -> None:
        """The pairs of words in which two readings of as many words differ."""
        pieces, replaced = received.split(), corrected.split()
        if len(pieces) != len(replaced):
            return
        for spun, original in zip(pieces, replaced, strict=True):
            a, b = fold_case(split_chunk(spun)[1]), fold_case(split_chunk(original)[1])
            if a and b and a != b and _WORDS.fullmatch(a) and _WORDS.fullmatch(b):
                known = self.by_spun.setdefault(a, {})
                if known.get(b) != "rules":  # a rule is the stronger witness
                    known[b] = known_by
                self.by_original.setdefault(b, set()).add(a)

    def known(self, spun: str, original: str) -> str:
        return self.by_spun.get(spun, {}).get(original, "")


@dataclass(frozen=True, slots=True)
class _Name:
    """A registry name or alias of two or more words, split as text is (see :func:`split_chunk`)."""

    entity: Entity
    leads: tuple[str, ...]
    cores: tuple[str, ...]
    trails: tuple[str, ...]
    folded: tuple[str, ...]
    ignore_case: bool


def _anchors(name: _Name, uses: Mapping[str, int]) -> list[int]:
    """Two positions of the name's rarest distinctive words (fewest names use them): a place
    with one word swapped still holds one of them (a match keeps a distinctive word), and a
    rare word is compared with few names."""
    order = sorted(
        (k for k in range(len(name.cores)) if _distinctive(name.folded[k])),
        key=lambda k: (uses[name.folded[k]], -len(name.cores[k]), k),
    )
    return order[:2]


@dataclass(frozen=True, slots=True)
class _Found:
    start: int  # offsets in the article's source text
    end: int
    name: _Name
    swapped: tuple[tuple[int, int, int], ...]  # (start, end, position in the name) of each swapped word
    known_by: str


class _Chunk(NamedTuple):
    """A whitespace-separated piece of text: a word with the punctuation either side."""

    start: int  # of the word, in the text
    lead: str
    core: str
    trail: str
    folded: str


class _Window:
    """The chunks of one paragraph on either side of a word found in it, split once each."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        first, last = start, end
        while first > 0 and not text[first - 1].isspace():
            first -= 1
        while last < len(text) and not text[last].isspace():
            last += 1
        self.center = self._chunk(first, last)
        self.left: list[_Chunk] = []  # nearest first
        self.right: list[_Chunk] = []
        self._edges = [first, last]  # how far the chunks split so far reach

    def _chunk(self, first: int, last: int) -> _Chunk:
        lead, core, trail = split_chunk(self.text[first:last])
        return _Chunk(first + len(lead), lead, core, trail, fold_case(core))

    def words(self, before: int, after: int) -> list[_Chunk] | None:
        """``before`` chunks, the word's own and ``after`` chunks; None past the paragraph."""
        text = self.text
        while len(self.left) < before:
            end = gap = self._edges[0]
            while gap > 0 and text[gap - 1] in " \t":
                gap -= 1
            if gap == end or gap == 0 or text[gap - 1].isspace():
                return None  # the paragraph's start
            first = gap
            while first > 0 and not text[first - 1].isspace():
                first -= 1
            self.left.append(self._chunk(first, gap))
            self._edges[0] = first
        while len(self.right) < after:
            start = gap = self._edges[1]
            while gap < len(text) and text[gap] in " \t":
                gap += 1
            if gap == start or gap == len(text) or text[gap].isspace():
                return None
            last = gap
            while last < len(text) and not text[last].isspace():
                last += 1
            self.right.append(self._chunk(gap, last))
            self._edges[1] = last
        return [*reversed(self.left[:before]), self.center, *self.right[:after]]


def registry_names(entities: Sequence[Entity]) -> list[_Name]:
    """The registry's names and aliases of two or more words."""
    names: list[_Name] = []
    for entity in entities:
        for form in entity.forms:
            pieces = [split_chunk(p) for p in form.text.split()]
            if len(pieces) < 2 or not all(core for _, core, _ in pieces):
                continue
            leads, cores, trails = (tuple(p[i] for p in pieces) for i in range(3))
            folded = tuple(map(fold_case, cores))
            names.append(_Name(entity, leads, cores, trails, folded, form.ignore_case))
    return names


class _WordFinder:
    """Whole words of a set in a text, in one Aho–Corasick pass: the text is searched with
    every character that is not a letter, digit or '_' made a space, the words padded with one."""

    def __init__(self, words: Iterable[str]) -> None:
        self._automaton: Any = None
        for word in words:
            if self._automaton is None:
                self._automaton = ahocorasick.Automaton()
            self._automaton.add_word(f" {word} ", word)
        if self._automaton is not None:
            self._automaton.make_automaton()

    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, word) of each word in ``text``, compared case-folded."""
        if self._automaton is None:
            return
        lowered = fold_case(text)
        if len(lowered) != len(text):  # a letter that lower-cases to two: keep offsets honest
            lowered = "".join(c if len(c.lower()) != 1 else fold_case(c) for c in text)
        spaced = " " + _NOT_WORD.sub(" ", lowered) + " "
        for last, key in self._automaton.iter(spaced):
            start, end = last - len(key) - 1, last - 1  # in ``text``: one character shorter
            # A combining mark is no word character for re, but it is for a mention.
            if (start > 0 and is_word_char(text[start - 1])) or (end < len(text) and is_word_char(text[end])):
                continue
            yield start, end, key


def lower_case_words(names: Sequence[_Name], texts: Iterable[str]) -> set[str]:
    """The names' distinctive words that ``texts`` use in lower case: ordinary words, which a
    spinner swaps, unlike names."""
    finder = _WordFinder({word for name in names for word in name.folded if _distinctive(word)})
    return {key for text in texts for start, end, key in finder.find(text) if text[start:end].islower()}


class NameScanner:
    """The registry's names, indexed for one pass over each text.

    ``common``: the words a spinner may have swapped unseen (ordinary, lower-case words).
    A name is looked for at its two rarest distinctive words, and at one of them only if
    some other word of the name can be swapped (an ordinary word, or one whose spun forms
    are known), or at the known spun forms of that word."""

    def __init__(self, names: Sequence[_Name], swaps: KnownSwaps, common: Collection[str]) -> None:
        self.swaps = swaps
        self.common = common
        self.anchors: dict[str, list[tuple[_Name, int]]] = {}
        uses = Counter(word for name in names for word in set(name.folded))
        for name in names:
            swappable = [w in common or w in swaps.by_original for w in name.folded]
            for j in _anchors(name, uses):
                spun = swaps.by_original.get(name.folded[j], set())
                keys = spun | {name.folded[j]} if any(swappable[:j] + swappable[j + 1 :]) else spun
                for key in keys:
                    self.anchors.setdefault(key, []).append((name, j))
        self._words = _WordFinder(self.anchors)

    def scan(self, text: str) -> Iterator[_Found]:
        """Every place in ``text`` where a name appears with words swapped (overlaps included)."""
        known, common = self.swaps.by_spun, self.common
        for start, end, key in self._words.find(text):
            window = _Window(text, start, end)
            if (window.center.start, window.center.start + len(window.center.core)) != (start, end):
                continue  # the word found is part of a longer one ('al' in 'al-Muhandis')
            for name, j in self.anchors[key]:
                words = window.words(j, len(name.cores) - 1 - j)
                if words is None:
                    continue
                # Cheap tests first: every differing word a known swap, or one ordinary word.
                differ = [k for k, w in enumerate(words) if w.folded != name.folded[k]]
                if not differ:
                    continue
                unknown = [k for k in differ if name.folded[k] not in known.get(words[k].folded, ())]
                if unknown and (len(differ) > 1 or name.folded[unknown[0]] not in common):
                    continue
                found = self._compare(text, words, name)
                if found is not None:
                    yield found

    def _compare(self, text: str, words: list[_Chunk], name: _Name) -> _Found | None:
        last = len(name.cores) - 1
        distinct, swapped, unknown, known_by = False, [], 0, "rules"
        for k, word in enumerate(words):
            if (k > 0 and word.lead != name.leads[k]) or (k < last and word.trail != name.trails[k]):
                return None
            if not word.core:
                return None
            if word.core == name.cores[k] or (name.ignore_case and word.folded == name.folded[k]):
                distinct = distinct or _distinctive(word.folded)
                continue
            swapped.append((word.start, word.start + len(word.core), k))
            knower = self.swaps.known(word.folded, name.folded[k])
            if knower:
                known_by = known_by if knower == "rules" else knower
            elif _may_be_swapped(word.core, name.cores[k]):
                unknown += 1
            else:
                return None
        # A name's kept words must say which name it is: 'the Embassy' is not 'the Shah'.
        if not distinct or not swapped or (unknown and len(swapped) > 1):
            return None
        if unknown and _inside_longer_name(text, words):
            return None  # 'World Mosque Day' is another name than 'New Day'
        end = words[-1].start + len(words[-1].core)
        return _Found(words[0].start, end, name, tuple(swapped), "" if unknown else known_by)


def _distinctive(word: str) -> bool:
    return len(word) > 2 and word not in COMMON_WORDS


def _may_be_swapped(received: str, registry: str) -> bool:
    """Whether an unknown word can be a spun form of a registry word: both capitalised alike
    (a name's lower-case words, as in 'Baghdad airport', are any text's words), neither a
    common word, a title or a day ('President Trump' is no damage to 'Minister Trump'),
    neither a prefix of the other (a variant such as 'Forces', not a swap)."""
    a, b = fold_case(received), fold_case(registry)
    return (
        _shape(received) == _shape(registry) in ("title", "upper")
        and received not in STOP_WORDS
        and registry not in STOP_WORDS
        and _WORDS.fullmatch(received) is not None
        and _distinctive(a)
        and _distinctive(b)
        and not (a.startswith(b) or b.startswith(a))
    )


def _capitalised_name(word: str) -> bool:
    return word[:1].isupper() and _distinctive(fold_case(word))  # 'The' opens a sentence


def _inside_longer_name(text: str, words: list[_Chunk]) -> bool:
    """Whether a capitalised word runs on either side of the words, without punctuation between."""
    first, last = words[0], words[-1]
    window = _Window(text, first.start, first.start + len(first.core))
    before = window.words(1, 0)
    if before is not None and not before[0].trail and not first.lead and _capitalised_name(before[0].core):
        return True
    window = _Window(text, last.start, last.start + len(last.core))
    after = window.words(0, 1)
    return after is not None and not last.trail and not after[1].lead and _capitalised_name(after[1].core)


def _unique_context(text: str, start: int, end: int, paragraph: tuple[int, int]) -> tuple[str, str] | None:
    """The shortest prefix or suffix, in whole words of the paragraph, that makes
    ``text[start:end]`` occur once in ``text`` (a per-article correction must match one
    place); None when not even the whole paragraph does (it repeats)."""

    def once(first: int, last: int) -> bool:
        position = text.find(text[first:last])
        return text.find(text[first:last], position + 1) == -1

    if once(start, end):
        return "", ""
    options: list[tuple[int, int]] = []
    first, last = start, end
    for _ in range(_MAX_CONTEXT_WORDS):
        if first <= paragraph[0]:
            break
        first = text.rfind(" ", paragraph[0], first - 1) + 1 or paragraph[0]
        if once(first, end):
            options.append((first, end))
            break
    for _ in range(_MAX_CONTEXT_WORDS):
        if last >= paragraph[1]:
            break
        found = text.find(" ", last + 1, paragraph[1])
        last = paragraph[1] if found == -1 else found
        if once(start, last):
            options.append((start, last))
            break
    if not options and once(*paragraph):
        options.append(paragraph)
    if not options:
        return None
    first, last = min(options, key=lambda o: o[1] - o[0])  # on a tie the prefix, listed first
    return text[first:start], text[end:last]


def _paragraph_spans(seed: Seed) -> list[tuple[int, int]]:
    return paragraph_spans(p.text for p in seed.paragraphs)


def _common_words(entities: Sequence[Entity], rules: Sequence[Rule]) -> set[str]:
    """Lower-case words the registry and the rules use: ordinary words, not names."""
    texts = [e.description for e in entities] + [e.note_markdown for e in entities]
    texts += [r.find for r in rules if not r.regex] + [r.replace for r in rules if not r.regex]
    return {word for text in texts for word in _WORDS.findall(text) if word.islower()}


def learn_swaps(rules: Sequence[Rule], analysed: Iterable[tuple[Article, ArticleBody]]) -> KnownSwaps:
    """The word swaps the rules and the applied corrections make (``analysed``: each
    article with its body, which holds its corrected places)."""
    swaps = KnownSwaps()
    for rule in rules:
        if not rule.regex:
            swaps.learn(rule.find, rule.replace, "rules")
    rule_keys = {r.key for r in rules}
    pairs: set[tuple[str, str, str]] = set()  # the same correction recurs in many articles
    for article, body in analysed:
        keys = {f.number: f.correction for f in article.footnotes}
        for place in body.places:
            known_by = "rules" if keys.get(place.footnote) in rule_keys else "corrections"
            pairs.add((place.source, place.replacement, known_by))
    for received, corrected, known_by in sorted(pairs):
        swaps.learn(received, corrected, known_by)
    return swaps


def find_damage(
    articles: Sequence[Article],
    bodies: Mapping[str, ArticleBody],
    entities: Sequence[Entity],
    rules: Sequence[Rule],
) -> list[Proposal]:
    """Proposals for every article, most likely first (then in article order and by line)."""
    # Places a rule matches but does not apply to (out of its scope, or pending an editor's
    # decision on its collection) are not damage to propose: `check` lists pending ones.
    scoped = RuleSet(rules) if rules else None
    seeds: list[tuple[Article, Seed]] = []
    for article in articles:
        seed, _ = parse_seed(bodies[article.id].source, article.id, article.seed_path)
        if seed is not None:
            seeds.append((article, seed))
    names = registry_names(entities)
    common = _common_words(entities, rules) | lower_case_words(names, (s.source_text for _, s in seeds))
    known = learn_swaps(rules, ((a, bodies[a.id]) for a in articles))
    scanner = NameScanner(names, known, common)
    proposals: list[Proposal] = []
    for article, seed in seeds:
        kept = _kept(article, bodies[article.id], seed, list(scanner.scan(seed.source_text)), scoped)
        if not kept:
            continue
        offsets = FileOffsets(seed.data.decode("utf-8"), seed)
        text = seed.source_text
        paragraphs = _paragraph_spans(seed)
        for place in kept:
            span = next(p for p in paragraphs if p[0] <= place.start <= p[1])
            context = _unique_context(text, place.start, place.end, span)
            if context is None:
                continue  # a repeated paragraph: no per-article correction can name one place
            prefix, suffix = context
            named = any(
                m.entity == place.name.entity.id and (m.end <= place.start or m.start >= place.end)
                for m in bodies[article.id].mentions
            )
            replace = list(text[place.start : place.end])
            for begin, end, k in reversed(place.swapped):
                replace[begin - place.start : end - place.start] = place.name.cores[k]
            swaps = tuple((text[b:e], place.name.cores[k]) for b, e, k in place.swapped)
            proposal = Proposal(
                article.id,
                article.seed_path,
                article.editorial_path,
                offsets.line(place.start),
                text[place.start : place.end],
                "".join(replace),
                prefix,
                suffix,
                place.name.entity,
                swaps,
                place.known_by,
                named,
            )
            proposals.append(proposal)
    return sorted(proposals, key=lambda p: p.rank)  # stable: then in article order, by line


def _kept(
    article: Article, body: ArticleBody, seed: Seed, places: list[_Found], scoped: RuleSet | None
) -> list[_Found]:
    """The places worth proposing, without overlaps: longer names and likelier ones first."""
    corrected = [(p.start, p.end) for p in body.places]
    if scoped is not None:  # every rule's places, applied or not: an editor's matter either way
        hits = scoped.hits(seed.source_text, _paragraph_spans(seed), frozenset())
        corrected += [(h.start, h.end) for h in hits]
    covered, mentioned = Spans(corrected), Spans([(m.start, m.end) for m in body.mentions])
    chosen: list[_Found] = []
    taken = Spans([])
    for place in sorted(places, key=lambda p: (not p.known_by, p.start - p.end, p.start)):
        if covered.overlaps(place.start, place.end) or taken.overlaps(place.start, place.end):
            continue
        if any(mentioned.overlaps(b, e) for b, e, _ in place.swapped):
            continue
        chosen.append(place)
        taken = Spans([*((c.start, c.end) for c in chosen)])
    return sorted(chosen, key=lambda p: p.start)


# ------------------------------------------------------------------ accepting a proposal


def _yaml_item(proposal: Proposal, indent: str) -> str:
    fields = [("exact", proposal.exact), ("prefix", proposal.prefix), ("suffix", proposal.suffix)]
    fields += [("replace", proposal.replace)]
    lines = [
        f"{key}: {json.dumps(value, ensure_ascii=False)}"
        for key, value in fields
        if value or key == "replace"
    ]
    lines += ["type: error", "category: spinner", f"note: {json.dumps(proposal.note(), ensure_ascii=False)}"]
    return f"{indent}- " + "\n".join(lines[:1] + [f"{indent}  {line}" for line in lines[1:]])


def _toml_item(proposal: Proposal) -> str:
    fields = [("exact", proposal.exact), ("prefix", proposal.prefix), ("suffix", proposal.suffix)]
    fields += [("replace", proposal.replace), ("type", "error"), ("category", "spinner")]
    fields += [("note", proposal.note())]
    # A JSON string is a TOML basic string: the same escapes.
    lines = [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in fields if value]
    return "\n".join(["[[corrections]]", *lines])


_ITEM_INDENT = re.compile(r"^corrections:[ \t]*\n(?:[ \t]*(?:#.*)?\n)*([ \t]*)- ", re.MULTILINE)


def acceptance(proposals: Sequence[Proposal], editorial: str | None) -> tuple[str, str]:
    """How to accept an article's proposals: what to do with its editorial file (whose text
    is ``editorial``, None when there is none), and the block to paste."""
    path = proposals[0].editorial_path or f"content/articles/{proposals[0].article}.md"
    text = (editorial or "").removeprefix("\ufeff").replace("\r\n", "\n")
    fence = text.split("\n", 1)[0].rstrip()
    if fence == "+++":
        items = "\n".join(_toml_item(p) for p in proposals)
        return f"add to the end of the front matter of {path} (before the closing +++):", items
    if fence != "---":
        items = "\n".join(_yaml_item(p, "  ") for p in proposals)
        where = f"create {path} with:" if editorial is None else f"add at the top of {path}:"
        return where, f"---\ncorrections:\n{items}\n---"
    head = text.split("\n---", 1)[0]
    existing = _ITEM_INDENT.search(head)
    if existing is not None:
        items = "\n".join(_yaml_item(p, existing.group(1)) for p in proposals)
        return f"add to the corrections: list of {path}:", items
    items = "\n".join(_yaml_item(p, "  ") for p in proposals)
    return f"add to the front matter of {path} (between its --- lines):", f"corrections:\n{items}"


def damage_report(proposals: Sequence[Proposal], limit: int, read: Callable[[str], str | None]) -> list[str]:
    """The lines ``sitegen check`` prints: the ``limit`` likeliest proposals, grouped by
    article (each group's diagnostics, then how to accept them); ``read`` gives the text of an
    editorial file by its path (None when it does not exist)."""
    shown = proposals[:limit]
    by_article: dict[str, list[Proposal]] = {}
    for proposal in shown:
        by_article.setdefault(proposal.article, []).append(proposal)
    lines = [
        f"Possible spinner damage (registry names with a word swapped), {len(proposals)} in "
        f"{len({p.article for p in proposals})} article(s), most likely first:"
    ]
    for group in by_article.values():
        group.sort(key=lambda p: (p.rank, p.line))
        lines += [p.diagnostic().format() for p in group]
        path = group[0].editorial_path
        how, block = acceptance(group, read(path) if path else None)
        lines += [f"To accept {'it' if len(group) == 1 else 'them'}, {how}", block, ""]
    if len(proposals) > limit:
        lines.append(f"… and {len(proposals) - limit} more (list them with --damage {len(proposals)}).")
    return lines
