"""Diagnostics in the Sphinx shape: ``path:line: LEVEL: message [code]``.

Every stage reports problems as :class:`Diagnostic` records instead of raising,
so one bad file never stops the others from building. The pipeline collects
them and decides the exit status at the end (``--strict`` counts warnings).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field


class Level(enum.IntEnum):
    INFO = 10
    WARNING = 20
    ERROR = 30


@dataclass(frozen=True, slots=True)
class Diagnostic:
    level: Level
    code: str
    message: str
    path: str | None = None  # relative to the site root, with forward slashes
    line: int | None = None

    def format(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return f"{where}{self.level.name}: {self.message} [{self.code}]"


def error(code: str, message: str, path: str | None = None, line: int | None = None) -> Diagnostic:
    return Diagnostic(Level.ERROR, code, message, path, line)


def warning(code: str, message: str, path: str | None = None, line: int | None = None) -> Diagnostic:
    return Diagnostic(Level.WARNING, code, message, path, line)


def info(code: str, message: str, path: str | None = None, line: int | None = None) -> Diagnostic:
    return Diagnostic(Level.INFO, code, message, path, line)


# Notices shown without --verbose: they ask the user to do something (commit a file).
SHOWN_NOTICES = frozenset({"url-moved"})

# Problems that cause others, in the order they are shown first (before everything else).
CAUSES = {"template-error": 0, "render-failed": 1}


@dataclass
class DiagnosticLog:
    """Collects diagnostics, drops exact repeats, counts by level."""

    items: list[Diagnostic] = field(default_factory=list)
    _seen: set[Diagnostic] = field(default_factory=set, repr=False)

    def add(self, diagnostic: Diagnostic) -> None:
        if diagnostic not in self._seen:
            self._seen.add(diagnostic)
            self.items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for d in diagnostics:
            self.add(d)

    def count(self, level: Level) -> int:
        return sum(1 for d in self.items if d.level == level)

    @property
    def errors(self) -> int:
        return self.count(Level.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Level.WARNING)

    def failed(self, strict: bool) -> bool:
        return self.errors > 0 or (strict and self.warnings > 0)

    def sorted(self) -> list[Diagnostic]:
        """By file and line; but causes first: a template error breaks many pages, and what
        follows from it must not bury it."""
        return sorted(
            self.items,
            key=lambda d: (CAUSES.get(d.code, len(CAUSES)), d.path or "", d.line or 0, -d.level, d.code),
        )


class SitegenError(Exception):
    """A failure that stops the whole build (bad configuration, unsafe output directory)."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))
