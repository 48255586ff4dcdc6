"""What the call and run benchmarks print and write, from fixed figures."""

from __future__ import annotations

import json

from harness.benchmarks.calls import AIM, CallSample, CallsResult, render_calls
from harness.benchmarks.suite import SuiteRun, cut_middle, parse_summary, render_suite

CUSTOMER_HEARS = "customer hears agent"
AGENT_HEARS = "agent hears customer"


def sample(n: int, to_customer: float | None, to_agent: float | None) -> CallSample:
    return CallSample(
        sip_call_id=f"sip-{n}", call_id=f"CALL-{n}", answer_ms=9.0,
        latency_ms={CUSTOMER_HEARS: to_customer, AGENT_HEARS: to_agent},
        ended=True, seconds=0.05,
    )  # fmt: skip


def test_call_figures_meeting_the_aim() -> None:
    samples = tuple(sample(i, float(i), 10.0 + i) for i in range(1, 21))
    result = CallsResult(samples, seconds=30.0, sut_version="0.1.0")
    assert result.calls_per_minute == 40.0
    assert result.direction(CUSTOMER_HEARS).median == 10.5
    assert result.direction(AGENT_HEARS).p95 == 29.0
    assert result.aim_met()
    text = render_calls(result)
    assert "20 placed one after another in 30.0 s, 40.0 calls/min" in text
    rows = {line.split("  ")[0]: line.split() for line in text.splitlines()}
    assert rows[CUSTOMER_HEARS][3:] == ["20", "0", "10.5", "19.0", "20.0", "yes", "yes"]
    assert rows[AGENT_HEARS][3:] == ["20", "0", "20.5", "29.0", "30.0", "yes", "yes"]
    assert f"aim: {AIM}: met" in text


def test_silent_calls_and_slow_audio_miss_the_aim() -> None:
    samples = (sample(1, 50.0, None), sample(2, 150.0, None), sample(3, 160.0, 20.0))
    result = CallsResult(samples, 6.0, "0.1.0", problems=("RTP 127.0.0.1:4000 open",))
    customer = result.direction(CUSTOMER_HEARS)
    assert (customer.median, customer.p95) == (150.0, 160.0)
    agent = result.direction(AGENT_HEARS)
    assert (agent.n, agent.missing, agent.median) == (1, 2, None)
    assert not result.aim_met()
    text = render_calls(result)
    assert "aim: " + AIM + ": NOT met" in text
    assert "problem: RTP 127.0.0.1:4000 open" in text
    assert "—" in text  # a statistic with no value
    assert "incomplete" not in text


def test_a_call_run_stopped_early_says_so() -> None:
    stopped = "stopped after 5 of 20 calls: 3 unanswered in a row"
    result = CallsResult((sample(1, 4.0, 12.0),), 1.0, "0.1.0", stopped=stopped)
    assert f"incomplete: {stopped}" in render_calls(result)
    assert result.as_dict()["stopped"] == stopped


def test_call_figures_as_json() -> None:
    result = CallsResult((sample(1, 4.0, 12.0),), 1.0, "0.1.0")
    data = json.loads(json.dumps(result.as_dict()))
    assert data["calls"] == 1 and data["ended"] == 1
    assert data["aim"] == {"text": AIM, "bound_ms": 100.0, "met": True}
    assert data["latency_ms"][AGENT_HEARS]["median"] == 12.0
    assert data["samples"][0]["call_id"] == "CALL-1"


def test_parse_pytest_summary_lines() -> None:
    assert parse_summary(["x", "10 passed in 19.86s"]) == ({"passed": 10}, 19.86)
    parsed = parse_summary(
        ["3 passed, 1 failed, 2 skipped, 1 xfailed, 2 errors, 1 warning in 65.43s (0:01:05)"]
    )
    assert parsed is not None
    counts, seconds = parsed
    assert counts == {"passed": 3, "failed": 1, "skipped": 2, "xfailed": 1, "error": 2,
                      "warnings": 1}  # fmt: skip
    assert seconds == 65.43
    assert parse_summary(["no tests ran in 0.01s"]) == ({}, 0.01)
    assert parse_summary(["[ 1/10] x PASSED 0.7s", "Interrupted"]) is None


def test_suite_run_figures() -> None:
    one = SuiteRun("1 process", ("python",), 20.0, 0, {"passed": 8, "skipped": 2}, 18.0)
    two = SuiteRun("-n 2", ("python",), 10.0, 0, {"passed": 7, "failed": 1, "skipped": 2}, 8.5)
    assert one.ran == 8 and two.ran == 8
    assert one.measured and two.measured
    assert one.scenarios_per_second == 0.4 and two.scenarios_per_second == 0.8
    assert two.outcome == "7 passed, 1 failed, 2 skipped"
    text = render_suite([one, two])
    lines = text.splitlines()
    assert lines[2].split() == ["run", "wall", "s", "pytest", "s", "scenarios", "scenarios/s",
                                "exit", "outcome"]  # fmt: skip
    assert lines[3].split()[:7] == ["1", "process", "20.0", "18.0", "8", "0.40", "0"]
    assert lines[4].split()[:7] == ["-n", "2", "10.0", "8.5", "8", "0.80", "0"]
    assert "-n 2 against 1 process: 2.00x the speed" in text


def test_a_run_without_figures_says_why() -> None:
    timed_out = SuiteRun("1 process", ("python",), note="stopped after 5 s", tail=("E boom",))
    missing = SuiteRun("-n 2", (), note="pytest-xdist is not installed")
    assert timed_out.scenarios_per_second is None and timed_out.outcome == "stopped after 5 s"
    assert not timed_out.measured and not missing.measured
    text = render_suite([timed_out, missing])
    assert "pytest-xdist is not installed" in text
    assert "last lines of 1 process:\n  E boom" in text
    assert "the speed" not in text


def test_progress_lines_are_cut_in_the_middle() -> None:
    line = "[ 1/10] " + "x" * 200 + " PASSED 0.7s"
    cut = cut_middle(line, 60)
    assert len(cut) == 60
    assert cut.startswith("[ 1/10] ") and cut.endswith(" PASSED 0.7s") and "…" in cut
    assert cut_middle("short", 60) == "short"
