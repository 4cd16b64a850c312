"""Base classes of the generated models, built on msgspec Structs.

Why msgspec: a typed ``msgspec.json.decode`` of a large response runs in C at about the
speed of ``orjson.loads``, and it never calls Python code per object. So the expensive,
user-friendly behaviour lives only in the constructor (:meth:`ModelMeta.__call__`): it
maps positional arguments, accepts nested dicts and strings for dates and enums, and
raises the SDK's own exceptions with a path. Decoding does not go through it.

Optional fields default to :data:`UNSET` and are left out when encoding, so a PATCH sends
only the fields that were given, while ``None`` is sent as ``null``.
"""

from __future__ import annotations

import enum
import io
import re
from datetime import date, datetime, time
from collections.abc import Set as AbstractSet
from typing import Any, ClassVar, Iterator

import msgspec
from msgspec import UNSET, UnsetType

from .exceptions import (
    ApiAttributeError,
    ApiKeyError,
    ApiTypeError,
    ApiValueError,
    OpenApiException,
)

__all__ = [
    "UNSET",
    "UnsetType",
    "IModelData",
    "ModelMeta",
    "OpenApiModel",
    "Model",
    "ModelNormal",
    "ModelComposed",
    "ModelUnion",
    "ModelEnum",
    "ModelSimple",
    "to_json",
    "model_to_dict",
    "dec_hook",
    "file_type",
    "none_type",
    "date",
    "datetime",
    "get_file_data_and_close_file",
    "OpenApiException",
    "ApiAttributeError",
    "ApiKeyError",
    "ApiTypeError",
    "ApiValueError",
]

none_type = type(None)
file_type = io.IOBase

_StructMeta: type = type(msgspec.Struct)
_struct_call = _StructMeta.__call__  # the native constructor, which skips ModelMeta.__call__

# Keyword arguments of the openapi-generator constructors; accepted and ignored.
_LEGACY_CTOR_KWARGS = frozenset(
    {
        "_check_type",
        "_spec_property_naming",
        "_path_to_item",
        "_configuration",
        "_visited_composed_classes",
    }
)


class IModelData:
    """Base of the ``I<Model>`` interfaces: plain classes with annotations only.

    They carry no attributes on purpose: ``cvat_sdk.core`` mixes them into its own
    ABC-based proxy classes, where any class attribute would shadow ``__getattr__``.
    Empty ``__slots__`` (here and in every interface) keep the models free of a
    ``__dict__``, which lets them be untracked by the garbage collector (``gc=False``).
    """

    __slots__ = ()


# --------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------

_PATH_TOKEN = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\[\.\.\.\]")


def _split_error(message: str) -> tuple[str, list[Any]]:
    """Split a msgspec error ``"Expected `int`, got `str` - at `$.a[0].b`"`` into its text
    and a path list ``["a", 0, "b"]``."""
    text, sep, where = message.rpartition(" - at `")
    if not sep:
        return message, []
    path: list[Any] = []
    for name, index in _PATH_TOKEN.findall(where.rstrip("`")[1:]):
        if index:
            path.append(int(index))
        elif name:
            path.append(name)
    return text, path


def api_error(
    error: Exception, prefix: list[Any] | None = None, what: str = "input"
) -> OpenApiException:
    """Turn a msgspec validation/decode error into ApiTypeError (wrong type or missing
    field) or ApiValueError (invalid value), with ``path_to_item`` set."""
    text, path = _split_error(str(error))
    full_path = list(prefix or ()) + path
    msg = f"Invalid {what}: {text}"
    if text.startswith("Expected") or "missing required field" in text:
        return ApiTypeError(msg, path_to_item=full_path or None)
    return ApiValueError(msg, path_to_item=full_path or None)


# --------------------------------------------------------------------------------------
# per-class metadata, computed lazily (keeps `import models` cheap)
# --------------------------------------------------------------------------------------


class _ModelInfo:
    """Field tables of one model class, built on first use."""

    __slots__ = ("py_to_wire", "wire_names", "fields", "required", "file_fields", "_types")

    def __init__(self, cls: Any) -> None:
        names: tuple[str, ...] = cls.__struct_fields__
        wires: tuple[str, ...] = cls.__struct_encode_fields__
        defaults: tuple[Any, ...] = cls.__struct_defaults__
        self.fields = names
        self.py_to_wire = dict(zip(names, wires))
        self.wire_names = frozenset(wires)
        # Defaults align with the last fields; in kw_only structs a required field may follow
        # an optional one, and then its default slot holds msgspec.NODEFAULT.
        offset = len(names) - len(defaults)
        self.required = frozenset(
            name
            for index, name in enumerate(names)
            if index < offset or defaults[index - offset] is msgspec.NODEFAULT
        )
        self.file_fields: frozenset[str] | None = None
        self._types: dict[str, Any] | None = None

    def types(self, cls: type) -> dict[str, Any]:
        """python name -> resolved annotation (msgspec resolves forward references)."""
        if self._types is None:
            self._types = {f.name: f.type for f in msgspec.structs.fields(cls)}
        return self._types


def _info(cls: type) -> _ModelInfo:
    info = cls.__dict__.get("_model_info_")
    if info is None:
        info = _ModelInfo(cls)
        type.__setattr__(cls, "_model_info_", info)
    return info


class _ClassProperty:
    """A read-only attribute computed from the class, readable on classes and instances
    (``Model.attribute_map`` and ``model.attribute_map``), like the old generated models."""

    def __init__(self, func: Any) -> None:
        self.func = func
        self.__doc__ = func.__doc__

    def __get__(self, instance: Any, owner: type) -> Any:
        return self.func(owner)


# --------------------------------------------------------------------------------------
# models
# --------------------------------------------------------------------------------------


def _is_file(value: Any) -> bool:
    return isinstance(value, io.IOBase) or (hasattr(value, "read") and not isinstance(value, type))


class ModelMeta(_StructMeta):  # type: ignore[misc]
    """Metaclass of the models; its ``__call__`` is the user-facing constructor."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        info = _info(cls)
        if args:
            positional: tuple[str, ...] = cls._positional or tuple(
                n for n in info.fields if n in info.required
            )
            extra: list[dict[str, Any]] = []
            for index, value in enumerate(args):
                if index < len(positional):
                    name = positional[index]
                    if name in kwargs:
                        raise ApiTypeError(
                            f"{cls.__name__}() got multiple values for argument '{name}'"
                        )
                    kwargs[name] = value
                elif isinstance(value, dict):
                    extra.append(value)  # the old constructors merged extra dict arguments
                else:
                    raise ApiTypeError(
                        f"{cls.__name__}() takes at most {len(positional)} positional arguments "
                        f"({', '.join(positional)}), got {len(args)}",
                        valid_classes=(cls,),
                    )
            for mapping in extra:
                kwargs.update(mapping)
        return _build(cls, info, kwargs, None)


def _build(cls: Any, info: _ModelInfo, kwargs: dict[str, Any], path: list[Any] | None) -> Any:
    """Validate and convert ``kwargs`` (python or JSON names) into an instance of ``cls``."""
    py_to_wire = info.py_to_wire
    data: dict[str, Any] = {}
    files: dict[str, Any] | None = None
    for key, value in kwargs.items():
        if value is UNSET:
            continue
        wire = py_to_wire.get(key)
        if wire is None:
            if key in info.wire_names:
                wire = key
                key = next(p for p, w in py_to_wire.items() if w == wire)
            else:
                # Unknown keys (read-only fields of a read model, server extras, the old
                # constructors' control kwargs) are ignored, as the old models accepted them.
                continue
        if _is_file(value) or (isinstance(value, (list, tuple)) and value and _is_file(value[0])):
            # Files can't go through msgspec.convert; validate a placeholder, then set them.
            if files is None:
                files = {}
            files[key] = value
            value = b"" if not isinstance(value, (list, tuple)) else [b""] * len(value)
        data[wire] = value
    try:
        obj = msgspec.convert(data, cls, dec_hook=dec_hook)
    except msgspec.ValidationError as e:
        raise api_error(e, path, what=f"arguments for {cls.__name__}") from None
    if files:
        for key, value in files.items():
            setattr(obj, key, list(value) if isinstance(value, tuple) else value)
    return obj


class OpenApiModel(msgspec.Struct, kw_only=True, omit_defaults=True, gc=False, metaclass=ModelMeta):
    """Common base of all models (msgspec Structs with dict-like helpers).

    ``gc=False``: models are trees of plain values, never cycles, so the garbage collector
    need not track them. Parsing 20,000 shapes creates some 100,000 objects; tracking them
    made decoding about 2x slower and construction about 3x slower (bench/sdk_speed.py).
    """

    _positional: ClassVar[tuple[str, ...]] = ()
    """Constructor arguments that may be given positionally (set by the generator)."""
    read_only_vars: ClassVar[AbstractSet[str]] = frozenset()
    """Fields that only the server writes (set by the generator)."""
    validations: ClassVar[dict[tuple[str], dict[str, Any]]] = {}
    """The schema's constraints per field, as cvat-sdk's: ``{("name",): {"max_length": 64}}``
    (set by the generator; checked before sending, see the ``validation`` module)."""

    @_ClassProperty
    def attribute_map(cls: Any) -> dict[str, str]:
        """python name -> JSON name."""
        return dict(_info(cls).py_to_wire)

    @_ClassProperty
    def openapi_types(cls: Any) -> dict[str, tuple[Any, ...]]:
        """python name -> (resolved type,), in the style of the old ``openapi_types``."""
        return {name: (tp,) for name, tp in _info(cls).types(cls).items()}

    @_ClassProperty
    def _required(cls: Any) -> frozenset[str]:
        """Fields the constructor and the decoder require."""
        return _info(cls).required

    @classmethod
    def _from_openapi_data(cls, *args: Any, **kwargs: Any) -> Any:
        """Build from data as the server sends it (JSON or python names); read-only fields are
        accepted, unknown keys ignored."""
        return cls(*args, **kwargs)

    @classmethod
    def _new_from_openapi_data(cls, *args: Any, **kwargs: Any) -> Any:
        """Alias of :meth:`_from_openapi_data` (used by ``cvat_sdk.datasets``)."""
        return cls(*args, **kwargs)

    # ---- dict-like access, with the old semantics: "set" means "not UNSET" ----
    def __getitem__(self, name: str) -> Any:
        value = getattr(self, name, UNSET) if name in _info(type(self)).py_to_wire else UNSET
        if value is UNSET:
            raise ApiAttributeError(f"{type(self).__name__} has no attribute '{name}'", [name])
        return value

    def get(self, name: str, default: Any = None) -> Any:
        value = getattr(self, name, UNSET) if name in _info(type(self)).py_to_wire else UNSET
        return default if value is UNSET else value

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or name not in _info(type(self)).py_to_wire:
            return False
        return getattr(self, name, UNSET) is not UNSET

    def __setitem__(self, name: str, value: Any) -> None:
        info = _info(type(self))
        if name not in info.py_to_wire:
            raise ApiAttributeError(f"{type(self).__name__} has no attribute '{name}'", [name])
        tp = info.types(type(self))[name]
        if value is not UNSET and not _is_file(value):
            try:
                value = msgspec.convert(value, tp, dec_hook=dec_hook)
            except msgspec.ValidationError as e:
                raise api_error(e, [name], what=f"value for {type(self).__name__}.{name}") from None
        setattr(self, name, value)

    def __iter__(self) -> Iterator[str]:
        """Names of the fields that are set."""
        return (n for n in self.__struct_fields__ if getattr(self, n) is not UNSET)

    def to_dict(self) -> dict[str, Any]:
        """The set fields as a dict with python names; nested models become dicts and enums
        their values, other values (dates, bytes) stay Python objects (as the old SDK)."""
        result: dict[str, Any] = {}
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if value is not UNSET:
                result[name] = _to_python(value)
        return result

    def to_str(self) -> str:
        """The fields as pprint shows them, with secret-named fields masked (see __repr__)."""
        import pprint

        return pprint.pformat(_masked(self.to_dict()))

    def __str__(self) -> str:
        return self.to_str()

    def __repr__(self) -> str:
        """Set fields only; values of secret-named fields (password, token, key, secret...)
        are shown as ``'***'``, so that a logged or printed model never leaks them."""
        shown = ", ".join(
            f"{n}={'***' if _SECRET_FIELD.search(n) else repr(getattr(self, n))}"
            for n in self.__struct_fields__
            if getattr(self, n) is not UNSET
        )
        return f"{type(self).__name__}({shown})"


_SECRET_FIELD = re.compile(
    r"(?:^|_)(?:password\d*|passwd|key|token|secret|api_key|access_token|sessionid|csrftoken)"
    r"(?:$|_|\d)",
    re.IGNORECASE,
)


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: ("***" if isinstance(k, str) and _SECRET_FIELD.search(k) and v else _masked(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _to_python(value: Any) -> Any:
    if isinstance(value, OpenApiModel):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [_to_python(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_python(v) for k, v in value.items()}
    return value


class ModelNormal(OpenApiModel):  # type: ignore[metaclass]
    """Base of ordinary (``type: object``) models. The name is cvat-sdk's: ``cvat_sdk.core``
    tests ``isinstance(x, ModelNormal)``."""


Model = ModelNormal


class ModelComposed(Model):
    """Base of composed (allOf/oneOf) models."""


# --------------------------------------------------------------------------------------
# enums
# --------------------------------------------------------------------------------------


class _ModelEnumMeta(enum.EnumType):
    @property
    def allowed_values(cls) -> dict[tuple[str], dict[str, str]]:
        """``{("value",): {NAME: value}}`` as the old generated enums (core asserts on it)."""
        members: Any = cls
        return {("value",): {member.name: member.value for member in members}}

    @property
    def openapi_types(cls) -> dict[str, tuple[type]]:
        return {"value": (str,)}


class ModelSimple(enum.StrEnum, metaclass=_ModelEnumMeta):
    """Base of the string enums. ``str(member) == member.value`` and members compare equal
    to their string value. An unknown value (a newer server) becomes a pseudo-member instead
    of an error, so responses keep parsing across server versions."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        # Cache it so that the same unknown value always gives the same object.
        return cls._value2member_map_.setdefault(value, member)

    def to_str(self) -> str:
        return str(self.value)


ModelEnum = ModelSimple
"""The base of generated enums (cvat-sdk called enum models ``ModelSimple``)."""


# --------------------------------------------------------------------------------------
# oneOf / anyOf
# --------------------------------------------------------------------------------------


def _shape(tp: Any) -> str:
    """The JSON shape a member type decodes from: object, array, string, int, float, bool."""
    origin = getattr(tp, "__origin__", None) or tp
    if isinstance(origin, _UnionMeta):
        return "union"
    if not isinstance(origin, type):
        return "any"
    if issubclass(origin, (OpenApiModel, dict)):
        return "object"
    if issubclass(origin, (list, tuple)):
        return "array"
    if issubclass(origin, bool):
        return "bool"
    if issubclass(origin, (str, date, time)):  # str enums, dates and date-times too
        return "string"
    if issubclass(origin, int):
        return "int"
    if issubclass(origin, float):
        return "float"
    return "any"


def _value_shape(value: Any) -> str:
    if isinstance(value, dict) or isinstance(value, OpenApiModel):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (str, date, time)):
        return "string"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "any"


# Within one shape, the more specific member is tried first: a date-time string is a
# datetime before it is a str (an enum accepts any string: unknown values are tolerated).
_STRING_ORDER = {datetime: 0, date: 1, time: 1}


def _string_rank(tp: Any) -> int:
    if tp in _STRING_ORDER:
        return _STRING_ORDER[tp]
    return 2 if isinstance(tp, type) and issubclass(tp, enum.Enum) else 3


class _UnionInfo:
    """The resolved members of one union class (resolved on first use: members may be
    defined after the union in the models module)."""

    __slots__ = ("types", "classes", "by_shape", "mapping", "fields", "ranked")

    def __init__(self, cls: Any) -> None:
        import sys

        self.types: tuple[Any, ...] = tuple(cls._member_types())
        self.classes = tuple(getattr(tp, "__origin__", None) or tp for tp in self.types)
        by_shape: dict[str, list[Any]] = {}
        for tp in self.types:
            shape = _shape(tp)
            for key in ("object", "array", "string", "int", "float", "bool") if shape in ("union", "any") else (shape,):
                by_shape.setdefault(key, []).append(tp)
        if "string" in by_shape:
            by_shape["string"].sort(key=_string_rank)  # stable: schema order otherwise
        # a JSON integer is a valid float
        if "float" in by_shape:
            by_shape["int"] = by_shape.get("int", []) + by_shape["float"]
        self.by_shape = {k: tuple(v) for k, v in by_shape.items()}
        namespace = vars(sys.modules[cls.__module__])
        self.mapping: dict[str, Any] = {value: namespace[name] for value, name in cls._mapping.items()}
        # model member -> (known names: JSON and python, required JSON names), to rank
        # members for a dict; the ranking of each key set is cached (payloads repeat shapes)
        self.fields: dict[Any, tuple[frozenset[str], tuple[str, ...]]] = {}
        for tp in self.types:
            if isinstance(tp, type) and issubclass(tp, OpenApiModel):
                info = _info(tp)
                names = info.wire_names | info.py_to_wire.keys()
                self.fields[tp] = (names, tuple(info.py_to_wire[n] for n in info.required))
        self.ranked: dict[tuple[str, ...], list[Any]] = {}


class _UnionMeta(type):
    """Metaclass of the oneOf/anyOf classes. The class is not instantiated: a value of it
    is an instance of one of its members, so ``isinstance(member, Union)`` is true, and
    calling the class builds the member that matches the arguments."""

    # set by ModelUnion and the generated classes (annotations only: no metaclass attributes)
    _composition: str
    _discriminator: str
    _mapping: dict[str, str]
    _member_types: Any

    def _info(cls) -> _UnionInfo:
        info = cls.__dict__.get("_union_info_")
        if info is None:
            info = _UnionInfo(cls)
            type.__setattr__(cls, "_union_info_", info)
            type.__setattr__(cls, "_union_classes_", info.classes)
        return info

    def __instancecheck__(cls, obj: Any) -> bool:
        # msgspec checks every value the hook returns: keep this short
        classes = cls.__dict__.get("_union_classes_")
        if classes is None:
            if "_member_types" not in cls.__dict__:
                return type.__instancecheck__(cls, obj)
            classes = cls._info().classes
        return isinstance(obj, classes)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and not isinstance(args[0], dict):
            try:
                return msgspec.convert(args[0], cls, dec_hook=dec_hook)
            except msgspec.ValidationError as e:
                raise api_error(e, None, what=f"value for {cls.__name__}") from None
        data: dict[str, Any] = {}
        for arg in args:
            if not isinstance(arg, dict):
                raise ApiTypeError(f"{cls.__name__}() takes keyword arguments, a dict or one value")
            data.update(arg)
        data.update(kwargs)
        for key in _LEGACY_CTOR_KWARGS & data.keys():
            del data[key]
        errors: list[OpenApiException] = []
        for member in cls._candidates(data):
            if not (isinstance(member, type) and issubclass(member, OpenApiModel)):
                continue
            try:
                return member(**data)
            except (ApiTypeError, ApiValueError) as e:
                errors.append(e)
        if errors:
            raise errors[0]
        raise ApiTypeError(f"{cls.__name__}() can't be built from keyword arguments: no member is a model")

    def _candidates(cls, value: Any) -> list[Any]:
        """Members that may hold ``value``, best first: by the discriminator when it names
        one, else those of the value's JSON shape; models ranked by how well the keys fit
        (every required key present, then fewest unknown keys), then in schema order."""
        info = cls._info()
        if not isinstance(value, dict):
            return list(info.by_shape.get(_value_shape(value), ()))
        candidates = info.by_shape.get("object", ())
        if cls._discriminator and info.mapping:
            tag = value.get(cls._discriminator)
            target = info.mapping.get(tag) if isinstance(tag, str) else None
            if target is not None:
                return [target]
        if len(candidates) < 2:
            return list(candidates)
        keys = tuple(value)
        ranked = info.ranked.get(keys)
        if ranked is None:

            def rank(item: tuple[int, Any]) -> tuple[int, int, int]:
                index, tp = item
                known = info.fields.get(tp)
                if known is None:  # a free-form dict fits anything, after the models
                    return (0, 1 << 30, index)
                names, required = known
                missing = sum(1 for r in required if r not in value)
                return (missing, sum(1 for k in keys if k not in names), index)

            ranked = [tp for _, tp in sorted(enumerate(candidates), key=rank)]
            if len(info.ranked) < 1024:
                info.ranked[keys] = ranked
        return ranked

    def _decode(cls, value: Any) -> Any:
        """The member that ``value`` (decoded JSON, or Python objects given to a
        constructor) converts to; raises ValueError (msgspec adds the path) when none does."""
        if isinstance(value, OpenApiModel):
            if isinstance(value, cls._info().classes):
                return value
            raise TypeError(f"Expected `{cls.__name__}` ({cls._describe()}) or a dict, got `{type(value).__name__}`")
        errors: list[str] = []
        for tp in cls._candidates(value):
            try:
                return msgspec.convert(value, tp, dec_hook=dec_hook)
            except msgspec.ValidationError as e:
                text, sep, where = str(e).rpartition(" - at `")
                errors.append(f"as `{getattr(tp, '__name__', tp)}`: " + (f"{text} at `{where}" if sep else str(e)))
        detail = f" ({errors[0]})" if errors else ""
        raise ValueError(f"Expected `{cls.__name__}` ({cls._describe()}), got `{type(value).__name__}`{detail}")

    def _describe(cls) -> str:
        return " | ".join(getattr(tp, "__name__", str(tp)) for tp in cls._info().types)

    # ---- the composed-schema surface of cvat-sdk's classes ----
    @property
    def openapi_types(cls) -> dict[str, tuple[Any, ...]]:
        """The fields of every model member (the first member's type wins)."""
        result: dict[str, tuple[Any, ...]] = {}
        for tp in cls._info().fields:
            for name, value in tp.openapi_types.items():
                result.setdefault(name, value)
        return result

    @property
    def attribute_map(cls) -> dict[str, str]:
        result: dict[str, str] = {}
        for tp in cls._info().fields:
            for name, value in _info(tp).py_to_wire.items():
                result.setdefault(name, value)
        return result

    @property
    def _composed_schemas(cls) -> dict[str, list[Any]]:
        result: dict[str, list[Any]] = {"allOf": [], "anyOf": [], "oneOf": []}
        result[cls._composition] = list(cls._info().types)
        return result

    @property
    def discriminator(cls) -> dict[str, dict[str, Any]] | None:
        if not cls._discriminator:
            return None
        return {cls._discriminator: dict(cls._info().mapping)}

    @property
    def members(cls) -> tuple[Any, ...]:
        """The member types, in schema order."""
        return cls._info().types


class ModelUnion(metaclass=_UnionMeta):
    """Base of the oneOf/anyOf classes (the generator fills in the members).

    A response value of such a type is an instance of the member that matches: msgspec
    decodes it at C speed when its members differ in JSON shape (``RqId | str``), and
    otherwise :func:`dec_hook` picks the member (by the discriminator, or by the best fit
    of the keys) and converts to it. ``Union(**kwargs)`` builds that member, and
    ``isinstance(member_instance, Union)`` is true, so a member instance, a dict or the
    result of calling the class are all valid wherever the union is expected.
    """

    _composition: ClassVar[str] = "oneOf"
    _discriminator: ClassVar[str] = ""
    _mapping: ClassVar[dict[str, str]] = {}  # discriminator value -> member class name
    _nullable: ClassVar[bool] = False

    @classmethod
    def _from_openapi_data(cls, *args: Any, **kwargs: Any) -> Any:
        return cls(*args, **kwargs)

    @classmethod
    def _new_from_openapi_data(cls, *args: Any, **kwargs: Any) -> Any:
        return cls(*args, **kwargs)


def dec_hook(tp: Any, value: Any) -> Any:
    """msgspec decoding hook: values of union classes (the only custom types in models)."""
    if isinstance(tp, _UnionMeta):
        return tp._decode(value)
    raise TypeError(f"Unsupported type {tp!r}")


# --------------------------------------------------------------------------------------
# serialization
# --------------------------------------------------------------------------------------


def get_file_data_and_close_file(file_instance: Any) -> bytes:
    """Read a file object to the end and close it (as the old SDK does for uploads)."""
    data = file_instance.read()
    file_instance.close()
    return data if isinstance(data, bytes) else str(data).encode()


def _enc_hook(obj: Any) -> Any:
    """msgspec encoder hook: file objects are not JSON; say how to send them."""
    if _is_file(obj):
        raise ApiValueError(
            'Files can\'t be sent as JSON; pass _content_type="multipart/form-data"'
        )
    raise ApiTypeError(f"Unable to prepare type {type(obj).__name__} for serialization")


_BUILTIN_KEEP = (bytes, bytearray)


def to_json(obj: Any, *, read_files: bool = True) -> Any:
    """JSON-ready data (dicts with JSON names, lists, str, numbers, None) from models, enums,
    dates (ISO strings), dicts and lists. Unset fields are left out. File objects are read
    (and closed) to bytes when ``read_files``, or returned as they are."""
    try:
        return msgspec.to_builtins(obj, builtin_types=_BUILTIN_KEEP)
    except (TypeError, ApiTypeError):
        pass
    if isinstance(obj, OpenApiModel):
        info = _info(type(obj))
        return {
            info.py_to_wire[name]: to_json(getattr(obj, name), read_files=read_files)
            for name in obj.__struct_fields__
            if getattr(obj, name) is not UNSET
        }
    if _is_file(obj):
        return get_file_data_and_close_file(obj) if read_files else obj
    if isinstance(obj, (list, tuple)):
        return [to_json(item, read_files=read_files) for item in obj]
    if isinstance(obj, dict):
        return {key: to_json(value, read_files=read_files) for key, value in obj.items()}
    raise ApiValueError(f"Unable to prepare type {obj.__class__.__name__} for serialization")


def model_to_dict(model_instance: Any, serialize: bool = True) -> dict[str, Any]:
    """``serialize=True``: JSON names (see :func:`to_json`); else :meth:`OpenApiModel.to_dict`."""
    result: dict[str, Any] = (
        to_json(model_instance, read_files=False) if serialize else model_instance.to_dict()
    )
    return result


# --------------------------------------------------------------------------------------
# lenient decoding (``_validate_outputs=False``)
# --------------------------------------------------------------------------------------


def lax_convert(value: Any, tp: Any) -> Any:
    """Build ``tp`` from decoded JSON without raising: fields that are missing become None,
    values of a wrong type are kept as they are. Slow (Python per object); only used after
    the fast typed decode failed and the caller asked not to validate outputs."""
    try:
        return msgspec.convert(value, tp, dec_hook=dec_hook)
    except (msgspec.ValidationError, TypeError):
        pass
    if isinstance(tp, _UnionMeta):
        candidates = tp._candidates(value)
        return lax_convert(value, candidates[0]) if candidates else value
    origin = getattr(tp, "__origin__", None)
    if isinstance(tp, type) and issubclass(tp, OpenApiModel):
        if not isinstance(value, dict):
            return value
        info = _info(tp)
        types = info.types(tp)
        kwargs: dict[str, Any] = {}
        for name, wire in info.py_to_wire.items():
            if wire in value:
                kwargs[name] = lax_convert(value[wire], types[name])
            elif name in info.required:
                kwargs[name] = None
        return _struct_call(tp, **kwargs)
    if origin is list and isinstance(value, list):
        (item,) = tp.__args__ or (Any,)
        return [lax_convert(v, item) for v in value]
    if origin is dict and isinstance(value, dict):
        item = tp.__args__[1] if len(getattr(tp, "__args__", ())) == 2 else Any
        return {k: lax_convert(v, item) for k, v in value.items()}
    if _is_union(tp):
        for arg in tp.__args__:
            if arg is type(None) or arg is UnsetType:
                continue
            return lax_convert(value, arg)
    return value


def _is_union(tp: Any) -> bool:
    import types
    import typing

    return isinstance(tp, types.UnionType) or getattr(tp, "__origin__", None) is typing.Union


__all__ += ["lax_convert", "api_error", "time"]
