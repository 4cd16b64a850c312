"""`python -m cvat_gen` and the `cvat-gen` script.

The command line's imports (click, the pipeline) happen inside `run`, so that Ctrl-C during
start-up is reported like any interruption (status 130) instead of as a traceback."""

from __future__ import annotations

import sys


def run() -> int:
    # A command runs for a second or so and builds trees of dicts, dataclasses and strings that
    # reference counting frees by itself; the cyclic collector only re-scans them (a quarter of
    # a build's time, measured). The process ends soon anyway: no collections in it, nor in the
    # background process it forks.
    import gc

    gc.disable()
    try:
        from cvat_gen.cli import main
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
