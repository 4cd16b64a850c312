"""A loopback HTTP server that misbehaves on demand, for the network tests.

Why raw sockets under ``http.server`` and not werkzeug: the faults (a dropped connection in
the middle of a body, a wrong Content-Length, a stall) need byte-level control of what is
written, which a WSGI server normalises away.

Usage::

    with FaultServer() as server:
        server.route("GET", "/api/tasks", json_body={"count": 0, "results": []})
        server.inject("/api/tasks", Fault("status", status=503, headers={"Retry-After": "0"}))
        ...  # the first GET /api/tasks answers 503, the next ones the route
        server.requests  # what arrived (method, path, headers, body length)

Faults are consumed first-in first-out per path, so "fail twice, then succeed" is two
``inject`` calls. Every wait is bounded (``stall`` waits at most ``stall_seconds`` or until
the server stops), so a broken client test can never hang the suite.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Fault", "FaultServer", "Recorded", "closed_port"]

FAULT_KINDS = (
    "status",  # answer `status` with `headers` and `body`
    "drop_headers",  # close the connection in the middle of the status line
    "drop_body",  # send the headers and half of the body, then close
    "stall",  # accept the request and answer nothing (bounded by stall_seconds)
    "invalid_json",  # 200 with a body that is not JSON
    "wrong_length",  # Content-Length larger than the body, then close
    "redirect",  # 302 to `location`
)


@dataclass
class Fault:
    """One misbehaviour, used for one request."""

    kind: str
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    location: str = ""
    stall_seconds: float = 10.0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; known: {', '.join(FAULT_KINDS)}")


@dataclass
class Recorded:
    """A request as the server saw it (bodies over 1 MiB are counted, not kept)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    body_length: int


Handler = Callable[[Recorded], "tuple[int, dict[str, str], bytes | Iterable[bytes]]"]
_KEEP_BODY = 1 << 20


class FaultServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 with routes and injectable faults."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._routes: dict[tuple[str, str], Handler] = {}
        self._faults: dict[str, deque[Fault]] = {}
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        server = self

        class _Handler(_FaultHandler):
            owner = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "FaultServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "FaultServer":
        return self.start()

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    # ---- configuration ----
    def route(
        self,
        method: str,
        path: str,
        handler: Handler | None = None,
        *,
        json_body: Any = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer ``method path`` with ``handler(request)`` or a fixed JSON body."""
        if handler is None:
            payload = json.dumps(json_body).encode()
            fixed = {"Content-Type": "application/json", **(headers or {})}

            def handler(_: Recorded) -> tuple[int, dict[str, str], bytes]:
                return status, dict(fixed), payload

        self._routes[(method.upper(), path)] = handler

    def inject(self, path: str, *faults: Fault) -> None:
        """Use ``faults`` (in order) for the next requests to ``path``."""
        with self._lock:
            self._faults.setdefault(path, deque()).extend(faults)

    def count(self, path: str, method: str | None = None) -> int:
        return sum(
            1 for r in self.requests if r.path == path and (method is None or r.method == method)
        )

    # ---- used by the handler ----
    def _next_fault(self, path: str) -> Fault | None:
        with self._lock:
            queue = self._faults.get(path)
            return queue.popleft() if queue else None

    def _record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)


def closed_port() -> int:
    """A loopback port with nothing listening (connections are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _FaultHandler(BaseHTTPRequestHandler):
    owner: FaultServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return None

    def _read_body(self) -> tuple[bytes, int]:
        kept = bytearray()
        total = 0

        def take(chunk: bytes) -> None:
            nonlocal total
            total += len(chunk)
            if len(kept) < _KEEP_BODY:
                kept.extend(chunk[: _KEEP_BODY - len(kept)])

        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                left = size
                while left:
                    chunk = self.rfile.read(min(left, 1 << 16))
                    if not chunk:
                        return bytes(kept), total
                    take(chunk)
                    left -= len(chunk)
                self.rfile.readline()
        else:
            left = int(self.headers.get("Content-Length") or 0)
            while left:
                chunk = self.rfile.read(min(left, 1 << 16))
                if not chunk:
                    break
                take(chunk)
                left -= len(chunk)
        return bytes(kept), total

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        body, length = self._read_body()
        request = Recorded(
            self.command,
            parts.path,
            dict(parse_qsl(parts.query)),
            {k: v for k, v in self.headers.items()},
            body,
            length,
        )
        self.owner._record(request)
        fault = self.owner._next_fault(parts.path)
        if fault is not None:
            self._fault(fault)
            return
        handler = self.owner._routes.get((self.command, parts.path))
        if handler is None:
            self._send(404, {"Content-Type": "application/json"}, b'{"detail": "Not found."}')
            return
        status, headers, payload = handler(request)
        self._send(status, headers, payload)

    def _send(self, status: int, headers: dict[str, str], payload: bytes | Iterable[bytes]) -> None:
        self.send_response(status)
        if isinstance(payload, (bytes, bytearray)):
            headers = {**headers, "Content-Length": str(len(payload))}
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        if isinstance(payload, (bytes, bytearray)):
            self.wfile.write(payload)
        else:
            for chunk in payload:
                self.wfile.write(chunk)
        self.wfile.flush()

    def _close_now(self) -> None:
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _fault(self, fault: Fault) -> None:
        kind = fault.kind
        if kind == "status":
            self._send(fault.status, {"Content-Type": "application/json", **fault.headers},
                       fault.body or b'{"detail": "injected"}')
        elif kind == "redirect":
            self._send(302, {"Location": fault.location, **fault.headers}, b"")
        elif kind == "invalid_json":
            self._send(200, {"Content-Type": "application/json"}, b'{"id": 1, "name": ')
        elif kind == "drop_headers":
            self.wfile.write(b"HTTP/1.1 20")
            self._close_now()
        elif kind == "drop_body":
            payload = fault.body or json.dumps({"id": 1, "name": "x" * 4000}).encode()
            self.wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(payload)}\r\n\r\n".encode()
                + payload[: len(payload) // 2]
            )
            self._close_now()
        elif kind == "wrong_length":
            payload = fault.body or b'{"id": 1}'
            self.wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(payload) + 100}\r\n\r\n".encode()
                + payload
            )
            self._close_now()
        elif kind == "stall":
            self.owner.stopping.wait(fault.stall_seconds)
            self._close_now()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


def zeros(total: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    """``total`` zero bytes in chunks: a large body that never sits in memory."""
    block = bytes(chunk)
    left = total
    while left > 0:
        n = min(chunk, left)
        yield block if n == chunk else block[:n]
        left -= n


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
