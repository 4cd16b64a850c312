"""The built-in templates declare black's layout (`{#- cvat-gen: black-formatted -#}`), so
a default build does not run black on what they write. That declaration must be true for
every real schema: black must change nothing in the built-in output of any of them.

Uses the shared default builds of the matrix (tests/conftest.py `built_sdk`) and the
statement-level black cache, so a schema after the first costs little. The hand-written
runtime modules are copied as they are and are not template output; they are left out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cvat_gen.format import Formatter
from cvat_gen.plugins.runtime import RUNTIME_MODULES, RUNTIME_PACKAGES
from tests.conftest import SCHEMA_IDS, built_sdk


@pytest.mark.parametrize("schema_id", SCHEMA_IDS)
def test_built_in_output_is_black_stable(schema_id: str, tmp_path: Path) -> None:
    root = built_sdk(schema_id)
    sources = {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
               for path in sorted(root.rglob("*.py"))
               if path.name not in RUNTIME_MODULES and "__pycache__" not in path.parts
               and not any(path.as_posix().endswith("/" + target) for _, target in RUNTIME_PACKAGES)}
    assert any(p.endswith("models/_models.py") for p in sources)
    formatted = Formatter(None, jobs=1).format_all(sources)  # the session's shared black cache
    unstable = sorted(path for path, text in sources.items() if formatted[path] != text)
    assert not unstable, f"black would re-lay out these generated files of {schema_id}: {unstable}"
