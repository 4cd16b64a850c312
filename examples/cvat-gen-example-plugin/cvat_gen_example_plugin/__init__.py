"""An example cvat-gen plugin.

* `cvatgen_configure` checks its option.
* `cvatgen_transform_ir` returns a changed copy of the IR (here: a note in `IR.extras`).
* `cvatgen_emit_files` adds `<package path>/_endpoints.json`: every operation of the SDK.

Hook implementations are plain functions named after the hooks in `cvat_gen.hookspecs`;
the `hookimpl` marker is optional, and each may ask for only the arguments it needs.
"""

from __future__ import annotations

import dataclasses
import json

from cvat_gen.plugin_api import BuildContext, OutputFile
from cvat_gen.plugin_api import hookimpl
from cvat_gen.plugin_api import IR

# runs after the built-in plugins (10..60); the default for third-party plugins is 100
CVATGEN_ORDER = 100


@hookimpl
def cvatgen_transform_ir(ir: IR) -> IR:
    return dataclasses.replace(ir, extras=(*ir.extras, ("endpoints_index", "1")))


@hookimpl
def cvatgen_emit_files(ir: IR, context: BuildContext) -> list[OutputFile]:
    endpoints = [
        {
            "api": api.class_name,
            "attr": api.attr_name,
            "method": op.method_name,
            "operation_id": op.operation_id,
            "http_method": op.http_method,
            "path": op.path,
            "deprecated": op.deprecated,
        }
        for api in ir.apis
        for op in api.operations
    ]
    document = {
        "generator": context.header,
        "ir_extras": dict(ir.extras),
        "endpoints": endpoints,
    }
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=True) + "\n"
    return [OutputFile(f"{context.package_path}/_endpoints.json", text)]
