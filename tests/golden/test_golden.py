"""Golden records: the fixture schema must generate exactly tests/golden/expected/.

A difference means the output changed. If the change is intended, regenerate with
`python -m tests.golden.regenerate` and review the diff.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from tests.golden.regenerate import EXPECTED, generate


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.name != ".cvat-gen-manifest.json"}


def test_output_matches_golden_records(tmp_path: Path) -> None:
    generate(tmp_path / "out")
    actual, expected = files(tmp_path / "out"), files(EXPECTED)
    assert sorted(actual) == sorted(expected), "file set differs; run python -m tests.golden.regenerate"
    for name in expected:
        if actual[name] != expected[name]:
            diff = "".join(difflib.unified_diff(expected[name].decode().splitlines(True),
                                                actual[name].decode().splitlines(True), name, name, n=2))
            raise AssertionError(f"{name} differs from its golden record "
                                 f"(python -m tests.golden.regenerate):\n{diff[:4000]}")
