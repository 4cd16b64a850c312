"""The intermediate representation: every decision about the generated SDK, made once.

Plugins and templates read the IR; they never look at the raw schema. It is immutable
(frozen dataclasses and tuples) so that a plugin changes it only by returning a new one,
and it serializes to stable JSON for `cvat-gen ir`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Literal

TypeKind = Literal["str", "int", "float", "bool", "date", "datetime", "binary", "any", "list", "dict", "model", "enum",
                   "union"]

_SCALAR_ANNOTATIONS = {
    "str": "str", "int": "int", "float": "float", "bool": "bool", "date": "date",
    "datetime": "datetime", "binary": "bytes", "any": "Any",
}
_OPENAPI_SCALARS = {
    "str": "str", "int": "int", "float": "float", "bool": "bool", "date": "date",
    "datetime": "datetime", "binary": "file_type", "any": "bool, date, datetime, dict, float, int, list, str, none_type",
}
# What msgspec decodes each kind from: a union it can decode natively has at most one member
# of each (and no custom type); see TypeRef.native_union.
_JSON_SHAPES = {
    "model": "object", "dict": "object", "list": "array", "str": "string", "enum": "string", "date": "string",
    "datetime": "string", "binary": "string", "int": "int", "float": "float", "bool": "bool",
}


_RULE_NAMES = {
    "minLength": "min_length", "maxLength": "max_length", "minItems": "min_items", "maxItems": "max_items",
    "minimum": "inclusive_minimum", "maximum": "inclusive_maximum",
    "exclusiveMinimum": "exclusive_minimum", "exclusiveMaximum": "exclusive_maximum",
}


def validation_rules(constraints: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    """Constraints in the format of cvat-sdk's ``Model.validations`` values
    (``{"max_length": 64, "regex": {"pattern": ...}}``), plus ``items`` for array items."""
    result: dict[str, Any] = {}
    for key, value in constraints:
        if key == "pattern":
            result["regex"] = {"pattern": value}
        elif key == "items":
            result["items"] = validation_rules(value)
        elif key in _RULE_NAMES:
            result[_RULE_NAMES[key]] = value
    return result


@dataclass(frozen=True)
class TypeRef:
    kind: TypeKind
    name: str = ""  # class name for "model" and "enum"
    item: TypeRef | None = None  # item of "list", value of "dict"
    nullable: bool = False
    # kind "union" (oneOf/anyOf): the alternatives in schema order, never nullable or unions
    # themselves; `name` is the class that decodes it when msgspec can't (see native_union)
    members: tuple[TypeRef, ...] = ()

    @property
    def native_union(self) -> bool:
        """msgspec decodes this union by itself, in C: at most one member per JSON shape
        (one object-like, one array, one string-like...). Otherwise the union's class
        picks a member (model_utils.ModelUnion)."""
        shapes = [_JSON_SHAPES.get(m.kind) for m in self.members]
        return bool(shapes) and None not in shapes and len(set(shapes)) == len(shapes)

    def annotation(self, optional_none: bool = True) -> str:
        """The Python type expression, e.g. 'list[LabeledShape] | None'."""
        if self.kind == "union":
            text = " | ".join(m.annotation() for m in self.members) if self.members else self.name
        elif self.kind in ("model", "enum"):
            text = self.name
        elif self.kind == "list":
            assert self.item is not None
            text = f"list[{self.item.annotation()}]"
        elif self.kind == "dict":
            assert self.item is not None
            text = f"dict[str, {self.item.annotation()}]"
        else:
            text = _SCALAR_ANNOTATIONS[self.kind]
        if self.nullable and optional_none and self.kind != "any":
            text += " | None"
        return text

    def struct_annotation(self) -> str:
        """The annotation msgspec sees. Binary values are file objects or bytes, which msgspec
        can't convert, so they are `Any` there; interfaces and docs keep `bytes`."""
        if self.kind == "binary":
            return "Any"
        if self.kind == "union":
            text = " | ".join(m.struct_annotation() for m in self.members) if self.native_union else self.name
            return text + (" | None" if self.nullable else "")
        if self.kind in ("list", "dict") and self.item is not None:
            inner = self.item.struct_annotation()
            text = f"list[{inner}]" if self.kind == "list" else f"dict[str, {inner}]"
            return text + (" | None" if self.nullable else "")
        return self.annotation()

    def referenced_classes(self) -> tuple[str, ...]:
        if self.kind in ("model", "enum"):
            return (self.name,)
        if self.kind == "union":
            names = ((self.name,) if self.name else ()) + tuple(n for m in self.members for n in m.referenced_classes())
            return tuple(dict.fromkeys(names))
        if self.item is not None:
            return self.item.referenced_classes()
        return ()


@dataclass(frozen=True)
class EnumMember:
    name: str
    value: str


@dataclass(frozen=True)
class EnumDef:
    name: str
    pointer: str
    description: str
    members: tuple[EnumMember, ...]


@dataclass(frozen=True)
class Field:
    py_name: str
    json_name: str
    type: TypeRef
    required: bool  # required in the schema
    read_only: bool = False
    write_only: bool = False
    description: str = ""
    default: Any = None  # only for documentation; never rendered into code
    has_default: bool = False
    enum_values: tuple[str, ...] = ()  # inline enum of a str field (validated str, not a class)
    deprecated: bool = False
    # validation keywords of the schema (build_ir.schema_constraints), checked client-side
    constraints: tuple[tuple[str, Any], ...] = ()
    # what users see, decided by the IR builder (ir_build/surface.py): the annotation of the
    # I<Model> interface, the msgspec model's, and the default of both ("UNSET" or "")
    annotation: str = ""
    model_annotation: str = ""
    py_default: str = ""
    # Python names of the inline enum values (`allowed_values` keys), in value order
    enum_members: tuple[EnumMember, ...] = ()

    @property
    def validations(self) -> dict[str, Any]:
        return validation_rules(self.constraints)

    @property
    def decode_required(self) -> bool:
        """Must be present in a response: required and not write-only."""
        return self.required and not self.write_only

    @property
    def positional(self) -> bool:
        """Taken positionally by the constructor: required, and something a client writes."""
        return self.required and not self.read_only


@dataclass(frozen=True)
class ModelDef:
    name: str
    pointer: str
    description: str
    fields: tuple[Field, ...]
    kind: Literal["normal", "composed", "alias", "union"] = "normal"
    base: str = ""  # composed: the model it extends (allOf of one $ref)
    alias_of: str = ""  # alias: the class it names (oneOf [Enum, NullEnum])
    interface: str = ""  # name of the I<Model> interface class, "" for none
    composed_of: tuple[str, ...] = ()
    composition: Literal["", "allOf", "oneOf", "anyOf"] = ""
    # kind "union": the value is one of `union.members` (a TypeRef of kind "union"); with a
    # discriminator, `mapping` sends each value of that property to a member class
    union: TypeRef | None = None
    discriminator: str = ""
    mapping: tuple[tuple[str, str], ...] = ()

    @property
    def is_request(self) -> bool:
        return self.name.endswith("Request")


@dataclass(frozen=True)
class Parameter:
    py_name: str
    wire_name: str
    location: Literal["path", "query", "header", "cookie", "form"]
    type: TypeRef
    required: bool
    description: str = ""
    deprecated: bool = False
    deprecation_message: str = ""
    explode: bool = True
    enum_values: tuple[str, ...] = ()
    default: Any = None
    has_default: bool = False
    constraints: tuple[tuple[str, Any], ...] = ()  # as Field.constraints

    @property
    def validations(self) -> dict[str, Any]:
        return validation_rules(self.constraints)


@dataclass(frozen=True)
class RequestBody:
    py_name: str
    type: TypeRef
    content_types: tuple[str, ...]
    required: bool
    description: str = ""


@dataclass(frozen=True)
class Response:
    status: str
    description: str
    content_type: str = ""
    type: TypeRef | None = None
    kind: Literal["json", "binary", "text", "none"] = "none"
    content_types: tuple[str, ...] = ()  # every declared media type; content_type is the one decoded
    # the exception class raised for this status ("NotFoundException"), "" for a success
    exception: str = ""


@dataclass(frozen=True)
class SignatureEntry:
    """One parameter of a generated operation method, exactly as the method declares it.

    Why in the IR: the apis plugin writes the signature, the docs plugin shows the call, and
    `cvat-gen ir` must show what users get; each computing the annotations on its own drifted.
    """

    name: str
    annotation: str  # Python text, e.g. "TaskWriteRequest | dict[str, Any]", "int | UnsetType"
    default: str | None = None  # Python text of the default ("UNSET"); None for a positional one
    kind: Literal["positional", "keyword"] = "positional"
    location: Literal["path", "query", "header", "cookie", "form", "body"] = "path"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method_name: str
    http_method: str
    path: str
    pointer: str
    summary: str = ""
    description: str = ""
    params: tuple[Parameter, ...] = ()
    body: RequestBody | None = None
    # what a successful call returns
    response_type: TypeRef | None = None
    response_kind: Literal["json", "binary", "text", "none"] = "none"
    response_content_type: str = ""
    accept: tuple[str, ...] = ()
    responses: tuple[Response, ...] = ()
    auth: tuple[str, ...] = ()
    deprecated: bool = False
    deprecation_message: str = ""
    replaced_by: str = ""  # method name of the newest version, for deprecated versions
    versions: tuple[str, ...] = ()  # every method name of this operation family, oldest first
    # the item type of a paginated list (page + page_size query params, a `next` link and a
    # `results` list in the response); None when the operation is not paginated
    page_item: TypeRef | None = None
    # media types of a form body that became "form" parameters (ir_build/operations.py)
    form_content_types: tuple[str, ...] = ()
    # what users see, decided by the IR builder (ir_build/surface.py): the method's parameters
    # in order (positional, then keyword-only; the call options follow as **kwargs), its
    # return annotation, and the lazy page iterator's name and return annotation ("" if none)
    signature: tuple[SignatureEntry, ...] = ()
    return_annotation: str = ""
    iterator_name: str = ""
    iterator_annotation: str = ""

    @property
    def request_content_types(self) -> tuple[str, ...]:
        return self.body.content_types if self.body is not None else self.form_content_types

    @property
    def positional_params(self) -> tuple[str, ...]:
        names = [p.py_name for p in self.params if p.required]
        if self.body is not None and self.body.required:
            names.append(self.body.py_name)
        return tuple(names)

    @property
    def alternate_responses(self) -> tuple[Response, ...]:
        """Successful responses whose body differs from the main one (`events_list`: 200 is
        CSV, 202 is JSON; an export's 202 "in progress" has no body at all while its 200 is
        the file); the runtime decodes each by its status."""
        main = self.response_type.annotation() if self.response_type else ""
        return tuple(
            r for r in self.responses
            if r.status.isdigit() and r.status.startswith("2")
            and (r.kind != self.response_kind or (r.kind != "none" and (r.type.annotation() if r.type else "") != main))
        )

    @property
    def error_responses(self) -> tuple[Response, ...]:
        return tuple(r for r in self.responses if not r.status.startswith("2"))

    @property
    def declared_errors(self) -> tuple[Response, ...]:
        """Error statuses with a JSON model (CVAT: 409 -> RqId): with _check_status=False the
        runtime decodes such a body as that model."""
        return tuple(r for r in self.error_responses if r.status.isdigit() and r.kind == "json" and r.type)


def paginated_item(op: Operation, models: dict[str, ModelDef]) -> TypeRef | None:
    """The item type when ``op`` pages the way CVAT does: a GET with ``page`` and ``page_size``
    query parameters whose JSON response model has a ``next`` link and a ``results`` list."""
    if op.http_method != "GET" or op.response_kind != "json" or op.response_type is None:
        return None
    query = {p.wire_name for p in op.params if p.location == "query"}
    if not {"page", "page_size"} <= query or op.response_type.kind != "model":
        return None
    model = models.get(op.response_type.name)
    if model is None:
        return None
    fields = {f.json_name: f for f in model.fields}
    results, link = fields.get("results"), fields.get("next")
    if results is None or link is None or results.type.kind != "list" or results.type.item is None:
        return None
    return results.type.item


@dataclass(frozen=True)
class Api:
    tag: str
    class_name: str
    attr_name: str
    module_name: str
    description: str
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class SecurityScheme:
    name: str
    kind: str  # "basic" | "bearer" | "api_key"
    location: str = ""  # header | cookie | query, for api keys
    key_name: str = ""
    prefix: str = ""


@dataclass(frozen=True)
class IR:
    title: str
    version: str
    description: str
    schema_hash: str
    package: str
    apis: tuple[Api, ...]
    models: tuple[ModelDef, ...]
    enums: tuple[EnumDef, ...]
    security: tuple[SecurityScheme, ...] = ()
    servers: tuple[str, ...] = ()
    extras: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for api in self.apis for op in api.operations)

    def model(self, name: str) -> ModelDef | None:
        for model in self.models:
            if model.name == name:
                return model
        return None

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=1, sort_keys=True, default=str, ensure_ascii=True)
