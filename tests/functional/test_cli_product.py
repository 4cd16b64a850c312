"""The tool around the pipeline behaves as users of black or ruff expect: documented exit
statuses, no tracebacks, typed configuration, and an output folder that is also the user's.

Builds here use the 2.69 and 2.70 schemas; a shared black cache (tests/conftest.py) keeps
them cheap. Filesystem failures use real mounts (tmpfs, remounted read-only or filled up)
where the test runs as root, which is how CI runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cvat_gen import cli as cli_module
from cvat_gen.write import MANIFEST_NAME, Manifest, on_disk_matches
from tests.conftest import build, schema_path


def run_cli(*args: str, cwd: Path | None = None, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cvat_gen", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, **kwargs)


def intact(output: Path) -> bool:
    manifest = Manifest.read(output)
    leftovers = [p for p in output.rglob("*") if ".cvat-gen-tmp-" in p.name]
    return manifest is not None and on_disk_matches(output, manifest) and not leftovers


def snapshot(output: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(output).as_posix(): (p.lstat().st_ino, p.read_bytes() if p.is_file() else b"")
            for p in sorted(output.rglob("*")) if not p.is_symlink()}


# ------------------------------------------------------------------------------ exit statuses


class _Boom:
    """A plugin whose emit hook crashes, and one that reports a plain-message error."""

    CVATGEN_ORDER = 200

    @staticmethod
    def cvatgen_emit_files(ir: Any) -> None:
        raise ValueError("the plugin's own bug")


class _Complains:
    CVATGEN_ORDER = 200

    @staticmethod
    def cvatgen_configure(context: Any) -> None:
        context.diagnostics.error("option 'x' makes no sense")


def _main_with(monkeypatch: pytest.MonkeyPatch, plugin: tuple[str, Any], *args: str) -> int:
    from cvat_gen import plugin_host

    real = plugin_host.load_plugins
    monkeypatch.setattr(plugin_host, "load_plugins", lambda disable, extra=(): real(disable, [plugin]))
    return cli_module.main(list(args))


def test_a_crashing_plugin_exits_3_with_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    status = _main_with(monkeypatch, ("boom", _Boom), "build", "-q", "-o", str(tmp_path / "o"))
    err = capsys.readouterr().err
    assert status == 3
    assert "error: plugins: plugin 'boom' failed in cvatgen_emit_files: ValueError: the plugin's own bug" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()

    status = _main_with(monkeypatch, ("boom", _Boom), "--traceback", "build", "-q", "-o", str(tmp_path / "o"))
    err = capsys.readouterr().err
    assert status == 3 and "Traceback" in err and "the plugin's own bug" in err


def test_a_plugin_reports_an_error_under_its_own_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    status = _main_with(monkeypatch, ("picky", _Complains), "build", "-q", "-o", str(tmp_path / "o"))
    assert status == 2
    assert capsys.readouterr().err.strip() == "error: plugin picky: option 'x' makes no sense"


@pytest.mark.parametrize(("toml", "message"), [
    ('jobs = "many"', "#/tool/cvat-gen/jobs: must be a whole number >= 0, got 'many'"),
    ("output = 5", "#/tool/cvat-gen/output: must be a string, got 5"),
    ('stale_patches = "sometimes"', "#/tool/cvat-gen/stale_patches: must be 'error' or 'warning'"),
    ('disable = "docs"', "#/tool/cvat-gen/disable: must be a list of strings"),
    ("outptu = 'x'", "#/tool/cvat-gen/outptu: unknown key"),
    ('template_dirs = ["no-such-folder"]', "template folder"),
])
def test_config_values_are_type_checked(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.cvat-gen]\n{toml}\n")
    result = run_cli("build", "-q", "-s", str(schema_path("2.70.0")), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_template_dir_and_default_schema_are_explained(tmp_path: Path) -> None:
    result = run_cli("build", "-q", "-s", str(schema_path("2.70.0")), "-o", str(tmp_path / "o"),
                     "--template-dir", str(tmp_path / "tmpl-typo"))
    assert result.returncode == 2 and "template folder" in result.stderr and "does not exist" in result.stderr
    result = run_cli("build", "-q", cwd=tmp_path)  # no pyproject, no --schema, no ../shared here
    assert result.returncode == 2
    assert "pass --schema" in result.stderr


def test_an_overlay_that_breaks_the_schema_is_caught_by_validation(tmp_path: Path) -> None:
    overlay = tmp_path / "typo.yaml"
    overlay.write_text("overlay: 1.0.0\ninfo: {title: typo, version: 1.0.0}\nactions:\n"
                       "  - target: $.components.schemas.About.properties.version\n"
                       "    description: a typo\n    update: {type: strnig}\n")
    result = run_cli("build", "-q", "-o", str(tmp_path / "o"), "-s", str(schema_path("2.70.0")),
                     "--overlay", str(overlay))
    assert result.returncode == 2
    assert "strnig" in result.stderr
    assert not (tmp_path / "o").exists()


def test_ctrl_c_exits_130_and_keeps_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(schema_path("2.70.0"), out)
    before = snapshot(out)
    new_schema = hashlib.sha256(schema_path("2.69.0").read_bytes()).hexdigest()
    interrupted = 0
    # from start-up to the last renames (a rebuild takes about half a second on a quiet machine,
    # several on a loaded one): each interruption lands in another stage
    for delay in (0.05, 0.15, 0.3, 0.45, 0.6, 1.2, 2.0):
        # in a session of its own, signalled as a terminal does: the whole process group, the
        # build's helper processes too (they must leave the reporting to the build)
        process = subprocess.Popen([sys.executable, "-m", "cvat_gen", "build", "-q", "-o", str(out),
                                    "-s", str(schema_path("2.69.0"))],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=120)
        if process.returncode == 0:
            break  # the build finished first: the new output must then be whole
        assert process.returncode == 130, err
        assert err.strip().endswith("interrupted") and "Traceback" not in err
        interrupted += 1
        if snapshot(out) != before:
            # Ctrl-C came while the staged files were being renamed into place: that step is
            # held to its end, so the output is the whole new build, never a mix of two
            manifest = Manifest.read(out)
            assert manifest is not None and manifest.schema_sha256 == new_schema, "a mix of two builds"
            assert intact(out)
            break
    assert interrupted, "no run was interrupted: the delays miss the build"
    assert intact(out)


def test_an_interruption_while_staging_leaves_the_old_output(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build(schema_path("2.70.0"), out)
    before = snapshot(out)
    from cvat_gen import write

    real, calls = write._create_staging_file, []

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(write, "_create_staging_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(schema_path("2.69.0"), out)
    assert len(calls) == 5
    assert snapshot(out) == before and intact(out)


# ------------------------------------------------------------------------------ filesystem


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A small real filesystem we can remount read-only or fill up (needs root, as in CI)."""
    mount_point = tmp_path / "mnt"
    mount_point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a tmpfs")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def test_a_read_only_target_exits_4_with_one_line(tmpfs: Path) -> None:
    out = tmpfs / "out"
    build(schema_path("2.70.0"), out)
    before = snapshot(out)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    result = run_cli("build", "-q", "-o", str(out), "-s", str(schema_path("2.69.0")))
    assert result.returncode == 4, result.stderr
    assert result.stderr.startswith("error: filesystem: Read-only file system")
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(out) == before


def test_a_full_disk_exits_4_and_leaves_no_partial_files(tmpfs: Path) -> None:
    filler = tmpfs / "filler"
    with filler.open("wb") as handle:  # leave ~1 MiB: less than the SDK needs
        handle.write(b"\0" * (7 * 1024 * 1024))
    out = tmpfs / "out"
    result = run_cli("build", "-q", "-o", str(out), "-s", str(schema_path("2.70.0")))
    assert result.returncode == 4, result.stderr
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert not [p for p in tmpfs.rglob("*") if ".cvat-gen-tmp-" in p.name]
    assert not (out / MANIFEST_NAME).exists()


# ------------------------------------------------------------------------------ the output folder


def _modes(output: Path) -> set[tuple[str, int]]:
    return {("dir" if p.is_dir() else "file", stat.S_IMODE(p.stat().st_mode)) for p in output.rglob("*")
            if not p.is_symlink() and "__pycache__" not in p.parts}


@pytest.mark.parametrize(("umask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700)])
def test_modes_follow_the_umask(tmp_path: Path, umask: int, file_mode: int, dir_mode: int) -> None:
    previous = os.umask(umask)
    try:
        build(schema_path("2.70.0"), tmp_path / "out")
        build(schema_path("2.69.0"), tmp_path / "out")  # files replaced by a rebuild too
    finally:
        os.umask(previous)
    assert _modes(tmp_path / "out") == {("file", file_mode), ("dir", dir_mode)}
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == dir_mode


def test_user_files_links_empty_folders_and_venvs_are_never_touched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(schema_path("2.69.0"), out)
    (out / "notes.md").write_text("mine")
    (out / "empty-folder").mkdir()
    (out / "link-to-file").symlink_to(out / "notes.md")
    (out / "link-to-folder").symlink_to(out / "cvat_sdk")
    (out / "dangling").symlink_to(tmp_path / "nowhere")
    (out / "cvat_sdk" / "api_client" / "my_helpers.py").write_text("X = 1\n")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(out / ".venv")], check=True)
    venv_python = out / ".venv" / "bin" / "python"
    link_target = os.readlink(venv_python)
    user_paths = ["notes.md", "empty-folder", "cvat_sdk/api_client/my_helpers.py", ".venv", ".venv/pyvenv.cfg"]
    before = {p: (out / p).lstat().st_ino for p in user_paths}

    result = run_cli("build", "-o", str(out), "-s", str(schema_path("2.70.0")))
    assert result.returncode == 0, result.stderr
    assert {p: (out / p).lstat().st_ino for p in user_paths} == before  # never copied or moved
    assert (out / "empty-folder").is_dir() and not any((out / "empty-folder").iterdir())
    assert os.readlink(out / "link-to-file") == str(out / "notes.md")
    assert os.readlink(out / "link-to-folder") == str(out / "cvat_sdk")
    assert os.readlink(out / "dangling") == str(tmp_path / "nowhere")
    assert venv_python.is_symlink() and os.readlink(venv_python) == link_target
    assert intact(out)
    assert "user entries left alone" in result.stdout


def test_the_summary_names_restored_hand_edits(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(schema_path("2.70.0"), out)
    edited = out / "cvat_sdk" / "api_client" / "rest.py"
    edited.write_text(edited.read_text() + "# my fix\n")
    result = run_cli("build", "-o", str(out), "-s", str(schema_path("2.70.0")))
    assert result.returncode == 0, result.stderr
    assert "1 restored" in result.stdout
    assert "restored (was edited by hand): cvat_sdk/api_client/rest.py" in result.stdout
    assert "# my fix" not in edited.read_text()
    again = run_cli("build", "-o", str(out), "-s", str(schema_path("2.70.0")))
    assert "up to date" in again.stdout


def test_help_documents_the_exit_statuses() -> None:
    result = run_cli("--help")
    for line in ("0    success", "1    --check or diff --fail-on", "2    bad input", "3    a plugin or template",
                 "4    filesystem", "130  interrupted"):
        assert line in result.stdout


def test_a_schema_without_operations_builds_and_imports(tmp_path: Path) -> None:
    schema = tmp_path / "empty.json"
    schema.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}))
    result = run_cli("build", "-q", "-s", str(schema), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    check = subprocess.run([sys.executable, "-c", "from cvat_sdk.api_client import ApiClient, apis, models; "
                            "print(ApiClient().__class__.__name__, apis.__all__)"],
                           cwd=tmp_path / "out", capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == "ApiClient []"
