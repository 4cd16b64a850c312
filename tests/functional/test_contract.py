"""Contract test: every operation of every shared schema, called through the SDK generated
from that schema, against a ContractServer that validates each request with openapi-core
and answers with synthesized, schema-valid data.

Why: the generator turns ~190 operations x 10 releases into code; a unit test per feature
cannot show that *every* operation builds a valid request and parses every response shape
the schema allows. The server works from the schema only, so a generator bug cannot hide
by being mirrored on the other side.

Per operation (see tests/functional/contract_calls.py): a call with only the required
arguments (response variant "required"), one with every optional parameter and every body
property (variant "full"), the same arguments again with every nullable response field
null (variant "nulls"), and for bodies with files a multipart call with real file objects.
All run with ``_validate_outputs=True`` (the default). A call passes when the server
accepted the request and the result has the declared type (model / list of models /
bytes / None) and round-trips (``to_json`` gives back the JSON received;
``type(m)(**m.to_dict()) == m``).

The per-release table is printed at the end of the run (tests/functional/conftest.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import SCHEMA_IDS
from tests.support.contract_server import ContractServer

from .contract_calls import (
    Planner,
    SchemaIndex,
    format_table,
    iter_operations,
    run_operations,
    with_status_endpoint,
)

# Operations that can't pass for a reason in the *schema* (not the generator), with the
# reason. Keep it narrow: (release or "*", operationId, call label or "*").
EXPECTED_FAILURES: dict[tuple[str, str, str], str] = {}


def _expected(release: str, op_id: str, label: str) -> str | None:
    for key in ((release, op_id, label), (release, op_id, "*"), ("*", op_id, label), ("*", op_id, "*")):
        if key in EXPECTED_FAILURES:
            return EXPECTED_FAILURES[key]
    return None


@pytest.mark.parametrize("release", SCHEMA_IDS)
def test_every_operation_against_the_contract_server(
    release: str,
    contract_sdk: Callable[[str], ModuleType],
    load_schema: Callable[[str], dict[str, Any]],
    record_property: Callable[[str, object], None],
) -> None:
    sdk = contract_sdk(release)
    schema = with_status_endpoint(load_schema(release))
    index = SchemaIndex(schema)
    planner = Planner(index, sdk.models)
    op_ids = [op.operation_id for op in iter_operations(index)]
    with ContractServer(schema, seed=11) as server:
        results = run_operations(sdk, server, index, planner, op_ids)
        unlogged = [r for r in server.log if r.operation_id is None]

    failures = [r for r in results if not r.ok and not _expected(release, r.operation_id, r.label)]
    expected = [r for r in results if not r.ok and _expected(release, r.operation_id, r.label)]
    failed_ops = sorted({r.operation_id for r in failures})
    row = {
        "schema": release,
        "operations": len(op_ids),
        "calls": len(results),
        "accepted": sum(r.accepted for r in results),
        "parsed": sum(r.parsed for r in results),
        "failures": len(failures),
        "xfail": len(expected),
        "failed operations": ", ".join(failed_ops) or "-",
    }
    record_property("contract_summary", json.dumps(row))
    print(format_table(list(row), [list(row.values())]))

    # every operation was called with all three response variants
    labels = {(r.operation_id, r.variant) for r in results}
    assert {op for op, _ in labels} == set(op_ids)
    assert all((op, v) in labels for op in op_ids for v in ("required", "full", "nulls"))
    assert not unlogged, [f"{r.method} {r.path}: {r.errors}" for r in unlogged]
    assert not failures, "\n".join(
        f"{r.operation_id} [{r.label}, response {r.variant}]: " + " | ".join(r.errors)
        for r in failures
    )
