"""Late offer: an INVITE without SDP, the offer in the 2xx, the answer in the ACK (RFC 3261 13)."""

from __future__ import annotations

from harness.sip.message import SipRequest
from harness.sip.session import CallState
from harness.sip.uac import ClientInviteSession
from harness.sip.uas import ServerInviteSession

from .pair import Pair

OFFER = b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
OFFER += b"m=audio 4000 RTP/AVP 0\r\n"
ANSWER = OFFER.replace(b"4000", b"4002")


def _late_call(pair: Pair) -> tuple[ClientInviteSession, ServerInviteSession]:
    call = pair.uac.invite("sip:bob@127.0.0.1:5062", "sip:alice@127.0.0.1", None, pair.now)
    pair.pump()
    incoming = pair.callees()
    assert len(incoming) == 1 and incoming[0].remote_sdp is None
    return call, incoming[0]


def test_the_answer_to_the_offer_in_the_2xx_goes_in_the_ack() -> None:
    pair = Pair()
    call, callee = _late_call(pair)
    seen: list[bytes] = []

    def answer(offer: bytes) -> bytes:
        seen.append(offer)
        return ANSWER

    call.answer_offer = answer
    callee.answer(OFFER, pair.now)
    pair.pump()
    assert seen == [OFFER]
    assert callee.state is CallState.CONFIRMED and callee.remote_sdp == ANSWER
    assert call.local_sdp == ANSWER and call.remote_sdp == OFFER
    ack = next(
        t.message
        for t in pair.traces
        if t.direction == "in" and isinstance(t.message, SipRequest) and t.message.method == "ACK"
    )
    assert ack.body == ANSWER and ack.headers.get("Content-Type") == "application/sdp"


def test_without_an_answer_maker_the_ack_carries_no_body() -> None:
    pair = Pair()
    _, callee = _late_call(pair)
    callee.answer(OFFER, pair.now)
    pair.pump()
    assert callee.state is CallState.CONFIRMED and callee.remote_sdp is None
