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

from ..ir import IR, Api, EnumMember, Field, Operation, Parameter, Response, SignatureEntry, TypeRef
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
    return tuple(dataclasses.replace(r, exception=exception_for(r.status)) for r in responses)


def unshadow(annotation: str, taken: frozenset[str]) -> str:
    """``list[X]`` -> ``builtins.list[X]`` in a class that has a method named ``list``: inside
    the class body the method would shadow the builtin for type checkers."""
    if not taken & {"list", "dict"}:
        return annotation
    return _SHADOWABLE.sub(lambda m: f"builtins.{m.group(1)}[" if m.group(1) in taken else m.group(0),
                           annotation)


def param_annotation(param: Parameter) -> str:
    """What a parameter accepts: the msgspec type (a file parameter takes any file object)."""
    text = param.type.struct_annotation() if param.type.kind != "binary" else "Any"
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
    `taken` is every method name of its Api class."""
    iterator = iterator_annotation = ""
    if op.page_item is not None and f"{op.method_name}_iter" not in taken:
        iterator = f"{op.method_name}_iter"
        iterator_annotation = f"Iterator[{op.page_item.annotation()}]"
    return dataclasses.replace(
        op, signature=signature(op, taken), return_annotation=unshadow(return_annotation(op), taken),
        iterator_name=iterator, iterator_annotation=iterator_annotation, responses=with_exceptions(op.responses))


def api_surface(api: Api) -> Api:
    taken = frozenset(op.method_name for op in api.operations)
    return dataclasses.replace(api, operations=tuple(operation_surface(op, taken) for op in api.operations))


def with_surface(ir: IR) -> IR:
    """The IR with every operation's and field's user-facing texts (re)computed. A transform
    plugin that renames methods, adds fields or changes types calls this
    (plugin_api.with_surface) before returning its IR."""
    models = tuple(dataclasses.replace(m, fields=tuple(field_surface(f) for f in m.fields)) for m in ir.models)
    return dataclasses.replace(ir, apis=tuple(api_surface(api) for api in ir.apis), models=models)


def enum_members(values: tuple[str, ...]) -> tuple[EnumMember, ...]:
    """The Python name of each inline enum value (the keys of a model's `allowed_values`), as
    enum classes name theirs: one per distinct value, in value order, unique ("a-b" and "a_b"
    both make A_B: the second is A_B_2, not a key that silently replaces the first)."""
    taken: set[str] = set()
    return tuple(EnumMember(unique(enum_member_name(v), taken), v) for v in dict.fromkeys(values))


def field_surface(field: Field) -> Field:
    """`field` with the annotations of its interface and its model, and its default: a field
    a response may leave out admits UNSET in both, so that a model is a valid subtype of its
    interface for type checkers."""
    annotation = field.type.annotation()
    struct = field.type.struct_annotation()
    default = ""
    if not field.decode_required:
        annotation, struct, default = f"{annotation} | UnsetType", f"{struct} | UnsetType", "UNSET"
    return dataclasses.replace(field, annotation=annotation, model_annotation=struct, py_default=default,
                               enum_members=enum_members(field.enum_values))
