"""The relay's packet logic: drop while disconnected, renumber, transcode."""

from __future__ import annotations

import random

import numpy as np
import pytest

from harness.media import g711
from harness.media.relay import Leg, RelayCore
from harness.media.rtp import RtpPacket, seq_delta
from harness.media.tones import signature_for


def _stream(ssrc: int, count: int, seq0: int = 100, ts0: int = 5000, pt: int = g711.PCMU):
    payload = g711.encode(pt, signature_for(0).samples(160))
    return [
        bytes(RtpPacket(pt, (seq0 + i) & 0xFFFF, ts0 + 160 * i, ssrc, payload))
        for i in range(count)
    ]


def _out(core: RelayCore, leg: Leg, data: bytes, now: float) -> RtpPacket:
    forwarded = core.handle(leg, data, now)
    assert forwarded is not None
    return RtpPacket.parse(forwarded)


def test_disconnected_relay_drops_and_counts():
    core = RelayCore(rng=random.Random(1))
    assert not core.connected
    outputs = [core.handle(Leg.A, p, 0.02 * i) for i, p in enumerate(_stream(1, 5))]
    assert outputs == [None] * 5
    assert (core.a_to_b.received, core.a_to_b.dropped, core.a_to_b.forwarded) == (5, 5, 0)
    assert core.b_to_a.received == 0


def test_outgoing_leg_has_its_own_ssrc_and_numbering_and_keeps_gaps():
    core = RelayCore(rng=random.Random(2))
    core.connect()
    packets = _stream(0x1111, 6)
    del packets[3]  # upstream loss must stay visible downstream
    out = [_out(core, Leg.A, p, 0.02 * i) for i, p in enumerate(packets)]
    assert {p.ssrc for p in out} == {core.ssrc(Leg.B)} != {0x1111}
    base = out[0].sequence_number
    assert [seq_delta(p.sequence_number, base) for p in out] == [0, 1, 2, 4, 5]
    assert [(p.timestamp - out[0].timestamp) & 0xFFFFFFFF for p in out] == [0, 160, 320, 640, 800]
    assert out[0].marker and not any(p.marker for p in out[1:])
    assert out[0].payload == RtpPacket.parse(packets[0]).payload  # same law: untouched
    assert core.a_to_b.forwarded == 5 and core.a_to_b.transcoded == 0


def test_new_source_continues_the_outgoing_stream():
    core = RelayCore(rng=random.Random(3))
    core.connect()
    first = [_out(core, Leg.A, p, 0.02 * i) for i, p in enumerate(_stream(1, 3))]
    # Another source (say, a prompt player replaced by the agent) 1 s after the last packet.
    later = _stream(2, 2, seq0=40000, ts0=123)
    second = [_out(core, Leg.A, p, 1.04 + 0.02 * i) for i, p in enumerate(later)]
    assert second[0].ssrc == first[0].ssrc
    assert second[0].sequence_number == (first[-1].sequence_number + 1) & 0xFFFF
    assert second[0].marker
    # The timestamp advanced with the second that passed (8000 units).
    assert (second[0].timestamp - first[-1].timestamp) & 0xFFFFFFFF == 8000


def test_reconnect_rebases_instead_of_reporting_the_dropped_packets_as_lost():
    core = RelayCore(rng=random.Random(4))
    core.connect()
    packets = _stream(1, 30)
    out = [_out(core, Leg.A, p, 0.02 * i) for i, p in enumerate(packets[:10])]
    core.disconnect()
    for i, p in enumerate(packets[10:20], start=10):
        assert core.handle(Leg.A, p, 0.02 * i) is None
    core.connect()
    resumed = _out(core, Leg.A, packets[20], 0.4)
    last = out[-1]
    assert resumed.sequence_number == (last.sequence_number + 1) & 0xFFFF
    assert resumed.marker
    assert (resumed.timestamp - last.timestamp) & 0xFFFFFFFF == round((0.4 - 0.18) * 8000)


def test_transcodes_between_laws_in_both_directions():
    core = RelayCore(payload_type_a=g711.PCMU, payload_type_b=g711.PCMA, rng=random.Random(5))
    core.connect()
    samples = signature_for(4).samples(160, amplitude=9000)
    from_a = bytes(RtpPacket(g711.PCMU, 1, 0, 9, g711.ulaw_encode(samples)))
    to_b = _out(core, Leg.A, from_a, 0.0)
    assert to_b.payload_type == g711.PCMA
    assert to_b.payload == g711.alaw_encode(g711.ulaw_decode(g711.ulaw_encode(samples)))
    from_b = bytes(RtpPacket(g711.PCMA, 7, 0, 10, g711.alaw_encode(samples)))
    to_a = _out(core, Leg.B, from_b, 0.0)
    assert to_a.payload_type == g711.PCMU
    decoded = g711.ulaw_decode(to_a.payload).astype(int)
    assert np.abs(decoded - samples).max() < 600  # two quantisations, no corruption
    assert core.a_to_b.transcoded == 1 and core.b_to_a.transcoded == 1
    assert to_a.ssrc == core.ssrc(Leg.A) != core.ssrc(Leg.B)


def test_non_audio_payloads_pass_through_and_rtcp_is_terminated():
    core = RelayCore(payload_type_a=g711.PCMU, payload_type_b=g711.PCMA, rng=random.Random(6))
    core.connect()
    dtmf_event = bytes(RtpPacket(101, 1, 0, 9, b"\x05\x0a\x00\xa0"))
    out = _out(core, Leg.A, dtmf_event, 0.0)
    assert (out.payload_type, out.payload) == (101, b"\x05\x0a\x00\xa0")
    assert core.handle(Leg.A, b"\x80\xc8\x00\x06" + bytes(24), 0.0) is None
    assert core.handle(Leg.A, b"garbage", 0.0) is None
    assert (core.a_to_b.rtcp, core.a_to_b.malformed, core.a_to_b.received) == (1, 1, 3)


def test_payload_type_can_change_after_renegotiation():
    core = RelayCore(rng=random.Random(7))
    core.connect()
    core.set_payload_type(Leg.B, g711.PCMA)
    out = _out(core, Leg.A, _stream(1, 1)[0], 0.0)
    assert out.payload_type == g711.PCMA
    assert core.payload_type(Leg.B) == g711.PCMA


def _passes(core: RelayCore, from_leg: Leg, now: float) -> bool:
    return core.handle(from_leg, _stream(7, 1, seq0=int(now * 50))[0], now) is not None


def test_each_direction_follows_both_parties_sdp_directions():
    core = RelayCore(rng=random.Random(8))
    core.connect()
    expected = {  # caller's direction on leg A -> (A to B forwarded, B to A forwarded)
        "sendrecv": (True, True),
        "sendonly": (True, False),
        "recvonly": (False, True),
        "inactive": (False, False),
    }
    for i, (direction, (a_to_b, b_to_a)) in enumerate(expected.items()):
        core.set_direction(Leg.A, direction)
        assert core.direction(Leg.A) == direction
        assert (core.forwarding(Leg.A), core.forwarding(Leg.B)) == (a_to_b, b_to_a)
        assert _passes(core, Leg.A, i) is a_to_b, direction
        assert _passes(core, Leg.B, i) is b_to_a, direction


def test_a_direction_needs_the_sender_to_send_and_the_receiver_to_receive():
    core = RelayCore(rng=random.Random(9))
    core.connect()
    core.set_direction(Leg.A, "sendonly")  # the caller only sends...
    core.set_direction(Leg.B, "sendonly")  # ...and the agent only sends: nobody receives
    assert not core.forwarding(Leg.A) and not core.forwarding(Leg.B)
    core.set_direction(Leg.B, "recvonly")
    assert core.forwarding(Leg.A) and not core.forwarding(Leg.B)


def test_closed_direction_counts_drops_and_disconnect_closes_both():
    core = RelayCore(rng=random.Random(10))
    core.set_direction(Leg.A, "sendonly")
    assert not core.forwarding(Leg.A)  # not bridged yet
    core.connect()
    for i, packet in enumerate(_stream(3, 4)):
        core.handle(Leg.A, packet, 0.02 * i)
        core.handle(Leg.B, packet, 0.02 * i)
    assert (core.a_to_b.forwarded, core.a_to_b.dropped) == (4, 0)
    assert (core.b_to_a.forwarded, core.b_to_a.dropped) == (0, 4)
    core.disconnect()
    assert not core.forwarding(Leg.A) and not core.forwarding(Leg.B)
    core.connect()
    assert core.direction(Leg.A) == "sendonly"  # reconnecting keeps what the parties declared
    assert core.forwarding(Leg.A) and not core.forwarding(Leg.B)


def test_a_direction_that_opens_continues_its_outgoing_stream():
    core = RelayCore(rng=random.Random(11))
    core.connect()
    packets = _stream(1, 30)
    before = [_out(core, Leg.A, p, 0.02 * i) for i, p in enumerate(packets[:5])]
    core.set_direction(Leg.A, "recvonly")  # the caller stops being heard (say, a hold)
    assert all(core.handle(Leg.A, p, 0.02 * i) is None for i, p in enumerate(packets[5:15], 5))
    core.set_direction(Leg.A, "sendrecv")
    resumed = _out(core, Leg.A, packets[15], 0.3)
    assert resumed.sequence_number == (before[-1].sequence_number + 1) & 0xFFFF
    assert resumed.marker


def test_unknown_direction_is_refused_by_name():
    core = RelayCore(rng=random.Random(12))
    with pytest.raises(ValueError, match="'sendrcv'; known: sendrecv"):
        core.set_direction(Leg.A, "sendrcv")
