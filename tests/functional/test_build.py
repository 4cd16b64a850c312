"""The pipeline end to end: every shared schema builds, imports, and carries every operation
and component through; --check, atomic writes, determinism and vendoring."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cvat_gen.write import MANIFEST_NAME
from tests.conftest import RELEASES, ROOT, build, import_generated, schema_path

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def cli(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cvat_gen", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.mark.parametrize("release", RELEASES)
def test_every_release_builds_imports_and_keeps_every_operation_and_schema(release: str, tmp_path: Path) -> None:
    package = f"sdk_{release.replace('.', '_')}.api_client"
    result = build(schema_path(release), tmp_path, package=package)
    assert result.ir is not None
    sdk = import_generated(tmp_path, package)
    doc = json.loads(schema_path(release).read_text())
    op_ids = {op["operationId"] for item in doc["paths"].values() for m, op in item.items() if m in HTTP_METHODS}
    generated_ids = set()
    for api_name in sdk.apis.__all__:
        api_cls = getattr(sdk.apis, api_name)
        generated_ids |= {spec.operation_id for spec in api_cls._endpoint_specs}
    # every operation of the schema, plus the ones our patches restore
    assert op_ids <= generated_ids
    assert generated_ids - op_ids <= {"cloudstorages_retrieve_status"}
    # every component schema that is a class in cvat-sdk's sense is a model or an enum
    kinds = {n: s for n, s in doc["components"]["schemas"].items()}
    exported = set(sdk.models.__all__)
    classes = {n for n, s in kinds.items() if "enum" in s or "properties" in s or "oneOf" in s or "anyOf" in s
               or "allOf" in s or s.get("type") == "object"}
    assert classes <= exported, classes - exported
    for name in classes:
        assert isinstance(getattr(sdk.models, name), type)


def test_yaml_schema_builds(tmp_path: Path) -> None:
    doc = json.loads(schema_path("2.70.0").read_text())
    source = tmp_path / "cvat.yaml"
    source.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    out_json, out_yaml = tmp_path / "from-json", tmp_path / "from-yaml"
    build(schema_path("2.70.0"), out_json)
    build(source, out_yaml)
    a, b = tree(out_json), tree(out_yaml)
    a.pop(MANIFEST_NAME), b.pop(MANIFEST_NAME)
    # Same content; only the header's source description may not differ either
    assert a == b


def test_check_reports_current_edited_missing_and_schema_change(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli("build", "-q", "-o", str(out)).returncode == 0
    current = cli("build", "--check", "-o", str(out))
    assert current.returncode == 0, current.stdout + current.stderr
    assert "current" in current.stdout

    model_file = out / "cvat_sdk/api_client/models/_models.py"
    model_file.write_text(model_file.read_text() + "\n# a hand edit\n")
    edited = cli("build", "--check", "-o", str(out))
    assert edited.returncode == 1 and "edited by hand" in edited.stdout and "_models.py" in edited.stdout

    (out / "cvat_sdk/api_client/rest.py").unlink()
    missing = cli("build", "--check", "-o", str(out))
    assert missing.returncode == 1 and "missing" in missing.stdout and "rest.py" in missing.stdout

    assert cli("build", "-q", "-o", str(out)).returncode == 0
    changed = cli("build", "--check", "-o", str(out), "--schema", str(schema_path("2.69.0")))
    assert changed.returncode == 1 and "schema changed" in changed.stdout
    assert not (out / ".cvat-gen-manifest.json").read_text().count("2.69")  # --check wrote nothing


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("bad.json", '{"openapi": "3.0.3", "info": ', "invalid JSON"),
    ("noref.json", None, "unresolvable reference"),
    ("nopaths.json", '{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}}', "#/paths"),
])
def test_corrupt_schema_fails_cleanly_and_keeps_the_old_output(tmp_path: Path, name: str, text: str | None,
                                                               expected: str) -> None:
    out = tmp_path / "out"
    assert cli("build", "-q", "-o", str(out)).returncode == 0
    (out / "my_notes.txt").write_text("mine")
    before = tree(out)
    if text is None:
        doc = json.loads(schema_path("2.70.0").read_text())
        doc["paths"]["/api/tasks"]["post"]["requestBody"]["content"]["application/json"]["schema"] = {
            "$ref": "#/components/schemas/DoesNotExist"}
        text = json.dumps(doc)
    bad = tmp_path / name
    bad.write_text(text)
    result = cli("build", "-o", str(out), "--schema", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert expected in result.stderr
    assert all(line.startswith(("error:", "warning:")) for line in result.stderr.splitlines())
    assert tree(out) == before


def test_output_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "12345"):
        out = tmp_path / f"out-{seed}"
        assert cli("build", "-q", "-o", str(out), env={"PYTHONHASHSEED": seed}).returncode == 0
        outputs.append(tree(out))
    assert outputs[0] == outputs[1]
    text = b"".join(outputs[0].values())
    assert b"2026-" not in text and b"2025-" not in text  # no timestamps


def test_rebuild_keeps_user_files_and_drops_files_no_longer_generated(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(schema_path("2.70.0"), out)
    (out / "NOTES.md").write_text("mine")
    (out / "cvat_sdk/api_client/my_helpers.py").write_text("X = 1\n")
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    manifest["files"]["cvat_sdk/api_client/old_generated.py"] = "0" * 64
    (out / "cvat_sdk/api_client/old_generated.py").write_text("old\n")
    (out / MANIFEST_NAME).write_text(json.dumps(manifest))
    result = build(schema_path("2.70.0"), out)
    assert not result.up_to_date
    assert (out / "NOTES.md").read_text() == "mine"
    assert (out / "cvat_sdk/api_client/my_helpers.py").exists()
    assert not (out / "cvat_sdk/api_client/old_generated.py").exists()
    again = build(schema_path("2.70.0"), out)
    assert again.up_to_date  # nothing changed: no work


def test_refuses_to_adopt_a_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "someone_elses.txt").write_text("x")
    result = cli("build", "-o", str(tmp_path))
    assert result.returncode == 2 and "not written by cvat-gen" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["someone_elses.txt"]


def test_vendored_package_imports_under_its_own_name(tmp_path: Path) -> None:
    build(schema_path("2.70.0"), tmp_path, package="acme._vendor.cvat_api")
    assert (tmp_path / "acme/_vendor/cvat_api/api_client.py").is_file()
    assert not (tmp_path / "cvat_sdk").exists()
    probe = ("import acme._vendor.cvat_api as sdk\n"
             "c = sdk.ApiClient(sdk.Configuration(host='http://localhost'))\n"
             "assert type(c.tasks_api).__module__ == 'acme._vendor.cvat_api.api.tasks_api'\n"
             "assert sdk.models.TaskRead.__module__.startswith('acme._vendor.cvat_api.models')\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for path in (tmp_path / "acme/_vendor/cvat_api").rglob("*.py"):
        for line in path.read_text().splitlines():
            if line.lstrip().startswith(("import ", "from ")):
                assert "cvat_sdk" not in line, (path, line)


def test_output_layout_and_headers(tmp_path: Path) -> None:
    build(schema_path("2.70.0"), tmp_path)
    assert (tmp_path / "pyproject.toml").is_file()
    assert (tmp_path / "docs").is_dir()
    assert (tmp_path / "cvat_sdk/api_client/py.typed").is_file()
    for path in (tmp_path / "cvat_sdk").rglob("*.py"):
        assert path.read_text().startswith("# Generated by cvat-gen"), path
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert manifest["schema_sha256"] and manifest["generator_version"]
    assert set(manifest["files"]) == set(tree(tmp_path)) - {MANIFEST_NAME}


def test_cli_ir_and_plugins() -> None:
    ir = cli("ir")
    assert ir.returncode == 0
    data = json.loads(ir.stdout)
    ops = {op["operation_id"]: op for api in data["apis"] for op in api["operations"]}
    assert ops["tasks_create"]["method_name"] == "create"
    assert "deprecated" in ops["tasks_create"] and "versions" in ops["tasks_create"]
    plugins = cli("plugins")
    assert plugins.returncode == 0
    lines = plugins.stdout.splitlines()
    assert [line.split()[1] for line in lines][:7] == ["schema_patches", "versioned_endpoints", "compat_aliases",
                                                        "runtime", "models", "apis", "docs"]
    assert cli("build", "--disable-plugin", "nope", "--check").returncode == 2


def test_diff_between_releases() -> None:
    result = cli("diff", str(schema_path("2.69.0")), str(schema_path("2.70.0")))
    assert result.returncode == 0
    assert result.stdout.strip()


def test_build_from_a_live_server_url_and_http_errors(tmp_path: Path) -> None:
    """`--schema http://...` as a server's /api/schema/ serves it; an HTTP error is one line."""
    from tests.support.schema_server import serve_schema

    body = schema_path("2.70.0").read_bytes()
    with serve_schema(lambda: body) as base:
        from_url, from_file = tmp_path / "url", tmp_path / "file"
        assert cli("build", "-q", "-o", str(from_url), "--schema", f"{base}/api/schema/?format=json").returncode == 0
        assert cli("build", "-q", "-o", str(from_file)).returncode == 0
        a, b = tree(from_url), tree(from_file)
        a.pop(MANIFEST_NAME), b.pop(MANIFEST_NAME)
        assert a == b
        missing = cli("build", "-o", str(tmp_path / "x"), "--schema", f"{base}/nope")
        assert missing.returncode == 2 and "HTTP 404" in missing.stderr and "Traceback" not in missing.stderr
        assert len(missing.stderr.strip().splitlines()) == 1
        assert not (tmp_path / "x").exists()



def test_a_rebuild_from_a_url_fetches_the_schema_once(tmp_path: Path) -> None:
    """The no-op check reads the schema to compare it with the manifest's; when the server
    serves a new release, the build that follows uses those bytes, not a second fetch."""
    from tests.support.schema_server import serve_schema

    releases = [schema_path("2.69.0").read_bytes(), schema_path("2.70.0").read_bytes()]
    fetched: list[int] = []

    def body() -> bytes:
        fetched.append(1)
        return releases[0] if len(fetched) == 1 else releases[1]

    with serve_schema(body) as base:
        out, url = tmp_path / "out", f"{base}/api/schema/?format=json"
        assert cli("build", "-q", "-o", str(out), "--schema", url, "--cache-dir", str(tmp_path / "cache")).returncode == 0
        assert len(fetched) == 1
        assert cli("build", "-q", "-o", str(out), "--schema", url, "--cache-dir", str(tmp_path / "cache")).returncode == 0
        assert len(fetched) == 2, "the release rebuild fetched the schema more than once"
    assert json.loads((out / MANIFEST_NAME).read_text())["schema_version"].startswith("2.70.0")

def test_output_is_an_installable_distribution(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(schema_path("2.70.0"), out)
    target = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                             str(target), str(out)], capture_output=True, text=True, timeout=600)
    if result.returncode != 0 and "Could not find a version" in result.stderr:
        pytest.skip("no package index for the build backend: " + result.stderr.strip()[-200:])
    assert result.returncode == 0, result.stderr[-2000:]
    assert (target / "cvat_sdk/api_client/py.typed").is_file()
    probe = subprocess.run([sys.executable, "-c", "from cvat_sdk.api_client import ApiClient, models; "
                            "print(models.TaskRead.__name__)"], cwd=tmp_path, capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(target)})
    assert probe.stdout.strip() == "TaskRead", probe.stderr
