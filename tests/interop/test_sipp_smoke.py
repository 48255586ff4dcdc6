"""The engine and concurrency benchmarks end to end against a real SIPp, kept short.

Skipped when SIPp is not installed. The figures are not asserted (they depend on the machine);
what is asserted is that every call had its audio verified and that nothing was left running.
"""

from __future__ import annotations

import asyncio

import pytest

from harness.benchmarks import concurrency, engine
from harness.interop.sipp import find_sipp

pytestmark = [
    pytest.mark.interop,
    pytest.mark.skipif(find_sipp() is None, reason="sipp is not installed (Debian: sip-tester)"),
]


def test_the_engine_verifies_every_call_and_sipp_runs_beside_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine, "SIPP_STEP_SECONDS", 1.0)
    result = asyncio.run(engine.bench_engine(lambda _: None, 10, 5, sipp_rates=(100.0,)))
    assert result.verified == 10, engine.render_engine(result)
    assert result.callee is not None and result.callee.clean
    assert [step.caller.ok for step in result.sipp_steps] == [100]
    assert result.measured and result.problems == ()


def test_concurrency_holds_a_few_calls_and_measures_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(concurrency, "SETTLE_SECONDS", 1.0)
    result = asyncio.run(concurrency.bench_concurrency(lambda _: None, 1.0, levels=(2, 4)))
    text = concurrency.render_concurrency(result)
    assert [level.calls for level in result.levels] == [2, 4], text
    assert result.window is not None and result.window.hearing == 4, text
    assert result.held == 4 and result.window.loss_percent == 0.0, text
    assert result.problems == ()
