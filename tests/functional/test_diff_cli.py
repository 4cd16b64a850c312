"""`cvat-gen diff` and `cvat-gen changelog` on real releases, through the command line.

Exit status: 0 without --fail-on or with nothing at that level, 1 with a finding at or above
it, 2 for bad input (with the usual one-line error). Both schemas get the same overlays
and plugins as a build.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SCHEMAS, schema_path
from tests.functional.test_build import cli

OLD, NEW = str(schema_path("2.69.0")), str(schema_path("2.70.0"))


def test_levels_fail_on_and_formats() -> None:
    plain = cli("diff", OLD, NEW)
    assert plain.returncode == 0, plain.stderr
    assert "api-removed-without-deprecation" in plain.stdout and "\x1b[" not in plain.stdout
    assert "findings: " in plain.stdout.splitlines()[-1] and " ERR, " in plain.stdout.splitlines()[-1]
    assert cli("diff", OLD, NEW, "--fail-on", "ERR").returncode == 1
    assert cli("diff", OLD, NEW, "--fail-on", "info").returncode == 1
    same = cli("diff", OLD, OLD, "--fail-on", "INFO")
    assert same.returncode == 0 and "no changes" in same.stdout
    data = json.loads(cli("diff", OLD, NEW, "-f", "json").stdout)
    assert data["summary"]["ERR"] >= 1 and data["new"]["version"] == "2.70.0"
    ids = {f["id"] for f in data["findings"]}
    assert {"api-removed-without-deprecation", "sdk-method-removed", "sdk-model-removed"} <= ids
    assert {f["scope"] for f in data["findings"]} == {"api", "sdk"}
    api_only = json.loads(cli("diff", OLD, NEW, "-f", "json", "--scope", "api").stdout)
    assert {f["scope"] for f in api_only["findings"]} == {"api"}
    gh = cli("diff", OLD, NEW, "-f", "githubactions").stdout
    assert gh.startswith("::error title=")
    assert cli("diff", OLD, NEW, "-f", "junit").stdout.startswith("<?xml")
    assert cli("diff", OLD, NEW, "-f", "markdown").stdout.startswith("## API diff: 2.69.0 → 2.70.0")


def test_bad_input_exits_2_with_one_line(tmp_path: Path) -> None:
    missing = cli("diff", str(tmp_path / "nope.json"), NEW)
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
    assert "schema file not found" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = cli("diff", OLD, str(broken), "--fail-on", "ERR")
    assert result.returncode == 2 and "invalid JSON" in result.stderr
    assert cli("diff", OLD, NEW, "--disable-plugin", "no_such_plugin").returncode == 2
    assert cli("diff", OLD, NEW, "--fail-on", "FATAL").returncode == 2
    assert cli("changelog", str(tmp_path / "nope.json"), NEW).returncode == 2


def test_overlay_applies_to_both_sides(tmp_path: Path) -> None:
    overlay = tmp_path / "drop.yaml"
    overlay.write_text("overlay: 1.0.0\ninfo: {title: drop, version: 1.0.0}\nactions:\n"
                       "  - target: \"$.paths['/api/invitations/{key}'].patch\"\n    remove: true\n")
    result = cli("diff", OLD, NEW, "-f", "json", "--overlay", str(overlay), "--stale-patches", "warning")
    assert result.returncode == 0, result.stderr
    ids = {f["id"] for f in json.loads(result.stdout)["findings"]}
    assert "api-removed-without-deprecation" not in ids and "sdk-method-removed" not in ids


def test_disable_plugin_applies_to_both_sides() -> None:
    """compat_aliases names the hosted RegisterSerializerWithSubscriptions `RegisterSerializerEx`,
    the open-source class: with it, the open-source side has a model where the hosted one had
    an alias; without it, that class is simply new."""
    oss = str(SCHEMAS / "oss" / "cvat-2.70.1.yml")
    args = ("diff", NEW, oss, "-f", "json", "--scope", "sdk")

    def findings(*extra: str) -> dict[str, str]:
        result = cli(*args, *extra)
        assert result.returncode == 0, result.stderr
        return {f["symbol"]: f["id"] for f in json.loads(result.stdout)["findings"]}

    assert findings()["RegisterSerializerEx"] == "sdk-model-kind-changed"
    assert findings("--disable-plugin", "compat_aliases")["RegisterSerializerEx"] == "sdk-model-added"


def test_changelog_and_output_file(tmp_path: Path) -> None:
    out = tmp_path / "CHANGES.md"
    result = cli("changelog", OLD, NEW, "-o", str(out), "--title", "cvat-sdk 2.70.0")
    assert result.returncode == 0, result.stderr
    notes = out.read_text()
    assert notes.startswith("## cvat-sdk 2.70.0\n") and "**major**" in notes
    assert "### Breaking" in notes and "`InvitationsApi.partial_update`" in notes and "### Added" in notes


@pytest.mark.slow
def test_diff_from_a_url(tmp_path: Path) -> None:
    from tests.support.schema_server import serve_schema

    body = schema_path("2.70.0").read_bytes()
    with serve_schema(lambda: body) as base:
        url = f"{base}/api/schema/?format=json"
        result = cli("diff", OLD, url, "-f", "json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["new"]["source"] == url
