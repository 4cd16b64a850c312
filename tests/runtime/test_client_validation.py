"""Client-side validation: a body that breaks the schema's constraints raises ApiValueError
before anything is sent; with Configuration.client_side_validation off nothing is checked."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

TASK = {"id": 1, "name": "t"}


@pytest.fixture()
def created(srv: Any) -> Any:
    srv.route("POST", "/api/tasks", status=201, body=TASK)
    srv.route("PUT", "/api/tasks/1/annotations", body={"version": 1})
    srv.route("POST", "/api/tasks/1/data", status=202, body={"rq_id": "r"})
    return srv


@pytest.mark.parametrize(
    ("body", "path", "keyword"),
    [
        ({"name": ""}, "$.name", "minLength"),
        ({"name": "x" * 17}, "$.name", "maxLength"),
        ({"name": "ok", "subset": "Train"}, "$.subset", "pattern"),
        ({"name": "ok", "project_id": 0}, "$.project_id", "minimum"),
    ],
)
def test_dict_body_breaking_a_constraint_is_not_sent(client: Any, created: Any, exc: Any,
                                                     body: dict[str, Any], path: str,
                                                     keyword: str) -> None:
    with pytest.raises(exc.ApiValueError) as e:
        client.tasks_api.create(body)
    text = str(e.value)
    assert f"`{path}`" in text and f"schema: {keyword}" in text and "`tasks_create`" in text
    assert e.value.path_to_item == ["task_write_request", path[2:]]
    assert created.requests == []  # nothing was sent


def test_model_body_and_nested_paths(client: Any, created: Any, exc: Any, models: Any) -> None:
    shapes = [{"type": "rectangle", "frame": 0, "label_id": 1, "points": [1.0, 2.0]}] * 3
    shapes = [dict(s) for s in shapes]
    shapes[2]["points"] = [1.0, 2000.0]
    body = models.LabeledDataRequest(shapes=shapes)
    with pytest.raises(exc.ApiValueError) as e:
        client.tasks_api.update_annotations(1, labeled_data_request=body)
    assert "`$.shapes[2].points[1]`" in str(e.value) and "maximum" in str(e.value)
    shapes[2]["points"] = [0.0] * 9
    with pytest.raises(exc.ApiValueError, match=r"maxItems"):
        client.tasks_api.update_annotations(1, labeled_data_request={"shapes": shapes})
    shapes[2]["points"] = [1.0]
    shapes[1]["attributes"] = [{"spec_id": 1, "value": "long value"}]
    with pytest.raises(exc.ApiValueError) as e:
        client.tasks_api.update_annotations(1, labeled_data_request={"shapes": shapes})
    assert "`$.shapes[1].attributes[0].value`" in str(e.value)
    assert created.requests == []
    shapes[1]["attributes"] = [{"spec_id": 1, "value": "ok"}]
    client.tasks_api.update_annotations(1, labeled_data_request={"shapes": shapes})
    assert len(created.requests) == 1


def test_valid_body_is_sent(client: Any, created: Any, models: Any) -> None:
    data, _ = client.tasks_api.create(models.TaskWriteRequest(name="ok", subset="train"))
    assert data.id == 1 and created.last.json() == {"name": "ok", "subset": "train"}


def test_model_construction_does_not_check(models: Any) -> None:
    """Constraints are checked when sending; constructing and decoding never check them
    (schema defaults may break them, a newer server may have relaxed them)."""
    assert models.TaskWriteRequest(name="").name == ""


def test_turned_off_nothing_is_checked(client: Any, created: Any) -> None:
    client.configuration.client_side_validation = False
    client.tasks_api.create({"name": "", "subset": "UPPER"})
    assert created.last.json() == {"name": "", "subset": "UPPER"}


def test_validate_inputs_false_skips_the_check(client: Any, created: Any) -> None:
    client.tasks_api.create({"name": ""}, _validate_inputs=False)
    assert created.last.json() == {"name": ""}


def test_disabled_keywords(client: Any, created: Any, exc: Any) -> None:
    client.configuration.disabled_client_side_validations = "maxLength,pattern"
    client.tasks_api.create({"name": "x" * 40, "subset": "UPPER"})
    assert created.last.json()["subset"] == "UPPER"
    with pytest.raises(exc.ApiValueError, match="minLength"):
        client.tasks_api.create({"name": ""})


def test_form_body_is_checked(client: Any, created: Any, exc: Any) -> None:
    with pytest.raises(exc.ApiValueError) as e:
        client.tasks_api.create_data(1, data_request={"image_quality": 101},
                                     _content_type="multipart/form-data")
    assert "`$.image_quality`" in str(e.value) and "maximum" in str(e.value)
    with pytest.raises(exc.ApiValueError, match="minItems"):
        client.tasks_api.create_data(1, data_request={"image_quality": 5, "server_files": []},
                                     _content_type="multipart/form-data")
    assert created.requests == []
    client.tasks_api.create_data(1, data_request={"image_quality": 5, "server_files": ["a"]},
                                 _content_type="multipart/form-data")
    assert len(created.requests) == 1


def test_no_constraints_means_no_validator(sdk: Any, models: Any) -> None:
    validation = importlib.import_module(sdk.__name__ + ".validation")
    assert validation.validator_for(models.RqId) is None
    assert validation.validator_for(models.PatchedTaskWriteRequest) is None
    checker = validation.validator_for(models.LabeledDataRequest)
    assert checker is not None
    import msgspec

    # only the constrained fields and the way to them (tags -> attributes -> value) are kept
    assert [f.name for f in msgspec.structs.fields(checker)] == ["tags", "shapes"]


# --- parameters ---------------------------------------------------------------------------


@pytest.fixture()
def listed(srv: Any) -> Any:
    srv.route("GET", "/api/tasks", body={"count": 0, "results": []})
    return srv


def test_parameter_constraints(client: Any, listed: Any, exc: Any) -> None:
    with pytest.raises(exc.ApiValueError) as e:
        client.tasks_api.list(page=0)
    assert "parameter `page` of `tasks_list`" in str(e.value) and "minimum" in str(e.value)
    with pytest.raises(exc.ApiValueError, match="maxItems"):
        client.tasks_api.list(tags=["a", "b", "c", "d"])
    with pytest.raises(exc.ApiValueError, match="pattern"):
        client.tasks_api.list(tags=["a", "B"])
    assert listed.requests == []
    client.tasks_api.list(page=2, tags=["a", "b"])
    assert listed.last.query == "page=2&tags=a&tags=b"
    client.configuration.client_side_validation = False
    client.tasks_api.list(page=0, tags=["B"])
    assert listed.last.query == "page=0&tags=B"


def test_constrained_spec_is_hashable(sdk: Any) -> None:
    ep = importlib.import_module(sdk.__name__ + ".endpoint")
    p = ep.Param("x", "query", "list[str]", validations={"items": {"max_length": 2}})
    assert hash(p) == hash(ep.Param("x", "query", "list[str]", validations={"items": {"max_length": 2}}))


def test_renamed_fields_are_checked_by_their_json_name(sdk: Any, models: Any, exc: Any) -> None:
    validation = importlib.import_module(sdk.__name__ + ".validation")
    ep = importlib.import_module(sdk.__name__ + ".endpoint")
    raw = ep._encode_json(models.Renamed(from_=11))
    with pytest.raises(exc.ApiValueError) as e:
        validation.check_json(models.Renamed, raw, frozenset(), "op", "body")
    assert "`$.from`" in str(e.value) and e.value.path_to_item == ["body", "from"]
    validation.check_json(models.Renamed, ep._encode_json(models.Renamed(from_=10)), frozenset(),
                          "op", "body")
    with pytest.raises(exc.ApiValueError):
        validation.check_value(models.Renamed, {"from": 12}, frozenset(), "op", "body")
