"""The analysis stage: which articles must be analysed again, and analysing one.

An analysis is a pure function of the article's seed and editorial file and of the
annotators (rules, registry, configuration), so it is cached by the hash of its own
inputs and redone when they change, or when a changed rule or entity can apply to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from sitegen.analysis import AnalysisSettings, Annotators, analyse_article
from sitegen.config import SiteConfig
from sitegen.corrections import Rule
from sitegen.diagnostics import Diagnostic
from sitegen.editorial import decode_text, parse_editorial, read_file_bytes
from sitegen.entities import Entity
from sitegen.incremental import (
    ArticleTexts,
    EntityInfo,
    RuleInfo,
    affected_by_collections,
    affected_by_registry,
    affected_by_rules,
    entity_signatures,
    library_versions,
    rule_signatures,
)
from sitegen.model import Article
from sitegen.seeds import digest_bytes, parse_seed, read_seed_bytes
from sitegen.sources import SiteInputs
from sitegen.state import pack_blob


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
    body: bytes  # packed (state.pack_blob): it goes to the build state as it is, and here only if needed
    texts: bytes  # packed ArticleTexts
    problems: list[Diagnostic]
    # The hash of the bytes read of each file (site-relative; "" when unreadable): what the
    # analysis was made from, which the build state records (stamps.settle), not an earlier read.
    read: dict[str, str]


def analyse_one(path: Path, editorial: Path | None, inputs: SiteInputs, tools: Annotators) -> Analysed:
    """Read and analyse one article: a pure function of its files and the annotators. Each
    file is read once; everything made of the article comes from those bytes."""
    data, problems = read_seed_bytes(path, inputs.root)
    read = {inputs.rel(path): digest_bytes(data) if data is not None else ""}
    seed = None
    if data is not None:
        seed, problems = parse_seed(data, path.stem, inputs.rel(path))
    if seed is None:
        return Analysed(None, b"", b"", problems, read)
    record = None
    if editorial is not None:
        rel = inputs.rel(editorial)
        raw, more = read_file_bytes(editorial, inputs.root)
        read[rel] = digest_bytes(raw) if raw is not None else ""
        text = None
        if raw is not None:
            text, more = decode_text(raw, rel)
        problems = list(problems) + more
        if text is not None:
            record, more = parse_editorial(text, path.stem, rel)
            problems += more
    article, body, more = analyse_article(seed, record, tools)
    corrected_text = "\n\n".join(b.text for b in body.blocks)
    texts = ArticleTexts(
        seed.source_text.lower(),
        corrected_text,
        corrected_text.lower(),
        record.about if record is not None else (),
        tuple(record.rules) if record is not None else (),
    )
    return Analysed(
        article,
        pack_blob(body),
        pack_blob(texts),
        list(problems) + more,
        read,
    )


ANALYSIS_VERSION = "4"  # 4: rules apply where an editor accepted their collection


def analysis_config(config: SiteConfig) -> str:
    """The configuration every analysis reads (all it is given: AnalysisSettings), and the
    libraries it runs with."""
    return repr((ANALYSIS_VERSION, library_versions(), AnalysisSettings.of(config)))


@dataclass(frozen=True, slots=True)
class AnalysisInputs:
    """What every analysis reads besides its article's own files, in the form the next build
    compares: a change re-analyses everything (config) or the articles it can apply to."""

    config: str  # analysis_config
    rules: dict[str, RuleInfo]  # rule_signatures
    entities: dict[str, EntityInfo]  # entity_signatures
    collections: frozenset[str]  # the rule collections an editorial file may accept

    @classmethod
    def of(
        cls,
        config: SiteConfig,
        rules: Sequence[Rule],
        entities: Iterable[Entity],
        collections: frozenset[str],
    ) -> AnalysisInputs:
        return cls(analysis_config(config), rule_signatures(rules), entity_signatures(entities), collections)


def invalidated(
    last: AnalysisInputs | None, now: AnalysisInputs, texts: Callable[[], dict[str, ArticleTexts]]
) -> tuple[bool, set[str]]:
    """What changed in the shared inputs of every analysis since the ``last`` build (None: no
    build on record): (redo everything, the articles a changed rule or entity can apply to).
    ``texts`` loads the cached articles' texts, only when rules or entities changed."""
    if last is None or last.config != now.config:
        return True, set()
    dirty: set[str] = set()
    if last.rules != now.rules or last.entities != now.entities or last.collections != now.collections:
        stored = texts()
        dirty |= affected_by_rules(last.rules, now.rules, stored)
        dirty |= affected_by_registry(last.entities, now.entities, stored)
        dirty |= affected_by_collections(last.collections, now.collections, stored)
    return False, dirty
