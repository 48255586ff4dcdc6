"""What the parties the harness plays see, as journal events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from harness.media.quality import QualityReport
from harness.runtime.journal import Event


@dataclass(frozen=True, kw_only=True)
class SipTraced(Event):
    """One SIP message sent or received by a party (the SIP ladder is drawn from these)."""

    direction: str  # "sent" | "received"
    local: str  # host:port of the party
    peer: str  # host:port of the other side
    first_line: str
    sip_call_id: str
    raw: bytes = field(repr=False, compare=False)
    transport: str = "UDP"


@dataclass(frozen=True, kw_only=True)
class Registered(Event):
    registrar: str
    expires: int


@dataclass(frozen=True, kw_only=True)
class PhoneRinging(Event):
    """An incoming call reached this party's phone (it answered 180 Ringing)."""

    sip_call_id: str
    from_uri: str


@dataclass(frozen=True, kw_only=True)
class AnswerSent(Event):
    """The agent picked up: the phone sent 200 OK, or the agent clicked Accept in her app."""

    sip_call_id: str
    #: When the answer happened on the journal's clock, for a phone that learns it only later
    #: (the agent app: this record comes after the click's round trip, and the audio the click
    #: brings may be recorded before it). None: the answer is this record itself.
    answered_at: float | None = None


@dataclass(frozen=True, kw_only=True)
class CallProgress(Event):
    """A provisional response reached the caller (180, 183...)."""

    sip_call_id: str
    status: int


@dataclass(frozen=True, kw_only=True)
class CallConnected(Event):
    """The dialog is confirmed: the caller got 200 OK, or the callee got the ACK."""

    sip_call_id: str


@dataclass(frozen=True, kw_only=True)
class CallFailed(Event):
    """The call did not connect: a final non-2xx response, a timeout or a cancel."""

    sip_call_id: str
    status: int
    reason: str
    warning: str = ""  # the response's Warning header (RFC 3261 section 20.43), if any


@dataclass(frozen=True, kw_only=True)
class CallEnded(Event):
    sip_call_id: str
    by: str  # "local" | "remote"


@dataclass(frozen=True, kw_only=True)
class HoldChanged(Event):
    """``party`` put the call on hold (``held``) or took it off, and the peer accepted."""

    sip_call_id: str
    held: bool


@dataclass(frozen=True, kw_only=True)
class AudioHeard(Event):
    """``party`` hears ``heard`` (its signature was detected); latency from the answer, in ms."""

    sip_call_id: str
    heard: str
    latency_ms: float | None


@dataclass(frozen=True, kw_only=True)
class AudioLost(Event):
    sip_call_id: str
    heard: str


@dataclass(frozen=True, kw_only=True)
class DtmfHeard(Event):
    """``party`` received a DTMF key press (RFC 4733 telephone events, or in-band tones)."""

    sip_call_id: str
    digit: str
    duration_ms: float
    mode: str


@dataclass(frozen=True, kw_only=True)
class MediaQuality(Event):
    """What ``party`` received on one call: packets, loss, jitter, latency and a MOS estimate."""

    sip_call_id: str
    report: QualityReport = field(compare=False)


@dataclass(frozen=True, kw_only=True)
class AudioReceived(Event):
    """What ``party`` heard on one call, once its media stopped, for the evidence of a failing
    scenario. ``audio()`` gives the decoded received audio (mono 16-bit at ``sample_rate``, lost
    frames as silence, the last minute at most); it is read only when evidence is written, so a
    passing scenario copies no audio (the stream's repeated frames share one buffer)."""

    sip_call_id: str
    seconds: float
    sample_rate: int
    audio: Callable[[], npt.NDArray[np.int16]] = field(repr=False, compare=False)
