"""Apply corrections to one article's paragraphs: the corrected reading as edits.

Site-wide literal rules are compiled once per build into two Aho–Corasick
automata (one over a lower-cased copy of the text for case-insensitive finds,
one over the text itself for case-sensitive finds); only their candidate hits
are checked in Python (whole word, scope, context, case). Regex rules, which
are rare, are searched one by one with RE2 (:mod:`sitegen.regexfind`), only in the
paragraphs that hold the text every match must contain; per-article quote
records with ``str.find``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick

from sitegen.corrections import CONSTRAINTS, Correction, QuoteRecord, Rule, has_upper, regex_facts
from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.regexfind import Template, Utf8Paragraph, compile_find, parse_template, scan_paragraph
from sitegen.scope import Scopes

_NO_SCOPE: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Edit:
    paragraph: int  # 0-based index into the article's paragraphs
    start: int  # offsets into that paragraph's source text
    end: int
    source: str  # the source reading (text[start:end])
    replacement: str  # the corrected reading, case already applied
    correction: str  # key of the Rule or QuoteRecord


def is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def keep_case(matched: str, replacement: str) -> str:
    """Carry the case of a case-insensitive match over to its replacement."""
    if matched.isupper() and sum(c.isalpha() for c in matched) > 1:
        return replacement.upper()
    if matched[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


@dataclass(frozen=True, slots=True)
class _Context:
    text: str  # lower-cased when folded
    folded: bool
    word_edge: bool  # the far end is a letter or digit: the text there must end a word


@dataclass(frozen=True, slots=True)
class _Entry:
    order: int
    rule: Rule
    folded: bool  # case-insensitive
    pattern: Any  # the find: RE2 for regex rules; a re.Pattern for literal rules, used only
    # where lower-casing changes lengths (it is escaped: Python's re cannot backtrack on it)
    template: Template  # regex rules: the replacement, parsed
    trigger: str  # regex rules: lower-cased text every match contains (empty: search every paragraph)
    after: tuple[_Context, ...]
    before: tuple[_Context, ...]
    not_after: tuple[_Context, ...]
    not_before: tuple[_Context, ...]


def _contexts(strings: Iterable[str], before: bool) -> tuple[_Context, ...]:
    out = []
    for raw in strings:
        text = raw.strip()
        folded = not has_upper(text)
        out.append(
            _Context(text.lower() if folded else text, folded, is_word(text[0] if before else text[-1]))
        )
    return tuple(out)


def _follows(contexts: tuple[_Context, ...], text: str, end: int, stop: int) -> bool:
    """Whether the text after ``end`` (whitespace skipped, up to ``stop``) starts with one of them."""
    while end < stop and text[end].isspace():
        end += 1
    for c in contexts:
        last = end + len(c.text)
        chunk = text[end:last] if last <= stop else ""
        if (chunk.lower() if c.folded else chunk) == c.text and not (
            c.word_edge and last < stop and is_word(text[last])
        ):
            return True
    return False


def _precedes(contexts: tuple[_Context, ...], text: str, start: int, stop: int) -> bool:
    """Whether the text before ``start`` (whitespace skipped, back to ``stop``) ends with one of them."""
    while start > stop and text[start - 1].isspace():
        start -= 1
    for c in contexts:
        first = start - len(c.text)
        chunk = text[first:start] if first >= stop else ""
        if (chunk.lower() if c.folded else chunk) == c.text and not (
            c.word_edge and first > stop and is_word(text[first - 1])
        ):
            return True
    return False


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int  # offsets into the article's source text
    end: int
    kind: int  # 0 for a quote record, 1 for a rule: records win ties
    order: int
    replacement: str
    correction: Correction
    pending: bool = False  # a rule match no editor has decided on: listed, not applied


# Non-ASCII letters that re.IGNORECASE equates with an ASCII letter but str.lower() does not
# ('İ' lower-cases to two characters, which the length check already catches).
_ODD_CASE = ("ſ", "ı")


def _build(words: dict[str, tuple[list[_Entry], list[_Entry]]]) -> Any:
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    for word, (entries, triggered) in words.items():
        automaton.add_word(word, (len(word), tuple(entries), tuple(triggered)))
    automaton.make_automaton()
    return automaton


class RuleSet:
    """Compiled once per build, applied to every article.

    Literal finds (and the required text of regex finds) go into one Aho–Corasick
    automaton run over the lower-cased text; candidate hits are then checked in Python.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._literal: list[_Entry] = []
        self._regex: list[_Entry] = []
        words: dict[str, tuple[list[_Entry], list[_Entry]]] = {}
        self.scopes = Scopes(self.rules)
        self._order = {rule.key: order for order, rule in enumerate(self.rules)}
        for order, rule in enumerate(self.rules):
            template: Template = ()
            pattern: Any
            if rule.regex:
                _, upper, literal = regex_facts(rule.find)
                folded = not upper
                # Each paragraph is searched alone: ^ and $ match at its start and end.
                pattern = compile_find(rule.find, ignore_case=folded)
                template = parse_template(rule.replace, pattern)
            else:
                folded, literal = not has_upper(rule.find), rule.find
                pattern = re.compile(re.escape(rule.find), re.IGNORECASE if folded else 0)
            key = literal.lower()
            usable = len(key) == len(literal) and (len(key) > 1 or not rule.regex)
            contexts = [_contexts(getattr(rule, name), name.endswith("preceded_by")) for name in CONSTRAINTS]
            trigger = key if rule.regex and usable else ""
            entry = _Entry(order, rule, folded, pattern, template, trigger, *contexts)
            (self._regex if rule.regex else self._literal).append(entry)
            if usable:
                words.setdefault(key, ([], []))[1 if rule.regex else 0].append(entry)
            elif not rule.regex:
                self._regex.append(
                    entry
                )  # a find whose lower case has another length: search it as a pattern
        self._automaton = _build(words)

    def out_of_scope(self, article_id: str, decisions: Mapping[str, str] = {}) -> frozenset[int]:
        """Indices of the rules that do not apply to this article (pending ones included)."""
        scope = self.scopes.of(article_id, decisions)
        return scope.out | scope.pending if scope.pending else scope.out

    def confirmations(
        self, article_id: str, decisions: Mapping[str, str], keys: Iterable[str]
    ) -> dict[str, str]:
        """How the application of each rule ``keys`` names to this article was confirmed
        (sitegen.scope); other keys (per-article records) are left out."""
        confirmed = self.scopes.of(article_id, decisions).confirmed
        return {key: confirmed[self._order[key]] for key in keys if key in self._order}

    def hits(
        self,
        text: str,
        paragraphs: Sequence[tuple[int, int]],
        out_of_scope: frozenset[int],
        pending: frozenset[int] = _NO_SCOPE,
    ) -> list[_Hit]:
        """Every rule match in ``text`` of a rule not ``out_of_scope``; ``paragraphs`` are its
        (start, end) spans. Matches of ``pending`` rules are marked so (not to be applied)."""
        starts = [start for start, _ in paragraphs]
        found: list[_Hit] = []
        wanted: dict[int, set[int]] = {}  # regex rule -> paragraphs that contain its required text
        everywhere: set[int] = set()  # paragraphs where every regex rule must be tried

        def consider(
            entry: _Entry, start: int, end: int, exact: bool = False, expand: Callable[[], str] | None = None
        ) -> bool:
            """``exact``: found by a pattern with the find's own case, not by the automaton on
            lower-cased text; ``expand``: a regex match's replacement."""
            if entry.order in out_of_scope:
                return False
            rule = entry.rule
            if not exact and not entry.folded and text[start:end] != rule.find:
                return False
            if rule.whole_word and (
                (start > 0 and is_word(text[start - 1])) or (end < len(text) and is_word(text[end]))
            ):
                return False
            index = bisect_right(starts, start) - 1
            if index < 0 or end > paragraphs[index][1]:
                return False  # across a paragraph break
            first, last = paragraphs[index]
            if entry.after and not _follows(entry.after, text, end, last):
                return False
            if entry.before and not _precedes(entry.before, text, start, first):
                return False
            if entry.not_after and _follows(entry.not_after, text, end, last):
                return False
            if entry.not_before and _precedes(entry.not_before, text, start, first):
                return False
            replacement = rule.replace if expand is None else expand()
            if entry.folded:
                replacement = keep_case(text[start:end], replacement)
            found.append(_Hit(start, end, 1, entry.order, replacement, rule, entry.order in pending))
            return True

        def scan(haystack: str, offset: int) -> None:
            for last, (length, entries, triggered) in self._automaton.iter(haystack):
                end = offset + last + 1
                for entry in entries:
                    consider(entry, end - length, end)
                if triggered:
                    index = bisect_right(starts, end - length) - 1
                    for entry in triggered:
                        wanted.setdefault(entry.order, set()).add(index)

        def search(entry: _Entry, first: int, last: int) -> None:
            position = first
            while (match := entry.pattern.search(text, position, last)) is not None:
                accepted = consider(entry, match.start(), match.end(), exact=True)
                position = match.end() if accepted else match.start() + 1

        encoded: dict[int, Utf8Paragraph] = {}  # paragraph index -> its bytes, for every regex rule

        def search_regex(entry: _Entry, index: int) -> None:
            first, last = paragraphs[index]
            paragraph = encoded.get(index)
            if paragraph is None:
                paragraph = encoded[index] = Utf8Paragraph(text[first:last])

            def accept(start: int, end: int, expand: Callable[[], str]) -> bool:
                return consider(entry, first + start, first + end, exact=True, expand=expand)

            scan_paragraph(entry.pattern, entry.template, paragraph, accept)

        if self._automaton is not None:
            lowered = text.lower()
            if len(lowered) == len(text):
                scan(lowered, 0)
            else:  # some letter lower-cases to several characters: keep offsets honest
                for index, (first, last) in enumerate(paragraphs):
                    piece = text[first:last].lower()
                    if len(piece) == last - first:
                        scan(piece, first)
                    else:
                        everywhere.add(index)
                        for entry in self._literal:
                            search(entry, first, last)
        odd = any(char in text for char in _ODD_CASE)
        for entry in self._regex:
            if entry.order in out_of_scope:
                continue
            if not entry.trigger or (odd and entry.folded):
                chosen: Iterable[int] = range(len(paragraphs))
            else:
                chosen = sorted(wanted.get(entry.order, set()) | everywhere)
            for index in chosen:
                if entry.rule.regex:
                    search_regex(entry, index)
                else:
                    search(entry, *paragraphs[index])
        return found


def _describe(correction: Correction) -> str:
    kind = "rule" if isinstance(correction, Rule) else "correction"
    return f"{kind} {correction.key} ({correction.path}:{correction.line})"


def _quote_hits(
    text: str,
    paragraphs: Sequence[tuple[int, int]],
    records: Sequence[QuoteRecord],
    article_id: str,
    editorial_path: str | None,
) -> tuple[list[_Hit], list[Diagnostic]]:
    starts = [start for start, _ in paragraphs]
    hits: list[_Hit] = []
    problems: list[Diagnostic] = []
    for order, record in enumerate(records):
        path = editorial_path or record.path
        needle = record.prefix + record.exact + record.suffix
        places: list[tuple[int, int]] = []
        position = text.find(needle)
        while position != -1:
            start = position + len(record.prefix)
            index = bisect_right(starts, start) - 1
            if index >= 0 and start + len(record.exact) <= paragraphs[index][1]:
                places.append((start, index))
            position = text.find(needle, position + 1)
        if len(places) == 1:
            start = places[0][0]
            hits.append(_Hit(start, start + len(record.exact), 0, order, record.replace, record))
        elif places:
            numbers = sorted({index + 1 for _, index in places})
            where = ", ".join(str(n) for n in numbers)
            message = (
                f"correction '{record.exact}' is ambiguous: matches {len(places)} places "
                f"(paragraph{'s' if len(numbers) > 1 else ''} {where}); add a prefix or suffix"
            )
            problems.append(error("correction-ambiguous", message, path, record.line))
        else:
            alone = text.count(record.exact)
            hint = (
                f"; '{record.exact}' alone occurs {alone} time{'s' if alone > 1 else ''}, "
                "so check 'prefix' and 'suffix'"
                if alone and (record.prefix or record.suffix)
                else ""
            )
            message = f"correction '{record.exact}' matches nowhere in the source text of {article_id}{hint}"
            problems.append(warning("correction-orphan", message, path, record.line))
    return hits, problems


def correct_article(
    article_id: str,
    paragraphs: Sequence[str],
    rules: RuleSet,
    records: Sequence[QuoteRecord],
    editorial_path: str | None = None,
    decisions: Mapping[str, str] = {},
) -> tuple[list[Edit], list[Diagnostic]]:
    """The edits that give an article's corrected reading: sorted by (paragraph, start), non-overlapping.

    ``editorial_path``, when given, is the path reported for problems with the quote records;
    ``decisions``: the article's 'rules' line (collection -> accept | reject).
    """
    edits, _, problems = correct_and_pending(
        article_id, paragraphs, rules, records, editorial_path, decisions
    )
    return edits, problems


def correct_and_pending(
    article_id: str,
    paragraphs: Sequence[str],
    rules: RuleSet,
    records: Sequence[QuoteRecord],
    editorial_path: str | None = None,
    decisions: Mapping[str, str] = {},
) -> tuple[list[Edit], list[Edit], list[Diagnostic]]:
    """As :func:`correct_article`, and the matches awaiting a decision (rules of collections
    the article has no decision for), as edits not applied: sorted, one per place."""
    spans: list[tuple[int, int]] = []
    position = 0
    for paragraph in paragraphs:
        spans.append((position, position + len(paragraph)))
        position += len(paragraph) + 2
    text = "\n\n".join(paragraphs)
    scope = rules.scopes.of(article_id, decisions)
    hits = rules.hits(text, spans, scope.out, scope.pending)
    quoted, problems = _quote_hits(text, spans, records, article_id, editorial_path)
    hits.extend(quoted)
    hits.sort(key=lambda h: (h.start, h.start - h.end, h.kind, h.order))
    starts = [start for start, _ in spans]

    def edit(hit: _Hit) -> Edit:
        index = bisect_right(starts, hit.start) - 1
        first = spans[index][0]
        source = text[hit.start : hit.end]
        return Edit(index, hit.start - first, hit.end - first, source, hit.replacement, hit.correction.key)

    edits: list[Edit] = []
    pending: list[Edit] = []
    kept: _Hit | None = None
    waiting_end = 0
    for hit in hits:
        if hit.pending:
            if hit.start >= waiting_end:  # one place is listed once, whichever rule found it first
                pending.append(edit(hit))
                waiting_end = hit.end
            continue
        if kept is not None and hit.start < kept.end:
            if hit.correction is not kept.correction:  # a rule overlapping itself just takes the first match
                index = bisect_right(starts, hit.start) - 1
                message = (
                    f"{_describe(hit.correction)} on '{text[hit.start : hit.end]}' overlaps "
                    f"{_describe(kept.correction)} on '{text[kept.start : kept.end]}' "
                    f"in paragraph {index + 1} of {article_id}; only the first is applied there"
                )
                path = hit.correction.path
                if isinstance(hit.correction, QuoteRecord) and editorial_path:
                    path = editorial_path
                problems.append(error("correction-overlap", message, path, hit.correction.line))
            continue
        kept = hit
        edits.append(edit(hit))
    return edits, pending, problems


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """The corrected reading of one paragraph given its edits (an overlapping edit is skipped)."""
    pieces: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < position:
            continue
        pieces.append(text[position : edit.start])
        pieces.append(edit.replacement)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def unused_rules(rules: Sequence[Rule], used: Iterable[str]) -> list[Diagnostic]:
    """WARNINGs for the site-wide rules that matched in no article.

    ``used`` is every correction key that appears in an :class:`Edit` of any article.
    """
    seen = set(used)
    return [
        warning(
            "correction-rule-unused",
            f"rule {rule.key} (find '{rule.find}') matched in no article; "
            "remove it or check 'find' and its scope",
            rule.path,
            rule.line,
        )
        for rule in rules
        if rule.key not in seen
    ]
