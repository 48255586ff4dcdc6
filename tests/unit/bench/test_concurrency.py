"""The concurrency benchmark: loss and pace over a period, when a level holds, the report."""

from __future__ import annotations

import asyncio
import json

import pytest

from harness.benchmarks import concurrency
from harness.benchmarks.concurrency import (
    AIM,
    ConcurrencyResult,
    Period,
    loss_and_pace,
    render_concurrency,
)
from harness.benchmarks.stats import Summary


def period(calls: int, cpu: float = 60.0, *, hearing: int | None = None, lost: int = 0,
           seconds: float = 4.0, on_time: float = 100.0, unconnected: int = 0,
           label: str = "ramp", loss: float = 0.25) -> Period:  # fmt: skip
    return Period(
        label, calls, seconds, 4.0, cpu, calls if hearing is None else hearing, lost,
        unconnected, loss, Summary.of([0.4, 0.5, 1.9]), on_time,
    )  # fmt: skip


def test_loss_and_pace_over_a_period() -> None:
    before = {"a": (100, 100, 110), "b": (50, 52, 60)}
    after = {"a": (300, 300, 310), "b": (240, 252, 258), "new": (10, 10, 10)}
    loss, on_time = loss_and_pace(before, after, 4.0)
    # expected 200 + 200, received 200 + 190; sent 200 + 198 of 2 x 200 frames due in 4 s.
    assert loss == pytest.approx(100 * 10 / 400)
    assert on_time == pytest.approx(100 * 398 / 400)
    assert loss_and_pace({}, after, 4.0) == (None, None)


def test_a_level_holds_only_with_every_call_heard_in_time_and_cpu() -> None:
    assert period(100).holds and period(100).verdict == "held"
    assert period(100).cpu_per_call == 0.6
    assert period(100, hearing=99).verdict == "audio broke"
    assert period(100, lost=1).verdict == "audio broke"
    assert period(100, seconds=1.2).verdict == "audio broke"  # ended early by an AudioLost
    assert period(100, unconnected=2).verdict == "audio broke"
    assert period(150, cpu=99.3).verdict == "audio held, CPU over 95 %"
    assert not period(150, cpu=99.3).holds
    assert period(150, on_time=90.0).verdict == "media late"
    assert not period(0).holds


def test_calls_held_through_the_window() -> None:
    levels = (period(100, label="ramp 100"), period(150, cpu=99.3, label="ramp 150"),
              period(100, label="back to 100"))  # fmt: skip
    window = Period("window", 100, 60.0, 60.0, 77.8, 100, 0, 0, 0.0, Summary.of([1.2]), 100.0)
    result = ConcurrencyResult(levels, window, 60.0)
    assert result.held == 100 and result.measured and not result.aim_met()
    text = render_concurrency(result)
    assert "held 100 concurrent calls with audio verified for 60.0 s of 60 s: CPU 77.8 % " \
           "of a core, 0.778 % per call" in text  # fmt: skip
    assert f"aim {AIM}: NOT met" in text
    rows = {" ".join(line.split()[:2]): line.split()[2:] for line in text.splitlines()}
    assert rows["ramp 100"] == ["100", "4.0", "60.0", "0.600", "100/100", "0", "0.25", "0.50",
                                "1.90", "100.0", "held"]  # fmt: skip
    assert rows["ramp 150"][-4:] == ["CPU", "over", "95", "%"]
    assert not result.levels[1].holds
    assert rows["window 100"] == ["60.0", "77.8", "0.778", "100/100", "0", "0.00", "1.20", "1.20",
                                  "100.0", "held"]  # fmt: skip
    data = json.loads(json.dumps(result.as_dict()))
    assert data["held"] == 100 and data["window"]["cpu_percent_per_call"] == 0.778
    assert [level["holds"] for level in data["levels"]] == [True, False, True]


def test_a_window_at_full_cpu_still_holds_its_calls_but_late_media_does_not() -> None:
    busy = period(150, 99.2, seconds=60.0, label="window")
    assert ConcurrencyResult((period(150),), busy, 60.0).held == 150
    late = period(150, 99.2, seconds=60.0, on_time=91.0, label="window")
    assert ConcurrencyResult((period(150),), late, 60.0).held == 0


def test_calls_heard_through_heavy_loss_do_not_hold() -> None:
    # A signature stays heard with one packet in two lost: the loss itself must stop the ramp.
    assert period(100, loss=1.0).holds
    lossy = period(600, loss=46.9)
    assert lossy.audio_holds and not lossy.holds and lossy.verdict == "packets lost"
    window = period(600, seconds=60.0, loss=45.6, label="window")
    assert ConcurrencyResult((period(400),), window, 60.0).held == 0


def test_a_window_that_broke_holds_nothing() -> None:
    broken = period(300, seconds=12.5, lost=3, label="window")
    result = ConcurrencyResult((period(300),), broken, 60.0)
    assert result.held == 0 and not result.aim_met()
    assert "held 0 concurrent calls" in render_concurrency(result)


def test_bad_arguments_are_bugs_and_no_sipp_measures_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for arguments in ({"seconds": 0.0}, {"levels": ()}, {"levels": (50, 25)}):
        with pytest.raises(ValueError):
            asyncio.run(concurrency.bench_concurrency(lambda _: None, **arguments))
    monkeypatch.setattr(concurrency, "find_sipp", lambda: None)
    result = asyncio.run(concurrency.bench_concurrency(lambda _: None, 5.0))
    assert result.window is None and not result.measured
    assert "incomplete: sipp is not installed" in render_concurrency(result)


class _Live:
    """The part of `concurrency.Calls` that backing off uses."""

    def __init__(self, count: int) -> None:
        self.live = [f"call-{i}" for i in range(count)]
        self.dropped_to: list[int] = []

    async def drop_to(self, count: int) -> None:
        self.dropped_to.append(count)
        self.live = self.live[:count]


def _back_off(monkeypatch: pytest.MonkeyPatch, live: int, ramp: tuple[Period, ...],
              holding: set[int]) -> tuple[list[Period], _Live]:  # fmt: skip
    calls = _Live(live)

    async def observe(calls: _Live, label: str, seconds: float) -> Period:
        n = len(calls.live)
        return period(n, label=label, cpu=60.0 if n in holding else 99.9)

    monkeypatch.setattr(concurrency, "observe", observe)
    back = asyncio.run(concurrency.back_off(calls, ramp, lambda _: None))  # type: ignore[arg-type]
    return back, calls


def test_backing_off_lowers_the_level_while_it_no_longer_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ramp = (period(300), period(400), period(500), period(600, cpu=99.9))
    back, calls = _back_off(monkeypatch, 600, ramp, holding={500})
    assert calls.dropped_to == [500] and [p.label for p in back] == ["back to 500"]
    back, calls = _back_off(monkeypatch, 600, ramp, holding={400, 300})
    assert calls.dropped_to == [500, 400]
    assert [(p.label, p.holds) for p in back] == [("back to 500", False), ("back to 400", True)]
    back, calls = _back_off(monkeypatch, 600, ramp, holding=set())
    assert calls.dropped_to == [500, 400, 300] and not back[-1].holds
