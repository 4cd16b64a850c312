"""Version skew: the SDK generated from release A talking to a server of release B.

Why: users upgrade the SDK and the server at different times. For every operation that
both releases have (same operationId, same method and path), the SDK of A must still build
a request B accepts and parse B's answers, even when B adds response fields or enum values
A does not know (the ContractServer injects an unknown field into every object and an
unknown value into every string enum: ``extra_fields=True, unknown_enum=True``).

Optional parameters are sent only when B has them too. Where the operation itself changed
between A and B (parameters, request body or response schema, compared over every
component the operation reaches), the difference is noted; a request B rejects is then
tolerated only if the *request* side changed, and a parse error only if the response
side changed *and* B's plain answer (without injected skew) is invalid under A's schema,
checked with openapi-core - i.e. no client of A could parse it. Everything else must
pass.

The A x B matrix is printed at the end of the run (tests/functional/conftest.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from tests.support.contract_server import (
    ContractServer,
    ResponseFactory,
    make_openapi,
    validate_synth_response,
)

from tests.conftest import RELEASES

from .contract_calls import (
    Planner,
    SchemaIndex,
    format_table,
    run_operations,
    with_status_endpoint,
)

# the oldest, the middle and the newest hosted release (from the listing, not named here)
SKEW_RELEASES = list(dict.fromkeys([RELEASES[0], RELEASES[len(RELEASES) // 2], RELEASES[-1]]))
SEED = 23


def _param_table(index: SchemaIndex, op_id: str) -> dict[tuple[str, str], str]:
    op = index.operations[op_id]
    return {
        key: json.dumps({"required": bool(p.get("required")), "schema": p.get("schema")}, sort_keys=True)
        for key, p in index.params(op).items()
    }


def _closure_json(index: SchemaIndex, node: Any) -> str:
    refs = sorted(index.closure(node))
    return json.dumps([node, [(r, index.component(r)) for r in refs]], sort_keys=True)


def differences(a: SchemaIndex, b: SchemaIndex, op_id: str) -> dict[str, list[str]]:
    """How ``op_id`` differs from A to B: {"request": [...], "response": [...]}."""
    out: dict[str, list[str]] = {"request": [], "response": []}
    pa, pb = _param_table(a, op_id), _param_table(b, op_id)
    for key in sorted(set(pa) | set(pb)):
        where = f"{key[0]} parameter {key[1]}"
        if key not in pb:
            out["request"].append(f"{where} removed")
        elif key not in pa:
            out["request"].append(f"{where} added" + (" (required)" if json.loads(pb[key])["required"] else ""))
        elif pa[key] != pb[key]:
            out["request"].append(f"{where} changed")
    oa, ob = a.operations[op_id], b.operations[op_id]
    if _closure_json(a, oa.spec.get("requestBody")) != _closure_json(b, ob.spec.get("requestBody")):
        out["request"].append("request body schema changed")
    ra, rb = a.response(oa), b.response(ob)
    if ra[0] != rb[0] or _closure_json(a, ra[1]) != _closure_json(b, rb[1]):
        out["response"].append("response schema changed")
    return out


class ResponseIncompatibility:
    """Whether B's answer to an operation (without injected skew) is invalid under A's
    schema: then no client of A can parse it, and a parse error is the schema's doing."""

    def __init__(self, a: SchemaIndex, b: SchemaIndex, seed: int) -> None:
        self.a, self.b = a, b
        self.openapi_a = make_openapi(a.schema)
        self.factory_b = ResponseFactory(b.schema, seed=seed)

    def errors(self, op_id: str, variant: str) -> list[str]:
        op_b = self.b.operations[op_id]
        response = self.factory_b.build(op_b, variant)  # type: ignore[arg-type]
        params = self.factory_b.sample_path_params(op_b)
        return validate_synth_response(self.openapi_a, self.a.operations[op_id], params, response)


def common_operations(a: SchemaIndex, b: SchemaIndex) -> list[str]:
    return sorted(
        op_id
        for op_id, op in a.operations.items()
        if op_id in b.operations
        and (b.operations[op_id].method, b.operations[op_id].path) == (op.method, op.path)
    )


@pytest.mark.parametrize("sdk_release", SKEW_RELEASES)
def test_sdk_against_servers_of_other_releases(
    sdk_release: str,
    contract_sdk: Callable[[str], ModuleType],
    load_schema: Callable[[str], dict[str, Any]],
    record_property: Callable[[str, object], None],
) -> None:
    sdk = contract_sdk(sdk_release)
    a = SchemaIndex(with_status_endpoint(load_schema(sdk_release)))
    failures: list[str] = []
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for server_release in SKEW_RELEASES:
        server_schema = with_status_endpoint(load_schema(server_release))
        b = SchemaIndex(server_schema)
        op_ids = common_operations(a, b)
        diffs = {op_id: differences(a, b, op_id) for op_id in op_ids}
        planner = Planner(a, sdk.models, allowed=b)
        with ContractServer(server_schema, seed=SEED, extra_fields=True, unknown_enum=True) as server:
            results = run_operations(sdk, server, a, planner, op_ids, skew=True)
        incompatible = ResponseIncompatibility(a, b, SEED)

        tolerated = 0
        lenient = 0
        bad = 0
        for r in results:
            if r.lenient is False:  # even without output validation, the response broke the call
                bad += 1
                failures.append(f"{sdk_release}->{server_release} {r.operation_id} [{r.label}]: "
                                + " | ".join(r.errors))
                continue
            lenient += bool(r.lenient)
            if r.ok:
                continue
            d = diffs.get(r.operation_id, {"request": [], "response": []})
            reason = ""
            if not r.accepted and d["request"]:
                reason = "; ".join(d["request"])
            elif r.accepted and not r.parsed and d["response"]:
                invalid = incompatible.errors(r.operation_id, r.variant)
                if invalid:
                    reason = f"B's response is invalid under A's schema: {invalid[0][:200]}"
            if reason:
                tolerated += 1
                notes.append(
                    f"{sdk_release}->{server_release} {r.operation_id} [{r.label}] tolerated "
                    f"({reason}): {' | '.join(r.errors)[:300]}"
                )
                continue
            bad += 1
            failures.append(
                f"{sdk_release}->{server_release} {r.operation_id} [{r.label}, response {r.variant}]: "
                + " | ".join(r.errors)
            )
        only_a = sorted(set(a.operations) - set(op_ids))
        only_b = sorted(set(b.operations) - set(a.operations))
        changed = {k: v for k, v in diffs.items() if v["request"] or v["response"]}
        for op_id, d in sorted(changed.items()):
            notes.append(f"{sdk_release}->{server_release} {op_id}: {'; '.join(d['request'] + d['response'])}")
        rows.append(
            {
                "sdk (A)": sdk_release,
                "server (B)": server_release,
                "common ops": len(op_ids),
                "changed ops": len(changed),
                "only in A": len(only_a),
                "only in B": len(only_b),
                "calls": len(results),
                "accepted": sum(r.accepted for r in results),
                "parsed": sum(r.parsed for r in results),
                "tolerated": tolerated,
                "ok without output validation": lenient,
                "failures": bad,
            }
        )
    for row in rows:
        record_property("skew_summary", json.dumps(row))
    print(format_table(list(rows[0]), [list(r.values()) for r in rows]))
    print("\n".join(notes))
    assert not failures, "\n".join(failures)
