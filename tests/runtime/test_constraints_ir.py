"""Schema constraints in the IR (build_ir.schema_constraints) and their cvat-sdk form."""

from __future__ import annotations

from typing import Any

import pytest

from cvat_gen.build_ir import schema_constraints
from cvat_gen.ir import validation_rules


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string", "minLength": 1, "maxLength": 64}, {"min_length": 1, "max_length": 64}),
        ({"type": "integer", "minimum": 0, "maximum": 2147483647},
         {"inclusive_minimum": 0, "inclusive_maximum": 2147483647}),
        # OpenAPI 3.0 booleans and 3.1 numbers both become an exclusive bound
        ({"type": "number", "minimum": 0, "exclusiveMinimum": True}, {"exclusive_minimum": 0}),
        ({"type": "number", "exclusiveMaximum": 1.5}, {"exclusive_maximum": 1.5}),
        ({"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}, {"regex": {"pattern": "^[-a-zA-Z0-9_]+$"}}),
        ({"type": "array", "maxItems": 3, "minItems": 1, "items": {"type": "string", "maxLength": 200}},
         {"max_items": 3, "min_items": 1, "items": {"max_length": 200}}),
        # malformed constraints are left out, never emitted
        ({"type": "string", "maxLength": -1, "minLength": True, "pattern": "(unclosed"}, {}),
        ({"type": "integer", "minimum": "0", "maximum": float("nan")}, {}),
        ({"type": "string", "pattern": 5}, {}),
        ("not a schema", {}),
    ],
)
def test_schema_constraints(schema: Any, expected: dict[str, Any]) -> None:
    assert validation_rules(schema_constraints(schema)) == expected


def test_constraints_are_hashable_and_ordered() -> None:
    constraints = schema_constraints({"maxLength": 5, "minLength": 1, "items": {"maxLength": 2}})
    hash(constraints)
    assert constraints == schema_constraints({"items": {"maxLength": 2}, "minLength": 1, "maxLength": 5})


def test_hostile_pattern_is_emitted_as_data(tmp_path: Any) -> None:
    """A pattern with quotes and backslashes ends up as a string literal, never as code."""
    import json

    from tests.conftest import build

    pattern = "^[\"'\\\\]+\"\"\"; import os; '''$"  # valid regex, full of quotes
    schema = {
        "openapi": "3.0.3", "info": {"title": "t", "version": "1.0"},
        "paths": {"/api/things": {"post": {
            "operationId": "things_create", "tags": ["things"],
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
            "responses": {"201": {"description": ""}}}}},
        "components": {"schemas": {"Thing": {"type": "object", "properties": {
            "name": {"type": "string", "pattern": pattern, "maxLength": 3}}}}},
    }
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema))
    build(path, tmp_path / "out", package="hostile_rt.api_client")
    source = (tmp_path / "out" / "hostile_rt" / "api_client" / "models" / "_models.py").read_text()
    import ast

    imported = {alias.name for node in ast.walk(ast.parse(source))
                if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    assert "os" not in imported
    from tests.conftest import import_generated

    sdk = import_generated(tmp_path / "out", "hostile_rt.api_client")
    assert sdk.models.Thing.validations == {("name",): {"max_length": 3, "regex": {"pattern": pattern}}}
