"""The engine benchmark's figures: verified rate, SIPp's rate beside it, the profile summary."""

from __future__ import annotations

import asyncio
import json

import pytest

from harness.benchmarks import engine
from harness.benchmarks.engine import (
    AIM,
    EngineCall,
    EngineResult,
    profile_by_module,
    render_engine,
)
from harness.benchmarks.sipp_load import LoadRun, LoadStep
from harness.interop.sipp import SippStats

HEADER = "SuccessfulCall(C);FailedCall(C);Retransmissions(C);CallRate(C)"


def side(calls: int, failed: int, achieved: float) -> LoadRun:
    counters = SippStats.parse(f"{HEADER}\n{calls - failed};{failed};0;{achieved}\n")
    return LoadRun("uac", calls, 1.0, 1 if failed else 0, 3.0, counters, (0.0, 4.0))


def sipp(rate: float, achieved: float, failed: int = 0) -> LoadStep:
    calls = int(rate * 3)
    return LoadStep(rate, side(calls, failed, achieved), side(calls, 0, 0.0))


def calls(verified: int, silent: int) -> tuple[EngineCall, ...]:
    heard = [EngineCall(f"v{i}", 10.0 + i, 15.0, 0.05) for i in range(verified)]
    return tuple(heard + [EngineCall(f"s{i}", 12.0, None, 5.1) for i in range(silent)])


def test_the_rate_counts_verified_calls_only() -> None:
    steps = (sipp(1000, 998.0), sipp(2000, 1990.0), sipp(4000, 1200.0, failed=40))
    result = EngineResult(calls(190, 10), 20, seconds=2.0, cpu_seconds=1.9, sipp_steps=steps)
    assert result.verified == 190
    assert result.rate == 95.0
    assert result.cpu_percent == 95.0
    assert result.sipp_rate == 1990.0
    assert result.ratio == pytest.approx(95.0 / 1990.0)
    assert result.measured and not result.aim_met()
    text = render_engine(result)
    assert "190 with audio verified in 2.00 s: 95.0 calls/s, CPU 95.0 % of a core" in text
    assert "against SIPp 1990.0 calls/s (signalling only): ratio 0.048" in text
    assert f"aim {AIM}: NOT met" in text
    data = json.loads(json.dumps(result.as_dict()))
    assert data["verified"] == 190 and data["calls"] == 200
    assert data["heard_ms"]["missing"] == 10
    assert data["aim"]["met"] is False and data["sipp_rate"] == 1990.0


def test_a_quarter_of_sipp_meets_the_aim() -> None:
    result = EngineResult(calls(100, 0), 20, 0.4, 0.4, sipp_steps=(sipp(1000, 1000.0),))
    assert result.rate == 250.0 and result.ratio == 0.25 and result.aim_met()
    assert f"aim {AIM}: met" in render_engine(result)


def test_without_a_clean_sipp_step_there_is_no_ratio() -> None:
    result = EngineResult(calls(10, 0), 5, 1.0, 0.5, sipp_steps=(sipp(1000, 400.0, failed=1),))
    assert result.sipp_rate is None and result.ratio is None
    assert not result.measured and not result.aim_met()


def test_own_time_is_summed_per_file() -> None:
    profile: dict[tuple[str, int, str], tuple[int, int, float, float, dict[str, int]]] = {
        ("/work/x/harness/sip/grammar.py", 68, "split"): (10, 10, 0.30, 0.4, {}),
        ("/work/x/harness/sip/grammar.py", 138, "params"): (5, 5, 0.10, 0.2, {}),
        ("/usr/lib/python3.11/asyncio/base_events.py", 1845, "_run_once"): (9, 9, 0.08, 1, {}),
        ("~", 0, "<method 'sendto' of '_socket.socket' objects>"): (50, 50, 0.02, 0.02, {}),
    }
    lines = profile_by_module(profile)
    assert [line.split()[-1] for line in lines[:2]] == ["harness/sip/grammar.py",
                                                         "asyncio/base_events.py"]  # fmt: skip
    assert lines[0].split()[:2] == ["80.0", "%"]
    assert lines[-1].endswith("built-in <method 'sendto' of '_socket.socket' objects>")
    assert profile_by_module({}) == ()


def test_bad_counts_are_bugs_and_no_sipp_measures_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError):
        asyncio.run(engine.bench_engine(lambda _: None, calls=0))
    with pytest.raises(ValueError):
        asyncio.run(engine.bench_engine(lambda _: None, calls=10, window=11))
    monkeypatch.setattr(engine, "find_sipp", lambda: None)
    result = asyncio.run(engine.bench_engine(lambda _: None, calls=10, window=5))
    assert "sipp is not installed" in result.note and not result.measured
    assert "incomplete: sipp is not installed" in render_engine(result)
