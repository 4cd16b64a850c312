"""Rebuilding release after release into one output folder, with one cache folder, gives the
bytes a build from scratch gives.

A rebuild reuses a lot: the parsed overlays, the validator's words for bad defaults, the
statements that parsed before, the files already on disk (only changed ones are written),
and it renders in two processes. Any of those could leak one release into the next. This
walks every shared schema (listed, edition then version; the jump from the newest hosted
release to the oldest open-source one is part of the walk) through the same output and cache
folders, and compares each result with the session's build of that schema alone.
"""

from __future__ import annotations

from pathlib import Path

from cvat_gen.config import BuildConfig
from cvat_gen.pipeline import run_build
from tests.conftest import SCHEMA_IDS, built_sdk, schema_path


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def test_each_release_built_over_the_last_equals_a_build_from_scratch(tmp_path: Path) -> None:
    output, cache = tmp_path / "out", tmp_path / "cache"
    assert len(SCHEMA_IDS) >= 2
    written: list[int] = []
    for schema_id in SCHEMA_IDS:
        result = run_build(BuildConfig(schema=str(schema_path(schema_id)), schema_is_default=False, output=output,
                                       cache_dir=cache))
        assert _tree(output) == _tree(built_sdk(schema_id)), f"{schema_id} built over the previous release differs"
        written.append(result.stats.get("written", 0) + result.stats.get("updated", 0))
    # not a rebuild of everything each time: most releases change a small part of the output
    assert sorted(written)[len(written) // 2] < len(_tree(output)) // 2, written
