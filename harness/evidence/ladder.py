"""The SIP ladder of a scenario: every message each party sent and received, with times."""

from __future__ import annotations

from typing import Any

from harness.endpoints.events import MediaQuality, SipTraced
from harness.runtime.journal import Record


def render_ladder(records: list[Record[Any]]) -> str:
    """A plain-text ladder; time is relative to the first message of the scenario."""
    traces = [r for r in records if isinstance(r.event, SipTraced)]
    if not traces:
        return "(no SIP messages)"
    t0 = traces[0].at
    width = max(len(r.event.party) for r in traces)
    lines = []
    for rec in traces:
        ev: SipTraced = rec.event
        arrow = "──▶" if ev.direction == "sent" else "◀──"
        lines.append(
            f"+{rec.at - t0:8.3f}s  {ev.party:<{width}}  {ev.local:>21} {arrow} {ev.peer:<21}  "
            f"{ev.first_line}  [{ev.transport} {ev.sip_call_id}]"
        )
    return "\n".join(lines)


def render_messages(records: list[Record[Any]]) -> str:
    """Every SIP message in full, for the evidence bundle."""
    out = []
    for rec in records:
        ev = rec.event
        if isinstance(ev, SipTraced):
            out.append(f"=== {ev.party} {ev.direction} {ev.local} <-> {ev.peer} at {rec.wall:.3f}")
            out.append(ev.raw.decode("utf-8", errors="replace"))
    return "\n".join(out)


def render_quality(records: list[Record[Any]]) -> str:
    """One line per party and call: packets, loss, jitter, answer-to-audio latency, MOS."""
    rows = [r.event for r in records if isinstance(r.event, MediaQuality)]
    if not rows:
        return ""
    lines = ["party          sent  recv  lost  loss%  jitter_ms  latency_ms   MOS  SIP Call-ID"]
    for ev in rows:
        q = ev.report
        latency = f"{q.latency_ms:10.1f}" if q.latency_ms is not None else "         -"
        mos = f"{q.mos:5.2f}" if q.packets_received else "    -"  # nothing heard: no score
        lines.append(
            f"{ev.party:<12} {q.packets_sent or 0:6d} {q.packets_received:5d} {q.packets_lost:5d} "
            f"{q.loss_percent:6.2f} {q.jitter_ms:10.2f} {latency} {mos}  {ev.sip_call_id}"
        )
    return "\n".join(lines)
