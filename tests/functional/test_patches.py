"""Each shipped schema patch, end to end: the generated SDK against a server that answers
like the real CVAT server.

For every patch (plugins/schema_patches/overlays/*.yaml) there is a test that calls the
SDK built without the patches (`--disable-plugin schema_patches`) and shows what goes
wrong (no operation, `None` instead of the body, ...), and one that shows the default build
doing the right thing. Both SDKs are built once for this module from 2.70, under package
names of their own.

Then the user-facing behaviour of overlays: a stale user overlay fails the build (exit 2 on
the command line) with a message naming the file, the action and the target;
`--stale-patches warning` turns that into a warning; a version-ranged overlay is skipped
outside its range; `cvat-gen patches` reports every shipped action as applying (or skipped
by its range) on each of the ten shared schemas. That the shipped actions apply to the ten
schemas at the engine level is tests/unit/test_cvat_patches.py's job, not repeated here.
"""

from __future__ import annotations

import os

import io

import gzip
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable

import pytest
from click.testing import CliRunner

from cvat_gen.cli import cli
from cvat_gen.errors import BuildError
from cvat_gen.plugins.schema_patches import load_shipped_overlays
from tests.conftest import RELEASES, build, import_generated, schema_path
from tests.support.wsgi_server import BackgroundServer

CVAT_JSON = "application/vnd.cvat+json"
PATCHED = "tp_patched270.api_client"
UNPATCHED = "tp_unpatched270.api_client"

# --- what the server sends -----------------------------------------------------------------

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(200))
ZIP_CHUNK = b"PK\x03\x04" + bytes(range(256)) * 1024 + b"PK\x05\x06"  # 256 KiB: streams in several reads
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8
TAR_GZ = gzip.compress(b"rules/tasks.rego\x00" + b"package tasks\nallow := true\n" * 20)
CSV = b"scope,obj_name,timestamp\ncreate:task,t1,2024-01-01T00:00:00Z\nupdate:job,j7,2024-01-02T00:00:00Z\n"
QUALITY_JSON = json.dumps({"id": 5, "summary": {"conflict_count": 3, "accuracy": 0.9}}).encode()
QUALITY_CSV = b"frame,conflict_type\n0,missing_annotation\n"
QUERY_ID = "6f1c3a52-7d54-4b55-9d1e-2a0c8a5f0d11"
FUNCTIONS = [
    {"id": "openvino-yolo", "kind": "detector", "labels": ["person", "car"], "description": "YOLO v3",
     "framework": "openvino", "name": "YOLO v3", "version": 1},
    # a newer server sends label specs and kind-specific fields: allowed, not fatal
    {"id": "pth-sam", "kind": "interactor", "labels": [{"name": "object", "type": "any"}], "description": "SAM",
     "framework": None, "name": "Segment Anything", "version": 2, "min_pos_points": 1, "startswith_box": False},
]
DETECTIONS = [{"confidence": "0.91", "label": "car", "points": [1, 2, 30, 40], "type": "rectangle"}]
LABELED_DATA = {
    "version": 3,
    "tags": [{"frame": 0, "label_id": 1, "group": 0, "source": "manual", "attributes": []}],
    "shapes": [{"type": "rectangle", "frame": 0, "label_id": 1, "points": [1.0, 2.0, 3.0, 4.0],
                "occluded": False, "z_order": 0, "rotation": 0.0, "outside": False, "group": 0,
                "source": "manual", "attributes": []}],
    "tracks": [],
}


class Reply:
    def __init__(self, status: int, body: bytes, content_type: str | None, chunks: int = 1) -> None:
        self.status, self.body, self.content_type, self.chunks = status, body, content_type, chunks


def _json(value: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(value).encode(), CVAT_JSON)


class CvatLike(BackgroundServer):
    """Answers the patched operations as the CVAT server does; logs (method, path, query, headers)."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[dict[str, Any]] = []

    def route(self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> Reply:
        parts = path.strip("/").split("/")
        if method == "GET" and parts[:2] == ["api", "cloudstorages"] and parts[3:] == ["status"]:
            return _json({"1": "AVAILABLE", "2": "NOT_FOUND", "3": "FORBIDDEN"}[parts[2]])
        if method == "GET" and parts[:2] == ["api", "assets"] and len(parts) == 3:
            return Reply(200, PNG, "image/png")  # the stored file is "diagram.png"
        if method == "GET" and len(parts) == 4 and parts[3] == "preview":
            return Reply(200, JPEG, "image/jpeg")
        if method == "GET" and path in ("/api/tasks/1/data/", "/api/jobs/1/data"):
            kind = query.get("type")
            if kind == "chunk":
                data, ctype = (MP4, "video/mp4") if query.get("quality") == "original" else (ZIP_CHUNK, "application/zip")
                rng = headers.get("range", "")
                if rng.startswith("bytes="):
                    start, _, end = rng[6:].partition("-")
                    return Reply(206, data[int(start): int(end) + 1], ctype)
                return Reply(200, data, ctype, chunks=16)
            if kind == "frame":
                return Reply(200, JPEG, "image/jpeg")
            if kind == "context_image":
                return Reply(200, ZIP_CHUNK[:4096], "application/zip")
            return _json({"detail": "unknown type"}, 400)
        if method == "GET" and path == "/api/auth/rules":
            return Reply(200, TAR_GZ, "application/x-tar")
        if method == "GET" and path == "/api/events":
            if query.get("action") == "download":
                return Reply(200, CSV, "text/csv")
            return _json({"query_id": QUERY_ID}, 202)
        if method == "GET" and path == "/api/quality/reports/5/data":
            if query.get("format") == "csv":
                return Reply(200, QUALITY_CSV, "text/csv")
            return Reply(200, QUALITY_JSON, "application/json")
        if method == "GET" and path == "/api/lambda/functions":
            return _json(FUNCTIONS)
        if method == "POST" and path == "/api/lambda/functions/openvino-yolo":
            return _json(DETECTIONS)
        if method in ("PUT", "PATCH") and path in ("/api/tasks/1/annotations/", "/api/jobs/1/annotations/"):
            return _json(LABELED_DATA)
        return _json({"detail": "Not found."}, 404)

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        from urllib.parse import parse_qsl

        method = environ["REQUEST_METHOD"]
        path = environ["PATH_INFO"]
        query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        self.log.append({"method": method, "path": path, "query": query, "headers": headers})
        reply = self.route(method, path, query, headers, body)
        reason = {200: "OK", 202: "Accepted", 206: "Partial Content", 400: "Bad Request", 404: "Not Found"}
        response_headers = [("Content-Length", str(len(reply.body)))]
        if reply.content_type:
            response_headers.append(("Content-Type", reply.content_type))
        start_response(f"{reply.status} {reason[reply.status]}", response_headers)
        size = max(1, len(reply.body) // reply.chunks)
        return [reply.body[i: i + size] for i in range(0, len(reply.body), size)] or [b""]


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[CvatLike]:
    with CvatLike() as running:
        yield running


@pytest.fixture(scope="module")
def patched_sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    output = tmp_path_factory.mktemp("tp_patched")
    build(schema_path("2.70.0"), output, package=PATCHED)
    return import_generated(output, PATCHED)


@pytest.fixture(scope="module")
def unpatched_sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    output = tmp_path_factory.mktemp("tp_unpatched")
    build(schema_path("2.70.0"), output, package=UNPATCHED, disable=("schema_patches",))
    return import_generated(output, UNPATCHED)


def client_for(sdk: ModuleType, server: CvatLike) -> Any:
    return sdk.ApiClient(sdk.Configuration(host=server.url, username="admin", password="secret"))


@pytest.fixture()
def patched(patched_sdk: ModuleType, server: CvatLike) -> Iterator[Any]:
    with client_for(patched_sdk, server) as client:
        yield client


@pytest.fixture()
def unpatched(unpatched_sdk: ModuleType, server: CvatLike) -> Iterator[Any]:
    with client_for(unpatched_sdk, server) as client:
        yield client


# --- 10-cloudstorage-status ----------------------------------------------------------------


def test_status_without_patch_has_no_operation(unpatched: Any) -> None:
    with pytest.raises(AttributeError):
        unpatched.cloudstorages_api.retrieve_status  # noqa: B018
    assert not hasattr(unpatched.cloudstorages_api, "retrieve_status_endpoint")


@pytest.mark.parametrize(("storage_id", "expected"), [(1, "AVAILABLE"), (2, "NOT_FOUND"), (3, "FORBIDDEN")])
def test_status_with_patch_returns_the_enum(patched: Any, patched_sdk: ModuleType, server: CvatLike,
                                            storage_id: int, expected: str) -> None:
    data, response = patched.cloudstorages_api.retrieve_status(storage_id)
    enum = patched_sdk.models.CloudStorageStatus
    assert type(data) is enum and data is enum[expected]
    assert data == expected and str(data) == expected
    assert response.status == 200
    assert server.log[-1]["path"] == f"/api/cloudstorages/{storage_id}/status"
    assert server.log[-1]["headers"]["accept"] == CVAT_JSON


# --- 20-file-responses ---------------------------------------------------------------------

# (api, method, positional args, keyword args, expected body)
FILES = [
    pytest.param("assets_api", "retrieve", ("c5e1f0c2-3a1b-4c4d-8e8f-000000000001",), {}, PNG, id="assets_retrieve"),
    pytest.param("cloudstorages_api", "retrieve_preview", (1,), {}, JPEG, id="cloudstorages_retrieve_preview"),
    pytest.param("tasks_api", "retrieve_preview", (1,), {}, JPEG, id="tasks_retrieve_preview"),
    pytest.param("jobs_api", "retrieve_preview", (1,), {}, JPEG, id="jobs_retrieve_preview"),
    pytest.param("projects_api", "retrieve_preview", (1,), {}, JPEG, id="projects_retrieve_preview"),
    pytest.param("functions_api", "retrieve_preview", (1,), {}, JPEG, id="functions_retrieve_preview"),
    pytest.param("tasks_api", "retrieve_data", (1,), {"type": "chunk", "number": 0, "quality": "compressed"},
                 ZIP_CHUNK, id="tasks_retrieve_data-zip"),
    pytest.param("tasks_api", "retrieve_data", (1,), {"type": "chunk", "number": 0, "quality": "original"},
                 MP4, id="tasks_retrieve_data-mp4"),
    pytest.param("tasks_api", "retrieve_data", (1,), {"type": "frame", "number": 0, "quality": "compressed"},
                 JPEG, id="tasks_retrieve_data-frame"),
    pytest.param("auth_api", "retrieve_rules", (), {}, TAR_GZ, id="auth_retrieve_rules"),
    pytest.param("events_api", "list", (), {"action": "download", "query_id": QUERY_ID}, CSV, id="events_list-csv"),
]


def _file_bytes(data: Any) -> bytes:
    """The content of a file response (an open temp file, as in cvat-sdk); removes the file."""
    assert isinstance(data, io.BufferedReader), type(data)
    with data:
        content = data.read()
    os.unlink(data.name)
    return content


def _call(client: Any, api: str, method: str, args: tuple[Any, ...], kwargs: dict[str, Any], **extra: Any) -> Any:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # events_list is deprecated upstream
        return getattr(getattr(client, api), method)(*args, **kwargs, **extra)


@pytest.mark.parametrize(("api", "method", "args", "kwargs", "body"), FILES)
def test_file_without_patch_is_thrown_away(unpatched: Any, api: str, method: str, args: tuple[Any, ...],
                                           kwargs: dict[str, Any], body: bytes) -> None:
    data, response = _call(unpatched, api, method, args, kwargs)
    assert response.status == 200
    assert data is None  # the server sent the file, the SDK dropped it


@pytest.mark.parametrize(("api", "method", "args", "kwargs", "body"), FILES)
def test_file_with_patch_is_returned_as_bytes(patched: Any, server: CvatLike, api: str, method: str,
                                              args: tuple[Any, ...], kwargs: dict[str, Any], body: bytes) -> None:
    data, response = _call(patched, api, method, args, kwargs)
    assert response.status == 200
    assert _file_bytes(data) == body
    # the Accept header names what the server sends (no JSON-only Accept for a file)
    accept = server.log[-1]["headers"].get("accept", "")
    assert response.headers["Content-Type"] in accept or "*/*" in accept, accept


@pytest.mark.parametrize(("api", "method", "args", "kwargs", "body"), FILES)
def test_file_with_patch_streams_without_parsing(patched: Any, api: str, method: str, args: tuple[Any, ...],
                                                 kwargs: dict[str, Any], body: bytes) -> None:
    data, response = _call(patched, api, method, args, kwargs, _parse_response=False)
    assert data is None
    assert response.tell() == 0  # nothing read yet: the caller streams it
    chunks = list(response.stream(4096))
    assert b"".join(chunks) == body
    if len(body) > 4096:
        assert len(chunks) > 1
    response.release_conn()


def test_partial_task_chunk_with_patch(patched: Any) -> None:
    # Range is not an SDK parameter: it is sent as a default header, as cvat_sdk.core does
    patched.set_default_header("Range", "bytes=0-1023")
    data, response = patched.tasks_api.retrieve_data(1, type="chunk", number=0, quality="compressed")
    assert response.status == 206
    assert _file_bytes(data) == ZIP_CHUNK[:1024]


def test_events_poll_without_patch(unpatched: Any) -> None:
    with pytest.warns(DeprecationWarning):
        data, response = unpatched.events_api.list()
    assert response.status == 202 and data is None


def test_events_poll_with_patch_gives_the_query_id(patched: Any, patched_sdk: ModuleType) -> None:
    """40-json-responses declares the 202 body as EventsExportStatus: the SDK should decode it."""
    with pytest.warns(DeprecationWarning):
        data, response = patched.events_api.list()
    assert response.status == 202
    assert isinstance(data, patched_sdk.models.EventsExportStatus), (type(data), data)
    assert data.query_id == QUERY_ID


# --- 30-media-types ------------------------------------------------------------------------

MEDIA = [
    pytest.param("jobs_api", "retrieve_data", (1,), {"type": "chunk", "number": 0, "quality": "compressed"},
                 ZIP_CHUNK, "application/zip", id="jobs_retrieve_data-zip"),
    pytest.param("jobs_api", "retrieve_data", (1,), {"type": "frame", "number": 0, "quality": "compressed"},
                 JPEG, "image/jpeg", id="jobs_retrieve_data-frame"),
    pytest.param("quality_api", "retrieve_report_data", (5,), {}, QUALITY_JSON, "application/json",
                 id="quality_retrieve_report_data-json"),
    pytest.param("quality_api", "retrieve_report_data", (5,), {"format": "csv"}, QUALITY_CSV, "text/csv",
                 id="quality_retrieve_report_data-csv"),
]


@pytest.mark.parametrize(("api", "method", "args", "kwargs", "body", "ctype"), MEDIA)
def test_media_without_patch_asks_for_json(unpatched: Any, server: CvatLike, api: str, method: str,
                                           args: tuple[Any, ...], kwargs: dict[str, Any], body: bytes,
                                           ctype: str) -> None:
    """Without the patch the schema says "JSON": the SDK's Accept names JSON and not the real
    media type (only `*/*`, which the generator adds for any binary body, lets it through).

    (The generator already returns bytes for `format: binary` whatever the media type, so the
    body itself survives; what is wrong is the Accept header and the documented content type.)
    """
    data, response = _call(unpatched, api, method, args, kwargs)
    accept = server.log[-1]["headers"]["accept"]
    assert CVAT_JSON in accept and ctype not in accept, accept
    assert response.headers["Content-Type"] == ctype != CVAT_JSON
    assert _file_bytes(data) == body


@pytest.mark.parametrize(("api", "method", "args", "kwargs", "body", "ctype"), MEDIA)
def test_media_with_patch_is_bytes(patched: Any, server: CvatLike, api: str, method: str, args: tuple[Any, ...],
                                   kwargs: dict[str, Any], body: bytes, ctype: str) -> None:
    data, response = _call(patched, api, method, args, kwargs)
    assert _file_bytes(data) == body
    accept = server.log[-1]["headers"]["accept"]
    assert CVAT_JSON not in accept and ctype in accept, accept
    data, response = _call(patched, api, method, args, kwargs, _parse_response=False)
    assert data is None and response.tell() == 0
    assert b"".join(response.stream(4096)) == body
    response.release_conn()


# --- 40-json-responses ---------------------------------------------------------------------


def test_lambda_functions_without_patch(unpatched: Any) -> None:
    data, response = unpatched.lambda_api.list_functions()
    assert response.status == 200 and data is None
    data, response = unpatched.lambda_api.create_functions(
        "openvino-yolo", online_function_call_request={"task": 1, "frame": 0})
    assert response.status == 200 and data is None


def test_lambda_functions_with_patch(patched: Any, patched_sdk: ModuleType) -> None:
    functions, response = patched.lambda_api.list_functions()
    assert response.status == 200
    assert [type(f) for f in functions] == [patched_sdk.models.LambdaFunction] * 2
    yolo, sam = functions
    assert (yolo.id, yolo.kind, yolo.name, yolo.version, yolo.framework) == (
        "openvino-yolo", "detector", "YOLO v3", 1, "openvino")
    assert yolo.labels == ["person", "car"] and yolo["description"] == "YOLO v3"
    assert sam.framework is None and sam.labels == [{"name": "object", "type": "any"}]
    result, response = patched.lambda_api.create_functions(
        "openvino-yolo", online_function_call_request={"task": 1, "frame": 0})
    assert response.status == 200 and result == DETECTIONS


ANNOTATION_WRITES = [
    pytest.param("tasks_api", "update_annotations", {"id": 1, "labeled_data_request": {}}, id="tasks_update_annotations"),
    pytest.param("jobs_api", "update_annotations", {"id": 1, "labeled_data_request": {}}, id="jobs_update_annotations"),
    pytest.param("jobs_api", "partial_update_annotations",
                 {"action": "update", "id": 1, "patched_labeled_data_request": {}}, id="jobs_partial_update_annotations"),
]
REQUEST = {"version": 3, "tags": [], "shapes": [], "tracks": []}


def _with_body(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: (REQUEST if v == {} else v) for k, v in kwargs.items()}


@pytest.mark.parametrize(("api", "method", "kwargs"), ANNOTATION_WRITES)
def test_annotation_write_without_patch(unpatched: Any, api: str, method: str, kwargs: dict[str, Any]) -> None:
    data, response = getattr(getattr(unpatched, api), method)(**_with_body(kwargs))
    assert response.status == 200 and data is None


@pytest.mark.parametrize(("api", "method", "kwargs"), ANNOTATION_WRITES)
def test_annotation_write_with_patch(patched: Any, patched_sdk: ModuleType, api: str, method: str,
                                     kwargs: dict[str, Any]) -> None:
    data, response = getattr(getattr(patched, api), method)(**_with_body(kwargs))
    assert response.status == 200
    assert isinstance(data, patched_sdk.models.LabeledData)
    assert data.version == 3 and data.tags[0].label_id == 1
    assert data.shapes[0].points == [1.0, 2.0, 3.0, 4.0] and str(data.shapes[0].type) == "rectangle"


# --- overlays from the user ----------------------------------------------------------------

STALE = """\
overlay: 1.0.0
info: {title: my stale patch, version: '1'}
actions:
  - target: "$.components.schemas.CloudStorageStatus"
    description: fine
    update: {x-mine: true}
  - target: "$.paths['/api/gone'].get"
    description: the endpoint that went away
    update: {x-foo: 1}
"""


@pytest.fixture()
def stale_overlay(tmp_path: Path) -> Path:
    path = tmp_path / "user-stale.yaml"
    path.write_text(STALE)
    return path


def test_stale_user_overlay_fails_the_build(stale_overlay: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    with pytest.raises(BuildError) as info:
        build(schema_path("2.70.0"), output, package="tp_stale.api_client", overlays=(str(stale_overlay),))
    [diagnostic] = [d for d in info.value.diagnostics if d.severity == "error"]
    text = diagnostic.format()
    assert diagnostic.source == str(stale_overlay)
    assert diagnostic.pointer == "/actions/1"
    assert "$.paths['/api/gone'].get" in text and "the endpoint that went away" in text
    assert "my stale patch" in text and "2.70.0" in text
    assert not output.exists() or not any(output.iterdir())


def test_stale_user_overlay_exits_2_on_the_command_line(stale_overlay: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cvat_gen", "build", "-s", str(schema_path("2.70.0")), "-o", str(tmp_path / "out"),
         "--overlay", str(stale_overlay)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert result.returncode == 2, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "stale" in line]
    assert line.startswith(f"error: {stale_overlay}#/actions/1:"), line
    assert "$.paths['/api/gone'].get" in line
    assert not (tmp_path / "out").exists()


def test_stale_patches_warning_builds(stale_overlay: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    result = CliRunner().invoke(cli, [
        "build", "-s", str(schema_path("2.70.0")), "-o", str(output), "-p", "tp_warn.api_client",
        "--overlay", str(stale_overlay), "--stale-patches", "warning", "--jobs", "1",
    ])
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.stderr.splitlines() if "stale" in line]
    assert line.startswith(f"warning: {stale_overlay}#/actions/1:"), line
    assert "$.paths['/api/gone'].get" in line
    assert (output / "tp_warn" / "api_client" / "api" / "cloudstorages_api.py").is_file()


RANGED = """\
overlay: 1.0.0
info:
  title: ranged
  version: '1'
  x-cvat-gen: {{server-versions: "{doc_range}"}}
actions:
  - target: "$.paths['/api/cloudstorages/{{id}}/actions'].get"
    description: whole overlay in range
    update: {{deprecated: true}}
  - target: "$.paths['/api/gone'].get"
    description: would be stale if it ran
    x-cvat-gen-server-versions: "<2.62"
    update: {{x-foo: 1}}
  - target: "$.paths['/api/cloudstorages/{{id}}/preview'].get"
    description: action range
    x-cvat-gen-server-versions: "{action_range}"
    update: {{deprecated: true}}
"""


@pytest.mark.parametrize(("doc_range", "action_range", "actions_deprecated", "preview_deprecated"), [
    (">=2.61,<2.71", ">=2.70", True, True),
    (">=2.61,<2.70", ">=2.70", False, False),   # the whole overlay is outside 2.70.0
    (">=2.70", "<2.70", True, False),            # one action is outside
    ("==2.70.0", "!=2.70", True, False),
])
def test_version_ranged_overlay(tmp_path: Path, doc_range: str, action_range: str,
                                actions_deprecated: bool, preview_deprecated: bool) -> None:
    from cvat_gen.config import BuildConfig
    from cvat_gen.pipeline import run_ir

    overlay = tmp_path / "ranged.yaml"
    overlay.write_text(RANGED.format(doc_range=doc_range, action_range=action_range))
    ir = run_ir(BuildConfig(schema=str(schema_path("2.70.0")), output=tmp_path, overlays=(str(overlay),)))
    [api] = [a for a in ir.apis if a.attr_name == "cloudstorages_api"]
    ops = {op.operation_id: op for op in api.operations}
    assert ops["cloudstorages_retrieve_actions"].deprecated is actions_deprecated
    assert ops["cloudstorages_retrieve_preview"].deprecated is preview_deprecated


# --- cvat-gen patches ----------------------------------------------------------------------


def _patches(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["patches", *args])
    return result.exit_code, result.stdout.splitlines()


# Every shipped action on every release, both editions: test_patches_all_releases.py


def test_patches_marks_a_stale_user_overlay(stale_overlay: Path) -> None:
    code, lines = _patches("-s", str(schema_path("2.70.0")), "--overlay", str(stale_overlay))
    assert code == 0
    index = lines.index(f"{stale_overlay}: my stale patch [applies]")
    assert lines[index + 1].startswith("  ok    update $.components.schemas.CloudStorageStatus  (1 match)")
    assert lines[index + 2].startswith("  STALE update $.paths['/api/gone'].get  (0 matches)")
    assert "the endpoint that went away" in lines[index + 2]


def test_patches_marks_an_unexpected_shape_as_a_warning_not_stale(tmp_path: Path) -> None:
    """A target whose node no longer has the shape the action expects is a warning (WARN),
    with where and why; STALE is for a target that matches nothing."""
    overlay = tmp_path / "shape.yaml"
    overlay.write_text(
        "overlay: 1.0.0\ninfo: {title: shape check, version: '1'}\nactions:\n"
        "  - target: $.components.schemas.CloudStorageStatus\n"
        "    description: expects an integer enum\n"
        "    update: {description: x}\n"
        "    x-cvat-gen: {when: {expect: \"@[?@.type == 'integer']\"}}\n", encoding="utf-8")
    code, lines = _patches("-s", str(schema_path("2.70.0")), "--overlay", str(overlay))
    assert code == 0
    index = lines.index(f"{overlay}: shape check [applies]")
    assert lines[index + 1].startswith("  WARN  update $.components.schemas.CloudStorageStatus  (1 match)"), lines[index + 1]
    assert "unexpected shape" in lines[index + 1]
