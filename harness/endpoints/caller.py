"""The synthetic caller: a SIP UAC with real RTP audio, playing a customer who dials in."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence

from harness.endpoints import events as party_events
from harness.endpoints.hold import change_hold
from harness.endpoints.media_leg import MediaLeg
from harness.endpoints.prompt_ear import audio_mark, audio_since, hear_prompt
from harness.endpoints.stage import Stage
from harness.endpoints.tracing import tracer
from harness.media.events import DtmfMode
from harness.media.prompts import PromptVerdict, Samples
from harness.sip import events as sip_events
from harness.sip import sdp
from harness.sip.grammar import SipParseError
from harness.sip.transport import OutgoingCall, SipEndpoint

HANGUP_TIMEOUT = 5.0


class SyntheticCaller:
    """Places calls from ``number``; each call carries the caller's signature both ways."""

    def __init__(self, name: str, stage: Stage, number: str, sip: SipEndpoint) -> None:
        self.name = name
        self.stage = stage
        self.number = number
        self.sip = sip
        self.calls: dict[str, tuple[OutgoingCall, MediaLeg]] = {}
        self._leftovers: list[str] = []

    @classmethod
    async def open(
        cls,
        name: str,
        stage: Stage,
        number: str,
        *,
        transport: str = "udp",
        outbound_proxy: tuple[str, int] | None = None,
    ) -> SyntheticCaller:
        """A caller whose SIP goes over ``transport`` ("udp" or "tcp"), through a proxy if given.

        With ``outbound_proxy`` every request is sent to that proxy (RFC 3261 section 8.1.2).
        """
        sip = await SipEndpoint.open(
            "127.0.0.1",
            0,
            on_trace=tracer(stage.journal, name),
            transport=transport,
            outbound_proxy=outbound_proxy,
        )
        caller = cls(name, stage, number, sip)
        sip.on_call_event = caller._on_call_event
        stage.enter(caller)
        return caller

    async def dial(
        self,
        uri: str,
        *,
        shape: Callable[[bytes], bytes] | None = None,
        acknowledge: bool = True,
        late_offer: bool = False,
        direction: str = "sendrecv",
        hide_number: bool = False,
        headers: Sequence[tuple[str, str]] = (),
    ) -> str:
        """Send the INVITE (with an SDP offer for our RTP port); returns the SIP Call-ID at once.

        ``shape`` rewrites the offer before it leaves (to offer what a test wants the SUT to
        see: another address, transport, several streams...). With ``acknowledge=False`` the
        answer is never acknowledged: the SUT sees a customer whose ACK is lost. With
        ``late_offer`` the INVITE carries no SDP: the SUT offers in its 200 and our answer
        goes in the ACK (RFC 3261 section 13.2.1). ``direction`` is the offer's SDP direction
        (``sendonly``, ``recvonly``, ``inactive``); whatever it says, our RTP leg keeps sending
        and listening, so that what each side hears shows what the SUT forwards. ``headers``
        are extra headers of the INVITE (the reserved data of CC-RSV-2, say).
        """
        if direction not in sdp.DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(sdp.DIRECTIONS)}: {direction!r}")
        leg = await MediaLeg.open(self.stage, self.name)
        host, port = self.sip.local_address
        offer = bytes(sdp.make_offer(leg.host, leg.port, direction=direction))
        if shape is not None:
            offer = shape(offer)
        from_uri = (
            "sip:anonymous@anonymous.invalid" if hide_number else f"sip:{self.number}@{host}:{port}"
        )
        call = self.sip.invite(uri, from_uri, None if late_offer else offer, headers=headers)
        call.session.withhold_ack = not acknowledge
        if late_offer:
            call.session.answer_offer = lambda their_offer: answer_to(their_offer, leg)
        leg.sip_call_id = call.call_id
        self.calls[call.call_id] = (call, leg)
        return call.call_id

    def _on_call_event(self, call: object, event: sip_events.UaEvent) -> None:
        if not isinstance(call, OutgoingCall) or call.call_id not in self.calls:
            return
        journal, leg = self.stage.journal, self.calls[call.call_id][1]
        if isinstance(event, sip_events.CallProgress):
            journal.record(
                party_events.CallProgress(
                    party=self.name, sip_call_id=call.call_id, status=event.response.status
                )
            )
        elif isinstance(event, sip_events.CallAnswered):
            late = not call.session.invite.body
            if event.response.body and (not late or call.local_sdp):
                now = asyncio.get_running_loop().time()
                leg.start(event.response.body, now, our_answer=call.local_sdp if late else None)
            journal.record(party_events.CallConnected(party=self.name, sip_call_id=call.call_id))
        elif isinstance(event, sip_events.CallEnded):
            leg.close()
            outcome = call.outcome
            if isinstance(outcome, sip_events.Rejected):
                journal.record(
                    party_events.CallFailed(
                        party=self.name,
                        sip_call_id=call.call_id,
                        status=outcome.status,
                        reason=outcome.reason,
                        warning=(
                            outcome.response.headers.get("Warning") or ""
                            if outcome.response is not None
                            else ""
                        ),
                    )
                )
            journal.record(
                party_events.CallEnded(party=self.name, sip_call_id=call.call_id, by=str(event.by))
            )

    async def hangup(self, sip_call_id: str) -> None:
        """BYE (or CANCEL before the answer) and wait until the call has ended."""
        call, leg = self.calls[sip_call_id]
        await call.hangup(HANGUP_TIMEOUT)
        leg.close()

    async def answer_sdp(self, sip_call_id: str) -> bytes | None:
        """The SDP answer this call received (None before the answer, or without SDP)."""
        call = self.calls[sip_call_id][0]
        return call.remote_sdp if isinstance(call.outcome, sip_events.Answered) else None

    async def send_dtmf(self, sip_call_id: str, digits: str, mode: DtmfMode = "rfc4733") -> None:
        """Key ``digits`` on a connected call (RFC 4733 by default, or in-band tones)."""
        self.calls[sip_call_id][1].send_dtmf(digits, mode=mode)

    async def hold(self, sip_call_id: str, *, held: bool = True) -> None:
        """Put a call on hold (re-INVITE, sendonly) or, with ``held=False``, take it off."""
        await change_hold(self.stage.journal, self.name, self.calls[sip_call_id][0], held=held)

    def audio_mark(self, sip_call_id: str) -> int:
        """How much audio this call has received so far: listen for a prompt from here on."""
        return audio_mark(self.calls[sip_call_id][1])

    def audio_since(self, sip_call_id: str, mark: int) -> Samples:
        """The audio this call received after ``mark`` (see :meth:`audio_mark`)."""
        return audio_since(self.calls[sip_call_id][1], mark)

    async def hear_prompt(
        self,
        sip_call_id: str,
        expected: str,
        prompts: Mapping[str, Samples],
        *,
        since: int = 0,
        timeout: float = 10.0,
    ) -> PromptVerdict:
        """Listen on the call until the prompt ``expected`` (one of ``prompts``) is heard."""
        leg = self.calls[sip_call_id][1]
        return await hear_prompt(leg, expected, prompts, since=since, timeout=timeout)

    async def wait_heard_samples(self, sip_call_id: str, since: int, samples: int) -> None:
        """Return once ``samples`` of audio arrived after ``since`` (counted as packets come)."""
        leg = self.calls[sip_call_id][1]
        rtp = leg.rtp
        assert rtp is not None
        while rtp.stream.received_samples - since < samples:
            await rtp.wait_received(rtp.datagrams_received + 1)

    async def speak_for(self, sip_call_id: str, seconds: float) -> None:
        """Return once our audio has gone on for ``seconds`` more (counted in packets sent)."""
        rtp = self.calls[sip_call_id][1].rtp
        assert rtp is not None
        await rtp.wait_sent(rtp.packets_sent + round(seconds / rtp.stream.ptime))

    def leaks(self) -> list[str]:
        return list(self._leftovers)

    async def close(self) -> None:
        """End our own live calls, then close the socket; what cannot be ended is a leak."""
        for call, leg in self.calls.values():
            if call.session.live:
                try:
                    await call.hangup(HANGUP_TIMEOUT)
                except TimeoutError as exc:
                    self._leftovers.append(f"call {call.call_id} did not end: {exc}")
            leg.close()
        await self.sip.close()


def answer_to(offer: bytes, leg: MediaLeg) -> bytes | None:
    """Our SDP answer to an offer received in a 2xx (late offer), or None when unusable."""
    try:
        description = sdp.SessionDescription.parse(offer)
        return bytes(sdp.make_answer(description, leg.host, leg.port))
    except (SipParseError, sdp.SdpNegotiationError):
        return None  # no answer in the ACK: the peer learns the offer was not usable
