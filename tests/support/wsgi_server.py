"""A WSGI app served on 127.0.0.1 from a background thread, for tests.

Why werkzeug's server and not a subprocess: the tests need to inspect the
server's state (request logs, stored tasks) directly, start in milliseconds,
and never touch the network beyond loopback. ``make_server(..., port=0)``
gets a free port from the OS, so parallel test processes (pytest-xdist)
never collide.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any, Callable, Iterable

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not print one line per request to stderr."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:  # noqa: D401
        return None

    def log(self, type: str, message: str, *args: Any) -> None:
        if type == "error":
            super().log(type, message, *args)


class BackgroundServer:
    """Owns the HTTP server thread; subclasses provide ``wsgi_app``.

    Use as a context manager, or call :meth:`start` / :meth:`stop`.
    """

    host = "127.0.0.1"

    def __init__(self) -> None:
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise NotImplementedError

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("server is not started")
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:40123``."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> "BackgroundServer":
        if self._server is not None:
            return self
        server = make_server(
            self.host, 0, self.wsgi_app, threaded=True, request_handler=_QuietHandler
        )
        # Keep-alive connections from urllib3 pools must not block shutdown.
        server.daemon_threads = True  # type: ignore[attr-defined]
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
