"""Cached venvs with the real ``cvat-sdk`` of one server release, from PyPI.

Why cached: installing cvat-sdk and its dependencies takes ~15-20 s; the surface and core
tests of several releases would pay that on every run. A venv lives in
``$CVAT_GEN_TEST_VENVS`` (default ``~/.cache/cvat-gen-test/venvs``) as ``cvat-sdk-<release>``
and is reused; a missing one is created (CI starts from scratch). Creation happens in a
temporary folder that is renamed into place when complete, so a crash or a parallel worker
never leaves a half-installed venv behind (venvs are run as ``<venv>/bin/python -m ...``,
which works after the rename).

Which cvat-sdk matches a server release: cvat-sdk is released with the server, but not every
server patch release has its own SDK (server 2.30.1 -> cvat-sdk 2.30.0). The match is the
newest cvat-sdk of the same minor series that is not newer than the server:
``cvat-sdk>=X.Y.0,<=X.Y.Z``, which pip resolves.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VENVS = Path(os.environ.get("CVAT_GEN_TEST_VENVS") or Path.home() / ".cache" / "cvat-gen-test" / "venvs")
WAIT_SECONDS = 900.0


class VenvUnavailable(RuntimeError):
    """PyPI can't be reached or has no matching cvat-sdk (the caller skips)."""


def requirement(release: str) -> str:
    """``2.30.1`` -> ``cvat-sdk>=2.30.0,<=2.30.1`` (see the module docstring)."""
    major, minor, *_ = release.split(".")
    return f"cvat-sdk>={major}.{minor}.0,<={release}"


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def _create(target: Path, release: str) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f"{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        made = _run([sys.executable, "-m", "venv", str(staging)], 180)
        if made.returncode != 0:
            raise VenvUnavailable(f"can't create a venv: {made.stderr[-500:]}")
        python = venv_python(staging)
        try:
            installed = _run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                              requirement(release), "msgspec>=0.19"], 600)
        except subprocess.TimeoutExpired:
            raise VenvUnavailable(f"`pip install {requirement(release)}` timed out") from None
        if installed.returncode != 0:
            raise VenvUnavailable(f"`pip install {requirement(release)}` failed: {installed.stderr.strip()[-800:]}")
        os.rename(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def sdk_venv(release: str) -> Path:
    """The venv with the cvat-sdk matching server ``release`` (created on first use)."""
    VENVS.mkdir(parents=True, exist_ok=True)
    target = VENVS / f"cvat-sdk-{release}"
    lock = VENVS / f"cvat-sdk-{release}.lock"
    deadline = time.monotonic() + WAIT_SECONDS
    while not venv_python(target).exists():
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if time.monotonic() > deadline:
                raise VenvUnavailable(f"waited {WAIT_SECONDS:g} s for {lock} (remove it if stale)") from None
            time.sleep(0.5)
            continue
        try:
            if not venv_python(target).exists():
                _create(target, release)
        finally:
            os.close(fd)
            os.unlink(lock)
    return target


def sdk_version(venv: Path) -> str:
    """The installed cvat-sdk version (from its metadata, without importing it)."""
    out = _run([str(venv_python(venv)), "-c",
                "import importlib.metadata as m; print(m.version('cvat-sdk'))"], 120)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-1000:])
    return out.stdout.strip()


def sdk_package_dir(venv: Path) -> Path:
    """``.../site-packages/cvat_sdk`` of the venv."""
    out = _run([str(venv_python(venv)), "-c",
                "import importlib.util, os; print(os.path.dirname(importlib.util.find_spec('cvat_sdk').origin))"], 120)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-1000:])
    return Path(out.stdout.strip())


def reference_surface(venv: Path, extract_tool: Path) -> Path:
    """The real cvat-sdk's api_client dumped with the shared extract tool; cached in the
    venv, keyed by the tool's hash (a new tool version dumps again)."""
    tool_hash = hashlib.sha256(extract_tool.read_bytes()).hexdigest()[:12]
    dump = venv / f"surface-{tool_hash}.json"
    if not dump.is_file():
        staging = dump.with_suffix(f".{os.getpid()}.tmp")
        done = _run([str(venv_python(venv)), str(extract_tool), "cvat_sdk.api_client", "-o", str(staging)], 600)
        if done.returncode != 0 or not staging.is_file():
            raise RuntimeError(f"extracting the real cvat-sdk failed: {done.stderr[-2000:]}")
        json.loads(staging.read_text())  # a whole JSON document, or fail here
        os.replace(staging, dump)
    return dump
