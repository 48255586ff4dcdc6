"""Two sans-IO user agents joined in memory: whole calls, loss, reordering, races."""

from __future__ import annotations

from collections.abc import Sequence

from harness.sip.auth import Credentials, DigestChallenger
from harness.sip.dialog import DialogState
from harness.sip.events import (
    Answered,
    CallAnswered,
    CallConfirmed,
    CallEnded,
    CallProgress,
    Cancelled,
    IncomingRequest,
    ReinviteReceived,
    ReinviteRejected,
    Rejected,
    RequestCompleted,
    TimedOut,
)
from harness.sip.message import SipMessage, SipRequest, SipResponse, parse_message
from harness.sip.session import CallState
from harness.sip.uac import ClientInviteSession
from harness.sip.uas import ServerInviteSession
from harness.sip.useragent import UserAgent

from .pair import UAS_ADDR, Pair, is_response

TARGET = f"sip:bob@{UAS_ADDR[0]}:{UAS_ADDR[1]}"
OFFER = b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
OFFER += b"m=audio 4000 RTP/AVP 0\r\n"
ANSWER = OFFER.replace(b"4000", b"4002")


def start_call(pair: Pair) -> tuple[ClientInviteSession, ServerInviteSession]:
    call = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, pair.now)
    pair.pump()
    incoming = pair.callees()
    assert len(incoming) == 1
    return call, incoming[0]


def names(events: Sequence[object]) -> list[str]:
    return [type(e).__name__ for e in events]


def test_complete_call_invite_ringing_answer_ack_bye() -> None:
    pair = Pair()
    call, callee = start_call(pair)
    assert call.state is CallState.PROCEEDING and callee.state is CallState.INCOMING
    assert callee.remote_sdp == OFFER
    callee.ring(pair.now)
    pair.pump()
    assert call.state is CallState.EARLY and call.dialog is not None
    pair.now = 2.0
    callee.answer(ANSWER, pair.now)
    pair.pump()
    assert call.state is CallState.CONFIRMED and callee.state is CallState.CONFIRMED
    assert isinstance(call.outcome, Answered) and call.remote_sdp == ANSWER
    pair.now = 5.0
    call.hangup(pair.now)
    pair.pump()
    assert pair.labels() == [
        "INVITE", "100/INVITE", "180/INVITE", "200/INVITE", "ACK", "BYE", "200/BYE",
    ]  # fmt: skip
    assert call.state is CallState.TERMINATED and callee.state is CallState.TERMINATED
    assert call.bye_response is not None and call.bye_response.status == 200
    assert names(pair.uac_events) == ["CallProgress", "CallProgress", "CallAnswered", "CallEnded"]
    assert names(pair.uas_events) == ["IncomingCall", "CallConfirmed", "CallEnded"]
    ended = pair.uas_events[-1]
    assert isinstance(ended, CallEnded) and (ended.by, ended.reason) == ("remote", "BYE")
    assert [s for _, s in call.history] == [
        CallState.CALLING, CallState.PROCEEDING, CallState.EARLY, CallState.CONFIRMED,
        CallState.TERMINATED,
    ]  # fmt: skip
    # Both sides agree on the dialog, and nothing leaks once the timers have run.
    assert call.dialog is not None and callee.dialog is not None
    assert call.dialog.id == (
        callee.dialog.call_id,
        callee.dialog.remote_tag,
        callee.dialog.local_tag,
    )
    assert pair.uac.open_dialogs() == [] and pair.uas.open_dialogs() == []
    pair.advance(100.0)
    assert pair.uac.open_transactions() == 0 and pair.uas.open_transactions() == 0
    assert pair.uac.next_timer() is None and pair.uas.next_timer() is None
    assert len(pair.labels()) == 7  # no retransmission happened on a clean link


def test_trace_reports_every_message_with_time_and_peer() -> None:
    pair = Pair()
    _call, callee = start_call(pair)
    pair.now = 1.5
    callee.answer(ANSWER, pair.now)
    pair.pump()
    outs = [t for t in pair.traces if t.direction == "out"]
    ins = [t for t in pair.traces if t.direction == "in"]
    assert len(outs) == len(ins) == 4  # INVITE, 100, 200, ACK
    answer = next(t for t in outs if isinstance(t.message, SipResponse) and t.message.status == 200)
    assert answer.now == 1.5 and answer.local == UAS_ADDR and answer.peer == pair.uac.local
    assert parse_message(answer.raw) == answer.message
    # The trace shows the INVITE as it arrived; the answer carries the Via the UAS marked.
    invite_in = next(t for t in ins if isinstance(t.message, SipRequest))
    assert invite_in.message is not None and invite_in.message.via[0].received is None
    assert isinstance(answer.message, SipResponse)
    assert answer.message.via[0].received == "127.0.0.1" and answer.message.via[0].rport == 5061


def test_180_arriving_after_200_does_not_move_the_call_back_to_ringing() -> None:
    pair = Pair()
    call, callee = start_call(pair)
    pair.hold = is_response(180)  # a stateful proxy with two workers delays the 180
    callee.ring(pair.now)
    pair.pump()
    callee.answer(ANSWER, pair.now)
    pair.pump()
    assert call.state is CallState.CONFIRMED
    pair.now = 0.1
    pair.release()
    assert pair.labels() == ["INVITE", "100/INVITE", "200/INVITE", "ACK", "180/INVITE"]
    assert call.state is CallState.CONFIRMED
    assert names(pair.uac_events) == ["CallProgress", "CallAnswered"]  # no late progress
    assert isinstance(call.outcome, Answered)
    assert [s for _, s in call.history] == [
        CallState.CALLING,
        CallState.PROCEEDING,
        CallState.CONFIRMED,
    ]
    # Even fed straight to the session, the late 180 is ignored by the transition table.
    late = pair.traces[-1].message
    assert isinstance(late, SipResponse) and late.status == 180
    call._on_response(late, 0.2)
    assert call.state is CallState.CONFIRMED


def test_cancel_of_a_ringing_call() -> None:
    pair = Pair()
    call, callee = start_call(pair)
    callee.ring(pair.now)
    pair.pump()
    pair.now = 3.0
    assert call.cancel(pair.now)
    pair.pump()
    assert pair.labels()[3:] == ["CANCEL", "200/CANCEL", "487/INVITE", "ACK"]
    assert isinstance(call.outcome, Cancelled) and call.outcome.response is not None
    assert call.state is CallState.TERMINATED and callee.state is CallState.TERMINATED
    assert callee.end_reason == "cancelled" and callee.ended_by == "remote"
    cancel = next(t.message for t in pair.traces if isinstance(t.message, SipRequest)
                  and t.message.method == "CANCEL")  # fmt: skip
    assert isinstance(cancel, SipRequest)
    assert cancel.branch == call.invite.branch and cancel.cseq.seq == call.invite.cseq.seq  # 9.1
    assert not call.cancel(pair.now)  # too late now
    pair.advance(100.0)
    assert pair.uac.open_transactions() == 0 and pair.uas.open_transactions() == 0


def test_a_481_to_cancel_ends_the_ringing_call_at_once() -> None:
    """The callee restarted while the call rang: it knows no such INVITE and never will."""
    pair = Pair()
    call, callee = start_call(pair)
    callee.ring(pair.now)
    pair.pump()
    pair.uas = UserAgent(UAS_ADDR, on_trace=pair.traces.append)  # the restarted callee
    pair.now = 3.0
    assert call.cancel(pair.now)
    pair.pump()
    assert pair.labels()[-2:] == ["CANCEL", "481/CANCEL"]
    assert isinstance(call.outcome, Cancelled) and call.state is CallState.TERMINATED
    assert call.end_reason == "481 to CANCEL: the peer has no such call"
    assert pair.now == 3.0 and pair.uac.open_dialogs() == []
    pair.advance(100.0)
    assert pair.uac.open_transactions() == 0


def test_cancel_waits_for_a_provisional_response() -> None:
    pair = Pair()
    pair.drop = is_response(100)
    call, callee = start_call(pair)
    assert call.state is CallState.CALLING
    assert call.cancel(pair.now)
    pair.pump()
    assert "CANCEL" not in pair.labels()  # 9.1: not before a provisional response
    pair.now = 0.2
    callee.ring(pair.now)
    pair.pump()
    assert pair.labels()[-4:] == ["CANCEL", "200/CANCEL", "487/INVITE", "ACK"]
    assert isinstance(call.outcome, Cancelled)


def test_cancel_crossing_the_200_ends_the_call_with_bye() -> None:
    pair = Pair()
    call, callee = start_call(pair)
    callee.ring(pair.now)
    pair.pump()
    pair.hold = is_response(200)  # the 200 is on its way...
    callee.answer(ANSWER, pair.now)
    pair.pump()
    assert call.cancel(pair.now)  # ...when the caller gives up
    pair.pump()
    assert pair.labels()[-2:] == ["CANCEL", "200/CANCEL"]  # too late for a 487
    assert callee.state is CallState.ANSWERED
    pair.release()
    assert pair.labels()[-4:] == ["200/INVITE", "ACK", "BYE", "200/BYE"]
    assert isinstance(call.outcome, Answered)
    assert call.end_reason == "answered after CANCEL" and call.state is CallState.TERMINATED
    assert callee.state is CallState.TERMINATED and callee.ended_by == "remote"
    assert pair.uac.open_dialogs() == [] and pair.uas.open_dialogs() == []


def test_lost_ack_makes_the_callee_retransmit_its_200() -> None:
    pair = Pair()
    call, callee = start_call(pair)
    first_ack = [True]

    def drop_first_ack(sender: str, message: SipMessage) -> bool:
        if isinstance(message, SipRequest) and message.method == "ACK" and first_ack[0]:
            first_ack[0] = False
            return True
        return False

    pair.drop = drop_first_ack
    callee.answer(ANSWER, pair.now)
    pair.pump()
    assert callee.state is CallState.ANSWERED and call.state is CallState.CONFIRMED
    pair.advance(0.6)  # 2xx retransmitted at T1; the caller re-ACKs (13.2.2.4)
    assert pair.dropped == [("uac", "ACK")]
    assert pair.labels()[-2:] == ["200/INVITE", "ACK"]
    assert callee.state is CallState.CONFIRMED
    assert names(pair.uac_events).count("CallAnswered") == 1
    pair.advance(10.0)
    assert pair.labels().count("200/INVITE") == 2  # retransmissions stopped


def test_no_ack_at_all_ends_the_call_with_bye_after_64_t1() -> None:
    pair = Pair()
    call, callee = start_call(pair)
    pair.drop = lambda sender, m: isinstance(m, SipRequest) and m.method == "ACK"
    callee.answer(ANSWER, pair.now)
    pair.pump()
    pair.advance(40.0)
    retransmit_times = [t.now for t in pair.traces if t.direction == "out"
                        and isinstance(t.message, SipResponse) and t.message.status == 200
                        and t.message.cseq.method == "INVITE"]  # fmt: skip
    assert retransmit_times == [0.0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]
    assert callee.state is CallState.TERMINATED and callee.end_reason == "no ACK for 2xx"
    assert "BYE" in pair.labels("uas") and call.state is CallState.TERMINATED
    assert call.ended_by == "remote"


def test_lost_200_is_recovered_and_the_invite_retransmission_absorbed() -> None:
    pair = Pair()
    pair.drop = is_response(100)  # no 100 either, so the caller keeps retransmitting
    call, callee = start_call(pair)
    first = [True]

    def drop_first_200(sender: str, message: SipMessage) -> bool:
        if is_response(100)(sender, message):
            return True
        if is_response(200)(sender, message) and first[0]:
            first[0] = False
            return True
        return False

    pair.drop = drop_first_200
    callee.answer(ANSWER, pair.now)
    pair.pump()
    pair.advance(2.0)
    assert pair.labels("uac").count("INVITE") == 2  # Timer A fired once
    assert names(pair.uas_events).count("IncomingCall") == 1  # retransmission absorbed
    assert call.state is CallState.CONFIRMED and callee.state is CallState.CONFIRMED
    assert ("uas", "200/INVITE") in pair.dropped


def test_rejected_call_and_timeout() -> None:
    pair = Pair()
    call, callee = start_call(pair)
    callee.reject(486, pair.now)
    pair.pump()
    assert pair.labels()[-2:] == ["486/INVITE", "ACK"]
    assert call.outcome == Rejected(486, "Busy Here", call.outcome.response)  # type: ignore[union-attr]
    assert callee.ended_by == "local"
    silent = Pair()
    silent.drop = lambda sender, m: sender == "uas"
    lost = silent.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, 0.0)
    silent.pump()
    silent.advance(40.0)
    assert lost.outcome == TimedOut("timer B fired") and lost.ended_by == "network"
    assert silent.labels("uac").count("INVITE") == 7


def test_a_refusal_after_ringing_ends_the_early_dialog() -> None:
    pair = Pair()
    call, callee = start_call(pair)
    callee.ring(pair.now)
    pair.pump()
    assert call.dialog is not None and call.dialog.state is DialogState.EARLY
    callee.reject(486, pair.now)
    pair.pump()
    # RFC 3261 section 12.3: the non-2xx final response terminates the early dialog.
    assert call.dialog.state is DialogState.TERMINATED


def test_callee_hangs_up_and_waits_for_ack_before_bye() -> None:
    pair = Pair()
    call, callee = start_call(pair)
    pair.hold = lambda sender, m: isinstance(m, SipRequest) and m.method == "ACK"
    callee.answer(ANSWER, pair.now)
    pair.pump()
    callee.hangup(pair.now)
    pair.pump()
    assert callee.bye_pending and "BYE" not in pair.labels()  # section 15
    pair.release()
    assert pair.labels()[-3:] == ["ACK", "BYE", "200/BYE"]
    assert call.state is CallState.TERMINATED and call.ended_by == "remote"
    assert callee.ended_by == "local" and callee.bye_done


def test_unknown_dialog_unknown_method_and_out_of_dialog_requests() -> None:
    pair = Pair()
    call, callee = start_call(pair)
    callee.answer(ANSWER, pair.now)
    pair.pump()
    assert call.dialog is not None
    stray = call.dialog.create_request("INFO")
    bogus = SipRequest("INFO", stray.uri, stray.headers.replace("To", "<sip:bob@h>;tag=nope"))
    pair.uac.start_transaction(pair.uac.stamp(bogus), UAS_ADDR, call, pair.now)
    pair.pump()
    assert pair.labels()[-1] == "481/INFO"
    handle = pair.uac.request("PUBLISH", TARGET, pair.now, from_uri="sip:alice@127.0.0.1")
    pair.pump()
    assert handle.done and handle.response is not None and handle.response.status == 501
    assert "INVITE" in handle.response.headers.get_all("Allow")
    options = pair.uac.request("OPTIONS", TARGET, pair.now, from_uri="sip:alice@127.0.0.1")
    pair.pump()
    incoming = [e for e in pair.uas_events if isinstance(e, IncomingRequest)]
    assert len(incoming) == 1 and incoming[0].call is None
    incoming[0].handle.respond(200, pair.now)
    pair.pump()
    assert options.response is not None and options.response.status == 200
    assert any(isinstance(e, RequestCompleted) and e.handle is options for e in pair.uac_events)
    info = pair.uac.request_in_dialog(call, "INFO", pair.now, body=b"x", content_type="text/plain")
    pair.pump()
    in_dialog = [e for e in pair.uas_events if isinstance(e, IncomingRequest)][-1]
    assert in_dialog.call == callee.handle and in_dialog.handle.request.body == b"x"
    in_dialog.handle.respond(200, pair.now)
    pair.pump()
    assert info.response is not None and info.response.status == 200


def test_reinvite_we_cannot_answer_is_refused_without_harming_the_call() -> None:
    pair = Pair()
    call, callee = start_call(pair)
    callee.answer(ANSWER, pair.now)
    pair.pump()
    two_streams = OFFER + b"m=video 4004 RTP/AVP 31\r\n"  # our SDP has one stream
    handle = call.reinvite(two_streams, pair.now)
    pair.pump()
    (event,) = [e for e in pair.uas_events if isinstance(e, ReinviteReceived)]
    assert event.call == callee.handle and event.offer is not None and b"video" in event.offer
    callee.answer_reinvite_automatically(pair.now)
    pair.pump()
    assert pair.labels()[-4:] == ["INVITE", "100/INVITE", "488/INVITE", "ACK"]
    assert isinstance(handle.outcome, ReinviteRejected) and handle.outcome.status == 488
    assert call.local_sdp == OFFER and callee.remote_sdp == OFFER  # 14.1: nothing changed
    assert call.state is CallState.CONFIRMED and callee.state is CallState.CONFIRMED


def test_digest_challenge_on_invite_is_answered_once() -> None:
    pair = Pair()
    challenger = DigestChallenger("callproof.test", now=0.0)
    call = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, 0.0,
                           credentials=Credentials("alice", "wonderland"))  # fmt: skip
    pair.pump()
    first = pair.callees()[0]
    first.reject(407, 0.0, extra=[("Proxy-Authenticate", challenger.challenge("SHA-256"))])
    pair.pump()
    calls = pair.callees()
    assert len(calls) == 2
    second = calls[1]
    header = second.invite.headers.get("Proxy-Authorization")
    assert header is not None
    assert challenger.verify(header, "INVITE", {"alice": "wonderland"}.get, now=0.1).ok
    assert second.invite.cseq.seq == first.invite.cseq.seq + 1
    assert second.call_id == first.call_id
    second.answer(ANSWER, 0.1)
    pair.pump()
    assert isinstance(call.outcome, Answered) and call.auth_attempts == 1
    assert pair.labels() == [
        "INVITE", "100/INVITE", "407/INVITE", "ACK", "INVITE", "100/INVITE", "200/INVITE", "ACK",
    ]  # fmt: skip


def test_register_with_wrong_password_gives_up_after_one_retry() -> None:
    pair = Pair()
    pair.uas.allow = (*pair.uas.allow, "REGISTER")
    challenger = DigestChallenger("callproof.test", now=0.0)
    handle = pair.uac.register(TARGET, "sip:alice@callproof.test", 0.0,
                               credentials=Credentials("alice", "wrong"))  # fmt: skip
    for _ in range(3):
        pair.pump()
        for event in [e for e in pair.uas_events if isinstance(e, IncomingRequest)]:
            pair.uas_events.remove(event)
            auth = event.handle.request.headers.get("Authorization")
            ok = auth and challenger.verify(auth, "REGISTER", {"alice": "right"}.get, 0.0).ok
            event.handle.respond(200 if ok else 401, 0.0, extra=[
                ("WWW-Authenticate", challenger.challenge())])  # fmt: skip
    assert handle.done and handle.response is not None and handle.response.status == 401
    assert pair.labels().count("REGISTER") == 2


def test_events_for_a_call_in_order() -> None:
    pair = Pair()
    _call, callee = start_call(pair)
    callee.ring(pair.now, status=183, sdp=ANSWER)
    callee.answer(ANSWER, pair.now)
    pair.pump()
    kinds = [
        (type(e), e.response.status)
        for e in pair.uac_events
        if isinstance(e, CallProgress | CallAnswered)
    ]
    assert len(kinds) == len(pair.uac_events)
    assert kinds == [(CallProgress, 100), (CallProgress, 183), (CallAnswered, 200)]
    assert isinstance(pair.uas_events[-1], CallConfirmed)
