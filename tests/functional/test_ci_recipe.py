"""The CI recipe (examples/ci/cvat-sdk-release.yml, docs/ci.md) runs as written.

Every `run:` step of the workflow is executed with bash, in order, in a scratch repository,
against an in-process HTTP server on 127.0.0.1 that serves one server release, then the
next, then one with breaking changes. Steps that install packages or `uses:` an action are
GitHub's part and are skipped. What comes out is checked: the wheel's version and contents,
the release notes, and that a breaking release stops the job at the diff step.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, schema_path
from tests.support.schema_server import serve_schema

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("curl") is None, reason="the workflow fetches with curl")]
WORKFLOW = ROOT / "examples" / "ci" / "cvat-sdk-release.yml"
FLOW = ["Fetch the schema", "Build the SDK", "Run the tests", "Diff against the previous release", "Changelog",
        "Set the version", "Build the wheel", "Remember this release"]


class Release:
    """What the local "server" serves at /api/schema/."""

    body = b""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve_schema(lambda: Release.body) as base:
        yield base


def steps(job: str) -> list[dict[str, Any]]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    return [s for s in workflow["jobs"][job]["steps"] if "run" in s and not s.get("name", "").startswith("Install")]


def run_job(job: str, repo: Path, env: dict[str, str]) -> tuple[list[str], subprocess.CompletedProcess[str]]:
    """Run the job's steps until one fails; returns the names that ran and the last result."""
    ran: list[str] = []
    bin_dir = str(Path(sys.executable).parent)
    full_env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", **env}
    result = subprocess.CompletedProcess[str]([], 0, "", "")
    for step in steps(job):
        result = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=repo, env=full_env,
                                capture_output=True, text=True, timeout=600)
        ran.append(step["name"])
        if result.returncode != 0:
            break
    return ran, result


def wheel_of(repo: Path, version: str) -> zipfile.ZipFile:
    wheels = sorted((repo / "dist").glob(f"*-{version}-py3-none-any.whl"))
    assert len(wheels) == 1, sorted(p.name for p in (repo / "dist").glob("*"))
    return zipfile.ZipFile(wheels[0])


def test_the_workflow_has_the_documented_flow() -> None:
    assert [s["name"] for s in steps("release")] == FLOW
    assert [s["name"] for s in steps("check")] == ["The committed SDK is current"]
    text = (ROOT / "docs" / "ci.md").read_text()
    assert "examples/ci/cvat-sdk-release.yml" in text and "--fail-on ERR" in text


def test_release_flow_against_a_local_server(server: str, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {"CVAT_SERVER_URL": server, "SDK_VERSION": ""}

    # first release: nothing to compare with
    Release.body = schema_path("2.68.0").read_bytes()
    ran, result = run_job("release", repo, env)
    assert ran == FLOW and result.returncode == 0, result.stdout + result.stderr
    with wheel_of(repo, "2.68.0") as wheel:
        init = wheel.read("cvat_sdk/api_client/__init__.py").decode()
        assert '__version__ = "2.68.0"' in init
        assert any(n.endswith(".dist-info/METADATA") for n in wheel.namelist())
        metadata = next(wheel.read(n).decode() for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        assert "Version: 2.68.0" in metadata
    assert (repo / "schemas" / "previous.json").read_bytes() == Release.body

    # a pull request: the committed SDK is current
    ran, result = run_job("check", repo, {})
    assert result.returncode == 0 and "output is current" in result.stdout, result.stdout + result.stderr

    # the next release: no breaking change, release notes, a new wheel
    Release.body = schema_path("2.69.0").read_bytes()
    ran, result = run_job("release", repo, env)
    assert ran == FLOW and result.returncode == 0, result.stdout + result.stderr
    notes = (repo / "release-notes.md").read_text()
    assert notes.startswith("## SDK for CVAT server 2.69.0") and "### Breaking" not in notes
    with wheel_of(repo, "2.69.0") as wheel:
        assert '__version__ = "2.69.0"' in wheel.read("cvat_sdk/api_client/__init__.py").decode()

    # a generator-only rebuild of the same release, under its own version
    ran, result = run_job("release", repo, {**env, "SDK_VERSION": "2.69.0.post1"})
    assert result.returncode == 0, result.stdout + result.stderr
    wheel_of(repo, "2.69.0.post1").close()

    # a release that breaks callers stops the job at the diff, with annotations
    Release.body = schema_path("2.70.0").read_bytes()
    ran, result = run_job("release", repo, env)
    assert ran[-1] == "Diff against the previous release" and result.returncode == 1
    assert "::error title=api-removed-without-deprecation" in result.stdout
    assert not list((repo / "dist").glob("*-2.70.0-*.whl"))
