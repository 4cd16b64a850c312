"""Stage 8: put the output in place atomically, with a manifest; or compare it (--check).

The new tree is written into a temporary folder beside the output and swapped in with two
renames, so a failed build never leaves a half-written output. Files that the user added
(anything not listed in the previous manifest) are carried over; files that an earlier
build wrote and this one doesn't are dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import BuildError, Diagnostic

MANIFEST_NAME = ".cvat-gen-manifest.json"
IGNORED_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache"}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


@dataclass
class Manifest:
    """What an output was built from. `generator_sha256` hashes the generator's and the
    plugins' code and the configuration (not the schema), so `build --check` can tell a
    generator-only change from a schema change; `version` is the distribution's version."""

    generator_version: str
    schema_sha256: str
    fingerprint: str
    files: dict[str, str] = field(default_factory=dict)
    generator_sha256: str = ""
    version: str = ""
    schema_version: str = ""
    plugins: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps({"generator_version": self.generator_version, "schema_sha256": self.schema_sha256,
                           "fingerprint": self.fingerprint, "generator_sha256": self.generator_sha256,
                           "version": self.version, "schema_version": self.schema_version,
                           "plugins": list(self.plugins), "files": dict(sorted(self.files.items()))},
                          indent=1, sort_keys=True) + "\n"

    @classmethod
    def read(cls, output: Path) -> Manifest | None:
        try:
            data: Any = json.loads((output / MANIFEST_NAME).read_text(encoding="utf-8"))
            files = data["files"]
            if not isinstance(files, dict):
                return None
            plugins = data.get("plugins") or []
            return cls(str(data["generator_version"]), str(data["schema_sha256"]), str(data.get("fingerprint", "")),
                       {str(k): str(v) for k, v in files.items()}, str(data.get("generator_sha256", "")),
                       str(data.get("version", "")), str(data.get("schema_version", "")),
                       tuple(str(p) for p in plugins) if isinstance(plugins, list) else ())
        except (OSError, ValueError, KeyError, TypeError):
            return None


def distribution_version(files: dict[str, bytes]) -> str:
    """The version the generated pyproject.toml declares ("" when there is none)."""
    import tomllib

    data = files.get("pyproject.toml")
    if data is None:
        return ""
    try:
        return str(tomllib.loads(data.decode("utf-8")).get("project", {}).get("version", ""))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""


def safe_relative(path: str) -> PurePosixPath:
    """Output paths come from plugins; none may escape the output folder."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or path != str(pure):
        raise BuildError(Diagnostic("", f"plugin emitted an unsafe output path {path!r}", source="output"))
    return pure


def on_disk_matches(output: Path, manifest: Manifest) -> bool:
    for rel, digest in manifest.files.items():
        try:
            if sha256_bytes((output / rel).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True


def _user_files(output: Path, previous: Manifest | None) -> list[Path]:
    generated = set(previous.files) if previous else set()
    generated.add(MANIFEST_NAME)
    found: list[Path] = []
    for root, dirs, files in os.walk(output):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS)
        for name in sorted(files):
            full = Path(root) / name
            rel = full.relative_to(output).as_posix()
            if rel not in generated:
                found.append(full)
    return found


def write_output(output: Path, files: dict[str, bytes], manifest: Manifest) -> dict[str, int]:
    """Swap in the new tree. Returns counts of written, unchanged, removed and kept user files."""
    output = output.resolve()
    previous = Manifest.read(output) if output.is_dir() else None
    if output.exists() and not output.is_dir():
        raise BuildError(Diagnostic("", f"output {output} exists and is not a folder", source="output"))
    if output.is_dir() and previous is None and any(output.iterdir()):
        # Never adopt a folder we did not create: its files would be "user files" forever
        # and the build would silently mix with them.
        raise BuildError(Diagnostic("", f"output folder {output} is not empty and was not written by cvat-gen "
                                        f"(no {MANIFEST_NAME}); choose another --output", source="output"))
    output.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{output.name}.cvat-gen-", dir=output.parent))
    stats = {"written": 0, "unchanged": 0, "removed": 0, "user_files_kept": 0}
    try:
        for rel, data in sorted(files.items()):
            target = stage / safe_relative(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            if previous and previous.files.get(rel) == sha256_bytes(data):
                stats["unchanged"] += 1
            else:
                stats["written"] += 1
        if previous:
            stats["removed"] = len(set(previous.files) - set(files))
        if output.is_dir():
            for user_file in _user_files(output, previous):
                rel = user_file.relative_to(output)
                if rel.as_posix() in files:
                    continue  # a generated file now owns that path; the user's version is replaced
                target = stage / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(user_file, target)
                stats["user_files_kept"] += 1
        (stage / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
        _swap(stage, output)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return stats


def _swap(stage: Path, output: Path) -> None:
    if not output.exists():
        os.rename(stage, output)
        return
    backup = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    backup.rmdir()
    os.rename(output, backup)
    try:
        os.rename(stage, output)
    except BaseException:
        os.rename(backup, output)
        raise
    shutil.rmtree(backup, ignore_errors=True)


@dataclass
class CheckResult:
    missing: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    outdated: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    schema_changed: bool = False
    no_manifest: bool = False
    # the schema is the one the output was built from, but the generator (code, plugins,
    # configuration) is not: a generator-only rebuild, to publish under a new version
    generator_changed: bool = False
    built_version: str = ""
    version: str = ""

    @property
    def current(self) -> bool:
        return not (self.missing or self.edited or self.outdated or self.stale or self.schema_changed
                    or self.no_manifest)

    def summary(self) -> str:
        note = ""
        if self.generator_changed:
            note = ("only the generator changed since the output was built (same schema)"
                    + (f"; it was built as version {self.built_version}" if self.built_version else "")
                    + ("; give the rebuild a new version (--version or [tool.cvat-gen] version, e.g. "
                       f"{self.built_version}.post1)" if self.built_version and self.version == self.built_version else ""))
        if self.current:
            return "output is current" + (f" ({note})" if note else "")
        lines = [note] if note else []
        if self.no_manifest:
            lines.append("no manifest: the output was never built by cvat-gen")
        if self.schema_changed:
            lines.append("the schema changed since the output was built")
        for label, items in (("edited by hand", self.edited), ("missing", self.missing),
                             ("out of date", self.outdated), ("no longer generated", self.stale)):
            if items:
                shown = ", ".join(items[:8]) + (f" (+{len(items) - 8} more)" if len(items) > 8 else "")
                lines.append(f"{len(items)} {label}: {shown}")
        return "\n".join(lines)


def check_output(output: Path, files: dict[str, bytes], schema_sha256: str, generator_sha256: str = "") -> CheckResult:
    result = CheckResult()
    previous = Manifest.read(output)
    result.version = distribution_version(files)
    if previous is None:
        result.no_manifest = True
    elif previous.schema_sha256 != schema_sha256:
        result.schema_changed = True
    elif generator_sha256 and previous.generator_sha256 != generator_sha256:
        result.generator_changed = True
        result.built_version = previous.version
    for rel, data in sorted(files.items()):
        try:
            disk = (output / rel).read_bytes()
        except OSError:
            result.missing.append(rel)
            continue
        if disk == data:
            continue
        if previous and previous.files.get(rel) and previous.files[rel] != sha256_bytes(disk):
            result.edited.append(rel)
        else:
            result.outdated.append(rel)
    if previous:
        result.stale = sorted(set(previous.files) - set(files))
    return result
