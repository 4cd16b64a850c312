"""Fixtures and report hooks of the contract and skew tests.

The generated SDKs are built once per test process (session scope) under unique package
names (``contract_2_70_0.api_client``), so several releases import side by side.

Each contract/skew test records its summary row with ``record_property`` (which
pytest-xdist ships from the workers to the controller); the hooks below collect those
rows and print one table per kind at the end of the run, whatever ``-s``/``-r`` says.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import build, import_generated, schema_path

SUMMARY_KEYS = {
    "contract_summary": "Contract: every operation of every release against its ContractServer",
    "skew_summary": "Version skew: SDK of release A against a ContractServer of release B "
    "(extra fields + unknown enum values)",
}
_rows: dict[str, list[dict[str, Any]]] = {}


@pytest.fixture(scope="session")
def contract_sdk(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ModuleType]:
    """``contract_sdk("2.70.0")``: the SDK generated from that release (built on first use)."""
    cache: dict[str, ModuleType] = {}

    def get(release: str) -> ModuleType:
        if release not in cache:
            package = f"contract_{release.replace('.', '_')}.api_client"
            output = tmp_path_factory.mktemp(f"contract-{release}")
            build(schema_path(release), output, package=package)
            cache[release] = import_generated(output, package)
        return cache[release]

    return get


@pytest.fixture(scope="session")
def load_schema() -> Callable[[str], dict[str, Any]]:
    cache: dict[str, dict[str, Any]] = {}

    def get(release: str) -> dict[str, Any]:
        if release not in cache:
            cache[release] = json.loads(Path(schema_path(release)).read_text())
        return cache[release]

    return get


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
