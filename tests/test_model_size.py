"""The site model holds what pages other than an article's own read of it; the records only
its own outputs read (each corrected place, each mention) stay in its body, read from the
build state when those outputs are made. So the model of a large archive does not grow with
how many places and mentions its articles have (issue #15: bounded memory)."""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Callable

import pytest

from sitegen import model
from sitegen.analysis import Annotators, analyse_article
from sitegen.config import load_config
from sitegen.corrections import load_rules
from sitegen.entities import load_registry
from sitegen.model import Article, ArticleBody, mentioned
from sitegen.seeds import parse_seed

from .conftest import SampleSite

RULES = '[[rule]]\nfind = "struggle"\nreplace = "war"\ntype = "error"\nnote = "Spinner damage."\n'
ENTITY = "---\nname: Acme Shipping\nkind: organization\naliases:\n  - Acme\n---\n"


def analysed(site: SampleSite, repeats: int, separator: str = " ") -> tuple[Article, ArticleBody]:
    """An article that says ``repeats`` times a sentence with one corrected place and one
    mention, in one paragraph (or a paragraph each: ``separator="\n\n"``)."""
    root = site.root
    entities, _ = load_registry([root / "content/entities/acme.md"], root)
    rules, _ = load_rules([root / "content/corrections.toml"], root)
    tools = Annotators.build(load_config(root), entities, rules)
    text = "date 2020-01-02 A report.\n\n" + separator.join(["Acme saw the struggle."] * repeats) + "\n"
    seed, _ = parse_seed(text.encode("utf-8"), "x", "seeds/x.txt")
    assert seed is not None
    article, body, _ = analyse_article(seed, None, tools)
    return article, body


@pytest.mark.parametrize("separator", [" ", "\n\n"], ids=["one paragraph", "a paragraph each"])
def test_an_article_in_the_model_does_not_grow_with_its_places_and_mentions(
    make_site: Callable[..., SampleSite], separator: str
) -> None:
    site = make_site(files={"content/corrections.toml": RULES, "content/entities/acme.md": ENTITY})
    few, many = analysed(site, 3, separator), analysed(site, 300, separator)
    assert len(many[1].places) == 300 and len(many[1].mentions) == 300
    # 297 more places and mentions: a few bytes more (the digits of two counts), not kilobytes
    assert len(pickle.dumps(many[0])) - len(pickle.dumps(few[0])) < 16


def test_the_model_counts_what_the_body_holds(make_site: Callable[..., SampleSite]) -> None:
    """Footnote.places and Article.mentioned are what the ledger, the article pages' notes,
    the sidebar and the entity pages read: the counts of the body's records."""
    site = make_site(files={"content/corrections.toml": RULES, "content/entities/acme.md": ENTITY})
    article, body = analysed(site, 7)
    assert {n.number: n.places for n in article.footnotes} == Counter(p.footnote for p in body.places)
    assert article.mentioned == mentioned(body.mentions)
    assert [(m.entity, m.times) for m in article.mentioned] == [("acme", 7)]
    first = body.mentions[0]
    assert article.mentioned[0][2:] == (first.anchor, first.surface)
    assert article.snippet(0) == (first.before, first.surface, first.after)


def test_unpickled_articles_share_their_footnotes_repeated_values(
    make_site: Callable[..., SampleSite],
) -> None:
    """Articles come to the parent pickled (from workers, from the build state): what each
    footnote says (its rule, note, readings, collection, how it was confirmed) is one record
    for the whole site, not fourteen fields per footnote."""
    site = make_site(files={"content/corrections.toml": RULES, "content/entities/acme.md": ENTITY})
    blobs = [pickle.dumps(analysed(site, n)[0]) for n in (2, 3)]
    model._CORES.clear()  # as in a process that analysed neither
    first, second = map(pickle.loads, blobs)
    one, other = first.footnotes[0], second.footnotes[0]
    assert one.collection and one.confirmed  # a rule's footnote: both are set
    assert one.says is other.says and one.ref is other.ref
    assert (one.readings, one.replacements, one.note) == (("struggle",), ("war",), "Spinner damage.")
    entity, again = first.mentioned[0], second.mentioned[0]
    assert entity.entity is again.entity and entity.surface is again.surface
