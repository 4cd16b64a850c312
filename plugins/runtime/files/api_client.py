"""ApiClient: the session (configuration, headers, cookies, connection pool) that the
``<tag>_api`` objects share, plus the pagination helper.

``Endpoint`` and ``ApiBase`` live in :mod:`.endpoint`, ``EndpointSpec`` and ``Param`` in
:mod:`.spec`; all are re-exported here, where ``cvat_sdk.core`` imports them from.
"""

from __future__ import annotations

import functools
import sys
import threading
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence
from urllib.parse import quote

from ._api_members import ApiMembers
from .call_rules import select_accept as _select_accept
from .call_rules import select_content_type as _select_content_type
from .configuration import Configuration
from .endpoint import (
    CONTROL_KWARGS,
    ApiBase,
    Endpoint,
    EndpointSpec,
    Param,
    resolve_type,
)
from .exceptions import ApiException, ApiTypeError, ApiValueError, exception_for_status
from .serialization import _file_tuple, _param_str

if TYPE_CHECKING:
    from urllib3 import HTTPResponse

__all__ = [
    "ApiClient",
    "ApiException",
    "ApiTypeError",
    "ApiValueError",
    "Configuration",
    "Endpoint",
    "EndpointSpec",
    "Param",
    "ApiBase",
    "CONTROL_KWARGS",
    "get_paginated_collection",
]


_COOKIE_LOCK = threading.Lock()


def _package_version() -> str:
    package = sys.modules.get(__package__ or "")
    return str(getattr(package, "__version__", None) or "0.0.0")


class ApiClient(ApiMembers):
    """Session state (headers, cookies, configuration, connection pool) shared by the
    ``<tag>_api`` objects, which are created on first access.

    :param configuration: the :class:`Configuration` (default: ``Configuration.get_default_copy()``).
    :param headers: default headers sent with every request (the dict is used as is).
    :param cookies: initial cookies, name -> value.
    :param pool_threads: kept for compatibility; calls are synchronous.
    :param header_name, header_value, cookie: the openapi-generator spelling of one extra
        default header and a ``Cookie`` string.
    :param pool_manager: your own ``urllib3.PoolManager``/``ProxyManager`` (proxy, custom
        TLS); the configured retry policy and timeouts still apply to each request.
    """

    _pool: Any = None

    def __init__(
        self,
        configuration: Configuration | None = None,
        headers: dict[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
        pool_threads: int = 1,
        *,
        header_name: str | None = None,
        header_value: str | None = None,
        cookie: str | None = None,
        pool_manager: Any = None,
    ) -> None:
        if configuration is None:
            configuration = Configuration.get_default_copy()
        self.configuration = configuration
        self.pool_threads = pool_threads
        from .rest import RESTClientObject  # urllib3 loads with the first client, not on import

        self.rest_client: RESTClientObject = RESTClientObject(
            configuration, pool_manager=pool_manager
        )
        self.default_headers: dict[str, str] = headers if headers is not None else {}
        if header_name is not None:
            self.default_headers[header_name] = header_value  # type: ignore[assignment]
        from http.cookies import SimpleCookie

        self.cookies: SimpleCookie = SimpleCookie()
        if cookies:
            for key, value in cookies.items():
                self.cookies[key] = value
        if cookie:
            self.cookies.load(cookie)
        self.last_response: HTTPResponse | None = None
        self.user_agent = f"cvat_sdk/{_package_version()}"

    def __enter__(self) -> "ApiClient":
        return self

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        self.close()

    def close(self) -> None:
        """Stop the optional thread pool. The client stays usable (as the old SDK)."""
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    @property
    def pool(self) -> Any:
        """A thread pool, created on first use (compatibility)."""
        if self._pool is None:
            from multiprocessing.pool import ThreadPool

            self._pool = ThreadPool(self.pool_threads)
        return self._pool

    @property
    def user_agent(self) -> str:
        return self.default_headers["User-Agent"]

    @user_agent.setter
    def user_agent(self, value: str) -> None:
        self.default_headers["User-Agent"] = value

    def set_default_header(self, header_name: str, header_value: str) -> None:
        self.default_headers[header_name] = header_value

    # ---- headers, cookies, auth ----
    def get_common_headers(self) -> dict[str, str]:
        """A new dict: the default headers plus a ``Cookie`` header with the stored cookies."""
        headers = dict(self.default_headers)
        if self.cookies:
            # list() copies in one C call: safe while another thread stores a new cookie
            headers["Cookie"] = "; ".join(
                f"{k}={m.coded_value}" for k, m in list(self.cookies.items())
            )
        return headers

    def _update_cookies_from_response(self, response: HTTPResponse) -> None:
        with _COOKIE_LOCK:
            for value in response.headers.getlist("Set-Cookie"):
                self.cookies.load(value)

    def __repr__(self) -> str:
        """Host only: headers and cookies hold credentials."""
        return f"{type(self).__name__}(host={self.configuration.host!r})"

    def build_origin_header(self, request_host: str | None = None) -> str:
        """``scheme://host[:port]`` of the server, sent as ``Origin`` with CSRF tokens."""
        return _origin(request_host if request_host is not None else self.configuration.host)

    def update_params_for_auth(
        self,
        headers: dict[str, str],
        queries: list[tuple[str, Any]] | None,
        auth_settings: Iterable[str] | None = None,
        resource_path: str | None = None,
        method: str = "GET",
        body: Any = None,
        request_host: str | None = None,
        request_auths: list[dict[str, Any]] | None = None,
    ) -> None:
        """Add the auth headers/cookies to ``headers`` in place (``queries`` is never changed:
        no CVAT scheme is a query parameter). ``auth_settings`` names the schemes allowed
        (default: every configured one), applied in that order, so a later scheme's
        ``Authorization`` wins. CSRF schemes also add ``Origin``."""
        if request_auths:
            for setting in request_auths:
                _apply_auth(headers, setting)
            return
        configured = self.configuration.auth_settings()
        if not configured:
            return
        names: Any = configured if auth_settings is None else auth_settings
        for name in names:
            scheme = configured.get(name)
            if scheme:
                _apply_auth(headers, scheme)
                if name in ("csrfAuth", "csrfHeaderAuth") and "Origin" not in headers:
                    headers["Origin"] = self.build_origin_header(request_host)

    # ---- compatibility helpers of the old client ----
    @classmethod
    def sanitize_for_serialization(cls, obj: Any, *, read_files: bool = True) -> Any:
        from .model_utils import to_json

        return to_json(obj, read_files=read_files)

    def select_header_accept(self, accepts: Sequence[str]) -> str | None:
        return _select_accept(accepts)

    def select_header_content_type(
        self, content_types: Sequence[str], method: str | None = None, body: Any = None
    ) -> str | None:
        return _select_content_type(content_types)

    def parameters_to_tuples(
        self, params: Any, collection_formats: Mapping[str, str] | None
    ) -> list[tuple[str, Any]]:
        formats = collection_formats or {}
        result: list[tuple[str, Any]] = []
        items = params.items() if isinstance(params, Mapping) else params
        for key, value in items:
            fmt = formats.get(key)
            if fmt == "multi":
                result.extend((key, v) for v in value)
            elif fmt:
                sep = {"ssv": " ", "tsv": "\t", "pipes": "|"}.get(fmt, ",")
                result.append((key, sep.join(str(v) for v in value)))
            else:
                result.append((key, value))
        return result

    def files_parameters(
        self, files: Mapping[str, Sequence[Any]] | None = None
    ) -> list[tuple[str, Any]]:
        params: list[tuple[str, Any]] = []
        for name, file_list in (files or {}).items():
            for f in file_list or ():
                if f is not None:
                    params.append((name, _file_tuple(name, f)))
        return params

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> HTTPResponse:
        """Send a raw request through :attr:`rest_client` (no auth, no default headers);
        the arguments are those of :meth:`RESTClientObject.request`."""
        return self.rest_client.request(method, url, *args, **kwargs)

    def deserialize(
        self, response: HTTPResponse, response_schema: Any, *, _check_type: bool = True
    ) -> Any:
        """Decode a response body into ``response_schema`` (a type, a type expression or a
        1-tuple of a type, as in the old SDK). A file type (``file_type``) saves the body
        to a file in ``configuration.temp_folder_path`` and returns it open, as cvat-sdk."""
        import msgspec

        from .model_utils import dec_hook, lax_convert

        tp = response_schema[0] if isinstance(response_schema, tuple) else response_schema
        if _is_file_schema(tp):
            from .downloads import save_response

            return save_response(response, self.configuration)
        if isinstance(tp, str):
            tp = resolve_type(tp)
        raw = msgspec.json.decode(response.data) if response.data else None
        if tp is None:
            return raw
        try:
            return msgspec.convert(raw, tp, dec_hook=dec_hook)
        except msgspec.ValidationError as e:
            if _check_type:
                from .decoding import mismatch_error

                raise mismatch_error(
                    "ApiClient.deserialize", "response", e, response.data
                ) from None
            return lax_convert(raw, tp)

    def call_api(
        self,
        resource_path: str,
        method: str,
        path_params: Mapping[str, Any] | None = None,
        query_params: Sequence[tuple[str, Any]] | None = None,
        header_params: Mapping[str, Any] | None = None,
        body: Any = None,
        post_params: Sequence[tuple[str, Any]] | None = None,
        files: Mapping[str, Sequence[Any]] | None = None,
        response_schema: Any = None,
        auth_settings: Sequence[str] | None = None,
        collection_formats: Mapping[str, str] | None = None,
        *,
        _async_call: bool | None = None,
        _parse_response: bool = True,
        _request_timeout: Any = None,
        _host: str | None = None,
        _check_type: bool | None = None,
        _check_status: bool = True,
        _request_auths: list[dict[str, Any]] | None = None,
    ) -> tuple[Any, HTTPResponse]:
        """The old generic entry point: send a request to ``resource_path`` with the client's
        headers, cookies and auth; returns ``(data, response)``."""
        if _async_call:
            raise ApiValueError("_async_call=True is not supported")
        headers = {**self.get_common_headers(), **(header_params or {})}
        headers = {k: v for k, v in headers.items() if v is not None}
        for key, value in (path_params or {}).items():
            resource_path = resource_path.replace(
                "{%s}" % key,
                quote(_param_str(value), safe=self.configuration.safe_chars_for_path_param),
            )
        query = self.parameters_to_tuples(query_params or [], collection_formats)
        query = [(k, _param_str(v)) for k, v in query]
        form = list(post_params or []) + self.files_parameters(files)
        if body is not None and not form:
            body = self.sanitize_for_serialization(body)
        host = _host or self.configuration.host
        file_response = _parse_response and _is_file_schema(
            response_schema[0] if isinstance(response_schema, tuple) else response_schema
        )
        self.update_params_for_auth(
            headers,
            query,
            auth_settings,
            resource_path,
            method,
            body,
            request_host=host,
            request_auths=_request_auths,
        )
        response = self.request(
            method,
            host + resource_path,
            query_params=query,
            headers=headers,
            post_params=form or None,
            body=body,
            _parse_response=_parse_response and not file_response,  # files stream to disk
            _request_timeout=_request_timeout,
            _check_status=False,
        )
        self.last_response = response
        if "Set-Cookie" in response.headers:
            self._update_cookies_from_response(response)
        if not 200 <= response.status <= 299:
            if _check_status:
                raise exception_for_status(response.status)(http_resp=response)
            if _parse_response and response_schema is not None:  # never a parse error
                from .decoding import body_value

                return body_value(response), response
            return None, response
        data = None
        if _parse_response and response_schema is not None:
            data = self.deserialize(response, response_schema, _check_type=_check_type is not False)
        return data, response


def _is_file_schema(tp: Any) -> bool:
    """``file_type`` (``io.IOBase``) or its name: the body is a file."""
    import io

    return tp == "file_type" or (isinstance(tp, type) and issubclass(tp, io.IOBase))


@functools.lru_cache(maxsize=16)
def _origin(host: str) -> str:
    """The ``Origin`` of a host URL (remembered: CSRF schemes send it on every call)."""
    from urllib3.util import parse_url

    parsed = parse_url(host)
    origin = f"{parsed.scheme}://{parsed.host}"
    if parsed.port is not None and not (
        (parsed.scheme == "http" and parsed.port == 80) or (parsed.scheme == "https" and parsed.port == 443)
    ):
        origin += f":{parsed.port}"
    return origin


def _apply_auth(headers: dict[str, str], setting: Mapping[str, Any]) -> None:
    location = setting["in"]
    if location == "cookie":
        old = headers.get("Cookie")
        pair = f"{setting['key']}={setting['value']}"
        headers["Cookie"] = f"{old}; {pair}" if old else pair
    elif location == "header":
        headers[setting["key"]] = setting["value"]
    else:
        raise ApiValueError("Authentication token must be in `cookie` or `header`")


def get_paginated_collection(
    endpoint: Endpoint | Callable[..., Any], *, return_json: bool = False, **kwargs: Any
) -> list[Any]:
    """Call a paginated ``list`` endpoint page after page (``page=1, 2...``) until ``next`` is
    null, and return all ``results`` (models, or dicts with ``return_json=True``)."""
    import json

    call = endpoint.call_with_http_info if isinstance(endpoint, Endpoint) else endpoint
    results: list[Any] = []
    page = 1
    while True:
        page_data, response = call(**kwargs, page=page)
        if return_json or page_data is None:
            payload = json.loads(response.data)
            results.extend(payload.get("results", []))
            has_next = bool(payload.get("next"))
        else:
            results.extend(page_data.results)
            has_next = bool(page_data.next)
        if not has_next:
            return results
        page += 1
