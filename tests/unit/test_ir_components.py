"""Table-driven tests of ir_build/components.py: what each component schema becomes (enum,
model, alias, union, nothing), class and member names, and the fields with their
user-facing annotations (small inline schemas)."""

from __future__ import annotations

from typing import Any

import pytest

from cvat_gen.build_ir import build_ir
from cvat_gen.ir import IR


def _ir(schemas: dict[str, Any]) -> IR:
    ir, _ = build_ir({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {},
                      "components": {"schemas": schemas}}, "h", "p")
    return ir


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


BASE: dict[str, Any] = {
    "Color": {"type": "string", "enum": ["red", "blue"]},
    "NullEnum": {"enum": [None]},
    "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
    "Cat": {"type": "object", "properties": {"lives": {"type": "integer"}}},
}


@pytest.mark.parametrize("name, schema, kind, model_kind", [
    ("Shape-type", {"type": "string", "enum": ["a"]}, "enum", ""),
    ("Thing", {"type": "object", "properties": {"x": {"type": "integer"}}}, "model", "normal"),
    ("Extended", {"allOf": [ref("Pet"), {"properties": {"y": {"type": "integer"}}}]}, "model", "composed"),
    ("MaybeColor", {"oneOf": [ref("Color"), ref("NullEnum")]}, "model", "alias"),
    ("Animal", {"oneOf": [ref("Pet"), ref("Cat")]}, "model", "union"),
    ("Free", {"type": "object", "additionalProperties": {"type": "string"}}, "none", ""),
    ("Count", {"type": "integer"}, "none", ""),
])
def test_classification(name: str, schema: dict[str, Any], kind: str, model_kind: str) -> None:
    ir = _ir({**BASE, name: schema})
    cls = {"Shape-type": "ShapeType"}.get(name, name)
    enums = {e.name for e in ir.enums}
    model = ir.model(cls)
    assert (cls in enums) is (kind == "enum")
    assert (model is not None) is (kind == "model")
    if model is not None:
        assert model.kind == model_kind


@pytest.mark.parametrize("values, members", [
    (["red", "dark-blue"], [("RED", "red"), ("DARK_BLUE", "dark-blue")]),
    (["a", "a", None], [("A", "a")]),  # duplicates and null are no members
    (["a-b", "a_b"], [("A_B", "a-b"), ("A_B_2", "a_b")]),  # unique names
    (["1st", "class"], None),  # names that are no identifiers: still identifiers
])
def test_enum_member_names(values: list[Any], members: list[tuple[str, str]] | None) -> None:
    (enum,) = _ir({"E": {"type": "string", "enum": values}}).enums
    names = [(m.name, m.value) for m in enum.members]
    if members is not None:
        assert names == members
    assert all(n.isidentifier() for n, _ in names)


@pytest.mark.parametrize("prop, required, annotation, model_annotation, default", [
    ({"type": "string"}, True, "str", "str", ""),
    ({"type": "string"}, False, "str | UnsetType", "str | UnsetType", "UNSET"),
    ({"type": "string", "writeOnly": True}, True, "str | UnsetType", "str | UnsetType", "UNSET"),  # not in responses
    ({"type": "string", "readOnly": True}, True, "str", "str", ""),
    ({"type": "string", "format": "binary"}, True, "bytes", "Any", ""),
    ({"type": "array", "items": ref("Pet"), "nullable": True}, False, "list[Pet] | None | UnsetType",
     "list[Pet] | None | UnsetType", "UNSET"),
])
def test_field_annotations(prop: dict[str, Any], required: bool, annotation: str, model_annotation: str,
                           default: str) -> None:
    schema = {"type": "object", "properties": {"value": prop}, "required": ["value"] if required else []}
    (field,) = _ir({**BASE, "Owner": schema}).model("Owner").fields  # type: ignore[union-attr]
    assert (field.annotation, field.model_annotation, field.py_default) == (annotation, model_annotation, default)


@pytest.mark.parametrize("prop, members", [
    ({"type": "string", "enum": ["in progress", "done"]}, [("IN_PROGRESS", "in progress"), ("DONE", "done")]),
    ({"allOf": [ref("Color")]}, [("RED", "red"), ("BLUE", "blue")]),  # values of the wrapped enum
    ({"type": "string", "enum": ["a.b", "a-b"]}, [("A_B", "a.b"), ("A_B_2", "a-b")]),
    (ref("Color"), []),  # an enum class, not an inline enum
])
def test_inline_enum_member_names(prop: dict[str, Any], members: list[tuple[str, str]]) -> None:
    (field,) = _ir({**BASE, "Owner": {"type": "object", "properties": {"v": prop}}}).model("Owner").fields  # type: ignore[union-attr]
    assert [(m.name, m.value) for m in field.enum_members] == members


@pytest.mark.parametrize("props, names", [
    ({"class": {}, "from": {}}, ["class_", "from_"]),
    ({"id": {}, "Id": {}}, ["id", "id_2"]),
    ({"created-date": {}}, ["created_date"]),
])
def test_field_names(props: dict[str, Any], names: list[str]) -> None:
    fields = _ir({"Owner": {"type": "object", "properties": props}}).model("Owner").fields  # type: ignore[union-attr]
    assert [f.py_name for f in fields] == names
    assert [f.json_name for f in fields] == list(props)


def test_composed_model_merges_its_parts_in_order() -> None:
    ir = _ir({**BASE, "Extended": {"allOf": [ref("Pet"), {"required": ["y"], "properties": {"y": {"type": "integer"}}}]}})
    model = ir.model("Extended")
    assert model is not None and model.composed_of == ("Pet",)
    assert [(f.py_name, f.required) for f in model.fields] == [("name", False), ("y", True)]


def test_union_discriminator_mapping() -> None:
    schema = {"oneOf": [ref("Pet"), ref("Cat")],
              "discriminator": {"propertyName": "kind", "mapping": {"p": "#/components/schemas/Pet"}}}
    model = _ir({**BASE, "Animal": schema}).model("Animal")
    assert model is not None and model.discriminator == "kind"
    assert model.mapping == (("p", "Pet"), ("Cat", "Cat"))  # explicit, then the implicit names
