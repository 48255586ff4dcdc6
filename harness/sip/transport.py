"""The one asyncio module of the SIP stack: a UDP socket on loopback driving the sans-IO core.

Shape of the API::

    ep = await SipEndpoint.open(host="127.0.0.1", port=0, on_trace=cb)
    call = ep.invite("sip:bob@127.0.0.1:5070", "sip:alice@127.0.0.1", sdp)   # OutgoingCall
    answered = await call.wait_answered(timeout=5)   # Answered, or CallNotAnswered(outcome)
    await call.hangup(timeout=5)                     # BYE and its 200

    ep.on_invite = lambda incoming: incoming.answer(sdp)   # or: await ep.next_incoming(5)
    ep.on_request = lambda req: req.respond(200)           # OPTIONS, REGISTER, MESSAGE...
    response = await ep.register(registrar, aor, credentials=creds, timeout=5)
    ep.open_dialogs()                                      # live calls: a leak after a scenario
    await ep.close()                                       # no task, handle or socket left

Design: the :class:`~harness.sip.useragent.UserAgent` core does all protocol work. This
module feeds it datagrams with ``loop.time()``, sends what it produces, keeps exactly one
``loop.call_at`` handle for its next timer, and wakes waiters after every change. Callbacks
are plain functions called on the loop; every awaitable takes an explicit ``timeout`` (a
scenario must never hang, hence the ASYNC109 exemptions) and raises :class:`TimeoutError`
naming what did not happen. Sending is refused to any address that is
not loopback: a SUT advertising another address must never make the harness send there.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

from harness.sip import events as ev
from harness.sip.auth import Credentials
from harness.sip.message import SipRequest, SipResponse, SipUri
from harness.sip.session import CallState, InviteSession
from harness.sip.transaction import Address, TimerConfig
from harness.sip.uac import ClientInviteSession
from harness.sip.uas import ServerInviteSession
from harness.sip.uri import NameAddr
from harness.sip.useragent import DEFAULT_ALLOW, ServerRequest, SipTrace, UserAgent

__all__ = [
    "RECEIVE_BUFFER",
    "CallNotAnswered",
    "EndpointClosed",
    "IncomingCall",
    "IncomingSipRequest",
    "OutgoingCall",
    "SipEndpoint",
    "SipPortInUse",
]


RECEIVE_BUFFER = 4 * 1024 * 1024


class SipPortInUse(OSError):
    """The requested local SIP address is already bound by something else."""


class EndpointClosed(ConnectionError):
    """The endpoint was closed while something was waiting on it."""


class CallNotAnswered(Exception):
    """``wait_answered`` saw another outcome; ``outcome`` says which (Rejected, TimedOut...)."""

    def __init__(self, outcome: ev.CallOutcome) -> None:
        super().__init__(f"call not answered: {outcome}")
        self.outcome = outcome


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _refuse_non_loopback(peer: Address) -> str | None:
    """The harness only ever sends to loopback, whatever address a peer advertises."""
    return None if _loopback(peer[0]) else f"{peer[0]} is not a loopback address"


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

    async def hangup(self, timeout: float) -> None:
        """End the call (BYE, CANCEL or decline as the state requires) and wait for it."""
        self._hangup()
        self._ep._pump()
        await self.wait_ended(timeout)
        if self.session.ended_by == "local" and self.session.dialog is not None:
            await self._ep._until(lambda: self.session.bye_done, timeout, "answer to BYE")

    def _hangup(self) -> None:
        raise NotImplementedError


class OutgoingCall(_Call):
    """A call we placed (UAC). Obtain with :meth:`SipEndpoint.invite`."""

    def __init__(self, endpoint: SipEndpoint, session: ClientInviteSession) -> None:
        super().__init__(endpoint)
        self.session: ClientInviteSession = session

    @property
    def outcome(self) -> ev.CallOutcome | None:
        """Answered, Rejected, TimedOut, Cancelled or Failed; None while pending."""
        return self.session.outcome

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

    def reject(self, status: int = 486, reason: str | None = None) -> None:
        """Refuse the call (486 Busy Here by default)."""
        self.session.reject(status, self._ep._now(), reason=reason)
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


class SipEndpoint:
    """One UDP socket on loopback with a SIP user agent core behind it."""

    def __init__(self, ua: UserAgent, loop: asyncio.AbstractEventLoop) -> None:
        self.ua = ua
        self._loop = loop
        self._transport: asyncio.DatagramTransport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._tick = asyncio.Event()
        self._closed = False
        self._lost: asyncio.Future[None] = loop.create_future()
        self._pumping = False
        self._calls: dict[InviteSession, OutgoingCall | IncomingCall] = {}
        self._incoming: asyncio.Queue[IncomingCall] = asyncio.Queue()
        self.on_invite: Callable[[IncomingCall], None] | None = None
        self.on_request: Callable[[IncomingSipRequest], None] | None = None
        self.on_call_event: Callable[[OutgoingCall | IncomingCall, ev.UaEvent], None] | None = None
        """Called on the loop for every progress/answer/confirm/end event of a call."""

    @classmethod
    async def open(
        cls,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        user_agent: str = "callproof",
        on_trace: Callable[[SipTrace], None] | None = None,
        timers: TimerConfig | None = None,
        allow: Iterable[str] = DEFAULT_ALLOW,
        outbound_proxy: Address | None = None,
    ) -> SipEndpoint:
        """Bind a UDP socket on ``host:port`` (0 = ephemeral); only loopback is allowed."""
        if not _loopback(host):
            raise ValueError(f"SIP endpoints bind to loopback only, not {host!r}")
        loop = asyncio.get_running_loop()
        endpoint = cls(
            UserAgent(
                (host, port),
                user_agent=user_agent,
                timers=timers,
                on_trace=on_trace,
                allow=allow,
                outbound_proxy=outbound_proxy,
                destination_filter=_refuse_non_loopback,
            ),
            loop,
        )
        try:
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _Protocol(endpoint), local_addr=(host, port)
            )
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise SipPortInUse(
                    exc.errno, f"SIP address {host}:{port} is already in use"
                ) from exc
            raise
        endpoint._transport = transport
        # Bursts of calls overflow the default UDP receive buffer long before the CPU is
        # busy; the kernel caps the request at net.core.rmem_max.
        sock = transport.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        bound = transport.get_extra_info("sockname")
        endpoint.ua.local = (host, int(bound[1]))
        return endpoint

    async def __aenter__(self) -> SipEndpoint:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def local_address(self) -> Address:
        """``(host, port)`` actually bound."""
        return self.ua.local

    @property
    def closed(self) -> bool:
        """True once :meth:`close` started."""
        return self._closed

    # --- calls and requests --------------------------------------------------------------

    def invite(
        self,
        target: str | SipUri,
        from_uri: str | SipUri | NameAddr,
        sdp: bytes | None,
        *,
        headers: Iterable[tuple[str, str]] = (),
        credentials: Credentials | None = None,
        peer: Address | None = None,
    ) -> OutgoingCall:
        """Place a call; the INVITE leaves at once."""
        self._check_open()
        session = self.ua.invite(
            target, from_uri, sdp, self._now(), headers=headers, credentials=credentials, peer=peer
        )
        call = OutgoingCall(self, session)
        self._calls[session] = call
        self._pump()
        return call

    async def next_incoming(self, timeout: float) -> IncomingCall:
        """The next incoming call (when no ``on_invite`` callback is set)."""
        self._check_open()
        try:
            async with asyncio.timeout(timeout):
                return await self._incoming.get()
        except TimeoutError:
            raise TimeoutError(f"no incoming call within {timeout} s") from None

    async def request(
        self,
        method: str,
        target: str | SipUri,
        *,
        from_uri: str | SipUri | NameAddr,
        to_uri: str | SipUri | NameAddr | None = None,
        headers: Iterable[tuple[str, str]] = (),
        body: bytes = b"",
        content_type: str | None = None,
        credentials: Credentials | None = None,
        peer: Address | None = None,
        timeout: float,
    ) -> SipResponse:
        """Send OPTIONS, MESSAGE, REGISTER... and return the final response.

        Raises TimeoutError when the transaction times out (Timer F) or ``timeout`` passes.
        """
        self._check_open()
        handle = self.ua.request(
            method,
            target,
            self._now(),
            from_uri=from_uri,
            to_uri=to_uri,
            headers=headers,
            body=body,
            content_type=content_type,
            credentials=credentials,
            peer=peer,
        )
        self._pump()
        await self._until(lambda: handle.done, timeout, f"final response to {method}")
        if handle.response is None:
            raise TimeoutError(f"{method} to {target} failed: {handle.error}")
        return handle.response

    async def register(
        self,
        registrar: str | SipUri,
        aor: str | SipUri,
        *,
        credentials: Credentials | None = None,
        expires: int = 3600,
        timeout: float,
    ) -> SipResponse:
        """REGISTER (retrying once with credentials on 401/407); returns the final response."""
        aor_uri = aor if isinstance(aor, SipUri) else SipUri.parse(aor)
        return await self.request(
            "REGISTER",
            registrar,
            from_uri=aor_uri,
            to_uri=aor_uri,
            headers=[("Expires", str(expires))],
            credentials=credentials,
            timeout=timeout,
        )

    def open_dialogs(self) -> list[OutgoingCall | IncomingCall]:
        """Calls that are not terminated yet."""
        live = self.ua.open_dialogs()
        return [c for s, c in self._calls.items() if s in live]

    def open_transactions(self) -> int:
        """Transactions still running (they linger up to 32 s after a call)."""
        return self.ua.open_transactions()

    async def close(self) -> None:
        """Cancel the timer, close the socket and wake every waiter with EndpointClosed."""
        if self._closed:
            return
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._wake()
        if self._transport is not None:
            self._transport.close()
            await self._lost

    # --- driving the core ----------------------------------------------------------------

    def _now(self) -> float:
        return self._loop.time()

    def _check_open(self) -> None:
        if self._closed:
            raise EndpointClosed("the SIP endpoint is closed")

    def _on_datagram(self, data: bytes, addr: Address) -> None:
        if self._closed:
            return
        self.ua.receive(data, (addr[0], addr[1]), self._now())
        self._pump()

    def _on_timer(self) -> None:
        assert self._timer is not None
        # The loop may run a handle up to its clock resolution early: never pass a time
        # before the deadline, or the due timer would be skipped and re-armed in a spin.
        due = self._timer.when()
        self._timer = None
        if self._closed:
            return
        self.ua.handle_timer(max(self._now(), due))
        self._pump()
        self._prune()

    def _pump(self) -> None:
        """Send what the core produced, dispatch its events, re-arm the timer, wake waiters."""
        if self._pumping or self._closed:
            return
        self._pumping = True
        try:
            while True:
                datagrams, events = self.ua.datagrams(), self.ua.events()
                if not datagrams and not events:
                    break
                for data, peer in datagrams:
                    self._send(data, peer)
                for event in events:
                    self._dispatch(event)
        finally:
            self._pumping = False
        self._arm_timer()
        self._wake()

    def _send(self, data: bytes, peer: Address) -> None:
        if self._transport is None:
            return
        self._transport.sendto(data, peer)

    def _dispatch(self, event: ev.UaEvent) -> None:
        if isinstance(event, ev.IncomingCall):
            call = IncomingCall(self, event.session)
            call.events.append(event)
            self._calls[event.session] = call
            if self.on_invite is not None:
                self.on_invite(call)
            else:
                self._incoming.put_nowait(call)
        elif isinstance(event, ev.IncomingRequest):
            owner = self._calls.get(event.session) if event.session is not None else None
            request = IncomingSipRequest(self, event.handle, owner)
            if self.on_request is not None:
                self.on_request(request)
            if not request.responded:
                self._default_answer(request)
        elif isinstance(event, ev.CallEnded | ev.CallProgress | ev.CallAnswered | ev.CallConfirmed):
            target = self._calls.get(event.session)
            if target is not None:
                target.events.append(event)
                if self.on_call_event is not None:
                    self.on_call_event(target, event)
            if isinstance(event, ev.CallEnded):
                self._prune()

    def _default_answer(self, request: IncomingSipRequest) -> None:
        """OPTIONS and in-dialog requests get 200; anything else unhandled gets 405."""
        allow = [("Allow", ", ".join(self.ua.allow))]
        if request.request.method == "OPTIONS":
            request.respond(200, extra=[*allow, ("Accept", "application/sdp")])
        elif request.call is not None:
            request.respond(200)
        else:
            request.respond(405, extra=allow)

    def _prune(self) -> None:
        known = set(self.ua._sessions)
        for session in [s for s in self._calls if not s.live and s not in known]:
            del self._calls[session]

    def _arm_timer(self) -> None:
        when = self.ua.next_timer()
        if self._timer is not None:
            if when is not None and self._timer.when() == when:
                return
            self._timer.cancel()
            self._timer = None
        if when is not None and not self._closed:
            self._timer = self._loop.call_at(when, self._on_timer)

    def _wake(self) -> None:
        self._tick.set()
        self._tick = asyncio.Event()

    async def _until(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        """Wait until ``predicate()`` holds, re-checking after every change."""
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    if self._closed:
                        raise EndpointClosed(f"endpoint closed while waiting for {what}")
                    await self._tick.wait()
        except TimeoutError:
            raise TimeoutError(f"{what}: not within {timeout} s") from None


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, endpoint: SipEndpoint) -> None:
        self._endpoint = endpoint

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self._endpoint._on_datagram(data, (str(addr[0]), int(addr[1])))

    def error_received(self, exc: Exception) -> None:
        # ICMP errors on an unconnected UDP socket carry no peer: the transactions time out.
        self._endpoint.ua._trace(self._endpoint._now(), "in", ("", 0), b"", None, repr(exc))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._endpoint._lost.done():
            self._endpoint._lost.set_result(None)
