"""Quality reports and the G.107 E-model estimate of MOS."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.media.quality import (
    QualityReport,
    delay_impairment,
    loss_impairment,
    mos_from_r,
    quality_from,
    r_factor,
)
from harness.media.rtp import ReceiverStatistics, RtpPacket


def test_defaults_give_r_93_2_and_mos_4_41():
    # G.107 clause 7.7: all defaults give R = 93.2; Annex B turns that into 4.41.
    assert r_factor(0.0, 0.0) == pytest.approx(93.2, abs=0.05)
    assert mos_from_r(93.2) == pytest.approx(4.41, abs=0.005)
    assert mos_from_r(r_factor(0.0, 20.0)) == pytest.approx(4.41, abs=0.02)


def test_annex_b_conversion():
    assert mos_from_r(-10.0) == 1.0
    assert mos_from_r(0.0) == 1.0
    assert mos_from_r(5.0) == 1.0  # the polynomial dips under 1 there
    assert mos_from_r(50.0) == pytest.approx(1 + 1.75 - 50 * 10 * 50 * 7e-6)
    assert mos_from_r(100.0) == 4.5
    assert mos_from_r(120.0) == 4.5


def test_five_percent_random_loss_on_g711_with_concealment():
    # Ie,eff = 95 * 5 / (5 + 25.1) with Ie = 0, Bpl = 25.1, BurstR = 1.
    assert loss_impairment(5.0) == pytest.approx(95 * 5 / 30.1)
    assert r_factor(5.0, 0.0) == pytest.approx(93.2 - 15.78, abs=0.06)
    assert mos_from_r(r_factor(5.0, 0.0)) == pytest.approx(3.92, abs=0.01)
    assert mos_from_r(r_factor(5.0, 0.0)) < mos_from_r(r_factor(0.0, 0.0)) - 0.4


def test_loss_impairment_options():
    assert loss_impairment(0.0) == 0.0
    assert loss_impairment(100.0) == pytest.approx(95 * 100 / 125.1)
    assert loss_impairment(5.0, bpl=4.3) > loss_impairment(5.0)  # no concealment: worse
    assert loss_impairment(5.0, burst_r=2.0) > loss_impairment(5.0)  # bursty: worse
    assert loss_impairment(0.0, ie=11.0) == 11.0
    for bad in (-1.0, 101.0):
        with pytest.raises(ValueError):
            loss_impairment(bad)


def test_delay_impairment():
    # Below 100 ms only the (well-controlled) echoes count; at 200 ms Idd = 25 (2^(1/6)
    # - 3 (1 + 3^-6)^(1/6) + 2) = 3.04 joins them.
    assert delay_impairment(0.0) == pytest.approx(0.15, abs=0.01)
    assert delay_impairment(100.0) < 3.0
    idd_200 = 25 * (2 ** (1 / 6) - 3 * (1 + 3**-6) ** (1 / 6) + 2)
    assert idd_200 == pytest.approx(3.04, abs=0.01)
    assert delay_impairment(200.0) - idd_200 == pytest.approx(4.5, abs=0.1)
    # Close to the familiar fit Id = 0.024 d + 0.11 (d - 177.3) H(d - 177.3) of these defaults.
    for d in (50.0, 150.0, 250.0, 300.0, 400.0):
        fit = 0.024 * d + 0.11 * max(0.0, d - 177.3)
        assert delay_impairment(d) == pytest.approx(fit, abs=3.5), d
    with pytest.raises(ValueError):
        delay_impairment(-1.0)


@given(
    loss=st.floats(0, 50),
    more_loss=st.floats(0, 50),
    delay=st.floats(0, 800),
    more_delay=st.floats(0, 800),
)
def test_mos_never_improves_with_more_loss_or_delay(loss, more_loss, delay, more_delay):
    base = mos_from_r(r_factor(loss, delay))
    assert mos_from_r(r_factor(loss + more_loss, delay)) <= base + 1e-9
    assert mos_from_r(r_factor(loss, delay + more_delay)) <= base + 1e-9
    assert 1.0 <= base <= 4.5


def test_mos_falls_step_by_step():
    by_loss = [mos_from_r(r_factor(p, 50.0)) for p in range(0, 21)]
    by_delay = [mos_from_r(r_factor(1.0, d)) for d in range(0, 801, 20)]
    for series in (by_loss, by_delay):
        assert all(b < a for a, b in itertools.pairwise(series))


def _stats(sequence: list[int], arrivals: list[float]) -> ReceiverStatistics:
    stats = ReceiverStatistics()
    for seq, arrival in zip(sequence, arrivals, strict=True):
        stats.update(RtpPacket(0, seq, seq * 160, 1, bytes(160)), arrival)
    return stats


def test_report_from_receiver_statistics():
    sequence = [s for s in range(100) if s not in (10, 11, 50, 70, 90)]
    # Every other packet 4 ms late: a steady jitter.
    arrivals = [s * 0.02 + (0.004 if s % 2 else 0.0) for s in sequence]
    stats = _stats(sequence, arrivals)
    report = quality_from(
        stats,
        412.5,
        packets_sent=100,
        one_way_delay_ms=30.0,
        call_id="CA-1",
        direction="caller->agent",
    )
    assert (report.packets_received, report.packets_expected, report.packets_lost) == (95, 100, 5)
    assert report.loss_percent == pytest.approx(5.0)
    assert report.jitter_ms == pytest.approx(stats.jitter_ms)
    assert 3.0 < report.jitter_ms < 4.0
    assert report.mouth_to_ear_ms == pytest.approx(30.0 + 2 * stats.jitter_ms)
    assert report.r_factor == pytest.approx(r_factor(5.0, report.mouth_to_ear_ms))
    assert report.mos == pytest.approx(mos_from_r(report.r_factor))
    assert report.mos < 3.95
    assert (report.packets_sent, report.latency_ms, report.one_way_delay_ms) == (100, 412.5, 30.0)
    assert (report.call_id, report.direction) == ("CA-1", "caller->agent")


def test_report_of_a_clean_stream_and_of_nothing():
    clean = quality_from(_stats(list(range(50)), [s * 0.02 for s in range(50)]), None)
    assert (clean.packets_lost, clean.loss_percent) == (0, 0.0)
    assert clean.jitter_ms == pytest.approx(0.0, abs=1e-9)
    assert clean.mos == pytest.approx(4.41, abs=0.005)
    assert clean.latency_ms is None and clean.one_way_delay_ms is None
    empty = quality_from(ReceiverStatistics(), None)
    assert (empty.packets_expected, empty.packets_received, empty.loss_percent) == (0, 0, 0.0)
    assert isinstance(empty, QualityReport)


def test_duplicates_are_not_negative_loss():
    sequence = [0, 1, 2, 2, 3, 3, 4]
    report = quality_from(_stats(sequence, [0.02 * i for i in range(7)]), 10.0)
    assert report.packets_lost == 0 and report.loss_percent == 0.0
