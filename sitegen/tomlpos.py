"""Find the line on which a TOML key is defined.

``tomllib`` gives values but no positions; diagnostics need ``file:line``.
A line scan is enough for the plain tables and key/value pairs sitegen's
files use (``[table]``, ``[[array]]``, ``key = value``, dotted keys).
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.\- ]+?)\s*=""")


# A part of a dotted key: quoted (a dot inside stays: "2020/01/03/a.b/") or bare.
_KEY_PART = re.compile(r""""[^"]*"|'[^']*'|[^."']+""")


def _split_key(raw: str) -> tuple[str, ...]:
    parts = []
    for part in _KEY_PART.findall(raw):
        part = part.strip()
        if not part:
            continue
        if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


class TomlPositions:
    """Maps key paths such as ``("rule", 3, "find")`` to 1-based line numbers.

    Array-of-tables entries are indexed by their position, as tomllib returns them.
    """

    def __init__(self, text: str, first_line: int = 1) -> None:
        self.lines: dict[tuple[str | int, ...], int] = {}
        table: tuple[str | int, ...] = ()
        counters: dict[tuple[str | int, ...], int] = {}
        in_multiline = False
        for offset, line in enumerate(text.splitlines()):
            lineno = first_line + offset
            if in_multiline:
                if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                    in_multiline = False
                continue
            header = _HEADER.match(line)
            if header:
                path: tuple[str | int, ...] = _split_key(header.group(2))
                if header.group(1) == "[[":
                    index = counters.get(path, 0)
                    counters[path] = index + 1
                    path = (*path, index)
                table = path
                self.lines.setdefault(table, lineno)
                continue
            key = _KEY.match(line)
            if key:
                self.lines.setdefault((*table, *_split_key(key.group(1))), lineno)
                rest = line[key.end() :]
                if rest.count('"""') % 2 == 1 or rest.count("'''") % 2 == 1:
                    in_multiline = True

    def line(self, *path: str | int) -> int | None:
        """The line of ``path``, or of its nearest enclosing table."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None
