"""An example cvat-gen plugin.

* `CVATGEN_OPTIONS` declares its options; users set them in `[tool.cvat-gen.plugins.example]`
  or with `--plugin-option example.file_name=...`, and hooks read them from `context.options`.
* `cvatgen_transform_ir` returns a changed copy of the IR (here: a note in `IR.extras`).
* `cvatgen_emit_files` adds `<package path>/_endpoints.json`: every operation of the SDK.

Hook implementations are plain functions named after the hooks in `cvat_gen.hookspecs`;
the `hookimpl` marker is optional, and each may ask for only the arguments it needs.
"""

from __future__ import annotations

import dataclasses
import json

from cvat_gen.plugin_api import IR, BuildContext, OutputFile, PluginOption, hookimpl

# runs after the built-in plugins (10..60); the default for third-party plugins is 100
CVATGEN_ORDER = 100

CVATGEN_OPTIONS = {
    "file_name": PluginOption(str, "_endpoints.json", "name of the index file, inside the package"),
    "include_deprecated": PluginOption(bool, True, "list deprecated operations too"),
}


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
        if context.options["include_deprecated"] or not op.deprecated
    ]
    document = {
        "generator": context.header,
        "ir_extras": dict(ir.extras),
        "endpoints": endpoints,
    }
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=True) + "\n"
    return [OutputFile(f"{context.package_path}/{context.options['file_name']}", text)]
