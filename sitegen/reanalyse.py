"""The analysis stage: which articles must be analysed again, and analysing one.

An analysis is a pure function of the article's seed and editorial file and of the
annotators (rules, registry, configuration), so it is cached by the hash of its own
inputs and redone when they change, or when a changed rule or entity can apply to it.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from sitegen.analysis import Annotators, analyse_article
from sitegen.config import SiteConfig
from sitegen.diagnostics import Diagnostic
from sitegen.editorial import parse_editorial, read_text_file
from sitegen.incremental import (
    ArticleTexts,
    EntityInfo,
    RuleInfo,
    affected_by_registry,
    affected_by_rules,
    entity_signatures,
    rule_signatures,
)
from sitegen.model import Article
from sitegen.seeds import read_seed
from sitegen.sources import SiteInputs


@dataclass
class CachedAnalysis:
    deps: str  # hash of the article's own inputs: seed, editorial file
    article: Article
    # Read from the state only when rules or entities changed; pickled until then when the
    # article was analysed in this build (they are only needed by the next build).
    texts: ArticleTexts | bytes | None
    problems: list[Diagnostic]


class Analysed(NamedTuple):
    article: Article | None  # None: the seed could not be read
    body: bytes  # pickled: it goes to the build state as it is, and to this process only if needed
    texts: bytes  # pickled ArticleTexts
    problems: list[Diagnostic]


def analyse_one(path: Path, editorial: Path | None, inputs: SiteInputs, tools: Annotators) -> Analysed:
    """Read and analyse one article: a pure function of its files and the annotators."""
    seed, problems = read_seed(path, inputs.root)
    if seed is None:
        return Analysed(None, b"", b"", problems)
    record = None
    if editorial is not None:
        text, more = read_text_file(editorial, inputs.rel(editorial))
        problems = list(problems) + more
        if text is not None:
            record, more = parse_editorial(text, path.stem, inputs.rel(editorial))
            problems += more
    article, body, more = analyse_article(seed, record, tools)
    corrected_text = "\n\n".join(b.text for b in body.blocks)
    texts = ArticleTexts(
        seed.source_text.lower(),
        corrected_text,
        corrected_text.lower(),
        record.about if record is not None else (),
    )
    return Analysed(
        article, pickle.dumps(body, protocol=5), pickle.dumps(texts, protocol=5), list(problems) + more
    )


ANALYSIS_VERSION = "3"  # 3: mention links without a class, corrected readings without <ins>


def analysis_config(config: SiteConfig) -> str:
    """The parts of the configuration every analysis reads."""
    return repr((ANALYSIS_VERSION, config.permalink, config.entities.link_mentions))


def invalidated(
    meta: dict[str, Any],
    config: SiteConfig,
    rules: list[Any],
    entities: list[Any],
    texts: Callable[[], dict[str, ArticleTexts]],
) -> tuple[bool, set[str]]:
    """What changed in the shared inputs of every analysis since the build ``meta`` describes:
    (redo everything, the articles a changed rule or entity can apply to). ``texts`` loads
    the cached articles' texts, only when rules or entities changed."""
    if meta.get("config") != analysis_config(config):
        return True, set()
    dirty: set[str] = set()
    old_rules: dict[str, RuleInfo] = meta.get("rules", {})
    new_rules = rule_signatures(rules)
    old_entities: dict[str, EntityInfo] = meta.get("entities", {})
    new_entities = entity_signatures(entities)
    if old_rules.keys() != new_rules.keys() or old_entities != new_entities:
        stored = texts()
        dirty |= affected_by_rules(old_rules, new_rules, stored)
        dirty |= affected_by_registry(old_entities, new_entities, stored)
    return False, dirty
