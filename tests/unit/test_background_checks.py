"""The checks that run beside the build (spec validation, syntax of the generated code) and
the caches of what cvat-gen compiles from its own files (template bytecode).

What must hold: a failure in the background stops the build before anything is renamed into
place (a first build leaves no folder behind, a rebuild leaves the old output byte for byte),
and no child process outlives the build."""

from __future__ import annotations

from cvat_gen.forked import live_children
from pathlib import Path

import pytest

from cvat_gen.background import BackgroundChecks
from cvat_gen.config import BuildConfig
from cvat_gen.errors import EXIT_PLUGIN, BuildError
from cvat_gen.pipeline import run_build
from cvat_gen.render import BUILTIN_TEMPLATES, Renderer
from cvat_gen.syntax import SyntaxJob

GOLDEN_SCHEMA = Path(__file__).resolve().parents[1] / "golden" / "fixture.yaml"


def _jobs(files: dict[str, str]) -> dict[str, SyntaxJob]:
    return {path: SyntaxJob(source, [source]) for path, source in files.items()}


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _broken_template(tmp_path: Path) -> Path:
    """An override of the package's __init__ that declares black's layout but is not Python:
    it skips black, so only the syntax check can catch it."""
    templates = tmp_path / "templates"
    (templates / "runtime").mkdir(parents=True)
    source = (BUILTIN_TEMPLATES / "runtime" / "__init__.py.j2").read_text(encoding="utf-8")
    (templates / "runtime" / "__init__.py.j2").write_text(source + "\ndef broken(:\n", encoding="utf-8")
    return templates


def _config(tmp_path: Path, output: Path, **overrides: object) -> BuildConfig:
    return BuildConfig(schema=str(GOLDEN_SCHEMA), output=output, cache_dir=tmp_path / "cache",
                       **overrides)  # type: ignore[arg-type]


def test_a_syntax_error_found_in_the_background_leaves_no_folder_behind(tmp_path: Path) -> None:
    output = tmp_path / "fresh" / "out"
    with pytest.raises(BuildError) as info:
        run_build(_config(tmp_path, output, template_dirs=(str(_broken_template(tmp_path)),)))
    assert info.value.exit_code == EXIT_PLUGIN
    assert "not valid Python" in str(info.value) and "__init__.py" in str(info.value)
    assert not (tmp_path / "fresh").exists(), "the folders made for staging must go again"
    assert not live_children()


def test_a_syntax_error_found_in_the_background_keeps_the_old_output(tmp_path: Path) -> None:
    output = tmp_path / "out"
    run_build(_config(tmp_path, output))
    (output / "my-notes.txt").write_text("mine", encoding="utf-8")
    before = _tree(output)
    with pytest.raises(BuildError, match="not valid Python"):
        run_build(_config(tmp_path, output, template_dirs=(str(_broken_template(tmp_path)),)))
    assert _tree(output) == before  # no staged file left, nothing replaced
    assert not live_children()


def test_the_background_answers_in_order_and_ends() -> None:
    checks = BackgroundChecks()
    checks.submit_document({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}})
    checks.submit_sources(_jobs({"ok.py": "x = 1\n", "bad.py": "def f(:\n"}))
    assert checks.validation() == []
    path, message = checks.syntax_error() or ("", "")
    assert path == "bad.py" and "line 1" in message
    checks.close()
    assert not live_children()


def test_a_build_that_stops_before_validation_ends_its_child(tmp_path: Path) -> None:
    overlay = tmp_path / "bad-overlay.yaml"
    overlay.write_text("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
                       "  - target: $.nowhere\n    update: {x: 1}\n", encoding="utf-8")
    with pytest.raises(BuildError):
        run_build(_config(tmp_path, tmp_path / "out", overlays=(str(overlay),)))
    assert not live_children()
    assert not (tmp_path / "out").exists()


def test_built_in_template_bytecode_lives_beside_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh --cache-dir does not recompile cvat-gen's own templates (as a fresh
    project does not recompile a library's .pyc files); a user's templates go to the cache dir."""
    import sys

    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # CI sets PYTHONDONTWRITEBYTECODE
    user_templates = tmp_path / "mine"
    (user_templates / "docs").mkdir(parents=True)
    (user_templates / "docs" / "extra.md.j2").write_text("# {{ title }}\n", encoding="utf-8")
    first = Renderer([user_templates], tmp_path / "cache-1")
    first.env.get_template("apis/api_init.py.j2")
    first.env.get_template("docs/extra.md.j2")
    assert list((BUILTIN_TEMPLATES / "__pycache__").glob("cvat-gen-*.jinja2")), "built-in bytecode is stored"
    user_cache = list((tmp_path / "cache-1" / "jinja2").glob("cvat-gen-*.jinja2"))
    assert len(user_cache) == 1, "only the user's template goes to the cache dir"

    second = Renderer([user_templates], tmp_path / "cache-2")  # another, empty cache dir
    compiled: list[str] = []
    original = second.env._compile  # type: ignore[attr-defined]

    def counting(source: str, filename: str) -> object:
        compiled.append(filename)
        return original(source, filename)

    second.env._compile = counting  # type: ignore[attr-defined,method-assign]
    second.env.get_template("apis/api_init.py.j2")
    second.env.get_template("docs/extra.md.j2")
    assert all("extra.md.j2" in name for name in compiled), f"built-in templates recompiled: {compiled}"
    assert len(compiled) == 1, "the user's template is compiled into the new cache dir"


def test_a_rebuild_parses_only_what_changed(tmp_path: Path) -> None:
    """Pieces that parsed in the last build into this cache dir are not parsed again; a
    changed one is, and a broken one is still caught."""
    from cvat_gen.syntax import ParsedCache, check

    cache = ParsedCache(tmp_path / "cache")
    files = {"a.py": "x = 1\n", "b.py": "y = 2\n\n\nclass B:\n    pass\n"}
    jobs = cache.jobs(files)
    assert sorted(jobs) == ["a.py", "b.py"] and jobs["b.py"].pieces == ["y = 2\n\n\n", "class B:\n    pass\n"]
    cache.remember(files, check(jobs).whole)
    again = ParsedCache(tmp_path / "cache")
    assert again.jobs(files) == {}
    changed = {"a.py": "x = 1\n", "b.py": "y = 2\n\n\nclass B:\n    def f(:\n"}
    (job,) = again.jobs(changed).values()
    assert job.pieces == ["class B:\n    def f(:\n"], "only the new piece is parsed"
    assert check(again.jobs(changed)).errors == [("b.py", "line 5: invalid syntax")]
    # the header comment on the first line is not what decides
    headed = {"a.py": "# Generated from CVAT 2.69.0\nx = 1\n"}
    again.remember(headed, set())
    assert ParsedCache(tmp_path / "cache").jobs({"a.py": "# Generated from CVAT 2.70.0\nx = 1\n"}) == {}
    assert ParsedCache(tmp_path / "cache").jobs({"a.py": "# Generated from CVAT 2.70.0\nx = (\n"})

    output = tmp_path / "out"
    run_build(_config(tmp_path, output))
    known = ParsedCache(tmp_path / "cache").known
    assert known, "a build remembers what parsed"
    with pytest.raises(BuildError, match="not valid Python"):  # the changed file is parsed
        run_build(_config(tmp_path, output, template_dirs=(str(_broken_template(tmp_path)),)))
    assert ParsedCache(tmp_path / "cache").known == known, "a failed build teaches the cache nothing"


def test_pythondontwritebytecode_writes_nothing_beside_the_package(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    package_cache = tmp_path / "package" / "__pycache__"
    renderer = Renderer([], tmp_path / "cache")
    renderer.env.bytecode_cache.builtin = package_cache  # type: ignore[union-attr]
    renderer.env.get_template("apis/api_init.py.j2")
    assert not package_cache.exists()
    assert list((tmp_path / "cache" / "jinja2").glob("cvat-gen-*.jinja2"))


def test_a_read_only_install_keeps_built_in_bytecode_in_the_cache_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    renderer = Renderer([], tmp_path / "cache")
    renderer.env.bytecode_cache.builtin = blocker / "__pycache__"  # type: ignore[union-attr]  # unwritable
    renderer.env.get_template("apis/api_init.py.j2")
    assert list((tmp_path / "cache" / "jinja2").glob("cvat-gen-*.jinja2")), "fell back to the cache dir"

    again = Renderer([], tmp_path / "cache")
    again.env.bytecode_cache.builtin = blocker / "__pycache__"  # type: ignore[union-attr]
    compiled: list[str] = []
    original = again.env._compile  # type: ignore[attr-defined]
    again.env._compile = lambda source, filename: compiled.append(filename) or original(source, filename)  # type: ignore[attr-defined,method-assign]
    again.env.get_template("apis/api_init.py.j2")
    assert compiled == [], "loaded from the cache dir, not compiled again"


def test_without_fork_the_checks_run_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no fork: the same checks, in the same order, in the build's own process."""
    import cvat_gen.background
    import cvat_gen.forked

    monkeypatch.setattr(cvat_gen.background, "can_fork", lambda: False)
    monkeypatch.setattr(cvat_gen.forked, "can_fork", lambda: False)  # the emit worker's too
    checks = BackgroundChecks()
    checks.submit_document({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}})
    checks.submit_sources(_jobs({"bad.py": "def f(:\n"}))
    assert checks.validation() == [] and checks.syntax_error() is not None
    output = tmp_path / "out"
    run_build(_config(tmp_path, output))
    assert (output / ".cvat-gen-manifest.json").exists()
    with pytest.raises(BuildError, match="not valid Python"):
        run_build(_config(tmp_path, tmp_path / "other", template_dirs=(str(_broken_template(tmp_path)),)))
    assert not (tmp_path / "other").exists()


def test_a_dead_child_s_syntax_work_is_done_here() -> None:
    """The child dies (killed, out of memory) after taking Python to parse: the build parses
    it itself, as the emit worker's files are, instead of trusting nothing or failing."""
    import os
    import signal

    checks = BackgroundChecks()
    if checks._process is None:
        pytest.skip("no fork here")
    checks.submit_document({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}})
    assert checks.validation() == []
    checks.submit_sources(_jobs({"ok.py": "x = 1\n", "bad.py": "def f(:\n"}))
    checks.sent()
    assert checks._process.pid is not None
    os.kill(checks._process.pid, signal.SIGKILL)
    path, message = checks.syntax_error() or ("", "")
    assert path == "bad.py" and "line 1" in message
    checks.close()
    assert not live_children()
