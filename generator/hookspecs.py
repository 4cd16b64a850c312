"""The hooks that cvat-gen plugins implement.

A plugin is a module or object with functions named after these hooks and decorated with
`cvat_gen.plugin_api.hookimpl`. The built-in features (runtime, models, apis, docs, schema patches,
versioned endpoints) are plugins registered through the same entry-point group,
`cvat_gen.plugins`, as third-party ones.

Hooks run in plugin order (see `cvat-gen plugins`). Chained hooks (`cvatgen_transform_ir`)
receive what the previous plugin returned. Every argument is optional in an
implementation: pluggy passes only the names the implementation asks for.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .context import BuildContext, OutputFile, PatchReport
    from .ir import IR

PROJECT = "cvatgen"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def cvatgen_configure(context: BuildContext) -> None:
    """Called once before anything is loaded. Read `context.config.options`, check settings.

    Report problems with `context.diagnostics.error(...)`; the build stops after this hook
    when any were reported.
    """


@hookspec
def cvatgen_patch_schema(schema: dict[str, Any], context: BuildContext) -> None:
    """Change the raw schema (a JSON-like dict) in place, before validation and the IR.

    Runs in plugin order. This is where overlays fix what the server underspecifies.
    Report a patch that no longer applies with `context.diagnostics`.
    """


@hookspec
def cvatgen_describe_patches(schema: dict[str, Any], context: BuildContext) -> list[PatchReport]:
    """Describe the patches this plugin would apply to `schema`, without applying them.

    `cvat-gen patches` prints the reports of every plugin.
    """


@hookspec
def cvatgen_transform_ir(ir: IR, context: BuildContext) -> IR | None:
    """Return a changed copy of the IR (it is immutable: use `dataclasses.replace`), or None.

    Chained: each plugin receives what the previous one returned.
    """


@hookspec
def cvatgen_template_dirs(context: BuildContext) -> list[Path]:
    """Folders with this plugin's jinja2 templates. User template dirs come before all of them."""


@hookspec
def cvatgen_emit_files(ir: IR, context: BuildContext) -> Iterable[OutputFile] | None:
    """Return the files this plugin contributes to the output.

    Paths are relative to the output root; use `context.package_path` for files inside the
    package. Two plugins emitting the same path is a build error.
    """


@hookspec
def cvatgen_finalize(files: list[OutputFile], ir: IR, context: BuildContext) -> None:
    """See every file before formatting and writing (for example, to add an index).

    May append to `files`; must not change the content of files other plugins emitted.
    """
