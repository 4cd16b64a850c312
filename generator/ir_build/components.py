"""Component schemas: which become enums, models, aliases and unions, and their fields.

Why apart: naming and classifying `components/schemas` is the part of the IR that follows
cvat-sdk's class names (an allOf wrapper is a composed model `<Owner><Property>`, a
`oneOf [Enum, NullEnum]` an alias of the enum); its rules are tested on their own
(tests/unit/test_ir_components.py).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ..ir import EnumDef, Field, ModelDef, TypeRef
from ..naming import RESERVED_ATTRIBUTE_NAMES, class_name, clean_text, identifier, unique
from .base import BuilderBase, pointer_token, schema_pointer
from .surface import enum_members, field_texts
from .type_refs import schema_constraints

# what msgspec refuses in a renamed field's JSON name
_UNENCODABLE_NAME = re.compile(r'[\\"\x00-\x1f]')


class ComponentsMixin(BuilderBase):
    # ------------------------------------------------------------------ components
    def classify(self) -> None:
        for name, schema in self.schemas.items():
            pointer = schema_pointer(name)
            if not isinstance(schema, dict):
                self.sink.error(pointer, "a schema must be an object")
                continue
            if self._is_string_enum(schema):
                kind = "enum"
            elif self._is_nullable_enum_union(schema):
                kind = "alias"
            elif self._is_union(schema):
                kind = "union"
            elif "properties" in schema or "allOf" in schema or schema.get("type") == "object" and not (
                "additionalProperties" in schema and "properties" not in schema
            ):
                kind = "model"
            else:
                kind = "inline"
            self.kinds[name] = kind
            if kind != "inline":
                self.class_names[name] = unique(class_name(name), self.taken_classes)


    def _is_nullable_enum_union(self, schema: dict[str, Any]) -> bool:
        variants = schema.get("oneOf") or schema.get("anyOf")
        if not isinstance(variants, list) or not variants or "properties" in schema:
            return False
        names = [self._ref_name(v.get("$ref")) if isinstance(v, dict) else None for v in variants]
        if None in names:
            return False
        real = [n for n in names if n is not None and not self._is_null_enum(self.schemas[n])]
        return len(real) == 1 and self._is_string_enum(self.schemas[real[0]]) and len(real) < len(names)


    @staticmethod
    def _is_union(schema: dict[str, Any]) -> bool:
        """oneOf/anyOf that is not an object of its own (no properties, no allOf): a class
        that stands for one of its members (cvat-sdk's composed class of that name)."""
        variants = schema.get("oneOf") or schema.get("anyOf")
        return isinstance(variants, list) and bool(variants) and "properties" not in schema and "allOf" not in schema


    def build_components(self) -> None:
        for name, schema in self.schemas.items():
            kind = self.kinds.get(name)
            pointer = schema_pointer(name)
            cls = self.class_names.get(name)
            if kind == "enum" and cls:
                self.enums[name] = self._enum(cls, pointer, schema)
            elif kind == "model" and cls:
                self.models[name] = self._model(cls, pointer, schema)
            elif kind == "union" and cls:
                self.models[name] = self._union_model(cls, pointer, schema, self._component_union(name, 0))
            elif kind == "alias" and cls:
                target = self._alias_target(schema)
                self.models[name] = ModelDef(cls, pointer, clean_text(schema.get("description")), (),
                                             kind="alias", alias_of=target,
                                             composition="oneOf" if "oneOf" in schema else "anyOf")


    def _alias_target(self, schema: dict[str, Any]) -> str:
        for variant in schema.get("oneOf") or schema.get("anyOf") or []:
            name = self._ref_name(variant.get("$ref"))
            if name and not self._is_null_enum(self.schemas[name]):
                return self.class_names[name]
        return ""


    def _enum(self, cls: str, pointer: str, schema: dict[str, Any]) -> EnumDef:
        values = tuple(value for value in schema.get("enum") or [] if value is not None)
        return EnumDef(cls, pointer, clean_text(schema.get("description")), enum_members(values))


    def _collect_properties(
        self, schema: dict[str, Any], pointer: str
    ) -> tuple[list[tuple[str, Any, str]], set[str], list[str]]:
        """Properties of a schema, with allOf parts merged in order; circular allOf is an error."""
        props: list[tuple[str, Any, str]] = []
        required: set[str] = set(r for r in schema.get("required") or [] if isinstance(r, str))
        parts: list[str] = []
        for index, part in enumerate(schema.get("allOf") or []):
            part_pointer = f"{pointer}/allOf/{index}"
            if not isinstance(part, dict):
                continue
            ref = part.get("$ref")
            target = part
            if ref is not None:
                name = self._ref_name(ref)
                if name is None:
                    self.sink.error(part_pointer, f"allOf must reference a component schema, got {ref!r}")
                    continue
                if name in self.allof_stack:
                    cycle = " -> ".join([*self.allof_stack, name])
                    self.sink.error(part_pointer, f"circular allOf: {cycle}")
                    continue
                parts.append(self.class_names.get(name, name))
                target = self.schemas[name]
                part_pointer = schema_pointer(name)
                self.allof_stack.append(name)
                try:
                    sub_props, sub_required, _ = self._collect_properties(target, part_pointer)
                finally:
                    self.allof_stack.pop()
            else:
                sub_props, sub_required, _ = self._collect_properties(target, part_pointer)
            props.extend(sub_props)
            required |= sub_required
        own = schema.get("properties") or {}
        if not isinstance(own, dict):
            self.sink.error(f"{pointer}/properties", "must be an object")
            own = {}
        for prop_name, prop_schema in own.items():
            props.append((str(prop_name), prop_schema, f"{pointer}/properties/{pointer_token(prop_name)}"))
        # later definitions of the same property win, keeping the first position
        merged: dict[str, tuple[str, Any, str]] = {}
        for item in props:
            merged[item[0]] = item if item[0] not in merged else (item[0], item[1], item[2])
        return list(merged.values()), required, parts


    def _model(self, cls: str, pointer: str, schema: dict[str, Any]) -> ModelDef:
        union = schema.get("oneOf") or schema.get("anyOf")
        composition = "allOf" if schema.get("allOf") else ("oneOf" if schema.get("oneOf") else "anyOf" if union else "")
        if isinstance(union, list) and union and "properties" not in schema and not schema.get("allOf"):
            key = "oneOf" if schema.get("oneOf") else "anyOf"
            return self._union_model(cls, pointer, schema, self._union_of(key, union, schema, pointer, cls, "", cls, 0))
        props, required, parts = self._collect_properties(schema, pointer)
        fields = self._fields(cls, props, required)
        return ModelDef(cls, pointer, clean_text(schema.get("description")), fields,
                        kind="composed" if composition == "allOf" and parts else "normal",
                        interface=f"I{cls}", composed_of=tuple(parts), composition=composition)  # type: ignore[arg-type]


    def _union_model(self, cls: str, pointer: str, schema: dict[str, Any], ref: TypeRef) -> ModelDef:
        """oneOf/anyOf: a class standing for its members. A value decodes to the member that
        matches (by the discriminator when there is one), and calling the class builds one."""
        composition = "oneOf" if schema.get("oneOf") else "anyOf"
        union = ref if ref.kind == "union" else TypeRef("union", name=cls, members=(ref,) if ref.kind != "any" else (),
                                                         nullable=ref.nullable)
        union = dataclasses.replace(union, name=cls)
        discriminator, mapping = self._discriminator(schema, pointer, union)
        parts = tuple(dict.fromkeys(n for m in union.members for n in m.referenced_classes()))
        return ModelDef(cls, pointer, clean_text(schema.get("description")), (), kind="union", composed_of=parts,
                        composition=composition, union=union, discriminator=discriminator,  # type: ignore[arg-type]
                        mapping=mapping)


    def _discriminator(self, schema: dict[str, Any], pointer: str, union: TypeRef) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The discriminator's property and value -> class table: the explicit mapping, then
        each member component's own name (OpenAPI's implicit mapping)."""
        disc = schema.get("discriminator")
        if not isinstance(disc, dict) or not isinstance(disc.get("propertyName"), str) or not disc["propertyName"]:
            return "", ()
        members = {m.name for m in union.members if m.kind == "model"}
        mapping: dict[str, str] = {}
        raw_mapping = disc.get("mapping")
        explicit: dict[Any, Any] = raw_mapping if isinstance(raw_mapping, dict) else {}
        for value, target in explicit.items():
            name = self._ref_name(target) if isinstance(target, str) and target.startswith("#") else \
                (str(target) if str(target) in self.schemas else None)
            cls = self.class_names.get(name or "")
            if cls not in members:
                self.sink.warning(f"{pointer}/discriminator/mapping/{pointer_token(value)}",
                                  f"discriminator value {str(value)!r} maps to {str(target)!r}, which is not a member; ignored")
                continue
            mapping[str(value)] = cls  # type: ignore[assignment]
        mapped = set(mapping.values())
        for key in ("oneOf", "anyOf"):
            for variant in schema.get(key) or []:
                name = self._ref_name(variant.get("$ref")) if isinstance(variant, dict) else None
                cls = self.class_names.get(name or "")
                if name and cls in members and cls not in mapped:
                    mapping.setdefault(name, cls)  # type: ignore[arg-type]
        return disc["propertyName"], tuple(mapping.items())


    def _component_union(self, name: str, depth: int) -> TypeRef:
        """The TypeRef of a union component, computed once. A union that contains itself
        (through a list, say) refers to its class there."""
        cached = self.union_refs.get(name)
        if cached is not None:
            return cached
        cls = self.class_names[name]
        if name in self.union_stack:
            return TypeRef("union", name=cls)
        schema = self.schemas[name]
        key = "oneOf" if schema.get("oneOf") else "anyOf"
        self.union_stack.append(name)
        try:
            ref = self._union_of(key, schema[key], schema, schema_pointer(name), cls, "", cls, depth)
        finally:
            self.union_stack.pop()
        self.union_refs[name] = ref
        return ref


    def _union_of(self, key: str, variants: list[Any], schema: dict[str, Any], pointer: str, owner: str, prop: str,
                  name: str, depth: int) -> TypeRef:
        """The members of a oneOf/anyOf, flattened (a union in a union adds its members),
        without duplicates; null members make it nullable; a binary string is a JSON string
        here; a member that is anything makes the whole union anything."""
        members: list[TypeRef] = []
        nullable = bool(schema.get("nullable"))
        for index, variant in enumerate(variants):
            if self._is_null_schema(variant):
                nullable = True
                continue
            member = self.type_of(variant, f"{pointer}/{key}/{index}", owner, f"{prop} {key}{index or ''}", depth + 1)
            if member.kind == "any":
                return TypeRef("any", nullable=True)
            nullable = nullable or member.nullable
            for part in (member.members if member.kind == "union" and member.members else (member,)):
                part = TypeRef("str") if part.kind == "binary" else dataclasses.replace(part, nullable=False)
                if part.kind == "union" and part.name == name:
                    continue  # `oneOf: [X, <itself>]` is X (and must not decode itself forever)
                if part not in members:
                    members.append(part)
        if not members:
            return TypeRef("any", nullable=True)
        return TypeRef("union", name=name, members=tuple(members), nullable=nullable)


    @staticmethod
    def _collapse(ref: TypeRef, nullable: bool) -> TypeRef:
        """A union of one member is that member (`oneOf: [X]`, `oneOf: [X, NullEnum]`)."""
        if ref.kind == "union" and len(ref.members) == 1:
            ref = ref.members[0]
            return dataclasses.replace(ref, nullable=True) if nullable else ref
        return dataclasses.replace(ref, nullable=True) if nullable and not ref.nullable else ref


    def _fields(self, owner: str, props: list[tuple[str, Any, str]], required: set[str]) -> tuple[Field, ...]:
        taken: set[str] = set()
        fields: list[Field] = []
        for prop_name, prop_schema, prop_pointer in props:
            if not isinstance(prop_schema, dict):
                self.sink.error(prop_pointer, "a property schema must be an object")
                continue
            if _UNENCODABLE_NAME.search(prop_name):
                # msgspec can't rename a field to such a name: the models module would not import
                if not any(d.pointer == prop_pointer for d in self.sink.items):
                    self.sink.error(prop_pointer, f"property name {prop_name!r} contains a quote, a backslash or "
                                                  "a control character; the generated models can't encode it")
                continue
            py_name = unique(identifier(prop_name, "field", RESERVED_ATTRIBUTE_NAMES), taken)
            type_ref = self.type_of(prop_schema, prop_pointer, owner, prop_name)
            enum_values = self._inline_enum(prop_schema)
            is_required = prop_name in required
            write_only = bool(prop_schema.get("writeOnly"))
            # the user-facing texts now, so the Field is made once (Field.decode_required)
            annotation, struct, py_default, members = field_texts(type_ref, is_required and not write_only,
                                                                   enum_values)
            fields.append(Field(
                py_name=py_name, json_name=prop_name, type=type_ref, required=is_required,
                read_only=bool(prop_schema.get("readOnly")), write_only=write_only,
                description=clean_text(prop_schema.get("description")),
                default=prop_schema.get("default"), has_default="default" in prop_schema,
                enum_values=enum_values, deprecated=bool(prop_schema.get("deprecated")),
                constraints=schema_constraints(prop_schema),
                annotation=annotation, model_annotation=struct, py_default=py_default, enum_members=members,
            ))
        return tuple(fields)


    def _inline_enum(self, schema: dict[str, Any]) -> tuple[str, ...]:
        values = schema.get("enum")
        if not isinstance(values, list):
            all_of = schema.get("allOf")
            if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], dict):
                name = self._ref_name(all_of[0].get("$ref"))
                if name and self.kinds.get(name) == "enum":
                    values = self.schemas[name].get("enum")
        if isinstance(values, list):
            return tuple(v for v in values if isinstance(v, str))
        return ()

