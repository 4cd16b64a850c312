"""After `cvatgen_transform_ir` hooks, the pipeline recomputes what users see (signatures,
annotations, iterator names) from the IR the transforms returned: a transform changes names
and types, and the texts follow without the plugin having to know about them."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

from cvat_gen.config import BuildConfig
from cvat_gen.hookspecs import hookimpl
from cvat_gen.ir import IR
from cvat_gen.pipeline import run_build

GOLDEN_SCHEMA = Path(__file__).resolve().parents[1] / "golden" / "fixture.yaml"


def _renaming_plugin() -> object:
    @hookimpl
    def cvatgen_transform_ir(ir: IR) -> IR:
        apis = []
        for api in ir.apis:
            operations = tuple(dataclasses.replace(op, method_name="list_all") if op.method_name == "list" else op
                               for op in api.operations)
            apis.append(dataclasses.replace(api, operations=operations))
        return dataclasses.replace(ir, apis=tuple(apis))

    return SimpleNamespace(cvatgen_transform_ir=cvatgen_transform_ir)


def test_a_renamed_method_gets_its_signature_recomputed(tmp_path: Path) -> None:
    config = BuildConfig(schema=str(GOLDEN_SCHEMA), output=tmp_path / "out", cache_dir=tmp_path / "cache")
    plain = run_build(config)
    assert plain.ir is not None
    listed = next(op for api in plain.ir.apis for op in api.operations if op.method_name == "list")
    # in a class with a method named `list`, `list[...]` would mean the method: builtins it is
    assert any(entry.annotation.startswith("builtins.list[") for entry in listed.signature)

    renamed = run_build(dataclasses.replace(config, output=tmp_path / "renamed"),
                        extra_plugins=[("renamer", _renaming_plugin())])
    assert renamed.ir is not None
    op = next(op for api in renamed.ir.apis for op in api.operations if op.method_name == "list_all")
    annotations = [entry.annotation for entry in op.signature]
    assert not any("builtins." in text for text in annotations), "the surface was not recomputed"
    assert any(text.startswith("list[int]") for text in annotations)
    tasks = next(data.decode() for path, data in renamed.files.items() if path.endswith("/api/tasks_api.py"))
    assert "def list_all(" in tasks and "builtins.list[" not in tasks
