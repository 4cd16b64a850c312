"""``_check_status=False`` on an error status, and the errors raised when a response does not
fit the model (version skew between the SDK and the server)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

TASK = {"id": 1, "name": "t"}


def _endpoint(sdk: Any, client: Any, **spec: Any) -> Any:
    ep = importlib.import_module(sdk.__name__ + ".endpoint")
    base = dict(name="retrieve", operation_id="tasks_retrieve", path="/api/tasks/{id}",
                http_method="GET", params=(ep.Param("id", "path", "int", required=True),),
                response_type="TaskRead", response_kind="json", accept=("application/json",))
    base.update(spec)
    return ep.Endpoint(ep.EndpointSpec(**base), client)


# --- _check_status=False ------------------------------------------------------------------


def test_error_body_is_returned_not_parsed_as_the_success_model(client: Any, srv: Any) -> None:
    srv.route("GET", "/api/tasks/1", status=404, body={"detail": "Not found."})
    data, response = client.tasks_api.retrieve(1, _check_status=False)
    assert response.status == 404
    assert data == {"detail": "Not found."}  # the JSON error body, not a TaskRead


def test_error_body_that_is_not_json_is_text(client: Any, srv: Any) -> None:
    srv.route("GET", "/api/tasks/1", status=418, body=b"<html>teapot</html>",
              content_type="text/html")
    data, response = client.tasks_api.retrieve(1, _check_status=False)
    assert (data, response.status) == ("<html>teapot</html>", 418)
    srv.route("GET", "/api/tasks/1", status=400, body=b"")
    assert client.tasks_api.retrieve(1, _check_status=False)[0] is None


def test_operation_without_response_body_gives_none(client: Any, srv: Any) -> None:
    """As cvat-sdk, which parses only when the operation has a response schema."""
    srv.route("DELETE", "/api/tasks/1", status=404, body={"detail": "Not found."})
    data, response = client.tasks_api.destroy(1, _check_status=False)
    assert data is None and response.status == 404


def test_declared_error_model_is_decoded(sdk: Any, client: Any, srv: Any, models: Any) -> None:
    endpoint = _endpoint(sdk, client, status_responses={409: ("json", "RqId")})
    srv.route("GET", "/api/tasks/1", status=409, body={"rq_id": "export:1"})
    data, response = endpoint(1, _check_status=False)
    assert isinstance(data, models.RqId) and data.rq_id == "export:1"
    # a body that doesn't fit the declared model falls back to plain JSON, never raises
    srv.route("GET", "/api/tasks/1", status=409, body={"message": "busy"})
    assert endpoint(1, _check_status=False)[0] == {"message": "busy"}


def test_success_with_check_status_false_still_parses(client: Any, srv: Any, models: Any) -> None:
    srv.route("GET", "/api/tasks/1", body=TASK)
    data, _ = client.tasks_api.retrieve(1, _check_status=False)
    assert isinstance(data, models.TaskRead) and data.name == "t"


def test_call_api_check_status_false(client: Any, srv: Any) -> None:
    srv.route("GET", "/api/tasks/1", status=400, body={"name": ["too long"]})
    data, response = client.call_api("/api/tasks/1", "GET", response_schema="TaskRead",
                                     _check_status=False)
    assert data == {"name": ["too long"]} and response.status == 400


# --- version skew -------------------------------------------------------------------------


def test_mismatch_names_operation_path_value_and_release(sdk: Any, client: Any, srv: Any,
                                                         exc: Any) -> None:
    bad = {"id": 1, "name": "t", "target_storage": {"location": 5}}
    srv.route("GET", "/api/tasks", body={"count": 4, "results": [TASK, TASK, TASK, bad]})
    with pytest.raises(exc.ApiTypeError) as e:
        client.tasks_api.list()
    text = str(e.value)
    assert "`tasks_list`" in text
    assert "`$.results[3].target_storage.location`" in text
    assert "integer 5" in text and "`str`" in text  # what came, what was expected
    assert f"CVAT {sdk.__version__}" in text
    assert e.value.path_to_item == ["received_data", "results", 3, "target_storage", "location"]


def test_object_became_array(client: Any, srv: Any, exc: Any) -> None:
    """functions_list_requests: an object in 2.61, an array in 2.71."""
    srv.route("GET", "/api/tasks", body=[TASK])
    with pytest.raises(exc.ApiTypeError) as e:
        client.tasks_api.list()
    text = str(e.value)
    assert "expected `object`, got `array`" in text and "at `$`" in text
    assert "received array [{" in text


def test_missing_field_is_named(client: Any, srv: Any, exc: Any) -> None:
    srv.route("GET", "/api/tasks/1", body={"id": 1})
    with pytest.raises(exc.ApiTypeError) as e:
        client.tasks_api.retrieve(1)
    assert "missing required field `name`" in str(e.value) and "`tasks_retrieve`" in str(e.value)


def test_release_comes_from_schema_version(sdk: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    decoding = importlib.import_module(sdk.__name__ + ".decoding")
    monkeypatch.setattr(sdk, "SCHEMA_VERSION", "2.61.0 (2.0)", raising=False)
    assert decoding.schema_release() == "2.61.0 (2.0)"
