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
    "ModelEnum",
    "ModelSimple",
    "to_json",
    "model_to_dict",
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

    def __init__(self, cls: type) -> None:
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


class ModelMeta(_StructMeta):  # type: ignore[misc, valid-type]
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
        obj = msgspec.convert(data, cls)
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
    def attribute_map(cls) -> dict[str, str]:  # type: ignore[misc]
        """python name -> JSON name."""
        return dict(_info(cls).py_to_wire)

    @_ClassProperty
    def openapi_types(cls) -> dict[str, tuple[Any, ...]]:  # type: ignore[misc]
        """python name -> (resolved type,), in the style of the old ``openapi_types``."""
        return {name: (tp,) for name, tp in _info(cls).types(cls).items()}

    @_ClassProperty
    def _required(cls) -> frozenset[str]:  # type: ignore[misc]
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
                value = msgspec.convert(value, tp)
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
        import pprint

        return pprint.pformat(self.to_dict())

    def __str__(self) -> str:
        return self.to_str()


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


class ModelNormal(OpenApiModel):
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
        return {("value",): {member.name: member.value for member in cls}}  # type: ignore[attr-defined]

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
    if serialize:
        return to_json(model_instance, read_files=False)
    return model_instance.to_dict()


# --------------------------------------------------------------------------------------
# lenient decoding (``_validate_outputs=False``)
# --------------------------------------------------------------------------------------


def lax_convert(value: Any, tp: Any) -> Any:
    """Build ``tp`` from decoded JSON without raising: fields that are missing become None,
    values of a wrong type are kept as they are. Slow (Python per object); only used after
    the fast typed decode failed and the caller asked not to validate outputs."""
    try:
        return msgspec.convert(value, tp)
    except (msgspec.ValidationError, TypeError):
        pass
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
