"""Mention finding (whole words, case, leftmost-longest, URLs), candidates and unused aliases."""

from __future__ import annotations

import pickle
import random
import re

import pytest

from sitegen.entities import Alias, Entity, fold_case
from sitegen.mentions import MentionFinder, find_candidates, unused_aliases


def entity(entity_id: str, name: str, *aliases: str | tuple[str, bool]) -> Entity:
    forms = tuple(
        Alias(a, False, 5 + i) if isinstance(a, str) else Alias(*a, 5 + i) for i, a in enumerate(aliases)
    )
    return Entity(
        id=entity_id,
        path=f"content/entities/{entity_id}.md",
        name=name,
        kind="other",
        aliases=forms,
        wikidata=None,
        description="",
        links=(),
        note_markdown="",
        note_line=1,
        digest="",
        name_line=2,
    )


REGISTRY = [
    entity("qasem-soleimani", "Qasem Soleimani", "Soleimani", "Qassem Soleimani"),
    entity("abu-mahdi-al-muhandis", "Abu Mahdi al-Muhandis", "Muhandis"),
    entity("kataeb-hezbollah", "Kataeb Hezbollah", "KH"),
    entity("hezbollah", "Hezbollah"),
    entity("iran", "Iran", ("islamic republic", True)),
    entity("united-states", "United States", "US", "U.S.", "Americans"),
    entity("quds-force", "Quds Force", ("quds force", True)),
]
FINDER = MentionFinder(REGISTRY)


def spans(text: str, finder: MentionFinder = FINDER) -> list[tuple[str, str]]:
    return [(f.surface, f.entity) for f in finder.find(text)]


# --- Matching rules ----------------------------------------------------------------------------


def test_offsets_and_surface() -> None:
    text = "Iran said US forces left."
    found = FINDER.find(text)
    assert [(f.start, f.end, f.entity, f.surface) for f in found] == [
        (0, 4, "iran", "Iran"),
        (10, 12, "united-states", "US"),
    ]
    assert all(text[f.start : f.end] == f.surface for f in found)


def test_longest_match_wins() -> None:
    assert spans("Abu Mahdi al-Muhandis was killed; Muhandis led it.") == [
        ("Abu Mahdi al-Muhandis", "abu-mahdi-al-muhandis"),
        ("Muhandis", "abu-mahdi-al-muhandis"),
    ]
    assert spans("Kataeb Hezbollah is not Hezbollah.") == [
        ("Kataeb Hezbollah", "kataeb-hezbollah"),
        ("Hezbollah", "hezbollah"),
    ]
    assert spans("Qasem Soleimani and Soleimani") == [
        ("Qasem Soleimani", "qasem-soleimani"),
        ("Soleimani", "qasem-soleimani"),
    ]


def test_leftmost_first_then_longest_with_overlapping_aliases() -> None:
    finder = MentionFinder(
        [
            entity("new-york", "New York"),
            entity("new-york-times", "New York Times"),
            entity("york-times-square", "York Times Square"),
            entity("times", "Times"),
        ]
    )
    # at 'New' the longest is 'New York Times'; 'York Times Square' starts later and overlaps it
    assert spans("New York Times Square", finder) == [("New York Times", "new-york-times")]
    assert spans("New York Times", finder) == [("New York Times", "new-york-times")]
    # leftmost wins even when a longer form starts inside it
    assert spans("in New York Times Squares", finder) == [("New York Times", "new-york-times")]
    assert spans("old York Times Square and Times", finder) == [
        ("York Times Square", "york-times-square"),
        ("Times", "times"),
    ]


def test_a_longer_form_failing_the_boundary_does_not_hide_a_shorter_one() -> None:
    # 'Kataeb Hezbollahi' contains 'Kataeb Hezbollah' but not as a whole word
    finder = MentionFinder([entity("kataeb", "Kataeb"), entity("kh", "Kataeb Hezbollah")])
    assert spans("the Kataeb Hezbollahi group", finder) == [("Kataeb", "kataeb")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iranian officials", []),
        ("Iran's", ["Iran"]),
        ("the US-led coalition", ["US"]),
        ("anti-US protests", ["US"]),
        ("(US)", ["US"]),
        ("“US”", ["US"]),
        ("US.", ["US"]),
        ("USA", []),
        ("BUS", []),
        ("US2", []),
        ("2US", []),
        ("US_", []),
        ("_US", []),
        ("Iran_gov", []),
        ("Irané", []),
        ("Iran\u0301", []),  # a combining accent belongs to the word
        ("U.S.", ["U.S."]),
        ("the U.S.-led war", ["U.S."]),
    ],
)
def test_whole_word_boundaries(text: str, expected: list[str]) -> None:
    assert [s for s, _ in spans(text)] == expected


@pytest.mark.parametrize("apostrophe", ["'", "’"])
def test_possessive(apostrophe: str) -> None:
    text = f"Soleimani{apostrophe}s death and Qasem Soleimani{apostrophe}s funeral"
    found = FINDER.find(text)
    assert [f.surface for f in found] == ["Soleimani", "Qasem Soleimani"]
    assert text[found[0].end :].startswith(f"{apostrophe}s death")
    assert text[found[1].end :].startswith(f"{apostrophe}s funeral")


@pytest.mark.parametrize("apostrophe", ["'", "’"])
def test_plural_possessive(apostrophe: str) -> None:
    text = f"the Americans{apostrophe} embassy"
    found = FINDER.find(text)
    assert [(f.surface, f.entity) for f in found] == [("Americans", "united-states")]
    assert text[found[0].end] == apostrophe


def test_case_sensitive_by_default() -> None:
    assert spans("iran and IRAN and Iran") == [("Iran", "iran")]
    assert spans("us and Us and US") == [("US", "united-states")]


def test_ignore_case_is_opt_in() -> None:
    assert spans("the Islamic Republic, the ISLAMIC REPUBLIC, the islamic republic") == [
        ("Islamic Republic", "iran"),
        ("ISLAMIC REPUBLIC", "iran"),
        ("islamic republic", "iran"),
    ]
    assert spans("QUDS FORCE and Quds Force") == [("QUDS FORCE", "quds-force"), ("Quds Force", "quds-force")]


def test_ignore_case_when_folding_changes_the_length() -> None:
    # 'İ'.lower() is two characters: offsets must still point into the original text
    text = "İİ İstanbul, then the ISLAMIC REPUBLIC and Iran"
    assert len(text.lower()) != len(text)
    found = FINDER.find(text)
    assert [(f.surface, f.entity) for f in found] == [("ISLAMIC REPUBLIC", "iran"), ("Iran", "iran")]
    assert all(text[f.start : f.end] == f.surface for f in found)
    finder = MentionFinder([entity("istanbul", "Istanbul", ("istanbul", True))])
    assert spans("İSTANBUL, Istanbul", finder) == [("Istanbul", "istanbul")]


def test_never_inside_a_url() -> None:
    text = (
        "See https://example.org/Iran/US?q=Soleimani and www.Iran.gov/US, "
        "HTTP://x.org/Iran; then Iran (http://y.org) and US."
    )
    assert spans(text) == [("Iran", "iran"), ("US", "united-states")]
    assert text.index("then Iran") + 5 == FINDER.find(text)[0].start
    # up to the URL's last character, and not a character further
    finder = MentionFinder([entity("k", "K")])
    assert [f.start for f in finder.find("https://x.org/?q=K K")] == [19]


def test_multiple_entities_in_one_text() -> None:
    text = (
        "A US drone strike killed Qasem Soleimani, commander of Iran’s Quds Force, "
        "and Abu Mahdi al-Muhandis of Kataeb Hezbollah; Hezbollah vowed revenge."
    )
    assert [e for _, e in spans(text)] == [
        "united-states",
        "qasem-soleimani",
        "iran",
        "quds-force",
        "abu-mahdi-al-muhandis",
        "kataeb-hezbollah",
        "hezbollah",
    ]


def test_entities_matching_sees_hidden_forms_but_not_partial_words() -> None:
    text = "Abu Mahdi al-Muhandis and Kataeb Hezbollah; Iranian; https://x.org/US"
    assert FINDER.entities_matching(text) == {"abu-mahdi-al-muhandis", "kataeb-hezbollah", "hezbollah"}
    assert {f.entity for f in FINDER.find(text)} == {"abu-mahdi-al-muhandis", "kataeb-hezbollah"}


def test_empty_registry_and_empty_text() -> None:
    assert MentionFinder([]).find("Iran") == []
    assert MentionFinder([]).entities_matching("Iran") == set()
    assert FINDER.find("") == []


def test_finder_pickles() -> None:
    text = "US and the islamic republic: Soleimani’s Quds Force."
    copy = pickle.loads(pickle.dumps(FINDER))
    assert copy.find(text) == FINDER.find(text)
    assert len(copy.find(text)) == 4


# --- Against a naive reference, at scale -------------------------------------------------------


def naive_find(entities: list[Entity], text: str) -> list[tuple[int, int, str]]:
    urls = [m.span() for m in re.finditer(r"(?:\bhttps?://|\bwww\.)\S+", text, re.IGNORECASE)]
    ranks = {e.id: r for r, e in enumerate(sorted(entities, key=lambda e: e.id))}
    folded = fold_case(text)
    assert len(folded) == len(text)
    candidates = []
    for e in entities:
        for form in e.forms:
            haystack, needle = (folded, fold_case(form.text)) if form.ignore_case else (text, form.text)
            start = haystack.find(needle)
            while start != -1:
                end = start + len(needle)
                before = text[start - 1] if start else " "
                after = text[end] if end < len(text) else " "
                word = before.isalnum() or before == "_" or after.isalnum() or after == "_"
                if not word and not any(start < ue and us < end for us, ue in urls):
                    candidates.append((start, -end, ranks[e.id], e.id))
                start = haystack.find(needle, start + 1)
    result, last = [], -1
    for start, neg_end, _, entity_id in sorted(candidates):
        if start >= last:
            result.append((start, -neg_end, entity_id))
            last = -neg_end
    return result


def synthetic(rng: random.Random, count: int) -> tuple[list[Entity], list[str]]:
    syllables = ["ka", "ta", "eb", "hez", "bol", "lah", "mu", "han", "dis", "qa", "sem", "ir", "an", "us"]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))).capitalize()

    entities: list[Entity] = []
    forms: list[str] = []
    for i in range(count):
        first, last = word(), word()
        aliases: list[str | tuple[str, bool]] = [last, f"{first} {last} {word()}"]
        aliases.append((f"{last} {first}".upper(), True) if i % 4 == 0 else f"{last}-{first}")
        entities.append(entity(f"e{i:04d}", f"{first} {last}", *aliases))
        forms.extend(a.text for a in entities[-1].forms)
    return entities, forms


def synthetic_text(rng: random.Random, forms: list[str], size: int) -> str:
    fillers = ["the", "and", "of", "said", "x_", "9", "www.x.org/", "https://q.org/", "ka", "an"]
    seps = [" ", " ", ", ", "-", "’s ", "' ", ". ", "_", "", "/"]
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        piece = rng.choice(forms) if rng.random() < 0.5 else rng.choice(fillers)
        parts.append(piece.lower() if rng.random() < 0.1 else piece)
        parts.append(rng.choice(seps))
    return "".join(parts)[:size]


def test_matches_a_naive_reference_on_a_large_registry() -> None:
    rng = random.Random(20200103)
    entities, forms = synthetic(rng, 1000)
    finder = MentionFinder(entities)
    for _ in range(3):
        text = synthetic_text(rng, forms, 6000)
        found = finder.find(text)
        expected = naive_find(entities, text)
        assert len(expected) > 200
        assert [(f.start, f.end, f.entity) for f in found] == expected


# --- Candidate entities ------------------------------------------------------------------------


def candidates(*paragraphs: str, finder: MentionFinder = FINDER, min_count: int = 1) -> list[tuple[str, int]]:
    texts = [("seeds/a.txt", 10 * (i + 1), p) for i, p in enumerate(paragraphs)]
    return [(c.name, c.count) for c in find_candidates(texts, finder, min_count)]


def test_candidates_skip_single_words_at_the_start_of_a_sentence() -> None:
    assert candidates("Officials met. Tehran said so! Yesterday was calm: Nothing happened.") == []
    assert candidates("“Tomorrow we strike,” he said.") == []
    # unless the word is also capitalised mid-sentence somewhere
    assert candidates("Tehran said no.", "They flew to Tehran.") == [("Tehran", 2)]
    # a name of two words at the start of a sentence is kept
    assert candidates("Hassan Rouhani spoke.") == [("Hassan Rouhani", 1)]
    # an abbreviation does not end a sentence
    assert candidates("He met Mr. Zarif and Gen. Milley in Washington D.C. Tuesday") == [
        ("Milley", 1),
        ("Washington D.C.", 1),
        ("Zarif", 1),
    ]


def test_candidates_skip_stop_words_shouting_and_digits() -> None:
    assert candidates("On Friday, I said We and They and In January It’s THOUSANDS of F35 and 3rd Army.") == [
        ("Army", 1)
    ]
    assert candidates("the Don’t and Can't and NATO") == [("NATO", 1)]


def test_candidates_strip_titles_and_possessives() -> None:
    assert candidates(
        "then President Hassan Rouhani’s aide, Secretary of State Mike Pompeo, "
        "and Prime Minister Adil Abdul-Mahdi's office, and the Prime Minister."
    ) == [("Adil Abdul-Mahdi", 1), ("Hassan Rouhani", 1), ("Mike Pompeo", 1)]


def test_candidates_keep_connectors_and_hyphenated_and_dotted_names() -> None:
    assert candidates(
        "seen by Abu Bakr al-Baghdadi, Osama bin Laden, Charles de Gaulle, the Bank of England, "
        "the Bank of and the U.N. and Al-Qaeda and al-Nusra."
    ) == [
        ("Abu Bakr al-Baghdadi", 1),
        ("Al-Qaeda", 1),
        ("Bank", 1),
        ("Bank of England", 1),
        ("Charles de Gaulle", 1),
        ("Osama bin Laden", 1),
        ("U.N.", 1),
        ("al-Nusra", 1),
    ]


def test_candidates_are_counted_and_ordered() -> None:
    texts = [
        ("seeds/a.txt", 3, "then Zagros and Tehran."),
        ("seeds/a.txt", 7, "the Zagros and Baghdad and Tehran."),
        ("seeds/b.txt", 1, "in Zagros and Baghdad."),
        ("seeds/b.txt", 5, "Baghdad burned."),  # sentence-initial, but capitalised mid-sentence elsewhere
    ]
    found = find_candidates(texts, FINDER)
    # most frequent first, ties by name; the first occurrence's path and line
    assert [(c.name, c.count, c.path, c.line) for c in found] == [
        ("Baghdad", 3, "seeds/a.txt", 7),
        ("Zagros", 3, "seeds/a.txt", 3),
        ("Tehran", 2, "seeds/a.txt", 3),
    ]
    assert [c.name for c in find_candidates(texts, FINDER, min_count=3)] == ["Baghdad", "Zagros"]


def test_candidates_exclude_mentions_and_urls() -> None:
    assert candidates(
        "then Qasem Soleimani and Kataeb Hezbollah met Zarif at https://Example.org/Tehran "
        "and www.Baghdad.com"
    ) == [("Zarif", 1)]
    # a mention splits a run of capitalised words
    assert candidates("the Iran Foreign Ministry and US Central Command") == [
        ("Central Command", 1),
        ("Ministry", 1),
    ]


# --- Unused aliases ----------------------------------------------------------------------------


def test_unused_aliases() -> None:
    registry = [
        entity("abu-mahdi-al-muhandis", "Abu Mahdi al-Muhandis", "Muhandis", "Jamal Jaafar"),
        entity("iran", "Iran", ("persia", True), "Islamic Republic"),
        entity("iraq", "Iraq"),
    ]
    finder = MentionFinder(registry)
    texts = [
        ("seeds/a.txt", 1, "Abu Mahdi al-Muhandis was in PERSIA."),
        ("seeds/b.txt", 1, "Not the Iranian nor the islamic republic."),
    ]
    unused = [(e.id, a.text) for e, a in unused_aliases(registry, texts, finder)]
    # 'Muhandis' only ever appears inside the longer name, so it never matched
    assert unused == [
        ("abu-mahdi-al-muhandis", "Muhandis"),
        ("abu-mahdi-al-muhandis", "Jamal Jaafar"),
        ("iran", "Iran"),
        ("iran", "Islamic Republic"),
        ("iraq", "Iraq"),
    ]
