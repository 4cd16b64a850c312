"""The checks that run beside the build, in a forked process, on the machine's second core.

Two checks cost more than the stages they guard and decide nothing the build needs before
writing: the spec validation of the patched document, and the syntax check of the generated
Python (what black's parser would have refused). The child is forked before the patches run,
readies its validator while the parent patches, validates while the parent builds the IR and
renders, then parses the generated Python files as each plugin emits them (the models while
the parent renders the docs), and the last ones while the parent stages them. The parent waits for
both answers before any file is renamed into place, so an error still leaves the old output
exactly as it was. Without `fork` (Windows), both run in-process, in the same order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import Diagnostic
from .forked import Child, Receiver, Sender, can_fork, pipe
from .syntax import SyntaxJob, SyntaxReport, check
from .validate import spec_diagnostics


class BackgroundChecks:
    def __init__(self, cache_dir: Path | None = None) -> None:
        """`cache_dir`: where the validator remembers its words for bad defaults."""
        self._cache_dir = cache_dir
        self._validation: list[Diagnostic] | None = None
        self._syntax: SyntaxReport | None = None  # None: not answered yet
        self._local = SyntaxReport()  # without a child: found in-process
        self._submitted: list[dict[str, SyntaxJob]] = []  # parsed here if the child dies
        self._process: Child | None = None
        self._sender: Any = None
        if not can_fork():
            return
        inbox, self._to_child = pipe()
        self._from_child, outbox = pipe()
        self._process = Child(_child, inbox, outbox, cache_dir)
        inbox.close()
        outbox.close()

    def submit_document(self, document: dict[str, Any]) -> None:
        if self._process is None:
            from .spec_check import DefaultMessages

            self._validation = spec_diagnostics(document, DefaultMessages(self._cache_dir))
        else:
            self._send(document)

    def submit_sources(self, jobs: dict[str, SyntaxJob]) -> None:
        """Python to parse (`syntax.ParsedCache.jobs`), in as many batches as the build likes;
        `syntax_report()` answers for all of them."""
        if not jobs:
            return
        if self._process is None:
            self._local.extend(check(jobs))
        else:
            self._submitted.append(jobs)
            self._send(jobs)

    def _send(self, message: Any) -> None:
        """Hand a message over without waiting: a pipe holds 64 KiB, and the child reads only
        when it is done with the previous message, so a plain send would stall the build.
        One sender thread at a time keeps the messages in order."""
        import threading

        previous = self._sender

        def send() -> None:
            if previous is not None:
                previous.join()
            try:
                self._to_child.send(message)
            except (OSError, ValueError):
                pass  # the child is gone: the next answer says so

        self._sender = threading.Thread(target=send, name="cvat-gen-background-send", daemon=True)
        self._sender.start()

    def sent(self) -> None:
        """Wait until what was handed over is in the pipe (before another fork: a thread
        caught in the middle of a write is no state to copy into a child)."""
        if self._sender is not None:
            self._sender.join()

    def _receive(self) -> Any:
        try:
            return self._from_child.recv()
        except (EOFError, OSError):
            return None

    def validation(self) -> list[Diagnostic]:
        """The spec validator's diagnostics (waits for them)."""
        if self._validation is None:
            answer = self._receive()
            self._validation = answer if isinstance(answer, list) else [
                Diagnostic("", "the spec validator stopped without an answer")]
        return self._validation

    def syntax_report(self) -> SyntaxReport:
        """What the parser found in everything submitted (waits; ends the submissions)."""
        self.validation()  # answers come in order
        if self._syntax is None:
            if self._process is None:
                self._syntax = self._local
            else:
                self._send(None)  # no more sources
                answer = self._receive()
                if not isinstance(answer, SyntaxReport):  # the child died: parse here what it had
                    answer = SyntaxReport()
                    for jobs in self._submitted:
                        answer.extend(check(jobs))
                self._syntax = answer
        return self._syntax

    def syntax_error(self, among: Any = None) -> tuple[str, str] | None:
        """(path, message) of the first submitted file that does not parse, or None; with
        `among` (paths), only those count (a file a finalize hook dropped does not)."""
        return self.syntax_report().first_error(among)

    def close(self) -> None:
        """Ends the child, whatever it was given (a build can stop at any stage)."""
        if self._process is None:
            return
        if self._sender is not None:
            self._sender.join(timeout=5)  # a child that stopped reading makes it fail, not hang
        self._to_child.close()
        self._from_child.close()
        self._process.join(timeout=5)
        self._process = None


def _child(inbox: Receiver, outbox: Sender, cache_dir: Path | None) -> None:
    from .spec_check import prepare

    defaults = prepare(cache_dir)  # the slow part of the fast path, while the parent patches
    try:
        document = inbox.recv()
    except (EOFError, OSError):
        return  # the build stopped before validation
    items: list[Diagnostic] = []
    try:
        items = spec_diagnostics(document, defaults)
    except BaseException as exc:  # one clear line, as the in-process validator would give
        items = [Diagnostic("", f"the spec validator failed: {type(exc).__name__}: {str(exc)[:200]}")]
    try:
        outbox.send(items)
        report = SyntaxReport()
        while (jobs := inbox.recv()) is not None:
            report.extend(check(jobs))
        outbox.send(report)
    except (EOFError, OSError):
        return  # the build ended without waiting for this answer
