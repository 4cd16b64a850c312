"""`cvat-gen ir` shows what users get: signatures, return annotations, the exception class per
status, field annotations and inline enum member names, for a real schema; and those are the
texts the generated SDK has."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import ROOT, built_sdk, schema_path


@pytest.fixture(scope="module")
def ir_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "cvat_gen", "ir", "-s", str(schema_path("2.70.0"))],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path_factory.mktemp("ir"))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _operation(ir: dict[str, Any], attr: str, method: str) -> dict[str, Any]:
    api = next(a for a in ir["apis"] if a["attr_name"] == attr)
    return next(o for o in api["operations"] if o["method_name"] == method)


def test_tasks_create_signature_and_return(ir_json: dict[str, Any]) -> None:
    op = _operation(ir_json, "tasks_api", "create")
    body = op["signature"][0]
    assert body == {"name": "task_write_request", "annotation": "TaskWriteRequest | dict[str, Any]",
                    "default": None, "kind": "positional", "location": "body"}
    keywords = {e["name"]: e for e in op["signature"] if e["kind"] == "keyword"}
    assert keywords["org"]["annotation"] == "str | UnsetType" and keywords["org"]["default"] == "UNSET"
    assert keywords["x_organization"]["annotation"] == "str | None | UnsetType"
    assert op["return_annotation"] == "tuple[TaskRead | None, HTTPResponse]"
    assert [(r["status"], r["exception"]) for r in op["responses"]] == [("201", "")]


def test_tasks_list_page_iterator(ir_json: dict[str, Any]) -> None:
    op = _operation(ir_json, "tasks_api", "list")
    assert (op["iterator_name"], op["iterator_annotation"]) == ("list_iter", "Iterator[TaskRead]")
    assert op["return_annotation"] == "tuple[PaginatedTaskReadList | None, HTTPResponse]"


def _runtime_exceptions() -> Any:
    spec = importlib.util.spec_from_file_location("_ir_cli_exceptions", ROOT / "plugins/runtime/files/exceptions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_exception_per_status_is_what_the_runtime_raises(ir_json: dict[str, Any]) -> None:
    """Every declared error status of every operation names the class the SDK raises."""
    exceptions = _runtime_exceptions()
    seen: dict[str, str] = {}
    for api in ir_json["apis"]:
        for op in api["operations"]:
            for response in op["responses"]:
                status = response["status"]
                if status.startswith("2"):
                    assert response["exception"] == ""
                elif status.isdigit():
                    assert response["exception"] == exceptions.exception_for_status(int(status)).__name__, status
                    seen[status] = response["exception"]
    assert seen.get("404") == "NotFoundException" and seen.get("400") == "ApiException"
    assert _operation(ir_json, "analytics_api", "get_reports")["responses"][-1]["exception"] == "NotFoundException"


def test_fields_show_annotations_and_enum_members(ir_json: dict[str, Any]) -> None:
    task = next(m for m in ir_json["models"] if m["name"] == "TaskRead")
    fields = {f["py_name"]: f for f in task["fields"]}
    assert fields["id"]["annotation"] == "int | UnsetType" and fields["id"]["py_default"] == "UNSET"
    assert fields["target_storage"]["annotation"].startswith("JobReadTargetStorage")
    conflict = next(m for m in ir_json["models"] if m["name"] == "AnnotationConflict")
    severity = next(f for f in conflict["fields"] if f["py_name"] == "severity")
    assert {"name": "WARNING", "value": "warning"} in severity["enum_members"]


def test_the_generated_sdk_has_the_irs_texts(ir_json: dict[str, Any]) -> None:
    """The apis plugin lays out the IR's signature: each annotation appears as written."""
    out = built_sdk("2.70.0")
    source = (out / "cvat_sdk" / "api_client" / "api" / "tasks_api.py").read_text()
    op = _operation(ir_json, "tasks_api", "create")
    for entry in op["signature"]:
        default = f" = {entry['default']}" if entry["default"] else ""
        assert f"{entry['name']}: {entry['annotation']}{default}" in source, entry
    assert f"-> {op['return_annotation']}:" in source
