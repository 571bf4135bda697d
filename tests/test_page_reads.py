"""plan.keys.PageReads: what pages read of other parts of the site, as a patch keeps it."""

from __future__ import annotations

from sitegen.plan.keys import PageReads, PageUnit


def test_reads_recorded_already_leave_the_records_as_they_are() -> None:
    """A patch plans a page again and it reads what it read before: nothing is reopened (a
    rule's readers are thousands of pages; copying and sorting them again for each page a
    patch planned made a one-article patch three times slower at 10,000 articles)."""
    reads = PageReads()
    pages = [PageUnit("article", f"a{n:05d}") for n in range(5000)]
    for unit in pages:
        reads.read("rule_links", "rules.toml#1", unit)
    reads.read("cards", "ana", pages[0])
    reads.close()
    kept = reads.rule_links["rules.toml#1"]
    assert kept == tuple(sorted(pages))
    reads.read("rule_links", "rules.toml#1", PageUnit("article", "a02500"))  # an equal unit, not the same
    assert reads._open["rule_links"] == {}
    reads.read("rule_links", "rules.toml#1", PageUnit("entity", "ana", 2))  # a new reader
    reads.read("cards", "ana", PageUnit("article", "a00001"))
    assert reads.readers("rule_links", "rules.toml#1")[-1] == PageUnit("entity", "ana", 2)
    reads.close()
    assert len(reads.rule_links["rules.toml#1"]) == 5001
    assert reads.cards["ana"] == (pages[0], PageUnit("article", "a00001"))
    # sets of readers alike are one tuple
    reads.read("summaries", "a1", PageUnit("planner", "home"))
    reads.read("summaries", "a2", PageUnit("planner", "home"))
    reads.close()
    assert reads.summaries["a1"] is reads.summaries["a2"]


def test_a_page_that_reads_a_key_again_is_one_reader() -> None:
    """Readers are recorded as read (numbers in arrays, not sets): repeats, in a row or
    not, come out once, and each table keeps its own readers."""
    reads = PageReads()
    home, tag = PageUnit("planner", "home"), PageUnit("planner", "listings")
    for unit in (home, home, tag, home, PageUnit("planner", "home")):
        reads.read("links", "a1", unit)
    reads.read("summaries", "a1", tag)
    assert reads.readers("links", "a1") == (home, tag)
    reads.close()
    assert reads.links["a1"] == (home, tag)
    assert reads.summaries["a1"] == (tag,)
