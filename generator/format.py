"""Stage 7: format Python output with black, cached statement by statement, in parallel.

The mode is pinned here so that output does not depend on a user's black configuration.

Why statements and not files: a new server release changes a few models and operations,
but every file that holds one of them would miss a whole-file cache. So each file is cut
into its top-level statements (with `ast`), each statement is formatted once and cached by
its text, and a file is reassembled from formatted statements with the blank lines black
puts between top-level statements. Misses are formatted together, one black call per file,
so a cold build costs what formatting whole files costs. Tests check that the result is
exactly what black gives for the whole file (tests/unit/test_format.py and the 2.70 build).
"""

from __future__ import annotations

import ast
import hashlib
import os
from collections.abc import Iterator
from contextlib import closing
from typing import Any
from dataclasses import dataclass
from pathlib import Path

from .config import default_cache_dir  # its home; imported here by older callers

LINE_LENGTH = 100
PARALLEL_THRESHOLD_BYTES = 150_000
_SEPARATOR = "\n\n\n"


def _mode() -> object:
    import black

    return black.Mode(
        target_versions={black.TargetVersion.PY311},
        line_length=LINE_LENGTH,
        string_normalization=True,
        magic_trailing_comma=True,
    )


def _salt() -> str:
    import black

    return f"black {black.__version__} {LINE_LENGTH} py311\n"


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


# ---------------------------------------------------------------------------------------
# statements


@dataclass(frozen=True)
class Chunk:
    """One top-level statement with the comments before it; no blank lines at either end."""

    text: str
    kind: str  # "block" (def/class), "import", "docstring", "comment" or "other"
    blank_before: int  # blank lines before it in the source being split


def _kind(node: ast.stmt, index: int) -> str:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return "block"
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return "import"
    if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
            and isinstance(node.value.value, str):
        return "docstring"
    return "other"


def split_chunks(source: str) -> list[Chunk]:
    """Top-level statements of `source` (SyntaxError if it isn't Python). A comment right
    above a statement belongs to it; a comment block that blank lines separate from the
    next statement is a chunk of its own, as black spaces it on its own. Blank lines
    between chunks belong to no chunk."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    shares_a_line = any(b.lineno <= (a.end_lineno or a.lineno) for a, b in zip(tree.body, tree.body[1:]))
    if not tree.body or shares_a_line:  # `a = 1; b = 2`: keep the file whole
        return [Chunk(source.strip("\n"), "other", 0)] if source.strip() else []
    chunks: list[Chunk] = []
    carried = 0  # blank lines at the end of the previous region: they come before the next chunk

    def add(body: list[str], kind: str) -> None:
        nonlocal carried
        blank = carried
        while body and not body[0].strip():
            body.pop(0)
            blank += 1
        trailing = 0
        while body and not body[-1].strip():
            body.pop()
            trailing += 1
        if body:
            chunks.append(Chunk("".join(body).rstrip("\n"), kind, blank))
            carried = trailing
        else:
            carried = blank + trailing

    start = 0
    for index, node in enumerate(tree.body):
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        # the comments attached to the statement: the lines right above it, up to a blank one
        attached = first
        while attached > start and lines[attached - 1].strip():
            attached -= 1
        if index and any(line.strip() for line in lines[start:attached]):
            add(lines[start:attached], "comment")
            start = attached
        end = len(lines) if index + 1 == len(tree.body) else (node.end_lineno or node.lineno)
        add(lines[start:end], _kind(node, index))
        start = end
    return chunks


def blank_lines_between(previous: Chunk, current: Chunk) -> int:
    """What black puts between two top-level statements."""
    if previous.kind == "block" or current.kind == "block":
        return 2
    if previous.kind == "docstring":
        return 1
    if previous.kind == "import" and current.kind != "import":
        return min(max(current.blank_before, 1), 2)
    return min(current.blank_before, 2)


def join_chunks(chunks: list[Chunk], texts: list[str]) -> str:
    parts = []
    for index, text in enumerate(texts):
        if index:
            parts.append("\n" * (blank_lines_between(chunks[index - 1], chunks[index]) + 1))
        parts.append(text)
    return "".join(parts) + "\n" if parts else ""


def _join_raw(chunks: list[Chunk]) -> str:
    """The source again, from its chunks, with the blank lines it had."""
    parts = []
    for index, chunk in enumerate(chunks):
        if index:
            parts.append("\n" * (chunk.blank_before + 1))
        parts.append(chunk.text)
    return "".join(parts) + "\n"


def _split_header(source: str) -> tuple[str, str]:
    """`# Generated by cvat-gen ...` first line (with its newline), and the rest."""
    first, newline, rest = source.partition("\n")
    if newline and first.startswith("# Generated by cvat-gen") and first == first.rstrip() \
            and len(first) <= LINE_LENGTH:
        return first + "\n", rest
    return "", source


# ---------------------------------------------------------------------------------------
# cache


class ChunkCache:
    """raw statement text -> formatted text, in one SQLite file (safe across processes)."""

    def __init__(self, folder: Path) -> None:
        import sqlite3  # here: a build whose files all skip black never opens the cache

        self.path = folder / "chunks.sqlite3"
        self.available = True
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as db:
                db.execute("CREATE TABLE IF NOT EXISTS chunks (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                db.commit()
        except (OSError, sqlite3.Error):
            self.available = False  # a cache that can't be used only costs time

    def _connect(self) -> Any:
        import sqlite3

        return sqlite3.connect(self.path, timeout=30)

    def get_many(self, keys: list[str]) -> dict[str, str]:
        if not self.available or not keys:
            return {}
        found: dict[str, str] = {}
        try:
            with closing(self._connect()) as db:
                for start in range(0, len(keys), 500):
                    batch = keys[start:start + 500]
                    marks = ",".join("?" * len(batch))
                    found.update(db.execute(f"SELECT key, value FROM chunks WHERE key IN ({marks})", batch))
        except _sqlite_error():
            return {}
        return found

    def put_many(self, items: dict[str, str]) -> None:
        if not self.available or not items:
            return
        try:
            with closing(self._connect()) as db:
                db.executemany("INSERT OR REPLACE INTO chunks (key, value) VALUES (?, ?)", items.items())
                db.commit()
        except _sqlite_error():
            pass


def _sqlite_error() -> type[Exception]:
    import sqlite3

    return sqlite3.Error


# ---------------------------------------------------------------------------------------
# the formatter


@dataclass
class _Plan:
    path: str
    chunks: list[Chunk]
    keys: list[str]
    texts: list[str | None]

    def missing(self) -> Iterator[int]:
        return (i for i, text in enumerate(self.texts) if text is None)


class Formatter:
    def __init__(self, cache_dir: Path | None, jobs: int = 0) -> None:
        self.cache_dir = cache_dir
        self._cache: ChunkCache | None = None
        self.jobs = jobs or (os.cpu_count() or 1)
        self.hits = 0
        self.misses = 0

    @property
    def cache(self) -> ChunkCache:
        """Opened on first use: most rebuilds send nothing to black."""
        if self._cache is None:
            self._cache = ChunkCache((self.cache_dir or default_cache_dir()) / "black")
        return self._cache

    def format_all(self, files: dict[str, str]) -> dict[str, str]:
        """Format {path: source}; raises FormatError naming the first file that isn't Python."""
        if not files:
            return {}  # black's import alone costs a few hundred ms
        salt = _salt()
        plans: list[_Plan] = []
        headers: dict[str, str] = {}
        for path in sorted(files):
            # The generated-file header names cvat-gen's version: kept out of the cache keys, or
            # every file would miss after an upgrade. Black leaves such a line as is.
            header, body = _split_header(files[path])
            headers[path] = header
            try:
                chunks = split_chunks(body)
            except SyntaxError as exc:
                raise FormatError(path, f"line {(exc.lineno or 0) + bool(header)}: {exc.msg}") from None
            keys = [hashlib.sha256((salt + c.text).encode()).hexdigest() for c in chunks]
            plans.append(_Plan(path, chunks, keys, [None] * len(chunks)))
        cached = self.cache.get_many(sorted({k for plan in plans for k in plan.keys}))
        whole: list[_Plan] = []  # nothing cached: format the file as it is
        partial: list[tuple[_Plan, int]] = []  # statements to format, from all other files
        for plan in plans:
            for index, key in enumerate(plan.keys):
                plan.texts[index] = cached.get(key)
            missing = list(plan.missing())
            self.hits += len(plan.keys) - len(missing)
            self.misses += len(missing)
            if missing and len(missing) == len(plan.chunks):
                whole.append(plan)
            else:
                partial.extend((plan, index) for index in missing)
        sources = [_join_raw(plan.chunks) for plan in whole]
        if partial:  # one black call for every changed statement of every other file
            sources.append(_SEPARATOR.join(plan.chunks[i].text for plan, i in partial) + "\n")
        if sources:
            names = [plan.path for plan in whole] + (["(changed statements)"] if partial else [])
            formatted = self._run(sources, names)
            targets = [[(plan, i) for i in range(len(plan.chunks))] for plan in whole]
            if partial:
                targets.append(partial)
            fresh: dict[str, str] = {}
            for slots, text, name in zip(targets, formatted, names, strict=True):
                pieces = [c.text for c in split_chunks(text)]
                if len(pieces) != len(slots):  # black keeps statements; anything else is a bug
                    raise FormatError(name, "black changed the number of top-level statements")
                for (plan, index), piece in zip(slots, pieces, strict=True):
                    plan.texts[index] = piece
                    fresh[plan.keys[index]] = piece
            self.cache.put_many(fresh)
        return {plan.path: headers[plan.path] + join_chunks(plan.chunks, [t or "" for t in plan.texts])
                for plan in plans}

    def _run(self, sources: list[str], paths: list[str]) -> list[str]:
        workers = min(self.jobs, len(sources))
        try:
            if workers > 1 and sum(len(s) for s in sources) > PARALLEL_THRESHOLD_BYTES:
                return self._parallel(sources, workers)
            return [format_source(s) for s in sources]
        except Exception as exc:  # black's InvalidInput & co: a generator bug, reported clearly
            bad = next((p for p, s in zip(paths, sources) if not _formats(s)), "?")
            raise FormatError(bad, f"{type(exc).__name__}: {str(exc)[:300]}") from None

    @staticmethod
    def _parallel(sources: list[str], workers: int) -> list[str]:
        # Balance by size: biggest first, each to the lightest bucket; the parent works too.
        buckets: list[list[int]] = [[] for _ in range(workers)]
        loads = [0] * workers
        for index in sorted(range(len(sources)), key=lambda i: -len(sources[i])):
            lightest = loads.index(min(loads))
            buckets[lightest].append(index)
            loads[lightest] += len(sources[index])
        import multiprocessing

        context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        out: list[str] = [""] * len(sources)
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers - 1, mp_context=context) as pool:
            futures = [(bucket, pool.submit(_format_many, [sources[i] for i in bucket])) for bucket in buckets[1:]]
            for index in buckets[0]:
                out[index] = format_source(sources[index])
            for bucket, future in futures:
                for index, text in zip(bucket, future.result(), strict=True):
                    out[index] = text
        return out


def _formats(source: str) -> bool:
    try:
        format_source(source)
    except Exception:
        return False
    return True
