"""A loopback server that serves a schema at `/api/schema/` as a CVAT server does (404
elsewhere): for the tests of `--schema http://...`, `diff` of a URL and the CI recipe."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def serve_schema(body: Callable[[], bytes]) -> Iterator[str]:
    """Yields the server's base URL (`http://127.0.0.1:<port>`); `body()` is read per request,
    so a test can change what the "server release" serves between requests."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if not self.path.startswith("/api/schema/"):
                self.send_error(404)
                return
            data = body()
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.oai.openapi+json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
