"""Shared fixtures: where the shared schemas are, and fast in-process builds.

Builds share one black cache per test session (CVAT_GEN_CACHE_DIR), so that only the first
build of a schema pays for formatting. Generated SDKs that tests import are built under
unique package names (`--package`), so several releases can be imported side by side.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = (ROOT.parent / "shared" / "schemas").resolve()
RELEASES = [p.stem.removeprefix("cvat-") for p in sorted(SCHEMAS.glob("cvat-*.json"))]


def schema_path(release: str = "2.70.0") -> Path:
    return SCHEMAS / f"cvat-{release}.json"


@pytest.fixture(scope="session", autouse=True)
def _shared_black_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    if "CVAT_GEN_CACHE_DIR" not in os.environ:
        os.environ["CVAT_GEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cvat-gen-cache"))
    yield


def build(schema: Path | str, output: Path, package: str = "cvat_sdk.api_client", **overrides: object):
    from generator.config import BuildConfig
    from generator.pipeline import run_build

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
