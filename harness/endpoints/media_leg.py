"""One party's audio on one call: its signature out, every signature it hears reported in."""

from __future__ import annotations

from harness.endpoints.events import (
    AudioHeard,
    AudioLost,
    AudioReceived,
    DtmfHeard,
    MediaQuality,
)
from harness.endpoints.stage import Stage
from harness.media.events import DtmfMode, DtmfReceived, MediaEvent, SignatureHeard, SignatureLost
from harness.media.quality import quality_from
from harness.media.stream import MediaStream
from harness.media.transport import RtpEndpoint
from harness.sip import sdp


class MediaLeg:
    """An RTP endpoint sending ``party``'s signature and listening for everyone's."""

    def __init__(self, stage: Stage, party: str, sip_call_id: str) -> None:
        self.stage = stage
        self.party = party
        self.sip_call_id = sip_call_id
        self.answered_at: float | None = None
        self.first_latency_ms: float | None = None
        self.rtp: RtpEndpoint | None = None

    @classmethod
    async def open(cls, stage: Stage, party: str, sip_call_id: str = "") -> MediaLeg:
        leg = cls(stage, party, sip_call_id)
        stream = MediaStream(signature=stage.signature(party), listen_for=stage.all_signatures)
        leg.rtp = await RtpEndpoint.open(stream, stage.clock, on_event=leg._on_media)
        return leg

    @property
    def port(self) -> int:
        assert self.rtp is not None
        return self.rtp.local_address[1]

    @property
    def host(self) -> str:
        assert self.rtp is not None
        return self.rtp.local_address[0]

    def start(
        self, remote_sdp: bytes, answered_at: float, *, our_answer: bytes | None = None
    ) -> None:
        """Send to where the peer's SDP says, from the answer on (latency is measured from it).

        With a late offer ``remote_sdp`` is the peer's offer and ``our_answer`` the answer we
        sent in the ACK: the address comes from the first, the codec from the second.
        """
        assert self.rtp is not None
        description = sdp.SessionDescription.parse(remote_sdp)
        host, port = sdp.remote_rtp_address(description)
        chosen = sdp.SessionDescription.parse(our_answer) if our_answer else description
        codec = sdp.negotiated(chosen)
        self.rtp.stream.payload_type = codec.payload_type
        telephone_event = sdp.dtmf_payload_type(chosen)
        if telephone_event is not None:
            self.rtp.stream.telephone_event_pt = telephone_event
        self.answered_at = answered_at
        self.rtp.set_remote(host, port)
        self.rtp.start_sending()

    def _on_media(self, event: MediaEvent) -> None:
        journal = self.stage.journal
        if isinstance(event, SignatureHeard):
            heard = self.stage.whose(event.signature)
            latency = None if self.answered_at is None else (event.at - self.answered_at) * 1000
            if self.first_latency_ms is None:
                self.first_latency_ms = latency
            journal.record(
                AudioHeard(
                    party=self.party, sip_call_id=self.sip_call_id, heard=heard, latency_ms=latency
                )
            )
        elif isinstance(event, DtmfReceived):
            journal.record(
                DtmfHeard(
                    party=self.party,
                    sip_call_id=self.sip_call_id,
                    digit=event.digit,
                    duration_ms=event.duration_ms,
                    mode=event.mode,
                )
            )
        elif isinstance(event, SignatureLost):
            heard = self.stage.whose(event.signature)
            journal.record(AudioLost(party=self.party, sip_call_id=self.sip_call_id, heard=heard))

    def send_dtmf(self, digits: str, duration_ms: float = 100, mode: DtmfMode = "rfc4733") -> None:
        """Key ``digits`` on this call (queued one after another, as a person would)."""
        assert self.rtp is not None and self.answered_at is not None, "the call is not connected"
        now = self.stage.clock.now()
        for digit in digits:
            self.rtp.stream.send_dtmf(digit, now, duration_ms, mode)

    def close(self) -> None:
        """Stop the media; the first close records what this party received on the call."""
        if self.rtp is None or self.rtp.closed:
            return
        rtp = self.rtp
        rtp.close()
        stream = rtp.stream
        self.stage.journal.record(
            AudioReceived(
                party=self.party,
                sip_call_id=self.sip_call_id,
                seconds=round(stream.received_samples / stream.clock_rate, 3),
                sample_rate=stream.clock_rate,
                audio=stream.received_audio,
            )
        )
        if rtp.packets_sent or rtp.stream.stats.received:
            report = quality_from(
                rtp.stream.stats,
                self.first_latency_ms,
                packets_sent=rtp.packets_sent,
                call_id=self.sip_call_id,
                direction=f"received by {self.party}",
            )
            self.stage.journal.record(
                MediaQuality(party=self.party, sip_call_id=self.sip_call_id, report=report)
            )
