"""Errors as values.

Every problem the pipeline finds is a `Diagnostic` that points into the schema with a JSON
pointer. Stages collect them and raise one `BuildError` at the end of the stage, so that
the user sees every problem at once, and the CLI prints them without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

# Exit statuses of the command line (documented in `cvat-gen --help` and the README). CI
# scripts tell them apart: 1 is "the check found differences", never "something crashed".
EXIT_OK = 0
EXIT_DIFFERENCES = 1  # `build --check` or `diff --fail-on` found differences
EXIT_INPUT = 2  # bad input: schema, config, overlay, options
EXIT_PLUGIN = 3  # a plugin or template failed
EXIT_FILESYSTEM = 4  # permission, read-only, disk full
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)


def pointer_token(part: object) -> str:
    """One reference token of a JSON pointer (RFC 6901). The IR builder makes one per
    property, path and component: two replaces, not a pointer built through `json_pointer`."""
    return str(part).replace("~", "~0").replace("/", "~1")


def json_pointer(*parts: str | int) -> str:
    """Build an RFC 6901 pointer; escaping matters because CVAT paths contain '/'."""
    return "".join("/" + pointer_token(p) for p in parts)


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

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic, exit_code: int = EXIT_INPUT) -> None:
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = diagnostics
        self.exit_code = exit_code
        super().__init__("\n".join(d.format() for d in diagnostics))


def filesystem_error(exc: OSError) -> Diagnostic:
    """`error: filesystem: Read-only file system: /path`, from what the OS said."""
    where = exc.filename or ""
    return Diagnostic("", f"{exc.strerror or exc}{': ' + str(where) if where else ''}", source="filesystem")


class PluginFailure(BuildError):
    """A plugin's hook raised: one line that names the plugin and the hook, exit status 3.
    The original exception is the `__cause__` (`--traceback` prints it)."""

    def __init__(self, plugin: str, hook: str, error: BaseException) -> None:
        text = " ".join(str(error).split())[:300]
        super().__init__(Diagnostic("", f"plugin {plugin!r} failed in {hook}: {type(error).__name__}"
                                        f"{': ' + text if text else ''}", source="plugins"), exit_code=EXIT_PLUGIN)
        self.plugin = plugin
        self.hook = hook


@dataclass
class DiagnosticSink:
    """Collects diagnostics during a stage; `raise_if_errors` ends the stage.

    `error(pointer, message)` locates a problem in the schema. A plugin may also call
    `error(message)` alone: while one of its hooks runs, `current_plugin` names it, and
    its diagnostics are labelled `plugin <name>` rather than blamed on the schema."""

    items: list[Diagnostic] = field(default_factory=list)
    current_plugin: str = ""

    def _add(self, severity: Severity, pointer: str, message: str | None, source: str | None) -> None:
        if message is None:  # error("text"): a message without a location
            pointer, message = "", pointer
        if source is None:
            source = f"plugin {self.current_plugin}" if self.current_plugin else "schema"
        self.items.append(Diagnostic(pointer, message, severity, source))

    def error(self, pointer: str, message: str | None = None, source: str | None = None) -> None:
        self._add("error", pointer, message, source)

    def warning(self, pointer: str, message: str | None = None, source: str | None = None) -> None:
        self._add("warning", pointer, message, source)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise BuildError(self.errors)
