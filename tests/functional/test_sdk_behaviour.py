"""Behaviours of the generated 2.70 SDK that the docs and cvat-sdk users rely on, one test each.

Most run against a tiny echo server (it records each raw request and answers with a canned
response); flows that need state use FakeCvat.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import threading
import time
from abc import ABC
from datetime import datetime, timezone
from types import ModuleType
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl

import pytest
import urllib3
from werkzeug.wrappers import Request, Response

from tests.conftest import schema_path
from tests.support.fake_cvat import FakeCvat
from tests.support.wsgi_server import BackgroundServer

pytestmark = pytest.mark.slow

JOBS = {"count": 0, "completed": 0, "validation": 0, "url": "u"}
REQUEST_JSON = {
    "status": "finished",
    "message": "",
    "id": "rq-1",
    "operation": {"type": "export:dataset", "target": "task", "task_id": 1, "format": "COCO 1.0"},
    "created_date": "2025-01-02T03:04:05Z",
    "result_url": None,
}


class Echo(BackgroundServer):
    """Records requests; answers ``routes[path]`` = (status, JSON-able body) or 200 ``{}``."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[dict[str, Any]] = []
        self.routes: dict[str, tuple[int, Any]] = {}
        self.delay = 0.0
        self._lock = threading.Lock()

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        with self._lock:
            self.log.append(
                {
                    "method": request.method,
                    "path": request.path,
                    "query": parse_qsl(request.query_string.decode(), keep_blank_values=True),
                    "headers": dict(request.headers.items()),
                    "body": request.get_data(),
                }
            )
        if self.delay:
            time.sleep(self.delay)
        status, body = self.routes.get(request.path, (200, {}))
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return Response(data, status=status, content_type="application/vnd.cvat+json")(
            environ, start_response
        )

    @property
    def last(self) -> dict[str, Any]:
        return self.log[-1]


@pytest.fixture
def echo() -> Any:
    with Echo() as server:
        yield server


@pytest.fixture
def pkg(sdk270: ModuleType) -> str:
    return sdk270.__name__


def _client(sdk: ModuleType, url: str, **config: Any) -> Any:
    return sdk.ApiClient(sdk.Configuration(host=url, **config))


# ---------------------------------------------------------------------------------- imports


def test_import_names(pkg: str) -> None:
    namespace: dict[str, Any] = {}
    exec(f"from {pkg} import Configuration, ApiClient, models, apis, exceptions", namespace)
    assert namespace["models"].TaskRead.__name__ == "TaskRead"
    assert namespace["apis"].TasksApi.__name__ == "TasksApi"
    assert issubclass(namespace["exceptions"].NotFoundException, namespace["exceptions"].ApiException)
    api_module = importlib.import_module(f"{pkg}.api_client")
    for name in ("ApiClient", "Endpoint", "ApiException", "get_paginated_collection"):
        assert hasattr(api_module, name)
    mu = importlib.import_module(f"{pkg}.model_utils")
    for name in ("IModelData", "ModelNormal", "to_json", "OpenApiModel"):
        assert hasattr(mu, name)


# ------------------------------------------------------------------------- client lifecycle


def test_api_client_context_manager_and_reuse_after_exit(sdk270: ModuleType, echo: Echo) -> None:
    with _client(sdk270, echo.url) as api_client:
        assert isinstance(api_client, sdk270.ApiClient)
        api_client.server_api.retrieve_about(_validate_outputs=False)
    # still usable after __exit__, as the old SDK
    (_, response) = api_client.server_api.retrieve_about(_validate_outputs=False)
    assert response.status == 200 and len(echo.log) == 2


# -------------------------------------------------------------------------- configuration


def test_configuration_basic_auth_and_positional_host(sdk270: ModuleType, echo: Echo) -> None:
    import base64

    configuration = sdk270.Configuration(host=echo.url, username="admin", password="pw")
    with sdk270.ApiClient(configuration) as api_client:
        api_client.users_api.retrieve_self(_parse_response=False)
    expected = "Basic " + base64.b64encode(b"admin:pw").decode()
    assert echo.last["headers"]["Authorization"] == expected

    positional = sdk270.Configuration(echo.url)
    assert positional.host == echo.url
    with sdk270.ApiClient(positional) as api_client:
        api_client.users_api.retrieve_self(_parse_response=False)
    assert "Authorization" not in echo.last["headers"]
    assert echo.last["path"] == "/api/users/self"


def test_configuration_api_keys(sdk270: ModuleType, echo: Echo) -> None:
    configuration = sdk270.Configuration(
        host=echo.url,
        api_key={"sessionAuth": "SID", "csrfAuth": "CSRF", "tokenAuth": "Token KEY"},
    )
    with sdk270.ApiClient(configuration) as api_client:
        api_client.tasks_api.destroy(1, _parse_response=False)
    headers = echo.last["headers"]
    assert headers["Authorization"] == "Token KEY"
    cookies = {c.strip() for c in headers["Cookie"].split(";")}
    assert {"sessionid=SID", "csrftoken=CSRF"} <= cookies
    assert headers["X-Csrftoken"] == "CSRF"

    # the prefix is added when the key comes without it
    configuration = sdk270.Configuration(host=echo.url, api_key={"tokenAuth": "KEY2"})
    with sdk270.ApiClient(configuration) as api_client:
        api_client.tasks_api.destroy(1, _parse_response=False)
    assert echo.last["headers"]["Authorization"] == "Token KEY2"


def test_access_token_bearer_and_per_request_auth(sdk270: ModuleType, echo: Echo) -> None:
    configuration = sdk270.Configuration(host=echo.url, access_token="PAT")
    api_client = sdk270.ApiClient(configuration)
    api_client.tasks_api.destroy(1, _parse_response=False)
    assert echo.last["headers"]["Authorization"] == "Bearer PAT"

    # later configuration changes apply to the next request (cvat_sdk.core relies on it)
    configuration.access_token = None
    configuration.api_key["csrfHeaderAuth"] = "TOKEN"
    api_client.tasks_api.destroy(1, _parse_response=False)
    assert "Authorization" not in echo.last["headers"]
    assert echo.last["headers"]["X-Csrftoken"] == "TOKEN"

    configuration.api_key.pop("csrfHeaderAuth")
    configuration.access_token = "PAT2"
    api_client.tasks_api.destroy(1, _parse_response=False)
    assert "X-Csrftoken" not in echo.last["headers"]
    assert echo.last["headers"]["Authorization"] == "Bearer PAT2"


def test_configuration_repr_hides_secrets(sdk270: ModuleType) -> None:
    configuration = sdk270.Configuration(
        host="http://h",
        username="someone",
        password="s3cret-pw",
        api_key={"tokenAuth": "s3cret-key"},
        access_token="s3cret-pat",
    )
    text = repr(configuration)
    assert "s3cret" not in text
    assert "http://h" in text and "someone" in text


# ------------------------------------------------------------------ headers and cookies


def test_api_client_headers_and_cookies(sdk270: ModuleType, echo: Echo) -> None:
    configuration = sdk270.Configuration(host=echo.url, api_key={"tokenAuth": "K"})
    api_client = sdk270.ApiClient(configuration, header_name="X-Extra", header_value="1", cookie="a=b")
    api_client.set_default_header("X-Organization", "org1")
    assert api_client.default_headers["X-Extra"] == "1"
    assert api_client.default_headers["X-Organization"] == "org1"

    common = api_client.get_common_headers()
    assert common["X-Extra"] == "1" and common["Cookie"] == "a=b"
    assert common is not api_client.default_headers

    headers: dict[str, str] = dict(common)
    queries: list[Any] = []
    api_client.update_params_for_auth(headers=headers, queries=queries)
    assert headers["Authorization"] == "Token K" and queries == []

    api_client.tasks_api.list(_parse_response=False)
    sent = echo.last["headers"]
    assert sent["X-Extra"] == "1" and sent["X-Organization"] == "org1"
    assert sent["Cookie"] == "a=b" and sent["Authorization"] == "Token K"

    api_client.default_headers.pop("X-Organization")
    api_client.tasks_api.list(_parse_response=False)
    assert "X-Organization" not in echo.last["headers"]


def test_cookies_from_set_cookie(sdk270: ModuleType) -> None:
    with FakeCvat() as fake, _client(sdk270, fake.url) as api_client:
        api_client.auth_api.create_login(sdk270.models.LoginSerializerExRequest(username="admin", password="admin"))
        assert api_client.cookies["csrftoken"].value
        api_client.configuration.api_key["csrfHeaderAuth"] = api_client.cookies["csrftoken"].value
        (task, _) = api_client.tasks_api.create({"name": "via session"})
        assert fake.requests[-1].user == "admin" and task.name == "via session"


# ------------------------------------------------------------------------- apis, endpoints


def test_every_tag_has_api_member_and_class(sdk270: ModuleType) -> None:
    schema = json.loads(schema_path("2.70.0").read_text())
    tags = {t for ops in schema["paths"].values() for op in ops.values() if isinstance(op, dict) for t in op.get("tags", [])}
    assert len(tags) > 20
    api_client = sdk270.ApiClient(sdk270.Configuration(host="http://localhost"))
    for tag in sorted(tags):
        cls = getattr(sdk270.apis, tag.capitalize() + "Api")
        member = getattr(api_client, f"{tag}_api")
        assert isinstance(member, cls), tag
        assert member is getattr(api_client, f"{tag}_api")  # one per client
        assert cls(api_client).api_client is api_client


def test_endpoint_objects(sdk270: ModuleType) -> None:
    with FakeCvat() as fake, _client(sdk270, fake.url, username="admin", password="admin") as api_client:
        (task, _) = api_client.tasks_api.create({"name": "t"})
        endpoint = api_client.tasks_api.partial_update_annotations_endpoint
        assert endpoint.path == "/api/tasks/{id}/annotations/"
        assert endpoint.path.format(id=3) == "/api/tasks/3/annotations/"
        assert endpoint.settings["http_method"] == "PATCH"
        assert set(endpoint.params_map["required"]) == {"action", "id"}
        assert {"action", "id", "patched_labeled_data_request"} <= set(endpoint.params_map["all"])
        assert "x_organization" in api_client.tasks_api.list_endpoint.params_map["all"]
        (data, response) = endpoint.call_with_http_info(
            action="create", id=task.id, patched_labeled_data_request={"tags": [{"frame": 0, "label_id": 1}]}
        )
        assert response.status == 200 and data.tags[0].frame == 0
        assert fake.annotations[task.id]["tags"][0]["label_id"] == 1
        assert fake.requests[-1].query == {"action": ["create"]}


# --------------------------------------------------------------------- parameter encoding


def test_query_booleans_dates_and_lists(sdk270: ModuleType, echo: Echo, pkg: str) -> None:
    api_client = _client(sdk270, echo.url)
    api_client.tasks_api.list(_parse_response=False, page=2, search="a b")
    assert echo.last["query"] == [("page", "2"), ("search", "a b")]
    api_client.users_api.list(is_active=True, _parse_response=False)
    assert echo.last["query"] == [("is_active", "true")]
    api_client.users_api.list(is_active=False, _parse_response=False)
    assert echo.last["query"] == [("is_active", "false")]

    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    with pytest.warns(DeprecationWarning):  # events_api.list is deprecated in 2.70
        api_client.events_api.list(_from=when, to="2024-05-07T00:00:00Z", _parse_response=False)
    query = dict(echo.last["query"])
    assert datetime.fromisoformat(query["from"]) == when
    assert datetime.fromisoformat(query["to"].replace("Z", "+00:00")) == datetime(2024, 5, 7, tzinfo=timezone.utc)

    # 2.70 has no list-typed query parameter: check the runtime with a spec of our own
    m = importlib.import_module(f"{pkg}.api_client")
    spec = m.EndpointSpec(
        name="probe",
        operation_id="probe",
        path="/api/probe",
        http_method="GET",
        params=(
            m.Param("ids", "query", "list[int]"),
            m.Param("tags", "query", "list[str]", explode=False),
            m.Param("flag", "query", "bool"),
        ),
        response_kind="none",
    )
    m.Endpoint(spec, api_client).call_with_http_info(ids=[1, 2], tags=["x", "y"], flag=True)
    assert echo.last["query"] == [("ids", "1"), ("ids", "2"), ("tags", "x,y"), ("flag", "true")]


def test_body_as_model_dict_or_mix(sdk270: ModuleType, echo: Echo) -> None:
    models = sdk270.models
    api_client = _client(sdk270, echo.url)
    expected = {"name": "t", "labels": [{"name": "car", "attributes": [{"name": "a", "mutable": True, "input_type": "checkbox", "values": ["true"]}]}]}
    attr = {"name": "a", "mutable": True, "input_type": "checkbox", "values": ["true"]}
    bodies = [
        models.TaskWriteRequest(name="t", labels=[models.PatchedLabelRequest(name="car", attributes=[models.AttributeRequest(**attr)])]),
        expected,
        {"name": "t", "labels": [models.PatchedLabelRequest(name="car", attributes=[attr])]},
        models.TaskWriteRequest(name="t", labels=[{"name": "car", "attributes": [models.AttributeRequest(**attr)]}]),
    ]
    for body in bodies:
        api_client.tasks_api.create(body, _parse_response=False)
        assert json.loads(echo.last["body"]) == expected
        assert echo.last["headers"]["Content-Type"] == "application/json"


def test_multipart_with_nested_fields_is_a_clear_error(sdk270: ModuleType, echo: Echo) -> None:
    api_client = _client(sdk270, echo.url)
    with pytest.raises(sdk270.exceptions.ApiValueError) as info:
        api_client.tasks_api.create_data(
            1,
            data_request={"client_files": [io.BytesIO(b"x")], "job_file_mapping": [["a.jpg"]]},
            _content_type="multipart/form-data",
        )
    assert "job_file_mapping" in str(info.value) and "multipart" in str(info.value)
    assert echo.log == []


# -------------------------------------------------------------------------------- models


def test_model_access_to_dict_and_to_json(sdk270: ModuleType, pkg: str) -> None:
    models = sdk270.models
    to_json = importlib.import_module(f"{pkg}.model_utils").to_json
    shape = models.LabeledShapeRequest(type="rectangle", frame=0, label_id=1, points=[1.0, 2.0, 3.0, 4.0])
    assert shape.frame == 0 and shape["frame"] == 0 and shape.get("z_order") is None
    assert shape.type is models.ShapeType.RECTANGLE
    assert "points" in shape and "z_order" not in shape
    with pytest.raises(AttributeError):
        shape["no_such_field"]
    assert shape.to_dict() == {"type": "rectangle", "frame": 0, "label_id": 1, "points": [1.0, 2.0, 3.0, 4.0]}
    assert to_json(shape) == shape.to_dict()
    request = models.Request(**REQUEST_JSON)
    assert request.created_date == datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert to_json(request)["created_date"].startswith("2025-01-02T03:04:05")
    assert json.dumps(to_json(request))


def test_interfaces_are_abc_mixins(sdk270: ModuleType) -> None:
    models = sdk270.models

    class Task(models.ITaskRead, ABC):
        def __init__(self, model: Any) -> None:
            self._model = model

        def __getattr__(self, name: str) -> Any:
            return self._model[name]

    task = Task(models.TaskRead(id=3, name="n", size=2, jobs=JOBS, labels={"url": "u"}))
    assert (task.id, task.name, task.size) == (3, "n", 2)
    with pytest.raises(AttributeError):
        task.subset  # unset: AttributeError, so getattr(x, n, default) works
    assert getattr(task, "subset", "dflt") == "dflt"
    assert "name" in models.ITaskRead.__annotations__
    assert [k for k in vars(models.ITaskRead) if not k.startswith("__")] == []
    assert issubclass(models.TaskRead, models.ITaskRead)


def test_unset_is_distinct_from_none_in_partial_update(sdk270: ModuleType) -> None:
    models = sdk270.models
    with FakeCvat() as fake, _client(sdk270, fake.url, username="admin", password="admin") as api_client:
        (task, _) = api_client.tasks_api.create({"name": "t", "subset": "train", "project_id": 4})
        api_client.tasks_api.partial_update(task.id, patched_task_write_request={"name": "renamed"})
        assert json.loads(fake.requests[-1].body) == {"name": "renamed"}
        api_client.tasks_api.partial_update(
            task.id, patched_task_write_request=models.PatchedTaskWriteRequest(project_id=None)
        )
        assert json.loads(fake.requests[-1].body) == {"project_id": None}
        stored = fake.tasks[task.id]
        assert (stored["name"], stored["subset"], stored["project_id"]) == ("renamed", "train", None)
    patch = models.PatchedTaskWriteRequest(bug_tracker="x")
    assert patch.to_dict() == {"bug_tracker": "x"} and patch.get("name") is None


def test_enum_fields(sdk270: ModuleType, echo: Echo) -> None:
    models = sdk270.models
    assert models.RequestStatus.allowed_values[("value",)]["FINISHED"] == "finished"
    assert models.LocationEnum.allowed_values[("value",)] == {"LOCAL": "local", "CLOUD_STORAGE": "cloud_storage"}
    echo.routes["/api/requests/rq-1"] = (200, REQUEST_JSON)
    echo.routes["/api/tasks/1"] = (
        200,
        {"id": 1, "name": "t", "status": "annotation", "jobs": JOBS, "labels": {"url": "u"}},
    )
    api_client = _client(sdk270, echo.url)
    (request, _) = api_client.requests_api.retrieve("rq-1")
    assert isinstance(request.status, models.RequestStatus)
    assert request.status.value == "finished" and str(request.status) == "finished"
    assert request.status == models.RequestStatus("finished")
    (task, _) = api_client.tasks_api.retrieve(1)
    assert type(task.status) is str and task.status == "annotation"  # an inline enum
    assert models.ShapeType("polygon").value == "polygon"


def test_unknown_fields_and_enum_values_are_tolerated(sdk270: ModuleType, echo: Echo) -> None:
    models = sdk270.models
    echo.routes["/api/requests/rq-1"] = (200, {**REQUEST_JSON, "status": "paused", "brand_new": {"x": 1}})
    echo.routes["/api/cloudstorages/1/content-v2"] = (
        200,
        {"content": [{"name": "l", "type": "SYMLINK", "mime_type": "DIR", "extra": 1}], "next": None, "total": 1},
    )
    api_client = _client(sdk270, echo.url)
    (request, _) = api_client.requests_api.retrieve("rq-1")
    assert request.status.value == "paused" and isinstance(request.status, models.RequestStatus)
    assert request.id == "rq-1"
    (content, _) = api_client.cloudstorages_api.retrieve_content_v2(1)
    assert str(content.content[0].type) == "SYMLINK" and content["next"] is None


def test_missing_required_response_field_only_with_validate_outputs(sdk270: ModuleType, echo: Echo) -> None:
    broken = {k: v for k, v in REQUEST_JSON.items() if k != "id"}
    echo.routes["/api/requests/rq-1"] = (200, broken)
    api_client = _client(sdk270, echo.url)
    with pytest.raises(sdk270.exceptions.ApiTypeError) as info:
        api_client.requests_api.retrieve("rq-1")
    assert "id" in str(info.value)
    with pytest.raises(sdk270.exceptions.ApiTypeError):
        api_client.requests_api.retrieve("rq-1", _validate_outputs=True)
    (request, _) = api_client.requests_api.retrieve("rq-1", _validate_outputs=False)
    assert request.status.value == "finished" and request.id is None


# ---------------------------------------------------------------------------- exceptions


def test_exception_constructors(sdk270: ModuleType) -> None:
    exceptions = sdk270.exceptions
    e = exceptions.ApiException(409, "Conflict")
    assert (e.status, e.reason, e.body, e.headers) == (409, "Conflict", None, None)
    resp = urllib3.HTTPResponse(body=b'{"detail": "x"}', status=418, reason="Teapot", headers={"A": "1"})
    e = exceptions.ApiException(None, None, resp)
    assert (e.status, e.reason, e.body, e.headers["A"]) == (418, "Teapot", '{"detail": "x"}', "1")
    e = exceptions.ApiException(status=0, reason="r", http_resp=resp)
    assert e.status == 418
    s = exceptions.ServiceException(500, "msg")
    assert isinstance(s, exceptions.ApiException) and (s.status, s.reason) == (500, "msg")
    v = exceptions.ApiValueError("bad labels", ["labels"])
    assert isinstance(v, ValueError) and v.path_to_item == ["labels"] and "labels" in str(v)
    assert issubclass(exceptions.ApiAttributeError, AttributeError)
    assert issubclass(exceptions.ApiKeyError, KeyError)
    assert issubclass(exceptions.ApiTypeError, TypeError)
    assert all(issubclass(c, exceptions.OpenApiException) for c in (exceptions.ApiException, exceptions.ApiValueError))


# ---------------------------------------------------------------------- request options


@pytest.mark.parametrize("timeout", [0.2, (1.0, 0.2)])
def test_request_timeout(sdk270: ModuleType, echo: Echo, timeout: Any) -> None:
    echo.delay = 1.0
    api_client = _client(sdk270, echo.url, retries=False)
    started = time.monotonic()
    with pytest.raises(urllib3.exceptions.TimeoutError):
        api_client.server_api.retrieve_about(_request_timeout=timeout)
    assert time.monotonic() - started < 0.9
    echo.delay = 0.05
    (_, response) = api_client.server_api.retrieve_about(_request_timeout=(2, 2), _parse_response=False)
    assert response.status == 200


def test_parse_response_false_gives_unread_stream(sdk270: ModuleType, echo: Echo) -> None:
    payload = bytes(range(256)) * 400
    echo.routes["/api/tasks/1/preview"] = (200, payload)
    api_client = _client(sdk270, echo.url)
    (data, response) = api_client.tasks_api.retrieve_preview(1, _parse_response=False)
    assert data is None
    assert response.tell() == 0  # nothing read yet
    chunks = []
    with response:
        while chunk := response.read(amt=10_000, decode_content=False):
            chunks.append(chunk)
    assert len(chunks) > 1 and b"".join(chunks) == payload
    (data, response) = api_client.tasks_api.retrieve_preview(1)
    with data:  # parsed, a file response is an open temp file (as cvat-sdk)
        assert data.read() == payload
    os.unlink(data.name)
