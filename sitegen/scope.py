"""Where rules apply: an editor's decision per article and rule collection.

Each rules file is a collection (:func:`sitegen.corrections.collection_name`). A rule
applies to an article only when an editor said so:

* the article's editorial file says ``rules: {<collection>: accept}`` (or ``reject``);
* else the collection's top-level ``articles`` (ids or globs) lists the article;
* a rule's own ``articles`` names it (unless the article rejects the collection).

A rule's own ``articles`` and ``exclude`` still limit it. Matches of a rule in an article
with no decision for its collection are *pending*: not applied, listed by ``sitegen
check`` and shown on the site as awaiting review. A rejected collection is silent.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from sitegen.corrections import Rule
from sitegen.diagnostics import Diagnostic, error
from sitegen.model import Editorial

DECISIONS = ("accept", "reject")
# How an applied correction was confirmed (Footnote.confirmed); what the ledger and export say.
BY_EDITOR = "editor"  # a correction in the article's editorial file
BY_RULES_LINE = "article"  # the article's 'rules' line accepts the rule's collection
BY_COLLECTION = "collection"  # the collection's 'articles' list names the article
BY_RULE = "rule"  # the rule's own 'articles' names the article
CONFIRMATIONS = (BY_EDITOR, BY_RULES_LINE, BY_COLLECTION, BY_RULE)
_NONE: frozenset[int] = frozenset()
# What an article's scope depends on: each collection's decision, the rules naming it, excluding it.
_ScopeKey = tuple[tuple[tuple[str, str], ...], frozenset[int], frozenset[int]]


@dataclass(frozen=True, slots=True)
class ArticleScope:
    """The rules of one article: indices (into the rule set) not applied, and pending."""

    out: frozenset[int]  # neither applied nor pending
    pending: frozenset[int]
    confirmed: Mapping[int, str]  # applied rule index -> how it was confirmed


@functools.lru_cache(maxsize=256)
def _pattern(globs: frozenset[str]) -> re.Pattern[str] | None:
    if not globs:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in sorted(globs)))


def accepted_by(article_id: str, globs: Collection[str]) -> bool:
    """Whether a collection's ``articles`` list (ids or globs) names the article."""
    pattern = _pattern(frozenset(globs))
    return pattern is not None and pattern.fullmatch(article_id) is not None


class Scopes:
    """Compiled once per build from the rules; answers per article."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._members: dict[str, set[int]] = {}
        globs: dict[str, set[str]] = {}
        only: dict[str, set[int]] = {}  # article id -> rules limited to a list naming it
        self._limited: set[int] = set()
        excluded: dict[str, set[int]] = {}
        for order, rule in enumerate(rules):
            self._members.setdefault(rule.collection, set()).add(order)
            globs.setdefault(rule.collection, set()).update(rule.accepted)
            if rule.articles:
                self._limited.add(order)
                for article in rule.articles:
                    only.setdefault(article, set()).add(order)
            for article in rule.exclude:
                excluded.setdefault(article, set()).add(order)
        self._patterns = {name: _pattern(frozenset(found)) for name, found in globs.items()}
        self._only = {article: frozenset(orders) for article, orders in only.items()}
        self._excluded = {article: frozenset(orders) for article, orders in excluded.items()}
        self._memo: dict[_ScopeKey, ArticleScope] = {}

    def decision(self, collection: str, article_id: str, decisions: Mapping[str, str]) -> str:
        """'reject', a confirmation (BY_RULES_LINE or BY_COLLECTION), or '' when undecided."""
        said = decisions.get(collection)
        if said is not None:
            return "reject" if said == "reject" else BY_RULES_LINE
        pattern = self._patterns.get(collection)
        return BY_COLLECTION if pattern is not None and pattern.fullmatch(article_id) else ""

    def of(self, article_id: str, decisions: Mapping[str, str] = {}) -> ArticleScope:
        """The scope of the rules for one article, given its editorial file's decisions."""
        status = tuple((name, self.decision(name, article_id, decisions)) for name in self._members)
        only = self._only.get(article_id, _NONE)
        excluded = self._excluded.get(article_id, _NONE)
        key = (status, only, excluded)  # the same for most articles: computed once
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._scope(status, only, excluded)
        return found

    def _scope(
        self, status: tuple[tuple[str, str], ...], only: frozenset[int], excluded: frozenset[int]
    ) -> ArticleScope:
        out: set[int] = set()
        pending: set[int] = set()
        confirmed: dict[int, str] = {}
        for name, said in status:
            for order in self._members[name]:
                if order in excluded or (order in self._limited and order not in only) or said == "reject":
                    out.add(order)
                elif said == BY_RULES_LINE or (said == BY_COLLECTION and order not in only):
                    confirmed[order] = said
                elif order in only:
                    confirmed[order] = BY_RULE
                else:
                    pending.add(order)
        return ArticleScope(frozenset(out) or _NONE, frozenset(pending) or _NONE, confirmed)


def decisions_of(
    editorial: Editorial | None, collections: Collection[str]
) -> tuple[dict[str, str], list[Diagnostic]]:
    """The article's valid decisions; an unknown collection is an error at its line."""
    if editorial is None:
        return {}, []
    known = sorted(collections)
    decisions: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for name, said in editorial.rules.items():
        if name in collections:
            decisions[name] = said
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else "known: " + (", ".join(known) or "none")
        message = (
            f"'rules' names the collection '{name}', which no rules file makes "
            f"(content/corrections/{name}.toml); {hint}"
        )
        problems.append(error("editorial-rules", message, editorial.path, editorial.line("rules", name)))
    return decisions, problems
