"""Versioned and deprecated operations, end to end (plugins/versioned_endpoints).

The shared 2.70 schema only has `GET /api/cloudstorages/{id}/content-v2`; a copy made at
test time adds back the deprecated v1 `GET /api/cloudstorages/{id}/content`
(`cloudstorages_retrieve_content`, `deprecated: true`, with its old `manifest_path` query
parameter) and marks the v2's `manifest_path` parameter deprecated. Then: the IR links the
two versions, the generated SDK warns on the v1 (naming the v2) and on the deprecated
parameter only when it is passed, the docstrings and the Markdown docs say so, and the
documented `retrieve_content_v2` paging example runs as written against a small server that
pages a fake bucket listing.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import io
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl

import pytest

from tests.conftest import build, import_generated, schema_path
from tests.support.wsgi_server import BackgroundServer

PACKAGE = "tv_versioned270.api_client"
CVAT_JSON = "application/vnd.cvat+json"
V1_PATH = "/api/cloudstorages/{id}/content"
V2_PATH = "/api/cloudstorages/{id}/content-v2"


def versioned_schema() -> dict[str, Any]:
    schema = json.loads(schema_path("2.70.0").read_text(encoding="utf-8"))
    assert V1_PATH not in schema["paths"], "the shared schema has the v1 again: this test's premise changed"
    v2 = schema["paths"][V2_PATH]["get"]
    v1 = copy.deepcopy(v2)
    v1["operationId"] = "cloudstorages_retrieve_content"
    v1["deprecated"] = True
    v1["parameters"] = [p for p in v1["parameters"] if p["name"] in ("id", "manifest_path")]
    v1["responses"] = {"200": {"description": "A manifest content", "content": {
        CVAT_JSON: {"schema": {"type": "array", "items": {"type": "string"}}}}}}
    schema["paths"][V1_PATH] = {"get": v1}
    [manifest_path] = [p for p in v2["parameters"] if p["name"] == "manifest_path"]
    manifest_path["deprecated"] = True
    return schema


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tv_schema") / "cvat-2.70.0-with-v1.json"
    path.write_text(json.dumps(versioned_schema()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def output(schema_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tv_out")
    build(schema_file, out, package=PACKAGE)
    return out


@pytest.fixture(scope="module")
def sdk(output: Path) -> ModuleType:
    return import_generated(output, PACKAGE)


# --- the fake bucket -----------------------------------------------------------------------

# (full path, is a directory); listed per prefix in this order
BUCKET = [
    "image_2.jpg", "video.mp4", "sub/", "notes.pdf", "docs/",
    "sub/image_1.jpg", "sub/deeper/", "sub/image_3.png",
    "sub/deeper/a.png", "sub/deeper/b.png", "sub/deeper/c.png", "sub/deeper/d.png",
    "sub/empty/",
    "docs/manual.pdf",
]
REG_FILES = sorted(p for p in BUCKET if not p.endswith("/"))
MIME = {"jpg": "image", "png": "image", "mp4": "video", "pdf": "pdf"}


class Bucket(BackgroundServer):
    """GET /api/cloudstorages/7/content-v2 as the server pages it; the v1 lists names."""

    page_size = 2

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[dict[str, str]] = []

    def listing(self, prefix: str) -> list[dict[str, str]]:
        items = []
        for path in BUCKET:
            if not path.startswith(prefix) or path == prefix:
                continue
            rest = path[len(prefix):]
            if rest.endswith("/") and rest.count("/") == 1:
                items.append({"name": rest[:-1], "type": "DIR", "mime_type": "DIR"})
            elif "/" not in rest:
                items.append({"name": rest, "type": "REG", "mime_type": MIME[rest.rsplit(".", 1)[1]]})
        return items

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        path = environ["PATH_INFO"]
        self.requests.append({"path": path, **query})
        status, body = "404 Not Found", {"detail": "Not found."}
        if environ.get("HTTP_AUTHORIZATION") != "Basic " + base64.b64encode(b"user:password").decode():
            status, body = "401 Unauthorized", {"detail": "Authentication credentials were not provided."}
        elif path == "/api/cloudstorages/7/content-v2":
            prefix = query.get("prefix", "")
            if prefix and not prefix.endswith("/"):
                prefix += "/"
            items = self.listing(prefix)
            start = int(base64.urlsafe_b64decode(query["next_token"]).decode()) if query.get("next_token") else 0
            size = int(query.get("page_size") or self.page_size)
            page = items[start: start + size]
            # like S3, a full last page still hands out a token, and the page after it is empty
            more = start + size <= len(items) and len(page) == size
            token = base64.urlsafe_b64encode(str(start + size).encode()).decode() if more else None
            status, body = "200 OK", {"content": page, "next": token}
        elif path == "/api/cloudstorages/7/content":
            status, body = "200 OK", [p for p in BUCKET if not p.endswith("/")]
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", CVAT_JSON), ("Content-Length", str(len(data)))])
        return [data]


@pytest.fixture(scope="module")
def bucket() -> Iterator[Bucket]:
    with Bucket() as server:
        yield server


@pytest.fixture()
def client(sdk: ModuleType, bucket: Bucket) -> Iterator[Any]:
    bucket.requests.clear()
    with sdk.ApiClient(sdk.Configuration(host=bucket.url, username="user", password="password")) as api_client:
        yield api_client


# --- the IR --------------------------------------------------------------------------------


def test_ir_links_the_versions(schema_file: Path, tmp_path: Path) -> None:
    from cvat_gen.config import BuildConfig
    from cvat_gen.pipeline import run_ir

    ir = json.loads(run_ir(BuildConfig(schema=str(schema_file), output=tmp_path)).to_json())
    [api] = [a for a in ir["apis"] if a["attr_name"] == "cloudstorages_api"]
    ops = {op["method_name"]: op for op in api["operations"]}
    v1, v2 = ops["retrieve_content"], ops["retrieve_content_v2"]
    assert v1["versions"] == v2["versions"] == ["retrieve_content", "retrieve_content_v2"]
    assert v1["deprecated"] is True and v1["replaced_by"] == "retrieve_content_v2"
    assert "retrieve_content_v2" in v1["deprecation_message"]
    assert v2["deprecated"] is False and v2["replaced_by"] == ""
    [manifest_path] = [p for p in v2["params"] if p["py_name"] == "manifest_path"]
    assert manifest_path["deprecated"] is True and "manifest_path" in manifest_path["deprecation_message"]
    assert all(not p["deprecated"] for p in v2["params"] if p["py_name"] != "manifest_path")
    # an operation with no sibling is left alone
    assert ops["retrieve_preview"]["versions"] == [] and ops["retrieve_preview"]["replaced_by"] == ""


# --- runtime warnings ----------------------------------------------------------------------


def test_v1_warns_naming_v2(client: Any, bucket: Bucket) -> None:
    with pytest.warns(DeprecationWarning, match=r"retrieve_content\(\) is deprecated.*retrieve_content_v2") as caught:
        data, response = client.cloudstorages_api.retrieve_content(7, manifest_path="manifest.jsonl")
    assert response.status == 200 and data == REG_FILES_IN_V1_ORDER
    assert bucket.requests[-1] == {"path": "/api/cloudstorages/7/content", "manifest_path": "manifest.jsonl"}
    assert [w.filename for w in caught] == [__file__]  # points at the caller


REG_FILES_IN_V1_ORDER = [p for p in BUCKET if not p.endswith("/")]


def test_v2_does_not_warn(client: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data, response = client.cloudstorages_api.retrieve_content_v2(7, prefix="sub/", page_size=10)
    assert response.status == 200
    assert [(f.name, str(f.type)) for f in data.content] == [
        ("image_1.jpg", "REG"), ("deeper", "DIR"), ("image_3.png", "REG"), ("empty", "DIR")]
    assert data.next is None


def test_deprecated_parameter_warns_only_when_passed(client: Any) -> None:
    with pytest.warns(DeprecationWarning, match=r"'manifest_path' of cloudstorages_api\.retrieve_content_v2\(\)"):
        client.cloudstorages_api.retrieve_content_v2(7, manifest_path="manifest.jsonl")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.cloudstorages_api.retrieve_content_v2(7, prefix="docs")


# --- docstrings and docs -------------------------------------------------------------------


def test_docstrings(sdk: ModuleType) -> None:
    api = sdk.apis.CloudstoragesApi
    v1_doc = api.retrieve_content.__doc__ or ""
    v2_doc = api.retrieve_content_v2.__doc__ or ""
    assert re.search(r"deprecated", v1_doc, re.IGNORECASE) and "retrieve_content_v2" in v1_doc, v1_doc
    assert not re.search(r"^\s*deprecated\b", v2_doc, re.IGNORECASE | re.MULTILINE), v2_doc
    # the parameter is marked in the v2's argument list
    [line] = [line for line in v2_doc.splitlines() if line.strip().startswith("manifest_path")]
    assert "deprecated" in line.lower()


def _near(text: str, anchor: str, word: str, window: int = 600) -> bool:
    return any(word in text[m.start(): m.start() + window].lower() for m in re.finditer(re.escape(anchor), text))


def test_docs_mark_the_v1_deprecated(output: Path, record_property: Callable[[str, object], None]) -> None:
    """Loose on purpose: the docs plugin is being rewritten. Checks the per-API page when there
    is one, else the summary (recorded as the `docs_file` property)."""
    page = output / "docs" / "apis" / "CloudstoragesApi.md"
    docs_file = page if page.is_file() else output / "docs" / "api_summary.md"
    record_property("docs_file", str(docs_file.relative_to(output)))
    text = docs_file.read_text(encoding="utf-8")
    lines = [line.lower() for line in text.splitlines()]
    # the v1's own line in a listing says deprecated
    assert any("retrieve_content`" in line and "deprecated" in line for line in lines), docs_file
    # and the v1's section (or entry) says deprecated and names the v2
    assert _near(text, "retrieve_content", "deprecated")
    assert _near(text.lower(), "deprecated", "retrieve_content_v2")
    # the v2 is not listed as deprecated
    assert not any("retrieve_content_v2`" in line and "(deprecated)" in line for line in lines)


# --- the documented paging example ---------------------------------------------------------

from tests.functional.doc_examples import DOC_EXAMPLE  # noqa: E402


@pytest.mark.parametrize("page_size", [2, 3, 100])
def test_doc_example_pages_the_whole_bucket(sdk: ModuleType, bucket: Bucket, page_size: int,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Bucket, "page_size", page_size)
    bucket.requests.clear()
    namespace = {"BASE_URL": bucket.url, "user": "user", "password": "password", "cloud_storage_id": 7}
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout), warnings.catch_warnings():
        warnings.simplefilter("error")  # the example uses nothing deprecated
        exec(compile(DOC_EXAMPLE.format(package=PACKAGE), "lowlevel-api-example", "exec"), namespace)  # noqa: S102
    files = namespace["files"]
    assert sorted(files) == REG_FILES and len(files) == len(set(files))
    assert eval(stdout.getvalue()) == files  # noqa: S307 - pprint of a list of str
    assert namespace["prefixes"] == []
    # every prefix, nested ones included, was listed to its end
    listed = {r.get("prefix", "") for r in bucket.requests}
    assert listed == {"", "sub/", "sub/deeper/", "sub/empty/", "docs/"}
    if page_size == 2:
        # several pages per prefix, continuation tokens sent back as received
        tokens = [r for r in bucket.requests if "next_token" in r]
        assert len(tokens) >= 5 and all(r["path"] == "/api/cloudstorages/7/content-v2" for r in bucket.requests)
        assert len([r for r in tokens if r.get("prefix") == "sub/deeper/"]) == 2  # 4 items: 2 pages + empty one
