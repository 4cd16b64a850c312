"""The prepared-schema cache of `cvat-gen diff`: keyed by the build fingerprint, pruned."""

from __future__ import annotations

import json
from pathlib import Path

import cvat_gen.diff as diff
from cvat_gen.config import BuildConfig
from tests.unit.test_diff_rules import make_doc, op, param
from tests.unit.test_diff_sdk_rules import paths


def write(tmp_path: Path, name: str, doc: dict) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return str(path)


def test_second_load_comes_from_the_cache_and_a_changed_schema_does_not(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    config = BuildConfig(schema=write(tmp_path, "a.json", make_doc(paths(("/items", "get", op())))), cache_dir=cache)
    first = diff.load_side(config)
    assert len(list((cache / "diff").glob("*.pickle"))) == 1
    calls: list[str] = []
    monkeypatch.setattr("cvat_gen.load.parse_document", lambda *a: calls.append("parsed") or {})
    again = diff.load_side(config)
    assert calls == [] and again.ir == first.ir and again.document == first.document
    monkeypatch.undo()
    changed = BuildConfig(schema=write(tmp_path, "a.json", make_doc(paths(("/items", "get", op(parameters=[param()]))))),
                          cache_dir=cache)
    report = diff.compare(first, diff.load_side(changed))
    assert {f.id for f in report.findings} == {"new-optional-request-parameter", "sdk-keyword-parameter-added"}
    assert len(list((cache / "diff").glob("*.pickle"))) == 2


def test_cache_is_pruned(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(diff, "CACHE_ENTRIES", 2)
    cache = tmp_path / "cache"
    for index in range(4):
        doc = make_doc(paths((f"/items{index}", "get", op(f"items_list{index}"))))
        diff.load_side(BuildConfig(schema=write(tmp_path, f"s{index}.json", doc), cache_dir=cache))
    assert len(list((cache / "diff").glob("*.pickle"))) == 2
