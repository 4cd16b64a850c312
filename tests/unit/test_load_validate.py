"""Bad input gets one located line, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cvat_gen.errors import BuildError
from cvat_gen.load import load_schema
from cvat_gen.validate import validate_document


def write(tmp_path: Path, text: str, name: str = "s.json") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_bad_json_is_located(tmp_path: Path) -> None:
    with pytest.raises(BuildError) as info:
        load_schema(write(tmp_path, '{"openapi": "3.0.3",\n "info": }'))
    assert "line 2" in str(info.value)


def test_bad_yaml_is_located(tmp_path: Path) -> None:
    with pytest.raises(BuildError) as info:
        load_schema(write(tmp_path, "openapi: 3.0.3\ninfo: [unclosed\n", "s.yaml"))
    assert "invalid YAML" in str(info.value)


@pytest.mark.parametrize("text", ["", "[]", "42", '"x"'])
def test_not_an_object(tmp_path: Path, text: str) -> None:
    with pytest.raises(BuildError):
        load_schema(write(tmp_path, text))


def test_missing_file_and_bad_url() -> None:
    with pytest.raises(BuildError, match="not found"):
        load_schema("/no/such/schema.json")
    with pytest.raises(BuildError, match="cannot fetch"):
        load_schema("http://127.0.0.1:9/api/schema/")
    with pytest.raises(BuildError, match="only file paths"):
        load_schema("ftp://example/schema.json")


def test_yaml_dates_stay_strings(tmp_path: Path) -> None:
    loaded = load_schema(write(tmp_path, "openapi: 3.0.3\ninfo: {title: t, version: 2024-01-01}\npaths: {}\n", "s.yml"))
    assert loaded.document["info"]["version"] == "2024-01-01"


def minimal() -> dict:
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}


def test_missing_paths() -> None:
    doc = minimal()
    del doc["paths"]
    with pytest.raises(BuildError) as info:
        validate_document(doc)
    assert "#/paths" in str(info.value)


def test_unresolvable_ref_is_located() -> None:
    doc = minimal()
    doc["paths"] = {"/a": {"get": {"responses": {"200": {"description": "", "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}}}}}}}
    with pytest.raises(BuildError) as info:
        validate_document(doc)
    assert "#/paths/~1a/get/responses/200/content/application~1json/schema/$ref" in str(info.value)
    assert "unresolvable reference" in str(info.value)


def test_spec_errors_are_located() -> None:
    doc = minimal()
    doc["paths"] = {"/a": {"get": {"parameters": [{"name": "x", "in": "body"}], "responses": {}}}}
    with pytest.raises(BuildError) as info:
        validate_document(doc)
    assert "#/paths/~1a/get/parameters/0" in str(info.value)


def test_real_schema_is_valid() -> None:
    doc = json.loads((Path(__file__).resolve().parents[3] / "shared/schemas/cvat-2.70.0.json").read_text())
    sink = validate_document(doc)
    assert not sink.errors


def test_bad_default_warnings_carry_their_pointer() -> None:
    """The spec validator reports a default that breaks its schema with no location; each
    warning must still name the schema that declares it (two equal schemas, two pointers)."""
    doc = minimal()
    prop = {"type": "string", "minLength": 1, "default": ""}
    doc["components"] = {"schemas": {"A": {"type": "object", "properties": {"url": dict(prop), "x/y": dict(prop)}}}}
    sink = validate_document(doc)
    lines = sorted(d.format() for d in sink.warnings)
    assert lines == [
        "warning: schema#/components/schemas/A/properties/url: "
        "a default value does not satisfy its schema: '' should be non-empty",
        "warning: schema#/components/schemas/A/properties/x~1y: "
        "a default value does not satisfy its schema: '' should be non-empty",
    ]


@pytest.mark.parametrize("path", sorted((Path(__file__).resolve().parents[3] / "shared/schemas").rglob("cvat-*.*")),
                         ids=lambda p: p.name)
def test_real_schema_warnings_are_located(path: Path) -> None:
    sink = validate_document(load_schema(str(path)).document)
    assert not sink.errors
    for warning in sink.warnings:
        assert warning.pointer.startswith("/"), warning.format()
