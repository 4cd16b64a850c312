"""Endpoint: the data-driven machinery behind every generated operation.

The generated ``api/<tag>_api.py`` modules hold no request code: each operation is an
:class:`EndpointSpec` (plain data) and a thin typed method that forwards to
``<name>_endpoint.call_with_http_info``. Everything an endpoint can precompute (parameter
tables, the Accept header, resolved types, the msgspec decoder) is computed once per spec
and shared by all clients, so a call costs little more than the HTTP round trip.
The records themselves (``EndpointSpec``, ``Param``) are in :mod:`.spec`.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, ClassVar, Iterator, Mapping
from urllib.parse import quote, urlencode

from .call_rules import (
    ALL_CONTROL_KWARGS,
    BODY_METHODS,
    CONTROL_KWARGS,
    DEFAULT_CONTENT_TYPE_METHODS,
)
from .call_rules import select_accept as _select_accept
from .call_rules import select_content_type as _select_content_type
from .exceptions import ApiTypeError, ApiValueError, exception_for_status
from .serialization import (
    _body_items,
    _encode_json,
    _is_model_class,
    _param_str,
    form_fields,
    resolve_type,
)
from .spec import EndpointSpec, Param

if TYPE_CHECKING:
    from urllib3 import HTTPResponse

    from .api_client import ApiClient


_make_timeout: Any = None  # rest.make_timeout: rest (and urllib3) loads with the first ApiClient


def _timeout(value: Any) -> Any:
    global _make_timeout
    if _make_timeout is None:  # bound once: later calls pay no import statement
        from .rest import make_timeout

        _make_timeout = make_timeout
    return _make_timeout(value)


__all__ = ["ApiBase", "CONTROL_KWARGS", "Endpoint", "EndpointSpec", "Param", "resolve_type"]

# The call options and media-type rules are shared with the generator (call_rules.py).
_CONTROL = ALL_CONTROL_KWARGS
_NO_BODY: Any = object()
_SIMPLE = (int, str, float, bool)
_UNSET: Any = None  # msgspec.UNSET, bound when the first spec is compiled (keeps imports lazy)


class _BodyValidation:
    """The validators a body check uses, imported on the first check (most programs never
    validate a body; those that do, do it on every call: no import statement per call)."""

    def __init__(self) -> None:
        from .model_utils import to_json
        from .validation import check_json, check_value

        self.check_json, self.check_value, self.to_json = check_json, check_value, to_json


_body_validation_tools: _BodyValidation | None = None


def _body_validation() -> _BodyValidation:
    global _body_validation_tools
    if _body_validation_tools is None:
        _body_validation_tools = _BodyValidation()
    return _body_validation_tools


# --------------------------------------------------------------------------------------
# per-spec tables
# --------------------------------------------------------------------------------------


class _Compiled:
    """Lookup tables of one spec; types and the decoder are resolved on first use."""

    def __init__(self, spec: EndpointSpec) -> None:
        global _UNSET
        if _UNSET is None:
            from msgspec import UNSET

            _UNSET = UNSET
        self.spec = spec
        self.params: dict[str, Param] = {p.name: p for p in spec.params}
        self.required = tuple(p.name for p in spec.params if p.required)
        self.body_param = next((p for p in spec.params if p.location == "body"), None)
        self.path_parts = _path_parts(spec.path)
        self.static_path = "".join(part for _, part in self.path_parts)  # no path parameters
        self.accept = _select_accept(spec.accept)
        self.content_type = _select_content_type(spec.request_content_types)
        # a call without a body says Content-Type as cvat-sdk does (call_rules.py): the
        # declared type for a method that carries a body (DELETE too), else JSON by default
        self.send_content_type = spec.http_method in (
            BODY_METHODS if spec.request_content_types else DEFAULT_CONTENT_TYPE_METHODS
        )
        # a file body is streamed to disk, never preloaded in memory
        self.streams = spec.response_kind == "binary" or any(
            kind == "binary" for kind, _ in spec.status_responses.values()
        )
        self.params_map = {
            "all": [p.name for p in spec.params] + list(CONTROL_KWARGS),
            "required": list(self.required),
            "nullable": [p.name for p in spec.params if p.nullable] + ["_request_timeout"],
            "enum": [p.name for p in spec.params if p.enum],
            "validation": [],
        }
        self.attribute_map = {p.name: p.wire_name for p in spec.params if p.location != "body"}
        self.location_map = {p.name: p.location for p in spec.params}
        self.collection_format_map = {
            p.name: ("multi" if p.explode else "csv")
            for p in spec.params
            if p.type.startswith("list[") and p.location != "body"
        }
        self.settings: dict[str, Any] = {
            "response_type": spec.response_type,
            "response_schema": spec.response_type,
            "response_kind": spec.response_kind,
            "auth": list(spec.auth),
            "endpoint_path": spec.path,
            "operation_id": spec.operation_id,
            "http_method": spec.http_method,
            "servers": list(spec.servers) or None,
        }
        self.headers_map = {
            "accept": list(spec.accept),
            "content_type": list(spec.request_content_types),
        }
        self._types: dict[str, Any] | None = None
        self._checks: dict[str, Any] | None = None
        self._response_type: Any = _NO_BODY
        self._decoder: Any = None
        self._alternates: dict[int, _Compiled] = {}

    def alternate(self, status: int) -> "_Compiled":
        """The tables for a successful status whose body differs from the main response."""
        found = self._alternates.get(status)
        if found is None:
            kind, type_expr = self.spec.status_responses[status]
            spec = self.spec
            variant = EndpointSpec(
                spec.name,
                spec.operation_id,
                spec.path,
                spec.http_method,
                spec.params,
                spec.request_content_types,
                type_expr,
                str(kind),
                spec.accept,
                spec.auth,
                spec.deprecated,
                spec.deprecated_params,
                spec.servers,
            )
            found = self._alternates[status] = variant.compiled()
        return found

    def check_body(self, raw: bytes | None, config: Any, value: Any = None) -> None:
        """Client-side validation of the body (its JSON ``raw``, or a form ``value``)
        against the schema's constraints; see the ``validation`` module."""
        p = self.body_param
        if p is None:
            return
        validation = _body_validation()
        disabled: frozenset[str] = getattr(config, "_disabled_client_side_validations", frozenset())
        if raw is not None:
            validation.check_json(self.types[p.name], raw, disabled, self.spec.operation_id, p.name)
        else:
            try:
                data = validation.to_json(value, read_files=False)
            except (TypeError, ValueError):  # not JSON-like: nothing to check here
                return
            validation.check_value(self.types[p.name], data, disabled, self.spec.operation_id, p.name)

    # ---- lazily resolved ----
    @property
    def types(self) -> dict[str, Any]:
        if self._types is None:
            self._types = {p.name: resolve_type(p.type) for p in self.spec.params}
        return self._types

    @property
    def checks(self) -> dict[str, Any]:
        """param name -> the exact class a valid value usually has (fast isinstance-free
        check), or None when only the slow check can tell."""
        if self._checks is None:
            self._checks = {
                name: (
                    tp
                    if tp in _SIMPLE
                    and not self.params[name].enum
                    and not self.params[name].validations
                    else None
                )
                for name, tp in self.types.items()
            }
        return self._checks

    @property
    def response_type(self) -> Any:
        if self._response_type is _NO_BODY:
            rt = self.spec.response_type
            self._response_type = resolve_type(rt) if rt else None
        return self._response_type

    @property
    def decoder(self) -> Any:
        if self._decoder is None:
            import msgspec.json

            from .model_utils import dec_hook  # decodes oneOf/anyOf classes

            rt = self.response_type
            self._decoder = (
                msgspec.json.Decoder(type=rt, dec_hook=dec_hook)
                if rt is not None
                else msgspec.json.Decoder()
            )
        return self._decoder


def _path_parts(template: str) -> tuple[tuple[bool, str], ...]:
    """`/api/tasks/{id}/data` -> literal and parameter parts. Literal parts are percent-encoded
    once here, so that a `#` or `?` in the path itself can't cut the URL short."""
    import re

    parts: list[tuple[bool, str]] = []
    for index, piece in enumerate(re.split(r"\{([^{}]*)\}", template)):
        if index % 2:
            parts.append((True, piece))
        elif piece:
            parts.append((False, quote(piece, safe="/%:@!$&'()*+,;=-._~")))
    return tuple(parts)


# --------------------------------------------------------------------------------------
# Endpoint
# --------------------------------------------------------------------------------------


class Endpoint:
    """One operation bound to a client: metadata (``path``, ``settings``, ``params_map``...)
    for code that introspects endpoints, and :meth:`call_with_http_info` to call it."""

    __slots__ = (
        "spec",
        "api_client",
        "_c",
        "settings",
        "params_map",
        "attribute_map",
        "location_map",
        "collection_format_map",
        "headers_map",
        "__weakref__",
    )

    def __init__(self, spec: EndpointSpec, api_client: "ApiClient | None" = None) -> None:
        c = spec.compiled()
        self.spec = spec
        self.api_client = api_client
        self._c = c
        self.settings = c.settings
        self.params_map = c.params_map
        self.attribute_map = c.attribute_map
        self.location_map = c.location_map
        self.collection_format_map = c.collection_format_map
        self.headers_map = c.headers_map

    @property
    def path(self) -> str:
        """The path template, e.g. ``/api/tasks/{id}`` (fill it with ``str.format``)."""
        return self.spec.path

    @property
    def openapi_types(self) -> dict[str, tuple[Any, ...]]:
        """param name -> (resolved type,), resolved on first access."""
        return {name: (tp,) for name, tp in self._c.types.items()}

    @property
    def allowed_values(self) -> dict[tuple[str], dict[str, str]]:
        return {(p.name,): {v.upper(): v for v in p.enum} for p in self.spec.params if p.enum}

    @property
    def validations(self) -> dict[Any, Any]:
        return {}

    def __repr__(self) -> str:
        return f"<Endpoint {self.spec.http_method} {self.spec.path} ({self.spec.operation_id})>"

    def __call__(self, *args: Any, **kwargs: Any) -> tuple[Any, HTTPResponse]:
        """Call with the required parameters positionally (in spec order) and the rest by name."""
        required = self._c.required
        if len(args) > len(required):
            raise ApiTypeError(
                f"{self.spec.operation_id}() takes {len(required)} positional arguments but "
                f"{len(args)} were given"
            )
        for name, value in zip(required, args):
            if name in kwargs:
                raise ApiTypeError(f"{self.spec.operation_id}() got multiple values for '{name}'")
            kwargs[name] = value
        return self._call(kwargs, 3)

    def call_with_http_info(self, **kwargs: Any) -> tuple[Any, HTTPResponse]:
        """Send the request; returns ``(parsed data or None, urllib3.HTTPResponse)``.

        Takes the operation's parameters by python name and the control kwargs
        ``_parse_response``, ``_check_status``, ``_validate_inputs``, ``_validate_outputs``,
        ``_request_timeout``, ``_content_type``, ``_request_auths`` (``_spec_property_naming``
        and ``_host_index`` are accepted and ignored). ``UNSET`` values are left out; an
        explicit ``None`` header removes the client's default header of that name.
        """
        return self._call(kwargs, 4)

    def iterate_pages(self, **kwargs: Any) -> Iterator[Any]:
        """Lazily yield the ``results`` of each page of a paginated list operation.

        Pages are requested one at a time (``page`` = the given one or 1, then +1) and only
        when the previous page's items are used up; iteration ends when the server's ``next``
        link is null or a page is empty (so a server that always sends ``next`` can't loop
        forever over empty pages). Options like ``_request_timeout`` apply to every page."""
        page = kwargs.pop("page", None)
        page = 1 if page is None or page is _UNSET else int(page)
        return self._pages(page, kwargs)

    def _pages(self, page: int, kwargs: dict[str, Any]) -> Iterator[Any]:
        while True:
            data, _ = self._call({**kwargs, "page": page}, 4)
            results = getattr(data, "results", None) if data is not None else None
            if not results:
                return
            yield from results
            if getattr(data, "next", None) is None:
                return
            page += 1

    # The hot path: keep it flat, no helper calls for the common cases.
    def _call(self, kwargs: dict[str, Any], stacklevel: int) -> tuple[Any, HTTPResponse]:
        c = self._c
        spec = c.spec
        client = self.api_client
        if client is None:
            raise ApiValueError("This endpoint is not bound to an ApiClient")
        if spec.deprecated:
            warnings.warn(spec.deprecated, DeprecationWarning, stacklevel=stacklevel)

        parse = check = validate_in = validate_out = True
        timeout: Any = None
        content_type: str | None = None
        request_auths: Any = None
        retries: Any = None
        path_values: dict[str, str] | None = None
        query: list[tuple[str, str]] | None = None
        header_values: dict[str, Any] | None = None
        cookie_values: list[str] | None = None
        form_values: list[tuple[str, Any]] | None = None
        body: Any = _NO_BODY
        params = c.params
        checks: dict[str, Any] | None = None
        deprecated_params = spec.deprecated_params

        # control kwargs first: they decide how parameters are validated
        for name in _CONTROL.intersection(kwargs):
            value = kwargs[name]
            if name == "_parse_response":
                parse = bool(value)
            elif name == "_check_status":
                check = bool(value)
            elif name == "_validate_inputs":
                validate_in = bool(value)
            elif name == "_validate_outputs":
                validate_out = bool(value)
            elif name == "_request_timeout":
                timeout = value
            elif name == "_content_type":
                content_type = value
            elif name == "_request_auths":
                request_auths = value
            elif name == "_retries":
                retries = value
            elif name == "_async_call" and value:
                raise ApiValueError(
                    "_async_call=True is not supported: the client is synchronous; "
                    "run calls in your own thread pool (concurrent.futures) instead"
                )

        for name, value in kwargs.items():
            p = params.get(name)
            if p is None:
                if name in _CONTROL:
                    continue
                raise ApiTypeError(
                    f"Got an unexpected parameter '{name}' to method `{spec.operation_id}`"
                )
            if value is _UNSET:
                continue
            if deprecated_params and name in deprecated_params:
                warnings.warn(deprecated_params[name], DeprecationWarning, stacklevel=stacklevel)
            location = p.location
            if location == "body":
                body = value
                continue
            if value is None:
                if location == "header":
                    if header_values is None:
                        header_values = {}
                    header_values[p.wire_name] = None
                elif location == "path":
                    raise ApiValueError(
                        f"Value may not be None for the path parameter `{name}` when calling "
                        f"`{spec.operation_id}`"
                    )
                continue  # a None query/cookie value is left out
            if validate_in:
                if checks is None:
                    checks = c.checks
                if type(value) is not checks[name]:
                    value = _check_param(c, p, value, client.configuration)
            if location == "path":
                if path_values is None:
                    path_values = {}
                # an int (not a bool: exact type) is only digits and "-": nothing to quote
                path_values[p.wire_name] = (
                    str(value)
                    if type(value) is int
                    else quote(_param_str(value), safe=client.configuration.safe_chars_for_path_param)
                )
            elif location == "query":
                if query is None:
                    query = []
                if isinstance(value, (list, tuple, set, frozenset)):
                    if p.explode:
                        query.extend((p.wire_name, _param_str(v)) for v in value)
                    else:
                        query.append((p.wire_name, ",".join(_param_str(v) for v in value)))
                else:
                    query.append((p.wire_name, _param_str(value)))
            elif location == "header":
                if header_values is None:
                    header_values = {}
                header_values[p.wire_name] = _param_str(value)
            elif location == "form":
                if form_values is None:
                    form_values = []
                form_values.append((p.wire_name, value))
            else:  # cookie
                if cookie_values is None:
                    cookie_values = []
                cookie_values.append(f"{p.wire_name}={_param_str(value)}")

        for name in c.required:
            if kwargs.get(name, _UNSET) is _UNSET:
                raise ApiValueError(
                    f"Missing the required parameter `{name}` when calling `{spec.operation_id}`"
                )

        # ---- headers ----
        headers = client.get_common_headers()
        if c.accept is not None:
            headers["Accept"] = c.accept
        if header_values:
            for key, value in header_values.items():
                if value is None:
                    headers.pop(key, None)
                else:
                    headers[key] = value
        if cookie_values:
            old = headers.get("Cookie")
            headers["Cookie"] = "; ".join(([old] if old else []) + cookie_values)

        # ---- body ----
        raw_body: Any = None
        fields: list[tuple[str, Any]] | None = None
        multipart = True
        if form_values is not None and body is _NO_BODY:
            body = dict(form_values)  # the form parameters are the fields of the form body
            chosen = (content_type or c.content_type or "").lower()
            if not chosen.startswith(("multipart/", "application/x-www-form-urlencoded")):
                content_type = "multipart/form-data"
        if body is not _NO_BODY:
            ctype = content_type or c.content_type or "application/json"
            lowered = ctype.lower()
            if lowered.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
                if validate_in and isinstance(body, Mapping):
                    body = _coerce_body(c, body)
                if validate_in and client.configuration.client_side_validation:
                    c.check_body(None, client.configuration, body)
                # multipart: open disk files stream from disk (.multipart), never read whole
                fields = form_fields(_body_items(body), stream=lowered.startswith("multipart/"))
                if not lowered.startswith("multipart/"):
                    multipart = False
                    headers["Content-Type"] = ctype
            elif "json" in lowered:
                if validate_in:
                    body = _coerce_body(c, body)
                raw_body = _encode_json(body)
                if validate_in and client.configuration.client_side_validation:
                    c.check_body(raw_body, client.configuration)
                headers["Content-Type"] = ctype
            else:
                raw_body = (
                    body
                    if isinstance(body, (bytes, bytearray, str)) or hasattr(body, "read")
                    else _encode_json(body)
                )
                headers["Content-Type"] = ctype
        elif c.send_content_type:
            headers["Content-Type"] = content_type or c.content_type or "application/json"

        # ---- url & auth ----
        config = client.configuration
        host = config.host
        resource_path = (
            "".join(
                path_values.get(part, "") if is_name else part for is_name, part in c.path_parts
            )
            if path_values
            else c.static_path
        )
        url = host + resource_path
        if query:
            url += "?" + urlencode(query)
        client.update_params_for_auth(
            headers,
            None,
            spec.auth,
            resource_path,
            spec.http_method,
            raw_body,
            request_host=host,
            request_auths=request_auths,
        )

        # ---- send ----
        preload = parse and not c.streams
        response = client.rest_client.send(
            spec.http_method,
            url,
            headers,
            body=raw_body,
            fields=fields,
            encode_multipart=multipart,
            preload_content=preload,
            timeout=_timeout(timeout) if timeout is not None else None,
            retries=retries,
        )
        client.last_response = response
        if "Set-Cookie" in response.headers:
            client._update_cookies_from_response(response)
        status = response.status
        if not 200 <= status <= 299:
            if check:
                error = exception_for_status(status)(http_resp=response)
                error.method, error.url = spec.http_method, url
                error.operation_id = spec.operation_id
                raise error
            if parse:  # _check_status=False: the error body, never a parse error
                from .decoding import error_data

                return error_data(c, response), response

        # ---- parse ----
        if not parse:
            return None, response
        if spec.status_responses and status in spec.status_responses:
            c = c.alternate(response.status)
            spec = c.spec
        kind = spec.response_kind
        if kind == "json":
            data = response.data
            if not data:
                return None, response
            try:
                return c.decoder.decode(data), response
            except Exception as e:  # noqa: BLE001 - sorted out in .decoding, off the hot path
                from .decoding import decode_failed

                return decode_failed(c, data, e, validate_out), response
        if kind == "binary":
            from .downloads import save_response

            return save_response(response, client.configuration), response
        if kind == "text":
            return response.data.decode(_charset(response)), response
        if not preload:
            response.data  # noqa: B018 - read the unexpected body: frees the connection
        return None, response


def _charset(response: HTTPResponse) -> str:
    content_type = response.headers.get("Content-Type", "")
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"


def _check_param(c: _Compiled, p: Param, value: Any, config: Any = None) -> Any:
    """Slow path of parameter validation: convert (e.g. str -> enum) or raise with the name;
    then the schema's constraints (client-side validation)."""
    import msgspec

    from .model_utils import dec_hook

    tp = c.types[p.name]
    try:
        value = msgspec.convert(value, tp, dec_hook=dec_hook)
    except msgspec.ValidationError as e:
        raise ApiTypeError(
            f"Invalid type for parameter `{p.name}` of `{c.spec.operation_id}`: {e}",
            path_to_item=[p.name],
        ) from None
    if p.enum:
        values = value if isinstance(value, (list, tuple, set, frozenset)) else (value,)
        for v in values:
            if _param_str(v) not in p.enum:
                raise ApiValueError(
                    f"Invalid value for `{p.name}` ({v!r}), must be one of {list(p.enum)}",
                    path_to_item=[p.name],
                )
    if p.validations and getattr(config, "client_side_validation", True):
        from .validation import check_param

        disabled: frozenset[str] = getattr(config, "_disabled_client_side_validations", frozenset())
        check_param(p, tp, value, disabled, c.spec.operation_id)
    return value


def _coerce_body(c: _Compiled, body: Any) -> Any:
    """Make a valid body: dicts become the body's model (nested dicts too), models of the
    right type pass as they are."""
    p = c.body_param
    if p is None:
        return body
    tp = c.types[p.name]
    import msgspec

    from .model_utils import OpenApiModel, api_error, dec_hook

    target = tp
    if not _is_model_class(target):
        args = [a for a in getattr(tp, "__args__", ()) if _is_model_class(a)]
        target = args[0] if len(args) == 1 and body is not None else None
    if target is not None:
        if isinstance(body, target):
            return body
        if isinstance(body, Mapping):
            return target(**body)
        if isinstance(body, OpenApiModel):
            raise ApiTypeError(
                f"Invalid body for `{c.spec.operation_id}`: expected {target.__name__} or a dict, "
                f"got {type(body).__name__}",
                path_to_item=[p.name],
            )
    try:  # a oneOf body (a union class) takes a member instance or a dict: see dec_hook
        return msgspec.convert(body, tp, dec_hook=dec_hook)
    except msgspec.ValidationError as e:
        raise api_error(e, [p.name], what=f"body for `{c.spec.operation_id}`") from None


# --------------------------------------------------------------------------------------
# Api classes and the client
# --------------------------------------------------------------------------------------


class ApiBase:
    """Base of the generated ``XxxApi`` classes: one ``<name>_endpoint`` per spec."""

    _endpoint_specs: ClassVar[tuple[EndpointSpec, ...]] = ()

    def __init__(self, api_client: "ApiClient | None" = None) -> None:
        if api_client is None:
            from .api_client import ApiClient

            api_client = ApiClient()
        self.api_client = api_client
        for spec in self._endpoint_specs:
            setattr(self, spec.name + "_endpoint", Endpoint(spec, api_client))
