"""Inline markup helpers: attribute values written in as few bytes as HTML allows."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sitegen.inline import attribute

from .htmltext import parse_html


@given(st.text(alphabet=st.sampled_from("ab/.#-_ \t\n\"'=<>`&é"), max_size=12))
def test_an_attribute_value_reads_back_as_written(value: str) -> None:
    link = parse_html(f"<p><a href={attribute(value)}>x</a></p>").find("a")
    assert link is not None and link.attrs["href"] == value


def test_a_plain_value_goes_unquoted_and_only_what_html_forbids_is_quoted() -> None:
    assert attribute("../../entities/iran/") == "../../entities/iran/"
    assert attribute("#n12") == "#n12"
    for forbidden in (" ", "\t", "\n", "\f", "\r", '"', "'", "=", "<", ">", "`", "&"):
        assert attribute(f"a{forbidden}b").startswith('"')
    assert attribute("") == '""'
