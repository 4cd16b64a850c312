"""Files in cvat-gen's caches (the cache dir, and the bytecode kept beside its own code):
written whole or not at all.

A cache file is written to a temporary name beside it and renamed into place, so a reader
never sees half of one, and two builds writing at once each leave a whole file. Any failure
(a read-only or full disk, a missing folder that can't be made) only costs the next build
some time: it is reported as False, never raised.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` atomically; False when it could not be written."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        temporary.replace(path)
        return True
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass
        return False
