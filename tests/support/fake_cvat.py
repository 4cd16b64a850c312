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
import itertools
import json
import re
import secrets
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from .fake_cvat_uploads import (  # noqa: F401 - re-exported: part of this module's API
    JSON_CT,
    BackgroundRequest,
    HttpError,
    TusUpload,
    UploadsMixin,
    _now,
)
from .schema_conform import conform, response_schema
from .wsgi_server import BackgroundServer

SERVER_VERSION = "2.70.0"
USERS = {"admin": "admin"}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Fake bucket of the cloud storage with id 1: (path, mime type).
BUCKET_FILES = (("image_2.jpg", "image"), ("sub/image_1.jpg", "image"))
DEFAULT_PAGE_SIZE = 10


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
    body: bytes = b""
    """The raw body of non-multipart requests (multipart bodies are not kept)."""
    content_type: str = ""
    schema_path: str = ""
    """The path of the release's schema that this request matched ("" without a schema)."""


class FakeCvat(UploadsMixin, BackgroundServer):
    """Stateful fake of the CVAT endpoints the docs and ``cvat_sdk.core`` use.

    State for assertions: ``tasks``, ``labels``, ``jobs``, ``annotations``
    (per task id), ``bg_requests``, ``requests`` (the request log),
    ``tokens``, ``sessions``. ``polls_to_finish`` sets how many polls of
    ``/api/requests/{id}`` it takes to reach ``finished`` (queued, started,
    finished by default). ``data_fields`` keeps, per task id, the non-file
    fields of the request that started data processing (e.g. the JSON fields
    of an ``Upload-Finish``). ``bucket_page_size`` is the default page size
    of the cloud storage content listing (``next_token`` paging).
    """

    def __init__(
        self,
        *,
        polls_to_finish: int = 3,
        page_size: int = DEFAULT_PAGE_SIZE,
        bucket_page_size: int = 1000,
        schema: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.schema = schema
        # Releases whose schema has no header CSRF scheme (2.5.2: only the `csrftoken` cookie,
        # "can be sent as a cookie or as the X-CSRFTOKEN header") accept the cookie alone.
        schemes = ((schema or {}).get("components") or {}).get("securitySchemes") or {}
        self._csrf_header = schema is None or any(
            isinstance(v, dict) and v.get("in") == "header" and str(v.get("name", "")).lower() == "x-csrftoken"
            for v in schemes.values()
        )
        self.server_version = str(((schema or {}).get("info") or {}).get("version") or SERVER_VERSION).split()[0]
        self.polls_to_finish = polls_to_finish
        self.default_page_size = page_size
        self.bucket_page_size = bucket_page_size
        self.data_fields: dict[int, dict[str, Any]] = {}
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
            ("GET", r"/api/tasks/(?P<id>\d+)/status", self.tasks_status),
        ]
        if self.schema is None:
            return [(m, re.compile(f"^{p}/?$"), h) for m, p, h in table]
        return self._routes_of_schema(table, self.schema)

    # Routes that no schema lists: TUS chunk requests (the upload protocol's own URLs), the
    # download of a finished export (its URL is the server's `result_url`, whatever it is) and
    # the cloud storage status, removed from the hosted schema copies (schemas/README.md).
    OFF_SCHEMA = frozenset({
        ("PATCH", "/api/tasks/{}/data/{}"), ("HEAD", "/api/tasks/{}/data/{}"),
        ("GET", "/api/downloads/{}"), ("GET", "/api/cloudstorages/{}/status"),
    })

    @classmethod
    def _routes_of_schema(
        cls, table: list[tuple[str, str, Callable[..., Response]]], schema: dict[str, Any]
    ) -> list[tuple[str, re.Pattern[str], Callable[..., Response]]]:
        """The routes a server of that release has, at its exact paths: with the trailing
        slash where its schema writes one (``/api/tasks/{id}/annotations/``), without where
        it doesn't; a route the schema lacks (e.g. ``/api/requests/{id}`` before 2.14)
        answers 404 as on that server."""
        paths: dict[str, tuple[str, set[str]]] = {}
        for path, item in (schema.get("paths") or {}).items():
            methods = {m.upper() for m in item} if isinstance(item, dict) else set()
            paths[re.sub(r"\{[^}]*\}", "{}", path).rstrip("/")] = (path, methods)
        routes = []
        for method, pattern, handler in table:
            template = re.sub(r"\(\?P<\w+>[^)]*\)", "{}", pattern)
            if (method, template) in cls.OFF_SCHEMA:
                routes.append((method, re.compile(f"^{pattern}/?$"), handler))
                continue
            found = paths.get(template)
            if found is None or method not in found[1]:
                continue
            slash = "/" if found[0].endswith("/") else ""
            regex = re.compile(f"^{pattern}{slash}$")
            cls._SCHEMA_PATHS[regex] = found[0]
            routes.append((method, regex, handler))
        return routes

    _SCHEMA_PATHS: dict[re.Pattern[str], str] = {}  # compiled route -> its schema path

    def _conform(self, entry: LoggedRequest, response: Response) -> Response:
        """A JSON response reshaped for the release's schema (tests/support/schema_conform.py)."""
        if self.schema is None or not entry.schema_path or response.mimetype is None \
                or "json" not in response.mimetype or response.direct_passthrough:
            return response
        schema = response_schema(self.schema, entry.schema_path, entry.method, response.status_code)
        if schema is None:
            return response
        payload = conform(self.schema, schema, json.loads(response.get_data() or b"null"))
        response.set_data(json.dumps(payload).encode())
        return response

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
        response = self._conform(entry, response)
        entry.status = response.status_code
        entry.content_type = request.mimetype
        if request.mimetype != "multipart/form-data":
            entry.body = request.get_data(cache=True)
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
            entry.schema_path = self._SCHEMA_PATHS.get(regex, "")
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
                header_ok = request.headers.get("X-CSRFToken") == csrf or not self._csrf_header
                if not header_ok or request.cookies.get("csrftoken") != csrf:
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
            "url": "/api/users/1",
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
                "version": self.server_version,
                "logo_url": "",
                "subtitle": "",
            }
        )

    def tasks_status(self, request: Request, id: str) -> Response:
        """``GET /api/tasks/{id}/status`` (RqStatus), polled by the data upload of releases
        before /api/requests; data processing finishes at once here."""
        tid = self._task(id)["id"]
        pending = [bg for bg in self.bg_requests.values()
                   if bg.operation.get("task_id") == tid and bg.operation.get("type") == "create:task"
                   and not bg.finished]
        for bg in pending:
            bg.polls += 1
            if bg.polls < self.polls_to_finish:
                return self._json({"state": "Started", "message": "", "progress": 50})
            bg.finished = True
            if bg.on_finish is not None:
                bg.on_finish()
        return self._json({"state": "Finished", "message": "", "progress": 100})

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

    # -- annotations ------------------------------------------------------

    _KINDS = ("tags", "shapes", "tracks")

    def annotations_get(self, request: Request, id: str) -> Response:
        if request.args.get("format"):  # export of releases before the /dataset/export flow
            return self.legacy_dataset(request, id)
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
        size = int(request.args.get("page_size") or self.bucket_page_size)
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
