"""Content checks for ``sitegen check``: what an editor should look at next.

Entities no article mentions, aliases that never match, correction rules that
never apply, and candidate entities: capitalised names in the corrected text
that match no alias (Obsidian's "unlinked mentions"); and likely spinner damage to
registry names (:mod:`sitegen.damage`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sitegen.correct import unused_rules
from sitegen.corrections import Rule
from sitegen.damage import Proposal, find_damage
from sitegen.diagnostics import Diagnostic, info, warning
from sitegen.entities import Entity
from sitegen.mentions import Candidate, MentionFinder, find_candidates, unused_aliases
from sitegen.model import ArticleBody
from sitegen.site import Site


@dataclass(frozen=True, slots=True)
class CheckReport:
    problems: list[Diagnostic]
    candidates: list[Candidate]
    damage: list[Proposal] = field(default_factory=list)  # likely spinner damage, most likely first


def content_checks(
    site: Site,
    entities: Sequence[Entity],
    rules: Sequence[Rule],
    finder: MentionFinder,
    bodies: Mapping[str, ArticleBody],
) -> CheckReport:
    texts = [(a.seed_path, b.line, b.text) for a in site.articles for b in bodies[a.id].blocks]
    problems: list[Diagnostic] = []
    for entity in entities:
        if entity.id not in site.refs.entity_articles:
            problems.append(
                warning(
                    "entity-unused",
                    f"no article mentions '{entity.name}'; check its name "
                    "and aliases against the text, or remove the entity",
                    entity.path,
                    1,
                )
            )
    mentioned = set(site.refs.entity_articles)
    for entity, alias in unused_aliases([e for e in entities if e.id in mentioned], texts, finder):
        problems.append(
            info(
                "alias-unused",
                f"'{alias.text}' ({entity.name}) matches nowhere in the archive",
                entity.path,
                alias.line or 1,
            )
        )
    used = {note.correction for article in site.articles for note in article.footnotes}
    used.update(key for article in site.articles for pending in article.pending for key in pending.rules)
    problems.extend(unused_rules(rules, used))
    damage = find_damage(site.articles, bodies, entities, rules)
    return CheckReport(problems, find_candidates(texts, finder), damage)
