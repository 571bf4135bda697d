"""Correction records (sitegen.corrections) and the engine that applies them (sitegen.correct)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from sitegen.correct import Edit, RuleSet, apply_edits, correct_article, unused_rules
from sitegen.corrections import QuoteRecord, Rule, load_rules, parse_records, parse_rules
from sitegen.diagnostics import Diagnostic, Level
from sitegen.editorial import parse_editorial

RULES = "content/corrections.toml"
EDITORIAL = "content/articles/a1.md"


def literal(text: str) -> str:
    """A TOML literal string: backslashes stay as written, as in a real corrections file."""
    assert "'" not in text
    return f"'{text}'"


def rule(find: str, replace: str, *extra: str) -> str:
    """One valid [[rule]] table; ``extra`` lines such as 'whole_word = false'."""
    lines = [
        "[[rule]]",
        f"find = {literal(find)}",
        f"replace = {literal(replace)}",
        'type = "error"',
        'note = "spinner"',
    ]
    return "\n".join([*lines, *extra]) + "\n\n"


def accepted(rules: Sequence[Rule]) -> list[Rule]:
    """The rules as if their file said ``articles = ["*"]``: accepted for every article (the
    engine's tests here; where rules apply is tests/test_rule_collections.py's)."""
    return [dataclasses.replace(r, accepted=("*",)) for r in rules]


def ruleset(toml: str) -> RuleSet:
    rules, problems = parse_rules(toml, RULES)
    assert problems == []
    return RuleSet(accepted(rules))


def records(front_matter: str) -> list[QuoteRecord]:
    editorial, problems = parse_editorial(f"---\n{front_matter}---\n", "a1", EDITORIAL)
    assert editorial is not None and problems == []
    found, problems = parse_records(editorial)
    assert problems == []
    return found


def corrected(
    paragraphs: Sequence[str],
    toml: str = "",
    quotes: Sequence[QuoteRecord] = (),
    article: str = "a1",
) -> list[str]:
    edits, problems = correct_article(article, paragraphs, ruleset(toml), quotes, EDITORIAL)
    assert problems == []
    return [apply_edits(text, [e for e in edits if e.paragraph == i]) for i, text in enumerate(paragraphs)]


def where(problems: Sequence[Diagnostic]) -> list[tuple[str | None, int | None, str]]:
    return [(d.path, d.line, d.code) for d in problems]


# Case


def test_lowercase_find_keeps_the_case_of_each_match() -> None:
    toml = rule("struggle", "war")
    assert corrected(["The Struggle began.", "STRUGGLE ended.", "a struggle"], toml) == [
        "The War began.",
        "WAR ended.",
        "a war",
    ]


def test_find_with_uppercase_is_case_sensitive_and_replace_is_used_as_written() -> None:
    toml = rule("Quds Drive", "Quds Force")
    assert corrected(["the Quds Drive and the quds drive and QUDS DRIVE"], toml) == [
        "the Quds Force and the quds drive and QUDS DRIVE"
    ]


def test_one_uppercase_letter_only_capitalises_the_first_letter() -> None:
    assert corrected(["A struggle. a struggle."], rule("a struggle", "the war")) == ["The war. the war."]


# Whole words


def test_whole_word_by_default_and_inside_words_when_asked() -> None:
    paragraphs = ["He struggled; a struggle."]
    assert corrected(paragraphs, rule("struggle", "war")) == ["He struggled; a war."]
    assert corrected(paragraphs, rule("struggle", "war", "whole_word = false")) == ["He ward; a war."]


def test_hyphens_apostrophes_and_punctuation_are_word_boundaries() -> None:
    text = "anti-struggle, the struggle's end, 'struggle' (struggle) struggle_x struggle2 xstruggle"
    assert corrected([text], rule("struggle", "war")) == [
        "anti-war, the war's end, 'war' (war) struggle_x struggle2 xstruggle"
    ]


def test_matches_never_span_paragraphs() -> None:
    spaced = rule(r"navy\s+chief", "military chief", "regex = true")
    literal = '[[rule]]\nfind = "navy\\n\\nchief"\nreplace = "x"\ntype = "error"\nnote = "n"\n'
    assert corrected(["the navy", "chief"], spaced) == ["the navy", "chief"]
    assert corrected(["the navy", "chief"], literal) == ["the navy", "chief"]


def test_case_folding_that_changes_lengths_keeps_offsets_right() -> None:
    # 'İ'.lower() is two characters: the fast path cannot be used for this paragraph.
    toml = (
        rule("struggle", "war") + rule("Navy", "Fleet") + rule(r"(\d+) fights", r"\1 battles", "regex = true")
    )
    assert corrected(["İstanbul struggle, Navy, 3 fights", "a Struggle, 2 Fights"], toml) == [
        "İstanbul war, Fleet, 3 battles",
        "a War, 2 battles",
    ]


def test_case_sensitive_and_insensitive_finds_that_fold_alike_stay_apart() -> None:
    toml = rule("Navy", "Fleet") + rule("navy", "military", 'not_preceded_by = ["royal"]')
    assert corrected(["Royal Navy and the navy"], toml) == ["Royal Fleet and the military"]


# Context constraints


def test_followed_by() -> None:
    toml = rule("navy", "military", 'followed_by = ["chief"]')
    assert corrected(["the navy  Chief", "navy chiefs", "the navy"], toml) == [
        "the military  Chief",
        "navy chiefs",
        "the navy",
    ]


def test_preceded_by_with_uppercase_is_case_sensitive() -> None:
    toml = rule("navy", "military", 'preceded_by = ["US"]')
    assert corrected(["US navy", "us navy", "BUS navy", "navy"], toml) == [
        "US military",
        "us navy",
        "BUS navy",
        "navy",
    ]


def test_not_followed_by() -> None:
    toml = rule("navy", "military", 'not_followed_by = ["ship"]')
    assert corrected(["navy ship", "navy shipment", "navy"], toml) == [
        "navy ship",
        "military shipment",
        "military",
    ]


def test_not_preceded_by() -> None:
    toml = rule("navy", "military", 'not_preceded_by = ["royal"]')
    assert corrected(["the Royal Navy", "the Navy", "unroyal navy"], toml) == [
        "the Royal Navy",
        "the Military",
        "unroyal military",
    ]


# Scope


def test_articles_and_exclude_limit_a_rule() -> None:
    only = rule("struggle", "war", 'articles = ["a1"]')
    never = rule("navy", "military", 'exclude = ["a1"]')
    assert corrected(["struggle navy"], only + never, article="a1") == ["war navy"]
    assert corrected(["struggle navy"], only + never, article="a2") == ["struggle military"]


# Regex rules


def test_regex_rule_with_groups_and_case_keeping() -> None:
    toml = rule(r"(\d+) struggles", r"\1 wars", "regex = true")
    assert corrected(["after 3 struggles", "12 STRUGGLES", "3 struggles2"], toml) == [
        "after 3 wars",
        "12 WARS",
        "3 struggles2",
    ]


def test_regex_with_uppercase_literal_is_case_sensitive() -> None:
    toml = rule(r"Quds (Drive|Push)", "Quds Force", "regex = true")
    assert corrected(["Quds Push, quds drive, Quds Drive"], toml) == ["Quds Force, quds drive, Quds Force"]


def test_regex_without_a_required_literal_is_tried_everywhere() -> None:
    toml = rule(r"struggles|fights", "wars", "regex = true")
    assert corrected(["two struggles", "three Fights"], toml) == ["two wars", "three Wars"]


def test_regex_replacement_with_a_missing_group_is_an_error() -> None:
    rules, problems = parse_rules(rule(r"(\d+) struggles", r"\2 wars", "regex = true"), RULES)
    assert rules == []
    assert where(problems) == [(RULES, 3, "correction-replace")]


def test_regex_escapes_do_not_count_as_uppercase() -> None:
    toml = rule(r"struggle\S", "war.", "regex = true", "whole_word = false")
    assert corrected(["STRUGGLE!"], toml) == ["WAR."]


def test_a_catastrophic_regex_ends_with_the_right_matches() -> None:
    # Python's backtracking re takes 2**n steps here (no end in 120 s at 34 a's); RE2 is linear.
    toml = rule(r"(a+)+$", "many", "regex = true")
    assert corrected(["a" * 34 + "b", "b " + "a" * 40, "a" * 30 + "b " + "a" * 3]) == [
        "a" * 34 + "b",
        "b " + "a" * 40,
        "a" * 30 + "b " + "a" * 3,
    ]
    assert corrected(["a" * 34 + "b", "b " + "a" * 40, "a" * 30 + "b " + "a" * 3], toml) == [
        "a" * 34 + "b",
        "b many",
        "a" * 30 + "b many",
    ]


def test_regex_groups_by_name_and_offsets_after_wide_characters() -> None:
    # UTF-8 bytes are searched: offsets must come back as characters, past ’, — and 𝔸.
    toml = rule(r"(?P<n>\d+) struggles", r"\g<n> wars", "regex = true")
    text = "Iran’s 3 struggles — 𝔸 and 12 Struggles, then 4 struggles"
    assert corrected([text], toml) == ["Iran’s 3 wars — 𝔸 and 12 wars, then 4 wars"]


def test_regex_in_re2_syntax_matches_letters_of_any_script() -> None:
    # '\\pL' is RE2 syntax (Python's re rejects it); the find has no capital, so it ignores case.
    toml = rule(r"\pL+ez street", "the street", "regex = true")
    assert corrected(["on Sánchez street and álvarez Street, not ez street"], toml) == [
        "on The street and the street, not ez street"
    ]
    # A capital outside escapes ('\\pL' is not one) makes it case-sensitive, as in Python syntax.
    toml = rule(r"\pL+ Drive", "Quds Force", "regex = true")
    assert corrected(["Quds Drive, quds drive, Qüds DRIVE"], toml) == ["Quds Force, quds drive, Qüds DRIVE"]


def test_regex_a_refused_match_lets_a_later_overlapping_one_through() -> None:
    # '12 fights' is refused (not after '1'); the search goes on inside it and finds '2 fights'.
    toml = rule(r"\d+ fights", "battles", "regex = true", "whole_word = false", 'preceded_by = ["1"]')
    assert corrected(["x 12 fights; 3 fights"], toml) == ["x 1battles; 3 fights"]


def test_regex_features_re2_lacks_are_errors_naming_the_rule_and_what_to_do() -> None:
    toml = (
        rule(r"(?<=.)1000’s", "thousands", "regex = true")
        + rule(r"(\w+) \1", r"\1", "regex = true")
        + rule(r"(?>a+)b", "x", "regex = true")
        + rule(r"(unclosed", "x", "regex = true")
        + rule("struggle", "war")
    )
    rules, problems = parse_rules(toml, RULES)
    assert where(problems) == [
        (RULES, 2, "correction-regex-unsupported"),
        (RULES, 9, "correction-regex-unsupported"),
        (RULES, 16, "correction-regex-unsupported"),
        (RULES, 23, "correction-regex"),
    ]
    lookbehind, backreference, atomic, invalid = (d.message for d in problems)
    assert "rule 1" in lookbehind and "RE2" in lookbehind and "lookbehind" in lookbehind
    assert "preceded_by" in lookbehind
    assert "backreferences" in backreference and "atomic groups" in atomic
    assert "not a valid regular expression" in invalid and "missing )" in invalid
    assert [r.find for r in rules] == ["struggle"]


# Validation of rules

BAD_RULES = """\
[[rule]]
find = "struggle"
replace = "war"
type = "error"
note = "spinner"
whole_wrod = false

[[rule]]
find = "navy"
replace = "military"
type = "mistake"
note = "spinner"

[[rule]]
find = "(unclosed"
regex = true
replace = "x"
type = "error"
note = "n"

[[rule]]
find = "a*"
regex = true
replace = "x"
type = "error"
note = "n"

[[rule]]
replace = 3
type = "error"
note = "n"
followed_by = "chief"
cert = "sure"

[[rule]]
find = "mentioned"
replace = "said"
type = "regularisation"
note = "spinner"
"""


def test_invalid_rules_are_reported_with_file_line_and_code_and_dropped() -> None:
    rules, problems = parse_rules(BAD_RULES, RULES)
    assert where(problems) == [
        (RULES, 6, "correction-unknown-key"),
        (RULES, 11, "correction-type"),
        (RULES, 15, "correction-regex"),
        (RULES, 22, "correction-regex-empty"),
        (RULES, 28, "correction-find"),
        (RULES, 29, "correction-replace"),
        (RULES, 33, "correction-cert"),
        (RULES, 32, "correction-constraint"),
    ]
    assert all(d.level is Level.ERROR for d in problems)
    assert "did you mean 'whole_word'?" in problems[0].message
    assert "'mistake'" in problems[1].message and "regularisation" in problems[1].message
    # The valid rule survives and keeps its place in the file in its key.
    assert [(r.key, r.line, r.type) for r in rules] == [(f"{RULES}#6", 35, "regularisation")]


def test_toml_syntax_error_has_its_line() -> None:
    rules, problems = parse_rules('[[rule]]\nfind = "war"\nreplace = "x\n', RULES)
    assert rules == []
    assert where(problems) == [(RULES, 3, "correction-toml")]


def test_unknown_top_level_key() -> None:
    rules, problems = parse_rules('[[rules]]\nfind = "war"\n', RULES)
    assert rules == []
    assert where(problems) == [(RULES, 1, "correction-unknown-key")]
    assert "did you mean 'rule'?" in problems[0].message


def test_load_rules_keys_by_file_and_keeps_order(tmp_path: Path) -> None:
    (tmp_path / "content" / "corrections").mkdir(parents=True)
    first = tmp_path / "content" / "corrections.toml"
    second = tmp_path / "content" / "corrections" / "more.toml"
    first.write_text(rule("struggle", "war") + rule("navy", "military"), encoding="utf-8")
    second.write_text(rule("mentioned", "said"), encoding="utf-8")
    rules, problems = load_rules([first, second], tmp_path)
    assert problems == []
    assert [r.key for r in rules] == [
        "content/corrections.toml#1",
        "content/corrections.toml#2",
        "content/corrections/more.toml#1",
    ]
    assert rules[1].line == 7


# Per-article quote records


def test_quote_record_keys_lines_and_validation() -> None:
    text = """---
corrections:
  - exact: "Common"
    replace: "General"
    type: error
    note: "spinner"
  - exact: "a\\n\\nb"
    replace: "x"
    type: wrong
    note: "n"
    colour: red
  - exact: "c"
    type: error
    note: "n"
---
"""
    editorial, problems = parse_editorial(text, "a1", EDITORIAL)
    assert editorial is not None and problems == []
    found, problems = parse_records(editorial)
    assert [(r.key, r.line, r.exact, r.replace) for r in found] == [
        (f"{EDITORIAL}#corrections-1", 3, "Common", "General")
    ]
    assert where(problems) == [
        (EDITORIAL, 11, "correction-unknown-key"),
        (EDITORIAL, 7, "correction-exact"),
        (EDITORIAL, 9, "correction-type"),
        (EDITORIAL, 12, "correction-replace"),
    ]


def test_quote_record_prefix_reaches_across_a_paragraph_break() -> None:
    quotes = records(
        'corrections:\n  - exact: "Common"\n    prefix: "dying of\\n\\n"\n    suffix: " Qasem"\n'
        '    replace: "General"\n    type: error\n    note: "spinner"\n'
    )
    paragraphs = ["He mourned the dying of", "Common Qasem Soleimani.", "Common ground."]
    edits, problems = correct_article("a1", paragraphs, ruleset(""), quotes, EDITORIAL)
    assert problems == []
    assert edits == [Edit(1, 0, 6, "Common", "General", f"{EDITORIAL}#corrections-1")]


def test_ambiguous_quote_is_an_error_and_not_applied() -> None:
    quotes = records(
        'corrections:\n  - exact: "Common"\n    replace: "General"\n    type: error\n    note: "n"\n'
    )
    edits, problems = correct_article(
        "a1", ["Common one.", "two", "Common three."], ruleset(""), quotes, EDITORIAL
    )
    assert edits == []
    assert where(problems) == [(EDITORIAL, 3, "correction-ambiguous")]
    assert problems[0].level is Level.ERROR
    assert "matches 2 places (paragraphs 1, 3); add a prefix or suffix" in problems[0].message


def test_orphan_quote_is_a_warning() -> None:
    quotes = records(
        'title: "x"\ncorrections:\n'
        '  - exact: "Comon"\n    replace: "General"\n    type: error\n    note: "n"\n'
    )
    edits, problems = correct_article("a1", ["Common one."], ruleset(""), quotes, EDITORIAL)
    assert edits == []
    assert where(problems) == [(EDITORIAL, 4, "correction-orphan")]
    assert problems[0].level is Level.WARNING


# Overlaps


def test_overlapping_records_are_an_error_naming_both() -> None:
    quotes = records(
        "corrections:\n"
        '  - exact: "Quds Drive"\n    replace: "Quds Force"\n    type: error\n    note: "n"\n'
        '  - exact: "Drive chief"\n    replace: "Force chief"\n    type: error\n    note: "n"\n'
    )
    edits, problems = correct_article("a1", ["the Quds Drive chief"], ruleset(""), quotes, EDITORIAL)
    assert [e.correction for e in edits] == [f"{EDITORIAL}#corrections-1"]
    assert where(problems) == [(EDITORIAL, 7, "correction-overlap")]
    message = problems[0].message
    assert f"{EDITORIAL}#corrections-1 ({EDITORIAL}:3)" in message
    assert f"{EDITORIAL}#corrections-2 ({EDITORIAL}:7)" in message


def test_overlap_ties_prefer_longer_then_record_then_earlier_rule() -> None:
    toml = rule("Quds", "X") + rule("Quds Drive", "Quds Force") + rule("Quds Drive", "Quds Push")
    edits, problems = correct_article("a1", ["the Quds Drive"], ruleset(toml), [], None)
    assert [e.correction for e in edits] == [f"{RULES}#2"]
    assert where(problems) == [(RULES, 13, "correction-overlap"), (RULES, 1, "correction-overlap")]
    assert f"{RULES}#1 ({RULES}:1)" in problems[1].message and f"{RULES}#2 ({RULES}:7)" in problems[1].message

    quotes = records(
        'corrections:\n  - exact: "Quds Drive"\n    replace: "Q"\n    type: error\n    note: "n"\n'
    )
    edits, problems = correct_article("a1", ["the Quds Drive"], ruleset(toml), quotes, EDITORIAL)
    assert [e.correction for e in edits] == [f"{EDITORIAL}#corrections-1"]
    assert len(problems) == 3


# Edits


def test_edits_are_sorted_with_paragraph_offsets_and_source() -> None:
    toml = rule("struggle", "war") + rule("navy", "military")
    edits, _ = correct_article("a1", ["navy struggle", "A Struggle"], ruleset(toml), [], None)
    assert edits == [
        Edit(0, 0, 4, "navy", "military", f"{RULES}#2"),
        Edit(0, 5, 13, "struggle", "war", f"{RULES}#1"),
        Edit(1, 2, 10, "Struggle", "War", f"{RULES}#1"),
    ]


def test_apply_edits() -> None:
    text = "the navy mentioned a struggle"
    edits = [Edit(0, 21, 29, "struggle", "war", "r#1"), Edit(0, 4, 8, "navy", "military", "r#2")]
    assert apply_edits(text, edits) == "the military mentioned a war"
    assert apply_edits(text, []) == text
    assert apply_edits("the the end", [Edit(0, 3, 7, " the", "", "r#3")]) == "the end"
    overlapping = [Edit(0, 4, 8, "navy", "military", "r#2"), Edit(0, 0, 8, "the navy", "a fleet", "r#4")]
    assert apply_edits(text, overlapping) == "a fleet mentioned a struggle"


# Caching and reports


def test_unused_rules_are_reported() -> None:
    rules, _ = parse_rules(rule("struggle", "war") + rule("navy", "military"), RULES)
    engine = RuleSet(accepted(rules))
    used: set[str] = set()
    for article, text in (("a1", "a struggle"), ("a2", "no match")):
        edits, _ = correct_article(article, [text], engine, [], None)
        used.update(e.correction for e in edits)
    problems = unused_rules(rules, used)
    assert where(problems) == [(RULES, 7, "correction-rule-unused")]
    assert problems[0].level is Level.WARNING and "navy" in problems[0].message


def test_rule_records_are_plain_values() -> None:
    rules, _ = parse_rules(rule("Struggle", "War", 'category = "spinner"', 'cert = "low"'), RULES)
    assert rules == [
        Rule(
            key=f"{RULES}#1",
            path=RULES,
            line=1,
            replace="War",
            type="error",
            category="spinner",
            note="spinner",
            cert="low",
            find="Struggle",
            collection="corrections",
        )
    ]
