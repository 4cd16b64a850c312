"""Built-in plugin: the Markdown reference of the generated SDK, and a mkdocs site for it.

Output (relative to the output root)::

    mkdocs.yml                 docs_dir: docs, nav; `mkdocs build --strict` passes
    docs/index.md              what this is, how to call it
    docs/api_summary.md        every Api class and operation: HTTP method, path, link
    docs/models_summary.md     every model and enum, with a link
    docs/apis/<Class>.md       one section per operation
    docs/models/<Name>.md      one page per model and per enum

Every decision (links, signatures, examples, which models use which) is made here, in
Python, from the IR, once per build; templates only lay the text out. Schema prose reaches
the pages only through the `md` / `mdcell` filters (generator/render.py), which render it
inertly. Strings computed here that contain schema text are escaped with the same functions.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from cvat_gen.plugin_api import BuildContext, OutputFile
from cvat_gen.plugin_api import hookimpl
from cvat_gen.plugin_api import IR, Api, EnumDef, ModelDef, Operation, TypeRef
from cvat_gen.plugin_api import SecurityScheme
from cvat_gen.plugin_api import py_literal
from cvat_gen.plugin_api import markdown_cell

from . import examples

CVATGEN_ORDER = 60
LINE_LENGTH = 88

# ---------------------------------------------------------------------------------------
# pages and links


def _page_names(names: list[str]) -> dict[str, str]:
    """A file name per class name: unique even on a case-insensitive file system, and never
    one that mkdocs treats as a section index (index.md, README.md)."""
    taken: set[str] = set()
    pages: dict[str, str] = {}
    for name in names:
        stem = name
        if stem.lower() in ("index", "readme"):
            stem += "_"
        candidate, counter = stem, 2
        while candidate.lower() in taken:
            candidate = f"{stem}_{counter}"
            counter += 1
        taken.add(candidate.lower())
        pages[name] = f"{candidate}.md"
    return pages


_BACKTICK_RUN = re.compile("`+")


def code_span(text: str) -> str:
    """Any string as one inline code span (CommonMark rules: a fence longer than any run of
    backticks inside, padded when the text starts or ends with a backtick)."""
    value = " ".join(str(text).splitlines())  # \r, \u2028... end a Markdown line too
    if not value:
        return '`""`'
    longest = max(map(len, _BACKTICK_RUN.findall(value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or (value.startswith(" ") and value.endswith(" ")) else ""
    return f"{fence}{pad}{value}{pad}{fence}"


@dataclass(frozen=True)
class Use:
    """One place that refers to a class: an operation (api page + anchor) or a model."""

    link: str  # Markdown, relative to docs/models/
    role: str  # "request body", "response", "parameter `x`", "field `x`", "base", ...


@dataclass
class Links:
    """Where every page is, relative to the docs root, and how to link between them."""

    model_pages: dict[str, str]  # class name -> "models/X.md"
    api_pages: dict[str, str]  # Api class name -> "apis/X.md"
    _types: dict[tuple[TypeRef, str], str] = field(default_factory=dict)

    def cls(self, name: str, prefix: str) -> str:
        page = self.model_pages.get(name)
        return f"[`{name}`]({prefix}{page})" if page else f"`{name}`"

    def type(self, ref: TypeRef | None, prefix: str, optional_none: bool = True) -> str:
        """A type annotation as Markdown: code spans, with each model or enum linked."""
        if ref is None:
            return "`None`"
        key = (ref, prefix if optional_none else prefix + "\0")
        cached = self._types.get(key)
        if cached is None:
            parts: list[tuple[bool, str]] = []  # (is_link, text)
            self._type_parts(ref, optional_none, parts)
            merged: list[str] = []
            text = ""
            for is_link, value in parts:
                if is_link:
                    if text:
                        merged.append(f"`{text}`")
                        text = ""
                    merged.append(self.cls(value, prefix))
                else:
                    text += value
            if text:
                merged.append(f"`{text}`")
            cached = self._types[key] = "".join(merged)
        return cached

    def _type_parts(self, ref: TypeRef, optional_none: bool, out: list[tuple[bool, str]]) -> None:
        if ref.kind in ("model", "enum") or (ref.kind == "union" and ref.name):
            out.append((True, ref.name))  # a named union links to its page, which lists the members
        elif ref.kind == "union":
            for index, member in enumerate(ref.members):
                if index:
                    out.append((False, " | "))
                self._type_parts(member, True, out)
        elif ref.kind in ("list", "dict") and ref.item is not None:
            out.append((False, "list[" if ref.kind == "list" else "dict[str, "))
            self._type_parts(ref.item, True, out)
            out.append((False, "]"))
        else:
            out.append((False, ref.annotation(optional_none=False)))
        if ref.nullable and optional_none and ref.kind != "any":
            out.append((False, " | None"))


# ---------------------------------------------------------------------------------------
# views: what the templates lay out


@dataclass(frozen=True)
class ParamRow:
    name: str  # Markdown
    type: str  # Markdown
    location: str
    required: bool
    description: str  # raw schema text: the template escapes it
    notes: str  # Markdown computed here (wire name, enum values, default, deprecation)


@dataclass(frozen=True)
class OperationView:
    op: Operation
    anchor: str
    path: str  # Markdown code span
    call: str  # the call as users write it, a Python code block body
    example: str  # a runnable example, a Python code block body
    params: list[ParamRow]
    body_type: str  # Markdown, "" for none
    body_content_types: str  # Markdown
    returns: str  # Markdown
    response_rows: list[tuple[str, str, str, str]]  # status, content type (md), type (md), description (raw)
    error_rows: list[tuple[str, str, str]]  # status, exception (md), description (raw)
    deprecation: str  # Markdown, "" when not deprecated (message escaped here)
    versions: str  # Markdown links to every version, "" when one
    auth: str  # Markdown


@dataclass(frozen=True)
class ApiView:
    api: Api
    page: str  # relative to docs/
    operations: list[OperationView]


@dataclass(frozen=True)
class FieldRow:
    name: str  # Markdown
    type: str
    required: bool
    nullable: bool
    flags: str  # read-only, write-only, deprecated
    description: str  # raw
    notes: str  # Markdown: enum values, default


@dataclass(frozen=True)
class ModelView:
    model: ModelDef
    page: str
    kind_note: str  # Markdown
    fields: list[FieldRow]
    interface_code: str  # Python code block body, "" for none
    uses: list[str]  # Markdown links
    used_by_models: list[str]
    used_by_operations: list[str]


@dataclass(frozen=True)
class EnumView:
    enum: EnumDef
    page: str
    members: list[tuple[str, str]]  # (member name, value as code span)
    used_by_models: list[str]
    used_by_operations: list[str]


def heading_anchor(heading: str) -> str:
    """The anchor GitHub and Python-Markdown's toc both give a heading made of an identifier:
    lower case, nothing else changed. Pages use plain `## method_name` headings, so links work
    on GitHub as well as in the mkdocs site (an explicit `{#id}` shows literally on GitHub)."""
    return heading.lower()


_EXAMPLE_DEPTH = 6  # nested models shown in an example; deeper required ones become {} (or None)
_EXAMPLE_MODELS = 60  # models built in one example at most: a hostile schema can't blow it up


def _example_value(ref: TypeRef, ir_models: dict[str, ModelDef], enums: dict[str, EnumDef], depth: int = 0, *,
                   name: str = "", constraints: tuple[tuple[str, Any], ...] = (), enum_values: tuple[str, ...] = (),
                   seen: frozenset[str] = frozenset(), budget: list[int] | None = None) -> str:
    """A Python expression of the right type that a server following the schema accepts:
    enum values, bounds, lengths and patterns are honoured (plugins/docs/examples.py), the
    required writable fields of nested models filled in, read-only ones left out. `name`
    (the JSON name) stands in for the string `format` the IR doesn't keep."""
    rules = dict(constraints)
    budget = [_EXAMPLE_MODELS] if budget is None else budget
    if enum_values:
        return py_literal(enum_values[0])
    if ref.kind == "model":
        model = ir_models.get(ref.name)
        if model is None:
            return "{}"
        if model.name in seen or depth >= _EXAMPLE_DEPTH or budget[0] <= 0:  # a cycle: only None ends it
            return "None" if ref.nullable else "{}"
        budget[0] -= 1
        inner = seen | {model.name}
        if model.kind == "alias" and model.alias_of:
            return _example_value(TypeRef("enum", model.alias_of), ir_models, enums, depth, seen=inner, budget=budget)
        if model.kind == "union" and model.union is not None and model.union.members:
            return _example_value(model.union.members[0], ir_models, enums, depth, name=name, seen=inner, budget=budget)
        args = []
        for f in model.fields:
            if f.positional:  # required and writable
                value = _example_value(f.type, ir_models, enums, depth + 1, name=f.json_name, constraints=f.constraints,
                                       enum_values=f.enum_values, seen=inner, budget=budget)
                args.append(f"{f.py_name}={value}")
        return f"models.{model.name}({', '.join(args)})"
    if ref.kind == "enum":
        enum = enums.get(ref.name)
        return py_literal(enum.members[0].value) if enum and enum.members else '""'
    if ref.kind == "union" and ref.members:
        return _example_value(ref.members[0], ir_models, enums, depth, name=name, constraints=constraints, seen=seen,
                              budget=budget)
    if ref.kind == "list":
        count = examples.items_count(rules)
        if not count or ref.item is None:
            return "[]"
        item = _example_value(ref.item, ir_models, enums, depth + 1, name=name, constraints=rules.get("items", ()),
                              seen=seen, budget=budget)
        return "[" + ", ".join([item] * count) + "]"
    if ref.kind == "dict":
        return "{}"
    if ref.kind == "str":
        return examples.string_example(name, rules)
    if ref.kind in ("int", "float"):
        return examples.number_example(ref.kind, rules)
    return {"bool": "True", "date": '"2024-01-01"', "datetime": '"2024-01-01T00:00:00Z"',
            "binary": 'open("file.bin", "rb")'}.get(ref.kind, "None")


def _example_configuration(op: Operation, security: dict[str, SecurityScheme]) -> list[str]:
    """The arguments of the example's `Configuration(...)`: user name and password, unless
    the operation accepts no basic auth but a token (`access_token`) or an API key (`api_key`)."""
    kinds = [(name, security[name].kind) for name in op.auth if name in security]
    host = 'host="http://localhost:8080"'
    if not kinds or any(kind == "basic" for _, kind in kinds):
        return [host, 'username="user"', 'password="password"']
    for name, kind in kinds:
        if kind == "bearer":
            return [host, 'access_token="token"']
    return [host, f"api_key={{{py_literal(kinds[0][0])}: \"key\"}}"]


def _carries_files(ref: TypeRef, ir_models: dict[str, ModelDef], seen: frozenset[str] = frozenset()) -> bool:
    """Does a value of this type hold file objects (directly, in a list, or in a field)?"""
    if ref.kind == "binary":
        return True
    if ref.item is not None:
        return _carries_files(ref.item, ir_models, seen)
    model = ir_models.get(ref.name) if ref.kind == "model" else None
    if model is None or model.name in seen:
        return False
    return any(_carries_files(f.type, ir_models, seen | {model.name}) for f in model.fields)


def _example_content_type(content_types: tuple[str, ...], ref: TypeRef, ir_models: dict[str, ModelDef]) -> str:
    """The `_content_type` an example must pass: multipart when the example sends files (JSON
    can't carry them), the only declared type when JSON isn't one, else none (JSON)."""
    if not content_types:
        return ""
    if _carries_files(ref, ir_models) and "multipart/form-data" in content_types:
        return "multipart/form-data" if content_types[0] != "multipart/form-data" or len(content_types) > 1 else ""
    if "application/json" not in content_types:
        return content_types[0]
    return ""


def _call_text(target: str, args: list[str], prefix: str = "") -> str:
    one_line = f"{prefix}{target}({', '.join(args)})"
    if len(one_line) <= LINE_LENGTH or not args:
        return one_line
    return f"{prefix}{target}(\n" + "".join(f"    {a},\n" for a in args) + ")"


def _example_call(target: str, args: list[str], prefix: str, width: int) -> str:
    """The example's call laid out the way black would: a call or list that doesn't fit in
    `width` gets its items on one indented line, or when they don't fit either, one item
    per line (nested calls alike), so a model with many required fields stays readable.
    Only the layout changes: every leaf is the expression's own text."""
    source = f"{target}({', '.join(args)})"
    if "\n" in source:  # never expected (literals are one line): keep the flat layout
        return _call_text(target, args, prefix)
    try:
        tree = ast.parse(source, mode="eval").body
    except (SyntaxError, RecursionError, ValueError):  # never expected: keep the flat layout
        return _call_text(target, args, prefix)
    lines = _wrap(tree, _Segments(source), 0, len(prefix), width)
    return prefix + "\n".join(lines)


class _Segments:
    """A one-line source's text per node. (ast's offsets count UTF-8 bytes, and
    `ast.get_source_segment` splits the whole source into lines on every call.)"""

    def __init__(self, source: str) -> None:
        self.encoded = source.encode("utf-8")

    def __call__(self, node: ast.expr) -> str:
        return self.encoded[node.col_offset:node.end_col_offset].decode("utf-8")


def _wrap(node: ast.expr, segment: _Segments, indent: int, used: int, width: int) -> list[str]:
    """Lines of `node` starting at column `indent + used`; later lines carry their own
    indentation (relative to the example's call)."""
    text = segment(node)
    if isinstance(node, ast.Call) and (node.args or node.keywords):
        opener, closer = segment(node.func) + "(", ")"
        items = [("", a) for a in node.args] + [(f"{k.arg}=", k.value) for k in node.keywords]
    elif isinstance(node, ast.List) and node.elts:
        opener, closer, items = "[", "]", [("", e) for e in node.elts]
    else:
        return [text]
    if indent + used + len(text) <= width:
        return [text]
    inner = text[len(opener):-len(closer)]  # black's next try: every item on one indented line
    if indent + 4 + len(inner) <= width and "\n" not in inner:
        return [opener, " " * (indent + 4) + inner, " " * indent + closer]
    lines = [opener]
    for label, value in items:
        sub = _wrap(value, segment, indent + 4, len(label) + 1, width)
        sub[0] = " " * (indent + 4) + label + sub[0]
        sub[-1] += ","
        lines += sub
    lines.append(" " * indent + closer)
    return lines


class _Builder:
    def __init__(self, ir: IR, package: str) -> None:
        self.ir = ir
        self.package = package
        self.models = {m.name: m for m in ir.models}
        self.enums = {e.name: e for e in ir.enums}
        pages = _page_names(sorted(self.models) + sorted(set(self.enums) - set(self.models)))
        self.links = Links({name: f"models/{page}" for name, page in pages.items()},
                           {a.class_name: f"apis/{p}" for a, p in zip(ir.apis, _page_names([a.class_name for a in ir.apis]).values())})
        # relationships, computed once
        self.uses: dict[str, set[str]] = {}
        self.used_by_models: dict[str, set[str]] = defaultdict(set)
        self.used_by_ops: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(lambda: defaultdict(set))
        for model in ir.models:
            refs: set[str] = set()
            for f in model.fields:
                refs.update(f.type.referenced_classes())
            refs.update(n for n in (model.base, model.alias_of, *model.composed_of) if n)
            refs.discard(model.name)
            self.uses[model.name] = refs
            for name in refs:
                self.used_by_models[name].add(model.name)
        for api in ir.apis:
            for op in api.operations:
                key = (api.class_name, op.method_name)
                for p in op.params:
                    for name in p.type.referenced_classes():
                        self.used_by_ops[name][key].add(f"parameter `{p.py_name}`")
                if op.body is not None:
                    for name in op.body.type.referenced_classes():
                        self.used_by_ops[name][key].add("request body")
                for r in op.responses:
                    if r.type is not None:
                        for name in r.type.referenced_classes():
                            self.used_by_ops[name][key].add(f"response {r.status}")
        self.attr_names = {a.class_name: a.attr_name for a in ir.apis}
        self.security = {s.name: s for s in ir.security}

    # -- operations ---------------------------------------------------------------------

    def op_link(self, api_class: str, method: str, prefix: str) -> str:
        page = self.links.api_pages[api_class]
        return f"[`{self.attr_names[api_class]}.{method}`]({prefix}{page}#{heading_anchor(method)})"

    def operation(self, api: Api, op: Operation) -> OperationView:
        prefix = "../"
        # the method's parameters as the IR orders them (Operation.signature)
        positional = [e.name for e in op.signature if e.kind == "positional"]
        keywords = [e.name for e in op.signature if e.kind == "keyword"]
        target = f"api_client.{api.attr_name}.{op.method_name}"
        call = _call_text(target, positional + [f"{k}=..." for k in keywords], "data, response = ")

        values: list[str] = []
        for p in op.params:
            if p.required:
                values.append(_example_value(p.type, self.models, self.enums, name=p.wire_name,
                                             constraints=p.constraints, enum_values=p.enum_values))
        if op.body is not None:
            value = _example_value(op.body.type, self.models, self.enums, name=op.body.py_name)
            values.append(value if op.body.required else f"{op.body.py_name}={value}")
            content_type = _example_content_type(op.body.content_types, op.body.type, self.models)
            if content_type:
                values.append(f"_content_type={py_literal(content_type)}")
        if op.response_kind == "binary":
            values.append("_parse_response=False")
        body = _example_call(target, values, "data, response = ", LINE_LENGTH - 8)  # in `with` and `try`
        failed = _example_call("print", [py_literal(f"{api.class_name}.{op.method_name} failed:"), "e.status",
                                         "e.reason"], "", LINE_LENGTH - 8)
        configuration = _example_configuration(op, self.security)
        example = "\n".join([
            f"from {self.package} import ApiClient, Configuration, exceptions, models",
            "",
            _example_call("Configuration", configuration, "configuration = ", LINE_LENGTH),
            "with ApiClient(configuration) as api_client:",
            "    try:",
            *("        " + line for line in body.split("\n")),
            "        print(response.status, data)" if op.response_kind != "binary" else
            "        print(response.status, len(response.data))",
            "    except exceptions.ApiException as e:",
            *("        " + line for line in failed.split("\n")),
        ])

        rows = []
        for p in op.params:
            notes = []
            if p.wire_name != p.py_name:
                notes.append(f"sent as {code_span(p.wire_name)}")
            if p.enum_values:
                notes.append("one of " + ", ".join(code_span(v) for v in p.enum_values[:60]))
            if p.has_default:
                notes.append(f"default {code_span(json.dumps(p.default, default=str))}")
            if not p.explode and p.type.kind == "list":
                notes.append("comma-separated")
            if p.deprecated:
                notes.append("**deprecated**: " + markdown_cell(p.deprecation_message or "deprecated"))
            rows.append(ParamRow(f"`{p.py_name}`", self.links.type(p.type, prefix), p.location, p.required,
                                 p.description, "; ".join(notes)))
        body_type = body_ct = ""
        if op.body is not None:
            body_type = self.links.type(op.body.type, prefix)
            body_ct = ", ".join(code_span(c) for c in op.body.content_types)
            rows.append(ParamRow(f"`{op.body.py_name}`", body_type, "body", op.body.required,
                                 op.body.description, "content types: " + body_ct if body_ct else ""))

        if op.response_kind == "none" or op.response_type is None:
            returns = "`(None, HTTPResponse)`: the call returns no data"
        elif op.response_kind == "binary":
            returns = "`(bytes | None, HTTPResponse)`: binary data; pass `_parse_response=False` and read `response.data`"
        else:
            inner = self.links.type(op.response_type, prefix, optional_none=False)
            none = "" if op.response_type.kind == "any" else " | None"
            # merge the type's own code spans with the surrounding ones (no span contains a backtick)
            returns = f"`(`{inner}`{none}, HTTPResponse)`".replace("``", "")
        responses = [(r.status, code_span(r.content_type) if r.content_type else "",
                      self.links.type(r.type, prefix) if r.type is not None else "", r.description)
                     for r in op.responses if r.status.startswith(("1", "2", "3"))]
        errors = [(r.status, f"`exceptions.{r.exception}`", r.description) for r in op.error_responses]

        deprecation = ""
        if op.deprecated:
            if op.replaced_by:  # the warning's text, with the replacement as a link
                deprecation = (f"`{api.attr_name}.{op.method_name}()` is deprecated. Use "
                               f"[`{api.attr_name}.{op.replaced_by}()`](#{heading_anchor(op.replaced_by)}) instead.")
            else:
                deprecation = markdown_cell(op.deprecation_message or "This operation is deprecated.")
        versions = ""
        if len(op.versions) > 1:
            versions = ", ".join(f"[`{v}`](#{heading_anchor(v)})" if v != op.method_name else f"`{v}` (this one)"
                                 for v in op.versions)
        auth = ", ".join(markdown_cell(a) for a in op.auth)
        return OperationView(op, heading_anchor(op.method_name), code_span(op.path), call, example, rows, body_type, body_ct, returns,
                             responses, errors, deprecation, versions, auth)

    def api(self, api: Api) -> ApiView:
        return ApiView(api, self.links.api_pages[api.class_name], [self.operation(api, op) for op in api.operations])

    # -- models -------------------------------------------------------------------------

    def _used_by(self, name: str) -> tuple[list[str], list[str]]:
        models = [self._model_link(n) for n in sorted(self.used_by_models.get(name, ()))]
        ops = []
        for (api_class, method), roles in sorted(self.used_by_ops.get(name, {}).items()):
            ops.append(f"{self.op_link(api_class, method, '../')} ({', '.join(sorted(roles))})")
        return models, ops

    def _model_link(self, name: str) -> str:
        """A link from one page in models/ to another."""
        page = self.links.model_pages.get(name)
        return f"[`{name}`]({page.removeprefix('models/')})" if page else f"`{name}`"

    def model(self, model: ModelDef) -> ModelView:
        prefix = "../"
        rows = []
        for f in model.fields:
            flags = [flag for flag, on in (("read-only", f.read_only), ("write-only", f.write_only),
                                           ("deprecated", f.deprecated)) if on]
            notes = []
            if f.py_name != f.json_name:
                notes.append(f"JSON name {code_span(f.json_name)}")
            if f.enum_values:
                notes.append("one of " + ", ".join(code_span(v) for v in f.enum_values[:60]))
            if f.has_default:
                notes.append(f"default {code_span(json.dumps(f.default, default=str))}")
            rows.append(FieldRow(f"`{f.py_name}`", self.links.type(f.type, prefix, optional_none=False),
                                 f.required, f.type.nullable, ", ".join(flags), f.description, "; ".join(notes)))
        if model.kind == "composed":
            parts = [self._model_link(n) for n in (model.composed_of or ((model.base,) if model.base else ()))]
            kind_note = f"Composed ({model.composition or 'allOf'}) of {', '.join(parts)}." if parts else "Composed."
            if model.base:
                kind_note += f" Extends {self._model_link(model.base)}."
        elif model.kind == "alias":
            kind_note = f"An alias of {self._model_link(model.alias_of)} (the value may also be `None`)."
        elif model.kind == "union" and model.union is not None:
            kind_note = self._union_note(model, model.union)
        else:
            kind_note = ""
        interface = ""
        if model.interface and model.kind != "alias":
            lines = [f"from {self.package}.models import {model.interface}", "",
                     f"class {model.interface}(IModelData):"]
            # the annotations of the generated interface, as the IR decided them (Field.annotation)
            lines += [f"    {f.py_name}: {f.annotation}" for f in model.fields] or ["    pass"]
            interface = "\n".join(lines)
        uses = [self._model_link(n) for n in sorted(self.uses.get(model.name, ()))]
        by_models, by_ops = self._used_by(model.name)
        return ModelView(model, self.links.model_pages[model.name], kind_note, rows, interface, uses, by_models, by_ops)

    def _union_note(self, model: ModelDef, union: TypeRef) -> str:
        """What a oneOf/anyOf class stands for: its members, linked, and how a value is chosen."""
        members = ", ".join(self.links.type(m, "../") for m in union.members) or "`Any`"
        word = "One of" if model.composition == "oneOf" else "Any of"
        note = f"{word}: {members}" + (" (or `None`)." if union.nullable else ".")
        note += (f" A value of `{model.name}` is an instance of the member it matches, and the Python type is"
                 f" {code_span(dataclasses.replace(union, nullable=False).annotation())}.")
        if model.discriminator:
            pairs = ", ".join(f"{code_span(value)} → {self._model_link(cls)}" for value, cls in model.mapping)
            note += f" The {code_span(model.discriminator)} property chooses the member" + (f": {pairs}." if pairs else ".")
        if any(m.kind == "model" for m in union.members):
            note += (f" `models.{model.name}(**fields)` builds the member that fits the fields, and wherever"
                     f" `{model.name}` is expected an instance of a member or a dict is accepted.")
        return note

    def enum(self, enum: EnumDef) -> EnumView:
        by_models, by_ops = self._used_by(enum.name)
        return EnumView(enum, self.links.model_pages[enum.name],
                        [(m.name, code_span(m.value)) for m in enum.members], by_models, by_ops)


def _yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(" ".join(str(text).split()), ensure_ascii=True)


def _md_comment(text: str) -> str:
    """Text that can't end or escape an HTML comment."""
    return text.replace("--", "- -").replace("<", "&lt;").replace(">", "&gt;")


@hookimpl
def cvatgen_emit_files(ir: IR, context: BuildContext) -> list[OutputFile]:
    builder = _Builder(ir, context.package)
    apis = [builder.api(api) for api in ir.apis]
    models = [builder.model(m) for m in sorted(ir.models, key=lambda m: m.name)]
    enum_names = set(builder.models)
    enums = [builder.enum(e) for e in sorted(ir.enums, key=lambda e: e.name) if e.name not in enum_names]
    values: dict[str, Any] = {
        "ir": ir, "package": context.package, "md_header": _md_comment(context.header),
        "apis": apis, "models": models, "enums": enums,
    }
    files = [
        OutputFile("docs/index.md", context.render("docs/index.md.j2", **values)),
        OutputFile("docs/api_summary.md", context.render("docs/api_summary.md.j2", **values)),
        OutputFile("docs/models_summary.md", context.render("docs/models_summary.md.j2", **values)),
    ]
    for view in apis:
        files.append(OutputFile(f"docs/{view.page}", context.render("docs/api.md.j2", view=view, **values)))
    for mview in models:
        files.append(OutputFile(f"docs/{mview.page}", context.render("docs/model.md.j2", view=mview, **values)))
    for eview in enums:
        files.append(OutputFile(f"docs/{eview.page}", context.render("docs/enum.md.j2", view=eview, **values)))
    context.extras["docs.nav_values"] = values  # mkdocs.yml is written last, see cvatgen_finalize
    return files


def _plugin_nav(files: list[OutputFile]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Pages other plugins declared for the navigation (`OutputFile.nav = "Section/Title"`),
    grouped by section, in a stable order."""
    sections: dict[str, list[tuple[str, str]]] = {}
    for f in files:
        if f.nav and f.path.startswith("docs/") and f.path.endswith(".md"):
            section, _, title = f.nav.partition("/")
            sections.setdefault(section.strip() or "Plugins", []).append((title.strip() or f.path, f.path[5:]))
    return [(section, sorted(pages)) for section, pages in sorted(sections.items())]


@hookimpl
def cvatgen_finalize(files: list[OutputFile], ir: IR, context: BuildContext) -> None:
    """mkdocs.yml, written after every plugin emitted its files, so that pages of other
    plugins can add themselves to the navigation."""
    values = context.extras.pop("docs.nav_values", None)
    if values is None:  # the emit hook did not run (nothing to document)
        return
    site_name = _yaml_str(f"{ir.title} {ir.version} - {context.package}")
    files.append(OutputFile("mkdocs.yml", context.render("docs/mkdocs.yml.j2", site_name=site_name,
                                                           yaml_str=_yaml_str, plugin_nav=_plugin_nav(files),
                                                           **values), plugin="docs"))
