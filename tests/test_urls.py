"""The URL builder: relative links resolve, from the page that holds them, to their target."""

from __future__ import annotations

from urllib.parse import urljoin

from hypothesis import given
from hypothesis import strategies as st

from sitegen.urls import output_path, relative

ORIGIN = "https://example.org/archive/"
SEGMENTS = st.sampled_from(["2020", "01", "entities", "iran", "page", "a"])
FOLDER = st.lists(SEGMENTS, max_size=4).map(lambda parts: "".join(p + "/" for p in parts))
# Site-relative URLs: a folder (its index page), or a file in one.
URL = st.one_of(FOLDER, st.tuples(FOLDER, st.sampled_from(["404.html", "a1.txt", "feed.xml"])).map("".join))


@given(URL, URL, st.sampled_from(["", "#n3", "#p12"]))
def test_a_relative_link_resolves_to_its_target_from_the_page(page: str, target: str, fragment: str) -> None:
    href = relative(page, target + fragment)
    assert not href.startswith("/") and "//" not in href
    assert urljoin(ORIGIN + page, href) == ORIGIN + target + fragment


def test_a_link_to_a_place_on_the_same_page_is_its_fragment_alone() -> None:
    assert relative("2020/01/04/war/", "2020/01/04/war/#n3") == "#n3"
    assert relative("2020/01/04/war/", "entities/iran/") == "../../../../entities/iran/"
    assert relative("2020/01/04/war/", "2020/01/05/peace/") == "../../05/peace/"
    assert relative("", "") == "./"
    assert output_path("entities/") == "entities/index.html"
