"""The plain-data records of generated operations: :class:`EndpointSpec` and :class:`Param`.

The generated ``api/<tag>_api.py`` modules build one ``EndpointSpec`` per operation at import
time: these classes hold the data only, and everything computed from a spec (lookup tables,
resolved types, the decoder) lives in :mod:`.endpoint`, which also sends the calls. (A
module of its own for readability, not speed: ``.endpoint`` imports it.) Both names are
re-exported by ``.endpoint`` and ``.api_client``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Sequence

if TYPE_CHECKING:
    from .endpoint import _Compiled

__all__ = ["EndpointSpec", "Param"]


class _Frozen:
    """Immutable slotted record: cheap to create, hashable, safe to share between clients."""

    __slots__: tuple[str, ...] = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f) for f in self._fields)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Frozen) and type(other) is type(self) and (
            self._values() == other._values()
        )

    def __hash__(self) -> int:
        return hash(_freeze(self._values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__name__}({inner})"


def _freeze(value: Any) -> Any:
    """A hashable form of nested dicts/lists (spec fields are plain data)."""
    if isinstance(value, dict):
        return tuple((k, _freeze(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


class Param(_Frozen):
    """One operation parameter. ``location``: "path" | "query" | "header" | "cookie" | "body"
    | "form" (one field of a form body, sent as multipart/urlencoded like openapi-generator's
    form parameters). ``type`` is a type expression (see ``endpoint.resolve_type``);
    ``explode=False`` sends a list as one comma-separated value; ``enum`` lists the allowed
    values of a plain str param; ``validations`` are the schema's constraints, as cvat-sdk's
    ``{"regex": {"pattern": ...}}`` (checked client-side, see the ``validation`` module)."""

    # declared for type checkers (the values are set in __init__, into the slots)
    name: str
    location: str
    type: str
    required: bool
    wire_name: str
    explode: bool
    nullable: bool
    enum: tuple[str, ...]
    validations: dict[str, Any]

    __slots__ = (
        "name",
        "location",
        "type",
        "required",
        "wire_name",
        "explode",
        "nullable",
        "enum",
        "validations",
    )
    _fields = __slots__

    def __init__(
        self,
        name: str,
        location: str,
        type: str = "str",
        required: bool = False,
        wire_name: str | None = None,
        explode: bool = True,
        nullable: bool = False,
        enum: Sequence[str] = (),
        validations: Mapping[str, Any] | None = None,
    ) -> None:
        if location not in ("path", "query", "header", "cookie", "body", "form"):
            raise ValueError(f"invalid parameter location {location!r} for {name!r}")
        s = object.__setattr__
        s(self, "name", name)
        s(self, "location", location)
        s(self, "type", type)
        s(self, "required", required)
        s(self, "wire_name", wire_name or name)
        s(self, "explode", explode)
        s(self, "nullable", nullable)
        s(self, "enum", tuple(enum))
        s(self, "validations", dict(validations or {}))


class EndpointSpec(_Frozen):
    """Everything about one operation, as data (see docs/internals.md)."""

    # declared for type checkers (the values are set in __init__, into the slots)
    name: str
    operation_id: str
    path: str
    http_method: str
    params: tuple[Param, ...]
    request_content_types: tuple[str, ...]
    response_type: str | None
    response_kind: str
    accept: tuple[str, ...]
    auth: tuple[str, ...]
    deprecated: str | None
    deprecated_params: dict[str, str]
    servers: tuple[str, ...]
    status_responses: dict[int, tuple[str | None, ...]]
    _compiled: Any

    __slots__ = (
        "name",
        "operation_id",
        "path",
        "http_method",
        "params",
        "request_content_types",
        "response_type",
        "response_kind",
        "accept",
        "auth",
        "deprecated",
        "deprecated_params",
        "servers",
        "status_responses",
        "_compiled",
    )
    _fields = __slots__[:-1]

    def __init__(
        self,
        name: str,
        operation_id: str,
        path: str,
        http_method: str,
        params: Sequence[Param] = (),
        request_content_types: Sequence[str] = (),
        response_type: str | None = None,
        response_kind: str = "none",
        accept: Sequence[str] = (),
        auth: Sequence[str] = (),
        deprecated: str | None = None,
        deprecated_params: Mapping[str, str] | None = None,
        servers: Sequence[str] = (),
        status_responses: Mapping[int, Sequence[str | None]] | None = None,
    ) -> None:
        if response_kind not in ("json", "binary", "text", "none"):
            raise ValueError(f"invalid response_kind {response_kind!r} for {operation_id!r}")
        s = object.__setattr__
        s(self, "name", name)
        s(self, "operation_id", operation_id)
        s(self, "path", path)
        s(self, "http_method", http_method.upper())
        s(self, "params", tuple(params))
        s(self, "request_content_types", tuple(request_content_types))
        s(self, "response_type", response_type)
        s(self, "response_kind", response_kind)
        s(self, "accept", tuple(accept))
        s(self, "auth", tuple(auth))
        s(self, "deprecated", deprecated)
        s(self, "deprecated_params", dict(deprecated_params or {}))
        s(self, "servers", tuple(servers))
        # {status: (kind, type)} for successful statuses whose body differs from the main one
        s(self, "status_responses", {int(k): tuple(v) for k, v in (status_responses or {}).items()})
        s(self, "_compiled", None)

    def compiled(self) -> "_Compiled":
        """The precomputed tables of this spec (built once, shared by all clients)."""
        c: _Compiled | None = self._compiled
        if c is None:
            from .endpoint import _Compiled  # .endpoint imports this module

            c = _Compiled(self)
            object.__setattr__(self, "_compiled", c)
        return c
