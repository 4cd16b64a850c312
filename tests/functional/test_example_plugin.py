"""The example third-party plugin (examples/cvat-gen-example-plugin) works through a real
install: pip builds it and installs its dist-info with the `cvat_gen.plugins` entry point.

It is installed with `pip install --target` into a temporary folder that is put on
PYTHONPATH for `python -m generator`; cvat-gen and its dependencies come from the test's own
environment (the project's .venv in CI), which stays untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, schema_path

EXAMPLE = ROOT / "examples" / "cvat-gen-example-plugin"


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("example-plugin-site")
    # build from a copy: setuptools leaves build/ and *.egg-info beside the sources it builds
    source = tmp_path_factory.mktemp("example-plugin-src") / "plugin"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(target.glob("cvat_gen_example_plugin-*.dist-info/entry_points.txt"))
    return target


def cvat_gen(args: list[str], cwd: Path, plugin_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin_path), str(ROOT)])}
    return subprocess.run([sys.executable, "-m", "cvat_gen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_plugins_lists_the_example(plugin_path: Path, tmp_path: Path) -> None:
    result = cvat_gen(["plugins"], tmp_path, plugin_path)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith(" " * 6)]  # not option lines
    line = next(line for line in lines if "endpoints_index" in line)
    assert "entry point cvat_gen_example_plugin (cvat-gen-example-plugin 0.1.0)" in line
    assert "[order 100]" in line
    assert lines[-1] == line  # third-party plugins run after the built-in ones


def test_build_writes_the_plugin_file(plugin_path: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    result = cvat_gen(["build", "-q", "--schema", str(schema_path("2.70.0")), "-o", str(output),
                       "--package", "acme._vendor.cvat_api"], tmp_path, plugin_path)
    assert result.returncode == 0, result.stderr
    document = json.loads((output / "acme" / "_vendor" / "cvat_api" / "_endpoints.json").read_text())
    assert document["ir_extras"] == {"endpoints_index": "1"}  # its cvatgen_transform_ir ran first
    endpoints = {(e["attr"], e["method"]): e for e in document["endpoints"]}
    assert endpoints[("tasks_api", "create_data")]["path"] == "/api/tasks/{id}/data/"
    assert len(endpoints) > 150
    manifest = json.loads((output / ".cvat-gen-manifest.json").read_text())
    assert "acme/_vendor/cvat_api/_endpoints.json" in json.dumps(manifest)

    # the plugin can be disabled by name like any other
    again = tmp_path / "again"
    result = cvat_gen(["build", "-q", "--schema", str(schema_path("2.70.0")), "-o", str(again),
                       "--disable-plugin", "endpoints_index"], tmp_path, plugin_path)
    assert result.returncode == 0, result.stderr
    assert not (again / "cvat_sdk" / "api_client" / "_endpoints.json").exists()


def test_plugin_options_from_the_command_line_and_pyproject(plugin_path: Path, tmp_path: Path) -> None:
    schema = str(schema_path("2.70.0"))
    listing = cvat_gen(["plugins"], tmp_path, plugin_path)
    assert "option file_name (str, default '_endpoints.json')" in listing.stdout

    output = tmp_path / "cli"
    result = cvat_gen(["build", "-q", "--schema", schema, "-o", str(output),
                       "--plugin-option", "endpoints_index.file_name=ops.json",
                       "--plugin-option", "endpoints_index.include_deprecated=false"], tmp_path, plugin_path)
    assert result.returncode == 0, result.stderr
    document = json.loads((output / "cvat_sdk" / "api_client" / "ops.json").read_text())
    assert document["endpoints"] and not any(e["deprecated"] for e in document["endpoints"])
    assert not (output / "cvat_sdk" / "api_client" / "_endpoints.json").exists()

    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        f'[tool.cvat-gen]\nschema = {json.dumps(schema)}\noutput = "out"\n'
        '[tool.cvat-gen.plugins.endpoints_index]\nfile_name = "from_toml.json"\n')
    result = cvat_gen(["build", "-q"], project, plugin_path)
    assert result.returncode == 0, result.stderr
    assert (project / "out" / "cvat_sdk" / "api_client" / "from_toml.json").is_file()


@pytest.mark.parametrize(("option", "message"), [
    ("endpoints_index.nope=1", "plugin 'endpoints_index' has no option 'nope' (it accepts: file_name, include_deprecated)"),
    ("endpoints_index.include_deprecated=maybe", "include_deprecated: must be true or false, got 'maybe'"),
    ("no_such_plugin.x=1", "no plugin is named 'no_such_plugin'"),
    ("endpoints_index", "expected PLUGIN.KEY=VALUE"),
])
def test_bad_plugin_options_are_located_errors(plugin_path: Path, tmp_path: Path, option: str, message: str) -> None:
    result = cvat_gen(["build", "-q", "--schema", str(schema_path("2.70.0")), "-o", str(tmp_path / "o"),
                       "--plugin-option", option], tmp_path, plugin_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()
