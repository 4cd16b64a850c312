"""Formats, exit codes, changelog and generated docs of `cvat-gen diff`, on small fixtures."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from cvat_gen.diff import Side, compare
from cvat_gen.diff.changelog import bump, changelog, suggested_bump
from cvat_gen.diff.docs import outputs
from cvat_gen.diff.formats import FORMATS, JSON_SCHEMA, exit_code, render
from cvat_gen.diff.model import Report
from cvat_gen.diff.rules import RULES
from tests.unit.test_diff_rules import make_doc, obj, op, param, response
from tests.unit.test_diff_sdk_rules import ir_of, paths

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = 'x|y`z <b>&amp;</b>\n::error::pwned %0A, "q"'


def side(doc: dict, name: str) -> Side:
    return Side(name, doc, ir_of(doc))


def report_of(old: dict, new: dict) -> Report:
    return compare(side(old, "old.json"), side(new, "new.json"))


def mixed() -> Report:
    """One ERR (a removed operation), WARN (a removed deprecated parameter), INFO (additions)."""
    old = make_doc(paths(("/items", "get", op(parameters=[param("old", deprecated=True)])), ("/gone", "get", op("gone_list"))))
    new = make_doc(paths(("/items", "get", op(parameters=[param("fresh")], responses=response(obj({"a": {"type": "string"}}))))))
    return report_of(old, new)


def test_levels_and_exit_codes() -> None:
    report = mixed()
    counts = report.counts()
    assert counts["ERR"] >= 1 and counts["WARN"] >= 1 and counts["INFO"] >= 1
    assert "api-removed-without-deprecation" in {f.id for f in report.findings}
    assert "request-parameter-removed-after-deprecation" in {f.id for f in report.findings}
    assert [exit_code(report, level) for level in (None, "ERR", "WARN", "INFO")] == [0, 1, 1, 1]
    only_info = report_of(make_doc(paths(("/items", "get", op()))), make_doc(paths(("/items", "get", op(parameters=[param()])))))
    assert [exit_code(only_info, level) for level in ("ERR", "WARN", "INFO")] == [0, 0, 1]
    assert report.findings == sorted(report.findings, key=lambda f: f.sort_key())


def test_json_output_follows_its_published_schema() -> None:
    data = json.loads(render(mixed(), "json"))
    jsonschema.Draft202012Validator.check_schema(JSON_SCHEMA)
    jsonschema.validate(data, JSON_SCHEMA)
    assert data["summary"] == mixed().counts()
    assert all(f["id"] in RULES for f in data["findings"])


def test_generated_docs_are_current() -> None:
    for rel, text in outputs().items():
        assert (ROOT / rel).read_text(encoding="utf-8") == text, f"{rel} is stale: run python -m cvat_gen.diff.docs"
    page = (ROOT / "docs/diff-rules.md").read_text(encoding="utf-8")
    assert all(f"`{rule_id}`" in page for rule_id in RULES)


def hostile_report() -> Report:
    old = make_doc(paths(("/items", "get", op(parameters=[param(HOSTILE)]))))
    return report_of(old, make_doc(paths(("/items", "get", op()))))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_and_is_deterministic(fmt: str) -> None:
    assert render(mixed(), fmt) == render(mixed(), fmt)
    assert render(report_of(make_doc(), make_doc()), fmt)


def test_schema_strings_stay_data() -> None:
    report = hostile_report()
    gh = render(report, "githubactions")
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) or not line.startswith("::")
               for line in gh.splitlines())
    # the newline in the name is escaped, so its "::error::" can't start a workflow command
    assert not any(line.startswith("::error::") for line in gh.splitlines()) and "%0A::error::pwned" in gh
    root = ET.fromstring(render(report, "junit").split("\n", 1)[1])
    assert root.tag == "testsuites" and int(root.get("failures", "0")) >= 1
    md = render(report, "markdown")
    table_rows = [line for line in md.splitlines() if line.startswith("| ") and "request-parameter-removed" in line]
    assert table_rows and all(line.count(" | ") == 3 for line in table_rows), table_rows
    assert "<b>" not in md and "<b>" not in changelog(report)
    text = render(report, "text")
    assert len(text.splitlines()) == 2 + len(report.findings)  # header, one line per finding, summary


def test_text_is_coloured_only_when_asked() -> None:
    from cvat_gen.diff.formats import format_text

    report = mixed()
    assert "\x1b[31m" in format_text(report, colour=True) and "\x1b[" not in format_text(report)


def test_changelog_groups_and_bump() -> None:
    report = mixed()
    notes = changelog(report)
    for group in ("### Breaking", "### Added", "### Changed"):
        assert group in notes
    assert notes.index("### Breaking") < notes.index("### Added") < notes.index("### Changed")
    assert "**major**" in notes and suggested_bump(report) == "major"
    deprecated = report_of(make_doc(paths(("/items", "get", op()))), make_doc(paths(("/items", "get", op(deprecated=True)))))
    assert "### Deprecated" in changelog(deprecated) and suggested_bump(deprecated) == "minor"
    assert suggested_bump(report_of(make_doc(), make_doc())) == "none"
    assert (bump("2.61.0", "major"), bump("2.61.0", "minor"), bump("2.61.3", "patch")) == ("3.0.0", "2.62.0", "2.61.4")
