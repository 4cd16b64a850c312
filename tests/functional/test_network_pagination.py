"""Lazy page iterators: `<list>_iter` methods of the generated 2.70 client against a loopback
server that counts the pages it serves."""

from __future__ import annotations

import itertools
import json
from types import ModuleType
from typing import Any, Iterator

import pytest

from tests.support.fault_server import FaultServer, Recorded


def task(i: int) -> dict[str, Any]:
    return {"id": i, "name": f"t{i}"}


@pytest.fixture()
def server() -> Iterator[FaultServer]:
    total = 23

    def tasks(request: Recorded) -> tuple[int, dict[str, str], bytes]:
        page = int(request.query.get("page", "1"))
        size = int(request.query.get("page_size", "10"))
        items = [task(i) for i in range((page - 1) * size, min(page * size, total))]
        more = page * size < total
        body = {"count": total, "next": f"http://x/api/labels?page={page + 1}" if more else None,
                "previous": None, "results": items}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    with FaultServer() as s:
        s.route("GET", "/api/cloudstorages", tasks)
        yield s


def test_iterator_is_lazy_and_stops_on_null_next(sdk270: ModuleType, server: FaultServer) -> None:
    client = sdk270.ApiClient(sdk270.Configuration(host=server.url))
    api = client.cloudstorages_api
    it = api.list_iter(page_size=10, _validate_outputs=False)
    assert server.requests == []  # nothing fetched before the first item is asked for
    first = list(itertools.islice(it, 10))
    assert len(server.requests) == 1 and [x["id"] if isinstance(x, dict) else x.id for x in first] == list(range(10))
    next(it)
    assert len(server.requests) == 2
    rest = list(it)
    assert len(rest) == 12 and len(server.requests) == 3
    assert [r.query["page"] for r in server.requests] == ["1", "2", "3"]
    assert all(r.query["page_size"] == "10" for r in server.requests)


def test_iterator_starts_at_the_given_page(sdk270: ModuleType, server: FaultServer) -> None:
    client = sdk270.ApiClient(sdk270.Configuration(host=server.url))
    items = list(client.cloudstorages_api.list_iter(page=3, page_size=10, _validate_outputs=False))
    assert len(items) == 3 and [r.query["page"] for r in server.requests] == ["3"]


def test_every_paginated_operation_has_an_iterator(sdk270: ModuleType) -> None:
    import json as _json

    from tests.conftest import schema_path

    doc = _json.loads(schema_path("2.70.0").read_text())
    expected = set()
    for ops in doc["paths"].values():
        for method, op in ops.items():
            names = {p.get("name") for p in op.get("parameters", []) if isinstance(p, dict)}
            if method == "get" and {"page", "page_size"} <= names:
                expected.add(op["operationId"])
    assert len(expected) > 20
    found = set()
    client = sdk270.ApiClient(sdk270.Configuration())
    for name in dir(client):
        if not name.endswith("_api"):
            continue
        api = getattr(client, name)
        for attr in dir(api):
            if attr.endswith("_iter") and callable(getattr(api, attr)):
                found.add(getattr(api, attr[: -len("_iter")] + "_endpoint").spec.operation_id)
    assert found == expected
