"""Shared fixtures: which schemas exist, their documents, and shared in-process builds.

Schemas are found by LISTING the two folders of ../shared/schemas, never by a list in code:

* hosted edition ``schemas/cvat-<version>.json`` -> schema id ``<version>`` (``2.70.0``);
* open-source edition ``schemas/oss/cvat-<version>.yml`` (also ``.yaml``/``.json``) -> schema
  id ``oss-<version>`` (``oss-2.70.1``).

A file dropped into either folder becomes a new id, so every parametrized matrix test picks
it up. ``RELEASES`` keeps its old meaning (the hosted ids) for tests that read the schema as
JSON; ``SCHEMA_IDS`` is every id, in edition then version order.

Builds: :func:`built_sdk` builds each schema ONCE per test session, as the default package
``cvat_sdk.api_client``, into a build cache shared by all pytest-xdist workers (a finished
build is moved into place with ``os.rename``, so a reader sees a whole build or none; a
worker that finds another one building waits for it). The cache key is the schema's sha256
plus a hash of the generator's and built-in plugins' sources, so a persistent cache
(``CVAT_GEN_TEST_BUILDS=<dir>``) can never serve a stale build. :func:`import_built`
imports such a build under a unique package name (the generated code only uses relative
imports), so several releases are importable side by side without building twice.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = (ROOT.parent / "shared" / "schemas").resolve()
OSS_SCHEMAS = SCHEMAS / "oss"
OSS_PREFIX = "oss-"
_SCHEMA_SUFFIXES = (".json", ".yml", ".yaml")


def _version_key(version: str) -> tuple[Any, ...]:
    """``2.5.2`` < ``2.16.3``: numeric parts compare as numbers, the rest as text."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-]", version))


def _discover() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder, prefix in ((SCHEMAS, ""), (OSS_SCHEMAS, OSS_PREFIX)):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.name.startswith("cvat-") and path.suffix in _SCHEMA_SUFFIXES:
                version = path.name[len("cvat-"):].rsplit(".", 1)[0]
                found.setdefault(prefix + version, path)
    return dict(sorted(found.items(), key=lambda kv: (kv[0].startswith(OSS_PREFIX), _version_key(release_of(kv[0])))))


def release_of(schema_id: str) -> str:
    """The server release of a schema id: ``oss-2.70.1`` -> ``2.70.1``."""
    return schema_id.removeprefix(OSS_PREFIX)


def is_oss(schema_id: str) -> bool:
    return schema_id.startswith(OSS_PREFIX)


SCHEMA_FILES: dict[str, Path] = _discover()
SCHEMA_IDS: list[str] = list(SCHEMA_FILES)
RELEASES: list[str] = [i for i in SCHEMA_IDS if not is_oss(i) and SCHEMA_FILES[i].suffix == ".json"]
OSS_IDS: list[str] = [i for i in SCHEMA_IDS if is_oss(i)]


def schema_path(schema_id: str = "2.70.0") -> Path:
    """The file of a schema id (see the module docstring for the id scheme)."""
    try:
        return SCHEMA_FILES[schema_id]
    except KeyError:
        raise KeyError(f"no schema {schema_id!r} under {SCHEMAS} (known: {', '.join(SCHEMA_IDS)})") from None


@functools.lru_cache(maxsize=None)
def _yaml_loader() -> type:
    """libyaml's parser when available (about 5x faster than the pure-Python one), with the
    generator's rule that dates stay strings (cvat_gen.load drops the timestamp resolver)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        pass

    Loader.yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in base.yaml_implicit_resolvers.items()
    }
    return Loader


@functools.lru_cache(maxsize=None)
def _document(schema_id: str) -> str:
    path = schema_path(schema_id)
    if path.suffix == ".json":
        return path.read_text(encoding="utf-8")
    import yaml

    return json.dumps(yaml.load(path.read_text(encoding="utf-8"), Loader=_yaml_loader()))  # noqa: S506


def load_document(schema_id: str) -> dict[str, Any]:
    """A fresh dict of the schema (YAML parsed once per process, then copied via JSON so that
    a test that edits its copy can't change another test's)."""
    return json.loads(_document(schema_id))


@functools.lru_cache(maxsize=None)
def operation_ids(schema_id: str) -> frozenset[str]:
    """Every operationId of a schema."""
    paths = load_document(schema_id).get("paths") or {}
    return frozenset(
        op["operationId"] for item in paths.values() if isinstance(item, dict)
        for op in item.values() if isinstance(op, dict) and "operationId" in op
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "uses(*operation_ids): the operations a scenario calls "
                            "(skipped on a release that lacks one)")


# --- summary tables of the contract and skew tests ------------------------------------------
# The tests record one row each with ``record_property`` (which pytest-xdist ships from the
# workers to the controller). These hooks live in the root conftest because the controller
# of an xdist run loads only this one.

SUMMARY_KEYS = {
    "matrix_summary": "Matrix: every schema (hosted + open-source), its operations, contract "
    "calls, and cvat-sdk surface compat where measured",
    "contract_summary": "Contract: every operation of every release against its ContractServer",
    "skew_summary": "Version skew: SDK of release A against a ContractServer of release B "
    "(extra fields + unknown enum values)",
    # declared here because the xdist controller imports only this conftest
    "fault_summary": "Fault injection: outcome and retries of each fault (generated 2.70 client)",
    "memory_summary": "Large transfers: 1 GiB through the generated client",
}
_rows: dict[str, list[dict[str, Any]]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call":
        return
    for key, value in report.user_properties:
        if key in SUMMARY_KEYS or key == "compat_summary":
            _rows.setdefault(key, []).append(json.loads(value) if isinstance(value, str) else value)


def _matrix_rows() -> list[dict[str, Any]]:
    """One row per schema id: the contract row joined with the compat row of that id."""
    compat = {r["schema"]: r for r in _rows.get("compat_summary", [])}
    contract = {r["schema"]: r for r in _rows.get("contract_summary", [])}
    rows = []
    for schema in [*contract, *(s for s in compat if s not in contract)]:
        c, m = contract.get(schema), compat.get(schema)
        rows.append({
            "schema": schema,
            "operations": c["operations"] if c else "-",
            "contract calls passed": f"{c['calls'] - c['failures'] - c['xfail']}/{c['calls']}" if c else "-",
            "expected failures": c["xfail"] if c else "-",
            "cvat-sdk": m["cvat-sdk"] if m else "-",
            "compat": f"{m['compat']:.2f}%" if m else "-",
            "compat w/o drift": f"{m['compat without schema drift']:.2f}%" if m else "-",
            "mismatches": m["mismatches"] if m else "-",
        })
    return rows


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.functional.contract_calls import format_table

    if _rows.get("contract_summary") or _rows.get("compat_summary"):
        _rows["matrix_summary"] = _matrix_rows()
    for key, title in SUMMARY_KEYS.items():
        rows = _rows.get(key)
        if not rows:
            continue
        if key == "matrix_summary":
            order = {s: i for i, s in enumerate(SCHEMA_IDS)}
            rows = sorted(rows, key=lambda r: order.get(r["schema"], len(order)))
        else:
            rows = sorted(rows, key=lambda r: tuple(str(r.get(h, "")) for h in rows[0]))
        headers = list(rows[0])
        terminalreporter.write_sep("=", title)
        terminalreporter.write_line(format_table(headers, [[r.get(h, "") for h in headers] for r in rows]))


# --- build cache shared by the xdist workers of one session ---------------------------------


def _session_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder shared by every xdist worker of this run (the parent of the workers' base
    temp folders), or the base temp folder without xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session", autouse=True)
def _shared_caches(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    root = _session_root(tmp_path_factory)
    if "CVAT_GEN_CACHE_DIR" not in os.environ:
        os.environ["CVAT_GEN_CACHE_DIR"] = str(root / "cvat-gen-cache")
    if "CVAT_GEN_TEST_BUILDS" not in os.environ:
        os.environ["CVAT_GEN_TEST_BUILDS"] = str(root / "builds")
    yield


@functools.lru_cache(maxsize=1)
def generator_hash() -> str:
    """sha256 of the generator's and built-in plugins' sources (what a build depends on)."""
    digest = hashlib.sha256()
    for folder in (ROOT / "generator", ROOT / "plugins"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


BUILD_WAIT_SECONDS = 600.0


def built_sdk(schema_id: str) -> Path:
    """Folder holding ``cvat_sdk/api_client`` built from ``schema_id`` with default settings.

    Built once per cache (see the module docstring); concurrent callers in other processes
    wait for the first one's build instead of repeating it."""
    cache = Path(os.environ.get("CVAT_GEN_TEST_BUILDS") or Path(tempfile.gettempdir()) / "cvat-gen-test-builds")
    cache.mkdir(parents=True, exist_ok=True)
    schema_sha = hashlib.sha256(schema_path(schema_id).read_bytes()).hexdigest()
    key = f"{schema_id}-{hashlib.sha256((schema_sha + generator_hash()).encode()).hexdigest()[:16]}"
    final = cache / key
    lock = cache / f"{key}.lock"
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while not (final / "cvat_sdk" / "api_client" / "__init__.py").is_file():
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {BUILD_WAIT_SECONDS:g} s for another worker's build of {schema_id}")
            time.sleep(0.2)
            continue
        try:
            os.write(fd, str(os.getpid()).encode())
            if (final / "cvat_sdk" / "api_client" / "__init__.py").is_file():
                break
            staging = Path(tempfile.mkdtemp(prefix=f"{key}.", suffix=".tmp", dir=cache))
            try:
                build(schema_path(schema_id), staging)  # default settings
                os.rename(staging, final)
            finally:
                shutil.rmtree(staging, ignore_errors=True)  # only left when the build failed
        finally:
            os.close(fd)
            os.unlink(lock)
    return final


def import_built(schema_id: str, alias: str, links: Path) -> ModuleType:
    """Import the shared build of ``schema_id`` as ``<alias>.api_client``: ``links/<alias>``
    is a package whose ``api_client`` is a symlink to the build (no copy, no rebuild)."""
    package = links / alias
    if not package.is_dir():
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "api_client").symlink_to(built_sdk(schema_id) / "cvat_sdk" / "api_client", target_is_directory=True)
    return import_generated(links, f"{alias}.api_client")


def built_location(sdk: ModuleType) -> tuple[Path, str]:
    """Where the shared build behind a fixture SDK really is, and its package name there
    (`sdk270` imports it through a symlink; a subprocess or mypy needs the real folder)."""
    init = Path(sdk.__file__).resolve()
    root = init.parents[2]
    return root, ".".join(init.parent.relative_to(root).parts)


def build(schema: Path | str, output: Path, package: str = "cvat_sdk.api_client", **overrides: object):
    from cvat_gen.config import BuildConfig
    from cvat_gen.pipeline import run_build

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
    return import_built("2.70.0", "sdk270", tmp_path_factory.mktemp("sdk270"))
