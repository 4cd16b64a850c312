"""A small stateful fake CVAT server for scenario tests.

Why: the user docs (``reference/low-level-api.txt``) and the real
``cvat_sdk.core`` layer exercise multi-step flows - log in, create a task,
upload files (plain multipart, or CVAT's TUS variant with ``Upload-Start`` /
``Upload-Multiple`` / ``Upload-Finish``), poll ``/api/requests/{rq_id}``,
export and download a dataset, page through lists and a cloud bucket. The
contract server cannot do that (it has no state), and a real CVAT needs
Docker and minutes to start. This fake keeps just enough state, shapes its
JSON exactly like the 2.70 response models, and logs every request (with the
``org``/``org_id`` query and ``X-Organization`` header) for assertions.

Unknown routes answer 404 JSON; requests it cannot make sense of answer 400
with a JSON ``detail`` saying why.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import re
import secrets
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from .wsgi_server import BackgroundServer

JSON_CT = "application/vnd.cvat+json"
SERVER_VERSION = "2.70.0"
USERS = {"admin": "admin"}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Fake bucket of the cloud storage with id 1: (path, mime type).
BUCKET_FILES = (("image_2.jpg", "image"), ("sub/image_1.jpg", "image"))
DEFAULT_PAGE_SIZE = 10


class HttpError(Exception):
    """Raised by handlers; becomes a JSON error response."""

    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.payload = {"detail": detail, **extra}


@dataclass
class LoggedRequest:
    """One request as the fake saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    org: str | None
    org_id: str | None
    x_organization: str | None
    user: str | None = None
    status: int = 0


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


class FakeCvat(BackgroundServer):
    """Stateful fake of the CVAT endpoints the docs and ``cvat_sdk.core`` use.

    State for assertions: ``tasks``, ``labels``, ``jobs``, ``annotations``
    (per task id), ``bg_requests``, ``requests`` (the request log),
    ``tokens``, ``sessions``. ``polls_to_finish`` sets how many polls of
    ``/api/requests/{id}`` it takes to reach ``finished`` (queued, started,
    finished by default).
    """

    def __init__(self, *, polls_to_finish: int = 3, page_size: int = DEFAULT_PAGE_SIZE) -> None:
        super().__init__()
        self.polls_to_finish = polls_to_finish
        self.default_page_size = page_size
        self.requests: list[LoggedRequest] = []
        self.tasks: dict[int, dict[str, Any]] = {}
        self.task_files: dict[int, list[tuple[str, bytes]]] = {}
        self.pending_files: dict[int, list[tuple[str, bytes]]] = {}
        self.labels: dict[int, dict[str, Any]] = {}
        self.jobs: dict[int, dict[str, Any]] = {}
        self.annotations: dict[int, dict[str, Any]] = {}
        self.bg_requests: dict[str, BackgroundRequest] = {}
        self.downloads: dict[str, tuple[str, bytes]] = {}
        self.tus_uploads: dict[str, TusUpload] = {}
        self.legacy_exports: dict[tuple[int, str], int] = {}
        self.tokens: dict[str, str] = {}
        self.sessions: dict[str, tuple[str, str]] = {}  # sessionid -> (user, csrf)
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._routes = self._build_routes()

    # -- routing ----------------------------------------------------------

    def _build_routes(self) -> list[tuple[str, re.Pattern[str], Callable[..., Response]]]:
        table: list[tuple[str, str, Callable[..., Response]]] = [
            ("POST", r"/api/auth/login", self.login),
            ("POST", r"/api/auth/logout", self.logout),
            ("GET", r"/api/server/about", self.about),
            ("GET", r"/api/users/self", self.users_self),
            ("GET", r"/api/tasks", self.tasks_list),
            ("POST", r"/api/tasks", self.tasks_create),
            ("GET", r"/api/tasks/(?P<id>\d+)", self.tasks_retrieve),
            ("PATCH", r"/api/tasks/(?P<id>\d+)", self.tasks_partial_update),
            ("DELETE", r"/api/tasks/(?P<id>\d+)", self.tasks_destroy),
            ("POST", r"/api/tasks/(?P<id>\d+)/data", self.tasks_create_data),
            ("PATCH", r"/api/tasks/(?P<id>\d+)/data/(?P<file_id>[\w-]+)", self.tus_patch),
            ("HEAD", r"/api/tasks/(?P<id>\d+)/data/(?P<file_id>[\w-]+)", self.tus_head),
            ("GET", r"/api/tasks/(?P<id>\d+)/data/meta", self.tasks_data_meta),
            ("PATCH", r"/api/tasks/(?P<id>\d+)/data/meta", self.tasks_patch_data_meta),
            ("GET", r"/api/tasks/(?P<id>\d+)/data", self.tasks_retrieve_data),
            ("GET", r"/api/tasks/(?P<id>\d+)/preview", self.tasks_preview),
            ("GET", r"/api/tasks/(?P<id>\d+)/annotations", self.annotations_get),
            ("PUT", r"/api/tasks/(?P<id>\d+)/annotations", self.annotations_put),
            ("PATCH", r"/api/tasks/(?P<id>\d+)/annotations", self.annotations_patch),
            ("DELETE", r"/api/tasks/(?P<id>\d+)/annotations", self.annotations_delete),
            ("POST", r"/api/tasks/(?P<id>\d+)/dataset/export", self.dataset_export),
            ("POST", r"/api/tasks/(?P<id>\d+)/backup/export", self.backup_export),
            ("GET", r"/api/tasks/(?P<id>\d+)/dataset", self.legacy_dataset),
            ("GET", r"/api/requests/(?P<rq_id>[^/]+)", self.requests_retrieve),
            ("GET", r"/api/downloads/(?P<file_id>[\w-]+)", self.download),
            ("GET", r"/api/labels", self.labels_list),
            ("GET", r"/api/jobs", self.jobs_list),
            ("GET", r"/api/jobs/(?P<id>\d+)", self.jobs_retrieve),
            ("GET", r"/api/cloudstorages/(?P<id>\d+)/content-v2", self.bucket_content),
            ("GET", r"/api/cloudstorages/(?P<id>\d+)/status", self.bucket_status),
        ]
        return [(m, re.compile(f"^{p}/?$"), h) for m, p, h in table]

    def wsgi_app(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        entry = LoggedRequest(
            method=request.method,
            path=request.path,
            query={k: request.args.getlist(k) for k in request.args},
            headers=dict(request.headers.items()),
            org=request.args.get("org"),
            org_id=request.args.get("org_id"),
            x_organization=request.headers.get("X-Organization"),
        )
        try:
            response = self._dispatch(request, entry)
        except HttpError as err:
            response = self._json(err.payload, err.status, content_type="application/json")
        except (ValueError, KeyError, TypeError) as err:
            response = self._json(
                {"detail": f"bad request: {type(err).__name__}: {err}"},
                400,
                content_type="application/json",
            )
        entry.status = response.status_code
        with self._lock:
            self.requests.append(entry)
        return response(environ, start_response)

    def _dispatch(self, request: Request, entry: LoggedRequest) -> Response:
        path_matched = False
        for method, regex, handler in self._routes:
            m = regex.match(request.path)
            if not m:
                continue
            path_matched = True
            if method != request.method:
                continue
            if handler not in (self.login, self.about):
                entry.user = self._authenticate(request)
            with self._lock:
                return handler(request, **m.groupdict())
        if path_matched:
            raise HttpError(405, f'Method "{request.method}" not allowed.')
        raise HttpError(404, f"Not found: {request.method} {request.path}")

    # -- helpers ----------------------------------------------------------

    def _authenticate(self, request: Request) -> str:
        """Basic, Token, Bearer or session-cookie auth; 401 otherwise.

        Session auth on unsafe methods needs ``X-CSRFToken`` matching the
        ``csrftoken`` cookie, as Django enforces (403 otherwise).
        """
        auth = request.headers.get("Authorization", "")
        scheme, _, cred = auth.partition(" ")
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(cred).decode().partition(":")
            except ValueError:
                raise HttpError(401, "Invalid basic header.")
            if USERS.get(user) == password:
                return user
            raise HttpError(401, "Invalid username/password.")
        if scheme.lower() in ("token", "bearer"):
            token_user = self.tokens.get(cred.strip())
            if token_user:
                return token_user
            raise HttpError(401, "Invalid token.")
        sid = request.cookies.get("sessionid")
        if sid and sid in self.sessions:
            user, csrf = self.sessions[sid]
            if request.method not in SAFE_METHODS:
                if request.headers.get("X-CSRFToken") != csrf or request.cookies.get(
                    "csrftoken"
                ) != csrf:
                    raise HttpError(403, "CSRF Failed: CSRF token missing or incorrect.")
            return user
        raise HttpError(401, "Authentication credentials were not provided.")

    @staticmethod
    def _json(payload: Any, status: int = 200, *, content_type: str = JSON_CT) -> Response:
        return Response(json.dumps(payload), status=status, content_type=content_type)

    @staticmethod
    def _body(request: Request) -> dict[str, Any]:
        """The JSON object body (400 if it is not one)."""
        raw = request.get_data(cache=True)
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError as err:
            raise HttpError(400, f"JSON parse error - {err}")
        if not isinstance(value, dict):
            raise HttpError(400, "Expected a JSON object in the request body.")
        return value

    def _host(self, request: Request) -> str:
        return request.host_url.rstrip("/")

    def _task(self, id: str) -> dict[str, Any]:
        task = self.tasks.get(int(id))
        if task is None:
            raise HttpError(404, "No Task matches the given query.")
        return task

    def _next_id(self) -> int:
        return next(self._ids)

    def _paginate(self, request: Request, items: list[dict[str, Any]]) -> Response:
        """DRF PageNumberPagination: count/next/previous/results."""
        try:
            page = int(request.args.get("page", 1))
            size = int(request.args.get("page_size", self.default_page_size))
        except ValueError:
            raise HttpError(404, "Invalid page.")
        pages = max(1, -(-len(items) // size)) if size > 0 else 1
        if page < 1 or page > pages or size < 1:
            raise HttpError(404, "Invalid page.")

        def link(n: int) -> str:
            args = MultiDict(request.args)
            args["page"] = str(n)
            return f"{self._host(request)}{request.path}?{urlencode(list(args.items(multi=True)))}"

        return self._json(
            {
                "count": len(items),
                "next": link(page + 1) if page < pages else None,
                "previous": link(page - 1) if page > 1 else None,
                "results": items[(page - 1) * size : page * size],
            }
        )

    def _user_brief(self, username: str) -> dict[str, Any]:
        return {
            "url": f"/api/users/1",
            "id": 1,
            "username": username,
            "first_name": "Ad",
            "last_name": "Min",
        }

    def _new_request(
        self,
        request: Request,
        user: str,
        operation: dict[str, Any],
        *,
        on_finish: Callable[[], None] | None = None,
    ) -> BackgroundRequest:
        rq_id = f"{operation['type']}&id={operation.get('task_id')}&n={self._next_id()}"
        op = {
            "type": operation["type"],
            "target": operation.get("target", "task"),
            "project_id": None,
            "task_id": operation.get("task_id"),
            "job_id": None,
            "format": operation.get("format"),
            "function_id": None,
        }
        bg = BackgroundRequest(rq_id, op, user, _now(), on_finish=on_finish)
        self.bg_requests[rq_id] = bg
        return bg

    # -- auth, server, users ----------------------------------------------

    def login(self, request: Request) -> Response:
        body = self._body(request)
        user = body.get("username") or (body.get("email") or "").split("@")[0]
        if not user or USERS.get(user) != body.get("password"):
            raise HttpError(400, "Unable to log in with provided credentials.")
        key = secrets.token_hex(20)
        sid, csrf = secrets.token_hex(16), secrets.token_hex(16)
        self.tokens[key] = user
        self.sessions[sid] = (user, csrf)
        resp = self._json({"key": key})
        resp.set_cookie("sessionid", sid, path="/", httponly=True, samesite="Lax")
        resp.set_cookie("csrftoken", csrf, path="/", samesite="Lax")
        return resp

    def logout(self, request: Request) -> Response:
        sid = request.cookies.get("sessionid")
        self.sessions.pop(sid or "", None)
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("token "):
            self.tokens.pop(auth.split(" ", 1)[1].strip(), None)
        resp = self._json({"detail": "Successfully logged out."})
        resp.delete_cookie("sessionid", path="/")
        resp.delete_cookie("csrftoken", path="/")
        return resp

    def about(self, request: Request) -> Response:
        return self._json(
            {
                "name": "Computer Vision Annotation Tool",
                "description": "Fake CVAT server for tests",
                "version": SERVER_VERSION,
                "logo_url": "",
                "subtitle": "",
            }
        )

    def users_self(self, request: Request) -> Response:
        user = self._authenticate(request)
        return self._json(
            {
                **self._user_brief(user),
                "email": f"{user}@example.com",
                "groups": ["admin"],
                "is_staff": True,
                "is_superuser": True,
                "is_active": True,
                "last_login": _now(),
                "date_joined": "2024-01-01T00:00:00Z",
                "has_analytics_access": True,
            }
        )

    # -- tasks ------------------------------------------------------------

    def _task_view(self, request: Request, task: dict[str, Any]) -> dict[str, Any]:
        host = self._host(request)
        tid = task["id"]
        jobs = [j for j in self.jobs.values() if j["task_id"] == tid]
        return {
            **{k: v for k, v in task.items() if not k.startswith("_")},
            "url": f"{host}/api/tasks/{tid}",
            "jobs": {
                "count": len(jobs),
                "completed": 0,
                "validation": 0,
                "url": f"{host}/api/jobs?task_id={tid}",
            },
            "labels": {"url": f"{host}/api/labels?task_id={tid}"},
        }

    def tasks_list(self, request: Request) -> Response:
        items = [self._task_view(request, t) for t in self.tasks.values()]
        name = request.args.get("name")
        if name:
            items = [t for t in items if name in t["name"]]
        return self._paginate(request, items)

    def tasks_create(self, request: Request) -> Response:
        body = self._body(request)
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise HttpError(400, "name: This field is required.", name=["This field is required."])
        user = self._authenticate(request)
        tid = self._next_id()
        now = _now()
        org_id = request.args.get("org_id")
        task = {
            "id": tid,
            "name": name,
            "project_id": body.get("project_id"),
            "project_name": None,
            "owner": self._user_brief(user),
            "assignee": None,
            "bug_tracker": body.get("bug_tracker", ""),
            "created_date": now,
            "updated_date": now,
            "overlap": body.get("overlap"),
            "segment_size": body.get("segment_size", 0),
            "status": "annotation",
            "data_chunk_size": None,
            "data_original_chunk_type": "imageset",
            "data_compressed_chunk_type": "imageset",
            "data_cloud_storage_id": None,
            "guide_id": None,
            "size": 0,
            "image_quality": 70,
            "data": None,
            "dimension": "2d",
            "mode": "",
            "media_type": "",
            "subset": body.get("subset", ""),
            "organization_id": int(org_id) if org_id and org_id.isdigit() else None,
            "organization": int(org_id) if org_id and org_id.isdigit() else None,
            "target_storage": None,
            "source_storage": None,
            "assignee_updated_date": None,
            "validation_mode": None,
            "consensus_enabled": False,
        }
        self.tasks[tid] = task
        self.annotations[tid] = {"version": 0, "tags": [], "shapes": [], "tracks": []}
        for spec in body.get("labels") or []:
            lid = self._next_id()
            self.labels[lid] = {
                "id": lid,
                "name": spec["name"],
                "color": spec.get("color", "#ff0000"),
                "attributes": [
                    {**a, "id": self._next_id(), "default_value": a.get("default_value", "")}
                    for a in spec.get("attributes", [])
                ],
                "type": spec.get("type", "any"),
                "sublabels": [],
                "project_id": None,
                "task_id": tid,
                "parent_id": None,
                "has_parent": False,
            }
        return self._json(self._task_view(request, task), 201)

    def tasks_retrieve(self, request: Request, id: str) -> Response:
        return self._json(self._task_view(request, self._task(id)))

    def tasks_partial_update(self, request: Request, id: str) -> Response:
        task = self._task(id)
        body = self._body(request)
        for key in ("name", "bug_tracker", "subset", "project_id", "segment_size", "overlap"):
            if key in body:
                task[key] = body[key]
        task["updated_date"] = _now()
        return self._json(self._task_view(request, task))

    def tasks_destroy(self, request: Request, id: str) -> Response:
        task = self._task(id)
        del self.tasks[task["id"]]
        for store in (self.annotations, self.task_files, self.pending_files):
            store.pop(task["id"], None)
        for key in [k for k, v in self.labels.items() if v["task_id"] == task["id"]]:
            del self.labels[key]
        for key in [k for k, v in self.jobs.items() if v["task_id"] == task["id"]]:
            del self.jobs[key]
        return Response(status=204)

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
            return self._json({}, 200)
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

    # -- annotations ------------------------------------------------------

    _KINDS = ("tags", "shapes", "tracks")

    def annotations_get(self, request: Request, id: str) -> Response:
        return self._json(self.annotations[self._task(id)["id"]])

    def _with_ids(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            item = dict(item)
            if item.get("id") is None:
                item["id"] = self._next_id()
            out.append(item)
        return out

    def annotations_put(self, request: Request, id: str) -> Response:
        tid = self._task(id)["id"]
        body = self._body(request)
        ann = self.annotations[tid]
        for kind in self._KINDS:
            ann[kind] = self._with_ids(body.get(kind, []))
        ann["version"] += 1
        return self._json(ann)

    def annotations_patch(self, request: Request, id: str) -> Response:
        tid = self._task(id)["id"]
        action = request.args.get("action")
        if action not in ("create", "update", "delete"):
            raise HttpError(400, "action must be one of: create, update, delete")
        body = self._body(request)
        ann = self.annotations[tid]
        result: dict[str, Any] = {"version": ann["version"] + 1}
        for kind in self._KINDS:
            items = body.get(kind, [])
            if action == "create":
                items = self._with_ids(items)
                ann[kind].extend(items)
            elif action == "update":
                # CVAT's update = delete the objects with these ids, then
                # create them all (objects without an id are just created).
                items = self._with_ids(items)
                ids = {i["id"] for i in items}
                ann[kind] = [x for x in ann[kind] if x["id"] not in ids] + items
            else:
                gone = {i.get("id") for i in items}
                ann[kind] = [x for x in ann[kind] if x["id"] not in gone]
            result[kind] = items
        ann["version"] += 1
        return self._json(result)

    def annotations_delete(self, request: Request, id: str) -> Response:
        ann = self.annotations[self._task(id)["id"]]
        ann.update(tags=[], shapes=[], tracks=[], version=ann["version"] + 1)
        return Response(status=204)

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

    # -- labels, jobs ------------------------------------------------------

    def labels_list(self, request: Request) -> Response:
        items = list(self.labels.values())
        task_id = request.args.get("task_id")
        if task_id is not None:
            items = [lb for lb in items if str(lb["task_id"]) == task_id]
        return self._paginate(request, items)

    def _job_view(self, request: Request, job: dict[str, Any]) -> dict[str, Any]:
        host = self._host(request)
        task = self.tasks[job["task_id"]]
        return {
            "url": f"{host}/api/jobs/{job['id']}",
            "id": job["id"],
            "task_id": task["id"],
            "task_name": task["name"],
            "project_id": task["project_id"],
            "project_name": None,
            "assignee": None,
            "guide_id": None,
            "dimension": "2d",
            "mode": "annotation",
            "media_type": "image",
            "bug_tracker": None,
            "status": "annotation",
            "stage": "annotation",
            "state": "new",
            "frame_count": job["stop_frame"] - job["start_frame"] + 1,
            "start_frame": job["start_frame"],
            "stop_frame": job["stop_frame"],
            "data_chunk_size": 36,
            "data_compressed_chunk_type": "imageset",
            "data_original_chunk_type": "imageset",
            "created_date": task["created_date"],
            "updated_date": task["updated_date"],
            "issues": {"url": f"{host}/api/issues?job_id={job['id']}", "count": 0},
            "labels": {"url": f"{host}/api/labels?job_id={job['id']}"},
            "type": "annotation",
            "organization": task["organization"],
            "target_storage": None,
            "source_storage": None,
            "assignee_updated_date": None,
            "parent_job_id": None,
            "consensus_replicas": 0,
            "replicas_count": 0,
        }

    def jobs_list(self, request: Request) -> Response:
        jobs = list(self.jobs.values())
        task_id = request.args.get("task_id")
        if task_id is not None:
            jobs = [j for j in jobs if str(j["task_id"]) == task_id]
        return self._paginate(request, [self._job_view(request, j) for j in jobs])

    def jobs_retrieve(self, request: Request, id: str) -> Response:
        job = self.jobs.get(int(id))
        if job is None:
            raise HttpError(404, "No Job matches the given query.")
        return self._json(self._job_view(request, job))

    # -- cloud storage -------------------------------------------------------

    def bucket_content(self, request: Request, id: str) -> Response:
        if int(id) != 1:
            raise HttpError(404, "No CloudStorage matches the given query.")
        prefix = request.args.get("prefix", "")
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        entries: dict[str, dict[str, str]] = {}
        for path, mime in BUCKET_FILES:
            if not path.startswith(prefix):
                continue
            rest = path[len(prefix) :]
            head, sep, _ = rest.partition("/")
            if sep:
                entries.setdefault(head, {"name": head, "type": "DIR", "mime_type": "DIR"})
            else:
                entries[head] = {"name": head, "type": "REG", "mime_type": mime}
        items = sorted(entries.values(), key=lambda e: (e["type"] != "DIR", e["name"]))
        start = int(request.args.get("next_token") or 0)
        size = int(request.args.get("page_size") or 1000)
        if size < 1 or start < 0:
            raise HttpError(400, "page_size must be >= 1 and next_token a valid token")
        end = start + size
        return self._json(
            {"content": items[start:end], "next": str(end) if end < len(items) else None}
        )

    def bucket_status(self, request: Request, id: str) -> Response:
        if int(id) != 1:
            raise HttpError(404, "No CloudStorage matches the given query.")
        return self._json("AVAILABLE")
