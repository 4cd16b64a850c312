"""HTTP transport over ``urllib3.PoolManager``.

One pool manager per client keeps connections alive between calls. The public methods
(``request``, ``GET``, ``POST``...) keep the keyword names of the openapi-generator client
because ``cvat_sdk.core`` calls them directly (TUS uploads, streamed downloads). Endpoints
use :meth:`RESTClientObject.send`, which takes an already encoded body and does no
argument juggling, to keep per-call overhead low.
"""

from __future__ import annotations

import logging
import ssl
from typing import Any, Mapping, Sequence
from urllib.parse import urlencode, urlparse

import urllib3

from .call_rules import BODY_METHODS, DEFAULT_CONTENT_TYPE_METHODS
from .exceptions import ApiException, ApiValueError, exception_for_status
from .retries import (
    DEFAULT_TIMEOUT,
    RetryPolicy,
    body_is_replayable,
    redact_headers,
    redact_url,
    retries_for_call,
)

_log = logging.getLogger(__name__.rpartition(".")[0] or __name__)

__all__ = ["RESTClientObject", "RESTResponse", "should_bypass_proxies"]

RESTResponse = urllib3.HTTPResponse
"""Responses are urllib3's, as the SDK docs promise (``.status``, ``.data``, streaming)."""

_METHODS = frozenset({"GET", "HEAD", "DELETE", "POST", "PUT", "PATCH", "OPTIONS"})

Timeout = float | int | tuple[float, float] | urllib3.Timeout | None


def make_timeout(value: Timeout) -> urllib3.Timeout | None:
    """``_request_timeout``: one number is the total timeout, a pair is (connect, read)."""
    if value is None or value == 0:
        return None
    if isinstance(value, urllib3.Timeout):
        return value
    if isinstance(value, (int, float)):
        return urllib3.Timeout(total=value)
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return urllib3.Timeout(connect=value[0], read=value[1])
    raise ApiValueError(
        f"_request_timeout must be a number or a (connect, read) pair, got {value!r}"
    )


def _verb(method: str) -> Any:
    """`RESTClientObject.GET`, `.POST`...: `request` with the method filled in."""

    def call(
        self: RESTClientObject,
        url: str,
        headers: Mapping[str, Any] | None = None,
        query_params: Any = None,
        post_params: Any = None,
        body: Any = None,
        _parse_response: bool = True,
        _request_timeout: Timeout = None,
        _check_status: bool = True,
    ) -> urllib3.HTTPResponse:
        return self.request(
            method,
            url,
            query_params=query_params,
            headers=headers,
            post_params=post_params,
            body=body,
            _parse_response=_parse_response,
            _request_timeout=_request_timeout,
            _check_status=_check_status,
        )

    call.__name__ = call.__qualname__ = method
    call.__doc__ = f"Send a {method} request (see :meth:`RESTClientObject.request`)."
    return call


class RESTClientObject:
    """Sends HTTP requests and turns non-2xx responses into ``ApiException`` subclasses."""

    def __init__(
        self,
        configuration: Any,
        pools_size: int = 4,
        maxsize: int | None = None,
        *,
        pool_manager: urllib3.PoolManager | None = None,
    ) -> None:
        """``pool_manager``: your own ``urllib3.PoolManager`` or ``ProxyManager`` (proxies,
        custom TLS, adapters); the TLS/proxy settings of ``configuration`` are then unused,
        but its retry policy and timeouts still apply per request."""
        self._config = configuration
        self._timeout_source: Any = _UNSET
        self._timeout: urllib3.Timeout | None = None
        self.pool_manager: urllib3.PoolManager
        if pool_manager is not None:
            self.pool_manager = pool_manager
            return
        cert_reqs = ssl.CERT_REQUIRED if configuration.verify_ssl else ssl.CERT_NONE
        extra: dict[str, Any] = {}
        if configuration.assert_hostname is not None:
            extra["assert_hostname"] = configuration.assert_hostname
        if configuration.socket_options is not None:
            extra["socket_options"] = configuration.socket_options
        if maxsize is None:
            maxsize = configuration.connection_pool_maxsize or 4
        common: dict[str, Any] = dict(
            num_pools=pools_size,
            maxsize=maxsize,
            cert_reqs=cert_reqs,
            ca_certs=configuration.ssl_ca_cert,
            cert_file=configuration.cert_file,
            key_file=configuration.key_file,
            **extra,
        )
        if configuration.proxy and not should_bypass_proxies(
            configuration.host, no_proxy=configuration.no_proxy or ""
        ):
            self.pool_manager = urllib3.ProxyManager(
                proxy_url=configuration.proxy, proxy_headers=configuration.proxy_headers, **common
            )
        else:
            self.pool_manager = urllib3.PoolManager(**common)
            from .sockets import SUPPORTED, HTTPConnectionPool

            if SUPPORTED:  # http:// timeouts kept by the kernel: no poll() per call (.sockets)
                self.pool_manager.pool_classes_by_scheme = {
                    **self.pool_manager.pool_classes_by_scheme,
                    "http": HTTPConnectionPool,
                }

    # ---- the fast path used by endpoints ----
    def send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: Any = None,
        fields: Sequence[tuple[str, Any]] | None = None,
        encode_multipart: bool = True,
        preload_content: bool = True,
        timeout: urllib3.Timeout | None = None,
        retries: Any = None,
    ) -> urllib3.HTTPResponse:
        """Send one request; ``fields`` (form data) replace ``body``. Never checks the status.

        ``timeout`` None means the configured default (``Configuration.request_timeout``),
        never "wait forever". ``retries`` None means ``Configuration.retries``; an int is a
        number of retries under that policy. A body that can't be rewound is sent once."""
        config = self._config
        if timeout is None:
            source = getattr(config, "request_timeout", DEFAULT_TIMEOUT)
            if source is not self._timeout_source:
                self._timeout = make_timeout(source)
                self._timeout_source = source
            timeout = self._timeout
        policy = config.retries if retries is None else retries_for_call(config.retries, retries)
        if policy is None:
            policy = RetryPolicy()
        if body is not None and type(body) is not bytes and not body_is_replayable(body):
            policy = retries_for_call(policy, 0)
        debug = _log.isEnabledFor(logging.DEBUG)  # formatting and redaction only when on
        if debug:
            _log.debug(
                "%s %s headers=%s", method, redact_url(url), redact_headers(headers)
            )
        streamed = None
        if fields is not None and encode_multipart:
            from .multipart import MultipartBody, has_streamed_file

            if has_streamed_file(fields):
                streamed = body = MultipartBody(fields)
                fields = None
                headers = {
                    **{k: v for k, v in headers.items() if k.lower() != "content-type"},
                    "Content-Type": streamed.content_type,
                    "Content-Length": str(streamed.length),
                }
        try:
            if fields is not None:
                response: Any = self.pool_manager.request(
                    method,
                    url,
                    fields=fields,
                    encode_multipart=encode_multipart,
                    headers=headers,
                    preload_content=preload_content,
                    timeout=timeout,
                    retries=policy,
                )
            else:
                response = self.pool_manager.urlopen(
                    method,
                    url,
                    body=body,
                    headers=headers,
                    preload_content=preload_content,
                    timeout=timeout,
                    retries=policy,
                )
        except urllib3.exceptions.SSLError as e:
            raise ApiException(status=0, reason=f"{type(e).__name__}\n{e}") from e
        except urllib3.exceptions.HTTPError as e:
            _name_the_request(e, method, url)
            raise
        finally:
            if streamed is not None:
                streamed.close()
        if debug:
            _log.debug(
                "%s %s -> %s headers=%s",
                method,
                redact_url(url),
                response.status,
                redact_headers(response.headers),
            )
        result: urllib3.HTTPResponse = response
        return result

    @staticmethod
    def check_status(response: urllib3.HTTPResponse) -> None:
        """Raise the ApiException subclass for a non-2xx ``response``."""
        status = response.status
        if not 200 <= status <= 299:
            raise exception_for_status(status)(http_resp=response)

    # ---- the compatible API ----
    def request(
        self,
        method: str,
        url: str,
        query_params: Sequence[tuple[str, Any]] | Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        body: Any = None,
        post_params: Sequence[tuple[str, Any]] | Mapping[str, Any] | None = None,
        *,
        _parse_response: bool = True,
        _request_timeout: Timeout = None,
        _check_status: bool = True,
    ) -> urllib3.HTTPResponse:
        """Perform a request.

        ``body`` is JSON-encoded unless it is ``bytes``/``str`` with a non-JSON Content-Type.
        ``post_params`` are sent as a JSON body when there is no Content-Type (or a JSON one),
        urlencoded for ``application/x-www-form-urlencoded`` and as multipart for
        ``multipart/form-data`` (file values are ``(filename, data[, mime])`` tuples; the
        Content-Type header is replaced by urllib3's one, which has the boundary).
        ``_parse_response=False`` leaves the body unread (``preload_content=False``).
        """
        method = method.upper()
        if method not in _METHODS:
            raise ApiValueError(f"http method must be one of {sorted(_METHODS)}, got {method!r}")
        if post_params and body is not None:
            raise ApiValueError("body parameter cannot be used with post_params parameter.")
        headers = dict(headers or {})
        timeout = make_timeout(_request_timeout)
        if query_params:
            url += ("&" if "?" in url else "?") + urlencode(query_params)

        fields: Sequence[tuple[str, Any]] | None = None
        multipart = True
        raw_body: bytes | str | None = None
        if method in BODY_METHODS:
            content_type = _header(headers, "Content-Type")
            if content_type is None and method in DEFAULT_CONTENT_TYPE_METHODS:
                content_type = headers["Content-Type"] = "application/json"
            if content_type is None or "json" in content_type.lower():
                if body is not None:
                    raw_body = (
                        bytes(body)
                        if isinstance(body, (bytes, bytearray, memoryview))
                        else _json_encode(body)
                    )
                elif post_params and method == "POST":
                    raw_body = _json_encode(
                        dict(post_params) if not isinstance(post_params, Mapping) else post_params
                    )
            elif content_type.lower().startswith("application/x-www-form-urlencoded"):
                fields = _as_items(post_params)
                multipart = False
            elif content_type.lower().startswith("multipart/form-data"):
                _drop_header(headers, "Content-Type")  # urllib3 writes it, with the boundary
                fields = _as_items(post_params)
            elif (
                isinstance(body, (bytes, bytearray, str, memoryview))
                or hasattr(body, "read")
                or hasattr(body, "__next__")  # a generator of chunks: streamed, never retried
            ):
                raw_body = body
            elif body is None and not post_params:
                raw_body = None
            else:
                raise ApiException(
                    status=0,
                    reason="Cannot prepare a request message for provided arguments. "
                    "Please check that your arguments match declared content type.",
                )
        response = self.send(
            method,
            url,
            headers,
            body=raw_body,
            fields=fields,
            encode_multipart=multipart,
            preload_content=_parse_response,
            timeout=timeout,
        )
        if _check_status and not 200 <= response.status <= 299:
            error = exception_for_status(response.status)(http_resp=response)
            error.method, error.url = method, url
            raise error
        return response

    # The verb methods keep the keyword names of the openapi-generator client, which
    # cvat_sdk.core calls directly; they are made by `_verb`.
    GET = _verb("GET")
    HEAD = _verb("HEAD")
    OPTIONS = _verb("OPTIONS")
    DELETE = _verb("DELETE")
    POST = _verb("POST")
    PUT = _verb("PUT")
    PATCH = _verb("PATCH")


_UNSET: Any = object()


def _name_the_request(error: Exception, method: str, url: str) -> None:
    """Add the method and the (masked) URL to a transport error's message, so that "Connection
    refused" says which host; the exception keeps its urllib3 type (callers catch those)."""
    note = f"while sending {method} {redact_url(url)}"
    add_note = getattr(error, "add_note", None)
    if add_note is not None and note not in getattr(error, "__notes__", ()):
        add_note(note)


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    lname = name.lower()
    for key, value in headers.items():
        if key.lower() == lname:
            return str(value)
    return None


def _drop_header(headers: dict[str, Any], name: str) -> None:
    lname = name.lower()
    for key in [k for k in headers if k.lower() == lname]:
        del headers[key]


def _as_items(params: Any) -> list[tuple[str, Any]]:
    if not params:
        return []
    return list(params.items()) if isinstance(params, Mapping) else list(params)


def _json_encode(value: Any) -> bytes:
    from .serialization import _encode_json  # one cached encoder, the endpoints' own

    return _encode_json(value)


def should_bypass_proxies(url: str, no_proxy: str | None = None) -> bool:
    """Whether ``url`` must not go through the proxy (``no_proxy`` rules, like requests)."""
    parsed = urlparse(url)
    if not parsed.hostname:
        return True
    if not no_proxy:
        return False
    if no_proxy == "*":
        return True
    no_proxy = no_proxy.lower().replace(" ", "")
    import ipaddress

    try:
        address = ipaddress.ip_address(parsed.hostname)
    except ValueError:
        address = None
    if address is not None:
        for entry in filter(None, no_proxy.split(",")):
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
    import urllib.request

    bypass: Any = getattr(urllib.request, "proxy_bypass_environment")
    return bool(bypass(parsed.hostname, {"no": no_proxy}))
