"""`cvat-gen diff`: what changed in the generated SDK between two schemas, at the IR level."""

from __future__ import annotations

from .ir import IR, ModelDef, Operation


def _ops(ir: IR) -> dict[str, tuple[str, Operation]]:
    return {f"{api.attr_name}.{op.method_name}": (api.class_name, op) for api in ir.apis for op in api.operations}


def _fields(model: ModelDef) -> dict[str, str]:
    return {f.py_name: f.type.annotation() + (" (required)" if f.required else "") for f in model.fields}


def diff_ir(old: IR, new: IR) -> list[str]:
    lines: list[str] = []
    old_ops, new_ops = _ops(old), _ops(new)
    for key in sorted(set(new_ops) - set(old_ops)):
        op = new_ops[key][1]
        lines.append(f"+ operation {key}  {op.http_method} {op.path}")
    for key in sorted(set(old_ops) - set(new_ops)):
        op = old_ops[key][1]
        lines.append(f"- operation {key}  {op.http_method} {op.path}")
    for key in sorted(set(old_ops) & set(new_ops)):
        a, b = old_ops[key][1], new_ops[key][1]
        changes = []
        if (a.http_method, a.path) != (b.http_method, b.path):
            changes.append(f"{a.http_method} {a.path} -> {b.http_method} {b.path}")
        pa = {p.py_name: p for p in a.params}
        pb = {p.py_name: p for p in b.params}
        changes += [f"+param {n}" for n in sorted(set(pb) - set(pa))]
        changes += [f"-param {n}" for n in sorted(set(pa) - set(pb))]
        for n in sorted(set(pa) & set(pb)):
            if pa[n].type.annotation() != pb[n].type.annotation() or pa[n].required != pb[n].required:
                changes.append(f"~param {n}: {pa[n].type.annotation()} -> {pb[n].type.annotation()}")
        ra = a.response_type.annotation() if a.response_type else "None"
        rb = b.response_type.annotation() if b.response_type else "None"
        if ra != rb:
            changes.append(f"returns {ra} -> {rb}")
        if a.deprecated != b.deprecated:
            changes.append("now deprecated" if b.deprecated else "no longer deprecated")
        if changes:
            lines.append(f"~ operation {key}: " + "; ".join(changes))
    old_models = {m.name: m for m in old.models}
    new_models = {m.name: m for m in new.models}
    for name in sorted(set(new_models) - set(old_models)):
        lines.append(f"+ model {name}")
    for name in sorted(set(old_models) - set(new_models)):
        lines.append(f"- model {name}")
    for name in sorted(set(old_models) & set(new_models)):
        fa, fb = _fields(old_models[name]), _fields(new_models[name])
        changes = [f"+{n}: {fb[n]}" for n in sorted(set(fb) - set(fa))]
        changes += [f"-{n}" for n in sorted(set(fa) - set(fb))]
        changes += [f"~{n}: {fa[n]} -> {fb[n]}" for n in sorted(set(fa) & set(fb)) if fa[n] != fb[n]]
        if changes:
            lines.append(f"~ model {name}: " + ", ".join(changes))
    old_enums = {e.name: {m.value for m in e.members} for e in old.enums}
    new_enums = {e.name: {m.value for m in e.members} for e in new.enums}
    for name in sorted(set(new_enums) - set(old_enums)):
        lines.append(f"+ enum {name}")
    for name in sorted(set(old_enums) - set(new_enums)):
        lines.append(f"- enum {name}")
    for name in sorted(set(old_enums) & set(new_enums)):
        added, removed = new_enums[name] - old_enums[name], old_enums[name] - new_enums[name]
        if added or removed:
            lines.append(f"~ enum {name}: " + ", ".join([f"+{v!r}" for v in sorted(added)] + [f"-{v!r}" for v in sorted(removed)]))
    return lines
