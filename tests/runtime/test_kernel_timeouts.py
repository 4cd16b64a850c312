"""The plain-HTTP sockets whose timeouts the kernel keeps (runtime module ``sockets``).

They exist for speed (no ``poll()`` before each send and receive), so these tests check
that they keep Python's timeout behaviour: a receive or send that waits too long raises
``TimeoutError`` after about the timeout, ``settimeout(0)``/``None`` still mean
non-blocking/forever, and a client built by the SDK uses them only for ``http://``.
"""

from __future__ import annotations

import importlib
import socket
import sys
import threading
import time
from types import ModuleType
from typing import Iterator

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


@pytest.fixture(scope="module")
def so(sdk: ModuleType) -> ModuleType:
    return importlib.import_module(sdk.__name__ + ".sockets")


WATCHDOG = 5.0  # seconds: then the peer hangs up, so a broken timeout fails instead of hanging


@pytest.fixture()
def pair(so: ModuleType) -> Iterator[tuple[socket.socket, socket.socket]]:
    a, b = socket.socketpair()
    a = so.KernelTimeoutSocket.adopt(a)
    watchdog = threading.Timer(WATCHDOG, lambda: b.shutdown(socket.SHUT_RDWR))
    watchdog.start()
    try:
        yield a, b
    finally:
        watchdog.cancel()
        a.close()
        b.close()


def test_receive_times_out_like_python(pair: tuple[socket.socket, socket.socket]) -> None:
    a, _ = pair
    a.settimeout(0.3)
    assert a.gettimeout() == 0.3
    t0 = time.monotonic()
    with pytest.raises(TimeoutError):
        a.recv(10)
    assert 0.25 <= time.monotonic() - t0 < 2.0
    buffer = bytearray(10)
    with pytest.raises(TimeoutError):
        a.recv_into(buffer)
    # through a file object, as http.client reads (SocketIO reports it as a timeout too)
    with pytest.raises(TimeoutError):
        a.makefile("rb").readline()


def test_data_in_time_is_received(pair: tuple[socket.socket, socket.socket]) -> None:
    a, b = pair
    a.settimeout(5.0)
    threading.Timer(0.1, lambda: b.sendall(b"hello\r\n")).start()
    assert a.makefile("rb").readline() == b"hello\r\n"


def test_send_times_out_when_the_peer_never_reads(
    pair: tuple[socket.socket, socket.socket]
) -> None:
    a, _ = pair
    a.settimeout(0.3)
    t0 = time.monotonic()
    with pytest.raises(TimeoutError):
        a.sendall(b"x" * (64 << 20))  # far more than the socket buffers hold
    assert time.monotonic() - t0 < 5.0


def test_zero_and_none_keep_their_meaning(pair: tuple[socket.socket, socket.socket]) -> None:
    a, b = pair
    a.settimeout(0.2)
    a.settimeout(0)  # non-blocking: fails at once, and not as a timeout
    assert a.gettimeout() == 0.0
    with pytest.raises(BlockingIOError):
        a.recv(10)
    a.settimeout(None)  # blocking forever: the kernel timeout set before must be gone
    assert a.gettimeout() is None
    threading.Timer(0.5, lambda: b.sendall(b"late")).start()
    assert a.recv(10) == b"late"  # waited past the old 0.2 s without an error


def test_steady_state_adds_no_system_call(so: ModuleType) -> None:
    """urllib3 sets the connect timeout before sending and the read timeout before reading,
    on every request: the kernel is told only the first time."""
    calls: list[int] = []

    class Counting(so.KernelTimeoutSocket):  # type: ignore[misc, name-defined]
        __slots__ = ()

        def setsockopt(self, *args: object) -> None:  # type: ignore[override]
            calls.append(args[1])  # type: ignore[arg-type]
            super().setsockopt(*args)

    a, b = socket.socketpair()
    a = Counting.adopt(a)
    try:
        for _ in range(5):
            a.settimeout(60.0)
            a.sendall(b"request")
            b.recv(100)
            a.settimeout(120.0)
            b.sendall(b"answer")
            assert a.recv(100) == b"answer"
        assert sorted(calls) == sorted([socket.SO_SNDTIMEO, socket.SO_RCVTIMEO])
    finally:
        a.close()
        b.close()


def test_the_sdk_pool_uses_them_for_http_only(sdk: ModuleType, so: ModuleType) -> None:
    client = sdk.ApiClient(sdk.Configuration(host="http://127.0.0.1:1"))
    pools = client.rest_client.pool_manager.pool_classes_by_scheme
    assert pools["http"] is so.HTTPConnectionPool
    assert pools["https"].__module__.startswith("urllib3.")
    import urllib3

    mine = urllib3.PoolManager()
    assert sdk.ApiClient(sdk.Configuration(host="http://127.0.0.1:1"), pool_manager=mine) \
        .rest_client.pool_manager.pool_classes_by_scheme["http"].__module__.startswith("urllib3.")


def test_a_call_against_a_silent_server_times_out(sdk: ModuleType) -> None:
    """End to end through the SDK's own pool: the error is urllib3's read timeout, in time."""
    import urllib3

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        deadline = time.monotonic() + WATCHDOG
        while not stop.is_set():
            if time.monotonic() > deadline:  # hang up: a broken timeout fails, never hangs
                for conn in held:
                    conn.shutdown(socket.SHUT_RDWR)
                return
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        client = sdk.ApiClient(sdk.Configuration(host=f"http://127.0.0.1:{server.getsockname()[1]}"))
        t0 = time.monotonic()
        with pytest.raises(urllib3.exceptions.ReadTimeoutError):
            client.rest_client.send("GET", client.configuration.host + "/x", {},
                                    timeout=urllib3.Timeout(connect=2, read=0.4), retries=False)
        assert time.monotonic() - t0 < 3.0
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        server.close()
