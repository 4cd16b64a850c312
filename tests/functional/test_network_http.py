"""Your own HTTP stack and concurrency: a caller's PoolManager/ProxyManager is used (with the
SDK's retry policy and timeouts), and one ApiClient shared by 8 threads stays consistent."""

from __future__ import annotations

import concurrent.futures
import json
import threading
import time
from http.cookies import SimpleCookie
from types import ModuleType
from typing import Any, Iterator

import pytest
import urllib3

from tests.support.fault_server import Fault, FaultServer, Recorded

ABOUT = {"name": "CVAT", "description": "d", "logo_url": "", "subtitle": "s", "version": "2.70.0"}
CSRF = "csrf-" + "a" * 27


@pytest.fixture()
def server() -> Iterator[FaultServer]:
    with FaultServer() as s:
        s.route("GET", "/api/server/about", json_body=ABOUT)
        yield s


class CountingPool(urllib3.PoolManager):
    calls = 0

    def urlopen(self, method: str, url: str, redirect: bool = True, **kw: Any) -> Any:  # type: ignore[override]
        type(self).calls += 1
        self.last_retries = kw.get("retries")
        return super().urlopen(method, url, redirect=redirect, **kw)


def test_own_pool_manager_is_used_with_the_retry_policy(sdk270: ModuleType, server: FaultServer) -> None:
    pool = CountingPool(maxsize=2)
    server.inject("/api/server/about", Fault("status", status=503, headers={"Retry-After": "0"}))
    client = sdk270.ApiClient(sdk270.Configuration(host=server.url), pool_manager=pool)
    about, _ = client.server_api.retrieve_about()
    assert about.name == "CVAT"
    assert client.rest_client.pool_manager is pool and CountingPool.calls >= 1
    assert server.count("/api/server/about") == 2  # retried through the caller's pool
    assert type(pool.last_retries).__name__ == "RetryPolicy"


def test_own_proxy_manager_sends_through_the_proxy(sdk270: ModuleType, server: FaultServer) -> None:
    # the fault server plays the proxy: it receives absolute-form request lines
    proxy = urllib3.ProxyManager(server.url, proxy_headers={"Proxy-Authorization": "Basic eA=="})
    client = sdk270.ApiClient(
        sdk270.Configuration(host="http://cvat.invalid:8080"), pool_manager=proxy
    )
    about, _ = client.server_api.retrieve_about()
    assert about.version == "2.70.0"
    (seen,) = server.requests
    assert seen.headers["Host"] == "cvat.invalid:8080"
    assert seen.headers.get("Proxy-Authorization") == "Basic eA=="


def test_8_threads_1000_mixed_calls(sdk270: ModuleType, server: FaultServer, record_property: Any) -> None:
    mismatches: list[str] = []
    lock = threading.Lock()

    def check(request: Recorded) -> None:
        cookie = SimpleCookie(request.headers.get("Cookie", ""))
        token = cookie["csrftoken"].value if "csrftoken" in cookie else None
        if token != CSRF or request.headers.get("X-CSRFToken") != CSRF or "sessionid" not in cookie:
            with lock:
                mismatches.append(f"{request.method} {request.path}: {request.headers}")

    def about(request: Recorded) -> tuple[int, dict[str, str], bytes]:
        check(request)
        return 200, {"Content-Type": "application/json",
                     "Set-Cookie": f"csrftoken={CSRF}; Path=/"}, json.dumps(ABOUT).encode()

    def login(request: Recorded) -> tuple[int, dict[str, str], bytes]:
        check(request)
        return 200, {"Content-Type": "application/json",
                     "Set-Cookie": "sessionid=sess; Path=/"}, json.dumps({"key": "k" * 40}).encode()

    server.route("GET", "/api/server/about", about)
    server.route("POST", "/api/auth/login", login)
    config = sdk270.Configuration(host=server.url)
    config.api_key["csrfAuth"] = CSRF
    client = sdk270.ApiClient(config, cookies={"sessionid": "sess", "csrftoken": CSRF})

    def call(i: int) -> str:
        if i % 3 == 0:
            token, _ = client.auth_api.create_login({"username": f"u{i}", "password": "p"})
            return str(token.key)
        about_data, _ = client.server_api.retrieve_about()
        return str(about_data.name)

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, range(1000)))
    elapsed = time.perf_counter() - start
    assert len(results) == 1000 and all(results)
    assert len(server.requests) == 1000
    assert mismatches == []
    record_property("network_threads", json.dumps({"calls": 1000, "threads": 8, "seconds": round(elapsed, 2)}))


def test_models_repr_hides_secrets(sdk270: ModuleType) -> None:
    models = __import__(sdk270.__name__ + ".models", fromlist=["*"])
    login = models.LoginSerializerExRequest(username="u", password="pw-secret")
    token = models.Token(key="k" * 40)
    for text in (repr(login), str(login), repr(token), str(token)):
        assert "pw-secret" not in text and "k" * 40 not in text
    assert "username='u'" in repr(login)
    assert login.password == "pw-secret"  # the value itself is untouched


@pytest.mark.parametrize("kind", ["bytes", "bytearray", "memoryview", "file", "generator"])
def test_raw_upload_bodies(sdk270: ModuleType, server: FaultServer, kind: str, tmp_path: Any) -> None:
    """The TUS PATCH shape cvat_sdk.core sends (rest_client.PATCH with a raw body): every
    kind of bytes-like or streamed body arrives intact."""
    server.route("PATCH", "/api/uploads/1", json_body={})
    payload = bytes(range(256)) * 40
    path = tmp_path / "chunk.bin"
    path.write_bytes(payload)
    body: Any = {
        "bytes": payload,
        "bytearray": bytearray(payload),
        "memoryview": memoryview(payload),
        "file": open(path, "rb"),  # noqa: SIM115 - closed below
        "generator": (payload[i:i + 1000] for i in range(0, len(payload), 1000)),
    }[kind]
    client = sdk270.ApiClient(sdk270.Configuration(host=server.url))
    try:
        response = client.rest_client.PATCH(
            server.url + "/api/uploads/1",
            headers={"Content-Type": "application/offset+octet-stream"},
            body=body,
        )
    finally:
        if kind == "file":
            body.close()
    assert response.status == 200
    assert server.requests[-1].body == payload
