"""oneOf/anyOf end to end: a corpus of small inline schemas (objects, object or string,
primitives, arrays, nullable, discriminator with mapping, anyOf, nested, inline) is built
and imported; every member of every union decodes from a sample payload, in a response and
inside a model; request bodies encode from member instances, dicts and the union class; the
annotations are the unions; hostile names inside composition run no code. Then the real
shapes: `update_annotations(..., task_annotations_update_request=LabeledDataRequest(...))`
of the open-source 2.12.0 schema, and `DataResponse` (RqId or a string) of 2.70.0."""

from __future__ import annotations

import inspect
import io
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import msgspec
import pytest

from tests.conftest import SCHEMAS, build, import_generated, schema_path
from tests.functional.hostile_corpus import PAYLOADS, CannedServer, sentinel_fired

JSON = "application/json"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


COMPONENTS: dict[str, Any] = {
    "A": {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}, "note": {"type": "string"}}},
    "B": {"type": "object", "required": ["b"], "properties": {"b": {"type": "string"}, "note": {"type": "string"}}},
    "Color": {"type": "string", "enum": ["red", "green"]},
    "NullEnum": {"enum": [None]},
    "Cat": {"type": "object", "required": ["pet_type"], "properties": {
        "pet_type": {"type": "string"}, "meows": {"type": "boolean"}, "color": ref("Color")}},
    "Dog": {"type": "object", "required": ["pet_type"], "properties": {
        "pet_type": {"type": "string"}, "barks": {"type": "boolean"}}},
    "FileRequest": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}},
    # the unions
    "ObjUnion": {"oneOf": [ref("A"), ref("B")]},
    "ObjOrStr": {"oneOf": [ref("A"), {"type": "string", "format": "binary"}]},  # DataResponse's shape
    "Prim": {"oneOf": [{"type": "integer"}, {"type": "string"}, {"type": "boolean"}]},
    "Stamp": {"oneOf": [{"type": "string", "format": "date-time"}, {"type": "integer"}, ref("Color")]},
    "Arrays": {"oneOf": [{"type": "array", "items": ref("A")}, {"type": "array", "items": ref("B")}]},
    "Nullable": {"oneOf": [ref("A"), ref("B"), ref("NullEnum")]},
    "Pet": {"oneOf": [ref("Cat"), ref("Dog")],
            "discriminator": {"propertyName": "pet_type", "mapping": {"cat": ref("Cat")["$ref"],
                                                                      "dog": ref("Dog")["$ref"]}}},
    "AnyOfU": {"anyOf": [ref("A"), ref("B")]},
    "Nested": {"oneOf": [ref("ObjUnion"), ref("Cat"), {"type": "string"}]},
    "UpdateRequest": {"oneOf": [ref("A"), ref("FileRequest")], "nullable": True},
    "Holder": {"type": "object", "properties": {
        "obj": ref("ObjUnion"),
        "pets": {"type": "array", "items": ref("Pet")},
        "prim": ref("Prim"),
        "maybe": ref("Nullable"),
        "inline": {"oneOf": [ref("A"), ref("B")]},
        "inline_native": {"oneOf": [{"type": "integer"}, {"type": "array", "items": {"type": "string"}}]},
        "stamp": ref("Stamp"),
    }},
}
UNIONS = ("ObjUnion", "ObjOrStr", "Prim", "Stamp", "Arrays", "Nullable", "Pet", "AnyOfU", "Nested", "Holder")


def _doc() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for name in UNIONS:
        content = {JSON: {"schema": ref(name)}}
        paths[f"/api/get/{name}"] = {"get": {"operationId": f"things_get_{name.lower()}", "tags": ["things"],
                                             "responses": {"200": {"description": "", "content": content}}}}
        paths[f"/api/put/{name}"] = {"put": {
            "operationId": f"things_put_{name.lower()}", "tags": ["things"],
            "requestBody": {"required": True, "content": {JSON: {"schema": ref(name)}}},
            "responses": {"204": {"description": ""}}}}
    paths["/api/update/{id}"] = {"put": {
        "operationId": "things_update", "tags": ["things"],
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "requestBody": {"content": {JSON: {"schema": ref("UpdateRequest")},
                                    "multipart/form-data": {"schema": ref("UpdateRequest")}}},
        "responses": {"204": {"description": ""}}}}
    return {"openapi": "3.0.3", "info": {"title": "Composition", "version": "1.0"}, "paths": paths,
            "components": {"schemas": COMPONENTS}}


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    folder = tmp_path_factory.mktemp("composition")
    source = folder / "schema.json"
    source.write_text(json.dumps(_doc()), encoding="utf-8")
    result = build(source, folder / "out", package="comp_sdk.api_client")
    assert not result.errors if hasattr(result, "errors") else True
    return import_generated(folder / "out", "comp_sdk.api_client")


@pytest.fixture(scope="module")
def server() -> Any:
    with CannedServer() as canned:
        yield canned


def _client(sdk: ModuleType, server: Any) -> Any:
    return sdk.ApiClient(sdk.Configuration(host=server.url))


def _get(sdk: ModuleType, server: Any, name: str, payload: Any, **kwargs: Any) -> Any:
    server.response = (200, JSON, json.dumps(payload).encode())
    method = getattr(_client(sdk, server).things_api, f"get_{name.lower()}")
    data, _ = method(**kwargs)
    return data


# ---------------------------------------------------------------------------------------
# annotations


ANNOTATIONS = [
    ("ObjUnion", "A | B"), ("ObjOrStr", "A | str"), ("Prim", "int | str | bool"), ("Stamp", "datetime | int | Color"),
    ("Arrays", "list[A] | list[B]"), ("Nullable", "A | B | None"), ("Pet", "Cat | Dog"), ("AnyOfU", "A | B"),
    ("Nested", "A | B | Cat | str"),
]


@pytest.mark.parametrize(("name", "annotation"), ANNOTATIONS, ids=[a[0] for a in ANNOTATIONS])
def test_union_annotations(sdk: ModuleType, name: str, annotation: str) -> None:
    method = getattr(sdk.apis.ThingsApi, f"get_{name.lower()}")
    assert inspect.signature(method).return_annotation == f"tuple[{annotation}{'' if 'None' in annotation else ' | None'}, HTTPResponse]"
    cls = getattr(sdk.models, name)
    assert isinstance(cls, type) and cls.__doc__ is not None and "One of" in cls.__doc__
    # what type checkers see: the union itself
    source = (Path(sdk.__file__).parent / "models" / "_models.py").read_text(encoding="utf-8")
    assert f"    {name}: TypeAlias = {annotation.removesuffix(' | None')}\n" in source


def test_field_annotations_and_docs(sdk: ModuleType) -> None:
    hints = sdk.models.IHolder.__annotations__
    # optional fields admit UNSET, as on the model (a model must type-check as its interface)
    u = " | UnsetType"
    assert hints["obj"] == "A | B" + u and hints["pets"] == "list[Cat | Dog]" + u
    assert hints["maybe"] == "A | B | None" + u
    assert hints["inline"] == "A | B" + u and hints["inline_native"] == "int | list[str]" + u
    assert sdk.models.Holder.__annotations__["inline"] == "HolderInline | UnsetType"  # a class picks the member
    docs = Path(sdk.__file__).parent.parent.parent / "docs" / "models"
    page = (docs / "Pet.md").read_text(encoding="utf-8")
    assert "One of: [`Cat`](../models/Cat.md), [`Dog`](../models/Dog.md)." in page
    assert "The `pet_type` property chooses the member: `cat` → [`Cat`](Cat.md), `dog` → [`Dog`](Dog.md)." in page
    assert "Any of: " in (docs / "AnyOfU.md").read_text(encoding="utf-8")
    assert "(or `None`)" in (docs / "Nullable.md").read_text(encoding="utf-8")
    assert "One of: [`A`](../models/A.md), `str`." in (docs / "ObjOrStr.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------
# decoding: every member of every union, as a response


STAMP = "2024-05-06T07:08:09+00:00"
# (union, payload, expected class name or Python value, extra check)
DECODE_CASES: list[tuple[str, Any, str]] = [
    ("ObjUnion", {"a": 1}, "A"),
    ("ObjUnion", {"b": "x"}, "B"),
    ("ObjUnion", {"b": "x", "note": "n", "unknown": [1]}, "B"),  # unknown fields are tolerated
    ("ObjUnion", {"a": 1, "b": "x"}, "A"),  # both fit: schema order
    ("ObjOrStr", {"a": 2}, "A"),
    ("ObjOrStr", "some text", "str"),
    ("Prim", 3, "int"),
    ("Prim", "3", "str"),
    ("Prim", True, "bool"),
    ("Stamp", STAMP, "datetime"),
    ("Stamp", 7, "int"),
    ("Stamp", "green", "Color"),
    ("Arrays", [{"a": 1}], "list[A]"),
    ("Arrays", [{"b": "y"}], "list[B]"),
    ("Arrays", [], "list"),
    ("Nullable", {"a": 1}, "A"),
    ("Nullable", {"b": "z"}, "B"),
    ("Nullable", None, "None"),
    ("Pet", {"pet_type": "cat", "meows": True, "color": "purple"}, "Cat"),  # a new enum value too
    ("Pet", {"pet_type": "dog", "barks": True}, "Dog"),
    ("Pet", {"pet_type": "axolotl", "barks": False}, "Dog"),  # unknown tag: the best fit
    ("AnyOfU", {"a": 5}, "A"),
    ("AnyOfU", {"b": "q"}, "B"),
    ("Nested", {"a": 1}, "A"),
    ("Nested", {"b": "x"}, "B"),
    ("Nested", {"pet_type": "cat"}, "Cat"),
    ("Nested", "plain", "str"),
]


def _kind(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, list):
        return f"list[{type(value[0]).__name__}]" if value else "list"
    return type(value).__name__


@pytest.mark.parametrize(("union", "payload", "expected"), DECODE_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(DECODE_CASES)])
def test_every_member_decodes(sdk: ModuleType, server: Any, union: str, payload: Any, expected: str) -> None:
    data = _get(sdk, server, union, payload)
    assert _kind(data) == expected
    if data is not None and union != "Stamp":
        assert isinstance(data, getattr(sdk.models, union)) or isinstance(data, list)
        assert msgspec.json.decode(msgspec.json.encode(data)) == _known_part(payload, data)


def _known_part(payload: Any, data: Any) -> Any:
    """The payload without the keys the decoded member doesn't know (they are dropped)."""
    if not isinstance(payload, dict):
        return payload
    known = set(type(data).attribute_map.values())
    return {k: v for k, v in payload.items() if k in known}


def test_unions_inside_a_model(sdk: ModuleType, server: Any) -> None:
    payload = {"obj": {"b": "x"}, "pets": [{"pet_type": "dog"}, {"pet_type": "cat", "meows": False}],
               "prim": "p", "maybe": None, "inline": {"a": 1}, "inline_native": ["s"], "stamp": STAMP}
    holder = _get(sdk, server, "Holder", payload)
    assert [type(p).__name__ for p in holder.pets] == ["Dog", "Cat"]
    assert type(holder.obj).__name__ == "B" and type(holder.inline).__name__ == "A"
    assert holder.maybe is None and holder.inline_native == ["s"]
    assert holder.stamp == datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    # the constructor: nested dicts become members too
    built = sdk.models.Holder(**payload)
    assert built == holder
    assert built.to_dict()["pets"][1] == {"pet_type": "cat", "meows": False}


def test_no_member_matches_is_a_clear_error(sdk: ModuleType, server: Any) -> None:
    exceptions = sdk.exceptions
    with pytest.raises(exceptions.ApiTypeError) as info:
        _get(sdk, server, "Holder", {"pets": [{"pet_type": "cat"}, 5]})
    assert info.value.path_to_item == ["received_data", "pets", 1]
    assert "Pet" in str(info.value)
    with pytest.raises(exceptions.ApiTypeError):
        _get(sdk, server, "ObjUnion", {"c": 1})  # neither A (needs a) nor B (needs b)
    # without output validation the raw value is kept
    assert _get(sdk, server, "ObjUnion", {"c": 1}, _validate_outputs=False) is not None


def test_native_unions_decode_without_the_class(sdk: ModuleType) -> None:
    """`A | str` and `int | str | bool` are decoded by msgspec alone (the fast path)."""
    specs = {s.name: s for s in sdk.apis.ThingsApi._endpoint_specs}
    assert specs["get_objorstr"].response_type == "A | str"
    assert specs["get_prim"].response_type == "int | str | bool"
    assert specs["get_objunion"].response_type == "ObjUnion"


# ---------------------------------------------------------------------------------------
# encoding: request bodies


BODY_CASES: list[tuple[str, Any, bytes]] = [
    ("ObjUnion", "A(a=1)", b'{"a":1}'),
    ("ObjUnion", "B(b='x')", b'{"b":"x"}'),
    ("ObjUnion", {"b": "x"}, b'{"b":"x"}'),
    ("ObjUnion", {"a": 2, "note": "n"}, b'{"a":2,"note":"n"}'),
    ("ObjUnion", "ObjUnion(b='w')", b'{"b":"w"}'),
    ("ObjOrStr", "text", b'"text"'),
    ("ObjOrStr", {"a": 1}, b'{"a":1}'),
    ("Prim", 4, b"4"),
    ("Prim", False, b"false"),
    ("Stamp", "Color('red')", b'"red"'),
    ("Arrays", [{"b": "y"}], b'[{"b":"y"}]'),
    ("Nullable", "A(a=3)", b'{"a":3}'),
    ("Pet", {"pet_type": "dog", "barks": True}, b'{"pet_type":"dog","barks":true}'),
    ("Pet", "Pet(pet_type='cat', meows=True)", b'{"pet_type":"cat","meows":true}'),
    ("AnyOfU", "B(b='b')", b'{"b":"b"}'),
    ("Nested", "Cat(pet_type='cat')", b'{"pet_type":"cat"}'),
    ("Nested", "x", b'"x"'),
]


@pytest.mark.parametrize(("union", "body", "sent"), BODY_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(BODY_CASES)])
def test_request_bodies(sdk: ModuleType, server: Any, union: str, body: Any, sent: bytes) -> None:
    if isinstance(body, str) and "(" in body:
        body = eval(body, vars(sdk.models))  # noqa: S307 - a test table of constructor calls
    server.response = (204, "", b"")
    getattr(_client(sdk, server).things_api, f"put_{union.lower()}")(body)
    assert server.requests[-1]["body"] == sent


def test_union_class_builds_the_matching_member(sdk: ModuleType) -> None:
    m = sdk.models
    assert type(m.ObjUnion(a=1)) is m.A and type(m.ObjUnion(b="x")) is m.B
    assert type(m.ObjUnion({"b": "x"})) is m.B
    assert type(m.Pet(pet_type="dog")) is m.Dog  # by the discriminator
    assert m.Prim(3) == 3 and m.Stamp(STAMP).year == 2024
    assert isinstance(m.A(a=1), m.ObjUnion) and not isinstance(m.Cat(pet_type="c"), m.ObjUnion)
    assert isinstance("x", m.ObjOrStr) and not isinstance(3, m.ObjOrStr)
    assert set(m.ObjUnion.openapi_types) == {"a", "b", "note"}
    assert m.ObjUnion._composed_schemas["oneOf"] == [m.A, m.B] and m.AnyOfU._composed_schemas["anyOf"] == [m.A, m.B]
    assert m.Pet.discriminator == {"pet_type": {"cat": m.Cat, "dog": m.Dog}}
    with pytest.raises(sdk.exceptions.ApiTypeError):
        m.ObjUnion(c=1)  # fits no member: A's error (a is required)
    with pytest.raises(sdk.exceptions.ApiTypeError):
        m.Prim(1.5)


def test_update_request_takes_members_dicts_files_and_none(sdk: ModuleType, server: Any) -> None:
    """The TaskAnnotationsUpdateRequest shape: oneOf [JSON model, file model], nullable."""
    m, api = sdk.models, _client(sdk, server).things_api
    server.response = (204, "", b"")
    api.update(1, update_request=m.A(a=1))
    assert server.requests[-1]["body"] == b'{"a":1}'
    api.update(1, update_request={"a": 2})
    assert server.requests[-1]["body"] == b'{"a":2}'
    api.update(1, update_request=m.UpdateRequest(a=3))
    assert server.requests[-1]["body"] == b'{"a":3}'
    api.update(1, update_request=m.FileRequest(file=io.BytesIO(b"DATA")), _content_type="multipart/form-data")
    assert b"DATA" in server.requests[-1]["body"] and b'name="file"' in server.requests[-1]["body"]
    api.update(1, update_request=None)
    with pytest.raises(sdk.exceptions.ApiTypeError) as info:
        api.update(1, update_request=m.B(b="x"))
    assert "UpdateRequest" in str(info.value) and info.value.path_to_item == ["update_request"]


# ---------------------------------------------------------------------------------------
# property-based: a member value with extra keys still decodes to that member


def test_decoding_picks_the_member_the_value_came_from(sdk: ModuleType) -> None:
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    from comp_sdk.api_client.model_utils import dec_hook  # type: ignore[import-not-found]

    m = sdk.models
    extra = st.dictionaries(st.text("xyz", min_size=1, max_size=3), st.integers(), max_size=3)
    values = st.one_of(
        st.builds(lambda a, e: ("A", {**e, "a": a}), st.integers(-5, 5), extra),
        st.builds(lambda b, e: ("B", {**e, "b": b}), st.text(max_size=3), extra),
        st.builds(lambda n: ("Cat", {"pet_type": "cat", "meows": n}), st.booleans()),
        st.builds(lambda s: ("str", s), st.text(max_size=5)),
    )

    @hypothesis.settings(max_examples=100, deadline=None, derandomize=True)
    @hypothesis.given(values)
    def check(item: tuple[str, Any]) -> None:
        expected, value = item
        decoded = msgspec.json.decode(json.dumps(value).encode(), type=m.Nested, dec_hook=dec_hook)
        assert type(decoded).__name__ == expected

    check()


# ---------------------------------------------------------------------------------------
# hostile names inside composition


def test_hostile_names_in_composition_run_no_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # copies: this test adds properties to Cat, and COMPONENTS is shared with the other tests
    schemas: dict[str, Any] = json.loads(json.dumps({n: COMPONENTS[n] for n in ("Cat", "Dog", "Color")}))
    mapping = {payload: ref("Cat")["$ref"] for payload in PAYLOADS[:12]}
    for index, payload in enumerate(PAYLOADS):
        schemas[f"U{index}{payload}"] = {"oneOf": [ref("Cat"), ref("Dog"), {"type": "string"}], "description": payload,
                                         "discriminator": {"propertyName": payload, "mapping": mapping}}
        if not re.search(r'[\\"\x00-\x1f]', payload):  # names msgspec can't encode are build errors
            schemas["Cat"]["properties"] = {**schemas["Cat"]["properties"], payload: {
                "oneOf": [{"type": "integer"}, {"type": "string", "format": "date"}, {"type": "string"}]}}
    first = ref(next(n for n in schemas if n.startswith("U0")))
    paths = {"/api/u": {"get": {"operationId": "u_get", "tags": ["u"], "responses": {
        "200": {"description": "", "content": {JSON: {"schema": first}}}}}}}
    doc = {"openapi": "3.0.3", "info": {"title": "H", "version": "1"}, "paths": paths,
           "components": {"schemas": schemas}}
    source = tmp_path / "schema.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    build(source, tmp_path / "out", package="comp_hostile.api_client")
    sdk = import_generated(tmp_path / "out", "comp_hostile.api_client")
    names = [n for n in sdk.models.__all__ if n.startswith("U")]
    assert len(names) == len(PAYLOADS)
    for name in names:
        cls = getattr(sdk.models, name)
        assert type(cls(pet_type="cat")).__name__ == "Cat" and cls("s") == "s"
        disc = cls._discriminator
        assert disc in PAYLOADS and set(cls.discriminator[disc]) == {*PAYLOADS[:12], "Dog"}  # Dog: implicit
        value = sdk.model_utils.dec_hook(cls, {disc: PAYLOADS[3], "pet_type": "dog", "barks": True})
        assert type(value).__name__ == "Cat"  # the mapping decides, not the fit
    assert not sentinel_fired(tmp_path)


# ---------------------------------------------------------------------------------------
# the real schemas


def _oss_with(component: str) -> list[Path]:
    """The open-source schemas that define `component` (found by reading the folder)."""
    return [p for p in sorted((SCHEMAS / "oss").glob("cvat-*.yml"))
            if f"\n    {component}:\n" in p.read_text(encoding="utf-8")]


@pytest.mark.slow
@pytest.mark.parametrize("source", _oss_with("TaskAnnotationsUpdateRequest"), ids=lambda p: p.stem)
def test_old_core_update_annotations_with_labeled_data_request(source: Path, tmp_path: Path) -> None:
    """cvat_sdk.core of these releases (2.12, say) sends
    `task_annotations_update_request=LabeledDataRequest(...)`, where the body is
    `oneOf: [LabeledDataRequest, AnnotationFileRequest]`."""
    package = f"comp_{source.stem.replace('.', '_').replace('-', '_')}.api_client"
    build(source, tmp_path, package=package, stale_patches="warning")
    sdk = import_generated(tmp_path, package)
    m = sdk.models
    with CannedServer() as server:
        api = _client(sdk, server).tasks_api
        server.response = (200, "application/vnd.cvat+json", b'{"version":1,"tags":[],"shapes":[],"tracks":[]}')
        request = m.LabeledDataRequest(version=1, tags=[], shapes=[], tracks=[])
        api.update_annotations(1, task_annotations_update_request=request)
        assert json.loads(server.requests[-1]["body"]) == {"version": 1, "tags": [], "shapes": [], "tracks": []}
        api.update_annotations(1, task_annotations_update_request=m.TaskAnnotationsUpdateRequest(version=2, shapes=[]))
        assert json.loads(server.requests[-1]["body"]) == {"version": 2, "shapes": []}
        api.update_annotations(1, task_annotations_update_request={"version": 3})
        assert json.loads(server.requests[-1]["body"]) == {"version": 3}
        with pytest.raises(sdk.exceptions.ApiTypeError, match="TaskAnnotationsUpdateRequest"):
            api.update_annotations(1, task_annotations_update_request=m.PatchedLabeledDataRequest(version=4))
        # AnnotationsRead (oneOf [LabeledData, binary]) decodes to LabeledData, natively
        data, _ = api.retrieve_annotations(1)
        if hasattr(m, "AnnotationsRead"):
            assert api.retrieve_annotations_endpoint._c.spec.response_type == "LabeledData | str"
        assert type(data) is m.LabeledData and data.version == 1
        # MetaUser (anyOf [User, BasicUser])
        server.response = (200, "application/vnd.cvat+json",
                           b'{"id":1,"username":"u","first_name":"f","last_name":"l","new_field":1}')
        user, _ = _client(sdk, server).users_api.retrieve_self()
        assert type(user) is m.BasicUser and isinstance(user, m.MetaUser)
    assert isinstance(m.TaskAnnotationsUpdateRequest, type)
    assert set(m.TaskAnnotationsUpdateRequest.openapi_types) >= {"version", "tags", "shapes", "tracks", "annotation_file"}


def test_data_response_is_rq_id_or_a_string(sdk270_composition: ModuleType) -> None:
    sdk = sdk270_composition
    with CannedServer() as server:
        api = _client(sdk, server).tasks_api
        server.response = (202, "application/vnd.cvat+json", b'{"rq_id":"r1"}')
        data, _ = api.create_data(1, data_request=sdk.models.DataRequest(image_quality=70))
        assert type(data) is sdk.models.RqId and data.rq_id == "r1"
        server.response = (202, "application/vnd.cvat+json", b'"a string"')
        data, _ = api.create_data(1, data_request=sdk.models.DataRequest(image_quality=70))
        assert data == "a string"
    assert inspect.signature(sdk.apis.TasksApi.create_data).return_annotation == \
        "tuple[RqId | str | None, HTTPResponse]"


@pytest.fixture(scope="module")
def sdk270_composition(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    output = tmp_path_factory.mktemp("comp270")
    build(schema_path("2.70.0"), output, package="comp270.api_client")
    return import_generated(output, "comp270.api_client")


def test_union_code_is_laid_out_as_black_does(tmp_path: Path) -> None:
    """The models template writes black's layout itself (black is skipped for it): the union
    blocks too, long aliases and mappings included."""
    from cvat_gen.format import format_source

    doc = _doc()
    long_names = [f"AVeryLongMemberModelName{i}ForTheLayout" for i in range(3)]
    for name in long_names:
        doc["components"]["schemas"][name] = {"type": "object", "properties": {"kind": {"type": "string"}}}
    doc["components"]["schemas"]["AnotherRatherLongUnionNameForLayout"] = {
        "oneOf": [ref(n) for n in long_names] + [{"type": "string"}], "discriminator": {"propertyName": "kind"}}
    source = tmp_path / "schema.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    build(source, tmp_path / "out", package="comp_layout.api_client", format=False)
    text = (tmp_path / "out" / "comp_layout" / "api_client" / "models" / "_models.py").read_text(encoding="utf-8")
    assert "AnotherRatherLongUnionNameForLayout: TypeAlias = (\n" in text
    assert format_source(text) == text
