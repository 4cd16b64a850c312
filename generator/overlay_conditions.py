"""Preconditions of overlay actions: when a patch applies, and why it was skipped.

A patch is written for the server behaviour of some releases of one or both editions of
CVAT. Instead of letting it go *stale* on the others (which stops a build), an action states
its preconditions in an `x-cvat-gen` mapping, and the engine skips it, with a reason that
`cvat-gen patches` shows, where they do not hold::

    x-cvat-gen:
      editions: [hosted]                 # hosted, open-source; default: both
      server-versions: ">=2.66"          # a range over info.version; default: every release
      when:
        exists: "$.paths['/api/x'].get"  # must select something, else "not in this release"
        absent: "@.content"              # must select nothing, else "already declared by the server"
        expect: "@.description"          # must select something, else a located warning (or error)
      optional: true                     # a target matching nothing is fine (not stale)

Each of `exists`, `absent` and `expect` is one JSONPath query or a list of them (all must
hold). A query starting with `$` is evaluated on the whole schema; one starting with `@` is
evaluated on each node that the action's `target` selects (`@` is that node), so that an
action can skip the nodes that already have what it adds and keep the others.

The edition is read from the schema itself: the hosted edition (app.cvat.ai) serves
endpoints that no open-source release has (`HOSTED_ONLY_PATHS`: serverless functions as a
service, limits, usage, user agreements, social sign-in), so a schema with at least one of
them is "hosted" and any other schema is "open-source". `info.title` (`CVAT REST API`) and
`info.version` (`2.70.0 (2.0)` hosted, `2.70.1` open-source in the shared copies, but the
open-source server can also print a suffix) do not tell the two apart reliably.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonpath_rfc9535 is imported only for a query outside jsonpath_simple's subset
    from .jsonpath_simple import Query


__all__ = [
    "ALREADY_DECLARED",
    "EDITIONS",
    "HOSTED_ONLY_PATHS",
    "NOT_IN_RELEASE",
    "Condition",
    "Preconditions",
    "edition_reason",
    "parse_preconditions",
    "schema_edition",
]

HOSTED = "hosted"
OPEN_SOURCE = "open-source"
EDITIONS = (HOSTED, OPEN_SOURCE)

# Paths (and their sub-paths) that only the hosted edition serves; checked against every
# shared schema by tests/unit/test_cvat_patches.py.
HOSTED_ONLY_PATHS = ("/api/functions", "/api/limits", "/api/usage", "/api/user-agreements", "/api/auth/social")

NOT_IN_RELEASE = "not in this release"
ALREADY_DECLARED = "already declared by the server"
EDITION_ONLY = {HOSTED: "hosted edition only", OPEN_SOURCE: "open-source edition only"}

_WHEN_KEYS = ("exists", "absent", "expect")


def schema_edition(schema: dict[str, Any]) -> str:
    """"hosted" when the schema serves a hosted-only endpoint, else "open-source"."""
    paths = schema.get("paths") if isinstance(schema, dict) else None
    if not isinstance(paths, dict):
        return OPEN_SOURCE
    for path in paths:
        if isinstance(path, str) and any(path == p or path.startswith(p + "/") for p in HOSTED_ONLY_PATHS):
            return HOSTED
    return OPEN_SOURCE


def edition_reason(editions: tuple[str, ...] | None, schema: dict[str, Any]) -> str | None:
    """The skip reason when the schema's edition is not one of `editions`, else None."""
    if editions is None:
        return None
    edition = schema_edition(schema)
    if edition in editions:
        return None
    return EDITION_ONLY[editions[0]] if len(editions) == 1 else f"not for the {edition} edition"


@dataclass(frozen=True, slots=True)
class Condition:
    """One JSONPath query; `relative` ones start with `@` and run on each target node."""

    text: str
    query: Query = field(repr=False, compare=False)
    relative: bool

    def holds_on(self, document: Any, node: Any) -> bool:
        """Whether the query selects at least one node."""
        root = node if self.relative else document
        if not isinstance(root, (dict, list)):
            return False
        return next(iter(self.query.finditer(root)), None) is not None


@dataclass(frozen=True, slots=True)
class Preconditions:
    exists: tuple[Condition, ...] = ()
    absent: tuple[Condition, ...] = ()
    expect: tuple[Condition, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.exists or self.absent or self.expect)

    def document_reason(self, document: Any) -> tuple[str, str] | None:
        """(reason, detail) when a schema-wide (`$`) condition fails, else None."""
        for cond in self.exists:
            if not cond.relative and not cond.holds_on(document, None):
                return NOT_IN_RELEASE, f"{cond.text} matches nothing"
        for cond in self.absent:
            if not cond.relative and cond.holds_on(document, None):
                return ALREADY_DECLARED, f"{cond.text} exists"
        for cond in self.expect:
            if not cond.relative and not cond.holds_on(document, None):
                return "unexpected shape", f"expected {cond.text}"
        return None

    def node_reason(self, document: Any, node: Any) -> tuple[str, str] | None:
        """(reason, detail) when a node-relative (`@`) condition fails on `node`, else None.
        The reason "unexpected shape" is the one the engine reports as a problem."""
        for cond in self.expect:
            if cond.relative and not cond.holds_on(document, node):
                return "unexpected shape", f"expected {cond.text}"
        for cond in self.exists:
            if cond.relative and not cond.holds_on(document, node):
                return NOT_IN_RELEASE, f"{cond.text} matches nothing"
        for cond in self.absent:
            if cond.relative and cond.holds_on(document, node):
                return ALREADY_DECLARED, f"{cond.text} exists"
        return None


def _compile(text: Any, pointer: str, error: Callable[[str, str], None]) -> Condition | None:
    if not isinstance(text, str) or not text.startswith(("$", "@")):
        error(pointer, f"a condition must be a JSONPath query starting with '$' or '@', not {text!r}")
        return None
    from .jsonpath_simple import QueryError, compile_query

    relative = text.startswith("@")
    try:
        query = compile_query("$" + text[1:] if relative else text)
    except QueryError as exc:
        error(pointer, f"invalid JSONPath {text!r}: {exc}")
        return None
    return Condition(text, query, relative)


def parse_editions(value: Any, pointer: str, error: Callable[[str, str], None]) -> tuple[str, ...] | None:
    """A list of edition names (or one name); None after reporting a problem."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or any(i not in EDITIONS for i in items):
        error(pointer, f"'editions' must be a non-empty list of {', '.join(EDITIONS)}, not {value!r}")
        return None
    return tuple(dict.fromkeys(items))


def parse_preconditions(
    value: Any, pointer: str, error: Callable[[str, str], None], join: Callable[..., str]
) -> Preconditions | None:
    """Check a `when` mapping; None after reporting every problem found."""
    if not isinstance(value, dict):
        error(pointer, f"'when' must be a mapping with {', '.join(_WHEN_KEYS)}")
        return None
    ok = True
    found: dict[str, tuple[Condition, ...]] = {}
    for key, raw in value.items():
        if key not in _WHEN_KEYS:
            error(join(pointer, str(key)), f"unknown condition {key!r} (known: {', '.join(_WHEN_KEYS)})")
            ok = False
            continue
        texts = raw if isinstance(raw, list) else [raw]
        conditions = []
        for i, text in enumerate(texts):
            cond = _compile(text, join(pointer, key, i) if isinstance(raw, list) else join(pointer, key), error)
            ok = ok and cond is not None
            if cond is not None:
                conditions.append(cond)
        found[key] = tuple(conditions)
    return Preconditions(**found) if ok else None
