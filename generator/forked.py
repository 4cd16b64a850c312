"""A forked helper process and a one-way pipe to talk to it: what the build's helpers need of
`multiprocessing`, without importing it (15 ms, a twentieth of a rebuild). (black's parallel
formatting, which happens only when something goes to black, still uses a process pool.)

The helpers (`background.BackgroundChecks`, `emit`'s worker) are forks of the build: they
share its memory as it was, so they start at once and need nothing sent but their input. A
helper ignores Ctrl-C (the terminal sends it to the whole process group; the build reports the
interruption, once, and ends its helpers) and leaves with `os._exit`, so that nothing of the
build's (atexit handlers, buffered output) runs twice.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import time
import weakref
from collections.abc import Callable
from typing import Any

_HEADER = struct.Struct("!Q")
_OPEN: weakref.WeakSet[_End] = weakref.WeakSet()


def can_fork() -> bool:
    return hasattr(os, "fork")


class _End:
    """One end of a pipe, by file descriptor. Every open end is known (`_OPEN`), so that a new
    child closes the ones it was not given: a pipe sees EOF only when every copy of its
    writing end is closed, in every process."""

    def __init__(self, fd: int) -> None:
        self.fd: int | None = fd
        _OPEN.add(self)

    def _open_fd(self) -> int:
        if self.fd is None:
            raise OSError("the pipe is closed")
        return self.fd

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class Sender(_End):
    """The writing end of a pipe: whole pickled messages, each behind its length."""

    def send(self, message: Any) -> None:
        fd = self._open_fd()
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(_HEADER.pack(len(data)) + data)
        while view:
            written = os.write(fd, view)
            view = view[written:]


class Receiver(_End):
    """The reading end: `recv()` gives the next message, EOFError when the writer is gone."""

    def _exactly(self, size: int) -> bytes:
        fd = self._open_fd()
        chunks: list[bytes] = []
        while size:
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def recv(self) -> Any:
        (size,) = _HEADER.unpack(self._exactly(_HEADER.size))
        return pickle.loads(self._exactly(size))  # noqa: S301 - our own fork wrote it


def pipe() -> tuple[Receiver, Sender]:
    read, write = os.pipe()
    return Receiver(read), Sender(write)


class Child:
    """A forked process running `target(*args)`."""

    def __init__(self, target: Callable[..., Any], *args: Any) -> None:
        """The child keeps the pipe ends among `args` and closes every other one it inherited
        (the parent's ends of this pipe and of any other helper's)."""
        pid = os.fork()
        if pid == 0:  # the child
            status = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                given = {id(arg) for arg in args}
                for end in list(_OPEN):
                    if id(end) not in given:
                        end.close()
                target(*args)
            except BaseException:  # noqa: BLE001 - the parent sees the pipe close and decides
                status = 1
            finally:
                os._exit(status)
        self.pid: int | None = pid

    def join(self, timeout: float = 5.0) -> None:
        """Wait for the child to end (it ends when its input closes); kill it after
        `timeout` seconds, so that a stuck helper can't hang the build."""
        if self.pid is None:
            return
        deadline = time.monotonic() + timeout
        while True:
            try:
                done, _ = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                break
            time.sleep(0.001)
        self.pid = None


def live_children() -> list[int]:
    """Processes this one started that have not been waited for (zombies too), from /proc:
    what the tests check to prove no helper outlives a build. Empty where /proc is missing."""
    me = f"PPid:\t{os.getpid()}\n"
    found = []
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status", encoding="ascii", errors="replace") as stream:
                if me in stream.read():
                    found.append(int(name))
        except OSError:
            continue
    return found
