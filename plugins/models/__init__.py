"""Built-in plugin: the models package (enums, I<Model> interfaces, msgspec model classes).

`models/__init__.py` is lazy: importing it costs nothing until a model is touched, and then
every class loads at once, so that msgspec can resolve the references between them.
Enums and interfaces (`_interfaces.py`) and the model classes (`_models.py`) are separate
modules of similar size, so that they format in parallel.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from cvat_gen.plugin_api import BuildContext, OutputFile
from cvat_gen.plugin_api import hookimpl
from cvat_gen.plugin_api import IR, Field, ModelDef
from cvat_gen.plugin_api import py_literal
from cvat_gen.plugin_api import layout_brackets

CVATGEN_ORDER = 40
# its files depend on the IR alone: rendered in the emit worker, beside the docs (cvat_gen.emit)
CVATGEN_EMIT_IN_WORKER = True
_LINE_LENGTH = 100  # of the generated code (black's setting in cvat_gen.format)


@dataclass(frozen=True)
class FieldView:
    name: str
    json_name: str
    interface_annotation: str
    struct_annotation: str
    default: str  # "" for required
    description: str


def _field_view(field: Field) -> FieldView:
    """The layout of one field; its annotations and default are the IR's (Field.annotation,
    Field.model_annotation, Field.py_default: a field a response may leave out admits UNSET)."""
    annotation, struct, default = field.annotation, field.model_annotation, field.py_default
    if field.py_name != field.json_name:
        name = py_literal(field.json_name)
        default = f"field(default={default}, name={name})" if default else f"field(name={name})"
    description = field.description
    if field.enum_values:
        values = ", ".join(repr(v) for v in field.enum_values[:40])
        description = f"{description}\n\nOne of: {values}." if description else f"One of: {values}."
    if field.read_only:
        description = f"{description}\n\nRead-only." if description else "Read-only."
    return FieldView(field.py_name, field.json_name, annotation, struct, default, description)


@dataclass(frozen=True)
class UnionView:
    """A oneOf/anyOf class: the union type checkers see, and the runtime class that decodes
    and builds its members (model_utils.ModelUnion)."""

    alias: str  # `User | BasicUser`
    alias_line: str  # `    Name: TypeAlias = User | BasicUser`, laid out as black does
    member_types: str  # `return (User, BasicUser)`, laid out
    mapping: str  # dict literal, "" without a discriminator


def _union_view(model: ModelDef) -> UnionView:
    assert model.union is not None
    union = dataclasses.replace(model.union, nullable=False, name=model.name)
    members = [m.struct_annotation() for m in union.members]
    alias = union.annotation() if union.members else "Any"
    returns = layout_brackets("            return (", members, ")", 12, is_tuple=True) if members else \
        "            return ()"
    line = f"    {model.name}: TypeAlias = {alias}"
    if len(line) > _LINE_LENGTH:  # black: in parentheses, then one member per line
        parts = [m.annotation() for m in union.members]
        body = f"        {alias}" if len(alias) + 8 <= _LINE_LENGTH else "        " + "\n        | ".join(parts)
        line = f"    {model.name}: TypeAlias = (\n{body}\n    )"
    mapping = layout_brackets("        _mapping = {", [f"{py_literal(k)}: {py_literal(v)}" for k, v in model.mapping],
                              "}", 8) if model.mapping else ""
    return UnionView(alias, line, returns, mapping)


def _bases(model: ModelDef) -> str:
    if model.kind == "composed" and model.base:
        return model.base
    if model.kind == "composed":
        return "ModelComposed"
    return f"Model, {model.interface}" if model.interface else "Model"


def _class_header(model: ModelDef) -> str:
    return layout_brackets(f"class {model.name}(", [*_bases(model).split(", "), "kw_only=True"], ")", 0, ":")


def _topological(models: tuple[ModelDef, ...]) -> list[ModelDef]:
    """Base classes (and a union's members) are defined before the classes that use them;
    otherwise alphabetical."""
    by_name = {m.name: m for m in models}
    done: set[str] = set()
    ordered: list[ModelDef] = []

    def visit(model: ModelDef, stack: tuple[str, ...] = ()) -> None:
        if model.name in done or model.name in stack:
            return
        # a union's alias names its member classes: they come first (mypy: used-before-def)
        members = model.union.referenced_classes() if model.kind == "union" and model.union else ()
        for dependency in (model.base, model.alias_of, *members):
            if dependency in by_name:
                visit(by_name[dependency], (*stack, model.name))
        done.add(model.name)
        ordered.append(model)

    for model in sorted(models, key=lambda m: m.name):
        visit(model)
    return ordered


@hookimpl
def cvatgen_emit_files(ir: IR, context: BuildContext) -> list[OutputFile]:
    models = _topological(ir.models)
    views = {m.name: [_field_view(f) for f in m.fields] for m in models}
    unions = {m.name: _union_view(m) for m in models if m.kind == "union"}
    positional = {m.name: tuple(f.py_name for f in m.fields if f.positional) for m in models}
    read_only = {m.name: tuple(f.py_name for f in m.fields if f.read_only) for m in models}
    allowed = {m.name: [(f.py_name, [(e.name, e.value) for e in f.enum_members]) for f in m.fields if f.enum_members]
               for m in models}
    checks = {m.name: [(f.py_name, list(f.validations.items())) for f in m.fields if f.constraints]
              for m in models}
    names = sorted({e.name for e in ir.enums} | {m.name for m in ir.models}
                   | {m.interface for m in ir.models if m.interface and m.kind not in ("alias", "union")})
    enum_names = {e.name for e in ir.enums}
    # model classes the interfaces name: imported one by one (a star import from a module
    # that imports this one leaves names undefined for type checkers)
    interface_imports = sorted({
        name for m in models if m.interface and m.kind != "alias"
        for f in m.fields for name in f.type.referenced_classes() if name not in enum_names
    })
    base = context.package_path
    return [
        OutputFile(f"{base}/models/_interfaces.py", context.render(
            "models/_interfaces.py.j2", ir=ir, enums=ir.enums, models=models, fields=views,
            interface_imports=interface_imports)),
        OutputFile(f"{base}/models/_models.py", context.render(
            "models/_models.py.j2", ir=ir, enums=ir.enums, models=models, fields=views, positional=positional, read_only=read_only,
            allowed=allowed, checks=checks, class_header=_class_header, unions=unions)),
        OutputFile(f"{base}/models/__init__.py", context.render("models/__init__.py.j2", ir=ir, names=names)),
    ]
