"""Plugin discovery: the entry points of one group, found the way importlib.metadata finds them.

`importlib.metadata` costs about 25 ms to import (it pulls in `email`, `zipfile`, `csv`...),
a twentieth of a whole rebuild, to read a few small `entry_points.txt` files. This module
reads them directly, with importlib.metadata's rules:

- distributions are the `*.dist-info` and `*.egg-info` folders of each `sys.path` folder, in
  `sys.path` order, grouped per folder by normalized name in directory order;
- the first distribution of a normalized name wins (a later one on `sys.path` is shadowed);
- `entry_points.txt` is an ini file: `[group]` sections of `name = value` lines, `#`
  comments (not `;`: importlib.metadata reads those as entries).

Whatever it does not handle (a zip or an egg file on `sys.path`, an unreadable folder, a line
it does not understand) sends the whole lookup to importlib.metadata, so an unusual
environment is slower, never different. `tests/unit/test_entry_points.py` compares both on
the running environment and on made-up ones.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class _Unsupported(Exception):
    """Something only importlib.metadata knows how to read."""


@dataclass(frozen=True)
class EntryPoint:
    name: str
    value: str
    group: str
    dist_name: str
    dist_version: str

    def load(self) -> Any:
        """As importlib.metadata's: `module` or `module:attr.attr`, extras ignored."""
        import importlib

        match = _VALUE.match(self.value)
        if match is None:
            raise ValueError(f"malformed entry point value {self.value!r}")
        target: Any = importlib.import_module(match.group("module"))
        for attr in filter(None, (match.group("attr") or "").split(".")):
            target = getattr(target, attr)
        return target


# importlib.metadata.EntryPoint.pattern
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


def _normalize(name: str) -> str:
    """importlib.metadata's `Prepared.normalize`."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _distribution_key(folder_name: str) -> str:
    """The normalized name of a `<name>-<version>.dist-info` (or `.egg-info`) folder."""
    return _normalize(folder_name.lower().rpartition(".")[0].partition("-")[0])


def _distributions(paths: Iterable[str]) -> list[Path]:
    """The metadata folders importlib.metadata would see, first-of-a-name only, in its order."""
    seen: set[str] = set()
    found: list[Path] = []
    for entry in paths:
        folder = Path(entry or ".")
        if folder.is_file() or folder.suffix.lower() == ".egg":
            raise _Unsupported(f"{entry} is a zip or an egg")
        try:
            children = os.listdir(folder)
        except FileNotFoundError:
            continue
        except OSError as exc:  # unreadable: let importlib.metadata decide what that means
            raise _Unsupported(str(exc)) from None
        groups: dict[str, list[Path]] = {}
        for child in children:
            if child.lower().endswith((".dist-info", ".egg-info")):
                groups.setdefault(_distribution_key(child), []).append(folder / child)
        for name, members in groups.items():
            for member in members:
                if not member.is_dir():
                    continue
                if name not in seen:
                    seen.add(name)
                    found.append(member)
    return found


def _parse(text: str) -> dict[str, list[tuple[str, str]]]:
    """`entry_points.txt`: sections of `name = value`; anything else is left to importlib."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):  # importlib.metadata's only comments
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            sections.setdefault(current, [])
            continue
        name, equals, value = line.partition("=")
        if not equals or current is None:
            raise _Unsupported(f"entry_points.txt line {raw!r}")
        sections[current].append((name.strip(), value.strip()))
    return sections


def _name_and_version(folder: Path) -> tuple[str, str]:
    """The `Name:` and `Version:` the distribution declares (its METADATA or PKG-INFO)."""
    values = {"name": "", "version": ""}
    for file_name in ("METADATA", "PKG-INFO"):
        try:
            with open(folder / file_name, encoding="utf-8") as stream:
                for line in stream:
                    if not line.strip():
                        break  # the headers end at the first blank line
                    key, _, value = line.partition(":")
                    if key.lower() in values and not values[key.lower()]:
                        values[key.lower()] = value.strip()
        except OSError:
            continue
        break
    return values["name"], values["version"]


def _discover(group: str, paths: Iterable[str]) -> list[EntryPoint]:
    found: list[EntryPoint] = []
    for folder in _distributions(paths):
        try:
            text = (folder / "entry_points.txt").read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as exc:
            raise _Unsupported(str(exc)) from None
        lines = _parse(text).get(group)
        if not lines:
            continue
        name, version = _name_and_version(folder)
        found.extend(EntryPoint(n, v, group, name, version) for n, v in lines)
    return found


def installed_versions(*names: str) -> list[str]:
    """The version of each installed distribution, as `importlib.metadata.version` gives it
    ("" for one that is not installed), from one scan of `sys.path`."""
    try:
        folders = {_distribution_key(folder.name): folder for folder in _distributions(sys.path)}
        return [_name_and_version(folders[_normalize(n)])[1] if _normalize(n) in folders else "" for n in names]
    except _Unsupported:
        from importlib import metadata

        versions = []
        for name in names:
            try:
                versions.append(metadata.version(name))
            except metadata.PackageNotFoundError:
                versions.append("")
        return versions


def entry_points(group: str) -> list[EntryPoint]:
    """The group's entry points on `sys.path`, as importlib.metadata would list them."""
    try:
        return _discover(group, list(sys.path))
    except _Unsupported:
        from importlib import metadata

        return [EntryPoint(ep.name, ep.value, group, ep.dist.name if ep.dist else "",
                           ep.dist.version if ep.dist else "")
                for ep in metadata.entry_points(group=group)]
