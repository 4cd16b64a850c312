"""multipart/form-data bodies that stream files from disk.

Why: urllib3's ``encode_multipart_formdata`` builds the whole body in memory, and cvat-sdk
read every file whole before that, so uploading a 2 GB video took 4 GB of RAM. Here a
file part keeps the open file, and :class:`MultipartBody` is a read-only, seekable file
object that yields the body piece by piece: the parts' headers (small, in memory), then
each file read in chunks. Its length is known in advance (so it is sent with a
Content-Length, never chunked), and it can be rewound, so a retried request sends it again.
"""

from __future__ import annotations

import io
import os
import uuid
from typing import Any, BinaryIO, Sequence

__all__ = ["MultipartBody", "StreamedFile", "has_streamed_file"]


class StreamedFile:
    """A file part's content: an open binary file read from its current position on."""

    __slots__ = ("file", "start", "size")

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.start = file.tell()
        self.size = os.fstat(file.fileno()).st_size - self.start

    def close(self) -> None:
        self.file.close()


def has_streamed_file(fields: Sequence[tuple[str, Any]]) -> bool:
    return any(
        isinstance(value, tuple) and len(value) >= 2 and isinstance(value[1], StreamedFile)
        for _, value in fields
    )


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class MultipartBody(io.RawIOBase):
    """The body of ``fields`` (``(name, value)``, value a str/bytes or a
    ``(filename, data, mime)`` tuple whose data is bytes, str or a :class:`StreamedFile`)."""

    def __init__(self, fields: Sequence[tuple[str, Any]], boundary: str | None = None) -> None:
        super().__init__()
        self.boundary = boundary or uuid.uuid4().hex
        self._pieces: list[bytes | StreamedFile] = []
        for name, value in fields:
            if isinstance(value, tuple):
                filename, data, *rest = value
                mime = rest[0] if rest else "application/octet-stream"
                head = (
                    f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"; '
                    f'filename="{_quote(str(filename))}"\r\nContent-Type: {mime}\r\n\r\n'
                )
            else:
                data = value
                head = (
                    f'--{self.boundary}\r\nContent-Disposition: form-data; '
                    f'name="{_quote(name)}"\r\n\r\n'
                )
            self._pieces.append(head.encode("utf-8"))
            if isinstance(data, StreamedFile):
                self._pieces.append(data)
            else:
                self._pieces.append(data.encode("utf-8") if isinstance(data, str) else bytes(data))
            self._pieces.append(b"\r\n")
        self._pieces.append(f"--{self.boundary}--\r\n".encode())
        self.length = sum(p.size if isinstance(p, StreamedFile) else len(p) for p in self._pieces)
        self._pos = 0

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return self.length

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self.length}[whence]
        self._pos = max(0, min(self.length, base + offset))
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        want = len(view)
        done = 0
        offset = 0
        for piece in self._pieces:
            size = piece.size if isinstance(piece, StreamedFile) else len(piece)
            if self._pos >= offset + size:
                offset += size
                continue
            if done >= want:
                break
            inner = self._pos - offset
            take = min(size - inner, want - done)
            if isinstance(piece, StreamedFile):
                piece.file.seek(piece.start + inner)
                got = piece.file.readinto(view[done : done + take])  # type: ignore[attr-defined]
                if not got:
                    raise OSError(f"{getattr(piece.file, 'name', 'file')} shrank while uploading")
                take = got
            else:
                view[done : done + take] = piece[inner : inner + take]
            done += take
            self._pos += take
            offset += size
            if take < size - inner:
                break
        return done

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.length - self._pos
        buffer = bytearray(min(size, self.length - self._pos))
        n = self.readinto(buffer)
        return bytes(buffer[:n])

    def close(self) -> None:
        """Close the files (as cvat-sdk closed them after reading)."""
        for piece in self._pieces:
            if isinstance(piece, StreamedFile):
                piece.close()
        super().close()
