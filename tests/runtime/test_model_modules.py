"""cvat-sdk's per-model module paths (``model.labeled_data``), made on demand."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.runtime.conftest import PACKAGE


def test_model_module_holds_the_class_and_its_interface(sdk: Any, models: Any) -> None:
    module = importlib.import_module(PACKAGE + ".model.labeled_data")
    assert module.LabeledData is models.LabeledData
    assert module.ILabeledData is models.ILabeledData
    assert module.__all__ == ["LabeledData", "ILabeledData"]
    from acme_rt._vendor.cvat_api.model.rq_id import RqId  # the statement users write

    assert RqId is models.RqId


def test_enum_and_attribute_access(sdk: Any, models: Any) -> None:
    model = importlib.import_module(PACKAGE + ".model")
    assert model.shape_type.ShapeType is models.ShapeType  # no import statement needed
    with pytest.raises(AttributeError):
        model.not_a_model  # noqa: B018


@pytest.mark.parametrize(
    ("name", "module"),
    [("LabeledData", "labeled_data"), ("JobRead", "job_read"), ("RqId", "rq_id"),
     ("FileInfo", "file_info"), ("PaginatedTaskReadList", "paginated_task_read_list"),
     ("OrganizationRead", "organization_read"), ("ArParams", "ar_params"),
     ("NullEnum", "null_enum"), ("CloudStorageRead", "cloud_storage_read")],
)
def test_module_names_follow_cvat_sdk(sdk: Any, name: str, module: str) -> None:
    model = importlib.import_module(PACKAGE + ".model")
    assert model.module_name(name) == module


def test_unknown_module_is_not_found(sdk: Any) -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(PACKAGE + ".model.no_such_model")
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(PACKAGE + ".model.labeled_data.deeper")


def test_importing_the_package_does_not_load_models(pkg_root: Path) -> None:
    code = (
        f"import sys; import {PACKAGE}; "
        f"print(sorted(m for m in sys.modules if m.startswith('{PACKAGE}.model')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=pkg_root, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"
    code = (
        f"import sys; from {PACKAGE}.model.task_read import TaskRead; "
        "print(sum(1 for f in sys.meta_path if type(f).__name__ == 'ModelModuleFinder'))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=pkg_root, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "1"
