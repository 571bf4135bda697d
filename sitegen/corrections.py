"""Correction records: site-wide rules and per-article quote records.

Seeds are never edited. A correction is a stand-off record applied at build
time (see :mod:`sitegen.correct`):

* rules, ``[[rule]]`` tables in ``content/corrections.toml`` and
  ``content/corrections/*.toml``, find a word or phrase; each file is a *collection*
  named by its stem, which applies only to the articles an editor accepted it for (its
  top-level ``articles`` list, or a ``rules`` line in the article's editorial file; see
  :mod:`sitegen.scope`);
* per-article records, the ``corrections`` list in an editorial file's front
  matter, name one passage like a W3C TextQuoteSelector (``exact`` with an
  optional ``prefix`` and ``suffix``).

Every problem is reported with ``file:line``; an invalid record is dropped and
the valid ones still apply.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypedDict

from sitegen.diagnostics import Diagnostic, error
from sitegen.editorial import read_text_file
from sitegen.model import Editorial
from sitegen.regexfind import RegexError, compile_find, parse_template, python_parse
from sitegen.tomlpos import TomlPositions

TYPES = ("error", "regularisation")
CATEGORIES = ("spinner", "typo", "other")
EVIDENCE = ("internal", "external", "conjecture")
CERTAINTIES = ("high", "medium", "low")
CONSTRAINTS = ("followed_by", "preceded_by", "not_followed_by", "not_preceded_by")
COMMON_KEYS = ("replace", "type", "category", "note", "evidence", "resp", "cert")
RULE_KEYS = ("find", *COMMON_KEYS, "whole_word", "regex", *CONSTRAINTS, "articles", "exclude")
RECORD_KEYS = ("exact", "prefix", "suffix", *COMMON_KEYS)
FILE_KEYS = ("rule", "articles")  # top level of a rules file

_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


@dataclass(frozen=True, slots=True)
class Correction:
    """What every correction has: where it is defined and what it changes."""

    key: str  # stable id: '<relpath>#<n>' or '<editorial relpath>#corrections-<n>'
    path: str  # relative to the site root
    line: int
    replace: str
    type: str  # error | regularisation
    category: str  # spinner | typo | other
    note: str
    evidence: str = ""  # internal | external | conjecture, or empty
    resp: str = ""
    cert: str = "high"  # high | medium | low


@dataclass(frozen=True, slots=True)
class Rule(Correction):
    """A site-wide find-and-replace rule."""

    find: str = ""
    regex: bool = False
    whole_word: bool = True
    followed_by: tuple[str, ...] = ()
    preceded_by: tuple[str, ...] = ()
    not_followed_by: tuple[str, ...] = ()
    not_preceded_by: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()  # only these seed ids, when non-empty
    exclude: tuple[str, ...] = ()  # never these seed ids
    collection: str = ""  # the stem of its rules file
    accepted: tuple[str, ...] = ()  # its file's 'articles': ids or globs the collection is accepted for


@dataclass(frozen=True, slots=True)
class QuoteRecord(Correction):
    """A per-article correction of one passage, matched against the seed's source text."""

    exact: str = ""
    prefix: str = ""
    suffix: str = ""


def has_upper(text: str) -> bool:
    return any(c.isupper() for c in text)


def _upper_literal(node: Any) -> bool:
    """Whether a parsed regex has an uppercase literal letter (``\\S`` and group names do not count)."""
    if isinstance(node, list | tuple) or type(node).__name__ == "SubPattern":
        items = list(node)
        if len(items) == 2 and type(items[0]).__name__ == "_NamedIntConstant":
            op, value = str(items[0]), items[1]
            if op in ("LITERAL", "NOT_LITERAL"):
                return chr(value).isupper()
            if op == "RANGE":
                low, high = value
                return any(chr(c).isupper() for c in range(low, min(high, low + 2000) + 1))
            return _upper_literal(value)
        return any(_upper_literal(item) for item in items)
    return False


def _literal_run(parsed: Any) -> str:
    """The longest run of ASCII characters every match must contain, from the top level of a pattern."""
    best, run = "", ""
    for op, value in parsed:
        if str(op) == "LITERAL" and value < 128:
            run += chr(value)
            best = max(best, run, key=len)
        else:
            run = ""
    return best


def regex_facts(pattern: str) -> tuple[bool, bool, str]:
    """Of a pattern RE2 compiles: (can match the empty string, has an uppercase literal letter,
    required literal). Python's parser gives exact answers; for RE2-only syntax (such as
    '\\pL'), a cruder check: RE2 on a few probes, and capitals outside escapes."""
    try:
        parsed = python_parse(pattern)
        return parsed.getwidth()[0] == 0, _upper_literal(parsed), _literal_run(parsed)
    except Exception:  # RE2 syntax that Python's parser does not know
        pass
    compiled = compile_find(pattern)
    empty = any(
        match.start() == match.end()
        for probe in ("", " ", "a", "A a.", "a\nb")
        for match in compiled.finditer(probe.encode())
    )
    return empty, has_upper(re.sub(r"\\[pP](?:\{\w*\}|\w)|\\.|\(\?P?<\w+>", "", pattern)), ""


def _suggest(key: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"


class _Common(TypedDict):
    replace: str
    type: str
    category: str
    note: str
    evidence: str
    resp: str
    cert: str


class _Checker:
    """Validates one mapping; every problem becomes an ERROR and marks the record invalid."""

    def __init__(self, data: Mapping[str, Any], rel: str, line: Callable[..., int], what: str) -> None:
        self.data = data
        self.rel = rel
        self.line = line
        self.what = what
        self.problems: list[Diagnostic] = []

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, code: str, message: str, *key: str) -> None:
        self.problems.append(error(code, f"{self.what}: {message}", self.rel, self.line(*key)))

    def unknown(self, known: Sequence[str]) -> None:
        for key in self.data:
            if key not in known:
                self.fail("correction-unknown-key", f"unknown key '{key}'; {_suggest(str(key), known)}", key)

    def text(self, key: str, code: str, required: bool = False, non_empty: bool = False) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(code, f"'{key}' is required", *(() if key not in self.data else (key,)))
            return ""
        if not isinstance(value, str):
            self.fail(code, f"'{key}' must be text (a quoted string), not {value!r}", key)
            return ""
        if non_empty and not value.strip():
            self.fail(code, f"'{key}' must not be empty", key)
        return value

    def choice(self, key: str, options: Sequence[str], default: str, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None and not required:
            return default
        if value not in options:
            shown = "missing" if value is None else f"'{value}'"
            self.fail(f"correction-{key}", f"'{key}' is {shown}; use one of {', '.join(options)}", key)
            return default
        return str(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.fail("correction-flag", f"'{key}' must be true or false, not {value!r}", key)
            return default
        return value

    def strings(self, key: str, code: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(code, f"'{key}' must be a list of non-empty strings, such as [\"of Iran\"]", key)
            return ()
        return tuple(value)

    def common(self) -> _Common:
        return _Common(
            replace=self.text("replace", "correction-replace", required=True),
            type=self.choice("type", TYPES, "error", required=True),
            category=self.choice("category", CATEGORIES, "other"),
            note=self.text("note", "correction-note", required=True, non_empty=True),
            evidence=self.choice("evidence", EVIDENCE, ""),
            resp=self.text("resp", "correction-resp"),
            cert=self.choice("cert", CERTAINTIES, "high"),
        )


def _check_regex(check: _Checker, find: str, replace: str) -> None:
    try:
        compiled = compile_find(find)
    except RegexError as exc:
        check.fail(exc.code, str(exc), "find")
        return
    can_be_empty = regex_facts(find)[0]
    if can_be_empty:
        check.fail(
            "correction-regex-empty",
            f"the regular expression '{find}' can match the empty string; "
            "make it match at least one character",
            "find",
        )
    try:
        parse_template(replace, compiled)
    except (re.error, IndexError) as exc:
        check.fail("correction-replace", f"'replace' is not a valid replacement for 'find': {exc}", "replace")


def collection_name(rel: str) -> str:
    """A rules file's collection: its stem ('content/corrections/spinner-2020.toml' → 'spinner-2020')."""
    return PurePosixPath(rel).stem


def _rule(
    data: Mapping[str, Any], rel: str, n: int, positions: TomlPositions, accepted: tuple[str, ...]
) -> tuple[Rule | None, list[Diagnostic]]:
    def line(*key: str) -> int:
        return positions.line("rule", n - 1, *key) or 1

    check = _Checker(data, rel, line, f"rule {n}")
    check.unknown(RULE_KEYS)
    find = check.text("find", "correction-find", required=True, non_empty=True)
    common = check.common()
    regex = check.flag("regex", False)
    whole_word = check.flag("whole_word", True)
    followed_by, preceded_by, not_followed_by, not_preceded_by = (
        check.strings(name, "correction-constraint") for name in CONSTRAINTS
    )
    articles = check.strings("articles", "correction-scope")
    exclude = check.strings("exclude", "correction-scope")
    if regex and find:
        _check_regex(check, find, common["replace"])
    if not check.ok:
        return None, check.problems
    rule = Rule(
        key=f"{rel}#{n}",
        path=rel,
        line=line(),
        find=find,
        regex=regex,
        whole_word=whole_word,
        articles=articles,
        exclude=exclude,
        followed_by=followed_by,
        preceded_by=preceded_by,
        not_followed_by=not_followed_by,
        not_preceded_by=not_preceded_by,
        collection=collection_name(rel),
        accepted=accepted,
        **common,
    )
    return rule, []


def parse_rules(text: str, rel: str) -> tuple[list[Rule], list[Diagnostic]]:
    """Parse one corrections file; ``rel`` is its path relative to the site root."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _TOML_AT.search(message)
        line = int(where.group(1)) if where else 1
        if where:
            message = f"{message[: where.start()]} (column {where.group(2)})"
        return [], [error("correction-toml", f"not valid TOML: {message}", rel, line)]
    positions = TomlPositions(text)
    problems: list[Diagnostic] = []
    for key in data:
        if key not in FILE_KEYS:
            problems.append(
                error(
                    "correction-unknown-key",
                    f"unknown key '{key}'; {_suggest(key, FILE_KEYS)} (rules are [[rule]] tables)",
                    rel,
                    positions.line(key) or 1,
                )
            )
    top = _Checker(data, rel, lambda *key: positions.line(*key) or 1, f"collection '{collection_name(rel)}'")
    accepted = top.strings("articles", "correction-scope")  # the articles an editor accepted it for
    problems.extend(top.problems)
    raw = data.get("rule", [])
    if not isinstance(raw, list):
        problems.append(
            error(
                "correction-structure",
                "write each rule as a [[rule]] table",
                rel,
                positions.line("rule") or 1,
            )
        )
        raw = []
    rules: list[Rule] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            problems.append(
                error(
                    "correction-structure",
                    f"rule {index + 1} must be a table",
                    rel,
                    positions.line("rule") or 1,
                )
            )
            continue
        rule, found = _rule(item, rel, index + 1, positions, accepted)
        problems.extend(found)
        if rule is not None:
            rules.append(rule)
    return rules, problems


def load_rules(paths: Sequence[Path], root: Path) -> tuple[list[Rule], list[Diagnostic]]:
    """Read every corrections file in order; the rules keep that order (it breaks ties)."""
    rules: list[Rule] = []
    problems: list[Diagnostic] = []
    seen: dict[str, str] = {}
    for path in paths:
        rel = path.relative_to(root).as_posix()
        other = seen.setdefault(collection_name(rel), rel)
        if other != rel:
            message = (
                f"collection '{collection_name(rel)}' is also {other}: an article's 'rules' line "
                "would decide for both; rename one of the files"
            )
            problems.append(error("correction-collection", message, rel, 1))
        text, found = read_text_file(path, root)
        problems.extend(found)
        if text is not None:
            parsed, found = parse_rules(text.removeprefix("\ufeff"), rel)
            rules.extend(parsed)
            problems.extend(found)
    return rules, problems


def parse_records(editorial: Editorial) -> tuple[list[QuoteRecord], list[Diagnostic]]:
    """The per-article corrections in an editorial file's front matter."""
    raw = editorial.raw.get("corrections")
    if raw is None:
        return [], []
    rel = editorial.path

    def position(*key: str | int) -> int:
        while key:
            if key in editorial.positions:
                return editorial.positions[key]
            key = key[:-1]
        return 1

    if not isinstance(raw, list):
        message = "'corrections' must be a list of records, each with 'exact', 'replace', 'type' and 'note'"
        return [], [error("correction-structure", message, rel, position("corrections"))]
    records: list[QuoteRecord] = []
    problems: list[Diagnostic] = []
    for index, item in enumerate(raw):
        n = index + 1
        if not isinstance(item, dict):
            message = f"correction {n} must be a mapping with 'exact', 'replace', 'type' and 'note'"
            problems.append(error("correction-structure", message, rel, position("corrections", index)))
            continue

        def line(*key: str, _index: int = index) -> int:
            return position("corrections", _index, *key)

        check = _Checker(item, rel, line, f"correction {n}")
        check.unknown(RECORD_KEYS)
        exact = check.text("exact", "correction-exact", required=True)
        if "exact" in item and isinstance(item.get("exact"), str) and not exact:
            check.fail("correction-exact", "'exact' must not be empty", "exact")
        if "\n\n" in exact:
            check.fail(
                "correction-exact",
                "'exact' must not contain a paragraph break; put the text across it in 'prefix' or "
                "'suffix', or write one correction per paragraph",
                "exact",
            )
        prefix = check.text("prefix", "correction-context")
        suffix = check.text("suffix", "correction-context")
        common = check.common()
        if not check.ok:
            problems.extend(check.problems)
            continue
        records.append(
            QuoteRecord(
                key=f"{rel}#corrections-{n}",
                path=rel,
                line=line(),
                exact=exact,
                prefix=prefix,
                suffix=suffix,
                **common,
            )
        )
    return records, problems
