"""Real history as the test bed: `cvat-gen diff` over every consecutive pair of releases.

The shared folders are listed (never named file by file) and sorted by version. Changes
asserted here were confirmed by reading the schemas themselves (a few lines of json/yaml
comparison, independent of the diff code). docs/history.md is generated from the same run
and must be current (`python -m cvat_gen.diff.history --output docs/history.md
../shared/schemas/oss ../shared/schemas`).
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from cvat_gen.diff.changelog import changelog, suggested_bump
from cvat_gen.diff.formats import FORMATS, JSON_SCHEMA, render
from cvat_gen.diff.history import TITLES, Pair, releases, render_history, run_history
from tests.conftest import ROOT, SCHEMAS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def history() -> list[Pair]:
    return run_history([SCHEMAS / "oss", SCHEMAS])


def pair(history: list[Pair], edition: str, old: str, new: str) -> Pair:
    for p in history:
        if p.edition == edition and p.report.old_version == old and p.report.new_version == new:
            return p
    raise AssertionError(f"no pair {old} -> {new} in {edition}")


def has(p: Pair, rule_id: str, **where: str) -> bool:
    return any(f.id == rule_id and all(getattr(f, k) == v for k, v in where.items()) for f in p.report.findings)


def test_every_consecutive_pair_is_diffed(history: list[Pair]) -> None:
    for folder in (SCHEMAS / "oss", SCHEMAS):
        names = [p.name for p in releases(folder)]
        assert len(names) >= 2
        got = [(p.old.name, p.new.name) for p in history if p.old.parent == folder]
        assert got == list(zip(names, names[1:]))
    versions = [p.report.new_version for p in history if p.edition == "oss"]
    assert versions == sorted(versions, key=lambda v: tuple(int(x) for x in v.split(".")))


def test_confirmed_hosted_changes(history: list[Pair]) -> None:
    p = pair(history, "schemas", "2.69.0", "2.70.0")
    assert has(p, "api-removed-without-deprecation", operation="invitations_partial_update")
    assert has(p, "sdk-method-removed", symbol="InvitationsApi.partial_update")
    assert has(pair(history, "schemas", "2.61.0", "2.62.0"), "sdk-model-removed", symbol="PaginatedAnnotationRequestList")
    p = pair(history, "schemas", "2.63.0", "2.64.0")
    assert has(p, "sdk-enum-member-removed", symbol="ChunkType.LIST")
    assert has(p, "response-property-enum-value-removed", pointer="/components/schemas/ChunkType", level="INFO")
    p = pair(history, "schemas", "2.64.0", "2.65.0")
    assert has(p, "response-property-became-optional", pointer="/components/schemas/DataMetaRead/properties/image_quality")
    assert has(p, "sdk-enum-member-added", symbol="ChunkType.AUDIO_MP3")
    p = pair(history, "schemas", "2.65.0", "2.66.0")
    assert has(p, "sdk-model-added", symbol="LabeledInterval")
    assert has(p, "response-property-enum-value-added", pointer="/components/schemas/LabelType")
    assert has(pair(history, "schemas", "2.66.0", "2.67.0"), "sdk-enum-removed", symbol="TypeCcbEnum")
    assert pair(history, "schemas", "2.68.0", "2.69.0").report.counts()["ERR"] == 0


def test_confirmed_open_source_changes(history: list[Pair]) -> None:
    p = pair(history, "oss", "2.5.2", "2.9.2")
    replaced = [f for f in p.report.findings if f.id == "api-replaced-after-deprecation"]
    assert [f.operation for f in replaced] == ["cloudstorages_retrieve_content"]
    assert "cloudstorages_retrieve_content_v2" in replaced[0].message and replaced[0].level == "WARN"
    assert has(pair(history, "oss", "2.30.1", "2.36.1"), "api-removed-without-deprecation", operation="analytics_create_report")
    p = pair(history, "oss", "2.36.1", "2.40.2")
    assert has(p, "api-removed-after-deprecation", operation="projects_retrieve_dataset", level="WARN")
    assert has(pair(history, "oss", "2.40.2", "2.45.1"), "api-removed-without-deprecation", operation="auth_create_signing")
    assert has(pair(history, "oss", "2.65.1", "2.70.1"), "api-removed-without-deprecation", operation="invitations_partial_update")


def test_every_pair_renders_in_every_format_and_as_a_changelog(history: list[Pair]) -> None:
    for p in history:
        jsonschema.validate(json.loads(render(p.report, "json")), JSON_SCHEMA)
        for fmt in FORMATS:
            assert render(p.report, fmt)
        notes = changelog(p.report)
        bump = suggested_bump(p.report)
        assert f"**{bump}**" in notes
        assert ("### Breaking" in notes) == (bump == "major")


def test_history_page_is_current(history: list[Pair]) -> None:
    text = render_history(history, TITLES)
    assert (ROOT / "docs" / "history.md").read_text(encoding="utf-8") == text, (
        "docs/history.md is stale: python -m cvat_gen.diff.history --output docs/history.md "
        "../shared/schemas/oss ../shared/schemas")
