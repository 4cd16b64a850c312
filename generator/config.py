"""Build configuration: `[tool.cvat-gen]` in pyproject.toml, overridden by the command line."""

from __future__ import annotations

import os
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
    schema_is_default: bool = True  # nobody named a schema: a missing file gets a hint
    output: Path = Path(DEFAULT_OUTPUT)
    package: str = DEFAULT_PACKAGE
    disable: tuple[str, ...] = ()
    plugin_order: tuple[str, ...] = ()
    overlays: tuple[str, ...] = ()
    stale_patches: Literal["error", "warning"] = "error"
    template_dirs: tuple[str, ...] = ()
    format: bool = True  # False: never run black (tests that look at raw template output)
    format_all: bool = False  # True (`--format`): black on every file, declared-formatted ones too
    cache_dir: Path | None = None
    jobs: int = 0
    # options for plugins, by plugin name, as given ([tool.cvat-gen.plugins.<name>] and
    # --plugin-option); the pipeline checks them against what each plugin declares and puts
    # the typed values, defaults filled in, into `options`
    plugin_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    # version of the generated distribution; "" = the server release the schema names
    # (set it for a generator-only rebuild, e.g. "2.70.0.post1")
    version: str = ""
    options: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def package_path(self) -> str:
        return self.package.replace(".", "/")

    @property
    def cache_root(self) -> Path:
        """The cache folder this build uses: `cache_dir`, else the user's default."""
        return self.cache_dir or default_cache_dir()

    def with_overrides(self, **overrides: Any) -> "BuildConfig":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


# [tool.cvat-gen] keys: what each must be. Checked before any is used, so that `jobs =
# "many"` or `output = 5` is one located error instead of a traceback or a silent default.
_STRING_LIST = "a list of strings"
CONFIG_KEYS: dict[str, str] = {
    "schema": "a string", "output": "a string", "package": "a string", "disable": _STRING_LIST,
    "plugin_order": _STRING_LIST, "overlays": _STRING_LIST, "stale_patches": "'error' or 'warning'",
    "template_dirs": _STRING_LIST, "cache_dir": "a string", "jobs": "a whole number >= 0",
    "plugins": "a table of tables ([tool.cvat-gen.plugins.<name>])", "version": "a string",
}


def _type_ok(key: str, value: Any) -> bool:
    expected = CONFIG_KEYS[key]
    if expected == "a string":
        return isinstance(value, str) and bool(value)
    if expected == _STRING_LIST:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if key == "stale_patches":
        return value in ("error", "warning")
    if key == "jobs":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if key == "plugins":
        return isinstance(value, dict) and all(isinstance(v, dict) for v in value.values())
    return True


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
        raise BuildError(Diagnostic("/tool/cvat-gen", "must be a table", source=str(pyproject)))
    problems = [Diagnostic(f"/tool/cvat-gen/{key}", f"unknown key (known: {', '.join(sorted(CONFIG_KEYS))})",
                           source=str(pyproject)) for key in sorted(set(section) - set(CONFIG_KEYS))]
    problems += [Diagnostic(f"/tool/cvat-gen/{key}", f"must be {CONFIG_KEYS[key]}, got {section[key]!r}",
                            source=str(pyproject))
                 for key in sorted(set(section) & set(CONFIG_KEYS)) if not _type_ok(key, section[key])]
    if problems:
        raise BuildError(problems)
    base = pyproject.parent

    def rel(value: str) -> str:
        if "://" in value:
            return value
        return str((base / value)) if not Path(value).is_absolute() else value

    values: dict[str, Any] = {
        "schema": rel(section.get("schema", DEFAULT_SCHEMA)),
        "schema_is_default": "schema" not in section,
        "output": Path(rel(section.get("output", DEFAULT_OUTPUT))),
    }
    if "package" in section:
        values["package"] = section["package"]
    for key in ("disable", "plugin_order"):
        if key in section:
            values[key] = tuple(section[key])
    for key in ("overlays", "template_dirs"):
        if key in section:
            values[key] = tuple(rel(v) for v in section[key])
    if "stale_patches" in section:
        values["stale_patches"] = section["stale_patches"]
    if "cache_dir" in section:
        values["cache_dir"] = Path(rel(section["cache_dir"]))
    if "jobs" in section:
        values["jobs"] = section["jobs"]
    if "version" in section:
        values["version"] = section["version"]
    if "plugins" in section:
        values["plugin_options"] = {name: dict(table) for name, table in sorted(section["plugins"].items())}
    return BuildConfig(**values)


def parse_plugin_option(text: str) -> tuple[str, str, str]:
    """`--plugin-option name.key=value` -> (name, key, value); the value is typed later,
    against what the plugin declared."""
    name_key, equals, value = text.partition("=")
    name, dot, key = name_key.partition(".")
    if not (equals and dot and name and key):
        raise BuildError(Diagnostic("", f"--plugin-option {text!r}: expected PLUGIN.KEY=VALUE", source="config"))
    return name.strip(), key.strip(), value


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
    missing = [d for d in config.template_dirs if not Path(d).is_dir()]
    if missing:  # a typo here would silently build with the built-in templates
        raise BuildError([Diagnostic("", f"template folder {d} does not exist", source="config") for d in missing])
    if config.jobs < 0:
        raise BuildError(Diagnostic("", f"--jobs must be >= 0, got {config.jobs}", source="config"))


def default_cache_dir() -> Path:
    env = os.environ.get("CVAT_GEN_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cvat-gen"
