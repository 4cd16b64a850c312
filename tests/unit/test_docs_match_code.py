"""The README and the plugin guide say what the code does: every hook, plugin-API name, IR
field, exit status, command-line option and module they name exists, and every Python
example in the plugin guide compiles and imports only what `cvat_gen.plugin_api` exports.
A renamed hook or field fails here, not in a reader's plugin."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cvat_gen import errors, hookspecs, ir, plugin_api
from cvat_gen.cli import cli

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDE = (ROOT / "docs" / "plugin-guide.md").read_text(encoding="utf-8")
HOOKS = {name for name, value in vars(hookspecs).items() if name.startswith("cvatgen_") and callable(value)}


def _hook_rows(text: str) -> set[str]:
    return set(re.findall(r"^\| `(cvatgen_\w+)\(", text, flags=re.M))


@pytest.mark.parametrize("name,text", [("README.md", README), ("plugin-guide.md", GUIDE)])
def test_the_hook_tables_list_exactly_the_hooks(name: str, text: str) -> None:
    assert HOOKS, "no hook specifications found"
    assert _hook_rows(text) == HOOKS, f"{name}'s hook table and hookspecs.py disagree"


def test_every_ir_field_the_guide_names_exists() -> None:
    classes = {cls.__name__: cls for cls in vars(ir).values()
               if isinstance(cls, type) and dataclasses.is_dataclass(cls)}
    named = re.findall(r"`(Operation|Field|Response|Parameter|ModelDef|Api|IR|EnumDef)\.(\w+)`", GUIDE)
    assert named
    for owner, attribute in named:
        fields = {f.name for f in dataclasses.fields(classes[owner])}
        assert attribute in fields or hasattr(classes[owner], attribute), f"{owner}.{attribute} is not in the IR"
    # the other names of a row ("`Field.annotation`, `model_annotation`, `py_default`")
    for row in re.findall(r"^\| `(\w+)\.\w+`((?:, `\w+`)+) \|", GUIDE, flags=re.M):
        owner, rest = row
        for attribute in re.findall(r"`(\w+)`", rest):
            assert attribute in {f.name for f in dataclasses.fields(classes[owner])}, f"{owner}.{attribute}"


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_guide_python_examples_compile_and_import_the_public_api_only() -> None:
    blocks = _python_blocks(GUIDE)
    assert blocks
    for block in blocks:
        tree = ast.parse(block)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cvat_gen"):
                assert node.module == "cvat_gen.plugin_api", f"the guide imports {node.module}"
                for alias in node.names:
                    assert alias.name in plugin_api.__all__, f"{alias.name} is not in plugin_api.__all__"


def test_every_plugin_api_name_the_docs_import_exists() -> None:
    for text in (README, GUIDE):
        for names in re.findall(r"from cvat_gen\.plugin_api import ([\w, ]+)", text):
            for name in (n.strip() for n in names.split(",")):
                assert name in plugin_api.__all__, name


def test_the_exit_status_table_matches_the_code() -> None:
    rows = dict(re.findall(r"^\| (\d+) \| ([^|]+) \|", README, flags=re.M))
    codes = {value for name, value in vars(errors).items() if name.startswith("EXIT_")}
    assert {int(code) for code in rows} == codes
    help_text = CliRunner().invoke(cli, ["--help"]).output
    for code in codes:
        assert re.search(rf"\b{code}\b", help_text), f"exit status {code} is not in --help"


def test_every_build_option_the_readme_shows_exists() -> None:
    help_text = CliRunner().invoke(cli, ["build", "--help"]).output + CliRunner().invoke(cli, ["--help"]).output
    shown = set(re.findall(r"cvat-gen build[^\n`]*?(--[a-z][a-z-]+)", README))
    shown |= set(re.findall(r"`(--(?:check|format|package|overlay|template-dir|plugin-option|cache-dir|"
                            r"disable-plugin|stale-patches|version|jobs|quiet|traceback))", README))
    assert shown
    for option in shown:
        assert option in help_text, f"README shows {option}, which cvat-gen does not have"


def test_every_module_the_layout_table_names_exists() -> None:
    row = next(line for line in README.splitlines() if line.startswith("| `generator/` |"))
    modules = set(re.findall(r"`(\w+)`", row)) - {"cvat_gen", "ir_build"}
    assert "pipeline" in modules and "quick_check" in modules
    for module in modules:
        assert (ROOT / "generator" / f"{module}.py").exists() or (ROOT / "generator" / module).is_dir(), module
