"""Response decoding off the hot path: bodies that don't fit the model, and error bodies.

The endpoint decodes a successful JSON body with one typed msgspec decoder. Only when that
fails, or when the caller asked for an error response (``_check_status=False``), does the
code here run, so it can afford to look at the body twice to explain what went wrong.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from .exceptions import ApiTypeError, ApiValueError

if TYPE_CHECKING:
    from .endpoint import _Compiled

__all__ = ["body_value", "decode_failed", "error_data", "mismatch_error", "schema_release"]


def schema_release() -> str:
    """The CVAT release the package was generated from (its ``SCHEMA_VERSION``)."""
    package = sys.modules.get(__package__ or "")
    return str(
        getattr(package, "SCHEMA_VERSION", None) or getattr(package, "__version__", None) or "?"
    )


def _value_at(document: Any, path: list[Any]) -> tuple[bool, Any]:
    """The value at ``path`` in decoded JSON, as (found, value)."""
    value = document
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, value


_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


def _describe(value: Any) -> str:
    kind = _JSON_TYPES.get(type(value), type(value).__name__)
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{kind} {text}"


def mismatch_error(
    operation_id: str, where: str, error: Exception, data: bytes | None = None
) -> ApiTypeError:
    """An error that says which operation, where in the body, what came, what was expected
    and which CVAT release the SDK was built from: the usual cause is a server of another
    version (a field became an array, an object lost a field)."""
    import msgspec

    from .model_utils import _split_error

    text, path = _split_error(str(error))
    dotted = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    got = ""
    if data is not None:
        try:
            found, value = _value_at(msgspec.json.decode(data), path)
        except msgspec.DecodeError:
            found, value = False, None
        if found:
            got = f"; received {_describe(value)}"
    message = (
        f"The {where} of `{operation_id}` does not match the schema of CVAT "
        f"{schema_release()} that this SDK was built from, at `{dotted}`: "
        f"{text[:1].lower()}{text[1:]}{got}. The server may run another CVAT version: "
        f"use an SDK generated from its schema, or pass _validate_outputs=False (lenient "
        f"parse) or _parse_response=False (raw response)."
    )
    return ApiTypeError(message, path_to_item=["received_data", *path])


def decode_failed(c: "_Compiled", data: bytes, error: Exception, validate: bool) -> Any:
    """The typed decode failed: raise a clear error, or decode leniently when not validating."""
    import msgspec

    from .model_utils import lax_convert

    if isinstance(error, msgspec.ValidationError):
        if validate:
            raise mismatch_error(c.spec.operation_id, "response", error, data) from None
        return lax_convert(msgspec.json.decode(data), c.response_type)
    if isinstance(error, msgspec.DecodeError):
        if validate:
            raise ApiValueError(
                f"Invalid JSON in the response of `{c.spec.operation_id}`: {error}"
            ) from None
        return data.decode("utf-8", errors="replace")
    raise error


def body_value(response: Any, data: bytes | None = None) -> Any:
    """An untyped body: decoded JSON (dict, list, str, number, bool) when it is JSON, the
    text otherwise, None when empty."""
    import msgspec

    if data is None:
        data = response.data
    if not data:
        return None
    content_type = (response.headers.get("Content-Type") or "").lower()
    if not content_type or "json" in content_type:
        try:
            return msgspec.json.decode(data)
        except msgspec.DecodeError:
            pass
    from .endpoint import _charset

    try:
        return data.decode(_charset(response), errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def error_data(c: "_Compiled", response: Any) -> Any:
    """``data`` for a non-2xx response with ``_check_status=False``: the body as the model the
    schema declares for that status (CVAT: 409 -> RqId) when it fits, else :func:`body_value`.
    An operation that declares no response body gives None, as in cvat-sdk (which parses
    only when the operation has a response schema). Never raises a parse error: the body of
    an error is not the success model."""
    data = response.data
    declared = c.spec.status_responses.get(response.status)
    if not data or (declared is None and c.spec.response_kind == "none"):
        return None
    if declared and declared[0] == "json" and declared[1]:
        try:
            return c.alternate(response.status).decoder.decode(data)
        except Exception:  # noqa: BLE001 - not the declared shape: fall back to plain JSON
            pass
    return body_value(response, data)
