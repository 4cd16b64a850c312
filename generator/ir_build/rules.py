"""The call options and media-type rules, from the one module the generated SDK runs with.

Why an import of a runtime file: `plugins/runtime/files/call_rules.py` is copied verbatim into
every generated package; the generator reads the same objects, so the IR (which body schema
is used, which response is decoded as JSON, which names a parameter can't take) and the SDK
(which headers and body a call sends) can't disagree. tests/unit/test_call_rules.py checks
that both sides hold the very same objects.
"""

from __future__ import annotations

from ..plugins.runtime.files.call_rules import (
    ALL_CONTROL_KWARGS,
    BODY_METHODS,
    CONTROL_KWARGS,
    DEFAULT_CONTENT_TYPE_METHODS,
    EXTRA_CONTROL_KWARGS,
    FORM_MEDIA_TYPES,
    admits_json,
    is_form_media,
    is_json_media,
    media_base,
    select_accept,
    select_content_type,
)

__all__ = [
    "ALL_CONTROL_KWARGS", "BODY_METHODS", "CONTROL_KWARGS", "DEFAULT_CONTENT_TYPE_METHODS",
    "EXTRA_CONTROL_KWARGS", "FORM_MEDIA_TYPES", "admits_json", "is_form_media", "is_json_media",
    "media_base", "select_accept", "select_content_type",
]
