"""What both kinds of DTMF share: digits, the telephone-event payload, the key press queue."""

from __future__ import annotations

import struct
from collections import deque
from dataclasses import dataclass

DTMF_DIGITS = "0123456789*#ABCD"
"""The digits in event-code order (RFC 4733 section 3.2): event ``n`` is ``DTMF_DIGITS[n]``."""
LOW_GROUP_HZ = (697, 770, 852, 941)
HIGH_GROUP_HZ = (1209, 1336, 1477, 1633)
"""The row and column frequencies of the keypad (ITU-T Q.23)."""
KEYPAD = ("123A", "456B", "789C", "*0#D")

TELEPHONE_EVENT_PT = 101
"""The dynamic payload type most peers offer for telephone-event (any of 96-127 may be agreed)."""
DEFAULT_DURATION_MS = 100
DEFAULT_PAUSE_MS = 100
"""Silence after a digit before the next one starts: the 100 ms on / 100 ms off of a keypad."""
DEFAULT_VOLUME = 10
"""Power of each tone in dB below 0 dBm0, as the volume field carries it (RFC 4733 2.3.4)."""
END_REPEATS = 3
"""RFC 4733 section 2.5.1.4: the final packet of an event is sent three times in all."""
END_TIMEOUT = 0.2
"""Seconds without news of an event after which a receiver closes it (its end packets were
lost): four updates at the 50 ms interval RFC 4733 section 2.5.1.2 names as the slowest."""
DBM0_PEAK = 22_700.0
"""Peak (int16) of a 0 dBm0 sine: what the G.711 digital milliwatt sequence decodes to."""

TOLERANCE = 1e-6
"""Seconds a time may sit off the ptime grid and still count as on it (float noise)."""
_PAYLOAD = struct.Struct("!BBH")


class TelephoneEventError(Exception):
    """A telephone-event payload that breaks RFC 4733 (the peer's fault, not the harness's)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def event_for_digit(digit: str) -> int:
    """The RFC 4733 event code of a DTMF digit (``0-9 * # A-D``, letters in either case)."""
    index = DTMF_DIGITS.find(digit.upper()) if len(digit) == 1 else -1
    if index < 0:
        raise ValueError(f"not a DTMF digit: {digit!r}")
    return index


def digit_for_event(event: int) -> str | None:
    """The digit of an event code, or None for the events that are not DTMF (flash, 17-255)."""
    return DTMF_DIGITS[event] if 0 <= event < len(DTMF_DIGITS) else None


@dataclass(frozen=True, slots=True)
class TelephoneEvent:
    """One named-event report (RFC 4733 section 2.3).

    ``duration`` is how long the event has lasted so far, in timestamp units from the packet's
    RTP timestamp (2.3.5); ``volume`` is the tone power in dB below 0 dBm0 (2.3.4). The reserved
    R bit is written as zero and ignored when parsing (2.3.3).
    """

    event: int
    end: bool = False
    volume: int = 0
    duration: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.event <= 0xFF:
            raise ValueError(f"event code out of range: {self.event}")
        if not 0 <= self.volume <= 63:
            raise ValueError(f"volume out of range 0-63: {self.volume}")
        if not 0 <= self.duration <= 0xFFFF:
            raise ValueError(f"duration out of range: {self.duration}")

    @classmethod
    def parse(cls, data: bytes) -> TelephoneEvent:
        """Decode one payload; raises `TelephoneEventError` when it is not 4 octets.

        Several events in one packet travel in RFC 2198 redundancy, under another payload type,
        so a telephone-event payload is exactly one report.
        """
        if len(data) != _PAYLOAD.size:
            raise TelephoneEventError(f"a telephone-event payload is 4 octets, got {len(data)}")
        event, flags, duration = _PAYLOAD.unpack(data)
        return cls(event, bool(flags & 0x80), flags & 0x3F, duration)

    def __bytes__(self) -> bytes:
        return _PAYLOAD.pack(self.event, (0x80 if self.end else 0) | self.volume, self.duration)

    @property
    def digit(self) -> str | None:
        """The DTMF digit this event stands for, or None."""
        return digit_for_event(self.event)


@dataclass(frozen=True, slots=True)
class DigitReceived:
    """One key press, reported once it is over: ``at`` is its onset, as received."""

    digit: str
    duration_ms: float
    at: float


@dataclass
class Press:
    """One queued key press on the ptime grid."""

    digit: str
    start: float
    duration: int
    """Tone length in timestamp units (samples)."""
    tone_slots: int
    """Frames the tone covers, the last one possibly in part."""
    slots: int
    """Frames the press holds from ``start`` on (the tone, plus for RFC 4733 its end repeats)."""
    packets: int
    """Packets the press sends (none for an in-band press, which rides on audio frames)."""
    sent: int = 0
    timestamp: int | None = None

    def end(self, ptime: float) -> float:
        return self.start + self.slots * ptime


class Keying:
    """Presses queued back to back on the ptime grid, each followed by its pause."""

    def __init__(self, ptime: float, clock_rate: int, pause_ms: float) -> None:
        frame = ptime * clock_rate
        if ptime <= 0 or abs(frame - round(frame)) > 1e-6:
            raise ValueError(f"ptime {ptime} s is not a whole number of samples")
        if pause_ms < 0:
            raise ValueError("the pause between digits must not be negative")
        self.ptime = ptime
        self.clock_rate = clock_rate
        self.frame_units = round(frame)
        self.pause_units = round(pause_ms * clock_rate / 1000)
        self.presses: deque[Press] = deque()
        self._free_at: float | None = None

    def add(self, digit: str, now: float, duration_ms: float, end_repeats: int = 0) -> Press:
        """Queue a press; ``end_repeats`` > 0 makes it a telephone event (see `DtmfSender`)."""
        event_for_digit(digit)
        units = round(duration_ms * self.clock_rate / 1000)
        if units <= 0:
            raise ValueError("a key press lasts at least one sample")
        start = now if self._free_at is None else max(now, self._free_at)
        tone_slots = -(-units // self.frame_units)
        # A telephone event leaves its first frame empty, then sends one packet per frame of
        # tone and the end repeats; an in-band press only replaces the frames of its tone.
        packets = tone_slots + end_repeats - 1 if end_repeats else 0
        slots = tone_slots + end_repeats
        press = Press(digit.upper(), start, units, tone_slots, slots, packets)
        # Starts stay on the grid: a whole number of frames from the first start.
        spacing = max(press.slots, -(-(units + self.pause_units) // self.frame_units))
        self._free_at = start + spacing * self.ptime
        self.presses.append(press)
        return press

    def free_at(self) -> float | None:
        """The earliest start of a further press, or None when none was queued yet."""
        return self._free_at

    def covering(self, t: float) -> Press | None:
        """The press holding the frame due at ``t``, if any."""
        for press in self.presses:
            if press.start - TOLERANCE <= t < press.end(self.ptime) - TOLERANCE:
                return press
        return None

    def drop_done(self, t: float) -> None:
        """Forget the presses whose frames are all before ``t`` and whose packets are all sent."""
        while (
            self.presses
            and self.presses[0].end(self.ptime) <= t + TOLERANCE
            and self.presses[0].sent >= self.presses[0].packets
        ):
            self.presses.popleft()

    def cancel(self) -> None:
        self.presses.clear()
        self._free_at = None
