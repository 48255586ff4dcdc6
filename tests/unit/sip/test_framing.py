"""Stream framing by Content-Length (RFC 3261 section 18.3) and RFC 5626 keep-alives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.sip.framing import Frame, FramingError, Ping, StreamFramer
from harness.sip.message import parse_message

BODY = b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
FIRST = (
    b"INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
    b"Via: SIP/2.0/TCP 127.0.0.1:5061;branch=z9hG4bK1\r\n"
    b"From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: c1\r\n"
    b"CSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n"
    b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
)
SECOND = (
    b"OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n"
    b"v: SIP/2.0/TCP 127.0.0.1:5061;branch=z9hG4bK2\r\n"
    b"f: <sip:a@127.0.0.1>;tag=1\r\nt: <sip:bob@127.0.0.1>\r\ni: c2\r\n"
    b"CSeq: 2 OPTIONS\r\nl: 0\r\n\r\n"
)
STREAM = FIRST + b"\r\n\r\n" + SECOND + b"\r\n" + FIRST


def test_messages_pings_and_empty_lines_come_out_in_order() -> None:
    items = StreamFramer().feed(STREAM)
    assert items == [Frame(FIRST), Ping(), Frame(SECOND), Frame(FIRST)]
    assert parse_message(FIRST).body == BODY


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.lists(st.integers(min_value=1, max_value=len(STREAM)), max_size=12))
def test_any_split_of_the_stream_gives_the_same_messages(cuts: list[int]) -> None:
    framer = StreamFramer()
    items: list[Frame | Ping] = []
    previous = 0
    for cut in [*sorted(set(cuts)), len(STREAM)]:
        items += framer.feed(STREAM[previous:cut])
        previous = cut
    assert items == [Frame(FIRST), Ping(), Frame(SECOND), Frame(FIRST)]
    assert framer.buffered == 0


def test_missing_content_length_reads_as_zero_and_a_partial_body_waits() -> None:
    framer = StreamFramer()
    no_length = SECOND.replace(b"l: 0\r\n", b"")
    assert framer.feed(no_length) == [Frame(no_length)]
    assert framer.feed(FIRST[:-5]) == []
    assert framer.buffered == len(FIRST) - 5
    assert framer.feed(FIRST[-5:]) == [Frame(FIRST)]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (SECOND.replace(b"l: 0", b"l: 0\r\nContent-Length: 5"), "conflicting Content-Length"),
        (SECOND.replace(b"l: 0", b"l: -1"), "is not a number"),
        (SECOND.replace(b"l: 0", b"l: 99999999999"), "is not a number"),
        (SECOND.replace(b"l: 0", b"l: 2000000"), "exceeds"),
        (b"X" * 70000, "no end of header section"),
    ],
)
def test_a_broken_stream_raises_and_stays_broken(data: bytes, reason: str) -> None:
    framer = StreamFramer()
    with pytest.raises(FramingError, match=reason):
        framer.feed(data)
    with pytest.raises(FramingError):
        framer.feed(SECOND)  # nothing after a framing error can be trusted


def test_half_a_ping_waits_for_the_rest() -> None:
    framer = StreamFramer()
    assert framer.feed(b"\r\n") == []
    assert framer.feed(b"\r\n") == [Ping()]
    assert framer.feed(b"\r\n" + SECOND) == [Frame(SECOND)]  # a lone CRLF is skipped
