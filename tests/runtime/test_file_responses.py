"""File responses: an open binary file in ``temp_folder_path``, named from
``Content-Disposition``, streamed to disk; untrusted names can't escape the folder."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("frame_000000.jpg", b"\xff\xd8jpeg\xff\xd9")
    return buf.getvalue()


@pytest.fixture()
def tmp_client(sdk: Any, srv: Any, tmp_path: Path) -> Any:
    config = sdk.Configuration(host=srv.url)
    config.temp_folder_path = str(tmp_path)
    with sdk.ApiClient(config) as api_client:
        yield api_client


def test_file_response_is_an_open_file_named_from_the_header(
    tmp_client: Any, srv: Any, tmp_path: Path
) -> None:
    body = _zip_bytes()
    srv.route("GET", "/api/tasks/1/preview", body=body, content_type="application/zip",
              headers=[("Content-Disposition", 'attachment; filename="chunk 0.zip"')])
    data, response = tmp_client.tasks_api.retrieve_preview(1)
    assert isinstance(data, io.BufferedReader) and data.mode == "rb"
    assert Path(data.name) == tmp_path / "chunk 0.zip"
    with zipfile.ZipFile(data) as zf:  # what callers do with it
        assert zf.namelist() == ["frame_000000.jpg"]
    data.seek(0)
    assert data.read() == body
    data.close()
    assert response.status == 200


def test_same_name_twice_gives_two_files(tmp_client: Any, srv: Any, tmp_path: Path) -> None:
    srv.route("GET", "/api/tasks/1/preview", body=b"one", content_type="image/png",
              headers=[("Content-Disposition", "attachment; filename=p.png")])
    first, _ = tmp_client.tasks_api.retrieve_preview(1)
    srv.route("GET", "/api/tasks/1/preview", body=b"two", content_type="image/png",
              headers=[("Content-Disposition", "attachment; filename=p.png")])
    second, _ = tmp_client.tasks_api.retrieve_preview(1)
    with first, second:
        assert first.name != second.name
        assert Path(second.name).name.startswith("p_") and second.name.endswith(".png")
        assert (first.read(), second.read()) == (b"one", b"two")


def test_no_header_gives_a_temp_file(tmp_client: Any, srv: Any, tmp_path: Path) -> None:
    srv.route("GET", "/api/tasks/1/preview", body=b"x" * 10, content_type="image/png")
    data, _ = tmp_client.tasks_api.retrieve_preview(1)
    with data:
        assert Path(data.name).parent == tmp_path and data.read() == b"x" * 10


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('attachment; filename="../../evil.zip"', "evil.zip"),
        ("attachment; filename=/etc/passwd", "passwd"),
        ('attachment; filename="..\\\\..\\\\win.ini"', "win.ini"),
        ('attachment; filename=".."', None),
        ('attachment; filename="."', None),
        ('attachment; filename=".bashrc"', "bashrc"),
        ('attachment; filename="a\\x01b:c?.txt"', None),  # checked below: no control chars
        ("attachment; filename*=UTF-8''na%C3%AFve%2F..%2Fx.zip", "x.zip"),
        ("attachment; filename*=UTF-8''caf%C3%A9.zip; filename=cafe.zip", "café.zip"),
    ],
)
def test_untrusted_names_stay_in_the_folder(
    tmp_client: Any, srv: Any, tmp_path: Path, header: str, expected: str | None
) -> None:
    srv.route("GET", "/api/tasks/1/preview", body=b"data", content_type="image/png",
              headers=[("Content-Disposition", header.replace("\\x01", "\x01"))])
    data, _ = tmp_client.tasks_api.retrieve_preview(1)
    with data:
        path = Path(data.name)
        assert path.parent == tmp_path and path.resolve().parent == tmp_path.resolve()
        assert data.read() == b"data"
        if expected is not None:
            assert path.name == expected
        assert not any(ord(ch) < 32 for ch in path.name) and path.name not in (".", "..")
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_existing_symlink_is_not_followed(tmp_client: Any, srv: Any, tmp_path: Path) -> None:
    target = tmp_path / "victim"
    target.write_bytes(b"keep")
    (tmp_path / "link.bin").symlink_to(target)
    srv.route("GET", "/api/tasks/1/preview", body=b"evil", content_type="image/png",
              headers=[("Content-Disposition", "attachment; filename=link.bin")])
    data, _ = tmp_client.tasks_api.retrieve_preview(1)
    with data:
        assert data.read() == b"evil" and Path(data.name).name != "link.bin"
    assert target.read_bytes() == b"keep"


def test_long_names_are_shortened(sdk: Any) -> None:
    downloads = __import__(sdk.__name__ + ".downloads", fromlist=["x"])
    name = downloads.safe_filename("a" * 400 + ".zip")
    assert name.endswith(".zip") and len(name.encode()) <= 200
    assert downloads.filename_from_disposition(None) is None
    assert downloads.filename_from_disposition("inline") is None


def test_body_is_streamed_not_held_in_memory(tmp_client: Any, srv: Any, sdk: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib3

    downloads = __import__(sdk.__name__ + ".downloads", fromlist=["x"])
    body = os.urandom(1 << 16) * 64  # 4 MiB
    srv.route("GET", "/api/tasks/1/preview", body=body, content_type="video/mp4")
    reads: list[Any] = []
    for method in ("read", "read_chunked"):  # plain and chunked transfer encoding
        real = getattr(urllib3.HTTPResponse, method)

        def spy(self: Any, amt: Any = None, *args: Any, _real: Any = real, **kwargs: Any) -> Any:
            reads.append(amt)
            return _real(self, amt, *args, **kwargs)

        monkeypatch.setattr(urllib3.HTTPResponse, method, spy)
    data, response = tmp_client.tasks_api.retrieve_preview(1)
    with data:
        assert data.read() == body
    # never one whole-body read: the file was written chunk by chunk
    assert reads and all(amt is not None and amt <= downloads.CHUNK_SIZE for amt in reads), reads
    assert os.path.getsize(data.name) == len(body)
    assert not response._body  # nothing kept in memory...
    assert isinstance(response, urllib3.HTTPResponse)
    assert response.data == body  # ...until asked for (cvat_sdk.core reads response.data)


def test_parse_response_false_returns_the_unread_response(tmp_client: Any, srv: Any,
                                                          tmp_path: Path) -> None:
    srv.route("GET", "/api/tasks/1/preview", body=b"abc" * 5000, content_type="image/png",
              headers=[("Content-Disposition", "attachment; filename=x.png")])
    data, response = tmp_client.tasks_api.retrieve_preview(1, _parse_response=False)
    assert data is None and response.tell() == 0
    with response:
        assert b"".join(response.stream(1024)) == b"abc" * 5000
    assert list(tmp_path.iterdir()) == []


def test_error_status_of_a_file_operation_still_raises_with_body(tmp_client: Any, srv: Any,
                                                                 exc: Any, tmp_path: Path) -> None:
    srv.route("GET", "/api/tasks/1/preview", status=404, body={"detail": "gone"})
    with pytest.raises(exc.NotFoundException) as e:
        tmp_client.tasks_api.retrieve_preview(1)
    assert "gone" in e.value.body
    data, response = tmp_client.tasks_api.retrieve_preview(1, _check_status=False)
    assert data == {"detail": "gone"} and response.status == 404
    assert list(tmp_path.iterdir()) == []


def test_call_api_and_deserialize_with_file_type(tmp_client: Any, srv: Any, mu: Any,
                                                 tmp_path: Path) -> None:
    srv.route("GET", "/api/tasks/1/preview", body=b"12345", content_type="image/png",
              headers=[("Content-Disposition", "attachment; filename=f.png")])
    data, _ = tmp_client.call_api("/api/tasks/1/preview", "GET", response_schema=(mu.file_type,))
    with data:
        assert data.read() == b"12345" and Path(data.name) == tmp_path / "f.png"
