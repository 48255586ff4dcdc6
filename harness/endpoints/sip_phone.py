"""A SIP phone agent: registers with the SUT, rings, answers on command, sends its signature."""

from __future__ import annotations

import asyncio

from harness.endpoints import events as party_events
from harness.endpoints.hold import change_hold
from harness.endpoints.media_leg import MediaLeg
from harness.endpoints.stage import Stage
from harness.endpoints.tracing import tracer
from harness.media.events import DtmfMode
from harness.sip import events as sip_events
from harness.sip import sdp
from harness.sip.auth import Credentials
from harness.sip.transport import IncomingCall, SipEndpoint
from harness.sut.model import SipCredentials

REGISTER_TIMEOUT = 5.0
HANGUP_TIMEOUT = 5.0


class RegistrationFailed(ConnectionError):
    """The SUT's registrar refused or ignored the phone's REGISTER."""


class SipPhone:
    """An agent's desk phone. Incoming calls ring (180) at once; ``answer`` picks one up.

    With ``auto_answer`` the phone answers every call as soon as it rings. An INVITE without
    SDP (late offer) is answered with an offer, and media starts from the answer in the ACK.
    """

    def __init__(self, name: str, stage: Stage, sip: SipEndpoint, auto_answer: bool) -> None:
        self.name = name
        self.stage = stage
        self.sip = sip
        self.auto_answer = auto_answer
        self.calls: dict[str, tuple[IncomingCall, asyncio.Task[MediaLeg]]] = {}
        self._leftovers: list[str] = []
        self._tasks: set[asyncio.Future[str]] = set()
        self._late_offers: dict[str, float] = {}  # answered INVITEs without SDP -> answer time
        self._registration: tuple[SipCredentials, tuple[str, int]] | None = None

    @classmethod
    async def open(
        cls,
        name: str,
        stage: Stage,
        credentials: SipCredentials,
        registrar: tuple[str, int],
        *,
        auto_answer: bool = False,
    ) -> SipPhone:
        sip = await SipEndpoint.open("127.0.0.1", 0, on_trace=tracer(stage.journal, name))
        phone = cls(name, stage, sip, auto_answer)
        sip.on_invite = phone._on_invite
        sip.on_call_event = phone._on_call_event
        stage.enter(phone)
        try:
            await phone.register(credentials, registrar)
        except (RegistrationFailed, TimeoutError):
            await phone.close()
            raise
        return phone

    @classmethod
    async def open_unregistered(
        cls, name: str, stage: Stage, *, auto_answer: bool = False
    ) -> SipPhone:
        """A phone outside the contact center, reached at its own address (as a carrier would
        deliver a call to it): it registers nowhere."""
        sip = await SipEndpoint.open("127.0.0.1", 0, on_trace=tracer(stage.journal, name))
        phone = cls(name, stage, sip, auto_answer)
        sip.on_invite = phone._on_invite
        sip.on_call_event = phone._on_call_event
        stage.enter(phone)
        return phone

    @property
    def address(self) -> tuple[str, int]:
        """Where the phone's SIP socket listens."""
        host, port = self.sip.local_address
        return str(host), int(port)

    async def register(self, credentials: SipCredentials, registrar: tuple[str, int]) -> None:
        """REGISTER with the SUT (digest auth); remembered for :meth:`refresh_registration`."""
        self._registration = (credentials, registrar)
        host, port = registrar
        aor = f"sip:{credentials.username}@{host}:{port}"
        response = await self.sip.register(
            f"sip:{host}:{port}",
            aor,
            credentials=Credentials(credentials.username, credentials.password),
            expires=3600,
            timeout=REGISTER_TIMEOUT,
        )
        if response.status != 200:
            raise RegistrationFailed(
                f"{self.name}: REGISTER to {host}:{port} got {response.status} {response.reason}"
            )
        self.stage.journal.record(
            party_events.Registered(party=self.name, registrar=f"{host}:{port}", expires=3600)
        )

    async def refresh_registration(self) -> None:
        """REGISTER again with the same credentials, as a phone does before its binding ends.

        A registrar that restarted and forgot its bindings reaches the phone again from then
        on (RFC 3261 section 10.2.4).
        """
        if self._registration is None:
            raise LookupError(f"the phone of {self.name} never registered")
        await self.register(*self._registration)

    def _on_invite(self, call: IncomingCall) -> None:
        call.ring()
        media = asyncio.ensure_future(MediaLeg.open(self.stage, self.name, call.call_id))
        self.calls[call.call_id] = (call, media)
        self.stage.journal.record(
            party_events.PhoneRinging(
                party=self.name, sip_call_id=call.call_id, from_uri=str(call.request.from_.uri)
            )
        )
        if self.auto_answer:
            task = asyncio.ensure_future(self.answer(call.call_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def ringing(self) -> list[str]:
        return [
            cid
            for cid, (call, _) in self.calls.items()
            if call.state.value in ("incoming", "ringing")
        ]

    async def answer(self, sip_call_id: str | None = None, *, direction: str | None = None) -> str:
        """Pick up ``sip_call_id`` (default: the oldest ringing call); returns its SIP Call-ID.

        ``direction`` narrows the answer's SDP direction (e.g. ``recvonly``: the agent is not
        to be heard); the phone's RTP leg still sends and listens, so what each side hears is
        what the SUT forwards.
        """
        if sip_call_id is None:
            ringing = self.ringing()
            if not ringing:
                raise LookupError(f"the phone of {self.name} is not ringing")
            sip_call_id = ringing[0]
        call, media = self.calls[sip_call_id]
        leg = await media
        now = asyncio.get_running_loop().time()
        if not call.remote_sdp:  # late offer: we offer in the 200, the answer comes in the ACK
            self._late_offers[sip_call_id] = now
            call.answer(bytes(sdp.make_offer(leg.host, leg.port)))
        else:
            offer = sdp.SessionDescription.parse(call.remote_sdp)
            answer = sdp.make_answer(offer, leg.host, leg.port, direction=direction)
            call.answer(bytes(answer))
            leg.start(bytes(offer), now)
        self.stage.journal.record(party_events.AnswerSent(party=self.name, sip_call_id=sip_call_id))
        return sip_call_id

    async def reject(self, sip_call_id: str, status: int = 603, reason: str = "Decline") -> None:
        """Refuse a ringing call (603 Decline by default, as a person who presses "decline")."""
        call, _ = self.calls[sip_call_id]
        call.reject(status, reason)

    def _on_call_event(self, call: object, event: sip_events.UaEvent) -> None:
        if not isinstance(call, IncomingCall) or call.call_id not in self.calls:
            return
        journal = self.stage.journal
        if isinstance(event, sip_events.CallConfirmed):
            answered_at = self._late_offers.pop(call.call_id, None)
            if answered_at is not None and call.remote_sdp:  # the answer to our late offer
                self.calls[call.call_id][1].result().start(call.remote_sdp, answered_at)
            journal.record(party_events.CallConnected(party=self.name, sip_call_id=call.call_id))
        elif isinstance(event, sip_events.CallEnded):
            media = self.calls[call.call_id][1]
            media.add_done_callback(
                lambda task: task.result().close() if not task.cancelled() else None
            )
            journal.record(
                party_events.CallEnded(party=self.name, sip_call_id=call.call_id, by=str(event.by))
            )

    async def hangup(self, sip_call_id: str) -> None:
        call, media = self.calls[sip_call_id]
        await call.hangup(HANGUP_TIMEOUT)
        (await media).close()

    async def drop_media(self, sip_call_id: str) -> None:
        """Stop the call's media without a word to the other side (no BYE), as a page
        reloaded in the middle of a call does; the dialog stays, so a later BYE is answered."""
        (await self.calls[sip_call_id][1]).close()

    async def send_dtmf(self, sip_call_id: str, digits: str, mode: DtmfMode = "rfc4733") -> None:
        """Key ``digits`` on an answered call (RFC 4733 by default, or in-band tones)."""
        (await self.calls[sip_call_id][1]).send_dtmf(digits, mode=mode)

    async def hold(self, sip_call_id: str, *, held: bool = True) -> None:
        """Put a call on hold (re-INVITE, sendonly) or, with ``held=False``, take it off."""
        await change_hold(self.stage.journal, self.name, self.calls[sip_call_id][0], held=held)

    def leaks(self) -> list[str]:
        return list(self._leftovers)

    async def close(self) -> None:
        for call, media in self.calls.values():
            if call.session.live:
                try:
                    await call.hangup(HANGUP_TIMEOUT)
                except TimeoutError as exc:
                    self._leftovers.append(f"call {call.call_id} did not end: {exc}")
            (await media).close()
        await self.sip.close()
