"""Built-in plugin: names that existing cvat-sdk code uses, kept when the schema renamed them.

The SDK documentation logs in with `models.LoginRequest`, which the servers call
`LoginSerializerExRequest`. The hosted CVAT server (our schemas) names its registration models
`RegisterSerializerWithSubscriptions[Request]`; the open-source server, which cvat-sdk is
built from, calls them `RegisterSerializerEx[Request]`. Code written against cvat-sdk keeps
working when the old name is an alias of the new class. An alias is added only when its
target exists and the old name is free, so on a schema that has the old name nothing happens.
"""

from __future__ import annotations

import dataclasses

from cvat_gen.plugin_api import BuildContext
from cvat_gen.plugin_api import hookimpl
from cvat_gen.plugin_api import IR, ModelDef

CVATGEN_ORDER = 25

# old name (cvat-sdk) -> the name in newer or hosted schemas
ALIASES: dict[str, str] = {
    # the name the low-level SDK documentation uses for the login body
    "LoginRequest": "LoginSerializerExRequest",
    "RegisterSerializerEx": "RegisterSerializerWithSubscriptions",
    "RegisterSerializerExRequest": "RegisterSerializerWithSubscriptionsRequest",
}


@hookimpl
def cvatgen_transform_ir(ir: IR, context: BuildContext) -> IR | None:
    taken = {m.name for m in ir.models} | {e.name for e in ir.enums}
    added = [
        ModelDef(old, f"plugin:compat_aliases/{old}", f"Alias of {new}, the name cvat-sdk uses.", (),
                 kind="alias", alias_of=new)
        for old, new in sorted(ALIASES.items()) if new in taken and old not in taken
    ]
    if not added:
        return None
    return dataclasses.replace(ir, models=tuple(sorted((*ir.models, *added), key=lambda m: m.name)))
