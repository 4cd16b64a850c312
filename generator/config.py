"""Build configuration: `[tool.cvat-gen]` in pyproject.toml, overridden by the command line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from .errors import BuildError, Diagnostic

DEFAULT_SCHEMA = "../shared/schemas/cvat-2.70.0.json"
DEFAULT_OUTPUT = "output"
DEFAULT_PACKAGE = "cvat_sdk.api_client"

_PACKAGE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
# PEP 440's canonical form (its Appendix B): what `version` must be, so pip and twine accept it
PEP440_RE = re.compile(
    r"^([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*((a|b|rc)(0|[1-9][0-9]*))?"
    r"(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?(\+[a-z0-9]+(\.[a-z0-9]+)*)?$"
)


@dataclass(frozen=True)
class BuildConfig:
    schema: str = DEFAULT_SCHEMA
    output: Path = Path(DEFAULT_OUTPUT)
    package: str = DEFAULT_PACKAGE
    disable: tuple[str, ...] = ()
    plugin_order: tuple[str, ...] = ()
    overlays: tuple[str, ...] = ()
    stale_patches: Literal["error", "warning"] = "error"
    template_dirs: tuple[str, ...] = ()
    format: bool = True
    cache_dir: Path | None = None
    jobs: int = 0
    # version of the generated distribution; "" = the server release the schema names
    # (set it for a generator-only rebuild, e.g. "2.70.0.post1")
    version: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def package_path(self) -> str:
        return self.package.replace(".", "/")

    def with_overrides(self, **overrides: Any) -> "BuildConfig":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(start: Path | None = None) -> BuildConfig:
    """Read `[tool.cvat-gen]`; relative paths in it are relative to that pyproject.toml."""
    pyproject = find_pyproject((start or Path.cwd()).resolve())
    if pyproject is None:
        return BuildConfig()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BuildError(Diagnostic("", f"cannot read {pyproject}: {exc}", source="config")) from None
    section = data.get("tool", {}).get("cvat-gen")
    if section is None:
        return BuildConfig()
    if not isinstance(section, dict):
        raise BuildError(Diagnostic("", "[tool.cvat-gen] must be a table", source=str(pyproject)))
    base = pyproject.parent
    known = {"schema", "output", "package", "disable", "plugin_order", "overlays", "stale_patches",
             "template_dirs", "cache_dir", "jobs", "version"}
    unknown = sorted(set(section) - known)
    if unknown:
        raise BuildError(Diagnostic("", f"unknown [tool.cvat-gen] keys: {', '.join(unknown)}",
                                    source=str(pyproject)))

    def rel(value: str) -> str:
        if "://" in value:
            return value
        return str((base / value)) if not Path(value).is_absolute() else value

    config = BuildConfig()
    if "schema" in section:
        config = replace(config, schema=rel(str(section["schema"])))
    else:
        config = replace(config, schema=rel(DEFAULT_SCHEMA))
    config = replace(config, output=Path(rel(str(section.get("output", DEFAULT_OUTPUT)))))
    if "package" in section:
        config = replace(config, package=str(section["package"]))
    for key in ("disable", "plugin_order", "overlays", "template_dirs"):
        if key in section:
            value = section[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise BuildError(Diagnostic("", f"[tool.cvat-gen] {key} must be a list of strings",
                                            source=str(pyproject)))
            if key in ("overlays", "template_dirs"):
                value = [rel(v) for v in value]
            config = replace(config, **{key: tuple(value)})
    if "stale_patches" in section:
        config = replace(config, stale_patches=section["stale_patches"])
    if "cache_dir" in section:
        config = replace(config, cache_dir=Path(rel(str(section["cache_dir"]))))
    if "jobs" in section:
        config = replace(config, jobs=int(section["jobs"]))
    if "version" in section:
        config = replace(config, version=str(section["version"]))
    return config


def validate_config(config: BuildConfig) -> None:
    if not _PACKAGE_RE.match(config.package):
        raise BuildError(Diagnostic("", f"--package {config.package!r} is not a dotted Python name",
                                    source="config"))
    import keyword

    for part in config.package.split("."):
        if keyword.iskeyword(part):
            raise BuildError(Diagnostic("", f"--package part {part!r} is a Python keyword", source="config"))
    if config.version and not PEP440_RE.match(config.version):
        raise BuildError(Diagnostic("", f"version {config.version!r} is not a canonical PEP 440 version "
                                        "(e.g. 2.70.0, 2.70.0.post1, 2.71.0rc1)", source="config"))
    if config.stale_patches not in ("error", "warning"):
        raise BuildError(Diagnostic("", "stale_patches must be 'error' or 'warning'", source="config"))
