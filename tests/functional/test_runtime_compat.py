"""Runtime behaviours of the generated 2.70 SDK that must match cvat-sdk 2.70.0:
file responses, per-model module paths, ``_check_status=False``, version-skew errors and
client-side validation (cvat-sdk's ``Model.validations``)."""

from __future__ import annotations

import importlib
import io
import json
import threading
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable

import pytest

from tests.support.wsgi_server import BackgroundServer

SURFACE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "cvat-sdk-2.70.0-surface.json"


class Canned(BackgroundServer):
    """Answers ``routes[(method, path)] = (status, headers, body)``; records requests."""

    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[tuple[str, str], tuple[int, list[tuple[str, str]], bytes]] = {}
        self.seen: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def answer(self, method: str, path: str, status: int, body: Any,
               headers: list[tuple[str, str]] | None = None) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        ctype = [] if any(k == "Content-Type" for k, _ in headers or ()) else [
            ("Content-Type", "application/vnd.cvat+json")]
        self.routes[(method, path)] = (status, [*ctype, *(headers or [])], raw)

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        key = (environ["REQUEST_METHOD"], environ["PATH_INFO"])
        with self._lock:
            self.seen.append(key)
        status, headers, raw = self.routes.get(key, (404, [], b""))
        start_response(f"{status} X", headers)
        return [raw]


@pytest.fixture()
def server() -> Any:
    with Canned() as srv:
        yield srv


@pytest.fixture()
def client(sdk270: ModuleType, server: Canned, tmp_path: Path) -> Any:
    config = sdk270.Configuration(host=server.url)
    config.temp_folder_path = str(tmp_path)
    with sdk270.ApiClient(config) as api_client:
        yield api_client


def _surface() -> dict[str, Any]:
    return json.loads(SURFACE.read_text())


# --- file responses -----------------------------------------------------------------------


def test_chunk_is_an_open_zip_file_in_temp_folder(client: Any, server: Canned, tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("000000.jpg", b"\xff\xd8\xff\xd9")
    server.answer("GET", "/api/jobs/7/data", 200, buf.getvalue(), headers=[
        ("Content-Type", "application/zip"),
        ("Content-Disposition", 'attachment; filename="../job_7_chunk_0.zip"')])
    data, response = client.jobs_api.retrieve_data(7, type="chunk", number=0, quality="compressed")
    assert response.status == 200
    with data:
        assert Path(data.name) == tmp_path / "job_7_chunk_0.zip"
        with zipfile.ZipFile(data) as zf:
            assert zf.namelist() == ["000000.jpg"]
        data.seek(0)
        assert data.read(2) == b"PK"


def test_raw_response_without_parsing(client: Any, server: Canned, tmp_path: Path) -> None:
    server.answer("GET", "/api/tasks/3/preview", 200, b"\x89PNG" * 100,
                  headers=[("Content-Type", "image/png")])
    data, response = client.tasks_api.retrieve_preview(3, _parse_response=False)
    assert data is None
    with response:
        assert response.read() == b"\x89PNG" * 100
    assert list(tmp_path.iterdir()) == []


# --- model modules ------------------------------------------------------------------------


def test_every_cvat_sdk_model_module_imports(sdk270: ModuleType) -> None:
    models = _surface()["models"]
    missing = []
    for name, info in sorted(models.items()):
        path = info["module"].replace("cvat_sdk.api_client", sdk270.__name__, 1)
        try:
            module = importlib.import_module(path)
        except ImportError:
            missing.append(path)
            continue
        assert getattr(module, name) is getattr(sdk270.models, name)
    assert not missing and len(models) > 150
    from sdk270.api_client.model.file_info import FileInfo  # the statement users write

    assert FileInfo is sdk270.models.FileInfo


# --- _check_status=False ------------------------------------------------------------------


def test_check_status_false_returns_the_declared_error_model(client: Any, server: Canned,
                                                             sdk270: ModuleType) -> None:
    server.answer("POST", "/api/tasks/5/dataset/export", 409, {"rq_id": "export:task-5"})
    data, response = client.tasks_api.create_dataset_export(id=5, format="COCO 1.0",
                                                            _check_status=False)
    assert response.status == 409
    assert isinstance(data, sdk270.models.RqId) and data.rq_id == "export:task-5"


def test_check_status_false_gives_the_error_json(client: Any, server: Canned) -> None:
    server.answer("GET", "/api/tasks/5", 404, {"detail": "Not found."})
    data, response = client.tasks_api.retrieve(5, _check_status=False)
    assert (data, response.status) == ({"detail": "Not found."}, 404)
    server.answer("DELETE", "/api/tasks/5", 404, {"detail": "Not found."})
    data, response = client.tasks_api.destroy(5, _check_status=False)  # as cvat_sdk.core does
    assert data is None and response.status == 404


# --- version skew -------------------------------------------------------------------------


def test_functions_list_requests_object_instead_of_array(client: Any, server: Canned,
                                                         sdk270: ModuleType) -> None:
    """2.61 answers a paginated object, 2.70 declares an array."""
    server.answer("GET", "/api/functions/requests/", 200, {"count": 0, "results": []})
    with pytest.raises(sdk270.ApiTypeError) as e:
        client.functions_api.list_requests()
    text = str(e.value)
    assert "`functions_list_requests`" in text and "CVAT 2.70.0" in text
    assert "expected `array`, got `object`" in text and "at `$`" in text
    assert "received object {'count': 0" in text


def test_nested_field_path_in_mismatch(client: Any, server: Canned, sdk270: ModuleType) -> None:
    good = {"id": "r1", "function": {"id": 1, "task": 2}, "status": "finished", "progress": 100,
            "enqueued": "2025-01-01T00:00:00Z", "started": "2025-01-01T00:00:00Z",
            "ended": "2025-01-01T00:00:00Z", "exc_info": ""}
    bad = dict(good, progress="done")
    server.answer("GET", "/api/functions/requests/", 200, [good, good, good, bad])
    with pytest.raises(sdk270.ApiTypeError) as e:
        client.functions_api.list_requests()
    assert "`$[3].progress`" in str(e.value) and "string 'done'" in str(e.value)
    data, _ = client.functions_api.list_requests(_validate_outputs=False)
    assert len(data) == 4


# --- client-side validation ---------------------------------------------------------------


def test_validations_match_cvat_sdk(sdk270: ModuleType) -> None:
    differ = []
    for name, info in sorted(_surface()["models"].items()):
        theirs = info.get("validations")
        if not isinstance(theirs, dict):
            continue
        cls = getattr(sdk270.models, name)
        if any(base.__name__ == "ModelUnion" for base in type(cls).__mro__ + cls.__mro__):
            continue  # a oneOf class: its values are member instances, which carry the rules
        ours = {key[0]: {k: v for k, v in rules.items() if k != "items"}
                for key, rules in getattr(cls, "validations", {}).items()}
        ours = {k: v for k, v in ours.items() if v}
        if ours != theirs:
            differ.append((name, ours, theirs))
    assert not differ, differ[:3]


def test_invalid_body_is_not_sent(client: Any, server: Canned, sdk270: ModuleType) -> None:
    server.answer("POST", "/api/tasks", 201, {})
    with pytest.raises(sdk270.ApiValueError) as e:
        client.tasks_api.create({"name": "x" * 257, "labels": []})
    assert "`$.name`" in str(e.value) and "maxLength" in str(e.value)
    with pytest.raises(sdk270.ApiValueError, match=r"\$\.labels\[0\]\.name"):
        client.tasks_api.create(sdk270.models.TaskWriteRequest(
            name="ok", labels=[sdk270.models.PatchedLabelRequest(name="y" * 65)]))
    shapes = [{"type": "rectangle", "frame": 0, "label_id": 1, "points": [0, 0, 1, 1],
               "rotation": 0} for _ in range(3)]
    shapes[1]["rotation"] = 361
    with pytest.raises(sdk270.ApiValueError, match=r"\$\.shapes\[1\]\.rotation"):
        client.jobs_api.update_annotations(1, labeled_data_request={"shapes": shapes})
    assert server.seen == []
    client.configuration.client_side_validation = False
    server.answer("PUT", "/api/jobs/1/annotations/", 200, {"version": 1})
    client.jobs_api.update_annotations(1, labeled_data_request={"shapes": shapes})
    assert server.seen == [("PUT", "/api/jobs/1/annotations/")]


def test_path_parameter_pattern(client: Any, server: Canned, sdk270: ModuleType) -> None:
    with pytest.raises(sdk270.ApiValueError, match=r"func_id.*pattern"):
        client.lambda_api.retrieve_functions("../admin")
    assert server.seen == []
