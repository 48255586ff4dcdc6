"""Calls and requests as the asyncio endpoint hands them to the application.

These objects wrap the sans-IO sessions of :mod:`harness.sip.useragent` with the actions and
waits of :class:`~harness.sip.transport.SipEndpoint`: they never touch a socket themselves
and every wait takes an explicit ``timeout``. Import them from :mod:`harness.sip.transport`
or from here; they are the same classes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from harness.sip import events as ev
from harness.sip.grammar import SipParseError
from harness.sip.message import SipRequest, SipResponse
from harness.sip.modify import ClientReinvite
from harness.sip.sdp import SessionDescription, with_direction
from harness.sip.session import CallState, InviteSession
from harness.sip.uac import ClientInviteSession
from harness.sip.uas import ServerInviteSession
from harness.sip.useragent import ServerRequest

if TYPE_CHECKING:
    from harness.sip.transport import SipEndpoint

__all__ = [
    "CallNotAnswered",
    "EndpointClosed",
    "IncomingCall",
    "IncomingSipRequest",
    "OutgoingCall",
]


class EndpointClosed(ConnectionError):
    """The endpoint was closed while something was waiting on it."""


class CallNotAnswered(Exception):
    """``wait_answered`` saw another outcome; ``outcome`` says which (Rejected, TimedOut...)."""

    def __init__(self, outcome: ev.CallOutcome) -> None:
        super().__init__(f"call not answered: {outcome}")
        self.outcome = outcome


class _Call:
    """What outgoing and incoming calls share: state, history, waits."""

    session: InviteSession

    def __init__(self, endpoint: SipEndpoint) -> None:
        self._ep = endpoint
        self.events: list[ev.UaEvent] = []  # this call's events, in order

    @property
    def call_id(self) -> str:
        """The SIP Call-ID."""
        return self.session.call_id

    @property
    def state(self) -> CallState:
        """The session state (calling, ringing, confirmed, terminated...)."""
        return self.session.state

    @property
    def remote_sdp(self) -> bytes | None:
        """The peer's SDP (offer for an incoming call, answer for an outgoing one)."""
        return self.session.remote_sdp

    async def wait_ended(self, timeout: float) -> ev.CallEnded:
        """Wait until the call is terminated; returns who ended it and why."""
        await self._ep._until(lambda: not self.session.live, timeout, f"end of call {self.call_id}")
        return next(e for e in reversed(self.events) if isinstance(e, ev.CallEnded))

    def end(self) -> None:
        """End the call (BYE, CANCEL or decline as the state requires) without waiting.

        The core retransmits and times out the request by itself; the end shows in ``events``
        and ``on_call_event``. For servers, which must not hold a task per call being ended.
        """
        self._hangup()
        self._ep._pump()

    async def hangup(self, timeout: float) -> None:
        """End the call (BYE, CANCEL or decline as the state requires) and wait for it."""
        self.end()
        await self.wait_ended(timeout)
        if self.session.ended_by == "local" and self.session.dialog is not None:
            await self._ep._until(lambda: self.session.bye_done, timeout, "answer to BYE")

    def _hangup(self) -> None:
        raise NotImplementedError

    # --- session modification (re-INVITE, RFC 3261 section 14) ---------------------------

    @property
    def local_sdp(self) -> bytes | None:
        """Our current SDP (the last one we sent that took effect)."""
        return self.session.local_sdp

    @property
    def local_direction(self) -> str | None:
        """Direction of the audio stream in our SDP (sendrecv, sendonly, recvonly, inactive)."""
        return self.session.local_direction

    @property
    def remote_direction(self) -> str | None:
        """Direction of the audio stream in the peer's SDP."""
        return self.session.remote_direction

    @property
    def held(self) -> bool:
        """True when media no longer flows both ways (either side put the call on hold)."""
        return self.session.held

    async def reinvite(self, sdp: bytes, timeout: float) -> ev.ReinviteOutcome:
        """Offer ``sdp`` in a re-INVITE and wait for its outcome.

        ReinviteAccepted (the new SDP took effect), ReinviteRejected (the call goes on as it
        was, unless the status was 408/481), TimedOut or Failed. A 491 (both sides asked at
        once) is retried after the random wait of section 14.1, so allow ``timeout`` for it.
        """
        handle = self.session.reinvite(sdp, self._ep._now())
        self._ep._pump()
        return await self._wait_reinvite(handle, timeout)

    async def hold(self, timeout: float) -> ev.ReinviteOutcome:
        """Put the call on hold: re-offer our SDP as sendonly (RFC 3264 section 8.4)."""
        return await self.reinvite(self._redirected("sendonly"), timeout)

    async def resume(self, timeout: float) -> ev.ReinviteOutcome:
        """Take the call off hold: re-offer our SDP as sendrecv."""
        return await self.reinvite(self._redirected("sendrecv"), timeout)

    def _redirected(self, direction: str) -> bytes:
        local = self.session.local_sdp
        if local is None:
            raise ValueError("the call has no SDP of ours to re-offer")
        try:
            return bytes(with_direction(SessionDescription.parse(local), direction))
        except SipParseError as exc:
            raise ValueError(f"our own SDP does not parse: {exc.reason}") from None

    async def _wait_reinvite(self, handle: ClientReinvite, timeout: float) -> ev.ReinviteOutcome:
        await self._ep._until(lambda: handle.outcome is not None, timeout, "re-INVITE outcome")
        assert handle.outcome is not None
        return handle.outcome

    def answer_reinvite(self, sdp: bytes) -> SipResponse:
        """Answer the peer's pending re-INVITE with 200 OK and ``sdp``."""
        response = self.session.answer_reinvite(sdp, self._ep._now())
        self._ep._pump()
        return response

    def reject_reinvite(self, status: int = 488, reason: str | None = None) -> SipResponse:
        """Refuse the peer's pending re-INVITE; the call goes on unchanged."""
        response = self.session.reject_reinvite(status, self._ep._now(), reason=reason)
        self._ep._pump()
        return response


class OutgoingCall(_Call):
    """A call we placed (UAC). Obtain with :meth:`SipEndpoint.invite`."""

    def __init__(self, endpoint: SipEndpoint, session: ClientInviteSession) -> None:
        super().__init__(endpoint)
        self.session: ClientInviteSession = session

    @property
    def outcome(self) -> ev.CallOutcome | None:
        """Answered, Rejected, TimedOut, Cancelled or Failed; None while pending."""
        return self.session.outcome

    @property
    def redirects(self) -> list[str]:
        """Request-URIs that redirected this call (301/302), oldest first."""
        return list(self.session.redirects)

    async def wait_outcome(self, timeout: float) -> ev.CallOutcome:
        """Wait for the INVITE's outcome, whatever it is."""
        await self._ep._until(lambda: self.outcome is not None, timeout, "call outcome")
        assert self.outcome is not None
        return self.outcome

    async def wait_answered(self, timeout: float) -> ev.Answered:
        """Wait for the answer; raises CallNotAnswered on any other outcome."""
        outcome = await self.wait_outcome(timeout)
        if not isinstance(outcome, ev.Answered):
            raise CallNotAnswered(outcome)
        return outcome

    async def wait_ringing(self, timeout: float) -> SipResponse:
        """Wait for the first 101-199 response (ringing or session progress)."""

        def ringing() -> bool:
            return any(r.status > 100 for r in self.session.provisional) or not self.session.live

        await self._ep._until(ringing, timeout, "ringing")
        found = [r for r in self.session.provisional if r.status > 100]
        if not found:
            raise CallNotAnswered(self.outcome or ev.Failed("ended before ringing"))
        return found[0]

    async def cancel(self, timeout: float) -> ev.CallOutcome:
        """CANCEL the call if it is not answered yet; returns the final outcome."""
        self.session.cancel(self._ep._now())
        self._ep._pump()
        return await self.wait_outcome(timeout)

    def _hangup(self) -> None:
        self.session.hangup(self._ep._now())


class IncomingCall(_Call):
    """A call we received (UAS): ring, answer or reject it."""

    def __init__(self, endpoint: SipEndpoint, session: ServerInviteSession) -> None:
        super().__init__(endpoint)
        self.session: ServerInviteSession = session

    @property
    def request(self) -> SipRequest:
        """The INVITE as received."""
        return self.session.invite

    def ring(self, status: int = 180, sdp: bytes | None = None) -> None:
        """Send 180 Ringing (or 183 with early-media SDP)."""
        self.session.ring(self._ep._now(), status=status, sdp=sdp)
        self._ep._pump()

    def answer(self, sdp: bytes | None) -> None:
        """Send 200 OK; it is retransmitted until the ACK arrives."""
        self.session.answer(sdp, self._ep._now())
        self._ep._pump()

    def reject(
        self,
        status: int = 486,
        reason: str | None = None,
        *,
        extra: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Refuse the call (486 Busy Here by default); ``extra`` adds headers (Warning...)."""
        self.session.reject(status, self._ep._now(), reason=reason, extra=extra)
        self._ep._pump()

    async def wait_confirmed(self, timeout: float) -> None:
        """Wait for the ACK of our 2xx."""
        await self._ep._until(
            lambda: self.state is CallState.CONFIRMED or not self.session.live, timeout, "ACK"
        )
        if self.state is not CallState.CONFIRMED:
            raise CallNotAnswered(ev.Failed(f"call ended: {self.session.end_reason}"))

    def _hangup(self) -> None:
        self.session.hangup(self._ep._now())


class IncomingSipRequest:
    """A non-INVITE request for the application; answer with :meth:`respond` once."""

    def __init__(self, endpoint: SipEndpoint, handle: ServerRequest, call: _Call | None) -> None:
        self._ep = endpoint
        self.handle = handle
        self.request = handle.request
        self.call = call  # set for in-dialog requests

    @property
    def responded(self) -> bool:
        """True once a final response was sent."""
        return self.handle.response is not None and self.handle.response.status >= 200

    def respond(
        self,
        status: int,
        reason: str | None = None,
        *,
        body: bytes = b"",
        content_type: str | None = None,
        extra: Iterable[tuple[str, str]] = (),
    ) -> SipResponse:
        """Send a response now."""
        response = self.handle.respond(
            status, self._ep._now(), reason, body=body, content_type=content_type, extra=extra
        )
        self._ep._pump()
        return response
