"""Values on the wire: the type expressions of endpoint specs, and the encoding of
parameters, form fields, files and JSON bodies. Split from :mod:`.endpoint`, which decides
*what* to send; this module decides *how* each value is written.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .exceptions import ApiTypeError, ApiValueError

# --------------------------------------------------------------------------------------
# type expressions
# --------------------------------------------------------------------------------------


class _TypeNamespace(dict):  # type: ignore[type-arg]
    """Names usable in type expressions: a few builtins, then the models package."""

    def __init__(self, models: Any) -> None:
        import datetime
        import typing

        super().__init__(
            int=int,
            str=str,
            bool=bool,
            float=float,
            bytes=bytes,
            date=datetime.date,
            datetime=datetime.datetime,
            Any=typing.Any,
            list=list,
            dict=dict,
            None_=None,
            file_type=bytes,
        )
        self["None"] = None
        self._models = models

    def __missing__(self, key: str) -> Any:
        try:
            return getattr(self._models, key)
        except AttributeError:
            raise ApiTypeError(f"Unknown type name {key!r} in an endpoint spec") from None


_TYPE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_[], |")
_type_cache: dict[tuple[str, str], Any] = {}


def _models_module() -> Any:
    import importlib

    return importlib.import_module(".models", __package__)


def resolve_type(expr: str) -> Any:
    """Resolve a generator type expression (``"list[LabeledShape] | None"``) to a type.
    Only identifiers, ``[]``, ``,`` and ``|`` are allowed, so this eval runs no code."""
    key = (__package__ or "", expr)
    try:
        return _type_cache[key]
    except KeyError:
        pass
    if not expr or not set(expr) <= _TYPE_CHARS:
        raise ApiTypeError(f"Invalid type expression {expr!r}")
    value = eval(expr, {"__builtins__": {}}, _TypeNamespace(_models_module()))  # noqa: S307
    _type_cache[key] = value
    return value


def _is_model_class(tp: Any) -> bool:
    from .model_utils import OpenApiModel

    return isinstance(tp, type) and issubclass(tp, OpenApiModel)


# --------------------------------------------------------------------------------------
# value serialization
# --------------------------------------------------------------------------------------


def _param_str(value: Any) -> str:
    """A scalar parameter as text: bools as true/false, enums by value, dates ISO."""
    kind = type(value)  # the common cases first, exact types (not bool, not enums): every call has them
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return str(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return str.__str__(value)  # the value of a str enum, not "Enum.NAME"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if hasattr(value, "value") and not isinstance(value, (int, float)):
        return str(value.value)
    return str(value)


def _file_tuple(name: str, value: Any) -> tuple[str, bytes, str]:
    """(filename, data, mime type) of a file object, read and closed as the old SDK does."""
    import mimetypes
    import os

    from .model_utils import get_file_data_and_close_file

    if getattr(value, "closed", False):
        raise ApiValueError(f"The passed in file for {name} must be open.")
    filename = os.path.basename(str(getattr(value, "name", name)))
    data = get_file_data_and_close_file(value)
    mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return filename, data, mime


def _form_value(name: str, value: Any) -> Any:
    from .model_utils import OpenApiModel, _is_file

    if isinstance(value, _Deferred):
        return (name, value, "")  # replaced by a streamed file part in form_fields
    if _is_file(value):
        return _file_tuple(name, value)
    if isinstance(value, (bytes, bytearray)):
        return (name, bytes(value), "application/octet-stream")
    if isinstance(value, tuple) and len(value) in (2, 3) and isinstance(value[1], (bytes, str)):
        return value  # an explicit (filename, data[, mime]) file part
    if isinstance(value, (dict, list, OpenApiModel)):
        raise ApiValueError(
            f"The field '{name}' holds a nested {type(value).__name__}, which "
            "multipart/form-data can't carry. Send the files and simple fields in one "
            "multipart request, and the nested fields in a separate application/json request.",
            [name],
        )
    return _param_str(value)


def form_fields(items: Iterable[tuple[str, Any]], stream: bool = False) -> list[tuple[str, Any]]:
    """Form fields of a body: files become file parts, lists ``name[i]`` parts, scalars text.

    ``stream=True``: an open disk file is not read here; its part holds a
    :class:`.multipart.StreamedFile` and the body is streamed from disk when sent."""
    if stream:
        return [_streamed(f) for f in form_fields(_defer_files(items))]
    fields: list[tuple[str, Any]] = []
    for name, value in items:
        if value is None:
            continue
        if isinstance(value, (list, tuple)) and not (
            isinstance(value, tuple) and len(value) in (2, 3) and isinstance(value[1], (bytes, str))
        ):
            for index, item in enumerate(value):
                item_name = f"{name}[{index}]"
                fields.append((item_name, _form_value(item_name, item)))
        else:
            fields.append((name, _form_value(name, value)))
    return fields


class _Deferred:
    """An open disk file kept unread by :func:`form_fields` (``stream=True``)."""

    __slots__ = ("file",)

    def __init__(self, file: Any) -> None:
        self.file = file


def _disk_file(value: Any) -> bool:
    from .model_utils import _is_file

    if not _is_file(value) or getattr(value, "closed", False):
        return False
    try:
        value.fileno()
        return bool(value.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _defer_files(items: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for name, value in items:
        if isinstance(value, list):
            value = [_Deferred(v) if _disk_file(v) else v for v in value]
        elif _disk_file(value):
            value = _Deferred(value)
        out.append((name, value))
    return out


def _streamed(field: tuple[str, Any]) -> tuple[str, Any]:
    import mimetypes
    import os

    from .multipart import StreamedFile

    name, value = field
    if not isinstance(value, tuple) or len(value) != 3 or not isinstance(value[1], _Deferred):
        return field
    file = value[1].file
    filename = os.path.basename(str(getattr(file, "name", name)))
    mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return name, (filename, StreamedFile(file), mime)


def _body_items(body: Any) -> list[tuple[str, Any]]:
    from .model_utils import UNSET, OpenApiModel, _info

    if isinstance(body, OpenApiModel):
        wires = _info(type(body)).py_to_wire
        return [
            (wires[n], v) for n in body.__struct_fields__ if (v := getattr(body, n)) is not UNSET
        ]
    if isinstance(body, Mapping):
        return [(k, v) for k, v in body.items() if v is not UNSET]
    raise ApiValueError(f"A form body must be a model or a dict, got {type(body).__name__}")


_json_encoder: Any = None


def _encode_json(value: Any) -> bytes:
    global _json_encoder
    if _json_encoder is None:
        import msgspec.json

        from .model_utils import _enc_hook

        _json_encoder = msgspec.json.Encoder(enc_hook=_enc_hook)
    encoded: bytes = _json_encoder.encode(value)
    return encoded
