"""Less common paths of the user agent core: strays, forks, merged requests, many calls."""

from __future__ import annotations

from dataclasses import replace

from harness.sip.events import Answered, IncomingCall, Rejected
from harness.sip.headers import Headers
from harness.sip.message import SipRequest, SipResponse, build_response, parse_message
from harness.sip.session import SESSION_TRANSITIONS, CallState
from harness.sip.uas import ServerInviteSession

from .pair import UAC_ADDR, UAS_ADDR, Pair
from .test_useragent import ANSWER, OFFER, TARGET, start_call


def test_stray_2xx_after_the_transaction_ended_is_acked_again() -> None:
    pair = Pair()
    call, callee = start_call(pair)
    callee.answer(ANSWER, pair.now)
    pair.pump()
    ok = next(t.message for t in pair.traces if isinstance(t.message, SipResponse)
              and t.message.status == 200)  # fmt: skip
    assert isinstance(ok, SipResponse)
    pair.advance(40.0)  # Timer M has ended the INVITE client transaction
    assert pair.uac.open_transactions() == 0 and call.state is CallState.CONFIRMED
    acks_before = pair.labels("uac").count("ACK")
    pair.uac.receive(bytes(ok), UAS_ADDR, pair.now)  # a late duplicate from the network
    pair.pump()
    assert pair.labels("uac").count("ACK") == acks_before + 1  # 13.2.2.4
    assert [t for t, s in call.history if s is CallState.CONFIRMED] == [0.0]


def test_2xx_from_a_second_fork_is_acked_then_released() -> None:
    pair = Pair()
    call, callee = start_call(pair)
    callee.answer(ANSWER, pair.now)
    pair.pump()
    ok = next(t.message for t in pair.traces if isinstance(t.message, SipResponse)
              and t.message.status == 200)  # fmt: skip
    assert isinstance(ok, SipResponse)
    other = replace(ok, headers=ok.headers.replace("To", str(ok.to.with_tag("fork2"))))
    pair.uac.receive(bytes(other), UAS_ADDR, pair.now)
    sent = [parse_message(data) for data, _ in pair.uac.datagrams()]
    assert [m.method for m in sent if isinstance(m, SipRequest)] == ["ACK", "BYE"]
    assert all(m.to.tag == "fork2" for m in sent)
    assert call.state is CallState.CONFIRMED and call.dialog is not None
    assert call.dialog.remote_tag == callee.local_tag  # the first answer keeps the call


def test_merged_request_gets_482_and_late_retransmission_is_ignored() -> None:
    pair = Pair()
    call, callee = start_call(pair)
    callee.ring(pair.now)
    pair.pump()
    via = call.invite.headers.get("Via") or ""
    forked = replace(
        call.invite,
        headers=call.invite.headers.replace(
            "Via", via.replace(call.invite.branch or "", "z9hG4bKother")
        ),
    )
    pair.uas.receive(bytes(forked), UAC_ADDR, pair.now)
    (reply,) = [parse_message(data) for data, _ in pair.uas.datagrams()]
    assert isinstance(reply, SipResponse) and reply.status == 482
    assert len([e for e in pair.uas.events() if isinstance(e, IncomingCall)]) == 0


def test_request_with_unparsable_record_route_is_refused_with_400() -> None:
    pair = Pair()
    bad = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, 0.0)
    raw = bytes(bad.invite).replace(b"Max-Forwards: 70\r\n", b"Record-Route: <sip:p;lr>;;\r\n")
    pair.uac.datagrams()
    pair.uas.receive(raw, UAC_ADDR, 0.0)
    (reply,) = [parse_message(data) for data, _ in pair.uas.datagrams()]
    assert (
        isinstance(reply, SipResponse)
        and reply.status == 400
        and "header parameter" in reply.reason
    )
    assert pair.uas.open_dialogs() == []


def test_invite_without_contact_or_with_unknown_requirement_is_refused() -> None:
    pair = Pair()
    call = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, 0.0,
                           headers=[("Require", "100rel")])  # fmt: skip
    pair.pump()
    assert isinstance(call.outcome, Rejected) and call.outcome.status == 420
    reply = next(t.message for t in pair.traces if isinstance(t.message, SipResponse)
                 and t.message.status == 420)  # fmt: skip
    assert isinstance(reply, SipResponse) and reply.headers.get_all("Unsupported") == ["100rel"]
    other = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, 0.0)
    no_contact = replace(other.invite, headers=other.invite.headers.remove("Contact"))
    pair.uac.datagrams()
    pair.uas.receive(bytes(no_contact), UAC_ADDR, 0.0)
    (refusal,) = [parse_message(data) for data, _ in pair.uas.datagrams()]
    assert isinstance(refusal, SipResponse) and (refusal.status, refusal.reason) == (
        400,
        "Missing Contact",
    )


def test_many_concurrent_calls_share_one_timer_heap() -> None:
    pair = Pair()
    calls = [pair.uac.invite(TARGET, f"sip:c{i}@127.0.0.1", OFFER, 0.0) for i in range(50)]
    pair.pump()
    callees = pair.callees()
    assert len(callees) == 50
    for index, callee in enumerate(callees):
        pair.now = index * 0.01
        callee.answer(ANSWER, pair.now)
    pair.pump()
    assert all(isinstance(c.outcome, Answered) for c in calls)
    for call in calls:
        call.hangup(pair.now)
    pair.pump()
    pair.advance(200.0)
    assert pair.uac.next_timer() is None and pair.uas.next_timer() is None
    assert pair.uac.open_transactions() == 0 and pair.uas._heap == []
    assert pair.uas.open_dialogs() == [] and not pair.uas.known_sessions()
    assert pair.labels().count("200/INVITE") == 50  # no spurious retransmission


def test_session_table_is_data_and_ignores_what_it_does_not_list() -> None:
    assert SESSION_TRANSITIONS[("uac", CallState.CALLING, "1xx")] is CallState.PROCEEDING
    assert SESSION_TRANSITIONS[("uac", CallState.PROCEEDING, "1xx_tag")] is CallState.EARLY
    assert ("uac", CallState.CONFIRMED, "1xx_tag") not in SESSION_TRANSITIONS
    assert SESSION_TRANSITIONS[("uas", CallState.ANSWERED, "ack")] is CallState.CONFIRMED
    pair = Pair()
    _call, callee = start_call(pair)
    assert isinstance(callee, ServerInviteSession)
    assert not callee._move("ack", 0.0) and callee.state is CallState.INCOMING
    headers = Headers([("Via", "SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKx")])
    assert build_response(SipRequest("OPTIONS", callee.invite.uri, headers.add(
        "CSeq", "1 OPTIONS").add("Call-ID", "x").add("From", "<sip:a@b>;tag=1").add(
        "To", "<sip:c@d>")), 200).status == 200  # fmt: skip
