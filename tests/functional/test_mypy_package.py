"""Typing of the generated package: ``mypy --strict`` on the whole package reports nothing
(default schema and two others), call options are a TypedDict (a misspelt option is a type
error), and page iterators yield the item model."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

from tests.conftest import built_location

ROOT = Path(__file__).resolve().parents[2]


def _mypy(args: list[str], cwd: Path, mypypath: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "MYPYPATH": str(mypypath)}
    return subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=500)


def test_call_options_and_iterators_are_typed(sdk270: ModuleType, tmp_path: Path) -> None:
    root, pkg = built_location(sdk270)
    usage = tmp_path / "usage.py"
    usage.write_text(textwrap.dedent(f"""
        from {pkg} import ApiClient
        client = ApiClient()
        client.tasks_api.retrieve(1, _request_timeout=(5, 30), _retries=0)
        client.tasks_api.retrieve(1, _request_timout=5)
        client.tasks_api.retrieve(1, _parse_response="yes")
        for task in client.tasks_api.list_iter(page_size=10):
            reveal_type(task)
    """))
    done = _mypy(["--follow-imports=silent", str(usage)], tmp_path, root)
    out = done.stdout
    assert 'Unexpected keyword argument "_request_timout"' in out, out
    assert '"_parse_response"' in out and "incompatible type" in out, out
    assert "Revealed type is" in out and "TaskRead" in out, out
    assert out.count("error:") == 2, out  # the correct call is accepted


def test_whole_package_passes_mypy_strict(sdk270: ModuleType, tmp_path: Path) -> None:
    from tests.conftest import SCHEMAS, build

    root, package = built_location(sdk270)
    roots, packages = [root], [package]
    for schema, other in ((SCHEMAS / "cvat-2.61.0.json", "strict261.api_client"),
                          (SCHEMAS / "oss" / "cvat-2.5.2.yml", "strict252.api_client")):
        out = tmp_path / other.split(".")[0]
        build(schema, out, package=other)
        roots.append(out)
        packages.append(other)
    assert (roots[0] / Path(*package.split("."), "py.typed")).exists()
    args = ["--strict"] + [a for p in packages for a in ("-p", p)]
    import os

    done = _mypy(args, tmp_path, Path(os.pathsep.join(map(str, roots))))
    assert done.returncode == 0, done.stdout[-5000:]
    assert "Success: no issues found" in done.stdout


def test_new_runtime_modules_pass_mypy_strict(sdk270: ModuleType, tmp_path: Path) -> None:
    package_dir = Path(sdk270.__file__).resolve().parent
    root = package_dir.parents[1]
    files = [str(package_dir / name) for name in ("retries.py", "multipart.py", "options.py")]
    done = _mypy(["--strict", "--follow-imports=silent", *files], tmp_path, root)
    assert done.returncode == 0, done.stdout
