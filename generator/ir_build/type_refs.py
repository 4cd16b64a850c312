"""Schema -> TypeRef: scalars, lists, dicts, references, allOf/oneOf/anyOf, inline models.

Why apart: every property, parameter, body and response goes through `type_of`; its rules
(an allOf-wrapped enum is a validated str, an inline object gets a class named after its
owner, a union msgspec can decode natively stays a plain union) are tested on their own
(tests/unit/test_ir_types.py). `schema_constraints` normalizes the validation keywords.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from ..ir import ModelDef, TypeRef
from ..naming import class_name, clean_text, pascal_case, unique
from .base import MAX_TYPE_DEPTH, BuilderBase, schema_pointer


# TypeRefs are immutable, so the scalar ones are made once and shared: type_of returns
# thousands of them, and a shared one is equal to a new one in every respect.
_SCALARS: dict[tuple[str, bool], TypeRef] = {
    (kind, nullable): TypeRef(kind, nullable=nullable)  # type: ignore[arg-type]
    for kind in ("str", "int", "float", "bool", "date", "datetime", "binary", "any") for nullable in (False, True)
}
_ANY = _SCALARS["any", False]
_STRING_FORMATS = {"date-time": "datetime", "date": "date", "binary": "binary"}


class TypesMixin(BuilderBase):
    # ------------------------------------------------------------------ types
    def type_of(self, schema: Any, pointer: str, owner: str = "", prop: str = "", depth: int = 0) -> TypeRef:
        if depth > MAX_TYPE_DEPTH:
            self.sink.error(pointer, f"schema nested more than {MAX_TYPE_DEPTH} levels deep")
            return _ANY
        if not isinstance(schema, dict):
            return _ANY
        nullable = bool(schema.get("nullable"))
        ref = schema.get("$ref")
        if ref is not None:
            name = self._ref_name(ref)
            if name is None:
                self.sink.error(pointer, f"unsupported reference {ref!r}")
                return _ANY
            return self._component_type(name, nullable, pointer, depth)
        for key in ("allOf", "oneOf", "anyOf"):
            variants = schema.get(key)
            if isinstance(variants, list) and variants:
                return self._composed_type(key, variants, schema, pointer, owner, prop, nullable, depth)
        values = schema.get("enum")
        if isinstance(values, list):
            if None in values:
                nullable = True
            if all(isinstance(v, str) or v is None for v in values):
                return _SCALARS["str", nullable]
        kind = schema.get("type")
        if kind == "string":
            return _SCALARS[_STRING_FORMATS.get(schema.get("format") or "", "str"), nullable]
        if kind == "integer":
            return _SCALARS["int", nullable]
        if kind == "number":
            return _SCALARS["float", nullable]
        if kind == "boolean":
            return _SCALARS["bool", nullable]
        if kind == "array":
            item = self.type_of(schema.get("items"), f"{pointer}/items", owner, prop, depth + 1)
            return TypeRef("list", item=item, nullable=nullable)
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            if isinstance(schema.get("properties"), dict) and schema["properties"] and owner:
                return TypeRef("model", name=self._inline_model(schema, pointer, owner, prop), nullable=nullable)
            extra = schema.get("additionalProperties")
            value = (self.type_of(extra, f"{pointer}/additionalProperties", owner, prop, depth + 1)
                     if isinstance(extra, dict) and extra else _ANY)
            return TypeRef("dict", item=value, nullable=nullable)
        return _SCALARS["any", nullable]


    def _component_type(self, name: str, nullable: bool, pointer: str, depth: int) -> TypeRef:
        kind = self.kinds.get(name)
        if kind == "enum":
            return TypeRef("enum", name=self.class_names[name], nullable=nullable)
        if kind == "alias":
            target = self._alias_target(self.schemas[name])
            return TypeRef("enum", name=target, nullable=True)
        if kind == "model":
            return TypeRef("model", name=self.class_names[name], nullable=nullable)
        if kind == "union":
            ref = self._component_union(name, depth)
            return self._collapse(ref, nullable or ref.nullable)
        # a primitive component: inline its type
        if depth > MAX_TYPE_DEPTH:
            self.sink.error(pointer, "recursive reference between primitive schemas")
            return TypeRef("any")
        inner = self.type_of(self.schemas[name], schema_pointer(name), depth=depth + 1)
        return TypeRef(inner.kind, inner.name, inner.item, inner.nullable or nullable)


    def _composed_type(self, key: str, variants: list[Any], schema: dict[str, Any], pointer: str,
                       owner: str, prop: str, nullable: bool, depth: int) -> TypeRef:
        refs = [self._ref_name(v.get("$ref")) if isinstance(v, dict) else None for v in variants]
        if key == "allOf" and len(variants) == 1 and refs[0]:
            target = refs[0]
            kind = self.kinds.get(target)
            if kind == "enum":
                # cvat-sdk types allOf-wrapped enums as plain values: a validated str
                return TypeRef("str", nullable=nullable)
            if kind == "model" and owner:
                name = self._inline_class(schema, owner, prop, lambda cls: ModelDef(
                    cls, pointer, clean_text(schema.get("description")),
                    self.models[target].fields if target in self.models else self._model(
                        self.class_names[target], schema_pointer(target), self.schemas[target]).fields,
                    kind="composed", base=self.class_names[target], composed_of=(self.class_names[target],),
                    composition="allOf"))
                return TypeRef("model", name=name, nullable=nullable)
            return self._component_type(target, nullable, pointer, depth)
        if key in ("oneOf", "anyOf") and all(refs):
            real = [r for r in refs if r and not self._is_null_enum(self.schemas[r])]
            if len(real) < len(refs):
                nullable = True
            if len(real) == 1:
                target = real[0]
                if self.kinds.get(target) == "enum" and owner:
                    enum_cls = self.class_names[target]
                    self._inline_class(schema, owner, prop, lambda cls: ModelDef(
                        cls, pointer, clean_text(schema.get("description")), (), kind="alias",
                        alias_of=enum_cls, composition=key))  # type: ignore[arg-type]
                    return TypeRef("enum", name=enum_cls, nullable=nullable)
                return self._component_type(target, nullable, pointer, depth)
        if key == "allOf":
            if owner and any(isinstance(v, dict) and ("properties" in v or "$ref" in v) for v in variants):
                return TypeRef("model", name=self._inline_model(schema, pointer, owner, prop), nullable=nullable)
        if key in ("oneOf", "anyOf") and not isinstance(schema.get("allOf"), list) and "properties" not in schema:
            return self._inline_union(key, variants, schema, pointer, owner, prop, nullable, depth)
        return TypeRef("any", nullable=nullable)


    def _inline_union(self, key: str, variants: list[Any], schema: dict[str, Any], pointer: str, owner: str,
                      prop: str, nullable: bool, depth: int) -> TypeRef:
        """An inline oneOf/anyOf. msgspec decodes a native one by itself; any other gets a
        class named like an inline model (`<Owner><Property>`) that picks the member."""
        ref = self._union_of(key, variants, schema, pointer, owner, prop, "", depth)
        ref = self._collapse(ref, nullable or ref.nullable)
        if ref.kind != "union" or ref.native_union:
            return ref
        cls = self._inline_class(schema, owner, prop, lambda name: self._union_model(
            name, pointer, schema, dataclasses.replace(ref, name=name)))
        return dataclasses.replace(ref, name=cls)


    def _inline_class(self, schema: dict[str, Any], owner: str, prop: str, make: Any) -> str:
        key = json.dumps(schema, sort_keys=True, default=str)
        existing = self.inline_by_key.get(key)
        if existing:
            return existing
        cls = unique(class_name(owner + pascal_case(prop), "Inline"), self.taken_classes)
        self.inline_by_key[key] = cls
        model: ModelDef = make(cls)
        self.models[f"#inline:{cls}"] = model
        return cls


    def _inline_model(self, schema: dict[str, Any], pointer: str, owner: str, prop: str) -> str:
        def make(cls: str) -> ModelDef:
            props, required, parts = self._collect_properties(schema, pointer)
            return ModelDef(cls, pointer, clean_text(schema.get("description")), self._fields(cls, props, required),
                            interface=f"I{cls}", composed_of=tuple(parts))
        return self._inline_class(schema, owner, prop, make)



_LENGTHS = ("minLength", "maxLength", "minItems", "maxItems")
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
# every keyword schema_constraints reads: a schema with none of them (most are) has none
_CONSTRAINT_KEYS = frozenset((*_LENGTHS, *_BOUNDS, "pattern", "items"))


def schema_constraints(schema: Any, depth: int = 0) -> tuple[tuple[str, Any], ...]:
    """The validation keywords of a property or parameter schema, normalized: lengths are
    non-negative ints, bounds numbers (OpenAPI 3.0's boolean `exclusiveMinimum: true` becomes
    `exclusiveMinimum: <minimum>`), `pattern` only if Python's `re` compiles it, `items`
    the constraints of an array's items. Anything malformed is left out: the checks are a
    client-side convenience, the server stays the judge."""
    if not isinstance(schema, dict) or depth > 4 or _CONSTRAINT_KEYS.isdisjoint(schema):
        return ()
    found: dict[str, Any] = {}
    for key in _LENGTHS:
        value = schema.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            found[key] = value
    for key in _BOUNDS:
        value = schema.get(key)
        if isinstance(value, bool) and value and key.startswith("exclusive"):
            value = schema.get("minimum" if key == "exclusiveMinimum" else "maximum")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
            found[key] = value
    for plain, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if exclusive in found and found.get(plain) == found[exclusive]:
            del found[plain]
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        try:
            re.compile(pattern)
            found["pattern"] = pattern
        except (re.error, RecursionError):
            pass
    items = schema_constraints(schema.get("items"), depth + 1)
    if items:
        found["items"] = items
    return tuple(sorted(found.items()))

