"""The link check's path resolution: a fast path for the links the url filter writes,
checked against posixpath on every shape of relative path."""

from __future__ import annotations

import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.linkcheck import LinkOrigin, _join, scan_page


def reference(page_dir: str, path: str) -> str | None:
    target = posixpath.normpath(posixpath.join(page_dir, path))
    if target.startswith("../") or target == "..":
        return None
    target = "" if target == "." else target
    return target + "/" if path.endswith("/") and target else target


@settings(max_examples=3000, derandomize=True, database=None)
@given(
    st.lists(st.sampled_from(["2021", "03", "a-slug", "entities"]), max_size=4),
    st.lists(st.sampled_from(["..", ".", "", "x", "y.html"]), min_size=1, max_size=6),
)
def test_relative_links_resolve_as_posixpath_resolves_them(dirs: list[str], parts: list[str]) -> None:
    page_dir, path = "/".join(dirs), "/".join(parts)
    if path and not path.startswith("/"):
        assert _join(page_dir, path) == reference(page_dir, path)


def test_links_the_url_filter_writes() -> None:
    assert _join("2021/03/02/slug", "../../../../entities/x/") == "entities/x/"
    assert _join("2021/03/02/slug", "source/") == "2021/03/02/slug/source/"
    assert _join("2021/03/02/slug", "../../../../") == ""
    assert _join("2021/03/02/slug", "../../../../../x/") is None
    assert _join("", "x.txt") == "x.txt"


def test_unquoted_ids_and_links_count_and_text_does_not() -> None:
    """Article pages leave short attribute values unquoted; text that reads like an attribute is text."""
    page = (
        "<p id=p1>A form with id=p9 and href=#nowhere in its text."
        '<a href=#n1>1</a> <a href="#p1">back</a> <a href=#p2>on</a> <a class=x href=#n3>3</a></p>'
        '<li id="n1">note</li>'
    )
    links = scan_page("a/index.html", page, LinkOrigin(None, {}), "/")
    assert links.ids.split("\n") == ["n1", "p1"]
    assert [p.message.split("'")[1] for p in links.problems] == ["#p2", "#n3"]
