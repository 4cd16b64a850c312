"""Task data uploads (plain multipart and CVAT's TUS variant), exports and background
requests of :class:`~tests.support.fake_cvat.FakeCvat`, kept apart to keep each module short.

``UploadsMixin`` holds only handlers; the state they use (``tasks``, ``pending_files``,
``tus_uploads``, ``bg_requests``, ``downloads``...) is created by ``FakeCvat.__init__``.
"""

from __future__ import annotations

import base64
import io
import json
import re
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from werkzeug.wrappers import Request, Response

JSON_CT = "application/vnd.cvat+json"


class HttpError(Exception):
    """Raised by handlers; becomes a JSON error response."""

    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.payload = {"detail": detail, **extra}



@dataclass
class BackgroundRequest:
    """A server-side job (data processing, export) polled via /api/requests."""

    id: str
    operation: dict[str, Any]
    owner: str
    created: str
    polls: int = 0
    result_url: str | None = None
    result_id: int | None = None
    on_finish: Callable[[], None] | None = None
    finished: bool = False


@dataclass
class TusUpload:
    task_id: int
    filename: str
    length: int
    data: bytearray = field(default_factory=bytearray)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class UploadsMixin:
    """Handlers of ``/api/tasks/{id}/data`` (+ TUS), exports, ``/api/requests``, downloads."""

    # State and helpers provided by FakeCvat.
    tasks: dict[int, dict[str, Any]]
    task_files: dict[int, list[tuple[str, bytes]]]
    pending_files: dict[int, list[tuple[str, bytes]]]
    data_fields: dict[int, dict[str, Any]]
    jobs: dict[int, dict[str, Any]]
    annotations: dict[int, dict[str, Any]]
    bg_requests: dict[str, BackgroundRequest]
    downloads: dict[str, tuple[str, bytes]]
    tus_uploads: dict[str, TusUpload]
    legacy_exports: dict[tuple[int, str], int]
    polls_to_finish: int
    _task: Callable[[str], dict[str, Any]]
    _authenticate: Callable[[Request], str]
    _json: Callable[..., Response]
    _body: Callable[[Request], dict[str, Any]]
    _host: Callable[[Request], str]
    _next_id: Callable[[], int]
    _new_request: Callable[..., BackgroundRequest]
    tasks_patch_data_meta: Callable[..., Response]

    # -- task data: plain multipart and CVAT's TUS variant -----------------

    @staticmethod
    def _client_files(request: Request) -> list[tuple[str, bytes]]:
        """``client_files[N]`` parts of a multipart body, in index order."""
        files: list[tuple[int, str, bytes]] = []
        for key, storage in request.files.items(multi=True):
            m = re.fullmatch(r"client_files(?:\[(\d+)\])?", key)
            if not m:
                raise HttpError(400, f"unexpected file field {key!r}")
            files.append((int(m.group(1) or len(files)), storage.filename or key, storage.read()))
        return [(name, data) for _, name, data in sorted(files, key=lambda f: f[0])]

    def _data_fields(self, request: Request) -> dict[str, Any]:
        ctype = request.mimetype
        if ctype == "multipart/form-data":
            return {k: request.form.getlist(k) for k in request.form}
        if ctype in ("application/json", JSON_CT) or (not ctype and request.get_data()):
            return self._body(request)
        return {}

    def tasks_create_data(self, request: Request, id: str) -> Response:
        task = self._task(id)
        tid = task["id"]
        user = self._authenticate(request)
        h = request.headers
        if "Upload-Length" in h:  # TUS: create an upload
            return self._tus_create(request, tid)
        if "Upload-Multiple" in h:
            self.pending_files.setdefault(tid, []).extend(self._client_files(request))
            return Response(status=200)  # as CVAT's append_files: no body (`{}` is no DataResponse)
        if "Upload-Start" in h and "Upload-Finish" not in h:
            if self.task_files.get(tid):
                raise HttpError(400, "Adding more data is not supported")
            self.pending_files[tid] = []
            return Response(status=202)
        fields = self._data_fields(request)
        files = self.pending_files.pop(tid, []) if "Upload-Finish" in h else []
        if request.mimetype == "multipart/form-data":
            files += self._client_files(request)
        remote = list(fields.get("remote_files") or []) + list(fields.get("server_files") or [])
        files += [(name, b"\xff\xd8fake-remote\xff\xd9") for name in remote]
        if not files:
            raise HttpError(400, "No media data found: send client_files, remote_files or server_files")
        quality = fields.get("image_quality", 70)
        if isinstance(quality, list):
            quality = quality[0]

        self.data_fields[tid] = fields

        def finish() -> None:
            self._attach_data(tid, files, int(quality))

        bg = self._new_request(request, user, {"type": "create:task", "task_id": tid}, on_finish=finish)
        bg.result_id = tid
        return self._json({"rq_id": bg.id}, 202)

    def _attach_data(self, tid: int, files: list[tuple[str, bytes]], quality: int) -> None:
        task = self.tasks.get(tid)
        if task is None:
            return
        self.task_files[tid] = files
        task.update(
            size=len(files),
            image_quality=quality,
            data=tid,
            mode="annotation",
            media_type="image",
            data_chunk_size=36,
            updated_date=_now(),
        )
        jid = self._next_id()
        self.jobs[jid] = {"id": jid, "task_id": tid, "start_frame": 0, "stop_frame": max(0, len(files) - 1)}

    def _tus_create(self, request: Request, tid: int) -> Response:
        length = int(request.headers["Upload-Length"])
        meta: dict[str, str] = {}
        for item in request.headers.get("Upload-Metadata", "").split(","):
            if item.strip():
                k, _, v = item.strip().partition(" ")
                meta[k] = base64.b64decode(v).decode() if v else ""
        filename = meta.get("filename")
        if not filename:
            raise HttpError(400, "Upload-Metadata must carry a filename")
        file_id = secrets.token_hex(8)
        self.tus_uploads[file_id] = TusUpload(tid, filename, length)
        resp = Response(status=201)
        resp.headers["Location"] = f"{self._host(request)}/api/tasks/{tid}/data/{file_id}"
        resp.headers["Upload-Filename"] = filename
        resp.headers["Tus-Resumable"] = "1.0.0"
        return resp

    def _tus_upload(self, id: str, file_id: str) -> TusUpload:
        upload = self.tus_uploads.get(file_id)
        if upload is None or upload.task_id != int(id):
            raise HttpError(404, "Upload not found.")
        return upload

    def tus_patch(self, request: Request, id: str, file_id: str) -> Response:
        if file_id == "meta":
            return self.tasks_patch_data_meta(request, id)
        upload = self._tus_upload(id, file_id)
        if request.mimetype != "application/offset+octet-stream":
            raise HttpError(415, "Content-Type must be application/offset+octet-stream")
        offset = int(request.headers.get("Upload-Offset", "-1"))
        if offset != len(upload.data):
            resp = self._json({"detail": "Upload-Offset mismatch"}, 409)
            resp.headers["Upload-Offset"] = str(len(upload.data))
            return resp
        chunk = request.get_data()
        if offset + len(chunk) > upload.length:
            raise HttpError(413, "Chunk exceeds Upload-Length")
        upload.data.extend(chunk)
        if len(upload.data) == upload.length:
            self.pending_files.setdefault(upload.task_id, []).append(
                (upload.filename, bytes(upload.data))
            )
        resp = Response(status=204)
        resp.headers["Upload-Offset"] = str(len(upload.data))
        resp.headers["Tus-Resumable"] = "1.0.0"
        return resp

    def tus_head(self, request: Request, id: str, file_id: str) -> Response:
        upload = self._tus_upload(id, file_id)
        resp = Response(status=200)
        resp.headers["Upload-Offset"] = str(len(upload.data))
        resp.headers["Upload-Length"] = str(upload.length)
        resp.headers["Tus-Resumable"] = "1.0.0"
        return resp

    def tasks_data_meta(self, request: Request, id: str) -> Response:
        task = self._task(id)
        files = self.task_files.get(task["id"], [])
        return self._json(self._meta(task, files))

    def _meta(self, task: dict[str, Any], files: list[tuple[str, bytes]]) -> dict[str, Any]:
        return {
            "chunks_updated_date": task["updated_date"],
            "chunk_size": 36,
            "size": len(files),
            "image_quality": task["image_quality"],
            "start_frame": 0,
            "stop_frame": max(0, len(files) - 1),
            "frame_filter": "",
            "frames": [
                {"width": 100, "height": 100, "name": name, "related_files": 0, "has_related_context": False}
                for name, _ in files
            ],
            "deleted_frames": task.get("_deleted_frames", []),
            "included_frames": None,
            "storage": "local",
            "cloud_storage_id": None,
            "chapters": None,
        }

    def tasks_patch_data_meta(self, request: Request, id: str) -> Response:
        task = self._task(id)
        body = self._body(request)
        if "deleted_frames" in body:
            task["_deleted_frames"] = sorted(set(int(x) for x in body["deleted_frames"]))
        return self._json(self._meta(task, self.task_files.get(task["id"], [])))

    def tasks_retrieve_data(self, request: Request, id: str) -> Response:
        task = self._task(id)
        files = self.task_files.get(task["id"], [])
        kind = request.args.get("type")
        number = int(request.args.get("number", 0))
        if kind == "frame":
            if not 0 <= number < len(files):
                raise HttpError(400, f"Incorrect requested frame number: {number}")
            return Response(files[number][1], content_type="image/jpeg")
        if kind == "chunk":
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w") as zf:
                for name, data in files:
                    zf.writestr(name, data)
            return Response(buf.getvalue(), content_type="application/zip")
        raise HttpError(400, "type must be one of: frame, chunk, context_image")

    def tasks_preview(self, request: Request, id: str) -> Response:
        files = self.task_files.get(self._task(id)["id"])
        if not files:
            raise HttpError(404, "No preview: the task has no data")
        return Response(files[0][1], content_type="image/jpeg")


    # -- exports and background requests -----------------------------------

    def _export_bytes(self, tid: int, fmt: str) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("annotations.json", json.dumps({"format": fmt, **self.annotations[tid]}))
            for name, data in self.task_files.get(tid, []):
                zf.writestr(f"images/{name}", data)
        return buf.getvalue()

    def _start_export(self, request: Request, id: str, kind: str) -> Response:
        task = self._task(id)
        tid = task["id"]
        user = self._authenticate(request)
        fmt = request.args.get("format")
        if kind == "dataset" and not fmt:
            raise HttpError(400, "format: This query parameter is required.")
        bg = self._new_request(request, user, {"type": f"export:{kind}", "task_id": tid, "format": fmt})
        file_id = secrets.token_hex(8)
        filename = f"task_{tid}_{kind}_{(fmt or 'backup').replace(' ', '_')}.zip"
        host = self._host(request)

        def finish() -> None:
            self.downloads[file_id] = (filename, self._export_bytes(tid, fmt or "backup"))
            bg.result_url = f"{host}/api/downloads/{file_id}"

        bg.on_finish = finish
        return self._json({"rq_id": bg.id}, 202)

    def dataset_export(self, request: Request, id: str) -> Response:
        return self._start_export(request, id, "dataset")

    def backup_export(self, request: Request, id: str) -> Response:
        return self._start_export(request, id, "backup")

    def legacy_dataset(self, request: Request, id: str) -> Response:
        """The pre-2.x flow of the docs (absent from the 2.61-2.70 schemas):
        202 while preparing, 201 when ready, ``action=download`` -> bytes."""
        tid = self._task(id)["id"]
        fmt = request.args.get("format")
        if not fmt:
            raise HttpError(400, "format: This query parameter is required.")
        key = (tid, fmt)
        if request.args.get("action") == "download":
            if self.legacy_exports.get(key, 0) < self.polls_to_finish:
                raise HttpError(400, "Export is not ready; poll without action=download first")
            resp = Response(self._export_bytes(tid, fmt), content_type="application/zip")
            resp.headers["Content-Disposition"] = f'attachment; filename="task_{tid}.zip"'
            return resp
        self.legacy_exports[key] = self.legacy_exports.get(key, 0) + 1
        if self.legacy_exports[key] < self.polls_to_finish:
            return self._json({"rq_id": f"export:task-{tid}"}, 202)
        return self._json({}, 201)

    def requests_retrieve(self, request: Request, rq_id: str) -> Response:
        bg = self.bg_requests.get(rq_id)
        if bg is None:
            raise HttpError(404, "Request not found.")
        bg.polls += 1
        statuses = ["queued", "started", "finished"]
        if self.polls_to_finish <= 1:
            status = "finished"
        else:
            status = statuses[min(bg.polls - 1, 1)] if bg.polls < self.polls_to_finish else "finished"
        if status == "finished" and not bg.finished:
            bg.finished = True
            if bg.on_finish is not None:
                bg.on_finish()
        done = status == "finished"
        return self._json(
            {
                "status": status,
                "message": "",
                "id": bg.id,
                "operation": bg.operation,
                "progress": 1.0 if done else (0.0 if status == "queued" else 0.5),
                "created_date": bg.created,
                "started_date": bg.created if status != "queued" else None,
                "finished_date": _now() if done else None,
                "expiry_date": None,
                "owner": {"id": 1, "username": bg.owner},
                "result_url": bg.result_url if done else None,
                "result_id": bg.result_id if done else None,
            }
        )

    def download(self, request: Request, file_id: str) -> Response:
        item = self.downloads.get(file_id)
        if item is None:
            raise HttpError(404, "File not found.")
        name, data = item
        resp = Response(data, content_type="application/zip")
        resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return resp

