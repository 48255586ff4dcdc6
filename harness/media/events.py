"""What a media stream reports about the audio it receives.

Times are in the clock the stream is driven with (seconds). ``at`` is when the change began in
the received audio (its onset), which is earlier than the moment the stream could confirm it:
answer-to-audio latency is measured from ``at``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from harness.media.tones import Signature

DtmfMode = Literal["rfc4733", "inband"]
"""How a DTMF digit travels: as RFC 4733 telephone events, or as tones in the audio."""


class MediaEvent:
    """Base class of the events a `MediaStream` returns."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class FirstPacket(MediaEvent):
    """The first RTP packet of the session arrived."""

    at: float


@dataclass(frozen=True, slots=True)
class SignatureHeard(MediaEvent):
    """A party's signature became audible (detected in consecutive frames)."""

    signature: Signature
    at: float


@dataclass(frozen=True, slots=True)
class SignatureLost(MediaEvent):
    """A signature that was audible is no longer heard."""

    signature: Signature
    at: float


@dataclass(frozen=True, slots=True)
class MalformedPacket(MediaEvent):
    """A datagram that is neither valid RTP nor RTCP arrived (the peer broke RFC 3550)."""

    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class DtmfReceived(MediaEvent):
    """A DTMF key press was received, reported once it ended.

    ``at`` is its onset; ``mode`` says whether it came as telephone events or as tones.
    """

    digit: str
    duration_ms: float
    at: float
    mode: DtmfMode
