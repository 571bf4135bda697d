"""The ``find`` of a regex rule, matched by RE2: time linear in the text, whatever the pattern.

Python's ``re`` backtracks, so a pattern such as ``(a+)+$`` on 34 a's and a 'b' never
ends, and ``serve`` runs the build in its own process. RE2 (google-re2) never backtracks,
and so has no lookarounds, backreferences, atomic groups or possessive quantifiers: a
rule using them is an error that names the feature and what to write instead. Patterns
are RE2 syntax (https://github.com/google/re2/wiki/Syntax), where ``\\w``, ``\\d``, ``\\s``
and ``\\b`` are ASCII-only. Replacements keep Python's syntax (``\\1``, ``\\g<name>``), read
by Python's template parser, which matches nothing.

A paragraph is searched as UTF-8 bytes, encoded once: google-re2's ``str`` interface
encodes the whole text again on every call, which made a long paragraph quadratic.
"""

from __future__ import annotations

import importlib
import re
import warnings
from collections.abc import Callable
from typing import Any

import re2

_PARSER: Any = importlib.import_module("re._parser")  # Python's regex parser: parses, never matches

# Part of RE2's complaint -> what it does not support, and what to write instead.
_UNSUPPORTED = (
    (
        ("(?=", "(?!", "(?<=", "(?<!"),
        "lookahead or lookbehind ('(?=', '(?!', '(?<=', '(?<!')",
        "write the context in 'preceded_by', 'followed_by', 'not_preceded_by' or 'not_followed_by'",
    ),
    (
        tuple(f"escape sequence: \\{n}" for n in range(1, 10)),
        "backreferences ('\\1')",
        "spell out the repeated text",
    ),
    (
        ("(?>", "++", "*+", "?+", "}+"),
        "atomic groups or possessive quantifiers",
        "use a plain group or quantifier: RE2 never backtracks",
    ),
    (("\\Z",), "'\\Z'", "write '\\z' for the end of the text, or '$' for the end of a paragraph"),
)


class RegexError(ValueError):
    """A pattern RE2 cannot run: ``code`` is the diagnostic's code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _options(ignore_case: bool) -> Any:
    options = re2.Options()
    options.case_sensitive = not ignore_case
    options.log_errors = False  # the error is reported as a diagnostic, not on stderr
    return options


def python_parse(pattern: str) -> Any:
    """Python's parse tree of ``pattern`` (raises ``re.error``); matches nothing, so is safe."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 'Possible nested set' for RE2's [[:alpha:]]
        return _PARSER.parse(pattern)


def _complaint(find: str, ignore_case: bool) -> str:
    """RE2's message about ``find`` as written (without the '(?m)' added in front)."""
    try:
        re2.compile(find, _options(ignore_case))
    except re2.error as exc:
        reason = exc.args[0] if exc.args else ""
        return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    return "RE2 cannot compile it"


def compile_find(find: str, ignore_case: bool = False) -> Any:
    """The RE2 pattern of a rule's ``find``, with ``^`` and ``$`` at each line's (paragraph's) ends."""
    try:
        return re2.compile(f"(?m){find}", _options(ignore_case))
    except re2.error:
        reason = _complaint(find, ignore_case)
    try:
        python_parse(find)
    except (re.error, RecursionError, OverflowError, ValueError):
        raise RegexError("correction-regex", f"'find' is not a valid regular expression: {reason}") from None
    feature, instead = next(
        ((what, hint) for needles, what, hint in _UNSUPPORTED if any(n in reason for n in needles)),
        (f"this pattern ({reason})", "see https://github.com/google/re2/wiki/Syntax"),
    )
    message = (
        f"regex rules run on RE2, which takes time linear in the text whatever the pattern and "
        f"does not support {feature}; {instead}"
    )
    raise RegexError("correction-regex-unsupported", message)


Template = tuple[str | int, ...]  # literal text and group numbers, in order


def parse_template(replace: str, pattern: Any) -> Template:
    """A replacement in Python's syntax against the groups of ``pattern`` (raises re.error or IndexError)."""
    parsed = _PARSER.parse_template(replace, pattern)
    if isinstance(parsed, tuple):  # Python 3.11: (groups as (index, number), literals with None there)
        groups, literals = parsed
        pieces: list[str | int] = list(literals)
        for index, number in groups:
            pieces[index] = number
        return tuple(pieces)
    return tuple(p for p in parsed if p != "")  # Python 3.12+: [literal, group, literal, …]


class Utf8Paragraph:
    """A paragraph's text and its UTF-8 bytes, with offsets converted between the two.

    Conversions move a cursor from the last one, so a left-to-right search costs time
    linear in what it passes over."""

    __slots__ = ("_byte", "_char", "ascii", "data", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8")
        self.ascii = len(self.data) == len(text)
        self._byte = self._char = 0  # the cursor: a byte offset and its character offset

    def char(self, byte: int) -> int:
        if self.ascii:
            return byte
        if byte >= self._byte:
            self._char += len(self.data[self._byte : byte].decode("utf-8"))
        else:
            self._char -= len(self.data[byte : self._byte].decode("utf-8"))
        self._byte = byte
        return self._char

    def next_char(self, byte: int) -> int:
        """The byte offset of the character after the one starting at ``byte``."""
        lead = self.data[byte]
        return byte + (1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4)


def scan_paragraph(
    pattern: Any,
    template: Template,
    paragraph: Utf8Paragraph,
    accept: Callable[[int, int, Callable[[], str]], bool],
) -> None:
    """Offer each match in ``paragraph`` to ``accept(start, end, replacement)`` (character offsets;
    ``replacement()`` expands the template). After a refused match the search goes on from the
    character after its start, so a later, overlapping match can still be accepted."""
    data = paragraph.data
    position = 0
    while position <= len(data) and (match := pattern.search(data, position)) is not None:
        first, last = match.span()

        def replacement(match: Any = match) -> str:
            return "".join(
                piece if isinstance(piece, str) else (match.group(piece) or b"").decode("utf-8")
                for piece in template
            )

        accepted = accept(paragraph.char(first), paragraph.char(last), replacement)
        if accepted and last > first:
            position = last
        elif first < len(data):
            position = paragraph.next_char(first)
        else:
            break
