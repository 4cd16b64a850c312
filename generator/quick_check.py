"""Is the output up to date? Answered without loading a single plugin.

A no-op rebuild (CI runs `cvat-gen build` on every commit) is the build users run most. The
full answer needs the generator fingerprint, which hashes the code of every plugin, which
means discovering and importing them (entry points, pluggy, the IR module...): most of the
time a no-op rebuild took. Each full build therefore leaves a note in the cache dir, per
output folder: which files its fingerprint read (generator and plugin code, templates,
overlays) and a key over everything else that could change the plugin set or the output
(cvat-gen's version, the configuration, `sys.path`, every installed distribution's entry
points). The next build recomputes that key from the same files and, when it matches and the
output on disk is intact, stops there. Anything unexpected (no note, another key, an
unreadable file) just means the full path runs; this module can say "up to date" only when
the full build would have said it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .cache_files import write_atomic
from .config import BuildConfig

NOTE_VERSION = 1


def _note_path(config: BuildConfig) -> Path:
    folder = config.cache_root / "up-to-date"
    output = str(config.output.absolute())
    return folder / f"{hashlib.sha256(output.encode()).hexdigest()[:24]}.json"


def _installed_entry_points() -> str:
    """What plugin discovery could see: every distribution's entry_points.txt on sys.path,
    hashed, found with a directory scan (importlib.metadata costs ten times as much)."""
    digest = hashlib.sha256(repr(sys.path).encode())
    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                digest.update(f"{entry}\0{name}\n".encode())
                try:
                    digest.update(Path(entry or ".", name, "entry_points.txt").read_bytes())
                except OSError:
                    pass
    return digest.hexdigest()


# generator code that no output depends on (the diff reads outputs' inputs; it makes none)
_NOT_OUTPUT_CODE = (Path(__file__).parent / "diff",)
_SOURCE_SUFFIXES = {".py", ".j2", ".yaml", ".yml", ".json", ".txt", ".typed", ".md"}


def _hash_tree(digest: Any, root: Path) -> None:
    """The folder's source files, by relative path (os.walk: pathlib's rglob took longer than
    hashing the files)."""
    skip = {str(path) for path in _NOT_OUTPUT_CODE}
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__" and os.path.join(folder, d) not in skip]
        found.extend(os.path.join(folder, name) for name in files if os.path.splitext(name)[1] in _SOURCE_SUFFIXES)
    for path in sorted(found):
        digest.update(os.path.relpath(path, root).replace(os.sep, "/").encode())
        try:
            with open(path, "rb") as stream:
                digest.update(stream.read())
        except OSError:
            digest.update(b"<unreadable>")


def hash_inputs(digest: Any, inputs: list[str]) -> None:
    """Folders (their source files, listed anew each time, so an added file counts) and
    single files, in order; a missing file hashes as missing."""
    for name in inputs:
        path = Path(name)
        digest.update(name.encode() + b"\0")
        if path.is_dir():
            _hash_tree(digest, path)
        else:
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(b"<missing>")


def files_digest(files: list[str]) -> str:
    """What `hash_inputs` reads of these files and folders, as one digest."""
    digest = hashlib.sha256()
    hash_inputs(digest, files)
    return digest.hexdigest()


def _key(config: BuildConfig, schema_sha256: str, files_sha256: str) -> str:
    parts = [f"note {NOTE_VERSION}", f"cvat-gen {__version__}", repr(config), schema_sha256,
             _installed_entry_points(), files_sha256]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def record(config: BuildConfig, schema_sha256: str, fingerprint: str, files: list[str], files_sha256: str) -> None:
    """After a full build: remember how to recognise the same inputs cheaply. `files_sha256`
    is `files_digest(files)`, computed by the build for its fingerprint already."""
    try:
        note = {"version": NOTE_VERSION, "files": files, "fingerprint": fingerprint,
                "key": _key(config, schema_sha256, files_sha256)}
        text = json.dumps(note)
    except ValueError:
        return
    write_atomic(_note_path(config), text.encode("utf-8"))  # a note that can't be written only costs speed


def is_up_to_date(config: BuildConfig, schema_read: list[bytes] | None = None) -> bool:
    """True only when a full build would find nothing to do. The schema's bytes, once read,
    are appended to `schema_read`: the full build that follows a "no" does not read (or,
    from a URL, fetch) them again."""
    from .load import read_source
    from .write import Manifest, on_disk_matches

    try:
        note: Any = json.loads(_note_path(config).read_text(encoding="utf-8"))
        if not isinstance(note, dict) or note.get("version") != NOTE_VERSION:
            return False
        files = note["files"]
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            return False
        manifest = Manifest.read(config.output)
        if manifest is None or manifest.fingerprint != note.get("fingerprint"):
            return False
        schema = read_source(config.schema)
        if schema_read is not None:
            schema_read.append(schema)
        schema_sha256 = hashlib.sha256(schema).hexdigest()
        if schema_sha256 != manifest.schema_sha256 or _key(config, schema_sha256, files_digest(files)) != note.get("key"):
            return False
        return on_disk_matches(config.output, manifest)
    except Exception:  # noqa: BLE001 - any doubt: the full path decides
        return False
