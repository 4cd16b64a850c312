"""Errors as values.

Every problem the pipeline finds is a `Diagnostic` that points into the schema with a JSON
pointer. Stages collect them and raise one `BuildError` at the end of the stage, so that
the user sees every problem at once, and the CLI prints them without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


def json_pointer(*parts: str | int) -> str:
    """Build an RFC 6901 pointer; escaping matters because CVAT paths contain '/'."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "".join("/" + p for p in escaped) or ""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    pointer: str
    message: str
    severity: Severity = "error"
    source: str = "schema"

    def format(self) -> str:
        # one line, always: a schema can put newlines into names (pointers) and messages
        pointer = self.pointer.encode("unicode_escape").decode("ascii") if not self.pointer.isprintable() else self.pointer
        where = f"{self.source}#{pointer}" if pointer else self.source
        text = " ".join(self.message.split())
        return f"{self.severity}: {where}: {text}"


class BuildError(Exception):
    """Raised by a stage with every diagnostic it collected. The CLI prints them and exits 2."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic, exit_code: int = 2) -> None:
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = diagnostics
        self.exit_code = exit_code
        super().__init__("\n".join(d.format() for d in diagnostics))


@dataclass
class DiagnosticSink:
    """Collects diagnostics during a stage; `raise_if_errors` ends the stage."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, pointer: str, message: str, source: str = "schema") -> None:
        self.items.append(Diagnostic(pointer, message, "error", source))

    def warning(self, pointer: str, message: str, source: str = "schema") -> None:
        self.items.append(Diagnostic(pointer, message, "warning", source))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise BuildError(self.errors)
