"""`--template-dir` (and `template_dirs` in the config) puts the user's templates in front of
the built-in ones: a file with the same relative name replaces ours, the rest stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from cvat_gen.cli import main
from tests.conftest import build, schema_path


def _override(tmp_path: Path) -> Path:
    templates = tmp_path / "templates"
    (templates / "docs").mkdir(parents=True)
    (templates / "docs" / "api_summary.md.j2").write_text(
        "<!-- {{ md_header }} -->\n# Our own summary\n\n"
        "{% for view in apis %}- [{{ view.api.class_name }}]({{ view.page }}): {{ view.operations|length }}\n"
        "{% endfor %}",
        encoding="utf-8",
    )
    return templates


def test_template_dir_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates = _override(tmp_path)
    monkeypatch.chdir(tmp_path)  # no pyproject.toml here: default configuration
    output = tmp_path / "out"
    code = main(["build", "-q", "--schema", str(schema_path("2.70.0")), "-o", str(output),
                 "--template-dir", str(templates)])
    assert code == 0
    summary = (output / "docs" / "api_summary.md").read_text(encoding="utf-8")
    assert "# Our own summary" in summary
    assert "- [TasksApi](apis/TasksApi.md): " in summary
    # the other templates are still ours
    assert "\n## create_data\n" in (output / "docs" / "apis" / "TasksApi.md").read_text()
    # a changed template makes the output stale: --check notices
    (templates / "docs" / "api_summary.md.j2").write_text("# changed\n", encoding="utf-8")
    assert main(["build", "--check", "--schema", str(schema_path("2.70.0")), "-o", str(output),
                 "--template-dir", str(templates)]) == 1


def test_template_dir_for_python_code(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "apis").mkdir(parents=True)
    builtin = Path(__file__).resolve().parents[2] / "generator" / "templates" / "apis" / "_api_members.py.j2"
    (templates / "apis" / "_api_members.py.j2").write_text(
        builtin.read_text(encoding="utf-8") + "\n\nOVERRIDDEN = True\n", encoding="utf-8")
    output = tmp_path / "out"
    build(schema_path("2.70.0"), output, template_dirs=(str(templates),))
    assert "OVERRIDDEN = True" in (output / "cvat_sdk" / "api_client" / "_api_members.py").read_text()
