"""3xx redirects followed by the UAC (RFC 3261 section 8.1.3.4), on a virtual clock."""

from __future__ import annotations

from harness.sip.events import Answered, Redirected, Rejected
from harness.sip.message import SipResponse, SipUri, build_response
from harness.sip.redirect import MAX_REDIRECTS, redirect_targets, uri_key
from harness.sip.session import CallState
from harness.sip.uas import ServerInviteSession

from .pair import UAS_ADDR, Pair
from .test_useragent import ANSWER, OFFER

HOST = f"{UAS_ADDR[0]}:{UAS_ADDR[1]}"


def incoming(pair: Pair) -> list[ServerInviteSession]:
    return pair.callees()


def test_302_sends_a_new_invite_to_the_contact_and_the_answer_says_so() -> None:
    pair = Pair()
    call = pair.uac.invite(f"sip:bob@{HOST}", "sip:alice@127.0.0.1", OFFER, pair.now)
    pair.pump()
    (first,) = incoming(pair)
    first.reject(302, pair.now, extra=[("Contact", f"<sip:carol@{HOST}>")])
    pair.pump()
    sessions = incoming(pair)
    assert len(sessions) == 2
    second = sessions[1].invite
    assert str(second.uri) == f"sip:carol@{HOST}"
    assert second.call_id == first.invite.call_id
    assert second.from_.tag == first.invite.from_.tag
    assert second.cseq.seq == first.invite.cseq.seq + 1
    assert second.branch != first.invite.branch
    assert second.to.tag is None and second.body == OFFER
    sessions[1].answer(ANSWER, pair.now)
    pair.pump()
    assert isinstance(call.outcome, Answered)
    assert call.outcome.redirected_from == (f"sip:bob@{HOST}",)
    assert call.redirects == [f"sip:bob@{HOST}"]
    redirected = [e for e in pair.uac_events if isinstance(e, Redirected)]
    assert [(e.response.status, e.target) for e in redirected] == [(302, f"sip:carol@{HOST}")]
    assert pair.labels()[:5] == ["INVITE", "100/INVITE", "302/INVITE", "ACK", "INVITE"]
    assert [s for _, s in call.history] == [
        CallState.CALLING, CallState.PROCEEDING, CallState.CALLING, CallState.PROCEEDING,
        CallState.CONFIRMED,
    ]  # fmt: skip


def test_contacts_are_tried_by_q_value_and_uri_headers_are_dropped() -> None:
    pair = Pair()
    call = pair.uac.invite(f"sip:bob@{HOST}", "sip:alice@127.0.0.1", OFFER, pair.now)
    pair.pump()
    contacts = [
        ("Contact", f"<sip:low@{HOST}>;q=0.1"),
        ("Contact", f"<sip:high@{HOST};method=INVITE?Subject=x>;q=0.9"),
        ("Contact", "<tel:+15550100>;q=1.0"),  # not a SIP URI: cannot be followed
    ]
    incoming(pair)[0].reject(301, pair.now, extra=contacts)
    pair.pump()
    second = incoming(pair)[1].invite
    assert str(second.uri) == f"sip:high@{HOST}"
    assert call.state is CallState.PROCEEDING


def test_a_redirect_loop_ends_with_the_3xx() -> None:
    pair = Pair()
    call = pair.uac.invite(f"sip:bob@{HOST}", "sip:alice@127.0.0.1", OFFER, pair.now)
    pair.pump()
    incoming(pair)[0].reject(302, pair.now, extra=[("Contact", f"<sip:carol@{HOST}>")])
    pair.pump()
    incoming(pair)[1].reject(302, pair.now, extra=[("Contact", f"<sip:bob@{HOST};lr>")])
    pair.pump()
    assert len(incoming(pair)) == 2  # bob was tried already: no third INVITE
    assert isinstance(call.outcome, Rejected) and call.outcome.status == 302
    assert call.outcome.redirected_from == (f"sip:bob@{HOST}",)
    assert call.state is CallState.TERMINATED


def test_at_most_five_hops() -> None:
    pair = Pair()
    call = pair.uac.invite(f"sip:u0@{HOST}", "sip:alice@127.0.0.1", OFFER, pair.now)
    pair.pump()
    for hop in range(MAX_REDIRECTS + 1):
        incoming(pair)[hop].reject(302, pair.now, extra=[("Contact", f"<sip:u{hop + 1}@{HOST}>")])
        pair.pump()
    assert len(incoming(pair)) == MAX_REDIRECTS + 1
    assert isinstance(call.outcome, Rejected) and call.outcome.status == 302
    assert len(call.outcome.redirected_from) == MAX_REDIRECTS


def test_redirect_after_an_early_dialog_and_a_3xx_without_contact() -> None:
    pair = Pair()
    call = pair.uac.invite(f"sip:bob@{HOST}", "sip:alice@127.0.0.1", OFFER, pair.now)
    pair.pump()
    first = incoming(pair)[0]
    first.ring(pair.now)
    pair.pump()
    assert call.state is CallState.EARLY and call.dialog is not None
    first.reject(302, pair.now, extra=[("Contact", f"<sip:carol@{HOST}>")])
    pair.pump()
    assert call.dialog is None and call.state is CallState.PROCEEDING
    assert pair.uac._dialogs == {}  # the early dialog of the first attempt is forgotten
    incoming(pair)[1].reject(302, pair.now)  # no Contact: nowhere to go
    pair.pump()
    assert isinstance(call.outcome, Rejected) and call.outcome.status == 302


def test_redirect_targets_ranking_and_loop_keys() -> None:
    request_uri = SipUri.parse(f"sip:bob@{HOST}")
    pair = Pair()
    invite = pair.uac.invite(request_uri, "sip:alice@127.0.0.1", None, 0.0).invite
    response = build_response(
        invite,
        302,
        extra=[
            ("Contact", "<sip:a@127.0.0.1:5062>;q=0.5"),
            ("Contact", "<sip:b@127.0.0.1:5062>"),
            ("Contact", "<sip:c@127.0.0.1:5062>;q=0.5"),
            ("Contact", "<sip:a@127.0.0.1:5062>;q=0.7"),  # a duplicate of the first
            ("Contact", "<sip:d@127.0.0.1:5062>;q=nonsense"),
        ],
    )
    assert isinstance(response, SipResponse)
    targets = redirect_targets(response, {uri_key(SipUri.parse("sip:b@127.0.0.1:5062"))})
    assert [t.user for t in targets] == ["a", "c", "d"]
    assert uri_key(SipUri.parse("sip:x@EXAMPLE.com")) == uri_key(
        SipUri.parse("sip:x@example.com:5060")
    )
