"""The per-scenario capture: bounded rings, signalling never pushed out by media, the tap."""

from __future__ import annotations

from harness.evidence.capture import PacketCapture, is_media
from harness.net import udp

RTP = bytes([0x80, 0, 0, 1]) + bytes(8) + b"\xff" * 160
SIP = b"INVITE sip:1@127.0.0.1 SIP/2.0\r\nCall-ID: a\r\n\r\n"
A, B = ("127.0.0.1", 40000), ("127.0.0.1", 40002)


def test_rtp_and_rtcp_are_media_sip_and_keepalives_are_not() -> None:
    assert is_media(RTP)
    assert is_media(bytes([0x81, 200]) + bytes(26))  # an RTCP sender report
    assert not is_media(SIP)
    assert not is_media(b"\r\n\r\n")
    assert not is_media(b"SIP/2.0 200 OK\r\n")


def test_a_media_flood_evicts_old_media_and_keeps_the_invite() -> None:
    capture = PacketCapture(max_signalling=10, max_media=100)
    capture.record(SIP, A, B)
    for _ in range(1000):
        capture.record(RTP, A, B)
    kept = capture.datagrams()
    assert len(kept) == 101
    assert kept[0].data == SIP
    assert capture.evicted == 900


def test_the_byte_budget_bounds_memory() -> None:
    capture = PacketCapture(max_media=10_000, max_media_bytes=len(RTP) * 5)
    for _ in range(50):
        capture.record(RTP, A, B)
    assert len(capture) == 5
    assert capture.evicted == 45


def test_the_tap_sees_datagrams_only_while_started() -> None:
    capture = PacketCapture()
    capture.start()
    try:
        assert capture.record in udp._taps
    finally:
        capture.stop()
    assert capture.record not in udp._taps
    capture.stop()  # twice is harmless


def test_two_captures_tap_at_once_and_leave_independently() -> None:
    first, second = PacketCapture(), PacketCapture()
    with first, second:
        for tap in udp._taps:
            tap(SIP, A, B)
    assert len(first) == len(second) == 1
    assert udp._taps == ()
