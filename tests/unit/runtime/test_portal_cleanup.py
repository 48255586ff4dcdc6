from __future__ import annotations

import asyncio

import pytest

from harness.runtime.cleanup import Cleanup
from harness.runtime.ids import ScenarioIds
from harness.runtime.portal import Portal, PortalTimeout


def test_portal_runs_coroutines_and_times_out() -> None:
    portal = Portal()
    try:

        async def add(a: int, b: int) -> int:
            return a + b

        assert portal.run(add(2, 3)) == 5
        never: asyncio.Future[None] | None = None

        async def hang() -> None:
            nonlocal never
            never = asyncio.get_running_loop().create_future()
            await never

        with pytest.raises(PortalTimeout):
            portal.run(hang(), timeout=0.05)
        assert portal.call(lambda: portal.in_loop_thread())
    finally:
        portal.close()


def test_cleanup_runs_lifo_and_reports_errors() -> None:
    order: list[str] = []
    stack = Cleanup()
    stack.push("first", lambda: order.append("first"))

    async def second() -> None:
        order.append("second")

    def broken() -> None:
        raise RuntimeError("boom")

    stack.push("second", second)
    stack.push("broken", broken)
    errors = asyncio.run(stack.run())
    assert order == ["second", "first"]
    assert errors == ["cleanup of broken failed: RuntimeError('boom')"]


def test_leak_checks_name_what_leaked() -> None:
    stack = Cleanup()
    stack.check("rtp", lambda: ["port 40000"])
    stack.check("sip", lambda: [])
    assert stack.leaks() == ["rtp: port 40000"]


def test_ids_are_unique_per_scenario() -> None:
    a, b = ScenarioIds(), ScenarioIds()
    assert a.prefix != b.prefix
    assert a.next("agent") == f"{a.prefix}-agent-1"
    assert a.next("agent") == f"{a.prefix}-agent-2"
