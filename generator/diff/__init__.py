"""`cvat-gen diff` and `cvat-gen changelog`: what changed between two schemas, for the people
who call the HTTP API (level a) and for the code that calls the generated SDK (level b).

Both schemas go through the build's own stages (load, patch with the same plugins and
overlays, IR), so the diff sees what the SDK would be built from. The prepared document and
IR of a schema are cached by the build fingerprint, so a diff of two releases that were seen
before takes well under a second.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import BuildConfig
from ..errors import Diagnostic
from ..ir import IR, EnumDef, ModelDef
from .api import Symbols, compare_api
from .model import Finding, Report
from .rules import LEVEL_RANK, LEVELS, RULES, Rule
from .sdk import compare_sdk

CACHE_FORMAT = 1
CACHE_ENTRIES = 48  # prepared schemas kept (about 0.5 MB each); the least recently used go first


@dataclass
class Side:
    """One schema, prepared as the build prepares it."""

    source: str
    document: dict[str, Any]
    ir: IR
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def version(self) -> str:
        """The server release the schema names ('2.70.0 (2.0)' -> '2.70.0')."""
        import re

        match = re.match(r"\d+(\.\d+){0,3}", self.ir.version.strip())
        return match.group(0) if match else self.ir.version.strip()


def _cache_file(config: BuildConfig, key: str) -> Path:
    return config.cache_root / "diff" / f"{key}.pickle"


def load_side(config: BuildConfig, use_cache: bool = True) -> Side:
    """Load, validate and patch a schema and build its IR, or take them from the cache.

    The cache key is the build fingerprint: the schema bytes, the configuration, and the code
    of the generator and of every plugin. The cache holds only what this process wrote."""
    from ..load import LoadedSchema, parse_document, read_source
    from ..pipeline import Build, fingerprint

    build = Build(config)
    raw = read_source(config.schema)
    key = fingerprint(LoadedSchema(config.schema, raw, {}), config, build.host)
    path = _cache_file(config, key)
    if use_cache:
        try:
            with path.open("rb") as handle:
                stored = pickle.load(handle)  # noqa: S301 - a file this code wrote, keyed by content hash
            if isinstance(stored, dict) and stored.get("format") == CACHE_FORMAT:
                os.utime(path)  # recently used: kept when the cache is pruned
                return Side(config.schema, stored["document"], stored["ir"], stored["warnings"])
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError, TypeError, ValueError):
            pass
    build._call("cvatgen_configure", context=build.context)
    build.context.diagnostics.raise_if_errors()
    loaded = LoadedSchema(config.schema, raw, parse_document(config.schema, raw))
    info: dict[str, Any] = loaded.document["info"] if isinstance(loaded.document.get("info"), dict) else {}
    build.context.schema_source = config.schema
    build.context.schema_hash = loaded.sha256
    build.context.schema_title = str(info.get("title", ""))
    build.context.schema_version = str(info.get("version", ""))
    document = build.prepare(loaded)
    ir = build.validated_ir(document)
    side = Side(config.schema, document, ir, list(build.context.diagnostics.warnings))
    if use_cache:
        _store(path, {"format": CACHE_FORMAT, "document": document, "ir": ir, "warnings": side.warnings})
    return side


def _store(path: Path, value: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
        entries = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in entries[CACHE_ENTRIES:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that can't be written only costs time


def symbols_for(*irs: IR) -> Symbols:
    """Python names of schema locations; later IRs win (the new one is passed last)."""
    symbols = Symbols()
    for ir in irs:
        for api in ir.apis:
            for op in api.operations:
                symbols.operations[op.operation_id] = f"{api.class_name}.{op.method_name}"
                for param in op.params:
                    symbols.params[(op.operation_id, param.wire_name)] = param.py_name
        items: list[ModelDef | EnumDef] = [*ir.models, *ir.enums]
        for item in items:
            parts = item.pointer.split("/")
            if item.pointer.startswith("/components/schemas/") and len(parts) == 4:  # not inline ones
                component = parts[3].replace("~1", "/").replace("~0", "~")
                symbols.components[component] = item.name
                for f in getattr(item, "fields", ()):
                    symbols.fields[(component, f.json_name)] = f.py_name
    return symbols


def compare(old: Side, new: Side, scopes: tuple[str, ...] = ("api", "sdk")) -> Report:
    findings: list[Finding] = []
    if "api" in scopes:
        findings += compare_api(old.document, new.document, symbols_for(old.ir, new.ir))
    if "sdk" in scopes:
        findings += compare_sdk(old.ir, new.ir)
    findings.sort(key=Finding.sort_key)
    return Report(old.source, new.source, old.version, new.version, findings)


def run_diff(old: BuildConfig, new: BuildConfig, scopes: tuple[str, ...] = ("api", "sdk"),
             use_cache: bool = True) -> Report:
    return compare(load_side(old, use_cache), load_side(new, use_cache), scopes)


__all__ = ["Finding", "LEVELS", "LEVEL_RANK", "RULES", "Report", "Rule", "Side", "compare", "load_side", "run_diff"]
