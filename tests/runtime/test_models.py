"""model_utils: constructors, dict access, enums, serialization."""

from __future__ import annotations

import datetime
import io
from typing import Any

import msgspec
import pytest


def test_positional_and_nested_conversion(models: Any) -> None:
    task = models.TaskWriteRequest("t", target_storage={"location": "local"}, start_date="2020-01-02")
    assert task.name == "t"
    assert isinstance(task.target_storage, models.Storage)
    assert task.target_storage.location is models.LocationEnum.LOCAL
    assert task.start_date == datetime.date(2020, 1, 2)
    assert task.subset is msgspec.UNSET


def test_mixed_models_and_dicts(models: Any) -> None:
    data = models.LabeledDataRequest(
        shapes=[models.LabeledShapeRequest("rectangle", 0, 1), {"type": "polygon", "frame": 1, "label_id": 2}]
    )
    assert [s.type for s in data.shapes] == [models.ShapeType.RECTANGLE, models.ShapeType.POLYGON]


def test_bad_input_raises_sdk_errors_with_path(models: Any, exc: Any) -> None:
    with pytest.raises(exc.ApiTypeError) as e:
        models.LabeledDataRequest(shapes=[{"type": "polygon", "frame": "x", "label_id": 2}])
    assert e.value.path_to_item == ["shapes", 0, "frame"]
    with pytest.raises(exc.ApiTypeError, match="name"):
        models.TaskWriteRequest()
    with pytest.raises(exc.ApiTypeError):
        models.TaskWriteRequest("a", "b")  # too many positional arguments
    with pytest.raises(exc.ApiTypeError):
        models.TaskWriteRequest("a", name="b")


def test_unknown_enum_values_are_pseudo_members(models: Any, mu: Any) -> None:
    assert models.ShapeType("rectangle") is models.ShapeType.RECTANGLE
    new = models.ShapeType("ellipse")
    assert new.value == "ellipse" and str(new) == "ellipse" and new is models.ShapeType("ellipse")
    assert isinstance(new, mu.ModelSimple)
    shape = msgspec.json.decode(b'{"type":"cuboid","frame":0,"label_id":1}', type=models.LabeledShape)
    assert shape.type.value == "cuboid"
    assert models.LocationEnum.allowed_values[("value",)] == {"LOCAL": "local", "CLOUD_STORAGE": "cloud_storage"}
    assert list(models.ShapeType) == [models.ShapeType.RECTANGLE, models.ShapeType.POLYGON, models.ShapeType.POINTS]


def test_dict_access(models: Any, exc: Any) -> None:
    task = models.TaskWriteRequest("t")
    assert task["name"] == "t" and task.get("subset") is None and task.get("subset", 1) == 1
    assert "name" in task and "subset" not in task and "zzz" not in task
    with pytest.raises(exc.ApiAttributeError):
        task["zzz"]
    with pytest.raises(AttributeError):
        task["subset"]  # unset, as the old SDK
    task["project_id"] = 5
    assert task.project_id == 5
    with pytest.raises(exc.ApiTypeError):
        task["project_id"] = "x"
    with pytest.raises(exc.ApiAttributeError):
        task["zzz"] = 1


def test_class_metadata(models: Any) -> None:
    assert models.Renamed.attribute_map == {"from_": "from", "import_": "import"}
    assert models.TaskRead.openapi_types["id"] == (int,)
    assert models.TaskRead("x").openapi_types if False else True
    task = models.TaskRead(id=1, name="x")
    assert task.attribute_map["name"] == "name"
    assert models.TaskRead._required == frozenset({"id", "name"})
    assert "id" in models.TaskRead.read_only_vars


def test_renamed_fields(models: Any, mu: Any) -> None:
    r = models.Renamed(1, import_="a")
    assert r.from_ == 1 and r.to_dict() == {"from_": 1, "import_": "a"}
    assert mu.to_json(r) == {"from": 1, "import": "a"}
    assert models.Renamed(**{"from": 2}).from_ == 2  # JSON names are accepted too
    assert models.Renamed._from_openapi_data(**{"from": 3, "import": "b"}).import_ == "b"


def test_to_dict_and_to_json(models: Any, mu: Any) -> None:
    img = models.LabeledImage(frame=1, label_id=2, created_date="2020-01-01T00:00:00Z",
                              attributes=[{"spec_id": 1, "value": "a"}])
    d = img.to_dict()
    assert d["attributes"] == [{"spec_id": 1, "value": "a"}]
    assert isinstance(d["created_date"], datetime.datetime)
    j = mu.to_json(img)
    assert j["created_date"].startswith("2020-01-01T00:00:00")
    assert mu.to_json({"a": [models.ShapeType.POINTS, None]}) == {"a": ["points", None]}
    assert "frame" in str(img)


def test_read_model_to_request_model(models: Any) -> None:
    img = msgspec.json.decode(
        b'{"frame":1,"label_id":2,"id":7,"created_date":"2020-01-01T00:00:00Z","source":"manual"}',
        type=models.LabeledImage,
    )
    req = models.LabeledImageRequest(**img.to_dict())
    assert (req.frame, req.label_id, req.id, req.source) == (1, 2, 7, "manual")


def test_from_openapi_data(models: Any) -> None:
    t = models.TaskRead._from_openapi_data(id=1, name="n", created_date="2020-01-01T00:00:00Z", extra=1)
    assert t.id == 1 and t.created_date.year == 2020
    assert models.TaskRead._new_from_openapi_data(id=2, name="m").id == 2


def test_files_in_constructor(models: Any) -> None:
    f = io.BytesIO(b"abc")
    d = models.DataRequest(1, client_files=[f])
    assert d.client_files == [f]


def test_unset_is_omitted_none_is_null(models: Any) -> None:
    body = models.PatchedTaskWriteRequest(project_id=None)
    assert msgspec.json.decode(msgspec.json.encode(body)) == {"project_id": None}


def test_interfaces_are_plain_bases(models: Any, mu: Any) -> None:
    import abc

    assert issubclass(models.TaskRead, models.ITaskRead)
    assert isinstance(models.TaskRead(id=1, name="x"), mu.ModelNormal)
    assert models.ITaskRead.__dict__.get("id") is None  # annotations only

    class Entity(abc.ABC):
        pass

    class Task(Entity, models.ITaskRead):  # cvat_sdk.core does this
        pass

    assert Task.__mro__


def test_composed_is_model_normal(models: Any, mu: Any) -> None:
    assert isinstance(models.Storage(), mu.ModelNormal)
    assert isinstance(models.Storage(), mu.OpenApiModel)


def test_lax_convert(models: Any, mu: Any) -> None:
    t = mu.lax_convert({"name": 5, "labels": "x", "target_storage": {"location": "new"}}, models.TaskRead)
    assert t.id is None and t.name == 5
    assert t.target_storage.location.value == "new"
