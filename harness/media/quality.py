"""Media quality of one direction of a call: loss, jitter, latency and an E-model MOS.

The MOS comes from the ITU-T G.107 (06/2015) E-model with every input at its default value
(clause 7.7, Table 3) except the two a G.711 call over a packet network changes:

- the packet loss, through the effective equipment impairment Ie,eff (clause 7.5) with the
  G.711 figures of ITU-T G.113 Appendix I: Ie = 0 and, with packet loss concealment,
  Bpl = 25.1; losses are taken as random (BurstR = 1);
- the delay, through the delay impairment Id (clause 7.4): the one-way mouth-to-ear delay Ta is
  the network delay (when known, else 0) plus a jitter buffer of twice the jitter, and the echo
  paths follow from it (T = Ta, Tr = 2 Ta). The talker-echo term is not let below zero.

R goes to MOS by G.107 Annex B. With nothing lost and no delay R = 93.2 and MOS = 4.41.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from harness.media.rtp import ReceiverStatistics

# Defaults of G.107 clause 7.7 (Table 3) and what they make of clauses 7.2 and 7.3.
RO = 94.77
"""Basic signal-to-noise ratio Ro = 15 - 1.5 (SLR + No) for SLR = 8 dB and the total noise
No = -61.18 dBm0p the Table 3 defaults add up to (clause 7.2)."""
IS = 1.41
"""Simultaneous impairment Is = Iolr + Ist + Iq at the defaults (clause 7.3): 0.44 + 0 + 0.97."""
NO_DBM0P = -61.18
RLR_DB = 2.0
"""Receive loudness rating (Table 3)."""
TELR_DB = 65.0
"""Talker echo loudness rating (Table 3): well-controlled echo."""
WEPL_DB = 110.0
"""Weighted echo path loss (Table 3), for listener echo."""
MT_MS = 100.0
ST = 1.0
"""Delay sensitivity: no impairment from absolute delay below mT = 100 ms, and the default
sensitivity sT = 1 (clause 7.4, default class)."""

IE_G711 = 0.0
"""Equipment impairment of G.711 (ITU-T G.113 Appendix I)."""
BPL_G711_PLC = 25.1
"""Packet-loss robustness of G.711 with packet loss concealment (G.113 Appendix I, Table I.3)."""
BURST_RANDOM = 1.0
"""BurstR for random loss (G.107 clause 7.5)."""
JITTER_BUFFER_FACTOR = 2.0
"""A jitter buffer holds about twice the interarrival jitter: the delay it adds."""


def delay_impairment(delay_ms: float) -> float:
    """Id = Idte + Idle + Idd (G.107 clause 7.4) for a one-way mouth-to-ear delay in ms."""
    if delay_ms < 0:
        raise ValueError("a delay is not negative")
    t = delay_ms
    # Talker echo, with the echo path delay T equal to the mouth-to-ear delay.
    terv = TELR_DB - 40 * math.log10((1 + t / 10) / (1 + t / 150)) + 6 * math.exp(-0.3 * t * t)
    re = 80 + 2.5 * (terv - 14)
    roe = -1.5 * (NO_DBM0P - RLR_DB)
    idte = ((roe - re) / 2 + math.sqrt((roe - re) ** 2 / 4 + 100) - 1) * (1 - math.exp(-t))
    # With echo this well controlled the formula dips a little below zero for delays of a few
    # ms (down to -0.17 at 1 ms); kept at zero so that more delay never reads as better.
    idte = max(0.0, idte)
    # Listener echo, over the round trip Tr = 2 T.
    rle = 10.5 * (WEPL_DB + 7) * (2 * t + 1) ** -0.25
    idle = (RO - rle) / 2 + math.sqrt((RO - rle) ** 2 / 4 + 169)
    # Absolute delay.
    idd = 0.0
    if t > MT_MS:
        x = math.log10(t / MT_MS) / math.log10(2)
        s6 = 6 * ST
        idd = 25 * ((1 + x**s6) ** (1 / s6) - 3 * (1 + (x / 3) ** s6) ** (1 / s6) + 2)
    return idte + idle + idd


def loss_impairment(
    loss_percent: float,
    *,
    ie: float = IE_G711,
    bpl: float = BPL_G711_PLC,
    burst_r: float = BURST_RANDOM,
) -> float:
    """Ie,eff = Ie + (95 - Ie) Ppl / (Ppl / BurstR + Bpl) (G.107 clause 7.5)."""
    if not 0 <= loss_percent <= 100:
        raise ValueError(f"loss must be a percentage, got {loss_percent}")
    return ie + (95 - ie) * loss_percent / (loss_percent / burst_r + bpl)


def r_factor(loss_percent: float, delay_ms: float) -> float:
    """Transmission rating R = Ro - Is - Id - Ie,eff + A (G.107 clause 7.1), with A = 0."""
    return RO - IS - delay_impairment(delay_ms) - loss_impairment(loss_percent)


def mos_from_r(r: float) -> float:
    """Estimated MOS (conversational quality) from R, by G.107 Annex B.

    The Annex B polynomial dips just under 1 for R below 6.5; the result is kept at 1 there.
    """
    if r <= 0:
        return 1.0
    if r >= 100:
        return 4.5
    return max(1.0, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6)


@dataclass(frozen=True, slots=True)
class QualityReport:
    """What one party received from one other on a call, and what it would sound like.

    Packet counts follow RFC 3550 A.3: expected from the first packet received to the highest
    sequence number, so packets lost before the first or after the last are not counted.
    """

    packets_received: int
    packets_expected: int
    packets_lost: int
    loss_percent: float
    jitter_ms: float
    """Interarrival jitter (RFC 3550 A.8)."""
    mouth_to_ear_ms: float
    """The delay the MOS assumes: network delay plus the jitter buffer."""
    r_factor: float
    mos: float
    packets_sent: int | None = None
    """What the sender counted, when the report knows it."""
    latency_ms: float | None = None
    """Answer-to-audio: from the answer to the onset of the first audio heard."""
    one_way_delay_ms: float | None = None
    """The network's one-way delay, when measured."""
    call_id: str = ""
    direction: str = ""
    """Who hears whom, for instance ``"caller->agent"``."""


def quality_from(
    stream_stats: ReceiverStatistics,
    latency_ms: float | None,
    *,
    packets_sent: int | None = None,
    one_way_delay_ms: float | None = None,
    call_id: str = "",
    direction: str = "",
) -> QualityReport:
    """The quality of what ``stream_stats`` received (one source of one stream)."""
    expected = stream_stats.expected
    # Duplicates can make A.3's count negative; they are not a gain in quality.
    lost = max(0, stream_stats.lost)
    loss_percent = 100.0 * lost / expected if expected else 0.0
    jitter_ms = stream_stats.jitter_ms
    mouth_to_ear = (one_way_delay_ms or 0.0) + JITTER_BUFFER_FACTOR * jitter_ms
    r = r_factor(loss_percent, mouth_to_ear)
    return QualityReport(
        packets_received=stream_stats.received,
        packets_expected=expected,
        packets_lost=lost,
        loss_percent=loss_percent,
        jitter_ms=jitter_ms,
        mouth_to_ear_ms=mouth_to_ear,
        r_factor=r,
        mos=mos_from_r(r),
        packets_sent=packets_sent,
        latency_ms=latency_ms,
        one_way_delay_ms=one_way_delay_ms,
        call_id=call_id,
        direction=direction,
    )
