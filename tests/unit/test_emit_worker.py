"""The emit worker (`cvat_gen.emit`) gives what running every hook in order gives.

Hooks of plugins that declare `CVATGEN_EMIT_IN_WORKER = True` run in a forked process; the
others in the build's. Whatever happens there, the output, the diagnostics and the errors must
be those of the plain in-order run, which `emit._cores = 1` forces.
"""

from __future__ import annotations

from cvat_gen.forked import live_children
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import cvat_gen.emit as emit
from cvat_gen.config import BuildConfig
from cvat_gen.context import OutputFile
from cvat_gen.errors import EXIT_PLUGIN, BuildError
from cvat_gen.pipeline import run_build
from tests.conftest import schema_path

GOLDEN_SCHEMA = Path(__file__).resolve().parents[1] / "golden" / "fixture.yaml"
PARENT = os.getpid()


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _build(tmp_path: Path, tag: str, schema: Path = GOLDEN_SCHEMA, plugins: list[tuple[str, Any]] | None = None,
           in_order: bool = False, monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[dict[str, bytes], list[str]]:
    calls: list[int] = []
    real_start = emit._Worker.start

    def counted(*args: Any) -> Any:
        calls.append(1)
        return real_start(*args)

    assert monkeypatch is not None
    with monkeypatch.context() as patch:
        patch.setattr(emit._Worker, "start", counted)
        if in_order:
            patch.setattr(emit, "_cores", lambda: 1)
        output = tmp_path / tag
        result = run_build(BuildConfig(schema=str(schema), schema_is_default=False, output=output,
                                       cache_dir=tmp_path / f"cache-{tag}"), extra_plugins=plugins or [])
    assert bool(calls) == (not in_order), "the worker ran (or not) as asked"
    assert not live_children()
    return _tree(output), [w.format() for w in result.warnings]


@pytest.mark.parametrize("schema", [GOLDEN_SCHEMA, schema_path("2.70.0")], ids=["golden", "2.70.0"])
def test_the_worker_and_the_order_give_the_same_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       schema: Path) -> None:
    if emit._cores() < 2:
        pytest.skip("one core: the worker never runs")
    assert _build(tmp_path, "worker", schema, monkeypatch=monkeypatch) == \
        _build(tmp_path, "order", schema, in_order=True, monkeypatch=monkeypatch)


def _plugin(emit_files: Any, in_worker: bool = True, order: int = 55) -> Any:
    return SimpleNamespace(cvatgen_emit_files=emit_files, CVATGEN_EMIT_IN_WORKER=in_worker, CVATGEN_ORDER=order)


def test_diagnostics_come_in_plugin_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def early(context: Any) -> list[OutputFile]:
        context.diagnostics.warning("", "from the worker plugin")
        return [OutputFile("early.txt", "early")]

    def late(context: Any) -> list[OutputFile]:
        context.diagnostics.warning("", "from the later plugin")
        return [OutputFile("late.txt", "late")]

    plugins = [("zz_early", _plugin(early, order=45)), ("zz_late", _plugin(late, in_worker=False, order=65))]
    worker = _build(tmp_path, "worker", plugins=plugins, monkeypatch=monkeypatch)
    assert worker == _build(tmp_path, "order", plugins=plugins, in_order=True, monkeypatch=monkeypatch)
    messages = [w for w in worker[1] if "from the" in w]
    assert len(messages) == 2 and "worker plugin" in messages[0], messages


def test_a_failing_worker_hook_fails_as_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(ir: Any) -> list[OutputFile]:
        raise RuntimeError("the plugin is broken")

    errors = []
    for in_order in (False, True):
        with pytest.raises(BuildError) as info:
            _build(tmp_path, f"fail-{in_order}", plugins=[("zz_broken", _plugin(broken))], in_order=in_order,
                   monkeypatch=monkeypatch)
        assert info.value.exit_code == EXIT_PLUGIN
        errors.append(str(info.value))
    assert errors[0] == errors[1] and "zz_broken" in errors[0] and "cvatgen_emit_files" in errors[0]


def test_a_worker_hook_that_shares_through_extras_runs_again_in_order(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Breaking the promise (it left something in context.extras for a later plugin) costs
    time, not correctness: every hook runs again in this process."""
    def sharing(context: Any) -> list[OutputFile]:
        context.extras["shared"] = "from the worker plugin"
        return []

    def reading(context: Any) -> list[OutputFile]:
        return [OutputFile("read.txt", str(context.extras.get("shared")))]

    plugins = [("zz_sharing", _plugin(sharing, order=45)), ("zz_reading", _plugin(reading, in_worker=False, order=65))]
    tree, _ = _build(tmp_path, "worker", plugins=plugins, monkeypatch=monkeypatch)
    assert tree["read.txt"] == b"from the worker plugin"


def test_a_worker_that_dies_is_replaced_by_the_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def dying(ir: Any) -> list[OutputFile]:
        if os.getpid() != PARENT:  # only in the worker: the in-order run is in this process
            os._exit(7)
        return [OutputFile("survived.txt", "here")]

    tree, _ = _build(tmp_path, "worker", plugins=[("zz_dying", _plugin(dying))], monkeypatch=monkeypatch)
    assert tree["survived.txt"] == b"here"


def test_a_syntax_error_in_worker_output_stops_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cvat_gen.render import RenderedText

    def broken_python(context: Any) -> list[OutputFile]:
        return [OutputFile(f"{context.package_path}/broken.py", RenderedText("def broken(:\n"))]

    output = tmp_path / "out"
    with pytest.raises(BuildError, match="not valid Python.*broken.py") as info:
        _build(tmp_path, "out", plugins=[("zz_py", _plugin(broken_python))], monkeypatch=monkeypatch)
    assert info.value.exit_code == EXIT_PLUGIN
    assert not output.exists()


def test_a_file_claiming_a_worker_plugin_is_still_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Which files the worker parsed follows what it emitted, not `OutputFile.plugin`, which
    any plugin may set: a build-process plugin's file naming `models` is parsed too."""
    from cvat_gen.render import RenderedText

    def posing(context: Any) -> list[OutputFile]:
        return [OutputFile(f"{context.package_path}/posing.py", RenderedText("def broken(:\n"), plugin="models")]

    with pytest.raises(BuildError, match="not valid Python.*posing.py"):
        _build(tmp_path, "out", plugins=[("zz_posing", _plugin(posing, in_worker=False, order=65))],
               monkeypatch=monkeypatch)
