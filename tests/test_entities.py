"""The entity registry: parsing, validation with file:line, cross-entity clashes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sitegen.diagnostics import Diagnostic, Level
from sitegen.entities import KINDS, Alias, Entity, Link, load_registry, parse_entity
from sitegen.mentions import MentionFinder

REL = "content/entities/x.md"

SOLEIMANI = """\
---
name: Qasem Soleimani
kind: person
aliases:
  - Qassem Soleimani
  - Soleimani
  - {alias: "haj qasem", ignore_case: true}
wikidata: Q1234567
description: Iranian general who commanded the Quds Force.
links:
  - {title: Wikipedia, url: "https://en.wikipedia.org/wiki/Qasem_Soleimani"}
---

Born in *Kerman*.
"""


def parse(text: str, entity_id: str = "x", rel: str = REL) -> tuple[Entity | None, list[Diagnostic]]:
    return parse_entity(text, entity_id, rel)


def entity_file(*lines: str) -> str:
    return "\n".join(["---", *lines, "---", ""])


def codes(problems: list[Diagnostic]) -> list[tuple[str, str | None, int | None]]:
    return [(p.code, p.path, p.line) for p in problems]


def write(root: Path, name: str, text: str) -> Path:
    path = root / "content" / "entities" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- One file ----------------------------------------------------------------------------------


def test_parses_every_field() -> None:
    entity, problems = parse(SOLEIMANI, "qasem-soleimani", "content/entities/qasem-soleimani.md")
    assert problems == []
    assert entity is not None
    assert entity.id == "qasem-soleimani"
    assert entity.path == "content/entities/qasem-soleimani.md"
    assert entity.name == "Qasem Soleimani"
    assert entity.kind == "person"
    assert entity.aliases == (
        Alias("Qassem Soleimani", False, 5),
        Alias("Soleimani", False, 6),
        Alias("haj qasem", True, 7),
    )
    assert entity.forms[0] == Alias("Qasem Soleimani", False, 2)
    assert entity.forms[1:] == entity.aliases
    assert entity.wikidata == "Q1234567"
    assert entity.description == "Iranian general who commanded the Quds Force."
    assert entity.links == (Link("Wikipedia", "https://en.wikipedia.org/wiki/Qasem_Soleimani"),)
    assert entity.note_markdown == "Born in *Kerman*."
    assert entity.note_line == 14
    assert entity.digest == hashlib.blake2b(SOLEIMANI.encode(), digest_size=16).hexdigest()


def test_minimal_entity_and_toml_front_matter() -> None:
    entity, problems = parse('+++\nname = "Baghdad"\nkind = "place"\naliases = ["Bagdad"]\n+++\n')
    assert problems == []
    assert entity is not None
    assert (entity.name, entity.kind, entity.wikidata, entity.description) == ("Baghdad", "place", None, "")
    assert [a.text for a in entity.forms] == ["Baghdad", "Bagdad"]
    assert entity.links == ()
    assert entity.note_markdown == ""


def test_bad_kind_lists_the_allowed_kinds_and_suggests() -> None:
    entity, problems = parse(entity_file("name: Quds Force", "kind: organisation"))
    assert entity is None
    assert codes(problems) == [("entity-kind", REL, 3)]
    assert "did you mean 'organization'?" in problems[0].message
    assert all(kind in problems[0].message for kind in KINDS)


def test_missing_name_and_kind() -> None:
    entity, problems = parse(entity_file("aliases: [Quds]"))
    assert entity is None
    assert codes(problems) == [("entity-name", REL, 1), ("entity-kind", REL, 1)]


def test_bad_id_reports_the_file_without_a_line() -> None:
    rel = "content/entities/Qasem_Soleimani.md"
    entity, problems = parse(SOLEIMANI, "Qasem_Soleimani", rel)
    assert entity is None
    assert codes(problems) == [("entity-bad-id", rel, None)]
    assert problems[0].level == Level.ERROR


@pytest.mark.parametrize("entity_id", ["iran", "qasem-soleimani", "2nd-battalion-7th-marines"])
def test_good_ids(entity_id: str) -> None:
    entity, problems = parse(entity_file("name: X", "kind: other"), entity_id)
    assert problems == []
    assert entity is not None


@pytest.mark.parametrize("entity_id", ["Iran", "qasem--soleimani", "-iran", "iran-", "qasem_soleimani", "é"])
def test_bad_ids(entity_id: str) -> None:
    _, problems = parse(entity_file("name: X", "kind: other"), entity_id)
    assert [p.code for p in problems] == ["entity-bad-id"]


def test_unknown_key_suggests_the_nearest() -> None:
    entity, problems = parse(entity_file("name: Iran", "kind: place", "alias:", "  - Persia", "colour: red"))
    assert entity is None
    assert codes(problems) == [("entity-unknown-key", REL, 4), ("entity-unknown-key", REL, 6)]
    assert "did you mean 'aliases'?" in problems[0].message
    assert "known keys: name, kind, aliases" in problems[1].message


@pytest.mark.parametrize("value", ["q42", "Q0123", "Q", "42", "Q42a"])
def test_bad_wikidata(value: str) -> None:
    entity, problems = parse(entity_file("name: Iran", "kind: place", f"wikidata: '{value}'"))
    assert entity is None
    assert codes(problems) == [("entity-wikidata", REL, 4)]


def test_description_with_a_newline() -> None:
    text = entity_file(
        "name: Iran", "kind: place", "description: |", "  Country in Western Asia.", "  Capital Tehran."
    )
    entity, problems = parse(text)
    assert entity is None
    assert codes(problems) == [("entity-description", REL, 4)]


def test_folded_description_is_one_line() -> None:
    entity, problems = parse(
        entity_file("name: Iran", "kind: place", "description: >", "  Country", "  in Asia.")
    )
    assert problems == []
    assert entity is not None and entity.description == "Country in Asia."


def test_bad_aliases_each_at_their_line() -> None:
    text = entity_file(
        "name: Iran",  # 2
        "kind: place",  # 3
        "aliases:",  # 4
        "  - 1979",  # 5: not a string
        "  - ''",  # 6: empty
        "  - {alias: Persia, ignore_case: yes please}",  # 7: ignore_case not a boolean
        "  - {alias: Persia, ignorecase: true}",  # 8: unknown key
        "  - Islamic Republic",  # 9: fine
        "  - '...'",  # 10: nothing to match
    )
    entity, problems = parse(text)
    assert entity is None
    assert codes(problems) == [("entity-alias", REL, n) for n in (5, 6, 7, 8, 10)]
    assert "did you mean 'ignore_case'?" in problems[3].message


def test_aliases_must_be_a_list() -> None:
    _, problems = parse(entity_file("name: Iran", "kind: place", "aliases: Persia"))
    assert codes(problems) == [("entity-aliases", REL, 4)]


def test_alias_equal_to_name_and_duplicate_alias_are_warnings() -> None:
    text = entity_file(
        "name: Iran",
        "kind: place",
        "aliases:",
        "  - Iran",  # 5: the name again
        "  - Persia",  # 6
        "  - Persia",  # 7: repeated
        "  - {alias: iran, ignore_case: true}",  # 8: widens the name: kept
        "  - IRAN",  # 9: covered by line 8
    )
    entity, problems = parse(text)
    assert codes(problems) == [
        ("entity-alias-is-name", REL, 5),
        ("entity-alias-duplicate", REL, 7),
        ("entity-alias-duplicate", REL, 9),
    ]
    assert all(p.level == Level.WARNING for p in problems)
    assert "line 6" in problems[1].message
    assert entity is not None
    assert entity.aliases == (Alias("Persia", False, 6), Alias("iran", True, 8))


def test_bad_links() -> None:
    text = entity_file(
        "name: Iran",
        "kind: place",
        "links:",
        "  - {title: Wikipedia, url: 'https://en.wikipedia.org/wiki/Iran'}",  # 5: fine
        "  - {title: FTP, url: 'ftp://example.org/iran'}",  # 6: a scheme the URL policy refuses
        "  - {url: 'https://example.org'}",  # 7: no title
        "  - https://example.org",  # 8: not a mapping
        "  - {title: X, url: 'https://example.org', lang: en}",  # 9: unknown key
        "  - {title: X, url: 'https:///nohost'}",  # 10: no host
    )
    entity, problems = parse(text)
    assert entity is None
    assert codes(problems) == [("unsafe-url", REL, 6)] + [("entity-links", REL, n) for n in (7, 8, 9, 10)]
    _, problems = parse(entity_file("name: Iran", "kind: place", "links: https://example.org"))
    assert codes(problems) == [("entity-links", REL, 4)]


def test_every_problem_is_reported_at_once() -> None:
    text = entity_file("kind: persn", "wikidata: Q0", "descripton: x", "aliases: [7]")
    entity, problems = parse(text, "Bad Id")
    assert entity is None
    assert sorted(p.code for p in problems) == [
        "entity-alias",
        "entity-bad-id",
        "entity-kind",
        "entity-name",
        "entity-unknown-key",
        "entity-wikidata",
    ]


def test_unparsable_front_matter() -> None:
    entity, problems = parse("---\nname: [unclosed\n---\n")
    assert entity is None
    assert [p.code for p in problems] == ["frontmatter-yaml"]


def test_whitespace_in_forms_is_normalised() -> None:
    entity, _ = parse(entity_file("name: '  Qasem   Soleimani '", "kind: person", "aliases: ['Haj\tQasem']"))
    assert entity is not None
    assert [a.text for a in entity.forms] == ["Qasem Soleimani", "Haj Qasem"]


# --- The registry ------------------------------------------------------------------------------


def test_load_registry_sorts_by_id_and_drops_bad_files(tmp_path: Path) -> None:
    paths = [
        write(tmp_path, "iraq.md", entity_file("name: Iraq", "kind: place")),
        write(tmp_path, "broken.md", entity_file("name: Broken", "kind: thing")),
        write(tmp_path, "iran.md", entity_file("name: Iran", "kind: place")),
    ]
    (tmp_path / "content/entities/latin1.md").write_bytes(b"---\nname: Caf\xe9\nkind: place\n---\n")
    paths.append(tmp_path / "content/entities/latin1.md")
    entities, problems = load_registry(paths, tmp_path)
    assert [e.id for e in entities] == ["iran", "iraq"]
    assert codes(problems) == [
        ("entity-kind", "content/entities/broken.md", 3),
        ("content-encoding", "content/entities/latin1.md", None),
    ]


def test_alias_claimed_by_two_entities_names_both_files(tmp_path: Path) -> None:
    kataeb = entity_file(
        "name: Kataeb Hezbollah", "kind: organization", "aliases:", "  - KH", "  - Hezbollah"
    )
    hezbollah = entity_file("name: Hezbollah", "kind: organization", "aliases:", "  - Hizbullah")
    paths = [write(tmp_path, "kataeb-hezbollah.md", kataeb), write(tmp_path, "hezbollah.md", hezbollah)]
    entities, problems = load_registry(paths, tmp_path)
    assert codes(problems) == [("entity-alias-clash", "content/entities/kataeb-hezbollah.md", 6)]
    message = problems[0].message
    assert "content/entities/hezbollah.md:2" in message
    assert "'hezbollah'" in message
    assert problems[0].level == Level.ERROR
    by_id = {e.id: e for e in entities}
    # 'hezbollah' sorts first and keeps the form; the other entity loses the alias but still loads
    assert [a.text for a in by_id["hezbollah"].forms] == ["Hezbollah", "Hizbullah"]
    assert [a.text for a in by_id["kataeb-hezbollah"].forms] == ["Kataeb Hezbollah", "KH"]


def test_clashes_follow_the_matching_rule(tmp_path: Path) -> None:
    paths = [
        write(tmp_path, "a-us.md", entity_file("name: United States", "kind: place", "aliases: [US]")),
        write(tmp_path, "b-us.md", entity_file("name: Us Weekly", "kind: other", "aliases: [Us]")),
        write(
            tmp_path, "c-un.md", entity_file("name: United Nations", "kind: organization", "aliases: [UN]")
        ),
        write(
            tmp_path,
            "d-un.md",
            entity_file("name: Un", "kind: other", "aliases:", "  - {alias: un, ignore_case: true}"),
        ),
    ]
    entities, problems = load_registry(paths, tmp_path)
    # 'US' and 'Us' are different case-sensitive forms; an ignore_case 'un' claims 'UN' too
    clashes = [c for c in codes(problems) if c[0] != "alias-common-word"]  # 'Us' and 'un' are short
    assert clashes == [("entity-alias-clash", "content/entities/d-un.md", 5)]
    problems = [p for p in problems if p.code == "entity-alias-clash"]
    assert "content/entities/c-un.md:4" in problems[0].message
    assert [a.text for a in entities[3].forms] == ["Un"]


def test_name_claimed_twice_links_to_the_first_id(tmp_path: Path) -> None:
    paths = [
        write(
            tmp_path, "john-smith-2.md", entity_file("name: John Smith", "kind: person", "aliases: [Smith]")
        ),
        write(tmp_path, "john-smith.md", entity_file("name: John Smith", "kind: person")),
    ]
    entities, problems = load_registry(paths, tmp_path)
    assert codes(problems) == [("entity-alias-clash", "content/entities/john-smith-2.md", 2)]
    assert "content/entities/john-smith.md:2" in problems[0].message
    assert [(e.id, e.name) for e in entities] == [
        ("john-smith", "John Smith"),
        ("john-smith-2", "John Smith"),
    ]
    found = MentionFinder(entities).find("John Smith met Smith.")
    assert [(f.entity, f.surface) for f in found] == [("john-smith", "John Smith"), ("john-smith-2", "Smith")]


def test_duplicate_ids(tmp_path: Path) -> None:
    first = write(tmp_path, "iran.md", entity_file("name: Iran", "kind: place"))
    second = tmp_path / "content/entities/more/iran.md"
    second.parent.mkdir()
    second.write_text(entity_file("name: Persia", "kind: place"), encoding="utf-8")
    entities, problems = load_registry([second, first], tmp_path)
    assert [e.name for e in entities] == ["Iran"]
    assert codes(problems) == [("entity-duplicate-id", "content/entities/more/iran.md", None)]
    assert "content/entities/iran.md" in problems[0].message


def test_an_alias_that_is_a_common_word_is_a_warning() -> None:
    text = entity_file(
        "name: Islamic Revolutionary Guard Corps",
        "kind: organization",
        "aliases:",
        "  - the",  # 5: a common word
        "  - {alias: War, ignore_case: false}",  # 6: capitalised, still a common word
        "  - {alias: gc, ignore_case: true}",  # 7: two letters
        "  - I",  # 8: one letter, in capitals
        "  - IRGC",  # an acronym in capitals: fine
        "  - UN",  # two letters, but an acronym matched in capitals only: fine
        "  - Guard Corps",
    )
    entity, problems = parse(text)
    assert entity is not None  # warnings: the aliases stay, the editor decides
    assert [a.text for a in entity.aliases] == ["the", "War", "gc", "I", "IRGC", "UN", "Guard Corps"]
    assert codes(problems) == [("alias-common-word", REL, n) for n in (5, 6, 7, 8)]
    assert all(p.level == Level.WARNING for p in problems)
    assert "alias 'the' is a common English word" in problems[0].message
    assert "alias 'gc' has only 2 letters" in problems[2].message
    assert "longer form, or a case-sensitive one in capitals" in problems[0].message
