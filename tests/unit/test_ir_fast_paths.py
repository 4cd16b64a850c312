"""The IR builder's shortcuts, each held to the plain computation it replaces.

Why its own tests: the IR stage takes shortcuts for speed (a lone-surrogate check that reads
marshal's bytes, memoized naming functions, pointers escaped inline, Fields made once with
their user-facing texts, with_surface keeping unchanged objects); a shortcut that drifts from
what it stands for would change the IR only on some schema, so each is checked against the
slow, obvious way on generated inputs.
"""

from __future__ import annotations

import dataclasses
import datetime
import struct
import unicodedata
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cvat_gen import naming
from cvat_gen.build_ir import build_ir
from cvat_gen.errors import json_pointer
from cvat_gen.ir_build.base import pointer_token, schema_pointer
from cvat_gen.ir_build.builder import IRBuilder, _surely_encodable
from cvat_gen.ir_build.surface import field_surface, with_surface


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


# ---------------------------------------------------------------------------------------
# pointers and names

_NAME = st.text(st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=12) | st.sampled_from(
    ["~", "/", "~1", "a/b~c", "", "Caf\u00e9", "\uff21\uff22", "_x", "1abc", "class", "TaskRead", "HTTPResponse"])


@given(_NAME | st.integers())
def test_pointer_tokens_escape_as_json_pointer_does(part: object) -> None:
    assert "/" + pointer_token(part) == json_pointer(part)  # type: ignore[arg-type]
    assert schema_pointer(part) == json_pointer("components", "schemas", part)  # type: ignore[arg-type]


def _uncached(function: Any) -> Any:
    return function.__wrapped__


@settings(max_examples=300)
@given(_NAME)
def test_memoized_naming_functions_answer_as_the_plain_ones(text: str) -> None:
    for function in (naming.snake_case, naming.pascal_case):
        assert function(text) == _uncached(function)(text)
    assert naming.class_name(text, "Tag") == _uncached(naming.class_name)(text, "Tag")
    reserved = naming.RESERVED_ATTRIBUTE_NAMES
    assert naming.identifier(text, "field", reserved) == _uncached(naming.identifier)(text, "field", reserved)
    # the ASCII shortcut of ascii_words is what NFKD folding gives
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    assert naming.ascii_words(text) == folded


# ---------------------------------------------------------------------------------------
# fields made once; with_surface keeps what is right

def _schema() -> dict[str, Any]:
    item = {"type": "object", "required": ["id", "tags", "secret"], "properties": {
        "id": {"type": "integer", "readOnly": True},
        "name": {"type": "string", "nullable": True, "maxLength": 8},
        "status": {"type": "string", "enum": ["a-b", "a_b", "c"]},
        "kind": {"allOf": [{"$ref": "#/components/schemas/Kind"}]},
        "tags": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}},
        "secret": {"type": "string", "writeOnly": True},
        "when": {"type": "string", "format": "date-time"},
        "extra": {"type": "object", "additionalProperties": {"type": "number"}},
        "pick": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
    }}
    results = {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
    paged = {"type": "object", "properties": {"next": {"type": "string"}, "results": results}}
    params = [{"name": n, "in": "query", "schema": {"type": "integer"}} for n in ("page", "page_size")]
    return {"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "paths": {"/items": {"get": {"operationId": "items_list", "tags": ["items"], "parameters": params,
                                         "responses": {"200": {"description": "", "content": {"application/json": {
                                             "schema": {"$ref": "#/components/schemas/PagedItemList"}}}},
                                             "404": {"description": "gone"}}}}},
            "components": {"schemas": {"Item": item, "PagedItemList": paged,
                                       "Kind": {"type": "string", "enum": ["k1", "k2"]}}}}


def test_fields_are_made_with_the_texts_field_surface_gives() -> None:
    ir, _ = build_ir(_schema(), "h", "p")
    fields = [f for m in ir.models for f in m.fields]
    assert {f.py_default for f in fields} == {"", "UNSET"} and any(f.enum_members for f in fields)
    for field in fields:
        blank = dataclasses.replace(field, annotation="", model_annotation="", py_default="", enum_members=())
        assert field_surface(blank) == field


def test_with_surface_keeps_unchanged_objects_and_remakes_changed_ones() -> None:
    ir, _ = build_ir(_schema(), "h", "p")
    again = with_surface(ir)
    assert again == ir
    assert all(a is b for a, b in zip(again.models, ir.models))
    assert all(a is b for a, b in zip(again.apis, ir.apis))
    # a transform that changes a field's type and renames a method: only those are remade
    item = next(m for m in ir.models if m.name == "Item")
    changed = dataclasses.replace(item, fields=tuple(
        dataclasses.replace(f, type=dataclasses.replace(f.type, nullable=True)) if f.py_name == "id" else f
        for f in item.fields))
    api = ir.apis[0]
    renamed = dataclasses.replace(api.operations[0], method_name="list")
    ir2 = dataclasses.replace(ir, models=tuple(changed if m is item else m for m in ir.models),
                              apis=(dataclasses.replace(api, operations=(renamed,)),))
    out = with_surface(ir2)
    new_item = next(m for m in out.models if m.name == "Item")
    new_id = next(f for f in new_item.fields if f.py_name == "id")
    assert new_id.annotation == "int | None" and new_id.model_annotation == "int | None"
    assert all(a is b for a, b in zip(new_item.fields, changed.fields) if a.py_name != "id")
    op = out.apis[0].operations[0]
    assert op.iterator_name == "list_iter" and op.method_name == "list"
    assert [r.exception for r in op.responses] == ["", "NotFoundException"]
