"""Rule matches awaiting an editor's decision (see :mod:`sitegen.scope`).

An article with no decision for a rule collection gets none of its corrections; the
matches are summarised per collection on the article (:class:`~sitegen.model.Pending`),
listed by ``sitegen check`` (one warning per article and collection, at the seed's line
of the first) and counted in one line by ``sitegen build``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sitegen.correct import Edit
from sitegen.corrections import Correction, Rule
from sitegen.diagnostics import Diagnostic, warning
from sitegen.model import Article, Pending, Seed
from sitegen.seeds import FileOffsets, paragraph_spans

EXAMPLES = 3  # distinct matches a diagnostic quotes
CODE = "corrections-pending"


def summarise(
    seed: Seed, edits: Sequence[Edit], corrections: Mapping[str, Correction]
) -> tuple[Pending, ...]:
    """Per collection (in order of first match): how many places, where, a few examples."""
    if not edits:
        return ()
    starts = [start for start, _ in paragraph_spans(p.text for p in seed.paragraphs)]
    found: dict[str, list[tuple[str, str, int]]] = {}  # per collection: (source, replacement, offset)
    keys: dict[str, dict[str, None]] = {}
    for edit in edits:
        rule = corrections[edit.correction]
        collection = rule.collection if isinstance(rule, Rule) else ""
        found.setdefault(collection, []).append(
            (edit.source, edit.replacement, starts[edit.paragraph] + edit.start)
        )
        keys.setdefault(collection, {})[edit.correction] = None
    # Lines only for what a diagnostic shows: an article may have thousands of matches.
    lines = FileOffsets(seed.data.decode("utf-8", "replace"), seed)
    summaries = []
    for collection, places in found.items():
        examples: dict[tuple[str, str], int] = {}
        for source, replacement, offset in places:
            if len(examples) == EXAMPLES:
                break
            examples.setdefault((source, replacement), offset)
        shown = tuple((s, r, lines.line(offset)) for (s, r), offset in examples.items())
        first = lines.line(places[0][2])
        summaries.append(Pending(collection, len(places), first, shown, tuple(keys[collection])))
    return tuple(summaries)


def pending_diagnostics(articles: Iterable[Article]) -> list[Diagnostic]:
    """``sitegen check``: one warning per article and collection, saying the line to add."""
    problems = []
    for article in articles:
        editorial = (
            article.editorial_path
            or f"content/articles/{article.id}.md (a new file: the line between two '---' lines)"
        )
        for pending in article.pending:
            quoted = ", ".join(f"“{s}” → “{r}” (line {line})" for s, r, line in pending.examples)
            more = pending.places - len(pending.examples)
            if more > 0:
                quoted += f" and {more} more"
            matches = f"{pending.places} match{'es' if pending.places != 1 else ''}"
            problems.append(
                warning(
                    CODE,
                    f"{matches} of rules in collection '{pending.collection}' "
                    f"{'await' if pending.places != 1 else 'awaits'} a decision: "
                    f"{quoted}; add `rules: {{{pending.collection}: accept}}` (or `reject`) "
                    f"to the front matter of {editorial}",
                    article.seed_path,
                    pending.line,
                )
            )
    return problems


def awaiting(article: Article) -> int:
    """The places of an article's rule matches awaiting an editor's decision."""
    return sum(p.places for p in article.pending)


def pending_summary(articles: Iterable[Article]) -> list[Diagnostic]:
    """``sitegen build``: one line for the whole archive, pointing to ``sitegen check``."""
    counts = [awaiting(article) for article in articles if article.pending]
    if not counts:
        return []
    many = len(counts) != 1
    return [
        warning(
            CODE,
            f"{len(counts)} article{'s' if many else ''} {'have' if many else 'has'} {sum(counts)} rule "
            "match(es) awaiting an editor's decision, not applied; run 'sitegen check' to list them",
        )
    ]
