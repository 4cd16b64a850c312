"""The statement-level black cache must give exactly what black gives for whole files."""

from __future__ import annotations

from pathlib import Path

import pytest

from cvat_gen.config import BuildConfig
from cvat_gen.format import Formatter, format_source, split_chunks
from cvat_gen.pipeline import Build
from tests.conftest import schema_path


def rendered(schema: Path, tmp_path: Path) -> dict[str, str]:
    build = Build(BuildConfig(schema=str(schema), output=tmp_path / "unused", format=False))
    ir = build.make_ir(build.prepare(build.load()))
    build.finish_validation()
    files = build.render(ir)
    return {p: d.decode() for p, d in files.items() if p.endswith(".py")}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return rendered(schema_path("2.70.0"), tmp_path_factory.mktemp("r"))


def test_cold_warm_and_partial_cache_equal_whole_file_black(sources: dict[str, str], tmp_path: Path) -> None:
    expected = {path: format_source(text) for path, text in sources.items()}
    cold = Formatter(tmp_path / "cache", jobs=1)
    assert cold.format_all(sources) == expected
    assert cold.hits == 0 or cold.misses > 0
    warm = Formatter(tmp_path / "cache", jobs=1)
    assert warm.format_all(sources) == expected
    assert warm.misses == 0
    # a "new release": one model renamed, one operation summary changed
    changed = {path: text.replace("class TaskRead(", "class TaskReadV9(").replace("Create a task", "Create a new task")
               for path, text in sources.items()}
    partial = Formatter(tmp_path / "cache", jobs=1)
    assert partial.format_all(changed) == {path: format_source(text) for path, text in changed.items()}
    assert 0 < partial.misses < partial.hits


def test_split_keeps_every_statement_and_header() -> None:
    source = '# header\n"""doc"""\n\nimport os\n\n\n@dec\nclass A:\n    pass\n\nX = 1\n'
    chunks = split_chunks(source)
    assert [c.kind for c in chunks] == ["docstring", "import", "block", "other"]
    assert chunks[0].text.startswith("# header")
    assert chunks[2].text.startswith("@dec")


def test_not_python_is_a_format_error(tmp_path: Path) -> None:
    from cvat_gen.format import FormatError

    with pytest.raises(FormatError, match="broken.py"):
        Formatter(tmp_path, jobs=1).format_all({"broken.py": "def (:\n"})


def test_statements_sharing_a_line_keep_the_file_whole() -> None:
    assert len(split_chunks("a = 1; b = 2\nc = 3\n")) == 1


def test_templates_already_lay_out_code_as_black_does(sources: dict[str, str]) -> None:
    """Black is the slowest stage, and it is about twice as slow on code it must re-split:
    the templates (and generator.render.layout_brackets) write what black would write.
    This guards the build time, not correctness."""
    from cvat_gen.plugins.runtime import RUNTIME_MODULES

    unstable = sorted(path for path, text in sources.items()
                      if path.rsplit("/", 1)[-1] not in RUNTIME_MODULES and format_source(text) != text)
    assert not unstable, f"black re-lays out these generated files: {unstable}"
