"""The Markdown filters: their shortcuts give what the plain computation gives."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from cvat_gen import render

# the characters the filters treat specially, and some that they don't
_TEXT = st.text(alphabet=st.sampled_from(list("<>&\"'`|[](){}*_#!~=-+:?\\ \t\nab1\u00e9\u2028\x00\r")), max_size=60)


@settings(max_examples=500, deadline=None)
@given(_TEXT)
def test_prose_escaping_is_html_escape_then_markdown(text: str) -> None:
    assert render._escape_prose(text) == html.escape(text, quote=False).translate(render._MD_ESCAPES)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.integers(min_value=1, max_value=80))
def test_remembered_cells_and_texts_equal_fresh_ones(text: str, limit: int) -> None:
    """The filters remember their answer per str; a remembered answer must be the answer,
    for a str subclass too (what templates hand them)."""
    class Marked(str):
        pass

    fresh_cell = render.markdown_cell.__wrapped__(text, limit)
    fresh_text = render.markdown_text.__wrapped__(text, limit)
    for value in (text, Marked(text), text):
        assert render.markdown_cell(value, limit) == fresh_cell
        assert render.markdown_text(value, limit) == fresh_text
    assert render.markdown_cell(None) == render.markdown_cell.__wrapped__(None, 500)
