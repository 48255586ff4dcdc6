"""The capacity benchmark: the agent's contact, the verdicts and what is printed."""

from __future__ import annotations

import asyncio
import json

import pytest

from harness.benchmarks import capacity
from harness.benchmarks.capacity import (
    AIM,
    CapacityResult,
    contact_headers,
    render_capacity,
)
from harness.benchmarks.sipp_load import LoadRun, LoadStep
from harness.interop.sipp import SippStats

HEADER = "SuccessfulCall(C);FailedCall(C);Retransmissions(C);CallRate(C)"


def side(calls: int, ok: int, failed: int, achieved: float, code: int = 0) -> LoadRun:
    counters = SippStats.parse(f"{HEADER}\n{ok};{failed};0;{achieved}\n")
    return LoadRun("uac", calls, 1.0, code, 5.0, counters, (4.0, 8.0, 396.0))


def step(rate: float, achieved: float, callee_failed: int = 0) -> LoadStep:
    calls = int(rate * 5)
    code = 1 if callee_failed else 0
    return LoadStep(rate, side(calls, calls, 0, achieved),
                    side(calls, calls - callee_failed, callee_failed, 0.0, code))  # fmt: skip


def test_the_new_contact_replaces_our_own_and_the_previous_one() -> None:
    headers = contact_headers("agent.1", 27000, 26000)
    assert headers == [
        ("Expires", "0"),
        ("Contact", "<sip:agent.1@127.0.0.1:27000>;expires=600"),
        ("Contact", "<sip:agent.1@127.0.0.1:26000>;expires=0"),
    ]
    assert contact_headers("agent.1", 27000, None) == headers[:2]
    assert contact_headers("agent.1", 27000, 27000) == headers[:2]  # same port: keep it bound


def test_the_highest_clean_rate_and_the_table() -> None:
    steps = (step(50, 49.8), step(75, 74.8), step(100, 87.9), step(150, 99.8, callee_failed=195))
    result = CapacityResult(steps, "0.1.0", ("sipp -sn uas ...", "sipp 127.0.0.1:5060 -sn uac"))
    assert result.best is steps[2] and result.best_rate == 87.9
    assert result.measured and result.aim_met()
    text = render_capacity(result)
    assert "highest clean rate: 87.9 calls/s (asked 100; response p50 8 ms)" in text
    assert f"aim {AIM}: met" in text
    assert "  sipp 127.0.0.1:5060 -sn uac" in text
    rows = [line.split() for line in text.splitlines() if line.startswith("       150")]
    assert rows == [["150", "99.8", "750", "750", "0", "195", "0", "8", "396", "failures"]]
    data = json.loads(json.dumps(result.as_dict()))
    assert data["best_rate"] == 87.9 and data["best_rate_asked"] == 100
    assert data["aim"] == {"text": AIM, "calls_per_second": 50.0, "met": True}
    assert data["steps"][3]["callee"]["failed"] == 195


def test_a_rate_at_the_aim_meets_it_and_one_below_does_not() -> None:
    result = CapacityResult((step(50, 50.2),), "0.1.0")
    assert result.aim_met()
    assert f"aim {AIM}: met" in render_capacity(result)
    below = CapacityResult((step(50, 49.8),), "0.1.0")
    assert not below.aim_met()
    assert f"aim {AIM}: NOT met" in render_capacity(below)


def test_no_clean_step_and_a_stopped_run_say_so() -> None:
    result = CapacityResult((step(25, 24.9, callee_failed=3),), "0.1.0", note="it stopped")
    text = render_capacity(result)
    assert "highest clean rate: none" in text and "incomplete: it stopped" in text
    assert result.best is None and not result.measured


def test_without_sipp_nothing_is_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capacity, "find_sipp", lambda: None)
    result = asyncio.run(capacity.bench_capacity(lambda _: None))
    assert result.steps == () and "sipp is not installed" in result.note
    assert not result.measured
    with pytest.raises(ValueError):
        asyncio.run(capacity.bench_capacity(lambda _: None, rates=(50, 0)))
