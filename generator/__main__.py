"""`python -m cvat_gen` and the `cvat-gen` script.

The command line's imports (click, the pipeline) happen inside `run`, so that Ctrl-C during
start-up is reported like any interruption (status 130) instead of as a traceback."""

from __future__ import annotations

import sys
from typing import NoReturn


def run() -> NoReturn:
    # A command runs for a second or so and builds trees of dicts, dataclasses and strings that
    # reference counting frees by itself; the cyclic collector only re-scans them (a quarter of
    # a build's time, measured). The process ends soon anyway: no collections in it, nor in the
    # background process it forks.
    import gc

    gc.disable()
    try:
        from cvat_gen.cli import main

        code = main()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        code = 130
    _end(code)


def _end(code: int) -> NoReturn:
    """End the process with `code`, now. The interpreter's teardown would free every object of
    the build one by one (tens of milliseconds, for nothing), and a Ctrl-C landing in it kills
    the process with the signal instead of the status the command chose. Every file the command
    wrote is closed, and its children are joined, before `main` returns; what it printed is
    flushed here."""
    import os
    import signal

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command is over: too late to interrupt
    except (OSError, ValueError):  # not the main thread, or no signals here
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`cvat-gen diff | head`): nothing to keep
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
