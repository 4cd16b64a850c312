"""Make a JSON response of the stateful fake fit one release's response schema.

Why: FakeCvat shapes its JSON like the newest models; an older release's schema can differ
in small ways (``TaskRead.data`` is a nullable integer in 2.70, a plain optional integer in
2.5.2). A real server of that release omits such a value instead of sending ``null``; so
does this: a ``null`` for a property that is neither nullable nor required is dropped,
recursively through ``$ref``, ``allOf``, arrays and maps. Everything else is kept (extra
properties are what version skew looks like, and clients must accept them).
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 64


def _resolve(doc: dict[str, Any], schema: Any) -> dict[str, Any]:
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 32:
        node: Any = doc
        for part in str(schema["$ref"]).lstrip("#/").split("/"):
            node = node.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
        schema, seen = node, seen + 1
    return schema if isinstance(schema, dict) else {}


def _object_parts(doc: dict[str, Any], schema: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    props: dict[str, Any] = {}
    required: set[str] = set(schema.get("required") or [])
    for part in schema.get("allOf") or []:
        sub_props, sub_required = _object_parts(doc, _resolve(doc, part))
        props.update(sub_props)
        required |= sub_required
    props.update(schema.get("properties") or {})
    return props, required


def conform(doc: dict[str, Any], schema: Any, value: Any, depth: int = 0) -> Any:
    """``value`` with the nulls that ``schema`` does not allow (and need not have) left out."""
    schema = _resolve(doc, schema)
    if depth > MAX_DEPTH or value is None:
        return value
    if isinstance(value, dict):
        props, required = _object_parts(doc, schema)
        if not props:
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                return {k: conform(doc, extra, v, depth + 1) for k, v in value.items()}
            return value
        out = {}
        for key, item in value.items():
            prop = _resolve(doc, props.get(key)) if key in props else None
            if prop is not None and item is None and key not in required and not _nullable(doc, prop):
                continue
            out[key] = conform(doc, prop, item, depth + 1) if prop is not None else item
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [conform(doc, schema["items"], item, depth + 1) for item in value]
    return value


def _nullable(doc: dict[str, Any], schema: dict[str, Any]) -> bool:
    if schema.get("nullable"):
        return True
    members = schema.get("oneOf") or schema.get("anyOf") or schema.get("allOf") or []
    return any(_nullable(doc, _resolve(doc, m)) or _resolve(doc, m).get("enum") == [None] for m in members)


def response_schema(doc: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any] | None:
    """The JSON schema of the ``status`` response of ``method path`` (None if not JSON)."""
    operation = ((doc.get("paths") or {}).get(path) or {}).get(method.lower())
    if not isinstance(operation, dict):
        return None
    responses = operation.get("responses") or {}
    response = _resolve(doc, responses.get(str(status)) or responses.get("default"))
    for media, body in (response.get("content") or {}).items():
        if "json" in media and isinstance(body, dict) and isinstance(body.get("schema"), dict):
            return body["schema"]
    return None
