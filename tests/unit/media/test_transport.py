"""The media clock: which members it serves, when, and what a failing member leaves intact.

Each test runs on a virtual-time loop: the clock's wake-ups happen exactly when it asked for
them, so what the tests check does not depend on how busy the machine is. The tests on loopback
sockets are in tests/integration/media/test_transport.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from harness.media.transport import (
    MediaClock,
)

from ..virtual_loop import run_virtual

TIMEOUT = 5.0


def run(coro: Awaitable[None]) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(TIMEOUT * 2):
            await coro

    run_virtual(bounded())


def test_streams_started_together_are_spread_over_the_frame():
    async def scenario() -> None:
        clock = MediaClock(frame=0.02, slots=4)
        starts = [clock.start_time() for _ in range(4)]
        offsets = sorted(round((s - starts[0]) * 1000, 6) for s in starts)
        assert offsets == [0.0, 5.0, 10.0, 15.0]
        clock.close()

    run(scenario())


class Ticker:
    """A clock member that wants a tick every ``period`` once started."""

    def __init__(self, clock: MediaClock, wanted: int, period: float = 0.02) -> None:
        self.clock = clock
        self.period = period
        self.wanted = wanted
        self.due: float | None = None
        self.ticks: list[float] = []
        self.asked = 0
        self.done = asyncio.Event()
        self.after_tick: list[object] = []

    def start(self) -> None:
        self.due = self.clock.start_time()
        self.clock.poke(self)

    def next_timer(self) -> float | None:
        self.asked += 1
        return self.due

    def on_tick(self, now: float) -> None:
        assert self.due is not None and now >= self.due - 1e-6
        self.ticks.append(now)
        self.due = None if len(self.ticks) >= self.wanted else self.due + self.period
        if len(self.ticks) >= self.wanted:
            self.done.set()
        for action in self.after_tick:
            assert callable(action)
            action()


def test_clock_keeps_serving_others_when_a_member_raises():
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        reported: list[object] = []
        loop.set_exception_handler(lambda _loop, context: reported.append(context["exception"]))
        clock = MediaClock()
        broken = Ticker(clock, wanted=1)

        def explode() -> None:
            raise RuntimeError("broken stream")

        broken.after_tick.append(explode)
        healthy = Ticker(clock, wanted=5)
        for member in (broken, healthy):
            clock.attach(member)
            member.start()
        await asyncio.wait_for(healthy.done.wait(), TIMEOUT)
        assert len(broken.ticks) == 1
        assert [str(e) for e in reported] == ["broken stream"]
        assert all(b - a > 0.015 for a, b in zip(healthy.ticks, healthy.ticks[1:], strict=False))
        clock.close()
        assert clock.next_wake is None

    run(scenario())


def test_clock_serves_a_member_started_from_another_members_tick():
    async def scenario() -> None:
        clock = MediaClock()
        late = Ticker(clock, wanted=3)
        first = Ticker(clock, wanted=1)
        first.after_tick.append(late.start)  # e.g. an event callback starting a stream
        clock.attach(late)  # visited before ``first`` on every wake-up
        clock.attach(first)
        first.start()
        await asyncio.wait_for(late.done.wait(), TIMEOUT)
        assert len(late.ticks) == 3
        assert clock.next_wake is None  # nobody has a timer any more
        clock.close()

    run(scenario())


def test_a_wake_up_asks_only_the_members_due():
    async def scenario() -> None:
        clock = MediaClock(frame=0.02, slots=4)
        tickers = [Ticker(clock, wanted=10) for _ in range(12)]
        for ticker in tickers:
            clock.attach(ticker)  # asked once: nothing to do yet
            ticker.start()  # asked once more by the poke
        await asyncio.wait_for(asyncio.gather(*(t.done.wait() for t in tickers)), TIMEOUT)
        # Each tick asks its member before and after; a clock asking every member at every
        # wake-up (four a frame) would ask each about forty times.
        assert all(t.asked <= 2 + 2 * t.wanted for t in tickers), [t.asked for t in tickers]
        assert all(len(t.ticks) == t.wanted for t in tickers)
        assert clock.next_wake is None
        clock.close()

    run(scenario())


def test_a_member_whose_timer_moved_later_is_served_at_its_new_time():
    async def scenario() -> None:
        clock = MediaClock()
        moved = Ticker(clock, wanted=2)
        clock.attach(moved)
        moved.start()
        assert moved.due is not None
        moved.due += 0.05  # later, without a poke: its old entry comes up first
        later = moved.due
        # Ticker.on_tick asserts that no tick comes before the member's time.
        await asyncio.wait_for(moved.done.wait(), TIMEOUT)
        assert moved.ticks[0] >= later - 1e-6
        clock.close()

    run(scenario())


def test_a_detached_member_is_not_served_again():
    async def scenario() -> None:
        clock = MediaClock()
        gone = Ticker(clock, wanted=100)
        stays = Ticker(clock, wanted=5)
        gone.after_tick.append(lambda: clock.detach(gone))
        for ticker in (gone, stays):
            clock.attach(ticker)
            ticker.start()
        await asyncio.wait_for(stays.done.wait(), TIMEOUT)
        assert len(gone.ticks) == 1
        assert clock.members == 1
        clock.close()

    run(scenario())
