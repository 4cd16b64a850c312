"""IR decisions on small inline schemas."""

from __future__ import annotations

from typing import Any

import pytest

from cvat_gen.build_ir import build_ir
from cvat_gen.errors import BuildError


def schema(paths: dict[str, Any] | None = None, schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": {"title": "T", "version": "1.0"}, "paths": paths or {},
            "components": {"schemas": schemas or {}}}


def op(op_id: str, tag: str = "tasks", **extra: Any) -> dict[str, Any]:
    return {"operationId": op_id, "tags": [tag], "responses": {"204": {"description": ""}}, **extra}


def test_method_names_drop_the_tag_prefix() -> None:
    ir, _ = build_ir(schema({"/api/tasks": {"get": op("tasks_list"), "post": op("tasks_create")}}), "h", "p")
    api = ir.apis[0]
    assert (api.class_name, api.attr_name) == ("TasksApi", "tasks_api")
    assert [o.method_name for o in api.operations] == ["create", "list"]


def test_required_parameters_are_positional_in_schema_order_then_body() -> None:
    params = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
              {"name": "action", "in": "query", "required": True, "schema": {"type": "string"}},
              {"name": "X-Organization", "in": "header", "schema": {"type": "string"}}]
    body = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PatchedLabeledDataRequest"}}}}
    ir, _ = build_ir(schema({"/api/tasks/{id}/annotations": {"patch": op(
        "tasks_partial_update_annotations", parameters=params, requestBody=body)}},
        {"PatchedLabeledDataRequest": {"type": "object", "properties": {"version": {"type": "integer"}}}}), "h", "p")
    operation = ir.operations[0]
    assert operation.positional_params == ("id", "action", "patched_labeled_data_request")
    assert [p.py_name for p in operation.params] == ["id", "action", "x_organization"]
    assert operation.params[2].wire_name == "X-Organization"


def test_enum_ness_is_decided_per_field() -> None:
    schemas = {
        "ShapeType": {"type": "string", "enum": ["rectangle", "polygon"]},
        "Shape": {"type": "object", "required": ["type"], "properties": {
            "type": {"$ref": "#/components/schemas/ShapeType"},
            "wrapped": {"allOf": [{"$ref": "#/components/schemas/ShapeType"}], "readOnly": True},
            "inline": {"type": "string", "enum": ["a", "b"]},
        }},
    }
    ir, _ = build_ir(schema(schemas=schemas), "h", "p")
    fields = {f.py_name: f for f in ir.model("Shape").fields}  # type: ignore[union-attr]
    assert fields["type"].type.kind == "enum" and fields["type"].type.name == "ShapeType"
    assert fields["wrapped"].type.kind == "str" and fields["wrapped"].enum_values == ("rectangle", "polygon")
    assert fields["inline"].type.kind == "str" and fields["inline"].enum_values == ("a", "b")


def test_composed_inline_models_are_named_after_the_first_owner_and_reused() -> None:
    storage = {"allOf": [{"$ref": "#/components/schemas/Storage"}], "nullable": True}
    schemas = {
        "JobRead": {"type": "object", "properties": {"target_storage": storage, "source_storage": storage}},
        "Storage": {"type": "object", "properties": {"location": {"type": "string"}}},
        "TaskRead": {"type": "object", "properties": {"target_storage": storage}},
    }
    ir, _ = build_ir(schema(schemas=schemas), "h", "p")
    names = {f.py_name: f.type for f in ir.model("TaskRead").fields}  # type: ignore[union-attr]
    assert names["target_storage"].name == "JobReadTargetStorage"
    assert names["target_storage"].nullable
    composed = ir.model("JobReadTargetStorage")
    assert composed is not None and composed.base == "Storage"


def test_duplicate_operation_ids_are_located_errors() -> None:
    doc = schema({"/a": {"get": op("x_list", "x")}, "/b": {"get": op("x_list", "x")}})
    with pytest.raises(BuildError) as info:
        build_ir(doc, "h", "p")
    assert "/paths/~1b/get/operationId" in str(info.value)
    assert "duplicate operationId" in str(info.value)


def test_circular_allof_is_an_error() -> None:
    schemas = {"A": {"allOf": [{"$ref": "#/components/schemas/B"}]}, "B": {"allOf": [{"$ref": "#/components/schemas/A"}]}}
    with pytest.raises(BuildError) as info:
        build_ir(schema(schemas=schemas), "h", "p")
    assert "circular allOf" in str(info.value)


def test_names_that_collide_after_conversion_are_made_unique() -> None:
    schemas = {"M": {"type": "object", "properties": {"fooBar": {"type": "string"}, "foo_bar": {"type": "integer"},
                                                       "class": {"type": "string"}, "to_dict": {"type": "string"}}}}
    ir, _ = build_ir(schema(schemas=schemas), "h", "p")
    fields = ir.model("M").fields  # type: ignore[union-attr]
    assert [f.py_name for f in fields] == ["foo_bar", "foo_bar_2", "class_", "to_dict_"]
    assert [f.json_name for f in fields] == ["fooBar", "foo_bar", "class", "to_dict"]


def test_binary_and_json_responses() -> None:
    paths = {"/f": {"get": op("f_get", "f", responses={"200": {"description": "", "content": {
        "image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}})},
        "/j": {"get": op("j_get", "j", responses={"200": {"description": "", "content": {
            "application/vnd.cvat+json": {"schema": {"type": "array", "items": {"type": "integer"}}}}}})}}
    ir, _ = build_ir(schema(paths), "h", "p")
    by_id = {o.operation_id: o for o in ir.operations}
    assert by_id["f_get"].response_kind == "binary"
    assert by_id["j_get"].response_kind == "json"
    assert by_id["j_get"].response_type.annotation() == "list[int]"  # type: ignore[union-attr]


def test_ir_json_is_stable() -> None:
    doc = schema({"/api/tasks": {"get": op("tasks_list")}})
    assert build_ir(doc, "h", "p")[0].to_json() == build_ir(doc, "h", "p")[0].to_json()
