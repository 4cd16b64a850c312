"""Stage 4, by concern: turn a validated, patched schema into the IR.

Why a package: one IRBuilder class of ~850 lines held every rule. Each concern is now a
module with its own table-driven tests (tests/unit/test_ir_<concern>.py):

- `components`: classify `components/schemas` into enums, models, aliases, unions; fields;
- `type_refs`: a schema -> a TypeRef, inline models and unions; validation keywords;
- `operations`: paths -> operations, parameters, bodies, responses (media-type rules from
  `rules`, the call_rules module the generated SDK runs with);
- `surface`: what users see (signatures, annotations, exceptions, enum member names);
- `builder`: the IRBuilder that joins them, and the assembly into Api classes.

`cvat_gen.build_ir.build_ir` stays the entry point. This file imports nothing: the plugin API
imports `surface` alone, which must not pull in `rules` (it imports the runtime plugin's
package, which imports the plugin API).
"""
