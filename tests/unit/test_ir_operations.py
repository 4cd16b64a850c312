"""Table-driven tests of ir_build/operations.py and ir_build/surface.py: method names,
parameters, bodies, media types, responses, and what users see of each operation (signature
entries, return annotation, exception per status), on small inline schemas."""

from __future__ import annotations

from typing import Any

import pytest

from cvat_gen.build_ir import build_ir
from cvat_gen.ir import IR, Operation

SCHEMAS: dict[str, Any] = {
    "TaskWriteRequest": {"type": "object", "properties": {"name": {"type": "string"}}},
    "TaskRead": {"type": "object", "properties": {"id": {"type": "integer"}}},
    "RqId": {"type": "object", "properties": {"rq_id": {"type": "string"}}},
    "Paginated": {"type": "object", "properties": {
        "next": {"type": "string", "nullable": True},
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/TaskRead"}}}},
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def json_response(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "", "content": {"application/json": {"schema": schema}}}


def _ir(paths: dict[str, Any]) -> IR:
    ir, _ = build_ir({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths,
                      "components": {"schemas": SCHEMAS}}, "h", "p")
    return ir


def _op(method: str = "post", path: str = "/api/tasks", **op: Any) -> Operation:
    op.setdefault("operationId", "tasks_act")
    op.setdefault("tags", ["tasks"])
    op.setdefault("responses", {"204": {"description": ""}})
    return _ir({path: {method: op}}).operations[0]


def param(name: str, where: str = "query", required: bool = False, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "schema": schema or {"type": "string"}}


@pytest.mark.parametrize("op_id, tag, method_name", [
    ("tasks_create", "tasks", "create"),
    ("tasks_list", "tasks", "list"),
    ("create", "tasks", "create"),
    ("lambda-functions_retrieve", "lambda", "functions_retrieve"),
    ("tasks_", "tasks", "tasks"),  # nothing after the prefix: the whole id
])
def test_method_names(op_id: str, tag: str, method_name: str) -> None:
    assert _op(operationId=op_id, tags=[tag]).method_name == method_name


SIGNATURES: list[tuple[dict[str, Any], list[tuple[str, str, str | None, str, str]]]] = [
    # required parameters positional in schema order, then the required body
    ({"parameters": [param("id", "path", True, type="integer"), param("org"), param("action", required=True)],
      "requestBody": json_body(ref("TaskWriteRequest"))},
     [("id", "int", None, "positional", "path"),
      ("action", "str", None, "positional", "query"),
      ("task_write_request", "TaskWriteRequest | dict[str, Any]", None, "positional", "body"),
      ("org", "str | UnsetType", "UNSET", "keyword", "query")]),
    # an optional body is the first keyword
    ({"parameters": [param("org")], "requestBody": json_body(ref("TaskWriteRequest"), required=False)},
     [("task_write_request", "TaskWriteRequest | dict[str, Any] | UnsetType", "UNSET", "keyword", "body"),
      ("org", "str | UnsetType", "UNSET", "keyword", "query")]),
    # a list of models; an optional header admits None (which removes a default header)
    ({"parameters": [param("X-Organization", "header")],
      "requestBody": json_body({"type": "array", "items": ref("TaskWriteRequest")})},
     [("task_write_request", "list[TaskWriteRequest | dict[str, Any]]", None, "positional", "body"),
      ("x_organization", "str | None | UnsetType", "UNSET", "keyword", "header")]),
    # parameter names that clash with keywords and call options
    ({"parameters": [param("from"), param("_content_type"), param("page", type="integer")]},
     [("_from", "str | UnsetType", "UNSET", "keyword", "query"),
      ("content_type", "str | UnsetType", "UNSET", "keyword", "query"),
      ("page", "int | UnsetType", "UNSET", "keyword", "query")]),
    # a form body: one parameter per writable property
    ({"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"], "properties": {
            "file": {"type": "string", "format": "binary"}, "id": {"type": "integer", "readOnly": True},
            "note": {"type": "string"}}}}}}},
     [("file", "Any", None, "positional", "form"), ("note", "str | UnsetType", "UNSET", "keyword", "form")]),
]


@pytest.mark.parametrize("op, entries", SIGNATURES)
def test_signature_entries(op: dict[str, Any], entries: list[tuple[str, str, str | None, str, str]]) -> None:
    operation = _op(**op)
    assert [(e.name, e.annotation, e.default, e.kind, e.location) for e in operation.signature] == entries


@pytest.mark.parametrize("responses, kind, returns", [
    ({"204": {"description": ""}}, "none", "tuple[None, HTTPResponse]"),
    ({"201": json_response(ref("TaskRead"))}, "json", "tuple[TaskRead | None, HTTPResponse]"),
    ({"200": json_response({"type": "array", "items": ref("TaskRead")})}, "json",
     "tuple[list[TaskRead] | None, HTTPResponse]"),
    ({"200": json_response({})}, "json", "tuple[Any, HTTPResponse]"),
    ({"200": {"description": "", "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}},
     "binary", "tuple[bytes | None, HTTPResponse]"),
    ({"200": {"description": "", "content": {"text/csv": {"schema": {"type": "string"}}}}}, "text",
     "tuple[str | None, HTTPResponse]"),
    # several media types: JSON is what is decoded
    ({"200": {"description": "", "content": {"application/vnd.oai.openapi": {"schema": {}},
                                              "application/vnd.oai.openapi+json": {"schema": ref("TaskRead")}}}},
     "json", "tuple[TaskRead | None, HTTPResponse]"),
    # the first success with a body wins over a bodiless 202
    ({"202": {"description": ""}, "201": json_response(ref("RqId"))}, "json", "tuple[RqId | None, HTTPResponse]"),
])
def test_response_and_return_annotation(responses: dict[str, Any], kind: str, returns: str) -> None:
    operation = _op(responses=responses)
    assert operation.response_kind == kind
    assert operation.return_annotation == returns


@pytest.mark.parametrize("status, exception", [
    ("200", ""), ("202", ""), ("400", "ApiException"), ("401", "UnauthorizedException"),
    ("403", "ForbiddenException"), ("404", "NotFoundException"), ("409", "ApiException"),
    ("500", "ServiceException"), ("503", "ServiceException"), ("5XX", "ServiceException"),
    ("4XX", "ApiException"), ("default", "ApiException"),
])
def test_exception_per_status(status: str, exception: str) -> None:
    operation = _op(responses={status: {"description": ""}})
    (response,) = operation.responses
    assert response.exception == exception


def test_declared_errors_are_error_statuses_with_a_json_model() -> None:
    operation = _op(responses={"201": json_response(ref("TaskRead")), "409": json_response(ref("RqId")),
                               "400": {"description": ""}, "4XX": json_response(ref("RqId"))})
    assert [r.status for r in operation.declared_errors] == ["409"]


@pytest.mark.parametrize("types, chosen, request_types", [
    (("application/json", "multipart/form-data"), "dict", ("application/json", "multipart/form-data")),
    (("text/plain", "application/vnd.cvat+json"), "dict", ("text/plain", "application/vnd.cvat+json")),
    (("application/offset+octet-stream",), "binary", ("application/offset+octet-stream",)),
])
def test_body_media_types(types: tuple[str, ...], chosen: str, request_types: tuple[str, ...]) -> None:
    schemas = {"application/offset+octet-stream": {"type": "string", "format": "binary"},
               "text/plain": {"type": "string"}}
    content = {t: {"schema": schemas.get(t, {"type": "object", "additionalProperties": {"type": "integer"}})}
               for t in types}
    operation = _op(requestBody={"required": True, "content": content})
    assert operation.body is not None and operation.body.type.kind == chosen
    assert operation.request_content_types == request_types


@pytest.mark.parametrize("responses, accept", [
    ({"200": json_response(ref("TaskRead"))}, ("application/json",)),
    ({"200": {"description": "", "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}},
     ("*/*", "image/jpeg")),  # a file: every declared type and */*, never a 406
    ({"204": {"description": ""}}, ()),
])
def test_accept(responses: dict[str, Any], accept: tuple[str, ...]) -> None:
    assert _op(responses=responses).accept == accept


def test_method_named_list_shadows_the_builtin_in_annotations() -> None:
    """In a class with a method `list`, `list[X]` means the method for type checkers."""
    paths = {"/api/tasks": {
        "get": {"operationId": "tasks_list", "tags": ["tasks"],
                "parameters": [param("page", type="integer"), param("page_size", type="integer"),
                               param("ids", type="array", items={"type": "integer"})],
                "responses": {"200": json_response(ref("Paginated"))}},
        "post": {"operationId": "tasks_create_many", "tags": ["tasks"],
                 "requestBody": json_body({"type": "array", "items": ref("TaskWriteRequest")}),
                 "responses": {"200": json_response({"type": "array", "items": ref("TaskRead")})}},
    }}
    ops = {op.method_name: op for op in _ir(paths).operations}
    assert ops["create_many"].signature[0].annotation == "builtins.list[TaskWriteRequest | dict[str, Any]]"
    assert ops["create_many"].return_annotation == "tuple[builtins.list[TaskRead] | None, HTTPResponse]"
    assert ops["list"].signature[-1].annotation == "builtins.list[int] | UnsetType"
    assert (ops["list"].iterator_name, ops["list"].iterator_annotation) == ("list_iter", "Iterator[TaskRead]")
    assert ops["create_many"].iterator_name == ""


def test_untrusted_names_never_reach_annotations_raw() -> None:
    """A schema name with code in it becomes an identifier before it is in any annotation."""
    hostile = 'X"]; import os; os.system("x") #'
    paths = {"/api/x": {"post": {"operationId": "x_go", "tags": ["x"],
                                 "requestBody": json_body({"$ref": f"#/components/schemas/{hostile}"}),
                                 "responses": {"200": json_response({"$ref": f"#/components/schemas/{hostile}"})}}}}
    ir, _ = build_ir({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": paths,
                      "components": {"schemas": {hostile: {"type": "object", "properties": {"a": {"type": "integer"}}}}}},
                     "h", "p")
    (op,) = ir.operations
    texts = [e.annotation for e in op.signature] + [op.return_annotation]
    for text in texts:
        assert not any(c in text for c in '";#()'), text


def test_with_surface_recomputes_after_a_transform() -> None:
    """A transform plugin that changes a type calls plugin_api.with_surface; on an unchanged
    IR it is a no-op (the builder and it agree)."""
    import dataclasses

    from cvat_gen.ir import TypeRef
    from cvat_gen.plugin_api import with_surface

    ir = _ir({"/api/tasks/{id}": {"get": {
        "operationId": "tasks_retrieve", "tags": ["tasks"], "parameters": [param("id", "path", True, type="integer")],
        "responses": {"200": json_response(ref("TaskRead")), "404": {"description": ""}}}}})
    assert with_surface(ir) == ir
    (api,) = ir.apis
    (op,) = api.operations
    changed = dataclasses.replace(op, params=(dataclasses.replace(op.params[0], type=TypeRef("str")),),
                                  method_name="fetch")
    ir2 = with_surface(dataclasses.replace(ir, apis=(dataclasses.replace(api, operations=(changed,)),)))
    (new,) = ir2.operations
    assert [(e.name, e.annotation) for e in new.signature] == [("id", "str")]
    assert [r.exception for r in new.responses] == ["", "NotFoundException"]
