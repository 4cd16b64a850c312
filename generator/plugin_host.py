"""Finding, checking and calling plugins.

Plugins come from the entry-point group `cvat_gen.plugins`; the built-in ones are declared
there by this project's own pyproject.toml, so they take exactly the path a third-party
plugin takes. Extra plugin objects can be passed in (tests, embedding).

Order: by the plugin's `CVATGEN_ORDER` (built-ins use 10..60, third-party default 100),
then by name; `plugin_order` in the config moves named plugins to the front.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pluggy

from . import hookspecs
from .errors import EXIT_PLUGIN, BuildError, Diagnostic, PluginFailure
from .plugin_options import PluginOption, declared_options

ENTRY_POINT_GROUP = "cvat_gen.plugins"
DEFAULT_ORDER = 100


@dataclass(frozen=True)
class PluginInfo:
    name: str
    source: str  # "entry point <dist> <value>" or "passed in"
    order: int
    disabled: bool = False


class _Manager(pluggy.PluginManager):
    """Functions named cvatgen_* are hook implementations even without the decorator,
    so a misspelled hook can't be silently ignored: check_pending() reports it."""

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is None and name.startswith("cvatgen_"):
            member = getattr(plugin, name, None)
            if inspect.isroutine(member):
                return {}
        return opts


class PluginHost:
    def __init__(self) -> None:
        self.pm = _Manager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        self.objects: dict[str, Any] = {}
        self.option_declarations: dict[str, dict[str, PluginOption]] = {}

    def register(self, name: str, plugin: Any, source: str, disabled: bool = False) -> None:
        if name in self.infos:
            raise BuildError(Diagnostic("", f"two plugins are named {name!r} ({self.infos[name].source}; {source})",
                                        source="plugins"))
        order = getattr(plugin, "CVATGEN_ORDER", DEFAULT_ORDER)
        if not isinstance(order, int):
            raise BuildError(Diagnostic("", f"plugin {name!r}: CVATGEN_ORDER must be an int", source="plugins"))
        self.infos[name] = PluginInfo(name, source, order, disabled)
        if disabled:
            return
        self.option_declarations[name] = declared_options(name, plugin)
        try:
            self.pm.register(plugin, name=name)
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            self.pm.unregister(name=name)
            raise BuildError(Diagnostic("", f"plugin {name!r} ({source}) is invalid: {_explain(exc)}",
                                        source="plugins"), exit_code=EXIT_PLUGIN) from None
        self.objects[name] = plugin

    def ordered(self, preferred: Iterable[str] = ()) -> list[PluginInfo]:
        preferred = list(preferred)
        rank = {name: index for index, name in enumerate(preferred)}
        return sorted(self.infos.values(),
                      key=lambda p: (rank.get(p.name, len(rank)), p.order, p.name))

    def impls(self, hook_name: str, preferred: Iterable[str] = ()) -> list[tuple[str, Any, list[str]]]:
        hook = getattr(self.pm.hook, hook_name)
        by_plugin = {impl.plugin_name: impl for impl in hook.get_hookimpls()}
        result = []
        for info in self.ordered(preferred):
            impl = by_plugin.get(info.name)
            if impl is not None and not info.disabled:
                result.append((info.name, impl.function, list(impl.argnames)))
        return result

    def call(self, hook_name: str, preferred: Iterable[str] = (), **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a hook in plugin order; returns (plugin name, result) pairs."""
        results = []
        for name, function, argnames in self.impls(hook_name, preferred):
            results.append((name, call_hook(name, hook_name, function, {a: kwargs[a] for a in argnames})))
        return results


def call_hook(plugin: str, hook: str, function: Any, arguments: dict[str, Any]) -> Any:
    """Run one hook implementation. Its diagnostics are labelled with the plugin's name, and
    an exception becomes one line naming the plugin and the hook (exit status 3); a
    BuildError it raises on purpose passes through as it is."""
    context = arguments.get("context")
    sink = getattr(context, "diagnostics", None)
    previous = getattr(sink, "current_plugin", "")
    if sink is not None:
        sink.current_plugin = plugin
    try:
        return function(**arguments)
    except BuildError:
        raise
    except Exception as exc:
        raise PluginFailure(plugin, hook, exc) from exc
    finally:
        if sink is not None:
            sink.current_plugin = previous


def _explain(exc: pluggy.PluginValidationError) -> str:
    text = str(exc)
    if "unknown hook" in text:
        names = sorted(hookspecs_names())
        return f"{text}. Known hooks: {', '.join(names)}"
    return text


def hookspecs_names() -> list[str]:
    return [n for n in dir(hookspecs) if n.startswith("cvatgen_")]


def load_plugins(disable: Iterable[str] = (), extra: Iterable[tuple[str, Any]] = ()) -> PluginHost:
    host = PluginHost()
    disabled = set(disable)
    from .entry_points import entry_points

    for ep in sorted(entry_points(ENTRY_POINT_GROUP), key=lambda ep: (ep.name, ep.value)):
        source = f"entry point {ep.value} ({ep.dist_name or 'unknown'} {ep.dist_version})".strip()
        if ep.name in disabled:
            host.register(ep.name, None, source, disabled=True)
            continue
        try:
            plugin = ep.load()
        except Exception as exc:  # a broken plugin must be one clear line, not a traceback
            raise BuildError(Diagnostic("", f"cannot load plugin {ep.name!r} from {ep.value}: "
                                        f"{type(exc).__name__}: {exc}", source="plugins"), exit_code=EXIT_PLUGIN) from None
        host.register(ep.name, plugin, source)
    for name, plugin in extra:
        host.register(name, plugin, "passed in", disabled=name in disabled)
    unknown = disabled - set(host.infos)
    if unknown:
        raise BuildError(Diagnostic("", f"cannot disable unknown plugin(s): {', '.join(sorted(unknown))}",
                                    source="plugins"))
    return host
