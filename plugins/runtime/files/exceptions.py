"""Exceptions of the generated SDK.

Same classes, bases and positional constructor arguments as the exceptions of the
openapi-generator based ``cvat_sdk.api_client``, because user code (and ``cvat_sdk.core``)
constructs them positionally (``ServiceException(500, "msg")``,
``ApiValueError(msg, ["labels"])``) and catches them by their builtin bases
(``AttributeError``, ``KeyError``...).
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

__all__ = [
    "OpenApiException",
    "ApiTypeError",
    "ApiValueError",
    "ApiAttributeError",
    "ApiKeyError",
    "ApiException",
    "NotFoundException",
    "UnauthorizedException",
    "ForbiddenException",
    "ServiceException",
    "render_path",
]


def render_path(path_to_item: Iterable[Any]) -> str:
    """Render a path like ``['received_data']['shapes'][0]`` (ints are list indices)."""
    result = ""
    for item in path_to_item:
        if isinstance(item, int):
            result += f"[{item}]"
        else:
            result += f"['{item}']"
    return result


def _with_path(msg: str, path_to_item: Sequence[Any] | None) -> str:
    return f"{msg} at {render_path(path_to_item)}" if path_to_item else msg


class OpenApiException(Exception):
    """The base class of every exception raised by the SDK."""


class ApiTypeError(OpenApiException, TypeError):
    """A value has the wrong type (a ``TypeError``)."""

    def __init__(
        self,
        msg: str,
        path_to_item: Sequence[Any] | None = None,
        valid_classes: tuple[Any, ...] | None = None,
        key_type: bool | None = None,
    ) -> None:
        self.path_to_item = path_to_item
        self.valid_classes = valid_classes
        self.key_type = key_type
        super().__init__(_with_path(msg, path_to_item))


class ApiValueError(OpenApiException, ValueError):
    """A value is invalid (a ``ValueError``)."""

    def __init__(self, msg: str, path_to_item: Sequence[Any] | None = None) -> None:
        self.path_to_item = path_to_item
        super().__init__(_with_path(msg, path_to_item))


class ApiAttributeError(OpenApiException, AttributeError):
    """An unknown or unset model attribute; an ``AttributeError`` so that ``hasattr``/``getattr``
    with a default keep working on objects that delegate to models."""

    def __init__(self, msg: str, path_to_item: Sequence[Any] | None = None) -> None:
        self.path_to_item = path_to_item
        super().__init__(_with_path(msg, path_to_item))


class ApiKeyError(OpenApiException, KeyError):
    """A missing key (a ``KeyError``)."""

    def __init__(self, msg: str, path_to_item: Sequence[Any] | None = None) -> None:
        self.path_to_item = path_to_item
        super().__init__(_with_path(msg, path_to_item))


class ApiException(OpenApiException):
    """An HTTP request failed: carries ``status``, ``reason``, ``body`` (decoded text) and
    ``headers`` of the response when one is given, and, when the SDK sent the request,
    ``method``, ``url`` and ``operation_id``, so that the message says what failed.

    ``str()`` masks secrets (Set-Cookie and the like, secret query values) and shows at most
    :attr:`BODY_EXCERPT` characters of the body; ``.body`` keeps all of it."""

    BODY_EXCERPT = 1000

    status: int | None
    reason: str | None
    body: str | None
    headers: Any
    method: str | None = None
    url: str | None = None
    operation_id: str | None = None

    def __init__(
        self, status: int | None = None, reason: str | None = None, http_resp: Any = None
    ) -> None:
        if http_resp is not None:
            self.status = http_resp.status
            self.reason = http_resp.reason
            self.body = _decode_body(http_resp)
            self.headers = http_resp.headers
        else:
            self.status = status
            self.reason = reason
            self.body = None
            self.headers = None

    def __str__(self) -> str:
        from .retries import redact_headers, redact_text, redact_url

        text = f"Status Code: {self.status}\nReason: {self.reason}\n"
        if self.method or self.url:
            text += f"Request: {self.method or ''} {redact_url(self.url or '')}"
            if self.operation_id:
                text += f" (operation {self.operation_id})"
            text += "\n"
        if self.headers:
            text += f"HTTP response headers: {redact_headers(self.headers)}\n"
        if self.body:
            body = self.body
            if len(body) > self.BODY_EXCERPT:
                body = body[: self.BODY_EXCERPT] + f"... ({len(self.body)} characters)"
            text += f"HTTP response body: {redact_text(body)}\n"
        return text


def _decode_body(http_resp: Any) -> str | None:
    """Read (if needed) and decode an error body; never raises: an error must stay reportable."""
    try:
        data = http_resp.data
    except Exception:  # noqa: BLE001 - e.g. the connection dropped while reading
        return None
    if data is None:
        return None
    if isinstance(data, (bytes, bytearray)):
        return bytes(data).decode("utf-8", errors="replace")
    return str(data)


class NotFoundException(ApiException):
    """HTTP 404."""


class UnauthorizedException(ApiException):
    """HTTP 401."""


class ForbiddenException(ApiException):
    """HTTP 403."""


class ServiceException(ApiException):
    """HTTP 5xx."""


def exception_for_status(status: int) -> type[ApiException]:
    """The ApiException subclass raised for a non-2xx status."""
    if status == 401:
        return UnauthorizedException
    if status == 403:
        return ForbiddenException
    if status == 404:
        return NotFoundException
    if 500 <= status <= 599:
        return ServiceException
    return ApiException
