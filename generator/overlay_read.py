"""Reading overlay files: safe YAML (or JSON), and a cache of the parsed documents.

A rebuild reads the same few overlay files every time. `import yaml` alone costs more than
ten milliseconds and parsing a few more, so the parsed document (the plain data, before
`overlay.parse_overlay` checks it) is remembered in the cache folder, under `overlays/`,
keyed by a sha256 of the file's bytes and of everything that can change how they parse:
the cvat-gen version, the format of the cache entry, and for YAML files the PyYAML version
and whether its libyaml parser is there. A hit reads a small JSON file and never imports
yaml; a miss parses as before and writes the entry.

The entry is JSON, never pickle or marshal: the cache folder may be shared, and loading JSON
cannot run code or build anything but plain data. A document that JSON cannot hold exactly
(a YAML mapping with a non-string key, a `!!binary` or `!!set` value) is simply not cached.
Entries are written atomically (a temporary file, then `os.replace`); any OSError (a
read-only or missing folder) only makes the build slower, and an entry that does not decode
to what was stored (corrupt, truncated, written by something else) is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from . import __version__
from .cache_files import write_atomic
from .errors import BuildError, Diagnostic

__all__ = ["CACHE_SUBDIR", "cache_key", "read_document"]

CACHE_SUBDIR = "overlays"
_ENTRY_FORMAT = 1  # bump when the entry's layout changes
_VERSION_LINE = re.compile(rb"""^__version__\s*=\s*['"]([^'"]+)['"]""", re.M)
_parser_id: str | None = None
_loader_class: Any = None


# --- parsing --------------------------------------------------------------------------------


def _yaml_loader() -> Any:
    """The YAML loader class, made on first use so that importing this module (and a cache
    hit) never imports yaml: safe YAML that keeps dates as strings (a schema is JSON) and
    rejects duplicate keys, with libyaml's parser when PyYAML has it (several times faster)."""
    global _loader_class
    if _loader_class is not None:
        return _loader_class
    import yaml

    from .load import _make_safe_loader

    class _YamlLoader(_make_safe_loader()):  # type: ignore[misc]
        """The schema loader's (dates stay strings, libyaml's parser), and duplicate keys
        are errors."""

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in result:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            result[key] = loader.construct_object(value_node, deep=True)
        return result

    _YamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    _loader_class = _YamlLoader
    return _loader_class


def _parse(text: str, is_json: bool, source: str) -> Any:
    if is_json:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise BuildError(
                Diagnostic("", f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", source=source)
            ) from None
    loader = _yaml_loader()
    import yaml

    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise BuildError(Diagnostic("", f"invalid YAML{where}: {problem}", source=source)) from None


def _decode(data: bytes) -> str:
    """What `Path.read_text(encoding="utf-8")` returns for these bytes (universal newlines)."""
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


# --- the cache ------------------------------------------------------------------------------


def _yaml_parser_id() -> str:
    """The installed PyYAML's version and whether it has libyaml, found without importing it
    (its `__init__.py` names the version; the C extension is `yaml/_yaml.*`)."""
    global _parser_id
    if _parser_id is not None:
        return _parser_id
    import importlib.util

    ident = "yaml:none"
    try:
        spec = importlib.util.find_spec("yaml")
        if spec is not None and spec.origin:
            init = Path(spec.origin)
            match = _VERSION_LINE.search(init.read_bytes())
            libyaml = any(name.startswith("_yaml.") for name in os.listdir(init.parent))
            ident = f"yaml:{match.group(1).decode() if match else '?'}:{'libyaml' if libyaml else 'pure'}"
    except (OSError, ImportError, ValueError):
        ident = "yaml:unknown"
    _parser_id = ident
    return ident


def cache_key(data: bytes, is_json: bool) -> str:
    """The cache key of an overlay file's bytes: changes with anything that changes its parse."""
    parser = "json" if is_json else _yaml_parser_id()
    salt = f"cvat-gen {__version__}; entry {_ENTRY_FORMAT}; {parser}\n".encode()
    return hashlib.sha256(salt + data).hexdigest()


def _json_exact(value: Any) -> bool:
    """Whether JSON holds `value` exactly: only str-keyed dicts, lists, str, int, float, bool, None."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            if any(type(k) is not str for k in item):
                return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind not in (str, int, float, bool) and item is not None:
            return False
    return True


def _cache_read(path: Path, key: str) -> tuple[bool, Any]:
    try:
        raw = path.read_bytes()
    except OSError:
        return False, None
    try:
        entry = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False, None
    if not isinstance(entry, dict) or entry.get("key") != key or "document" not in entry:
        return False, None
    return True, entry["document"]


def _cache_write(path: Path, key: str, document: Any) -> None:
    try:  # first: json.dumps stops at a recursive YAML alias, which _json_exact would walk forever
        text = json.dumps({"key": key, "document": document}, separators=(",", ":"))
    except (ValueError, TypeError, RecursionError):
        return
    if _json_exact(document):
        write_atomic(path, text.encode("utf-8"))  # a read-only or missing cache folder: just slower


def read_document(path: Path, source: str, cache_dir: Path | None = None) -> Any:
    """The parsed content of an overlay file (YAML, or JSON for `.json`), from the cache in
    `cache_dir` when it has it. Raises `BuildError` naming `source` when the file cannot be
    read or parsed (and caches nothing then)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BuildError(Diagnostic("", f"cannot read overlay: {exc}", source=source)) from None
    is_json = path.suffix.lower() == ".json"
    entry: Path | None = None
    if cache_dir is not None:
        key = cache_key(data, is_json)
        entry = Path(cache_dir) / CACHE_SUBDIR / f"{key}.json"
        hit, document = _cache_read(entry, key)
        if hit:
            return document
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise BuildError(Diagnostic("", f"cannot read overlay: {exc}", source=source)) from None
    document = _parse(text, is_json, source)
    if entry is not None:
        _cache_write(entry, key, document)
    return document
