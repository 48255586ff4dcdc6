"""Bounded property-based fuzzing of the parser and the user agent core (H-SEC-3).

Valid messages captured from a real call are mutated (byte flips, truncation, duplicated
header lines, huge values, inserted bytes). Properties:

1. the parser and every accessor raise nothing but SipParseError;
2. a user agent in the middle of a call never raises, whatever it is fed;
3. a request whose start line and top Via survived the damage but which no longer parses
   is answered exactly once, 400 (505, 513), along that Via.

Each test is capped (``max_examples``, no per-example deadline) so the file runs in a few
seconds; the seeds are derandomised so a failure reproduces.
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from harness.sip.events import IncomingCall, ReinviteReceived
from harness.sip.message import SipRequest, SipResponse, parse_message
from harness.sip.sdp import SessionDescription, make_answer, make_offer
from harness.sip.uas import ServerInviteSession
from harness.sip.useragent import SipTrace

from .pair import UAC_ADDR, UAS_ADDR, Pair

TARGET = f"sip:bob@{UAS_ADDR[0]}:{UAS_ADDR[1]}"
OFFER = bytes(make_offer("127.0.0.1", 4000))
ANSWER = bytes(make_answer(SessionDescription.parse(OFFER), "127.0.0.1", 4002))
FUZZ = settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def capture() -> list[bytes]:
    """Every message of a call with a re-INVITE, an INFO and a REGISTER, as sent."""
    traces: list[SipTrace] = []
    pair = Pair(traces=traces)
    call = pair.uac.invite(TARGET, '"Alice" <sip:alice@127.0.0.1>', OFFER, 0.0)
    pair.pump()
    callee = pair.callees()[0]
    callee.ring(0.0)
    callee.answer(ANSWER, 0.0)
    pair.pump()
    call.reinvite(OFFER.replace(b"sendrecv", b"sendonly"), 0.0)
    pair.pump()
    callee.answer_reinvite_automatically(0.0)
    pair.uac.request_in_dialog(call, "INFO", 0.0, body=b"Signal=5\r\n",
                               content_type="application/dtmf-relay")  # fmt: skip
    pair.uac.register(TARGET, "sip:alice@127.0.0.1", 0.0)
    pair.pump()
    call.hangup(0.0)
    pair.pump()
    return [t.raw for t in traces if t.direction == "out"]


MESSAGES = capture()
REQUESTS = [m for m in MESSAGES if not m.startswith(b"SIP/") and not m.startswith(b"ACK")]


@st.composite
def mutated(draw: st.DrawFn, sources: list[bytes] = MESSAGES, start: int = 0) -> bytes:
    """One of ``sources`` with 1-3 mutations at or after byte ``start`` (-1: after the Via)."""
    data = bytearray(draw(st.sampled_from(sources)))
    low = _after_top_via(bytes(data)) if start < 0 else start
    for _ in range(draw(st.integers(1, 3))):
        if len(data) <= low:
            break
        kind = draw(st.sampled_from(["flip", "truncate", "duplicate", "huge", "insert"]))
        at = draw(st.integers(low, len(data) - 1))
        if kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "duplicate":
            begin = data.rfind(b"\r\n", low, at) + 2 if data.rfind(b"\r\n", low, at) >= 0 else at
            end = data.find(b"\r\n", at)
            if end > begin:
                line = bytes(data[begin : end + 2])
                data[begin:begin] = line * draw(st.integers(1, 30))
        elif kind == "huge":
            filler = draw(st.sampled_from([b"9", b"a", b";", b",", b"<", b'"', b"%00", b" "]))
            data[at:at] = filler * draw(st.sampled_from([50, 4400, 70000]))
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=20))
    return bytes(data)


def _after_top_via(data: bytes) -> int:
    """Index of the second byte of the line after the first Via line."""
    start = data.index(b"\r\nVia: ") + 2
    return data.index(b"\r\n", start) + 3


def _parses(data: bytes) -> bool:
    from harness.sip.grammar import SipParseError

    try:
        parse_message(data)
    except SipParseError:
        return False
    return True


def touch(message: SipRequest | SipResponse) -> None:
    """Read everything a user agent might read; only SipParseError may come out."""
    _ = (message.call_id, message.cseq, message.from_, message.to, message.via)
    _ = (message.branch, message.contact, message.content_type, bytes(message))
    for via in message.via:
        _ = (via.sent_by, via.rport, via.received)
    if message.body and message.content_type == "application/sdp":
        SessionDescription.parse(message.body).direction()


def test_the_captured_messages_are_a_real_call() -> None:
    methods = [parse_message(m) for m in MESSAGES]
    names = {m.method if isinstance(m, SipRequest) else m.status for m in methods}
    assert {"INVITE", "ACK", "BYE", "INFO", "REGISTER", 100, 180, 200} <= names
    assert len(REQUESTS) >= 5


@FUZZ
@given(mutated())
def test_the_parser_raises_nothing_but_sip_parse_error(data: bytes) -> None:
    from harness.sip.grammar import SipParseError

    try:
        message = parse_message(data)
        touch(message)
        touch(parse_message(bytes(message)))
    except SipParseError as exc:
        assert exc.reason  # every refusal says why


def established() -> tuple[Pair, ServerInviteSession]:
    pair = Pair()
    call = pair.uac.invite(TARGET, "sip:alice@127.0.0.1", OFFER, 0.0)
    pair.pump()
    callee = pair.callees()[0]
    callee.answer(ANSWER, 0.0)
    pair.pump()
    assert call.dialog is not None
    return pair, callee


@settings(FUZZ, max_examples=150)
@given(st.lists(mutated(), min_size=1, max_size=4), st.sampled_from(["uac", "uas"]))
def test_a_user_agent_in_a_call_never_raises(batch: list[bytes], side: str) -> None:
    pair, _ = established()
    agent, source = (pair.uas, UAC_ADDR) if side == "uas" else (pair.uac, UAS_ADDR)
    for index, data in enumerate(batch):
        agent.receive(data, source, 0.1 * index, transport="TCP" if index % 2 else "UDP")
        for event in agent.events():
            if isinstance(event, ReinviteReceived):
                session = agent.session(event.call)
                assert session is not None
                session.answer_reinvite_automatically(0.1 * index)
            elif isinstance(event, IncomingCall):
                callee = agent.session(event.call)
                assert isinstance(callee, ServerInviteSession)
                callee.answer(ANSWER, 0.1 * index)
    for data, _ in agent.datagrams():
        sent = parse_message(data) if not data.startswith(b"SIP/2.0 ") else None
        assert sent is None or (isinstance(sent, SipRequest) and sent.method in ("ACK", "BYE"))
    agent.handle_timer(100.0)
    agent.handle_timer(200.0)  # every timer the garbage may have started runs without error


@settings(FUZZ, max_examples=200)
@given(mutated(REQUESTS, start=-1))
def test_a_damaged_request_with_a_readable_via_gets_one_answer(data: bytes) -> None:
    assume(not _parses(data))  # one that still parses is processed like any request
    pair, _ = established()
    pair.uas.receive(data, UAC_ADDR, 1.0)
    sent = pair.uas.datagrams()
    assert len(sent) == 1
    reply, peer = sent[0]
    status = int(reply.split(b" ", 2)[1])
    assert status in (400, 505, 513) and peer == UAC_ADDR
    top_via = data.split(b"\r\n")[1]
    assert reply.split(b"\r\n")[1] == top_via  # answered along the request's own Via
