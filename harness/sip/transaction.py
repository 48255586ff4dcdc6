"""SIP transactions (RFC 3261 section 17, with the RFC 6026 "Accepted" state), sans-IO.

Four machines, each driven by one transition table below:
``(state, input) -> (next state, actions)``. Inputs are messages from the network,
responses from the transaction user (TU) and timer expiries; actions are the small verbs
in :meth:`_Transaction._act`. A network input without a table entry is absorbed (that is
how stray retransmissions die); a TU input without one is a misuse and raises ValueError.

Time is passed in (``now``); ``next_timer()`` says when ``handle_timer(now)`` is due.
Outputs are events the caller drains with ``events()``: :class:`Transmit`,
:class:`ResponseReceived`, :class:`RequestReceived`, :class:`TransactionTimedOut`,
:class:`TransportError` and finally :class:`Terminated`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from harness.sip.headers import Headers
from harness.sip.message import SipMessage, SipRequest, SipResponse, build_response

__all__ = [
    "Address",
    "ClientInviteTransaction",
    "ClientNonInviteTransaction",
    "RequestReceived",
    "ResponseReceived",
    "ServerInviteTransaction",
    "ServerNonInviteTransaction",
    "Terminated",
    "TimerConfig",
    "TransactionEvent",
    "TransactionTimedOut",
    "Transmit",
    "TransportError",
    "TxState",
    "client_key",
    "server_key",
]

Address = tuple[str, int]


@dataclass(frozen=True)
class TimerConfig:
    """RFC 3261 timer values (Table 4). ``reliable`` is True for TCP/TLS transports."""

    t1: float = 0.5
    t2: float = 4.0
    t4: float = 5.0
    reliable: bool = False

    def duration(self, timer: str) -> float:
        """Initial duration of timer ``A``..``M`` for this transport."""
        unreliable_only = 0.0 if self.reliable else None
        table = {
            "A": self.t1,
            "B": 64 * self.t1,
            "D": unreliable_only if unreliable_only is not None else max(32.0, 64 * self.t1),
            "E": self.t1,
            "F": 64 * self.t1,
            "G": self.t1,
            "H": 64 * self.t1,
            "I": unreliable_only if unreliable_only is not None else self.t4,
            "J": unreliable_only if unreliable_only is not None else 64 * self.t1,
            "K": unreliable_only if unreliable_only is not None else self.t4,
            "L": 64 * self.t1,  # RFC 6026 section 8.11
            "M": 64 * self.t1,  # RFC 6026 section 8.11
        }
        return table[timer]


# --- events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transmit:
    """Send ``data`` (the serialised ``message``) to ``peer``."""

    data: bytes
    message: SipMessage
    peer: Address


@dataclass(frozen=True)
class ResponseReceived:
    """A response the TU must see (client transactions)."""

    response: SipResponse


@dataclass(frozen=True)
class RequestReceived:
    """A request the TU must see (an ACK reaching an Accepted server INVITE transaction)."""

    request: SipRequest


@dataclass(frozen=True)
class TransactionTimedOut:
    """Timer B, F or H fired: the peer never completed the transaction."""

    timer: str


@dataclass(frozen=True)
class TransportError:
    """The transport could not deliver a message of this transaction (section 17.1.4)."""

    reason: str


@dataclass(frozen=True)
class Terminated:
    """The transaction reached the Terminated state; drop it."""


TransactionEvent = (
    Transmit
    | ResponseReceived
    | RequestReceived
    | TransactionTimedOut
    | TransportError
    | Terminated
)


class TxState(enum.Enum):
    """Transaction states across the four machines."""

    CALLING = "calling"
    TRYING = "trying"
    PROCEEDING = "proceeding"
    COMPLETED = "completed"
    CONFIRMED = "confirmed"
    ACCEPTED = "accepted"
    TERMINATED = "terminated"


class In(enum.Enum):
    """Inputs to the machines: network messages, TU responses, timers, transport errors."""

    PROVISIONAL = "1xx received"
    SUCCESS = "2xx received"
    FAILURE = "3xx-6xx received"
    REQUEST = "request retransmission"
    ACK = "ACK received"
    SEND_PROVISIONAL = "TU sends 1xx"
    SEND_SUCCESS = "TU sends 2xx"
    SEND_FAILURE = "TU sends 3xx-6xx"
    TRANSPORT_ERROR = "transport error"
    TIMER_A = "timer A"
    TIMER_B = "timer B"
    TIMER_D = "timer D"
    TIMER_E = "timer E"
    TIMER_F = "timer F"
    TIMER_G = "timer G"
    TIMER_H = "timer H"
    TIMER_I = "timer I"
    TIMER_J = "timer J"
    TIMER_K = "timer K"
    TIMER_L = "timer L"
    TIMER_M = "timer M"


Table = Mapping[tuple[TxState, In], tuple[TxState, tuple[str, ...]]]
S = TxState

# Actions: "send" (TU response), "resend" (last message again), "deliver" (to the TU),
# "ack" (ACK a non-2xx, 17.1.1.3), "start:X", "stop:X", "backoff:X" (double, 17.1.1.2),
# "backoff_t2:X" (double, capped at T2), "t2:X" (restart at T2), "timeout:X" (X fired),
# "transport_error".

# Section 17.1.1.2 (Figure 5) with RFC 6026 section 7.2 (Figure 5 updated).
CLIENT_INVITE: Table = {
    (S.CALLING, In.TIMER_A): (S.CALLING, ("resend", "backoff:A")),
    (S.CALLING, In.TIMER_B): (S.TERMINATED, ("timeout:B",)),
    (S.CALLING, In.PROVISIONAL): (S.PROCEEDING, ("stop:A", "stop:B", "deliver")),
    (S.CALLING, In.SUCCESS): (S.ACCEPTED, ("stop:A", "stop:B", "deliver", "start:M")),
    (S.CALLING, In.FAILURE): (S.COMPLETED, ("stop:A", "stop:B", "ack", "deliver", "start:D")),
    (S.CALLING, In.TRANSPORT_ERROR): (S.TERMINATED, ("transport_error",)),
    (S.PROCEEDING, In.PROVISIONAL): (S.PROCEEDING, ("deliver",)),
    (S.PROCEEDING, In.SUCCESS): (S.ACCEPTED, ("deliver", "start:M")),
    (S.PROCEEDING, In.FAILURE): (S.COMPLETED, ("ack", "deliver", "start:D")),
    (S.COMPLETED, In.FAILURE): (S.COMPLETED, ("ack",)),
    (S.COMPLETED, In.TRANSPORT_ERROR): (S.TERMINATED, ("transport_error",)),
    (S.COMPLETED, In.TIMER_D): (S.TERMINATED, ()),
    (S.ACCEPTED, In.SUCCESS): (S.ACCEPTED, ("deliver",)),  # 2xx retransmission to the TU
    (S.ACCEPTED, In.TIMER_M): (S.TERMINATED, ()),
}

_NON_INVITE_FINAL = ("stop:E", "stop:F", "deliver", "start:K")
# Section 17.1.2.2 (Figure 6).
CLIENT_NON_INVITE: Table = {
    (S.TRYING, In.TIMER_E): (S.TRYING, ("resend", "backoff_t2:E")),
    (S.TRYING, In.TIMER_F): (S.TERMINATED, ("timeout:F",)),
    (S.TRYING, In.PROVISIONAL): (S.PROCEEDING, ("deliver",)),
    (S.TRYING, In.SUCCESS): (S.COMPLETED, _NON_INVITE_FINAL),
    (S.TRYING, In.FAILURE): (S.COMPLETED, _NON_INVITE_FINAL),
    (S.TRYING, In.TRANSPORT_ERROR): (S.TERMINATED, ("transport_error",)),
    (S.PROCEEDING, In.TIMER_E): (S.PROCEEDING, ("resend", "t2:E")),
    (S.PROCEEDING, In.TIMER_F): (S.TERMINATED, ("timeout:F",)),
    (S.PROCEEDING, In.PROVISIONAL): (S.PROCEEDING, ("deliver",)),
    (S.PROCEEDING, In.SUCCESS): (S.COMPLETED, _NON_INVITE_FINAL),
    (S.PROCEEDING, In.FAILURE): (S.COMPLETED, _NON_INVITE_FINAL),
    (S.PROCEEDING, In.TRANSPORT_ERROR): (S.TERMINATED, ("transport_error",)),
    (S.COMPLETED, In.TIMER_K): (S.TERMINATED, ()),
}

# Section 17.2.1 (Figure 7) with RFC 6026 section 7.1 (Accepted state).
SERVER_INVITE: Table = {
    (S.PROCEEDING, In.REQUEST): (S.PROCEEDING, ("resend",)),
    (S.PROCEEDING, In.SEND_PROVISIONAL): (S.PROCEEDING, ("send",)),
    (S.PROCEEDING, In.SEND_SUCCESS): (S.ACCEPTED, ("send", "start:L")),
    (S.PROCEEDING, In.SEND_FAILURE): (S.COMPLETED, ("send", "start:G", "start:H")),
    (S.PROCEEDING, In.TRANSPORT_ERROR): (S.TERMINATED, ("transport_error",)),
    (S.COMPLETED, In.REQUEST): (S.COMPLETED, ("resend",)),
    (S.COMPLETED, In.ACK): (S.CONFIRMED, ("stop:G", "stop:H", "start:I")),
    (S.COMPLETED, In.TIMER_G): (S.COMPLETED, ("resend", "backoff_t2:G")),
    (S.COMPLETED, In.TIMER_H): (S.TERMINATED, ("timeout:H",)),
    (S.COMPLETED, In.TRANSPORT_ERROR): (S.TERMINATED, ("transport_error",)),
    (S.CONFIRMED, In.TIMER_I): (S.TERMINATED, ()),
    (S.ACCEPTED, In.ACK): (S.ACCEPTED, ("deliver",)),
    (S.ACCEPTED, In.SEND_SUCCESS): (S.ACCEPTED, ("send",)),  # the TU's 2xx retransmissions
    (S.ACCEPTED, In.TIMER_L): (S.TERMINATED, ()),
}

# Section 17.2.2 (Figure 8).
SERVER_NON_INVITE: Table = {
    (S.TRYING, In.SEND_PROVISIONAL): (S.PROCEEDING, ("send",)),
    (S.TRYING, In.SEND_SUCCESS): (S.COMPLETED, ("send", "start:J")),
    (S.TRYING, In.SEND_FAILURE): (S.COMPLETED, ("send", "start:J")),
    (S.PROCEEDING, In.REQUEST): (S.PROCEEDING, ("resend",)),
    (S.PROCEEDING, In.SEND_PROVISIONAL): (S.PROCEEDING, ("send",)),
    (S.PROCEEDING, In.SEND_SUCCESS): (S.COMPLETED, ("send", "start:J")),
    (S.PROCEEDING, In.SEND_FAILURE): (S.COMPLETED, ("send", "start:J")),
    (S.PROCEEDING, In.TRANSPORT_ERROR): (S.TERMINATED, ("transport_error",)),
    (S.COMPLETED, In.REQUEST): (S.COMPLETED, ("resend",)),
    (S.COMPLETED, In.TRANSPORT_ERROR): (S.TERMINATED, ("transport_error",)),
    (S.COMPLETED, In.TIMER_J): (S.TERMINATED, ()),
}


def _response_input(status: int, *, sending: bool) -> In:
    if status < 200:
        return In.SEND_PROVISIONAL if sending else In.PROVISIONAL
    if status < 300:
        return In.SEND_SUCCESS if sending else In.SUCCESS
    return In.SEND_FAILURE if sending else In.FAILURE


def client_key(message: SipMessage) -> tuple[str, str]:
    """Client transaction id of a response: top Via branch and CSeq method (17.1.3)."""
    return message.branch or "", message.cseq.method


def server_key(request: SipRequest) -> tuple[str, str, int, str]:
    """Server transaction id (17.2.3): branch, sent-by and method, ACK matching INVITE."""
    top = request.via[0]
    host, port = top.sent_by
    method = "INVITE" if request.method == "ACK" else request.method
    branch = top.branch or f"rfc2543:{request.call_id}:{request.from_.tag}:{request.cseq.seq}"
    return branch, host.lower(), port, method


class _Transaction:
    """Shared machinery: table dispatch, timers, event queue."""

    TABLE: ClassVar[Table]
    INITIAL: ClassVar[TxState]

    def __init__(self, request: SipRequest, peer: Address, config: TimerConfig) -> None:
        self.request = request
        self.peer = peer
        self.config = config
        self.state = self.INITIAL
        self._timers: dict[str, float] = {}
        self._intervals: dict[str, float] = {}
        self._events: list[TransactionEvent] = []
        self._last: Transmit | None = None
        self._message: SipMessage | None = None  # the input being handled

    def events(self) -> list[TransactionEvent]:
        """Return and forget the events produced since the last call."""
        out, self._events = self._events, []
        return out

    @property
    def terminated(self) -> bool:
        """True once the machine reached Terminated."""
        return self.state is TxState.TERMINATED

    def next_timer(self) -> float | None:
        """When ``handle_timer`` is next due, or None."""
        return min(self._timers.values(), default=None)

    def handle_timer(self, now: float) -> None:
        """Fire every timer due at ``now``, earliest first."""
        while self._timers:
            name, when = min(self._timers.items(), key=lambda item: item[1])
            if when > now:
                break
            del self._timers[name]
            self._feed(In[f"TIMER_{name}"], when, None)

    def transport_error(self, now: float, reason: str) -> None:
        """Tell the transaction the transport failed to send one of its messages."""
        self._feed(In.TRANSPORT_ERROR, now, None, reason=reason)

    def _feed(self, inp: In, now: float, message: SipMessage | None, *, reason: str = "") -> bool:
        entry = self.TABLE.get((self.state, inp))
        if entry is None:
            return False
        self.state, actions = entry
        self._message = message
        for action in actions:
            self._act(action, now, reason)
        if self.state is TxState.TERMINATED:
            self._timers.clear()
            self._events.append(Terminated())
        return True

    def _act(self, action: str, now: float, reason: str) -> None:
        verb, _, timer = action.partition(":")
        if verb == "start":
            interval = self.config.duration(timer)
            if timer in "AEG" and self.config.reliable:
                return  # no retransmissions over a reliable transport
            self._intervals[timer] = interval
            self._timers[timer] = now + interval
        elif verb == "stop":
            self._timers.pop(timer, None)
        elif verb in ("backoff", "backoff_t2", "t2"):
            interval = 2 * self._intervals[timer]
            if verb == "backoff_t2":
                interval = min(interval, self.config.t2)
            elif verb == "t2":
                interval = self.config.t2
            self._intervals[timer] = interval
            self._timers[timer] = now + interval
        elif verb == "resend":
            if self._last is not None:
                self._events.append(self._last)
        elif verb == "send":
            assert self._message is not None
            self._transmit(self._message)
        elif verb == "deliver":
            if isinstance(self._message, SipResponse):
                self._events.append(ResponseReceived(self._message))
            elif isinstance(self._message, SipRequest):
                self._events.append(RequestReceived(self._message))
        elif verb == "ack":
            assert isinstance(self._message, SipResponse)
            ack = self._non_2xx_ack(self._message)
            self._events.append(Transmit(bytes(ack), ack, self.peer))
        elif verb == "timeout":
            self._events.append(TransactionTimedOut(timer))
        elif verb == "transport_error":
            self._events.append(TransportError(reason))
        else:  # pragma: no cover - the tables only name the verbs above
            raise AssertionError(f"unknown action {action!r}")

    def _transmit(self, message: SipMessage) -> None:
        self._last = Transmit(bytes(message), message, self.peer)
        self._events.append(self._last)

    def _non_2xx_ack(self, response: SipResponse) -> SipRequest:
        raise AssertionError("only INVITE client transactions ACK")


class ClientInviteTransaction(_Transaction):
    """INVITE client transaction (17.1.1); sends the INVITE on construction."""

    TABLE = CLIENT_INVITE
    INITIAL = TxState.CALLING

    def __init__(
        self, request: SipRequest, peer: Address, now: float, config: TimerConfig | None = None
    ) -> None:
        if request.method != "INVITE":
            raise ValueError(f"ClientInviteTransaction needs an INVITE, got {request.method}")
        super().__init__(request, peer, config or TimerConfig())
        self.key = client_key(request)
        self._transmit(request)
        self._act("start:A", now, "")
        self._act("start:B", now, "")

    def receive(self, response: SipResponse, now: float) -> None:
        """Feed a response matched to this transaction."""
        self._feed(_response_input(response.status, sending=False), now, response)

    def _non_2xx_ack(self, response: SipResponse) -> SipRequest:
        # Section 17.1.1.3: same Request-URI, Call-ID, From, CSeq number, top Via and Route
        # as the INVITE; To from the response (it carries the tag).
        invite = self.request
        items = [
            ("Via", invite.headers.get_all("Via")[0]),
            ("Max-Forwards", "70"),
            ("From", invite.headers.get("From") or ""),
            ("To", response.headers.get("To") or ""),
            ("Call-ID", invite.call_id),
            ("CSeq", f"{invite.cseq.seq} ACK"),
        ]
        items += [("Route", r) for r in invite.headers.get_all("Route")]
        return SipRequest("ACK", invite.uri, Headers(items))


class ClientNonInviteTransaction(_Transaction):
    """Non-INVITE client transaction (17.1.2); sends the request on construction."""

    TABLE = CLIENT_NON_INVITE
    INITIAL = TxState.TRYING

    def __init__(
        self, request: SipRequest, peer: Address, now: float, config: TimerConfig | None = None
    ) -> None:
        if request.method in ("INVITE", "ACK"):
            raise ValueError(f"{request.method} does not use a non-INVITE client transaction")
        super().__init__(request, peer, config or TimerConfig())
        self.key = client_key(request)
        self._transmit(request)
        self._act("start:E", now, "")
        self._act("start:F", now, "")

    def receive(self, response: SipResponse, now: float) -> None:
        """Feed a response matched to this transaction."""
        self._feed(_response_input(response.status, sending=False), now, response)


class _ServerTransaction(_Transaction):
    def __init__(self, request: SipRequest, peer: Address, config: TimerConfig | None) -> None:
        super().__init__(request, peer, config or TimerConfig())
        self.key = server_key(request)

    def receive(self, request: SipRequest, now: float) -> None:
        """Feed a request matched to this transaction (a retransmission, or an ACK)."""
        self._feed(In.ACK if request.method == "ACK" else In.REQUEST, now, request)

    def send_response(self, response: SipResponse, now: float) -> None:
        """Send a response from the TU; ValueError if the state does not allow it."""
        if response.cseq.method != self.request.method:
            raise ValueError(f"response CSeq {response.cseq} does not answer {self.request.method}")
        inp = _response_input(response.status, sending=True)
        if not self._feed(inp, now, response):
            raise ValueError(f"cannot send {response.status} in state {self.state.value}")


class ServerInviteTransaction(_ServerTransaction):
    """INVITE server transaction (17.2.1); answers 100 Trying at once unless told not to."""

    TABLE = SERVER_INVITE
    INITIAL = TxState.PROCEEDING

    def __init__(
        self,
        request: SipRequest,
        peer: Address,
        now: float,
        config: TimerConfig | None = None,
        *,
        send_trying: bool = True,
    ) -> None:
        if request.method != "INVITE":
            raise ValueError(f"ServerInviteTransaction needs an INVITE, got {request.method}")
        super().__init__(request, peer, config)
        if send_trying:
            self.send_response(build_response(request, 100), now)


class ServerNonInviteTransaction(_ServerTransaction):
    """Non-INVITE server transaction (17.2.2)."""

    TABLE = SERVER_NON_INVITE
    INITIAL = TxState.TRYING

    def __init__(
        self, request: SipRequest, peer: Address, now: float, config: TimerConfig | None = None
    ) -> None:
        if request.method in ("INVITE", "ACK"):
            raise ValueError(f"{request.method} does not use a non-INVITE server transaction")
        super().__init__(request, peer, config)
