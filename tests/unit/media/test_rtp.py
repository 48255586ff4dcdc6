"""RTP wire format and RFC 3550 receiver statistics."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.media.rtp import (
    ReceiverStatistics,
    RtpExtension,
    RtpPacket,
    RtpParseError,
    is_rtcp,
    parse_plain,
    plain_header,
    seq_delta,
    ts_delta,
)


def test_parse_known_header():
    # V=2, no P/X, CC=0 | M=1, PT=8 | seq 0x1234 | ts 0xDEADBEEF | SSRC 0x01020304 | payload
    data = bytes([0x80, 0x88, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4]) + b"\xd5\xd5"
    packet = RtpPacket.parse(data)
    assert packet == RtpPacket(
        payload_type=8,
        sequence_number=0x1234,
        timestamp=0xDEADBEEF,
        ssrc=0x01020304,
        payload=b"\xd5\xd5",
        marker=True,
    )
    assert bytes(packet) == data


def test_round_trip_with_csrc_extension_and_padding():
    packet = RtpPacket(
        payload_type=0,
        sequence_number=65535,
        timestamp=2**32 - 1,
        ssrc=7,
        payload=b"\xff" * 160,
        marker=False,
        csrc=(1, 2, 3),
        extension=RtpExtension(profile=0xBEDE, data=b"\x10\xaa\x00\x00"),
        padding=4,
    )
    data = bytes(packet)
    assert len(data) == 12 + 3 * 4 + 4 + 4 + 160 + 4
    assert data[0] == 0x80 | 0x20 | 0x10 | 3
    assert data[-4:] == b"\x00\x00\x00\x04"
    assert RtpPacket.parse(data) == packet


@given(
    pt=st.integers(0, 127),
    seq=st.integers(0, 65535),
    ts=st.integers(0, 2**32 - 1),
    ssrc=st.integers(0, 2**32 - 1),
    payload=st.binary(max_size=64),
    marker=st.booleans(),
    csrc=st.lists(st.integers(0, 2**32 - 1), max_size=15).map(tuple),
    padding=st.integers(0, 255),
)
def test_round_trip_property(pt, seq, ts, ssrc, payload, marker, csrc, padding):
    packet = RtpPacket(pt, seq, ts, ssrc, payload, marker, csrc, None, padding)
    assert RtpPacket.parse(bytes(packet)) == packet


@given(
    pt=st.integers(0, 127),
    seq=st.integers(0, 65535),
    ts=st.integers(0, 2**32 - 1),
    ssrc=st.integers(0, 2**32 - 1),
    payload=st.binary(max_size=200),
    marker=st.booleans(),
)
def test_plain_header_and_parse_agree_with_the_packet(pt, seq, ts, ssrc, payload, marker):
    packet = RtpPacket(pt, seq, ts, ssrc, payload, marker)
    data = plain_header(pt, seq, ts, ssrc, marker) + payload
    assert data == bytes(packet)
    assert parse_plain(data) == (pt, marker, seq, ts, ssrc)
    assert data[12:] == packet.payload


@pytest.mark.parametrize(
    "packet",
    [
        RtpPacket(0, 1, 2, 3, b"x", csrc=(9,)),
        RtpPacket(0, 1, 2, 3, b"x", extension=RtpExtension(0xBEDE, bytes(4))),
        RtpPacket(0, 1, 2, 3, b"x", padding=3),
    ],
    ids=["csrc", "extension", "padding"],
)
def test_parse_plain_leaves_every_other_header_to_the_full_parser(packet):
    assert parse_plain(bytes(packet)) is None
    assert parse_plain(bytes(packet)[:11]) is None  # too short
    assert parse_plain(bytes([0x40]) + bytes(11)) is None  # version 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x80\x00\x00", "shorter than the 12-octet"),
        (bytes([0x40]) + bytes(11), "version 1"),
        (bytes([0x82]) + bytes(11) + bytes(4), "CSRC count 2"),
        (bytes([0x90]) + bytes(11), "no extension header"),
        (bytes([0x90]) + bytes(11) + b"\xbe\xde\x00\x02" + bytes(4), "extension of 2 words"),
        (bytes([0xA0]) + bytes(11) + b"\x00\x00\x00\x09", "padding count 9"),
        (bytes([0xA0]) + bytes(11) + b"\x00\x00\x00\x00", "padding count 0"),
    ],
)
def test_malformed_packets_raise_with_reason(data, reason):
    with pytest.raises(RtpParseError) as info:
        RtpPacket.parse(data)
    assert reason in info.value.reason


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"payload_type": 128}, "payload type"),
        ({"sequence_number": 65536}, "sequence number"),
        ({"timestamp": -1}, "timestamp"),
        ({"ssrc": 2**32}, "SSRC"),
        ({"csrc": tuple(range(16))}, "15 CSRC"),
        ({"padding": 256}, "padding"),
    ],
)
def test_invalid_fields_are_a_caller_bug(kwargs, message):
    fields = {"payload_type": 0, "sequence_number": 0, "timestamp": 0, "ssrc": 0} | kwargs
    with pytest.raises(ValueError, match=message):
        RtpPacket(**fields)


def test_extension_must_be_whole_words():
    with pytest.raises(ValueError, match="32-bit words"):
        RtpExtension(1, b"abc")


def test_is_rtcp_demultiplexes_by_packet_type():
    sender_report = struct.pack("!BBH", 0x80, 200, 6) + bytes(24)
    receiver_report = struct.pack("!BBH", 0x81, 201, 7) + bytes(28)
    assert is_rtcp(sender_report)
    assert is_rtcp(receiver_report)
    assert not is_rtcp(bytes(RtpPacket(0, 1, 2, 3, b"x")))
    assert not is_rtcp(bytes(RtpPacket(0, 1, 2, 3, b"x", marker=True)))
    assert not is_rtcp(bytes(RtpPacket(96, 1, 2, 3, b"x", marker=True)))  # 0xE0 = 224
    assert not is_rtcp(b"\x80")
    assert not is_rtcp(b"\x00\xc8")  # not version 2


def test_wrapping_differences():
    assert seq_delta(2, 65534) == 4
    assert seq_delta(65534, 2) == -4
    assert ts_delta(10, 2**32 - 10) == 20
    assert ts_delta(2**32 - 10, 10) == -20


def _packet(seq: int, ts: int = 0, ssrc: int = 1) -> RtpPacket:
    return RtpPacket(0, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc, b"")


def _feed(stats: ReceiverStatistics, seqs: list[int], period: float = 0.02) -> None:
    for i, seq in enumerate(seqs):
        stats.update(_packet(seq, ts=160 * i), arrival=i * period)


def test_statistics_count_every_packet_in_order():
    stats = ReceiverStatistics()
    _feed(stats, list(range(1000, 1050)))
    assert (stats.received, stats.expected, stats.lost) == (50, 50, 0)
    assert stats.extended_max_sequence == 1049
    assert stats.jitter == pytest.approx(0.0, abs=1e-9)


def test_loss_across_sequence_wrap_around():
    stats = ReceiverStatistics()
    seqs = [(65500 + i) & 0xFFFF for i in range(100)]
    dropped = {seqs[10], seqs[35], seqs[36], seqs[37], seqs[60]}  # 65535 and 0 are seqs 35, 36
    assert 65535 in dropped and 0 in dropped
    _feed(stats, [s for s in seqs if s not in dropped])
    assert stats.expected == 100
    assert stats.received == 95
    assert stats.lost == 5
    assert stats.extended_max_sequence == 65536 + seqs[-1]


def test_duplicates_and_reordering_follow_appendix_a1():
    stats = ReceiverStatistics()
    _feed(stats, [1, 2, 4, 3, 5, 5, 6])
    # A duplicate counts as received: the cumulative loss may go negative (A.3).
    assert (stats.expected, stats.received, stats.lost) == (6, 7, -1)


def test_sender_restart_resynchronises_after_two_sequential_packets():
    stats = ReceiverStatistics()
    _feed(stats, [10, 11, 12, 40000, 40001, 40002])
    # The first far packet is held back as a possible stray; the second confirms the restart.
    assert stats.base_sequence == 40001
    assert (stats.expected, stats.received, stats.lost) == (2, 2, 0)


def test_probation_of_two_does_not_count_the_first_packet():
    stats = ReceiverStatistics(min_sequential=2)
    stats.update(_packet(100), 0.0)
    assert (stats.received, stats.expected) == (0, 0)
    _feed(stats, [101, 102, 104])
    assert (stats.received, stats.expected, stats.lost) == (3, 4, 1)


def test_fraction_lost_per_interval():
    stats = ReceiverStatistics()
    _feed(stats, [s for s in range(0, 100) if s % 4 != 1])  # 25 of 100 lost
    assert stats.take_fraction_lost() == 64  # 0.25 * 256
    _feed(stats, list(range(100, 120)))
    assert stats.take_fraction_lost() == 0


def test_jitter_of_one_late_packet():
    stats = ReceiverStatistics()
    # Packets every 20 ms; packet 1 arrives 5 ms late (40 timestamp units at 8 kHz).
    arrivals = [0.0, 0.025, 0.040]
    for i, arrival in enumerate(arrivals):
        stats.update(_packet(i, ts=160 * i), arrival)
    # J1 = 40/16 = 2.5; J2 = 2.5 + (40 - 2.5)/16 = 4.84375 units = 0.60546875 ms.
    assert stats.jitter == pytest.approx(4.84375)
    assert stats.jitter_ms == pytest.approx(0.60546875)


def test_jitter_converges_to_the_alternating_delay():
    stats = ReceiverStatistics()
    n = 200
    for i in range(n):
        late = 0.005 if i % 2 else 0.0
        stats.update(_packet(i, ts=(2**32 - 800 + 160 * i)), 0.02 * i + late)
    # Every |D| is 40 units, so J_k = 40 (1 - (15/16)^k) after k differences; the timestamp
    # wraps during the run and must not disturb it.
    expected = 40 * (1 - (15 / 16) ** (n - 1))
    assert stats.jitter == pytest.approx(expected)
    assert stats.jitter_ms == pytest.approx(expected / 8)


def test_empty_statistics():
    stats = ReceiverStatistics()
    assert (stats.received, stats.expected, stats.lost, stats.jitter_ms) == (0, 0, 0, 0.0)
    assert stats.take_fraction_lost() == 0


def test_record_counts_as_update_does():
    by_packet, by_fields = ReceiverStatistics(), ReceiverStatistics()
    for i, seq in enumerate([10, 11, 13, 12, 14, 14, 900, 901]):
        arrival = i * 0.02 + (0.003 if i % 3 else 0.0)
        packet = _packet(seq, ts=160 * seq)
        by_packet.update(packet, arrival)
        by_fields.record(packet.ssrc, seq, 160 * seq, arrival)
    assert (by_fields.received, by_fields.expected, by_fields.lost, by_fields.ssrc) == (
        by_packet.received,
        by_packet.expected,
        by_packet.lost,
        by_packet.ssrc,
    )
    assert by_fields.jitter == by_packet.jitter
