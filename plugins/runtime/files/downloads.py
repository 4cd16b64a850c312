"""File responses: what an operation with a ``format: binary`` body returns.

cvat-sdk returns such bodies as an open binary file in ``Configuration.temp_folder_path``,
named from the ``Content-Disposition`` header, and callers rely on it
(``zipfile.ZipFile(data)``, ``data.seek(0)``, ``data.name``). This module does the same,
with two differences that matter for safety and memory:

* the body is streamed to disk in chunks (the urllib3 response is opened with
  ``preload_content=False``), so a 2 GB video chunk never sits in memory;
* the file name from the header is untrusted: only its last path component is kept, control
  and reserved characters are replaced, and the file is created exclusively (never through
  an existing file or symlink), so a server can't write outside ``temp_folder_path`` or
  overwrite anything. When the name is taken, a unique variant (``name_XXXX.ext``) is used.
"""

from __future__ import annotations

import os
import re
import tempfile
from typing import Any, BinaryIO
from urllib.parse import unquote

__all__ = [
    "CHUNK_SIZE",
    "filename_from_disposition",
    "safe_filename",
    "save_response",
    "write_response",
]

CHUNK_SIZE = 1 << 16
"""Bytes read from the socket per write (64 KiB)."""

_MAX_NAME_BYTES = 200  # below every common file system's 255-byte limit, with room for a suffix
_PARAM = re.compile(
    r"""(?:^|;)\s*(filename\*?)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))""", re.IGNORECASE
)
_RESERVED = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


def filename_from_disposition(value: str | None) -> str | None:
    """The safe file name in a ``Content-Disposition`` header value, or None.

    ``filename*`` (RFC 6266/5987, ``UTF-8''na%C3%AFve.zip``) wins over ``filename``."""
    if not value:
        return None
    plain: str | None = None
    extended: str | None = None
    for key, quoted, bare in _PARAM.findall(value):
        raw = re.sub(r"\\(.)", r"\1", quoted) if quoted else bare.strip()
        if key.endswith("*"):
            charset, _, rest = raw.partition("'")
            _, _, encoded = rest.partition("'")
            try:
                extended = unquote(encoded, encoding=charset or "utf-8", errors="strict")
            except (LookupError, UnicodeDecodeError):
                continue
        else:
            plain = raw
    for candidate in (extended, plain):
        if candidate:
            name = safe_filename(candidate)
            if name:
                return name
    return None


def safe_filename(name: str) -> str | None:
    """A file name that stays inside its folder: the last path component (``/`` and ``\\``
    both separate), reserved and control characters as ``_``, no leading dots or spaces
    (no ``..``, no hidden files), at most 200 UTF-8 bytes (the extension is kept). None if
    nothing usable is left."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _RESERVED.sub("_", name).strip().lstrip(".").strip()
    if not name:
        return None
    if len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        stem, dot, ext = name.rpartition(".")
        if not dot or len(ext) > 16:
            stem, ext = name, ""
        budget = _MAX_NAME_BYTES - len(ext.encode("utf-8")) - (1 if ext else 0)
        stem = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
        name = f"{stem}.{ext}" if ext else stem
    return name or None


def _create(folder: str, name: str | None) -> tuple[int, str]:
    """Open a new file for writing in ``folder``; the exact ``name`` if it is free."""
    if name:
        path = os.path.join(folder, name)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        flags |= getattr(os, "O_BINARY", 0)
        try:
            return os.open(path, flags, 0o600), path
        except FileExistsError:
            pass
        stem, dot, ext = name.rpartition(".")
        if not dot or not stem:
            stem, ext = name, ""
        return tempfile.mkstemp(prefix=f"{stem}_", suffix=f".{ext}" if ext else "", dir=folder)
    return tempfile.mkstemp(prefix="default_", dir=folder)


def save_response(response: Any, configuration: Any = None) -> BinaryIO:
    """Stream the body of ``response`` (a urllib3 response, preferably unread) into a new
    file in ``configuration.temp_folder_path`` (default: the system temp folder) and return
    it open for reading (``"rb"``, at offset 0). The caller closes and deletes it.

    The connection goes back to the pool. ``response.data`` still gives the body: it is
    read back from the file on first access (see :func:`_keep_data_readable`)."""
    folder = getattr(configuration, "temp_folder_path", None) or tempfile.gettempdir()
    name = filename_from_disposition(response.headers.get("Content-Disposition"))
    fd, path = _create(folder, name)
    try:
        with os.fdopen(fd, "wb") as out:
            body = getattr(response, "_body", None)
            if body:  # already read (preload_content=True): write what is in memory
                out.write(body)
            else:
                for chunk in response.stream(CHUNK_SIZE):
                    out.write(chunk)
    except BaseException:
        try:
            os.unlink(path)
        except OSError:
            pass
        raise
    finally:
        release = getattr(response, "release_conn", None)
        if release is not None:
            release()
    _keep_data_readable(response, path)
    return open(path, "rb")  # noqa: SIM115 - the caller owns the file, as in cvat-sdk


_FILE_BACKED: dict[type, type] = {}


def _keep_data_readable(response: Any, path: str) -> None:
    """cvat-sdk preloaded file bodies, and ``cvat_sdk.core`` reads ``response.data`` after
    ``retrieve_data(type="frame")`` and ``retrieve_preview()``. The body went to ``path``
    instead, so ``response.data`` reads it back from there, on first access only: memory
    is used only by code that asks for the bytes."""
    cls = type(response)
    if not isinstance(getattr(cls, "data", None), property):
        return
    backed = _FILE_BACKED.get(cls)
    if backed is None:
        base_data: property = cls.data

        def data(self: Any) -> Any:
            body = self._body
            file_path = self.__dict__.get("_cvat_file_path")
            if not body and file_path:
                try:
                    with open(file_path, "rb") as f:
                        body = f.read()
                except OSError:  # the caller removed the file
                    body = b""
                self._body = body
                return body
            return base_data.fget(self)  # type: ignore[misc]

        backed = type(cls.__name__, (cls,), {"data": property(data), "__module__": cls.__module__})
        _FILE_BACKED[cls] = backed
    try:
        response.__class__ = backed
        response._cvat_file_path = path
    except (TypeError, AttributeError):  # a response type that can't be extended: no data
        pass


def write_response(
    response: Any, destination: str | os.PathLike[str] | BinaryIO, chunk_size: int = CHUNK_SIZE
) -> int:
    """Write the body of ``response`` (from a call with ``_parse_response=False``, so still
    unread) to ``destination`` in ``chunk_size`` pieces; return the number of bytes.

    A path is written atomically: into a temporary file in the same folder, renamed over
    the path only when the whole body arrived; on any error (a dropped connection, a body
    shorter than its Content-Length) the temporary file is removed and nothing is left
    behind. A file object is written to as the chunks arrive (its atomicity is the
    caller's). The connection goes back to the pool either way."""
    written = 0
    try:
        if isinstance(destination, (str, os.PathLike)):
            path = os.fspath(destination)
            folder = os.path.dirname(os.path.abspath(path))
            fd, tmp = tempfile.mkstemp(prefix=".part-", dir=folder)
            try:
                with os.fdopen(fd, "wb") as out:
                    written = _copy(response, out, chunk_size)
                os.replace(tmp, path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        else:
            written = _copy(response, destination, chunk_size)
    finally:
        release = getattr(response, "release_conn", None)
        if release is not None:
            release()
    return written


def _copy(response: Any, out: Any, chunk_size: int) -> int:
    body = getattr(response, "_body", None)
    if body:
        out.write(body)
        return len(body)
    written = 0
    for chunk in response.stream(chunk_size):
        out.write(chunk)
        written += len(chunk)
    return written
