"""Drop-in, measured per release: our build of each open-source schema against the real
``cvat-sdk`` of the same release from PyPI.

For every schema under ../shared/schemas/oss (found by listing), the matching cvat-sdk
(tests/support/sdk_venvs.py: newest of the same minor series not newer than the server) is
installed into a cached venv and dumped with ../shared/tools/extract_surface.py; our build
is dumped the same way and both are compared with ../shared/tools/compare_surface.py --json.

The bar: compat >= 99.5%, and NO positional-order, parameter-location, wire-name or
endpoint path/method mismatch (those break calls that work with cvat-sdk). Where the server
release has no cvat-sdk of its own (2.36.1 -> 2.36.0), the schema may have changed in the
patch release; differences that the schema itself shows (tests/support/surface_drift.py:
a model the schema does not have, a parameter whose `required` flag the schema changed) are
reported as schema drift and set aside. Exact releases are held to the raw score.

Each result is written as JSON to ``$CVAT_GEN_COMPAT_RESULTS`` (default ``build/compat``);
``python -m tests.support.compat_table`` renders them into docs/compatibility.md, so the
published table is the measured one. No PyPI -> skip.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import OSS_IDS, ROOT, built_sdk, load_document, release_of
from tests.support.surface_drift import classify
from tests.support.sdk_venvs import VenvUnavailable, reference_surface, requirement, sdk_venv, sdk_version

pytestmark = pytest.mark.slow

TOOLS = ROOT.parent / "shared" / "tools"
RESULTS = Path(os.environ.get("CVAT_GEN_COMPAT_RESULTS") or ROOT / "build" / "compat")
COMPAT_BAR = 99.5
# compare_surface.py --json lists that must be empty: each entry is a call that works with
# cvat-sdk and would fail (or hit another URL) with ours
ZERO_TOLERANCE = ("positional_mismatch", "location_mismatch", "wire_name_mismatch", "endpoint_mismatch")


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.parametrize("schema_id", OSS_IDS)
def test_surface_matches_cvat_sdk_of_the_release(
    schema_id: str, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    release = release_of(schema_id)
    try:
        venv = sdk_venv(release)
    except VenvUnavailable as exc:
        pytest.skip(f"no cvat-sdk for {release} ({requirement(release)}): {exc}")
    reference = reference_surface(venv, TOOLS / "extract_surface.py")

    ours = tmp_path / "ours.json"
    dumped = _run([sys.executable, str(TOOLS / "extract_surface.py"), "cvat_sdk.api_client",
                   "--path", str(built_sdk(schema_id)), "-o", str(ours)])
    assert dumped.returncode == 0 and ours.is_file(), dumped.stderr[-2000:]
    report_json = tmp_path / "compare.json"
    report = _run([sys.executable, str(TOOLS / "compare_surface.py"), str(reference), str(ours),
                   "--json", str(report_json)]).stdout
    data = json.loads(report_json.read_text())
    summary = data["summary"]
    drift = classify(load_document(schema_id), json.loads(ours.read_text()), data,
                     json.loads(reference.read_text()))
    mismatches = {key: [m for m in data.get(key) or [] if m not in drift.get(key, ())] for key in ZERO_TOLERANCE}
    version = sdk_version(venv)
    adjusted = _adjusted_compat(report, drift)

    result = {
        "schema": schema_id,
        "release": release,
        "cvat-sdk": version,
        "compat": round(summary["compat"], 3),
        "compat without schema drift": round(adjusted, 3),
        **{k: round(summary[k], 3) for k in ("operations", "params", "models", "fields")},
        "mismatches": sum(len(v) for v in mismatches.values()),
        "mismatch lists": mismatches,
        "schema drift": drift,
        "missing_params": data.get("missing_params") or [],
        "missing_fields": data.get("missing_fields") or [],
        "missing_operations": data.get("missing_operations") or [],
        "missing_models": data.get("missing_models") or [],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{schema_id}.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    record_property("compat_summary", json.dumps(
        {k: result[k] for k in ("schema", "cvat-sdk", "compat", "compat without schema drift", "mismatches")}))

    # the same release: the score as measured; the nearest older SDK of the minor series:
    # the score with the differences that the schema itself shows (surface_drift.py) set aside
    assert (summary["compat"] if version == release else adjusted) >= COMPAT_BAR, report[-4000:]
    assert not any(mismatches.values()), json.dumps(mismatches, indent=1)


def _adjusted_compat(report: str, drift: dict[str, list[str]]) -> float:
    """compare_surface's compat with the schema-drift items counted as present."""
    counts = {k: (int(a), int(b)) for k, a, b in
              re.findall(r"^(operations|op params|models|fields)\s*: (\d+)/(\d+)", report, re.MULTILINE)}
    extra = {"operations": len(drift["missing_operations"]), "op params": len(drift["missing_params"]),
             "models": len(drift["missing_models"]), "fields": len(drift["missing_fields"])}
    parts = [100.0 * (have + extra.get(k, 0)) / total if total else 100.0 for k, (have, total) in counts.items()]
    assert len(parts) == 4, report[:2000]
    return sum(parts) / 4
