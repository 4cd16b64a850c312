"""Why the request of an operation can't be valid, read from the schema alone.

tests/functional/test_api_page_examples.py asks this only about an example that failed: when
the schema itself can't be satisfied (a required parameter whose ``minLength`` exceeds its
``maxLength``, an empty ``enum``, a required property that must nest itself forever...), no
example can pass and the test reports the case, with this reason, instead of failing. The
reason is computed, so a new release with a new contradiction needs no edit here, and a
failing example of a satisfiable operation is never excused.
"""

from __future__ import annotations

import re
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PAIRS = (("minLength", "maxLength"), ("minItems", "maxItems"), ("minProperties", "maxProperties"))


class _Walker:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema

    def resolve(self, node: Any) -> Any:
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                return {}
            seen.add(ref)
            target: Any = self.schema
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part) if isinstance(target, dict) else None
            node = target if isinstance(target, dict) else {}
        return node if isinstance(node, dict) else {}

    def why(self, node: Any, where: str, chain: tuple[str, ...] = ()) -> str:
        """Why no value can match ``node`` ("" when one can)."""
        ref = node.get("$ref") if isinstance(node, dict) else None
        if isinstance(ref, str):
            if ref in chain:
                return f"{where} must contain itself ({ref}) without end"
            chain = (*chain, ref)
        node = self.resolve(node)
        if node.get("nullable") is True:
            return ""
        if "enum" in node and isinstance(node["enum"], list) and not node["enum"]:
            return f"{where}: enum has no values"
        for low_key, high_key in _PAIRS:
            low, high = node.get(low_key), node.get(high_key)
            if isinstance(low, int) and isinstance(high, int) and low > high:
                return f"{where}: {low_key} {low} > {high_key} {high}"
        low, high = node.get("minimum"), node.get("maximum")
        if isinstance(low, (int, float)) and isinstance(high, (int, float)):
            if low > high or (low == high and (node.get("exclusiveMinimum") is True or node.get("exclusiveMaximum") is True)):
                return f"{where}: no number between minimum {low} and maximum {high}"
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except (re.error, RecursionError) as exc:
                return f"{where}: pattern {pattern!r} is not a valid regular expression ({exc})"
        for part in node.get("allOf") or ():
            reason = self.why(part, where, chain)
            if reason:
                return reason
        for key in ("oneOf", "anyOf"):
            members = node.get(key)
            if isinstance(members, list) and members:
                reasons = [self.why(m, where, chain) for m in members]
                if all(reasons):
                    return f"{where}: no member of {key} can be satisfied ({reasons[0]})"
        properties = node.get("properties") if isinstance(node.get("properties"), dict) else {}
        for name in node.get("required") or ():
            prop = properties.get(name)
            if prop is None:
                if node.get("additionalProperties") is False:
                    return f"{where}: required property {name!r} is not allowed (additionalProperties: false)"
                continue
            if self.resolve(prop).get("readOnly") is True:
                continue  # not required in requests
            reason = self.why(prop, f"{where}.{name}", chain)
            if reason:
                return reason
        if node.get("type") == "array" and isinstance(node.get("minItems"), int) and node["minItems"] > 0:
            return self.why(node.get("items") or {}, f"{where}[]", chain)
        return ""


def find_operation(schema: dict[str, Any], method: str, path: str) -> tuple[dict[str, Any], list[Any]] | None:
    """The operation object of ``method path`` and its parameters (path-level ones too)."""
    item = (schema.get("paths") or {}).get(path)
    if not isinstance(item, dict) or not isinstance(item.get(method.lower()), dict):
        return None
    op = item[method.lower()]
    own = list(op.get("parameters") or ())
    names = {(p.get("in"), p.get("name")) for p in own if isinstance(p, dict)}
    shared = [p for p in item.get("parameters") or () if isinstance(p, dict) and (p.get("in"), p.get("name")) not in names]
    return op, own + shared


def impossible_reason(schema: dict[str, Any], method: str, path: str) -> str:
    """Why no request of ``method path`` can pass validation, "" when one can."""
    found = find_operation(schema, method, path)
    if found is None:
        return f"the schema has no operation {method} {path}"
    op, params = found
    walker = _Walker(schema)
    for param in params:
        param = walker.resolve(param)
        if param.get("required") or param.get("in") == "path":
            reason = walker.why(param.get("schema") or {}, f"parameter {param.get('name')!r}")
            if reason:
                return reason
    body = walker.resolve(op.get("requestBody") or {})
    if body.get("required"):
        content = body.get("content") or {}
        reasons = [walker.why((media or {}).get("schema") or {}, f"request body ({name})")
                   for name, media in content.items()]
        if reasons and all(reasons):
            return reasons[0]
    return ""
