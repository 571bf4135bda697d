"""``sitegen check`` proposes likely spinner damage to registry names (sitegen/damage.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.htmltext import article_blocks

QUDS = "---\nname: Quds Force\nkind: organization\n---\n"
MIDDLE_EAST = "---\nname: Middle East\nkind: place\ndescription: Around the middle of the world.\n---\n"
# Knows the spinner's drive → force, but only after 'navy': it does not apply to 'Quds Drive'.
NAVY_RULE = """[[rule]]
find = "drive"
replace = "force"
preceded_by = ["navy"]
type = "error"
category = "spinner"
note = "‘drive’ stands for ‘force’."
"""
# Line 1 holds 'Center East', line 4 (the second line of a soft-wrapped paragraph) 'Quds Drive'.
SPUN = (
    "date 2020-01-05 Tensions in the Center East rose on Friday.\n"
    "\n"
    "The navy drive waited while the commander of\n"
    "the Quds Drive spoke, and the Quds Force said nothing.\n"
)


def _site(make_site: Any, seed: str = SPUN, rules: str = NAVY_RULE, **files: str) -> Any:
    return make_site(
        seeds={"spun": seed},
        files={
            "content/entities/quds-force.md": QUDS,
            "content/entities/middle-east.md": MIDDLE_EAST,
            "content/corrections.toml": rules,
            **files,
        },
    )


def _check(root: Path, *args: str) -> list[str]:
    result = run_cli("check", "--source", str(root), "--candidates", "0", *args)
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def _proposals(lines: list[str]) -> list[str]:
    return [line for line in lines if line.endswith("[possible-damage]")]


def _block(lines: list[str]) -> tuple[str, str]:
    """The first 'To accept' instruction and the block printed below it (up to a blank line)."""
    start = next(i for i, line in enumerate(lines) if line.startswith("To accept"))
    end = lines.index("", start)
    return lines[start], "\n".join(lines[start + 1 : end]) + "\n"


def test_check_proposes_names_with_a_word_swapped_the_likeliest_first(make_site: Any) -> None:
    site = _site(make_site)
    lines = _check(site.root)
    assert _proposals(lines) == [
        'seeds/spun.txt:4: INFO: possible spinner damage: "Quds Drive" → "Quds Force" '
        "(likely: rules know drive → force) [possible-damage]",
        'seeds/spun.txt:1: INFO: possible spinner damage: "Center East" → "Middle East" '
        "(possible: one word differs from content/entities/middle-east.md; no rule knows center → middle) "
        "[possible-damage]",
    ]
    capped = _check(site.root, "--damage", "1")
    assert _proposals(capped) == _proposals(lines)[:1]
    assert "… and 1 more (list them with --damage 2)." in capped
    assert not _proposals(_check(site.root, "--damage", "0"))


def test_correct_names_and_corrected_places_are_not_proposed(make_site: Any) -> None:
    """'Quds Force' is spelled right; an editor's rule corrects 'Center East' (to 'Near East'):
    only 'Quds Drive' is left."""
    rule = '[[rule]]\nfind = "Center East"\nreplace = "Near East"\ntype = "error"\nnote = "Spun."\n'
    site = _site(make_site, rules=NAVY_RULE + "\n" + rule)
    assert [line.split(": ", 2)[2] for line in _proposals(_check(site.root))] == [
        'possible spinner damage: "Quds Drive" → "Quds Force" (likely: rules know drive → force) '
        "[possible-damage]"
    ]


def test_a_spun_form_the_registry_lists_as_an_alias_is_a_mention_not_damage(make_site: Any) -> None:
    quds = QUDS.replace("kind:", "aliases: [Quds Drive]\nkind:")
    site = _site(make_site, **{"content/entities/quds-force.md": quds})
    assert ['"Center East"' in line for line in _proposals(_check(site.root))] == [True]


def test_a_place_a_rule_leaves_out_of_its_scope_is_not_proposed(make_site: Any) -> None:
    """An editor excluded the article from the rule: that is a decision, not news."""
    rule = '[[rule]]\nfind = "Quds Drive"\nreplace = "Quds Force"\ntype = "error"\nnote = "Spun."\n'
    site = _site(make_site, rules=NAVY_RULE + "\n" + rule + 'exclude = ["spun"]\n')
    assert ['"Center East"' in line for line in _proposals(_check(site.root))] == [True]


def test_a_swapped_word_must_look_like_a_spun_dictionary_word(make_site: Any) -> None:
    """'Ivanka Trump' is not 'Donald Trump' damaged: 'Donald' is no dictionary word (the
    archive never writes it in lower case); a title is a role, not part of the name
    ('President Zarif' for 'Minister Zarif', though 'minister' is a word); the lower-case
    words of a name ('Baghdad airport') are any sentence's words; and 'South East Asia' is
    another name than 'Middle East'."""
    seed = (
        "date 2020-01-05 Ivanka Trump flew to Baghdad today, near Baghdad airport.\n\n"
        "President Zarif, the minister, met her in South East Asia, and the Center East.\n"
    )
    people = {
        "content/entities/donald-trump.md": "---\nname: Donald Trump\nkind: person\n---\n",
        "content/entities/zarif.md": "---\nname: Minister Zarif\nkind: person\n---\n",
        "content/entities/airport.md": "---\nname: Baghdad International Airport\nkind: place\n"
        "aliases: [Baghdad airport]\n---\n",
    }
    site = _site(make_site, seed=seed, **people)
    assert ['"Center East"' in line for line in _proposals(_check(site.root))] == [True]


@pytest.mark.parametrize(
    "editorial",
    [
        None,
        '---\ntitle: "Spun"\ncorrections:\n- exact: "Friday"\n  replace: "Saturday"\n'
        '  type: error\n  note: "Date."\n---\n',
        '+++\ntitle = "Spun"\n+++\nA note.\n',
    ],
    ids=["no-editorial-file", "yaml-with-corrections", "toml"],
)
def test_the_printed_block_accepted_as_told_applies_the_corrections(
    make_site: Any, editorial: str | None
) -> None:
    files = {} if editorial is None else {"content/articles/spun.md": editorial}
    site = _site(make_site, **files)
    how, block = _block(_check(site.root))
    path = site.root / "content/articles/spun.md"
    if editorial is None:
        assert how == "To accept them, create content/articles/spun.md with:"
        path.parent.mkdir()
        path.write_text(block, encoding="utf-8")
    elif editorial.startswith("+++"):
        assert how.endswith("(before the closing +++):")
        path.write_text(editorial.replace("+++\nA note", block + "+++\nA note"), encoding="utf-8")
    else:
        assert how == "To accept them, add to the corrections: list of content/articles/spun.md:"
        path.write_text(editorial.replace('  note: "Date."\n', '  note: "Date."\n' + block), encoding="utf-8")
    assert not _proposals(_check(site.root))
    report = site.build()
    assert report.log.errors == 0 and report.log.warnings == 0, [d.format() for d in report.log.items]
    page = next(p for p in site.out.glob("2020/*/*/*/index.html"))
    text = " ".join(block.corrected for block in article_blocks(page.read_bytes()))
    assert "Tensions in the Middle East rose" in text
    assert "the Quds Force spoke, and the Quds Force said nothing." in text


def test_a_quote_repeated_in_the_article_gets_the_context_that_names_one_place(make_site: Any) -> None:
    seed = "date 2020-01-05 The Quds Drive left.\n\nThe Quds Drive stayed.\n\nThe Quds Force.\n"
    site = _site(make_site, seed=seed)
    _, block = _block(_check(site.root))
    assert block.count('exact: "Quds Drive"') == 2
    assert 'suffix: " left."' in block and 'suffix: " stayed."' in block
    site.write("content/articles/spun.md", block)
    assert site.build().log.errors == 0
    assert not _proposals(_check(site.root))


def test_the_example_archive_has_no_likely_damage_left(example_site: Any) -> None:
    """Its rules cover its spun article: what check proposes there is at most a 'possible'."""
    proposals = _proposals(_check(example_site.root, "--damage", "100"))
    assert len(proposals) <= 2 and all("(possible:" in line for line in proposals), proposals


def test_a_place_of_a_collection_the_article_rejects_is_not_proposed(make_site: Any) -> None:
    """The collection lists every article, the article's own 'rules' line rejects it: the
    editor decided against these rule matches, so they are not news either."""
    rule = '[[rule]]\nfind = "Quds Drive"\nreplace = "Quds Force"\ntype = "error"\nnote = "Spun."\n'
    rules = 'articles = ["*"]\n' + NAVY_RULE + "\n" + rule
    editorial = "---\nrules: {corrections: reject}\n---\n"
    site = _site(make_site, rules=rules, **{"content/articles/spun.md": editorial})
    assert ['"Center East"' in line for line in _proposals(_check(site.root))] == [True]
