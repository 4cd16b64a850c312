"""Fixtures and report hooks of the contract and skew tests.

The generated SDKs are built once per test process (session scope) under unique package
names (``contract_2_70_0.api_client``), so several releases import side by side.

Each contract/skew test records its summary row with ``record_property``; the hooks in
tests/conftest.py print them as tables at the end of the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import build, import_generated, schema_path



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
