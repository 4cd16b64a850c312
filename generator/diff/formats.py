"""Output formats of `cvat-gen diff`: text, markdown, json, githubactions and junit.

Every format is deterministic (findings are sorted) and prints schema strings only as data:
markdown escapes table cells, JUnit goes through an XML serializer, GitHub Actions commands
escape their properties and messages, so nothing a schema says can become markup or a
workflow command.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .model import Finding, Report
from .rules import LEVEL_RANK, LEVELS

FORMATS = ("text", "markdown", "json", "githubactions", "junit")
JSON_FORMAT_VERSION = 1
_COLOURS = {"ERR": "red", "WARN": "yellow", "INFO": "cyan"}

# The JSON output's schema, published as docs/diff-output.schema.json.
JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://cvat-gen.invalid/diff-output.schema.json",
    "title": "cvat-gen diff --format json",
    "type": "object",
    "required": ["format_version", "old", "new", "summary", "findings"],
    "additionalProperties": False,
    "properties": {
        "format_version": {"const": JSON_FORMAT_VERSION},
        "old": {"$ref": "#/$defs/side"},
        "new": {"$ref": "#/$defs/side"},
        "summary": {
            "type": "object", "required": list(LEVELS), "additionalProperties": False,
            "properties": {level: {"type": "integer", "minimum": 0} for level in LEVELS},
        },
        "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
    },
    "$defs": {
        "side": {
            "type": "object", "required": ["source", "version"], "additionalProperties": False,
            "properties": {"source": {"type": "string"}, "version": {"type": "string"}},
        },
        "finding": {
            "type": "object",
            "required": ["id", "level", "scope", "message", "operation", "operations", "pointer", "symbol"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                       "description": "rule id, documented in docs/diff-rules.md"},
                "level": {"enum": list(LEVELS)},
                "scope": {"enum": ["api", "sdk"], "description": "api: the HTTP API; sdk: the generated Python SDK"},
                "message": {"type": "string"},
                "operation": {"type": "string", "description": "first operationId the change touches, or empty"},
                "operations": {"type": "array", "items": {"type": "string"}},
                "pointer": {"type": "string", "description": "JSON pointer into the new schema (the old one for removals)"},
                "symbol": {"type": "string", "description": "the Python symbol, e.g. TasksApi.create or TaskRead.name"},
            },
        },
    },
}


def to_json_data(report: Report) -> dict[str, Any]:
    return {
        "format_version": JSON_FORMAT_VERSION,
        "old": {"source": report.old, "version": report.old_version},
        "new": {"source": report.new, "version": report.new_version},
        "summary": report.counts(),
        "findings": [f.to_dict() for f in report.findings],
    }


def format_json(report: Report, **_: Any) -> str:
    return json.dumps(to_json_data(report), indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def format_text(report: Report, colour: bool = False, **_: Any) -> str:
    import click

    lines = [f"{report.old} ({report.old_version or '?'}) -> {report.new} ({report.new_version or '?'})"]
    for finding in report.findings:
        level = f"{finding.level:4}"
        if colour:
            level = click.style(level, fg=_COLOURS[finding.level], bold=finding.level == "ERR")
        symbol = f" [{finding.symbol}]" if finding.symbol else ""
        lines.append(f"{level} {finding.id}  {finding.location}{symbol}: {_one_line(finding.message)}")
    lines.append(report.summary() if report.findings else "no changes")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """A markdown table cell: pipes, backticks and markup characters escaped, one line."""
    escaped = _one_line(text)
    for char in "\\`*_[]<>|":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def format_markdown(report: Report, **_: Any) -> str:
    counts = report.counts()
    lines = [f"## API diff: {_cell(report.old_version or report.old)} → {_cell(report.new_version or report.new)}", "",
             "| ERR | WARN | INFO |", "|---:|---:|---:|", f"| {counts['ERR']} | {counts['WARN']} | {counts['INFO']} |", ""]
    for level in LEVELS:
        items = [f for f in report.findings if f.level == level]
        if not items:
            continue
        lines += [f"### {level}", "", "| Rule | Operation | Symbol | Change |", "|---|---|---|---|"]
        for f in items:
            lines.append(f"| {_cell(f.id)} | {_cell(f.location)} | {_cell(f.symbol)} | {_cell(f.message)} |")
        lines.append("")
    if not report.findings:
        lines.append("No changes.")
    return "\n".join(lines).rstrip() + "\n"


def _gh_escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_githubactions(report: Report, **_: Any) -> str:
    command = {"ERR": "error", "WARN": "warning", "INFO": "notice"}
    lines = []
    for f in report.findings:
        title = _gh_escape(f"{f.id} {f.symbol or f.operation}".strip(), True)
        message = _gh_escape(f"{f.message} ({f.location})")
        lines.append(f"::{command[f.level]} title={title}::{message}")
    lines.append(_gh_escape(report.summary()))
    return "\n".join(lines) + "\n"


def format_junit(report: Report, fail_on: str = "ERR", **_: Any) -> str:
    """One test suite per scope, one test case per finding; findings at or above `fail_on`
    are failures, so CI dashboards show them."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="cvat-gen diff")
    total_failures = 0
    for scope, title in (("api", "HTTP API"), ("sdk", "Python SDK")):
        items = [f for f in report.findings if f.scope == scope]
        failures = [f for f in items if LEVEL_RANK[f.level] >= LEVEL_RANK[fail_on]]
        total_failures += len(failures)
        suite = ET.SubElement(root, "testsuite", name=f"{title}: {report.old_version} -> {report.new_version}",
                              tests=str(max(len(items), 1)), failures=str(len(failures)), errors="0", skipped="0")
        if not items:
            ET.SubElement(suite, "testcase", classname=scope, name="no changes")
        for f in items:
            case = ET.SubElement(suite, "testcase", classname=f"{scope}.{f.id}", name=f"{f.symbol or f.operation} {f.pointer}".strip())
            text = f"{f.level} {f.id}: {f.message} ({f.location})"
            if LEVEL_RANK[f.level] >= LEVEL_RANK[fail_on]:
                failure = ET.SubElement(case, "failure", type=f.level, message=_one_line(f.message))
                failure.text = text
            else:
                ET.SubElement(case, "system-out").text = text
    root.set("tests", str(max(len(report.findings), 1)))
    root.set("failures", str(total_failures))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


FORMATTERS: dict[str, Callable[..., str]] = {
    "text": format_text, "markdown": format_markdown, "json": format_json,
    "githubactions": format_githubactions, "junit": format_junit,
}


def render(report: Report, fmt: str, colour: bool = False, fail_on: str = "ERR") -> str:
    return FORMATTERS[fmt](report, colour=colour, fail_on=fail_on)


def exit_code(report: Report, fail_on: str | None) -> int:
    """1 when a finding is at or above `fail_on`, else 0."""
    return 1 if fail_on and report.at_least(fail_on) else 0


__all__ = ["FORMATS", "JSON_SCHEMA", "exit_code", "render", "to_json_data", "Finding"]
