"""Endpoint calls through the fixture TasksApi against an in-process server."""

from __future__ import annotations

import os

import datetime
import io
import json
import warnings
from typing import Any
from urllib.parse import parse_qsl

import msgspec
import pytest
import urllib3

TASK = {"id": 1, "name": "a", "created_date": "2020-01-01T00:00:00Z", "status": "annotation",
        "target_storage": {"location": "local", "cloud_storage_id": None}}


def test_retrieve_returns_model_and_response(client: Any, srv: Any, models: Any) -> None:
    srv.route("GET", "/api/tasks/1", body=TASK)
    task, response = client.tasks_api.retrieve(1)
    assert isinstance(task, models.TaskRead) and task.name == "a"
    assert task.target_storage.location.value == "local"
    assert isinstance(response, urllib3.HTTPResponse) and response.status == 200
    assert srv.last.headers["Accept"] == "application/vnd.cvat+json"
    assert srv.last.headers["User-Agent"] == "cvat_sdk/2.70.0"
    assert client.last_response is response


def test_endpoint_metadata(client: Any) -> None:
    ep = client.tasks_api.create_data_endpoint
    assert ep.path == "/api/tasks/{id}/data"
    assert ep.path.format(id=5) == "/api/tasks/5/data"
    assert ep.settings["http_method"] == "POST"
    assert ep.settings["operation_id"] == "tasks_create_data"
    assert ep.settings["endpoint_path"] == ep.path
    assert ep.settings["auth"][0] == "basicAuth"
    assert ep.settings["response_type"] == "RqId"
    assert "x_organization" in client.tasks_api.list_endpoint.params_map["all"]
    assert "_parse_response" in ep.params_map["all"]
    assert ep.params_map["required"] == ["id"]
    assert ep.attribute_map["upload_start"] == "Upload-Start"
    assert ep.location_map == {"id": "path", "data_request": "body", "upload_start": "header"}
    assert ep.headers_map["content_type"] == ["application/json", "multipart/form-data"]
    assert ep.openapi_types["id"] == (int,)
    assert client.tasks_api.list_endpoint.collection_format_map["ids"] == "csv"


def test_query_serialization(client: Any, srv: Any, models: Any) -> None:
    srv.route("GET", "/api/tasks", body={"count": 0, "results": []})
    client.tasks_api.list(
        page=2, ids=[1, 2], tags=["a", "b"], sort="-name", shape_type=models.ShapeType.POLYGON,
        updated_after=datetime.datetime(2020, 1, 2, 3, 4, 5), is_public=False, org="",
    )
    assert parse_qsl(srv.last.query, keep_blank_values=True) == [
        ("org", ""), ("page", "2"), ("ids", "1,2"), ("tags", "a"), ("tags", "b"), ("sort", "-name"),
        ("shape_type", "polygon"), ("updated_after", "2020-01-02T03:04:05"), ("is_public", "false"),
    ]
    client.tasks_api.list(shape_type="points", org_id=None)
    assert parse_qsl(srv.last.query) == [("shape_type", "points")]


def test_input_validation(client: Any, srv: Any, exc: Any) -> None:
    with pytest.raises(exc.ApiValueError, match="sort"):
        client.tasks_api.list(sort="bad")
    with pytest.raises(exc.ApiTypeError, match="page"):
        client.tasks_api.list(page="x")
    with pytest.raises(exc.ApiTypeError, match="bogus"):
        client.tasks_api.list(bogus=1)
    with pytest.raises(exc.ApiValueError, match="`id`"):
        client.tasks_api.retrieve_endpoint.call_with_http_info()
    with pytest.raises(exc.ApiValueError, match="_async_call"):
        client.tasks_api.retrieve(1, _async_call=True)
    srv.route("GET", "/api/tasks", body={"count": 0, "results": []})
    client.tasks_api.list(page="x", _validate_inputs=False)  # sent as given
    assert srv.last.query == "page=x"


def test_ignored_control_kwargs(client: Any, srv: Any) -> None:
    srv.route("GET", "/api/tasks/1", body=TASK)
    task, _ = client.tasks_api.retrieve(1, _spec_property_naming=False, _host_index=None,
                                        _request_auths=None, _async_call=False)
    assert task.id == 1


def test_path_quoting(client: Any, srv: Any) -> None:
    srv.route("GET", "/api/tasks/a b/c/log", body=b"hi", content_type="text/plain; charset=utf-8")
    data, _ = client.tasks_api.retrieve_log("a b/c", session="s1")
    assert isinstance(data, str) and data == "hi"
    assert srv.last.raw_uri.startswith("/api/tasks/a%20b%2Fc/log")
    assert "session=s1" in srv.last.headers["Cookie"]


def test_headers_defaults_and_none_removal(client: Any, srv: Any) -> None:
    srv.route("GET", "/api/tasks", body={"count": 0, "results": []})
    client.default_headers["X-Organization"] = "org1"
    client.tasks_api.list()
    assert srv.last.headers["X-Organization"] == "org1"
    client.tasks_api.list(x_organization=None, org="")
    assert "X-Organization" not in srv.last.headers
    client.tasks_api.list(x_organization="org2")
    assert srv.last.headers["X-Organization"] == "org2"
    assert client.default_headers["X-Organization"] == "org1"


def test_auth_headers_per_request(sdk: Any, srv: Any) -> None:
    srv.route("GET", "/api/tasks/1", body=TASK)
    conf = sdk.Configuration(srv.url, username="u", password="p")
    client = sdk.ApiClient(conf)
    client.tasks_api.retrieve(1)
    assert srv.last.headers["Authorization"].startswith("Basic ")
    conf.api_key["csrfHeaderAuth"] = "tok"
    conf.access_token = "at"
    client.tasks_api.retrieve(1)
    assert srv.last.headers["Authorization"] == "Bearer at"  # last in the spec's auth order
    assert srv.last.headers["X-Csrftoken"] == "tok"
    assert srv.last.headers["Origin"] == srv.url


def test_cookies_from_set_cookie(client: Any, srv: Any) -> None:
    srv.route("POST", "/api/tasks", status=201, body=TASK, headers=[
        ("Set-Cookie", "csrftoken=abc; expires=Wed, 21 Oct 2099 07:28:00 GMT; Path=/"),
        ("Set-Cookie", "sessionid=xyz; HttpOnly; Path=/"),
    ])
    client.tasks_api.create({"name": "a"})
    assert "sessionid" in client.cookies and client.cookies["csrftoken"].value == "abc"
    srv.route("GET", "/api/tasks/1", body=TASK)
    client.tasks_api.retrieve(1)
    assert srv.last.headers["Cookie"] == "csrftoken=abc; sessionid=xyz"
    assert client.get_common_headers()["Cookie"] == "csrftoken=abc; sessionid=xyz"


def test_json_body_dict_model_and_mix(client: Any, srv: Any, models: Any) -> None:
    srv.route("POST", "/api/tasks", status=201, body=TASK)
    client.tasks_api.create({"name": "a", "target_storage": models.Storage(location="local"),
                             "project_id": None, "start_date": "2020-01-02"})
    assert srv.last.json() == {"name": "a", "project_id": None, "start_date": "2020-01-02",
                               "target_storage": {"location": "local"}}
    assert srv.last.headers["Content-Type"] == "application/json"
    client.tasks_api.create(models.TaskWriteRequest("b"), org_id=3)
    assert srv.last.json() == {"name": "b"} and srv.last.query == "org_id=3"


def test_json_body_validation(client: Any, exc: Any) -> None:
    with pytest.raises(exc.ApiTypeError) as e:
        client.tasks_api.create({"name": 1})
    assert "name" in str(e.value)


def test_patch_sends_only_given_fields(client: Any, srv: Any) -> None:
    srv.route("PATCH", "/api/tasks/1", body=TASK)
    client.tasks_api.partial_update(id=1, **{"patched_task_write_request": {"subset": "train"}})
    assert srv.last.json() == {"subset": "train"}


def test_multipart_body(client: Any, srv: Any, models: Any, tmp_path: Any) -> None:
    srv.route("POST", "/api/tasks/1/data", status=202, body={"rq_id": "r1"})
    path = tmp_path / "image1.jpg"
    path.write_bytes(b"JPEGDATA")
    data = models.DataRequest(image_quality=70, client_files=[open(path, "rb"), io.BytesIO(b"B")],
                              server_files=["a", "b"], use_cache=True)
    result, response = client.tasks_api.create_data(1, data_request=data,
                                                    _content_type="multipart/form-data")
    assert result.rq_id == "r1" and response.status == 202
    body = srv.last.body
    assert srv.last.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="client_files[0]"; filename="image1.jpg"' in body and b"JPEGDATA" in body
    assert b'name="client_files[1]"' in body
    assert b'name="server_files[1]"' in body and b'name="use_cache"\r\n\r\ntrue' in body
    assert b'name="image_quality"\r\n\r\n70' in body


def test_multipart_dict_body_and_nested_error(client: Any, srv: Any, exc: Any) -> None:
    srv.route("POST", "/api/tasks/1/data", status=202, body={"rq_id": "r1"})
    client.tasks_api.create_data(1, data_request={"image_quality": 5, "client_files": [io.BytesIO(b"X")]},
                                 _content_type="multipart/form-data")
    assert b'name="image_quality"\r\n\r\n5' in srv.last.body
    with pytest.raises(exc.ApiValueError, match="separate"):
        client.tasks_api.create_data(
            1, data_request={"image_quality": 5, "job_file_mapping": [["a"]]},
            _content_type="multipart/form-data")


def test_parse_response_false_streams(client: Any, srv: Any) -> None:
    srv.route("GET", "/api/tasks/1/preview", body=b"\x89PNG" * 1000, content_type="image/png")
    data, response = client.tasks_api.retrieve_preview(1, _parse_response=False)
    assert data is None
    with response:
        assert response.read(4) == b"\x89PNG"
    data, response = client.tasks_api.retrieve_preview(1)
    with data:  # a file response is an open file (see test_file_responses.py)
        assert data.read() == b"\x89PNG" * 1000
    os.unlink(data.name)


def test_check_status(client: Any, srv: Any, exc: Any) -> None:
    srv.route("DELETE", "/api/tasks/1", status=404, body={"detail": "Not found"})
    with pytest.raises(exc.NotFoundException) as e:
        client.tasks_api.destroy(1)
    assert e.value.status == 404 and "Not found" in e.value.body
    data, response = client.tasks_api.destroy(1, _check_status=False)
    assert data is None and response.status == 404
    srv.route("DELETE", "/api/tasks/1", status=204)
    assert client.tasks_api.destroy(1)[0] is None


def test_validate_outputs(client: Any, srv: Any, exc: Any) -> None:
    srv.route("GET", "/api/tasks/1", body={"name": 5, "status": "x"})
    with pytest.raises((exc.ApiTypeError, exc.ApiValueError)) as e:
        client.tasks_api.retrieve(1)
    assert e.value.path_to_item[0] == "received_data"
    task, _ = client.tasks_api.retrieve(1, _validate_outputs=False)
    assert task.name == 5 and task.id is None


def test_unknown_fields_and_enum_values_parse(client: Any, srv: Any) -> None:
    srv.route("GET", "/api/tasks/1", body={**TASK, "new_field": 1,
                                           "target_storage": {"location": "s3"}})
    task, _ = client.tasks_api.retrieve(1)
    assert task.target_storage.location.value == "s3"


def test_timeout(client: Any, srv: Any) -> None:
    srv.route("GET", "/api/tasks/1", body=TASK)
    assert client.tasks_api.retrieve(1, _request_timeout=5)[0].id == 1
    assert client.tasks_api.retrieve(1, _request_timeout=(3, 5))[0].id == 1


def test_deprecation_warnings(client: Any, srv: Any) -> None:
    srv.route("GET", "/api/tasks/1/old", status=204)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client.tasks_api.retrieve_old(1, legacy=True)
    assert [str(w.message) for w in caught] == [
        "tasks_api.retrieve_old() is deprecated, use retrieve()",
        "the 'legacy' parameter is deprecated",
    ]
    assert all(w.category is DeprecationWarning and w.filename == __file__ for w in caught)


def test_endpoint_call_and_direct_api(sdk: Any, client: Any, srv: Any) -> None:
    srv.route("GET", "/api/tasks/1", body=TASK)
    assert client.tasks_api.retrieve_endpoint(1)[0].id == 1
    api = sdk.apis.TasksApi(client)
    assert api.retrieve(id=1)[0].name == "a"


def test_untyped_and_generic_responses(client: Any, srv: Any) -> None:
    srv.route("GET", "/api/raw", body=[{"a": 1}])
    assert client.tasks_api.list_raw()[0] == [{"a": 1}]


def test_get_paginated_collection(ac: Any, client: Any, srv: Any) -> None:
    def handler(req: Any) -> Any:
        page = int(dict(parse_qsl(req.query))["page"])
        body = {"count": 3, "results": [{"id": page, "name": f"t{page}"}],
                "next": f"{srv.url}/api/tasks?page={page + 1}" if page < 3 else None}
        return 200, [("Content-Type", "application/json")], json.dumps(body).encode()

    srv.routes[("GET", "/api/tasks")] = handler
    tasks = ac.get_paginated_collection(client.tasks_api.list_endpoint, org="x")
    assert [t.id for t in tasks] == [1, 2, 3]
    raw = ac.get_paginated_collection(client.tasks_api.list_endpoint, return_json=True)
    assert [t["name"] for t in raw] == ["t1", "t2", "t3"]


def test_spec_objects_are_frozen(ac: Any) -> None:
    p = ac.Param("ids", "query", "list[int]", explode=False)
    with pytest.raises(AttributeError):
        p.name = "x"
    assert p == ac.Param("ids", "query", "list[int]", explode=False) and hash(p)
    spec = ac.EndpointSpec(name="x", operation_id="x_op", path="/x", http_method="get")
    with pytest.raises(AttributeError):
        spec.path = "/y"
    assert spec.http_method == "GET"


def test_large_typed_decode_goes_through_the_cached_decoder(client: Any, srv: Any, models: Any) -> None:
    """A 20,000-shape payload parses into typed models through the endpoint's one cached
    msgspec decoder (its speed is measured by bench/sdk_speed.py, not here)."""
    shapes = [{"type": "rectangle", "frame": i, "label_id": 1, "points": [1.0, 2.0, 3.0, 4.0],
               "attributes": [{"spec_id": 1, "value": "v"}], "id": i, "occluded": False}
              for i in range(20000)]
    payload = json.dumps({"version": 1, "tags": [], "shapes": shapes}).encode()
    srv.route("GET", "/api/tasks/1/annotations", body=payload)
    data, response = client.tasks_api.retrieve_annotations(1)
    assert len(data.shapes) == 20000 and data.shapes[5].frame == 5
    assert isinstance(data.shapes[0], models.LabeledShape)
    decoder = client.tasks_api.retrieve_annotations_endpoint._c.decoder
    assert decoder is client.tasks_api.retrieve_annotations_endpoint._c.decoder
    assert decoder.decode(payload).shapes[19999].frame == 19999
