"""Plugin discovery without importlib.metadata gives importlib.metadata's answer."""

from __future__ import annotations

import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from cvat_gen import entry_points as discovery


def _reference(group: str) -> list[tuple[str, str, str, str]]:
    return [(ep.name, ep.value, ep.dist.name if ep.dist else "", ep.dist.version if ep.dist else "")
            for ep in metadata.entry_points(group=group)]


def _ours(group: str) -> list[tuple[str, str, str, str]]:
    return [(ep.name, ep.value, ep.dist_name, ep.dist_version) for ep in discovery.entry_points(group)]


def test_every_group_of_this_environment_matches() -> None:
    groups = sorted({ep.group for dist in metadata.distributions() for ep in dist.entry_points})
    assert "cvat_gen.plugins" in groups
    for group in groups:
        assert _ours(group) == _reference(group), group


def _dist(site: Path, folder: str, name: str, version: str, entry_points: str | None) -> None:
    path = site / folder
    path.mkdir(parents=True)
    (path / ("PKG-INFO" if folder.endswith(".egg-info") else "METADATA")).write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nName: not-a-header\n", encoding="utf-8")
    if entry_points is not None:
        (path / "entry_points.txt").write_text(entry_points, encoding="utf-8")


@pytest.fixture()
def made_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    first, second = tmp_path / "first", tmp_path / "second"
    _dist(first, "Acme_Plugin-1.0.dist-info", "Acme_Plugin", "1.0",
          "# a comment\n[cvat_gen.plugins]\nacme = acme_plugin.hooks:Plugin [extra]\n  # another\n"
          "[console_scripts]\nacme = acme_plugin:main\n")
    # the same distribution, normalized differently, later on sys.path: shadowed
    _dist(second, "acme.plugin-2.0.dist-info", "acme.plugin", "2.0", "[cvat_gen.plugins]\nacme = old:Plugin\n")
    _dist(second, "other-0.1.egg-info", "other", "0.1", "[cvat_gen.plugins]\n  other   =   other_mod  \n")
    _dist(second, "quiet-3.dist-info", "quiet", "3", None)
    _dist(second, "blank-1.dist-info", "blank", "1", "\n\n[cvat_gen.plugins]\n\n")
    paths = [str(first), str(second), str(tmp_path / "missing")]
    monkeypatch.setattr(sys, "path", paths)
    return [first, second]


def test_made_up_distributions_match(made_up: list[Path]) -> None:
    for group in ("cvat_gen.plugins", "console_scripts", "nothing"):
        assert _ours(group) == _reference(group), group
    assert [ep.value for ep in discovery.entry_points("cvat_gen.plugins")] == \
        ["acme_plugin.hooks:Plugin [extra]", "other_mod"]


def test_a_zip_on_the_path_is_left_to_importlib(made_up: list[Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("zipped-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: zipped\nVersion: 1.0\n")
        zipped.writestr("zipped-1.0.dist-info/entry_points.txt", "[cvat_gen.plugins]\nzipped = zipped_mod\n")
    monkeypatch.setattr(sys, "path", [*sys.path, str(archive)])
    assert "zipped" in [name for name, *_ in _ours("cvat_gen.plugins")]
    assert _ours("cvat_gen.plugins") == _reference("cvat_gen.plugins")


def test_a_line_it_does_not_understand_is_left_to_importlib(made_up: list[Path]) -> None:
    (made_up[1] / "quiet-3.dist-info" / "entry_points.txt").write_text("[cvat_gen.plugins]\nno equals sign\n")
    with pytest.raises(discovery._Unsupported):
        discovery._discover("cvat_gen.plugins", sys.path)

    def outcome(function: object) -> object:
        try:
            return function("cvat_gen.plugins")  # type: ignore[operator]
        except Exception as exc:  # noqa: BLE001 - importlib.metadata's own failure, compared
            return type(exc)

    assert outcome(_ours) == outcome(_reference)  # whatever importlib.metadata makes of it


def test_load_follows_the_attribute_path() -> None:
    ep = discovery.EntryPoint("x", "cvat_gen.entry_points:EntryPoint.load", "g", "", "")
    assert ep.load() is discovery.EntryPoint.load
    assert discovery.EntryPoint("x", "cvat_gen.entry_points", "g", "", "").load() is discovery
    with pytest.raises(ValueError, match="malformed"):
        discovery.EntryPoint("x", "not a module!", "g", "", "").load()


def test_distribution_versions_match_importlib() -> None:
    names = sorted({dist.metadata["Name"] for dist in metadata.distributions()})
    assert "cvat-gen" in names
    assert discovery.installed_versions(*names) == [metadata.version(name) for name in names]
    assert discovery.installed_versions("surely-not-installed-cvat-gen-test", "cvat-gen") == \
        ["", metadata.version("cvat-gen")]
