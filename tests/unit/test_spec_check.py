"""The fast verdict (`cvat_gen.spec_check`) against openapi-spec-validator, the reference.

The build trusts the fast verdict when it says "valid", so what matters is one direction:
whenever openapi-spec-validator reports an error, the fast path must not call the schema
valid. And when it does call it valid, its warnings (bad defaults) must be exactly the
reference's. Checked on every shared schema (raw and patched), on a table of hand-made
breakages, and on random mutations (hypothesis).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvat_gen.errors import DiagnosticSink
from cvat_gen.spec_check import fast_verdict
from cvat_gen.validate import check_spec, spec_diagnostics
from tests.conftest import SCHEMA_IDS, load_document


def reference(document: dict[str, Any]) -> tuple[list[str], list[str]]:
    sink = DiagnosticSink()
    check_spec(copy.deepcopy(document), sink)
    return [d.format() for d in sink.errors], [d.format() for d in sink.warnings]


def same_warnings(ours: list[Any], expected: list[str]) -> bool:
    """Equal messages; our pointer may fill in one the reference could not find."""
    if len(ours) != len(expected):
        return False
    for diagnostic, text in zip(ours, expected):
        if diagnostic.format() != text and text != f"warning: schema: {diagnostic.message}":
            return False
    return True


def assert_agrees(document: dict[str, Any]) -> None:
    errors, warnings = reference(document)
    verdict = fast_verdict(copy.deepcopy(document))
    if errors:
        assert not verdict.valid, f"fast path calls valid what the reference rejects: {errors[:3]}"
    elif verdict.valid:
        assert same_warnings(verdict.warnings, warnings)


@pytest.mark.parametrize("schema_id", SCHEMA_IDS)
def test_every_shared_schema_gets_the_reference_verdict(schema_id: str) -> None:
    """Raw, as the server serves it: valid, with the same default-value warnings."""
    document = load_document(schema_id)
    errors, warnings = reference(document)
    untouched = copy.deepcopy(document)
    verdict = fast_verdict(document)
    assert document == untouched, "the fast path must not change the document (no metaschema defaults)"
    assert not errors
    assert verdict.valid, verdict.reason
    assert same_warnings(verdict.warnings, warnings)


def base() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "tags": [{"name": "tasks"}],
        "paths": {
            "/api/tasks/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "get": {
                    "operationId": "tasks_retrieve",
                    "tags": ["tasks"],
                    "parameters": [{"name": "org", "in": "query", "schema": {"type": "string", "default": "x"}}],
                    "responses": {"200": {"description": "", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Task"}}}}},
                },
                "patch": {
                    "operationId": "tasks_partial_update",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Task"}}}},
                    "responses": {"200": {"description": ""}},
                },
            },
        },
        "components": {"schemas": {
            "Task": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "maxLength": 10, "default": "task"},
                "size": {"type": "integer", "format": "int32", "minimum": 0, "default": 1},
                "mode": {"type": "string", "enum": ["a", "b"], "default": "a"},
                "tags": {"type": "array", "items": {"type": "string"}, "default": []},
                "owner": {"allOf": [{"$ref": "#/components/schemas/User"}], "nullable": True},
            }},
            "User": {"type": "object", "properties": {"id": {"type": "integer", "readOnly": True}}},
        }},
    }


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    node = document
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return document


def _delete(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    node = document
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return document


TASK = ("components", "schemas", "Task")
GET = ("paths", "/api/tasks/{id}", "get")
BREAKAGES: dict[str, Any] = {
    "unknown type": lambda d: _set(d, (*TASK, "properties", "name", "type"), "strnig"),
    "duplicate parameter": lambda d: _set(d, (*GET, "parameters"), [
        {"name": "org", "in": "query", "schema": {"type": "string"}}] * 2),
    "schema is a string": lambda d: _set(d, (*TASK, "properties", "size"), "integer"),
    "bad response code": lambda d: _set(d, (*GET, "responses"), {"2000": {"description": ""}}),
    "operation keyword misspelt": lambda d: _set(d, (*GET, "respones"), {}),
    "duplicate tag": lambda d: _set(d, ("tags",), [{"name": "tasks"}, {"name": "tasks"}]),
    "parameter without 'in'": lambda d: _delete(d, (*GET, "parameters", 0, "in")),
    "minimum is a string": lambda d: _set(d, (*TASK, "properties", "size", "minimum"), "0"),
}
DEFAULTS: dict[str, Any] = {  # warnings, not errors: the reference's exact messages
    "too long": lambda d: _set(d, (*TASK, "properties", "name", "default"), "a much too long name"),
    "not in enum": lambda d: _set(d, (*TASK, "properties", "mode", "default"), "c"),
    "below minimum": lambda d: _set(d, (*TASK, "properties", "size", "default"), -1),
    "wrong type": lambda d: _set(d, (*TASK, "properties", "tags", "default"), "x"),
    "int32 overflow": lambda d: _set(d, (*TASK, "properties", "size", "default"), 2**40),
    "parameter default": lambda d: _set(d, (*GET, "parameters", 0, "schema", "default"), 5),
}


def test_the_base_document_is_valid_and_quiet() -> None:
    assert reference(base()) == ([], [])
    verdict = fast_verdict(base())
    assert verdict.valid and verdict.warnings == []


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_breakages_are_never_called_valid(name: str) -> None:
    document = BREAKAGES[name](base())
    errors, _ = reference(document)
    assert errors, f"the breakage {name!r} must be one the reference rejects"
    assert not fast_verdict(copy.deepcopy(document)).valid
    # and the build reports the reference's own messages
    assert [d.format() for d in spec_diagnostics(copy.deepcopy(document)) if d.severity == "error"] == errors


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_bad_defaults_are_the_same_warnings(name: str) -> None:
    document = DEFAULTS[name](base())
    errors, warnings = reference(document)
    assert not errors and warnings
    verdict = fast_verdict(copy.deepcopy(document))
    assert verdict.valid, verdict.reason
    assert same_warnings(verdict.warnings, warnings)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 2**33), st.sampled_from(["", "x", "integer", "#/nowhere", "{id}"]),
    st.just({}), st.just([]), st.just({"type": "string"}), st.just({"$ref": "#/components/schemas/User"}),
).map(copy.deepcopy)  # a fresh object each draw: later mutations must not reach the strategy's own


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_mutations_never_pass_what_the_reference_rejects(data: st.DataObject) -> None:
    document = base()
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(document)
        path = data.draw(st.sampled_from(paths))
        if data.draw(st.booleans()) and len(path) > 1:
            try:
                _delete(document, path)
            except (KeyError, IndexError, TypeError):
                pass
        else:
            try:
                _set(document, path, data.draw(VALUES))
            except (KeyError, IndexError, TypeError):
                pass
    json.dumps(document)  # stays a JSON document
    from cvat_gen.validate import check_local

    sink = DiagnosticSink()
    try:
        check_local(document, sink)  # the build runs these first; spec validation sees only sound refs
    except Exception:
        return
    assert_agrees(document)


def _bad_defaults_document(with_ref: bool = False) -> dict[str, Any]:
    """A valid document with one default that breaks its schema (and, `with_ref`, one whose
    schema reaches another through `$ref`)."""
    schema: dict[str, Any] = {"type": "integer", "default": "seven"}
    components: dict[str, Any] = {"schemas": {"Thing": {"type": "object", "properties": {"n": schema}}}}
    if with_ref:
        components["schemas"]["Count"] = {"type": "integer"}
        components["schemas"]["Thing"]["properties"]["m"] = {"allOf": [{"$ref": "#/components/schemas/Count"}],
                                                               "default": "eight"}
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "components": components}


def test_the_words_for_bad_defaults_are_remembered(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference validator words them once; later builds read the words from the cache
    folder, without importing it (about 0.2 s)."""
    from cvat_gen import spec_check
    from cvat_gen.spec_check import DefaultMessages

    first = fast_verdict(_bad_defaults_document(), DefaultMessages(tmp_path))
    assert first.valid and [w.message for w in first.warnings]
    assert list((tmp_path / "spec-check").glob("default-messages-*.json"))

    def fail(*args: Any) -> list[str]:
        raise AssertionError("worded again")

    monkeypatch.setattr(spec_check, "_default_messages", fail)
    again = fast_verdict(_bad_defaults_document(), DefaultMessages(tmp_path))
    assert [w.format() for w in again.warnings] == [w.format() for w in first.warnings]
    assert DefaultMessages(tmp_path).empty is False
    # a schema holding a $ref is worded afresh each time: its words depend on the document
    document = _bad_defaults_document(with_ref=True)
    with pytest.raises(AssertionError, match="worded again"):
        DefaultMessages(tmp_path).messages(document["components"]["schemas"]["Thing"]["properties"]["m"],
                                           "eight", document)


def test_a_broken_memory_of_words_is_ignored(tmp_path: Any) -> None:
    from cvat_gen.spec_check import DefaultMessages

    expected = [w.format() for w in fast_verdict(_bad_defaults_document()).warnings]
    fast_verdict(_bad_defaults_document(), DefaultMessages(tmp_path))
    (memory,) = (tmp_path / "spec-check").glob("default-messages-*.json")
    for broken in ("{not json", '["a list"]', '{"key": [1, 2]}'):
        memory.write_text(broken, encoding="utf-8")
        assert [w.format() for w in fast_verdict(_bad_defaults_document(), DefaultMessages(tmp_path)).warnings] \
            == expected
