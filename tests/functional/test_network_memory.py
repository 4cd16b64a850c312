"""1 GiB each way through the generated 2.70 client in bounded memory.

Each transfer runs in a fresh interpreter (tests/support/big_transfer.py) so that the peak
RSS it reports belongs to that transfer alone. Not a timed test: only memory is asserted
(growth of the peak RSS below 64 MiB for a 1 GiB body); the seconds are reported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import SUMMARY_KEYS, built_location

ROOT = Path(__file__).resolve().parents[2]
GIB = 1 << 30
LIMIT_MIB = 64

SUMMARY_KEYS.setdefault("memory_summary", "Large transfers: 1 GiB through the generated client")


@pytest.mark.parametrize("mode", ["download", "multipart", "tus"])
def test_one_gib_in_bounded_memory(sdk270: ModuleType, mode: str, tmp_path: Path, record_property: Any) -> None:
    root, package = built_location(sdk270)
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.big_transfer", "--root", str(root),
         "--package", package, "--mode", mode, "--size", str(GIB), "--tmp", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["bytes"] >= GIB
    assert result["growth_mib"] < LIMIT_MIB, result
    assert list(tmp_path.iterdir()) == []  # no source, output or partial file left
    record_property("memory_summary", json.dumps(result))


def test_write_response_is_atomic(sdk270: ModuleType, tmp_path: Path) -> None:
    from tests.support.fault_server import Fault, FaultServer

    downloads = __import__(sdk270.__name__ + ".downloads", fromlist=["write_response"])
    target = tmp_path / "out.zip"
    target.write_bytes(b"old")
    with FaultServer() as server:
        server.inject("/api/jobs/1/data", Fault("drop_body", body=b"z" * 300_000))
        client = sdk270.ApiClient(sdk270.Configuration(host=server.url))
        _, response = client.jobs_api.retrieve_data(
            1, type="chunk", number=0, quality="original", _parse_response=False)
        with pytest.raises(Exception):
            downloads.write_response(response, target)
        assert target.read_bytes() == b"old"  # untouched
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.zip"]  # no .part- file
        server.route("GET", "/api/jobs/1/data",
                     lambda r: (200, {"Content-Type": "application/zip"}, b"new" * 1000))
        _, response = client.jobs_api.retrieve_data(
            1, type="chunk", number=0, quality="original", _parse_response=False)
        assert downloads.write_response(response, target) == 3000
        assert target.read_bytes() == b"new" * 1000
