"""The transaction layer under a user agent core (RFC 3261 sections 17 and 18), sans-IO.

It owns the client and server transactions, one heap of timers, the outbox of messages
and the trace of every message. The core above it (the transaction user, "TU") is a
subclass that receives what the transactions deliver through three hooks:
``_tx_response``, ``_tx_failure`` and ``_tx_ack``.

Transport selection (section 18): a message travels on the transport its top Via names,
which is what 18.1.1 and 18.2.2 require of requests and responses alike. A request gets
TCP when its target (first Route, else Request-URI) says ``transport=tcp``, when the agent
prefers TCP, or when it is larger than 1300 bytes and the peer has not refused TCP before
(18.1.1: "larger than 1300 bytes and the path MTU is unknown"). Transactions over TCP run
with the reliable-transport timers (no A, E, G; D, I, J, K zero).
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, NamedTuple, Protocol, TypeVar

from harness.sip.grammar import SipParseError
from harness.sip.message import SipMessage, SipRequest, SipResponse, make_branch
from harness.sip.transaction import (
    Address,
    ClientInviteTransaction,
    ClientNonInviteTransaction,
    RequestReceived,
    ResponseReceived,
    ServerInviteTransaction,
    ServerNonInviteTransaction,
    Terminated,
    TimerConfig,
    TransactionTimedOut,
    Transmit,
    TransportError,
)
from harness.sip.uri import NameAddr, Via

__all__ = [
    "UDP_SIZE_LIMIT",
    "ClientTx",
    "Outgoing",
    "ServerTx",
    "SipTrace",
    "TransactionLayer",
    "message_transport",
]

UDP_SIZE_LIMIT = 1300  # 18.1.1: above this, with no known path MTU, a request goes over TCP

ClientTx = ClientInviteTransaction | ClientNonInviteTransaction
ServerTx = ServerInviteTransaction | ServerNonInviteTransaction
OwnerT = TypeVar("OwnerT")


@dataclass(frozen=True)
class SipTrace:
    """One message seen on the wire, for ladders and evidence.

    ``message`` is None when ``raw`` could not be parsed. ``error`` says why a message
    was not parsed, not routed (``dropped: ...``) or not sent (``refused: ...``).
    """

    now: float
    direction: str  # "in" or "out"
    local: Address
    peer: Address
    raw: bytes
    message: SipMessage | None
    error: str | None = None
    transport: str = "UDP"


class Outgoing(NamedTuple):
    """A message to send: bytes, destination and transport ("UDP" or "TCP")."""

    data: bytes
    peer: Address
    transport: str


def message_transport(message: SipMessage) -> str:
    """The transport a message travels on: the one its top Via names (TCP, else UDP)."""
    top = message.headers.get("Via")
    if top is None:
        return "UDP"
    try:
        return "TCP" if Via.parse(top.split(",")[0]).transport == "TCP" else "UDP"
    except SipParseError:
        return "UDP"


class Timed(Protocol):
    """Anything with timers the layer schedules: transactions and sessions."""

    def next_timer(self) -> float | None: ...

    def handle_timer(self, now: float) -> None: ...


class TransactionLayer(Generic[OwnerT]):
    """Transactions keyed as in 17.1.3 / 17.2.3, each with the owner it reports to."""

    def __init__(
        self,
        local: Address,
        *,
        timers: TimerConfig | None = None,
        on_trace: Callable[[SipTrace], None] | None = None,
        transport: str = "UDP",
        destination_filter: Callable[[Address], str | None] | None = None,
        tcp: bool = False,
    ) -> None:
        if transport.upper() not in ("UDP", "TCP"):
            raise ValueError(f"transport must be UDP or TCP, not {transport!r}")
        self.local = local
        self.timers = timers or TimerConfig()
        self.on_trace = on_trace
        self.transport = transport.upper()
        self.destination_filter = destination_filter
        self.tcp = tcp or self.transport == "TCP"
        """True when TCP may be used: a request too large for UDP switches to it."""
        self.rng = random.Random()
        """Randomness for the timers the RFC wants random (glare retry, Retry-After)."""
        self._no_tcp: set[Address] = set()  # peers that refused a TCP connection
        self._client: dict[tuple[str, str], tuple[ClientTx, OwnerT]] = {}
        self._server: dict[tuple[str, str, int, str], tuple[ServerTx, OwnerT | None]] = {}
        # A heap of (due, seq, owner), pushed again whenever an owner's timer may have
        # changed; an entry is stale once the owner's next_timer() no longer equals it.
        self._heap: list[tuple[float, int, Timed]] = []
        self._seq = itertools.count()
        self._outbox: list[Outgoing] = []

    # --- driving --------------------------------------------------------------------------

    def outgoing(self) -> list[Outgoing]:
        """Return and forget the messages to send, in order, each with its transport."""
        out, self._outbox = self._outbox, []
        return out

    def datagrams(self) -> list[tuple[bytes, Address]]:
        """Return and forget the messages to send as ``(data, peer)``, transport left out.

        For an agent that only uses UDP; with TCP in use, drive it with :meth:`outgoing`.
        """
        return [(item.data, item.peer) for item in self.outgoing()]

    def connection_failed(self, peer: Address, now: float, reason: str) -> None:
        """A TCP connection to ``peer`` could not be made or broke while sending.

        Transactions sending over TCP to ``peer`` fail with a transport error (17.1.4,
        17.2.4); later requests to it stay on UDP unless their target demands TCP.
        """
        self._no_tcp.add(peer)
        for tx, owner in list(self._client.values()):
            if tx.peer == peer and message_transport(tx.request) == "TCP":
                tx.transport_error(now, reason)
                self._drain_client(tx, owner, now)
        for server_tx, _ in list(self._server.values()):
            if server_tx.peer == peer and message_transport(server_tx.request) == "TCP":
                server_tx.transport_error(now, reason)
                self._drain_server(server_tx, now)

    def next_timer(self) -> float | None:
        """Earliest time ``handle_timer`` must run, or None when nothing is pending."""
        while self._heap and self._heap[0][2].next_timer() != self._heap[0][0]:
            heapq.heappop(self._heap)  # stale: that timer was stopped or moved
        return self._heap[0][0] if self._heap else None

    def handle_timer(self, now: float) -> None:
        """Run every timer due at ``now``, earliest first."""
        while self._heap and self._heap[0][0] <= now:
            due, _, owner = heapq.heappop(self._heap)
            if owner.next_timer() != due:
                continue
            owner.handle_timer(now)
            if isinstance(owner, ClientInviteTransaction | ClientNonInviteTransaction):
                entry = self._client.get(owner.key)
                if entry is not None and entry[0] is owner:
                    self._drain_client(owner, entry[1], now)
            elif isinstance(owner, ServerInviteTransaction | ServerNonInviteTransaction):
                self._drain_server(owner, now)
            else:
                self._schedule(owner)

    def open_transactions(self) -> int:
        """Transactions not terminated yet (they linger a few seconds after a call)."""
        return len(self._client) + len(self._server)

    # --- sending --------------------------------------------------------------------------

    @property
    def contact_host(self) -> str:
        """Our host as written in Via and Contact."""
        host = self.local[0]
        return f"[{host}]" if ":" in host else host

    def _stamp(self, request: SipRequest, peer: Address | None = None) -> SipRequest:
        """Put our Via (new branch, rport requested: RFC 3581) on top of ``request``.

        The Via names the transport the request will use (see the module docstring);
        ``peer``, when known, lets a large request avoid TCP to a peer that refused it.
        """
        branch = make_branch()
        transport = self._transport_for(request)
        stamped = self._with_via(request, transport, branch)
        if (
            transport == "UDP"
            and self.tcp
            and peer not in self._no_tcp
            and len(bytes(stamped)) > UDP_SIZE_LIMIT
        ):
            stamped = self._with_via(request, "TCP", branch)  # same length: UDP -> TCP
        return stamped

    def _with_via(self, request: SipRequest, transport: str, branch: str) -> SipRequest:
        via = f"SIP/2.0/{transport} {self.contact_host}:{self.local[1]};branch={branch};rport"
        return replace(request, headers=request.headers.remove("Via").add("Via", via, first=True))

    def _transport_for(self, request: SipRequest) -> str:
        """The transport the target asks for (first Route, else Request-URI), else ours."""
        routes = request.headers.get_all("Route")
        try:
            uri = NameAddr.parse(routes[0]).uri if routes else request.uri
        except SipParseError:
            uri = request.uri
        asked = (uri.param("transport") or "").upper()
        return asked if asked in ("UDP", "TCP") else self.transport

    def _timers_for(self, request: SipRequest) -> TimerConfig:
        """Reliable-transport timers for a transaction over TCP (17.1.1.2, 17.2.2)."""
        if message_transport(request) == "TCP" and not self.timers.reliable:
            return replace(self.timers, reliable=True)
        return self.timers

    def _emit(self, data: bytes, message: SipMessage, peer: Address, now: float) -> bool:
        refusal = self.destination_filter(peer) if self.destination_filter else None
        if refusal is not None:
            self._trace(now, "out", peer, data, message, f"refused: {refusal}")
            return False
        transport = message_transport(message)
        self._outbox.append(Outgoing(data, peer, transport))
        self._trace(now, "out", peer, data, message, transport=transport)
        return True

    def _trace(
        self,
        now: float,
        direction: str,
        peer: Address,
        raw: bytes,
        message: SipMessage | None,
        error: str | None = None,
        *,
        transport: str = "UDP",
    ) -> None:
        if self.on_trace is not None:
            self.on_trace(
                SipTrace(now, direction, self.local, peer, raw, message, error, transport)
            )

    def _schedule(self, owner: Timed) -> None:
        """Note that ``owner``'s next timer may have changed."""
        due = owner.next_timer()
        if due is not None:
            heapq.heappush(self._heap, (due, next(self._seq), owner))

    # --- transactions ---------------------------------------------------------------------

    def _start_client(self, request: SipRequest, peer: Address, owner: OwnerT, now: float) -> None:
        tx: ClientTx
        timers = self._timers_for(request)
        if request.method == "INVITE":
            tx = ClientInviteTransaction(request, peer, now, timers)
        else:
            tx = ClientNonInviteTransaction(request, peer, now, timers)
        self._client[tx.key] = (tx, owner)
        self._drain_client(tx, owner, now)
        if self.destination_filter is not None and (refusal := self.destination_filter(peer)):
            tx.transport_error(now, f"refused: {refusal}")  # fail at once, not after Timer B
            self._drain_client(tx, owner, now)

    def _drain_client(self, tx: ClientTx, owner: OwnerT, now: float) -> None:
        for event in tx.events():
            if isinstance(event, Transmit):
                self._emit(event.data, event.message, event.peer, now)
            elif isinstance(event, ResponseReceived):
                self._tx_response(tx, owner, event.response, now)
            elif isinstance(event, TransactionTimedOut):
                self._tx_failure(tx, owner, f"timer {event.timer} fired", True, now)
            elif isinstance(event, TransportError):
                self._tx_failure(tx, owner, event.reason, False, now)
            elif isinstance(event, Terminated):
                self._client.pop(tx.key, None)
        self._schedule(tx)

    def _drain_server(self, tx: ServerTx, now: float) -> None:
        for event in tx.events():
            if isinstance(event, Transmit):
                self._emit(event.data, event.message, event.peer, now)
            elif isinstance(event, RequestReceived):
                self._tx_ack(event.request, now)
            elif isinstance(event, Terminated):
                self._server.pop(tx.key, None)
        self._schedule(tx)

    # --- hooks for the transaction user ---------------------------------------------------

    def _tx_response(self, tx: ClientTx, owner: OwnerT, response: SipResponse, now: float) -> None:
        """A client transaction delivered a response."""
        raise NotImplementedError

    def _tx_failure(
        self, tx: ClientTx, owner: OwnerT, why: str, timed_out: bool, now: float
    ) -> None:
        """A client transaction timed out or hit a transport error."""
        raise NotImplementedError

    def _tx_ack(self, ack: SipRequest, now: float) -> None:
        """An ACK reached an Accepted INVITE server transaction (RFC 6026)."""
        raise NotImplementedError
