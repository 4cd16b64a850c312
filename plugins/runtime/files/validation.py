"""Client-side validation of request bodies against the schema's constraints.

cvat-sdk checks ``minLength``, ``maxLength``, ``minimum``, ``maximum``, ``pattern``,
``maxItems``... before sending, when ``Configuration.client_side_validation`` is on (the
default). The generated models carry the same constraints as cvat-sdk's
``Model.validations`` (``{("name",): {"max_length": 256, "min_length": 1}}``).

Checking them in Python, field by field, would cost more than encoding a 20,000-shape body.
Instead, for each body type a *validator* type is built once: a msgspec Struct per model
that keeps only the fields that carry a constraint (or lead to one), annotated with
``msgspec.Meta``. The encoded JSON body is decoded into it, in C; unknown fields are
skipped. A body type without any constraint gets no validator and costs nothing.

Model construction and response decoding never check these constraints: a server of
another version may have relaxed them, and schema defaults may break them (``''`` under
``minLength: 1``); only values that are sent are checked.
"""

from __future__ import annotations

import gc
import re
import types
import typing
from typing import Any, Annotated

import msgspec

from .exceptions import ApiValueError

__all__ = ["check_json", "check_param", "check_value", "validator_for"]

# cvat-sdk validation key -> (msgspec.Meta keyword, the JSON schema keyword it checks)
_META = {
    "min_length": ("min_length", "minLength"),
    "max_length": ("max_length", "maxLength"),
    "min_items": ("min_length", "minItems"),
    "max_items": ("max_length", "maxItems"),
    "inclusive_minimum": ("ge", "minimum"),
    "inclusive_maximum": ("le", "maximum"),
    "exclusive_minimum": ("gt", "exclusiveMinimum"),
    "exclusive_maximum": ("lt", "exclusiveMaximum"),
}
_NUMERIC = frozenset({"ge", "le", "gt", "lt"})
_LENGTH = frozenset({"min_length", "max_length"})

_cache: dict[tuple[Any, ...], Any] = {}
_NOTHING: Any = object()  # "no validator": cached like a type


def _strip_optional(tp: Any) -> tuple[Any, bool]:
    """``X | None | UnsetType`` -> (X, nullable); other unions are returned as they are."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in tp.__args__ if a is not msgspec.UnsetType]
        nullable = type(None) in args
        args = [a for a in args if a is not type(None)]
        if len(args) == 1:
            return args[0], nullable
        return tp, nullable
    return tp, False


def _meta(rules: dict[str, Any], base: Any, disabled: frozenset[str]) -> dict[str, Any]:
    """msgspec.Meta keywords of one field's rules that apply to ``base``."""
    kwargs: dict[str, Any] = {}
    is_number = base in (int, float)
    is_sized = base is str or typing.get_origin(base) in (list, dict)
    for key, value in rules.items():
        if key == "regex":
            pattern = value.get("pattern") if isinstance(value, dict) else None
            if base is str and isinstance(pattern, str) and "pattern" not in disabled:
                try:
                    re.compile(pattern)
                except re.error:
                    continue
                kwargs["pattern"] = pattern
            continue
        meta = _META.get(key)
        if meta is None or meta[1] in disabled:
            continue
        name = meta[0]
        if (name in _NUMERIC and is_number) or (name in _LENGTH and is_sized):
            kwargs[name] = value
    return kwargs


def _field_type(
    tp: Any, rules: dict[str, Any] | None, disabled: frozenset[str], stack: tuple[type, ...]
) -> Any:
    """The validator type of one field (``_NOTHING`` when there is nothing to check)."""
    base, _ = _strip_optional(tp)
    origin = typing.get_origin(base)
    inner: Any = _NOTHING
    if origin is list:
        (item,) = typing.get_args(base) or (Any,)
        item_rules = rules.get("items") if rules else None
        checked = _field_type(item, item_rules, disabled, stack)
        if checked is not _NOTHING:
            inner = list[checked]  # type: ignore[valid-type]
    elif origin is dict:
        args = typing.get_args(base)
        checked = _field_type(args[1], None, disabled, stack) if len(args) == 2 else _NOTHING
        if checked is not _NOTHING:
            inner = dict[str, checked]  # type: ignore[valid-type]
    elif _is_model(base):
        inner = _model_validator(base, disabled, stack)
    kwargs = _meta(rules, base, disabled) if rules else {}
    if kwargs:
        annotated_base = inner if inner is not _NOTHING else base
        if annotated_base is base and origin in (list, dict):
            annotated_base = list if origin is list else dict  # items unchecked: any JSON
        inner = Annotated[annotated_base, msgspec.Meta(**kwargs)]
    if inner is _NOTHING:
        return _NOTHING
    return typing.Optional[inner]  # absent or null: nothing to check (the model did that)


def _is_model(tp: Any) -> bool:
    from .model_utils import OpenApiModel

    return isinstance(tp, type) and issubclass(tp, OpenApiModel)


def _model_validator(cls: type, disabled: frozenset[str], stack: tuple[type, ...] = ()) -> Any:
    key = (cls, disabled)
    found = _cache.get(key)
    if found is not None:
        return found
    if cls in stack:  # a recursive model: its inner levels are not checked
        return _NOTHING
    from .model_utils import _info

    info = _info(cls)
    rules_by_name = {k[0]: v for k, v in (getattr(cls, "validations", None) or {}).items()}
    fields = []
    rename: dict[str, str] = {}
    for f in msgspec.structs.fields(cls):
        checked = _field_type(f.type, rules_by_name.get(f.name), disabled, (*stack, cls))
        if checked is not _NOTHING:
            fields.append((f.name, checked, None))
            rename[f.name] = info.py_to_wire.get(f.name, f.encode_name)
    result = _NOTHING
    if fields:
        try:
            # python names (valid identifiers), JSON names on the wire; gc=False: a decoded
            # check tree is thrown away at once, tracking it costs time
            result = msgspec.defstruct(
                f"{cls.__name__}Checks", fields, kw_only=True, gc=False, rename=rename
            )
        except TypeError:  # a layout msgspec refuses: this model is not checked
            result = _NOTHING
    if not stack or result is not _NOTHING:
        _cache[key] = result
    return result


def validator_for(tp: Any, disabled: frozenset[str] = frozenset()) -> Any:
    """The validator type of a body type, or None when no value of it has a constraint."""
    key = (tp, disabled)
    found = _cache.get(key)
    if found is None:
        if _is_model(tp):
            found = _model_validator(tp, disabled)
        else:
            try:
                found = _field_type(tp, None, disabled, ())
            except TypeError:  # a type expression msgspec can't take apart: nothing checked
                found = _NOTHING
        _cache[key] = found
    return None if found is _NOTHING else found


def _error(operation_id: str, param: str, error: msgspec.ValidationError) -> ApiValueError:
    from .model_utils import _split_error

    text, path = _split_error(str(error))
    dotted = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    keyword = _keyword(text)
    return ApiValueError(
        f"Invalid value for `{param}` of `{operation_id}` at `{dotted}`: "
        f"{text[:1].lower()}{text[1:]}{f' (schema: {keyword})' if keyword else ''}. Checked "
        f"client-side; turn it off with Configuration.client_side_validation = False",
        path_to_item=[param, *path],
    )


def _keyword(text: str) -> str:
    """The JSON schema keyword behind a msgspec constraint message."""
    items = "`array`" in text or "`object`" in text
    for marker, plain, sized in (
        ("of length <=", "maxLength", "maxItems"),
        ("of length >=", "minLength", "minItems"),
        ("matching regex", "pattern", "pattern"),
        ("` <= ", "maximum", "maximum"),
        ("` >= ", "minimum", "minimum"),
        ("` < ", "exclusiveMaximum", "exclusiveMaximum"),
        ("` > ", "exclusiveMinimum", "exclusiveMinimum"),
    ):
        if marker in text:
            return sized if items else plain
    return ""


def check_json(
    tp: Any, raw: bytes, disabled: frozenset[str], operation_id: str, param: str
) -> None:
    """Check an encoded JSON body of type ``tp``; raise ApiValueError naming the path and
    the constraint it breaks."""
    checker = validator_for(tp, disabled)
    if checker is None:
        return
    # The decoded check tree holds no cycles and is dropped at once, but its lists count
    # as allocations: with a large body alive they set off full collections that walk
    # the caller's data, which made sending 20,000 shapes about 2x slower. So no GC here.
    collect = gc.isenabled()
    if collect:
        gc.disable()
    try:
        msgspec.json.decode(raw, type=checker)
    except msgspec.ValidationError as e:
        raise _error(operation_id, param, e) from None
    finally:
        if collect:
            gc.enable()


def check_value(
    tp: Any, value: Any, disabled: frozenset[str], operation_id: str, param: str
) -> None:
    """Check JSON-like data (dicts with JSON names, lists, scalars; files are skipped) of
    type ``tp``: form bodies and parameters."""
    checker = validator_for(tp, disabled)
    if checker is None:
        return
    try:
        msgspec.convert(value, checker, strict=False)
    except msgspec.ValidationError as e:
        raise _error(operation_id, param, e) from None


def check_param(p: Any, tp: Any, value: Any, disabled: frozenset[str], operation_id: str) -> None:
    """Check a parameter value (an ``endpoint.Param`` with ``validations``) of type ``tp``."""
    key = (p, tp, disabled)
    checker = _cache.get(key)
    if checker is None:
        try:
            checker = _field_type(tp, p.validations, disabled, ())
        except TypeError:
            checker = _NOTHING
        _cache[key] = checker
    if checker is _NOTHING:
        return
    try:
        msgspec.convert(value, checker)
    except msgspec.ValidationError as e:
        text = str(e).rpartition(" - at `")[0] or str(e)
        keyword = _keyword(text)
        raise ApiValueError(
            f"Invalid value for parameter `{p.name}` of `{operation_id}` ({value!r}): "
            f"{text[:1].lower()}{text[1:]}{f' (schema: {keyword})' if keyword else ''}. Checked "
            f"client-side; turn it off with Configuration.client_side_validation = False",
            path_to_item=[p.name],
        ) from None
