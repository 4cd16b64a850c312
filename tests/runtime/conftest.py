"""Fixtures of the runtime tests.

The runtime files are copied next to a hand-written fixture package that has the shape of
the generated one, under a vendored name (``acme_rt._vendor.cvat_api``), so the tests also
check that the runtime only uses relative imports.
"""

from __future__ import annotations

import importlib
import json
import shutil
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_FILES = ROOT / "plugins" / "runtime" / "files"
FIXTURE_PKG = Path(__file__).resolve().parent / "fixture_pkg"
PACKAGE = "acme_rt._vendor.cvat_api"

sys.path.insert(0, str(ROOT))
from tests.support.wsgi_server import BackgroundServer  # noqa: E402


def build_package(dest: Path) -> Path:
    """Copy the fixture package and the runtime files into ``dest/acme_rt/_vendor/cvat_api``."""
    pkg = dest / "acme_rt" / "_vendor" / "cvat_api"
    shutil.copytree(FIXTURE_PKG, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    from cvat_gen.plugins.runtime import RUNTIME_MODULES, RUNTIME_PACKAGES

    for name in RUNTIME_MODULES:
        shutil.copy(RUNTIME_FILES / name, pkg / name)
    for name, target in RUNTIME_PACKAGES:
        (pkg / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(RUNTIME_FILES / name, pkg / target)
    (dest / "acme_rt" / "__init__.py").write_text("")
    (dest / "acme_rt" / "_vendor" / "__init__.py").write_text("")
    return pkg


@pytest.fixture(scope="session")
def pkg_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("rtpkg")
    build_package(dest)
    return dest


@pytest.fixture(scope="session")
def sdk(pkg_root: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(pkg_root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(pkg_root))


@pytest.fixture(scope="session")
def models(sdk: ModuleType) -> ModuleType:
    return importlib.import_module(PACKAGE + ".models")


@pytest.fixture(scope="session")
def mu(sdk: ModuleType) -> ModuleType:
    return importlib.import_module(PACKAGE + ".model_utils")


@pytest.fixture(scope="session")
def exc(sdk: ModuleType) -> ModuleType:
    return importlib.import_module(PACKAGE + ".exceptions")


@pytest.fixture(scope="session")
def ac(sdk: ModuleType) -> ModuleType:
    return importlib.import_module(PACKAGE + ".api_client")


class Recorded:
    def __init__(self, environ: dict[str, Any], body: bytes) -> None:
        self.method: str = environ["REQUEST_METHOD"]
        self.path: str = environ["PATH_INFO"]
        self.query: str = environ.get("QUERY_STRING", "")
        self.raw_uri: str = environ.get("REQUEST_URI") or environ.get("RAW_URI", "")
        self.headers = {
            k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            self.headers["Content-Type"] = environ["CONTENT_TYPE"]
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


Response = tuple[int, list[tuple[str, str]], bytes]


class FakeServer(BackgroundServer):
    """Answers from a route table ``{(method, path): handler(request) -> (status, headers, body)}``
    and records every request."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Recorded] = []
        self.routes: dict[tuple[str, str], Callable[[Recorded], Response]] = {}
        self._lock = threading.Lock()

    def route(self, method: str, path: str, status: int = 200, body: Any = None,
              headers: list[tuple[str, str]] | None = None, content_type: str = "application/json"
              ) -> None:
        raw = body if isinstance(body, bytes) else (b"" if body is None else json.dumps(body).encode())

        def handler(_: Recorded) -> Response:
            return status, [("Content-Type", content_type), *(headers or [])], raw

        self.routes[(method, path)] = handler

    @property
    def last(self) -> Recorded:
        return self.requests[-1]

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        req = Recorded(environ, body)
        with self._lock:
            self.requests.append(req)
        handler = self.routes.get((req.method, req.path))
        if handler is None:
            status, headers, raw = 404, [("Content-Type", "application/json")], b'{"detail":"nf"}'
        else:
            status, headers, raw = handler(req)
        start_response(f"{status} X", headers)
        return [raw]


@pytest.fixture(scope="session")
def server() -> Iterator[FakeServer]:
    with FakeServer() as srv:
        yield srv


@pytest.fixture()
def srv(server: FakeServer) -> FakeServer:
    server.requests.clear()
    server.routes.clear()
    return server


@pytest.fixture()
def client(sdk: ModuleType, srv: FakeServer) -> Iterator[Any]:
    with sdk.ApiClient(sdk.Configuration(host=srv.url)) as api_client:
        yield api_client
