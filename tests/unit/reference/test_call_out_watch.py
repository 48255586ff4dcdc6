"""The SIP messages the reference keeps per dialog for captures (SG-ERR-12)."""

from __future__ import annotations

from harness.reference.telephony.call_out_watch import SignallingLog
from harness.sip.message import parse_message
from harness.sip.txlayer import SipTrace

LOCAL = ("127.0.0.1", 5060)
PEER = ("127.0.0.1", 40000)


def options(call_id: str) -> bytes:
    return (
        f"OPTIONS sip:carrier@127.0.0.1:40000 SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK{call_id}\r\n"
        f"From: <sip:ref@127.0.0.1>;tag=1\r\nTo: <sip:carrier@127.0.0.1>\r\n"
        f"Call-ID: {call_id}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    ).encode()


def trace(call_id: str, direction: str = "out", error: str | None = None) -> SipTrace:
    raw = options(call_id)
    return SipTrace(0.0, direction, LOCAL, PEER, raw, parse_message(raw), error)


def test_messages_are_kept_per_dialog_with_their_direction() -> None:
    log = SignallingLog()
    log.note(trace("a"))
    log.note(trace("b"))
    log.note(trace("a", "in"))
    kept = log.take(["a"])
    assert [(m.source, m.destination) for m in kept] == [(LOCAL, PEER), (PEER, LOCAL)]
    assert log.take(["a"]) == []  # taken once
    assert len(log.take(["b"])) == 1


def test_messages_not_sent_are_left_out_and_old_dialogs_dropped() -> None:
    log = SignallingLog(limit=2)
    log.note(trace("a", error="refused: not loopback"))
    assert log.take(["a"]) == []
    for call_id in ("x", "y", "z"):
        log.note(trace(call_id))
    assert log.take(["x"]) == []
    assert len(log.take(["y", "z"])) == 2
