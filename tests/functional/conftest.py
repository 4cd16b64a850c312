"""Fixtures of the matrix tests (contract, skew, surface, scenarios).

Every schema is built once per test session (tests/conftest.py ``built_sdk``, shared by the
xdist workers) and imported under a unique package name (``contract_oss_2_70_1.api_client``)
so several releases import side by side.

Each contract/skew test records its summary row with ``record_property``; the hooks in
tests/conftest.py print them as tables at the end of the run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import import_built, load_document


def package_alias(schema_id: str, prefix: str = "contract") -> str:
    """A valid, unique top-level package name for a schema id."""
    return f"{prefix}_" + re.sub(r"\W", "_", schema_id)


@pytest.fixture(scope="session")
def contract_sdk(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ModuleType]:
    """``contract_sdk("oss-2.70.1")``: the SDK generated from that schema (built on first use)."""
    links = tmp_path_factory.mktemp("sdk-links")
    cache: dict[str, ModuleType] = {}

    def get(schema_id: str) -> ModuleType:
        if schema_id not in cache:
            cache[schema_id] = import_built(schema_id, package_alias(schema_id), links)
        return cache[schema_id]

    return get


@pytest.fixture(scope="session")
def load_schema() -> Callable[[str], dict[str, Any]]:
    """``load_schema(id)``: a fresh dict of that schema (parsed once per process)."""
    return load_document
