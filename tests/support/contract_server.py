"""Contract server: checks every request against the OpenAPI schema and
answers with synthesized, schema-valid data.

Why: the generated SDK must be able to call every one of ~190 operations of
every schema release. A hand-written fake cannot keep up with that; this
server works from the schema dict only (never from the generator), so a bug
in the generator cannot hide itself by being mirrored in the server. Each
request is validated with openapi-core (path, query, headers, cookies,
security, JSON and multipart bodies) and the result is logged per
operationId, so tests can assert ``all(r.ok for r in server.log)``.

Responses come from :mod:`tests.support.synth`, seeded by (seed,
operationId, variant) so two runs produce the same bytes. Variants and
skew injection (unknown fields / enum values) are switchable at run time.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from openapi_core.validation.request.validators import (
    V30RequestParametersValidator,
    V30RequestSecurityValidator,
)
from openapi_schema_validator import OAS30WriteValidator, oas30_format_checker
from openapi_core.testing import MockRequest, MockResponse
from werkzeug.datastructures import Headers
from werkzeug.wrappers import Request, Response

from cvat_gen.ir_build.rules import is_json_media

from .synth import VARIANTS, Synthesizer, Variant, pick_media_type
from .wsgi_server import BackgroundServer

# openapi-core only knows application/json; CVAT answers with its vendor
# type and serves its schema as YAML.
def _json_or_raw(data: bytes | str) -> Any:
    """JSON, except for raw binary bodies that CVAT declares under its JSON
    media type (``format: binary`` previews, chunks)."""
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return data


def _text(data: bytes | str) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


EXTRA_MEDIA_DESERIALIZERS: dict[str, Callable[[Any], Any]] = {
    "application/vnd.cvat+json": _json_or_raw,
    "application/json": _json_or_raw,
    "application/vnd.oai.openapi+json": json.loads,
    "application/vnd.oai.openapi": yaml.safe_load,
    "application/yaml": yaml.safe_load,
    "text/event-stream": _text,
}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
VARIANT_HEADER = "X-Test-Variant"
# Bytes served for binary responses: a PNG signature, then filler.
BINARY_PREFIX = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Operation:
    """One (method, path template) of the schema."""

    operation_id: str
    method: str
    path: str
    spec: dict[str, Any]
    parameters: tuple[dict[str, Any], ...]
    regex: re.Pattern[str]

    def fill_path(self, values: dict[str, Any]) -> str:
        """The path template with ``{name}`` replaced by ``values``."""
        return re.sub(r"\{([^}]+)\}", lambda m: str(values[m.group(1)]), self.path)


@dataclass
class RequestRecord:
    """What the server saw for one request and whether it was valid."""

    operation_id: str | None
    method: str
    path: str
    ok: bool
    errors: list[str]
    status: int = 0
    variant: str = "required"
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    response_errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SynthResponse:
    """A response chosen and synthesized for one operation."""

    status: int
    content_type: str | None
    body: bytes
    headers: dict[str, str]
    value: Any = None


def _route_regex(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    out = []
    for part in parts:
        if part.startswith("{") and part.endswith("}"):
            out.append(f"(?P<{re.sub(r'[^0-9A-Za-z_]', '_', part[1:-1])}>[^/]+)")
        else:
            out.append(re.escape(part))
    return re.compile("^" + "".join(out) + "$")


def collect_operations(schema: dict[str, Any]) -> list[Operation]:
    """All operations, literal paths before templated ones (so that
    ``/access_tokens/self`` wins over ``/access_tokens/{id}``)."""
    ops: list[Operation] = []
    for path, item in schema.get("paths", {}).items():
        shared = tuple(item.get("parameters", ()))
        for method, spec in item.items():
            if method not in HTTP_METHODS or not isinstance(spec, dict):
                continue
            own = {(p.get("in"), p.get("name")) for p in spec.get("parameters", ())}
            params = tuple(spec.get("parameters", ())) + tuple(
                p for p in shared if (p.get("in"), p.get("name")) not in own
            )
            op_id = spec.get("operationId") or f"{method}_{path}"
            ops.append(Operation(op_id, method, path, spec, params, _route_regex(path)))
    ops.sort(key=lambda o: (o.path.count("{"), -len(o.path)))
    return ops


_WRAPPER_KEYS = ("readOnly", "writeOnly", "description", "default", "deprecated")


def _explicit_nulls(node: Any) -> Any:
    """Rewrite ``{allOf|oneOf|anyOf|$ref..., nullable: true}`` without a
    ``type`` into ``anyOf: [<schema>, null]``.

    Why: OAS 3.0.3 says ``nullable`` only counts next to ``type`` in the same
    schema object, so openapi-core rejects ``null`` for drf-spectacular's
    ``allOf: [$ref], nullable: true`` - yet that is exactly how CVAT marks
    nullable references (``owner``, ``assignee``...) and the real server
    sends ``null`` there. The rewrite only touches our validation copy.
    """
    if isinstance(node, list):
        return [_explicit_nulls(x) for x in node]
    if not isinstance(node, dict):
        return node
    node = {k: _explicit_nulls(v) for k, v in node.items()}
    if node.get("nullable") is True and "type" not in node and (
        "$ref" in node or "allOf" in node or "oneOf" in node or "anyOf" in node
    ):
        inner = {k: v for k, v in node.items() if k != "nullable" and k not in _WRAPPER_KEYS}
        outer = {k: node[k] for k in _WRAPPER_KEYS if k in node}
        outer["anyOf"] = [inner, {"type": "object", "nullable": True, "enum": [None]}]
        return outer
    return node


def validation_document(schema: dict[str, Any]) -> dict[str, Any]:
    """The copy of ``schema`` that validation runs on (see :func:`make_openapi`)."""
    doc = _explicit_nulls(copy.deepcopy(schema))
    doc["servers"] = [{"url": "/"}]
    return doc


def make_openapi(schema: dict[str, Any]) -> OpenAPI:
    """openapi-core app for ``schema``, served from any host.

    The schema's ``servers`` names the production host; requests come to
    127.0.0.1, so the copy gets a relative server URL. Spec validation is
    skipped: it costs seconds per schema and the schemas are known valid.
    """
    doc = validation_document(schema)
    config = Config(
        spec_validator_cls=None,
        extra_media_type_deserializers=EXTRA_MEDIA_DESERIALIZERS,
    )
    return OpenAPI.from_dict(doc, config=config)


def format_error(exc: BaseException) -> str:
    """One readable line per validation error, with the schema details
    that openapi-core hides in ``__cause__`` / ``schema_errors``."""
    parts = [f"{type(exc).__name__}: {exc}"]
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        for err in getattr(cur, "schema_errors", ()) or ():
            loc = "/".join(str(p) for p in getattr(err, "absolute_path", ()))
            parts.append(f"[{loc}] {getattr(err, 'message', err)}")
        nxt = cur.__cause__ or cur.__context__
        if nxt is not None and id(nxt) not in seen and nxt is not exc:
            parts.append(f"caused by {type(nxt).__name__}: {nxt}")
        cur = nxt
    return " | ".join(p if len(p) <= 600 else p[:600] + "..." for p in parts)


class ResponseFactory:
    """Chooses the response of an operation and synthesizes its body.

    Separate from the HTTP server so the self-check test can run it over all
    operations of all schemas without sockets.
    """

    def __init__(
        self,
        schema: dict[str, Any],
        *,
        seed: int = 0,
        extra_fields: bool = False,
        unknown_enum: bool = False,
    ) -> None:
        self.schema = schema
        self.synth = Synthesizer(
            schema, seed=seed, extra_fields=extra_fields, unknown_enum=unknown_enum
        )

    def choose(self, op: Operation) -> tuple[int, dict[str, Any]]:
        """The first 2xx response with a body, else the first 2xx at all."""
        responses = op.spec.get("responses", {})
        codes = sorted(c for c in responses if str(c).isdigit() and str(c).startswith("2"))
        for code in codes:
            resp = self.synth.resolve(responses[code])
            if resp.get("content"):
                return int(code), resp
        if codes:
            return int(codes[0]), self.synth.resolve(responses[codes[0]])
        return 200, {}

    def build(self, op: Operation, variant: Variant = "required") -> SynthResponse:
        status, resp = self.choose(op)
        headers = self._headers(op, resp, variant)
        content = resp.get("content") or {}
        media = pick_media_type(content)
        if media is None:
            return SynthResponse(status, None, b"", headers)
        media_schema = content[media].get("schema") or {}
        resolved = self.synth.resolve(media_schema)
        if resolved.get("type") == "string" and resolved.get("format") == "binary":
            body = self._binary(op.operation_id)
            return SynthResponse(status, media, body, headers, body)
        if is_json_media(media):
            value = self.synth.generate(media_schema, key=op.operation_id, variant=variant)
            return SynthResponse(status, media, json.dumps(value).encode(), headers, value)
        if resolved.get("type") == "string" or not resolved:
            body = self._binary(op.operation_id)
            if media.startswith("text/"):
                body = f"data: {op.operation_id}\n\n".encode()
            return SynthResponse(status, media, body, headers, body)
        # A structured body in a non-JSON media type (YAML schema dump):
        # JSON is valid YAML, so serialize it as JSON.
        value = self.synth.generate(media_schema, key=op.operation_id, variant=variant)
        return SynthResponse(status, media, json.dumps(value).encode(), headers, value)

    def _headers(self, op: Operation, resp: dict[str, Any], variant: Variant) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, header in (resp.get("headers") or {}).items():
            header = self.synth.resolve(header)
            if not header.get("required") and variant == "required":
                continue
            value = self.synth.generate(
                header.get("schema", {"type": "string"}),
                key=f"{op.operation_id}:{name}",
                variant="required",
            )
            out[name] = value if isinstance(value, str) else json.dumps(value)
        return out

    @staticmethod
    def _binary(key: str) -> bytes:
        return BINARY_PREFIX + key.encode() + bytes(range(256))

    def sample_path_params(self, op: Operation) -> dict[str, Any]:
        """Values for the path parameters of ``op`` (for building URLs)."""
        values: dict[str, Any] = {}
        for p in op.parameters:
            p = self.synth.resolve(p)
            if p.get("in") == "path":
                values[p["name"]] = self.synth.generate(
                    p.get("schema", {"type": "string"}),
                    key=f"path:{op.operation_id}:{p['name']}",
                )
        return values


_INDEXED = re.compile(r"^(?P<name>[^\[\]]+)\[(?P<index>\d+)\]$")


class MultipartValidator:
    """Validates ``multipart/form-data`` bodies the way the server reads them.

    Why not openapi-core: in 0.23 it validates every form part as a string,
    so ``image_quality=70`` fails ``type: integer``, although OpenAPI 3.0
    says primitive parts are plain text to be read as the property's type.
    Here each part is cast by its property schema (``name[N]`` and repeated
    names collect into arrays, JSON text for objects), files become bytes
    (valid for ``format: binary``), and the result is checked with the
    OAS 3.0 write validator (``readOnly`` properties forbidden).
    """

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.synth = Synthesizer(doc)

    def errors(self, op: Operation, request: Request) -> list[str]:
        body = self.synth.resolve(op.spec.get("requestBody") or {})
        content = body.get("content") or {}
        if "multipart/form-data" not in content:
            return [f"multipart/form-data is not accepted; expected one of {sorted(content)}"]
        schema = content["multipart/form-data"].get("schema") or {}
        resolved = self.synth.resolve(schema)
        props = resolved.get("properties", {})
        value: dict[str, Any] = {}
        parts = [(k, v) for k, v in request.form.items(multi=True)]
        parts += [(k, f.read()) for k, f in request.files.items(multi=True)]
        for key, raw in parts:
            m = _INDEXED.match(key)
            name = m.group("name") if m and m.group("name") in props else key
            prop = self.synth.resolve(props.get(name, {}))
            if prop.get("type") == "array" or m:
                value.setdefault(name, []).append(self._cast(prop.get("items", {}), raw))
            else:
                value[name] = self._cast(prop, raw)
        validator = OAS30WriteValidator(
            {**schema, "components": self.doc.get("components", {})},
            format_checker=oas30_format_checker,
        )
        return [
            f"InvalidRequestBody: [{'/'.join(map(str, e.absolute_path))}] {e.message}"
            for e in validator.iter_errors(value)
        ]

    def _cast(self, prop: dict[str, Any], raw: str | bytes) -> Any:
        prop = self.synth.resolve(prop)
        if "allOf" in prop:
            prop = self.synth._merge_all_of(prop)
        typ = prop.get("type")
        if isinstance(raw, bytes):
            if typ == "string" and prop.get("format") == "binary":
                return raw
            try:
                raw = raw.decode()
            except UnicodeDecodeError:
                return raw
        try:
            if typ == "integer":
                return int(raw)
            if typ == "number":
                return float(raw)
            if typ == "boolean":
                return {"true": True, "false": False}.get(raw.lower(), raw)
            if typ in ("object", "array") or "properties" in prop:
                return json.loads(raw)
        except ValueError:
            return raw
        return raw


def validate_synth_response(
    openapi: OpenAPI, op: Operation, path_params: dict[str, Any], resp: SynthResponse
) -> list[str]:
    """openapi-core response validation of a synthesized response."""
    path = op.fill_path(path_params)
    request = MockRequest("http://localhost", op.method, path)
    response = MockResponse(
        resp.body,
        status_code=resp.status,
        headers=resp.headers,
        content_type=resp.content_type or "application/octet-stream",
    )
    return [format_error(e) for e in openapi.iter_response_errors(request, response)]


class ContractServer(BackgroundServer):
    """In-process HTTP server that validates requests and answers with
    synthesized schema-valid responses.

    Attributes meant for tests:
      * ``url`` - base URL (``http://127.0.0.1:<port>``);
      * ``log`` - list of :class:`RequestRecord`, one per request;
      * ``variant`` - ``"required"`` | ``"full"`` | ``"nulls"``, used for the
        next responses unless a request carries ``X-Test-Variant``;
      * ``extra_fields`` / ``unknown_enum`` - inject server skew;
      * ``validate_responses`` - also validate each answer (self-check);
        errors land in ``RequestRecord.response_errors``.
    """

    def __init__(
        self,
        schema: dict[str, Any],
        seed: int = 0,
        *,
        variant: Variant = "required",
        extra_fields: bool = False,
        unknown_enum: bool = False,
        validate_responses: bool = False,
    ) -> None:
        super().__init__()
        self.schema = schema
        self.seed = seed
        self.variant: Variant = variant
        self.validate_responses = validate_responses
        self.operations = collect_operations(schema)
        self.openapi = make_openapi(schema)
        spec = self.openapi.spec
        self._param_validator = V30RequestParametersValidator(
            spec, extra_media_type_deserializers=EXTRA_MEDIA_DESERIALIZERS
        )
        self._security_validator = V30RequestSecurityValidator(
            spec, extra_media_type_deserializers=EXTRA_MEDIA_DESERIALIZERS
        )
        self._multipart = MultipartValidator(validation_document(schema))
        self.log: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._factories: dict[tuple[bool, bool], ResponseFactory] = {}
        self.extra_fields = extra_fields
        self.unknown_enum = unknown_enum

    # -- test helpers -----------------------------------------------------

    def factory(self) -> ResponseFactory:
        """The response factory for the current skew settings (cached)."""
        key = (self.extra_fields, self.unknown_enum)
        fac = self._factories.get(key)
        if fac is None:
            fac = ResponseFactory(
                self.schema,
                seed=self.seed,
                extra_fields=self.extra_fields,
                unknown_enum=self.unknown_enum,
            )
            self._factories[key] = fac
        return fac

    def find(self, method: str, path: str) -> tuple[Operation | None, dict[str, str]]:
        """The operation serving ``method path``, and its path parameters."""
        method = method.lower()
        for op in self.operations:
            if op.method != method:
                continue
            m = op.regex.match(path)
            if m:
                return op, m.groupdict()
        return None, {}

    def records(self, operation_id: str) -> list[RequestRecord]:
        """Log records of one operation."""
        with self._lock:
            return [r for r in self.log if r.operation_id == operation_id]

    def failures(self) -> list[RequestRecord]:
        """Records of requests that failed validation."""
        with self._lock:
            return [r for r in self.log if not r.ok]

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    # -- HTTP -------------------------------------------------------------

    def wsgi_app(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        response = self.handle(request)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        body = request.get_data(cache=True)
        variant = request.headers.get(VARIANT_HEADER) or self.variant
        record = RequestRecord(
            operation_id=None,
            method=request.method,
            path=request.path,
            ok=False,
            errors=[],
            variant=variant,
            query={k: request.args.getlist(k) for k in request.args},
            headers=dict(request.headers.items()),
            body=body,
        )
        try:
            if variant not in VARIANTS:
                record.errors.append(f"unknown {VARIANT_HEADER}: {variant!r}")
                return self._finish(record, self._error(400, record.errors[0]))
            op, _params = self.find(request.method, request.path)
            if op is None:
                record.errors.append(f"no operation for {request.method} {request.path}")
                return self._finish(record, self._error(404, record.errors[0]))
            record.operation_id = op.operation_id
            with self._lock:
                errors = self._request_errors(op, request)
            record.errors.extend(errors)
            record.ok = not errors
            if errors:
                return self._finish(
                    record,
                    self._error(400, "request does not match the schema", errors, op.operation_id),
                )
            synth = self.factory().build(op, variant)  # type: ignore[arg-type]
            if self.validate_responses:
                with self._lock:
                    record.response_errors = validate_synth_response(
                        self.openapi, op, _params, synth
                    )
            headers = Headers(synth.headers)
            resp = Response(synth.body, status=synth.status, headers=headers)
            if synth.content_type:
                resp.content_type = synth.content_type
            elif not synth.body:
                resp.headers.pop("Content-Type", None)
            return self._finish(record, resp)
        except Exception as exc:  # pragma: no cover - reported to the test
            record.ok = False
            record.errors.append(f"server error: {format_error(exc)}")
            return self._finish(record, self._error(500, record.errors[-1]))

    def _request_errors(self, op: Operation, request: Request) -> list[str]:
        """All schema violations of ``request`` (empty when it is valid)."""
        if request.mimetype != "multipart/form-data":
            wrapped = WerkzeugOpenAPIRequest(request)
            return [format_error(e) for e in self.openapi.iter_request_errors(wrapped)]
        errors = []
        for validator in (self._param_validator, self._security_validator):
            errors += [
                format_error(e) for e in validator.iter_errors(WerkzeugOpenAPIRequest(request))
            ]
        return errors + self._multipart.errors(op, request)

    def _finish(self, record: RequestRecord, response: Response) -> Response:
        record.status = response.status_code
        with self._lock:
            self.log.append(record)
        return response

    @staticmethod
    def _error(
        status: int, message: str, errors: list[str] | None = None, operation_id: str | None = None
    ) -> Response:
        payload: dict[str, Any] = {"detail": message}
        if errors:
            payload["errors"] = errors
        if operation_id:
            payload["operation_id"] = operation_id
        return Response(json.dumps(payload), status=status, content_type="application/json")
