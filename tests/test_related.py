"""Related articles: ranked by shared entities weighted by rarity, at most five, deterministic, and
computed without comparing every pair of articles when one entity is everywhere.

A small synthetic archive (eight seeds, six entities) is built in ``tmp_path``:

* alpha mentions the Zanzibar Accord (rare: alpha and bravo only) and Ruritania (common: six articles);
* bravo mentions only the Zanzibar Accord, charlie only Ruritania (charlie is the newer of the two, so
  a ranking that ignored rarity and broke ties by date would put charlie first);
* delta to golf mention Ruritania and Elbonia;
* hotel mentions three entities no other article mentions.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin

import pytest

from sitegen import crossref
from sitegen.model import Article, Mention, mentioned

from .conftest import SampleSite
from .htmltext import is_mention, parse_html

SITE = "https://archive.example/"
CONFIG = 'title = "Related test archive"\ndescription = "Synthetic."\n\n[search]\nenabled = false\n'

ENTITIES = {
    "zanzibar-accord": ("Zanzibar Accord", "event"),
    "ruritania": ("Ruritania", "place"),
    "elbonia": ("Elbonia", "place"),
    "otto-brandt": ("Otto Brandt", "person"),
    "anna-keller": ("Anna Keller", "person"),
    "blue-harbour-company": ("Blue Harbour Company", "organization"),
}

# id → (date, paragraphs)
SEEDS: dict[str, tuple[str, list[str]]] = {
    "alpha": (
        "2021-05-01",
        [
            "Delegates met on Monday to review the Zanzibar Accord and its first year.",
            "Observers from Ruritania attended the closing session as guests.",
        ],
    ),
    "bravo": ("2021-04-01", ["The Zanzibar Accord was signed after two weeks of talks in a port hotel."]),
    "charlie": ("2021-04-20", ["Ruritania reported a mild winter and an early harvest this year."]),
    "delta": ("2021-03-01", ["Ruritania and Elbonia agreed to share the cost of a new border bridge."]),
    "echo": ("2021-02-01", ["Trains between Ruritania and Elbonia will run every hour from June."]),
    "foxtrot": ("2021-01-15", ["Fishermen from Elbonia and Ruritania disputed the quotas again."]),
    "golf": ("2021-01-01", ["Elbonia's football team beat Ruritania by two goals to one."]),
    "hotel": (
        "2020-12-01",
        ["Otto Brandt and Anna Keller founded the Blue Harbour Company in a rented shed by the river."],
    ),
}


def write_archive(site: SampleSite, seeds: list[str], entities: list[str]) -> None:
    """Files are written in the order given (directory order may follow it)."""
    assert sorted(seeds) == sorted(SEEDS) and sorted(entities) == sorted(ENTITIES)
    for entity_id in entities:
        name, kind = ENTITIES[entity_id]
        site.write(f"content/entities/{entity_id}.md", f"---\nname: {name}\nkind: {kind}\n---\n")
    for seed_id in seeds:
        date, paragraphs = SEEDS[seed_id]
        site.seed(seed_id, f"date {date} " + "\n\n".join(paragraphs) + "\n")
        site.write(
            f"content/articles/{seed_id}.md",
            f'---\ntitle: "Article {seed_id}"\nslug: {seed_id}\n---\n',
        )


def related_of(site: SampleSite) -> dict[str, list[str]]:
    """Seed id → the seed ids its page lists as related, in order ([] when there is no block)."""
    found: dict[str, list[str]] = {}
    for path in sorted(site.out.glob("[0-9]*/*/*/*/index.html")):
        url = path.parent.relative_to(site.out).as_posix() + "/"
        doc = parse_html(path.read_text(encoding="utf-8"))
        seed_id = url.rstrip("/").rsplit("/", 1)[1]
        section = doc.find("section", cls="related")
        if section is None:
            found[seed_id] = []
            continue
        links = [urljoin(SITE + url, a.attrs["href"]).removeprefix(SITE) for a in section.find_all("a")]
        assert all(re.fullmatch(r"\d{4}/\d\d/\d\d/[a-z]+/", link) for link in links), links
        found[seed_id] = [link.rstrip("/").rsplit("/", 1)[1] for link in links]
    assert set(found) == set(SEEDS)
    return found


@pytest.fixture
def built(make_site: Callable[..., SampleSite]) -> Iterator[tuple[SampleSite, dict[str, list[str]]]]:
    site = make_site(config=CONFIG)
    write_archive(site, list(SEEDS), list(ENTITIES))
    report = site.build()
    assert report.log.errors == 0, [d.format() for d in report.log.items]
    yield site, related_of(site)


def test_a_rare_shared_entity_ranks_above_a_common_one(
    built: tuple[SampleSite, dict[str, list[str]]],
) -> None:
    _, related = built
    assert related["alpha"][:2] == ["bravo", "charlie"], related["alpha"]
    assert related["bravo"] == ["alpha"]


def test_at_most_five_related_articles(built: tuple[SampleSite, dict[str, list[str]]]) -> None:
    _, related = built
    # alpha shares an entity with six articles: bravo, charlie, delta, echo, foxtrot, golf
    assert len(related["alpha"]) == 5
    assert set(related["alpha"]) < {"bravo", "charlie", "delta", "echo", "foxtrot", "golf"}
    assert all(len(ids) <= 5 for ids in related.values())
    for seed_id, ids in related.items():
        assert seed_id not in ids and len(set(ids)) == len(ids), seed_id


def test_no_shared_entity_no_related_block(built: tuple[SampleSite, dict[str, list[str]]]) -> None:
    site, related = built
    assert related["hotel"] == []
    page = site.read("2020/12/01/hotel/index.html")
    assert "Related articles" not in page
    # hotel's entities are found, so the block is missing for the right reason
    mentions = [el for el in parse_html(page).find_all(cls="article-text")[0].iter() if is_mention(el)]
    assert len(mentions) == 3  # the first mention of each links
    assert all("hotel" not in ids for ids in related.values())


def test_related_order_is_deterministic(
    built: tuple[SampleSite, dict[str, list[str]]], make_site: Callable[..., SampleSite]
) -> None:
    site, related = built
    # the same archive written in another order, in another folder
    shuffled = list(SEEDS)
    random.Random(7).shuffle(shuffled)
    other = make_site(config=CONFIG, name="again")
    write_archive(other, shuffled, list(reversed(ENTITIES)))
    other.build()
    assert related_of(other) == related
    # and a rebuild from scratch of the first site
    site.build(use_state=False, force=True)
    assert related_of(site) == related


# --------------------------------------------------------------------------- scale: work, not time


def synthetic_articles(count: int, groups: int) -> list[Article]:
    """``count`` articles, newest first; each mentions a hot entity (in every article), one of
    ``groups`` group entities and one entity of its own."""
    start = dt.date(2020, 1, 1)
    articles = []
    for index in range(count):
        ids = ("hot", f"group-{index % groups}", f"own-{index}")
        mentions = tuple(Mention(e, f"m-{n}", 1, e, "", "", n == 1) for n, e in enumerate(ids, start=1))
        date = start - dt.timedelta(days=index)
        articles.append(
            Article(
                id=f"a{index:05d}",
                seed_path=f"seeds/a{index:05d}.txt",
                editorial_path=None,
                date=date,
                title=f"Article {index}",
                subtitle="",
                slug=f"a{index:05d}",
                url=f"{date:%Y/%m/%d}/a{index:05d}/",
                tags=(),
                summary="",
                note_html="",
                toc=(),
                mentioned=mentioned(mentions),
            )
        )
    return articles


class _Walked:
    count = 0


class CountingPostings(list[int]):
    """A posting list that counts the entries read from it (iterated, indexed or sliced)."""

    def __iter__(self) -> Iterator[int]:
        for item in super().__iter__():
            _Walked.count += 1
            yield item

    def __getitem__(self, key: Any) -> Any:
        found = super().__getitem__(key)
        if isinstance(key, slice):
            return CountingPostings(found)  # counted when read
        _Walked.count += 1
        return found


def crossrefs_of(
    articles: list[Article], memo: dict[str, crossref.CrossRefs] | None = None
) -> crossref.CrossRefs:
    return crossref.compute_crossrefs([crossref.indexed(a) for a in articles], memo)


def test_related_does_not_compare_every_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    count, groups, budget = 3000, 300, 50
    articles = synthetic_articles(count, groups)
    monkeypatch.setattr(crossref, "RELATED_BUDGET", budget)
    original = crossref._related

    def counting(per_article: Any, postings: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        wrapped = {e: CountingPostings(p) for e, p in postings.items()}
        return original(per_article, wrapped, *args, **kwargs)

    monkeypatch.setattr(crossref, "_related", counting)
    _Walked.count = 0
    refs = crossrefs_of(articles)
    walked = _Walked.count

    assert walked > 0, "the spy saw no posting read: compute_crossrefs no longer calls _related(…, postings)"
    all_pairs = count * (count - 1)
    assert walked <= 2 * count * budget, (
        f"{walked:,} postings read for {count:,} articles with RELATED_BUDGET={budget} "
        f"(every pair would be {all_pairs:,}): the budget does not bound the walk of a hot entity's postings"
    )
    # the budget goes to the rare entities: every article's related articles are its group's
    assert len(refs.related) == count
    for index, related in enumerate(refs.related):
        assert len(related) == 5, index
        assert all(other % groups == index % groups and other != index for other in related), index


def test_related_ranking_is_stable_across_runs() -> None:
    articles = synthetic_articles(400, 40)
    first = crossrefs_of(articles).related
    assert crossrefs_of(articles).related == first
    assert all(len(r) <= crossref.RELATED_COUNT == 5 for r in first)


def test_cross_references_are_reused_while_their_inputs_stand() -> None:
    """A memo keyed by what compute_crossrefs reads: a title or text edit reuses the result,
    a changed mention, tag or date computes it again."""
    import dataclasses

    articles = synthetic_articles(200, 20)
    memo: dict[str, crossref.CrossRefs] = {}
    first = crossrefs_of(articles, memo)
    retitled = [dataclasses.replace(articles[0], title="Another title"), *articles[1:]]
    assert crossrefs_of(retitled, memo) is first
    mention = articles[5].mentioned[1]._replace(entity="group-0")
    moved = [*articles[:5], dataclasses.replace(articles[5], mentioned=(mention,)), *articles[6:]]
    second = crossrefs_of(moved, memo)
    assert second is not first and second == crossrefs_of(moved)
    assert 5 in second.entity_articles["group-0"] and 5 not in first.entity_articles["group-0"]
    tagged = [*articles[:7], dataclasses.replace(articles[7], tags=("new",)), *articles[8:]]
    assert crossrefs_of(tagged, memo).tags == {"new": (7,)}


def test_an_entity_keeps_only_the_entities_most_often_mentioned_with_it() -> None:
    """Entity pages show the COOCCURRING entities most often mentioned with one; the hot
    entity of 400 articles shares them with 400 own and 40 group entities, and the cross-
    references keep the first of them only, in the order a full ranking gives."""
    articles = synthetic_articles(400, 40)
    row = crossrefs_of(articles).cooccurrence["hot"]
    assert crossref.COOCCURRING == 20 and len(row) == 20
    # each group entity shares 10 articles with "hot", each own entity 1: groups first, by id
    assert row == tuple(sorted(((f"group-{g}", 10) for g in range(40)), key=lambda p: p[0])[:20])
