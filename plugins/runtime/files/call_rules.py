"""Call options and media-type rules: one definition for the generator and the SDK.

Why one module: the generator decides from these rules which schema a request body uses and
how a response is decoded, and the SDK decides from the same rules which headers and body a
call sends. Two copies of them disagreed (whether ``*/*`` is JSON, whether DELETE carries a
body). This file is copied verbatim into the generated package by the runtime plugin and
imported by the generator (``cvat_gen.build_ir``), so it uses the standard library only and
no relative import; a test checks that both sides use these very objects.

The behaviour is cvat-sdk 2.70.0's (``ApiClient.select_header_content_type``, ``rest.py``):

- a request body declared ``*/*`` is sent as JSON (``Content-Type: application/json``);
- a response declared ``*/*`` is decoded as JSON unless its schema is a file
  (``format: binary``), as cvat-sdk decodes by the response schema; in the ``Accept``
  header ``*/*`` is listed as declared, it is not JSON;
- DELETE carries a body as POST, PUT, PATCH and OPTIONS do: the body a call passes, and the
  declared media type as ``Content-Type`` (also without a body, as cvat-sdk sends it); only
  the default ``Content-Type: application/json`` of an operation that declares no request
  media type is left out for DELETE;
- GET and HEAD (and TRACE) carry no body: the generator ignores a ``requestBody`` there,
  with a warning, rather than offer a parameter the request would drop.
"""

from __future__ import annotations

from typing import Sequence

__all__ = [
    "ALL_CONTROL_KWARGS", "BODY_METHODS", "CONTROL_KWARGS", "DEFAULT_CONTENT_TYPE_METHODS",
    "EXTRA_CONTROL_KWARGS", "FORM_MEDIA_TYPES", "admits_json", "is_form_media", "is_json_media",
    "media_base", "select_accept", "select_content_type",
]

# Call kwargs every endpoint accepts besides its parameters (the old SDK's list, its order).
CONTROL_KWARGS: tuple[str, ...] = (
    "_async_call",
    "_host_index",
    "_parse_response",
    "_request_timeout",
    "_validate_inputs",
    "_validate_outputs",
    "_check_status",
    "_content_type",
    "_spec_property_naming",
    "_request_auths",
)
# ``_retries`` (an int or a urllib3 Retry; 0 turns retrying off) is an addition of this SDK.
EXTRA_CONTROL_KWARGS: tuple[str, ...] = ("_retries",)
# every call option: no parameter of a generated method may take one of these names
ALL_CONTROL_KWARGS: frozenset[str] = frozenset(CONTROL_KWARGS + EXTRA_CONTROL_KWARGS)

# methods whose request carries a body (cvat-sdk's rest.py)
BODY_METHODS: frozenset[str] = frozenset({"POST", "PUT", "PATCH", "OPTIONS", "DELETE"})
# methods that say ``Content-Type: application/json`` when nothing else names one (not DELETE)
DEFAULT_CONTENT_TYPE_METHODS: frozenset[str] = frozenset({"POST", "PUT", "PATCH", "OPTIONS"})
FORM_MEDIA_TYPES: frozenset[str] = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


def media_base(media: str) -> str:
    """``"Application/JSON; charset=utf-8"`` -> ``"application/json"``."""
    return media.split(";", 1)[0].strip().lower()


def is_json_media(media: str) -> bool:
    """A JSON media type: ``application/json`` or any ``+json`` suffix. ``*/*`` is not."""
    base = media_base(media)
    return base == "application/json" or base.endswith("+json")


def admits_json(media: str) -> bool:
    """JSON may be sent or decoded under this declared type: a JSON type, or ``*/*``."""
    return is_json_media(media) or media_base(media) == "*/*"


def is_form_media(media: str) -> bool:
    """multipart/form-data or application/x-www-form-urlencoded."""
    return media_base(media) in FORM_MEDIA_TYPES


def select_content_type(content_types: Sequence[str]) -> str | None:
    """The request's ``Content-Type`` among the declared ones: JSON when ``application/json``
    or ``*/*`` is declared, else the first (cvat-sdk's rule)."""
    if not content_types:
        return None
    lowered = [c.lower() for c in content_types]
    if "application/json" in lowered or "*/*" in lowered:
        return "application/json"
    return content_types[0]


def select_accept(accepts: Sequence[str]) -> str | None:
    """The ``Accept`` header. Several JSON flavours: plain JSON, which every server speaks.
    Anything else (files) is listed as declared, so that the server can pick."""
    if not accepts:
        return None
    lowered = [a.lower() for a in accepts]
    if "application/json" in lowered and all(is_json_media(a) for a in lowered):
        return "application/json"
    return ", ".join(accepts)
