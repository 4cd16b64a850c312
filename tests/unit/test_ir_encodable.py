"""The IR builder's lone-surrogate check (IRBuilder.check_encodable).

Why its own tests: the fast path (builder._surely_encodable) reads marshal's bytes instead of
encoding the document as JSON; these tests hold it to the plain definition (some key or
string holds a code point U+D800..U+DFFF) on every shape it takes or hands to the json way.
"""

from __future__ import annotations

import datetime
import struct
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cvat_gen.ir_build.builder import IRBuilder, _surely_encodable


def has_surrogate(node: Any) -> bool:
    """The definition, walked in Python: no UTF-8 file can hold such a string."""
    if isinstance(node, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in node)
    if isinstance(node, dict):
        return any(has_surrogate(k) or has_surrogate(v) for k, v in node.items())
    if isinstance(node, (list, tuple)):
        return any(has_surrogate(v) for v in node)
    return False


def errors_of(document: dict[str, Any]) -> list[tuple[str, str]]:
    builder = IRBuilder(document, "h", "p")
    builder.check_encodable()
    return [(d.pointer, d.message) for d in builder.sink.items]


class Text(str):
    """A str subclass, which marshal does not take."""


# a float whose 8 bytes hold what looks like an encoded surrogate (ED A0): a false alarm
_LOOKALIKE = struct.unpack("<d", b"\xed\xa0\x00\x00\x00\x00\xf0\x3f")[0]


def test_plain_and_non_ascii_text_is_encodable() -> None:
    document = {"info": {"title": "Caf\u00e9 \U0001f600", "x": [1, 2.5, None, True]}, "k\u00e9y": "\u4e2d"}
    assert _surely_encodable(document)
    assert errors_of(document) == []


def test_a_surrogate_in_a_value_a_key_or_a_list_is_found_and_located() -> None:
    document = {"info": {"description": "x\udcffy"}, "paths": {"/a\ud800": {}},
                "tags": [{"name": "ok"}, {"name": "\udfff"}]}
    assert not _surely_encodable(document)
    pointers = sorted(p for p, _ in errors_of(document))
    assert pointers == ["/info/description", "/paths/~1a\\ud800", "/tags/1/name"]


def test_a_lookalike_number_is_only_a_false_alarm() -> None:
    document = {"info": {"version": "1"}, "x": _LOOKALIKE}
    assert b"\xed\xa0" in struct.pack("<d", _LOOKALIKE)
    assert errors_of(document) == []


def test_what_marshal_refuses_goes_the_json_way() -> None:
    # a YAML date and a str subclass: marshal raises, json decides (a date: the walk does)
    assert _surely_encodable({"s": Text("fine")})
    assert not _surely_encodable({"s": Text("bad\udcff")})
    assert errors_of({"d": datetime.date(2024, 1, 2), "s": "ok"}) == []
    assert [p for p, _ in errors_of({"d": datetime.date(2024, 1, 2), "s": "bad\udcff"})] == ["/s"]


def test_a_document_that_contains_itself_is_judged_by_its_strings() -> None:
    loop: dict[str, Any] = {"name": "a"}
    loop["self"] = loop
    assert _surely_encodable(loop)
    assert errors_of(loop) == []
    loop["bad"] = "\ud800"
    assert not _surely_encodable(loop)
    assert ("/bad", ) == tuple(p for p, _ in errors_of(loop))[:1]


_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), max_size=6)
_TREE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_TEXT, _TREE, max_size=4))
def test_check_encodable_reports_exactly_the_documents_with_a_surrogate(document: dict[str, Any]) -> None:
    bad = has_surrogate(document)
    if bad:
        assert not _surely_encodable(document)  # never a miss; a false alarm only costs a walk
    assert bool(errors_of(document)) == bad
