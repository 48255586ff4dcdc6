"""The arithmetic of the load figures: far-end drops, steady rate, steps that hold."""

from __future__ import annotations

from harness.load.calls import CallRecord
from harness.load.figures import Step, _steady_rate, parse_udp_drops
from harness.load.profile import CallKind, LoadProfile
from harness.load.run import LoadResult

_ROW = (
    "{n}: 0100007F:{port} 00000000:0000 07 00000000:00000000 00:00000000 00000000 "
    "0 0 {n} 2 0 {drops}"
)
TABLE = "\n".join([
    "sl local_address rem_address st tx_queue rx_queue tr tm->when retrnsmt uid timeout inode "
    "ref pointer drops",
    _ROW.format(n=1, port="5038", drops=111),
    _ROW.format(n=2, port="5039", drops=7),
    _ROW.format(n=3, port="71BA", drops=5),
])  # fmt: skip


def test_drops_are_summed_over_the_ports_asked_for_only() -> None:
    assert parse_udp_drops(TABLE, [0x5038, 0x5039]) == 118
    assert parse_udp_drops(TABLE, [0x71BA]) == 5
    assert parse_udp_drops(TABLE, [1]) == 0


def test_the_steady_rate_counts_verified_calls_after_the_ramp_and_one_interval() -> None:
    profile = LoadProfile(rate=10, duration=20, ramp=2, mix=(CallKind("c", 1, 2),))
    interval = 1 / profile.rate_per_user  # 3.75 s
    records = [CallRecord(0, i, "c", f"{i}", 1000.0 + i * 0.1) for i in range(200)]
    records[150].failure = "lost"
    result = LoadResult(profile, records, 20.0, 0)
    start, end = 1000.0 + 2 + interval, 1000.0 + 199 * 0.1
    counted = sum(1 for r in records if r.verified and start <= r.started_at <= end)
    assert _steady_rate(result) == counted / (end - start)
    assert _steady_rate(LoadResult(profile, records[:1], 1.0, 0)) is None


def test_a_step_holds_with_no_failure_and_nine_tenths_of_the_rate() -> None:
    step = Step("harness x1", 40, 400, 0, 36.0, 2.0, 10.0, 1.0)
    assert step.holds and step.cores == 0.2
    assert step.per_core == 200.0  # 400 calls done in 2 s of CPU
    assert step.ms_per_call == 5.0 and step.engine_share is None
    assert Step("harness x1", 40, 400, 100, 36.0, 2.0, 10.0, 1.0).per_core == 150.0
    assert not Step("harness x1", 40, 400, 1, 40.0, 2.0, 10.0, 1.0).holds
    assert not Step("harness x1", 40, 400, 0, 35.9, 2.0, 10.0, 1.0).holds


def test_the_calls_thread_share_of_the_workers_cpu() -> None:
    step = Step("harness x1", 40, 400, 0, 36.0, 4.0, 10.0, 1.0, engine_cpu_seconds=3.0)
    assert step.engine_share == 0.75
    assert step.row()[8] == "75 %"
