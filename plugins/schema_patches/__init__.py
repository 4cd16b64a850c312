"""Built-in plugin: fix what the CVAT schema says wrong or leaves out, with OpenAPI Overlays.

The shipped overlays live in `overlays/*.yaml` beside this file and are applied in their
declared order (`info.x-cvat-gen.order`, then file name). The user's overlays
(`[tool.cvat-gen] overlays = [...]`) come after them, in the order given. Each action says
in its `description` which server behaviour it encodes and which releases it was checked
against, and in its `x-cvat-gen` mapping when it applies (edition, releases, the operation
existing, the body still missing), so that it is skipped, with a reason, on the releases it
is not for. See `generator/overlay.py` and `generator/overlay_conditions.py` for the format.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cvat_gen.plugin_api import BuildError
from cvat_gen.plugin_api import hookimpl

# Patches run first: every later stage must see the corrected schema.
CVATGEN_ORDER = 10

if TYPE_CHECKING:
    from cvat_gen.plugin_api import BuildContext, PatchReport
    from cvat_gen.plugin_api import Overlay

OVERLAY_DIR = Path(__file__).parent / "overlays"


def shipped_overlay_paths() -> list[Path]:
    return sorted(p for p in OVERLAY_DIR.iterdir() if p.suffix in (".yaml", ".yml", ".json"))


def load_shipped_overlays() -> list[Overlay]:
    """The overlays shipped with cvat-gen, in the order they are applied."""
    from cvat_gen.plugin_api import load_overlay, sort_overlays

    return sort_overlays(load_overlay(path) for path in shipped_overlay_paths())


def _load_all(context: BuildContext) -> list[tuple[Overlay, bool]]:
    """(overlay, shipped?) pairs: shipped overlays (sorted), then the user's (as listed).
    Load errors go to diagnostics."""
    from cvat_gen.plugin_api import load_overlay, sort_overlays

    def load(path: str | Path) -> Overlay:
        # the parsed files are cached (keyed by their bytes): a rebuild neither imports nor runs yaml
        return load_overlay(path, context.config.cache_root)

    shipped: list[Overlay] = []
    for path in shipped_overlay_paths():
        try:
            shipped.append(load(path))
        except BuildError as exc:
            context.diagnostics.items.extend(exc.diagnostics)
    overlays = [(overlay, True) for overlay in sort_overlays(shipped)]
    for user_path in context.config.overlays:
        try:
            overlays.append((load(user_path), False))
        except BuildError as exc:
            context.diagnostics.items.extend(exc.diagnostics)
    return overlays


def stale_mode(shipped: bool, context: BuildContext) -> str:
    """A shipped patch never stops a build: each of its actions states when it applies, and
    one that still goes stale (a server release we have not seen) is a warning. The user's
    overlays keep the configured mode (an error by default)."""
    return "warning" if shipped else context.config.stale_patches


@hookimpl
def cvatgen_patch_schema(schema: dict[str, Any], context: BuildContext) -> None:
    from cvat_gen.plugin_api import apply_overlay

    for overlay, shipped in _load_all(context):
        apply_overlay(schema, overlay, context.diagnostics, stale=stale_mode(shipped, context))  # type: ignore[arg-type]


@hookimpl
def cvatgen_describe_patches(schema: dict[str, Any], context: BuildContext) -> list[PatchReport]:
    """Reports in application order; each overlay is described against the schema as the
    overlays before it leave it, as in a real build."""
    from cvat_gen.plugin_api import apply_overlay, describe

    import copy

    scratch = copy.deepcopy(schema)
    reports = []
    for overlay, _ in _load_all(context):
        reports.append(describe(scratch, overlay))
        apply_overlay(scratch, overlay, type(context.diagnostics)(), stale="warning")
    return reports
