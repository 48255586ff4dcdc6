"""The sans-IO SIP user agent core: transactions, dialogs and invite sessions together.

Feed it messages with ``receive(data, peer, now, transport=...)``; drain what it wants
sent with ``outgoing()`` (or ``datagrams()`` when only UDP is used) and what happened with
``events()``; call ``handle_timer(now)`` when ``next_timer()`` says so. No sockets and no
clock: the asyncio transport and the in-memory test pairs drive it the same way.

On its own, per RFC 3261, it:
- matches responses to client transactions and requests to server transactions
  (17.1.3 / 17.2.3), so retransmissions are absorbed;
- answers 501 to methods it does not allow, 481 to requests for unknown dialogs or
  transactions (12.2.2, 9.2), 500 to out-of-order in-dialog requests, 482 to merged
  requests (8.2.2.2), 400 (505, 513) to malformed requests it can still route, 200 + 487
  to CANCEL;
- handles re-INVITEs both ways (section 14, :mod:`harness.sip.modify`) and follows 3xx
  redirects (8.1.3.4, :mod:`harness.sip.redirect`);
- routes ACKs and stray 2xx retransmissions to their dialog (13.2.2.4, 13.3.1.4);
- retries once with Digest credentials on 401/407 when given credentials (22.2);
- reports every message in and out through ``on_trace`` with the time and the peer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from harness.sip import inbound
from harness.sip.auth import Credentials, authorize_retry
from harness.sip.dialog import Dialog
from harness.sip.events import (
    CallEnded,
    CallHandle,
    EndedBy,
    RequestCompleted,
    UaEvent,
)
from harness.sip.grammar import SipParseError
from harness.sip.handles import ClientRequest, ServerRequest
from harness.sip.headers import Headers
from harness.sip.message import (
    MAX_MESSAGE_SIZE,
    SipMessage,
    SipRequest,
    SipResponse,
    SipUri,
    make_call_id,
    make_tag,
    parse_message,
)
from harness.sip.modify import ClientReinvite, ServerReinvite
from harness.sip.salvage import error_response
from harness.sip.session import CallState, InviteSession
from harness.sip.transaction import (
    Address,
    TimerConfig,
    server_key,
)
from harness.sip.txlayer import ClientTx, ServerTx, SipTrace, Timed, TransactionLayer
from harness.sip.uac import ClientInviteSession
from harness.sip.uas import ServerInviteSession
from harness.sip.uri import NameAddr

__all__ = ["DEFAULT_ALLOW", "ClientRequest", "ServerRequest", "SipTrace", "UserAgent"]

DEFAULT_ALLOW = ("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "INFO", "MESSAGE", "NOTIFY")


_Owner = InviteSession | ClientRequest | ClientReinvite | ServerReinvite


class UserAgent(TransactionLayer[_Owner]):
    """A SIP user agent core bound to one local transport address (sans-IO).

    ``destination_filter`` may refuse a destination (returning the reason): nothing is
    sent there, the trace records the refusal and a request fails at once.
    """

    def __init__(
        self,
        local: Address,
        *,
        user_agent: str = "callproof",
        timers: TimerConfig | None = None,
        on_trace: Callable[[SipTrace], None] | None = None,
        allow: Iterable[str] = DEFAULT_ALLOW,
        outbound_proxy: Address | None = None,
        transport: str = "UDP",
        destination_filter: Callable[[Address], str | None] | None = None,
        tcp: bool = False,
    ) -> None:
        super().__init__(
            local,
            timers=timers,
            on_trace=on_trace,
            transport=transport,
            destination_filter=destination_filter,
            tcp=tcp,
        )
        self.user_agent = user_agent
        self.allow = tuple(allow)
        self.outbound_proxy = outbound_proxy
        self._dialogs: dict[tuple[str, str, str], InviteSession] = {}
        self._sessions: dict[InviteSession, None] = {}  # an insertion-ordered set
        self._by_handle: dict[CallHandle, InviteSession] = {}
        self._merged: dict[tuple[str, str, int], str] = {}  # -> branch (8.2.2.2)
        self._reap: deque[tuple[float, InviteSession]] = deque()
        self._events: list[UaEvent] = []

    # --- driving --------------------------------------------------------------------------

    def events(self) -> list[UaEvent]:
        """Return and forget the events produced since the last call."""
        out, self._events = self._events, []
        return out

    def next_timer(self) -> float | None:
        """Earliest time ``handle_timer`` must run, or None when nothing is pending."""
        due = super().next_timer()
        if self._reap and (due is None or self._reap[0][0] < due):
            return self._reap[0][0]
        return due

    def handle_timer(self, now: float) -> None:
        """Run every timer due at ``now``: transactions, sessions, then forgetting."""
        super().handle_timer(now)
        while self._reap and self._reap[0][0] <= now:
            self._forget(self._reap.popleft()[1])

    def session(self, handle: CallHandle) -> InviteSession | None:
        """The call an event names, while the core still tracks it (64*T1 after its end)."""
        return self._by_handle.get(handle)

    def open_dialogs(self) -> list[InviteSession]:
        """Calls not terminated yet (a leak if any remain after a scenario)."""
        return [s for s in self._sessions if s.live]

    # --- outgoing requests ----------------------------------------------------------------

    def invite(
        self,
        target: SipUri | str,
        from_uri: SipUri | NameAddr | str,
        sdp: bytes | None,
        now: float,
        *,
        headers: Iterable[tuple[str, str]] = (),
        credentials: Credentials | None = None,
        peer: Address | None = None,
    ) -> ClientInviteSession:
        """Start an outgoing call to ``target`` (section 13.2.1)."""
        uri = target if isinstance(target, SipUri) else SipUri.parse(target)
        dest = peer or self.outbound_proxy or uri.address
        request = self._new_request(
            "INVITE", uri, from_uri, None, headers, sdp, "application/sdp", dest
        )
        session = ClientInviteSession(
            self, "uac", request, CallState.CALLING, dest, local_sdp=sdp, credentials=credentials
        )
        session.history.append((now, CallState.CALLING))
        self._track(session)
        self._start_client(request, dest, session, now)
        return session

    def request(
        self,
        method: str,
        target: SipUri | str,
        now: float,
        *,
        from_uri: SipUri | NameAddr | str,
        to_uri: SipUri | NameAddr | str | None = None,
        headers: Iterable[tuple[str, str]] = (),
        body: bytes = b"",
        content_type: str | None = None,
        credentials: Credentials | None = None,
        peer: Address | None = None,
    ) -> ClientRequest:
        """Send an out-of-dialog non-INVITE request (OPTIONS, REGISTER, MESSAGE...)."""
        if method in ("INVITE", "ACK", "CANCEL", "BYE"):
            raise ValueError(f"use invite() and the call's methods for {method}")
        uri = target if isinstance(target, SipUri) else SipUri.parse(target)
        dest = peer or self.outbound_proxy or uri.address
        request = self._new_request(
            method, uri, from_uri, to_uri, headers, body, content_type, dest
        )
        handle = ClientRequest(request, dest, credentials)
        self._start_client(request, handle.peer, handle, now)
        return handle

    def request_in_dialog(
        self,
        session: InviteSession,
        method: str,
        now: float,
        *,
        body: bytes = b"",
        content_type: str | None = None,
        headers: Iterable[tuple[str, str]] = (),
    ) -> ClientRequest:
        """Send INFO, MESSAGE, NOTIFY... inside an established call (section 12.2.1)."""
        if session.dialog is None or session.state is not CallState.CONFIRMED:
            raise ValueError("the call has no confirmed dialog")
        if method in ("INVITE", "ACK", "CANCEL", "BYE"):
            raise ValueError(f"{method} is sent by the call itself")
        hop = session.dialog.next_hop()
        request = self._stamp(
            session.dialog.create_request(method, body, content_type, headers), hop
        )
        handle = ClientRequest(request, hop)
        self._start_client(request, handle.peer, handle, now)
        return handle

    def register(
        self,
        registrar: SipUri | str,
        aor: SipUri | str,
        now: float,
        *,
        credentials: Credentials | None = None,
        expires: int = 3600,
        peer: Address | None = None,
    ) -> ClientRequest:
        """REGISTER our contact for ``aor`` (section 10.2); ``expires=0`` unregisters."""
        aor_uri = aor if isinstance(aor, SipUri) else SipUri.parse(aor)
        return self.request(
            "REGISTER",
            registrar,
            now,
            from_uri=aor_uri,
            to_uri=aor_uri,
            headers=[("Expires", str(expires))],
            credentials=credentials,
            peer=peer,
        )

    def _new_request(
        self,
        method: str,
        uri: SipUri,
        from_uri: SipUri | NameAddr | str,
        to_uri: SipUri | NameAddr | str | None,
        extra: Iterable[tuple[str, str]],
        body: bytes | None,
        content_type: str | None,
        dest: Address,
    ) -> SipRequest:
        local = _name_addr(from_uri)
        remote = _name_addr(to_uri) if to_uri is not None else NameAddr(None, uri.without_headers())
        items = [
            ("Max-Forwards", "70"),
            ("From", str(local.with_tag(make_tag()))),
            ("To", str(remote)),
            ("Call-ID", make_call_id(self.local[0])),
            ("CSeq", f"1 {method}"),
            ("Contact", self.contact(local.uri.user)),
            ("User-Agent", self.user_agent),
        ]
        if method == "INVITE":
            items.append(("Allow", ", ".join(self.allow)))
        items += list(extra)
        if body:
            items.append(("Content-Type", content_type or "application/sdp"))
        return self._stamp(SipRequest(method, uri, Headers(items), body or b""), dest)

    # --- the core the sessions, handles and the inbound router use ------------------------
    #
    # Everything below is public so that the call objects (session, uac, uas, modify,
    # handles), the inbound router and the asyncio transport never reach into this class.
    # Applications drive the agent with the methods above; these are for the SIP stack.

    def contact(self, user: str | None = None) -> str:
        """A Contact value for this user agent (``;transport=tcp`` when it prefers TCP)."""
        who = f"{user}@" if user else ""
        param = ";transport=tcp" if self.transport == "TCP" else ""
        return f"<sip:{who}{self.contact_host}:{self.local[1]}{param}>"

    def stamp(self, request: SipRequest, peer: Address | None = None) -> SipRequest:
        """Return ``request`` with our Via on top (a new branch); see ``TransactionLayer``."""
        return self._stamp(request, peer)

    def start_transaction(
        self, request: SipRequest, peer: Address, owner: _Owner, now: float
    ) -> None:
        """Send ``request`` to ``peer`` in a new client transaction reporting to ``owner``."""
        self._start_client(request, peer, owner, now)

    def send_stateless(self, message: SipMessage, peer: Address, now: float) -> bool:
        """Send ``message`` outside any transaction (an ACK to a 2xx, a late 2xx).

        Returns False when the destination filter refused ``peer`` (nothing was sent).
        """
        return self._emit(bytes(message), message, peer, now)

    def reschedule(self, owner: Timed) -> None:
        """Note that ``owner``'s next timer may have changed."""
        self._schedule(owner)

    def report(self, event: UaEvent) -> None:
        """Queue ``event`` for the next :meth:`events`."""
        self._events.append(event)

    def trace(
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
        """Report one message (or a failure to read or send one) through ``on_trace``."""
        self._trace(now, direction, peer, raw, message, error, transport=transport)

    def timers_for(self, request: SipRequest) -> TimerConfig:
        """The timers a transaction for ``request`` runs with (reliable ones over TCP)."""
        return self._timers_for(request)

    def send_unreported(self, request: SipRequest, peer: Address, now: float) -> None:
        """Send a request the application never asked for (a BYE to an extra fork)."""
        self._start_client(request, peer, ClientRequest(request, peer, report=False), now)

    def drop_invite_transaction(self, session: ClientInviteSession) -> None:
        """Forget the client transaction of ``session``'s INVITE; later 2xx go to the dialog."""
        self._client.pop((session.invite.branch or "", "INVITE"), None)

    def respond_to(
        self, request: SipRequest, peer: Address, response: SipResponse, now: float
    ) -> None:
        """Send a response to an INVITE through its transaction while it lives."""
        entry = self._server.get(server_key(request))
        if entry is None:  # Timer L ended it; a late 2xx retransmission goes out directly
            self._emit(bytes(response), response, peer, now)
            return
        entry[0].send_response(response, now)
        self._drain_server(entry[0], now)

    def server_transaction(
        self, key: tuple[str, str, int, str]
    ) -> tuple[ServerTx, _Owner | None] | None:
        """The live server transaction with ``key`` (17.2.3) and its owner, if any."""
        return self._server.get(key)

    def add_server_transaction(self, tx: ServerTx, owner: _Owner | None) -> None:
        """Keep ``tx`` so that retransmissions and CANCEL find it; ``owner`` hears of it."""
        self._server[tx.key] = (tx, owner)

    def flush_server_transaction(self, tx: ServerTx, now: float) -> None:
        """Send what ``tx`` wants sent and act on what it reported."""
        self._drain_server(tx, now)

    def bind_dialog(self, dialog: Dialog, s: InviteSession) -> Dialog:
        """Route in-dialog requests for ``dialog`` to ``s``; returns ``dialog``."""
        dialog.user_agent = self.user_agent
        self._dialogs[dialog.id] = s
        return dialog

    def unbind_dialog(self, dialog: Dialog) -> None:
        """Stop routing requests for ``dialog`` (a fork replaced it, or the call is gone)."""
        self._dialogs.pop(dialog.id, None)

    def dialog_session(self, dialog_id: tuple[str, str, str]) -> InviteSession | None:
        """The call whose dialog is ``(call_id, local_tag, remote_tag)``, if still known."""
        return self._dialogs.get(dialog_id)

    def merged_branch(self, key: tuple[str, str, int]) -> str | None:
        """The branch of the INVITE first seen with ``(call_id, from_tag, cseq)`` (8.2.2.2)."""
        return self._merged.get(key)

    def add_incoming_call(
        self, s: ServerInviteSession, merged_key: tuple[str, str, int], branch: str
    ) -> None:
        """Track a new incoming call; later copies of its INVITE by another path get 482."""
        self._track(s)
        self._merged[merged_key] = branch

    def _track(self, s: InviteSession) -> None:
        self._sessions[s] = None
        self._by_handle[s.handle] = s

    def known_sessions(self) -> list[InviteSession]:
        """Every call the core still tracks, ended ones included until they are forgotten."""
        return list(self._sessions)

    def session_ended(self, s: InviteSession, by: EndedBy, reason: str, now: float) -> None:
        """``s`` ended: settle its re-INVITEs, report it, and forget it after 64*T1."""
        if s.outgoing_reinvite is not None:
            s.outgoing_reinvite._abandon(now)
        if s.incoming_reinvite is not None:
            s.incoming_reinvite._terminate(now)
        self._events.append(CallEnded(s.handle, by, reason))
        # Keep the dialog findable for stray retransmissions for 64*T1, then forget it.
        self._reap.append((now + 64 * self.timers.t1, s))

    def _forget(self, s: InviteSession) -> None:
        if s.dialog is not None:
            self.unbind_dialog(s.dialog)
        if isinstance(s, ServerInviteSession):
            self._merged.pop((s.call_id, s.invite.from_.tag or "", s.invite.cseq.seq), None)
        self._sessions.pop(s, None)
        self._by_handle.pop(s.handle, None)

    def auth_retry(
        self, request: SipRequest, response: SipResponse, creds: Credentials | None, attempts: int
    ) -> SipRequest | None:
        """The request to send again with credentials after a 401/407, or None (22.2)."""
        if creds is None or response.status not in (401, 407) or attempts >= 2:
            return None
        retry = authorize_retry(request, response, creds, stale_only=attempts > 0)
        return self._stamp(retry) if retry is not None else None

    # --- transaction events ---------------------------------------------------------------

    def _tx_response(self, tx: ClientTx, owner: _Owner, response: SipResponse, now: float) -> None:
        if isinstance(owner, ClientRequest):
            self._request_response(owner, response, now)
        elif isinstance(owner, ClientReinvite):
            if tx.request is owner.request:
                owner._on_response(response, now)
        elif isinstance(owner, ServerReinvite):
            pass  # never the owner of a client transaction
        elif tx.request.method == "BYE":
            owner._on_bye_result(response)
        elif isinstance(owner, ClientInviteSession):
            owner._on_response(response, now)

    def _tx_failure(
        self, tx: ClientTx, owner: _Owner, why: str, timed_out: bool, now: float
    ) -> None:
        if isinstance(owner, ClientRequest):
            if tx.request is owner.request:
                owner.error, owner.done = why, True
                if owner.report:
                    self._events.append(RequestCompleted(owner))
        elif isinstance(owner, ClientReinvite):
            if tx.request is owner.request:
                owner._on_transaction_failure(why, timed_out, now)
        elif isinstance(owner, ServerReinvite):
            pass
        elif tx.request.method == "BYE":
            owner._on_bye_result(None)
        elif isinstance(owner, ClientInviteSession):
            owner._on_transaction_failure(tx.request, why, now, timed_out=timed_out)

    def _tx_ack(self, ack: SipRequest, now: float) -> None:
        inbound.route_ack(self, ack, now)

    def _request_response(self, handle: ClientRequest, response: SipResponse, now: float) -> None:
        if response.status < 200:
            handle.provisional.append(response)
            return
        retry = self.auth_retry(handle.request, response, handle.credentials, handle.auth_attempts)
        if retry is not None:
            handle.auth_attempts += 1
            handle.request = retry
            self._start_client(retry, handle.peer, handle, now)
            return
        handle.response, handle.done = response, True
        if handle.report:
            self._events.append(RequestCompleted(handle))

    # --- incoming -------------------------------------------------------------------------

    def receive(self, data: bytes, peer: Address, now: float, *, transport: str = "UDP") -> None:
        """Feed one message received from ``peer`` (a datagram, or one framed off a stream).

        Never raises on what a peer sends: what cannot be parsed is traced and answered
        400 (505, 513) when it is a request whose Via can be read, else dropped.
        """
        if not data.strip(b"\r\n"):
            return  # keep-alive CRLFs (RFC 5626 section 3.5.1)
        stream = transport.upper() != "UDP"
        try:
            if len(data) > MAX_MESSAGE_SIZE:
                raise SipParseError(f"message of {len(data)} bytes is too large", status=513)
            message = parse_message(data)
        except SipParseError as exc:
            self._trace(now, "in", peer, data, None, exc.reason, transport=transport)
            reply = error_response(data, exc)
            if reply is not None:
                self._emit(bytes(reply), reply, peer, now)
            return
        self._trace(now, "in", peer, data, message, transport=transport)
        try:
            if isinstance(message, SipResponse):
                self._receive_response(message, now)
            else:
                # Over a stream, responses go back on the connection it came on (18.2.2).
                source = peer if stream else None
                self._receive_request(inbound.mark_received(message, peer), now, source)
        except SipParseError as exc:
            # Well-formed, but a value needed to route it is not (a Record-Route, a tag...).
            reason = f"dropped: {exc.reason}"
            self._trace(now, "in", peer, data, message, reason, transport=transport)

    def _receive_response(self, response: SipResponse, now: float) -> None:
        entry = self._client.get((response.branch or "", response.cseq.method))
        if entry is not None:
            tx, owner = entry
            tx.receive(response, now)
            self._drain_client(tx, owner, now)
        elif response.cseq.method == "INVITE" and 200 <= response.status < 300:
            # A 2xx retransmission after the transaction ended: the dialog re-ACKs it.
            key = (response.call_id, response.from_.tag or "", response.to.tag or "")
            s = self._dialogs.get(key)
            out = s.outgoing_reinvite if s is not None else None
            if out is not None and out.request is not None and response.cseq == out.request.cseq:
                out._on_response(response, now)
            elif isinstance(s, ClientInviteSession) and response.cseq == s.invite.cseq:
                s._on_2xx(response, now)

    def _receive_request(
        self, request: SipRequest, now: float, source: Address | None = None
    ) -> None:
        inbound.receive_request(self, request, now, source)


def _name_addr(value: SipUri | NameAddr | str) -> NameAddr:
    if isinstance(value, NameAddr):
        return value
    if isinstance(value, SipUri):
        return NameAddr(None, value)
    return NameAddr.parse(value)
