"""Form bodies become form parameters, as openapi-generator (and so cvat-sdk) makes them.

Why: cvat-sdk has `assets_api.create(guide_id, file)`, because a request body whose only
media types are form types is split into one parameter per field. A generator that keeps
one `body` parameter breaks positional calls that work with cvat-sdk. This builds a small
schema with such bodies (inline and `$ref`, multipart and urlencoded, required and optional
fields) and checks the signatures, the endpoint tables and what reaches the server.
"""

from __future__ import annotations

import inspect
import io
import json
from pathlib import Path
from typing import Any, Callable, Iterable

import pytest
from werkzeug.wrappers import Request, Response

from tests.conftest import build, import_generated
from tests.support.wsgi_server import BackgroundServer

JSON_OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
SCHEMA: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "forms", "version": "1.0"},
    "paths": {
        "/api/assets": {"post": {
            "operationId": "assets_create", "tags": ["assets"],
            "requestBody": {"required": True, "content": {"multipart/form-data": {
                "schema": {"$ref": "#/components/schemas/AssetWriteRequest"}}}},
            "responses": JSON_OK,
        }},
        "/api/guides/{id}/upload": {"post": {
            "operationId": "guides_upload", "tags": ["guides"],
            "parameters": [{"in": "path", "name": "id", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {"content": {"multipart/form-data": {"schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}, "note": {"type": "string"}},
            }}}},
            "responses": JSON_OK,
        }},
        "/api/login": {"post": {
            "operationId": "auth_login", "tags": ["auth"],
            "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
                "type": "object", "required": ["username"],
                "properties": {"username": {"type": "string"}, "id": {"type": "integer", "readOnly": True},
                               "remember": {"type": "boolean"}},
            }}}},
            "responses": JSON_OK,
        }},
        "/api/tasks": {"post": {
            "operationId": "tasks_create", "tags": ["tasks"],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/AssetWriteRequest"}},
                "multipart/form-data": {"schema": {"$ref": "#/components/schemas/AssetWriteRequest"}}}},
            "responses": JSON_OK,
        }},
    },
    "components": {"schemas": {"AssetWriteRequest": {
        "type": "object", "required": ["file", "guide_id"],
        "properties": {"guide_id": {"type": "integer"}, "file": {"type": "string", "format": "binary"}},
    }}},
}


class Recorder(BackgroundServer):
    """Answers `{}` and keeps (path, content type, form fields, file names) of each request."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str, dict[str, Any], dict[str, bytes]]] = []

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        files = {k: f.read() for k, f in request.files.items()}
        self.seen.append((request.path, request.mimetype, request.form.to_dict(), files))
        return Response(json.dumps({}), content_type="application/json")(environ, start_response)


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("forms")
    schema = root / "forms.json"
    schema.write_text(json.dumps(SCHEMA))
    build(schema, root / "out", package="tforms.api_client")
    return import_generated(root / "out", "tforms.api_client")


def test_signatures_follow_openapi_generator(sdk: Any) -> None:
    def params(method: Any) -> list[tuple[str, str]]:
        return [(p.name, p.kind.name) for p in inspect.signature(method).parameters.values()]

    client = sdk.ApiClient(sdk.Configuration(host="http://localhost"))
    # required fields positional in the schema's order, after the path parameters
    assert params(client.assets_api.create) == [("guide_id", "POSITIONAL_OR_KEYWORD"),
                                                ("file", "POSITIONAL_OR_KEYWORD"), ("kwargs", "VAR_KEYWORD")]
    assert params(client.guides_api.upload)[:1] == [("id", "POSITIONAL_OR_KEYWORD")]
    assert {"file", "note"} <= {n for n, k in params(client.guides_api.upload) if k == "KEYWORD_ONLY"}
    # read-only fields are not sent, so they are no parameters
    assert [n for n, _ in params(client.auth_api.login)] == ["username", "remember", "kwargs"]
    # a body that is also JSON stays one body parameter
    assert [n for n, _ in params(client.tasks_api.create)] == ["asset_write_request", "kwargs"]
    endpoint = client.assets_api.create_endpoint
    assert endpoint.location_map == {"guide_id": "form", "file": "form"}
    assert endpoint.attribute_map == {"guide_id": "guide_id", "file": "file"}
    assert endpoint.headers_map["content_type"] == ["multipart/form-data"]


def test_form_parameters_are_sent_as_the_body(sdk: Any) -> None:
    with Recorder() as server, sdk.ApiClient(sdk.Configuration(host=server.url)) as client:
        client.assets_api.create(7, io.BytesIO(b"PNG!"))
        client.guides_api.upload(3, note="hi")
        client.auth_api.login("admin", remember=True)
        with pytest.raises(sdk.exceptions.ApiTypeError):
            client.assets_api.create("not a number", io.BytesIO(b"x"))
        with pytest.raises(sdk.exceptions.ApiValueError, match="`file`"):
            client.assets_api.create_endpoint.call_with_http_info(guide_id=1)  # a required field missing
    assert server.seen[0] == ("/api/assets", "multipart/form-data", {"guide_id": "7"}, {"file": b"PNG!"})
    assert server.seen[1] == ("/api/guides/3/upload", "multipart/form-data", {"note": "hi"}, {})
    assert server.seen[2] == ("/api/login", "application/x-www-form-urlencoded",
                              {"username": "admin", "remember": "true"}, {})
