"""RetryPolicy decisions without a network: which method/status pairs are retried, the
backoff curve and its cap, Retry-After parsing and capping, redaction helpers."""

from __future__ import annotations

import copy
import importlib
from types import ModuleType, SimpleNamespace

import pytest
from urllib3.util.retry import RequestHistory


@pytest.fixture(scope="module")
def rt(sdk: ModuleType) -> ModuleType:
    return importlib.import_module(sdk.__name__ + ".retries")


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
@pytest.mark.parametrize("status,expected", [(408, True), (429, True), (500, False), (502, True),
                                             (503, True), (504, True), (404, False)])
def test_idempotent_statuses(rt: ModuleType, method: str, status: int, expected: bool) -> None:
    assert rt.RetryPolicy().is_retry(method, status, False) is expected


@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize("status,retry_after,expected", [
    (429, True, True), (503, True, True), (429, False, False), (503, False, False),
    (502, True, False), (504, False, False), (408, False, False)])
def test_unsafe_methods_only_with_retry_after(rt: ModuleType, method: str, status: int,
                                              retry_after: bool, expected: bool) -> None:
    assert rt.RetryPolicy().is_retry(method, status, retry_after) is expected


def test_backoff_is_exponential_capped_and_jittered(rt: ModuleType) -> None:
    policy = rt.RetryPolicy(total=10)
    waits = []
    for n in range(1, 8):
        p = policy.new(history=tuple(RequestHistory("GET", "/", None, 503, None) for _ in range(n)))
        samples = [p.get_backoff_time() for _ in range(200)]
        nominal = min(0.5 * 2 ** (n - 1), 8.0)
        assert all(0.75 * nominal - 1e-9 <= s <= nominal + 1e-9 for s in samples), (n, samples[:5])
        assert len(set(samples)) > 1  # jitter
        waits.append(nominal)
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_retry_after_forms_and_cap(rt: ModuleType) -> None:
    policy = rt.RetryPolicy()

    def response(**headers: str) -> SimpleNamespace:
        return SimpleNamespace(headers={k.replace("_", "-"): v for k, v in headers.items()})

    assert policy.get_retry_after(response(Retry_After="3")) == 3
    assert policy.get_retry_after(response(retry_after_ms="250")) == 0.25
    assert policy.get_retry_after(response(Retry_After="86400")) == rt.RETRY_AFTER_MAX
    assert policy.get_retry_after(response(Retry_After="Wed, 21 Oct 2015 07:28:00 GMT")) == 0
    assert policy.get_retry_after(response(Retry_After="soon")) is None  # falls back to backoff


def test_retries_for_call(rt: ModuleType) -> None:
    policy = rt.RetryPolicy()
    assert rt.retries_for_call(policy, None) is policy
    off = rt.retries_for_call(policy, 0)
    assert isinstance(off, rt.RetryPolicy) and off.status == 0 and off.connect == 0
    assert rt.retries_for_call(policy, 5).read == 5


def test_policy_survives_deepcopy_of_configuration(sdk: ModuleType) -> None:
    config = sdk.Configuration()
    assert type(config.retries).__name__ == "RetryPolicy"
    clone = copy.deepcopy(config)
    assert clone.retries.total == 2 and clone.request_timeout == (60.0, 120.0)


def test_redaction(rt: ModuleType) -> None:
    url = rt.redact_url("http://u:pw@h/api?org=x&token=abc&api_key=k&page=2")
    assert "abc" not in url and "pw" not in url and "org=x" in url and "page=2" in url
    headers = rt.redact_headers({"Authorization": "Token t", "Cookie": "sessionid=s",
                                 "X-CSRFToken": "c", "Accept": "a"})
    assert headers == {"Authorization": "***", "Cookie": "***", "X-CSRFToken": "***", "Accept": "a"}
    assert "s3" not in rt.redact_text("password=s3 and token: s3")
