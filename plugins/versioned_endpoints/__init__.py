"""Built-in plugin: versioned and deprecated operations.

`retrieve_content` and `retrieve_content_v2` are versions of one operation. This plugin
links such siblings in the IR (`Operation.versions`), deprecates every version but the
newest, and writes the warning text that names the replacement. Operations and parameters
that the schema marks `deprecated` get a warning text too. The runtime emits the warnings;
the docs plugin shows them.
"""

from __future__ import annotations

import dataclasses
import re

from cvat_gen.plugin_api import BuildContext
from cvat_gen.plugin_api import hookimpl
from cvat_gen.plugin_api import IR, Api, Operation

CVATGEN_ORDER = 20
_VERSIONED = re.compile(r"^(?P<base>.+?)_v(?P<number>\d+)$")


def version_key(method_name: str) -> tuple[str, int]:
    """('retrieve_content', 1) for retrieve_content, ('retrieve_content', 2) for ..._v2."""
    match = _VERSIONED.match(method_name)
    if match:
        return match.group("base"), int(match.group("number"))
    return method_name, 1


def _link(api: Api) -> Api:
    families: dict[str, list[Operation]] = {}
    for op in api.operations:
        families.setdefault(version_key(op.method_name)[0], []).append(op)
    replaced: dict[str, Operation] = {}
    for base, ops in families.items():
        if len(ops) < 2:
            continue
        ordered = sorted(ops, key=lambda o: version_key(o.method_name)[1])
        names = tuple(o.method_name for o in ordered)
        newest = ordered[-1]
        for op in ordered:
            changes: dict[str, object] = {"versions": names}
            if op is not newest:
                changes.update(deprecated=True, replaced_by=newest.method_name)
            replaced[op.method_name] = dataclasses.replace(op, **changes)  # type: ignore[arg-type]
    operations = []
    for op in api.operations:
        op = replaced.get(op.method_name, op)
        if op.deprecated and not op.deprecation_message:
            message = f"{api.attr_name}.{op.method_name}() is deprecated"
            if op.replaced_by:
                message += f"; use {api.attr_name}.{op.replaced_by}() instead"
            op = dataclasses.replace(op, deprecation_message=message + ".")
        params = tuple(
            dataclasses.replace(p, deprecation_message=f"the parameter '{p.py_name}' of {api.attr_name}."
                                f"{op.method_name}() is deprecated.")
            if p.deprecated and not p.deprecation_message else p
            for p in op.params
        )
        operations.append(dataclasses.replace(op, params=params))
    return dataclasses.replace(api, operations=tuple(operations))


@hookimpl
def cvatgen_transform_ir(ir: IR, context: BuildContext) -> IR:
    return dataclasses.replace(ir, apis=tuple(_link(api) for api in ir.apis))
