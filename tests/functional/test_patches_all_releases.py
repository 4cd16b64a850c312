"""`cvat-gen patches` on every real CVAT schema: each shipped action applies or is skipped
with a reason, and no schema of either edition has a stale built-in patch.

The schemas are found by listing ../shared/schemas (hosted, JSON) and ../shared/schemas/oss
(open-source, YAML): a schema dropped into either folder is tested with no code change.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cvat_gen.cli import cli
from cvat_gen.plugins.schema_patches import load_shipped_overlays

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "schemas"
REASONS = ("not in this release", "hosted edition only", "already declared by the server")


def schema_files() -> list[Path]:
    """Every schema of both folders, listed (never named in code)."""
    found = [p for p in SCHEMAS.glob("cvat-*") if p.suffix in (".json", ".yml", ".yaml")]
    found += [p for p in (SCHEMAS / "oss").glob("cvat-*") if p.suffix in (".json", ".yml", ".yaml")]
    return sorted(found)


FILES = schema_files()
pytestmark = pytest.mark.skipif(not FILES, reason=f"no shared schemas in {SCHEMAS}")
_ROW = re.compile(r"^  (?P<mark>\S+)\s+(?P<kind>update|remove)\s+(?P<rest>.*)$")


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}" if path.parent.name == "oss" else path.name


def _listing(path: Path) -> list[str]:
    result = CliRunner().invoke(cli, ["patches", "-s", str(path)])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


@pytest.mark.parametrize("path", FILES, ids=[_id(p) for p in FILES])
def test_every_shipped_action_applies_or_says_why_not(path: Path) -> None:
    lines = _listing(path)
    overlays = load_shipped_overlays()
    headers = [i for i, line in enumerate(lines) if not line.startswith("  ")]
    assert [lines[i] for i in headers] == [f"{o.source}: {o.title} [applies]" for o in overlays]
    is_oss = path.parent.name == "oss"
    reasons_seen: set[str] = set()
    for overlay, start in zip(overlays, headers, strict=True):
        rows = lines[start + 1: start + 1 + len(overlay.actions)]
        for action, row in zip(overlay.actions, rows, strict=True):
            match = _ROW.match(row)
            assert match and action.target in row and action.description in row, row
            mark = match["mark"]
            assert mark in ("ok", "skip"), f"{path.name}: {row}"
            if mark == "skip":
                note = row[row.rindex(" [skipped: ") + len(" [skipped: "):]
                reason = next((r for r in REASONS if note.startswith(r)), None)
                assert reason is not None, f"{path.name}: {row}"
                reasons_seen.add(reason)
                if reason == "hosted edition only":
                    assert is_oss, f"{path.name} is hosted but: {row}"
    if is_oss:
        # the hosted-only patches (functions preview, the missing status operation) say so
        assert "hosted edition only" in reasons_seen
    assert not any("STALE" in line or "unexpected shape" in line for line in lines)


@pytest.mark.parametrize("path", FILES, ids=[_id(p) for p in FILES])
def test_quality_report_file_patch_follows_what_the_server_sends(path: Path) -> None:
    """The report is a file only where the schema says binary and takes `format` (json|csv);
    older servers send a JSON object, and the patch must leave them alone."""
    from cvat_gen.load import load_schema

    operation = load_schema(str(path)).document["paths"]["/api/quality/reports/{id}/data"]["get"]
    declared = operation["responses"]["200"]["content"]["application/vnd.cvat+json"]["schema"]
    lines = [line for line in _listing(path) if "/api/quality/reports/{id}/data" in line]
    assert len(lines) == 2
    if declared.get("format") == "binary":
        assert all(line.startswith("  ok ") for line in lines), lines
    else:
        assert declared.get("type") == "object"
        assert all(line.startswith("  skip ") and "[skipped: not in this release" in line for line in lines), lines
