"""DTMF as RFC 4733 telephone events: key presses to packets and back, sans-IO."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from harness.media.dtmf.common import (
    DEFAULT_DURATION_MS,
    DEFAULT_PAUSE_MS,
    DEFAULT_VOLUME,
    END_REPEATS,
    END_TIMEOUT,
    TELEPHONE_EVENT_PT,
    TOLERANCE,
    DigitReceived,
    Keying,
    TelephoneEvent,
    TelephoneEventError,
    digit_for_event,
    event_for_digit,
)
from harness.media.rtp import RtpPacket, ts_delta

__all__ = ["DtmfReceiver", "DtmfSender"]

_LONG_SEGMENT = 0x8000
"""Reported duration (timestamp units) past which an event may be cut into segments."""


class DtmfSender:
    """Key presses as RFC 4733 telephone events on an audio stream's SSRC, sans-IO.

    A press starting at ``t0`` (on the audio stream's frame grid) holds the frames from ``t0``
    on, and the audio stream sends nothing of its own in them: a gateway sends the events
    "instead of regular audio packets" (section 3.1). The frame at ``t0`` stays empty; from
    ``t0 + ptime`` on, one packet per frame (2.5.1.2) reports the duration reached at the end of
    that frame, so no report is zero (2.3.5) and none claims time that has not passed. Every
    packet carries the RTP timestamp of ``t0`` (2.2.1), the first one the marker bit (2.2.2);
    the last sets the E bit and is sent `END_REPEATS` times in all, one frame apart (2.5.1.4).
    Events longer than 65535 timestamp units (8 s at 8 kHz) would need segments (2.5.1.3) and
    are refused.

    Sequence numbers: events and audio of one SSRC share one sequence space, or the receiver
    would count the events as gaps in the audio (RFC 3550 A.1). `produce` takes the stream's
    next sequence number and returns it advanced past the packets it made. Taking and returning
    the counter keeps it owned by the stream alone, which decides frame by frame whether audio
    or an event goes out, and lets a test drive the sender with plain numbers; a callback would
    let the sender move the stream's counter behind its back.
    """

    def __init__(
        self,
        ssrc: int,
        payload_type: int = TELEPHONE_EVENT_PT,
        *,
        ptime: float = 0.02,
        clock_rate: int = 8000,
        volume: int = DEFAULT_VOLUME,
        pause_ms: float = DEFAULT_PAUSE_MS,
    ) -> None:
        if not 0 <= payload_type <= 0x7F:
            raise ValueError(f"payload type out of range: {payload_type}")
        if not 0 <= volume <= 63:
            raise ValueError(f"volume out of range 0-63: {volume}")
        self.ssrc = ssrc
        self.payload_type = payload_type
        self.volume = volume
        self._keying = Keying(ptime, clock_rate, pause_ms)
        self.packets_sent = 0

    @property
    def ptime(self) -> float:
        return self._keying.ptime

    def press(self, digit: str, now: float, duration_ms: float = DEFAULT_DURATION_MS) -> float:
        """Queue a key press from ``now`` on (or after the previous press and its pause).

        Returns when the press starts. ``now`` should be a frame time of the audio stream.
        """
        if round(duration_ms * self._keying.clock_rate / 1000) > 0xFFFF:
            raise ValueError("events over 65535 timestamp units need segments (RFC 4733 2.5.1.3)")
        return self._keying.add(digit, now, duration_ms, END_REPEATS).start

    def free_at(self) -> float | None:
        """The earliest start of a further press, or None if nothing was ever pressed."""
        return self._keying.free_at()

    def holds(self, t: float) -> bool:
        """Whether the frame due at ``t`` belongs to an event (no audio in it)."""
        return self._keying.covering(t) is not None

    def next_send_time(self) -> float | None:
        """When the next event packet is due, or None."""
        for press in self._keying.presses:
            if press.sent < press.packets:
                return press.start + (press.sent + 1) * self._keying.ptime
        return None

    def cancel(self) -> None:
        """Forget every press, even one half sent (the receiver will time it out)."""
        self._keying.cancel()

    @property
    def idle(self) -> bool:
        """Whether no press is queued: then `produce` sends nothing and `holds` no frame."""
        return not self._keying.presses

    def produce(self, now: float, sequence_number: int, timestamp: int) -> tuple[list[bytes], int]:
        """The packets due by ``now``, and the sequence number to use after them.

        ``timestamp`` is the audio stream's RTP timestamp at ``now``; an event started earlier
        gets the timestamp of its start on the same clock.
        """
        keying = self._keying
        packets: list[bytes] = []
        seq = sequence_number
        for press in keying.presses:
            if press.start > now + TOLERANCE:
                break
            if press.timestamp is None:
                elapsed = round((now - press.start) * keying.clock_rate)
                press.timestamp = (timestamp - elapsed) & 0xFFFFFFFF
            while press.sent < press.packets:
                frame = press.sent + 1
                if press.start + frame * keying.ptime > now + TOLERANCE:
                    break
                report = TelephoneEvent(
                    event=event_for_digit(press.digit),
                    end=frame >= press.tone_slots,
                    volume=self.volume,
                    duration=min(frame * keying.frame_units, press.duration),
                )
                packet = RtpPacket(
                    payload_type=self.payload_type,
                    sequence_number=seq,
                    timestamp=press.timestamp,
                    ssrc=self.ssrc,
                    payload=bytes(report),
                    marker=frame == 1,
                )
                packets.append(bytes(packet))
                seq = (seq + 1) & 0xFFFF
                press.sent += 1
        keying.drop_done(now)
        self.packets_sent += len(packets)
        return packets, seq


@dataclass
class _Event:
    """The telephone event being received."""

    ssrc: int
    timestamp: int
    event: int
    at: float
    last_seen: float
    reported: int = 0
    """Largest duration reported in the current segment (timestamp units)."""
    earlier: int = 0
    """Length of the segments before the current one (RFC 4733 2.5.1.3)."""


class DtmfReceiver:
    """Telephone-event packets in, one `DigitReceived` per key press out, sans-IO.

    An event is known by its SSRC and RTP timestamp (RFC 4733 2.2.1), not by the marker bit, so
    a lost first packet loses nothing but a little duration. It is reported at its first packet
    with the E bit; the repeats of that packet (2.5.1.4) and any late update are recognised by
    their timestamp and dropped. When every end packet is lost, the event is reported when the
    next one begins or `END_TIMEOUT` after its last packet, with the longest duration seen.

    ``at`` is the onset: the arrival of the earliest report minus the duration it says has
    passed (2.3.5). Events that are not DTMF digits and zero-duration reports (reserved for
    state events, 2.3.5) are ignored.
    """

    def __init__(self, clock_rate: int = 8000, *, end_timeout: float = END_TIMEOUT) -> None:
        if clock_rate <= 0 or end_timeout <= 0:
            raise ValueError("clock rate and end timeout must be positive")
        self.clock_rate = clock_rate
        self.end_timeout = end_timeout
        self._current: _Event | None = None
        # Events already reported, so their repeats and stragglers are not new presses.
        self._finished: deque[tuple[int, int]] = deque(maxlen=32)

    def receive(self, packet: RtpPacket, now: float) -> list[DigitReceived]:
        """One telephone-event packet that arrived at ``now``.

        Raises `TelephoneEventError` for a payload that breaks RFC 4733.
        """
        report = TelephoneEvent.parse(packet.payload)
        if report.digit is None or report.duration == 0:
            return []
        key = (packet.ssrc, packet.timestamp)
        if key in self._finished:
            return []
        out: list[DigitReceived] = []
        current = self._current
        if current is not None and (current.ssrc, current.timestamp) != key:
            if self._continues(current, packet, report):
                self._finished.append((current.ssrc, current.timestamp))
                current.earlier += ts_delta(packet.timestamp, current.timestamp)
                current.timestamp = packet.timestamp
                current.reported = 0
            else:
                out.append(self._finish(current))
                current = None
        if current is None:
            current = self._current = _Event(packet.ssrc, packet.timestamp, report.event, now, now)
        elif report.event != current.event:
            raise TelephoneEventError(
                f"event {report.event} reported with the timestamp of event {current.event}"
            )
        current.reported = max(current.reported, report.duration)
        current.at = min(current.at, now - (current.earlier + report.duration) / self.clock_rate)
        current.last_seen = now
        if report.end:
            out.append(self._finish(current))
        return out

    def _continues(self, current: _Event, packet: RtpPacket, report: TelephoneEvent) -> bool:
        """Whether ``packet`` opens the next segment of a long event (RFC 4733 2.5.1.3).

        Segments exist because the duration field runs out at 65535 units, so only an event
        reported past half of that is taken to go on. The next segment starts where the last
        ended, carries the same event and no marker bit; the last may have lasted longer than
        its reports said, but not by more than the end timeout, or it would have been closed.
        """
        if packet.marker or packet.ssrc != current.ssrc or report.event != current.event:
            return False
        if current.reported < _LONG_SEGMENT:
            return False
        gap = ts_delta(packet.timestamp, current.timestamp)
        slack = round(self.end_timeout * self.clock_rate)
        return current.reported <= gap <= min(current.reported + slack, 0xFFFF)

    def _finish(self, event: _Event) -> DigitReceived:
        self._current = None
        self._finished.append((event.ssrc, event.timestamp))
        digit = digit_for_event(event.event)
        assert digit is not None
        units = event.earlier + event.reported
        return DigitReceived(digit, units * 1000 / self.clock_rate, event.at)

    def next_timer(self) -> float | None:
        """When an event whose end was lost will be closed, or None."""
        if self._current is None:
            return None
        return self._current.last_seen + self.end_timeout

    def handle_timer(self, now: float) -> list[DigitReceived]:
        """Close an event whose end packets never came."""
        due = self.next_timer()
        if due is None or now + TOLERANCE < due:
            return []
        assert self._current is not None
        return [self._finish(self._current)]
