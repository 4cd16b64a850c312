"""Stage 8: put the output in place atomically, with a manifest; or compare it (--check).

Generated files are staged beside their targets and renamed into place together, so a
failed or interrupted build never leaves a half-written output. The output folder is the
user's too: files the user added (anything not listed in the previous manifest), symlinks,
empty folders and virtual environments stay exactly where and what they are; files that an
earlier build wrote and this one doesn't are removed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import EXIT_PLUGIN, BuildError, Diagnostic

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
        raise BuildError(Diagnostic("", f"plugin emitted an unsafe output path {path!r}", source="output"),
                         exit_code=EXIT_PLUGIN)
    return pure


def on_disk_matches(output: Path, manifest: Manifest) -> bool:
    for rel, digest in manifest.files.items():
        try:
            if sha256_bytes((output / rel).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True


def _count_user_entries(output: Path, generated: set[str]) -> int:
    """Files and links the user keeps among the generated ones. A folder that holds no
    generated file (a `.venv`, a `notes/`) counts as one entry and is not walked."""
    generated_dirs = {p.rsplit("/", 1)[0] for p in generated if "/" in p}
    generated_dirs |= {d.rsplit("/", i)[0] for d in list(generated_dirs) for i in range(1, d.count("/") + 1)}
    count = 0
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        try:
            entries = sorted(os.scandir(output / rel_dir), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if rel in generated or rel == MANIFEST_NAME or entry.name in IGNORED_DIRS:
                continue
            if entry.is_dir(follow_symlinks=False) and rel in generated_dirs:
                pending.append(rel)
            else:
                count += 1
    return count


class _DeferredInterrupt:
    """Holds Ctrl-C (SIGINT) back while the staged files are renamed into place: that takes
    milliseconds, and an interruption in the middle would leave a mix of two builds."""

    def __enter__(self) -> _DeferredInterrupt:
        import signal
        import threading

        self.pending: Any = None
        self.previous: Any = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._hold)
        return self

    def _hold(self, signum: int, frame: Any) -> None:
        self.pending = (signum, frame)

    def __exit__(self, *exc: object) -> None:
        import signal

        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
            if self.pending is not None and callable(self.previous):
                self.previous(*self.pending)


def write_output(output: Path, files: dict[str, bytes], manifest: Manifest,
                 before_commit: Callable[[], None] | None = None) -> dict[str, Any]:
    """Bring the output folder to `files`, touching nothing else.

    Only generated paths are written, and only those whose bytes differ from what is on
    disk. Every changed file is first staged beside its target (`.<name>.cvat-gen-tmp-*`),
    then all are renamed into place at once, so a failure or an interruption while staging
    leaves the old output exactly as it was, and the renames themselves are each atomic.
    The user's files, symlinks, empty folders and virtual environments are never read,
    copied or moved. New files and folders get the modes the umask gives, as any tool's.

    Returns counts (written, updated, unchanged, removed, user_files) and `restored`: the
    generated files that had been edited by hand and are now back to their generated text.
    """
    output = output.absolute()
    if output.exists() and not output.is_dir():
        raise BuildError(Diagnostic("", f"output {output} exists and is not a folder", source="output"))
    previous = Manifest.read(output) if output.is_dir() else None
    if output.is_dir() and previous is None and any(output.iterdir()):
        # Never adopt a folder we did not create: its files would be "user files" forever
        # and the build would silently mix with them.
        raise BuildError(Diagnostic("", f"output folder {output} is not empty and was not written by cvat-gen "
                                        f"(no {MANIFEST_NAME}); choose another --output", source="output"))
    stats: dict[str, Any] = {"written": 0, "updated": 0, "unchanged": 0, "removed": 0, "restored": []}
    staged: list[tuple[Path, Path]] = []
    created: list[Path] = []  # folders this call made, removed again if it fails
    committed = False
    everything = dict(files)
    everything[MANIFEST_NAME] = manifest.to_json().encode("utf-8")
    try:
        for rel, data in sorted(everything.items()):
            target = output / safe_relative(rel)
            try:
                disk: bytes | None = target.read_bytes() if not target.is_symlink() else None
            except OSError:
                disk = None
            if disk == data:
                stats["unchanged"] += rel != MANIFEST_NAME
                continue
            if rel != MANIFEST_NAME:
                if disk is None:
                    stats["written"] += 1
                elif previous and previous.files.get(rel) not in (None, sha256_bytes(disk)):
                    stats["restored"].append(rel)
                else:
                    stats["updated"] += 1
            _make_folders(target.parent, created)
            handle, temp = _create_staging_file(target)
            staged.append((temp, target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
        stale = sorted(set(previous.files) - set(files)) if previous else []
        if before_commit is not None:  # the last word before anything changes (it may raise)
            before_commit()
        with _DeferredInterrupt():
            for temp, target in staged:
                if target.is_symlink() or target.is_dir():
                    raise BuildError(Diagnostic("", f"{target} is a link or a folder where cvat-gen writes a file; "
                                                    "move it away", source="output"))
                os.replace(temp, target)
            staged.clear()
            committed = True
            for rel in stale:
                _remove_generated(output, safe_relative(rel))
                stats["removed"] += 1
    finally:
        for temp, _ in staged:
            try:
                temp.unlink()
            except OSError:
                pass
        if not committed:
            for folder in reversed(created):
                try:
                    folder.rmdir()
                except OSError:
                    pass
    stats["user_files"] = _count_user_entries(output, set(files))
    return stats


def _create_staging_file(target: Path) -> tuple[int, Path]:
    """A new file beside `target`, opened for writing, with the mode the umask gives (as
    any tool's new file). Named `.<name>.cvat-gen-tmp-<pid>-<n>`: found and removed if a
    build is killed outright; O_EXCL never reuses one that is there."""
    for attempt in itertools.count():
        temp = target.with_name(f".{target.name}.cvat-gen-tmp-{os.getpid()}-{attempt}")
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temp
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


def _make_folders(folder: Path, created: list[Path]) -> None:
    """mkdir -p that remembers what it made, outermost first."""
    missing: list[Path] = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(exist_ok=True)
        created.append(path)


def _remove_generated(output: Path, rel: PurePosixPath) -> None:
    """Remove a file an earlier build wrote, and the folders that only it kept alive."""
    target = output / rel
    try:
        if target.is_file() and not target.is_symlink():
            target.unlink()
    except FileNotFoundError:
        pass
    parent = target.parent
    while parent != output:
        try:
            parent.rmdir()  # only succeeds when empty
        except OSError:
            break
        parent = parent.parent


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
