"""Is the generated Python valid? Each top-level statement is parsed once, not each file per build.

Files that skip black (their templates declare black's layout) are still parsed: a template bug,
or an injection that got past the escaping filters, must stop the build as black's parser would
have stopped it. A rebuild after a server release changes a few classes of `models/_models.py`
(130 KB) and `_interfaces.py`; parsing them whole took 0.1 s of CPU every time.

So a file is cut into pieces at blank-line-separated top-level `class`, `def` and decorator
lines. When every piece parses on its own, the file parses: a piece that parses is a complete
module (brackets and strings closed, indentation back at column 0), and the next piece starts
a new statement at column 0. The pieces that parsed are remembered in the cache folder (the
interpreter's version is part of the key) and not parsed again. A piece that does not parse on
its own (a cut inside a string that holds such a line) sends its file to the plain check, the
whole file parsed, and then only the whole file's digest is remembered.

The generated-file header (a comment on the first line) is left out of the keys: it can't
change what parses.
"""

from __future__ import annotations

import ast
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cache_files import write_atomic

_CUTS = ("class ", "def ", "async def ", "@")


def split_pieces(source: str) -> list[str]:
    """Top-level pieces whose concatenation is `source`."""
    lines = source.splitlines(keepends=True)
    pieces: list[str] = []
    start = 0
    for index in range(1, len(lines)):
        if lines[index].startswith(_CUTS) and lines[index - 1] in ("\n", "\r\n"):
            pieces.append("".join(lines[start:index]))
            start = index
    pieces.append("".join(lines[start:]))
    return pieces


def _digest(text: str) -> str:
    return hashlib.sha256(f"{sys.version}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


def _without_header(source: str) -> str:
    if source.startswith("#"):
        newline = source.find("\n")
        return "#" + (source[newline:] if newline >= 0 else "")
    return source


@dataclass
class SyntaxJob:
    """One file to check: its text, and the pieces of it that were never parsed."""

    source: str
    pieces: list[str]


@dataclass
class SyntaxReport:
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, "line N: message")
    whole: set[str] = field(default_factory=set)  # paths that had to be parsed whole

    def extend(self, other: SyntaxReport) -> None:
        self.errors.extend(other.errors)
        self.whole |= other.whole

    def first_error(self, among: Any = None) -> tuple[str, str] | None:
        """The first error in path order; with `among` (paths), only those count."""
        errors = sorted(e for e in self.errors if among is None or e[0] in among)
        return errors[0] if errors else None


def _error(exc: Exception) -> str:
    line = getattr(exc, "lineno", None)
    return f"line {line}: {exc.msg if isinstance(exc, SyntaxError) else exc}"


def check(jobs: dict[str, SyntaxJob]) -> SyntaxReport:
    """Parse what was never parsed; a file whose new pieces don't all parse alone is parsed
    whole, which also gives the error its line number in the file."""
    report = SyntaxReport()
    for path, job in sorted(jobs.items()):
        try:
            for piece in job.pieces:
                ast.parse(piece, filename=path)
            continue
        except (SyntaxError, ValueError):
            report.whole.add(path)
        try:
            ast.parse(job.source, filename=path)
        except (SyntaxError, ValueError) as exc:
            report.errors.append((path, _error(exc)))
    return report


class ParsedCache:
    """Digests of the pieces (and whole files) that parsed in the last build into this cache
    dir."""

    def __init__(self, cache_dir: Path | None) -> None:
        from .config import default_cache_dir

        self.path = (cache_dir or default_cache_dir()) / "syntax" / "parsed-pieces.txt"
        try:
            self.known = set(self.path.read_text(encoding="ascii").split())
        except (OSError, UnicodeDecodeError):
            self.known = set()

    def jobs(self, files: dict[str, str]) -> dict[str, SyntaxJob]:
        """What is left to parse of these files (files with nothing new are left out)."""
        jobs: dict[str, SyntaxJob] = {}
        for path, source in files.items():
            keyed = _without_header(source)
            if _digest(keyed) in self.known:
                continue
            new = [piece for piece in split_pieces(keyed) if _digest(piece) not in self.known]
            if new:
                jobs[path] = SyntaxJob(source, new)
        return jobs

    def remember(self, files: dict[str, str], whole: set[str]) -> None:
        """After they all parsed: these files' pieces (or, for the `whole` ones, the files),
        and no others, are the known ones now."""
        digests: set[str] = set()
        for path, source in files.items():
            keyed = _without_header(source)
            whole_digest = _digest(keyed)
            if path in whole or whole_digest in self.known:
                digests.add(whole_digest)
            else:
                digests.update(_digest(piece) for piece in split_pieces(keyed))
        write_atomic(self.path, ("\n".join(sorted(digests)) + "\n").encode("ascii"))  # or only slower
