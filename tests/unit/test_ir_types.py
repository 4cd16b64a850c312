"""Table-driven tests of ir_build/type_refs.py: a property schema -> its TypeRef, and the
validation keywords it keeps (small inline schemas)."""

from __future__ import annotations

from typing import Any

import pytest

from cvat_gen.build_ir import build_ir, schema_constraints
from cvat_gen.ir import TypeRef

COMPONENTS: dict[str, Any] = {
    "Color": {"type": "string", "enum": ["red", "blue"]},
    "NullEnum": {"enum": [None]},
    "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
    "Count": {"type": "integer"},
    "Storage": {"type": "object", "properties": {"location": {"type": "string"}}},
}


def _property_type(prop: dict[str, Any]) -> TypeRef:
    schemas = {**COMPONENTS, "Owner": {"type": "object", "properties": {"value": prop}}}
    ir, _ = build_ir({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {},
                      "components": {"schemas": schemas}}, "h", "p")
    model = ir.model("Owner")
    assert model is not None
    return model.fields[0].type


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


@pytest.mark.parametrize("prop, annotation, struct", [
    ({"type": "string"}, "str", "str"),
    ({"type": "string", "nullable": True}, "str | None", "str | None"),
    ({"type": "string", "format": "date-time"}, "datetime", "datetime"),
    ({"type": "string", "format": "date"}, "date", "date"),
    ({"type": "string", "format": "binary"}, "bytes", "Any"),  # msgspec can't convert file objects
    ({"type": "integer"}, "int", "int"),
    ({"type": "number"}, "float", "float"),
    ({"type": "boolean"}, "bool", "bool"),
    ({}, "Any", "Any"),
    ({"type": "array", "items": {"type": "integer"}}, "list[int]", "list[int]"),
    ({"type": "object", "additionalProperties": {"type": "string"}}, "dict[str, str]", "dict[str, str]"),
    ({"type": "object"}, "dict[str, Any]", "dict[str, Any]"),
    (ref("Color"), "Color", "Color"),  # a $ref to an enum component: its class
    ({"allOf": [ref("Color")]}, "str", "str"),  # an allOf-wrapped enum: a validated str (cvat-sdk)
    ({"type": "string", "enum": ["a", "b", None]}, "str | None", "str | None"),
    ({"oneOf": [ref("Color"), ref("NullEnum")]}, "Color | None", "Color | None"),
    (ref("Pet"), "Pet", "Pet"),
    (ref("Count"), "int", "int"),  # a primitive component is inlined
    ({"type": "array", "items": ref("Pet"), "nullable": True}, "list[Pet] | None", "list[Pet] | None"),
    ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, "str | int", "str | int"),  # native union
])
def test_type_of(prop: dict[str, Any], annotation: str, struct: str) -> None:
    type_ref = _property_type(prop)
    assert type_ref.annotation() == annotation
    assert type_ref.struct_annotation() == struct


@pytest.mark.parametrize("prop, kind, name", [
    ({"type": "object", "properties": {"x": {"type": "integer"}}}, "model", "OwnerValue"),
    ({"allOf": [ref("Storage")], "nullable": True}, "model", "OwnerValue"),  # composed <Owner><Prop>
    ({"oneOf": [ref("Pet"), ref("Storage")]}, "union", "OwnerValue"),  # two objects: a class picks
    ({"oneOf": [ref("Pet"), {"type": "string"}]}, "union", ""),  # one per JSON shape: msgspec decodes
])
def test_inline_classes_are_named_after_owner_and_property(prop: dict[str, Any], kind: str, name: str) -> None:
    type_ref = _property_type(prop)
    assert type_ref.kind == kind
    if kind == "union":
        assert type_ref.native_union is (name == "")
    else:
        assert type_ref.name == name


@pytest.mark.parametrize("schema, constraints", [
    ({"maxLength": 64}, (("maxLength", 64),)),
    ({"minLength": -1, "maxItems": "3"}, ()),  # malformed: left out
    ({"minimum": 0, "exclusiveMinimum": True}, (("exclusiveMinimum", 0),)),  # OpenAPI 3.0 boolean
    ({"pattern": "^[a-z]+$"}, (("pattern", "^[a-z]+$"),)),
    ({"pattern": "("}, ()),  # Python's re can't compile it
    ({"items": {"maxLength": 2}}, (("items", (("maxLength", 2),)),)),
    ({"maximum": float("nan")}, ()),
])
def test_schema_constraints(schema: dict[str, Any], constraints: tuple[Any, ...]) -> None:
    assert schema_constraints(schema) == constraints
