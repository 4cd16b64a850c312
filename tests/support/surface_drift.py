"""Tell the surface differences that the server's schema itself explains from generator bugs.

Why: not every server release has a cvat-sdk of its own (server 2.36.1 -> cvat-sdk 2.36.0),
and a patch release may change the schema (2.36.1 renamed `AnnotationConflictTypeEnum` to
`AnnotationConflictType`; 2.50.1 made `type` of `retrieve_data` required). A generator that
follows the schema can't produce what the schema does not have. A difference is "drift"
only when the schema shows it: the missing model is not a component of the schema, the
missing field is not a property of it, the positional parameters that differ are exactly
those whose `required` flag in the schema says what ours do. Everything else counts.
"""

from __future__ import annotations

import re
from typing import Any


def _operation(doc: dict[str, Any], surface: dict[str, Any], api: str, op: str) -> dict[str, Any] | None:
    endpoint = (((surface.get("apis") or {}).get(api) or {}).get("operations") or {}).get(op, {}).get("endpoint") or {}
    item = (doc.get("paths") or {}).get(endpoint.get("endpoint_path"), {})
    found = item.get(str(endpoint.get("http_method", "")).lower()) if isinstance(item, dict) else None
    return found if isinstance(found, dict) else None


def _schema_required(doc: dict[str, Any], operation: dict[str, Any]) -> dict[str, bool]:
    out = {}
    for p in operation.get("parameters") or []:
        if isinstance(p, dict) and "$ref" in p:
            p = doc["components"]["parameters"].get(p["$ref"].rsplit("/", 1)[-1], {})
        if isinstance(p, dict) and "name" in p:
            out[str(p["name"])] = bool(p.get("required")) or p.get("in") == "path"
    return out


def classify(doc: dict[str, Any], ours: dict[str, Any], comparison: dict[str, Any],
             reference: dict[str, Any] | None = None) -> dict[str, list[str]]:
    """{"missing_operations" | "missing_params" | "missing_models" | "missing_fields" |
    "positional_mismatch": [items the schema explains]}. ``reference`` (the real SDK's dump)
    locates an operation that our build lacks by its endpoint path and method."""
    schemas = (doc.get("components") or {}).get("schemas") or {}
    drift: dict[str, list[str]] = {"missing_operations": [], "missing_params": [], "missing_models": [],
                                   "missing_fields": [], "positional_mismatch": []}
    for item in comparison.get("missing_operations") or []:
        api, _, op = item.partition(".")
        if _operation(doc, reference or {}, api, op) is None:
            drift["missing_operations"].append(item)
    for item in comparison.get("missing_params") or []:
        m = re.match(r"(\w+)\.(\w+)\((\w+)\)(  \[op missing\])?$", item)
        if not m:
            continue
        operation = _operation(doc, reference or {}, m.group(1), m.group(2))
        if m.group(4) and f"{m.group(1)}.{m.group(2)}" in drift["missing_operations"]:
            drift["missing_params"].append(item)
        elif operation is not None and m.group(3) not in _schema_required(doc, operation) \
                and not (operation.get("requestBody") and m.group(3).endswith("_request")):
            drift["missing_params"].append(item)
    for name in comparison.get("missing_models") or []:
        if name not in schemas:
            drift["missing_models"].append(name)
    for item in comparison.get("missing_fields") or []:
        model, _, field = item.split("  ")[0].partition(".")
        props = (schemas.get(model) or {}).get("properties") or {}
        if model not in schemas or field not in props:
            drift["missing_fields"].append(item)
    ours_apis = ours.get("apis") or {}
    for item in comparison.get("positional_mismatch") or []:
        m = re.match(r"(\w+)\.(\w+): (\[.*?\]|None) -> (\[.*?\]|None)$", item)
        if not m:
            continue
        ref = set(re.findall(r"'(\w+)'", m.group(3)))
        mine = set(re.findall(r"'(\w+)'", m.group(4)))
        operation = _operation(doc, ours, m.group(1), m.group(2))
        if operation is None:
            continue
        required = _schema_required(doc, operation)
        params = ((ours_apis.get(m.group(1)) or {}).get("operations") or {}).get(m.group(2), {}).get("params") or {}
        wire = {name: (p.get("wire_name") or name) for name, p in params.items()}
        differing = ref ^ mine
        if differing and all(wire.get(n, n) in required and required[wire.get(n, n)] == (n in mine)
                             for n in differing):
            drift["positional_mismatch"].append(item)
    return drift
