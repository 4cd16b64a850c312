"""Level (b): the Python surface of the generated SDK, compared on the two IRs.

What a user's code touches: Api classes and their methods, positional order and keyword
names, return types, model classes and their fields (constructor order included), enum
members and alias names. Everything is named by its Python symbol.
"""

from __future__ import annotations

from ..ir import IR, EnumDef, ModelDef, Operation, TypeRef
from .api import find_replacement
from .model import Collector, Finding


def _annotation(type_ref: TypeRef | None) -> str:
    return type_ref.annotation() if type_ref is not None else "None"


def _params(op: Operation) -> dict[str, tuple[str, str, bool, str, bool]]:
    """py name -> (wire name, annotation, required, location, deprecated); the body is one of them."""
    found: dict[str, tuple[str, str, bool, str, bool]] = {
        p.py_name: (p.wire_name, p.type.annotation(), p.required, str(p.location), p.deprecated) for p in op.params}
    if op.body is not None:
        found[op.body.py_name] = (f"<body {op.body.py_name}>", op.body.type.annotation(), op.body.required, "body", False)
    return found


class SdkComparer:
    def __init__(self, old: IR, new: IR) -> None:
        self.old, self.new = old, new
        self.out = Collector()

    def run(self) -> list[Finding]:
        self._apis()
        self._classes()
        self.out.operation = ""
        return self.out.findings()

    def _add(self, rule_id: str, message: str, symbol: str, pointer: str = "", operation: str = "") -> None:
        self.out.operation = operation
        self.out.add(rule_id, message, pointer, symbol)

    # ------------------------------------------------------------------ apis and methods
    def _apis(self) -> None:
        old = {a.class_name: a for a in self.old.apis}
        new = {a.class_name: a for a in self.new.apis}
        for name in sorted(set(old) - set(new)):
            self._add("sdk-api-class-removed", f"{name} (ApiClient.{old[name].attr_name}) removed", name)
        for name in sorted(set(new) - set(old)):
            self._add("sdk-api-class-added", f"new class {name} (ApiClient.{new[name].attr_name})", name)
        # methods of a removed (added) class are covered by the class finding, unless they moved
        old_methods = {(a.class_name, op.method_name): op for a in self.old.apis for op in a.operations}
        new_methods = {(a.class_name, op.method_name): op for a in self.new.apis for op in a.operations}
        removed = {k: v for k, v in old_methods.items() if k not in new_methods}
        added = {k: v for k, v in new_methods.items() if k not in old_methods}
        by_op_id = {op.operation_id: k for k, op in added.items()}
        by_route = {(op.http_method, op.path): k for k, op in added.items()}
        for key in sorted(removed):
            op = removed[key]
            symbol = f"{key[0]}.{key[1]}"
            moved = by_op_id.get(op.operation_id)
            renamed = by_route.get((op.http_method, op.path))
            if moved and moved[0] != key[0]:
                added.pop(moved)
                self._add("sdk-method-moved", f"{symbol} moved to {moved[0]}.{moved[1]}", symbol, op.pointer, op.operation_id)
                self._method(op, new_methods[moved], f"{moved[0]}.{moved[1]}")
                continue
            if renamed and renamed[0] == key[0]:
                added.pop(renamed)
                self._add("sdk-method-renamed", f"{symbol} renamed to {renamed[0]}.{renamed[1]}", symbol, op.pointer,
                          op.operation_id)
                self._method(op, new_methods[renamed], f"{renamed[0]}.{renamed[1]}")
                continue
            if key[0] not in new:
                continue
            when = "after" if op.deprecated else "without"
            replacement = find_replacement(key[1], {m for c, m in added if c == key[0]}) or \
                find_replacement(key[1], {m for c, m in new_methods if c == key[0]})
            if replacement:
                added.pop((key[0], replacement), None)
                self._add(f"sdk-method-replaced-{when}-deprecation", f"{symbol} replaced by {key[0]}.{replacement}",
                          symbol, op.pointer, op.operation_id)
            elif op.deprecated:
                self._add("sdk-method-removed-after-deprecation", f"deprecated {symbol} removed", symbol, op.pointer,
                          op.operation_id)
            else:
                self._add("sdk-method-removed", f"{symbol} removed", symbol, op.pointer, op.operation_id)
        for key in sorted(added):
            op = added[key]
            if key[0] not in old:
                continue
            self._add("sdk-method-added", f"new method {key[0]}.{key[1]}{self._signature(op)}", f"{key[0]}.{key[1]}",
                      op.pointer, op.operation_id)
        for key in sorted(set(old_methods) & set(new_methods)):
            self._method(old_methods[key], new_methods[key], f"{key[0]}.{key[1]}")

    @staticmethod
    def _signature(op: Operation) -> str:
        return "(" + ", ".join(op.positional_params) + ")"

    def _method(self, a: Operation, b: Operation, symbol: str) -> None:
        op_id, ptr = b.operation_id, b.pointer
        if b.deprecated and not a.deprecated:
            extra = f"; use {b.replaced_by}() instead" if b.replaced_by else ""
            self._add("sdk-method-deprecated", f"{symbol} is deprecated{extra}", symbol, ptr, op_id)
        pa, pb = _params(a), _params(b)
        wire_b = {v[0]: k for k, v in pb.items()}
        renamed: set[str] = set()
        for name, (wire, annotation, required, location, deprecated) in pa.items():
            if name in pb:
                continue
            arg = f"{symbol}({name})"
            if wire in wire_b and wire_b[wire] not in pa:
                renamed.add(wire_b[wire])
                self._add("sdk-parameter-renamed", f"argument {name} is now {wire_b[wire]}", arg, ptr, op_id)
            elif deprecated:
                self._add("sdk-parameter-removed-after-deprecation", f"deprecated argument {name} removed", arg, ptr, op_id)
            else:
                self._add("sdk-parameter-removed", f"argument {name} removed", arg, ptr, op_id)
        for name, (wire, annotation, required, location, deprecated) in pb.items():
            arg = f"{symbol}({name})"
            if name not in pa:
                if name in renamed:
                    continue
                if required:
                    self._add("sdk-positional-parameter-added", f"new required positional argument {name}: {annotation}",
                              arg, ptr, op_id)
                else:
                    self._add("sdk-keyword-parameter-added", f"new keyword argument {name}: {annotation}", arg, ptr, op_id)
                continue
            before = pa[name]
            if before[2] != required:
                rule_id = "sdk-parameter-became-positional" if required else "sdk-parameter-became-keyword"
                self._add(rule_id, f"argument {name} became {'required and positional' if required else 'an optional keyword'}",
                          arg, ptr, op_id)
            if before[1] != annotation:
                self._add("sdk-parameter-type-changed", f"argument {name}: {before[1]} -> {annotation}", arg, ptr, op_id)
        common_a = [n for n in a.positional_params if n in b.positional_params]
        common_b = [n for n in b.positional_params if n in a.positional_params]
        if common_a != common_b:
            self._add("sdk-positional-order-changed", f"positional arguments ({', '.join(a.positional_params)}) -> "
                      f"({', '.join(b.positional_params)})", symbol, ptr, op_id)
        ra, rb = _annotation(a.response_type), _annotation(b.response_type)
        if ra != rb:
            self._add("sdk-return-type-changed", f"returns {ra} -> {rb}", symbol, ptr, op_id)

    # ------------------------------------------------------------------ models, enums, aliases
    @staticmethod
    def _kind(item: ModelDef | EnumDef) -> str:
        if isinstance(item, EnumDef):
            return "enum"
        return "alias" if item.kind == "alias" else "model"

    def _classes(self) -> None:
        old: dict[str, ModelDef | EnumDef] = {**{m.name: m for m in self.old.models}, **{e.name: e for e in self.old.enums}}
        new: dict[str, ModelDef | EnumDef] = {**{m.name: m for m in self.new.models}, **{e.name: e for e in self.new.enums}}
        added = {n: v for n, v in new.items() if n not in old}
        by_pointer = {v.pointer: n for n, v in added.items() if v.pointer.startswith("/components/")}
        for name in sorted(set(old) - set(new)):
            item = old[name]
            kind = self._kind(item)
            target = by_pointer.get(item.pointer)
            if target and self._kind(new[target]) == kind:
                added.pop(target)
                self._add("sdk-model-renamed", f"{kind} {name} is now {target}", name, item.pointer)
                self._class(item, new[target], target)
                continue
            self._add(f"sdk-{kind}-removed", f"{kind} {name} removed", name, item.pointer)
        for name in sorted(added):
            item = added[name]
            kind = self._kind(item)
            extra = f" (alias of {item.alias_of})" if isinstance(item, ModelDef) and item.alias_of else ""
            self._add(f"sdk-{kind}-added", f"new {kind} {name}{extra}", name, item.pointer)
        for name in sorted(set(old) & set(new)):
            self._class(old[name], new[name], name)

    def _class(self, a: ModelDef | EnumDef, b: ModelDef | EnumDef, name: str) -> None:
        ka, kb = self._kind(a), self._kind(b)
        if ka != kb:
            self._add("sdk-model-kind-changed", f"{name} was a {ka} and is now a {kb}", name, b.pointer)
            return
        if isinstance(a, EnumDef) and isinstance(b, EnumDef):
            self._enum(a, b, name)
        elif isinstance(a, ModelDef) and isinstance(b, ModelDef):
            if ka == "alias":
                if a.alias_of != b.alias_of:
                    self._add("sdk-alias-target-changed", f"{name}: alias of {a.alias_of} -> {b.alias_of}", name, b.pointer)
                return
            self._model(a, b, name)

    def _enum(self, a: EnumDef, b: EnumDef, name: str) -> None:
        old = {m.value: m.name for m in a.members}
        new = {m.value: m.name for m in b.members}
        for value, member in old.items():
            if value not in new:
                self._add("sdk-enum-member-removed", f"{name}.{member} ({value!r}) removed", f"{name}.{member}", b.pointer)
            elif new[value] != member:
                self._add("sdk-enum-member-renamed", f"{name}.{member} is now {name}.{new[value]} ({value!r})",
                          f"{name}.{member}", b.pointer)
        for value, member in new.items():
            if value not in old:
                self._add("sdk-enum-member-added", f"new member {name}.{member} ({value!r})", f"{name}.{member}", b.pointer)

    def _model(self, a: ModelDef, b: ModelDef, name: str) -> None:
        fa = {f.json_name: f for f in a.fields}
        fb = {f.json_name: f for f in b.fields}
        for json_name, field in fa.items():
            if json_name not in fb:
                self._add("sdk-field-removed", f"field {name}.{field.py_name} removed", f"{name}.{field.py_name}",
                          f"{a.pointer}/properties/{json_name}")
        for json_name, field in fb.items():
            symbol = f"{name}.{field.py_name}"
            where = f"{b.pointer}/properties/{json_name}"
            if json_name not in fa:
                if field.positional:
                    self._add("sdk-positional-field-added", f"{name}() takes a new required argument {field.py_name}: "
                              f"{field.type.annotation()}", symbol, where)
                else:
                    self._add("sdk-field-added", f"new field {symbol}: {field.type.annotation()}", symbol, where)
                continue
            before = fa[json_name]
            if before.py_name != field.py_name:
                self._add("sdk-field-renamed", f"{name}.{before.py_name} is now {symbol}", symbol, where)
            if before.positional != field.positional:
                rule_id = "sdk-field-became-positional" if field.positional else "sdk-field-became-keyword"
                self._add(rule_id, f"{symbol} became {'a required' if field.positional else 'an optional'} constructor argument",
                          symbol, where)
            ta, tb = before.type.annotation(), field.type.annotation()
            if ta != tb:
                if tb == f"{ta} | None":
                    self._add("sdk-field-became-nullable", f"{symbol} may now be None", symbol, where)
                else:
                    self._add("sdk-field-type-changed", f"{symbol}: {ta} -> {tb}", symbol, where)
        pos_a = [f.json_name for f in a.fields if f.positional and f.json_name in fb and fb[f.json_name].positional]
        pos_b = [f.json_name for f in b.fields if f.positional and f.json_name in fa and fa[f.json_name].positional]
        if pos_a != pos_b:
            self._add("sdk-field-order-changed", f"{name}() positional arguments reordered: "
                      f"({', '.join(fa[j].py_name for j in pos_a)}) -> ({', '.join(fb[j].py_name for j in pos_b)})", name, b.pointer)
        if a.composed_of != b.composed_of:
            self._add("sdk-model-base-changed", f"{name} composed of ({', '.join(a.composed_of)}) -> "
                      f"({', '.join(b.composed_of)})", name, b.pointer)


def compare_sdk(old: IR, new: IR) -> list[Finding]:
    return SdkComparer(old, new).run()
