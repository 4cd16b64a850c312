"""Stage 7: format Python output with black, cached by content hash, in parallel.

The mode is pinned here so that output does not depend on a user's black configuration.
A cache entry is keyed by (black version, mode, source), so a rebuild after a server
release re-formats only the files whose text changed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

LINE_LENGTH = 100
PARALLEL_THRESHOLD_BYTES = 150_000


def _mode() -> object:
    import black

    return black.Mode(
        target_versions={black.TargetVersion.PY311},
        line_length=LINE_LENGTH,
        string_normalization=True,
        magic_trailing_comma=True,
    )


def cache_key(source: str) -> str:
    import black

    digest = hashlib.sha256()
    digest.update(f"black {black.__version__} {LINE_LENGTH} py311\n".encode())
    digest.update(source.encode("utf-8"))
    return digest.hexdigest()


def default_cache_dir() -> Path:
    env = os.environ.get("CVAT_GEN_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cvat-gen"


def format_source(source: str) -> str:
    import black

    try:
        return black.format_str(source, mode=_mode())  # type: ignore[arg-type]
    except black.NothingChanged:
        return source


def _format_many(sources: list[str]) -> list[str]:
    return [format_source(s) for s in sources]


class FormatError(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class Formatter:
    def __init__(self, cache_dir: Path | None, jobs: int = 0) -> None:
        self.cache_dir = (cache_dir or default_cache_dir()) / "black"
        self.jobs = jobs or (os.cpu_count() or 1)
        self.hits = 0
        self.misses = 0

    def _cache_path(self, key: str) -> Path:
        return self.cache_dir / key[:2] / key

    def _read_cache(self, key: str) -> str | None:
        try:
            return self._cache_path(key).read_text(encoding="utf-8")
        except OSError:
            return None

    def _write_cache(self, key: str, text: str) -> None:
        path = self._cache_path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as handle:
                handle.write(text)
            os.replace(handle.name, path)
        except OSError:
            pass  # a cache that can't be written only costs time

    def format_all(self, files: dict[str, str]) -> dict[str, str]:
        """Format {path: source}; raises FormatError naming the first file black rejects."""
        result: dict[str, str] = {}
        todo: list[tuple[str, str, str]] = []
        for path in sorted(files):
            source = files[path]
            key = cache_key(source)
            cached = self._read_cache(key)
            if cached is not None:
                result[path] = cached
                self.hits += 1
            else:
                todo.append((path, source, key))
        self.misses += len(todo)
        if not todo:
            return result
        total = sum(len(s) for _, s, _ in todo)
        workers = min(self.jobs, len(todo))
        try:
            if workers > 1 and total > PARALLEL_THRESHOLD_BYTES:
                formatted = self._parallel(todo, workers)
            else:
                formatted = [format_source(s) for _, s, _ in todo]
        except Exception as exc:  # black's InvalidInput & co: a generator bug, reported clearly
            bad = self._find_bad(todo)
            raise FormatError(bad, f"{type(exc).__name__}: {str(exc)[:300]}") from None
        for (path, _, key), text in zip(todo, formatted, strict=True):
            result[path] = text
            self._write_cache(key, text)
        return result

    @staticmethod
    def _parallel(todo: list[tuple[str, str, str]], workers: int) -> list[str]:
        # Balance by size: biggest first, each to the lightest bucket.
        buckets: list[list[int]] = [[] for _ in range(workers)]
        loads = [0] * workers
        for index in sorted(range(len(todo)), key=lambda i: -len(todo[i][1])):
            lightest = loads.index(min(loads))
            buckets[lightest].append(index)
            loads[lightest] += len(todo[index][1])
        import multiprocessing

        context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        out: list[str] = [""] * len(todo)
        with ProcessPoolExecutor(max_workers=workers - 1, mp_context=context) as pool:
            futures = [(bucket, pool.submit(_format_many, [todo[i][1] for i in bucket])) for bucket in buckets[1:]]
            for index in buckets[0]:  # the parent works too
                out[index] = format_source(todo[index][1])
            for bucket, future in futures:
                for index, text in zip(bucket, future.result(), strict=True):
                    out[index] = text
        return out

    @staticmethod
    def _find_bad(todo: list[tuple[str, str, str]]) -> str:
        for path, source, _ in todo:
            try:
                format_source(source)
            except Exception:
                return path
        return "?"
