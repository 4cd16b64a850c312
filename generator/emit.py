"""Stage 6: the plugins emit their files, the independent ones in a forked worker.

Rendering is the longest stage of a rebuild, and it is two halves that share nothing: the SDK's
Python (runtime, models, apis) and its Markdown reference (docs). A plugin whose module says
`CVATGEN_EMIT_IN_WORKER = True` promises that its `cvatgen_emit_files` hook only reads the IR and
the context and only returns files (and diagnostics): such hooks run in a process forked from
the build, on the machine's other core, while the build runs the other hooks. The worker also
parses the Python it emitted (`syntax`), which the background checks would otherwise do.

The result is the same as running every hook in order, in this process: files and diagnostics
are put together in plugin order, and any doubt (the worker died, a hook failed or left
something in `context.extras`, a result that can't be sent back) runs every hook again here,
in order, from the same start. A machine with one core, or without `fork`, runs them here.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .context import BuildContext, OutputFile
from .errors import EXIT_PLUGIN, BuildError, Diagnostic
from .ir import IR
from .plugin_host import PluginHost, call_hook
from .syntax import ParsedCache, SyntaxReport, check

WORKER_FLAG = "CVATGEN_EMIT_IN_WORKER"
Hook = tuple[str, Any, list[str]]


@dataclass
class EmitResult:
    files: list[OutputFile]
    worker: Any = None  # the emit worker (_Worker), still parsing its Python, or None
    worker_files: dict[str, str] = field(default_factory=dict)  # path -> source it parsed


def _in_worker(host: PluginHost, name: str) -> bool:
    return getattr(host.objects.get(name), WORKER_FLAG, False) is True


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _call(hook: Hook, ir: IR, context: BuildContext) -> Any:
    name, function, argnames = hook
    values = {"ir": ir, "context": context}
    return call_hook(name, "cvatgen_emit_files", function, {a: values[a] for a in argnames})


def emit_files(host: PluginHost, order: tuple[str, ...], ir: IR, context: BuildContext,
               skips_black: Callable[[OutputFile], bool], parsed: ParsedCache,
               hand_over: Callable[[list[OutputFile]], None]) -> EmitResult:
    """Every plugin's files, in plugin order. `hand_over` gets each batch the build process
    emitted (for the background syntax check); the worker parses its own."""
    hooks: list[Hook] = host.impls("cvatgen_emit_files", order)
    worker_hooks = [h for h in hooks if _in_worker(host, h[0])]
    local_hooks = [h for h in hooks if not _in_worker(host, h[0])]
    worker = None
    if worker_hooks and local_hooks and _cores() >= 2:
        worker = _Worker.start(worker_hooks, ir, context, skips_black, parsed)

    def in_order() -> EmitResult:
        return EmitResult(_collect([(h[0], _call(h, ir, context)) for h in hooks], hand_over))

    if worker is None:
        return in_order()
    diagnostics = context.diagnostics.items
    mark, extras = len(diagnostics), dict(context.extras)
    emitted: dict[str, Any] = {}
    added: dict[str, list[Diagnostic]] = {}
    try:
        for hook in local_hooks:
            start = len(diagnostics)
            emitted[hook[0]] = _call(hook, ir, context)
            added[hook[0]] = diagnostics[start:]
        answer = worker.emitted()
    except BaseException:
        worker.close()
        raise
    if answer is None:  # any doubt: everything again, in order, as if there were no worker
        worker.close()
        del diagnostics[mark:]
        context.extras.clear()
        context.extras.update(extras)
        return in_order()
    for name, files, found in answer:
        emitted[name], added[name] = files, found
    del diagnostics[mark:]
    for hook in hooks:  # diagnostics in plugin order, as a run in order gives them
        diagnostics.extend(added[hook[0]])
    local = {h[0] for h in local_hooks}
    files = _collect([(h[0], emitted[h[0]]) for h in hooks], hand_over, handing_over=local)
    # what the worker parsed, by the rule it used: not by `OutputFile.plugin`, which a plugin may set
    worker_files = _to_parse([files for _, files, _ in answer], skips_black)
    return EmitResult(files, worker, worker_files)


def _to_parse(batches: list[list[Any]], skips_black: Callable[[OutputFile], bool]) -> dict[str, str]:
    """The Python of these batches that only the syntax check sees (it skips black)."""
    return {f.path: f.content for files in batches for f in files
            if isinstance(f, OutputFile) and isinstance(f.content, str) and skips_black(f)}


def _collect(results: list[tuple[str, Any]], hand_over: Callable[[list[OutputFile]], None],
             handing_over: set[str] | None = None) -> list[OutputFile]:
    """The files in plugin order, checked; each plugin's batch goes to `hand_over` (only the
    batches of the `handing_over` plugins, when given)."""
    files: list[OutputFile] = []
    owners: dict[str, str] = {}
    for name, emitted in results:
        batch: list[OutputFile] = []
        for item in emitted or []:
            if not isinstance(item, OutputFile):
                raise BuildError(Diagnostic("", f"plugin {name!r} emitted {type(item).__name__}, not OutputFile",
                                            source="plugins"), exit_code=EXIT_PLUGIN)
            if item.path in owners:
                raise BuildError(Diagnostic("", f"plugins {owners[item.path]!r} and {name!r} both emit {item.path}",
                                            source="plugins"), exit_code=EXIT_PLUGIN)
            owners[item.path] = name
            batch.append(item if item.plugin else dataclasses.replace(item, plugin=name))
        files.extend(batch)
        if handing_over is None or name in handing_over:
            hand_over(batch)
    return files


class _Worker:
    """The forked process: it runs the hooks, sends their files back, then parses their Python."""

    def __init__(self, process: Any, connection: Any) -> None:
        self.process = process
        self.connection = connection
        self.report: SyntaxReport | None = None

    @classmethod
    def start(cls, hooks: list[Hook], ir: IR, context: BuildContext, skips_black: Callable[[OutputFile], bool],
              parsed: ParsedCache) -> _Worker | None:
        from .forked import Child, can_fork, pipe

        if not can_fork():
            return None
        mine, theirs = pipe()
        process = Child(_work, theirs, hooks, ir, context, skips_black, parsed)
        theirs.close()
        return cls(process, mine)

    def _receive(self) -> Any:
        try:
            return self.connection.recv()
        except Exception:  # noqa: BLE001 - gone (EOF), or a result that does not unpickle: run the hooks here
            return None

    def emitted(self) -> list[tuple[str, list[OutputFile], list[Diagnostic]]] | None:
        """Each hook's files and diagnostics, or None when the build should run them itself."""
        answer = self._receive()
        if not (isinstance(answer, tuple) and len(answer) == 2 and answer[0] == "emitted"):
            return None
        return answer[1]

    def syntax(self) -> SyntaxReport | None:
        """The worker's parse of its Python (waits); None if it could not answer."""
        if self.report is None:
            answer = self._receive()
            if isinstance(answer, tuple) and len(answer) == 2 and answer[0] == "syntax":
                self.report = answer[1]
            self.close()
        return self.report

    def close(self) -> None:
        if self.process is None:
            return
        self.connection.close()
        self.process.join(timeout=5)
        self.process = None


def _work(connection: Any, hooks: list[Hook], ir: IR, context: BuildContext,
          skips_black: Callable[[OutputFile], bool], parsed: ParsedCache) -> None:
    extras = dict(context.extras)
    results: list[tuple[str, list[OutputFile], list[Diagnostic]]] = []
    try:
        for hook in hooks:
            start = len(context.diagnostics.items)
            files = list(_call(hook, ir, context) or [])
            results.append((hook[0], files, context.diagnostics.items[start:]))
        changed = set(context.extras) != set(extras) or any(context.extras[k] is not v for k, v in extras.items())
        connection.send(("emitted", results) if not changed else ("doubt", "context.extras changed"))
        if changed:
            return
    except BaseException as exc:  # noqa: BLE001 - the build runs the hooks again and reports it
        try:
            connection.send(("doubt", f"{type(exc).__name__}"))
        except Exception:  # noqa: BLE001 - the build sees the pipe close
            pass
        return
    try:
        connection.send(("syntax", check(parsed.jobs(_to_parse([files for _, files, _ in results], skips_black)))))
    except (OSError, ValueError):
        pass
