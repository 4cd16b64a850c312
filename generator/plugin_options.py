"""Options that plugins declare and users set.

A plugin declares what it accepts in `CVATGEN_OPTIONS`, a dict of name -> `PluginOption`.
Users set values in `[tool.cvat-gen.plugins.<plugin>]` or with `--plugin-option
plugin.key=value`. Both are checked against the declaration before anything runs, so a
typo or a wrong type is one located error (exit status 2), not an option silently ignored.
Hooks read the typed values, defaults filled in, from `context.options` (their own) or
`context.config.options[<plugin>]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import EXIT_PLUGIN, BuildError, Diagnostic

OPTION_TYPES: dict[type, str] = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
                                 list: "a list of strings"}


@dataclass(frozen=True)
class PluginOption:
    """One option a plugin accepts: its type (str, int, float, bool or list of str), its
    default, and a line of help for `cvat-gen plugins`."""

    type: type
    default: Any
    help: str = ""


class CommandLineValue(str):
    """A value from `--plugin-option`: text, converted to the declared type when checked."""


def declared_options(plugin_name: str, plugin: Any) -> dict[str, PluginOption]:
    """The plugin's declaration, checked when it is registered."""
    declared = getattr(plugin, "CVATGEN_OPTIONS", None)
    if declared is None:
        return {}
    problems = []
    if not isinstance(declared, dict):
        problems.append("CVATGEN_OPTIONS must be a dict of name -> PluginOption")
    else:
        for key, option in declared.items():
            if not (isinstance(key, str) and key.isidentifier() and isinstance(option, PluginOption)):
                problems.append(f"CVATGEN_OPTIONS[{key!r}] must be a PluginOption under an identifier")
            elif option.type not in OPTION_TYPES:
                problems.append(f"option {key!r}: type must be one of str, int, float, bool, list")
            elif _typed(option.type, option.default) is None:
                problems.append(f"option {key!r}: default {option.default!r} is not {OPTION_TYPES[option.type]}")
    if problems:
        raise BuildError([Diagnostic("", f"plugin {plugin_name!r} is invalid: {p}", source="plugins")
                          for p in problems], exit_code=EXIT_PLUGIN)
    return dict(declared)


def _typed(kind: type, value: Any) -> Any:
    """`value` as `kind`, or None when it isn't one (bool is not an int here)."""
    if isinstance(value, CommandLineValue):
        text = str(value)
        try:
            if kind is bool:
                return {"true": True, "false": False, "1": True, "0": False}.get(text.lower())
            if kind is int:
                return int(text)
            if kind is float:
                return float(text)
            if kind is list:
                return [part.strip() for part in text.split(",") if part.strip()]
        except ValueError:
            return None
        return text
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is list:
        return list(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else None
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    return None


def resolve_options(declarations: dict[str, dict[str, PluginOption]], known_plugins: set[str],
                    given: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every plugin's typed options, defaults filled in; all problems reported at once."""
    problems: list[Diagnostic] = []
    for plugin, values in sorted(given.items()):
        if plugin not in known_plugins:
            problems.append(Diagnostic(f"/tool/cvat-gen/plugins/{plugin}",
                                       f"no plugin is named {plugin!r} (known: {', '.join(sorted(known_plugins))})",
                                       source="config"))
            continue
        declared = declarations.get(plugin, {})
        for key, value in sorted(values.items()):
            where = f"/tool/cvat-gen/plugins/{plugin}/{key}"
            if key not in declared:
                accepted = ", ".join(sorted(declared)) or "none"
                problems.append(Diagnostic(where, f"plugin {plugin!r} has no option {key!r} (it accepts: {accepted})",
                                           source="config"))
            elif _typed(declared[key].type, value) is None:
                problems.append(Diagnostic(where, f"must be {OPTION_TYPES[declared[key].type]}, got {str(value)!r}",
                                           source="config"))
    if problems:
        raise BuildError(problems)
    resolved: dict[str, dict[str, Any]] = {}
    for plugin, declared in sorted(declarations.items()):
        values = given.get(plugin, {})
        resolved[plugin] = {key: _typed(option.type, values[key]) if key in values else option.default
                            for key, option in sorted(declared.items())}
    return resolved
