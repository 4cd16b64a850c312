"""FakeCvat following one release's schema: its exact paths (trailing slashes included),
only the routes it has, its version, and no null where its models forbid one."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from base64 import b64encode

import pytest

from tests.conftest import OSS_IDS, RELEASES, load_document
from tests.support.fake_cvat import FakeCvat
from tests.support.schema_conform import conform

AUTH = {"Authorization": "Basic " + b64encode(b"admin:admin").decode()}


def _status(url: str, method: str = "GET", body: bytes | None = None) -> tuple[int, bytes]:
    headers = {**AUTH, **({"Content-Type": "application/json"} if body else {})}
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local server
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.mark.parametrize("schema_id", [OSS_IDS[0], RELEASES[-1]])
def test_paths_and_routes_follow_the_schema(schema_id: str) -> None:
    schema = load_document(schema_id)
    with FakeCvat(schema=schema) as fake:
        status, body = _status(f"{fake.url}/api/tasks", "POST", json.dumps({"name": "t"}).encode())
        assert status == 201
        task = json.loads(body)
        # annotations live at ".../annotations/" in every release: without the slash, 404
        assert "/api/tasks/{id}/annotations/" in schema["paths"]
        assert _status(f"{fake.url}/api/tasks/{task['id']}/annotations/")[0] == 200
        assert _status(f"{fake.url}/api/tasks/{task['id']}/annotations")[0] == 404
        assert "/api/tasks" in schema["paths"] and _status(f"{fake.url}/api/tasks/")[0] == 404
        # /api/requests exists only where the schema has it
        routed = any("/api/requests/" in regex.pattern for _, regex, _ in fake._routes)
        assert routed == ("/api/requests/{id}" in schema["paths"])
        about = json.loads(_status(f"{fake.url}/api/server/about")[1])
        assert about["version"] == str(schema["info"]["version"]).split()[0]
        # a value the release's model does not allow as null is left out, as its server does
        props = schema["components"]["schemas"]["TaskRead"]["properties"]
        if not props["data"].get("nullable"):
            assert "data" not in task
        else:
            assert task["data"] is None


def test_conform_drops_only_forbidden_nulls() -> None:
    doc = {"components": {"schemas": {
        "M": {"type": "object", "required": ["r"], "properties": {
            "r": {"type": "integer"}, "o": {"type": "integer"}, "n": {"type": "integer", "nullable": True},
            "sub": {"type": "array", "items": {"$ref": "#/components/schemas/S"}}}},
        "S": {"allOf": [{"$ref": "#/components/schemas/T"}]},
        "T": {"type": "object", "properties": {"x": {"type": "string"}}},
    }}}
    value = {"r": None, "o": None, "n": None, "extra": None, "sub": [{"x": None, "y": 1}]}
    assert conform(doc, {"$ref": "#/components/schemas/M"}, value) == {
        "r": None, "n": None, "extra": None, "sub": [{"y": 1}]}
