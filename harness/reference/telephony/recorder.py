"""Call recording (ZT-TKT-12): both directions of a relayed call mixed into one mono track.

The recorder listens on the RTP relay's ``forwarded_tap``, so it records exactly what each party
was sent (nothing while a hold closes the relay). Each G.711 packet is decoded and added where
its RTP timestamp puts it: a stream starts at its first packet's arrival (counted from the
call's first packet, on the 20 ms grid) and then follows its own timestamps, so network jitter
does not cut a party's audio into pieces. A new SSRC, or a timestamp more than a second away
from the arrival time, starts the stream again at its arrival. The two directions add up, as a
conference mixer does, and are clipped once at the end. A recording stops growing at
``MAX_SECONDS``: a call left open cannot fill the memory. While ``paused`` (a redact, CC-SA-4)
nothing is written: the streams keep their place, so the span stays silent and the audio after
it lands where it belongs.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from harness.media import g711
from harness.media.relay import Leg
from harness.media.rtp import RtpPacket, RtpParseError

SAMPLE_RATE = 8000
MAX_SECONDS = 600
_CHUNK = SAMPLE_RATE * 10  # the buffer grows ten seconds at a time
FRAME = 160  # 20 ms: streams start on this grid


class CallRecorder:
    """Mixes the two directions of one call; :meth:`samples` gives the recording."""

    def __init__(self, max_seconds: int = MAX_SECONDS) -> None:
        self._max = max_seconds * SAMPLE_RATE
        self._mix = np.zeros(_CHUNK, dtype=np.int32)
        self._start: float | None = None
        self._end = 0  # one past the last sample written
        self.packets = {Leg.A: 0, Leg.B: 0}
        # Per direction: (SSRC, first RTP timestamp, sample where that timestamp goes).
        self._streams: dict[Leg, tuple[int, int, int]] = {}
        self.paused = False

    def __call__(self, from_leg: Leg, datagram: bytes, now: float) -> None:
        """The relay's ``forwarded_tap``: one forwarded datagram."""
        try:
            packet = RtpPacket.parse(datagram)
        except RtpParseError:
            return
        if not g711.is_g711(packet.payload_type) or not packet.payload:
            return  # telephone events and other payloads are not audio
        if self._start is None:
            self._start = now
        arrival = round((now - self._start) * SAMPLE_RATE)
        stream = self._streams.get(from_leg)
        at = -1
        if stream is not None and stream[0] == packet.ssrc:
            at = stream[2] + ((packet.timestamp - stream[1]) & 0xFFFFFFFF)
        if at < 0 or abs(at - arrival) > SAMPLE_RATE:
            at = round(arrival / FRAME) * FRAME
            self._streams[from_leg] = (packet.ssrc, packet.timestamp, at)
        if self.paused:
            return  # placed (the stream keeps its timeline) but not written
        audio = g711.decode(packet.payload_type, packet.payload)
        end = min(at + len(audio), self._max)
        if end <= at:
            return
        if end > len(self._mix):
            grown = np.zeros(min(self._max, end + _CHUNK), dtype=np.int32)
            grown[: len(self._mix)] = self._mix
            self._mix = grown
        self._mix[at:end] += audio[: end - at]
        self._end = max(self._end, end)
        self.packets[from_leg] += 1

    @property
    def seconds(self) -> float:
        """How long the recording is."""
        return self._end / SAMPLE_RATE

    def samples(self) -> npt.NDArray[np.int16]:
        """The recording: mono 16-bit at 8 kHz."""
        return np.clip(self._mix[: self._end], -32768, 32767).astype(np.int16)
