"""re-INVITE in both directions on a virtual clock: hold, resume, refusal, glare, failures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from harness.sip.events import (
    CallEnded,
    Failed,
    ReinviteAccepted,
    ReinviteCompleted,
    ReinviteReceived,
    ReinviteRejected,
    TimedOut,
)
from harness.sip.headers import Headers
from harness.sip.message import SipRequest, SipResponse, parse_message
from harness.sip.modify import GLARE_NOT_OWNER, GLARE_OWNER, glare_delay, restamp_offer
from harness.sip.sdp import SessionDescription, make_answer, make_offer, with_direction
from harness.sip.session import CallState
from harness.sip.uac import ClientInviteSession
from harness.sip.uas import ServerInviteSession

from .pair import UAC_ADDR, UAS_ADDR, Pair

TARGET = f"sip:bob@{UAS_ADDR[0]}:{UAS_ADDR[1]}"
OFFER_SD = make_offer("127.0.0.1", 4000, session_id="111")
ANSWER_SD = make_answer(OFFER_SD, "127.0.0.1", 4002, session_id="222")
OFFER, ANSWER = bytes(OFFER_SD), bytes(ANSWER_SD)


def established(pair: Pair) -> tuple[ClientInviteSession, ServerInviteSession]:
    call = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, pair.now)
    pair.pump()
    callee = pair.callees()[0]
    assert isinstance(callee, ServerInviteSession)
    callee.answer(ANSWER, pair.now)
    pair.pump()
    assert call.state is CallState.CONFIRMED and callee.state is CallState.CONFIRMED
    pair.wire.clear()
    return call, callee


def hold_offer(sdp: bytes, direction: str = "sendonly") -> bytes:
    return bytes(with_direction(SessionDescription.parse(sdp), direction))


def received(events: Sequence[object]) -> list[ReinviteReceived]:
    return [e for e in events if isinstance(e, ReinviteReceived)]


def version(sdp: bytes | None) -> int:
    assert sdp is not None
    return SessionDescription.parse(sdp).origin.session_version


def test_caller_holds_and_the_callee_answers_by_mirroring() -> None:
    pair = Pair()
    call, callee = established(pair)
    assert not call.held and call.local_direction == "sendrecv"
    handle = call.reinvite(hold_offer(OFFER), pair.now)
    pair.pump()
    (event,) = received(pair.uas_events)
    assert event.call == callee.handle and event.offer == handle.offer
    assert callee.incoming_reinvite is not None and callee.incoming_reinvite.pending
    response = callee.answer_reinvite_automatically(pair.now)
    pair.pump()
    assert pair.labels() == ["INVITE", "100/INVITE", "200/INVITE", "ACK"]
    assert isinstance(handle.outcome, ReinviteAccepted) and handle.outcome.response.status == 200
    answer = SessionDescription.parse(response.body)
    assert answer.direction() == "recvonly"  # RFC 3264 6.1: sendonly -> recvonly
    assert answer.origin.session_id == "222" and version(response.body) == 2
    assert (call.local_direction, call.remote_direction) == ("sendonly", "recvonly")
    assert (callee.local_direction, callee.remote_direction) == ("recvonly", "sendonly")
    assert call.held and callee.held
    reinvite = parse_message((handle.request and bytes(handle.request)) or b"")
    assert isinstance(reinvite, SipRequest) and reinvite.to.tag == callee.local_tag
    assert reinvite.cseq.seq == call.invite.cseq.seq + 1 and reinvite.contact is not None
    assert version(handle.offer) == 2  # our o= line follows our last SDP (RFC 3264 8)
    completed = [e for e in pair.uac_events if isinstance(e, ReinviteCompleted)]
    assert [c.outcome for c in completed] == [handle.outcome]


def test_callee_resumes_and_the_caller_mirrors_both_ways() -> None:
    pair = Pair()
    call, callee = established(pair)
    first = callee.reinvite(hold_offer(ANSWER, "inactive"), pair.now)
    pair.pump()
    (event,) = received(pair.uac_events)
    assert event.call == call.handle
    call.answer_reinvite_automatically(pair.now)
    pair.pump()
    assert isinstance(first.outcome, ReinviteAccepted)
    assert (call.local_direction, callee.local_direction) == ("inactive", "inactive")
    second = callee.reinvite(hold_offer(ANSWER, "sendrecv"), pair.now)
    pair.pump()
    call.answer_reinvite_automatically(pair.now)
    pair.pump()
    assert isinstance(second.outcome, ReinviteAccepted)
    assert not call.held and not callee.held
    assert version(callee.local_sdp) == 3 and version(call.local_sdp) == 3
    # The callee's requests use its own CSeq space; the caller checks it (12.2.2).
    assert second.request is not None and first.request is not None
    assert second.request.cseq.seq == first.request.cseq.seq + 1
    assert pair.labels("uac").count("ACK") == 0 and pair.labels("uas").count("ACK") == 2


def test_application_answer_and_rejection_leave_the_session_as_agreed() -> None:
    pair = Pair()
    call, callee = established(pair)
    handle = call.reinvite(hold_offer(OFFER), pair.now)
    pair.pump()
    callee.reject_reinvite(488, pair.now, reason="Not Now")
    pair.pump()
    assert pair.labels() == ["INVITE", "100/INVITE", "488/INVITE", "ACK"]
    assert handle.outcome == ReinviteRejected(488, "Not Now", handle.response)
    assert call.local_sdp == OFFER and call.remote_sdp == ANSWER  # unchanged (14.1)
    assert call.state is CallState.CONFIRMED and not call.held
    with pytest.raises(ValueError, match="no re-INVITE is waiting"):
        callee.reject_reinvite(488, pair.now)
    custom = hold_offer(ANSWER, "recvonly")
    again = call.reinvite(hold_offer(OFFER), pair.now)
    pair.pump()
    callee.answer_reinvite(custom, pair.now)
    pair.pump()
    assert isinstance(again.outcome, ReinviteAccepted)
    assert call.remote_sdp == custom and callee.local_sdp == custom


def test_misuse_is_a_plain_error() -> None:
    pair = Pair()
    call = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, pair.now)
    with pytest.raises(ValueError, match="state calling"):
        call.reinvite(OFFER, pair.now)
    pair.pump()
    callee = pair.callees()[0]
    assert isinstance(callee, ServerInviteSession)
    callee.answer(ANSWER, pair.now)
    pair.pump()
    with pytest.raises(ValueError, match="needs an SDP offer"):
        call.reinvite(b"", pair.now)
    call.reinvite(OFFER, pair.now)
    with pytest.raises(ValueError, match="still in progress"):
        call.reinvite(OFFER, pair.now)
    with pytest.raises(ValueError, match="no re-INVITE is waiting"):
        call.answer_reinvite(OFFER, pair.now)


def test_glare_both_get_491_and_retry_after_the_timers_of_14_1() -> None:
    pair = Pair()
    call, callee = established(pair)
    pair.uac.rng.seed(1)
    pair.uas.rng.seed(2)
    mine = call.reinvite(hold_offer(OFFER), pair.now)
    theirs = callee.reinvite(hold_offer(ANSWER, "inactive"), pair.now)
    pair.pump()
    assert sorted(pair.labels())[:2] == ["491/INVITE", "491/INVITE"]
    assert received(pair.uac_events) == [] and received(pair.uas_events) == []
    assert mine.state == theirs.state == "waiting"
    assert mine.retry_at is not None and theirs.retry_at is not None
    assert GLARE_OWNER[0] <= mine.retry_at <= GLARE_OWNER[1]  # the caller owns the Call-ID
    assert GLARE_NOT_OWNER[0] <= theirs.retry_at <= GLARE_NOT_OWNER[1]
    pair.advance(theirs.retry_at)
    (first,) = received(pair.uac_events)  # the callee's retry arrives first...
    call.answer_reinvite_automatically(pair.now)
    pair.pump()
    assert isinstance(theirs.outcome, ReinviteAccepted) and theirs.outcome.glare_retries == 1
    pair.advance(mine.retry_at)
    (second,) = received(pair.uas_events)  # ...then the caller's, on the updated session
    callee.answer_reinvite_automatically(pair.now)
    pair.pump()
    assert isinstance(mine.outcome, ReinviteAccepted) and mine.outcome.glare_retries == 1
    assert first.offer is not None and second.offer is not None
    # The caller answered version 2 in between, so its retried offer is version 3.
    assert version(second.offer) == 3 and version(call.local_sdp) == 3
    assert call.local_direction == "sendonly" and callee.local_direction == "recvonly"


def test_glare_delay_is_in_units_of_10_ms() -> None:
    import random

    rng = random.Random(7)
    draws = [glare_delay(True, rng) for _ in range(200)] + [
        glare_delay(False, rng) for _ in range(200)
    ]
    assert all(round(d * 100) == pytest.approx(d * 100) for d in draws)
    assert min(draws[:200]) >= 2.1 and max(draws[:200]) <= 4.0
    assert min(draws[200:]) >= 0.0 and max(draws[200:]) <= 2.0


def raw_reinvite(call: ClientInviteSession, body: bytes = b"") -> bytes:
    """A re-INVITE for ``call`` built by hand, as a misbehaving peer would send it."""
    assert call.dialog is not None
    request = call.dialog.create_request("INVITE", body, "application/sdp" if body else None)
    return bytes(call._core.stamp(request))


def answers(pair: Pair, who: str) -> list[SipResponse]:
    agent = pair.uas if who == "uas" else pair.uac
    out = [parse_message(data) for data, _ in agent.datagrams()]
    return [m for m in out if isinstance(m, SipResponse)]


def test_second_reinvite_while_the_first_is_unanswered_gets_500_with_retry_after() -> None:
    pair = Pair()
    call, callee = established(pair)
    call.reinvite(hold_offer(OFFER), pair.now)
    pair.pump()
    pair.uas.receive(raw_reinvite(call, OFFER), UAC_ADDR, pair.now)
    (reply,) = answers(pair, "uas")
    assert reply.status == 500
    retry = reply.headers.get("Retry-After")
    assert retry is not None and 0 <= int(retry) <= 10  # 14.2
    assert callee.incoming_reinvite is not None and not callee.incoming_reinvite.answered


def test_offerless_reinvite_gets_our_sdp_as_offer_and_the_answer_in_the_ack() -> None:
    pair = Pair()
    call, callee = established(pair)
    pair.uas.receive(raw_reinvite(call), UAC_ADDR, pair.now)
    (event,) = [e for e in pair.uas.events() if isinstance(e, ReinviteReceived)]
    assert event.offer is None
    response = callee.answer_reinvite_automatically(pair.now)
    assert (
        version(response.body) == 2
        and SessionDescription.parse(response.body).direction() == "sendrecv"
    )
    pair.uas.datagrams()
    assert callee.dialog is not None
    answer = hold_offer(OFFER, "sendrecv")
    ack = call._core.stamp(callee_dialog_ack(call, response.cseq.seq, answer))
    pair.uas.receive(bytes(ack), UAC_ADDR, pair.now)
    assert callee.incoming_reinvite is not None and callee.incoming_reinvite.confirmed
    assert callee.remote_sdp == answer


def callee_dialog_ack(call: ClientInviteSession, seq: int, body: bytes) -> SipRequest:
    assert call.dialog is not None
    return call.dialog.create_ack(seq, body, "application/sdp")


def test_lost_acks_make_the_2xx_retransmit_then_the_call_ends_with_bye() -> None:
    pair = Pair()
    call, callee = established(pair)
    handle = call.reinvite(hold_offer(OFFER), pair.now)
    pair.pump()
    pair.drop = lambda who, m: isinstance(m, SipRequest) and m.method == "ACK"
    callee.answer_reinvite_automatically(pair.now)
    pair.pump()
    assert isinstance(handle.outcome, ReinviteAccepted)
    pair.advance(1.6)  # 2xx again at 0.5, 1.5: each one re-ACKed by the caller (13.2.2.4)
    assert pair.labels("uas").count("200/INVITE") == 3
    assert [lab for who, lab in pair.dropped].count("ACK") == 3
    pair.advance(40.0)  # 64*T1 without an ACK: the callee gives up with BYE (13.3.1.4)
    ended = [e for e in pair.uas_events if isinstance(e, CallEnded)]
    assert [(e.by, e.reason) for e in ended] == [("network", "no ACK for 2xx to re-INVITE")]
    assert "BYE" in pair.labels("uas") and call.state is CallState.TERMINATED


def test_481_to_reinvite_ends_the_call_without_bye() -> None:
    pair = Pair()
    call, callee = established(pair)
    pair.drop = lambda who, m: who == "uas" and isinstance(m, SipRequest) and m.method == "BYE"
    callee.hangup(pair.now)  # the caller never hears of it
    pair.pump()
    pair.drop = None
    handle = call.reinvite(hold_offer(OFFER), pair.now)
    pair.pump()
    assert isinstance(handle.outcome, ReinviteRejected) and handle.outcome.status == 481
    assert call.state is CallState.TERMINATED and call.ended_by == "remote"
    assert "BYE" not in pair.labels("uac")  # 12.2.1.2: the dialog is already gone


def test_no_answer_at_all_ends_the_call_with_bye() -> None:
    pair = Pair()
    call, _callee = established(pair)
    pair.drop = lambda who, m: who == "uac" and isinstance(m, SipRequest) and m.method == "INVITE"
    handle = call.reinvite(hold_offer(OFFER), pair.now)
    pair.pump()
    pair.advance(40.0)  # Timer B
    assert handle.outcome == TimedOut("timer B fired")
    assert call.state is CallState.TERMINATED and call.ended_by == "network"
    assert "BYE" in pair.labels("uac")


def test_hangup_with_a_reinvite_pending_answers_it_487() -> None:
    pair = Pair()
    call, callee = established(pair)
    handle = call.reinvite(hold_offer(OFFER), pair.now)
    pair.pump()
    call.hangup(pair.now)
    pair.pump()
    assert handle.outcome == Failed("the call ended before the re-INVITE completed")
    assert "487/INVITE" in pair.labels("uas") and "200/BYE" in pair.labels("uas")
    assert callee.state is CallState.TERMINATED
    completed = [e for e in pair.uac_events if isinstance(e, ReinviteCompleted)]
    assert len(completed) == 1  # the late 487 changes nothing


def test_cancel_of_a_reinvite_answers_487_and_keeps_the_call() -> None:
    pair = Pair()
    call, callee = established(pair)
    handle = call.reinvite(hold_offer(OFFER), pair.now)
    pair.pump()
    assert handle.request is not None
    invite = handle.request
    items = [
        ("Via", invite.headers.get_all("Via")[0]),
        ("From", invite.headers.get("From") or ""),
        ("To", invite.headers.get("To") or ""),
        ("Call-ID", invite.call_id),
        ("CSeq", f"{invite.cseq.seq} CANCEL"),
    ]
    cancel = SipRequest("CANCEL", invite.uri, Headers(items))
    pair.uas.receive(bytes(cancel), UAC_ADDR, pair.now)
    statuses = [(r.status, r.cseq.method) for r in answers(pair, "uas")]
    assert statuses == [(200, "CANCEL"), (487, "INVITE")]
    assert callee.state is CallState.CONFIRMED and callee.remote_sdp == OFFER


def test_callee_reinvite_before_the_ack_waits_for_it() -> None:
    pair = Pair()
    call = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, pair.now)
    pair.pump()
    callee = pair.callees()[0]
    assert isinstance(callee, ServerInviteSession)
    pair.hold = lambda who, m: isinstance(m, SipRequest) and m.method == "ACK"
    callee.answer(ANSWER, pair.now)
    pair.pump()
    handle = callee.reinvite(hold_offer(ANSWER), pair.now)
    pair.pump()
    assert handle.state == "waiting" and "INVITE" not in pair.labels("uas")
    pair.release()  # the ACK arrives: the dialog is free, the re-INVITE leaves
    assert pair.labels("uas")[-1] == "INVITE" and handle.state == "sent"
    call.answer_reinvite_automatically(pair.now)
    pair.pump()
    assert isinstance(handle.outcome, ReinviteAccepted)


def test_restamp_offer_keeps_origin_and_bumps_version() -> None:
    fresh = bytes(make_offer("127.0.0.1", 5000, session_id="999"))
    stamped = SessionDescription.parse(restamp_offer(fresh, OFFER))
    assert (stamped.origin.session_id, stamped.origin.session_version) == ("111", 2)
    assert restamp_offer(b"not sdp", OFFER) == b"not sdp"
    assert restamp_offer(fresh, None) == fresh


def test_a_reinvite_for_an_unknown_body_type_is_refused_415() -> None:
    pair = Pair()
    call, _callee = established(pair)
    request = parse_message(raw_reinvite(call, b"hello"))
    assert isinstance(request, SipRequest)
    odd = replace(request, headers=request.headers.replace("Content-Type", "text/plain"))
    pair.uas.receive(bytes(odd), UAC_ADDR, pair.now)
    (reply,) = answers(pair, "uas")
    assert reply.status == 415 and reply.headers.get("Accept") == "application/sdp"


@pytest.mark.parametrize("status", [100, 180, 200, 299])
def test_only_a_3xx_to_6xx_refuses_a_call_or_a_reinvite(status: int) -> None:
    pair = Pair()
    call, callee = established(pair)
    call.reinvite(hold_offer(OFFER), pair.now)
    pair.pump()
    assert callee.incoming_reinvite is not None
    with pytest.raises(ValueError, match="3xx-6xx"):
        callee.incoming_reinvite.reject(status, pair.now)
    fresh = Pair()
    fresh.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, fresh.now)
    fresh.pump()
    ringing = fresh.callees()[0]
    assert isinstance(ringing, ServerInviteSession)
    with pytest.raises(ValueError, match="3xx-6xx"):
        ringing.reject(status, fresh.now)
