"""Media for the harness's parties: RTP, G.711, signature tones and their detection.

Everything here is sans-IO (bytes and ``now`` in, bytes and events out) except
`harness.media.transport`, the one module that runs on asyncio and owns sockets.

- `rtp`: RTP packets, RTCP demultiplexing, RFC 3550 receiver statistics
- `g711`: mu-law and A-law, bit-exact, vectorised
- `tones`: signature tones, Goertzel power, `SignatureDetector`
- `hearing`: debouncing detections into heard/lost transitions
- `dtmf`: RFC 4733 telephone events and in-band DTMF, sending and receiving
- `quality`: loss, jitter, latency and an E-model MOS per call direction
- `stream`: `MediaStream`, one party's RTP session; `events`: what it reports
- `relay`: the packet logic of a B2BUA's two-leg media relay
- `latch`: symmetric RTP latching, registry of open sockets
- `wav`: evidence WAV files
- `transport`: `MediaClock`, `RtpEndpoint`, `RtpRelay`, `open_endpoints`
"""

from harness.media.dtmf import (
    DigitReceived,
    DtmfReceiver,
    DtmfSender,
    InbandDtmfDetector,
    TelephoneEvent,
    TelephoneEventError,
    dtmf_tone,
)
from harness.media.events import (
    DtmfReceived,
    FirstPacket,
    MalformedPacket,
    MediaEvent,
    SignatureHeard,
    SignatureLost,
)
from harness.media.g711 import PCMA, PCMU
from harness.media.quality import QualityReport, quality_from
from harness.media.rtp import ReceiverStatistics, RtpPacket, RtpParseError, is_rtcp
from harness.media.stream import MediaStream
from harness.media.tones import SIGNATURES, Signature, SignatureDetector, signature_for

__all__ = [
    "PCMA",
    "PCMU",
    "SIGNATURES",
    "DigitReceived",
    "DtmfReceived",
    "DtmfReceiver",
    "DtmfSender",
    "FirstPacket",
    "InbandDtmfDetector",
    "MalformedPacket",
    "MediaEvent",
    "MediaStream",
    "QualityReport",
    "ReceiverStatistics",
    "RtpPacket",
    "RtpParseError",
    "Signature",
    "SignatureDetector",
    "SignatureHeard",
    "SignatureLost",
    "TelephoneEvent",
    "TelephoneEventError",
    "dtmf_tone",
    "is_rtcp",
    "quality_from",
    "signature_for",
]
