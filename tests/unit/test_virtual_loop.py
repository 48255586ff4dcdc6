"""The virtual-time loop the unit tests use: timers fire at their time, in order, at once."""

from __future__ import annotations

import asyncio
import time

import pytest

from .virtual_loop import run_virtual


def test_timers_fire_exactly_when_asked_and_in_order_without_waiting() -> None:
    async def scenario() -> list[tuple[str, float]]:
        loop = asyncio.get_running_loop()
        fired: list[tuple[str, float]] = []
        done = asyncio.Event()

        def last() -> None:
            fired.append(("hour", loop.time()))
            done.set()

        loop.call_at(3600.0, last)
        loop.call_later(0.02, lambda: fired.append(("frame", loop.time())))
        await done.wait()
        return fired

    started = time.monotonic()
    assert run_virtual(scenario()) == [("frame", 0.02), ("hour", 3600.0)]
    assert time.monotonic() - started < 5.0  # an hour of loop time, no hour of waiting


def test_real_time_spent_in_a_callback_does_not_move_the_loop_clock() -> None:
    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        before = loop.time()
        stall_until = time.monotonic() + 0.05  # the machine busy elsewhere for 50 ms
        while time.monotonic() < stall_until:
            pass
        return loop.time() - before

    assert run_virtual(scenario()) == 0.0


def test_a_loop_with_nothing_scheduled_says_so_instead_of_hanging() -> None:
    async def scenario() -> None:
        await asyncio.Event().wait()

    with pytest.raises(RuntimeError, match="nothing scheduled"):
        run_virtual(scenario())
