"""Plugins are checked when registered, and run in a defined order."""

from __future__ import annotations

import types

import pytest

from cvat_gen.errors import BuildError
from cvat_gen.hookspecs import hookimpl
from cvat_gen.plugin_host import PluginHost, load_plugins


def module(name: str, **functions: object) -> types.ModuleType:
    mod = types.ModuleType(name)
    for key, value in functions.items():
        setattr(mod, key, value)
    return mod


def test_unknown_hook_is_rejected_with_a_clear_message() -> None:
    def cvatgen_emit_file(ir, context):  # misspelled: emit_files
        return []

    host = PluginHost()
    with pytest.raises(BuildError) as info:
        host.register("typo", module("typo", cvatgen_emit_file=cvatgen_emit_file), "test")
    text = str(info.value)
    assert "typo" in text and "cvatgen_emit_file" in text and "cvatgen_emit_files" in text


def test_wrong_arguments_are_rejected() -> None:
    @hookimpl
    def cvatgen_emit_files(ir, context, extra_argument):
        return []

    with pytest.raises(BuildError) as info:
        PluginHost().register("bad", module("bad", cvatgen_emit_files=cvatgen_emit_files), "test")
    assert "extra_argument" in str(info.value)


def test_builtins_come_through_entry_points_in_order() -> None:
    host = load_plugins()
    names = [info.name for info in host.ordered()]
    for builtin in ("schema_patches", "versioned_endpoints", "runtime", "models", "apis", "docs"):
        assert builtin in names
        assert "entry point" in host.infos[builtin].source
    assert names.index("schema_patches") < names.index("versioned_endpoints") < names.index("models")


def test_disable_and_reorder() -> None:
    host = load_plugins(disable=["docs"])
    assert host.infos["docs"].disabled
    assert not host.impls("cvatgen_emit_files") or all(n != "docs" for n, _, _ in host.impls("cvatgen_emit_files"))
    assert host.ordered(["docs"])[0].name == "docs"
    with pytest.raises(BuildError, match="unknown plugin"):
        load_plugins(disable=["no-such-plugin"])


def test_hooks_only_get_the_arguments_they_ask_for() -> None:
    seen = []

    @hookimpl
    def cvatgen_configure(context):
        seen.append(context)

    host = PluginHost()
    host.register("x", module("x", cvatgen_configure=cvatgen_configure), "test")
    host.call("cvatgen_configure", context="ctx")
    assert seen == ["ctx"]
