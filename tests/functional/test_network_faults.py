"""Fault injection: the generated 2.70 client against a server that misbehaves on demand.

Each test injects one fault (tests/support/fault_server.py), calls the client and asserts
the outcome: retried and succeeded, or a clear exception, within a bounded time and without
leaving a partial file. Each records a row (fault, method, outcome, retries) shown as a
summary table at the end of the run.
"""

from __future__ import annotations

import json
import logging
import os
import time
from types import ModuleType
from typing import Any, Iterator

import pytest
import urllib3

from tests.conftest import SUMMARY_KEYS
from tests.support.fault_server import Fault, FaultServer, closed_port

SUMMARY_KEYS.setdefault(
    "fault_summary", "Fault injection: outcome and retries of each fault (generated 2.70 client)"
)

ABOUT = {"name": "CVAT", "description": "d", "logo_url": "", "subtitle": "s", "version": "2.70.0"}
TOKEN = "s3cr3t-token-value"


@pytest.fixture()
def server() -> Iterator[FaultServer]:
    with FaultServer() as s:
        s.route("GET", "/api/server/about", json_body=ABOUT)
        s.route("POST", "/api/auth/login", json_body={"key": "k" * 40})
        yield s


class _Exceptions:
    """The generated package's exceptions module, resolved on first use."""

    def __getattr__(self, name: str) -> Any:
        import sys

        module = next(m for k, m in sys.modules.items() if k.endswith("api_client.exceptions")
                      and k.startswith("sdk270"))
        return getattr(module, name)


EXC: Any = _Exceptions()


def make_client(sdk: ModuleType, url: str, **config: Any) -> Any:
    configuration = sdk.Configuration(host=url, **config)
    configuration.api_key["tokenAuth"] = TOKEN
    return sdk.ApiClient(configuration)


def record(rp: Any, fault: str, method: str, outcome: str, retries: int) -> None:
    rp("fault_summary", json.dumps(
        {"fault": fault, "method": method, "outcome": outcome, "retries": retries}))


def fast(client: Any) -> Any:
    """Keep the tests quick: the same policy with a 10 ms backoff."""
    client.configuration.retries = client.configuration.retries.new(backoff_factor=0.01)
    return client


def test_503_with_retry_after_is_retried_for_get(sdk270: ModuleType, server: FaultServer, record_property: Any) -> None:
    server.inject("/api/server/about", Fault("status", status=503, headers={"Retry-After": "0"}))
    client = make_client(sdk270, server.url)
    about, response = client.server_api.retrieve_about()
    assert about.name == "CVAT" and response.status == 200
    assert server.count("/api/server/about") == 2
    record(record_property, "503 + Retry-After", "GET", "retried, succeeded", 1)


def test_retry_after_is_honoured_and_capped(sdk270: ModuleType, server: FaultServer) -> None:
    server.inject("/api/server/about",
                  Fault("status", status=429, headers={"retry-after-ms": "300"}))
    client = make_client(sdk270, server.url)
    start = time.monotonic()
    client.server_api.retrieve_about()
    assert 0.25 <= time.monotonic() - start < 5
    policy = client.configuration.retries.new(retry_after_max=0.2)
    client.configuration.retries = policy
    server.inject("/api/server/about", Fault("status", status=503, headers={"Retry-After": "3600"}))
    start = time.monotonic()
    client.server_api.retrieve_about()
    assert time.monotonic() - start < 2  # capped, not an hour


def test_503_with_retry_after_is_retried_for_post(sdk270: ModuleType, server: FaultServer, record_property: Any) -> None:
    server.inject("/api/auth/login", Fault("status", status=503, headers={"Retry-After": "0"}))
    client = make_client(sdk270, server.url)
    token, _ = client.auth_api.create_login({"username": "u", "password": "p"})
    assert token.key == "k" * 40
    assert server.count("/api/auth/login") == 2
    record(record_property, "503 + Retry-After", "POST", "retried, succeeded", 1)


def test_502_without_retry_after_is_not_retried_for_post(sdk270: ModuleType, server: FaultServer, record_property: Any) -> None:
    server.inject("/api/auth/login", Fault("status", status=502))
    client = fast(make_client(sdk270, server.url))
    with pytest.raises(EXC.ServiceException) as info:
        client.auth_api.create_login({"username": "u", "password": "p"})
    assert info.value.status == 502
    assert server.count("/api/auth/login") == 1
    record(record_property, "502 (no Retry-After)", "POST", "ServiceException, not retried", 0)


def test_persistent_502_gives_the_status_after_two_retries(sdk270: ModuleType, server: FaultServer, record_property: Any) -> None:
    server.inject("/api/server/about", *[Fault("status", status=502)] * 3)
    client = fast(make_client(sdk270, server.url))
    with pytest.raises(EXC.ServiceException) as info:
        client.server_api.retrieve_about()
    assert info.value.status == 502
    assert server.count("/api/server/about") == 3
    record(record_property, "502 x3", "GET", "ServiceException after retries", 2)


def test_retries_zero_turns_retrying_off(sdk270: ModuleType, server: FaultServer) -> None:
    server.inject("/api/server/about", Fault("status", status=503, headers={"Retry-After": "0"}))
    client = make_client(sdk270, server.url)
    with pytest.raises(EXC.ServiceException):
        client.server_api.retrieve_about(_retries=0)
    assert server.count("/api/server/about") == 1


@pytest.mark.parametrize("kind", ["drop_headers", "drop_body", "wrong_length"])
def test_broken_response_is_retried_for_get(sdk270: ModuleType, server: FaultServer, kind: str, record_property: Any) -> None:
    server.inject("/api/server/about", Fault(kind))
    client = fast(make_client(sdk270, server.url))
    about, _ = client.server_api.retrieve_about()
    assert about.version == "2.70.0"
    assert server.count("/api/server/about") == 2
    record(record_property, kind, "GET", "retried, succeeded", 1)


@pytest.mark.parametrize("kind", ["drop_headers", "drop_body"])
def test_broken_response_is_not_retried_for_post(sdk270: ModuleType, server: FaultServer, kind: str, record_property: Any) -> None:
    server.inject("/api/auth/login", Fault(kind))
    client = fast(make_client(sdk270, server.url))
    with pytest.raises(urllib3.exceptions.ProtocolError) as info:
        client.auth_api.create_login({"username": "u", "password": "p"})
    assert server.count("/api/auth/login") == 1
    assert "POST http://127.0.0.1" in " ".join(getattr(info.value, "__notes__", []))
    record(record_property, kind, "POST", "ProtocolError, not retried", 0)


def test_stall_gives_a_timeout_within_the_limit(sdk270: ModuleType, server: FaultServer, record_property: Any) -> None:
    server.inject("/api/server/about", *[Fault("stall", stall_seconds=10)] * 3)
    client = fast(make_client(sdk270, server.url, request_timeout=(2.0, 0.5)))
    start = time.monotonic()
    with pytest.raises(urllib3.exceptions.MaxRetryError) as info:
        client.server_api.retrieve_about()
    elapsed = time.monotonic() - start
    assert isinstance(info.value.reason, urllib3.exceptions.ReadTimeoutError)
    assert elapsed < 4, elapsed  # 3 attempts x 0.5 s + backoff, never the 10 s stall
    assert server.count("/api/server/about") == 3
    record(record_property, "stall past read timeout", "GET", "ReadTimeoutError after retries", 2)


def test_per_call_timeout_overrides_the_default(sdk270: ModuleType, server: FaultServer) -> None:
    server.inject("/api/server/about", Fault("stall", stall_seconds=10))
    client = make_client(sdk270, server.url)  # default (60, 120): would wait 2 minutes
    assert client.configuration.request_timeout == (60.0, 120.0)
    start = time.monotonic()
    with pytest.raises(urllib3.exceptions.MaxRetryError) as info:
        client.server_api.retrieve_about(_request_timeout=(1, 0.3), _retries=0)
    assert isinstance(info.value.reason, urllib3.exceptions.ReadTimeoutError)
    assert time.monotonic() - start < 2


def test_invalid_json_is_a_clear_error(sdk270: ModuleType, server: FaultServer, record_property: Any) -> None:
    server.inject("/api/server/about", Fault("invalid_json"))
    client = make_client(sdk270, server.url)
    with pytest.raises(Exception) as info:
        client.server_api.retrieve_about()
    assert "json" in str(info.value).lower() or "decode" in str(info.value).lower(), info.value
    assert server.count("/api/server/about") == 1
    record(record_property, "invalid JSON", "GET", type(info.value).__name__, 0)


def test_connection_refused_names_the_host(sdk270: ModuleType, record_property: Any) -> None:
    port = closed_port()
    client = fast(make_client(sdk270, f"http://127.0.0.1:{port}"))
    start = time.monotonic()
    with pytest.raises(urllib3.exceptions.MaxRetryError) as info:
        client.auth_api.create_login({"username": "u", "password": "p"})
    text = str(info.value)
    assert f"port={port}" in text and "127.0.0.1" in text
    assert len(info.value.reason.__class__.__mro__) and "NewConnectionError" in text
    assert time.monotonic() - start < 5
    record(record_property, "connection refused", "POST", "MaxRetryError naming the host", 2)


def test_redirect_to_another_host_drops_credentials(sdk270: ModuleType, server: FaultServer, record_property: Any) -> None:
    with FaultServer() as other:
        other.route("GET", "/api/server/about", json_body=ABOUT)
        server.inject("/api/server/about",
                      Fault("redirect", location=other.url + "/api/server/about"))
        client = make_client(sdk270, server.url)
        client.configuration.api_key["csrfAuth"] = "csrf-secret"
        client.cookies["sessionid"] = "session-secret"
        about, _ = client.server_api.retrieve_about()
        assert about.name == "CVAT"
        first = server.requests[0].headers
        assert first.get("Authorization") == f"Token {TOKEN}"
        assert "X-CSRFToken" in first and "Cookie" in first
        (seen,) = other.requests
        lowered = {k.lower() for k in seen.headers}
        assert not lowered & {"authorization", "cookie", "x-csrftoken"}, seen.headers
        assert TOKEN not in json.dumps(seen.headers)
    record(record_property, "redirect to another host", "GET", "followed, credentials dropped", 0)


def test_unrewindable_body_is_never_retried(sdk270: ModuleType, server: FaultServer, record_property: Any) -> None:
    server.route("PATCH", "/api/uploads/1", json_body={})
    server.inject("/api/uploads/1", Fault("status", status=503, headers={"Retry-After": "0"}))
    client = make_client(sdk270, server.url)

    def chunks() -> Iterator[bytes]:
        yield b"a" * 1000
        yield b"b" * 1000

    with pytest.raises(EXC.ServiceException):
        client.rest_client.PATCH(
            server.url + "/api/uploads/1",
            headers={"Content-Type": "application/offset+octet-stream"},
            body=chunks(),
        )
    assert server.count("/api/uploads/1") == 1
    # the same request with a seekable file is retried and succeeds
    import io

    server.inject("/api/uploads/1", Fault("status", status=503, headers={"Retry-After": "0"}))
    client.rest_client.PATCH(
        server.url + "/api/uploads/1",
        headers={"Content-Type": "application/offset+octet-stream"},
        body=io.BytesIO(b"c" * 2000),
    )
    assert [r.body_length for r in server.requests[-2:]] == [2000, 2000]
    record(record_property, "503 + Retry-After, generator body", "PATCH", "ServiceException, not retried", 0)


def test_download_dropped_midway_leaves_no_file(sdk270: ModuleType, server: FaultServer, tmp_path: Any, record_property: Any) -> None:
    server.inject("/api/jobs/1/data", Fault("drop_body", body=b"\x00" * 200_000))
    client = make_client(sdk270, server.url)
    client.configuration.temp_folder_path = str(tmp_path)
    with pytest.raises(urllib3.exceptions.HTTPError):
        client.jobs_api.retrieve_data(1, type="chunk", number=0, quality="original")
    assert os.listdir(tmp_path) == []
    record(record_property, "drop mid-download", "GET", "ProtocolError, no partial file", 0)


def test_error_text_names_the_request_and_hides_secrets(sdk270: ModuleType, server: FaultServer) -> None:
    server.inject("/api/server/about", Fault(
        "status", status=404, headers={"Set-Cookie": "sessionid=abc123"},
        body=json.dumps({"detail": "x" * 5000}).encode()))
    client = make_client(sdk270, server.url)
    with pytest.raises(EXC.NotFoundException) as info:
        client.server_api.retrieve_about(_retries=0)
    text = str(info.value)
    assert "GET " + server.url + "/api/server/about" in text
    assert "server_retrieve_about" in text and "Status Code: 404" in text
    assert "abc123" not in text and len(text) < 2000
    assert len(info.value.body) > 5000  # the attribute keeps the whole body


def test_logs_show_requests_and_retries_but_no_secrets(sdk270: ModuleType, server: FaultServer, caplog: Any) -> None:
    server.inject("/api/server/about", Fault("status", status=503, headers={"Retry-After": "0"}))
    client = make_client(sdk270, server.url, password="pw-secret", username="u")
    client.configuration.api_key["csrfAuth"] = "csrf-secret"
    package = sdk270.__name__
    with caplog.at_level(logging.DEBUG, logger=package):
        client.server_api.retrieve_about()
    text = caplog.text
    assert "/api/server/about" in text and "Retrying GET" in text
    for secret in (TOKEN, "csrf-secret", "pw-secret"):
        assert secret not in text
    for shown in (repr(client.configuration), repr(client)):
        assert TOKEN not in shown and "pw-secret" not in shown


def test_a_plain_urllib3_retry_still_works(sdk270: ModuleType, server: FaultServer) -> None:
    server.inject("/api/server/about", *[Fault("status", status=502)] * 2)
    client = make_client(sdk270, server.url, retries=urllib3.util.Retry(
        total=3, status_forcelist=(502,), backoff_factor=0, raise_on_status=False))
    about, _ = client.server_api.retrieve_about()
    assert about.name == "CVAT" and server.count("/api/server/about") == 3
