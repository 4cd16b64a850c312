"""Versioned output: the distribution's version follows the server release, can be set by
`--version` or `[tool.cvat-gen] version` (PEP 440), and the manifest says what the output was
built from; `build --check` tells a generator-only change from a schema change."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from tests.conftest import schema_path
from tests.functional.test_build import cli

pytestmark = pytest.mark.slow


def dist_version(output: Path) -> str:
    return tomllib.loads((output / "pyproject.toml").read_text())["project"]["version"]


def manifest(output: Path) -> dict:
    return json.loads((output / ".cvat-gen-manifest.json").read_text())


def test_version_follows_the_server_and_can_be_overridden(tmp_path: Path) -> None:
    out = tmp_path / "sdk"
    assert cli("build", "-q", "-o", str(out), "--schema", str(schema_path("2.69.0"))).returncode == 0
    assert dist_version(out) == "2.69.0"
    assert '__version__ = "2.69.0"' in (out / "cvat_sdk/api_client/__init__.py").read_text()
    data = manifest(out)
    assert data["version"] == "2.69.0" and data["schema_version"].startswith("2.69.0")
    assert len(data["schema_sha256"]) == 64 and len(data["generator_sha256"]) == 64 and data["generator_version"]
    assert [p.split()[0] for p in data["plugins"]][:3] == ["schema_patches", "versioned_endpoints", "compat_aliases"]
    result = cli("build", "-q", "-o", str(out), "--schema", str(schema_path("2.69.0")), "--version", "2.69.0.post1")
    assert result.returncode == 0, result.stderr
    assert dist_version(out) == "2.69.0.post1" and manifest(out)["version"] == "2.69.0.post1"
    assert manifest(out)["schema_sha256"] == data["schema_sha256"]
    bad = cli("build", "-q", "-o", str(out), "--version", "2.69-final")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "PEP 440" in bad.stderr


def test_version_from_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.cvat-gen]\nschema = "{schema_path("2.69.0")}"\noutput = "sdk"\nversion = "2.69.0rc1"\n')
    result = cli("build", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert dist_version(tmp_path / "sdk") == "2.69.0rc1"
    (tmp_path / "pyproject.toml").write_text('[tool.cvat-gen]\nversion = "v2"\n')
    assert cli("build", "-q", "--check", cwd=tmp_path).returncode == 2


def test_check_says_when_only_the_generator_changed(tmp_path: Path) -> None:
    out = tmp_path / "sdk"
    schema = str(schema_path("2.69.0"))
    # an "older generator": the same schema without the docs plugin
    assert cli("build", "-q", "-o", str(out), "--schema", schema, "--disable-plugin", "docs").returncode == 0
    check = cli("build", "--check", "-o", str(out), "--schema", schema)
    assert check.returncode == 1
    assert "only the generator changed" in check.stdout and "2.69.0.post1" in check.stdout
    assert "schema changed" not in check.stdout
    other = cli("build", "--check", "-o", str(out), "--schema", str(schema_path("2.70.0")))
    assert other.returncode == 1 and "the schema changed" in other.stdout and "only the generator" not in other.stdout
    assert cli("build", "-q", "-o", str(out), "--schema", schema).returncode == 0
    current = cli("build", "--check", "-o", str(out), "--schema", schema)
    assert current.returncode == 0 and current.stdout.strip() == "output is current"
