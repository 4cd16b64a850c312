"""IR decisions for oneOf/anyOf, table-driven: which members a union has, whether msgspec
decodes it natively or its class picks the member, nullability, discriminators, naming."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

import msgspec
import pytest

from cvat_gen.build_ir import build_ir
from cvat_gen.ir import IR, ModelDef, TypeRef


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


# members every case may use
BASE: dict[str, Any] = {
    "A": {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}},
    "B": {"type": "object", "properties": {"b": {"type": "string"}}},
    "C": {"type": "object", "properties": {"kind": {"type": "string"}, "c": {"type": "boolean"}}},
    "Color": {"type": "string", "enum": ["red", "green"]},
    "NullEnum": {"enum": [None]},
}


def build(schemas: dict[str, Any], holder: dict[str, Any] | None = None,
          paths: dict[str, Any] | None = None) -> tuple[IR, Any]:
    """`schemas` on top of BASE; `holder` is the property schema of `Holder.value`."""
    all_schemas = {**BASE, **schemas}
    if holder is not None:
        all_schemas["Holder"] = {"type": "object", "properties": {"value": holder}}
    doc = {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths or {},
           "components": {"schemas": all_schemas}}
    return build_ir(doc, "h", "p")


def field_type(ir: IR) -> TypeRef:
    holder = ir.model("Holder")
    assert holder is not None
    return holder.fields[0].type


def union_model(ir: IR, name: str) -> ModelDef:
    model = ir.model(name)
    assert model is not None and model.kind == "union", model
    return model


# (id, the property schema of Holder.value, extra components,
#  expected annotation, expected struct annotation (what msgspec sees), nullable)
FIELD_CASES: list[tuple[str, dict[str, Any], dict[str, Any], str, str, bool]] = [
    ("two objects", ref("U"), {"U": {"oneOf": [ref("A"), ref("B")]}}, "A | B", "U", False),
    ("object or binary string", ref("U"), {"U": {"oneOf": [ref("A"), {"type": "string", "format": "binary"}]}},
     "A | str", "A | str", False),
    ("primitives", ref("U"), {"U": {"oneOf": [{"type": "integer"}, {"type": "string"}, {"type": "boolean"}]}},
     "int | str | bool", "int | str | bool", False),
    ("two string kinds", ref("U"), {"U": {"oneOf": [{"type": "string", "format": "date-time"}, {"type": "string"}]}},
     "datetime | str", "U", False),
    ("enum or string", ref("U"), {"U": {"anyOf": [ref("Color"), {"type": "string"}]}}, "Color | str", "U", False),
    ("two arrays", ref("U"), {"U": {"oneOf": [{"type": "array", "items": ref("A")},
                                              {"type": "array", "items": ref("B")}]}},
     "list[A] | list[B]", "U", False),
    ("array or object", ref("U"), {"U": {"oneOf": [{"type": "array", "items": ref("A")}, ref("B")]}},
     "list[A] | B", "list[A] | B", False),
    ("object or free-form dict", ref("U"), {"U": {"oneOf": [ref("A"), {"type": "object", "additionalProperties": {
        "type": "integer"}}]}}, "A | dict[str, int]", "U", False),
    ("nullable by NullEnum", ref("U"), {"U": {"oneOf": [ref("A"), ref("B"), ref("NullEnum")]}},
     "A | B | None", "U | None", True),
    ("nullable: true", ref("U"), {"U": {"oneOf": [ref("A"), ref("B")], "nullable": True}},
     "A | B | None", "U | None", True),
    ("type null member", ref("U"), {"U": {"anyOf": [{"type": "integer"}, {"type": "null"}]}},
     "int | None", "int | None", True),
    ("nullable reference", {"allOf": [ref("U")], "nullable": True}, {"U": {"oneOf": [ref("A"), ref("B")]}},
     "A | B | None", "U | None", True),
    ("one real member", ref("U"), {"U": {"oneOf": [ref("A")], "nullable": True}}, "A | None", "A | None", True),
    ("nested unions flatten", ref("U"), {"U": {"oneOf": [ref("V"), ref("C")]}, "V": {"anyOf": [ref("A"), ref("B")]}},
     "A | B | C", "U", False),
    ("duplicates collapse", ref("U"), {"U": {"oneOf": [{"type": "string"}, {"type": "string", "format": "binary"}]}},
     "str", "str", False),
    ("an any member absorbs", ref("U"), {"U": {"oneOf": [ref("A"), {}]}}, "Any", "Any", True),
    ("inline native", {"oneOf": [{"type": "integer"}, {"type": "string"}]}, {}, "int | str", "int | str", False),
    ("inline objects", {"oneOf": [ref("A"), ref("B")]}, {}, "A | B", "HolderValue", False),
    ("inline nullable", {"oneOf": [ref("A"), ref("B")], "nullable": True}, {}, "A | B | None",
     "HolderValue | None", True),
    ("nullable enum stays an enum", {"oneOf": [ref("Color"), ref("NullEnum")]}, {}, "Color | None", "Color | None",
     True),
    ("list of unions", {"type": "array", "items": ref("U")}, {"U": {"oneOf": [ref("A"), ref("B")]}},
     "list[A | B]", "list[U]", False),
]


@pytest.mark.parametrize("case", FIELD_CASES, ids=[c[0] for c in FIELD_CASES])
def test_union_field_types(case: tuple[str, dict[str, Any], dict[str, Any], str, str, bool]) -> None:
    _, holder, schemas, annotation, struct, nullable = case
    ir, sink = build(schemas, holder)
    assert not sink.errors
    ref_ = field_type(ir)
    assert ref_.annotation() == annotation
    assert ref_.struct_annotation() == struct
    assert ref_.nullable == nullable
    # a class the struct annotation names exists, and is a union class
    for name in ref_.referenced_classes():
        assert ir.model(name) is not None or any(e.name == name for e in ir.enums), name


# (id, component schema of U, kind of U, composition, member annotations)
COMPONENT_CASES: list[tuple[str, dict[str, Any], str, str, tuple[str, ...]]] = [
    ("oneOf objects", {"oneOf": [ref("A"), ref("B")]}, "union", "oneOf", ("A", "B")),
    ("anyOf objects", {"anyOf": [ref("A"), ref("B")]}, "union", "anyOf", ("A", "B")),
    ("primitives only", {"oneOf": [{"type": "integer"}, {"type": "number"}]}, "union", "oneOf", ("int", "float")),
    ("nullable enum union stays an alias", {"oneOf": [ref("Color"), ref("NullEnum")]}, "alias", "oneOf", ()),
    ("properties win over oneOf", {"type": "object", "properties": {"x": {"type": "string"}},
                                   "oneOf": [ref("A"), ref("B")]}, "normal", "oneOf", ()),
]


@pytest.mark.parametrize("case", COMPONENT_CASES, ids=[c[0] for c in COMPONENT_CASES])
def test_union_components(case: tuple[str, dict[str, Any], str, str, tuple[str, ...]]) -> None:
    _, schema, kind, composition, members = case
    ir, _ = build({"U": schema})
    model = ir.model("U")
    assert model is not None and model.kind == kind
    if kind == "union":
        assert model.composition == composition
        assert model.union is not None and model.union.name == "U"
        assert tuple(m.annotation() for m in model.union.members) == members
        assert model.fields == () and model.interface == ""
        assert model.composed_of == tuple(m for m in members if ir.model(m))


def test_inline_object_members_get_named_classes() -> None:
    ir, _ = build({"U": {"oneOf": [ref("A"), {"type": "object", "properties": {"z": {"type": "string"}}},
                                   {"type": "object", "properties": {"y": {"type": "integer"}}}]}})
    union = union_model(ir, "U").union
    assert union is not None
    assert [m.annotation() for m in union.members] == ["A", "UOneOf1", "UOneOf2"]
    inline = ir.model("UOneOf1")
    assert inline is not None and [f.json_name for f in inline.fields] == ["z"]


# (id, discriminator, expected property, expected mapping, warns)
DISCRIMINATOR_CASES: list[tuple[str, Any, str, tuple[tuple[str, str], ...], bool]] = [
    ("implicit names", {"propertyName": "kind"}, "kind", (("A", "A"), ("C", "C")), False),
    ("explicit mapping then implicit", {"propertyName": "kind", "mapping": {"a": "#/components/schemas/A"}},
     "kind", (("a", "A"), ("C", "C")), False),
    ("mapping by bare name", {"propertyName": "kind", "mapping": {"see": "C", "a": "A"}}, "kind",
     (("see", "C"), ("a", "A")), False),
    ("mapping to a non-member is ignored", {"propertyName": "kind", "mapping": {"b": ref("B")["$ref"]}}, "kind",
     (("A", "A"), ("C", "C")), True),
    ("no property name", {"mapping": {"a": ref("A")["$ref"]}}, "", (), False),
]


@pytest.mark.parametrize("case", DISCRIMINATOR_CASES, ids=[c[0] for c in DISCRIMINATOR_CASES])
def test_discriminators(case: tuple[str, Any, str, tuple[tuple[str, str], ...], bool]) -> None:
    _, disc, prop, mapping, warns = case
    ir, sink = build({"U": {"oneOf": [ref("A"), ref("C")], "discriminator": disc}})
    model = union_model(ir, "U")
    assert (model.discriminator, model.mapping) == (prop, mapping)
    assert any("not a member" in d.message for d in sink.items) == warns


def test_union_that_contains_itself() -> None:
    ir, sink = build({"Tree": {"oneOf": [ref("A"), {"type": "array", "items": ref("Tree")}]}}, ref("Tree"))
    assert not sink.errors
    union = union_model(ir, "Tree").union
    assert union is not None
    # the inner reference is the class itself (decoded by it), not an endless expansion
    assert union.members[1] == TypeRef("list", item=TypeRef("union", name="Tree"))
    assert field_type(ir).annotation() == "A | list[Tree]"


def test_union_bodies_and_responses_keep_cvat_sdk_names() -> None:
    body = {"content": {"application/json": {"schema": ref("UpdateRequest")},
                        "multipart/form-data": {"schema": ref("UpdateRequest")}}}
    responses = {"200": {"description": "", "content": {"application/json": {"schema": ref("DataResponse")}}}}
    paths = {"/t/{id}": {"put": {"operationId": "t_update", "tags": ["t"], "requestBody": body, "responses": responses,
                                 "parameters": [{"name": "id", "in": "path", "required": True,
                                                 "schema": {"type": "integer"}}]}}}
    ir, _ = build({"UpdateRequest": {"oneOf": [ref("A"), ref("B")], "nullable": True},
                   "DataResponse": {"oneOf": [ref("A"), {"type": "string", "format": "binary"}]}}, paths=paths)
    op = ir.operations[0]
    assert op.body is not None and op.body.py_name == "update_request"
    assert op.body.type.struct_annotation() == "UpdateRequest | None"
    assert op.response_kind == "json" and op.response_type is not None
    assert op.response_type.annotation() == "A | str"
    assert op.response_type.referenced_classes() == ("DataResponse", "A")


# ---------------------------------------------------------------------------------------
# the native/class decision agrees with what msgspec accepts


class _M1(msgspec.Struct):
    x: int = 0


class _M2(msgspec.Struct):
    y: int = 0


class _Enum(str, __import__("enum").Enum):
    A = "a"


POOL: dict[str, tuple[TypeRef, Any]] = {
    "model1": (TypeRef("model", "M1"), _M1),
    "model2": (TypeRef("model", "M2"), _M2),
    "dict": (TypeRef("dict", item=TypeRef("int")), dict[str, int]),
    "list": (TypeRef("list", item=TypeRef("int")), list[int]),
    "list2": (TypeRef("list", item=TypeRef("str")), list[str]),
    "str": (TypeRef("str"), str),
    "enum": (TypeRef("enum", "E"), _Enum),
    "date": (TypeRef("date"), date),
    "datetime": (TypeRef("datetime"), datetime),
    "int": (TypeRef("int"), int),
    "float": (TypeRef("float"), float),
    "bool": (TypeRef("bool"), bool),
}


def _msgspec_accepts(types: list[Any]) -> bool:
    import functools
    import operator

    try:
        msgspec.json.Decoder(functools.reduce(operator.or_, types))
    except TypeError:
        return False
    return True


def test_native_decision_matches_msgspec() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies

    @hypothesis.settings(max_examples=150, deadline=None, derandomize=True)
    @hypothesis.given(st.lists(st.sampled_from(sorted(POOL)), min_size=2, max_size=5, unique=True))
    def check(names: list[str]) -> None:
        union = TypeRef("union", name="U", members=tuple(POOL[n][0] for n in names))
        assert union.native_union == _msgspec_accepts([POOL[n][1] for n in names]), names
        # the struct annotation is the members when native, else the class
        assert (union.struct_annotation() == "U") != union.native_union

    check()


def test_nullable_union_annotations_never_repeat_none() -> None:
    union = TypeRef("union", name="U", members=(TypeRef("int"), TypeRef("str")), nullable=True)
    assert union.annotation() == "int | str | None"
    assert dataclasses.replace(union, members=(TypeRef("model", "A"), TypeRef("model", "B"))).struct_annotation() \
        == "U | None"


def test_a_union_that_is_its_own_member_is_the_other_members() -> None:
    ir, sink = build({"Self": {"oneOf": [ref("A"), ref("Self")]},
                      "P": {"oneOf": [ref("Q"), {"type": "integer"}]}, "Q": {"oneOf": [ref("P"), {"type": "string"}]}})
    assert not sink.errors
    union = union_model(ir, "Self").union
    assert union is not None and [m.annotation() for m in union.members] == ["A"]
    p_members = union_model(ir, "P").union.members  # type: ignore[union-attr]
    assert "P" not in [m.name for m in p_members]  # P's own name never is one of its members
