#!/usr/bin/env python3
"""Time the annotation stages on a synthetic archive: corrections, mention finding,
and the whole entity stage (mentions plus the site-wide entity index, co-occurrence
and related articles).

    python benchmarks/synth.py /tmp/a10k --articles 10000     # once
    python benchmarks/stages.py /tmp/a1k /tmp/a10k [--repeat 5]

Runs in one process, stage by stage, on the seeds' paragraphs; reports the median of
``--repeat`` runs per stage, in total and per article (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sitegen.correct import RuleSet, apply_edits, correct_article  # noqa: E402
from sitegen.corrections import load_rules  # noqa: E402
from sitegen.crossref import compute_crossrefs, indexed  # noqa: E402
from sitegen.entities import load_registry  # noqa: E402
from sitegen.mentions import MentionFinder  # noqa: E402
from sitegen.seeds import read_seed  # noqa: E402


def median_of(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def run(site: Path, repeat: int) -> None:
    seeds = [s for p in sorted((site / "seeds").glob("*.txt")) if (s := read_seed(p, site)[0]) is not None]
    entities, _ = load_registry(sorted((site / "content" / "entities").glob("*.md")), site)
    rule_files = [site / "content" / "corrections.toml"]
    rules, _ = load_rules([f for f in rule_files if f.is_file()], site)
    texts = [[p.text for p in seed.paragraphs] for seed in seeds]
    count = len(seeds)
    print(
        f"{site}: {count} articles, {len(entities)} entities, {len(rules)} rules, "
        f"{sum(len(t) for ts in texts for t in ts) / count / 1000:.1f} kB of text per article"
    )

    build_rules, rule_set = median_of(repeat, lambda: RuleSet(rules))

    def correct_all() -> list[list[str]]:
        out = []
        for seed, paragraphs in zip(seeds, texts, strict=True):
            edits, _ = correct_article(seed.id, paragraphs, rule_set, [])
            by_paragraph: dict[int, list[Any]] = {}
            for edit in edits:
                by_paragraph.setdefault(edit.paragraph, []).append(edit)
            out.append([apply_edits(t, by_paragraph.get(i, [])) for i, t in enumerate(paragraphs)])
        return out

    correct, corrected = median_of(repeat, correct_all)
    build_finder, finder = median_of(repeat, lambda: MentionFinder(entities))

    def find_all() -> list[list[Any]]:
        return [[finder.find(t) for t in paragraphs] for paragraphs in corrected]

    find, found = median_of(repeat, find_all)
    mentions = sum(len(f) for article in found for f in article)

    # The site-wide part of the entity stage works on Article records; build light ones.
    from sitegen.model import Article, Mention, mentioned

    articles = []
    for seed, article_found in zip(seeds, found, strict=True):
        article_mentions = tuple(
            Mention(f.entity, f"m-{i}", 1, f.surface, "", "", True)
            for i, f in enumerate((f for paragraph in article_found for f in paragraph), start=1)
        )
        articles.append(
            Article(
                seed.id,
                seed.path,
                None,
                seed.date,
                seed.id,
                "",
                seed.id,
                seed.id + "/",
                (),
                "",
                "",
                (),
                mentioned=mentioned(article_mentions),
            )
        )
    articles.sort(key=lambda a: (a.date, a.id), reverse=True)
    crossrefs, _ = median_of(repeat, lambda: compute_crossrefs([indexed(a) for a in articles]))

    def row(name: str, seconds: float, per_article: bool = True) -> None:
        each = f"{seconds / count * 1e6:9.0f} µs/article" if per_article else ""
        print(f"  {name:<44} {seconds:8.3f} s  {each}")

    row("compile 200 rules (RuleSet)", build_rules, per_article=False)
    row("corrections: every article", correct)
    row(f"compile {len(entities)}-entity automaton (MentionFinder)", build_finder, per_article=False)
    row(f"mention finding: every article ({mentions / count:.0f} mentions each)", find)
    row("entity index, co-occurrence, related articles", crossrefs)
    row("whole entity stage (finding + site-wide)", find + crossrefs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sites", nargs="+", type=Path, help="archives made by benchmarks/synth.py")
    parser.add_argument("--repeat", type=int, default=5, help="runs per stage; the median is reported")
    args = parser.parse_args(argv)
    for site in args.sites:
        run(site, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
