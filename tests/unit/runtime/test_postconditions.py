"""Post-conditions (H-REL-2): finalizers first, then leak checks; one message names it all."""

from __future__ import annotations

import asyncio

import pytest

from harness.runtime import postconditions
from harness.runtime.cleanup import Cleanup, LeakError


def test_finalizers_run_before_the_checks_and_failures_are_kept():
    closed: list[str] = []
    stack = Cleanup()
    stack.check("customer", lambda: [] if "customer" in closed else ["call c1 still live"])
    stack.push("customer's caller", lambda: closed.append("customer"))

    def broken() -> None:
        raise OSError("socket already closed")

    stack.push("Alice's phone", broken)
    problems = asyncio.run(postconditions.settle(stack))
    assert problems == ["cleanup of Alice's phone failed: OSError('socket already closed')"]


def test_the_report_names_the_requirement_and_each_leak():
    problems = ["customer: call c1 did not end", "RTP 127.0.0.1:40000"]
    with pytest.raises(LeakError) as raised:
        postconditions.check(problems)
    assert str(raised.value) == (
        "[H-REL-2] the scenario left things behind; leaked: "
        "customer: call c1 did not end; RTP 127.0.0.1:40000"
    )
    postconditions.check([])  # nothing left: nothing raised
