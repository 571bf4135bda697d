"""Front matter and the editorial layer: line ends, error lines, and strict slugs and tags."""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen.editorial import parse_editorial, parse_page
from sitegen.frontmatter import split_front_matter

REL = "content/articles/a.md"


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_line_ends(eol: str) -> None:
    text = eol.join(["---", "title: T", "tags: [a, b]", "---", "The note.", ""])
    fm, problems = split_front_matter(text, REL)
    assert problems == [] and fm is not None
    assert fm.data == {"title": "T", "tags": ["a", "b"]}
    assert fm.body.strip() == "The note."
    assert fm.body_line == 5
    assert fm.line("tags") == 3
    assert fm.line("tags", 1) == 3


def test_bom_and_no_front_matter() -> None:
    fm, problems = split_front_matter("\ufeffJust a note.\n", REL)
    assert problems == [] and fm is not None
    assert fm.data == {} and fm.body == "Just a note.\n" and fm.body_line == 1


def test_yaml_positions_of_nested_items() -> None:
    text = "---\ntitle: T\nroles:\n  heading: [3, 7]\n  caption:\n    - 4\n    - '8-9'\n---\n"
    fm, _ = split_front_matter(text, REL)
    assert fm is not None
    assert fm.line("roles") == 3
    assert fm.line("roles", "heading") == 4
    assert fm.line("roles", "caption", 1) == 7
    assert fm.line("roles", "missing") == 3  # nearest enclosing key


def test_unclosed_front_matter() -> None:
    fm, problems = split_front_matter("---\ntitle: T\n", REL)
    assert fm is None
    [problem] = problems
    assert (problem.code, problem.path, problem.line) == ("frontmatter-unclosed", REL, 1)


def test_yaml_error_line() -> None:
    fm, problems = split_front_matter("---\ntitle: T\ntags: [a, b\nslug: x\n---\n", REL)
    assert fm is None
    [problem] = problems
    assert problem.code == "frontmatter-yaml"
    assert problem.line is not None and problem.line >= 3


def test_toml_front_matter_and_its_error_line() -> None:
    fm, problems = split_front_matter('+++\ntitle = "T"\nslug = "s"\n+++\nBody\n', REL)
    assert problems == [] and fm is not None
    assert fm.data == {"title": "T", "slug": "s"} and fm.line("slug") == 3
    fm, problems = split_front_matter('+++\ntitle = "T"\n\nslug = s s\n+++\n', REL)
    assert fm is None
    [problem] = problems
    assert (problem.code, problem.line) == ("frontmatter-toml", 4)


def test_an_impossible_yaml_date_is_an_error_at_its_line() -> None:
    fm, problems = split_front_matter("---\ntitle: T\nsource:\n  captured: 2021-02-30\n---\n", REL)
    assert fm is None
    [problem] = problems
    assert (problem.code, problem.line) == ("frontmatter-yaml", 4)
    assert problem.message.startswith("'2021-02-30' is not a real date (day is out of range for month)")


def test_front_matter_must_be_a_mapping() -> None:
    fm, problems = split_front_matter("---\n- a\n- b\n---\n", REL)
    assert fm is None and problems[0].code == "frontmatter-type"


@pytest.mark.parametrize(
    ("yaml", "code", "line"),
    [
        ("slug: |\n  harbour\ntitle: T\n", "editorial-slug", 2),  # a block scalar ends in a newline
        ("slug: Harbour\n", "editorial-slug", 2),
        ("slug: harbour--reopens\n", "editorial-slug", 2),
        ('tags: ["ok", "harbour\\n"]\n', "editorial-tags", 2),
        ("tags: [Harbour]\n", "editorial-tags", 2),
        ("tags: harbour\n", "editorial-tags", 2),
        ("titel: T\n", "editorial-unknown-key", 2),
        ("roles:\n  headline: [1]\n", "editorial-roles", 3),
        ("roles:\n  heading: ['3-1']\n", "editorial-roles", 3),
        ("roles:\n  heading: [1]\n  quote: [1]\n", "editorial-roles", 4),
        ("source:\n  publisher: P\n  captured: last spring\n", "editorial-source", 4),
        ("source: {publisher: P, archive: IA}\n", "editorial-source", 2),
        ("source:\n  publisher: P\n  author: [A, B]\n", "editorial-type", 4),
        ("source:\n  url: {href: 'https://example.org/'}\n", "editorial-type", 3),
    ],
)
def test_editorial_field_errors(yaml: str, code: str, line: int) -> None:
    editorial, problems = parse_editorial(f"---\n{yaml}---\n", "a", REL)
    assert editorial is not None  # the article still builds from what is valid
    assert [(p.code, p.line) for p in problems] == [(code, line)]
    assert editorial.slug is None or "\n" not in editorial.slug
    assert all("\n" not in tag for tag in editorial.tags)


def test_editorial_fields() -> None:
    text = (
        "---\ntitle: T\nsubtitle: S\nslug: harbour-reopens\ntags: [harbour, harbour, town-1]\n"
        "summary: Sum\nsource: {publisher: P, url: 'https://example.org/'}\n"
        "roles:\n  heading: [3]\n  caption: ['5-6']\n---\nThe *note*.\n"
    )
    editorial, problems = parse_editorial(text, "a", REL)
    assert problems == [] and editorial is not None
    assert (editorial.title, editorial.subtitle, editorial.slug) == ("T", "S", "harbour-reopens")
    assert editorial.tags == ("harbour", "town-1")
    assert (editorial.source.publisher, editorial.source.url) == ("P", "https://example.org/")
    assert (editorial.source.author, editorial.source.captured) == ("", None)
    assert editorial.roles == {3: "heading", 5: "caption", 6: "caption"}
    assert editorial.note_markdown == "The *note*."
    assert editorial.note_line == 12


@pytest.mark.parametrize(
    "source",
    [
        "source: {publisher: P, author: A, captured: 2021-02-12}",
        "source: {publisher: P, author: A, captured: '2021-02-12'}",
        "source: {publisher: P, author: A, captured: 2021-02-12T08:00:02Z}",
    ],
)
def test_source_records_author_and_capture_date(source: str) -> None:
    editorial, problems = parse_editorial(f"---\n{source}\n---\n", "a", REL)
    assert problems == [] and editorial is not None
    assert (editorial.source.author, editorial.source.captured) == ("A", dt.date(2021, 2, 12))


def test_page_slug_must_be_strict() -> None:
    page, problems = parse_page(
        '---\ntitle: About\nslug: "about\\n"\n---\nText\n', "about", "content/pages/about.md"
    )
    assert page is None
    assert [(p.code, p.line) for p in problems] == [("page-slug", 3)]


def test_an_impossible_yaml_time_is_an_error_at_its_line() -> None:
    fm, problems = split_front_matter("---\ntitle: T\nsource:\n  captured: 2021-02-12T25:00:00Z\n---\n", REL)
    assert fm is None
    [problem] = problems
    assert (problem.code, problem.line) == ("frontmatter-yaml", 4)
    assert problem.message.startswith("'2021-02-12T25:00:00Z' is not a real date")
