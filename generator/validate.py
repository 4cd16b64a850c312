"""Stage 2: check that the document is an OpenAPI 3.0 schema we can trust to build from.

Local `$ref`s are resolved here first, because the spec validator stops with an exception
(not a located error) on the first reference that points nowhere. Then the whole document
gets openapi-spec-validator's verdict: from the fast checks of `spec_check` when they find
nothing to report, else from openapi-spec-validator itself, whose located messages are what
the user reads. Every error is a Diagnostic with a JSON pointer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .errors import BuildError, Diagnostic, DiagnosticSink, json_pointer

if TYPE_CHECKING:
    from .spec_check import DefaultMessages

MAX_DEPTH = 200
_PATH_TEMPLATE = re.compile(r"^/[^{}]*(\{[^{}/]+\}[^{}]*)*$")


def resolve_pointer(document: Any, ref: str) -> Any:
    """Resolve a local '#/a/b' reference; KeyError when it points nowhere."""
    if not ref.startswith("#"):
        raise KeyError(ref)
    node = document
    fragment = ref[1:]
    if fragment == "":
        return node
    if not fragment.startswith("/"):
        raise KeyError(ref)
    for raw in fragment[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(ref)
    return node


def iter_refs(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Yield (location, $ref value) for every reference, without recursing into resolved targets."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [(path, node)]
    while stack:
        where, value = stack.pop()
        if len(where) > MAX_DEPTH:
            yield where, None
            continue
        if isinstance(value, dict):
            if "$ref" in value:
                yield (*where, "$ref"), value["$ref"]
            for key in sorted(value, key=str, reverse=True):
                if key != "$ref":
                    stack.append(((*where, str(key)), value[key]))
        elif isinstance(value, list):
            for index in range(len(value) - 1, -1, -1):
                stack.append(((*where, index), value[index]))


def check_structure(document: dict[str, Any], sink: DiagnosticSink) -> None:
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3.0"):
        sink.error(json_pointer("openapi"), f"expected an OpenAPI 3.0.x document, got openapi={version!r}")
    paths = document.get("paths")
    if paths is None:
        sink.error(json_pointer("paths"), "the schema has no 'paths': there is nothing to generate")
    elif not isinstance(paths, dict):
        sink.error(json_pointer("paths"), "'paths' must be an object")
    info = document.get("info")
    if not isinstance(info, dict):
        sink.error(json_pointer("info"), "the schema has no 'info' object")
    if isinstance(paths, dict):
        for path in paths:
            if not isinstance(path, str) or not _PATH_TEMPLATE.match(path):
                sink.error(json_pointer("paths", str(path)),
                           "a path must start with '/' and use '{name}' templates with balanced braces")


def check_cycles(document: dict[str, Any], sink: DiagnosticSink) -> None:
    """A schema that is (through `$ref` or `allOf`) its own ancestor has no finite meaning,
    and the spec validator recurses forever on it; say where the cycle is instead.
    A model whose *property* refers back to it (a tree) is fine and not an edge here."""
    schemas = (document.get("components") or {}).get("schemas") if isinstance(document.get("components"), dict) else None
    if not isinstance(schemas, dict):
        return
    prefix = "#/components/schemas/"
    edges: dict[str, list[tuple[str, str]]] = {}
    for name, schema in schemas.items():
        targets: list[tuple[str, str]] = []
        if isinstance(schema, dict):
            if isinstance(schema.get("$ref"), str):
                targets.append((schema["$ref"], json_pointer("components", "schemas", name, "$ref")))
            for index, part in enumerate(schema.get("allOf") or [] if isinstance(schema.get("allOf"), list) else []):
                if isinstance(part, dict) and isinstance(part.get("$ref"), str):
                    targets.append((part["$ref"], json_pointer("components", "schemas", name, "allOf", index, "$ref")))
        edges[name] = [(ref[len(prefix):].replace("~1", "/").replace("~0", "~"), where)
                       for ref, where in targets if ref.startswith(prefix)]
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    reported: set[frozenset[str]] = set()

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target, where in edges.get(name, []):
            if state.get(target) == 1:
                cycle = trail[trail.index(target):] + [target] if target in trail else [name, target]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    sink.error(where, "circular $ref/allOf: " + " -> ".join(cycle))
            elif target in edges and state.get(target) is None:
                visit(target, [*trail, target])
        state[name] = 2

    for name in edges:
        if state.get(name) is None:
            visit(name, [name])


def _refs_sound(document: dict[str, Any]) -> bool:
    """The common case, fast: every `$ref` a local pointer that resolves, nothing nested too
    deeply. No paths are built; `check_refs` walks again, with paths, only when this fails.
    (Recursive: a third of the time of a loop over a stack of (node, depth) tuples; the depth
    is bounded by MAX_DEPTH, far below the interpreter's recursion limit.)"""
    resolved: set[str] = set()

    def sound(node: Any, depth: int) -> bool:
        if depth > MAX_DEPTH:
            return False
        if isinstance(node, dict):
            if "$ref" in node:
                ref = node["$ref"]
                if not isinstance(ref, str) or not ref.startswith("#/"):
                    return False
                if ref not in resolved:
                    try:
                        resolve_pointer(document, ref)
                    except KeyError:
                        return False
                    resolved.add(ref)
            values: Any = node.values()
        else:
            values = node
        depth += 1
        for value in values:
            if isinstance(value, (dict, list)) and not sound(value, depth):
                return False
        return True

    return sound(document, 0)


def check_refs(document: dict[str, Any], sink: DiagnosticSink) -> None:
    if _refs_sound(document):
        return
    for where, ref in iter_refs(document):
        pointer = json_pointer(*where)
        if ref is None:
            sink.error(pointer, f"the schema is nested more than {MAX_DEPTH} levels deep")
            continue
        if not isinstance(ref, str):
            sink.error(pointer, "$ref must be a string")
            continue
        if not ref.startswith("#/"):
            sink.error(pointer, f"only local references are supported, got {ref!r}")
            continue
        try:
            resolve_pointer(document, ref)
        except KeyError:
            sink.error(pointer, f"unresolvable reference {ref!r}")


def check_spec(document: dict[str, Any], sink: DiagnosticSink) -> None:
    from openapi_spec_validator.validation import OpenAPIV30SpecValidator

    try:
        errors = list(OpenAPIV30SpecValidator(document).iter_errors())
    except RecursionError:
        sink.error("", "the schema is nested too deeply (or a $ref cycle cannot be followed)")
        return
    except Exception as exc:  # the validator's own failures must still be one clear line
        sink.error("", f"the spec validator failed: {type(exc).__name__}: {str(exc)[:200]}")
        return
    seen: set[tuple[str, str]] = set()
    defaults: list[tuple[tuple[str | int, ...], dict[str, Any]]] | None = None
    used: set[tuple[str | int, ...]] = set()
    for error in errors:
        pointer = json_pointer(*error.absolute_path)
        message = str(getattr(error, "message", error))
        if len(message) > 300:
            message = message[:300] + "..."
        located = bool(pointer)
        if not located:
            # The validator checks `default` values against their schemas without a location
            # (it reports the schema node, not where it is). Find that node ourselves.
            if defaults is None:
                defaults = list(_schemas_with_default(document))
            where = _locate_default(defaults, used, getattr(error, "schema", None), getattr(error, "instance", None))
            if where is not None:
                used.add(where)
                pointer = json_pointer(*where)
        key = (pointer, message)
        if key in seen:
            continue
        seen.add(key)
        if not located:
            # The CVAT server itself emits such defaults (e.g. '' under minLength 1), so this
            # can't stop a build; it is reported, at the schema that declares the default.
            sink.warning(pointer, f"a default value does not satisfy its schema: {message}")
        else:
            sink.error(pointer, message)


def _schemas_with_default(document: Any) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """(location, node) of every object with a `default` key, in document order."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), document)]
    while stack:
        where, value = stack.pop()
        if len(where) > MAX_DEPTH:
            continue
        if isinstance(value, dict):
            if "default" in value:
                yield where, value
            for key in reversed(list(value)):
                if key not in ("default", "example", "examples"):
                    stack.append(((*where, str(key)), value[key]))
        elif isinstance(value, list):
            for index in range(len(value) - 1, -1, -1):
                stack.append(((*where, index), value[index]))


def _locate_default(
    candidates: list[tuple[tuple[str | int, ...], dict[str, Any]]],
    used: set[tuple[str | int, ...]],
    schema: Any,
    instance: Any,
) -> tuple[str | int, ...] | None:
    """The first not yet reported node that is `schema` (by identity, else by value) and
    whose default is `instance`; None when it cannot be told."""
    if not isinstance(schema, dict):
        return None
    for same in (lambda node: node is schema, lambda node: node == schema):
        for where, node in candidates:
            if where not in used and same(node) and node.get("default") == instance:
                return where
    return None


def check_local(document: dict[str, Any], sink: DiagnosticSink) -> None:
    """The fast checks that later stages rely on: structure, references, cycles."""
    check_structure(document, sink)
    if sink.errors:
        raise BuildError(sink.errors)
    check_refs(document, sink)
    check_cycles(document, sink)
    if sink.errors:
        raise BuildError(sink.errors)


def spec_diagnostics(document: dict[str, Any], defaults: DefaultMessages | None = None) -> list[Diagnostic]:
    """openapi-spec-validator's findings: the fast verdict when it has nothing to report
    beyond bad defaults (`spec_check`), else openapi-spec-validator itself, for its located
    messages."""
    from .spec_check import fast_verdict

    verdict = fast_verdict(document, defaults)
    if verdict.valid:
        return verdict.warnings
    sink = DiagnosticSink()
    check_spec(document, sink)
    return sink.items


def validate_document(document: dict[str, Any], sink: DiagnosticSink | None = None) -> DiagnosticSink:
    """Every check, in this process (`cvat-gen patches`, tests)."""
    sink = sink or DiagnosticSink()
    check_local(document, sink)
    sink.items.extend(spec_diagnostics(document))
    sink.raise_if_errors()
    return sink
