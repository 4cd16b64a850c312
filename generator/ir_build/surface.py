"""What users see of the IR, decided once: annotations, signatures, exceptions, member names.

Why here and not in the plugins: the apis plugin writes the methods, the models plugin the
classes, the docs plugin shows both; each used to derive the Python annotations, the return
type, the exception class per status and the inline enum member names on its own, so
`cvat-gen ir` did not show what users get and the three could drift. The IR builder calls
these functions and stores the results in the IR (`Operation.signature`,
`Operation.return_annotation`, `Response.exception`, `Field.annotation`,
`Field.enum_members`); plugins only lay them out.

Annotation texts are made of class names the IR builder chose (valid, unique identifiers)
and fixed Python words, never of raw schema strings, so they can't inject code.
"""

from __future__ import annotations

import dataclasses
import re

from ..ir import IR, Api, EnumMember, Field, ModelDef, Operation, Parameter, Response, SignatureEntry, TypeRef
from ..naming import enum_member_name, unique

# the exceptions module's class per status (runtime exceptions.exception_for_status)
_EXCEPTIONS = {"401": "UnauthorizedException", "403": "ForbiddenException", "404": "NotFoundException"}
_SHADOWABLE = re.compile(r"(?<![\w.])(list|dict)\[")


def exception_for(status: str) -> str:
    """The exception class a call raises for a declared response status; "" for a success.
    Range statuses (`5XX`) and `default` follow their first digit (`default`: ApiException)."""
    if status.startswith("2"):
        return ""
    if status in _EXCEPTIONS:
        return _EXCEPTIONS[status]
    if status.startswith("5"):
        return "ServiceException"
    return "ApiException"


def with_exceptions(responses: tuple[Response, ...]) -> tuple[Response, ...]:
    """`responses` with each one's exception class. The IR builder already sets it; only a
    response whose status a transform changed is copied (most calls copy nothing)."""
    if all(r.exception == exception_for(r.status) for r in responses):
        return responses
    return tuple(r if r.exception == exception_for(r.status) else
                 dataclasses.replace(r, exception=exception_for(r.status)) for r in responses)


def unshadow(annotation: str, taken: frozenset[str]) -> str:
    """``list[X]`` -> ``builtins.list[X]`` in a class that has a method named ``list``: inside
    the class body the method would shadow the builtin for type checkers."""
    if not taken & {"list", "dict"}:
        return annotation
    return _SHADOWABLE.sub(lambda m: f"builtins.{m.group(1)}[" if m.group(1) in taken else m.group(0),
                           annotation)


def param_annotation(param: Parameter) -> str:
    """What a parameter accepts: the msgspec type (a file parameter takes any file object)."""
    text = param.type.struct_annotation()  # "Any" for a file parameter: it takes any file object
    if param.location == "header" and not param.required and "None" not in text:
        text += " | None"  # an explicit None removes a default header
    return text


def body_annotation(type_ref: TypeRef) -> str:
    """What a body parameter accepts: a model, or a dict of its fields."""
    if type_ref.kind == "model":
        text = f"{type_ref.name} | dict[str, Any]"
    elif type_ref.kind == "list" and type_ref.item is not None and type_ref.item.kind == "model":
        text = f"list[{type_ref.item.name} | dict[str, Any]]"
    else:
        text = type_ref.struct_annotation()
    if type_ref.nullable and "None" not in text:
        text += " | None"
    return text


def return_annotation(op: Operation) -> str:
    """`tuple[<data> | None, HTTPResponse]`: data is None with _parse_response=False."""
    if op.response_kind == "none" or op.response_type is None:
        return "tuple[None, HTTPResponse]"
    inner = "bytes" if op.response_kind == "binary" else op.response_type.annotation()
    if inner != "Any" and not inner.endswith("| None"):
        inner += " | None"
    return f"tuple[{inner}, HTTPResponse]"


def signature(op: Operation, taken: frozenset[str] = frozenset()) -> tuple[SignatureEntry, ...]:
    """The method's parameters in order: required parameters and then the required body are
    positional; the optional body and then the optional parameters are keyword-only and
    default to UNSET (cvat-sdk's order)."""
    positional: list[SignatureEntry] = []
    keyword: list[SignatureEntry] = []
    for param in op.params:
        annotation = unshadow(param_annotation(param), taken)
        if param.required:
            positional.append(SignatureEntry(param.py_name, annotation, None, "positional", param.location))
        else:
            keyword.append(SignatureEntry(param.py_name, f"{annotation} | UnsetType", "UNSET", "keyword",
                                          param.location))
    if op.body is not None:
        annotation = unshadow(body_annotation(op.body.type), taken)
        if op.body.required:
            positional.append(SignatureEntry(op.body.py_name, annotation, None, "positional", "body"))
        else:
            keyword.insert(0, SignatureEntry(op.body.py_name, f"{annotation} | UnsetType", "UNSET", "keyword",
                                             "body"))
    return (*positional, *keyword)


def operation_surface(op: Operation, taken: frozenset[str]) -> Operation:
    """`op` with its signature, return annotation, page iterator and exceptions filled in;
    `taken` is every method name of its Api class. An operation whose texts are already
    right is returned as it is: with_surface runs over the whole IR after the transforms,
    which change few operations, and copying a frozen dataclass is the costly part."""
    iterator = iterator_annotation = ""
    if op.page_item is not None and f"{op.method_name}_iter" not in taken:
        iterator = f"{op.method_name}_iter"
        iterator_annotation = f"Iterator[{op.page_item.annotation()}]"
    texts = (signature(op, taken), unshadow(return_annotation(op), taken), iterator, iterator_annotation,
             with_exceptions(op.responses))
    if texts == (op.signature, op.return_annotation, op.iterator_name, op.iterator_annotation, op.responses):
        return op
    return dataclasses.replace(
        op, signature=texts[0], return_annotation=texts[1], iterator_name=iterator,
        iterator_annotation=iterator_annotation, responses=texts[4])


def api_surface(api: Api) -> Api:
    taken = frozenset(op.method_name for op in api.operations)
    operations = tuple(operation_surface(op, taken) for op in api.operations)
    if all(new is old for new, old in zip(operations, api.operations)):
        return api  # nothing changed: no copy (see operation_surface)
    return dataclasses.replace(api, operations=operations)


def with_surface(ir: IR) -> IR:
    """The IR with every operation's and field's user-facing texts (re)computed. A transform
    plugin that renames methods, adds fields or changes types calls this
    (plugin_api.with_surface) before returning its IR. What is already right is kept as the
    same object, not copied (the pipeline calls this on every build with a transform)."""
    models = tuple(_model_surface(m) for m in ir.models)
    return dataclasses.replace(ir, apis=tuple(api_surface(api) for api in ir.apis), models=models)


def _model_surface(model: ModelDef) -> ModelDef:
    fields = tuple(field_surface(f) for f in model.fields)
    if all(new is old for new, old in zip(fields, model.fields)):
        return model
    return dataclasses.replace(model, fields=fields)


def enum_members(values: tuple[str, ...]) -> tuple[EnumMember, ...]:
    """The Python name of each inline enum value (the keys of a model's `allowed_values`), as
    enum classes name theirs: one per distinct value, in value order, unique ("a-b" and "a_b"
    both make A_B: the second is A_B_2, not a key that silently replaces the first)."""
    taken: set[str] = set()
    return tuple(EnumMember(unique(enum_member_name(v), taken), v) for v in dict.fromkeys(values))


def field_texts(type_ref: TypeRef, decode_required: bool,
                enum_values: tuple[str, ...]) -> tuple[str, str, str, tuple[EnumMember, ...]]:
    """What users see of a field, from what decides it: the annotations of its interface and
    its model, its default, and its inline enum's member names. A field a response may leave
    out admits UNSET in both annotations, so that a model is a valid subtype of its interface
    for type checkers. Apart from field_surface so that the IR builder makes each Field once,
    with these texts, instead of making it and then copying it with them."""
    annotation = type_ref.annotation()
    struct = type_ref.struct_annotation()
    default = ""
    if not decode_required:
        annotation, struct, default = f"{annotation} | UnsetType", f"{struct} | UnsetType", "UNSET"
    return annotation, struct, default, enum_members(enum_values) if enum_values else ()


def field_surface(field: Field) -> Field:
    """`field` with its user-facing texts (field_texts); the same object when they are
    already right."""
    annotation, struct, default, members = field_texts(field.type, field.decode_required, field.enum_values)
    if (annotation == field.annotation and struct == field.model_annotation and default == field.py_default
            and members == field.enum_members):
        return field
    return dataclasses.replace(field, annotation=annotation, model_annotation=struct, py_default=default,
                               enum_members=members)
