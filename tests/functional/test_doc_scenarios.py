"""The code examples of ``reference/low-level-api.txt``, run against FakeCvat, on every
release.

Each test keeps the example as the docs write it and fills in only what the text elides
(the host, credentials, file names, closing brackets). Each runs once per schema under
../shared/schemas (both editions, found by listing): the SDK is that schema's shared build
(``contract_sdk``), so ``from cvat_sdk.api_client import X`` becomes ``X = sdk.X``, and
FakeCvat follows the same schema (its paths, trailing slashes included). ``@uses(...)``
names the operations an example calls; on a release without one of them the test is
skipped, with the missing operation in the reason. Where an example cannot run as written,
a comment says why and what stands in for it.
"""

from __future__ import annotations

import io
import json
import zipfile
from http import HTTPStatus
from pathlib import Path
from time import sleep
from types import ModuleType, SimpleNamespace
from typing import Any, Callable

import pytest

from tests.conftest import SCHEMA_IDS, load_document, operation_ids

from tests.functional.doc_examples import DOC_EXAMPLE
from tests.support.fake_cvat import FakeCvat

pytestmark = pytest.mark.slow

JPEG = b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9"


uses = pytest.mark.uses


def _required(schema_id: str, model: str) -> list[str]:
    return list((load_document(schema_id)["components"]["schemas"].get(model) or {}).get("required") or [])


def _declares_body(schema_id: str, operation_id: str) -> bool:
    """Whether the operation's first successful response has a body in that release."""
    for item in load_document(schema_id)["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                ok = sorted(c for c in op.get("responses", {}) if str(c).startswith("2"))
                return bool(ok) and bool(op["responses"][ok[0]].get("content"))
    return False


@pytest.fixture(params=SCHEMA_IDS)
def schema_id(request: pytest.FixtureRequest) -> str:
    """The schema of this run; skips when an operation that ``@uses`` names is missing."""
    marker = request.node.get_closest_marker("uses")
    if marker is not None:
        known = operation_ids(request.param)
        missing = [op for op in marker.args if op not in known]
        if missing:
            pytest.skip(f"release {request.param} has no operation {', '.join(missing)}")
    return request.param


@pytest.fixture
def sdk(schema_id: str, contract_sdk: Callable[[str], ModuleType]) -> SimpleNamespace:
    """The names the docs import from ``cvat_sdk.api_client``."""
    from importlib import import_module

    module = contract_sdk(schema_id)
    pkg = module.__name__
    return SimpleNamespace(
        package=pkg,
        Configuration=module.Configuration,
        ApiClient=module.ApiClient,
        models=module.models,
        apis=module.apis,
        exceptions=module.exceptions,
        api_client_module=import_module(f"{pkg}.api_client"),
        model_utils=import_module(f"{pkg}.model_utils"),
    )


@pytest.fixture
def fake(schema_id: str) -> Any:
    with FakeCvat(polls_to_finish=3, page_size=2, schema=load_document(schema_id)) as server:
        yield server


@pytest.fixture
def images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``image1.jpg`` and ``image2.jpg`` in the current directory, as the docs open them."""
    for name in ("image1.jpg", "image2.jpg"):
        (tmp_path / name).write_bytes(JPEG + name.encode())
    monkeypatch.chdir(tmp_path)
    return tmp_path


TASK_SPEC = {
    "name": "example task",
    "labels": [
        {
            "name": "car",
            "color": "#ff00ff",
            "attributes": [
                {
                    "name": "a",
                    "mutable": True,
                    "input_type": "number",
                    "default_value": "5",
                    "values": ["4", "5", "6"],
                }
            ],
        }
    ],
}


def _make_task(api_client: Any, name: str = "t") -> Any:
    (task, _) = api_client.tasks_api.create({"name": name, "labels": [{"name": "car"}]})
    return task


def _attach_images(fake: FakeCvat, task_id: int, n: int = 2) -> None:
    fake._attach_data(task_id, [(f"im{i}.jpg", JPEG) for i in range(n)], 70)


# --------------------------------------------------------------------------------------
# The first example: create a task with local files, basic auth
# --------------------------------------------------------------------------------------


@uses("tasks_create", "tasks_create_data", "requests_retrieve", "tasks_retrieve")
def test_create_task_with_local_files(sdk: SimpleNamespace, fake: FakeCvat, images: Path) -> None:
    Configuration, ApiClient = sdk.Configuration, sdk.ApiClient
    models, exceptions = sdk.models, sdk.exceptions

    configuration = Configuration(host=fake.url, username="admin", password="admin")

    # Enter a context with an instance of the API client
    with ApiClient(configuration) as api_client:
        # Let's use a dict here. It should look like models.ITaskWriteRequest
        task_spec = {
            "name": "example task",
            "labels": [
                {
                    "name": "car",
                    "color": "#ff00ff",
                    "attributes": [
                        {
                            "name": "a",
                            "mutable": True,
                            "input_type": "number",
                            "default_value": "5",
                            "values": ["4", "5", "6"],
                        }
                    ],
                }
            ],
        }

        try:
            # Apis can be accessed as ApiClient class members
            (task, response) = api_client.tasks_api.create(task_spec)
        except exceptions.ApiException as e:
            # We can catch the basic exception type, or a derived type
            print("Exception when trying to create a task: %s\n" % e)
            raise

        # Here we will use models instead of a dict
        task_data = models.DataRequest(
            image_quality=75,
            client_files=[
                open("image1.jpg", "rb"),
                open("image2.jpg", "rb"),
            ],
        )

        # If we pass binary file objects, we need to specify content type.
        (result, response) = api_client.tasks_api.create_data(
            task.id,
            data_request=task_data,
            _content_type="multipart/form-data",
            # we can choose to check the response status manually
            # and disable the response data parsing
            _check_status=False,
            _parse_response=False,
        )
        assert response.status == 202, response.msg

        # The docs go on with `result.rq_id`, but they also say that with
        # _parse_response=False "None is returned" as the first value - so the
        # example as written can't work with any SDK. Read the id from the raw body.
        assert result is None
        rq_id = json.loads(response.data)["rq_id"]

        # Wait till task data is processed
        for _ in range(100):
            request_details, response = api_client.requests_api.retrieve(rq_id)
            status, message = request_details.status, request_details.message

            if status.value in {"finished", "failed"}:
                break
            sleep(0.01)

        assert status.value == "finished", status.message

        # Update the task object and check the task size
        (task, _) = api_client.tasks_api.retrieve(task.id)
        # The docs' example files give 4 frames; ours are the 2 images opened above.
        assert task.size == 2

    # What the server got: the spec as JSON, both files, the image quality.
    stored = fake.tasks[task.id]
    assert stored["name"] == "example task" and stored["image_quality"] == 75
    assert [name for name, _ in fake.task_files[task.id]] == ["image1.jpg", "image2.jpg"]
    assert fake.task_files[task.id][0][1] == JPEG + b"image1.jpg"
    (label,) = fake.labels.values()
    assert label["attributes"][0]["values"] == ["4", "5", "6"]
    assert label["attributes"][0]["mutable"] is True
    polls = [r for r in fake.requests if r.path.startswith("/api/requests/")]
    assert len(polls) == 3  # queued, started, finished
    assert all(r.headers["Authorization"].startswith("Basic ") for r in fake.requests)


@uses("tasks_create")
def test_model_spec_is_equivalent_to_dict_spec(sdk: SimpleNamespace, fake: FakeCvat) -> None:
    models = sdk.models
    task_spec = models.TaskWriteRequest(
        name="example task",
        labels=[
            models.PatchedLabelRequest(
                name="car",
                color="#ff00ff",
                attributes=[
                    models.AttributeRequest(
                        name="a",
                        mutable=True,
                        input_type=models.InputTypeEnum("number"),
                        default_value="5",
                        values=["4", "5", "6"],
                    )
                ],
            )
        ],
    )
    assert task_spec.to_dict() == TASK_SPEC
    assert sdk.model_utils.to_json(task_spec) == TASK_SPEC
    # and "you can mix these variants"
    mixed = models.TaskWriteRequest(name="example task", labels=[TASK_SPEC["labels"][0]])
    assert mixed == task_spec

    configuration = sdk.Configuration(host=fake.url, username="admin", password="admin")
    with sdk.ApiClient(configuration) as api_client:
        for spec in (task_spec, TASK_SPEC, {"name": "example task", "labels": [task_spec.labels[0]]}):
            (task, _) = api_client.tasks_api.create(spec)
            assert task.name == "example task"
    bodies = [json.loads(r.body) for r in fake.requests if r.method == "POST"]
    assert bodies == [TASK_SPEC] * 3


# --------------------------------------------------------------------------------------
# ApiClient and configuration, authentication
# --------------------------------------------------------------------------------------


@uses("users_retrieve_self", "tasks_create")
def test_configuration_auth_options(sdk: SimpleNamespace, fake: FakeCvat) -> None:
    Configuration, ApiClient = sdk.Configuration, sdk.ApiClient
    key = "k" * 40
    fake.tokens[key] = "admin"
    fake.sessions["sid"] = ("admin", "csrf")

    configuration = Configuration(host=fake.url)
    with ApiClient(configuration) as api_client:
        with pytest.raises(sdk.exceptions.ApiException) as info:
            api_client.users_api.retrieve_self()
        assert info.value.status == 401

    for configuration in (
        Configuration(host=fake.url, username="admin", password="admin"),
        Configuration(host=fake.url, api_key={"sessionAuth": "sid", "csrfAuth": "csrf", "tokenAuth": f"Token {key}"}),
        Configuration(host=fake.url, api_key={"sessionAuth": "sid", "csrfAuth": "csrf"}),
    ):
        with ApiClient(configuration) as api_client:
            (user, _) = api_client.users_api.retrieve_self()
            assert user.username == "admin"
            # an unsafe method: session auth also needs the CSRF header
            (task, response) = api_client.tasks_api.create({"name": "x"})
            assert response.status == 201
    session_post = fake.requests[-1]
    assert "Authorization" not in session_post.headers
    # the CSRF token goes where the release's schema says: a header (and the cookie) since
    # csrfHeaderAuth exists, the `csrftoken` cookie alone before
    assert session_post.headers.get("X-Csrftoken") == "csrf" or "csrftoken=csrf" in session_post.headers["Cookie"]
    assert "sessionid=sid" in session_post.headers["Cookie"]


@uses("auth_create_login", "users_retrieve_self")
def test_token_login_with_cookies(sdk: SimpleNamespace, fake: FakeCvat) -> None:
    ApiClient, Configuration = sdk.ApiClient, sdk.Configuration
    credentials = ("admin", "admin")

    configuration = Configuration(host=fake.url)
    with ApiClient(configuration) as api_client:
        models = sdk.models

        # The docs' model name; 2.70 names it LoginSerializerExRequest.
        (auth, _) = api_client.auth_api.create_login(
            models.LoginRequest(username=credentials[0], password=credentials[1])
        )

        assert "sessionid" in api_client.cookies
        assert "csrftoken" in api_client.cookies
        api_client.set_default_header("Authorization", "Token " + auth.key)

        (user, _) = api_client.users_api.retrieve_self()
        assert user.username == "admin"
    assert fake.tokens[auth.key] == "admin"
    last = fake.requests[-1]
    assert last.headers["Authorization"] == f"Token {auth.key}" and last.user == "admin"


@uses("auth_create_login", "users_retrieve_self", "tasks_create")
def test_token_login_with_cookies_270_model(sdk: SimpleNamespace, fake: FakeCvat) -> None:
    """The same flow with the 2.70 name of the login model (what cvat_sdk.core sends)."""
    with sdk.ApiClient(sdk.Configuration(host=fake.url)) as api_client:
        (auth, _) = api_client.auth_api.create_login(
            sdk.models.LoginSerializerExRequest(username="admin", password="admin")
        )
        assert "sessionid" in api_client.cookies
        assert "csrftoken" in api_client.cookies
        # the session cookies alone authenticate safe requests
        (user, _) = api_client.users_api.retrieve_self()
        assert user.username == "admin"
        assert "sessionid=" in fake.requests[-1].headers["Cookie"]
        api_client.set_default_header("Authorization", "Token " + auth.key)
        (task, _) = api_client.tasks_api.create({"name": "t"})
    assert fake.requests[-1].headers["Authorization"] == "Token " + auth.key
    assert fake.requests[-1].user == "admin"


# --------------------------------------------------------------------------------------
# API wrappers, sending requests
# --------------------------------------------------------------------------------------


@uses("tasks_create", "tasks_list", "tasks_retrieve")
def test_api_wrappers_and_endpoints(sdk: SimpleNamespace, fake: FakeCvat) -> None:
    ApiClient, apis = sdk.ApiClient, sdk.apis
    api_client = ApiClient(sdk.Configuration(host=fake.url, username="admin", password="admin"))

    auth_api = apis.AuthApi(api_client)
    tasks_api = apis.TasksApi(api_client)
    assert isinstance(api_client.tasks_api, apis.TasksApi)
    assert isinstance(auth_api, apis.AuthApi)

    _make_task(api_client)
    (data, response) = api_client.tasks_api.list()
    assert response.status == 200 and data.count == 1
    (data, response) = tasks_api.list()
    assert data.results[0].name == "t"

    endpoint = tasks_api.retrieve_endpoint
    assert endpoint.path == "/api/tasks/{id}"
    assert endpoint.settings["http_method"] == "GET"
    assert "id" in endpoint.params_map["all"]

    def call(op: Any, **kwargs: Any) -> Any:  # "pass the operation to other functions"
        return op.call_with_http_info(**kwargs)

    (task, _) = call(endpoint, id=data.results[0].id)
    assert task.name == "t"


@uses("tasks_create", "tasks_list")
def test_organizations(sdk: SimpleNamespace, fake: FakeCvat) -> None:
    task_spec = dict(TASK_SPEC)
    org_id = 5
    with sdk.ApiClient(sdk.Configuration(host=fake.url, username="admin", password="admin")) as api_client:
        (task, response) = api_client.tasks_api.create(task_spec, org_id=org_id)
        assert task.organization == 5
        api_client.tasks_api.create(task_spec, org="my-org")
        assert (fake.requests[-2].org_id, fake.requests[-1].org) == ("5", "my-org")

        api_client.set_default_header("X-Organization", "my-org")
        api_client.tasks_api.list()
        assert fake.requests[-1].x_organization == "my-org"
        # an explicit None header parameter removes the default header for this call
        api_client.tasks_api.list(x_organization=None)
        assert fake.requests[-1].x_organization is None
        assert "X-Organization" not in fake.requests[-1].headers
        api_client.tasks_api.list(x_organization="other")
        assert fake.requests[-1].x_organization == "other"
        assert api_client.default_headers["X-Organization"] == "my-org"


@uses("tasks_retrieve", "tasks_create")
def test_failed_request_raises_api_exception(sdk: SimpleNamespace, fake: FakeCvat) -> None:
    exceptions = sdk.exceptions
    with sdk.ApiClient(sdk.Configuration(host=fake.url, username="admin", password="admin")) as api_client:
        try:
            api_client.tasks_api.retrieve(12345)
        except exceptions.ApiException as e:
            error = e
        else:
            pytest.fail("no exception for a 404")
        assert error.status == 404
        assert isinstance(error, exceptions.NotFoundException)
        assert json.loads(error.body) == {"detail": "No Task matches the given query."}
        assert error.headers["Content-Type"] == "application/json"
        assert "404" in str(error)

        # an empty name breaks the schema's minLength: checked client-side first (as cvat-sdk),
        # so let the server judge it to get its 400
        with pytest.raises(exceptions.ApiValueError):
            api_client.tasks_api.create({"name": ""})
        api_client.configuration.client_side_validation = False
        with pytest.raises(exceptions.ApiException) as info:
            api_client.tasks_api.create({"name": ""})
        assert info.value.status == 400 and "name" in info.value.body


@uses("tasks_create", "tasks_retrieve")
def test_check_status_false_and_parse_response_false(sdk: SimpleNamespace, fake: FakeCvat) -> None:
    with sdk.ApiClient(sdk.Configuration(host=fake.url, username="admin", password="admin")) as api_client:
        (data, response) = api_client.tasks_api.retrieve(
            12345, _check_status=False, _parse_response=False
        )
        assert data is None
        assert response.status == 404
        assert json.loads(response.data)["detail"].startswith("No Task")

        task = _make_task(api_client)
        (data, response) = api_client.tasks_api.retrieve(task.id, _parse_response=False)
        assert data is None and json.loads(response.data)["name"] == "t"


# --------------------------------------------------------------------------------------
# Paginated responses
# --------------------------------------------------------------------------------------


@uses("tasks_create", "tasks_list")
def test_get_paginated_collection(sdk: SimpleNamespace, fake: FakeCvat) -> None:
    get_paginated_collection = sdk.api_client_module.get_paginated_collection
    with sdk.ApiClient(sdk.Configuration(host=fake.url, username="admin", password="admin")) as api_client:
        project_id = 7
        for i in range(5):
            api_client.tasks_api.create({"name": f"task {i}"})
            fake.tasks[max(fake.tasks)]["project_id"] = project_id if i != 2 else None

        project_tasks = get_paginated_collection(
            api_client.tasks_api.list_endpoint, name="task"
        )
        assert [t.name for t in project_tasks] == [f"task {i}" for i in range(5)]
        list_calls = [r for r in fake.requests if r.path == "/api/tasks" and r.method == "GET"]
        assert [r.query.get("page") for r in list_calls] == [["1"], ["2"], ["3"]]
        assert all(r.query["name"] == ["task"] for r in list_calls)

        as_json = get_paginated_collection(api_client.tasks_api.list_endpoint, return_json=True)
        assert [t["name"] for t in as_json] == [f"task {i}" for i in range(5)]


@uses("tasks_create", "tasks_list")
def test_paginated_collection_like_core_helpers(sdk: SimpleNamespace, fake: FakeCvat) -> None:
    """The loop of cvat_sdk.core.helpers.get_paginated_collection, on the endpoint object."""

    def get_paginated_collection(endpoint: Any, *, return_json: bool = False, **kwargs: Any) -> list[Any]:
        if "x_organization" in endpoint.params_map["all"] and "org" not in kwargs:
            kwargs.setdefault("x_organization", None)
            kwargs.setdefault("org", "")
        results: list[Any] = []
        page = 1
        while True:
            (page_contents, response) = endpoint.call_with_http_info(**kwargs, page=page)
            if return_json:
                page_contents = json.loads(response.data)
                results.extend(page_contents["results"])
                has_next = page_contents["next"]
            else:
                results.extend(page_contents.results)
                has_next = page_contents.next
            if not has_next:
                break
            page += 1
        return results

    with sdk.ApiClient(sdk.Configuration(host=fake.url, username="admin", password="admin")) as api_client:
        for i in range(3):
            api_client.tasks_api.create({"name": f"task {i}"})
        api_client.set_default_header("X-Organization", "my-org")
        tasks = get_paginated_collection(api_client.tasks_api.list_endpoint)
        assert [t.id for t in tasks] == sorted(fake.tasks)
        assert isinstance(tasks[0], sdk.models.TaskRead)
        pages = [r for r in fake.requests if r.path == "/api/tasks" and r.method == "GET"]
        assert len(pages) == 2
        assert all(r.x_organization is None and r.org == "" for r in pages)


# --------------------------------------------------------------------------------------
# Binary data in requests and responses
# --------------------------------------------------------------------------------------


@uses("tasks_create", "tasks_create_data")
def test_send_files_multipart(sdk: SimpleNamespace, schema_id: str, fake: FakeCvat, images: Path) -> None:
    models = sdk.models
    with sdk.ApiClient(sdk.Configuration(host=fake.url, username="admin", password="admin")) as api_client:
        task_id = _make_task(api_client).id

        (result, response) = api_client.tasks_api.create_data(
            task_id,
            data_request=models.DataRequest(
                client_files=[
                    open("image1.jpg", "rb"),
                ],
                image_quality=70,
            ),
            _content_type="multipart/form-data",  # required
        )
        # releases before /api/requests declare no body for this 202 (the SDK gives None)
        assert response.status == 202 and (result.rq_id if _declares_body(schema_id, "tasks_create_data") else result is None)
    post = [r for r in fake.requests if r.path.endswith("/data/")][0]
    assert post.content_type == "multipart/form-data"


@uses("tasks_create", "tasks_create_data", "requests_retrieve", "tasks_retrieve")
def test_three_step_upload_with_complex_fields(
    sdk: SimpleNamespace, schema_id: str, fake: FakeCvat, images: Path
) -> None:
    models = sdk.models
    with sdk.ApiClient(sdk.Configuration(host=fake.url, username="admin", password="admin")) as api_client:
        task_id = _make_task(api_client).id

        data = {
            "client_files": [open("image1.jpg", "rb"), open("image2.jpg", "rb")],  # a list of binary files
            "image_quality": 75,  # a simple type - int
            "job_file_mapping": [["image1.jpg"], ["image2.jpg"]],  # a complex type - list
        }

        # Sending them all as multipart is refused with a clear error.
        with pytest.raises(sdk.exceptions.ApiValueError, match="job_file_mapping"):
            api_client.tasks_api.create_data(
                task_id, data_request=dict(data), _content_type="multipart/form-data"
            )
        data["client_files"] = [open("image1.jpg", "rb"), open("image2.jpg", "rb")]

        # Initialize uploading. Where the release's DataRequest requires image_quality (e.g.
        # 2.16-2.69), the docs' empty `DataRequest()` can't be built: it gets the quality.
        start = {"image_quality": 75} if "image_quality" in _required(schema_id, "DataRequest") else {}
        api_client.tasks_api.create_data(task_id, data_request=models.DataRequest(**start), upload_start=True)

        # Upload binary data
        api_client.tasks_api.create_data(
            task_id,
            data_request=models.DataRequest(client_files=data.pop("client_files"), image_quality=data["image_quality"]),
            upload_multiple=True,
            _content_type="multipart/form-data",
        )

        # Finalize the uploading and send the remaining fields
        (result, response) = api_client.tasks_api.create_data(
            task_id, data_request=models.DataRequest(**data), upload_finish=True
        )
        assert response.status == 202

        for _ in range(100):
            (request_details, _) = api_client.requests_api.retrieve(result.rq_id)
            if request_details.status.value in {"finished", "failed"}:
                break
        assert request_details.status.value == "finished"
        (task, _) = api_client.tasks_api.retrieve(task_id)
        assert task.size == 2

    steps = [r for r in fake.requests if r.method == "POST" and r.path.endswith("/data/")]
    steps = steps[-3:]
    assert [sorted(k for k in r.headers if k.startswith("Upload-")) for r in steps] == [
        ["Upload-Start"],
        ["Upload-Multiple"],
        ["Upload-Finish"],
    ]
    assert steps[0].headers["Upload-Start"] == "true"
    assert [r.content_type for r in steps[1:]] == ["multipart/form-data", "application/json"]
    finish = json.loads(steps[2].body)
    assert finish == {"image_quality": 75, "job_file_mapping": [["image1.jpg"], ["image2.jpg"]]}
    assert fake.data_fields[task_id]["job_file_mapping"] == [["image1.jpg"], ["image2.jpg"]]
    assert [n for n, _ in fake.task_files[task_id]] == ["image1.jpg", "image2.jpg"]


@uses("tasks_create", "tasks_create_dataset_export", "requests_retrieve")
def test_receive_dataset_export(sdk: SimpleNamespace, fake: FakeCvat, tmp_path: Path) -> None:
    """The docs' example polls `tasks_api.retrieve_dataset(...)` for 202 -> 201, then
    downloads with `action="download"`. The 2.70 schema has no `retrieve_dataset`; the same
    intent there is: `create_dataset_export` (202 + rq_id), poll `requests_api.retrieve`
    until finished, then download `result_url` (not an operation of the schema) through
    `rest_client.GET(..., _parse_response=False)` with the client's headers and auth."""
    with sdk.ApiClient(sdk.Configuration(host=fake.url, username="admin", password="admin")) as api_client:
        task_id = _make_task(api_client).id
        _attach_images(fake, task_id)

        # Export a task as a dataset
        (rq, response) = api_client.tasks_api.create_dataset_export(format="COCO 1.0", id=task_id)
        assert response.status == HTTPStatus.ACCEPTED
        statuses = []
        while True:
            (request_details, response) = api_client.requests_api.retrieve(rq.rq_id)
            statuses.append(request_details.status.value)
            if request_details.status.value == "finished":
                break
            sleep(0.01)
        assert statuses == ["queued", "started", "finished"]

        headers = api_client.get_common_headers()
        api_client.update_params_for_auth(headers=headers, queries=[])
        response = api_client.rest_client.GET(
            request_details.result_url, headers=headers, _parse_response=False
        )
        assert response.status == HTTPStatus.OK

        # Save the resulting file
        with open(tmp_path / "output_file", "wb") as output_file:
            while chunk := response.read(1024):
                output_file.write(chunk)
        response.release_conn()

    with zipfile.ZipFile(tmp_path / "output_file") as zf:
        assert json.loads(zf.read("annotations.json"))["format"] == "COCO 1.0"
        assert sorted(zf.namelist()) == ["annotations.json", "images/im0.jpg", "images/im1.jpg"]
    export_call = [r for r in fake.requests if r.path.endswith("/dataset/export")][0]
    assert export_call.query == {"format": ["COCO 1.0"]}


@pytest.mark.parametrize("bucket_page_size", [1000, 1])
@uses("cloudstorages_retrieve_content_v2")
def test_cloud_storage_content_v2(sdk: SimpleNamespace, schema_id: str, bucket_page_size: int, capsys: Any) -> None:
    with FakeCvat(bucket_page_size=bucket_page_size, schema=load_document(schema_id)) as fake:
        BASE_URL, user, password = fake.url, "admin", "admin"
        cloud_storage_id = 1

        namespace = {"BASE_URL": BASE_URL, "user": user, "password": password,
                     "cloud_storage_id": cloud_storage_id}
        # the documented example, as written (tests/functional/doc_examples.py)
        exec(compile(DOC_EXAMPLE.format(package=sdk.package), "low-level-api", "exec"), namespace)  # noqa: S102
        files = namespace["files"]

        assert sorted(files) == ["image_2.jpg", "sub/image_1.jpg"]
        assert "sub/image_1.jpg" in capsys.readouterr().out
        calls = [r.query for r in fake.requests]
        if bucket_page_size == 1:
            assert {"next_token": ["1"]} in calls
        assert {"prefix": ["sub/"]} in calls


@uses("tasks_create", "tasks_retrieve_data")
def test_parse_response_false_streams_binary(sdk: SimpleNamespace, fake: FakeCvat) -> None:
    """"Receiving data": with _parse_response=False the body is read from the response."""
    with sdk.ApiClient(sdk.Configuration(host=fake.url, username="admin", password="admin")) as api_client:
        task_id = _make_task(api_client).id
        _attach_images(fake, task_id, 3)
        (data, response) = api_client.tasks_api.retrieve_data(
            task_id, number=0, type="chunk", _parse_response=False
        )
        assert data is None
        buf = io.BytesIO()
        with response:
            for chunk in response.stream(7):
                buf.write(chunk)
        with zipfile.ZipFile(buf) as zf:
            assert zf.namelist() == ["im0.jpg", "im1.jpg", "im2.jpg"]
        (frame, response) = api_client.tasks_api.retrieve_data(task_id, number=1, type="frame")
        with frame:  # a file response is an open file, as in cvat-sdk
            assert frame.read() == JPEG == response.data
