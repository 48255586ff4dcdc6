"""SIP over TCP (RFC 3261 section 18): transport choice, reliable timers, 513."""

from __future__ import annotations

from harness.sip.events import Answered, Failed
from harness.sip.message import SipResponse, parse_message
from harness.sip.sdp import SessionDescription, make_answer, make_offer
from harness.sip.transaction import ClientInviteTransaction
from harness.sip.txlayer import UDP_SIZE_LIMIT, message_transport
from harness.sip.uas import ServerInviteSession
from harness.sip.useragent import SipTrace, UserAgent

from .pair import UAC_ADDR, UAS_ADDR, Pair

TARGET = f"sip:bob@{UAS_ADDR[0]}:{UAS_ADDR[1]}"
OFFER = bytes(make_offer("127.0.0.1", 4000))
ANSWER = bytes(make_answer(SessionDescription.parse(OFFER), "127.0.0.1", 4002))
BIG_OFFER = OFFER + b"".join(b"a=x-pad:%04d %s\r\n" % (i, b"y" * 60) for i in range(20))


def callee_of(pair: Pair) -> ServerInviteSession:
    return pair.callees()[0]


def test_a_tcp_agent_says_so_in_via_and_contact_and_never_retransmits() -> None:
    pair = Pair(uac_transport="TCP", uas_transport="TCP")
    call = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, 0.0)
    assert call.invite.via[0].transport == "TCP"
    assert call.invite.contact is not None and call.invite.contact.uri.param("transport") == "tcp"
    ((tx, _),) = pair.uac._client.values()
    assert isinstance(tx, ClientInviteTransaction) and tx.config.reliable
    assert set(tx._timers) == {"B"}  # no Timer A over a reliable transport (17.1.1.2)
    pair.pump()
    callee = callee_of(pair)
    pair.advance(10.0)  # an unreliable transport would have retransmitted by now
    assert pair.labels() == ["INVITE", "100/INVITE"]
    callee.answer(ANSWER, pair.now)
    pair.pump()
    assert isinstance(call.outcome, Answered) and set(pair.transports) == {"TCP"}
    call.hangup(pair.now)
    pair.pump()
    # Timer K (client) and J (server) are zero over TCP: the BYE transactions end at once.
    pair.advance(pair.now)
    assert not any(k[1] == "BYE" for k in pair.uac._client)
    assert not any(k[3] == "BYE" for k in pair.uas._server)


def test_a_request_larger_than_1300_bytes_switches_to_tcp() -> None:
    pair = Pair(tcp=True)
    small = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, 0.0)
    big = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", BIG_OFFER, 0.0)
    assert len(bytes(small.invite)) < UDP_SIZE_LIMIT < len(bytes(big.invite))
    assert message_transport(small.invite) == "UDP" and message_transport(big.invite) == "TCP"
    sent = pair.uac.outgoing()
    assert [o.transport for o in sent] == ["UDP", "TCP"]
    # The TCP connection cannot be made: the big call fails at once, not after Timer B...
    pair.uac.connection_failed(UAS_ADDR, 0.0, "connection refused")
    assert isinstance(big.outcome, Failed) and "refused" in big.outcome.reason
    assert small.outcome is None  # ...and the UDP one is not touched
    # ...and the next big request to that peer stays on UDP.
    again = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", BIG_OFFER, 0.0)
    assert message_transport(again.invite) == "UDP"


def test_without_tcp_a_large_request_stays_on_udp_and_a_uri_can_ask_for_tcp() -> None:
    pair = Pair()
    big = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", BIG_OFFER, 0.0)
    assert message_transport(big.invite) == "UDP"
    asked = pair.uac.invite(TARGET + ";transport=tcp", "sip:alice@127.0.0.1", OFFER, 0.0)
    assert message_transport(asked.invite) == "TCP"


def test_responses_to_a_request_over_tcp_go_back_to_its_source() -> None:
    ua = UserAgent(UAS_ADDR)
    caller = UserAgent(UAC_ADDR, transport="TCP")
    call = caller.invite(TARGET, "sip:alice@127.0.0.1", OFFER, 0.0)
    ephemeral = ("127.0.0.1", 40123)  # the caller's connection, not its listening port
    ua.receive(bytes(call.invite), ephemeral, 0.0, transport="TCP")
    (trying,) = ua.outgoing()
    assert trying.peer == ephemeral and trying.transport == "TCP"


def test_a_request_over_65535_bytes_gets_513() -> None:
    ua = UserAgent(UAS_ADDR)
    caller = UserAgent(UAC_ADDR)
    huge = caller.request(
        "MESSAGE", TARGET, 0.0, from_uri="sip:a@127.0.0.1", body=b"z" * 70000,
        content_type="text/plain",
    ).request  # fmt: skip
    traces: list[SipTrace] = []
    ua.on_trace = traces.append
    ua.receive(bytes(huge), UAC_ADDR, 0.0)
    (reply,) = [parse_message(data) for data, _ in ua.datagrams()]
    assert isinstance(reply, SipResponse) and (reply.status, reply.reason) == (
        513,
        "Message Too Large",
    )
    assert reply.call_id == huge.call_id and reply.headers.get_all("Via") == huge.headers.get_all(
        "Via"
    )
    assert traces[0].error is not None and "too large" in traces[0].error


# --- real sockets -------------------------------------------------------------------------
