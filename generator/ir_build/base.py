"""The state every part of the IR builder shares, and the lookups they all use.

Why a base class: the builder is split by concern (components.py, type_refs.py,
operations.py), but the parts call one another (a property's type may be an inline model, a
model's fields have types); they share one set of names and caches, held here. The stubs at
the end name the methods one part calls in another, so each part reads on its own.
"""

from __future__ import annotations

from typing import Any

from ..errors import DiagnosticSink, pointer_token
from ..ir import EnumDef, Field, ModelDef, TypeRef
from ..validate import resolve_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCHEMA_PREFIX = "#/components/schemas/"
MAX_TYPE_DEPTH = 64


def schema_pointer(name: object) -> str:
    """The pointer of a component schema, `/components/schemas/<name>`."""
    return "/components/schemas/" + pointer_token(name)


class BuilderBase:
    def __init__(self, document: dict[str, Any], schema_hash: str, package: str) -> None:
        self.doc = document
        self.schema_hash = schema_hash
        self.package = package
        self.sink = DiagnosticSink()
        components = document.get("components") or {}
        self.schemas: dict[str, Any] = components.get("schemas") or {}
        if not isinstance(self.schemas, dict):
            self.sink.error("/components/schemas", "must be an object")
            self.schemas = {}
        self.class_names: dict[str, str] = {}  # component name -> class name
        self.taken_classes: set[str] = set()
        self.enums: dict[str, EnumDef] = {}
        self.models: dict[str, ModelDef] = {}
        self.kinds: dict[str, str] = {}  # component -> enum | model | alias | inline | union
        self.inline_by_key: dict[str, str] = {}
        self.allof_stack: list[str] = []
        self.union_refs: dict[str, TypeRef] = {}  # union component -> its TypeRef
        self.union_stack: list[str] = []

    def _ref_name(self, ref: Any) -> str | None:
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            name = ref[len(SCHEMA_PREFIX):].replace("~1", "/").replace("~0", "~")
            return name if name in self.schemas else None
        return None


    def _deref(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 32:
            try:
                node = resolve_pointer(self.doc, node["$ref"])
            except (KeyError, TypeError):
                return None
            seen += 1
        return node


    @staticmethod
    def _is_string_enum(schema: dict[str, Any]) -> bool:
        values = schema.get("enum")
        return isinstance(values, list) and all(isinstance(v, str) or v is None for v in values) and "properties" not in schema


    @staticmethod
    def _is_null_enum(schema: Any) -> bool:
        return isinstance(schema, dict) and schema.get("enum") == [None]


    def _is_null_schema(self, schema: Any) -> bool:
        """A member that only admits null: NullEnum, `enum: [null]`, `type: "null"`."""
        if not isinstance(schema, dict):
            return False
        name = self._ref_name(schema.get("$ref"))
        target = self.schemas[name] if name is not None else schema
        return self._is_null_enum(target) or (isinstance(target, dict) and target.get("type") == "null")


    # ------------------------------------------------------------------ implemented elsewhere
    def type_of(self, schema: Any, pointer: str, owner: str = "", prop: str = "", depth: int = 0) -> TypeRef:
        raise NotImplementedError  # type_refs.TypesMixin

    def _model(self, cls: str, pointer: str, schema: dict[str, Any]) -> ModelDef:
        raise NotImplementedError  # components.ComponentsMixin

    def _union_model(self, cls: str, pointer: str, schema: dict[str, Any], ref: TypeRef) -> ModelDef:
        raise NotImplementedError  # components.ComponentsMixin

    def _union_of(self, key: str, variants: list[Any], schema: dict[str, Any], pointer: str, owner: str, prop: str,
                  name: str, depth: int) -> TypeRef:
        raise NotImplementedError  # components.ComponentsMixin

    def _component_union(self, name: str, depth: int) -> TypeRef:
        raise NotImplementedError  # components.ComponentsMixin

    def _collapse(self, ref: TypeRef, nullable: bool) -> TypeRef:
        raise NotImplementedError  # components.ComponentsMixin

    def _alias_target(self, schema: dict[str, Any]) -> str:
        raise NotImplementedError  # components.ComponentsMixin

    def _collect_properties(
        self, schema: dict[str, Any], pointer: str
    ) -> tuple[list[tuple[str, Any, str]], set[str], list[str]]:
        raise NotImplementedError  # components.ComponentsMixin

    def _fields(self, owner: str, props: list[tuple[str, Any, str]], required: set[str]) -> tuple[Field, ...]:
        raise NotImplementedError  # components.ComponentsMixin

    def _inline_enum(self, schema: dict[str, Any]) -> tuple[str, ...]:
        raise NotImplementedError  # components.ComponentsMixin
