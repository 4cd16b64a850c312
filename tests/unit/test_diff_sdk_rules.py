"""Every Python-surface rule of `cvat-gen diff`, triggered by a small fixture pair.

The IRs are built from small schemas with the build's own IR builder; a few changes that
only a plugin can make (renames) are made on the IR. The SDK-level comparer must report
exactly the rule id of the case.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from cvat_gen.build_ir import build_ir
from cvat_gen.diff.rules import RULES
from cvat_gen.diff.sdk import compare_sdk
from cvat_gen.ir import IR
from tests.unit.test_diff_rules import body, make_doc, obj, op, param, response

Doc = dict[str, Any]
STR = {"type": "string"}
INT = {"type": "integer"}


def ir_of(doc: Doc) -> IR:
    ir, sink = build_ir(copy.deepcopy(doc), "", "pkg.api_client")
    assert not sink.errors, [d.format() for d in sink.errors]
    return ir


def paths(*ops: tuple[str, str, dict[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path, method, operation in ops:
        found.setdefault(path, {})[method] = operation
    return found


def tagged(op_id: str, tag: str, **extra: Any) -> dict[str, Any]:
    return {**op(op_id, **extra), "tags": [tag]}


ITEMS = ("/items", "get", op())
OTHER = ("/other", "get", tagged("other_list", "other"))
MODEL = {"Item": obj({"a": STR, "b": STR})}
ENUMS = {"Color": {"type": "string", "enum": ["red", "blue"]}, "Shade": {"type": "string", "enum": ["dark"]},
         "NullEnum": {"enum": [None]}}


def with_params(*params: dict[str, Any], **extra: Any) -> Doc:
    return make_doc(paths(("/items", "get", op(parameters=list(params), **extra))))


def model_doc(schemas: dict[str, Any]) -> Doc:
    return make_doc(paths(ITEMS), schemas)


def rename_model(ir: IR, old: str, new: str) -> IR:
    return dataclasses.replace(ir, models=tuple(dataclasses.replace(m, name=new) if m.name == old else m for m in ir.models))


def rename_field(ir: IR, model: str, old: str, new: str) -> IR:
    def fix(m: Any) -> Any:
        if m.name != model:
            return m
        return dataclasses.replace(m, fields=tuple(dataclasses.replace(f, py_name=new) if f.py_name == old else f for f in m.fields))

    return dataclasses.replace(ir, models=tuple(fix(m) for m in ir.models))


def rename_param(ir: IR, old: str, new: str) -> IR:
    apis = []
    for api in ir.apis:
        ops = tuple(dataclasses.replace(o, params=tuple(dataclasses.replace(p, py_name=new) if p.py_name == old else p
                                                        for p in o.params)) for o in api.operations)
        apis.append(dataclasses.replace(api, operations=ops))
    return dataclasses.replace(ir, apis=tuple(apis))


def rename_member(ir: IR, enum: str, value: str, new: str) -> IR:
    enums = tuple(dataclasses.replace(e, members=tuple(dataclasses.replace(m, name=new) if m.value == value else m
                                                      for m in e.members)) if e.name == enum else e for e in ir.enums)
    return dataclasses.replace(ir, enums=enums)


def docs(a: Doc, b: Doc) -> Callable[[], tuple[IR, IR]]:
    return lambda: (ir_of(a), ir_of(b))


COMPOSED = {"A": obj({"x": STR}), "B": obj({"x": STR})}

CASES: dict[str, Callable[[], tuple[IR, IR]]] = {
    "sdk-api-class-added": docs(make_doc(paths(ITEMS)), make_doc(paths(ITEMS, OTHER))),
    "sdk-api-class-removed": docs(make_doc(paths(ITEMS, OTHER)), make_doc(paths(ITEMS))),
    "sdk-method-added": docs(make_doc(paths(ITEMS)), make_doc(paths(ITEMS, ("/items", "post", op("items_create"))))),
    "sdk-method-removed": docs(make_doc(paths(ITEMS, ("/items", "post", op("items_create")))), make_doc(paths(ITEMS))),
    "sdk-method-removed-after-deprecation": docs(
        make_doc(paths(ITEMS, ("/items", "post", op("items_create", deprecated=True)))), make_doc(paths(ITEMS))),
    "sdk-method-replaced-without-deprecation": docs(make_doc(paths(ITEMS)), make_doc(paths(("/v2/items", "get", op("items_list_v2"))))),
    "sdk-method-replaced-after-deprecation": docs(make_doc(paths(("/items", "get", op(deprecated=True)))),
                                                  make_doc(paths(("/v2/items", "get", op("items_list_v2"))))),
    "sdk-method-deprecated": docs(make_doc(paths(ITEMS)), make_doc(paths(("/items", "get", op(deprecated=True))))),
    "sdk-method-renamed": docs(make_doc(paths(ITEMS)), make_doc(paths(("/items", "get", op("items_index"))))),
    "sdk-method-moved": docs(make_doc(paths(ITEMS, ("/items", "post", op("items_create")), OTHER)),
                             make_doc(paths(("/items", "get", tagged("items_list", "other")), ("/items", "post", op("items_create")),
                                            OTHER))),
    "sdk-positional-parameter-added": docs(with_params(), with_params(param(required=True))),
    "sdk-keyword-parameter-added": docs(with_params(), with_params(param())),
    "sdk-parameter-removed": docs(with_params(param()), with_params()),
    "sdk-parameter-removed-after-deprecation": docs(with_params(param(deprecated=True)), with_params()),
    "sdk-parameter-renamed": lambda: (ir_of(with_params(param())), rename_param(ir_of(with_params(param())), "p", "q")),
    "sdk-parameter-became-positional": docs(with_params(param()), with_params(param(required=True))),
    "sdk-parameter-became-keyword": docs(with_params(param(required=True)), with_params(param())),
    "sdk-positional-order-changed": docs(with_params(param("a", True), param("b", True)),
                                         with_params(param("b", True), param("a", True))),
    "sdk-parameter-type-changed": docs(with_params(param()), with_params(param(schema=INT))),
    "sdk-return-type-changed": docs(make_doc(paths(("/items", "get", op(responses=response(STR))))),
                                    make_doc(paths(("/items", "get", op(responses=response(INT)))))),
    "sdk-model-added": docs(model_doc({}), model_doc(MODEL)),
    "sdk-model-removed": docs(model_doc(MODEL), model_doc({})),
    "sdk-model-renamed": lambda: (ir_of(model_doc(MODEL)), rename_model(ir_of(model_doc(MODEL)), "Item", "Thing")),
    "sdk-model-kind-changed": docs(model_doc(MODEL), model_doc({"Item": {"type": "string", "enum": ["a"]}})),
    "sdk-model-base-changed": docs(
        model_doc({**COMPOSED, "M": {"allOf": [{"$ref": "#/components/schemas/A"}, obj({"y": STR})]}}),
        model_doc({**COMPOSED, "M": {"allOf": [{"$ref": "#/components/schemas/B"}, obj({"y": STR})]}})),
    "sdk-field-added": docs(model_doc(MODEL), model_doc({"Item": obj({"a": STR, "b": STR, "c": STR})})),
    "sdk-positional-field-added": docs(model_doc(MODEL), model_doc({"Item": obj({"a": STR, "b": STR, "c": STR}, ("c",))})),
    "sdk-field-removed": docs(model_doc(MODEL), model_doc({"Item": obj({"a": STR})})),
    "sdk-field-renamed": lambda: (ir_of(model_doc(MODEL)), rename_field(ir_of(model_doc(MODEL)), "Item", "a", "a2")),
    "sdk-field-became-positional": docs(model_doc(MODEL), model_doc({"Item": obj({"a": STR, "b": STR}, ("a",))})),
    "sdk-field-became-keyword": docs(model_doc({"Item": obj({"a": STR, "b": STR}, ("a",))}), model_doc(MODEL)),
    "sdk-field-order-changed": docs(model_doc({"Item": obj({"a": STR, "b": STR}, ("a", "b"))}),
                                    model_doc({"Item": obj({"b": STR, "a": STR}, ("a", "b"))})),
    "sdk-field-type-changed": docs(model_doc(MODEL), model_doc({"Item": obj({"a": INT, "b": STR})})),
    "sdk-field-became-nullable": docs(model_doc(MODEL), model_doc({"Item": obj({"a": {**STR, "nullable": True}, "b": STR})})),
    "sdk-enum-added": docs(model_doc({}), model_doc({"Color": ENUMS["Color"]})),
    "sdk-enum-removed": docs(model_doc({"Color": ENUMS["Color"]}), model_doc({})),
    "sdk-enum-member-added": docs(model_doc({"Color": ENUMS["Color"]}),
                                  model_doc({"Color": {"type": "string", "enum": ["red", "blue", "green"]}})),
    "sdk-enum-member-removed": docs(model_doc({"Color": ENUMS["Color"]}), model_doc({"Color": {"type": "string", "enum": ["red"]}})),
    "sdk-enum-member-renamed": lambda: (ir_of(model_doc({"Color": ENUMS["Color"]})),
                                        rename_member(ir_of(model_doc({"Color": ENUMS["Color"]})), "Color", "red", "RUBY")),
    "sdk-alias-added": docs(model_doc(ENUMS), model_doc({**ENUMS, "Tint": {"oneOf": [{"$ref": "#/components/schemas/Color"},
                                                                                     {"$ref": "#/components/schemas/NullEnum"}]}})),
    "sdk-alias-removed": docs(model_doc({**ENUMS, "Tint": {"oneOf": [{"$ref": "#/components/schemas/Color"},
                                                                   {"$ref": "#/components/schemas/NullEnum"}]}}), model_doc(ENUMS)),
    "sdk-alias-target-changed": docs(
        model_doc({**ENUMS, "Tint": {"oneOf": [{"$ref": "#/components/schemas/Color"}, {"$ref": "#/components/schemas/NullEnum"}]}}),
        model_doc({**ENUMS, "Tint": {"oneOf": [{"$ref": "#/components/schemas/Shade"}, {"$ref": "#/components/schemas/NullEnum"}]}})),
}
SDK_RULES = sorted(r.id for r in RULES.values() if r.scope == "sdk")


def test_every_sdk_rule_has_a_case() -> None:
    assert sorted(CASES) == SDK_RULES


@pytest.mark.parametrize("rule_id", SDK_RULES)
def test_sdk_rule_is_triggered_alone(rule_id: str) -> None:
    old, new = CASES[rule_id]()
    assert compare_sdk(old, old) == [] and compare_sdk(new, new) == []
    assert sorted(f.id for f in compare_sdk(old, new)) == [rule_id]


def test_a_method_moves_out_of_a_removed_class() -> None:
    old = ir_of(make_doc(paths(ITEMS, OTHER)))
    new = ir_of(make_doc(paths(("/items", "get", tagged("items_list", "other")), OTHER)))
    findings = sorted(compare_sdk(old, new), key=lambda f: f.id)
    assert [(f.id, f.symbol) for f in findings] == [("sdk-api-class-removed", "ItemsApi"),
                                                    ("sdk-method-moved", "ItemsApi.list")]


def test_body_is_an_argument_and_symbols_name_python() -> None:
    a = make_doc(paths(("/items", "post", op("items_create", requestBody=body(obj({"a": STR})), parameters=[param("page_size")]))))
    b = make_doc(paths(("/items", "post", op("items_create", requestBody=body(obj({"a": STR})),
                                             parameters=[param("page_size", True)]))))
    (finding,) = compare_sdk(ir_of(a), ir_of(b))
    assert finding.id == "sdk-parameter-became-positional"
    assert finding.symbol == "ItemsApi.create(page_size)" and finding.operation == "items_create"
