from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass

import pytest

from harness.runtime.journal import Event, Journal, Match, UnexpectedEvent, WaitTimeout


@dataclass(frozen=True, kw_only=True)
class Rang(Event):
    call: str


@dataclass(frozen=True, kw_only=True)
class Other(Event):
    value: int


def test_wait_for_finds_history_first_and_consumes() -> None:
    j = Journal()
    j.record(Rang(party="alice", call="c1"))
    j.record(Rang(party="alice", call="c2"))
    assert j.wait_for(Match(Rang, party="alice"), 0.01).call == "c1"
    assert j.wait_for(Match(Rang, party="alice"), 0.01).call == "c2"
    with pytest.raises(WaitTimeout) as info:
        j.wait_for(Match(Rang, party="alice"), 0.01)
    assert "Rang(party='alice')" in str(info.value)


def test_match_filters_and_predicates() -> None:
    j = Journal()
    j.record(Other(party="x", value=1))
    j.record(Other(party="x", value=7))
    assert j.wait_for(Match(Other, value=lambda v: v > 5), 0.01).value == 7
    with pytest.raises(TypeError):
        Match(Other, nope=1)


class _SignallingCondition(threading.Condition):
    """A condition that tells the test when a waiter sleeps and how each sleep ended.

    ``wait`` returns True when a notification woke the waiter and False when its timeout ran
    out; a journal that forgot to notify would still find the event after the timeout, so the
    tests check how the sleep ended, not only what was found.
    """

    def __init__(self) -> None:
        super().__init__()
        self.sleeping = threading.Event()
        self.endings: list[bool] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.sleeping.set()
        woken = super().wait(timeout)
        self.endings.append(woken)
        return woken


def _record_once_asleep(j: Journal, cond: _SignallingCondition, event: Event) -> threading.Thread:
    """Record ``event`` from another thread once the waiter sleeps on the journal."""

    def producer() -> None:
        if cond.sleeping.wait(5):
            j.record(event)

    thread = threading.Thread(target=producer)
    thread.start()
    return thread


def test_wait_for_is_woken_by_an_event_from_another_thread() -> None:
    cond = _SignallingCondition()
    j = Journal(_cond=cond)
    producer = _record_once_asleep(j, cond, Rang(party="bob", call="c9"))
    assert j.wait_for(Rang, 5).call == "c9"
    producer.join()
    assert cond.endings == [True], "the waiter was not woken by the new record"


def test_after_ignores_older_events() -> None:
    j = Journal()
    j.record(Rang(party="a", call="old"))
    armed = j.position
    j.record(Rang(party="a", call="new"))
    assert j.wait_for(Rang, 0.01, after=armed).call == "new"


def test_expect_absent_passes_and_fails() -> None:
    j = Journal()
    j.record(Rang(party="a", call="before"))
    j.expect_absent(Rang, within=0.02)  # history before the call does not count by default
    with pytest.raises(UnexpectedEvent):
        j.expect_absent(Rang, within=0.02, after=0)


def test_expect_absent_is_woken_by_an_event_during_the_window() -> None:
    cond = _SignallingCondition()
    j = Journal(_cond=cond)
    producer = _record_once_asleep(j, cond, Rang(party="a", call="during"))
    with pytest.raises(UnexpectedEvent, match="during"):
        j.expect_absent(Rang, within=5)
    producer.join()
    assert cond.endings == [True], "the window was not cut short by the new record"


def test_expect_context_arms_before_the_action() -> None:
    j = Journal()
    j.record(Rang(party="a", call="stale"))
    with j.expect(Rang, 0.5) as found:
        j.record(Rang(party="a", call="fresh"))
    assert found[0].call == "fresh"


def test_async_wait_for() -> None:
    j = Journal()

    async def main() -> str:
        loop = asyncio.get_running_loop()
        loop.call_soon(j.record, Rang(party="a", call="x"))
        ev = await j.wait_for_async(Rang, 2)
        return ev.call

    assert asyncio.run(main()) == "x"
    with pytest.raises(WaitTimeout):  # the asynchronous wait consumed the event
        j.wait_for(Rang, 0.01)


def test_async_wait_times_out() -> None:
    async def main() -> None:
        await Journal().wait_for_async(Rang, 0.01)

    with pytest.raises(WaitTimeout):
        asyncio.run(main())
