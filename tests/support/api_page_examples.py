"""Find and run the Python examples of the generated API pages (``docs/apis/*.md``).

Why a Markdown parser here instead of asking the docs plugin for its examples: the test must
run what a reader copies from the page, so the code comes out of the written files, by the
CommonMark fence rules, and nothing the plugin holds in memory can stand in for it.

What is changed before an example runs, and nothing else (what a reader does):

* the documented host literal (``DOC_HOST``) becomes the contract server's URL;
* the files the example opens by name (``open("file.bin", "rb")``) exist: the examples run
  in a scratch folder where each such name holds a few bytes;
* ``from cvat_sdk.api_client import ...`` (the package the page documents) finds the build
  under test: while an example runs, ``sys.modules`` maps the documented package name to the
  build, which the test imported under a unique alias so that releases live side by side.
  The text of the import is not touched.

The credentials of the examples (``username="user"``, ``password="password"``) are kept:
the contract server checks that credentials are sent, not which.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

DOC_HOST = "http://localhost:8080"
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^## +(.+?) *$")
# "**POST** `/api/tasks/{id}`: summary" (the path is a code span, maybe padded)
_REQUEST_LINE = re.compile(r"^\*\*([A-Z]+)\*\* (`+) ?(.*?) ?\2")


@dataclass(frozen=True)
class PageExample:
    """One example block: where it is, which operation section it documents, its code."""

    page: str  # file name, e.g. "TasksApi.md"
    operation: str  # the section heading: the method name
    http_method: str  # from the section's request line, "" when missing
    path: str
    line: int  # 1-based line of the opening fence
    code: str

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line} ({self.operation})"


@dataclass(frozen=True)
class FencedBlock:
    line: int
    info: str
    code: str


def fenced_blocks(text: str) -> list[FencedBlock]:
    """Every fenced code block of a CommonMark document (backtick or tilde fences; a block
    closes at a fence of the same character at least as long, or at the end)."""
    blocks: list[FencedBlock] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None or (match.group(2)[0] == "`" and "`" in match.group(3)):
            index += 1
            continue
        indent, fence, info = len(match.group(1)), match.group(2), match.group(3).strip()
        body: list[str] = []
        start = index
        index += 1
        while index < len(lines):
            closing = _FENCE.match(lines[index])
            if (closing and closing.group(2)[0] == fence[0] and len(closing.group(2)) >= len(fence)
                    and not closing.group(3).strip()):
                break
            line = lines[index]
            # content lines lose up to `indent` leading spaces (CommonMark)
            strip = min(indent, len(line) - len(line.lstrip(" ")))
            body.append(line[strip:])
            index += 1
        blocks.append(FencedBlock(start + 1, info, "\n".join(body)))
        index += 1
    return blocks


def page_examples(path: Path) -> tuple[list[str], list[PageExample]]:
    """The operation sections of an API page and its example blocks: a ``python`` block
    right after the paragraph ``**Example**`` inside a ``## method`` section."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    sections: list[tuple[int, str]] = []  # (line index, heading)
    for number, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading:
            sections.append((number, heading.group(1)))
    examples: list[PageExample] = []
    for block in fenced_blocks(text):
        if block.info.split()[:1] != ["python"]:
            continue
        before = [ln for ln in lines[: block.line - 1] if ln.strip()]
        if not before or before[-1].strip() != "**Example**":
            continue
        owner = [(n, h) for n, h in sections if n < block.line - 1]
        if not owner:
            continue
        start, operation = owner[-1]
        method = route = ""
        for line in lines[start + 1: block.line - 1]:
            request = _REQUEST_LINE.match(line)
            if request:
                method, route = request.group(1), request.group(3)
                break
        examples.append(PageExample(path.name, operation, method, route, block.line, block.code))
    return [h for _, h in sections], examples


def inspect_example(code: str) -> tuple[set[str], list[str]]:
    """What an example imports (``from X import ...``: the X) and the file names it opens
    with a literal (``open("file.bin", "rb")``), read from its syntax tree."""
    packages: set[str] = set()
    files: list[str] = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            packages.add(node.module)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open"
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            files.append(node.args[0].value)
    return packages, files


def with_host(code: str, url: str) -> str:
    """The example with the documented host replaced by ``url`` (exactly one occurrence:
    an example that configures no host, or several, is an error of the page)."""
    literal = f'"{DOC_HOST}"'
    count = code.count(literal)
    if count != 1:
        raise ValueError(f"the example should configure host {literal} once, found {count}")
    return code.replace(literal, repr(url))


@contextlib.contextmanager
def package_as(name: str, module: ModuleType) -> Iterator[None]:
    """While inside, ``import name`` (and ``name.sub``) finds ``module`` (and its loaded
    submodules); afterwards ``sys.modules`` is as before."""
    alias = module.__name__
    mapped = {name: module}
    for key, value in list(sys.modules.items()):
        if key.startswith(alias + "."):
            mapped[name + key[len(alias):]] = value
    parents = name.split(".")
    for depth in range(1, len(parents)):
        parent = ".".join(parents[:depth])
        if parent not in sys.modules:
            stub = ModuleType(parent)
            stub.__path__ = []  # a package, so that the submodule import is looked up
            mapped[parent] = stub
    saved = {key: sys.modules.get(key) for key in mapped}
    sys.modules.update(mapped)
    try:
        yield
    finally:
        for key, previous in saved.items():
            if previous is None:
                sys.modules.pop(key, None)
            else:
                sys.modules[key] = previous


@dataclass
class Outcome:
    """What running one example did: its exception (formatted) and what it printed."""

    example: PageExample
    error: str = ""
    output: str = ""


def run_example(example: PageExample, url: str) -> Outcome:
    """Execute one example (already in the scratch folder, with the package mapped)."""
    outcome = Outcome(example)
    out = io.StringIO()
    try:
        code = compile(with_host(example.code, url), f"<{example.where}>", "exec")
        with contextlib.redirect_stdout(out):
            exec(code, {"__name__": "__main__"})  # noqa: S102 - the generated example under test
    except Exception as exc:  # noqa: BLE001 - reported as the example's failure
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<")]
        at = f" (example line {frames[-1].lineno})" if frames else ""
        outcome.error = f"{type(exc).__name__}: {exc}{at}"
    outcome.output = out.getvalue()
    return outcome
