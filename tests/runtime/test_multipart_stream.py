"""MultipartBody: byte-identical to urllib3's multipart encoding, seekable, never reads a
file whole."""

from __future__ import annotations

import io
from pathlib import Path
from types import ModuleType

import pytest
import urllib3


@pytest.fixture(scope="module")
def mp(sdk: ModuleType) -> ModuleType:
    import importlib

    return importlib.import_module(sdk.__name__ + ".multipart")


def test_same_bytes_as_urllib3(mp: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(bytes(range(256)) * 300)
    with open(path, "rb") as f:
        body = mp.MultipartBody(
            [("image_quality", "70"), ("client_files[0]", ("a.bin", mp.StreamedFile(f), "application/octet-stream")),
             ("raw", ("r.txt", b"xyz", "text/plain"))],
            boundary="b0undary",
        )
        expected, ctype = urllib3.encode_multipart_formdata(
            [("image_quality", "70"), ("client_files[0]", ("a.bin", path.read_bytes(), "application/octet-stream")),
             ("raw", ("r.txt", b"xyz", "text/plain"))],
            boundary="b0undary",
        )
        assert body.content_type == ctype and body.length == len(expected)
        chunks = []
        while chunk := body.read(1000):
            chunks.append(chunk)
        assert b"".join(chunks) == expected
        body.seek(0)  # a retry sends it again
        assert body.read() == expected


def test_reads_are_bounded(mp: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    with open(path, "wb") as f:
        f.truncate(50 << 20)

    class Spy(io.FileIO):
        biggest = 0

        def readinto(self, b):  # type: ignore[no-untyped-def]
            Spy.biggest = max(Spy.biggest, len(b))
            return super().readinto(b)

    with Spy(str(path), "rb") as f:
        body = mp.MultipartBody([("f", ("big.bin", mp.StreamedFile(f), "application/octet-stream"))])
        total = 0
        while chunk := body.read(1 << 16):
            total += len(chunk)
        assert total == body.length > 50 << 20
        assert Spy.biggest <= 1 << 16
