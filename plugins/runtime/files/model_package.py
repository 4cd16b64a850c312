"""One module per model, as in cvat-sdk: ``from <package>.model.file_info import FileInfo``.

cvat-sdk ships ~200 files under ``model/`` (module name = the snake_case class name, with
the class and its ``I<Model>`` interface). Here they are made on demand: importing this
package installs a meta-path finder that answers ``<package>.model.<name>`` with a module
holding the classes from :mod:`..models`. Nothing happens until such an import, so
``import <package>`` stays as cheap as before.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import re
import sys
from types import ModuleType
from typing import Any, Sequence

__all__: list[str] = []

_CAMEL_1 = re.compile(r"(.)([A-Z][a-z]+)")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")


def module_name(class_name: str) -> str:
    """cvat-sdk's module name of a model class: ``LabeledData`` -> ``labeled_data``."""
    return _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", class_name)).lower()


_table: dict[str, tuple[str, ...]] | None = None


def _models() -> ModuleType:
    return importlib.import_module(__name__.rpartition(".")[0] + ".models")


def modules() -> dict[str, tuple[str, ...]]:
    """module name -> the class names it holds (the class, then its interface if any)."""
    global _table
    if _table is None:
        models = _models()
        names = set(getattr(models, "__all__", None) or dir(models))
        table: dict[str, tuple[str, ...]] = {}
        for name in sorted(names):
            if name.startswith("_") or (name[:1] == "I" and name[1:] in names):
                continue
            table[module_name(name)] = (name, f"I{name}") if f"I{name}" in names else (name,)
        _table = table
    return _table


class _ModelModuleLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        models = _models()
        short = module.__name__.rpartition(".")[2]
        module.__doc__ = f"cvat-sdk's module path of {modules()[short][0]} (see `models`)."
        for name in modules()[short]:
            setattr(module, name, getattr(models, name))
        module.__all__ = list(modules()[short])  # type: ignore[attr-defined]


class ModelModuleFinder(importlib.abc.MetaPathFinder):
    """Finds ``<prefix>.<module_name>`` for the models of one package."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix + "."

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(self.prefix):
            return None
        short = fullname[len(self.prefix) :]
        if "." in short or short not in modules():
            return None
        return importlib.machinery.ModuleSpec(fullname, _ModelModuleLoader())


if not any(isinstance(f, ModelModuleFinder) and f.prefix == __name__ + "." for f in sys.meta_path):
    sys.meta_path.append(ModelModuleFinder(__name__))


def __getattr__(name: str) -> ModuleType:
    """``model.labeled_data`` without an import statement, as after one in cvat-sdk."""
    if not name.startswith("_") and name in modules():
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
