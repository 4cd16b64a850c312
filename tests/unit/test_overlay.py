"""The OpenAPI Overlay 1.0 engine (generator/overlay.py), on small inline documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cvat_gen.errors import BuildError, DiagnosticSink
from cvat_gen.overlay import (
    VersionRange,
    apply_overlay,
    describe,
    load_overlay,
    parse_overlay,
    sort_overlays,
)


def make_schema(version: str = "2.65.0 (2.0)") -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "CVAT REST API", "version": version},
        "paths": {
            "/api/tasks/{id}/data/": {
                "get": {
                    "operationId": "tasks_retrieve_data",
                    "tags": ["tasks"],
                    "parameters": [{"in": "path", "name": "id", "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "Data"}},
                },
            },
            "/api/tasks": {
                "get": {"operationId": "tasks_list", "tags": ["tasks"], "responses": {"200": {"description": ""}}},
                "post": {"operationId": "tasks_create", "tags": ["tasks"], "responses": {"201": {"description": ""}}},
            },
            "/api/jobs": {
                "get": {"operationId": "jobs_list", "tags": ["jobs"], "deprecated": True,
                        "responses": {"200": {"description": ""}}},
            },
        },
        "components": {"schemas": {"Status": {"type": "string", "enum": ["a", "b"]}}},
    }


def overlay(*actions: dict[str, Any], **info_ext: Any) -> Any:
    info: dict[str, Any] = {"title": "test overlay", "version": "1.0.0"}
    if info_ext:
        info["x-cvat-gen"] = {k.replace("_", "-"): v for k, v in info_ext.items()}
    return parse_overlay({"overlay": "1.0.0", "info": info, "actions": list(actions)}, "test.yaml")


def run(schema: dict[str, Any], ov: Any, stale: str = "error") -> tuple[list[Any], DiagnosticSink]:
    sink = DiagnosticSink()
    results = apply_overlay(schema, ov, sink, stale=stale)  # type: ignore[arg-type]
    return results, sink


# --- update ---------------------------------------------------------------------------------


def test_update_merges_objects_recursively() -> None:
    schema = make_schema()
    ov = overlay({
        "target": "$.paths['/api/tasks/{id}/data/'].get",
        "description": "declare the body",
        "update": {
            "summary": "Get data",
            "responses": {"200": {"content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}},
        },
    })
    results, sink = run(schema, ov)
    op = schema["paths"]["/api/tasks/{id}/data/"]["get"]
    assert not sink.items
    assert results[0].applied and results[0].matches == 1
    assert op["summary"] == "Get data"
    assert op["operationId"] == "tasks_retrieve_data"  # untouched keys stay
    assert op["responses"]["200"]["description"] == "Data"  # merged, not replaced
    assert op["responses"]["200"]["content"]["image/jpeg"]["schema"]["format"] == "binary"


def test_update_replaces_primitives_and_concatenates_nested_arrays() -> None:
    schema = make_schema()
    ov = overlay({
        "target": "$.paths['/api/tasks/{id}/data/'].get",
        "update": {"operationId": "renamed", "tags": ["data"]},
    })
    run(schema, ov)
    op = schema["paths"]["/api/tasks/{id}/data/"]["get"]
    assert op["operationId"] == "renamed"
    assert op["tags"] == ["tasks", "data"]


def test_update_on_array_target_appends_items_of_an_array_value() -> None:
    schema = make_schema()
    ov = overlay({
        "target": "$.components.schemas.Status.enum",
        "update": ["c", "d"],
    })
    run(schema, ov)
    assert schema["components"]["schemas"]["Status"]["enum"] == ["a", "b", "c", "d"]


def test_update_on_array_target_appends_a_single_value() -> None:
    schema = make_schema()
    param = {"in": "query", "name": "q", "schema": {"type": "string"}}
    run(schema, overlay({"target": "$.paths.*.get.parameters", "update": param}))
    params = schema["paths"]["/api/tasks/{id}/data/"]["get"]["parameters"]
    assert params[-1] == param
    # a copy: changing the overlay's value later must not change the schema
    param["name"] = "changed"
    assert params[-1]["name"] == "q"


def test_update_values_are_copied_for_every_match() -> None:
    schema = make_schema()
    run(schema, overlay({"target": "$.paths.*.get", "update": {"x-extra": {"a": 1}}}))
    a = schema["paths"]["/api/tasks"]["get"]["x-extra"]
    b = schema["paths"]["/api/jobs"]["get"]["x-extra"]
    assert a == b == {"a": 1}
    assert a is not b


def test_update_on_a_primitive_target_is_an_error() -> None:
    schema = make_schema()
    results, sink = run(schema, overlay({
        "target": "$.paths['/api/tasks'].get.operationId",
        "description": "wrong target",
        "update": {"x": 1},
    }))
    assert not results[0].applied
    assert len(sink.errors) == 1
    error = sink.errors[0]
    assert error.source == "test.yaml"
    assert error.pointer == "/actions/0"
    assert "a string" in error.message and "operationId" in error.message


def test_update_with_a_non_object_value_on_an_object_is_an_error() -> None:
    schema = make_schema()
    _, sink = run(schema, overlay({"target": "$.paths['/api/tasks']", "update": "text"}))
    assert sink.errors and sink.errors[0].pointer == "/actions/0/update"


def test_update_on_the_root() -> None:
    schema = make_schema()
    run(schema, overlay({"target": "$", "update": {"x-root": True, "info": {"x-patched": 1}}}))
    assert schema["x-root"] is True
    assert schema["info"]["x-patched"] == 1 and schema["info"]["title"] == "CVAT REST API"


# --- remove ---------------------------------------------------------------------------------


def test_remove_object_member() -> None:
    schema = make_schema()
    results, sink = run(schema, overlay({"target": "$.paths['/api/jobs']", "remove": True}))
    assert "/api/jobs" not in schema["paths"]
    assert results[0].kind == "remove" and results[0].applied and not sink.items


def test_remove_several_array_items_keeps_the_right_ones() -> None:
    schema = make_schema()
    schema["components"]["schemas"]["Status"]["enum"] = ["a", "b", "c", "d", "e"]
    results, _ = run(schema, overlay({
        "target": "$.components.schemas.Status.enum[?@ == 'b' || @ == 'd']",
        "remove": True,
    }))
    assert results[0].matches == 2
    assert schema["components"]["schemas"]["Status"]["enum"] == ["a", "c", "e"]


def test_remove_nested_matches_together() -> None:
    schema = make_schema()
    # `$..responses` and its descendants: removing the deeper ones first must not fail
    run(schema, overlay({"target": "$.paths..responses", "remove": True}))
    for item in schema["paths"].values():
        for op in item.values():
            assert "responses" not in op


def test_remove_wins_over_update() -> None:
    schema = make_schema()
    run(schema, overlay({"target": "$.paths['/api/jobs']", "remove": True, "update": {"x": 1}}))
    assert "/api/jobs" not in schema["paths"]


def test_remove_root_is_an_error() -> None:
    schema = make_schema()
    _, sink = run(schema, overlay({"target": "$", "remove": True}))
    assert sink.errors


def test_actions_apply_in_order_each_to_the_previous_result() -> None:
    schema = make_schema()
    ov = overlay(
        {"target": "$.paths['/api/jobs']", "remove": True},
        {"target": "$.paths", "update": {"/api/jobs": {"get": {"operationId": "jobs_list_v2", "responses": {}}}}},
        {"target": "$.paths['/api/jobs'].get", "update": {"summary": "added"}},
    )
    results, sink = run(schema, ov)
    assert not sink.items
    assert [r.applied for r in results] == [True, True, True]
    assert schema["paths"]["/api/jobs"] == {"get": {"operationId": "jobs_list_v2", "responses": {}, "summary": "added"}}


# --- JSONPath ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("$.paths['/api/tasks/{id}/data/'].get", 1),
        ('$.paths["/api/tasks"].*', 2),
        ("$.paths.*.*", 4),
        ("$.paths.*.get.parameters[0]", 1),
        ("$.paths.*[?@.operationId == 'tasks_create']", 1),
        ("$.paths.*[?@.tags[0] == 'tasks' && @.operationId != 'tasks_list']", 2),
        ("$.paths.*[?@.deprecated == true || @.operationId == 'tasks_list']", 2),
        ("$.paths.*[?@.deprecated]", 1),
        ("$..operationId", 4),
        ("$..[?@.operationId == 'jobs_list']", 1),
        ("$.paths.*.*.responses['200','201']", 4),
        ("$.components.schemas.Status.enum[-1]", 1),
    ],
)
def test_jsonpath_selectors(target: str, expected: int) -> None:
    report = describe(make_schema(), overlay({"target": target, "update": {}}))
    assert report.actions[0].matches == expected


def test_invalid_jsonpath_is_a_load_error() -> None:
    with pytest.raises(BuildError) as info:
        overlay({"target": "$.paths[", "update": {}})
    [diagnostic] = info.value.diagnostics
    assert diagnostic.pointer == "/actions/0/target"
    assert diagnostic.source == "test.yaml"
    assert "invalid JSONPath" in diagnostic.message


# --- stale actions ------------------------------------------------------------------------------


def test_stale_action_is_an_error_by_default() -> None:
    schema = make_schema()
    before = copy.deepcopy(schema)
    results, sink = run(schema, overlay(
        {"target": "$.paths['/api/tasks']", "update": {"x-ok": 1}},
        {"target": "$.paths['/api/gone'].get", "description": "fix the gone endpoint", "update": {"x": 1}},
    ))
    assert not results[1].applied and results[1].matches == 0
    [error] = sink.errors
    assert error.source == "test.yaml"
    assert error.pointer == "/actions/1"
    assert "action 1" in error.message
    assert "fix the gone endpoint" in error.message
    assert "$.paths['/api/gone'].get" in error.message
    assert "stale" in error.message
    assert schema["paths"]["/api/tasks"]["x-ok"] == 1
    assert schema["paths"].keys() == before["paths"].keys()


def test_stale_action_is_a_warning_on_request() -> None:
    _, sink = run(make_schema(), overlay({"target": "$.nothing", "remove": True}), stale="warning")
    assert not sink.errors
    assert len(sink.warnings) == 1 and "$.nothing" in sink.warnings[0].message


def test_optional_action_is_never_stale() -> None:
    ov = overlay({
        "target": "$[?@['/api/tasks'] && !@['/api/new']]",
        "update": {"/api/new": {}},
        "x-cvat-gen-optional": True,
    })
    schema = make_schema()
    results, sink = run(schema, ov)
    assert results[0].applied and "/api/new" in schema["paths"]
    results, sink = run(schema, ov)  # second time: the guard matches nothing
    assert not results[0].applied and not sink.items


def test_bad_stale_mode() -> None:
    with pytest.raises(ValueError):
        apply_overlay(make_schema(), overlay({"target": "$", "update": {}}), DiagnosticSink(), stale="ignore")  # type: ignore[arg-type]


# --- version ranges ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "version", "inside"),
    [
        (">=2.61,<2.70", "2.61.0 (2.0)", True),
        (">=2.61,<2.70", "2.69.9", True),
        (">=2.61,<2.70", "2.70.0 (2.0)", False),
        (">=2.61,<2.70", "2.60.3", False),
        (">2.65", "2.65.0", False),
        (">2.65", "2.65.1", True),
        ("<=2.65", "2.65.0", True),
        ("==2.65", "2.65.0", True),
        ("!=2.65", "2.65.0", False),
        ("", "anything", True),
        (" >= 2.61 , < 3 ", "v2.99", True),
    ],
)
def test_version_range(text: str, version: str, inside: bool) -> None:
    assert VersionRange.parse(text).contains(version) is inside


@pytest.mark.parametrize("text", ["2.61", ">=2.x", "~=2.6", ">=2.61;<2.70", ">="])
def test_bad_version_range(text: str) -> None:
    with pytest.raises(ValueError):
        VersionRange.parse(text)


def test_overlay_outside_its_range_is_skipped() -> None:
    ov = overlay({"target": "$.nothing", "remove": True}, server_versions=">=2.61,<2.65")
    schema = make_schema("2.65.0 (2.0)")
    before = copy.deepcopy(schema)
    results, sink = run(schema, ov)
    assert schema == before and not sink.items
    assert not results[0].applied and "outside" in results[0].note
    report = describe(schema, ov)
    assert report.in_range is False and report.version_range == ">=2.61,<2.65"


def test_overlay_inside_its_range_applies() -> None:
    ov = overlay({"target": "$.paths['/api/jobs']", "remove": True}, server_versions=">=2.61,<2.70")
    schema = make_schema("2.64.0 (2.0)")
    results, sink = run(schema, ov)
    assert results[0].applied and "/api/jobs" not in schema["paths"]


def test_action_version_range() -> None:
    ov = overlay(
        {"target": "$.nothing", "remove": True, "x-cvat-gen-server-versions": ">=2.66"},
        {"target": "$.paths['/api/jobs']", "remove": True, "x-cvat-gen-server-versions": "<2.66"},
    )
    schema = make_schema("2.65.0")
    results, sink = run(schema, ov)
    assert not sink.items
    assert not results[0].applied and "outside" in results[0].note
    assert results[1].applied


def test_unreadable_schema_version_with_a_range_is_an_error() -> None:
    ov = overlay({"target": "$", "update": {}}, server_versions=">=2.61")
    _, sink = run(make_schema("unknown"), ov)
    assert sink.errors and sink.errors[0].pointer == "/info/x-cvat-gen/server-versions"


def test_order_and_sorting() -> None:
    a = parse_overlay({"overlay": "1.0.0", "info": {"title": "a", "version": "1", "x-cvat-gen": {"order": 20}},
                       "actions": [{"target": "$", "update": {}}]}, "/x/a.yaml")
    b = parse_overlay({"overlay": "1.0.0", "info": {"title": "b", "version": "1", "x-cvat-gen": {"order": 10}},
                       "actions": [{"target": "$", "update": {}}]}, "/x/b.yaml")
    c = parse_overlay({"overlay": "1.0.0", "info": {"title": "c", "version": "1"},
                       "actions": [{"target": "$", "update": {}}]}, "/x/c.yaml")
    assert [o.title for o in sort_overlays([a, b, c])] == ["c", "b", "a"]


# --- describe -----------------------------------------------------------------------------------


def test_describe_does_not_mutate_and_follows_action_order() -> None:
    schema = make_schema()
    before = copy.deepcopy(schema)
    ov = overlay(
        {"target": "$.paths", "description": "add", "update": {"/api/new": {"get": {}}}},
        {"target": "$.paths['/api/new'].get", "description": "then change", "update": {"summary": "s"}},
        {"target": "$.paths['/api/gone']", "description": "stale one", "remove": True},
    )
    report = describe(schema, ov)
    assert schema == before
    assert report.source == "test.yaml" and report.title == "test overlay" and report.in_range
    assert [(a.description, a.kind, a.matches, a.applies) for a in report.actions] == [
        ("add", "update", 1, True),
        ("then change", "update", 1, True),
        ("stale one", "remove", 0, False),
    ]
    assert "stale" in report.actions[2].note


# --- loading -----------------------------------------------------------------------------------


GOOD_YAML = """\
overlay: 1.0.0
info:
  title: Example
  version: 1.0.0
  x-cvat-gen:
    server-versions: ">=2.61,<2.70"
    order: 5
extends: https://example.org/schema.yml
actions:
  - target: $.paths['/api/tasks/{id}/data/'].get.responses['200']
    description: the data is binary
    update:
      content:
        application/zip:
          schema: {type: string, format: binary}
      x-date: 2024-01-01
  - target: $.paths['/api/jobs']
    remove: true
"""


def test_load_yaml(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD_YAML)
    ov = load_overlay(path)
    assert ov.source == str(path)
    assert ov.title == "Example" and ov.version == "1.0.0" and ov.overlay == "1.0.0"
    assert ov.extends == "https://example.org/schema.yml"
    assert str(ov.server_versions) == ">=2.61,<2.70" and ov.order == 5
    assert [a.kind for a in ov.actions] == ["update", "remove"]
    assert ov.actions[0].update["x-date"] == "2024-01-01"  # dates stay strings: a schema is JSON
    schema = make_schema()
    results, sink = run(schema, ov)
    assert all(r.applied for r in results) and not sink.items
    json.dumps(schema)


def test_load_json(tmp_path: Path) -> None:
    path = tmp_path / "good.json"
    path.write_text(json.dumps({"overlay": "1.0.2", "info": {"title": "j", "version": "2"},
                                "actions": [{"target": "$.info", "update": {"x-a": 1}}]}))
    assert load_overlay(path).overlay == "1.0.2"


def _load_errors(tmp_path: Path, text: str, name: str = "bad.yaml") -> list[Any]:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(BuildError) as info:
        load_overlay(path)
    for diagnostic in info.value.diagnostics:
        assert diagnostic.source == str(path)
        assert diagnostic.severity == "error"
    return info.value.diagnostics


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    [d] = _load_errors(tmp_path, "overlay: 1.0.0\ninfo: [unclosed\n")
    assert "invalid YAML" in d.message and "line" in d.message


def test_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    [d] = _load_errors(tmp_path, '{"overlay": "1.0.0",\n "info": }', name="bad.json")
    assert "invalid JSON at line 2" in d.message


def test_duplicate_yaml_keys_are_an_error(tmp_path: Path) -> None:
    [d] = _load_errors(tmp_path, "overlay: 1.0.0\noverlay: 1.0.1\n")
    assert "duplicate key" in d.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BuildError) as info:
        load_overlay(tmp_path / "nope.yaml")
    assert "cannot read overlay" in info.value.diagnostics[0].message


@pytest.mark.parametrize(
    ("text", "pointer", "fragment"),
    [
        ("- a list\n", "", "must be a mapping"),
        ("info: {title: t, version: '1'}\nactions: [{target: $, remove: true}]\n", "", "'overlay'"),
        ("overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $, remove: true}]\n",
         "/overlay", "unsupported overlay version"),
        ("overlay: 1.0.0\nactions: [{target: $, remove: true}]\n", "", "'info'"),
        ("overlay: 1.0.0\ninfo: {title: t}\nactions: [{target: $, remove: true}]\n", "/info", "info.version"),
        ("overlay: 1.0.0\ninfo: {title: t, version: 1.5}\nactions: [{target: $, remove: true}]\n",
         "/info/version", "must be a string"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\n", "", "'actions'"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n", "/actions", "at least one"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: {}\n", "/actions", "must be a list"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{update: {}}]\n", "/actions/0", "no 'target'"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: paths}]\n",
         "/actions/0/target", "starting with '$'"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.a}]\n",
         "/actions/0", "neither 'update' nor 'remove"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.a, remove: 'yes'}]\n",
         "/actions/0/remove", "true or false"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.a, remove: true, copy: $.b}]\n",
         "/actions/0/copy", "unknown field"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.a, remove: true}]\nextra: 1\n",
         "/extra", "unknown field"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1', x-cvat-gen: {server-versions: '2.61'}}\n"
         "actions: [{target: $.a, remove: true}]\n", "/info/x-cvat-gen/server-versions", "bad version range"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1', x-cvat-gen: {order: first}}\n"
         "actions: [{target: $.a, remove: true}]\n", "/info/x-cvat-gen/order", "integer"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1', x-cvat-gen: {servers: '>1'}}\n"
         "actions: [{target: $.a, remove: true}]\n", "/info/x-cvat-gen", "unknown x-cvat-gen keys"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\n"
         "actions: [{target: $.a, remove: true, x-cvat-gen-server-versions: '>=x'}]\n",
         "/actions/0/x-cvat-gen-server-versions", "bad version range"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [3]\n", "/actions/0", "must be a mapping"),
    ],
)
def test_malformed_documents(tmp_path: Path, text: str, pointer: str, fragment: str) -> None:
    diagnostics = _load_errors(tmp_path, text)
    assert any(d.pointer == pointer and fragment in d.message for d in diagnostics), [
        d.format() for d in diagnostics
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    diagnostics = _load_errors(
        tmp_path,
        "overlay: 3\ninfo: {title: t}\nactions: [{target: x}, {target: '$[', update: {}}]\n",
    )
    pointers = {d.pointer for d in diagnostics}
    assert {"/overlay", "/info", "/actions/0/target", "/actions/1/target"} <= pointers


# --- preconditions (x-cvat-gen on an action) ------------------------------------------------

DATA_200 = "$.paths['/api/tasks/{id}/data/'].get.responses['200']"
BODY = {"content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}


def hosted(schema: dict[str, Any]) -> dict[str, Any]:
    schema["paths"]["/api/limits"] = {"get": {"operationId": "limits_list", "responses": {"200": {"description": ""}}}}
    return schema


@pytest.mark.parametrize(("editions", "make", "applied", "note"), [
    (["hosted"], make_schema, False, "skipped: hosted edition only"),
    (["hosted"], lambda: hosted(make_schema()), True, ""),
    (["open-source"], lambda: hosted(make_schema()), False, "skipped: open-source edition only"),
    (["open-source", "hosted"], make_schema, True, ""),
])
def test_editions_are_read_from_the_schema(editions: list[str], make: Any, applied: bool, note: str) -> None:
    schema = make()
    [result], sink = run(schema, overlay({"target": DATA_200, "update": BODY, "x-cvat-gen": {"editions": editions}}))
    assert not sink.items
    assert result.applied is applied and result.note.startswith(note)
    assert ("content" in schema["paths"]["/api/tasks/{id}/data/"]["get"]["responses"]["200"]) is applied


def test_exists_condition_skips_as_not_in_this_release() -> None:
    schema = make_schema()
    before = copy.deepcopy(schema)
    ov = overlay({"target": "$.paths['/api/gone'].get.responses['200']", "update": BODY,
                  "x-cvat-gen": {"when": {"exists": "$.paths['/api/gone'].get"}}})
    [result], sink = run(schema, ov, stale="error")  # strict: still no stale error, the reason is declared
    assert not sink.items and schema == before
    assert result.note.startswith("skipped: not in this release") and "/api/gone" in result.note


def test_server_versions_in_the_extension_skip_as_not_in_this_release() -> None:
    ov = overlay({"target": DATA_200, "update": BODY, "x-cvat-gen": {"server-versions": ">=2.66"}})
    [result], sink = run(make_schema("2.65.0"), ov)
    assert not sink.items and result.note.startswith("skipped: not in this release")
    [result], _ = run(make_schema("2.66.0"), ov)
    assert result.applied


def test_absent_relative_condition_skips_nodes_already_declared() -> None:
    schema = make_schema()
    schema["paths"]["/api/tasks"]["get"]["responses"]["200"]["content"] = {"application/json": {"schema": {}}}
    ov = overlay({"target": "$.paths.*.get.responses['200']", "update": BODY,
                  "x-cvat-gen": {"when": {"absent": "@.content"}}})
    [result], sink = run(schema, ov)
    assert not sink.items and result.applied and result.matches == 3
    assert list(schema["paths"]["/api/tasks"]["get"]["responses"]["200"]["content"]) == ["application/json"]
    assert "image/jpeg" in schema["paths"]["/api/jobs"]["get"]["responses"]["200"]["content"]
    # all nodes declared: the action is skipped with the reason
    [again], _ = run(schema, ov)
    assert not again.applied and again.note.startswith("skipped: already declared by the server")


def test_filter_on_the_node_itself() -> None:
    """Inside a relative query, `$` in a filter is the node: skip a property without a type."""
    schema = make_schema()
    props = {"typed": {"type": "object", "readOnly": True}, "any": {"readOnly": True}}
    schema["components"]["schemas"]["D"] = {"type": "object", "properties": props}
    ov = overlay({"target": "$.components.schemas.D.properties.*", "remove": True,
                  "x-cvat-gen": {"when": {"absent": "@[?!$.type]"}}})
    [result], sink = run(schema, ov)
    assert not sink.items and result.applied
    assert list(schema["components"]["schemas"]["D"]["properties"]) == ["any"]


@pytest.mark.parametrize(("stale", "severity"), [("warning", "warning"), ("error", "error")])
def test_unexpected_shape_is_reported_at_the_schema_node(stale: str, severity: str) -> None:
    schema = make_schema()
    ov = overlay({"target": "$.components.schemas.Status", "remove": True, "description": "drop a string",
                  "x-cvat-gen": {"when": {"expect": "@[?@ == 'integer']"}}})
    [result], sink = run(schema, ov, stale=stale)
    assert "Status" in schema["components"]["schemas"]  # left alone
    [diagnostic] = sink.items
    assert diagnostic.severity == severity
    assert diagnostic.format().startswith(f"{severity}: schema#/components/schemas/Status: unexpected shape")
    assert not result.applied and "unexpected shape at /components/schemas/Status" in result.note


@pytest.mark.parametrize(("ext", "pointer"), [
    ({"editions": ["cloud"]}, "/actions/0/x-cvat-gen/editions"),
    ({"when": {"exists": "paths"}}, "/actions/0/x-cvat-gen/when/exists"),
    ({"when": {"absent": ["@.a", "$["]}}, "/actions/0/x-cvat-gen/when/absent/1"),
    ({"when": {"sometimes": "$.a"}}, "/actions/0/x-cvat-gen/when/sometimes"),
    ({"when": "$.a"}, "/actions/0/x-cvat-gen/when"),
    ({"colour": "red"}, "/actions/0/x-cvat-gen/colour"),
    ({"server-versions": "soon"}, "/actions/0/x-cvat-gen/server-versions"),
    ("yes", "/actions/0/x-cvat-gen"),
])
def test_bad_preconditions_are_located_load_errors(ext: Any, pointer: str) -> None:
    with pytest.raises(BuildError) as info:
        overlay({"target": DATA_200, "update": BODY, "x-cvat-gen": ext})
    assert [d.pointer for d in info.value.diagnostics] == [pointer]


def test_describe_shows_the_skip_reason() -> None:
    ov = overlay({"target": DATA_200, "update": BODY, "x-cvat-gen": {"editions": ["hosted"]}})
    report = describe(make_schema(), ov)
    assert report.actions[0].note.startswith("skipped: hosted edition only")
