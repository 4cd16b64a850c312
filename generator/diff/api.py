"""Level (a): the HTTP API. Compares two patched schema documents.

Operations are matched by method and path (path variables normalized), then by operationId
(a moved operation), then by version (`<op>` replaced by `<op>_v2`). Schemas are compared
through their `$ref`s; a component reached from many operations is compared once per
direction and its findings list every operation that reaches it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import json_pointer, pointer_token
from .model import Collector, Finding
from .rules import SCHEMA_CONTEXTS

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PATH_VAR = re.compile(r"\{[^}/]*\}")
_VERSION = re.compile(r"^(.*?)(?:_v(\d+))?$")
MAX_DEPTH = 48
_MAX_KEYS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_MIN_KEYS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


escape = pointer_token
pointer = json_pointer


def short(value: Any, limit: int = 60) -> str:
    """A JSON value for a one-line message; long values are cut."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=True, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def version_of(name: str) -> tuple[str, int]:
    """`tasks_create_v2` -> (`tasks_create`, 2); no suffix is version 1."""
    match = _VERSION.match(name)
    assert match is not None
    return match.group(1), int(match.group(2) or 1)


def find_replacement(name: str, candidates: list[str] | set[str]) -> str:
    """The newest candidate that is a later version of `name`, or ""."""
    base, number = version_of(name)
    later = [(version_of(c)[1], c) for c in candidates if version_of(c)[0] == base and version_of(c)[1] > number]
    return max(later)[1] if later else ""


@dataclass
class Symbols:
    """Python names for schema locations, from the IRs (empty when not known)."""

    operations: dict[str, str] = field(default_factory=dict)  # operationId -> "TasksApi.create"
    components: dict[str, str] = field(default_factory=dict)  # component name -> class name
    fields: dict[tuple[str, str], str] = field(default_factory=dict)  # (component, json name) -> py name
    params: dict[tuple[str, str], str] = field(default_factory=dict)  # (operationId, wire name) -> py name

    def for_pointer(self, ptr: str, operation: str = "", param: str = "") -> str:
        if ptr.startswith("/components/schemas/"):
            parts = ptr.split("/")[3:]
            name = parts[0].replace("~1", "/").replace("~0", "~")
            text = self.components.get(name, "")
            if text and len(parts) >= 3 and parts[1] == "properties":
                prop = parts[2].replace("~1", "/").replace("~0", "~")
                text += "." + self.fields.get((name, prop), prop)
            return text
        text = self.operations.get(operation, "")
        if text and param:
            text += f"({self.params.get((operation, param), param)})"
        return text


@dataclass
class _Op:
    key: tuple[str, str]
    method: str
    path: str
    op_id: str
    ptr: str
    raw: dict[str, Any]
    params: dict[tuple[str, str], tuple[dict[str, Any], str]]
    security: list[dict[str, Any]] | None
    deprecated: bool
    tag: str


class ApiComparer:
    def __init__(self, old: dict[str, Any], new: dict[str, Any], symbols: Symbols | None = None) -> None:
        self.old, self.new = old, new
        self.symbols = symbols or Symbols()
        self.out = Collector()
        self._memo: dict[tuple[str, str, str], list[tuple[str, str, str, str]]] = {}
        self._active: set[tuple[str, str, str]] = set()
        self._param = ""  # the parameter whose schema is being compared, for messages and symbols

    # ------------------------------------------------------------------ helpers
    def _add(self, rule_id: str, message: str, ptr: str, symbol: str = "") -> None:
        """`symbol` "-" means none (a finding shared by many operations)."""
        if symbol == "-":
            symbol = ""
        elif not symbol:
            param = self._param if self._param and ptr.startswith("/paths/") else ""
            symbol = self.symbols.for_pointer(ptr, self.out.operation, param)
            if param:
                message = f"parameter {param}: {message}"
        self.out.add(rule_id, message, ptr, symbol)

    @staticmethod
    def _resolve(doc: dict[str, Any], node: Any, depth: int = 0) -> tuple[Any, str]:
        """Follow local `$ref`s; returns the target and the last component name."""
        name = ""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < MAX_DEPTH:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                return {}, name
            target: Any = doc
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part) if isinstance(target, dict) else None
            name = ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
            node, depth = target if isinstance(target, dict) else {}, depth + 1
        return node, name

    def _flatten(self, doc: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        """Merge `allOf` parts into one schema (properties and required united)."""
        parts = schema.get("allOf")
        if not isinstance(parts, list) or depth > MAX_DEPTH:
            return schema
        merged: dict[str, Any] = {}
        props: dict[str, Any] = {}
        required: list[str] = []
        for part in parts:
            target, _ = self._resolve(doc, part)
            if not isinstance(target, dict):
                continue
            flat = self._flatten(doc, target, depth + 1)
            for key, value in flat.items():
                if key == "properties" and isinstance(value, dict):
                    props.update(value)
                elif key == "required" and isinstance(value, list):
                    required += [r for r in value if r not in required]
                elif key not in merged:
                    merged[key] = value
        for key, value in schema.items():
            if key == "properties" and isinstance(value, dict):
                props.update(value)
            elif key == "required" and isinstance(value, list):
                required += [r for r in value if r not in required]
            elif key != "allOf":
                merged[key] = value
        if props:
            merged["properties"] = props
        if required:
            merged["required"] = required
        return merged

    def _unwrap(self, doc: dict[str, Any], schema: Any, depth: int = 0) -> tuple[dict[str, Any], dict[str, Any] | None, str]:
        """(the keys around a reference, the referenced component flattened, its name); an inline
        schema is (itself flattened, None, ""). Wrappers are references too: `allOf: [$ref]`
        with siblings, and a oneOf/anyOf of one `$ref` beside null (a nullable wrapper)."""
        if not isinstance(schema, dict) or depth > MAX_DEPTH:
            return {}, None, ""
        if "$ref" in schema:
            target, name = self._resolve(doc, schema)
            flat = self._flatten(doc, target)
            single = self._single_ref(doc, flat)
            if single is None:
                return {}, flat, name
            outer, inner, inner_name = self._unwrap(doc, single[0], depth + 1)
            return {**single[1], **outer}, inner, inner_name
        parts = schema.get("allOf")
        if isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], dict) and "$ref" in parts[0] \
                and "properties" not in schema:
            outer, inner, name = self._unwrap(doc, parts[0], depth + 1)
            return {**outer, **{k: v for k, v in schema.items() if k != "allOf"}}, inner, name
        flat = self._flatten(doc, schema)
        single = self._single_ref(doc, flat)
        if single is not None:
            outer, inner, name = self._unwrap(doc, single[0], depth + 1)
            return {**outer, **single[1]}, inner, name
        return flat, None, ""

    def _single_ref(self, doc: dict[str, Any], flat: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """`oneOf: [{$ref: X}, {$ref: NullEnum}]` -> ({$ref: X}, {keys around it, nullable})."""
        for keyword in ("oneOf", "anyOf"):
            variants = flat.get(keyword)
            if not isinstance(variants, list) or "properties" in flat or flat.get("type"):
                continue
            real = [v for v in variants if not self._is_null(doc, v)]
            if len(real) == 1 and isinstance(real[0], dict) and "$ref" in real[0]:
                around = {k: v for k, v in flat.items() if k not in ("oneOf", "anyOf")}
                if len(real) < len(variants):
                    around["nullable"] = True
                return real[0], around
        return None

    def _is_null(self, doc: dict[str, Any], schema: Any) -> bool:
        target, _ = self._resolve(doc, schema)
        return isinstance(target, dict) and (target.get("enum") == [None] or target.get("type") == "null")

    def _nullable(self, doc: dict[str, Any], flat: dict[str, Any]) -> bool:
        kind = flat.get("type")
        if flat.get("nullable") is True or (isinstance(kind, list) and "null" in kind):
            return True
        if isinstance(flat.get("enum"), list) and None in flat["enum"]:
            return True
        return any(self._is_null(doc, v) for key in ("oneOf", "anyOf") for v in flat.get(key) or [])

    @staticmethod
    def _types(flat: dict[str, Any]) -> set[str]:
        kind = flat.get("type")
        kinds = set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()
        return kinds - {"null"}

    # ------------------------------------------------------------------ schemas
    def compare_schema(self, o: Any, n: Any, ctx: str, ptr: str, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            return
        o_outer, o_target, o_ref = self._unwrap(self.old, o)
        n_outer, n_target, n_ref = self._unwrap(self.new, n)
        o_eff = {**(o_target or {}), **o_outer}
        n_eff = {**(n_target or {}), **n_outer}
        self._site_checks(o_eff, n_eff, ctx, ptr)
        if o_ref and n_ref and o_target is not None and n_target is not None:
            inner = ctx if ctx == "request-parameter" else f"{SCHEMA_CONTEXTS[ctx]}-property"
            key = (o_ref, n_ref, inner)
            if key in self._memo:
                self.out.replay(self._memo[key])
                return
            if key in self._active:
                return  # a cycle: its findings are reported where it started
            self._active.add(key)
            self.out.start()
            try:
                self._body_checks(o_target, n_target, inner, pointer("components", "schemas", n_ref), depth,
                                  (o_ref, n_ref))
            finally:
                self._memo[key] = self.out.stop()
                self._active.discard(key)
        else:
            self._body_checks(o_eff, n_eff, ctx, ptr, depth, (o_ref, n_ref))

    def _site_checks(self, o: dict[str, Any], n: dict[str, Any], ctx: str, ptr: str) -> None:
        o_null, n_null = self._nullable(self.old, o), self._nullable(self.new, n)
        if o_null != n_null:
            self._add(f"{ctx}-became-{'nullable' if n_null else 'non-nullable'}",
                      "null is now allowed" if n_null else "null is no longer allowed", ptr)
        if ("default" in o or "default" in n) and (("default" in o) != ("default" in n) or o.get("default") != n.get("default")):
            before = short(o["default"]) if "default" in o else "none"
            after = short(n["default"]) if "default" in n else "none"
            self._add(f"{ctx}-default-changed", f"default {before} -> {after}", ptr)

    def _body_checks(self, o: dict[str, Any], n: dict[str, Any], ctx: str, ptr: str, depth: int,
                     refs: tuple[str, str] = ("", "")) -> None:
        direction = SCHEMA_CONTEXTS[ctx]
        o_types, n_types = self._types(o), self._types(n)
        type_changed = bool(o_types and n_types and o_types != n_types)
        if type_changed:
            self._add(f"{ctx}-type-changed", f"type {'/'.join(sorted(o_types))} -> {'/'.join(sorted(n_types))}", ptr)
        elif o.get("format") != n.get("format") and (o_types or n_types):
            self._add(f"{ctx}-format-changed", f"format {o.get('format') or 'none'} -> {n.get('format') or 'none'}", ptr)
        if type_changed:
            return
        if isinstance(o.get("enum"), list) and isinstance(n.get("enum"), list):
            old_values = [v for v in o["enum"] if v is not None]
            new_values = [v for v in n["enum"] if v is not None]
            removed = [v for v in old_values if v not in new_values]
            added = [v for v in new_values if v not in old_values]
            if removed:
                self._add(f"{ctx}-enum-value-removed", "enum values removed: " + ", ".join(short(v, 40) for v in removed), ptr)
            if added:
                self._add(f"{ctx}-enum-value-added", "enum values added: " + ", ".join(short(v, 40) for v in added), ptr)
        self._constraints(o, n, ctx, ptr)
        if o.get("pattern") != n.get("pattern"):
            self._add(f"{ctx}-pattern-changed", f"pattern {short(o.get('pattern'))} -> {short(n.get('pattern'))}", ptr)
        if self._variants(o, n, ctx, ptr, depth, refs):
            return
        if isinstance(o.get("properties"), dict) or isinstance(n.get("properties"), dict):
            self._properties(o, n, direction, ptr, depth)
        for key in ("items", "additionalProperties"):
            if isinstance(o.get(key), dict) and isinstance(n.get(key), dict):
                self.compare_schema(o[key], n[key], ctx, f"{ptr}/{key}", depth + 1)

    def _constraints(self, o: dict[str, Any], n: dict[str, Any], ctx: str, ptr: str) -> None:
        def number(value: Any) -> float | None:
            return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

        for keys, lower, higher in ((_MAX_KEYS, "max-decreased", "max-increased"), (_MIN_KEYS, "min-decreased", "min-increased")):
            for key in keys:
                a, b = number(o.get(key)), number(n.get(key))
                if a == b:
                    continue
                is_max = keys is _MAX_KEYS
                if a is None:
                    went = "max-decreased" if is_max else "min-increased"
                elif b is None:
                    went = "max-increased" if is_max else "min-decreased"
                else:
                    went = lower if b < a else higher
                self._add(f"{ctx}-{went}", f"{key} {a if a is not None else 'none'} -> {b if b is not None else 'none'}", ptr)

    def _variant_keys(self, doc: dict[str, Any], flat: dict[str, Any]) -> dict[str, tuple[str, Any]]:
        found: dict[str, tuple[str, Any]] = {}
        for keyword in ("oneOf", "anyOf"):
            for index, variant in enumerate(flat.get(keyword) or []):
                if not isinstance(variant, dict) or self._is_null(doc, variant):
                    continue
                _, name = self._resolve(doc, variant)
                if name:
                    label = name
                else:
                    kinds = self._types(variant)
                    label = "/".join(sorted(kinds)) or f"inline {index}"
                    if variant.get("format"):
                        label += f" ({variant['format']})"
                found.setdefault(label, (f"{keyword}/{index}", variant))
        return found

    def _variants(self, o: dict[str, Any], n: dict[str, Any], ctx: str, ptr: str, depth: int,
                  refs: tuple[str, str] = ("", "")) -> bool:
        """Compare oneOf/anyOf alternatives. A plain reference on one side and alternatives on
        the other is one alternative (so `X` -> `oneOf: [X, Y]` is "Y added"); returns True when
        the alternatives were compared that way, and the properties must not be."""
        ov, nv = self._variant_keys(self.old, o), self._variant_keys(self.new, n)
        if not ov and not nv:
            return False
        as_one = False
        if not ov and refs[0]:
            ov, as_one = {refs[0]: ("", {"$ref": "#/components/schemas/" + escape(refs[0])})}, True
        if not nv and refs[1]:
            nv, as_one = {refs[1]: ("", {"$ref": "#/components/schemas/" + escape(refs[1])})}, True
        for label in [k for k in ov if k not in nv]:
            self._add(f"{ctx}-variant-removed", f"alternative {label} removed", ptr)
        for label in [k for k in nv if k not in ov]:
            self._add(f"{ctx}-variant-added", f"alternative {label} added", ptr)
        for label in [k for k in nv if k in ov]:
            where = f"{ptr}/{nv[label][0]}" if nv[label][0] else ptr
            self.compare_schema(ov[label][1], nv[label][1], ctx, where, depth + 1)
        return as_one

    def _visible(self, doc: dict[str, Any], flat: dict[str, Any], direction: str) -> tuple[dict[str, Any], set[str]]:
        """Properties a client sends (request) or receives (response): readOnly ones are not
        sent, writeOnly ones never come back."""
        hidden = "readOnly" if direction == "request" else "writeOnly"
        props = _as_dict(flat.get("properties"))
        visible = {}
        for name, schema in props.items():
            outer, target, _ = self._unwrap(doc, schema)
            if outer.get(hidden) is True or (target or {}).get(hidden) is True:
                continue
            visible[str(name)] = schema
        required = {r for r in flat.get("required") or [] if isinstance(r, str) and r in visible}
        return visible, required

    def _properties(self, o: dict[str, Any], n: dict[str, Any], direction: str, ptr: str, depth: int) -> None:
        o_props, o_req = self._visible(self.old, o, direction)
        n_props, n_req = self._visible(self.new, n, direction)
        ctx = f"{direction}-property"
        for name in o_props:
            if name in n_props:
                continue
            where = f"{ptr}/properties/{escape(name)}"
            if direction == "request":
                self._add("request-property-removed", f"property {name} removed", where)
            else:
                kind = "required" if name in o_req else "optional"
                self._add(f"response-{kind}-property-removed", f"property {name} removed", where)
        for name in n_props:
            where = f"{ptr}/properties/{escape(name)}"
            if name not in o_props:
                required = name in n_req
                if direction == "request":
                    self._add(f"new-{'required' if required else 'optional'}-request-property",
                              f"new {'required' if required else 'optional'} property {name}", where)
                else:
                    self._add("response-required-property-added" if required else "response-property-added",
                              f"new {'required' if required else 'optional'} property {name}", where)
                continue
            was, now = name in o_req, name in n_req
            if was != now:
                self._add(f"{ctx}-became-{'required' if now else 'optional'}",
                          f"property {name} became {'required' if now else 'optional'}", where)
            o_flat = self._unwrap(self.old, o_props[name])
            n_flat = self._unwrap(self.new, n_props[name])
            if not (o_flat[0].get("deprecated") or (o_flat[1] or {}).get("deprecated")) and (
                    n_flat[0].get("deprecated") or (n_flat[1] or {}).get("deprecated")):
                self._add(f"{ctx}-deprecated", f"property {name} is deprecated", where)
            self.compare_schema(o_props[name], n_props[name], ctx, where, depth + 1)

    # ------------------------------------------------------------------ operations
    def _operations(self, doc: dict[str, Any]) -> dict[tuple[str, str], _Op]:
        found: dict[tuple[str, str], _Op] = {}
        paths = _as_dict(doc.get("paths"))
        global_security = doc.get("security") if isinstance(doc.get("security"), list) else None
        for path, item in paths.items():
            item, _ = self._resolve(doc, item)
            if not isinstance(item, dict):
                continue
            variables = _PATH_VAR.findall(str(path))
            shared = _as_list(item.get("parameters"))
            for method in HTTP_METHODS:
                raw = item.get(method)
                if not isinstance(raw, dict):
                    continue
                op_ptr = pointer("paths", path, method)
                params: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
                own = _as_list(raw.get("parameters"))
                for source, items in ((pointer("paths", path, "parameters"), shared), (f"{op_ptr}/parameters", own)):
                    for index, param in enumerate(items):
                        param, _ = self._resolve(doc, param)
                        if not isinstance(param, dict) or not isinstance(param.get("name"), str):
                            continue
                        where, name = str(param.get("in", "")), param["name"]
                        # path variables are matched by position: renaming {id} changes nothing for callers
                        key_name = f"#{variables.index('{' + name + '}')}" if where == "path" and "{" + name + "}" in variables else name
                        params[(where, key_name)] = (param, f"{source}/{index}")
                key = (method, _PATH_VAR.sub("{}", str(path)))
                tags = _as_list(raw.get("tags"))
                found[key] = _Op(key, method, str(path), str(raw.get("operationId") or f"{method} {path}"), op_ptr, raw,
                                 params, raw["security"] if isinstance(raw.get("security"), list) else global_security,
                                 raw.get("deprecated") is True, str(tags[0]) if tags else "")
        return found

    def run(self) -> list[Finding]:
        old_ops, new_ops = self._operations(self.old), self._operations(self.new)
        pairs = [(old_ops[k], new_ops[k]) for k in old_ops if k in new_ops]
        removed = {o.op_id: o for k, o in old_ops.items() if k not in new_ops}
        added = {n.op_id: n for k, n in new_ops.items() if k not in old_ops}
        for op_id in sorted(set(removed) & set(added)):
            o, n = removed.pop(op_id), added.pop(op_id)
            self.out.operation = op_id
            self._add("api-path-changed", f"{o.method.upper()} {o.path} -> {n.method.upper()} {n.path}", n.ptr)
            pairs.append((o, n))
        new_ids = {n.op_id for n in new_ops.values()}
        for op_id, o in sorted(removed.items()):
            self.out.operation = op_id
            # the newer version may be new, or may have existed beside the old one for a while
            replacement = find_replacement(op_id, set(added)) or find_replacement(op_id, new_ids)
            if replacement:
                added.pop(replacement, None)
                when = "after" if o.deprecated else "without"
                self._add(f"api-replaced-{when}-deprecation", f"{op_id} ({o.method.upper()} {o.path}) replaced by "
                          f"{replacement}", o.ptr, self.symbols.operations.get(op_id, ""))
            else:
                when = "after" if o.deprecated else "without"
                self._add(f"api-removed-{when}-deprecation", f"{o.method.upper()} {o.path} removed", o.ptr,
                          self.symbols.operations.get(op_id, ""))
        for op_id, n in sorted(added.items()):
            self.out.operation = op_id
            self._add("api-added", f"new operation {n.method.upper()} {n.path}", n.ptr)
        for o, n in sorted(pairs, key=lambda pair: pair[1].op_id):
            self._compare_operation(o, n, new_ids)
        self.out.operation = ""
        self._security_schemes()
        return self.out.findings()

    def _compare_operation(self, o: _Op, n: _Op, new_ids: set[str]) -> None:
        self.out.operation = n.op_id
        if o.op_id != n.op_id:
            self._add("api-operation-id-changed", f"operationId {o.op_id} -> {n.op_id}", n.ptr)
        if not o.deprecated and n.deprecated:
            replacement = find_replacement(n.op_id, new_ids)
            self._add("api-deprecated", "deprecated" + (f"; replaced by {replacement}" if replacement else ""), n.ptr)
        elif o.deprecated and not n.deprecated:
            self._add("api-reactivated", "no longer deprecated", n.ptr)
        if o.tag != n.tag:
            self._add("api-tag-changed", f"tag {o.tag or 'none'} -> {n.tag or 'none'}", n.ptr)
        self._security(o, n)
        self._parameters(o, n)
        self._request_body(o, n)
        self._responses(o, n)

    def _security(self, o: _Op, n: _Op) -> None:
        def names(alternatives: list[dict[str, Any]] | None) -> tuple[set[str], bool]:
            if not alternatives:
                return set(), True
            schemes = {str(k) for alt in alternatives if isinstance(alt, dict) for k in alt}
            return schemes, any(isinstance(alt, dict) and not alt for alt in alternatives)

        o_names, o_anon = names(o.security)
        n_names, n_anon = names(n.security)
        # one finding per scheme, listing every operation (a global change touches them all)
        for name in sorted(o_names - n_names):
            self._add("api-security-scheme-removed", f"operations no longer accept {name}",
                      pointer("components", "securitySchemes", name), "-")
        for name in sorted(n_names - o_names):
            self._add("api-security-scheme-added", f"operations also accept {name}",
                      pointer("components", "securitySchemes", name), "-")
        if o_anon and not n_anon:
            self._add("api-authentication-became-required", "anonymous calls are no longer allowed", f"{n.ptr}/security")
        elif n_anon and not o_anon:
            self._add("api-authentication-became-optional", "anonymous calls are now allowed", f"{n.ptr}/security")

    def _security_schemes(self) -> None:
        def schemes(doc: dict[str, Any]) -> dict[str, Any]:
            value = (doc.get("components") or {}).get("securitySchemes")
            return value if isinstance(value, dict) else {}

        old, new = schemes(self.old), schemes(self.new)
        for name in sorted(set(old) | set(new)):
            where = pointer("components", "securitySchemes", name)
            if name not in new:
                self._add("security-scheme-removed", f"security scheme {name} removed", where)
            elif name not in old:
                self._add("security-scheme-added", f"security scheme {name} added", where)
            else:
                a, _ = self._resolve(self.old, old[name])
                b, _ = self._resolve(self.new, new[name])
                keys = ("type", "scheme", "in", "name", "bearerFormat")
                before = {k: a.get(k) for k in keys if isinstance(a, dict) and a.get(k) is not None}
                after = {k: b.get(k) for k in keys if isinstance(b, dict) and b.get(k) is not None}
                if before != after:
                    self._add("security-scheme-changed", f"security scheme {name}: {short(before)} -> {short(after)}", where)

    def _parameters(self, o: _Op, n: _Op) -> None:
        for key, (param, where) in o.params.items():
            if key in n.params:
                continue
            name = param["name"]
            rule_id = "request-parameter-removed-after-deprecation" if param.get("deprecated") is True else "request-parameter-removed"
            self._add(rule_id, f"{key[0]} parameter {name} removed", where,
                      self.symbols.for_pointer(where, o.op_id, name))
        for key, (param, where) in n.params.items():
            name = param["name"]
            symbol = self.symbols.for_pointer(where, n.op_id, name)
            required = param.get("required") is True
            if key not in o.params:
                kind = "required" if required else "optional"
                self._add(f"new-{kind}-request-parameter", f"new {kind} {key[0]} parameter {name}", where, symbol)
                continue
            old_param, _ = o.params[key]
            was = old_param.get("required") is True
            if was != required:
                self._add(f"request-parameter-became-{'required' if required else 'optional'}",
                          f"{key[0]} parameter {name} became {'required' if required else 'optional'}", where, symbol)
            if param.get("deprecated") is True and old_param.get("deprecated") is not True:
                self._add("request-parameter-deprecated", f"{key[0]} parameter {name} is deprecated", where, symbol)
            if isinstance(old_param.get("schema"), dict) and isinstance(param.get("schema"), dict):
                self._param = name
                try:
                    self.compare_schema(old_param["schema"], param["schema"], "request-parameter", f"{where}/schema")
                finally:
                    self._param = ""

    @staticmethod
    def _content(body: Any) -> dict[str, Any]:
        content = body.get("content") if isinstance(body, dict) else None
        return content if isinstance(content, dict) else {}

    def _request_body(self, o: _Op, n: _Op) -> None:
        a, _ = self._resolve(self.old, o.raw.get("requestBody"))
        b, _ = self._resolve(self.new, n.raw.get("requestBody"))
        where = f"{n.ptr}/requestBody"
        if not a and not b:
            return
        if not b:
            self._add("request-body-removed", "the request body was removed", f"{o.ptr}/requestBody")
            return
        required = b.get("required") is True
        if not a:
            kind = "required" if required else "optional"
            self._add(f"new-{kind}-request-body", f"new {kind} request body", where)
            return
        if (a.get("required") is True) != required:
            self._add(f"request-body-became-{'required' if required else 'optional'}",
                      f"the request body became {'required' if required else 'optional'}", where)
        self._media(self._content(a), self._content(b), "request-body", where, "request-body")

    def _media(self, a: dict[str, Any], b: dict[str, Any], ctx: str, where: str, prefix: str) -> None:
        for media in a:
            if media not in b:
                self._add(f"{prefix}-media-type-removed",
                          f"media type {media} removed", f"{where}/content/{escape(media)}")
        compared: set[str] = set()  # the same schemas under several media types are compared once
        for media in b:
            if media not in a:
                self._add(f"{prefix}-media-type-added",
                          f"media type {media} added", f"{where}/content/{escape(media)}")
            elif isinstance(a[media], dict) and isinstance(b[media], dict) and \
                    isinstance(a[media].get("schema"), dict) and isinstance(b[media].get("schema"), dict):
                key = json.dumps([a[media]["schema"], b[media]["schema"]], sort_keys=True, default=str)
                if key in compared:
                    continue
                compared.add(key)
                self.compare_schema(a[media]["schema"], b[media]["schema"], ctx, f"{where}/content/{escape(media)}/schema")

    def _responses(self, o: _Op, n: _Op) -> None:
        a = _as_dict(o.raw.get("responses"))
        b = _as_dict(n.raw.get("responses"))
        for status in a:
            if status not in b:
                kind = "success" if str(status).startswith("2") else "non-success"
                self._add(f"response-{kind}-status-removed", f"response {status} removed",
                          pointer("paths", o.path, o.method, "responses", status))
        for status in b:
            where = pointer("paths", n.path, n.method, "responses", status)
            if status not in a:
                kind = "success" if str(status).startswith("2") else "non-success"
                self._add(f"response-{kind}-status-added", f"new response {status}", where)
                continue
            ra, _ = self._resolve(self.old, a[status])
            rb, _ = self._resolve(self.new, b[status])
            ca, cb = self._content(ra), self._content(rb)
            if ca and not cb:
                self._add("response-body-removed", f"response {status} no longer has a body", where)
            elif cb and not ca:
                self._add("response-body-added", f"response {status} now has a body", where)
            else:
                self._media(ca, cb, "response-body", where, "response")


def compare_api(old: dict[str, Any], new: dict[str, Any], symbols: Symbols | None = None) -> list[Finding]:
    return ApiComparer(old, new, symbols).run()


__all__ = ["ApiComparer", "Symbols", "compare_api", "find_replacement", "pointer", "version_of"]
