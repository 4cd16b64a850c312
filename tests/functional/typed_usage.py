"""Typed user code against the generated 2.70 SDK; `test_typing.py` runs mypy on it.

Never imported by the tests: it only has to type-check (no errors under --strict).
"""

from __future__ import annotations

from abc import ABC
from typing import Any

from urllib3 import HTTPResponse

from cvat_sdk.api_client import ApiClient, Configuration, apis, exceptions, models
from cvat_sdk.api_client.api_client import Endpoint
from cvat_sdk.api_client.model_utils import to_json


def create_task(api_client: ApiClient, name: str) -> int:
    spec = models.TaskWriteRequest(
        name=name,
        labels=[models.PatchedLabelRequest(name="car", color="#ff00ff")],
    )
    task, response = api_client.tasks_api.create(spec, org_id=1)
    assert task is not None
    status: int = response.status
    assert status == 201
    task_id: int | Any = task.id
    return int(task_id)


def upload(api_client: ApiClient, task_id: int, path: str) -> str:
    with open(path, "rb") as f:
        data = models.DataRequest(image_quality=75, client_files=[f])
        result, _ = api_client.tasks_api.create_data(
            task_id, data_request=data, _content_type="multipart/form-data"
        )
    assert isinstance(result, models.RqId)  # DataResponse is `RqId | str` (oneOf)
    rq_id = result.rq_id
    assert isinstance(rq_id, str)
    return rq_id


def wait(api_client: ApiClient, rq_id: str) -> bool:
    details, _ = api_client.requests_api.retrieve(rq_id)
    assert details is not None
    value: str = details.status.value
    return value == models.RequestStatus.allowed_values[("value",)]["FINISHED"]


def list_names(api_client: ApiClient) -> list[str]:
    page, response = api_client.tasks_api.list(page=1, page_size=10, search="x")
    raw: HTTPResponse = response
    assert raw.status == 200 and page is not None
    return [str(t.name) for t in page.results]


def endpoint_info(tasks_api: apis.TasksApi) -> tuple[str, str]:
    endpoint: Endpoint = tasks_api.retrieve_endpoint
    return endpoint.path, endpoint.settings["http_method"]


class MyTask(models.ITaskRead, ABC):
    def describe(self) -> str:
        return f"{self.name} ({self.size})"


def handle(api_client: ApiClient) -> int | None:
    try:
        api_client.tasks_api.retrieve(1)
    except exceptions.NotFoundException as e:
        return e.status
    except exceptions.ApiException as e:
        return e.status
    return None


def as_json(shape: models.LabeledShapeRequest) -> Any:
    return to_json(shape)


def main() -> None:
    configuration = Configuration(host="http://localhost:8080", username="u", password="p")
    with ApiClient(configuration) as api_client:
        api_client.set_default_header("X-Organization", "org")
        task_id = create_task(api_client, "t")
        wait(api_client, upload(api_client, task_id, "image.jpg"))
        list_names(api_client)
        endpoint_info(apis.TasksApi(api_client))
        handle(api_client)
        shape = models.LabeledShapeRequest(
            type=models.ShapeType("rectangle"), frame=0, label_id=1, points=[0.0, 1.0, 2.0, 3.0]
        )
        as_json(shape)
        api_client.tasks_api.partial_update(
            task_id, patched_task_write_request=models.PatchedTaskWriteRequest(name="n")
        )
        _, response = api_client.tasks_api.retrieve_data(
            task_id, number=0, type="chunk", _parse_response=False, _request_timeout=(1, 5)
        )
        response.read(1024)
