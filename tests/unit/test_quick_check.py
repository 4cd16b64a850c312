"""The no-op rebuild that loads no plugin (`cvat_gen.quick_check`) must say "up to date"
exactly when the full build would: every input that can change the output defeats it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from cvat_gen.config import BuildConfig
from cvat_gen.pipeline import run_build
from cvat_gen.quick_check import is_up_to_date

GOLDEN_SCHEMA = Path(__file__).resolve().parents[1] / "golden" / "fixture.yaml"
QUICK = "up-to-date check (quick)"


@pytest.fixture
def built(tmp_path: Path) -> BuildConfig:
    schema = tmp_path / "schema.yaml"
    shutil.copyfile(GOLDEN_SCHEMA, schema)
    templates = tmp_path / "templates"
    templates.mkdir()
    config = BuildConfig(schema=str(schema), output=tmp_path / "out", cache_dir=tmp_path / "cache",
                         template_dirs=(str(templates),))
    result = run_build(config)
    assert not result.up_to_date
    return config


def test_a_second_build_is_answered_without_plugins(built: BuildConfig) -> None:
    result = run_build(built)
    assert result.up_to_date and QUICK in result.timings
    assert is_up_to_date(built)


def test_a_changed_schema_rebuilds(built: BuildConfig) -> None:
    Path(built.schema).write_text(Path(built.schema).read_text(encoding="utf-8").replace(
        "title:", "title: Changed", 1), encoding="utf-8")
    assert not is_up_to_date(built)
    assert not run_build(built).up_to_date


def test_a_hand_edited_output_rebuilds(built: BuildConfig) -> None:
    target = next(p for p in sorted(built.output.rglob("*.py")) if p.stat().st_size > 0)
    target.write_text(target.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    assert not is_up_to_date(built)
    result = run_build(built)
    assert not result.up_to_date and result.stats["restored"]


def test_a_new_template_file_rebuilds(built: BuildConfig) -> None:
    """The folders are listed anew: a file added to a template folder counts."""
    (Path(built.template_dirs[0]) / "docs").mkdir()
    (Path(built.template_dirs[0]) / "docs" / "index.md.j2").write_text("# {{ title }}\n", encoding="utf-8")
    assert not is_up_to_date(built)


def test_another_configuration_rebuilds(built: BuildConfig) -> None:
    from dataclasses import replace

    assert not is_up_to_date(replace(built, package="acme.vendored"))
    assert not is_up_to_date(replace(built, plugin_options={"docs": {"site_name": "x"}}))


def test_a_newly_installed_plugin_distribution_rebuilds(built: BuildConfig, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    (site / "acme_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "acme_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[cvat_gen.plugins]\nacme = acme_plugin\n", encoding="utf-8")
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    assert not is_up_to_date(built)


def test_an_edited_plugin_file_rebuilds(built: BuildConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    """The note lists the generator and plugin folders; their content is hashed each time."""
    import cvat_gen.quick_check as quick_check

    real = quick_check.files_digest
    monkeypatch.setattr(quick_check, "files_digest", lambda files: real(files) + "-edited")
    assert not is_up_to_date(built)


def test_no_note_or_a_broken_note_means_the_full_path(built: BuildConfig) -> None:
    from cvat_gen.quick_check import _note_path

    note = _note_path(built)
    note.write_text("{not json", encoding="utf-8")
    assert not is_up_to_date(built)
    result = run_build(built)  # the full path answers, and writes a good note again
    assert result.up_to_date and QUICK not in result.timings
    assert is_up_to_date(built)
    note.unlink()
    assert not is_up_to_date(built)
