"""Call every operation of a generated SDK against a ContractServer.

Why a helper module: the contract test (one schema, one server) and the skew
test (the SDK of release A against a server of release B) run the same calls
and the same checks; only which parameters may be sent differs.

Argument synthesis works from the *schema* (the same document the server
validates with), never from the generator's output, except for the Python
spelling of each value, which comes from the ``Param`` type strings of the
generated ``EndpointSpec`` (``int``, ``bool``, ``datetime``, ``list[...]``,
enum classes...). So a generator that drops or mistypes a parameter shows up
as a rejected request, not as a silently adapted test.

Per operation, :func:`plan_calls` makes:

* ``required`` - only the required parameters (and the body only if it is
  required), response variant "required";
* ``full`` - every parameter the SDK knows, the body with every property,
  response variant "full";
* ``nulls`` - the arguments of ``full`` again, response variant "nulls"
  (every nullable response field is ``null``);
* ``multipart`` - when the body has binary fields and the operation accepts
  ``multipart/form-data``: every simple property and real file objects
  (``io.BytesIO``), sent with ``_content_type="multipart/form-data"``.

A call passes when exactly one request reached the server, the server
accepted it (``RequestRecord.ok``), and the response was parsed into the
declared type: a model instance of the schema's response component (or a
list of them), ``bytes`` for binary, ``None`` for no body. Models are also
round-tripped: ``to_json(data)`` must give back the JSON the server sent
(unless the server injected skew), and ``type(m)(**m.to_dict()) == m``.
"""

from __future__ import annotations

import enum
import io
import json
import re
import traceback
from dataclasses import dataclass, field
from datetime import date, datetime
from types import ModuleType
from typing import Any, Iterator

from tests.support.contract_server import ContractServer, Operation, collect_operations
from cvat_gen.ir_build.rules import is_json_media  # the generator's and the runtime's one rule
from tests.support.synth import Synthesizer, pick_media_type

MULTIPART = "multipart/form-data"
_LIST = re.compile(r"^list\[(?P<inner>.*)\]$")
_DICT = re.compile(r"^dict\[str, (?P<inner>.*)\]$")


# --------------------------------------------------------------------------------------
# schema helpers
# --------------------------------------------------------------------------------------


class SchemaIndex:
    """Operations of one schema by operationId, and a request-side synthesizer."""

    def __init__(self, schema: dict[str, Any], seed: int = 0) -> None:
        self.schema = schema
        self.operations: dict[str, Operation] = {
            op.operation_id: op for op in collect_operations(schema)
        }
        self.synth = Synthesizer(schema, seed=seed)

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        return self.synth.resolve(node)

    def params(self, op: Operation) -> dict[tuple[str, str], dict[str, Any]]:
        """(in, name) -> resolved parameter object."""
        out = {}
        for p in op.parameters:
            p = self.resolve(p)
            out[(p["in"], p["name"])] = p
        return out

    def request_body(self, op: Operation) -> dict[str, Any] | None:
        body = op.spec.get("requestBody")
        return self.resolve(body) if body else None

    def body_schema(self, op: Operation, media: str) -> dict[str, Any]:
        body = self.request_body(op) or {}
        return (body.get("content", {}).get(media) or {}).get("schema") or {}

    def flat(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``schema`` resolved, with ``allOf`` merged."""
        schema = self.resolve(schema)
        if "allOf" in schema:
            schema = self.synth._merge_all_of(schema)
        return schema

    def is_binary(self, schema: dict[str, Any]) -> bool:
        s = self.flat(schema)
        return s.get("type") == "string" and s.get("format") == "binary"

    def binary_props(self, schema: dict[str, Any]) -> dict[str, bool]:
        """Properties of an object schema holding files: name -> is a list of files."""
        out: dict[str, bool] = {}
        for name, prop in self.flat(schema).get("properties", {}).items():
            prop = self.flat(prop)
            if self.is_binary(prop):
                out[name] = False
            elif prop.get("type") == "array" and self.is_binary(prop.get("items", {})):
                out[name] = True
        return out

    def response(self, op: Operation) -> tuple[str | None, dict[str, Any]]:
        """(media type, schema) of the response the ContractServer sends (first 2xx with a
        body), ``(None, {})`` when it has no body."""
        responses = op.spec.get("responses", {})
        codes = sorted(c for c in responses if str(c).isdigit() and str(c).startswith("2"))
        for code in codes:
            resp = self.resolve(responses[code])
            content = resp.get("content")
            if content:
                media = pick_media_type(content)
                return media, (content[media].get("schema") or {})
        return None, {}

    def closure(self, node: Any, seen: set[str] | None = None) -> set[str]:
        """Names of the components reachable from ``node``."""
        seen = set() if seen is None else seen
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/") and ref not in seen:
                seen.add(ref)
                self.closure(self.resolve({"$ref": ref}), seen)
            for key, value in node.items():
                if key != "$ref":
                    self.closure(value, seen)
        elif isinstance(node, list):
            for value in node:
                self.closure(value, seen)
        return seen

    def component(self, ref: str) -> Any:
        return self.resolve({"$ref": ref})


# --------------------------------------------------------------------------------------
# Python values from JSON values and Param type strings
# --------------------------------------------------------------------------------------


def _split_union(expr: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in expr:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    parts.append(cur.strip())
    return [p for p in parts if p and p != "None"]


def to_python(value: Any, type_expr: str, models: Any) -> Any:
    """A user's Python argument for the JSON ``value`` of a parameter typed ``type_expr``:
    ``datetime``/``date`` objects, enum members, model instances, real bools and ints."""
    if value is None:
        return None
    options = _split_union(type_expr)
    expr = options[0] if options else "Any"
    m = _LIST.match(expr)
    if m:
        items = value if isinstance(value, list) else [value]
        return [to_python(v, m.group("inner"), models) for v in items]
    m = _DICT.match(expr)
    if m:
        return {k: to_python(v, m.group("inner"), models) for k, v in value.items()}
    if expr == "int":
        return int(value)
    if expr == "float":
        return float(value)
    if expr == "bool":
        return bool(value)
    if expr == "str":
        return str(value)
    if expr == "datetime":
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if expr == "date":
        return date.fromisoformat(str(value))
    if expr in ("Any", "bytes", "file_type"):
        return value
    cls = getattr(models, expr)
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        return cls(value)
    if isinstance(value, dict):
        return cls(**value)
    return value


# --------------------------------------------------------------------------------------
# call plans
# --------------------------------------------------------------------------------------


@dataclass
class CallPlan:
    label: str  # required | full | nulls | multipart
    kwargs: dict[str, Any]
    variant: str  # response variant asked from the server
    notes: list[str] = field(default_factory=list)


@dataclass
class CallResult:
    operation_id: str
    label: str
    variant: str
    accepted: bool = False
    parsed: bool = False
    errors: list[str] = field(default_factory=list)
    # skew only: the call raised on the response; does it go through with _validate_outputs=False?
    lenient: bool | None = None

    @property
    def ok(self) -> bool:
        return self.accepted and self.parsed and not self.errors


def _fresh_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A copy whose file objects are new (the SDK reads and closes them)."""
    out = {}
    for key, value in kwargs.items():
        out[key] = _fresh(value)
    return out


def _fresh(value: Any) -> Any:
    if isinstance(value, io.BytesIO):
        new = io.BytesIO(value.getvalue())
        new.name = getattr(value, "name", "file.bin")
        return new
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    return value


def _file(name: str, index: int = 0) -> io.BytesIO:
    f = io.BytesIO(b"\x89PNG\r\n\x1a\n" + f"{name}-{index}".encode() + bytes(range(32)))
    f.name = f"{name}_{index}.png"
    return f


class Planner:
    """Builds the arguments of each call of one endpoint from the schema of the SDK's
    release (``index``); ``allowed`` (the server's schema index in the skew test) limits the
    optional parameters to those that exist on the server too."""

    def __init__(self, index: SchemaIndex, models: Any, allowed: SchemaIndex | None = None) -> None:
        self.index = index
        self.models = models
        self.allowed = allowed

    def _param_value(self, op: Operation, p: Any, sp: dict[str, Any], variant: str) -> Any:
        value = self.index.synth.generate(
            sp.get("schema", {"type": "string"}),
            key=f"param:{op.operation_id}:{sp['in']}:{sp['name']}",
            variant="full" if variant == "nulls" else variant,  # type: ignore[arg-type]
            direction="request",
        )
        return to_python(value, p.type, self.models)

    def _body(self, op: Operation, variant: str, media: str) -> dict[str, Any] | Any:
        schema = self.index.body_schema(op, media)
        value = self.index.synth.generate(
            schema, key=f"body:{op.operation_id}:{media}", variant=variant, direction="request"  # type: ignore[arg-type]
        )
        return value

    def plan(self, op: Operation, spec: Any) -> list[CallPlan]:
        schema_params = self.index.params(op)
        server_params = (
            self.allowed.params(self.allowed.operations[op.operation_id])
            if self.allowed is not None
            else schema_params
        )
        body_param = next((p for p in spec.params if p.location == "body"), None)
        form_params = [p for p in spec.params if p.location == "form"]
        rb = self.index.request_body(op)
        content = (rb or {}).get("content", {})
        json_media = next((m for m in content if is_json_media(m)), None)
        sdk_json = any(is_json_media(c) for c in spec.request_content_types)
        binary = self.index.binary_props(self.index.body_schema(op, MULTIPART)) if MULTIPART in content else {}
        body_required = bool((rb or {}).get("required"))

        def params(kind: str) -> tuple[dict[str, Any], list[str]]:
            kwargs: dict[str, Any] = {}
            notes: list[str] = []
            for p in spec.params:
                if p.location in ("body", "form"):
                    continue
                sp = schema_params.get((p.location, p.wire_name))
                if sp is None:
                    notes.append(f"SDK parameter {p.name} ({p.location} {p.wire_name}) not in the schema")
                    continue
                required = bool(sp.get("required")) or p.location == "path"
                if not required and kind == "required":
                    continue
                if not required and (p.location, p.wire_name) not in server_params:
                    notes.append(f"optional {p.location} parameter {p.wire_name} skipped: not on the server")
                    continue
                kwargs[p.name] = self._param_value(op, p, sp, kind)
            return kwargs, notes

        plans: list[CallPlan] = []
        # multipart is used for all body calls when a *required* body field is a file
        # (a file can't be sent as JSON); otherwise JSON, plus a multipart call with files
        required_file = bool(binary) and any(
            n in self.index.flat(self.index.body_schema(op, MULTIPART)).get("required", [])
            for n in binary
        )
        use_json = json_media is not None and sdk_json and not required_file
        for kind, variant in (("required", "required"), ("full", "full"), ("nulls", "nulls")):
            body_kind = "required" if kind == "required" else "full"
            kwargs, notes = params(kind)
            if body_param is not None and (body_required or body_kind == "full"):
                if use_json:
                    body = self._body(op, body_kind, json_media)  # type: ignore[arg-type]
                    if isinstance(body, dict):
                        for name in self.index.binary_props(self.index.body_schema(op, json_media)):  # type: ignore[arg-type]
                            body.pop(name, None)  # files only travel in multipart bodies
                    if kind == "full":
                        # the user's other spelling: a model instance instead of a dict
                        body = to_python(body, body_param.type, self.models)
                    kwargs[body_param.name] = body
                elif MULTIPART in content:
                    kwargs[body_param.name] = self._multipart_body(op, body_kind, binary)
                    kwargs["_content_type"] = MULTIPART
            if form_params:  # a form body split into parameters (openapi-generator style)
                fields = self._multipart_body(op, body_kind, binary)
                kwargs.update({p.name: fields[p.wire_name] for p in form_params if p.wire_name in fields})
            plans.append(CallPlan(kind, kwargs, variant, notes))
        if body_param is not None and binary and use_json and MULTIPART in content:
            kwargs, notes = params("full")
            kwargs[body_param.name] = self._multipart_body(op, "full", binary)
            kwargs["_content_type"] = MULTIPART
            plans.append(CallPlan("multipart", kwargs, "required", notes))
        return plans

    def _multipart_body(self, op: Operation, variant: str, binary: dict[str, bool]) -> dict[str, Any]:
        """Simple properties (scalars, lists of scalars) and files; nested objects can't be
        carried by multipart/form-data and are left out (the SDK raises for them)."""
        body = self._body(op, variant, MULTIPART)
        out: dict[str, Any] = {}
        for name, value in body.items():
            if name in binary:
                continue
            if isinstance(value, dict) or (
                isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)
            ):
                continue
            out[name] = value
        for name, many in binary.items():
            out[name] = [_file(name, 0), _file(name, 1)] if many else _file(name)
        return out


# --------------------------------------------------------------------------------------
# running and checking calls
# --------------------------------------------------------------------------------------


def _expected_shape(index: SchemaIndex, op: Operation) -> tuple[str, Any]:
    """("none"|"binary"|"text"|"model"|"list"|"json", model name or None)."""
    media, schema = index.response(op)
    if media is None:
        return "none", None
    resolved = index.flat(schema)
    if resolved.get("type") == "string" and resolved.get("format") == "binary":
        return "binary", None
    if not is_json_media(media):
        if resolved.get("type") == "string" or not resolved:
            return ("text", None) if media.startswith("text/") else ("binary", None)
        return "json", None
    ref = schema.get("$ref")
    if ref and ref.startswith("#/components/schemas/"):
        target = index.resolve(schema)
        if target.get("type", "object") == "object" or "properties" in target or "allOf" in target:
            return "model", ref.rsplit("/", 1)[1]
    if resolved.get("type") == "array":
        items = resolved.get("items", {})
        iref = items.get("$ref")
        if iref:
            return "list", iref.rsplit("/", 1)[1]
    return "json", None


def _file_content(data: io.BufferedReader) -> bytes:
    """Read and delete a file response."""
    import os

    with data:
        content = data.read()
    os.unlink(data.name)
    return content


def check_response(
    sdk: ModuleType,
    index: SchemaIndex,
    op: Operation,
    data: Any,
    response: Any,
    *,
    skew: bool,
    spec: Any = None,
) -> list[str]:
    """Why ``data`` is not the right parse of ``response`` (empty when it is)."""
    errors: list[str] = []
    kind, name = _expected_shape(index, op)
    models = sdk.models
    body = response.data
    if isinstance(data, io.BufferedReader):  # a file response: an open temp file, as cvat-sdk
        data = _file_content(data)  # (response.data, read above, came from the same file)
    if kind == "none":
        if spec is not None and spec.response_kind == "binary" and data == body and isinstance(data, bytes):
            # The schema declares no body, but the operation sends a file (CVAT downloads,
            # previews); the generator's overlay 20-file-responses declares those binary,
            # so the SDK returns the raw bytes (here: the server's empty body).
            return errors
        if data is not None:
            errors.append(f"expected None for a response without body, got {type(data).__name__}")
        return errors
    if kind == "binary":
        if not isinstance(data, bytes) or data != body:
            errors.append(f"expected the raw bytes of the binary body, got {type(data).__name__}")
        return errors
    if kind == "text":
        if not isinstance(data, str):
            errors.append(f"expected str for a text body, got {type(data).__name__}")
        return errors
    sent = json.loads(body)
    if kind == "model":
        cls = getattr(models, name, None)
        if cls is None:
            return [f"no model {name} in the SDK"]
        if not isinstance(data, cls):
            return [f"expected a {name} instance, got {type(data).__name__}: {str(data)[:200]}"]
        errors += _roundtrip(sdk, data, sent, skew)
        return errors
    if kind == "list":
        cls = getattr(models, name, None)
        if not isinstance(data, list) or len(data) != len(sent):
            return [f"expected a list of {name}, got {type(data).__name__}"]
        for i, item in enumerate(data):
            if cls is None or not isinstance(item, cls) and not (
                isinstance(cls, type) and issubclass(cls, enum.Enum) and item == cls(sent[i])
            ):
                return [f"item {i}: expected {name}, got {type(item).__name__}"]
            if not isinstance(item, enum.Enum):
                errors += [f"item {i}: {e}" for e in _roundtrip(sdk, item, sent[i], skew)]
        return errors
    # plain JSON (free-form objects, strings...)
    if not skew:
        got = sdk.ApiClient.sanitize_for_serialization(data)
        if got != sent:
            errors.append(f"JSON value changed: sent {str(sent)[:200]}, parsed {str(got)[:200]}")
    return errors


def _roundtrip(sdk: ModuleType, model: Any, sent: Any, skew: bool) -> list[str]:
    errors = []
    if not skew:
        back = sdk.ApiClient.sanitize_for_serialization(model)
        if back != sent:
            errors.append(f"to_json(model) != the JSON received: {_diff(sent, back)}")
    try:
        again = type(model)(**model.to_dict())
    except Exception as exc:  # noqa: BLE001
        errors.append(f"type(m)(**m.to_dict()) raised {type(exc).__name__}: {str(exc)[:300]}")
    else:
        if again != model:
            errors.append(
                "type(m)(**m.to_dict()) != m: "
                + _diff(
                    sdk.ApiClient.sanitize_for_serialization(model),
                    sdk.ApiClient.sanitize_for_serialization(again),
                )
            )
    return errors


def _diff(a: Any, b: Any, path: str = "$") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a:
                return f"{path}.{key}: extra {str(b[key])[:80]}"
            if key not in b:
                return f"{path}.{key}: missing (was {str(a[key])[:80]})"
            if a[key] != b[key]:
                return _diff(a[key], b[key], f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _diff(x, y, f"{path}[{i}]")
    return f"{path}: {str(a)[:100]!r} != {str(b)[:100]!r}"


def find_endpoint(client: Any, sdk: ModuleType, operation_id: str) -> tuple[Any, Any] | None:
    """(bound method, EndpointSpec) of ``operation_id`` in the SDK."""
    for api_name in sdk.apis.__all__:
        cls = getattr(sdk.apis, api_name)
        for spec in cls._endpoint_specs:
            if spec.operation_id == operation_id:
                api = _api_instance(client, cls)
                return getattr(api, spec.name), spec
    return None


def _api_instance(client: Any, cls: type) -> Any:
    cache = client.__dict__.setdefault("_contract_apis", {})
    if cls not in cache:
        cache[cls] = cls(client)
    return cache[cls]


def run_call(
    sdk: ModuleType,
    server: ContractServer,
    index: SchemaIndex,
    op: Operation,
    method: Any,
    plan: CallPlan,
    *,
    spec: Any = None,
    skew: bool = False,
) -> CallResult:
    result = CallResult(op.operation_id, plan.label, plan.variant)
    server.variant = plan.variant  # type: ignore[assignment]
    before = len(server.log)
    try:
        data, response = method(**_fresh_kwargs(plan.kwargs))
    except Exception as exc:  # noqa: BLE001 - reported per call
        records = server.log[before:]
        result.accepted = bool(records) and all(r.ok for r in records)
        rejected = [r for r in records if not r.ok]
        if rejected:  # the ApiException text only repeats the server's answer
            for r in rejected:
                result.errors.append(f"server rejected ({r.status}): {'; '.join(r.errors)[:700]}")
        else:
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            result.errors.append(f"call raised {detail[:700]}")
            if skew and result.accepted:
                result.lenient = _lenient_retry(server, method, plan, result)
        return result
    records = server.log[before:]
    if len(records) != 1:
        result.errors.append(f"expected one request, the server saw {len(records)}")
    result.accepted = bool(records) and all(r.ok for r in records)
    for r in records:
        if not r.ok:
            result.errors.append(f"server rejected: {'; '.join(r.errors)[:700]}")
    if response.status // 100 != 2:
        result.errors.append(f"status {response.status}")
        return result
    # the response kind the SDK declares must match the schema
    errors = check_response(sdk, index, op, data, response, skew=skew, spec=spec)
    result.parsed = not errors
    result.errors += errors
    return result


def _lenient_retry(server: ContractServer, method: Any, plan: CallPlan, result: CallResult) -> bool:
    """Version skew: the same call without output validation must not raise."""
    server.variant = plan.variant  # type: ignore[assignment]
    try:
        method(**_fresh_kwargs(plan.kwargs), _validate_outputs=False)
    except Exception as exc:  # noqa: BLE001 - reported per call
        result.errors.append(f"and with _validate_outputs=False: {exc!r}"[:500])
        return False
    return True


def iter_operations(index: SchemaIndex) -> Iterator[Operation]:
    yield from sorted(index.operations.values(), key=lambda o: o.operation_id)


def make_client(sdk: ModuleType, server: ContractServer) -> Any:
    config = sdk.Configuration(host=server.url, username="admin", password="admin")
    # operations that accept only an API access token (auth_retrieve_access_tokens_self)
    config.access_token = "contract-test-token"
    return sdk.ApiClient(config)


def with_status_endpoint(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` plus ``GET /api/cloudstorages/{id}/status``, as /work/shared/schemas/README.md
    describes the server's operation (removed from the shared copies): 200 with a bare JSON
    string, ``type: string``, the security of its sibling ``/actions``. The SDK keeps
    ``cloudstorages_api.retrieve_status(id)``, so the contract server must know it too."""
    paths = schema.get("paths", {})
    if "/api/cloudstorages/{id}/status" in paths or "/api/cloudstorages/{id}/actions" not in paths:
        return schema
    sibling = paths["/api/cloudstorages/{id}/actions"]["get"]
    doc = dict(schema)
    doc["paths"] = dict(paths)
    doc["paths"]["/api/cloudstorages/{id}/status"] = {
        "get": {
            "operationId": "cloudstorages_retrieve_status",
            "parameters": [
                {"in": "path", "name": "id", "required": True, "schema": {"type": "integer"}}
            ],
            "tags": ["cloudstorages"],
            "security": sibling.get("security", []),
            "responses": {
                "200": {
                    "description": "AVAILABLE, NOT_FOUND or FORBIDDEN",
                    "content": {"application/vnd.cvat+json": {"schema": {"type": "string"}}},
                }
            },
        }
    }
    return doc


def run_operations(
    sdk: ModuleType,
    server: ContractServer,
    index: SchemaIndex,
    planner: Planner,
    operation_ids: list[str],
    *,
    skew: bool = False,
) -> list[CallResult]:
    """Every call of every operation in ``operation_ids``; an operation the SDK lacks gives
    one failed result."""
    import warnings

    client = make_client(sdk, server)
    results: list[CallResult] = []
    for op_id in operation_ids:
        op = index.operations[op_id]
        found = find_endpoint(client, sdk, op_id)
        if found is None:
            results.append(CallResult(op_id, "-", "-", errors=["no such operation in the SDK"]))
            continue
        method, spec = found
        try:
            plans = planner.plan(op, spec)
        except Exception as exc:  # noqa: BLE001 - e.g. a model constructor rejecting the body
            results.append(
                CallResult(op_id, "plan", "-", errors=[f"building arguments raised {exc!r}"[:700]])
            )
            continue
        for plan in plans:
            with warnings.catch_warnings():
                # deprecated operations/parameters warn on every call; that is tested elsewhere
                warnings.simplefilter("ignore", DeprecationWarning)
                results.append(run_call(sdk, server, index, op, method, plan, spec=spec, skew=skew))
    return results


def format_table(headers: list[str], rows: list[list[Any]]) -> str:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(f"{h:<{w}}" for h, w in zip(headers, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(f"{str(c):<{w}}" for c, w in zip(row, widths)) for row in rows]
    return "\n".join(out)
