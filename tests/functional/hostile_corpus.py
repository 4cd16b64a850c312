"""Hand-written hostile schemas, and the checks every hostile build must pass.

A schema is untrusted input. Every case here ends in one of two ways:

(a) the build succeeds, and the generated package compiles (`compileall`), imports, and
    behaves: every model is instantiated from a synthesized value and round-trips, every
    enum member round-trips, every operation is called against a tiny loopback server
    and sends the right method and path; and no SENTINEL fired (no `PWNED` file in the
    working directory, no `CVAT_GEN_PWNED` environment variable, no `builtins.PWNED`);
(b) the build fails with a clear error that points into the schema (exit 2,
    `error: <source>#/json/pointer: ...`, no traceback) and leaves any existing output
    byte-for-byte untouched.

Payloads try to run code that would fire a sentinel; they never do anything else.
"""

from __future__ import annotations

import builtins
import compileall
import copy
import importlib
import json
import os
import pkgutil
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

# ---------------------------------------------------------------------------------------
# sentinels

SENTINEL_FILE = "PWNED"
SENTINEL_ENV = "CVAT_GEN_PWNED"
SENTINEL_BUILTIN = "PWNED"

# Each payload tries to escape the context it lands in (comment, docstring, string
# literal, jinja template, Markdown, YAML) and then fire a sentinel.
PAYLOADS: tuple[str, ...] = (
    "x\nimport os; os.system('touch PWNED')",
    'x"""\nopen("PWNED", "w")\n"""',
    "x'''\nopen('PWNED', 'w')\n'''",
    'x\\"""; open("PWNED", "w"); """',
    'x\\\nopen("PWNED", "w")',
    "x\"; __import__('os').environ.__setitem__('CVAT_GEN_PWNED', '1'); \"",
    "x'); __import__('builtins').PWNED = 1; ('",
    "x\r\n__import__('builtins').PWNED = 1",
    "x\r__import__('builtins').PWNED = 1",
    "x\u2028__import__('builtins').PWNED = 1",
    "x\x0c\n__import__('builtins').PWNED = 1",
    "x\x00y",
    "{{ cycler.__init__.__globals__.os.system('touch PWNED') }}",
    "{% set x = cycler.__init__.__globals__.os.system('touch PWNED') %}",
    "{# comment #}{{ 7*7 }}{%raw%}",
    "x\n# comment\n__import__('builtins').PWNED = 1\n#",
    "<script>alert(1)</script>",
    "--><script>alert(1)</script><!--",
    "x`\n<script>alert(1)</script>\n`",
    "x\\N{",
    "\\u0022\\x27\\'\\\"",
    "ünïcödé ☃ 名前 \U0001f600",
    # a PEP 263 cookie in the first two lines of a generated file (the header names the
    # schema's title) would make Python decode the file with that codec: unicode_escape
    # turns the escaped newline into a real one, and the rest of the line into code
    "x coding: unicode_escape \\u000a__import__('builtins').PWNED = 1 #",
    "x -*- coding: utf-16 -*-",
)

# Strings used as *names* (schemas, properties, parameters, tags, operationIds).
NASTY_NAMES: tuple[str, ...] = (
    "class", "def", "import", "None", "True", "lambda", "match", "case", "type", "_",
    "print", "list", "dict", "str", "object", "self", "cls", "kwargs", "api_client",
    "to_dict", "Model", "UNSET", "Any", "__init__", "__class__", "mro",
    "123start", "-dash-", ".dot.", "with space", "ünïcödé", "名前", "",
    "a\nimport os", 'q"uote', "b\\s", "{{x}}", "{%x%}", "_parse_response",
)


def sentinel_fired(cwd: Path) -> list[str]:
    fired = []
    if (cwd / SENTINEL_FILE).exists():
        fired.append(f"file {cwd / SENTINEL_FILE}")
    if os.environ.get(SENTINEL_ENV):
        fired.append(f"env {SENTINEL_ENV}")
    if hasattr(builtins, SENTINEL_BUILTIN):
        fired.append(f"builtins.{SENTINEL_BUILTIN}")
    return fired


# ---------------------------------------------------------------------------------------
# schemas


def base_schema() -> dict[str, Any]:
    """A small valid schema: an enum, a model with a nested model and an inline enum, and
    operations with path, query and header parameters, a JSON body and a JSON response."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Hostile", "version": "1.0.0", "description": "A test API."},
        "servers": [{"url": "http://localhost:8080"}],
        "tags": [{"name": "items", "description": "Items."}],
        "paths": {
            "/api/items/{id}": {
                "get": {
                    "operationId": "items_retrieve",
                    "tags": ["items"],
                    "summary": "Get an item.",
                    "description": "Returns one item.",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "description": "The id.",
                         "schema": {"type": "integer"}},
                        {"name": "filter", "in": "query", "description": "A filter.",
                         "schema": {"type": "string", "enum": ["a", "b"], "default": "a"}},
                        {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {"description": "The item.", "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                        "404": {"description": "Not found."},
                    },
                },
            },
            "/api/items": {
                "post": {
                    "operationId": "items_create",
                    "tags": ["items"],
                    "summary": "Create an item.",
                    "requestBody": {"required": True, "description": "The new item.", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ItemRequest"}}}},
                    "responses": {"201": {"description": "Created.", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}},
                },
            },
        },
        "components": {
            "schemas": {
                "Color": {"type": "string", "enum": ["red", "green"], "description": "A color."},
                "Item": {
                    "type": "object",
                    "description": "An item.",
                    "properties": {
                        "id": {"type": "integer", "readOnly": True, "description": "The id."},
                        "name": {"type": "string", "description": "The name.", "default": "n"},
                        "color": {"$ref": "#/components/schemas/Color"},
                        "size": {"type": "string", "enum": ["s", "m"], "description": "A size."},
                        "tags": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["id", "name"],
                },
                "ItemRequest": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "color": {"$ref": "#/components/schemas/Color"},
                    },
                    "required": ["name"],
                },
            },
        },
    }


def _op(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["paths"]["/api/items/{id}"]["get"]


def _rename_component(doc: dict[str, Any], old: str, new: str) -> None:
    schemas = doc["components"]["schemas"]
    doc["components"]["schemas"] = {(new if k == old else k): v for k, v in schemas.items()}
    old_ref = "#/components/schemas/" + old.replace("~", "~0").replace("/", "~1")
    new_ref = "#/components/schemas/" + new.replace("~", "~0").replace("/", "~1")

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("$ref") == old_ref:
                node["$ref"] = new_ref
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)


def _rename_path(doc: dict[str, Any], old: str, new: str) -> None:
    doc["paths"] = {(new if k == old else k): v for k, v in doc["paths"].items()}


def _set_tag(doc: dict[str, Any], tag: str) -> None:
    doc["tags"] = [{"name": tag, "description": f"tag {tag}"}]
    for item in doc["paths"].values():
        for op in item.values():
            op["tags"] = [tag]


# Every place a string from the schema can reach the generated SDK or its docs.
# Each function puts `value` there in a schema that stays valid OpenAPI.
SITES: dict[str, Callable[[dict[str, Any], str], None]] = {
    "info.title": lambda d, v: d["info"].__setitem__("title", v),
    "info.version": lambda d, v: d["info"].__setitem__("version", v),
    "info.description": lambda d, v: d["info"].__setitem__("description", v),
    "server url": lambda d, v: d["servers"][0].__setitem__("url", v),
    "tag name": _set_tag,
    "tag description": lambda d, v: d["tags"][0].__setitem__("description", v),
    "operation summary": lambda d, v: _op(d).__setitem__("summary", v),
    "operation description": lambda d, v: _op(d).__setitem__("description", v),
    "operationId": lambda d, v: _op(d).__setitem__("operationId", v),
    "path": lambda d, v: _rename_path(d, "/api/items", "/api/items/" + v),
    "parameter name": lambda d, v: _op(d)["parameters"][1].__setitem__("name", v),
    "header name": lambda d, v: _op(d)["parameters"][2].__setitem__("name", v),
    "parameter description": lambda d, v: _op(d)["parameters"][0].__setitem__("description", v),
    "parameter default": lambda d, v: _op(d)["parameters"][2]["schema"].__setitem__("default", v),
    "parameter enum value": lambda d, v: _op(d)["parameters"][1]["schema"].update(enum=["a", v], default=v),
    "response description": lambda d, v: _op(d)["responses"]["404"].__setitem__("description", v),
    "body description": lambda d, v: d["paths"]["/api/items"]["post"]["requestBody"].__setitem__("description", v),
    "schema name": lambda d, v: _rename_component(d, "Item", v),
    "enum schema name": lambda d, v: _rename_component(d, "Color", "E" + v),
    "schema description": lambda d, v: d["components"]["schemas"]["Item"].__setitem__("description", v),
    "enum description": lambda d, v: d["components"]["schemas"]["Color"].__setitem__("description", v),
    "property name": lambda d, v: d["components"]["schemas"]["Item"]["properties"].__setitem__(
        v, {"type": "string", "description": "injected"}),
    "required property name": lambda d, v: (
        d["components"]["schemas"]["ItemRequest"]["properties"].__setitem__(v, {"type": "string"}),
        d["components"]["schemas"]["ItemRequest"]["required"].append(v)),
    "property description": lambda d, v: d["components"]["schemas"]["Item"]["properties"]["name"].__setitem__(
        "description", v),
    "property default": lambda d, v: d["components"]["schemas"]["Item"]["properties"]["name"].__setitem__(
        "default", v),
    "property title": lambda d, v: d["components"]["schemas"]["Item"]["properties"]["name"].__setitem__("title", v),
    "enum value": lambda d, v: d["components"]["schemas"]["Color"]["enum"].append(v),
    "inline enum value": lambda d, v: d["components"]["schemas"]["Item"]["properties"]["size"]["enum"].append(v),
    "content type": lambda d, v: d["paths"]["/api/items"]["post"]["requestBody"]["content"].__setitem__(
        "application/" + v, {"schema": {"type": "object"}}),
    "security scheme name": lambda d, v: (
        d["components"].__setitem__("securitySchemes", {v: {"type": "apiKey", "in": "header", "name": v}}),
        d.__setitem__("security", [{v: []}])),
}


def with_value(site: str, value: str) -> dict[str, Any]:
    doc = base_schema()
    SITES[site](doc, value)
    return doc


# ---------------------------------------------------------------------------------------
# hand-written cases


@dataclass(frozen=True)
class Case:
    name: str
    doc: dict[str, Any] | str | bytes  # str/bytes are written to the schema file as is
    # outcome (b): the error must name this pointer and contain this text; None = outcome (a)
    error_pointer: str | None = None
    error_text: str = ""
    check: Callable[[Any, Any], None] | None = None  # extra check on (sdk, build result)
    # a known gap outside this suite's files: the error is clear but has no pointer yet
    known_bug: str = ""


def _keyword_schema() -> dict[str, Any]:
    """Keywords and builtins as names of schemas, properties, parameters, tags and operations."""
    doc = base_schema()
    names = ["class", "def", "None", "import", "print", "type", "list", "self", "match", "lambda"]
    props = {n: {"type": "string", "description": f"property {n}"} for n in names}
    doc["components"]["schemas"]["class"] = {"type": "object", "properties": props, "required": ["class", "def"]}
    doc["components"]["schemas"]["None"] = {"type": "string", "enum": ["None", "True", "class", "mro", "_", "name"]}
    doc["components"]["schemas"]["print"] = {"type": "object", "properties": {
        "self": {"$ref": "#/components/schemas/class"}, "None": {"$ref": "#/components/schemas/None"}}}
    doc["paths"]["/api/{class}/{def}"] = {"post": {
        "operationId": "import", "tags": ["lambda"],
        "parameters": [{"name": n, "in": "path" if n in ("class", "def") else "query", "required": n in ("class", "def"),
                        "schema": {"type": "string"}} for n in names + ["kwargs", "api_client", "_parse_response", "from"]],
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/class"}}},
                        "required": True},
        "responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/print"}}}}},
    }}
    doc["paths"]["/api/def"] = {"get": {"operationId": "def", "tags": ["class"], "responses": {"204": {"description": "no"}}},
                                "put": {"operationId": "class_class", "tags": ["class"],
                                        "responses": {"204": {"description": "no"}}}}
    return doc


def _collision_schema() -> dict[str, Any]:
    """Names that collide after conversion to snake/Pascal case."""
    doc = base_schema()
    schemas = doc["components"]["schemas"]
    props = {n: {"type": "string"} for n in ("fooBar", "foo_bar", "FooBar", "foo-bar", "foo.bar", "foo bar", "FOO_BAR",
                                               "fooBar_2")}
    schemas["Coll"] = {"type": "object", "properties": props, "required": ["fooBar", "foo-bar"]}
    schemas["coll"] = {"type": "object", "properties": {"x": {"type": "integer"}}}
    schemas["Coll_"] = {"type": "object", "properties": {"x": {"type": "integer"}}}
    schemas["c-o-l-l"] = {"type": "object", "properties": {"x": {"type": "integer"}}}
    schemas["CollEnum"] = {"type": "string", "enum": ["a-b", "a_b", "A B", "a.b", "", " ", "_", "__x__", "1", "mro"]}
    op = _op(doc)
    op["parameters"] += [{"name": n, "in": "query", "schema": {"type": "string"}}
                         for n in ("pageSize", "page_size", "page-size", "PAGE_SIZE")]
    doc["paths"]["/api/coll"] = {
        "get": {"operationId": "items_list", "tags": ["items"], "responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Coll"}}}}}},
        "put": {"operationId": "itemsList", "tags": ["items"], "responses": {"204": {"description": "no"}}},
        "patch": {"operationId": "items-list", "tags": ["Items"], "responses": {"204": {"description": "no"}}},
    }
    doc["tags"].append({"name": "Items"})
    return doc


def _odd_names_schema() -> dict[str, Any]:
    """Leading digits, dashes, dots, spaces and non-ASCII characters in every kind of name."""
    doc = base_schema()
    schemas = doc["components"]["schemas"]
    odd = ["1st", "-x-", ".hidden", "with space", "ünïcödé", "名前", "a.b.c", "9", "$ref-like", "🙂"]
    schemas["2fast"] = {"type": "object", "properties": {n: {"type": "string"} for n in odd}, "required": odd[:3]}
    schemas["名前"] = {"type": "object", "properties": {"x": {"type": "integer"}}}
    schemas["ünïcode enum"] = {"type": "string", "enum": odd}
    schemas["-.-"] = {"type": "object", "properties": {"y": {"type": "integer"}}}
    doc["paths"]["/api/1st/{2nd}"] = {"get": {
        "operationId": "1st-op.名前 x", "tags": ["9 lives"],
        "parameters": [{"name": "2nd", "in": "path", "required": True, "schema": {"type": "string"}},
                       {"name": "ünï", "in": "query", "schema": {"type": "string"}},
                       {"name": "a.b", "in": "query", "schema": {"type": "integer"}},
                       {"name": "x-Y z", "in": "header", "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/2fast"}}}}},
    }}
    doc["paths"]["/api/名前"] = {"get": {"operationId": "名前", "tags": ["名前"], "responses": {
        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/名前"}}}}}}}
    return doc


def _quotes_everywhere_schema() -> dict[str, Any]:
    """Triple quotes, backslashes and jinja delimiters in every text field at once."""
    doc = base_schema()
    for index, site in enumerate(s for s in SITES if s not in ("schema name", "enum schema name", "path",
                                                                  "content type", "tag name", "property name",
                                                                  "required property name")):
        SITES[site](doc, PAYLOADS[index % len(PAYLOADS)])
    return doc


def _long_and_deep_schema() -> dict[str, Any]:
    doc = base_schema()
    long = "A" * 100_000
    doc["info"]["description"] = long
    doc["components"]["schemas"]["Item"]["description"] = "x\n" * 20_000
    doc["components"]["schemas"]["L" * 500] = {"type": "object", "properties": {"p" * 500: {"type": "string"}}}
    doc["components"]["schemas"]["Color"]["enum"].append("v" * 5000)
    _op(doc)["operationId"] = "items_" + "o" * 400
    # deep but under the generator's limits: 40 nested arrays and 40 nested inline objects
    nested: dict[str, Any] = {"type": "string"}
    for _ in range(40):
        nested = {"type": "array", "items": nested}
    obj: dict[str, Any] = {"type": "string"}
    for level in range(40):
        obj = {"type": "object", "properties": {f"l{level}": obj}}
    doc["components"]["schemas"]["Deep"] = {"type": "object", "properties": {"arrays": nested, "objects": obj}}
    return doc


def _too_deep_schema() -> dict[str, Any]:
    doc = base_schema()
    nested: dict[str, Any] = {"type": "string"}
    for _ in range(300):
        nested = {"type": "array", "items": nested}
    doc["components"]["schemas"]["TooDeep"] = {"type": "object", "properties": {"x": nested}}
    return doc


def _shadowing_names_schema() -> dict[str, Any]:
    """Field names that the model class body or its annotations use themselves."""
    doc = base_schema()
    props: dict[str, Any] = {n: {"type": "string"} for n in ("field", "UNSET", "UnsetType", "ClassVar", "Any", "str",
                                                             "int", "float", "bool", "bytes", "Model", "INames")}
    props.update({"datetime": {"type": "string", "format": "date-time"}, "date": {"type": "string", "format": "date"},
                  "list": {"type": "array", "items": {"type": "integer"}},
                  "dict": {"type": "object", "additionalProperties": {"type": "integer"}},
                  "after": {"type": "string", "format": "date-time"}})
    doc["components"]["schemas"]["Names"] = {"type": "object", "properties": props, "required": ["field", "str"]}
    return doc


def _check_shadowing(sdk: Any, result: Any) -> None:
    import msgspec

    value = {"field": "f", "str": "s", "int": "i", "list": [1], "date": "2024-01-02", "after": "2024-01-01T00:00:00Z"}
    names = sdk.models.Names(**value)
    assert msgspec.to_builtins(names) == value


def _recursive_schema() -> dict[str, Any]:
    """A tree: a model that references itself, directly and through a list and a second model."""
    doc = base_schema()
    schemas = doc["components"]["schemas"]
    schemas["Node"] = {"type": "object", "properties": {
        "name": {"type": "string"},
        "parent": {"allOf": [{"$ref": "#/components/schemas/Node"}], "nullable": True},
        "self": {"$ref": "#/components/schemas/Node"},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
        "other": {"$ref": "#/components/schemas/Other"},
    }, "required": ["name"]}
    schemas["Other"] = {"type": "object", "properties": {"back": {"$ref": "#/components/schemas/Node"}}}
    doc["paths"]["/api/nodes"] = {"get": {"operationId": "nodes_retrieve", "tags": ["nodes"], "responses": {
        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}}}}}
    return doc


def _check_recursive(sdk: Any, result: Any) -> None:
    Node = sdk.models.Node
    tree = Node(name="root", children=[{"name": "a", "children": [{"name": "b"}]}], other={"back": {"name": "c"}})
    assert tree.children[0].children[0].name == "b"
    assert isinstance(tree.other.back, Node)
    assert tree.to_dict()["children"][0]["children"][0] == {"name": "b"}


def _unresolvable_ref_schema() -> dict[str, Any]:
    doc = base_schema()
    doc["components"]["schemas"]["Item"]["properties"]["ghost"] = {"$ref": "#/components/schemas/Ghost"}
    return doc


def _circular_allof_schema() -> dict[str, Any]:
    doc = base_schema()
    schemas = doc["components"]["schemas"]
    schemas["A"] = {"allOf": [{"$ref": "#/components/schemas/B"}, {"properties": {"a": {"type": "string"}}}]}
    schemas["B"] = {"allOf": [{"$ref": "#/components/schemas/A"}, {"properties": {"b": {"type": "string"}}}]}
    return doc


def _self_allof_schema() -> dict[str, Any]:
    doc = base_schema()
    doc["components"]["schemas"]["Me"] = {"allOf": [{"$ref": "#/components/schemas/Me"}]}
    return doc


def _duplicate_operation_id_schema() -> dict[str, Any]:
    doc = base_schema()
    doc["paths"]["/api/items"]["put"] = {"operationId": "items_retrieve", "tags": ["items"],
                                         "responses": {"204": {"description": "no"}}}
    return doc


def _ref_cycle_schema() -> dict[str, Any]:
    doc = base_schema()
    schemas = doc["components"]["schemas"]
    schemas["Loop1"] = {"$ref": "#/components/schemas/Loop2"}
    schemas["Loop2"] = {"$ref": "#/components/schemas/Loop1"}
    schemas["Item"]["properties"]["loop"] = {"$ref": "#/components/schemas/Loop1"}
    return doc


def _enum_defaults_with_code_schema() -> dict[str, Any]:
    doc = base_schema()
    item = doc["components"]["schemas"]["Item"]
    item["properties"]["code"] = {"type": "string", "enum": list(PAYLOADS), "default": PAYLOADS[1]}
    item["properties"]["n"] = {"type": "integer", "default": 3}
    item["properties"]["obj"] = {"type": "object", "default": {"__import__('os')": "');open('PWNED','w');('"}}
    item["properties"]["lst"] = {"type": "array", "items": {"type": "string"}, "default": list(PAYLOADS[:4])}
    doc["components"]["schemas"]["Color"]["enum"] = list(PAYLOADS)
    return doc


def _composition_schema() -> dict[str, Any]:
    """oneOf/anyOf whose names, descriptions, discriminator property and mapping values are payloads."""
    doc = base_schema()
    schemas = doc["components"]["schemas"]
    item, request = "#/components/schemas/Item", "#/components/schemas/ItemRequest"
    for payload in PAYLOADS[:10]:
        schemas[f"U{payload}"] = {"oneOf": [{"$ref": item}, {"$ref": request}, {"type": "string"}],
                                  "description": payload,
                                  "discriminator": {"propertyName": payload, "mapping": {payload: item}}}
    schemas["Item"]["properties"]["either"] = {"anyOf": [{"$ref": "#/components/schemas/Color"}, {"type": "integer"}],
                                               "description": PAYLOADS[1]}
    return doc


def _check_composition(sdk: Any, result: Any) -> None:
    import importlib

    dec_hook = importlib.import_module(sdk.__name__ + ".model_utils").dec_hook
    unions = [m for m in result.ir.models if m.kind == "union"]
    assert len(unions) == 10
    for model in unions:
        cls = getattr(sdk.models, model.name)
        tag = model.mapping[0][0]
        value = dec_hook(cls, {model.discriminator: tag, "id": 1, "name": "n"})
        assert type(value).__name__ == "Item" and isinstance(value, cls) and cls("s") == "s"


def _remote_ref_schema() -> dict[str, Any]:
    doc = base_schema()
    doc["components"]["schemas"]["Item"]["properties"]["remote"] = {"$ref": "http://example.com/s.json#/X"}
    return doc



CASES: tuple[Case, ...] = (
    Case("keywords and builtins as names", _keyword_schema()),
    Case("snake case collisions", _collision_schema()),
    Case("digits dashes dots spaces unicode", _odd_names_schema()),
    Case("quotes backslashes jinja everywhere", _quotes_everywhere_schema()),
    Case("very long strings and deep nesting", _long_and_deep_schema()),
    Case("enum values and defaults with code", _enum_defaults_with_code_schema()),
    Case("field names that shadow the model's own names", _shadowing_names_schema(), check=_check_shadowing),
    Case("recursive $ref", _recursive_schema(), check=_check_recursive),
    Case("oneOf and anyOf with hostile names", _composition_schema(), check=_check_composition),
    Case("unresolvable $ref", _unresolvable_ref_schema(), "/components/schemas/Item/properties/ghost/$ref",
         "unresolvable reference"),
    Case("remote $ref", _remote_ref_schema(), "/components/schemas/Item/properties/remote/$ref", "only local"),
    Case("circular allOf", _circular_allof_schema(), "/components/schemas/", ""),
    Case("self allOf", _self_allof_schema(), "/components/schemas/Me", ""),
    Case("$ref cycle", _ref_cycle_schema(), "/components/schemas/", ""),
    Case("duplicate operationId", _duplicate_operation_id_schema(), "/paths/~1api~1items/put/operationId",
         "duplicate operationId"),
    Case("nesting too deep", _too_deep_schema(), "/components/schemas/TooDeep", "deep"),
    Case("empty file", "", None, "schema is empty"),
    Case("whitespace file", "  \n\t\n", None, "schema is empty"),
    Case("empty object", "{}", "/openapi", "OpenAPI 3.0"),
    Case("JSON null", "null", None, "must be an object"),
    Case("not UTF-8", b"\xff\xfe{}", None, "UTF-8"),
)


# ---------------------------------------------------------------------------------------
# exercising a generated package


class CannedServer:
    """A loopback HTTP server that records requests and answers with the next canned response."""

    def __init__(self) -> None:
        from tests.support.wsgi_server import BackgroundServer

        outer = self

        class _Server(BackgroundServer):
            def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = environ["wsgi.input"].read(length) if length else b""
                outer.requests.append({"method": environ["REQUEST_METHOD"],
                                       "path": environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ["PATH_INFO"],
                                       "query": environ.get("QUERY_STRING", ""), "body": body,
                                       "headers": {k: v for k, v in environ.items() if k.startswith("HTTP_")}})
                status, content_type, payload = outer.response
                headers = [("Content-Type", content_type)] if content_type else []
                start_response(f"{status} X", headers)
                return [payload]

        self.server = _Server()
        self.requests: list[dict[str, Any]] = []
        self.response: tuple[int, str, bytes] = (204, "", b"")

    def __enter__(self) -> CannedServer:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    @property
    def url(self) -> str:
        return self.server.url


def import_all(output: Path, package: str) -> Any:
    """compileall the output, then import the package and every module in it."""
    assert compileall.compile_dir(str(output / package.replace(".", "/")), quiet=2, force=True), "compileall failed"
    if str(output) not in sys.path:
        sys.path.insert(0, str(output))
    importlib.invalidate_caches()
    sdk = importlib.import_module(package)
    for module in pkgutil.walk_packages(sdk.__path__, package + "."):
        importlib.import_module(module.name)
    return sdk


def _resolve(doc: dict[str, Any], pointer: str) -> Any:
    from cvat_gen.validate import resolve_pointer

    return resolve_pointer(doc, "#" + pointer)


def exercise_models(sdk: Any, result: Any, doc: dict[str, Any]) -> None:
    """Every enum member round-trips; every model is built from a synthesized value and
    survives a JSON round trip."""
    import enum

    import msgspec

    from tests.support.synth import Synthesizer

    synth = Synthesizer(doc, max_depth=3)
    models = sdk.models
    for name in models.__all__:
        cls = getattr(models, name)
        assert isinstance(cls, type), name
        if issubclass(cls, enum.Enum):
            for member in cls:
                assert cls(member.value) is member
                assert member == member.value
    for model in result.ir.models:
        cls = getattr(models, model.name)
        if model.kind in ("alias", "union") or not model.pointer.startswith("/") or issubclass(cls, enum.Enum):
            continue
        schema = _resolve(doc, model.pointer)
        for variant in ("required", "full"):
            value = synth.generate(schema, key=model.name, variant=variant, direction="response")
            decoded = msgspec.json.decode(json.dumps(value).encode(), type=cls)
            again = msgspec.json.decode(msgspec.json.encode(decoded), type=cls)
            assert again == decoded, model.name
            assert isinstance(decoded.to_dict(), dict)
        # the user-facing constructor, with JSON names
        value = synth.generate(schema, key=model.name, variant="required", direction="response")
        instance = cls(**value)
        assert isinstance(instance, cls)


def _fill_path(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{([^}]*)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def exercise_operations(sdk: Any, doc: dict[str, Any]) -> int:
    """Call every operation of every Api class against a canned loopback server."""
    import msgspec

    from tests.support.synth import Synthesizer, pick_media_type

    synth = Synthesizer(doc, max_depth=3)
    calls = 0
    with CannedServer() as server:
        config = sdk.Configuration(host=server.url)
        with sdk.ApiClient(config) as client:
            for api_name in sdk.apis.__all__:
                api = getattr(sdk.apis, api_name)(client)
                for spec in api._endpoint_specs:
                    op = doc["paths"][spec.path][spec.http_method.lower()]
                    declared = {}
                    for raw in [*(doc["paths"][spec.path].get("parameters") or []), *(op.get("parameters") or [])]:
                        declared[(raw["name"], raw["in"])] = raw
                    kwargs: dict[str, Any] = {}
                    path_values: dict[str, str] = {}
                    for p in spec.params:
                        if p.location == "body":
                            content = op["requestBody"]["content"]
                            media = pick_media_type(content)
                            if media and p.required:
                                kwargs[p.name] = synth.generate(content[media].get("schema") or {}, key=spec.name,
                                                                direction="request")
                            continue
                        raw = declared[(p.wire_name, p.location)]
                        if not p.required:
                            continue
                        value = synth.generate(raw.get("schema") or {}, key=p.wire_name, direction="request")
                        kwargs[p.name] = value
                        if p.location == "path":
                            path_values[p.wire_name] = str(value)
                    status, media, expected = 204, "", None
                    for code, response in sorted(op.get("responses", {}).items()):
                        if str(code).startswith("2"):
                            status = int(code)
                            content = response.get("content") or {}
                            media = pick_media_type(content) or ""
                            if media:
                                expected = synth.generate(content[media].get("schema") or {}, key=spec.name,
                                                          variant="full")
                            break
                    payload = json.dumps(expected).encode() if media else b""
                    server.response = (status, media if media else "", payload)
                    server.requests.clear()
                    data, response = getattr(api, spec.name)(**kwargs)
                    calls += 1
                    assert response.status == status
                    (request,) = server.requests
                    assert request["method"] == spec.http_method
                    if all(v.isalnum() for v in path_values.values()):
                        expected_path = _fill_path(spec.path, path_values)
                        sent = unquote(request["path"].split("?")[0])
                        assert sent == expected_path, (sent, expected_path)
                    if spec.response_kind == "json" and expected is not None:
                        assert msgspec.to_builtins(data) == expected or data is not None
    return calls


def markdown_outside_code(text: str) -> str:
    """The parts of a Markdown page that are not code (fenced blocks and code spans)."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", text)


def check_docs(output: Path) -> None:
    """No raw `<script>` outside code. Lines are split at "\\n" only (see
    test_hostile.test_docs_code_spans_survive_carriage_returns for "\\r")."""
    for page in (output / "docs").rglob("*.md"):
        text = page.read_bytes().decode("utf-8")  # no newline translation
        assert "<script" not in markdown_outside_code(text).lower(), (
            page, [line for line in text.split("\n") if "<script" in line.lower()])
        for line in text.split("\n"):
            # a code span never runs across lines: its tail would be raw HTML
            if line.startswith("|"):
                assert "<script" not in markdown_outside_code(line).lower(), (page, line)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def iter_site_cases() -> Iterator[tuple[str, str]]:
    for site in SITES:
        for index in range(len(PAYLOADS)):
            yield site, str(index)


def deep_copy(doc: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(doc)


__all__ = [
    "CASES", "PAYLOADS", "NASTY_NAMES", "SITES", "Case", "CannedServer", "base_schema", "check_docs",
    "exercise_models", "exercise_operations", "import_all", "sentinel_fired", "tree", "with_value"
]
