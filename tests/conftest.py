"""Shared fixtures: where the shared schemas are, and fast in-process builds.

Builds share one black cache per test session (CVAT_GEN_CACHE_DIR), so that only the first
build of a schema pays for formatting. Generated SDKs that tests import are built under
unique package names (`--package`), so several releases can be imported side by side.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = (ROOT.parent / "shared" / "schemas").resolve()
RELEASES = [p.stem.removeprefix("cvat-") for p in sorted(SCHEMAS.glob("cvat-*.json"))]


# --- summary tables of the contract and skew tests ------------------------------------------
# The tests record one row each with ``record_property`` (which pytest-xdist ships from the
# workers to the controller). These hooks live in the root conftest because the controller
# of an xdist run loads only this one.

SUMMARY_KEYS = {
    "contract_summary": "Contract: every operation of every release against its ContractServer",
    "skew_summary": "Version skew: SDK of release A against a ContractServer of release B "
    "(extra fields + unknown enum values)",
}
_rows: dict[str, list[dict[str, Any]]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call":
        return
    for key, value in report.user_properties:
        if key in SUMMARY_KEYS:
            _rows.setdefault(key, []).append(json.loads(value) if isinstance(value, str) else value)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.functional.contract_calls import format_table

    for key, title in SUMMARY_KEYS.items():
        rows = _rows.get(key)
        if not rows:
            continue
        rows = sorted(rows, key=lambda r: tuple(str(r.get(h, "")) for h in rows[0]))
        headers = list(rows[0])
        terminalreporter.write_sep("=", title)
        terminalreporter.write_line(format_table(headers, [[r.get(h, "") for h in headers] for r in rows]))


def schema_path(release: str = "2.70.0") -> Path:
    return SCHEMAS / f"cvat-{release}.json"


@pytest.fixture(scope="session", autouse=True)
def _shared_black_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    if "CVAT_GEN_CACHE_DIR" not in os.environ:
        os.environ["CVAT_GEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cvat-gen-cache"))
    yield


def build(schema: Path | str, output: Path, package: str = "cvat_sdk.api_client", **overrides: object):
    from cvat_gen.config import BuildConfig
    from cvat_gen.pipeline import run_build

    config = BuildConfig(schema=str(schema), output=output, package=package, **overrides)  # type: ignore[arg-type]
    return run_build(config)


def import_generated(output: Path, package: str) -> ModuleType:
    """Import a generated package from `output` (put first on sys.path)."""
    if str(output) not in sys.path:
        sys.path.insert(0, str(output))
    importlib.invalidate_caches()
    return importlib.import_module(package)


@pytest.fixture(scope="session")
def sdk270(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The SDK generated from 2.70, importable as `sdk270.api_client`."""
    output = tmp_path_factory.mktemp("sdk270")
    build(schema_path("2.70.0"), output, package="sdk270.api_client")
    return import_generated(output, "sdk270.api_client")
