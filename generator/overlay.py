"""An OpenAPI Overlay 1.0 engine (https://spec.openapis.org/overlay/v1.0.0.html).

An overlay is a YAML or JSON document::

    overlay: 1.0.0
    info:
      title: Restore GET /api/cloudstorages/{id}/status
      version: 1.0.0
      x-cvat-gen:                         # our extension, optional
        server-versions: ">=2.61,<2.70"   # range over the schema's info.version
        schema-title: CVAT REST API       # only for schemas with this info.title
        order: 10                         # shipped overlays are applied by order, then name
    extends: https://example.org/schema.yml   # optional, recorded only
    actions:
      - target: $.paths['/api/tasks/{id}/preview'].get.responses['200']
        description: Why this change is needed
        update: {content: {image/jpeg: {schema: {type: string, format: binary}}}}
        x-cvat-gen:                            # our extension, optional: when it applies
          editions: [hosted]                   # hosted, open-source (read from the schema)
          server-versions: ">=2.67"
          when: {exists: "$.paths['/api/tasks/{id}/preview']", absent: "@.content"}
        # older spellings: x-cvat-gen-server-versions: ">=2.67", x-cvat-gen-optional: true
      - target: $.paths['/api/old']
        remove: true

Semantics, following the specification:

* Actions are applied in order, each to the result of the previous one.
* `target` is an RFC 9535 JSONPath query (name-only queries such as `$.paths['/x'].get`, and
  simple filters, are evaluated by `generator/jsonpath_simple.py`, every other one by the
  `jsonpath-rfc9535` package).
  It must select objects or arrays.
* `update` on an object is merged recursively: keys only in the target are kept, keys only
  in the update are added; when both have a key, two objects are merged, two arrays are
  concatenated, and anything else is replaced by the update's value.
* `update` on an array appends: an array value appends each of its items, any other value
  is appended as one item.
* `update` on anything else (a string, number, boolean or null) is an error.
* `remove: true` removes each selected node from the object or array that holds it; `update`
  is then ignored. Array items are removed from the highest index down, so that one action
  can remove several items of the same array.
* Specification extensions (`x-...`) are allowed on the document, `info` and actions.

On top of the specification, cvat-gen reports an action whose target selects nothing as
*stale*: the schema changed under the overlay. That is an error by default, a warning with
`stale="warning"`. An action marked `x-cvat-gen-optional: true` is never stale: use it for a
guarded action that is meant to match only sometimes (for example, a filter that adds an
operation only while the schema lacks it). Better, state the action's preconditions
(`generator/overlay_conditions.py`): an action whose edition, release range, `exists` or
`absent` condition does not hold is skipped with a reason ("hosted edition only", "not in
this release", "already declared by the server") instead of going stale, and a node that
fails an `expect` condition is reported at its own JSON pointer in the schema.

Version ranges are comma-separated clauses, all of which must hold: `>=2.61`, `<2.70`,
`==2.65.0`, `!=2.66`, `>`, `<=`. Versions compare numerically, missing parts count as 0,
and only the leading dotted number of `info.version` is read (`"2.70.0 (2.0)"` is 2.70.0).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .context import PatchAction, PatchReport
from .errors import BuildError, Diagnostic, DiagnosticSink, json_pointer
from .overlay_conditions import (
    NOT_IN_RELEASE,
    Preconditions,
    edition_reason,
    parse_editions,
    parse_preconditions,
    schema_edition,
)

if TYPE_CHECKING:  # yaml and jsonpath are imported when needed: a rebuild with a warm cache needs neither
    from .jsonpath_simple import Query

__all__ = [
    "Action",
    "ActionResult",
    "Overlay",
    "VersionRange",
    "apply_overlay",
    "describe",
    "load_overlay",
    "parse_overlay",
    "schema_edition",
    "schema_version",
    "sort_overlays",
]

EXTENSION = "x-cvat-gen"
_INFO_KEYS = ("server-versions", "order", "schema-title", "editions")
_ACTION_KEYS = ("server-versions", "editions", "when", "optional")
ACTION_EXTENSION = "x-cvat-gen-server-versions"
OPTIONAL_EXTENSION = "x-cvat-gen-optional"
_MISSING: Any = object()
_OVERLAY_VERSION_RE = re.compile(r"^1\.0\.\d+$")
_VERSION_RE = re.compile(r"^\s*v?(\d+(?:\.\d+)*)")
_CLAUSE_RE = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*v?(\d+(?:\.\d+)*)\s*$")


# --- version ranges -------------------------------------------------------------------------


def _version_tuple(text: str) -> tuple[int, ...] | None:
    match = _VERSION_RE.match(text)
    if not match:
        return None
    return tuple(int(p) for p in match.group(1).split("."))


def schema_version(schema: dict[str, Any]) -> str:
    """`info.version` of an OpenAPI document, or "" when there is none."""
    info = schema.get("info") if isinstance(schema, dict) else None
    version = info.get("version") if isinstance(info, dict) else None
    return str(version) if version is not None else ""


@dataclass(frozen=True, slots=True)
class VersionRange:
    """A range such as `>=2.61,<2.70`. The empty range contains every version."""

    text: str
    clauses: tuple[tuple[str, tuple[int, ...]], ...]

    @classmethod
    def parse(cls, text: str) -> VersionRange:
        """Raise ValueError with a readable message when `text` is not a range."""
        if not isinstance(text, str):
            raise ValueError(f"a version range must be a string, not {type(text).__name__}")
        clauses = []
        if text.strip():
            for part in text.split(","):
                match = _CLAUSE_RE.match(part)
                if not match:
                    raise ValueError(
                        f"{part.strip()!r} is not a version clause (expected e.g. '>=2.61' or '<2.70')"
                    )
                clauses.append((match.group(1), tuple(int(p) for p in match.group(2).split("."))))
        return cls(text.strip(), tuple(clauses))

    def contains(self, version: str) -> bool:
        """Raise ValueError when `version` has no leading dotted number and the range is not empty."""
        if not self.clauses:
            return True
        parsed = _version_tuple(version)
        if parsed is None:
            raise ValueError(f"cannot read a version number from {version!r}")
        for op, bound in self.clauses:
            width = max(len(parsed), len(bound))
            a = parsed + (0,) * (width - len(parsed))
            b = bound + (0,) * (width - len(bound))
            ok = {
                ">=": a >= b,
                "<=": a <= b,
                ">": a > b,
                "<": a < b,
                "==": a == b,
                "!=": a != b,
            }[op]
            if not ok:
                return False
        return True

    def __str__(self) -> str:
        return self.text


# --- the document ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Action:
    index: int
    target: str
    query: Query = field(repr=False, compare=False)
    description: str = ""
    update: Any = field(default=_MISSING, repr=False)
    remove: bool = False
    server_versions: VersionRange | None = None
    optional: bool = False
    editions: tuple[str, ...] | None = None
    when: Preconditions = field(default_factory=Preconditions)

    @property
    def kind(self) -> str:
        return "remove" if self.remove else "update"

    @property
    def has_update(self) -> bool:
        return self.update is not _MISSING


@dataclass(frozen=True, slots=True)
class Overlay:
    source: str
    overlay: str
    title: str
    version: str
    actions: tuple[Action, ...]
    extends: str | None = None
    server_versions: VersionRange | None = None
    order: int = 0
    schema_title: str | None = None
    editions: tuple[str, ...] | None = None

    def in_range(self, schema: dict[str, Any]) -> bool:
        """Whether the overlay is for this schema: its `info.title` (when the overlay names one,
        as CVAT's own patches do) and its `info.version` inside `server_versions`
        (ValueError if unreadable)."""
        if self.schema_title is not None:
            info = schema.get("info")
            if (info.get("title") if isinstance(info, dict) else None) != self.schema_title:
                return False
        if edition_reason(self.editions, schema) is not None:
            return False
        if self.server_versions is None:
            return True
        return self.server_versions.contains(schema_version(schema))


@dataclass(frozen=True, slots=True)
class ActionResult:
    index: int
    description: str
    target: str
    kind: str  # "update" | "remove"
    matches: int
    applied: bool
    note: str = ""


# --- loading --------------------------------------------------------------------------------


def load_overlay(
    path: str | Path, cache_dir: str | Path | None = None
) -> Overlay:
    """Read and check an overlay file (YAML, or JSON for `.json`).

    With `cache_dir`, the parsed file is remembered there, so that a rebuild neither imports nor runs
    the YAML parser (see `overlay_read`); the result is the same either way.

    Raises `BuildError` with every problem found, each naming the file and a JSON pointer.
    """
    from .overlay_read import read_document

    path = Path(path)
    source = str(path)
    return parse_overlay(read_document(path, source, Path(cache_dir) if cache_dir is not None else None), source)


def parse_overlay(document: Any, source: str = "<overlay>") -> Overlay:
    """Check an already parsed overlay document; see `load_overlay`."""
    errors: list[Diagnostic] = []

    def error(pointer: str, message: str) -> None:
        errors.append(Diagnostic(pointer, message, "error", source))

    if not isinstance(document, dict):
        raise BuildError(Diagnostic("", f"an overlay must be a mapping, not {_kind(document)}", source=source))

    _check_fields(document, {"overlay", "info", "extends", "actions"}, "", error)

    version = document.get("overlay", _MISSING)
    if version is _MISSING:
        error("", "missing required field 'overlay' (the Overlay Specification version, e.g. 1.0.0)")
    elif not isinstance(version, str) or not _OVERLAY_VERSION_RE.match(version):
        error(json_pointer("overlay"), f"unsupported overlay version {version!r}: expected 1.0.x, as a string")

    title, info_version = "", ""
    server_versions: VersionRange | None = None
    order = 0
    schema_title: str | None = None
    editions: tuple[str, ...] | None = None
    info = document.get("info", _MISSING)
    if info is _MISSING:
        error("", "missing required field 'info' (with 'title' and 'version')")
    elif not isinstance(info, dict):
        error(json_pointer("info"), f"'info' must be a mapping, not {_kind(info)}")
    else:
        _check_fields(info, {"title", "version"}, json_pointer("info"), error)
        for key in ("title", "version"):
            value = info.get(key, _MISSING)
            if value is _MISSING:
                error(json_pointer("info"), f"missing required field 'info.{key}'")
            elif not isinstance(value, str):
                error(json_pointer("info", key), f"'info.{key}' must be a string, not {_kind(value)} (quote it)")
        title = info["title"] if isinstance(info.get("title"), str) else ""
        info_version = info["version"] if isinstance(info.get("version"), str) else ""
        ext = info.get(EXTENSION, _MISSING)
        if ext is not _MISSING:
            pointer = json_pointer("info", EXTENSION)
            if not isinstance(ext, dict):
                error(pointer, f"'{EXTENSION}' must be a mapping, not {_kind(ext)}")
            else:
                unknown = sorted(str(k) for k in ext if k not in _INFO_KEYS)
                if unknown:
                    error(pointer, f"unknown {EXTENSION} keys: {', '.join(unknown)} "
                                   f"(known: {', '.join(_INFO_KEYS)})")
                if "editions" in ext:
                    editions = parse_editions(ext["editions"], json_pointer("info", EXTENSION, "editions"), error)
                if "schema-title" in ext:
                    if not isinstance(ext["schema-title"], str):
                        error(json_pointer("info", EXTENSION, "schema-title"), "'schema-title' must be a string")
                    else:
                        schema_title = ext["schema-title"]
                if "server-versions" in ext:
                    try:
                        server_versions = VersionRange.parse(ext["server-versions"])
                    except ValueError as exc:
                        error(json_pointer("info", EXTENSION, "server-versions"), f"bad version range: {exc}")
                if "order" in ext:
                    if isinstance(ext["order"], bool) or not isinstance(ext["order"], int):
                        error(json_pointer("info", EXTENSION, "order"),
                              f"'order' must be an integer, not {_kind(ext['order'])}")
                    else:
                        order = ext["order"]

    extends = document.get("extends")
    if extends is not None and not isinstance(extends, str):
        error(json_pointer("extends"), f"'extends' must be a URI string, not {_kind(extends)}")
        extends = None

    actions: list[Action] = []
    raw_actions = document.get("actions", _MISSING)
    if raw_actions is _MISSING:
        error("", "missing required field 'actions'")
    elif not isinstance(raw_actions, list):
        error(json_pointer("actions"), f"'actions' must be a list, not {_kind(raw_actions)}")
    elif not raw_actions:
        error(json_pointer("actions"), "'actions' must have at least one action")
    else:
        for index, raw in enumerate(raw_actions):
            action = _parse_action(raw, index, error)
            if action is not None:
                actions.append(action)

    if errors:
        raise BuildError(errors)
    return Overlay(
        source=source,
        overlay=str(version),
        title=title,
        version=info_version,
        actions=tuple(actions),
        extends=extends,
        server_versions=server_versions,
        order=order,
        schema_title=schema_title,
        editions=editions,
    )


def _parse_action(raw: Any, index: int, error: Any) -> Action | None:
    pointer = json_pointer("actions", index)
    if not isinstance(raw, dict):
        error(pointer, f"action {index} must be a mapping, not {_kind(raw)}")
        return None
    ok = True
    _check_fields(raw, {"target", "description", "update", "remove"}, pointer, error)
    description = raw.get("description", "")
    if not isinstance(description, str):
        error(json_pointer("actions", index, "description"), "'description' must be a string")
        description, ok = "", False
    target = raw.get("target", _MISSING)
    query = None
    if target is _MISSING:
        error(pointer, f"action {index} has no 'target'")
        ok = False
    elif not isinstance(target, str) or not target.startswith("$"):
        error(json_pointer("actions", index, "target"),
              f"'target' must be a JSONPath query starting with '$', not {target!r}")
        ok = False
    else:
        query = _compile_target(target, index, error)
        ok = ok and query is not None
    remove = raw.get("remove", False)
    if not isinstance(remove, bool):
        error(json_pointer("actions", index, "remove"), f"'remove' must be true or false, not {remove!r}")
        ok = False
    update = raw.get("update", _MISSING)
    if update is _MISSING and remove is not True:
        error(pointer, f"action {index} has neither 'update' nor 'remove: true': it would do nothing")
        ok = False
    server_versions = None
    if ACTION_EXTENSION in raw:
        try:
            server_versions = VersionRange.parse(raw[ACTION_EXTENSION])
        except ValueError as exc:
            error(json_pointer("actions", index, ACTION_EXTENSION), f"bad version range: {exc}")
            ok = False
    optional = raw.get(OPTIONAL_EXTENSION, False)
    if not isinstance(optional, bool):
        error(json_pointer("actions", index, OPTIONAL_EXTENSION), f"'{OPTIONAL_EXTENSION}' must be true or false")
        ok = False
    editions: tuple[str, ...] | None = None
    when = Preconditions()
    ext = raw.get(EXTENSION, _MISSING)
    if ext is not _MISSING:
        where = json_pointer("actions", index, EXTENSION)
        if not isinstance(ext, dict):
            error(where, f"'{EXTENSION}' must be a mapping, not {_kind(ext)}")
            ok = False
            ext = {}
        for key in ext:
            if key not in _ACTION_KEYS:
                error(json_pointer(*_split(where), str(key)),
                      f"unknown {EXTENSION} key {key!r} (known: {', '.join(_ACTION_KEYS)})")
                ok = False
        if "server-versions" in ext:
            if server_versions is not None:
                error(where, f"'server-versions' is given twice (here and in {ACTION_EXTENSION})")
                ok = False
            try:
                server_versions = VersionRange.parse(ext["server-versions"])
            except ValueError as exc:
                error(json_pointer(*_split(where), "server-versions"), f"bad version range: {exc}")
                ok = False
        if "optional" in ext:
            if not isinstance(ext["optional"], bool):
                error(json_pointer(*_split(where), "optional"), "'optional' must be true or false")
                ok = False
            else:
                optional = optional is True or ext["optional"]
        if "editions" in ext:
            editions = parse_editions(ext["editions"], json_pointer(*_split(where), "editions"), error)
            ok = ok and editions is not None
        if "when" in ext:
            parsed = parse_preconditions(ext["when"], json_pointer(*_split(where), "when"), error,
                                         lambda base, *parts: json_pointer(*_split(base), *parts))
            ok = ok and parsed is not None
            when = parsed or when
    if not ok or query is None:
        return None
    return Action(index, target, query, description, update, remove is True, server_versions, optional is True,
                  editions, when)


def _compile_target(target: str, index: int, error: Any) -> Query | None:
    """The compiled target; None after reporting an invalid query in the library's words."""
    from .jsonpath_simple import QueryError, compile_query

    try:
        return compile_query(target)
    except QueryError as exc:
        error(json_pointer("actions", index, "target"), f"invalid JSONPath {target!r}: {exc}")
        return None


def _check_fields(obj: dict[str, Any], known: set[str], pointer: str, error: Any) -> None:
    for key in obj:
        if not isinstance(key, str):
            error(pointer, f"field names must be strings, not {key!r}")
        elif key not in known and not key.startswith("x-"):
            error(json_pointer(*_split(pointer), key),
                  f"unknown field {key!r} (allowed: {', '.join(sorted(known))}, or x-* extensions)")


def _split(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


# --- applying -------------------------------------------------------------------------------


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        if key in target:
            current = target[key]
            if isinstance(current, dict) and isinstance(value, dict):
                _merge(current, value)
                continue
            if isinstance(current, list) and isinstance(value, list):
                current.extend(copy.deepcopy(value))
                continue
        target[key] = copy.deepcopy(value)


def _resolve(document: Any, location: tuple[str | int, ...]) -> Any:
    node = document
    for part in location:
        node = node[part]
    return node


def apply_overlay(
    schema: dict[str, Any],
    overlay: Overlay,
    sink: DiagnosticSink,
    stale: Literal["error", "warning"] = "error",
) -> list[ActionResult]:
    """Apply `overlay` to `schema` in place; report problems to `sink`.

    Returns one result per action. An overlay whose `server-versions` range does not contain
    the schema's version changes nothing: every result then has `applied=False`.
    """
    if stale not in ("error", "warning"):
        raise ValueError(f"stale must be 'error' or 'warning', not {stale!r}")
    source = overlay.source
    version = schema_version(schema)
    try:
        in_range = overlay.in_range(schema)
    except ValueError as exc:
        sink.error(json_pointer("info", EXTENSION, "server-versions"),
                   f"overlay {overlay.title!r} has a server-versions range but {exc} (the schema's info.version)",
                   source=source)
        return [ActionResult(a.index, a.description, a.target, a.kind, 0, False, "version unknown")
                for a in overlay.actions]
    if not in_range:
        edition_note = edition_reason(overlay.editions, schema)
        if overlay.schema_title is not None and (schema.get("info") or {}).get("title") != overlay.schema_title:
            note = f"skipped: the overlay is for {overlay.schema_title!r} schemas"
        elif edition_note is not None:
            note = f"skipped: {edition_note}"
        else:
            note = f"skipped: {NOT_IN_RELEASE} (schema version {version} is outside {overlay.server_versions})"
        return [ActionResult(a.index, a.description, a.target, a.kind, 0, False, note) for a in overlay.actions]

    results = []
    for action in overlay.actions:
        results.append(_apply_action(schema, overlay, action, sink, stale, version))
    return results


def _apply_action(
    schema: dict[str, Any],
    overlay: Overlay,
    action: Action,
    sink: DiagnosticSink,
    stale: str,
    version: str,
) -> ActionResult:
    source = overlay.source
    pointer = json_pointer("actions", action.index)

    def result(matches: int, applied: bool, note: str = "") -> ActionResult:
        return ActionResult(action.index, action.description, action.target, action.kind, matches, applied, note)

    report = sink.error if stale == "error" else sink.warning
    edition_note = edition_reason(action.editions, schema)
    if edition_note is not None:
        return result(0, False, f"skipped: {edition_note} (this schema is {schema_edition(schema)})")
    if action.server_versions is not None:
        try:
            if not action.server_versions.contains(version):
                return result(0, False, f"skipped: {NOT_IN_RELEASE} "
                                        f"(schema version {version} is outside {action.server_versions})")
        except ValueError as exc:
            # strict overlays stop here; lenient ones (the shipped patches) skip the action
            report(json_pointer("actions", action.index, ACTION_EXTENSION),
                   f"action {action.index} has a server-versions range but {exc}", source=source)
            return result(0, False, "version unknown")
    failed = action.when.document_reason(schema)
    if failed is not None:
        reason, detail = failed
        if reason == _UNEXPECTED:
            report(pointer, f"action {action.index}{_what(action)} of overlay {overlay.title!r}: "
                            f"unexpected schema shape: {detail}", source=source)
            return result(0, False, f"{_UNEXPECTED}: {detail}")
        return result(0, False, f"skipped: {reason} ({detail})")

    # snapshot the locations first: the action changes the document it matched
    locations: list[tuple[str | int, ...]] = []
    seen: set[tuple[str | int, ...]] = set()
    for node in action.query.find(schema):
        location = tuple(node.location)
        if location not in seen:
            seen.add(location)
            locations.append(location)

    kept, skips = _check_nodes(schema, overlay, action, locations, report)
    if locations and not kept:
        return result(len(locations), False, "; ".join(skips))
    matched = len(locations)
    locations = kept
    seen = {tuple(loc) for loc in kept}

    if not locations and action.optional:
        return result(0, False, "optional: the target matches nothing")
    if not locations:
        what = f" ({action.description})" if action.description else ""
        message = (f"stale patch: action {action.index}{what} of overlay {overlay.title!r} matches nothing "
                   f"in schema version {version or '?'}: target {action.target}")
        if stale == "warning":
            sink.warning(pointer, message, source=source)
        else:
            sink.error(pointer, message, source=source)
        return result(0, False, "stale: the target matches nothing")

    if action.remove:
        if () in seen:
            sink.error(pointer, f"action {action.index}: cannot remove the document root ({action.target})",
                       source=source)
            return result(len(locations), False, "cannot remove the root")
        # deepest first, and array items from the highest index down
        def sort_key(loc: tuple[str | int, ...]) -> tuple[int, tuple[Any, ...]]:
            return (len(loc), tuple((1, p) if isinstance(p, int) else (0, p) for p in loc))

        removed: list[tuple[str | int, ...]] = []
        for location in sorted(locations, key=sort_key, reverse=True):
            if any(location[: len(r)] == r for r in removed if len(r) < len(location)):
                continue  # an ancestor is gone already (cannot happen deepest-first, kept for safety)
            parent = _resolve(schema, location[:-1])
            del parent[location[-1]]
            removed.append(location)
        return result(matched, True)

    update = action.update
    bad = 0
    for location in locations:
        node = _resolve(schema, location)
        if isinstance(node, dict):
            if not isinstance(update, dict):
                sink.error(json_pointer("actions", action.index, "update"),
                           f"action {action.index}: target {action.target} selects an object at "
                           f"{json_pointer(*location) or '/'}, so 'update' must be a mapping, not {_kind(update)}",
                           source=source)
                bad += 1
                continue
            _merge(node, update)
        elif isinstance(node, list):
            if isinstance(update, list):
                node.extend(copy.deepcopy(update))
            else:
                node.append(copy.deepcopy(update))
        else:
            sink.error(pointer,
                       f"action {action.index}: target {action.target} selects {_kind(node)} at "
                       f"{json_pointer(*location)}; 'update' needs an object or an array "
                       "(select the containing object and update the property instead)",
                       source=source)
            bad += 1
    if bad:
        return result(len(locations), bad < len(locations), f"{bad} of {len(locations)} matches could not be updated")
    return result(matched, True, "; ".join(skips))


_UNEXPECTED = "unexpected shape"


def _what(action: Action) -> str:
    return f" ({action.description})" if action.description else ""


def _check_nodes(
    schema: dict[str, Any],
    overlay: Overlay,
    action: Action,
    locations: list[tuple[str | int, ...]],
    report: Any,
) -> tuple[list[tuple[str | int, ...]], list[str]]:
    """Split the target's nodes into those the action's `@` conditions let through and the
    reasons for the others. A node of an unexpected shape is reported at its own pointer in
    the schema (a warning, or an error in strict mode): the server changed under the patch."""
    if not action.when:
        return locations, []
    kept: list[tuple[str | int, ...]] = []
    skips: list[str] = []
    for location in locations:
        failed = action.when.node_reason(schema, _resolve(schema, location))
        if failed is None:
            kept.append(location)
            continue
        reason, detail = failed
        where = json_pointer(*location) or "/"
        if reason == _UNEXPECTED:
            report(json_pointer(*location),
                   f"{_UNEXPECTED} for action {action.index}{_what(action)} of overlay {overlay.title!r} "
                   f"({overlay.source}): {detail}; the action is not applied here")
            skips.append(f"{_UNEXPECTED} at {where}: {detail}")
        else:
            skips.append(f"skipped: {reason} (at {where}: {detail})")
    return kept, skips


# --- dry run --------------------------------------------------------------------------------


def describe(schema: dict[str, Any], overlay: Overlay) -> PatchReport:
    """What `apply_overlay` would do to `schema`, without changing it.

    Actions are applied to a copy in order, so each one is described against the result of
    the ones before it, as in a real run.
    """
    sink = DiagnosticSink()
    scratch = copy.deepcopy(schema)
    try:
        in_range = overlay.in_range(schema)
    except ValueError:
        in_range = False
    results = apply_overlay(scratch, overlay, sink, stale="warning")
    problems: dict[int, list[str]] = {}
    for diagnostic in sink.items:
        parts = _split(diagnostic.pointer)
        if len(parts) >= 2 and parts[0] == "actions" and parts[1].isdigit():
            problems.setdefault(int(parts[1]), []).append(diagnostic.message)
    actions = []
    for r in results:
        note = r.note
        if r.index in problems and not note.startswith("stale"):
            note = "; ".join(([note] if note else []) + problems[r.index])
        actions.append(PatchAction(r.description, r.target, r.kind, r.matches, r.applied, note))
    return PatchReport(
        source=overlay.source,
        title=overlay.title,
        version_range=str(overlay.server_versions) if overlay.server_versions else "",
        in_range=in_range,
        actions=tuple(actions),
    )


def sort_overlays(overlays: Iterable[Overlay]) -> list[Overlay]:
    """Order overlays by their declared `x-cvat-gen.order`, then by file name."""
    return sorted(overlays, key=lambda o: (o.order, Path(o.source).name, o.source))
