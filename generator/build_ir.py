"""Stage 4: turn a validated, patched schema into the IR.

All naming and typing decisions are made here, the same way for every plugin:
- a property that is a `$ref` to a component enum becomes an enum class; an inline enum, or
  an `allOf` wrapper around an enum, stays a validated `str` (field by field, as cvat-sdk);
- an `allOf` wrapper around an object component becomes a composed model named
  `<Owner><Property>`, reused for every identical inline schema that follows, in document
  order (cvat-sdk's names, e.g. `JobReadTargetStorage` for `TaskRead.target_storage`);
- an operation's method name is its operationId without the `<tag>_` prefix; required
  parameters are positional in schema order, then the required body.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from .errors import BuildError, DiagnosticSink, json_pointer
from .ir import (
    IR, Api, EnumDef, EnumMember, Field, ModelDef, Operation, Parameter, RequestBody, Response,
    SecurityScheme, TypeRef, paginated_item,
)
from .naming import (
    RESERVED_ATTRIBUTE_NAMES, RESERVED_PARAMETER_NAMES, class_name, clean_text, enum_member_name,
    identifier, pascal_case, snake_case, unique,
)
from .validate import resolve_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SCHEMA_PREFIX = "#/components/schemas/"
MAX_TYPE_DEPTH = 64
# what msgspec refuses in a renamed field's JSON name
_UNENCODABLE_NAME = re.compile(r'[\\"\x00-\x1f]')
_SURROGATE = re.compile("[\ud800-\udfff]")
CONTROL_KWARGS = frozenset(
    {"_parse_response", "_check_status", "_validate_inputs", "_validate_outputs", "_request_timeout",
     "_content_type", "_spec_property_naming", "_host_index", "_request_auths", "_async_call",
     "_retries"}
)


def parameter_name(wire_name: str) -> str:
    """cvat-sdk's parameter names: snake case, and a keyword gets a leading underscore
    (`from` -> `_from`), which can't clash with the call options (they are all known)."""
    import keyword

    base = snake_case(wire_name)
    if base and (keyword.iskeyword(base) or keyword.issoftkeyword(base)) and f"_{base}" not in CONTROL_KWARGS:
        return f"_{base}"
    return identifier(wire_name, "param", RESERVED_PARAMETER_NAMES | CONTROL_KWARGS)


_FORM_MEDIA_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


def is_json_media(content_type: str) -> bool:
    base = content_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json") or base == "*/*"


class IRBuilder:
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
        self.kinds: dict[str, str] = {}  # component -> enum | model | alias | inline
        self.inline_by_key: dict[str, str] = {}
        self.allof_stack: list[str] = []
        self.union_refs: dict[str, TypeRef] = {}  # union component -> its TypeRef
        self.union_stack: list[str] = []

    # ------------------------------------------------------------------ components
    def classify(self) -> None:
        for name, schema in self.schemas.items():
            pointer = json_pointer("components", "schemas", name)
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

    @staticmethod
    def _is_string_enum(schema: dict[str, Any]) -> bool:
        values = schema.get("enum")
        return isinstance(values, list) and all(isinstance(v, str) or v is None for v in values) and "properties" not in schema

    def _ref_name(self, ref: Any) -> str | None:
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            name = ref[len(SCHEMA_PREFIX):].replace("~1", "/").replace("~0", "~")
            return name if name in self.schemas else None
        return None

    def _is_nullable_enum_union(self, schema: dict[str, Any]) -> bool:
        variants = schema.get("oneOf") or schema.get("anyOf")
        if not isinstance(variants, list) or not variants or "properties" in schema:
            return False
        names = [self._ref_name(v.get("$ref")) if isinstance(v, dict) else None for v in variants]
        if None in names:
            return False
        real = [n for n in names if not self._is_null_enum(self.schemas[n])]  # type: ignore[index]
        return len(real) == 1 and self._is_string_enum(self.schemas[real[0]]) and len(real) < len(names)

    @staticmethod
    def _is_null_enum(schema: Any) -> bool:
        return isinstance(schema, dict) and schema.get("enum") == [None]

    @staticmethod
    def _is_union(schema: dict[str, Any]) -> bool:
        """oneOf/anyOf that is not an object of its own (no properties, no allOf): a class
        that stands for one of its members (cvat-sdk's composed class of that name)."""
        variants = schema.get("oneOf") or schema.get("anyOf")
        return isinstance(variants, list) and bool(variants) and "properties" not in schema and "allOf" not in schema

    def _is_null_schema(self, schema: Any) -> bool:
        """A member that only admits null: NullEnum, `enum: [null]`, `type: "null"`."""
        if not isinstance(schema, dict):
            return False
        name = self._ref_name(schema.get("$ref"))
        target = self.schemas[name] if name is not None else schema
        return self._is_null_enum(target) or (isinstance(target, dict) and target.get("type") == "null")

    def build_components(self) -> None:
        for name, schema in self.schemas.items():
            kind = self.kinds.get(name)
            pointer = json_pointer("components", "schemas", name)
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
        members: list[EnumMember] = []
        taken: set[str] = set()
        seen_values: set[str] = set()
        for value in schema.get("enum") or []:
            if value is None or value in seen_values:
                continue
            seen_values.add(value)
            members.append(EnumMember(unique(enum_member_name(value), taken), value))
        return EnumDef(cls, pointer, clean_text(schema.get("description")), tuple(members))

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
                part_pointer = json_pointer("components", "schemas", name)
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
            props.append((str(prop_name), prop_schema, f"{pointer}/properties/{json_pointer(str(prop_name))[1:]}"))
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
                self.sink.warning(f"{pointer}/discriminator/mapping/{json_pointer(str(value))[1:]}",
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
            ref = self._union_of(key, schema[key], schema, json_pointer("components", "schemas", name), cls, "", cls, depth)
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
            fields.append(Field(
                py_name=py_name, json_name=prop_name, type=type_ref, required=prop_name in required,
                read_only=bool(prop_schema.get("readOnly")), write_only=bool(prop_schema.get("writeOnly")),
                description=clean_text(prop_schema.get("description")),
                default=prop_schema.get("default"), has_default="default" in prop_schema,
                enum_values=enum_values, deprecated=bool(prop_schema.get("deprecated")),
                constraints=schema_constraints(prop_schema),
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

    # ------------------------------------------------------------------ types
    def type_of(self, schema: Any, pointer: str, owner: str = "", prop: str = "", depth: int = 0) -> TypeRef:
        if depth > MAX_TYPE_DEPTH:
            self.sink.error(pointer, f"schema nested more than {MAX_TYPE_DEPTH} levels deep")
            return TypeRef("any")
        if not isinstance(schema, dict):
            return TypeRef("any")
        nullable = bool(schema.get("nullable"))
        ref = schema.get("$ref")
        if ref is not None:
            name = self._ref_name(ref)
            if name is None:
                self.sink.error(pointer, f"unsupported reference {ref!r}")
                return TypeRef("any")
            return self._component_type(name, nullable, pointer, depth)
        for key in ("allOf", "oneOf", "anyOf"):
            variants = schema.get(key)
            if isinstance(variants, list) and variants:
                return self._composed_type(key, variants, schema, pointer, owner, prop, nullable, depth)
        if isinstance(schema.get("enum"), list):
            values = schema["enum"]
            if None in values:
                nullable = True
            if all(isinstance(v, str) or v is None for v in values):
                return TypeRef("str", nullable=nullable)
        kind = schema.get("type")
        fmt = schema.get("format")
        if kind == "string":
            mapped = {"date-time": "datetime", "date": "date", "binary": "binary"}.get(fmt or "", "str")
            return TypeRef(mapped, nullable=nullable)  # type: ignore[arg-type]
        if kind == "integer":
            return TypeRef("int", nullable=nullable)
        if kind == "number":
            return TypeRef("float", nullable=nullable)
        if kind == "boolean":
            return TypeRef("bool", nullable=nullable)
        if kind == "array":
            item = self.type_of(schema.get("items"), f"{pointer}/items", owner, prop, depth + 1)
            return TypeRef("list", item=item, nullable=nullable)
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            if isinstance(schema.get("properties"), dict) and schema["properties"] and owner:
                return TypeRef("model", name=self._inline_model(schema, pointer, owner, prop), nullable=nullable)
            extra = schema.get("additionalProperties")
            value = (self.type_of(extra, f"{pointer}/additionalProperties", owner, prop, depth + 1)
                     if isinstance(extra, dict) and extra else TypeRef("any"))
            return TypeRef("dict", item=value, nullable=nullable)
        return TypeRef("any", nullable=nullable)

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
        inner = self.type_of(self.schemas[name], json_pointer("components", "schemas", name), depth=depth + 1)
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
                        self.class_names[target], json_pointer("components", "schemas", target), self.schemas[target]).fields,
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

    # ------------------------------------------------------------------ operations
    def operations(self) -> list[tuple[str, Operation, str]]:
        paths = self.doc.get("paths") or {}
        seen_ids: dict[str, str] = {}
        result: list[tuple[str, Operation, str]] = []
        for path, item in paths.items():
            item_pointer = json_pointer("paths", path)
            if not isinstance(item, dict):
                self.sink.error(item_pointer, "a path item must be an object")
                continue
            shared = item.get("parameters") or []
            for method in HTTP_METHODS:
                op = item.get(method)
                if op is None:
                    continue
                pointer = f"{item_pointer}/{method}"
                if not isinstance(op, dict):
                    self.sink.error(pointer, "an operation must be an object")
                    continue
                op_id = op.get("operationId")
                if not isinstance(op_id, str) or not op_id.strip():
                    op_id = identifier(f"{method}_{path}", "operation")
                if op_id in seen_ids:
                    self.sink.error(f"{pointer}/operationId",
                                    f"duplicate operationId {op_id!r} (also at {seen_ids[op_id]})")
                    continue
                seen_ids[op_id] = pointer
                tags = op.get("tags") or ["default"]
                tag = str(tags[0]) if isinstance(tags, list) and tags else "default"
                result.append((tag, self._operation(op_id, tag, method, str(path), op, shared, pointer), pointer))
        return result

    def _operation(self, op_id: str, tag: str, method: str, path: str, op: dict[str, Any],
                   shared: list[Any], pointer: str) -> Operation:
        tag_prefix = (snake_case(tag) or "default") + "_"
        snake_id = identifier(op_id, "operation")
        base = snake_id[len(tag_prefix):] if snake_id.startswith(tag_prefix) and len(snake_id) > len(tag_prefix) else snake_id
        method_name = identifier(base, "operation", RESERVED_PARAMETER_NAMES | {"api_client"})
        params = self._parameters(op, shared, pointer)
        declared = {p.wire_name for p in params if p.location == "path"}
        for variable in re.findall(r"\{([^{}]*)\}", path):
            if variable not in declared:
                self.sink.error(pointer, f"the path variable {{{variable}}} has no 'in: path' parameter")
        taken = {p.py_name for p in params}
        form = self._form_parameters(op.get("requestBody"), f"{pointer}/requestBody", taken)
        body = None
        if form is None:
            body = self._body(op.get("requestBody"), f"{pointer}/requestBody", taken)
        else:
            params.extend(form[0])
        responses, response_type, kind, content_type = self._responses(op.get("responses") or {}, f"{pointer}/responses")
        accept = self._accept(responses)
        security = op.get("security", self.doc.get("security") or [])
        auth: list[str] = []
        for requirement in security if isinstance(security, list) else []:
            if isinstance(requirement, dict):
                for scheme in requirement:
                    if str(scheme) not in auth:
                        auth.append(str(scheme))
        return Operation(
            operation_id=op_id, method_name=method_name, http_method=method.upper(), path=path, pointer=pointer,
            summary=clean_text(op.get("summary"), 500), description=clean_text(op.get("description")),
            params=tuple(params), body=body, response_type=response_type, response_kind=kind,  # type: ignore[arg-type]
            response_content_type=content_type, accept=accept, responses=tuple(responses),
            auth=tuple(sorted(auth)), deprecated=bool(op.get("deprecated")),
            form_content_types=form[1] if form else (),
        )

    def _deref(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 32:
            try:
                node = resolve_pointer(self.doc, node["$ref"])
            except (KeyError, TypeError):
                return None
            seen += 1
        return node

    def _parameters(self, op: dict[str, Any], shared: list[Any], pointer: str) -> list[Parameter]:
        merged: dict[tuple[str, str], tuple[Any, str]] = {}
        for source, items in (("shared", shared), ("own", op.get("parameters") or [])):
            for index, raw in enumerate(items if isinstance(items, list) else []):
                param = self._deref(raw)
                where = f"{pointer}/parameters/{index}"
                if not isinstance(param, dict) or "name" not in param or "in" not in param:
                    self.sink.error(where, "a parameter needs 'name' and 'in'")
                    continue
                merged[(str(param["name"]), str(param["in"]))] = (param, where)
        result: list[Parameter] = []
        taken: set[str] = set()
        for (name, location), (param, where) in merged.items():
            if location not in ("path", "query", "header", "cookie"):
                self.sink.error(f"{where}/in", f"unsupported parameter location {location!r}")
                continue
            schema = param.get("schema") or {}
            type_ref = self.type_of(schema, f"{where}/schema")
            style = param.get("style")
            explode = param.get("explode", style in (None, "form"))
            result.append(Parameter(
                py_name=unique(parameter_name(name), taken),
                wire_name=name, location=location, type=type_ref,  # type: ignore[arg-type]
                required=bool(param.get("required")) or location == "path",
                description=clean_text(param.get("description")), deprecated=bool(param.get("deprecated")),
                explode=bool(explode), enum_values=self._inline_enum(schema) if isinstance(schema, dict) else (),
                default=schema.get("default") if isinstance(schema, dict) else None,
                has_default=isinstance(schema, dict) and "default" in schema,
                constraints=schema_constraints(schema),
            ))
        return result

    def _form_parameters(self, raw: Any, pointer: str,
                         taken: set[str]) -> tuple[list[Parameter], tuple[str, ...]] | None:
        """A body whose only media types are form types (multipart/form-data,
        x-www-form-urlencoded) and whose schema is an object becomes one "form" parameter per
        writable property, as openapi-generator makes them: cvat-sdk has
        `assets_api.create(guide_id, file)`, not `create(asset_write_request)`. Required
        properties are positional, in the schema's order, after the other parameters.
        Returns None for every other body (it stays one `body` parameter)."""
        body = self._deref(raw)
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, dict) or not content:
            return None
        types = tuple(str(ct) for ct in content)
        if not all(ct.split(";")[0].strip().lower() in _FORM_MEDIA_TYPES for ct in types):
            return None
        media = content[types[0]]
        schema = self._deref(media.get("schema")) if isinstance(media, dict) else None
        if not isinstance(schema, dict) or schema.get("type", "object") != "object" or \
                any(k in schema for k in ("oneOf", "anyOf", "additionalProperties")):
            return None
        ref_name = self._ref_name((media.get("schema") or {}).get("$ref"))
        owner = self.class_names.get(ref_name, "Body") if ref_name else "Body"
        where = f"{pointer}/content/{json_pointer(types[0])[1:]}/schema"
        props, required, _ = self._collect_properties(schema, where)
        params: list[Parameter] = []
        for name, prop, prop_pointer in props:
            prop = self._deref(prop)
            if not isinstance(prop, dict) or prop.get("readOnly"):
                continue
            params.append(Parameter(
                py_name=unique(parameter_name(str(name)), taken), wire_name=str(name), location="form",
                type=self.type_of(prop, prop_pointer, owner, str(name)), required=name in required,
                description=clean_text(prop.get("description")), deprecated=bool(prop.get("deprecated")),
                enum_values=self._inline_enum(prop),
            ))
        return params, types

    def _body(self, raw: Any, pointer: str, taken: set[str]) -> RequestBody | None:
        body = self._deref(raw)
        if body is None:
            return None
        if not isinstance(body, dict):
            self.sink.error(pointer, "requestBody must be an object")
            return None
        content = body.get("content") or {}
        if not isinstance(content, dict) or not content:
            return None
        content_types = tuple(str(ct) for ct in content)
        preferred = next((ct for ct in content_types if is_json_media(ct)), content_types[0])
        media = content.get(preferred) or {}
        schema = media.get("schema") if isinstance(media, dict) else None
        schema = schema if isinstance(schema, dict) else {}
        ref_name = self._ref_name(schema.get("$ref"))
        if ref_name and ref_name in self.class_names:
            py_name = identifier(self.class_names[ref_name], "body", RESERVED_PARAMETER_NAMES | CONTROL_KWARGS)
        elif schema.get("type") == "array" and isinstance(schema.get("items"), dict) and \
                self._ref_name(schema["items"].get("$ref")) in self.class_names:
            py_name = identifier(self.class_names[self._ref_name(schema["items"]["$ref"]) or ""], "body",
                                 RESERVED_PARAMETER_NAMES | CONTROL_KWARGS)
        else:
            py_name = "body"
        type_ref = self.type_of(schema, f"{pointer}/content/{json_pointer(preferred)[1:]}/schema", "Body", "request")
        return RequestBody(py_name=unique(py_name, taken), type=type_ref, content_types=content_types,
                           required=bool(body.get("required")), description=clean_text(body.get("description")))

    @staticmethod
    def _accept(responses: list[Response]) -> tuple[str, ...]:
        """The Accept header. JSON only, when every successful body is JSON (the schema
        endpoint also offers YAML, which we would not decode). When a body is a file, every
        declared type and `*/*`: content negotiation must not answer 406 because a file's
        real type (a guessed image type, say) was not listed."""
        success = [r for r in responses if r.status.startswith("2") and r.kind != "none"]
        if success and all(r.kind == "json" for r in success):
            return tuple(sorted({r.content_type for r in success}))
        types = {ct for r in success for ct in r.content_types}
        return tuple(sorted(types | {"*/*"})) if types else ()

    def _responses(self, responses: Any, pointer: str) -> tuple[list[Response], TypeRef | None, str, str]:
        result: list[Response] = []
        chosen: tuple[TypeRef | None, str, str] | None = None
        if not isinstance(responses, dict):
            self.sink.error(pointer, "responses must be an object")
            return result, None, "none", ""
        for status in sorted(responses, key=str):
            response = self._deref(responses[status])
            if not isinstance(response, dict):
                continue
            content = response.get("content") or {}
            # several media types (the schema endpoint: YAML and JSON): JSON is what we decode
            media_types = [str(ct) for ct in content] if isinstance(content, dict) else []
            content_type = next((ct for ct in media_types if is_json_media(ct) and ct != "*/*"),
                                media_types[0] if media_types else "")
            type_ref: TypeRef | None = None
            kind = "none"
            if content_type:
                media = content.get(content_type) or {}
                schema = media.get("schema") if isinstance(media, dict) else None
                is_binary = isinstance(schema, dict) and schema.get("format") == "binary"
                if is_json_media(content_type) and not is_binary:
                    kind = "json"
                    type_ref = self.type_of(schema or {}, f"{pointer}/{status}/content", "Response", str(status))
                elif content_type.startswith("text/") and not is_binary:
                    kind, type_ref = "text", TypeRef("str")
                else:
                    kind, type_ref = "binary", TypeRef("binary")
            result.append(Response(str(status), clean_text(response.get("description"), 500), content_type, type_ref,
                                   kind, tuple(media_types)))  # type: ignore[arg-type]
            if str(status).startswith("2") and (chosen is None or (chosen[1] == "none" and kind != "none")):
                chosen = (type_ref, kind, content_type)
        if chosen is None:
            return result, None, "none", ""
        return result, chosen[0], chosen[1], chosen[2]

    # ------------------------------------------------------------------ assembly
    def security(self) -> tuple[SecurityScheme, ...]:
        schemes = ((self.doc.get("components") or {}).get("securitySchemes") or {})
        result: list[SecurityScheme] = []
        for name, scheme in schemes.items() if isinstance(schemes, dict) else []:
            if not isinstance(scheme, dict):
                continue
            if scheme.get("type") == "http":
                result.append(SecurityScheme(str(name), str(scheme.get("scheme", "basic")).lower()))
            elif scheme.get("type") == "apiKey":
                result.append(SecurityScheme(str(name), "api_key", str(scheme.get("in", "header")),
                                             str(scheme.get("name", "")), str(scheme.get("x-token-prefix", ""))))
        return tuple(result)

    def check_encodable(self) -> None:
        """JSON can carry lone surrogates (\\udcff) that no UTF-8 file can hold; without this
        check the build would end in a UnicodeEncodeError while writing."""
        stack: list[tuple[tuple[str, ...], Any]] = [((), self.doc)]
        while stack:
            where, node = stack.pop()
            if isinstance(node, dict):
                items = [(str(k), v) for k, v in node.items()]
            elif isinstance(node, list):
                items = [(str(i), v) for i, v in enumerate(node)]
            else:
                items = [("", node)] if isinstance(node, str) else []
            for key, value in items:
                texts = (key, value) if isinstance(value, str) else (key,)
                if any(_SURROGATE.search(t) for t in texts):
                    pointer = json_pointer(*where, key) if key else json_pointer(*where)
                    self.sink.error(pointer.encode("utf-8", "backslashreplace").decode("utf-8"),
                                    "text contains a lone surrogate (an invalid \\uXXXX escape); it can't be written as UTF-8")
                elif isinstance(value, (dict, list)) and len(where) < 256:
                    stack.append(((*where, key), value))

    def build(self) -> IR:
        self.check_encodable()
        self.sink.raise_if_errors()
        self.classify()
        self.build_components()
        ops = self.operations()
        self.sink.raise_if_errors()
        by_tag: dict[str, list[Operation]] = {}
        for tag, op, _ in ops:
            by_tag.setdefault(tag, []).append(op)
        apis: list[Api] = []
        taken_classes: set[str] = set()
        taken_attrs: set[str] = set()
        tag_descriptions = {str(t.get("name")): clean_text(t.get("description"))
                            for t in self.doc.get("tags") or [] if isinstance(t, dict)}
        for tag in sorted(by_tag):
            cls = unique(class_name(pascal_case(tag) or "Default", "Tag") + "Api", taken_classes)
            attr = unique(identifier((snake_case(tag) or "default") + "_api", "default"), taken_attrs)
            methods: set[str] = set()
            operations = []
            for op in sorted(by_tag[tag], key=lambda o: o.method_name):
                name = op.method_name
                if name in methods:
                    self.sink.warning(op.pointer, f"method name {name!r} is taken in {cls}; renamed")
                    name = unique(name, methods)
                    op = dataclasses.replace(op, method_name=name)
                methods.add(name)
                item = paginated_item(op, self.models)
                if item is not None:
                    op = dataclasses.replace(op, page_item=item)
                operations.append(op)
            apis.append(Api(tag=tag, class_name=cls, attr_name=attr, module_name=attr,
                            description=tag_descriptions.get(tag, ""), operations=tuple(operations)))
        info = self.doc.get("info") or {}
        servers = tuple(str(s.get("url")) for s in self.doc.get("servers") or [] if isinstance(s, dict) and s.get("url"))
        models = sorted(self.models.values(), key=lambda m: m.name)
        enums = sorted(self.enums.values(), key=lambda e: e.name)
        return IR(title=clean_text(info.get("title"), 200), version=clean_text(info.get("version"), 100),
                  description=clean_text(info.get("description")), schema_hash=self.schema_hash,
                  package=self.package, apis=tuple(apis), models=tuple(models), enums=tuple(enums),
                  security=self.security(), servers=servers)


_LENGTHS = ("minLength", "maxLength", "minItems", "maxItems")
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def schema_constraints(schema: Any, depth: int = 0) -> tuple[tuple[str, Any], ...]:
    """The validation keywords of a property or parameter schema, normalized: lengths are
    non-negative ints, bounds numbers (OpenAPI 3.0's boolean `exclusiveMinimum: true` becomes
    `exclusiveMinimum: <minimum>`), `pattern` only if Python's `re` compiles it, `items`
    the constraints of an array's items. Anything malformed is left out: the checks are a
    client-side convenience, the server stays the judge."""
    import re

    if not isinstance(schema, dict) or depth > 4:
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


def build_ir(document: dict[str, Any], schema_hash: str, package: str) -> tuple[IR, DiagnosticSink]:
    builder = IRBuilder(document, schema_hash, package)
    try:
        ir = builder.build()
    except RecursionError:
        raise BuildError(builder.sink.errors or []) from None
    return ir, builder.sink
