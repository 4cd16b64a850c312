"""Tests of the test servers themselves (synthesizer, contract server, fake).

Why: every contract and scenario test of the generated SDK trusts these
servers; if the synthesizer produced invalid data or the fake answered with
shapes the schema does not allow, SDK tests would fail (or pass) for the
wrong reason.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Iterator

import pytest
import urllib3
from openapi_core.testing import MockRequest, MockResponse

from .contract_server import (
    ContractServer,
    ResponseFactory,
    collect_operations,
    format_error,
    make_openapi,
    validate_synth_response,
)
from .fake_cvat import FakeCvat
from .synth import EXTRA_FIELD_NAME, UNKNOWN_ENUM_VALUE, VARIANTS

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "shared" / "schemas"
SCHEMA_FILES = sorted(SCHEMA_DIR.glob("cvat-*.json"))
BASIC = "Basic " + base64.b64encode(b"admin:admin").decode()


def _load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / name).read_text())


@pytest.fixture(scope="module")
def schema_270() -> dict[str, Any]:
    return _load("cvat-2.70.0.json")


@pytest.fixture()
def http() -> Iterator[urllib3.PoolManager]:
    pool = urllib3.PoolManager(retries=False, timeout=10)
    yield pool
    pool.clear()


# -- synthesizer ----------------------------------------------------------


def test_schemas_are_present() -> None:
    assert len(SCHEMA_FILES) == 10, SCHEMA_FILES


def test_synthesized_responses_validate_for_every_operation_of_every_schema() -> None:
    """Self-check: every operation x every variant of all ten schemas."""
    failures: list[str] = []
    checked = 0
    for path in SCHEMA_FILES:
        schema = json.loads(path.read_text())
        openapi = make_openapi(schema)
        factory = ResponseFactory(schema, seed=7)
        ops = collect_operations(schema)
        assert len(ops) > 150
        for op in ops:
            params = factory.sample_path_params(op)
            for variant in VARIANTS:
                resp = factory.build(op, variant)
                checked += 1
                for err in validate_synth_response(openapi, op, params, resp):
                    failures.append(f"{path.name} {op.operation_id} {variant}: {err[:400]}")
    assert checked > 5000
    assert not failures, "\n".join(failures[:20])


def test_synthesis_is_deterministic_and_variants_differ(schema_270: dict[str, Any]) -> None:
    op = next(o for o in collect_operations(schema_270) if o.operation_id == "tasks_retrieve")
    a = ResponseFactory(schema_270, seed=1).build(op, "full").body
    b = ResponseFactory(schema_270, seed=1).build(op, "full").body
    c = ResponseFactory(schema_270, seed=2).build(op, "full").body
    assert a == b and a != c
    fac = ResponseFactory(schema_270)
    required = fac.build(op, "required").value
    full = fac.build(op, "full").value
    nulls = fac.build(op, "nulls").value
    assert set(required) == {"jobs", "labels"}
    assert full["owner"] is not None and full["project_id"] is not None
    assert nulls["owner"] is None and nulls["project_id"] is None
    assert set(full) == set(nulls)


def test_skew_injection(schema_270: dict[str, Any]) -> None:
    op = next(o for o in collect_operations(schema_270) if o.operation_id == "requests_retrieve")
    value = ResponseFactory(schema_270, extra_fields=True, unknown_enum=True).build(op).value
    assert value[EXTRA_FIELD_NAME] and value["operation"][EXTRA_FIELD_NAME]
    assert value["status"] == UNKNOWN_ENUM_VALUE


# -- contract server --------------------------------------------------------


def test_contract_server_validates_requests(schema_270: dict[str, Any], http: urllib3.PoolManager) -> None:
    with ContractServer(schema_270, seed=3, validate_responses=True) as srv:
        ok = http.request("GET", srv.url + "/api/tasks/12", headers={"Authorization": BASIC})
        assert ok.status == 200, ok.data
        assert ok.headers["Content-Type"] == "application/vnd.cvat+json"
        assert set(json.loads(ok.data)) == {"jobs", "labels"}

        full = http.request(
            "GET", srv.url + "/api/tasks/12", headers={"Authorization": BASIC, "X-Test-Variant": "full"}
        )
        assert "owner" in json.loads(full.data)

        bad_path = http.request("GET", srv.url + "/api/tasks/abc", headers={"Authorization": BASIC})
        no_auth = http.request("GET", srv.url + "/api/tasks/12")
        bad_body = http.request(
            "POST",
            srv.url + "/api/tasks",
            body=json.dumps({"labels": "not a list"}),
            headers={"Authorization": BASIC, "Content-Type": "application/json"},
        )
        bad_query = http.request(
            "GET", srv.url + "/api/tasks?page=x", headers={"Authorization": BASIC}
        )
        unknown = http.request("GET", srv.url + "/api/nope", headers={"Authorization": BASIC})
        no_content = http.request("DELETE", srv.url + "/api/tasks/3", headers={"Authorization": BASIC})

        assert [r.status for r in (bad_path, no_auth, bad_body, bad_query)] == [400] * 4
        assert unknown.status == 404 and no_content.status == 204 and no_content.data == b""
        ok_rec, full_rec, bad_path_rec, no_auth_rec, bad_body_rec, bad_query_rec, unknown_rec, _ = srv.log
        assert ok_rec.ok and full_rec.ok and full_rec.variant == "full", ok_rec.errors
        assert ok_rec.response_errors == [] and full_rec.response_errors == []
        for rec in (bad_path_rec, no_auth_rec, bad_body_rec, bad_query_rec, unknown_rec):
            assert not rec.ok and rec.errors, rec
        assert "Security" in " ".join(no_auth_rec.errors)
        assert bad_body_rec.operation_id == "tasks_create"
        assert "labels" in " ".join(bad_body_rec.errors)
        assert unknown_rec.operation_id is None
        assert len(srv.records("tasks_retrieve")) == 4  # incl. /api/tasks/abc
        assert srv.failures()


def test_contract_server_multipart_and_skew(schema_270: dict[str, Any], http: urllib3.PoolManager) -> None:
    with ContractServer(schema_270, extra_fields=True) as srv:
        resp = http.request(
            "POST",
            srv.url + "/api/tasks/5/data/",
            fields={"image_quality": "70", "client_files": ("a.jpg", b"\xff\xd8data", "image/jpeg")},
            headers={"Authorization": BASIC},
        )
        assert resp.status == 202, resp.data
        assert EXTRA_FIELD_NAME in json.loads(resp.data)
        bad = http.request(
            "POST",
            srv.url + "/api/tasks/5/data/",
            fields={"image_quality": "high", "client_files[0]": ("a.jpg", b"x")},
            headers={"Authorization": BASIC},
        )
        assert bad.status == 400 and "image_quality" in bad.data.decode()
        srv.unknown_enum = True
        srv.variant = "full"
        status = http.request("GET", srv.url + "/api/requests/rq1", headers={"Authorization": BASIC})
        assert json.loads(status.data)["status"] == UNKNOWN_ENUM_VALUE
        assert [r.ok for r in srv.log] == [True, False, True], [r.errors for r in srv.log]


# -- fake CVAT ----------------------------------------------------------------


def _validate_fake(openapi: Any, method: str, path: str, resp: urllib3.BaseHTTPResponse) -> list[str]:
    """The fake's JSON answers must be valid 2.70 response models."""
    request = MockRequest("http://localhost", method, path)
    response = MockResponse(
        resp.data, status_code=resp.status, content_type=resp.headers.get("Content-Type", "")
    )
    return [format_error(e)[:500] for e in openapi.iter_response_errors(request, response)]


def test_fake_cvat_login_pagination_upload(schema_270: dict[str, Any], http: urllib3.PoolManager) -> None:
    openapi = make_openapi(schema_270)
    errors: list[str] = []

    with FakeCvat(polls_to_finish=3) as fake:
        url = fake.url
        assert http.request("GET", url + "/api/users/self").status == 401
        about = http.request("GET", url + "/api/server/about")
        errors += _validate_fake(openapi, "get", "/api/server/about", about)

        login = http.request(
            "POST", url + "/api/auth/login",
            body=json.dumps({"username": "admin", "password": "admin"}),
            headers={"Content-Type": "application/json"},
        )
        assert login.status == 200
        errors += _validate_fake(openapi, "post", "/api/auth/login", login)
        cookies = "; ".join(c.split(";")[0] for c in login.headers.getlist("Set-Cookie"))
        assert "sessionid=" in cookies and "csrftoken=" in cookies
        key = json.loads(login.data)["key"]
        token = {"Authorization": f"Token {key}"}
        me = http.request("GET", url + "/api/users/self", headers=token)
        assert json.loads(me.data)["username"] == "admin"
        errors += _validate_fake(openapi, "get", "/api/users/self", me)
        # session auth: unsafe methods need the CSRF header
        sess = {"Cookie": cookies}
        assert http.request("POST", url + "/api/tasks", body=b"{}", headers=sess).status == 403

        headers = {"Authorization": BASIC, "Content-Type": "application/json"}
        for i in range(12):
            r = http.request(
                "POST", url + "/api/tasks?org=myorg",
                body=json.dumps({"name": f"t{i}", "labels": [{"name": "car", "color": "#ff00ff"}]}),
                headers={**headers, "X-Organization": "myorg"},
            )
            assert r.status == 201, r.data
        errors += _validate_fake(openapi, "post", "/api/tasks", r)
        assert fake.requests[-1].org == "myorg" and fake.requests[-1].x_organization == "myorg"

        page = json.loads(http.request("GET", url + "/api/tasks?page_size=5", headers=headers).data)
        assert page["count"] == 12 and len(page["results"]) == 5 and page["previous"] is None
        seen = [t["name"] for t in page["results"]]
        while page["next"]:
            nxt = http.request("GET", page["next"], headers=headers)
            errors += _validate_fake(openapi, "get", "/api/tasks", nxt)
            page = json.loads(nxt.data)
            seen += [t["name"] for t in page["results"]]
        assert seen == [f"t{i}" for i in range(12)]
        assert http.request("GET", url + "/api/tasks?page=9", headers=headers).status == 404

        # multipart upload (the docs' flow) -> rq_id -> queued, started, finished
        task_id = json.loads(r.data)["id"]
        up = http.request(
            "POST", f"{url}/api/tasks/{task_id}/data/",
            fields={
                "image_quality": "75",
                **{f"client_files[{i}]": (f"img{i}.jpg", b"\xff\xd8%d" % i, "image/jpeg") for i in range(4)},
            },
            headers={"Authorization": BASIC},
        )
        assert up.status == 202, up.data
        rq_id = json.loads(up.data)["rq_id"]
        statuses = []
        for _ in range(3):
            st = http.request("GET", f"{url}/api/requests/{rq_id}", headers=headers)
            errors += _validate_fake(openapi, "get", "/api/requests/x", st)
            statuses.append(json.loads(st.data)["status"])
        assert statuses == ["queued", "started", "finished"]
        task = json.loads(http.request("GET", f"{url}/api/tasks/{task_id}", headers=headers).data)
        assert task["size"] == 4
        meta = http.request("GET", f"{url}/api/tasks/{task_id}/data/meta", headers=headers)
        errors += _validate_fake(openapi, "get", f"/api/tasks/{task_id}/data/meta", meta)
        for path in (f"/api/jobs?task_id={task_id}", f"/api/labels?task_id={task_id}"):
            lst = http.request("GET", url + path, headers=headers)
            assert json.loads(lst.data)["count"] == 1
            errors += _validate_fake(openapi, "get", path.split("?")[0], lst)

    assert not errors, "\n".join(errors)


def test_fake_cvat_tus_annotations_export_bucket(schema_270: dict[str, Any], http: urllib3.PoolManager) -> None:
    openapi = make_openapi(schema_270)
    errors: list[str] = []
    h = {"Authorization": BASIC}
    j = {**h, "Content-Type": "application/json"}
    with FakeCvat(polls_to_finish=2) as fake:
        url = fake.url
        tid = json.loads(http.request("POST", url + "/api/tasks", body=b'{"name": "tus"}', headers=j).data)["id"]
        data_url = f"{url}/api/tasks/{tid}/data/"
        assert http.request("POST", data_url, headers={**h, "Upload-Start": ""}).status == 202
        payload = b"0123456789" * 5
        created = http.request(
            "POST", data_url,
            headers={**h, "Tus-Resumable": "1.0.0", "Upload-Length": str(len(payload)),
                     "Upload-Metadata": "filename " + base64.b64encode(b"big.jpg").decode()},
        )
        assert created.status == 201 and created.headers["Upload-Filename"] == "big.jpg"
        loc = created.headers["Location"]
        for offset in (0, 20, 40):
            part = http.request(
                "PATCH", loc, body=payload[offset : offset + 20],
                headers={**h, "Tus-Resumable": "1.0.0", "Upload-Offset": str(offset),
                         "Content-Type": "application/offset+octet-stream"},
            )
            assert part.status == 204
            assert int(part.headers["Upload-Offset"]) == min(offset + 20, len(payload))
        assert http.request("HEAD", loc, headers=h).headers["Upload-Offset"] == str(len(payload))
        multi = http.request(
            "POST", data_url, fields={"image_quality": "70", "client_files[0]": ("s.jpg", b"small")},
            headers={**h, "Upload-Multiple": ""},
        )
        assert multi.status == 200
        fin = http.request(
            "POST", data_url, body=json.dumps({"image_quality": 70}), headers={**j, "Upload-Finish": ""}
        )
        assert fin.status == 202
        rq = json.loads(fin.data)["rq_id"]
        while json.loads(http.request("GET", f"{url}/api/requests/{rq}", headers=h).data)["status"] != "finished":
            pass
        assert fake.tasks[tid]["size"] == 2
        frame = http.request("GET", f"{url}/api/tasks/{tid}/data?type=frame&number=0&quality=original", headers=h)
        assert frame.data in (payload, b"small")

        # annotations: PUT, PATCH create/update/delete, GET, DELETE
        shape = {"type": "rectangle", "frame": 0, "label_id": 1, "points": [1, 2, 3, 4]}
        put = http.request("PUT", f"{url}/api/tasks/{tid}/annotations/", headers=j,
                           body=json.dumps({"shapes": [shape], "tags": [], "tracks": []}))
        errors += _validate_fake(openapi, "put", f"/api/tasks/{tid}/annotations/", put)
        http.request("PATCH", f"{url}/api/tasks/{tid}/annotations/?action=create", headers=j,
                     body=json.dumps({"tags": [{"frame": 0, "label_id": 1}]}))
        got = json.loads(http.request("GET", f"{url}/api/tasks/{tid}/annotations/", headers=h).data)
        assert len(got["shapes"]) == 1 and len(got["tags"]) == 1
        http.request("PATCH", f"{url}/api/tasks/{tid}/annotations/?action=delete", headers=j,
                     body=json.dumps({"tags": got["tags"]}))
        assert fake.annotations[tid]["tags"] == []
        assert http.request("PATCH", f"{url}/api/tasks/{tid}/annotations/?action=bogus", headers=j,
                            body=b"{}").status == 400

        # dataset export -> result_url -> bytes
        exp = http.request("POST", f"{url}/api/tasks/{tid}/dataset/export?format=COCO%201.0", headers=h)
        assert exp.status == 202
        rq = json.loads(exp.data)["rq_id"]
        for _ in range(5):
            st = json.loads(http.request("GET", f"{url}/api/requests/{rq}", headers=h).data)
            if st["status"] == "finished":
                break
        dl = http.request("GET", st["result_url"], headers=h)
        assert dl.status == 200 and dl.data[:2] == b"PK"

        # cloud storage bucket, walked as the docs do
        files, prefixes, prefix, token = [], [], "", None
        while True:
            q = {"page_size": "1", **({"prefix": prefix} if prefix else {}), **({"next_token": token} if token else {})}
            page = http.request("GET", f"{url}/api/cloudstorages/1/content-v2", fields=q, headers=h)
            errors += _validate_fake(openapi, "get", "/api/cloudstorages/1/content-v2", page)
            data = json.loads(page.data)
            files += [prefix + f["name"] for f in data["content"] if f["type"] == "REG"]
            prefixes += [prefix + f["name"] for f in data["content"] if f["type"] == "DIR"]
            token = data["next"]
            if token:
                continue
            if not prefixes:
                break
            prefix, token = f"{prefixes.pop()}/", None
        assert sorted(files) == ["image_2.jpg", "sub/image_1.jpg"]
        assert json.loads(http.request("GET", f"{url}/api/cloudstorages/1/status", headers=h).data) == "AVAILABLE"
        assert http.request("GET", f"{url}/api/whatever", headers=h).status == 404
        bad = http.request("POST", f"{url}/api/tasks", body=b"{not json", headers=j)
        assert bad.status == 400 and "JSON" in json.loads(bad.data)["detail"]
    assert not errors, "\n".join(errors)


def test_real_cvat_sdk_core_runs_on_fake(tmp_path: Path) -> None:
    """Runs only where a ``cvat_sdk`` (PyPI's, or one on top of the generated
    api_client) is importable: the fake must carry cvat_sdk.core's flows."""
    core = pytest.importorskip("cvat_sdk.core.client")
    from cvat_sdk import Config

    images = []
    for i in range(3):
        img = tmp_path / f"im{i}.jpg"
        img.write_bytes(b"\xff\xd8" + bytes([i]) * 10)
        images.append(img)
    with FakeCvat() as fake:
        client = core.Client(fake.url, config=Config(status_check_period=0.01))
        client.login(("admin", "admin"))
        task = client.tasks.create_from_data({"name": "x", "labels": [{"name": "car"}]}, images)
        assert task.size == 3 and len(task.get_jobs()) == 1
        label_id = task.get_labels()[0].id
        task.update_annotations(
            {"shapes": [{"type": "rectangle", "frame": 0, "label_id": label_id, "points": [1, 2, 3, 4]}]}
        )
        assert len(task.get_annotations().shapes) == 1
        out = task.export_dataset("COCO 1.0", tmp_path / "out.zip")
        assert out.read_bytes()[:2] == b"PK"
        task.remove()
        client.logout()
        assert fake.tasks == {}
