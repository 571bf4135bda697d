"""Default titles and slugs of an article without an editorial title: a title ends at a
sentence or clause boundary and the page does not show the opening sentence twice; a slug is
a few words, and a non-Latin title gives a readable (transliterated) slug, not the id."""

from __future__ import annotations

from collections.abc import Callable

from sitegen.text import SLUG_WORDS, derived_title, slugify

from .conftest import SampleSite
from .htmltext import parse_html

LONG = (
    "An unrelated story about the harbour at Kestrel Bay, where the fishing fleet has been "
    "tied up for three weeks without any sign of an end to the dispute. The mayor said nothing."
)


def test_a_long_first_sentence_gives_its_longest_leading_clause_under_80_characters() -> None:
    assert derived_title(LONG) == ("An unrelated story about the harbour at Kestrel Bay", False)
    semicolon = "Police closed the road to the harbour on Tuesday night; the fleet could not land its catch."
    assert derived_title(semicolon) == ("Police closed the road to the harbour on Tuesday night", False)
    dash = "The council voted against the new harbour wall – a decision the fishermen had long feared."
    assert derived_title(dash) == ("The council voted against the new harbour wall", False)


def test_a_short_first_sentence_is_the_title_and_a_too_short_clause_is_not() -> None:
    assert derived_title("Harbour reopens. Boats are back.") == ("Harbour reopens", True)
    # "On Friday," says too little: the whole (short) sentence is the title.
    friday = "On Friday, the harbour reopened"
    assert derived_title(friday + ". More.") == (friday, True)
    assert derived_title("Is the harbour open? Nobody knows.") == ("Is the harbour open?", True)


def test_a_sentence_without_a_clause_boundary_is_whole_up_to_100_characters_then_cut() -> None:
    footbridge = "The footbridge over the Mere will close for a month from Monday while its deck is replaced"
    assert derived_title(footbridge + ". More.") == (footbridge, True)
    text = " ".join(["word"] * 40) + "."
    title, whole = derived_title(text)
    assert len(title) <= 81 and title.endswith("word…") and not whole


def test_slugs_are_a_few_words_and_transliterate_other_scripts() -> None:
    assert slugify(derived_title(LONG)[0], max_words=SLUG_WORDS) == "an-unrelated-story-about-the"
    assert slugify("Посол Ирана в ООН заявил о войне", max_words=SLUG_WORDS) == "posol-irana-v-oon-zaiavil"
    assert slugify("سفیر ایران در سازمان ملل", max_words=SLUG_WORDS) == "sfyr-yrn-dr-szmn-mll"
    assert slugify("伊朗驻联合国大使", max_words=SLUG_WORDS) == "yi-lang-zhu-lian-he"
    long_words = "internationalisation " * 6
    slug = slugify(long_words, max_words=SLUG_WORDS)
    assert len(slug) <= 60 and not slug.endswith("-") and set(slug.split("-")) == {"internationalisation"}


def visible_opening(page_html: str) -> tuple[str, bool, list[str]]:
    """(h1 text, whether it is visually hidden, texts of the article's paragraphs)."""
    page = parse_html(page_html)
    h1 = page.find("h1")
    assert h1 is not None
    paragraphs = [p.text() for p in page.find_all("p") if (p.attrs.get("id") or "").startswith("p")]
    return h1.text(), "visually-hidden" in (h1.attrs.get("class") or ""), paragraphs


def test_the_page_shows_a_clause_title_then_the_text_unchanged(
    make_site: Callable[..., SampleSite],
) -> None:
    site = make_site(seeds={"kb": f"date 2021-03-02 {LONG}\n\nSecond paragraph.\n"})
    report = site.build()
    assert report.log.errors == 0
    h1, hidden, paragraphs = visible_opening(site.read("2021/03/02/an-unrelated-story-about-the/index.html"))
    assert (h1, hidden) == ("An unrelated story about the harbour at Kestrel Bay", False)
    assert paragraphs[0] == LONG  # the received reading is complete and verbatim


def test_a_title_that_is_the_whole_opening_sentence_is_not_shown_twice(
    make_site: Callable[..., SampleSite],
) -> None:
    site = make_site(
        seeds={
            "short": "date 2021-03-02 Harbour reopens.\n\nBoats are back.\n",
            "titled": "date 2021-03-03 Harbour reopens.\n\nBoats are back.\n",
        },
        files={"content/articles/titled.md": "---\ntitle: Harbour reopens\nslug: reopens\n---\n"},
    )
    assert site.build().log.errors == 0
    h1, hidden, paragraphs = visible_opening(site.read("2021/03/02/harbour-reopens/index.html"))
    # The heading stays for the outline and the <title>; the eye reads the sentence once.
    assert (h1, hidden) == ("Harbour reopens", True)
    assert paragraphs[:2] == ["Harbour reopens.", "Boats are back."]
    # An editor's title is always shown.
    h1, hidden, _ = visible_opening(site.read("2021/03/03/reopens/index.html"))
    assert (h1, hidden) == ("Harbour reopens", False)


def test_a_cyrillic_or_persian_article_gets_a_readable_url(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(
        seeds={
            "ru": "date 2021-03-02 Посол Ирана в ООН заявил о войне.\n",
            "fa": "date 2021-03-02 سفیر ایران در سازمان ملل.\n",
        }
    )
    assert site.build().log.errors == 0
    assert (site.out / "2021/03/02/posol-irana-v-oon-zaiavil/index.html").is_file()
    assert (site.out / "2021/03/02/sfyr-yrn-dr-szmn-mll/index.html").is_file()
