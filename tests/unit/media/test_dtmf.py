"""DTMF: telephone-event payloads, sender and receiver on a virtual clock, in-band tones."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from typing import Any, cast

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.media import g711
from harness.media.dtmf import (
    DTMF_DIGITS,
    END_TIMEOUT,
    DigitReceived,
    DtmfReceiver,
    DtmfSender,
    InbandDtmfDetector,
    TelephoneEvent,
    TelephoneEventError,
    digit_for_event,
    dtmf_frequencies,
    dtmf_tone,
    event_for_digit,
)
from harness.media.dtmf.inband import LATE_ALLOWANCE_S
from harness.media.events import DtmfReceived, MalformedPacket, MediaEvent, SignatureLost
from harness.media.rtp import RtpPacket
from harness.media.stream import MediaStream
from harness.media.tones import SIGNATURES, goertzel_power, mix, signature_for, tone

from .signals import FRAME, comfort_noise, frames, through_g711, to_int16, vowel, white_noise

PTIME = 0.02
UNITS = 160
KEYPAD = "123A456B789C*0#D"


def approx(t: float) -> float:
    """``pytest.approx`` typed as the value it stands for, to compare dataclasses holding it."""
    return cast(float, pytest.approx(t, abs=1e-9))


# -- payload ----------------------------------------------------------------------------------


def test_payload_layout_follows_rfc_4733_figure_1():
    event = TelephoneEvent(event=5, end=True, volume=10, duration=800)
    assert bytes(event) == b"\x05\x8a\x03\x20"
    assert TelephoneEvent.parse(b"\x05\x8a\x03\x20") == event
    assert TelephoneEvent.parse(b"\x0b\x3f\xff\xff") == TelephoneEvent(11, False, 63, 0xFFFF)


def test_reserved_bit_is_ignored_and_never_sent():
    parsed = TelephoneEvent.parse(b"\x01\x4a\x00\xa0")  # R bit set
    assert parsed == TelephoneEvent(1, end=False, volume=10, duration=160)
    assert bytes(parsed)[1] & 0x40 == 0


@given(
    event=st.integers(0, 255),
    end=st.booleans(),
    volume=st.integers(0, 63),
    duration=st.integers(0, 0xFFFF),
)
def test_payload_round_trip(event, end, volume, duration):
    value = TelephoneEvent(event, end, volume, duration)
    data = bytes(value)
    assert len(data) == 4
    assert TelephoneEvent.parse(data) == value


@pytest.mark.parametrize("data", [b"", b"\x01\x00\x00", b"\x01\x00\x00\xa0\x01\x00\x00\xa0"])
def test_a_payload_that_is_not_4_octets_is_the_peers_error(data):
    with pytest.raises(TelephoneEventError) as info:
        TelephoneEvent.parse(data)
    assert f"got {len(data)}" in info.value.reason


def test_field_ranges_are_checked():
    for event, volume, duration in ((256, 0, 0), (1, 64, 0), (1, 0, 1 << 16), (-1, 0, 0)):
        with pytest.raises(ValueError):
            TelephoneEvent(event, volume=volume, duration=duration)


def test_event_codes_of_the_sixteen_digits():
    assert [event_for_digit(d) for d in "0123456789*#ABCD"] == list(range(16))
    assert event_for_digit("b") == 13
    assert [digit_for_event(e) for e in (0, 10, 11, 15, 16, 255)] == [
        "0",
        "*",
        "#",
        "D",
        None,
        None,
    ]
    assert TelephoneEvent(16).digit is None
    for bad in ("", "E", "12", " "):
        with pytest.raises(ValueError):
            event_for_digit(bad)


def test_keypad_frequencies():
    assert dtmf_frequencies("1") == (697, 1209)
    assert dtmf_frequencies("0") == (941, 1336)
    assert dtmf_frequencies("#") == (941, 1477)
    assert dtmf_frequencies("C") == (852, 1633)


# -- sender -----------------------------------------------------------------------------------


def _run_sender(
    sender: DtmfSender, until: float, seq: int = 0, ts0: int = 0
) -> list[tuple[float, RtpPacket]]:
    """Call the sender every frame as a stream would; the audio clock reads ``ts0`` at 0."""
    out = []
    for k in range(round(until / PTIME) + 1):
        now = k * PTIME
        packets, seq = sender.produce(now, seq, (ts0 + k * UNITS) & 0xFFFFFFFF)
        out += [(now, RtpPacket.parse(p)) for p in packets]
    return out


def test_one_press_is_seven_packets_on_the_start_timestamp():
    sender = DtmfSender(ssrc=0x1234, volume=7)
    assert sender.press("5", 0.04) == 0.04
    sent = _run_sender(sender, 0.4, seq=65533, ts0=0xFFFFFF00)
    times = [t for t, _ in sent]
    assert times == pytest.approx([0.06, 0.08, 0.10, 0.12, 0.14, 0.16, 0.18])
    packets = [p for _, p in sent]
    assert [p.sequence_number for p in packets] == [65533, 65534, 65535, 0, 1, 2, 3]
    assert {p.timestamp for p in packets} == {(0xFFFFFF00 + 2 * UNITS) & 0xFFFFFFFF}
    assert {(p.ssrc, p.payload_type) for p in packets} == {(0x1234, 101)}
    assert [p.marker for p in packets] == [True] + [False] * 6
    events = [TelephoneEvent.parse(p.payload) for p in packets]
    assert [e.duration for e in events] == [160, 320, 480, 640, 800, 800, 800]
    assert [e.end for e in events] == [False] * 4 + [True] * 3
    assert {(e.event, e.volume) for e in events} == {(5, 7)}
    assert sender.packets_sent == 7
    assert sender.next_send_time() is None


def test_the_sequence_counter_is_taken_and_returned():
    sender = DtmfSender(ssrc=1)
    sender.press("1", 0.0)
    packets, seq = sender.produce(0.0, 40, 0)
    assert (packets, seq) == ([], 40)  # the first frame of an event stays empty
    packets, seq = sender.produce(0.02, 40, UNITS)
    assert len(packets) == 1 and seq == 41
    packets, seq = sender.produce(0.08, 41, 4 * UNITS)  # late: catches up
    assert [RtpPacket.parse(p).sequence_number for p in packets] == [41, 42, 43]
    assert {RtpPacket.parse(p).timestamp for p in packets} == {0}
    assert seq == 44


def test_a_length_off_the_frame_grid_ends_within_its_last_frame():
    sender = DtmfSender(ssrc=1)
    sender.press("9", 0.0, duration_ms=90)
    events = [TelephoneEvent.parse(p.payload) for _, p in _run_sender(sender, 0.4)]
    assert [(e.duration, e.end) for e in events] == [
        (160, False),
        (320, False),
        (480, False),
        (640, False),
        (720, True),
        (720, True),
        (720, True),
    ]


def test_presses_queue_a_pause_apart_and_hold_their_frames():
    sender = DtmfSender(ssrc=1)
    starts = [sender.press(d, 0.0) for d in "12"]
    assert starts == pytest.approx([0.0, 0.2])
    assert sender.free_at() == pytest.approx(0.4)
    held = [k for k in range(20) if sender.holds(k * PTIME)]
    assert held == [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17]
    sender.cancel()
    assert not sender.holds(0.0) and sender.free_at() is None


def test_sender_misuse_is_refused():
    sender = DtmfSender(ssrc=1)
    with pytest.raises(ValueError):
        sender.press("E", 0.0)
    with pytest.raises(ValueError):
        sender.press("1", 0.0, duration_ms=0)
    with pytest.raises(ValueError):
        sender.press("1", 0.0, duration_ms=8200)  # over 65535 units: segments not produced
    with pytest.raises(ValueError):
        DtmfSender(ssrc=1, volume=64)
    with pytest.raises(ValueError):
        DtmfSender(ssrc=1, ptime=0.0201)


# -- sender and receiver in memory -----------------------------------------------------------


class Wire:
    """A `DtmfSender` keyed on a virtual clock, its packets delivered to a `DtmfReceiver`."""

    def __init__(
        self,
        delay: float = 0.005,
        drop: Callable[[int, RtpPacket], bool] = lambda index, packet: False,
        copies: int = 1,
    ) -> None:
        self.sender = DtmfSender(ssrc=0xD7)
        self.receiver = DtmfReceiver()
        self.delay = delay
        self.drop = drop
        self.copies = copies
        self.digits: list[tuple[DigitReceived, float]] = []
        """Each digit with the time it was reported."""
        self._seq = 100

    def run(self, until: float, step: float = 0.001) -> None:
        in_flight: list[tuple[float, RtpPacket]] = []
        index = 0
        for k in range(round(until / step) + 1):
            now = k * step
            if k % round(PTIME / step) == 0:
                ts = round(now * 8000)
                packets, self._seq = self.sender.produce(now, self._seq, ts)
                for data in packets:
                    packet = RtpPacket.parse(data)
                    if not self.drop(index, packet):
                        in_flight += [(now + self.delay, packet)] * self.copies
                    index += 1
            due = [p for p in in_flight if p[0] <= now + 1e-9]
            in_flight = [p for p in in_flight if p[0] > now + 1e-9]
            for _, packet in due:
                self.digits += [(d, now) for d in self.receiver.receive(packet, now)]
            self.digits += [(d, now) for d in self.receiver.handle_timer(now)]


def _ends(index: int, packet: RtpPacket) -> bool:
    return TelephoneEvent.parse(packet.payload).end


def test_all_sixteen_digits_arrive_once_each_with_their_onset():
    wire = Wire(delay=0.005)
    starts = [wire.sender.press(d, 0.0) for d in DTMF_DIGITS]
    wire.run(3.4)
    got = [d for d, _ in wire.digits]
    assert got == [
        DigitReceived(d, 100.0, approx(s + 0.005)) for d, s in zip(DTMF_DIGITS, starts, strict=True)
    ]
    # Each is reported when its first end packet arrives (0.1 s after the start, plus transit).
    assert [t for _, t in wire.digits] == pytest.approx([s + 0.105 for s in starts])


def test_retransmitted_ends_and_duplicated_packets_count_once():
    wire = Wire(copies=3)
    wire.sender.press("8", 0.0)
    wire.sender.press("8", 0.0)
    wire.run(0.8)
    assert [d.digit for d, _ in wire.digits] == ["8", "8"]


def test_a_lost_first_packet_loses_nothing():
    wire = Wire(drop=lambda index, packet: packet.marker)
    starts = [wire.sender.press(d, 0.0) for d in "4#"]
    wire.run(0.8)
    got = [d for d, _ in wire.digits]
    assert got == [
        DigitReceived(d, 100.0, approx(s + 0.005)) for d, s in zip("4#", starts, strict=True)
    ]


def test_lost_end_packets_close_the_event_after_the_timeout():
    wire = Wire(drop=_ends)
    wire.sender.press("3", 0.0)
    wire.run(0.6)
    # The last update seen (80 ms) arrived at 0.085; nothing for END_TIMEOUT after it.
    assert wire.digits == [(DigitReceived("3", 80.0, approx(0.005)), approx(0.085 + END_TIMEOUT))]
    assert wire.receiver.next_timer() is None


def test_lost_end_packets_close_the_event_when_the_next_one_begins():
    wire = Wire(drop=_ends, delay=0.0)
    wire.sender.press("1", 0.0)
    wire.sender.press("2", 0.0, duration_ms=40)  # starts at 0.2, first packet at 0.22
    wire.run(0.3)
    assert wire.digits == [(DigitReceived("1", 80.0, approx(0.0)), approx(0.22))]


def test_reordered_packets_still_give_the_onset():
    receiver = DtmfReceiver()

    def packet(duration: int, end: bool = False, marker: bool = False) -> RtpPacket:
        payload = bytes(TelephoneEvent(7, end, 10, duration))
        return RtpPacket(101, 1, 5000, 9, payload, marker=marker)

    assert receiver.receive(packet(320), 1.04) == []
    assert receiver.receive(packet(160, marker=True), 1.05) == []  # late first packet
    assert receiver.receive(packet(480, end=True), 1.06) == [DigitReceived("7", 60.0, approx(1.0))]
    assert receiver.receive(packet(400), 1.07) == []  # straggler of a finished event


def test_a_long_event_in_segments_is_one_press():
    # RFC 4733 2.5.1.3: a segment ends at 65535 units or less; the next starts where it ended.
    receiver = DtmfReceiver()
    reports = [(0, 160, False), (0, 32000, False), (0, 64000, False), (64000, 160, False)]
    reports += [(64000, 8000, True)]
    out = []
    for seq, (offset, duration, end) in enumerate(reports):
        payload = bytes(TelephoneEvent(0, end, 10, duration))
        packet = RtpPacket(101, seq, 1000 + offset, 9, payload, marker=seq == 0)
        out += receiver.receive(packet, 1.0 + (offset + duration) / 8000)
    assert out == [DigitReceived("0", 9000.0, approx(1.0))]


def test_a_repeated_digit_whose_ends_and_first_packet_were_lost_is_two_presses():
    wire = Wire(drop=lambda index, packet: packet.marker or _ends(index, packet), delay=0.0)
    wire.sender.press("5", 0.0)
    wire.sender.press("5", 0.0)
    wire.run(0.6)
    assert [(d.digit, d.duration_ms, d.at) for d, _ in wire.digits] == [
        ("5", 80.0, approx(0.0)),
        ("5", 80.0, approx(0.2)),
    ]


def test_reports_that_are_not_key_presses_are_ignored():
    receiver = DtmfReceiver()
    flash = RtpPacket(101, 1, 0, 9, bytes(TelephoneEvent(16, True, 0, 800)))
    zero = RtpPacket(101, 2, 800, 9, bytes(TelephoneEvent(3, True, 10, 0)))
    assert receiver.receive(flash, 0.0) == [] and receiver.receive(zero, 0.1) == []
    assert receiver.next_timer() is None


def test_an_event_changing_code_under_one_timestamp_is_the_peers_error():
    receiver = DtmfReceiver()
    receiver.receive(RtpPacket(101, 1, 0, 9, bytes(TelephoneEvent(3, False, 10, 160))), 0.0)
    with pytest.raises(TelephoneEventError):
        receiver.receive(RtpPacket(101, 2, 0, 9, bytes(TelephoneEvent(4, False, 10, 320))), 0.02)


# -- in-band ----------------------------------------------------------------------------------


def _detect(signal: np.ndarray, payload_type: int = g711.PCMU) -> list[DigitReceived]:
    detector = InbandDtmfDetector()
    out: list[DigitReceived] = []
    for i, frame in enumerate(frames(through_g711(signal, payload_type))):
        out += detector.frame(frame, i * PTIME)
    return out + detector.silence(1e9)


def _silence(n_frames: int) -> np.ndarray:
    return np.zeros(n_frames * FRAME, dtype=np.int16)


def _keyed(*parts: tuple[str | None, int]) -> np.ndarray:
    """Digits and silences (None), each a number of 20 ms frames."""
    return np.concatenate([_silence(n) if d is None else dtmf_tone(d, n * FRAME) for d, n in parts])


def test_a_digit_tone_is_its_two_frequencies_at_the_volume_asked():
    signal = dtmf_tone("6", FRAME, volume=10)
    low, high = (goertzel_power(signal, f, 8000) for f in (770, 1477))
    peak = 22_700 * 10 ** (-10 / 20)
    for power in (low, high):
        assert np.sqrt(power) * 2 / FRAME == pytest.approx(peak, rel=0.02)
    assert goertzel_power(signal, 697, 8000) < low / 10  # the other row: leakage only
    # Frames made one after the other join without a phase jump.
    joined = np.concatenate([dtmf_tone("6", 80), dtmf_tone("6", 80, start_sample=80)])
    assert np.array_equal(joined, dtmf_tone("6", 160))


@pytest.mark.parametrize("payload_type", [g711.PCMU, g711.PCMA])
@pytest.mark.parametrize("digit", list(DTMF_DIGITS))
def test_every_digit_is_found_after_a_g711_round_trip(digit, payload_type):
    signal = _keyed((None, 3), (digit, 5), (None, 3))
    assert _detect(signal, payload_type) == [DigitReceived(digit, 100.0, approx(0.06))]


def test_a_sequence_of_digits():
    parts: list[tuple[str | None, int]] = [(None, 2)]
    for d in KEYPAD:
        parts += [(d, 3), (None, 2)]
    assert [d.digit for d in _detect(_keyed(*parts))] == list(KEYPAD)


def test_presence_and_gap_of_40_ms():
    assert _detect(_keyed((None, 2), ("5", 1), (None, 2))) == []  # 20 ms is not a press
    assert [d.duration_ms for d in _detect(_keyed(("5", 2), (None, 2)))] == [40.0]
    one = _detect(_keyed(("5", 3), (None, 1), ("5", 3), (None, 2)))
    assert [(d.digit, d.duration_ms) for d in one] == [("5", 140.0)]  # 20 ms dropout bridged
    two = _detect(_keyed(("5", 3), (None, 2), ("5", 3), (None, 2)))
    assert [(d.digit, d.at) for d in two] == [("5", 0.0), ("5", approx(0.1))]
    switch = _detect(_keyed(("1", 3), ("2", 3)))
    assert [(d.digit, d.duration_ms, d.at) for d in switch] == [
        ("1", 60.0, 0.0),
        ("2", 60.0, approx(0.06)),
    ]


def test_a_tone_across_frame_boundaries_of_60_ms_is_found():
    for offset in range(0, FRAME, 8):
        signal = np.concatenate([_silence(2)[: FRAME + offset], dtmf_tone("0", 480), _silence(3)])
        assert [d.digit for d in _detect(signal)] == ["0"], offset


def _pair(low_level: float, high_level: float, n_frames: int = 5) -> np.ndarray:
    """A '1' with each tone at its own level (dB below 0 dBm0)."""
    n = n_frames * FRAME
    return mix(
        tone(697, n, 22_700 * 10 ** (-low_level / 20)),
        tone(1209, n, 22_700 * 10 ** (-high_level / 20)),
    )


@pytest.mark.parametrize(
    ("low", "high", "found"),
    [
        (10, 10, True),
        (10, 15, True),  # the high group 5 dB down, as a long line leaves it
        (13, 10, True),  # the high group 3 dB up
        (10, 17, False),
        (15, 10, False),
        (27, 27, True),
        (33, 33, False),  # too quiet
    ],
)
def test_twist_and_level_limits(low, high, found):
    assert bool(_detect(_pair(low, high))) is found


def _off_frequency(digit: str, scale: float, shift_hz: float) -> np.ndarray:
    n = 5 * FRAME
    amplitude = 22_700 * 10 ** (-10 / 20)
    low, high = dtmf_frequencies(digit)
    return mix(*(tone(f * scale + shift_hz, n, amplitude) for f in (low, high)))


@pytest.mark.parametrize("digit", list(DTMF_DIGITS))
def test_frequency_tolerance_of_q24(digit):
    # Q.24: accept tones 1.5 % + 2 Hz off, reject those 3.5 % off.
    assert [d.digit for d in _detect(_off_frequency(digit, 1.015, 2.0))] == [digit]
    assert [d.digit for d in _detect(_off_frequency(digit, 0.985, -2.0))] == [digit]
    assert _detect(_off_frequency(digit, 1.035, 0.0)) == []
    assert _detect(_off_frequency(digit, 0.965, 0.0)) == []


def test_silence_ends_a_press_in_progress():
    detector = InbandDtmfDetector()
    tone_frames = frames(dtmf_tone("7", 4 * FRAME))
    assert [detector.frame(f, i * PTIME) for i, f in enumerate(tone_frames)] == [[]] * 4
    assert detector.deadline() == pytest.approx(0.06 + LATE_ALLOWANCE_S)
    assert detector.silence(0.05 + LATE_ALLOWANCE_S) == []
    assert detector.silence(0.06 + LATE_ALLOWANCE_S) == [DigitReceived("7", 80.0, 0.0)]
    assert detector.deadline() is None


def test_frames_arriving_late_in_a_bunch_are_one_press():
    """The sender's frames, none lost, stop arriving for 120 ms and then come all at once (a
    process or a queue held them): the press goes on, as its timestamps say."""
    detector = InbandDtmfDetector()
    tone_frames = list(frames(dtmf_tone("1", 5 * FRAME))) + list(frames(_silence(3)))
    arrivals = [0.0, 0.02, 0.16, 0.161, 0.162, 0.163, 0.18, 0.20]
    out: list[DigitReceived] = []
    for frame, at in zip(tone_frames, arrivals, strict=True):
        due = detector.deadline()
        if due is not None and due <= at:
            out += detector.silence(due)  # the stream's timer, had it come due meanwhile
        out += detector.frame(frame, at)
    assert out == [DigitReceived("1", 100.0, 0.0)]


def test_frames_lost_inside_a_tone_split_it_from_two_on():
    """Lost frames (a jump in the sender's timestamps) are frames without the digit: one does
    not split a press, two or more end it."""
    detector = InbandDtmfDetector()
    tone = frames(dtmf_tone("4", 3 * FRAME))
    out = [d for i, f in enumerate(tone) for d in detector.frame(f, i * PTIME)]
    out += detector.frame(tone[0], 0.08, lost=1)
    assert out == []
    out += detector.frame(tone[0], 0.14, lost=2)
    out += detector.frame(tone[0], 0.16)
    out += detector.frame(_silence(1), 0.18)
    out += detector.frame(_silence(1), 0.20)
    assert out == [DigitReceived("4", 100.0, 0.0), DigitReceived("4", 40.0, 0.14)]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(4733)


def _formant_vowel(
    rng: np.random.Generator, n_frames: int, f0: float, formants: tuple[tuple[float, float], ...]
) -> np.ndarray:
    """Harmonics of ``f0`` shaped by (centre, bandwidth) formants of falling strength."""
    n = np.arange(n_frames * FRAME)
    pitch = f0 * (1.0 + 0.02 * np.sin(2 * np.pi * 5.0 * n / 8000))
    phase = 2 * np.pi * np.cumsum(pitch) / 8000
    out = np.zeros(n.size)
    for h in range(1, int(3600 / f0)):
        gain = sum(
            0.6**i / (1.0 + ((h * f0 - fc) / bw) ** 2) for i, (fc, bw) in enumerate(formants)
        )
        out += gain * np.sin(h * phase + rng.uniform(0, 2 * np.pi))
    return to_int16(out / np.abs(out).max() * 12000)


VOWEL_FORMANTS = {
    "a": ((730, 90), (1090, 110), (2440, 170)),
    "e": ((530, 80), (1840, 100), (2480, 150)),
    "o": ((570, 80), (840, 90), (2410, 150)),
    "u": ((300, 60), (870, 80), (2240, 120)),
    "ae": ((660, 90), (1720, 100), (2410, 150)),
}


@pytest.mark.parametrize("name", sorted(VOWEL_FORMANTS))
def test_no_digit_in_vowels(rng, name):
    for f0 in np.arange(85.0, 300.0, 9.0):
        signal = _formant_vowel(rng, 25, f0, VOWEL_FORMANTS[name])
        assert _detect(signal) == [], f0


def test_no_digit_in_the_vowel_of_the_signature_tests(rng):
    for f0 in (90.0, 110.0, 130.0, 180.0, 220.0, 260.0):
        for vibrato in (0.0, 0.03):
            assert _detect(vowel(rng, 25, f0, vibrato)) == [], (f0, vibrato)


def test_no_digit_in_signatures_silence_or_noise(rng):
    for signature in SIGNATURES:
        assert _detect(signature.samples(50 * FRAME)) == [], signature
    assert _detect(mix(*(s.samples(50 * FRAME) for s in SIGNATURES[:4]))) == []
    assert _detect(_silence(50)) == []
    for rms in (30.0, 300.0, 3000.0, 12000.0):
        assert _detect(white_noise(rng, 200, rms)) == [], rms
    assert _detect(comfort_noise(rng, 200, 300.0)) == []


# -- in a media stream ------------------------------------------------------------------------

A = signature_for(0)


class Link:
    """Carries one stream's packets to another after ``delay``, on a virtual clock."""

    def __init__(self, sender: MediaStream, receiver: MediaStream, delay: float = 0.004) -> None:
        self.sender = sender
        self.receiver = receiver
        self.delay = delay
        self.sent: list[RtpPacket] = []
        self.events: list[MediaEvent] = []
        self._in_flight: list[tuple[float, bytes]] = []
        self._now = 0.0

    def run(self, until: float, step: float = 0.001) -> None:
        now = self._now
        while now <= until + 1e-12:
            for data in self.sender.produce(now):
                self.sent.append(RtpPacket.parse(data))
                self._in_flight.append((now + self.delay, data))
            due = [p for p in self._in_flight if p[0] <= now + 1e-12]
            self._in_flight = [p for p in self._in_flight if p[0] > now + 1e-12]
            for arrival, data in due:
                self.events += self.receiver.receive(data, arrival)
            self.events += self.receiver.handle_timer(now)
            now = round(now + step, 9)
        self._now = now

    def dtmf(self) -> list[DtmfReceived]:
        return [e for e in self.events if isinstance(e, DtmfReceived)]


def _streams(**kwargs) -> tuple[MediaStream, MediaStream]:
    a = MediaStream(ssrc=0xA, signature=A, rng=random.Random(7), **kwargs)
    b = MediaStream(ssrc=0xB, listen_for=[A], **kwargs)
    return a, b


def test_events_take_the_place_of_audio_frames_on_one_sequence():
    a, b = _streams()
    a.start_sending(0.0)
    link = Link(a, b)
    link.run(0.1)
    assert a.send_dtmf("7", 0.1) == pytest.approx(0.12)
    link.run(0.5)
    packets = link.sent
    seqs = [p.sequence_number for p in packets]
    assert all((y - x) & 0xFFFF == 1 for x, y in itertools.pairwise(seqs))
    kinds = "".join("e" if p.payload_type == 101 else "a" for p in packets)
    # Audio up to 0.10, the empty first frame at 0.12, seven event packets, audio from 0.28.
    assert kinds == "a" * 6 + "e" * 7 + "a" * 12
    audio_ts = {p.sequence_number: p.timestamp for p in packets if p.payload_type == 0}
    first_audio_ts = packets[0].timestamp
    events = [p for p in packets if p.payload_type == 101]
    assert {p.timestamp for p in events} == {(first_audio_ts + 6 * 160) & 0xFFFFFFFF}
    resumed = packets[13]
    assert resumed.marker and resumed.timestamp == (first_audio_ts + 14 * 160) & 0xFFFFFFFF
    assert len(audio_ts) == 18
    assert link.dtmf() == [DtmfReceived("7", 100.0, approx(0.124), "rfc4733")]
    assert b.stats.lost == 0 and b.stats.received == b.stats.expected == 24  # one in flight
    # Events repeat their start timestamp: left out of the jitter, as RFC 3550 A.8 intends.
    assert b.stats.jitter_ms < 0.01
    assert not any(isinstance(e, SignatureLost) for e in link.events)


@pytest.mark.parametrize("mode", ["rfc4733", "inband"])
def test_digits_from_one_stream_to_another(mode):
    a, b = _streams()
    a.start_sending(0.0)
    link = Link(a, b)
    link.run(0.2)
    starts = [a.send_dtmf(d, 0.2, mode=mode) for d in "12#"]
    assert starts == pytest.approx([0.22, 0.42, 0.62])  # the frame due at 0.2 has gone
    link.run(1.2)
    assert link.dtmf() == [
        DtmfReceived(d, 100.0, approx(s + 0.004), mode) for d, s in zip("12#", starts, strict=True)
    ]
    assert b.stats.lost == 0
    assert b.heard_now() == {A}
    assert not any(isinstance(e, SignatureLost) for e in link.events)


def test_a_negotiated_payload_type_and_in_band_detection_off():
    a, b = _streams(telephone_event_pt=96, detect_inband_dtmf=False)
    a.start_sending(0.0)
    link = Link(a, b)
    a.send_dtmf("5", 0.0)
    a.send_dtmf("6", 0.0, mode="inband")
    link.run(0.6)
    assert {p.payload_type for p in link.sent} == {0, 96}
    assert [(e.digit, e.mode) for e in link.dtmf()] == [("5", "rfc4733")]
    with pytest.raises(ValueError):
        a.telephone_event_pt = 8


def test_a_late_caller_keys_from_the_next_frame_after_now():
    a = MediaStream(signature=A)
    a.start_sending(0.0)
    a.produce(0.0)
    assert a.send_dtmf("1", 0.05) == pytest.approx(0.06)
    assert a.send_dtmf("2", 0.05, mode="inband") == pytest.approx(0.26)


def test_send_dtmf_misuse():
    a = MediaStream(signature=A)
    with pytest.raises(ValueError):
        a.send_dtmf("1", 0.0)  # not sending
    a.start_sending(0.0)
    unknown: Any = "sip-info"
    with pytest.raises(ValueError):
        a.send_dtmf("1", 0.0, mode=unknown)
    with pytest.raises(ValueError):
        a.send_dtmf("X", 0.0)


def test_hold_drops_digits_not_sent_yet():
    a, b = _streams()
    a.start_sending(0.0)
    a.send_dtmf("1", 0.0)
    a.send_dtmf("2", 0.0)
    link = Link(a, b)
    link.run(0.15)
    a.set_hold(True, 0.15)
    a.set_hold(False, 0.3)
    link.run(1.0)
    assert [e.digit for e in link.dtmf()] == ["1"]
    # Seven packets of the first digit by 0.14, then audio only from the resume at 0.3.
    assert [p.payload_type for p in link.sent] == [101] * 7 + [0] * 36


def test_a_malformed_event_payload_is_reported():
    b = MediaStream(listen_for=[A])
    events = b.receive(bytes(RtpPacket(101, 1, 0, 5, b"\x01\x00\x00")), 1.0)
    assert MalformedPacket(reason="a telephone-event payload is 4 octets, got 3", at=1.0) in events
    assert b.malformed_received == 1


def test_an_event_whose_end_is_lost_is_reported_from_the_stream_timer():
    b = MediaStream(listen_for=[A])
    b.receive(bytes(RtpPacket(101, 1, 0, 5, bytes(TelephoneEvent(2, False, 10, 160)), True)), 1.0)
    assert b.next_timer() == pytest.approx(1.0 + END_TIMEOUT)
    assert b.handle_timer(1.1) == []
    assert b.handle_timer(1.0 + END_TIMEOUT) == [DtmfReceived("2", 20.0, approx(0.98), "rfc4733")]
