"""Site-wide cross-references computed from all analysed articles.

Entity → articles (the inverted index), co-occurrence, related articles,
tags and the timeline. Everything is derived from the articles' own
analyses, so it is recomputed in memory on every build; it is cheap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import marshal
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sitegen.model import Article

RELATED_COUNT = 5
COOCCURRING = 20  # the entities an entity page shows as most often mentioned with it
# How many postings one article may walk while looking for related articles.
# Rarest entities are walked first, so the budget is spent where the signal is.
RELATED_BUDGET = 150


@dataclass(frozen=True, slots=True)
class CrossRefs:
    entity_articles: dict[str, tuple[int, ...]]  # entity id → article indices, newest first
    entity_counts: dict[str, int]  # entity id → total mentions in the archive
    # entity → (other entity, shared articles), the COOCCURRING top, top first: all that is
    # shown (an entity of a large archive shares articles with hundreds of others)
    cooccurrence: dict[str, tuple[tuple[str, int], ...]]
    related: tuple[tuple[int, ...], ...]  # per article index: related article indices, best first
    tags: dict[str, tuple[int, ...]]  # tag → article indices, newest first
    months: dict[tuple[int, int], tuple[int, ...]]  # (year, month) → article indices, newest first


@dataclass(frozen=True, slots=True)
class Indexed:
    """What the cross-references read of an article: :func:`compute_crossrefs` indexes these
    records and nothing else of the articles, so the memo's key (their digest) names its
    inputs by construction. A title or a text edit leaves them, and the result, as they are."""

    date: dt.date
    tags: tuple[str, ...]
    mentions: tuple[tuple[str, int], ...]  # (entity, mentions), in the order first mentioned


def indexed(article: Article) -> Indexed:
    counts = tuple((m.entity, m.times) for m in article.mentioned)
    return Indexed(article.date, article.tags, counts)


def compute_crossrefs(records: Sequence[Indexed], memo: dict[str, CrossRefs] | None = None) -> CrossRefs:
    """``records``: the articles' :func:`indexed` records, newest first; indices refer to
    that order.

    ``memo`` maps the digest of the records to a result; it is consulted and updated.
    """
    if memo is None:
        return _crossrefs(records)
    parts = [(r.date.toordinal(), r.tags, r.mentions) for r in records]
    key = hashlib.blake2b(marshal.dumps(parts, 2), digest_size=16).hexdigest()
    found = memo.get(key)
    if found is None:
        memo.clear()
        found = memo[key] = _crossrefs(records)
    return found


def _crossrefs(articles: Sequence[Indexed]) -> CrossRefs:
    per_article = [Counter(dict(a.mentions)) for a in articles]
    postings: dict[str, list[int]] = {}
    totals: Counter[str] = Counter()
    for index, counts in enumerate(per_article):
        for entity, count in counts.items():
            postings.setdefault(entity, []).append(index)
            totals[entity] += count

    # Pairs counted by Counter.update over each article's entities (a loop in C: an article
    # of the realistic profile names dozens of entities, a thousand pairs), each entity
    # counted with itself too, once an article it is in, and those counts taken out after.
    pair_counts: dict[str, Counter[str]] = {e: Counter() for e in postings}
    for counts in per_article:
        present = list(counts)
        for entity in present:
            pair_counts[entity].update(present)
    for entity, row in pair_counts.items():
        del row[entity]
    cooccurrence = {
        e: tuple(heapq.nsmallest(COOCCURRING, row.items(), key=lambda item: (-item[1], item[0])))
        for e, row in pair_counts.items()
    }

    tags: dict[str, list[int]] = {}
    months: dict[tuple[int, int], list[int]] = {}
    for index, article in enumerate(articles):
        for tag in article.tags:
            tags.setdefault(tag, []).append(index)
        months.setdefault((article.date.year, article.date.month), []).append(index)

    return CrossRefs(
        entity_articles={e: tuple(v) for e, v in postings.items()},
        entity_counts=dict(totals),
        cooccurrence=cooccurrence,
        related=_related(per_article, postings),
        tags={t: tuple(v) for t, v in sorted(tags.items())},
        months={m: tuple(v) for m, v in sorted(months.items(), reverse=True)},
    )


def _related(
    per_article: Sequence[Counter[str]], postings: dict[str, list[int]]
) -> tuple[tuple[int, ...], ...]:
    """Rank other articles by shared entities weighted by rarity (tf-idf), via the inverted index.

    Cost is bounded per article by RELATED_BUDGET postings, so it grows
    linearly with the archive, never with the square of its size.
    """
    total = len(per_article)
    idf = {e: math.log((1 + total) / (1 + len(p))) + 1.0 for e, p in postings.items()}
    weights = [{e: (1.0 + math.log(c)) * idf[e] for e, c in counts.items()} for counts in per_article]
    norms = [math.sqrt(sum(w * w for w in ws.values())) or 1.0 for ws in weights]
    # Each entity's postings (as far as any walk goes) with each article's weight for it,
    # made once: every article that mentions the entity walks them.
    weighted = {e: [(o, weights[o][e]) for o in p[:RELATED_BUDGET]] for e, p in postings.items()}
    related: list[tuple[int, ...]] = []
    for index, own in enumerate(weights):
        scores: dict[int, float] = {}
        get = scores.get
        budget = RELATED_BUDGET
        for entity in sorted(own, key=lambda e: (len(postings[e]), e)):
            weight = own[entity]
            # Walk at most the remaining budget of this list, too: an entity in most articles
            # would otherwise make one article cost as much as the whole archive.
            walked = weighted[entity][:budget]
            for other, theirs in walked:
                if other != index:
                    scores[other] = get(other, 0.0) + weight * theirs
            budget -= len(walked)
            if budget <= 0:
                break
        # Top five without sorting every candidate: ties go to the newer article (lower index).
        best = heapq.nsmallest(RELATED_COUNT, [(-score / norms[o], o) for o, score in scores.items()])
        related.append(tuple(o for _, o in best))
    return tuple(related)
