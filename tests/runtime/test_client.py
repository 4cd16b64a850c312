"""Configuration, ApiClient, RESTClientObject and exceptions."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import urllib3


def test_configuration_basics(sdk: Any) -> None:
    assert sdk.Configuration("example.org/").host == "http://example.org"
    assert sdk.Configuration().host == "http://localhost"
    c = sdk.Configuration(host="https://h", username="u", password="secret", verify_ssl=False,
                          api_key={"tokenAuth": "k"}, access_token="at")
    assert c.verify_ssl is False
    text = repr(c)
    assert "secret" not in text and "'k'" not in text and "at'" not in text
    c.host = "http://other:8080"
    assert c.host == "http://other:8080"


def test_auth_settings(sdk: Any) -> None:
    c = sdk.Configuration(username="u", password="p")
    auth = c.auth_settings()
    assert auth["basicAuth"]["value"] == "Basic " + base64.b64encode(b"u:p").decode()
    c.api_key["tokenAuth"] = "Token abc"
    assert c.auth_settings()["tokenAuth"]["value"] == "Token abc"
    c.api_key["tokenAuth"] = "abc"
    assert c.auth_settings()["tokenAuth"]["value"] == "Token abc"  # default prefix
    c.api_key.update(sessionAuth="sid", csrfAuth="tok")
    auth = c.auth_settings()
    assert auth["sessionAuth"] == {"type": "api_key", "in": "cookie", "key": "sessionid", "value": "sid"}
    assert auth["csrfAuth"]["key"] == "csrftoken"
    assert auth["csrfHeaderAuth"]["value"] == "tok"  # copied from csrfAuth
    c.access_token = "t"
    assert c.auth_settings()["accessTokenAuth"]["value"] == "Bearer t"
    # same order as the old SDK: a csrfHeaderAuth copied from csrfAuth comes last
    assert list(c.auth_settings()) == ["accessTokenAuth", "basicAuth", "csrfAuth", "sessionAuth",
                                       "tokenAuth", "csrfHeaderAuth"]
    c.api_key["csrfHeaderAuth"] = "h"
    assert list(c.auth_settings()) == ["accessTokenAuth", "basicAuth", "csrfAuth", "csrfHeaderAuth",
                                       "sessionAuth", "tokenAuth"]


def test_api_client_members(sdk: Any) -> None:
    client = sdk.ApiClient(sdk.Configuration("http://h"), {"X-A": "1"}, {"sessionid": "s"})
    assert client.default_headers["X-A"] == "1"
    assert client.user_agent == "cvat_sdk/2.70.0"
    assert client.cookies["sessionid"].value == "s"
    assert client.get_common_headers()["Cookie"] == "sessionid=s"
    assert client.tasks_api is client.tasks_api
    assert type(client.tasks_api).__name__ == "TasksApi"
    assert not hasattr(client, "nonexistent_api")
    with pytest.raises(AttributeError):
        client.nonexistent_api
    client2 = sdk.ApiClient(header_name="X-B", header_value="2", cookie="a=b")
    assert client2.default_headers["X-B"] == "2" and client2.cookies["a"].value == "b"
    from importlib import import_module

    rest = import_module(sdk.__name__ + ".rest")
    assert isinstance(client.rest_client, rest.RESTClientObject)
    assert isinstance(client.rest_client.pool_manager, urllib3.PoolManager)


def test_update_params_for_auth(sdk: Any) -> None:
    conf = sdk.Configuration("http://h:8080", api_key={"csrfHeaderAuth": "tok", "sessionAuth": "sid"})
    client = sdk.ApiClient(conf)
    headers: dict[str, str] = {}
    queries: list[Any] = []
    client.update_params_for_auth(headers=headers, queries=queries)
    assert headers == {"X-CSRFToken": "tok", "Origin": "http://h:8080", "Cookie": "sessionid=sid"}
    assert queries == []


def test_context_manager_keeps_client_usable(sdk: Any, srv: Any) -> None:
    srv.route("GET", "/api/tasks/1", body={"id": 1, "name": "a"})
    with sdk.ApiClient(sdk.Configuration(srv.url)) as client:
        pass
    client.close()
    task, response = client.tasks_api.retrieve(1)
    assert task.id == 1


def test_exceptions(exc: Any, sdk: Any) -> None:
    e = exc.ServiceException(500, "msg")
    assert (e.status, e.reason, e.body, e.headers) == (500, "msg", None, None)
    assert isinstance(e, exc.ApiException) and isinstance(e, exc.OpenApiException)
    v = exc.ApiValueError("bad", ["labels", 0])
    assert str(v) == "bad at ['labels'][0]" and v.path_to_item == ["labels", 0]
    assert issubclass(exc.ApiAttributeError, AttributeError)
    assert issubclass(exc.ApiKeyError, KeyError)
    t = exc.ApiTypeError("m", ["a"], (int,), False)
    assert t.valid_classes == (int,) and t.key_type is False
    assert exc.render_path(["a", 1]) == "['a'][1]"
    from importlib import import_module

    assert import_module(sdk.__name__ + ".api_client").ApiException is exc.ApiException


def test_rest_client_json_post_params(client: Any, srv: Any) -> None:
    srv.route("POST", "/x", body={"ok": True})
    r = client.rest_client.POST(srv.url + "/x", headers={"A": "1"}, query_params=[("q", "1")],
                                post_params={"upload_finish": True})
    assert r.status == 200
    assert srv.last.json() == {"upload_finish": True}
    assert srv.last.query == "q=1"
    assert srv.last.headers["Content-Type"] == "application/json"


def test_rest_client_multipart(client: Any, srv: Any) -> None:
    srv.route("POST", "/up", body={})
    client.rest_client.POST(
        srv.url + "/up",
        post_params={"image_quality": "70", "client_files[0]": ("a.jpg", b"DATA")},
        headers={"Content-Type": "multipart/form-data"},
    )
    assert srv.last.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="client_files[0]"; filename="a.jpg"' in srv.last.body and b"DATA" in srv.last.body


def test_rest_client_urlencoded_and_raw(client: Any, srv: Any) -> None:
    srv.route("POST", "/f", body={})
    client.rest_client.POST(srv.url + "/f", post_params={"a": "1"},
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert srv.last.body == b"a=1"
    srv.route("PATCH", "/f", status=204)
    client.rest_client.PATCH(srv.url + "/f", body=b"\x00\x01",
                             headers={"Content-Type": "application/offset+octet-stream"})
    assert srv.last.body == b"\x00\x01"
    srv.route("HEAD", "/f", headers=[("Upload-Offset", "5")])
    assert client.rest_client.HEAD(srv.url + "/f", headers={}).headers["Upload-Offset"] == "5"
    r = client.rest_client.request(method="DELETE", url=srv.url + "/f", headers={}, _check_status=False)
    assert r.status == 404


def test_rest_client_streaming_and_errors(client: Any, srv: Any, exc: Any) -> None:
    srv.route("GET", "/big", body=b"x" * 100000, content_type="application/octet-stream")
    r = client.rest_client.GET(srv.url + "/big", headers={}, _parse_response=False, _request_timeout=5)
    with r:
        assert len(r.read(amt=10, decode_content=False)) == 10
    srv.route("GET", "/e", status=403, body={"detail": "no"})
    with pytest.raises(exc.ForbiddenException) as e:
        client.rest_client.GET(srv.url + "/e", _request_timeout=(1, 1))
    assert e.value.status == 403 and json.loads(e.value.body) == {"detail": "no"}
    for status, cls in [(401, exc.UnauthorizedException), (404, exc.NotFoundException),
                        (500, exc.ServiceException), (400, exc.ApiException)]:
        srv.route("GET", "/e", status=status, body={})
        with pytest.raises(cls) as e:
            client.rest_client.GET(srv.url + "/e")
        assert e.value.status == status and e.value.headers is not None


def test_proxy_and_tls_settings(sdk: Any, tmp_path: Any) -> None:
    conf = sdk.Configuration("https://h", verify_ssl=False, proxy="http://proxy:3128",
                             proxy_headers={"X-P": "1"})
    client = sdk.ApiClient(conf)
    assert isinstance(client.rest_client.pool_manager, urllib3.ProxyManager)
    conf2 = sdk.Configuration("https://h", ssl_ca_cert="/nonexistent/ca.pem")
    pm = sdk.ApiClient(conf2).rest_client.pool_manager
    assert pm.connection_pool_kw["ca_certs"] == "/nonexistent/ca.pem"
    import ssl

    assert client.rest_client.pool_manager.connection_pool_kw["cert_reqs"] == ssl.CERT_NONE


def test_import_is_lazy(pkg_root: Any) -> None:
    """`from pkg import ApiClient, Configuration, models, apis` loads no model, api or msgspec."""
    import subprocess
    import sys

    code = (
        "import sys; from acme_rt._vendor.cvat_api import ApiClient, Configuration, models, apis;"
        "bad = [m for m in sys.modules if m.startswith('msgspec') or m.endswith(('_models', 'tasks_api'))];"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=pkg_root, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
