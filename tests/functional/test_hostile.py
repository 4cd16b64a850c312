"""Hostile schemas: the generated SDK either works and ran no injected code, or the build
fails with a clear, located error and leaves the old output untouched.

The corpus is in hostile_corpus.py; the randomized version is test_hostile_properties.py.
"""

from __future__ import annotations

import builtins
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cvat_gen.errors import BuildError, json_pointer
from tests.conftest import ROOT, build
from tests.functional import hostile_corpus as hc

_counter = itertools.count()

# Sites whose values are names: the build may refuse them, with a located error.
NAME_SITES = ("property name", "required property name")
# Texts that are prose or labels: every payload must build and work.
# (renaming the components comes last, because the other sites find them by name)
TEXT_SITES = tuple(sorted((s for s in hc.SITES if s not in NAME_SITES and s != "path"),
                          key=lambda s: s in ("schema name", "enum schema name")))

@pytest.fixture()
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """cwd is a fresh folder, so that a `PWNED` file would land where we look for it."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv(hc.SENTINEL_ENV, raising=False)
    assert not hc.sentinel_fired(work)
    yield work
    fired = hc.sentinel_fired(work)
    if hasattr(builtins, hc.SENTINEL_BUILTIN):
        delattr(builtins, hc.SENTINEL_BUILTIN)
    assert not fired, f"injected code ran: {fired}"


def write_schema(folder: Path, doc: dict[str, Any] | str | bytes) -> Path:
    path = folder / "schema.json"
    if isinstance(doc, bytes):
        path.write_bytes(doc)
    elif isinstance(doc, str):
        path.write_text(doc, encoding="utf-8")
    else:
        path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def build_and_exercise(doc: dict[str, Any], folder: Path, sandbox: Path) -> Any:
    """Outcome (a): build, compileall, import every module, use every model and operation,
    check the docs, and check that no sentinel fired. Returns the sdk."""
    package = f"hostile_{next(_counter)}.api_client"
    schema = write_schema(folder, doc)
    result = build(schema, folder / "out", package=package)
    sdk = hc.import_all(folder / "out", package)
    hc.exercise_models(sdk, result, doc)
    hc.exercise_operations(sdk, doc)
    hc.check_docs(folder / "out")
    assert not hc.sentinel_fired(sandbox)
    return sdk, result


def assert_located_error(exc: BuildError, pointer_prefix: str | None = None) -> None:
    """Outcome (b) in-process: every error is from the schema and names a JSON pointer."""
    errors = [d for d in exc.diagnostics if d.severity == "error"]
    assert errors
    for diagnostic in errors:
        line = diagnostic.format()
        assert diagnostic.source not in ("format", "templates", "plugins"), line  # a generator bug
        assert diagnostic.pointer.startswith("/"), line
    if pointer_prefix is not None:
        assert any(d.pointer.startswith(pointer_prefix) for d in errors), [d.format() for d in errors]


def test_an_error_is_one_line_even_when_the_pointer_has_a_newline() -> None:
    doc = hc.with_value("property name", "x\nimport os")
    from cvat_gen.build_ir import build_ir

    with pytest.raises(BuildError) as info:
        build_ir(doc, "0", "p")
    assert all("\n" not in d.format() for d in info.value.diagnostics), str(info.value)


def build_a_or_b(doc: dict[str, Any], folder: Path, sandbox: Path, pointer_prefix: str | None = None) -> str:
    try:
        build_and_exercise(doc, folder, sandbox)
    except BuildError as exc:
        assert_located_error(exc, pointer_prefix)
        return "error"
    return "ok"


# ---------------------------------------------------------------------------------------
# the sentinel itself


def test_sentinels_detect_injected_code(sandbox: Path) -> None:
    """The payloads would fire the sentinels if they ran (positive control)."""
    exec(compile("import os; os.system('touch PWNED')", "<payload>", "exec"))  # noqa: S102
    assert hc.sentinel_fired(sandbox) == [f"file {sandbox / 'PWNED'}"]
    (sandbox / "PWNED").unlink()
    exec("__import__('builtins').PWNED = 1")  # noqa: S102
    assert hc.sentinel_fired(sandbox) == ["builtins.PWNED"]
    delattr(builtins, "PWNED")


# ---------------------------------------------------------------------------------------
# every payload in every text site: outcome (a)


def _payload_id(index: int) -> str:
    return f"payload{index}-" + "".join(c if c.isalnum() else "_" for c in hc.PAYLOADS[index][:16])


@pytest.mark.parametrize("index", [
    pytest.param(i, id=_payload_id(i))
    for i in range(len(hc.PAYLOADS))
])
def test_payload_in_every_text_site_builds_and_runs_nothing(index: int, tmp_path: Path, sandbox: Path) -> None:
    doc = hc.base_schema()
    for site in TEXT_SITES:
        hc.SITES[site](doc, hc.PAYLOADS[index])
    sdk, result = build_and_exercise(doc, tmp_path, sandbox)
    # the values survived as data
    payload = hc.PAYLOADS[index]
    enum = next(e for e in result.ir.enums if e.pointer == json_pointer("components", "schemas", "E" + payload))
    assert payload in [member.value for member in getattr(sdk.models, enum.name)]
    assert sdk.SCHEMA_VERSION == result.ir.version


@pytest.mark.parametrize("index", [pytest.param(i, id=_payload_id(i)) for i in range(len(hc.PAYLOADS))])
def test_payload_as_property_name_works_or_is_a_located_error(index: int, tmp_path: Path, sandbox: Path) -> None:
    doc = hc.base_schema()
    for site in NAME_SITES:
        hc.SITES[site](doc, hc.PAYLOADS[index])
    outcome = build_a_or_b(doc, tmp_path, sandbox, "/components/schemas/Item")
    if any(c in hc.PAYLOADS[index] for c in '"\\\n\r\x00'):
        assert outcome == "error"  # msgspec can't encode such a field name: refused, with a pointer
    else:
        assert outcome == "ok"


@pytest.mark.parametrize("index", [
    pytest.param(i, id=_payload_id(i))
    for i in range(len(hc.PAYLOADS)) if "{" not in hc.PAYLOADS[i]
])
def test_payload_in_a_path_is_sent_literally(index: int, tmp_path: Path, sandbox: Path) -> None:
    doc = hc.with_value("path", hc.PAYLOADS[index])
    build_and_exercise(doc, tmp_path, sandbox)


@pytest.mark.parametrize("value", ["{{ cycler.__init__.__globals__.os.system('touch PWNED') }}", "{%x%}",
                                   "{#x#}"])
def test_braces_in_a_path_are_a_located_error_or_inert(value: str, tmp_path: Path, sandbox: Path) -> None:
    doc = hc.with_value("path", value)
    try:
        build_and_exercise(doc, tmp_path, sandbox)
    except BuildError as exc:
        assert all(d.severity != "error" or d.source == "schema" for d in exc.diagnostics), str(exc)


def test_lone_brace_in_a_path_is_a_located_error(tmp_path: Path, sandbox: Path) -> None:
    with pytest.raises(BuildError) as info:
        build(write_schema(tmp_path, hc.with_value("path", "x{")), tmp_path / "out", package="lone_brace.api")
    assert_located_error(info.value, "/paths/")


# ---------------------------------------------------------------------------------------
# the hand-written cases


@pytest.mark.parametrize("case", [c for c in hc.CASES if c.error_pointer is None and not c.error_text],
                         ids=lambda c: c.name)
def test_hostile_case_builds_and_runs_nothing(case: hc.Case, tmp_path: Path, sandbox: Path) -> None:
    assert isinstance(case.doc, dict)
    sdk, result = build_and_exercise(case.doc, tmp_path, sandbox)
    if case.check is not None:
        case.check(sdk, result)


def test_keywords_and_collisions_get_distinct_valid_names(tmp_path: Path, sandbox: Path) -> None:
    doc = hc.base_schema()
    for case in hc.CASES:
        if case.name in ("keywords and builtins as names", "snake case collisions"):
            assert isinstance(case.doc, dict)
            doc["components"]["schemas"].update(case.doc["components"]["schemas"])
            doc["paths"].update(case.doc["paths"])
    doc["tags"] = [{"name": "Items"}, {"name": "items"}, {"name": "lambda"}, {"name": "class"}]
    sdk, result = build_and_exercise(doc, tmp_path, sandbox)
    import keyword

    for model in result.ir.models:
        names = [f.py_name for f in model.fields]
        assert len(names) == len(set(names)), model.name
        assert all(n.isidentifier() and not keyword.iskeyword(n) for n in names)
    coll = next(m for m in result.ir.models if m.name == "Coll")
    assert sorted(f.json_name for f in coll.fields) == sorted(
        doc["components"]["schemas"]["Coll"]["properties"])
    # every JSON name survives a round trip through the model
    import msgspec

    # every JSON name survives a round trip through the model (decoding: the constructor also
    # takes Python names, and `foo_bar` is both the Python name of `fooBar` and a JSON name)
    value = {name: name for name in doc["components"]["schemas"]["Coll"]["properties"]}
    assert msgspec.to_builtins(msgspec.json.decode(json.dumps(value), type=sdk.models.Coll)) == value
    # the keyword model: positional required fields, JSON names kept
    klass = next(m for m in result.ir.models if m.pointer == "/components/schemas/class")
    instance = getattr(sdk.models, klass.name)("c", "d", **{"None": "n"})
    assert msgspec.to_builtins(instance) == {"class": "c", "def": "d", "None": "n"}
    class_names = [a.class_name for a in result.ir.apis]
    assert len(class_names) == len(set(class_names))
    attrs = [a.attr_name for a in result.ir.apis]
    assert len(attrs) == len(set(attrs))
    for api in result.ir.apis:
        methods = [op.method_name for op in api.operations]
        assert len(methods) == len(set(methods)), api.class_name
    assert len({e.name for e in result.ir.enums} | {m.name for m in result.ir.models}) == (
        len(result.ir.enums) + len(result.ir.models))


# ---------------------------------------------------------------------------------------
# outcome (b) through the CLI: exit 2, one located line per error, old output untouched


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "cvat_gen", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.fixture(scope="module")
def existing_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("existing")
    result = cli("build", "-q", "-o", str(folder / "out"), "--schema", str(write_schema(folder, hc.base_schema())),
                 cwd=folder)
    assert result.returncode == 0, result.stderr
    (folder / "out" / "my_notes.txt").write_text("mine")
    return folder / "out"


@pytest.mark.parametrize("case", [c for c in hc.CASES if c.error_pointer is not None or c.error_text],
                         ids=lambda c: c.name)
def test_hostile_case_is_a_clear_error_and_keeps_the_old_output(case: hc.Case, existing_output: Path,
                                                                 tmp_path: Path, sandbox: Path) -> None:
    before = hc.tree(existing_output)
    schema = write_schema(tmp_path, case.doc)
    result = cli("build", "-o", str(existing_output), "--schema", str(schema), cwd=sandbox)
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith(("error: ", "warning: ")) for line in lines), result.stderr
    errors = [line for line in lines if line.startswith("error: ")]
    assert any(case.error_text in line for line in errors), errors
    assert hc.tree(existing_output) == before
    if case.error_pointer is not None:
        located = any(f"#{case.error_pointer}" in line for line in errors)
        if case.known_bug and not located:
            pytest.xfail(case.known_bug)
        assert located, errors
        assert not case.known_bug, f"fixed, remove known_bug: {errors}"
    else:
        assert all(line.startswith(f"error: {schema}: ") for line in errors), errors
    assert hc.tree(existing_output) == before


@pytest.mark.parametrize(("site", "value", "pointer"), [
    ("info.description", "x\udcffy", "/info/description"),
    ("enum value", "\ud800", "/components/schemas/Color/enum/2"),
    ("property name", "p\udfff", "/components/schemas/Item/properties/p\\udfff"),
])
def test_lone_surrogate_is_a_clear_error(site: str, value: str, pointer: str, existing_output: Path,
                                         tmp_path: Path, sandbox: Path) -> None:
    """JSON can spell a lone surrogate (\\udcff); no UTF-8 file can hold it."""
    before = hc.tree(existing_output)
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(hc.with_value(site, value)), encoding="ascii")  # json.dumps escapes it
    result = cli("build", "-o", str(existing_output), "--schema", str(schema), cwd=sandbox)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert f"#{pointer}: " in result.stderr and "lone surrogate" in result.stderr
    assert hc.tree(existing_output) == before


def test_docs_code_spans_survive_carriage_returns(tmp_path: Path, sandbox: Path) -> None:
    build(write_schema(tmp_path, hc.with_value("enum value", "x\r<script>alert(1)</script>`")), tmp_path / "out",
          package="cr_docs.api")
    for page in (tmp_path / "out" / "docs").rglob("*.md"):
        for line in page.read_text(encoding="utf-8").splitlines():  # \r ends a line, as in Markdown
            assert "<script" not in hc.markdown_outside_code(line).lower(), (page, line)
