"""Every HTTP-API rule of `cvat-gen diff`, triggered by a small fixture pair.

Each case is (old schema, new schema) that differ in one way; the API-level comparer must
report exactly that rule id, nothing else. tests/unit/test_diff_sdk_rules.py does the same
for the Python-surface rules. A rule without a case fails `test_every_rule_has_a_case`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from cvat_gen.diff.api import compare_api
from cvat_gen.diff.rules import FAMILY_SUFFIXES, RULES, SCHEMA_CONTEXTS

Doc = dict[str, Any]
Pair = tuple[Doc, Doc]


def make_doc(paths: dict[str, Any] | None = None, schemas: dict[str, Any] | None = None,
             schemes: dict[str, Any] | None = None, security: list[Any] | None = None) -> Doc:
    doc: Doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1.0.0"}, "paths": paths or {},
                "components": {"schemas": schemas or {}, "securitySchemes": schemes or {"basicAuth": {"type": "http", "scheme": "basic"}}}}
    if security is not None:
        doc["security"] = security
    return doc


def op(op_id: str = "items_list", **extra: Any) -> dict[str, Any]:
    return {"operationId": op_id, "tags": ["items"], "responses": {"200": {"description": "ok"}}, **extra}


def one(operation: dict[str, Any], path: str = "/items", method: str = "get", **kw: Any) -> Doc:
    return make_doc({path: {method: operation}}, **kw)


def param(name: str = "p", required: bool = False, schema: Any = None, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema or {"type": "string"}, **extra}


def body(schema: Any, required: bool = True, media: tuple[str, ...] = ("application/json",)) -> dict[str, Any]:
    return {"required": required, "content": {m: {"schema": schema} for m in media}}


def response(schema: Any, status: str = "200", media: tuple[str, ...] = ("application/json",)) -> dict[str, Any]:
    return {status: {"description": "ok", "content": {m: {"schema": schema} for m in media}}}


def obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    return schema


# --- schema families: one change of a schema, placed in each context ---------------------------
SUFFIX_CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "type-changed": ({"type": "string"}, {"type": "integer"}),
    "format-changed": ({"type": "string"}, {"type": "string", "format": "date-time"}),
    "enum-value-removed": ({"type": "string", "enum": ["a", "b"]}, {"type": "string", "enum": ["a"]}),
    "enum-value-added": ({"type": "string", "enum": ["a"]}, {"type": "string", "enum": ["a", "b"]}),
    "became-nullable": ({"type": "string"}, {"type": "string", "nullable": True}),
    "became-non-nullable": ({"type": "string", "nullable": True}, {"type": "string"}),
    "default-changed": ({"type": "integer", "default": 1}, {"type": "integer", "default": 2}),
    "max-decreased": ({"type": "integer", "maximum": 10}, {"type": "integer", "maximum": 5}),
    "max-increased": ({"type": "string", "maxLength": 5}, {"type": "string"}),
    "min-increased": ({"type": "array", "items": {"type": "string"}},
                      {"type": "array", "items": {"type": "string"}, "minItems": 1}),
    "min-decreased": ({"type": "integer", "minimum": 2}, {"type": "integer", "minimum": 1}),
    "pattern-changed": ({"type": "string", "pattern": "^a"}, {"type": "string", "pattern": "^b"}),
    "variant-added": ({"oneOf": [{"type": "string"}]}, {"oneOf": [{"type": "string"}, {"type": "integer"}]}),
    "variant-removed": ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, {"oneOf": [{"type": "string"}]}),
}


def place(context: str, schema: dict[str, Any]) -> Doc:
    if context == "request-parameter":
        return one(op(parameters=[param(schema=schema)]))
    if context == "request-body":
        return one(op(requestBody=body(schema)), method="post")
    if context == "request-property":
        return one(op(requestBody=body(obj({"p": schema}))), method="post")
    if context == "response-body":
        return one(op(responses=response(schema)))
    assert context == "response-property"
    return one(op(responses=response(obj({"p": schema}))))


def family_cases() -> dict[str, Callable[[], Pair]]:
    cases: dict[str, Callable[[], Pair]] = {}
    for context in SCHEMA_CONTEXTS:
        for suffix, (a, b) in SUFFIX_CASES.items():
            cases[f"{context}-{suffix}"] = (lambda c=context, x=a, y=b: (place(c, copy.deepcopy(x)), place(c, copy.deepcopy(y))))
    return cases


# --- structural rules ------------------------------------------------------------------------
def _ops(*ops: tuple[str, str, dict[str, Any]]) -> Doc:
    paths: dict[str, Any] = {}
    for path, method, operation in ops:
        paths.setdefault(path, {})[method] = operation
    return make_doc(paths)


BASE = ("/items", "get", op())
OTHER = ("/other", "get", op("other_list"))
TWO_SCHEMES = {"basicAuth": {"type": "http", "scheme": "basic"}, "tokenAuth": {"type": "apiKey", "in": "header", "name": "Authorization"}}
NEW_OBJ_PROPS = {"a": {"type": "string"}, "b": {"type": "string"}}

STRUCTURAL: dict[str, Callable[[], Pair]] = {
    "api-added": lambda: (_ops(BASE), _ops(BASE, OTHER)),
    "api-removed-without-deprecation": lambda: (_ops(BASE, OTHER), _ops(BASE)),
    "api-removed-after-deprecation": lambda: (_ops(BASE, ("/other", "get", op("other_list", deprecated=True))), _ops(BASE)),
    "api-replaced-without-deprecation": lambda: (_ops(BASE), _ops(("/v2/items", "get", op("items_list_v2")))),
    "api-replaced-after-deprecation": lambda: (_ops(("/items", "get", op(deprecated=True))),
                                               _ops(("/v2/items", "get", op("items_list_v2")))),
    "api-deprecated": lambda: (_ops(BASE), _ops(("/items", "get", op(deprecated=True)))),
    "api-reactivated": lambda: (_ops(("/items", "get", op(deprecated=True))), _ops(BASE)),
    "api-operation-id-changed": lambda: (_ops(BASE), _ops(("/items", "get", op("items_index")))),
    "api-path-changed": lambda: (_ops(BASE), _ops(("/things", "get", op()))),
    "api-tag-changed": lambda: (_ops(BASE), _ops(("/items", "get", {**op(), "tags": ["things"]}))),
    "api-security-scheme-removed": lambda: (one(op(security=[{"basicAuth": []}, {"tokenAuth": []}]), schemes=TWO_SCHEMES),
                                            one(op(security=[{"basicAuth": []}]), schemes=TWO_SCHEMES)),
    "api-security-scheme-added": lambda: (one(op(security=[{"basicAuth": []}]), schemes=TWO_SCHEMES),
                                          one(op(security=[{"basicAuth": []}, {"tokenAuth": []}]), schemes=TWO_SCHEMES)),
    "api-authentication-became-required": lambda: (one(op(security=[{"basicAuth": []}, {}])), one(op(security=[{"basicAuth": []}]))),
    "api-authentication-became-optional": lambda: (one(op(security=[{"basicAuth": []}])), one(op(security=[{"basicAuth": []}, {}]))),
    "security-scheme-removed": lambda: (one(op(security=[{"basicAuth": []}]), schemes=TWO_SCHEMES), one(op(security=[{"basicAuth": []}]))),
    "security-scheme-added": lambda: (one(op(security=[{"basicAuth": []}])), one(op(security=[{"basicAuth": []}]), schemes=TWO_SCHEMES)),
    "security-scheme-changed": lambda: (one(op()), one(op(), schemes={"basicAuth": {"type": "http", "scheme": "bearer"}})),
    "new-required-request-parameter": lambda: (one(op()), one(op(parameters=[param(required=True)]))),
    "new-optional-request-parameter": lambda: (one(op()), one(op(parameters=[param()]))),
    "request-parameter-removed": lambda: (one(op(parameters=[param()])), one(op())),
    "request-parameter-removed-after-deprecation": lambda: (one(op(parameters=[param(deprecated=True)])), one(op())),
    "request-parameter-became-required": lambda: (one(op(parameters=[param()])), one(op(parameters=[param(required=True)]))),
    "request-parameter-became-optional": lambda: (one(op(parameters=[param(required=True)])), one(op(parameters=[param()]))),
    "request-parameter-deprecated": lambda: (one(op(parameters=[param()])), one(op(parameters=[param(deprecated=True)]))),
    "new-required-request-body": lambda: (one(op(), method="post"), one(op(requestBody=body(obj(NEW_OBJ_PROPS))), method="post")),
    "new-optional-request-body": lambda: (one(op(), method="post"),
                                          one(op(requestBody=body(obj(NEW_OBJ_PROPS), required=False)), method="post")),
    "request-body-removed": lambda: (one(op(requestBody=body(obj(NEW_OBJ_PROPS))), method="post"), one(op(), method="post")),
    "request-body-became-required": lambda: (one(op(requestBody=body(obj(NEW_OBJ_PROPS), required=False)), method="post"),
                                             one(op(requestBody=body(obj(NEW_OBJ_PROPS))), method="post")),
    "request-body-became-optional": lambda: (one(op(requestBody=body(obj(NEW_OBJ_PROPS))), method="post"),
                                             one(op(requestBody=body(obj(NEW_OBJ_PROPS), required=False)), method="post")),
    "request-body-media-type-removed": lambda: (
        one(op(requestBody=body(obj(NEW_OBJ_PROPS), media=("application/json", "multipart/form-data"))), method="post"),
        one(op(requestBody=body(obj(NEW_OBJ_PROPS))), method="post")),
    "request-body-media-type-added": lambda: (
        one(op(requestBody=body(obj(NEW_OBJ_PROPS))), method="post"),
        one(op(requestBody=body(obj(NEW_OBJ_PROPS), media=("application/json", "multipart/form-data"))), method="post")),
    "request-property-removed": lambda: (one(op(requestBody=body(obj(NEW_OBJ_PROPS))), method="post"),
                                         one(op(requestBody=body(obj({"a": {"type": "string"}}))), method="post")),
    "new-required-request-property": lambda: (one(op(requestBody=body(obj({"a": {"type": "string"}}))), method="post"),
                                              one(op(requestBody=body(obj(NEW_OBJ_PROPS, ("b",)))), method="post")),
    "new-optional-request-property": lambda: (one(op(requestBody=body(obj({"a": {"type": "string"}}))), method="post"),
                                              one(op(requestBody=body(obj(NEW_OBJ_PROPS))), method="post")),
    "request-property-became-required": lambda: (one(op(requestBody=body(obj(NEW_OBJ_PROPS))), method="post"),
                                                 one(op(requestBody=body(obj(NEW_OBJ_PROPS, ("a",)))), method="post")),
    "request-property-became-optional": lambda: (one(op(requestBody=body(obj(NEW_OBJ_PROPS, ("a",)))), method="post"),
                                                 one(op(requestBody=body(obj(NEW_OBJ_PROPS))), method="post")),
    "request-property-deprecated": lambda: (
        one(op(requestBody=body(obj(NEW_OBJ_PROPS))), method="post"),
        one(op(requestBody=body(obj({**NEW_OBJ_PROPS, "a": {"type": "string", "deprecated": True}}))), method="post")),
    "response-success-status-removed": lambda: (one(op(responses={"200": {"description": "ok"}, "201": {"description": "ok"}})),
                                                one(op())),
    "response-success-status-added": lambda: (one(op()), one(op(responses={"200": {"description": "ok"}, "201": {"description": "ok"}}))),
    "response-non-success-status-removed": lambda: (one(op(responses={"200": {"description": "ok"}, "404": {"description": "no"}})),
                                                    one(op())),
    "response-non-success-status-added": lambda: (one(op()), one(op(responses={"200": {"description": "ok"}, "404": {"description": "no"}}))),
    "response-media-type-removed": lambda: (one(op(responses=response(obj(NEW_OBJ_PROPS), media=("application/json", "text/csv")))),
                                            one(op(responses=response(obj(NEW_OBJ_PROPS))))),
    "response-media-type-added": lambda: (one(op(responses=response(obj(NEW_OBJ_PROPS)))),
                                          one(op(responses=response(obj(NEW_OBJ_PROPS), media=("application/json", "text/csv"))))),
    "response-body-removed": lambda: (one(op(responses=response(obj(NEW_OBJ_PROPS)))), one(op())),
    "response-body-added": lambda: (one(op()), one(op(responses=response(obj(NEW_OBJ_PROPS))))),
    "response-required-property-removed": lambda: (one(op(responses=response(obj(NEW_OBJ_PROPS, ("b",))))),
                                                   one(op(responses=response(obj({"a": {"type": "string"}}))))),
    "response-optional-property-removed": lambda: (one(op(responses=response(obj(NEW_OBJ_PROPS)))),
                                                   one(op(responses=response(obj({"a": {"type": "string"}}))))),
    "response-property-added": lambda: (one(op(responses=response(obj({"a": {"type": "string"}})))),
                                        one(op(responses=response(obj(NEW_OBJ_PROPS))))),
    "response-required-property-added": lambda: (one(op(responses=response(obj({"a": {"type": "string"}})))),
                                                 one(op(responses=response(obj(NEW_OBJ_PROPS, ("b",)))))),
    "response-property-became-optional": lambda: (one(op(responses=response(obj(NEW_OBJ_PROPS, ("a",))))),
                                                  one(op(responses=response(obj(NEW_OBJ_PROPS))))),
    "response-property-became-required": lambda: (one(op(responses=response(obj(NEW_OBJ_PROPS)))),
                                                  one(op(responses=response(obj(NEW_OBJ_PROPS, ("a",)))))),
    "response-property-deprecated": lambda: (
        one(op(responses=response(obj(NEW_OBJ_PROPS)))),
        one(op(responses=response(obj({**NEW_OBJ_PROPS, "a": {"type": "string", "deprecated": True}}))))),
}

CASES: dict[str, Callable[[], Pair]] = {**STRUCTURAL, **family_cases()}
API_RULES = sorted(r.id for r in RULES.values() if r.scope == "api")


def ids(old: Doc, new: Doc) -> list[str]:
    return sorted(f.id for f in compare_api(old, new))


def test_every_rule_has_a_case() -> None:
    assert sorted(CASES) == API_RULES
    assert len(RULES) >= 60


@pytest.mark.parametrize("rule_id", API_RULES)
def test_rule_is_triggered_alone(rule_id: str) -> None:
    old, new = CASES[rule_id]()
    assert ids(old, old) == [] and ids(new, new) == []
    assert ids(old, new) == [rule_id]


def test_families_cover_each_suffix_in_each_context() -> None:
    assert set(SUFFIX_CASES) == set(FAMILY_SUFFIXES)


def test_component_change_is_reported_once_for_every_operation() -> None:
    schemas_old = {"Item": obj({"a": {"type": "string"}}, ("a",))}
    schemas_new = {"Item": obj({"b": {"type": "string"}})}
    ref = {"$ref": "#/components/schemas/Item"}
    paths = {f"/p{i}": {"get": op(f"items_get{i}", responses=response(ref))} for i in range(3)}
    findings = compare_api(make_doc(paths, schemas_old), make_doc(copy.deepcopy(paths), schemas_new))
    assert sorted((f.id, f.pointer) for f in findings) == [
        ("response-property-added", "/components/schemas/Item/properties/b"),
        ("response-required-property-removed", "/components/schemas/Item/properties/a"),
    ]
    assert all(f.operations == ("items_get0", "items_get1", "items_get2") for f in findings)


def test_renamed_path_variable_is_no_change_and_cycles_terminate() -> None:
    node = {"type": "object", "properties": {"child": {"$ref": "#/components/schemas/Node"}}}
    a = make_doc({"/items/{id}": {"get": op(parameters=[{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                                            responses=response({"$ref": "#/components/schemas/Node"}))}}, {"Node": node})
    b = copy.deepcopy(a)
    b["paths"] = {"/items/{item_id}": {"get": op(parameters=[{"name": "item_id", "in": "path", "required": True,
                                                                 "schema": {"type": "integer"}}],
                                                 responses=response({"$ref": "#/components/schemas/Node"}))}}
    assert ids(a, b) == []
    b["components"]["schemas"]["Node"]["properties"]["extra"] = {"type": "string"}
    assert ids(a, b) == ["response-property-added"]


def test_a_union_narrowed_to_one_of_its_members_is_one_removal() -> None:
    """`oneOf: [A, B]` (nullable) -> `A`: B removed, null refused, A itself compared."""
    schemas = {"A": obj({"a": {"type": "string"}}), "B": obj({"b": {"type": "string"}}),
               "U": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}], "nullable": True}}
    old = make_doc({"/items": {"post": op(requestBody=body({"$ref": "#/components/schemas/U"}))}}, schemas)
    new_schemas = {**schemas, "A": obj({"a": {"type": "string"}, "c": {"type": "string"}})}
    new = make_doc({"/items": {"post": op(requestBody=body({"$ref": "#/components/schemas/A"}))}}, new_schemas)
    found = sorted((f.id, f.message) for f in compare_api(old, new))
    assert found == [("new-optional-request-property", "new optional property c"),
                     ("request-body-became-non-nullable", "null is no longer allowed"),
                     ("request-property-variant-removed", "alternative B removed")]


def test_nullable_wrapper_of_one_reference_is_that_reference() -> None:
    enum = {"Color": {"type": "string", "enum": ["red"]}, "NullEnum": {"enum": [None]}}
    wrapped = {"oneOf": [{"$ref": "#/components/schemas/Color"}, {"$ref": "#/components/schemas/NullEnum"}]}
    old = one(op(responses=response(obj({"c": {"$ref": "#/components/schemas/Color"}}))), schemas=enum)
    new = one(op(responses=response(obj({"c": wrapped}))), schemas=enum)
    assert ids(old, new) == ["response-property-became-nullable"]


def test_read_only_properties_are_not_part_of_requests() -> None:
    a = one(op(requestBody=body(obj({"a": {"type": "string"}}))), method="post")
    b = one(op(requestBody=body(obj({"a": {"type": "string"}, "id": {"type": "integer", "readOnly": True}}, ("id",)))),
            method="post")
    assert ids(a, b) == []


def test_removed_version_with_a_newer_one_already_there_is_a_replacement() -> None:
    old = _ops(("/items", "get", op(deprecated=True)), ("/v2/items", "get", op("items_list_v2")))
    (finding,) = compare_api(old, _ops(("/v2/items", "get", op("items_list_v2"))))
    assert finding.id == "api-replaced-after-deprecation" and "items_list_v2" in finding.message


def test_replacement_names_both_operations() -> None:
    old, new = CASES["api-replaced-without-deprecation"]()
    (finding,) = compare_api(old, new)
    assert "items_list" in finding.message and "items_list_v2" in finding.message
    assert finding.level == "ERR"
    old, new = CASES["api-replaced-after-deprecation"]()
    assert compare_api(old, new)[0].level == "WARN"
