"""The public API for cvat-gen plugins: everything a plugin may import, in one place.

Plugins, built-in or third-party, import from this module alone. What is here is stable
across minor releases; everything else under `cvat_gen` is internal and may change. The
built-in plugins are held to the same rule (a test reads their imports).
"""

from __future__ import annotations

from .context import BuildContext, OutputFile, PatchAction, PatchReport
from .errors import BuildError, Diagnostic, DiagnosticSink, json_pointer
from .hookspecs import hookimpl
from .ir import (
    IR, Api, EnumDef, EnumMember, Field, ModelDef, Operation, Parameter, RequestBody, Response,
    SecurityScheme, SignatureEntry, TypeRef,
)
from .ir_build.surface import with_surface
from .naming import enum_member_name, py_literal
from .plugin_options import PluginOption
from .overlay import Overlay, apply_overlay, describe, load_overlay, sort_overlays
from .render import layout_brackets, markdown_cell

__all__ = [
    "IR", "Api", "BuildContext", "BuildError", "Diagnostic", "DiagnosticSink", "EnumDef", "EnumMember",
    "Field", "ModelDef", "Operation", "OutputFile", "Overlay", "Parameter", "PatchAction", "PluginOption", "PatchReport",
    "RequestBody", "Response", "SecurityScheme", "SignatureEntry", "TypeRef", "apply_overlay", "describe",
    "enum_member_name", "hookimpl", "json_pointer", "layout_brackets", "load_overlay", "markdown_cell", "py_literal",
    "sort_overlays", "with_surface",
]
