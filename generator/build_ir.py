"""Stage 4: turn a validated, patched schema into the IR (the rules live in `ir_build/`).

All naming and typing decisions are made there, the same way for every plugin:
- a property that is a `$ref` to a component enum becomes an enum class; an inline enum, or
  an `allOf` wrapper around an enum, stays a validated `str` (field by field, as cvat-sdk);
- an `allOf` wrapper around an object component becomes a composed model named
  `<Owner><Property>`, reused for every identical inline schema that follows, in document
  order (cvat-sdk's names, e.g. `JobReadTargetStorage` for `TaskRead.target_storage`);
- an operation's method name is its operationId without the `<tag>_` prefix; required
  parameters are positional in schema order, then the required body;
- what users see of each operation and field (signature, annotations, exception per status,
  enum member names) is computed once, in `ir_build/surface.py`, and stored in the IR.

This module is the entry point the pipeline and the tests import.
"""

from __future__ import annotations

from typing import Any

from .errors import BuildError, DiagnosticSink
from .ir import IR
from .ir_build.builder import IRBuilder
from .ir_build.rules import ALL_CONTROL_KWARGS
from .ir_build.type_refs import schema_constraints

# every call option: no generated parameter takes one of these names (call_rules.py)
CONTROL_KWARGS = ALL_CONTROL_KWARGS

__all__ = ["CONTROL_KWARGS", "build_ir", "schema_constraints"]


def build_ir(document: dict[str, Any], schema_hash: str, package: str) -> tuple[IR, DiagnosticSink]:
    builder = IRBuilder(document, schema_hash, package)
    try:
        ir = builder.build()
    except RecursionError:
        raise BuildError(builder.sink.errors or []) from None
    return ir, builder.sink
