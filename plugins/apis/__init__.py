"""Built-in plugin: one Api class per tag, each operation a typed method over a data-driven
`EndpointSpec`, plus the lazy `apis` package and the ApiClient's `<tag>_api` members."""

from __future__ import annotations

from dataclasses import dataclass

from cvat_gen.plugin_api import BuildContext, OutputFile
from cvat_gen.plugin_api import hookimpl
from cvat_gen.plugin_api import IR, Api, Operation, SignatureEntry
from cvat_gen.plugin_api import py_literal
from cvat_gen.plugin_api import layout_brackets

CVATGEN_ORDER = 50
# its files depend on the IR alone: rendered in the emit worker, beside the docs (cvat_gen.emit)
CVATGEN_EMIT_IN_WORKER = True


@dataclass(frozen=True)
class OperationView:
    """The method's layout, from the signature and return annotation the IR decided."""

    op: Operation
    body_type: str

    @property
    def positional(self) -> list[SignatureEntry]:
        return [e for e in self.op.signature if e.kind == "positional"]

    @property
    def keyword(self) -> list[SignatureEntry]:
        return [e for e in self.op.signature if e.kind == "keyword"]

    @property
    def return_annotation(self) -> str:
        return self.op.return_annotation

    @property
    def iter_name(self) -> str:
        """The lazy page iterator's method name, "" when not paginated."""
        return self.op.iterator_name

    @property
    def iter_signature(self) -> str:
        """The iterator method: the operation's parameters, yielding the page items."""
        return self._def(self.iter_name, self.op.iterator_annotation)

    @property
    def iter_call(self) -> str:
        return self._delegate("iterate_pages")

    @property
    def signature(self) -> str:
        """`def name(...) -> ...:`, laid out as black leaves it."""
        return self._def(self.op.method_name, self.return_annotation)

    @property
    def call(self) -> str:
        return self._delegate("call_with_http_info")

    def _def(self, name: str, returns: str) -> str:
        """A method with the operation's parameters: positional, keyword-only, call options."""
        params = [f"{p.name}: {p.annotation}" for p in self.positional]
        if self.keyword:
            params.append("*")
            params += [f"{p.name}: {p.annotation} = {p.default or ''}" for p in self.keyword]
        params.append("**kwargs: Unpack[CallOptions]")
        return layout_brackets(f"    def {name}(", ["self", *params], f") -> {returns}", 4, ":")

    def _delegate(self, endpoint_method: str) -> str:
        """`return self.<op>_endpoint.<endpoint_method>(every parameter by name, **kwargs)`."""
        args = [f"{p.name}={p.name}" for p in (*self.positional, *self.keyword)] + ["**kwargs"]
        return layout_brackets(f"        return self.{self.op.method_name}_endpoint.{endpoint_method}(",
                               args, ")", 8)

    @property
    def params_text(self) -> str:
        """The spec's `params=(Param(...), ...)`, or "" when there are none."""
        op = self.op
        calls = []
        for p in op.params:
            extra = ", required=True" if p.required else ""
            if p.wire_name != p.py_name:
                extra += f", wire_name={py_literal(p.wire_name)}"
            if not p.explode:
                extra += ", explode=False"
            if p.constraints:
                extra += f", validations={py_literal(p.validations)}"
            calls.append(f"Param({py_literal(p.py_name)}, {py_literal(p.location)}, "
                         f"{py_literal(p.type.struct_annotation())}{extra})")
        if op.body is not None:
            required = ", required=True" if op.body.required else ""
            calls.append(f'Param({py_literal(op.body.py_name)}, "body", {py_literal(self.body_type)}{required})')
        return layout_brackets("    params=(", calls, ")", 4, ",", is_tuple=True) if calls else ""


def _view(op: Operation) -> OperationView:
    return OperationView(op, op.body.type.struct_annotation() if op.body is not None else "")


def _type_names(api: Api) -> list[str]:
    names: set[str] = set()
    for op in api.operations:
        refs = [p.type for p in op.params] + ([op.body.type] if op.body else [])
        if op.response_type is not None:
            refs.append(op.response_type)
        if op.page_item is not None:
            refs.append(op.page_item)
        for ref in refs:
            names.update(ref.referenced_classes())
    return sorted(names)


@hookimpl
def cvatgen_emit_files(ir: IR, context: BuildContext) -> list[OutputFile]:
    base = context.package_path
    files = [
        OutputFile(f"{base}/apis/__init__.py", context.render("apis/apis_init.py.j2", ir=ir)),
        OutputFile(f"{base}/api/__init__.py", context.render("apis/api_init.py.j2", ir=ir)),
        OutputFile(f"{base}/_api_members.py", context.render("apis/_api_members.py.j2", ir=ir)),
    ]
    for api in ir.apis:
        views = [_view(op) for op in api.operations]
        auth_names: dict[tuple[str, ...], str] = {}
        for op in api.operations:
            auth_names.setdefault(op.auth, f"_AUTH_{len(auth_names) + 1}")
        status_responses = {
            op.method_name: [(int(r.status), [r.kind, r.type.struct_annotation() if r.kind == "json" and r.type else None])
                             for r in (*op.alternate_responses, *op.declared_errors)]
            for op in api.operations
        }
        deprecated_params = {op.method_name: [(p.py_name, p.deprecation_message) for p in op.params if p.deprecated]
                             for op in api.operations}
        files.append(OutputFile(f"{base}/api/{api.module_name}.py", context.render(
            "apis/api.py.j2", ir=ir, api=api, views=views, type_names=_type_names(api), auth_names=auth_names,
            deprecated_params=deprecated_params, status_responses=status_responses,
            endpoint_specs=layout_brackets("    _endpoint_specs = (", [f"_{op.method_name.upper()}" for op in api.operations],
                                           ")", 4, is_tuple=True))))
    return files
