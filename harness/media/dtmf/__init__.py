"""DTMF as RFC 4733 telephone events and as in-band tones (ITU-T Q.23, Q.24), sans-IO.

- `TelephoneEvent`: the 4-octet payload of RFC 4733 section 2.3, ``parse()`` and ``bytes()``.
- `DtmfSender`: key presses as telephone-event packets on the SSRC, sequence numbers and clock
  of the audio stream they interrupt.
- `DtmfReceiver`: telephone-event packets back into one `DigitReceived` per key press, whatever
  was lost and however often the end was repeated.
- `dtmf_tone` and `InbandDtmfSender`: the tone pair of a digit, laid on outgoing audio frames.
- `InbandDtmfDetector`: 20 ms frames of decoded audio into `DigitReceived`.

Times are seconds on the caller's clock; durations on the wire are RTP timestamp units.
"""

from harness.media.dtmf.common import (
    DEFAULT_DURATION_MS,
    DEFAULT_PAUSE_MS,
    DEFAULT_VOLUME,
    DTMF_DIGITS,
    END_REPEATS,
    END_TIMEOUT,
    HIGH_GROUP_HZ,
    LOW_GROUP_HZ,
    TELEPHONE_EVENT_PT,
    DigitReceived,
    TelephoneEvent,
    TelephoneEventError,
    digit_for_event,
    event_for_digit,
)
from harness.media.dtmf.inband import (
    InbandDtmfDetector,
    InbandDtmfSender,
    Tones,
    dtmf_frequencies,
    dtmf_tone,
)
from harness.media.dtmf.rfc4733 import DtmfReceiver, DtmfSender

__all__ = [
    "DEFAULT_DURATION_MS",
    "DEFAULT_PAUSE_MS",
    "DEFAULT_VOLUME",
    "DTMF_DIGITS",
    "END_REPEATS",
    "END_TIMEOUT",
    "HIGH_GROUP_HZ",
    "LOW_GROUP_HZ",
    "TELEPHONE_EVENT_PT",
    "DigitReceived",
    "DtmfReceiver",
    "DtmfSender",
    "InbandDtmfDetector",
    "InbandDtmfSender",
    "TelephoneEvent",
    "TelephoneEventError",
    "Tones",
    "digit_for_event",
    "dtmf_frequencies",
    "dtmf_tone",
    "event_for_digit",
]
