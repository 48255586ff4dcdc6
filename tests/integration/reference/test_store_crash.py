"""What a crash can lose: a real process saving calls through the group commit, killed by SIGKILL.

The child saves call steps as fast as it can, with the reference's own group commit (one commit
every ``GROUP_COMMIT_DELAY`` on its event loop), and after each commit prints which step of which
call that commit covered. The parent kills it with SIGKILL right after reading such a line,
reopens the SQLite file and checks the promise the README makes: every save acknowledged by a
commit is there, and every call in the file is exactly one of the records its process saved,
never a mix (no half-written call). Only saves made after the last commit can be missing.
"""

from __future__ import annotations

import asyncio
import functools
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import pytest

from harness.reference.domain import calls
from harness.reference.domain.accounts import Account
from harness.reference.domain.calls import CallRecord, EndedBy, Offer
from harness.reference.domain.distribution import Assignment, AssignmentKind
from harness.reference.process import GROUP_COMMIT_DELAY
from harness.reference.store import Store

ROOT = Path(__file__).resolve().parents[3]
ACCOUNT = Account("acc_crash", "Crash")
BATCH = 20  # calls that advance together, one step each in turn
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
ANA = Offer("u1", "Ana Lopez", 0, Assignment(AssignmentKind.NUMBER, "n1"), True)
CHILD_TIMEOUT = 30.0


@functools.cache
def versions(index: int) -> tuple[CallRecord, ...]:
    """Every record call ``index`` is saved as, in order: arrival to end (six saves)."""
    at = T0 + timedelta(seconds=index)
    blank = CallRecord(f"CALL-{index:010d}", ACCOUNT.id, "n1", "+33611111111", "+33123456789", at)
    opened = calls.open_call(blank, number_label="Sales", offers=(ANA,), sip_call_id=f"s{index}@x")
    rung = calls.ringing(opened, "u1", at + timedelta(seconds=1))
    answered, _ = calls.answer_attempt(
        calls.add_sip_call_id(rung, f"leg{index}@x"), "u1", at + timedelta(seconds=2)
    )
    held = calls.hold(answered, at + timedelta(seconds=3), "agent")
    resumed = calls.resume(held, at + timedelta(seconds=4), "agent")
    ended = calls.end(resumed, at + timedelta(seconds=5), EndedBy.CALLER, "BYE")
    return (opened, rung, answered, held, resumed, ended)


STEPS = len(versions(0))


def step(n: int) -> tuple[int, int]:
    """The ``n``-th save: (call index, version index). Calls advance in batches of ``BATCH``."""
    batch, within = divmod(n, BATCH * STEPS)
    return batch * BATCH + within % BATCH, within // BATCH


async def _save_forever(path: str) -> None:
    loop = asyncio.get_running_loop()
    saves = 0

    def commit_then_acknowledge(commit: object) -> None:
        def run() -> None:
            assert callable(commit)
            print("writing", saves, flush=True)
            commit()
            print("committed", saves, flush=True)  # only once the COMMIT has returned

        loop.call_later(GROUP_COMMIT_DELAY, run)

    store = Store(path, group_commit=commit_then_acknowledge)
    store.insert_account(ACCOUNT, "0" * 64, T0.isoformat())
    while True:
        index, version = step(saves)
        store.save_call(versions(index)[version])
        saves += 1
        if saves % 50 == 0:
            await asyncio.sleep(0)  # let the loop run the group's commit when it is due


def child(path: str) -> None:
    """Entry point of the process the test kills."""
    asyncio.run(_save_forever(path))


@pytest.mark.parametrize(
    ("commits", "moment", "into_write"),
    [
        (1, "committed", 0.0),
        (4, "committed", 0.0),
        (3, "writing", 0.0),
        (3, "writing", 0.3),
        (5, "writing", 0.6),
        (5, "writing", 0.9),
    ],
    ids=[
        "after commit 1",
        "after commit 4",
        "as group 3 starts its write",
        "30 % into the write of group 3",
        "60 % into the write of group 5",
        "90 % into the write of group 5",
    ],
)
def test_a_killed_process_keeps_every_committed_save_and_no_half_written_call(
    tmp_path, commits, moment, into_write
):
    path = tmp_path / "reference.sqlite3"
    code = f"from {__name__} import child; child({str(path)!r})"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    try:
        acks = [0]  # saves made before each acknowledged commit
        writing = 0  # saves made before the group being written
        write_s = 0.0  # how long the last group took from "writing" to "committed"
        started = 0.0
        lines = _lines(proc.stdout, CHILD_TIMEOUT)
        while True:
            line = next(lines)
            assert line, f"the child ended before its commit {len(acks)}"
            what, count = line.split()
            if what == "committed":
                acks.append(int(count))
                write_s = time.monotonic() - started
            else:
                writing = int(count)
                started = time.monotonic()
            if what == moment and len(acks) - 1 + (what == "writing") == commits:
                break
        if into_write:
            # Not a wait for anything: this picks the moment of the crash, a fraction of the
            # previous group's write time into this group's write.
            time.sleep(into_write * write_s)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(CHILD_TIMEOUT) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()

    store = Store(path)
    try:
        stored = {call.call_id: call for call in store.list_calls(ACCOUNT.id)}
    finally:
        store.close()
    # Every call in the file is exactly one record its process saved: never half-written.
    found = {call_id: _version_of(call) for call_id, call in stored.items()}
    half_written = [call_id for call_id, version in found.items() if version < 0]
    assert not half_written, f"half-written calls after the crash: {half_written}"
    # Each save moves one call one step on: the file holds the first `kept` saves, exactly,
    # since commits are whole (a group is one transaction).
    kept = sum(version + 1 for version in found.values())
    assert stored == expected_after(kept), (
        f"the crash left part of a group's commit: the file is not the call log after {kept}"
        " saves, nor after any other number of them"
    )
    # Every acknowledged save is there; only saves after the last acknowledged commit are lost.
    assert kept >= acks[-1], f"{acks[-1] - kept} acknowledged saves lost by the crash"
    assert kept in (acks[-1], writing), f"kept {kept} saves: neither commit {acks} nor {writing}"


def _lines(stream: IO[bytes], timeout: float) -> Iterator[str]:
    """The child's lines as they come ("" at its end); silent for ``timeout`` s fails the test."""
    pending = b""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while True:
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                yield line.decode()
            if not selector.select(timeout):
                raise AssertionError(f"the child printed nothing for {timeout:g} s")
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:
                yield ""
                return
            pending += chunk


def expected_after(saves: int) -> dict[str, CallRecord]:
    """The call log after the first ``saves`` saves."""
    latest: dict[int, int] = {}
    for n in range(saves):
        index, version = step(n)
        latest[index] = version
    return {f"CALL-{i:010d}": versions(i)[v] for i, v in latest.items()}


def _version_of(call: CallRecord) -> int:
    """Which of its versions ``call`` is exactly, or -1 when it is none of them."""
    index = int(call.call_id[5:])
    for number, version in enumerate(versions(index)):
        if version == call:
            return number
    return -1
