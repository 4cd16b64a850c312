"""Plain-HTTP connections whose timeouts cost nothing while the server answers in time.

Why: a Python socket with a timeout (``sock.settimeout(120)``) runs every ``send`` and
``recv`` as ``poll()`` + the call, i.e. two extra system calls per request. On a small
loopback call that was about 10 % of the whole call (raw urllib3 measured the same cost when
given the same timeout), so the SDK's finite default timeout (see ``Configuration``) would
have made every call slower than urllib3 without one.

Here the socket stays in blocking mode and the kernel keeps the timeout instead
(``SO_RCVTIMEO``/``SO_SNDTIMEO``): a call that blocks longer than the timeout fails with
``EAGAIN``, which is turned into the same ``TimeoutError`` (``socket.timeout``) that Python
raises for its own timeouts, so urllib3 and http.client report a ``ReadTimeoutError`` as
before. The semantics are those of Python's timeouts: the limit applies to each blocking
send/receive, not to the whole request. Connecting still uses Python's timeout.

Used only where it is known to behave: plain ``http://`` connections of the pool manager
the SDK creates itself, on Linux. TLS sockets and other systems keep urllib3's own
connections (the TLS work outweighs two system calls), and so does a pool manager passed by
the caller.
"""

from __future__ import annotations

import _socket
import socket
import struct
import sys
from typing import Any

from urllib3 import connection, connectionpool

__all__ = ["SUPPORTED", "HTTPConnection", "HTTPConnectionPool", "KernelTimeoutSocket"]

SUPPORTED = sys.platform.startswith("linux") and hasattr(socket, "SO_RCVTIMEO")
"""Whether this module's connections are used (Linux: ``struct timeval`` is two longs)."""

_recv_into = _socket.socket.recv_into
_recv = _socket.socket.recv
_sendall = _socket.socket.sendall
_send = _socket.socket.send


def _timeval(seconds: float) -> bytes:
    whole = int(seconds)
    micros = int(round((seconds - whole) * 1_000_000))
    if whole == 0 and micros == 0:
        micros = 1  # 0 would mean "no timeout" to the kernel
    return struct.pack("ll", whole, micros)


_OFF = struct.pack("ll", 0, 0)


class KernelTimeoutSocket(socket.socket):
    """A TCP socket whose positive timeouts are kept by the kernel (see the module docs).

    ``settimeout(None)`` and ``settimeout(0)`` behave as on any socket (wait forever,
    non-blocking); a positive value leaves the socket blocking and is handed to the kernel
    on the next send (``SO_SNDTIMEO``) or receive (``SO_RCVTIMEO``), and only if it differs
    from the value already there: urllib3 sets the connect timeout before sending each
    request and the read timeout before reading the answer, so in steady state no system
    call is added at all."""

    _kernel_timeout: float | None  # the timeout in force when positive, else None
    _rcv: float | None  # the values set in the kernel (None: none)
    _snd: float | None
    __slots__ = ("_kernel_timeout", "_rcv", "_snd")

    @classmethod
    def adopt(cls, sock: socket.socket) -> "KernelTimeoutSocket":
        """Take over a connected socket (same file descriptor, same timeout)."""
        timeout = sock.gettimeout()
        new = cls(sock.family, sock.type, sock.proto, fileno=sock.detach())
        new._kernel_timeout = None
        new._rcv = new._snd = None
        new.settimeout(timeout)
        return new

    def settimeout(self, value: float | None) -> None:
        if value is not None and value > 0:
            if self._kernel_timeout is None:
                super().settimeout(None)  # blocking: no poll() before each call
            self._kernel_timeout = value
            return
        self._kernel_timeout = None
        if self._rcv is not None:
            self.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, _OFF)
            self._rcv = None
        if self._snd is not None:
            self.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, _OFF)
            self._snd = None
        super().settimeout(value)

    def gettimeout(self) -> float | None:
        if self._kernel_timeout is not None:
            return self._kernel_timeout
        return super().gettimeout()

    def _kernel_value(self) -> bytes:
        """The kernel's form of the timeout in force (off when there is none)."""
        return _OFF if self._kernel_timeout is None else _timeval(self._kernel_timeout)

    def _sync_rcv(self) -> None:
        self.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, self._kernel_value())
        self._rcv = self._kernel_timeout

    def _sync_snd(self) -> None:
        self.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, self._kernel_value())
        self._snd = self._kernel_timeout

    def _timed_out(self, error: BlockingIOError) -> OSError:
        """A blocking call that ran out of the kernel's time fails with EAGAIN: reported as
        Python reports its own timeouts. Without a kernel timeout (non-blocking mode) the
        EAGAIN is the caller's. Runs only on that error, never on the happy path."""
        return error if self._kernel_timeout is None else TimeoutError("timed out")

    # The four calls below repeat one pattern on purpose: they are the hot path this module
    # exists for, and a shared helper measured 31 % slower per call (9 % for generated methods).
    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        if self._rcv != self._kernel_timeout:
            self._sync_rcv()
        try:
            return _recv_into(self, buffer, nbytes, flags)
        except BlockingIOError as error:
            raise self._timed_out(error) from None

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        if self._rcv != self._kernel_timeout:
            self._sync_rcv()
        try:
            return _recv(self, bufsize, flags)
        except BlockingIOError as error:
            raise self._timed_out(error) from None

    def sendall(self, data: Any, flags: int = 0) -> None:
        if self._snd != self._kernel_timeout:
            self._sync_snd()
        try:
            _sendall(self, data, flags)
        except BlockingIOError as error:
            raise self._timed_out(error) from None

    def send(self, data: Any, flags: int = 0) -> int:
        if self._snd != self._kernel_timeout:
            self._sync_snd()
        try:
            return _send(self, data, flags)
        except BlockingIOError as error:
            raise self._timed_out(error) from None


# The classes keep urllib3's names: they appear in error messages ("HTTPConnectionPool(host=...):
# Read timed out"), which should read the same whichever connection class was used.
class HTTPConnection(connection.HTTPConnection):
    """urllib3's HTTP connection on a :class:`KernelTimeoutSocket`."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        if sock.type != socket.SOCK_STREAM:  # pragma: no cover - defensive
            return sock
        return KernelTimeoutSocket.adopt(sock)


class HTTPConnectionPool(connectionpool.HTTPConnectionPool):
    """The ``http`` pool class of the SDK's own pool manager (see the module docs)."""

    ConnectionCls = HTTPConnection
