"""Rewrite the golden records: `python -m tests.golden.regenerate`.

Run it after an intended change to templates, the IR or the runtime files, then review the
diff of tests/golden/expected/ like any other code change.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from cvat_gen.plugins.runtime import RUNTIME_MODULES

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture.yaml"
EXPECTED = HERE / "expected"
PACKAGE = "golden_sdk.api_client"


def generate(output: Path) -> None:
    from cvat_gen.config import BuildConfig
    from cvat_gen.pipeline import run_build

    run_build(BuildConfig(schema=str(FIXTURE), output=output, package=PACKAGE))


def copied_runtime(relative: Path) -> bool:
    """The manifest and the runtime files copied from plugins/runtime/files (checked by
    test_golden against their sources, so not recorded twice)."""
    from cvat_gen.plugins.runtime import RUNTIME_MODULES, RUNTIME_PACKAGES

    text = relative.as_posix()
    package = PACKAGE.replace(".", "/")
    return (text == ".cvat-gen-manifest.json"
            or any(text == f"{package}/{name}" for name in RUNTIME_MODULES)
            or any(text == f"{package}/{target}" for _, target in RUNTIME_PACKAGES))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        generate(out)
        if EXPECTED.exists():
            shutil.rmtree(EXPECTED)
        # The manifest fingerprints the generator's own source, so it changes with any edit
        # to cvat-gen; the files it lists are the records themselves.
        # The runtime modules are copies of plugins/runtime/files (test_golden checks that), so
        # recording them again would only duplicate those files.
        shutil.copytree(out, EXPECTED)
        for path in sorted(EXPECTED.rglob("*"), reverse=True):
            if path.is_file() and copied_runtime(path.relative_to(EXPECTED)):
                path.unlink()
    print(f"rewrote {EXPECTED}")


if __name__ == "__main__":
    main()
