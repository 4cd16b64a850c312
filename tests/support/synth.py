"""Deterministic synthesis of values that are valid under an OpenAPI 3.0 schema.

Why our own synthesizer instead of hypothesis-jsonschema or a faker: the
contract tests must be reproducible run after run (the same seed, operation
and variant always give the same bytes), fast enough to cover ~190 operations
of ten schemas in one process, and able to produce the three shapes a client
must survive: only the required properties, every property, and every
nullable property set to null. It also injects "server skew" on demand
(unknown properties, unknown enum values), which a generic generator cannot.

Only the OpenAPI 3.0 subset the CVAT schemas use is handled: ``$ref``,
``allOf``/``oneOf``/``anyOf``, ``nullable``, ``enum``, ``readOnly``/
``writeOnly``, ``additionalProperties``, string formats and ``pattern``,
numeric bounds, ``minItems``/``maxItems``, ``minLength``/``maxLength``.
"""

from __future__ import annotations

import random
import re
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

Variant = Literal["required", "full", "nulls"]
Direction = Literal["response", "request"]
VARIANTS: tuple[Variant, ...] = ("required", "full", "nulls")

UNKNOWN_ENUM_VALUE = "x-unknown-enum-value"
EXTRA_FIELD_NAME = "x_unknown_field"

# Candidate strings tried against a ``pattern``; the CVAT schemas use only a
# handful of simple patterns, all of which one of these satisfies.
_PATTERN_CANDIDATES = (
    "abc",
    "1",
    "function:1",
    "a-b_c.d",
    "user1",
    "x",
)


class SynthError(Exception):
    """The synthesizer met a schema construct it cannot satisfy."""


class Synthesizer:
    """Builds values for sub-schemas of one OpenAPI document.

    One instance per document: resolved ``$ref`` targets are cached, and the
    random stream is re-seeded per call from (seed, key, variant), so the
    result of one call does not depend on which calls came before it.
    """

    def __init__(
        self,
        document: dict[str, Any],
        *,
        seed: int = 0,
        max_depth: int = 5,
        extra_fields: bool = False,
        unknown_enum: bool = False,
    ) -> None:
        self.document = document
        self.seed = seed
        self.max_depth = max_depth
        self.extra_fields = extra_fields
        self.unknown_enum = unknown_enum
        self._rng = random.Random(0)
        self._variant: Variant = "required"
        self._direction: Direction = "response"
        self._ref_cache: dict[str, dict[str, Any]] = {}

    # -- public API -------------------------------------------------------

    def generate(
        self,
        schema: dict[str, Any],
        *,
        key: str,
        variant: Variant = "required",
        direction: Direction = "response",
    ) -> Any:
        """Return a value valid under ``schema``.

        ``key`` (usually the operationId) separates random streams so that
        two operations do not get correlated data; ``direction`` decides
        whether ``readOnly`` (dropped in requests) or ``writeOnly`` (dropped
        in responses) properties are left out.
        """
        if variant not in VARIANTS:
            raise ValueError(f"unknown variant {variant!r}, expected one of {VARIANTS}")
        self._rng = random.Random(f"{self.seed}:{key}:{variant}:{direction}")
        self._variant = variant
        self._direction = direction
        return self._value(schema, depth=0, stack=())

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Follow ``$ref`` chains (local JSON pointers only)."""
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            cached = self._ref_cache.get(ref)
            if cached is None:
                cached = self._lookup(ref)
                self._ref_cache[ref] = cached
            schema = cached
            seen += 1
            if seen > 50:
                raise SynthError(f"$ref cycle at {ref}")
        return schema

    # -- internals --------------------------------------------------------

    def _lookup(self, ref: str) -> dict[str, Any]:
        if not ref.startswith("#/"):
            raise SynthError(f"only local $ref is supported, got {ref!r}")
        node: Any = self.document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[part]
        if not isinstance(node, dict):
            raise SynthError(f"$ref {ref!r} is not a schema object")
        return node

    def _merge_all_of(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Flatten ``allOf`` into one schema (properties and required merged).

        Sibling keywords of ``allOf`` (``nullable``, ``readOnly``...) win,
        which is what drf-spectacular means by ``allOf: [$ref], nullable``.
        """
        merged: dict[str, Any] = {}
        props: dict[str, Any] = {}
        required: list[str] = []
        for part in schema["allOf"]:
            part = self.resolve(part)
            if "allOf" in part:
                part = self._merge_all_of(part)
            for k, v in part.items():
                if k == "properties":
                    props.update(v)
                elif k == "required":
                    required.extend(x for x in v if x not in required)
                else:
                    merged[k] = v
        for k, v in schema.items():
            if k != "allOf":
                merged[k] = v
        if props:
            merged["properties"] = {**props, **merged.get("properties", {})}
        if required:
            merged["required"] = required + [
                x for x in merged.get("required", []) if x not in required
            ]
        return merged

    def _is_null_only(self, schema: dict[str, Any]) -> bool:
        schema = self.resolve(schema)
        enum = schema.get("enum")
        return enum is not None and all(v is None for v in enum)

    def _value(self, schema: dict[str, Any], *, depth: int, stack: tuple[str, ...]) -> Any:
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        if ref is not None:
            if stack.count(ref) >= 2 or depth > self.max_depth + 3:
                # Recursion guard: a value for a schema we are already
                # inside of; fall back to the smallest valid shape.
                return self._minimal(self.resolve(schema), stack=stack + (ref,))
            stack = stack + (ref,)
        schema = self.resolve(schema)
        if "allOf" in schema:
            schema = self._merge_all_of(schema)

        if schema.get("nullable") and self._variant == "nulls":
            return None

        for key in ("oneOf", "anyOf"):
            if key in schema:
                options = [o for o in schema[key] if not self._is_null_only(o)]
                if not options:
                    return None
                base = {k: v for k, v in schema.items() if k != key}
                chosen = self.resolve(options[0])
                if "allOf" in chosen:
                    chosen = self._merge_all_of(chosen)
                return self._value({**chosen, **base}, depth=depth, stack=stack)

        if "enum" in schema:
            values = [v for v in schema["enum"] if v is not None]
            if not values:
                return None
            if self.unknown_enum and all(isinstance(v, str) for v in values):
                return UNKNOWN_ENUM_VALUE
            return self._rng.choice(values)

        typ = schema.get("type") or self._infer_type(schema)
        if typ == "object":
            return self._object(schema, depth=depth, stack=stack)
        if typ == "array":
            return self._array(schema, depth=depth, stack=stack)
        if typ == "string":
            return self._string(schema)
        if typ == "integer":
            return self._integer(schema)
        if typ == "number":
            return self._number(schema)
        if typ == "boolean":
            return self._rng.random() < 0.5
        # Free-form value (no type at all): a string is valid under "any".
        return f"any-{self._rng.randrange(1000)}"

    @staticmethod
    def _infer_type(schema: dict[str, Any]) -> str | None:
        if "properties" in schema or "additionalProperties" in schema:
            return "object"
        if "items" in schema:
            return "array"
        return None

    def _minimal(self, schema: dict[str, Any], *, stack: tuple[str, ...]) -> Any:
        """The smallest valid value, used to cut recursion."""
        if "allOf" in schema:
            schema = self._merge_all_of(schema)
        if schema.get("nullable"):
            return None
        typ = schema.get("type") or self._infer_type(schema)
        if typ == "array" and not schema.get("minItems"):
            return []
        if typ == "object" and not self._required_props(schema):
            return {}
        saved = self._variant
        self._variant = "required"
        try:
            return self._value(schema, depth=self.max_depth + 1, stack=stack)
        finally:
            self._variant = saved

    def _skipped(self, prop: dict[str, Any]) -> bool:
        prop = self.resolve(prop) if "$ref" in prop and len(prop) == 1 else prop
        if self._direction == "response":
            return bool(prop.get("writeOnly"))
        return bool(prop.get("readOnly"))

    def _required_props(self, schema: dict[str, Any]) -> list[str]:
        props = schema.get("properties", {})
        return [
            name
            for name in schema.get("required", [])
            if name not in props or not self._skipped(props[name])
        ]

    def _object(self, schema: dict[str, Any], *, depth: int, stack: tuple[str, ...]) -> Any:
        props: dict[str, Any] = schema.get("properties", {})
        required = self._required_props(schema)
        deep = depth >= self.max_depth
        if self._variant == "required" or deep:
            names = required
        else:
            names = [n for n in props if not self._skipped(props[n])]
            names += [n for n in required if n not in names]
        out: dict[str, Any] = {}
        for name in names:
            sub = props.get(name, {})
            out[name] = self._value(sub, depth=depth + 1, stack=stack)
        addl = schema.get("additionalProperties")
        if isinstance(addl, dict) and not deep and self._variant != "required":
            out[f"key{self._rng.randrange(100)}"] = self._value(
                addl, depth=depth + 1, stack=stack
            )
        if self.extra_fields and not (isinstance(addl, dict) and addl):
            # Not into typed maps (additionalProperties: <schema>): there every key is
            # known and its value must match the schema, so the extra value would make
            # the response invalid instead of merely newer.
            out[EXTRA_FIELD_NAME] = {"nested": [1, "two", None]}
        min_props = schema.get("minProperties", 0)
        while len(out) < min_props and isinstance(addl, dict):
            out[f"key{len(out)}"] = self._value(addl, depth=depth + 1, stack=stack)
        return out

    def _array(self, schema: dict[str, Any], *, depth: int, stack: tuple[str, ...]) -> list[Any]:
        lo = int(schema.get("minItems", 0))
        hi = schema.get("maxItems")
        if depth >= self.max_depth:
            count = lo
        elif self._variant == "required":
            count = max(lo, 1)
        else:
            count = max(lo, 2)
        if hi is not None:
            count = min(count, int(hi))
        items = schema.get("items", {})
        values = [self._value(items, depth=depth + 1, stack=stack) for _ in range(count)]
        if schema.get("uniqueItems"):
            unique: list[Any] = []
            for v in values:
                if v not in unique:
                    unique.append(v)
            values = unique
        return values

    def _string(self, schema: dict[str, Any]) -> str:
        fmt = schema.get("format")
        rng = self._rng
        n = rng.randrange(1, 10_000)
        if fmt == "date-time":
            base = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
            moment = base + timedelta(seconds=rng.randrange(10**7))
            value = moment.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
        elif fmt == "date":
            value = (datetime(2024, 1, 1) + timedelta(days=rng.randrange(1000))).strftime(
                "%Y-%m-%d"
            )
        elif fmt in ("uri", "url"):
            value = f"http://example.com/api/items/{n}"
        elif fmt == "email":
            value = f"user{n}@example.com"
        elif fmt == "uuid":
            value = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        elif fmt == "binary" or fmt == "byte":
            value = "YmluYXJ5" if fmt == "byte" else f"binary-{n}"
        elif "pattern" in schema:
            value = self._pattern(schema["pattern"])
        else:
            value = f"str-{n}"
        return self._fit_length(value, schema)

    @staticmethod
    def _fit_length(value: str, schema: dict[str, Any]) -> str:
        lo = int(schema.get("minLength", 0))
        hi = schema.get("maxLength")
        if len(value) < lo:
            filler = "x" if "pattern" not in schema else value[-1:] or "x"
            value = value + filler * (lo - len(value))
        if hi is not None and len(value) > int(hi):
            value = value[: int(hi)]
        return value

    def _pattern(self, pattern: str) -> str:
        regex = re.compile(pattern)
        for candidate in _PATTERN_CANDIDATES:
            if regex.search(candidate):
                return candidate
        raise SynthError(f"no candidate string matches pattern {pattern!r}")

    def _bounds(self, schema: dict[str, Any], default_lo: float, default_hi: float) -> tuple[float, float]:
        lo = schema.get("minimum", default_lo)
        hi = schema.get("maximum", default_hi)
        if "minimum" not in schema and "maximum" in schema:
            lo = min(default_lo, hi)
        if "maximum" not in schema and "minimum" in schema:
            hi = max(default_hi, lo + (default_hi - default_lo))
        return lo, hi

    def _integer(self, schema: dict[str, Any]) -> int:
        lo, hi = self._bounds(schema, 0, 1000)
        ilo, ihi = int(lo), int(hi)
        if schema.get("exclusiveMinimum"):
            ilo += 1
        if schema.get("exclusiveMaximum"):
            ihi -= 1
        ihi = min(ihi, ilo + 1000)
        if ihi < ilo:
            raise SynthError(f"empty integer range in {schema}")
        return self._rng.randint(ilo, ihi)

    def _number(self, schema: dict[str, Any]) -> float:
        lo, hi = self._bounds(schema, 0.0, 1000.0)
        hi = min(hi, lo + 1000.0)
        value = round(self._rng.uniform(float(lo), float(hi)), 3)
        return min(max(value, float(lo)), float(hi))


def pick_media_type(content: dict[str, Any]) -> str | None:
    """The content type a server would pick for a body: CVAT JSON first."""
    for preferred in ("application/vnd.cvat+json", "application/json"):
        if preferred in content:
            return preferred
    for media in content:
        if media.endswith("+json"):
            return media
    return next(iter(content), None)
