"""One source for the call options and media-type rules: the generator and the generated SDK
use the same objects (plugins/runtime/files/call_rules.py), and the rules behave as
cvat-sdk 2.70.0's do for `*/*` and DELETE."""

from __future__ import annotations

import ast
import importlib
import sys
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cvat_gen import build_ir as build_ir_module
from cvat_gen.build_ir import build_ir
from cvat_gen.ir_build import operations, rules
from cvat_gen.plugins.runtime import FILES, RUNTIME_MODULES

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "plugins" / "runtime" / "files"


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    """The runtime modules as a generated package holds them (a copy, imported by name)."""
    pkg = tmp_path_factory.mktemp("rules") / "rules_rt"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name in RUNTIME_MODULES:
        (pkg / name).write_bytes((FILES / name).read_bytes())
    sys.path.insert(0, str(pkg.parent))
    try:
        return {name: importlib.import_module(f"rules_rt.{name}")
                for name in ("call_rules", "endpoint", "rest", "options")}
    finally:
        sys.path.remove(str(pkg.parent))


def test_the_generator_imports_the_runtime_file() -> None:
    """The generator's rules are the objects of the very file the runtime plugin copies."""
    source = Path(sys.modules[rules.is_json_media.__module__].__file__ or "")
    assert source.resolve() == (RUNTIME / "call_rules.py").resolve()
    assert "call_rules.py" in RUNTIME_MODULES
    assert build_ir_module.CONTROL_KWARGS is rules.ALL_CONTROL_KWARGS
    assert operations.is_json_media is rules.is_json_media and operations.admits_json is rules.admits_json


def test_the_runtime_modules_define_no_rules_of_their_own(runtime: dict[str, ModuleType]) -> None:
    """endpoint.py and rest.py use call_rules' objects; they and api_client.py (which
    re-exports endpoint's) define none of those names again."""
    rules_rt = runtime["call_rules"]
    endpoint, rest = runtime["endpoint"], runtime["rest"]
    assert endpoint.CONTROL_KWARGS is rules_rt.CONTROL_KWARGS
    assert endpoint._CONTROL is rules_rt.ALL_CONTROL_KWARGS
    assert endpoint._select_accept is rules_rt.select_accept
    assert endpoint._select_content_type is rules_rt.select_content_type
    assert rest.BODY_METHODS is rules_rt.BODY_METHODS
    for name in ("endpoint.py", "rest.py", "api_client.py"):
        tree = ast.parse((RUNTIME / name).read_text())
        assigned = {t.id for node in ast.walk(tree) if isinstance(node, (ast.Assign, ast.AnnAssign))
                    for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                    if isinstance(t, ast.Name)}
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert not assigned & {"CONTROL_KWARGS", "EXTRA_CONTROL_KWARGS", "BODY_METHODS", "_BODY_METHODS"}, name
        assert not defined & {"_is_json", "is_json_media", "_select_accept", "_select_content_type"}, name


def test_call_options_typed_dict_lists_every_control_kwarg(runtime: dict[str, ModuleType]) -> None:
    """The TypedDict that types `**kwargs` must be static for type checkers, so it can't be
    built from the tuple; it must name exactly the same options."""
    hints = typing.get_type_hints(runtime["options"].CallOptions)
    assert set(hints) == set(runtime["call_rules"].ALL_CONTROL_KWARGS)


@pytest.mark.parametrize("media, json_media, admits", [
    ("application/json", True, True),
    ("Application/JSON; charset=utf-8", True, True),
    ("application/vnd.cvat+json", True, True),
    ("*/*", False, True),
    (" */* ; q=0.5", False, True),
    ("text/plain", False, False),
    ("application/octet-stream", False, False),
    ("multipart/form-data", False, False),
])
def test_json_media(media: str, json_media: bool, admits: bool) -> None:
    assert rules.is_json_media(media) is json_media
    assert rules.admits_json(media) is admits


@pytest.mark.parametrize("declared, chosen", [
    ((), None),
    (("*/*",), "application/json"),
    (("text/plain", "*/*"), "application/json"),
    (("multipart/form-data", "application/json"), "application/json"),
    (("multipart/form-data",), "multipart/form-data"),
    (("application/offset+octet-stream",), "application/offset+octet-stream"),
])
def test_content_type_is_cvat_sdks(declared: tuple[str, ...], chosen: str | None) -> None:
    """cvat-sdk 2.70.0 ApiClient.select_header_content_type: `*/*` is sent as JSON."""
    assert rules.select_content_type(declared) == chosen


@pytest.mark.parametrize("declared, accept", [
    ((), None),
    (("application/json",), "application/json"),
    (("application/json", "application/vnd.cvat+json"), "application/json"),
    (("*/*", "application/json"), "*/*, application/json"),  # `*/*` is not JSON: a file may come
    (("*/*", "image/jpeg"), "*/*, image/jpeg"),
])
def test_accept(declared: tuple[str, ...], accept: str | None) -> None:
    assert rules.select_accept(declared) == accept


def test_body_methods() -> None:
    assert "DELETE" in rules.BODY_METHODS and "DELETE" not in rules.DEFAULT_CONTENT_TYPE_METHODS
    assert not {"GET", "HEAD"} & rules.BODY_METHODS
    assert rules.DEFAULT_CONTENT_TYPE_METHODS < rules.BODY_METHODS


# ---------------------------------------------------------------------------------------
# the generator side of the same rules

def _doc(method: str, body_types: dict[str, Any] | None = None, responses: dict[str, Any] | None = None
         ) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": "things_act", "tags": ["things"],
                          "responses": responses or {"204": {"description": ""}}}
    if body_types is not None:
        op["requestBody"] = {"required": True, "content": {t: {"schema": s} for t, s in body_types.items()}}
    return {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {"/things": {method: op}},
            "components": {"schemas": {}}}


OBJ = {"type": "object", "additionalProperties": {"type": "integer"}}


@pytest.mark.parametrize("method, has_body, warned", [
    ("delete", True, False), ("post", True, False), ("patch", True, False),
    ("get", False, True), ("head", False, True),
])
def test_which_methods_take_a_body(method: str, has_body: bool, warned: bool) -> None:
    ir, sink = build_ir(_doc(method, {"application/json": OBJ}), "h", "p")
    op = ir.operations[0]
    assert (op.body is not None) is has_body
    assert [e.location for e in op.signature] == (["body"] if has_body else [])
    assert any("carries no body" in d.message for d in sink.items) is warned


@pytest.mark.parametrize("schema, kind", [
    (OBJ, "json"),
    ({"type": "string", "format": "binary"}, "binary"),
])
def test_a_star_response_is_json_unless_a_file(schema: dict[str, Any], kind: str) -> None:
    ir, _ = build_ir(_doc("get", responses={"200": {"description": "", "content": {"*/*": {"schema": schema}}}}),
                     "h", "p")
    assert ir.operations[0].response_kind == kind


def test_a_star_body_is_sent_as_json() -> None:
    """`*/*` admits JSON: its schema is the body's (not text/plain's, declared first)."""
    ir, _ = build_ir(_doc("post", {"text/plain": {"type": "string"}, "*/*": OBJ}), "h", "p")
    body = ir.operations[0].body
    assert body is not None and body.type.kind == "dict"
    assert rules.select_content_type(body.content_types) == "application/json"


@pytest.mark.parametrize("name", sorted(rules.ALL_CONTROL_KWARGS))
def test_no_parameter_takes_a_control_kwarg_name(name: str) -> None:
    doc = _doc("get")
    doc["paths"]["/things"]["get"]["parameters"] = [{"name": name, "in": "query", "schema": {"type": "string"}}]
    ir, _ = build_ir(doc, "h", "p")
    (param,) = ir.operations[0].params
    assert param.wire_name == name and param.py_name not in rules.ALL_CONTROL_KWARGS


@pytest.mark.parametrize("module", ["cvat_gen.plugin_api", "cvat_gen.plugins.runtime", "cvat_gen.ir_build.surface",
                                    "cvat_gen.ir_build.rules", "cvat_gen.build_ir"])
def test_imports_in_any_order(module: str) -> None:
    """The generator imports a file of the runtime plugin, whose package imports the plugin
    API: each of them must import first, in a fresh interpreter, without a cycle."""
    import subprocess

    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True,
                            timeout=120, cwd="/")
    assert result.returncode == 0, result.stderr
