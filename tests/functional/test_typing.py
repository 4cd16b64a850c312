"""The generated package ships `py.typed`, and typed user code checks cleanly with mypy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import build, schema_path

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent


def test_typed_usage_passes_mypy(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    output = tmp_path / "out"
    build(schema_path("2.70.0"), output)  # default package: cvat_sdk.api_client
    package = output / "cvat_sdk" / "api_client"
    assert (package / "py.typed").is_file()

    env = {**os.environ, "MYPYPATH": str(output)}
    result = subprocess.run(
        [
            sys.executable, "-m", "mypy",
            "--strict",
            "--no-incremental",
            "--follow-imports=silent",  # errors inside the generated package are not ours to judge here
            "--namespace-packages",
            "--explicit-package-bases",
            "--cache-dir", str(tmp_path / "mypy-cache"),
            str(HERE / "typed_usage.py"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Success" in result.stdout
