"""The fork helper: whole messages through a pipe, EOF when the writer goes, no child left."""

from __future__ import annotations

import os
import signal
import time

import pytest

from cvat_gen.forked import Child, Receiver, Sender, can_fork, live_children, pipe

pytestmark = pytest.mark.skipif(not can_fork(), reason="no fork here")


def _echo(inbox: Receiver, outbox: Sender) -> None:
    while True:
        try:
            message = inbox.recv()
        except EOFError:
            return
        outbox.send(message)


def test_messages_larger_than_the_pipe_arrive_whole_and_in_order() -> None:
    inbox, to_child = pipe()
    from_child, outbox = pipe()
    child = Child(_echo, inbox, outbox)
    inbox.close()
    outbox.close()
    messages = [{"big": "x" * 3_000_000}, ("small", 1), None, list(range(10_000))]
    for message in messages:
        to_child.send(message)
        assert from_child.recv() == message
    to_child.close()  # the child sees EOF and ends
    with pytest.raises(EOFError):
        from_child.recv()
    child.join()
    from_child.close()
    assert not live_children()


def _stuck() -> None:
    while True:
        time.sleep(0.05)


def test_a_stuck_child_is_killed_after_the_timeout() -> None:
    child = Child(_stuck)
    started = time.monotonic()
    child.join(timeout=0.3)
    assert 0.25 < time.monotonic() - started < 5
    assert not live_children()


def _report_sigint(outbox: Sender) -> None:
    outbox.send(signal.getsignal(signal.SIGINT) == signal.SIG_IGN)


def test_children_leave_ctrl_c_to_the_build() -> None:
    receiver, sender = pipe()
    child = Child(_report_sigint, sender)
    sender.close()
    assert receiver.recv() is True
    child.join()
    receiver.close()


def _fail() -> None:
    raise RuntimeError("in the child")


def test_a_failing_child_ends_with_status_1() -> None:
    child = Child(_fail)
    pid = child.pid
    assert pid is not None
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1
    child.pid = None


def _sleep() -> None:
    time.sleep(3)


def test_a_child_holds_no_other_pipe() -> None:
    """A pipe the child was not given is closed in it: the reader sees EOF as soon as the
    parent closes its writing end, not when an unrelated helper ends."""
    receiver, sender = pipe()
    child = Child(_sleep)
    sender.close()
    started = time.monotonic()
    with pytest.raises(EOFError):
        receiver.recv()
    assert time.monotonic() - started < 2
    receiver.close()
    os.kill(child.pid or 0, signal.SIGKILL)
    child.join()
