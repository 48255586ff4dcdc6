"""Parsing, serialising and building SIP messages (RFC 3261 section 7)."""

from __future__ import annotations

import pytest

from harness.sip.headers import Headers
from harness.sip.message import (
    CSeq,
    SipParseError,
    SipRequest,
    SipResponse,
    build_response,
    make_branch,
    make_call_id,
    make_tag,
    parse_message,
    reason_phrase,
)
from harness.sip.uri import NameAddr, SipUri, Via


def crlf(text: str) -> bytes:
    """Write test messages with LF and send them with CRLF, as peers do."""
    return text.replace("\n", "\r\n").encode()


INVITE = crlf(
    """INVITE sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport
Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK1, SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bK2
Max-Forwards: 70
To: "Bob, the builder" <sip:bob@biloxi.example.com>
From: "Alice \\"Al\\" Smith" <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159 INVITE
Contact: <sip:alice@pc33.atlanta.example.com>;q=0.7, "Desk, 2nd" <sip:alice@[::1]:5062>
Content-Type: application/sdp
Content-Length: 4

v=0
"""
)


def test_invite_parses_with_multi_value_headers_split() -> None:
    msg = parse_message(INVITE)
    assert isinstance(msg, SipRequest)
    assert msg.method == "INVITE"
    assert msg.uri == SipUri("sip", "bob", "biloxi.example.com")
    assert msg.body == b"v=0\r"  # Content-Length 4 cuts the body short
    vias = msg.via
    assert [v.host for v in vias] == [
        "pc33.atlanta.example.com",
        "proxy.example.com",
        "2001:db8::9",
    ]
    assert vias[2] == Via("TCP", "2001:db8::9", 5070, (("branch", "z9hG4bK2"),))
    assert msg.branch == "z9hG4bK776asdhds"
    assert msg.cseq == CSeq(314159, "INVITE")
    assert msg.call_id == "a84b4c76e66710@pc33.atlanta.example.com"
    assert msg.to.display == "Bob, the builder"
    assert msg.from_.display == 'Alice "Al" Smith'
    assert msg.from_.tag == "1928301774"
    contacts = msg.headers.get_all("Contact")
    assert len(contacts) == 2
    second = NameAddr.parse(contacts[1])
    assert second.display == "Desk, 2nd"
    assert second.uri.host == "::1" and second.uri.port == 5062


def test_round_trip_is_stable() -> None:
    msg = parse_message(INVITE)
    again = parse_message(bytes(msg))
    assert again == msg
    assert bytes(again) == bytes(msg)
    text = bytes(msg).decode()
    assert "Via: SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bK2\r\n" in text
    assert text.endswith("Content-Length: 4\r\n\r\nv=0\r")


def test_compact_forms_are_normalised() -> None:
    raw = crlf(
        """BYE sip:bob@192.0.2.4 SIP/2.0
v: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKnashds7
f: <sip:alice@atlanta.example.com>;tag=1928301774
t: <sip:bob@biloxi.example.com>;tag=a6c85cf
i: a84b4c76e66710
CSeq: 231 BYE
m: <sip:alice@192.0.2.1>
k: timer, 100rel
s: bye now
x: 1800
o: dialog
l: 0

"""
    )
    msg = parse_message(raw)
    names = [name for name, _ in msg.headers]
    assert names == [
        "Via", "From", "To", "Call-ID", "CSeq", "Contact", "Supported", "Supported",
        "Subject", "Session-Expires", "Event",
    ]  # fmt: skip
    assert msg.headers.get("supported") == "timer"
    assert msg.headers.get_all("k") == ["timer", "100rel"]
    assert msg.to.tag == "a6c85cf"


def test_folded_header_lines_are_unfolded() -> None:
    raw = crlf(
        """OPTIONS sip:carol@chicago.example.com SIP/2.0
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877
Subject: I know you're there,
   pick up the phone
\t and talk to me!
To: <sip:carol@chicago.example.com>
From: Alice <sip:alice@atlanta.example.com>
 ;tag=1928301774
Call-ID: a84b4c76e66710
CSeq: 63104
 OPTIONS

"""
    )
    msg = parse_message(raw)
    assert msg.headers.get("Subject") == "I know you're there, pick up the phone and talk to me!"
    assert msg.from_.tag == "1928301774"
    assert msg.cseq == CSeq(63104, "OPTIONS")


def test_lf_only_line_ends_are_tolerated() -> None:
    raw = INVITE.replace(b"\r\n", b"\n")
    msg = parse_message(raw)
    assert msg.call_id == "a84b4c76e66710@pc33.atlanta.example.com"
    assert msg.body == b"v=0\n"


def test_content_length_truncates_and_must_not_exceed_body() -> None:
    head = INVITE.split(b"\r\n\r\n")[0]
    msg = parse_message(head + b"\r\n\r\nv=0\r\nextra bytes")
    assert msg.body == b"v=0\r"
    with pytest.raises(SipParseError, match="Content-Length 4 but only 2 body bytes"):
        parse_message(head + b"\r\n\r\nv=")


def test_missing_content_length_takes_the_rest_of_the_datagram() -> None:
    raw = INVITE.replace(b"Content-Length: 4\r\n", b"")
    assert parse_message(raw).body == b"v=0\r\n"


def test_response_round_trip_and_properties() -> None:
    raw = crlf(
        """SIP/2.0 180 Ringing
Via: SIP/2.0/UDP [::1]:5060;branch=z9hG4bK74bf9;received=::1;rport=40000
To: <sip:bob@[::1]>;tag=8321234356
From: <sip:alice@[::1]>;tag=9fxced76sl
Call-ID: 3848276298220188511@[::1]
CSeq: 1 INVITE
Content-Length: 0

"""
    )
    msg = parse_message(raw)
    assert isinstance(msg, SipResponse)
    assert (msg.status, msg.reason) == (180, "Ringing")
    assert msg.via[0].rport == 40000
    assert msg.via[0].received == "::1"
    assert msg.to.uri.host == "::1"
    assert parse_message(bytes(msg)) == msg


def test_register_with_star_contact() -> None:
    raw = crlf(
        """REGISTER sip:registrar.biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7
Max-Forwards: 70
To: Bob <sip:bob@biloxi.example.com>
From: Bob <sip:bob@biloxi.example.com>;tag=456248
Call-ID: 843817637684230@998sdasdh09
CSeq: 1826 REGISTER
Contact: *
Expires: 0
Content-Length: 0

"""
    )
    msg = parse_message(raw)
    assert msg.headers.get("Contact") == "*"
    assert msg.contact is None
    assert msg.to.display == "Bob"


def test_headers_are_immutable_case_insensitive_multimap() -> None:
    h = Headers([("via", "a"), ("Call-ID", "x"), ("VIA", "b")])
    assert h.get_all("Via") == ["a", "b"]
    assert h.get("call-id") == "x" and h.get("i") == "x"
    assert "CALL-ID" in h and "Route" not in h
    h2 = h.add("Via", "top", first=True).add("Route", "<sip:p;lr>")
    assert h2.get_all("Via") == ["top", "a", "b"]
    assert h.get_all("Via") == ["a", "b"]  # unchanged
    assert h2.replace("Via", "only").get_all("Via") == ["only"]
    assert h2.remove("via").get_all("Via") == []
    assert h2.remove_first("Via").get_all("Via") == ["a", "b"]
    with pytest.raises(AttributeError):
        h.x = 1
    with pytest.raises(ValueError):
        Headers([("Subject", "a\r\nInjected: yes")])
    listed = Headers([("Allow", "INVITE, ACK"), ("Contact", '"A, B" <sip:a@h>, <sip:b@h>')])
    assert listed.get_all("Allow") == ["INVITE", "ACK"]
    assert listed.get_all("Contact") == ['"A, B" <sip:a@h>', "<sip:b@h>"]
    with pytest.raises(ValueError, match="empty element"):
        Headers([("Via", "SIP/2.0/UDP h;branch=x,,")])


def test_build_response_copies_the_right_headers() -> None:
    request = parse_message(INVITE)
    assert isinstance(request, SipRequest)
    request = SipRequest(
        request.method,
        request.uri,
        request.headers.add("Record-Route", "<sip:p1.example.com;lr>").add("Timestamp", "54"),
        request.body,
    )
    ringing = build_response(request, 180, to_tag="abc", contact="<sip:bob@192.0.2.4>")
    assert ringing.reason == "Ringing"
    assert ringing.headers.get_all("Via") == request.headers.get_all("Via")
    assert ringing.headers.get_all("Record-Route") == ["<sip:p1.example.com;lr>"]
    assert ringing.to.tag == "abc" and ringing.to.display == "Bob, the builder"
    assert ringing.from_ == request.from_
    assert ringing.cseq == request.cseq and ringing.call_id == request.call_id
    assert ringing.headers.get("Contact") == "<sip:bob@192.0.2.4>"
    trying = build_response(request, 100, to_tag="abc")
    assert trying.to.tag is None  # 100 carries no tag (8.2.6.2)
    assert trying.headers.get("Timestamp") == "54"  # 8.2.6.1
    busy = build_response(request, 486)
    assert busy.reason == "Busy Here" and busy.headers.get("Record-Route") is None
    ok = build_response(request, 200, body=b"v=0\r\n", content_type="application/sdp")
    assert b"Content-Length: 5\r\n" in bytes(ok)
    with pytest.raises(ValueError):
        build_response(request, 200, body=b"x")
    assert reason_phrase(299) == "OK" and reason_phrase(699) == "Global Failure"


def test_generated_identifiers() -> None:
    assert make_branch().startswith("z9hG4bK")
    assert make_branch() != make_branch()
    assert len(make_tag()) >= 8 and make_tag() != make_tag()
    assert make_call_id("127.0.0.1").endswith("@127.0.0.1")


def test_uri_forms_round_trip() -> None:
    for text in [
        "sip:alice@atlanta.example.com",
        "sips:alice:secret@[2001:db8::1]:5061;transport=tls;lr?subject=project&priority=urgent",
        "sip:+12125551212@gateway.example.com;user=phone",
        "sip:127.0.0.1:5070",
        "tel:+1-201-555-0123;phone-context=example.com",
    ]:
        assert str(SipUri.parse(text)) == text
    uri = SipUri.parse("sip:alice@[::1]:5070;lr")
    assert uri.address == ("::1", 5070)
    assert uri.param("lr") == "" and uri.param("transport") is None
    assert SipUri.parse("sips:bob@example.com").address == ("example.com", 5061)
    for bad in ["http://example.com", "sip:", "sip:bob@", "sip:bob@host:99999", "sip:a b@host"]:
        with pytest.raises(SipParseError):
            SipUri.parse(bad)


def test_name_addr_forms() -> None:
    plain = NameAddr.parse("sip:bob@example.com;tag=1")
    assert plain.display is None and plain.tag == "1" and plain.uri.params == ()
    bracketed = NameAddr.parse("<sip:bob@example.com;lr>;tag=2")
    assert bracketed.uri.param("lr") == "" and bracketed.tag == "2"
    tokens = NameAddr.parse("Bob   Smith <sip:bob@example.com>")
    assert tokens.display == "Bob Smith"
    assert str(NameAddr.parse('"A \\"B\\"" <sip:a@b>;tag=x')) == '"A \\"B\\"" <sip:a@b>;tag=x'
    assert str(tokens.with_tag("9")) == '"Bob Smith" <sip:bob@example.com>;tag=9'
    assert tokens.with_tag("9").with_tag(None) == tokens


def test_empty_list_headers_are_allowed_but_empty_elements_are_not() -> None:
    base = (
        b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n"
        b"From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n"
    )
    msg = parse_message(base + b"Accept-Encoding: \r\nSupported:\r\nContent-Length: 0\r\n\r\n")
    assert msg.headers.get("Supported") == ""
    assert msg.headers.get_all("Accept-Encoding") == [""]
    with pytest.raises(SipParseError):
        parse_message(base + b"Supported: timer,,100rel\r\nContent-Length: 0\r\n\r\n")
