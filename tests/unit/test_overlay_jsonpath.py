"""The overlay engine's own JSONPath evaluator (generator/jsonpath_simple.py) against the
`jsonpath-rfc9535` library it stands in for: same nodelists, same errors, same fallbacks.

The evaluator only takes queries of a small subset (names and simple filters); everything
else must go to the library. Each test here compares the two on the same input rather than
on hard-coded answers where it can, so a difference in either direction fails.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonpath_rfc9535
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cvat_gen.errors import BuildError, DiagnosticSink
from cvat_gen.jsonpath_simple import QueryError, SimpleQuery, compile_query, parse_simple
from cvat_gen.load import load_schema
from cvat_gen.overlay import apply_overlay, parse_overlay
from cvat_gen.plugins.schema_patches import load_shipped_overlays

SCHEMAS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "schemas"
SCHEMA_FILES = sorted(
    p for folder in (SCHEMAS_DIR, SCHEMAS_DIR / "oss") if folder.is_dir()
    for p in folder.iterdir() if p.is_file() and p.suffix in (".json", ".yml", ".yaml")
)


def ours(query: str, document: Any) -> list[tuple[Any, ...]]:
    return [tuple(node.location) for node in compile_query(query).find(document)]


def theirs(query: str, document: Any) -> list[tuple[Any, ...]]:
    return [tuple(node.location) for node in jsonpath_rfc9535.compile(query).find(document)]


def outcome(fn: Any, query: str, document: Any) -> tuple[str, Any]:
    """("ok", locations) or ("error", message): the library's error, whichever way compiled."""
    try:
        return "ok", fn(query, document)
    except (QueryError, jsonpath_rfc9535.JSONPathError) as exc:
        return "error", str(exc)


DOC: dict[str, Any] = {
    "paths": {
        "/api/jobs/{id}/data": {"get": {"responses": {
            "200": {"content": {"application/vnd.cvat+json": {"schema": {"type": "string", "format": "binary"}}}},
            "206": {"content": {"image/jpeg": {}}},
        }}},
        "/api/x": {"get": {"parameters": [
            {"name": "format", "in": "query"}, {"name": "format", "in": "path"}, {"name": "org"}, "format",
        ]}},
    },
    "components": {"schemas": {"A": {"type": "object"}, "B": {"properties": {"type": "x"}}}},
    "list": [{"a": 1}, {"a": 2}],
    "200": "digits", "_u": 1, "é": 2, "a b": 3, "a'b": 4, 'a"b': 5, "": 6, "true": 7, "a\u00e9": 8,
    "flag": True, "s": "string",
}


# --- table-driven ---------------------------------------------------------------------------

# query, expected locations (checked against the library too)
CASES: list[tuple[str, list[tuple[Any, ...]]]] = [
    ("$", [()]),
    ("$.paths", [("paths",)]),
    ("$.missing", []),
    ("$.missing.deeper", []),
    ("$['200']", [("200",)]),
    ('$["200"]', [("200",)]),
    ("$._u", [("_u",)]),
    ("$.é", [("é",)]),
    ("$.aé", [("a\u00e9",)]),
    ("$.true", [("true",)]),
    ("$['a b']", [("a b",)]),
    ('$["a\'b"]', [("a'b",)]),
    ("$['a\"b']", [('a"b',)]),
    ("$['']", [("",)]),
    ("$['_u','200']", [("_u",), ("200",)]),
    ("$['200','_u']", [("200",), ("_u",)]),  # selectors in order, not document order
    ("$['200','200']", [("200",), ("200",)]),  # duplicates are kept
    ("$['200','nope','_u']", [("200",), ("_u",)]),
    ("$.list.a", []),  # arrays have no members
    ("$.s.length", []),  # neither do strings
    ("$.paths['/api/jobs/{id}/data'].get.responses['200','206'].content",
     [("paths", "/api/jobs/{id}/data", "get", "responses", "200", "content"),
      ("paths", "/api/jobs/{id}/data", "get", "responses", "206", "content")]),
    ("$.paths['/api/jobs/{id}/data'].get.responses['206','200','206']",
     [("paths", "/api/jobs/{id}/data", "get", "responses", k) for k in ("206", "200", "206")]),
    ("$.components.schemas[?@.type == 'object']", [("components", "schemas", "A")]),
    ("$.components.schemas[?@.type]", [("components", "schemas", "A")]),
    ("$.components.schemas[?!@.type]", [("components", "schemas", "B")]),
    ("$.components.schemas[?@.properties['type'] == 'x']", [("components", "schemas", "B")]),
    ("$.components.schemas[?$.flag]", [("components", "schemas", "A"), ("components", "schemas", "B")]),
    ("$.components.schemas[?!$.flag]", []),
    ("$.paths['/api/x'].get.parameters[?@.name == 'format' && @.in == 'query']",
     [("paths", "/api/x", "get", "parameters", 0)]),
    ("$.paths['/api/x'].get.parameters[?@.name=='format'&&@.in]",
     [("paths", "/api/x", "get", "parameters", 0), ("paths", "/api/x", "get", "parameters", 1)]),
    ("$.paths['/api/x'].get.parameters[?@ == 'format']", [("paths", "/api/x", "get", "parameters", 3)]),
    ("$.paths['/api/x'].get.parameters[?@ == \"format\"]", [("paths", "/api/x", "get", "parameters", 3)]),
    ("$[?@ == 'string']", [("s",)]),
    ("$.components.schemas[?@.type ]", [("components", "schemas", "A")]),
    ("$.components.schemas[?@.type == 'object'  ]", [("components", "schemas", "A")]),
    ("$[?@ == 'true']", []),  # true is not the string 'true'
    ("$.s[?@ == 'string']", []),  # a filter selects children, and a string has none
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[c[0] for c in CASES])
def test_subset_queries_match_the_library(query: str, expected: list[tuple[Any, ...]]) -> None:
    assert isinstance(compile_query(query), SimpleQuery), "this query is meant to be in the subset"
    assert ours(query, DOC) == expected
    assert theirs(query, DOC) == expected


# Outside the subset: valid or not, the library compiles them (and words the error).
FALLBACKS = [
    "$..a", "$.*", "$[*]", "$[0]", "$.list[0]", "$[1:2]", "$['a\\'b']", "$['\\u00e9']", "$ .paths",
    "$[ 'paths' ]", "$['paths' ]", "$.a\uac00", "$.a\u1100", "$[?@]", "$[?!@]", "$[?@.a == 1]",
    "$[?!@.a == 'x']", "$[?length(@) == 1]", "$['a',0]", "$[?@.a || @.b]", "$[?(@.a)]",
    "$[?@.a['b','c'] == 'x']", "$[?$.a == 'x']", "$[?'x' == @.a]", "$[? @.a]",
    "$.paths\t", "$['\x01']", "$['\ud800']",
    # invalid: the library's error messages
    "$.", "$..", "$[", "$['a'", "$['a',]", "$[]", "$.1a", "$.a.", "$x", "$['a']b", "$[?]", "$[?@.a ==]",
]


@pytest.mark.parametrize("query", FALLBACKS)
def test_other_queries_go_to_the_library(query: str) -> None:
    assert parse_simple(query) is None
    assert outcome(ours, query, DOC) == outcome(theirs, query, DOC)


INVALID = ["$.", "$[", "$['a',]", "$[]", "$.1a", "$.a.", "$['a']b", "$.a\uac00", "$[?@.a == ]", "$[?@.a['b','c'] == 'x']"]


@pytest.mark.parametrize("target", INVALID)
def test_invalid_targets_keep_the_library_message(target: str) -> None:
    with pytest.raises(jsonpath_rfc9535.JSONPathError) as lib:
        jsonpath_rfc9535.compile(target)
    overlay = {"overlay": "1.0.0", "info": {"title": "t", "version": "1"},
               "actions": [{"target": target, "remove": True},
                           {"target": "$.ok", "remove": True, "x-cvat-gen": {"when": {"absent": "@" + target[1:]}}}]}
    with pytest.raises(BuildError) as exc:
        parse_overlay(overlay, "o.yaml")
    messages = [(d.pointer, d.message) for d in exc.value.diagnostics]
    assert messages == [
        ("/actions/0/target", f"invalid JSONPath {target!r}: {lib.value}"),
        ("/actions/1/x-cvat-gen/when/absent", f"invalid JSONPath {'@' + target[1:]!r}: "
                                              f"{_lib_error('$' + target[1:])}"),
    ]


def _lib_error(query: str) -> str:
    try:
        jsonpath_rfc9535.compile(query)
    except jsonpath_rfc9535.JSONPathError as exc:
        return str(exc)
    raise AssertionError(f"{query} compiled")


def test_the_nodes_carry_their_values() -> None:
    nodes = compile_query("$.components.schemas['A','B']").find(DOC)
    assert [n.value for n in nodes] == [DOC["components"]["schemas"]["A"], DOC["components"]["schemas"]["B"]]
    assert nodes[0].value is DOC["components"]["schemas"]["A"]
    assert next(iter(compile_query("$.missing").finditer(DOC)), None) is None


# --- property: generated queries and documents ----------------------------------------------

# names that need quotes, start with digits, are non-ASCII (inside and outside what the
# library's shorthand accepts), empty, quote characters, backslashes, keywords
NAMES = ["a", "b", "_x", "A1", "200", "1a", "a b", "/api/{id}", "é", "aé", "가", "a가", "aᄀ", "😀",
         "", "a'b", 'a"b', "a\\b", "true", "in", "$", "@", "-", "a.b", "a[0]", "\t"]
LITERALS = ["x", "string", "binary", "a", "", "true", "1"]
QUOTES = ["'", '"']

names = st.sampled_from(NAMES) | st.text(max_size=3)


def _quote(name: str, prefer: str) -> str:
    """A string literal for `name`: unescaped where it can be, else with JSON-style escapes
    (which the evaluator leaves to the library)."""
    quote = prefer if prefer not in name else ("'" if prefer == '"' else '"')
    if quote in name or "\\" in name or any(ord(c) < 0x20 for c in name):
        body = json.dumps(name)[1:-1] if quote == '"' else json.dumps(name)[1:-1].replace('\\"', '"').replace("'", "\\'")
        return quote + body + quote
    return quote + name + quote


@st.composite
def name_segment(draw: st.DrawFn) -> str:
    picked = draw(st.lists(names, min_size=1, max_size=3))
    if len(picked) == 1 and draw(st.booleans()):
        return "." + picked[0]  # shorthand, valid or not: the library judges the invalid ones
    quotes = draw(st.lists(st.sampled_from(["'", '"']), min_size=len(picked), max_size=len(picked)))
    return "[" + ",".join(_quote(n, q) for n, q in zip(picked, quotes)) + "]"


@st.composite
def singular_path(draw: st.DrawFn) -> str:
    parts = draw(st.lists(names, max_size=2))
    return "".join(("." + p) if draw(st.booleans()) else "[" + _quote(p, "'") + "]" for p in parts)


@st.composite
def filter_segment(draw: st.DrawFn) -> str:
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["eq", "exists", "absent", "root"]))
        path = draw(singular_path())
        if kind == "eq":
            before, after = draw(st.sampled_from(["", " "])), draw(st.sampled_from(["", " "]))
            literal = _quote(draw(st.sampled_from(LITERALS)), draw(st.sampled_from(QUOTES)))
            terms.append(f"@{path}{before}=={after}{literal}")
        else:
            terms.append(("!" if kind == "absent" else "") + ("$" if kind == "root" else "@") + path)
    return "[?" + draw(st.sampled_from(["&&", " && "])).join(terms) + "]"


queries = st.builds(lambda segs: "$" + "".join(segs), st.lists(name_segment() | filter_segment(), max_size=4))
leaves = st.sampled_from([None, True, False, 0, 1, "x", "string", "binary", "true", "", 1.5])
documents = st.recursive(
    leaves,
    lambda children: st.dictionaries(st.sampled_from(NAMES), children, max_size=5) | st.lists(children, max_size=3),
    max_leaves=25,
)


@settings(max_examples=600, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(query=queries, document=documents)
def test_generated_queries_select_what_the_library_selects(query: str, document: Any) -> None:
    result = outcome(ours, query, document)
    kind = "evaluator" if parse_simple(query) is not None else "library"
    event(f"{kind}, {'error' if result[0] == 'error' else 'selects nodes' if result[1] else 'selects nothing'}")
    assert result == outcome(theirs, query, document)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(segments=st.lists(st.lists(st.sampled_from(["a", "b", "200", "a b", "é", ""]), min_size=1, max_size=3),
                         max_size=4),
       document=documents)
def test_simple_name_queries_take_the_fast_path(segments: list[list[str]], document: Any) -> None:
    """Bracketed names without escapes are always in the subset (the property test above
    mixes in fallbacks; this one makes sure the evaluator itself is what gets compared)."""
    query = "$" + "".join("[" + ",".join(f"'{n}'" for n in names_) + "]" for names_ in segments)
    assert isinstance(compile_query(query), SimpleQuery)
    assert ours(query, document) == theirs(query, document)


# --- every shipped query on every shared schema ---------------------------------------------


def _shipped_queries() -> list[tuple[str, str, bool]]:
    """(overlay title, query, relative?) for every target and condition of the shipped overlays."""
    found = []
    for overlay in load_shipped_overlays():
        for action in overlay.actions:
            found.append((overlay.title, action.target, False))
            for cond in (*action.when.exists, *action.when.absent, *action.when.expect):
                found.append((overlay.title, cond.text, cond.relative))
    return found


def test_every_shipped_query_is_in_the_subset() -> None:
    """A query outside it makes every build import jsonpath_rfc9535 (tens of milliseconds):
    extend generator/jsonpath_simple.py, or accept that cost and drop this test."""
    outside = [q for _, q, rel in _shipped_queries() if parse_simple("$" + q[1:] if rel else q) is None]
    assert not outside


@cache
def _schema_text(path: Path) -> str:
    return json.dumps(load_schema(str(path)).document)


@pytest.mark.skipif(not SCHEMA_FILES, reason=f"no shared schemas in {SCHEMAS_DIR}")
@pytest.mark.parametrize("path", SCHEMA_FILES, ids=[p.name for p in SCHEMA_FILES])
def test_shipped_queries_select_what_the_library_selects(path: Path) -> None:
    """On the schema as loaded, and again after each shipped overlay is applied (what the
    next overlay sees); relative conditions on every node each target selects."""
    schema = json.loads(_schema_text(path))
    overlays = load_shipped_overlays()
    checked = 0
    for overlay in [None, *overlays]:
        if overlay is not None:
            apply_overlay(schema, overlay, DiagnosticSink(), stale="warning")
        for other in overlays:
            for action in other.actions:
                targets = theirs(action.target, schema)
                assert ours(action.target, schema) == targets, action.target
                nodes = [node.value for node in jsonpath_rfc9535.compile(action.target).find(schema)]
                for cond in (*action.when.exists, *action.when.absent, *action.when.expect):
                    query = "$" + cond.text[1:] if cond.relative else cond.text
                    for root in (nodes if cond.relative else [schema]):
                        if isinstance(root, (dict, list)):
                            assert ours(query, root) == theirs(query, root), cond.text
                            checked += 1
    assert checked


def test_the_patched_schemas_are_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole patch stage, with the library forced for every query, gives the same schema."""
    import cvat_gen.jsonpath_simple as simple

    files = SCHEMA_FILES
    if not files:
        pytest.skip("no shared schemas")
    fast = load_shipped_overlays()
    monkeypatch.setattr(simple, "parse_simple", lambda text: None)
    slow = load_shipped_overlays()
    assert not any(isinstance(a.query, SimpleQuery) for o in slow for a in o.actions)
    changed = 0
    for path in files:
        a, b = json.loads(_schema_text(path)), json.loads(_schema_text(path))
        sink_a, sink_b = DiagnosticSink(), DiagnosticSink()
        results_a = [apply_overlay(a, o, sink_a, stale="warning") for o in fast]
        results_b = [apply_overlay(b, o, sink_b, stale="warning") for o in slow]
        assert a == b
        assert results_a == results_b
        assert [(d.pointer, d.message) for d in sink_a.items] == [(d.pointer, d.message) for d in sink_b.items]
        changed += a != json.loads(_schema_text(path))
    assert changed  # the overlays did something
