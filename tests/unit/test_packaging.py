"""The installed distribution is `cvat_gen` and nothing else, and plugins use only the plugin API."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# the plugins' own code (plugins/runtime/files is SDK code that is copied into the output)
PLUGIN_SOURCES = sorted(p for p in (ROOT / "plugins").rglob("*.py") if "files" not in p.parts) + sorted(
    (ROOT / "examples").rglob("*.py"))


def _declared_packages() -> set[str]:
    return set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])


def test_every_package_folder_is_declared() -> None:
    found = {"cvat_gen"} | {
        "cvat_gen." + ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "plugins").rglob("__init__.py")
    } | {
        "cvat_gen." + ".".join(p.parent.relative_to(ROOT / "generator").parts)
        for p in (ROOT / "generator").rglob("__init__.py") if p.parent != ROOT / "generator"
    }
    assert found == _declared_packages()


def test_wheel_installs_only_cvat_gen(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                             "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("cvat_gen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"cvat_gen"}
    for needed in ("cvat_gen/plugin_api.py", "cvat_gen/templates/models/_models.py.j2",
                   "cvat_gen/plugins/runtime/files/endpoint.py",
                   "cvat_gen/plugins/schema_patches/overlays/20-file-responses.yaml"):
        assert needed in names
    entry_points = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert "cvat-gen = cvat_gen.__main__:run" in entry_points
    assert "runtime = cvat_gen.plugins.runtime" in entry_points


def _cvat_gen_imports(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return {m for m in modules if m.split(".")[0] in ("cvat_gen", "generator", "plugins")}


def test_plugins_import_only_the_plugin_api() -> None:
    assert PLUGIN_SOURCES
    for path in PLUGIN_SOURCES:
        assert _cvat_gen_imports(path) <= {"cvat_gen.plugin_api"}, path


def test_plugin_api_exports() -> None:
    from cvat_gen import plugin_api

    for name in ("hookimpl", "IR", "BuildContext", "OutputFile", "DiagnosticSink", "Diagnostic", "TypeRef"):
        assert name in plugin_api.__all__
    for name in plugin_api.__all__:
        assert hasattr(plugin_api, name), name


def test_python_dash_m() -> None:
    result = subprocess.run([sys.executable, "-m", "cvat_gen", "--version"], capture_output=True, text=True,
                            cwd="/", timeout=60)
    assert result.returncode == 0, result.stderr
    assert "cvat-gen" in result.stdout or result.stdout.strip()
