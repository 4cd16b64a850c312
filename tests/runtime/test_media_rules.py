"""What a call sends for `*/*` and DELETE, through the runtime (call_rules.py, shared with
the generator): cvat-sdk 2.70.0's behaviour. A DELETE carries the body a call passes and the
declared media type; only the default `application/json` of an operation that declares no
request media type is left out; a body declared `*/*` is sent as JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest


def _call(client: Any, srv: Any, method: str, content_types: tuple[str, ...], **kwargs: Any) -> Any:
    ep = sys.modules[type(client).__module__.rsplit(".", 1)[0] + ".endpoint"]
    spec = ep.EndpointSpec(name="act", operation_id="things_act", path="/api/things", http_method=method,
                           params=(ep.Param("body", "body", "dict[str, int]"),),
                           request_content_types=content_types, response_kind="none")
    srv.route(method, "/api/things", status=204)
    ep.Endpoint(spec, client).call_with_http_info(**kwargs)
    return srv.last


@pytest.mark.parametrize("method, content_types, kwargs, content_type, body", [
    ("DELETE", ("application/json",), {"body": {"a": 1}}, "application/json", {"a": 1}),
    ("DELETE", ("*/*",), {"body": {"a": 1}}, "application/json", {"a": 1}),
    ("DELETE", ("application/json",), {}, "application/json", None),  # declared: said, as cvat-sdk
    ("DELETE", (), {}, None, None),  # nothing declared: no default for DELETE
    ("POST", (), {}, "application/json", None),  # ... but POST gets application/json
    ("POST", ("*/*",), {"body": {"a": 2}}, "application/json", {"a": 2}),
    ("PATCH", ("text/plain", "*/*"), {"body": {"a": 3}}, "application/json", {"a": 3}),
])
def test_body_and_content_type(client: Any, srv: Any, method: str, content_types: tuple[str, ...],
                               kwargs: dict[str, Any], content_type: str | None, body: Any) -> None:
    request = _call(client, srv, method, content_types, **kwargs)
    assert request.method == method
    assert request.headers.get("Content-Type") == content_type
    assert (json.loads(request.body) if request.body else None) == body
