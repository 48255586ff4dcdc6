"""The receiving side of the user agent core: what each incoming request leads to.

Functions of the :class:`~harness.sip.useragent.UserAgent` they are given, split out to keep
the core readable. They follow RFC 3261 sections 8.2 (UAS behaviour), 9.2 (CANCEL), 12.2.2
(requests within a dialog), 13.3 and 14.2 (INVITE and re-INVITE), 17.2.3 (matching) and
18.2 (where responses go).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from harness.sip.events import IncomingCall, IncomingRequest, ReinviteReceived
from harness.sip.handles import ServerRequest
from harness.sip.message import SipRequest, build_response, make_tag
from harness.sip.modify import ServerReinvite
from harness.sip.session import CallState, InviteSession
from harness.sip.transaction import (
    Address,
    ServerInviteTransaction,
    ServerNonInviteTransaction,
    server_key,
)
from harness.sip.txlayer import ServerTx
from harness.sip.uas import ServerInviteSession

if TYPE_CHECKING:
    from harness.sip.useragent import UserAgent

__all__ = ["mark_received", "receive_request", "reply", "response_peer"]


def receive_request(
    ua: UserAgent, request: SipRequest, now: float, source: Address | None = None
) -> None:
    """Route a request that parsed: its transaction, an ACK, CANCEL, a dialog or a new call."""
    entry = ua.server_transaction(server_key(request))
    if entry is not None:
        entry[0].receive(request, now)  # a retransmission, or the ACK of a non-2xx
        ua.flush_server_transaction(entry[0], now)
        return
    if request.method == "ACK":
        route_ack(ua, request, now)
        return
    dest = source or response_peer(request)
    if request.method == "CANCEL":
        receive_cancel(ua, request, dest, now)
    elif request.method not in ua.allow:
        reply(ua, request, dest, 501, now, extra=[("Allow", ", ".join(ua.allow))])
    elif request.to.tag is not None:
        receive_in_dialog(ua, request, dest, now)
    elif request.method == "INVITE":
        receive_invite(ua, request, dest, now)
    elif request.method == "BYE":
        reply(ua, request, dest, 481, now)
    else:
        deliver(ua, request, dest, None, now)


def route_ack(ua: UserAgent, ack: SipRequest, now: float) -> None:
    """Give an ACK to the INVITE (or re-INVITE) of its dialog; stray ACKs are dropped."""
    s = ua.dialog_session((ack.call_id, ack.to.tag or "", ack.from_.tag or ""))
    if s is None:
        return  # an ACK is never answered (17.2.3): a stray one is dropped
    incoming = s.incoming_reinvite
    if incoming is not None and ack.cseq.seq == incoming.request.cseq.seq:
        incoming._on_ack(ack, now)
    elif isinstance(s, ServerInviteSession):
        s._on_ack(ack, now)
        s._dialog_freed(now)  # a re-INVITE asked for before this ACK may go now


def receive_invite(ua: UserAgent, request: SipRequest, dest: Address, now: float) -> None:
    """A new INVITE: refuse it (482, 400, 415, 420) or start a call (13.3.1)."""
    merged_key = (request.call_id, request.from_.tag or "", request.cseq.seq)
    first_branch = ua.merged_branch(merged_key)
    if first_branch is not None:
        if first_branch != request.branch:  # same request, another path
            reply(ua, request, dest, 482, now)  # 8.2.2.2
        return  # else a late retransmission after Timer L: already handled
    problem = _invite_problem(request)
    if problem is not None:
        reply(ua, request, dest, problem[0], now, reason=problem[1], extra=problem[2])
        return
    tx = ServerInviteTransaction(request, dest, now, ua.timers_for(request))
    s = ServerInviteSession(
        ua,
        "uas",
        request,
        CallState.INCOMING,
        dest,
        remote_sdp=request.body or None,
        local_tag=make_tag(),
    )
    s.history.append((now, CallState.INCOMING))
    ua.add_server_transaction(tx, s)
    ua.add_incoming_call(s, merged_key, request.branch or "")
    ua.flush_server_transaction(tx, now)
    ua.report(IncomingCall(s.handle, request))


def receive_cancel(ua: UserAgent, cancel: SipRequest, dest: Address, now: float) -> None:
    """CANCEL (9.2): 200 to it, then 487 to the INVITE it names if still unanswered."""
    entry = ua.server_transaction((*server_key(cancel)[:3], "INVITE"))
    if entry is None:
        reply(ua, cancel, dest, 481, now)  # 9.2: no matching INVITE transaction
        return
    reply(ua, cancel, dest, 200, now)
    owner = entry[1]
    if isinstance(owner, ServerInviteSession):
        owner._on_cancel(now)
    elif isinstance(owner, ServerReinvite) and not owner.answered:
        owner.reject(487, now)  # 9.2; the call itself goes on


def receive_in_dialog(ua: UserAgent, request: SipRequest, dest: Address, now: float) -> None:
    """A request with a To tag: 481 without its dialog, 500 out of CSeq order (12.2.2)."""
    s = ua.dialog_session((request.call_id, request.to.tag or "", request.from_.tag or ""))
    if s is None or s.dialog is None or not s.live:
        reply(ua, request, dest, 481, now)
        return
    if not s.dialog.check_remote_cseq(request):
        reply(ua, request, dest, 500, now, reason="Out of order CSeq")
        return
    if request.method == "BYE":
        reply(ua, request, dest, 200, now)
        s._on_bye(now)
    elif request.method == "INVITE":
        receive_reinvite(ua, s, request, dest, now)
    else:
        deliver(ua, request, dest, s, now)


def receive_reinvite(
    ua: UserAgent, s: InviteSession, request: SipRequest, dest: Address, now: float
) -> None:
    """Admit a re-INVITE (section 14.2) and announce it, or refuse it at once."""
    outgoing, incoming = s.outgoing_reinvite, s.incoming_reinvite
    ours_running = (outgoing is not None and outgoing.state == "sent") or (
        s.role == "uac" and s.pre_answer
    )
    if ours_running:
        reply(ua, request, dest, 491, now)  # glare: both sides wanted a change
        return
    if (incoming is not None and not incoming.answered) or (s.role == "uas" and s.pre_answer):
        retry = [("Retry-After", str(ua.rng.randint(0, 10)))]
        reply(ua, request, dest, 500, now, extra=retry)  # 14.2: ours is unanswered
        return
    if request.body and request.content_type != "application/sdp":
        reply(ua, request, dest, 415, now, extra=[("Accept", "application/sdp")])
        return
    if incoming is not None:
        incoming._supersede()
    handle = ServerReinvite(s, request, dest)
    tx = ServerInviteTransaction(request, dest, now, ua.timers_for(request))
    ua.add_server_transaction(tx, handle)
    s.incoming_reinvite = handle
    ua.flush_server_transaction(tx, now)
    ua.report(ReinviteReceived(s.handle, request, request.body or None))


def deliver(
    ua: UserAgent, request: SipRequest, dest: Address, s: InviteSession | None, now: float
) -> None:
    """Hand a non-INVITE request to the application in a server transaction."""
    tx = ServerNonInviteTransaction(request, dest, now, ua.timers_for(request))
    ua.add_server_transaction(tx, s)
    ua.report(IncomingRequest(ServerRequest(request, dest, ua, tx), s.handle if s else None))


def reply(
    ua: UserAgent,
    request: SipRequest,
    dest: Address,
    status: int,
    now: float,
    *,
    reason: str | None = None,
    extra: Iterable[tuple[str, str]] = (),
) -> None:
    """Answer ``request`` at once with ``status``, through a transaction of its own."""
    tx: ServerTx
    timers = ua.timers_for(request)
    if request.method == "INVITE":
        tx = ServerInviteTransaction(request, dest, now, timers, send_trying=False)
    else:
        tx = ServerNonInviteTransaction(request, dest, now, timers)
    ua.add_server_transaction(tx, None)
    tag = make_tag() if request.to.tag is None else None
    tx.send_response(build_response(request, status, reason, to_tag=tag, extra=extra), now)
    ua.flush_server_transaction(tx, now)


def mark_received(request: SipRequest, peer: Address) -> SipRequest:
    """Add received/rport to the top Via as a server must (18.2.1, RFC 3581 section 4)."""
    top = request.via[0]
    updated = top
    if top.host != peer[0] or top.param("rport") is not None:
        updated = updated.with_param("received", peer[0])
    if top.param("rport") is not None:
        updated = updated.with_param("rport", str(peer[1]))
    if updated is top:
        return request
    headers = request.headers.remove_first("Via").add("Via", str(updated), first=True)
    return replace(request, headers=headers)


def response_peer(request: SipRequest) -> Address:
    """Where responses go (18.2.2 with RFC 3581): received/rport, else the sent-by."""
    top = request.via[0]
    host, port = top.sent_by
    return top.received or host, top.rport or port


def _invite_problem(request: SipRequest) -> tuple[int, str | None, list[tuple[str, str]]] | None:
    """Why a new INVITE cannot start a call, as (status, reason, extra headers)."""
    if request.contact is None:
        return 400, "Missing Contact", []
    if request.from_.tag is None:
        return 400, "Missing From tag", []
    required = [r for r in request.headers.get_all("Require") if r.strip()]
    if required:
        return 420, None, [("Unsupported", ", ".join(required))]  # 8.2.2.3
    if request.body and request.content_type != "application/sdp":
        return 415, None, [("Accept", "application/sdp")]
    return None
