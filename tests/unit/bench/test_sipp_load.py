"""SIPp load runs: the files SIPp writes, how a run and a ramp step are judged, the command."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from harness.benchmarks import sipp_load
from harness.benchmarks.sipp_load import (
    LoadRun,
    LoadStep,
    SippLoad,
    best_clean,
    continues,
    lost_a_port,
    parse_response_times,
    render_steps,
    step_calls,
    with_fresh_ports,
)
from harness.interop import sipp
from harness.interop.sipp import SippReportError, SippStats

HEADER = "SuccessfulCall(C);FailedCall(C);Retransmissions(C);CallRate(C);ResponseTime1(C)"


def counters(ok: int, failed: int, retrans: int = 0, rate: str = "99.5") -> SippStats:
    return SippStats.parse(f"{HEADER}\n{ok};{failed};{retrans};{rate};00:00:00:004000\n")


def run(calls: int, ok: int, failed: int, *, retrans: int = 0, code: int = 0,
        rate: float | None = 100.0, achieved: str = "99.5") -> LoadRun:  # fmt: skip
    return LoadRun("uac", calls, rate, code, 5.1, counters(ok, failed, retrans, achieved),
                   (4.0, 8.0, 12.0, 40.0))  # fmt: skip


def test_response_times_from_a_trace_rtt_file() -> None:
    text = "Date_ms;response_time_ms;rtd_no\n4.001;0;1\n8.001;12.5;1\n\n9.2;4;1\n"
    assert parse_response_times(text) == [0.0, 12.5, 4.0]
    assert parse_response_times("") == []


@pytest.mark.parametrize(
    "text", ["Date_ms;elapsed\n1;2\n", "Date_ms;response_time_ms;rtd_no\n4.0;fast;1\n",
             "Date_ms;rtd_no;response_time_ms\n4.0;1\n"],
)  # fmt: skip
def test_a_file_that_is_not_a_response_time_trace_is_reported(text: str) -> None:
    with pytest.raises(SippReportError):
        parse_response_times(text)


def test_a_clean_run_and_its_figures() -> None:
    result = run(500, 500, 0, retrans=3)
    assert (result.ok, result.failed, result.retransmissions) == (500, 0, 3)
    assert result.achieved_rate == 99.5
    assert result.clean
    assert (result.response.median, result.response.max) == (10.0, 40.0)
    data = json.loads(json.dumps(result.as_dict()))
    assert data["rate_achieved"] == 99.5 and data["clean"] is True
    assert data["response_ms"]["max"] == 40.0


def test_calls_never_finished_count_as_failed() -> None:
    # SIPp stopped by its time limit: 480 done, 5 failed, 15 never ended.
    result = run(500, 480, 5, code=255)
    assert result.failed == 20
    assert not result.clean
    assert result.exit_meaning == "exit status 255 (fatal error)"


def test_a_run_without_statistics_failed_every_call() -> None:
    result = LoadRun("uas", 40, None, 254, 0.2, None)
    assert (result.ok, result.failed, result.retransmissions) == (0, 40, 0)
    assert result.achieved_rate is None and not result.clean
    assert LoadRun("uas", 1, None, None, 0.0, None).exit_meaning == "did not run"


def test_exit_status_zero_is_needed_for_a_clean_run() -> None:
    assert not run(100, 100, 0, code=1).clean


def test_step_size() -> None:
    assert step_calls(50, 5, 2500) == 250
    assert step_calls(1000, 5, 2500) == 2500
    assert step_calls(0.1, 5, 2500) == 1
    with pytest.raises(ValueError):
        step_calls(0, 5, 10)


def test_a_step_fails_on_either_side_and_explodes_on_retransmissions() -> None:
    both_fine = LoadStep(100, run(500, 500, 0), run(500, 500, 0, rate=None))
    assert both_fine.clean and not both_fine.exploded and continues(both_fine)
    assert both_fine.verdict == "clean"
    callee_failed = LoadStep(150, run(750, 750, 0), run(750, 555, 195, code=1, rate=None))
    assert not callee_failed.clean and not continues(callee_failed)
    assert callee_failed.verdict == "failures"
    noisy = LoadStep(200, run(1000, 1000, 0, retrans=60), run(1000, 1000, 0, retrans=41))
    assert noisy.retransmissions == 101 and noisy.exploded and noisy.clean
    assert not continues(noisy) and noisy.verdict == "clean, retransmissions exploded"


def test_the_best_clean_step_is_the_fastest_achieved() -> None:
    slow = LoadStep(75, run(375, 375, 0, achieved="74.8"), run(375, 375, 0))
    saturated = LoadStep(100, run(500, 500, 0, achieved="87.9"), run(500, 500, 0))
    broken = LoadStep(150, run(750, 700, 50, code=1, achieved="99.1"), run(750, 750, 0))
    best = best_clean([slow, saturated, broken])
    assert best is saturated
    assert best_clean([broken]) is None


def test_the_steps_table() -> None:
    steps = [
        LoadStep(100, run(500, 500, 0), run(500, 500, 0)),
        LoadStep(150, run(750, 700, 50, code=1, retrans=9), run(750, 700, 50, code=1)),
    ]
    lines = render_steps(steps).splitlines()
    assert lines[0].split()[:3] == ["rate", "asked", "achieved/s"]
    assert lines[1].split() == ["100", "99.5", "500", "500", "0", "0", "0", "10", "40", "clean"]
    assert lines[2].split() == ["150", "99.5", "750", "700", "50", "50", "9", "10", "40",
                                "failures"]  # fmt: skip


def fixed_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    ports = iter([21000, 21010, 21020, 21030, 21040, 21050])
    monkeypatch.setattr(sipp, "free_port", lambda *args, **kwargs: next(ports))


def test_the_command_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fixed_ports(monkeypatch)
    uac = SippLoad("uac", tmp_path / "uac", calls=250, rate=50, time_limit=20,
                   remote=("127.0.0.1", 5070), service="+33100", trace_rtt=True)  # fmt: skip
    assert uac.sip_address == ("127.0.0.1", 21000)
    assert uac.load_command == (
        "sipp 127.0.0.1:5070 -sn uac -m 250 -i 127.0.0.1 -p 21000 -mi 127.0.0.1 -mp 21010 "
        "-ci 127.0.0.1 -cp 21020 -timeout 20s -timeout_error -buff_size 4194304 -nostdin "
        "-r 50 -rp 1000 -recv_timeout 10000 -s +33100"
    )
    assert f"-stf {tmp_path / 'uac' / 'sipp-stats.csv'}" in uac.command
    assert "-trace_rtt -rtt_freq 1" in uac.command
    uas = SippLoad("uas", tmp_path / "uas", calls=10, time_limit=5, rtp_echo=True,
                   recv_timeout=None)  # fmt: skip
    assert "-rtp_echo" in uas.argv and "-recv_timeout" not in uas.argv and "-r" not in uas.argv


@pytest.mark.parametrize("bad", [{"calls": 0}, {"rate": 0.0}, {"time_limit": 0.0}])
def test_a_load_without_calls_rate_or_time_is_a_bug(
    bad: dict[str, float], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fixed_ports(monkeypatch)
    arguments: dict[str, float] = {"calls": 1, "time_limit": 1.0, **bad}
    with pytest.raises(ValueError):
        SippLoad("uac", tmp_path, **arguments)  # type: ignore[arg-type]


def test_a_scenario_sipp_has_not_built_in_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fixed_ports(monkeypatch)
    with pytest.raises(ValueError, match="no built-in scenario 'uacx'"):
        SippLoad("uacx", tmp_path / "run", calls=1, time_limit=1.0)
    assert not (tmp_path / "run").exists()


def test_a_step_whose_sipp_lost_a_port_is_run_again_a_few_times() -> None:
    lost = LoadStep(100, LoadRun("uac", 500, 100.0, 254, 0.0, None), run(500, 500, 0))
    good = LoadStep(100, run(500, 500, 0), run(500, 500, 0))
    assert lost_a_port(lost) and not lost_a_port(good)
    queue = [lost, good]

    async def next_step() -> LoadStep:
        return queue.pop(0)

    assert asyncio.run(with_fresh_ports(next_step)) is good
    assert queue == []
    queue = [lost] * 5
    assert asyncio.run(with_fresh_ports(next_step)) is lost
    assert len(queue) == 5 - sipp_load.BIND_ATTEMPTS
