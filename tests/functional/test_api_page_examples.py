"""Every example of the generated API pages runs, as written, against the contract server.

Why: the pages (docs/apis/<Class>.md, plugins/docs) show one runnable example per operation;
issue 11 asks for docs that work as written. For every schema under ../shared/schemas (both
editions, found by listing), the test takes the shared build's pages, parses the Markdown
fences, and executes each ``**Example**`` block in this process against one ContractServer
of that schema, which validates the request with openapi-core. An example passes when it
raises nothing and the server accepted every request it sent, for the operation whose
section it is in (same HTTP method and path as the section's request line).

What the test changes before running an example is in tests/support/api_page_examples.py:
the host literal, the files opened by name (they exist in a scratch folder), and where the
documented package is imported from. Nothing else of the text.

An example whose request the schema itself can't satisfy is reported as "impossible", with
the reason computed from the schema (tests/support/api_page_examples_schema.py), as one
warning each; the per-schema summary line (printed, and the ``api_page_examples`` property)
counts them, and the test fails only on the others.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import SCHEMA_IDS, built_sdk, load_document
from tests.functional.contract_calls import with_status_endpoint
from tests.support.api_page_examples import (
    PageExample,
    inspect_example,
    package_as,
    page_examples,
    run_example,
)
from tests.support.api_page_examples_schema import impossible_reason
from tests.support.contract_server import ContractServer

from cvat_gen.plugins.docs.examples import pattern_example

pytestmark = pytest.mark.slow

DOCUMENTED_PACKAGE = "cvat_sdk.api_client"  # what built_sdk builds (default settings)
FILE_BYTES = b"\x89PNG\r\n\x1a\nexample file"


def _collect(schema_id: str) -> tuple[list[PageExample], list[str]]:
    """The examples of every API page, and the problems of the pages themselves (a section
    without exactly one example)."""
    pages = sorted((built_sdk(schema_id) / "docs" / "apis").glob("*.md"))
    assert pages, f"{schema_id}: the build has no docs/apis/*.md pages"
    examples: list[PageExample] = []
    problems: list[str] = []
    for page in pages:
        sections, found = page_examples(page)
        counts = {s: sum(e.operation == s for e in found) for s in sections}
        problems += [f"{page.name} ({s}): {n} example blocks, expected 1" for s, n in counts.items() if n != 1]
        examples += found
    return examples, problems


@pytest.mark.parametrize("schema_id", SCHEMA_IDS)
def test_every_api_page_example_runs(
    schema_id: str,
    contract_sdk: Callable[[str], ModuleType],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    record_property: Callable[[str, object], None],
) -> None:
    sdk = contract_sdk(schema_id)
    examples, problems = _collect(schema_id)
    scratch = tmp_path_factory.mktemp(f"examples-{schema_id}")
    monkeypatch.chdir(scratch)
    schema = with_status_endpoint(load_document(schema_id))
    # every pattern of the schema gets a matching example value (the simple rules suffice)
    unmatched = sorted(p for p in _patterns(schema) if pattern_example(p) is None)

    failures: list[str] = list(problems) + [f"no example value matches pattern {p!r}" for p in unmatched]
    impossible: list[str] = []
    passed = 0
    started = time.perf_counter()
    with ContractServer(schema, seed=11) as server, package_as(DOCUMENTED_PACKAGE, sdk):
        for example in examples:
            packages, files = inspect_example(example.code)
            if packages != {DOCUMENTED_PACKAGE}:
                failures.append(f"{example.where}: imports {sorted(packages)}, expected {DOCUMENTED_PACKAGE}")
                continue
            if any(Path(name).name != name for name in files):  # only plain names, in the scratch folder
                failures.append(f"{example.where}: opens a file outside the working folder: {files}")
                continue
            for name in files:
                (scratch / name).write_bytes(FILE_BYTES)
            server.clear_log()
            outcome = run_example(example, server.url)
            records = list(server.log)
            problem = ""
            if outcome.error:
                problem = f"raised {outcome.error}"
            elif not records:
                problem = "sent no request"
            else:
                for record in records:
                    op, _ = server.find(record.method, record.path)
                    if op is None or (op.method.upper(), op.path) != (example.http_method, example.path):
                        problem = (f"sent {record.method} {record.path}, the section documents "
                                   f"{example.http_method} {example.path}")
                        break
                    if not record.ok:
                        problem = f"the server rejected {op.operation_id}: " + " ; ".join(record.errors)
                        break
            if not problem:
                passed += 1
                continue
            reason = impossible_reason(schema, example.http_method, example.path)
            if reason:
                impossible.append(f"{example.where}: {reason}")
            else:
                failures.append(f"{example.where}: {problem}")
    elapsed = time.perf_counter() - started

    summary = (f"{schema_id}: {len(examples)} examples, {passed} passed, {len(impossible)} impossible by the"
               f" schema, {len(examples) - passed - len(impossible)} failed, {elapsed:.1f} s")
    record_property("api_page_examples", summary)
    print(summary)
    for line in impossible:  # explicit, with the computed reason, in the warnings summary
        warnings.warn(f"{schema_id}: example can't pass: {line}", UserWarning, stacklevel=1)
    assert examples, f"{schema_id}: no examples found in docs/apis/*.md"
    assert not failures, f"{len(failures)} of {len(examples)} examples of {schema_id} failed:\n" + "\n".join(failures)


# --- the parts the matrix relies on, checked on small inputs --------------------------------


def test_fences_and_sections_are_read_by_the_commonmark_rules(tmp_path) -> None:
    page = tmp_path / "XApi.md"
    page.write_text(
        "# XApi\n\n```python\nnot an example\n```\n\n## first\n\n**GET** `/api/x`: get\n\n"
        "**Example**\n\n````python\nprint('```')\n```\nstill code\n````\n\n"
        "## second\n\n**POST** `` /api/`y` ``\n\n**Example**\n\n  ```python\n  a = 1\n   b = 2\n  ```\n"
        "\n## third\n\nno example\n",
        encoding="utf-8",
    )
    sections, found = page_examples(page)
    assert sections == ["first", "second", "third"]
    assert [(e.operation, e.http_method, e.path, e.code) for e in found] == [
        ("first", "GET", "/api/x", "print('```')\n```\nstill code"),
        ("second", "POST", "/api/`y`", "a = 1\n b = 2"),
    ]


def test_impossible_requests_are_explained_and_possible_ones_are_not() -> None:
    schema = {
        "paths": {
            "/a/{id}": {
                "parameters": [{"in": "path", "name": "id", "required": True,
                                "schema": {"type": "string", "minLength": 5, "maxLength": 2}}],
                "get": {"responses": {}},
            },
            "/b": {"post": {"requestBody": {"required": True, "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Loop"}}}}}},
            "/c": {"post": {"parameters": [{"in": "query", "name": "q", "required": True,
                                             "schema": {"type": "string", "enum": []}}]}},
            "/ok": {"post": {"requestBody": {"required": True, "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Fine"}}}}}},
        },
        "components": {"schemas": {
            "Loop": {"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#/components/schemas/Loop"}}},
            "Fine": {"type": "object", "required": ["next", "id"], "properties": {
                "next": {"allOf": [{"$ref": "#/components/schemas/Fine"}], "nullable": True},
                "id": {"type": "integer", "readOnly": True, "minimum": 3, "maximum": 1},
            }},
        }},
    }
    assert "minLength 5 > maxLength 2" in impossible_reason(schema, "GET", "/a/{id}")
    assert "contain itself" in impossible_reason(schema, "POST", "/b")
    assert "enum has no values" in impossible_reason(schema, "POST", "/c")
    assert impossible_reason(schema, "POST", "/ok") == ""
    assert "no operation" in impossible_reason(schema, "DELETE", "/ok")


def _patterns(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
        return found.union(*(_patterns(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_patterns(v) for v in node))
    return set()


@pytest.mark.parametrize("constraints", [
    {"pattern": "^\"'); import os; ('$"},
    {"pattern": "(?=x)y"},  # look-ahead: the documented fallback
    {"minLength": 10**9},
    {"pattern": "a{1000000}"},
    {"maxLength": 0},
])
def test_example_strings_stay_literals_for_hostile_constraints(constraints: dict) -> None:
    import ast

    from cvat_gen.plugins.docs.examples import string_example

    text = string_example("name", constraints)
    value = ast.literal_eval(text)
    assert isinstance(value, str) and len(value) <= 200
    assert isinstance(ast.parse(text).body[0].value, ast.Constant)


def test_example_numbers_respect_their_bounds() -> None:
    from cvat_gen.plugins.docs.examples import number_example

    assert number_example("int", {"minimum": 5}) == "5"
    assert number_example("int", {"exclusiveMinimum": 5}) == "6"
    assert number_example("int", {"maximum": -3}) == "-3"
    assert number_example("int", {"minimum": 0, "maximum": 100}) == "1"
    assert number_example("float", {"exclusiveMinimum": 0, "exclusiveMaximum": 1}) == "0.5"
    assert number_example("float", {"minimum": float("inf")}) == "1.0"


_NEWEST = sorted({("oss" if s.startswith("oss-") else "hosted"): s for s in SCHEMA_IDS}.values())


@pytest.mark.parametrize("schema_id", _NEWEST)
def test_api_page_examples_are_black_formatted(schema_id: str) -> None:
    """A reader who pastes an example into a black-formatted project sees no change: the
    docs plugin lays long calls out as black does (the newest schema of each edition)."""
    black = pytest.importorskip("black")
    mode = black.Mode(line_length=88)
    examples, _ = _collect(schema_id)
    changed = [e.where for e in examples if black.format_str(e.code + "\n", mode=mode) != e.code + "\n"]
    assert not changed, f"{len(changed)} examples change under black: {changed[:10]}"


def test_example_strings_follow_simple_patterns_and_skip_hostile_ones() -> None:
    from cvat_gen.plugins.docs.examples import pattern_example, simple_pattern, string_example

    assert string_example("id", {"pattern": r"^function:\d+$"}) == '"function:1"'
    assert string_example("id", {"pattern": r"^function:\d+$", "minLength": 12}) == '"function:111"'
    assert string_example("email", {}) == '"user@example.com"'
    assert pattern_example(r"^[a-z]*$") == "a"
    # nested repeats could backtrack for hours on a crafted text: never matched, fallback used
    assert not simple_pattern(r"^(\w+\s?)*!$")
    assert string_example("id", {"pattern": r"^(\w+\s?)*!$", "minLength": 90}).startswith('"string')
