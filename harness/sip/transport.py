"""The asyncio module of the SIP stack: a UDP socket on loopback driving the sans-IO core.

Shape of the API::

    ep = await SipEndpoint.open(host="127.0.0.1", port=0, on_trace=cb)
    call = ep.invite("sip:bob@127.0.0.1:5070", "sip:alice@127.0.0.1", sdp)   # OutgoingCall
    answered = await call.wait_answered(timeout=5)   # Answered, or CallNotAnswered(outcome)
    await call.hangup(timeout=5)                     # BYE and its 200

    ep.on_invite = lambda incoming: incoming.answer(sdp)   # or: await ep.next_incoming(5)
    ep.on_request = lambda req: req.respond(200)           # OPTIONS, REGISTER, MESSAGE...
    outcome = await call.hold(timeout=5)                   # re-INVITE sendonly; resume()
    ep.on_reinvite = lambda call, event: call.answer_reinvite(sdp)   # else: mirrored
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

TCP (RFC 3261 section 18) lives in :mod:`harness.sip.transport_tcp`: every endpoint also
listens on TCP on its UDP port (18.2.1) unless ``listen_tcp=False``; ``transport="tcp"``
makes TCP the transport it prefers (Via and Contact say ``;transport=tcp``). A UDP endpoint
still sends a request larger than 1300 bytes over TCP (18.1.1).

The call objects handed to the application (:class:`OutgoingCall`, :class:`IncomingCall`,
:class:`IncomingSipRequest`) live in :mod:`harness.sip.calls` and are re-exported here.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from harness.net.udp import SocketAddress, UdpSocket, bind_socket
from harness.sip import events as ev
from harness.sip.auth import Credentials
from harness.sip.calls import (
    CallNotAnswered,
    EndpointClosed,
    IncomingCall,
    IncomingSipRequest,
    OutgoingCall,
)
from harness.sip.message import SipResponse, SipUri
from harness.sip.transaction import Address, TimerConfig
from harness.sip.transport_tcp import TcpTransport
from harness.sip.uas import ServerInviteSession
from harness.sip.uri import NameAddr
from harness.sip.useragent import DEFAULT_ALLOW, SipTrace, UserAgent

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
_BIND_ATTEMPTS = 8  # an ephemeral UDP port whose TCP twin is taken: try another one
_CALL_EVENTS = (
    ev.CallEnded,
    ev.CallProgress,
    ev.CallAnswered,
    ev.CallConfirmed,
    ev.Redirected,
    ev.ReinviteCompleted,
)


PRUNE_INTERVAL = 1.0  # seconds between scans for calls the core has forgotten


class SipPortInUse(OSError):
    """The requested local SIP address is already bound by something else."""


@lru_cache(maxsize=256)
def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _refuse_non_loopback(peer: Address) -> str | None:
    """The harness only ever sends to loopback, whatever address a peer advertises."""
    return None if _loopback(peer[0]) else f"{peer[0]} is not a loopback address"


class SipEndpoint:
    """A UDP socket (and a TCP listener) on loopback with a SIP user agent core behind it."""

    def __init__(self, ua: UserAgent, loop: asyncio.AbstractEventLoop) -> None:
        self.ua = ua
        self._loop = loop
        self._transport: UdpSocket | None = None
        self._tcp = TcpTransport(
            loop, on_message=self._on_stream, on_failure=self._on_tcp_failure,
            on_error=self._on_tcp_error,
        )  # fmt: skip
        self._timer: asyncio.TimerHandle | None = None
        self._waiters: list[_Waiter] = []
        self._next_prune = 0.0
        self._closed = False
        self._pumping = False
        self._calls: dict[ev.CallHandle, OutgoingCall | IncomingCall] = {}
        self._incoming: asyncio.Queue[IncomingCall] = asyncio.Queue()
        self.on_invite: Callable[[IncomingCall], None] | None = None
        self.on_request: Callable[[IncomingSipRequest], None] | None = None
        self.on_call_event: Callable[[OutgoingCall | IncomingCall, ev.UaEvent], None] | None = None
        """Called on the loop for every event of a call: progress, answer, confirm, end,
        redirect, re-INVITE received or completed."""
        self.inbound_filter: Callable[[bytes, Address], bool] | None = None
        """When set, a datagram it returns False for is dropped before the core sees it, as
        if lost on the way (the reference's injected faults use it)."""
        self.on_reinvite: (
            Callable[[OutgoingCall | IncomingCall, ev.ReinviteReceived], None] | None
        ) = None
        """When set, the application answers re-INVITEs (now or later) with
        ``call.answer_reinvite`` / ``call.reject_reinvite``. When not set, a re-INVITE that
        ``on_call_event`` left unanswered is answered by mirroring (RFC 3264 section 6.1)."""

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
        transport: str = "udp",
        listen_tcp: bool = True,
    ) -> SipEndpoint:
        """Bind UDP (and TCP, same port) on ``host:port``; 0 = ephemeral; loopback only.

        ``transport`` ("udp" or "tcp") is the one requests use unless their target names
        another; with "tcp" the endpoint always listens on TCP.
        """
        if not _loopback(host):
            raise ValueError(f"SIP endpoints bind to loopback only, not {host!r}")
        if transport.lower() not in ("udp", "tcp"):
            raise ValueError(f"transport must be 'udp' or 'tcp', not {transport!r}")
        loop = asyncio.get_running_loop()
        endpoint = cls(
            UserAgent(
                (host, port),
                user_agent=user_agent,
                timers=timers,
                on_trace=on_trace,
                allow=allow,
                outbound_proxy=outbound_proxy,
                transport=transport.upper(),
                destination_filter=_refuse_non_loopback,
                tcp=True,
            ),
            loop,
        )
        listen = listen_tcp or transport.lower() == "tcp"
        for attempt in range(_BIND_ATTEMPTS):
            bound = await endpoint._bind_udp(host, port)
            if not listen:
                break
            try:
                await endpoint._tcp.listen(host, bound)
                break
            except OSError as exc:
                udp, endpoint._transport = endpoint._transport, None
                if udp is not None:
                    udp.close()
                if exc.errno != errno.EADDRINUSE:
                    raise
                if port != 0 or attempt == _BIND_ATTEMPTS - 1:
                    raise SipPortInUse(
                        exc.errno or 0, f"SIP address {host}:{bound} (TCP) is already in use"
                    ) from exc
        return endpoint

    async def _bind_udp(self, host: str, port: int) -> int:
        try:
            sock = bind_socket(host, port)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise SipPortInUse(
                    exc.errno, f"SIP address {host}:{port} is already in use"
                ) from exc
            raise
        # Bursts of calls overflow the default UDP receive buffer long before the CPU is
        # busy; the kernel caps the request at net.core.rmem_max.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        try:
            self._transport = UdpSocket(
                sock, self._on_udp_datagram, self._loop, on_error=self._on_udp_error
            )
        except BaseException:
            sock.close()
            raise
        bound = int(self._transport.sockname[1])
        self.ua.local = (host, bound)
        return bound

    def _on_udp_datagram(self, data: bytes, addr: SocketAddress) -> None:
        self._on_datagram(data, (str(addr[0]), int(addr[1])))

    def _on_udp_error(self, exc: OSError) -> None:
        # ICMP errors on an unconnected UDP socket carry no peer: the transactions time out.
        self.ua.trace(self._now(), "in", ("", 0), b"", None, repr(exc))

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
        self._calls[session.handle] = call
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
        return [c for c in self._calls.values() if c.session in live]

    def open_transactions(self) -> int:
        """Transactions still running (they linger up to 32 s after a call)."""
        return self.ua.open_transactions()

    def tcp_peers(self) -> list[Address]:
        """Peers we hold a TCP connection with."""
        return self._tcp.peers()

    async def close(self) -> None:
        """Cancel the timer, close the sockets and wake every waiter with EndpointClosed."""
        if self._closed:
            return
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._wake()
        await self._tcp.close()
        if self._transport is not None:
            self._transport.close()

    # --- driving the core ----------------------------------------------------------------

    def _now(self) -> float:
        return self._loop.time()

    def _check_open(self) -> None:
        if self._closed:
            raise EndpointClosed("the SIP endpoint is closed")

    def _on_datagram(self, data: bytes, addr: Address) -> None:
        if self._closed:
            return
        if self.inbound_filter is not None and not self.inbound_filter(data, addr):
            return
        self.ua.receive(data, (addr[0], addr[1]), self._now())
        self._pump()

    def _on_stream(self, data: bytes, peer: Address) -> None:
        if self._closed:
            return
        self.ua.receive(data, peer, self._now(), transport="TCP")
        self._pump()

    def _on_tcp_failure(self, peer: Address, reason: str) -> None:
        if self._closed:
            return
        self.ua.connection_failed(peer, self._now(), reason)
        self._pump()

    def _on_tcp_error(self, peer: Address, reason: str) -> None:
        self.ua.trace(self._now(), "in", peer, b"", None, reason, transport="TCP")

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
                outgoing, events = self.ua.outgoing(), self.ua.events()
                if not outgoing and not events:
                    break
                for data, peer, transport in outgoing:
                    self._send(data, peer, transport)
                for event in events:
                    self._dispatch(event)
        finally:
            self._pumping = False
        self._arm_timer()
        self._wake()

    def _send(self, data: bytes, peer: Address, transport: str = "UDP") -> None:
        if transport == "TCP":
            self._tcp.send(data, peer)
        elif self._transport is not None:
            self._transport.sendto(data, peer)

    def _dispatch(self, event: ev.UaEvent) -> None:
        if isinstance(event, ev.IncomingCall):
            session = self.ua.session(event.call)
            if not isinstance(session, ServerInviteSession):
                return  # forgotten already: nothing left to answer
            call = IncomingCall(self, session)
            call.events.append(event)
            self._calls[event.call] = call
            if self.on_invite is not None:
                self.on_invite(call)
            else:
                self._incoming.put_nowait(call)
        elif isinstance(event, ev.IncomingRequest):
            owner = self._calls.get(event.call) if event.call is not None else None
            request = IncomingSipRequest(self, event.handle, owner)
            if self.on_request is not None:
                self.on_request(request)
            if not request.responded:
                self._default_answer(request)
        elif isinstance(event, ev.ReinviteReceived):
            self._reinvite_received(event)
        elif isinstance(event, _CALL_EVENTS):
            target = self._calls.get(event.call)
            if target is not None:
                target.events.append(event)
                if self.on_call_event is not None:
                    self.on_call_event(target, event)
            if isinstance(event, ev.CallEnded):
                self._prune()

    def _reinvite_received(self, event: ev.ReinviteReceived) -> None:
        target = self._calls.get(event.call)
        if target is not None:
            target.events.append(event)
            if self.on_call_event is not None:
                self.on_call_event(target, event)
            if self.on_reinvite is not None:
                self.on_reinvite(target, event)
                return
        session = self.ua.session(event.call)
        pending = session.incoming_reinvite if session is not None else None
        if pending is not None and pending.request is event.request and not pending.answered:
            pending.answer_automatically(self._now())

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
        """Forget calls the core has dropped; at most once a second (it scans every call)."""
        now = self._now()
        if now < self._next_prune:
            return
        self._next_prune = now + PRUNE_INTERVAL
        for handle in [h for h in self._calls if self.ua.session(h) is None]:
            del self._calls[handle]

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
        """Resolve the waits whose condition now holds (or fail them all once closed).

        Conditions are checked here, synchronously, so a message wakes only the waits it
        completes rather than every pending one (the reference keeps hundreds under load).
        """
        if not self._waiters:
            return
        pending: list[_Waiter] = []
        for waiter in self._waiters:
            if waiter.future.done():
                continue
            if self._closed:
                message = f"endpoint closed while waiting for {waiter.what}"
                waiter.future.set_exception(EndpointClosed(message))
            elif waiter.predicate():
                waiter.future.set_result(None)
            else:
                pending.append(waiter)
        self._waiters = pending

    async def _until(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        """Wait until ``predicate()`` holds, re-checked after every change of the core."""
        if predicate():
            return
        if self._closed:
            raise EndpointClosed(f"endpoint closed while waiting for {what}")
        waiter = _Waiter(predicate, self._loop.create_future(), what)
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(waiter.future, timeout)
        except TimeoutError:
            raise TimeoutError(f"{what}: not within {timeout} s") from None
        finally:
            if not waiter.future.done():
                waiter.future.cancel()


@dataclass(eq=False)
class _Waiter:
    predicate: Callable[[], bool]
    future: asyncio.Future[None]
    what: str
