"""`cvat-gen changelog`: a markdown release-notes section from a diff report.

Groups: Breaking (every ERR finding), Deprecated, Added and Changed (by the rule's category;
removals after a deprecation period land in Changed, they are WARN). Within a group the
Python SDK's changes come first, since that is what the people reading SDK notes touch.
The suggested bump follows semver: major for anything breaking, minor for additions and
changes that may break, patch for the rest.
"""

from __future__ import annotations

from .formats import _cell
from .model import Finding, Report
from .rules import rule

GROUPS = ("Breaking", "Deprecated", "Added", "Changed")


def group_of(finding: Finding) -> str:
    if finding.level == "ERR":
        return "Breaking"
    category = rule(finding.id).category
    return {"deprecated": "Deprecated", "added": "Added"}.get(category, "Changed")


def suggested_bump(report: Report) -> str:
    """'major', 'minor', 'patch' or 'none'."""
    if not report.findings:
        return "none"
    if any(f.level == "ERR" for f in report.findings):
        return "major"
    if any(f.level == "WARN" or rule(f.id).category in ("added", "deprecated") for f in report.findings):
        return "minor"
    return "patch"


def bump(version: str, kind: str) -> str:
    """Apply a semver bump to the numeric release part of a version ('2.61.0', 'major' -> '3.0.0')."""
    import re

    match = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", version.strip())
    if not match or kind == "none":
        return version
    major, minor, patch = (int(g or 0) for g in match.groups())
    if kind == "major":
        return f"{major + 1}.0.0"
    if kind == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def _code(text: str) -> str:
    """A code span: backticks can't end it early, newlines can't end the line."""
    return "`" + " ".join(text.replace("`", "'").split()) + "`"


def _bullet(f: Finding) -> str:
    subject = _code(f.symbol) if f.symbol else (_code(f.operation) if f.operation else "")
    count = len(f.operations)
    extra = f" ({count} operations)" if count > 1 else ""
    text = _cell(f.message)
    return f"- {subject + ': ' if subject else ''}{text}{extra} (`{f.id}`)"


def changelog(report: Report, title: str | None = None) -> str:
    kind = suggested_bump(report)
    heading = title or f"SDK for CVAT server {report.new_version or report.new}"
    lines = [f"## {_cell(heading)}", "",
             f"Changes since the SDK for server {_cell(report.old_version or report.old)}.", "",
             f"Suggested semver bump: **{kind}**"
             + (f" ({_cell(report.old_version)} → {bump(report.old_version, kind)} under semver; the generated "
                f"distribution's version follows the server release, {_cell(report.new_version)})"
                if report.old_version and report.new_version and kind != "none" else "")
             + f". Findings: {report.summary() if report.findings else 'none'}.", ""]
    for group in GROUPS:
        items = [f for f in report.findings if group_of(f) == group]
        if not items:
            continue
        lines += [f"### {group}", ""]
        for scope, label in (("sdk", "Python SDK"), ("api", "HTTP API")):
            scoped = [f for f in items if f.scope == scope]
            if scoped:
                lines += [f"#### {label}", ""] + [_bullet(f) for f in scoped] + [""]
    if not report.findings:
        lines += ["No changes.", ""]
    return "\n".join(lines).rstrip() + "\n"
