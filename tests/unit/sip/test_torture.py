"""Torture messages in the spirit of RFC 4475 (written here from the RFC's descriptions).

Every valid message of section 3.1.1 must parse with the right values. Every invalid one of
section 3.1.2 is either rejected with a reason that names the problem, or (where the RFC
lets an element be liberal) parsed leniently; :data:`LENIENT` lists which and why. A UAS
answers a rejected request 400 (505 for a version) when it can still route a reply.
"""

from __future__ import annotations

import pytest

from harness.sip.message import CSeq, SipParseError, SipRequest, SipResponse, parse_message
from harness.sip.useragent import SipTrace, UserAgent


def wire(text: str, body: str = "") -> bytes:
    """CRLF line ends, a blank line, then the body (Content-Length written by the test)."""
    return (text.strip("\n").replace("\n", "\r\n") + "\r\n\r\n" + body).encode()


SDP = "v=0\r\no=mhandley 29739 7272939 IN IP4 192.0.2.3\r\ns=-\r\nc=IN IP4 192.0.2.3\r\n"
SDP += "t=0 0\r\nm=audio 49217 RTP/AVP 0 12\r\n"


def test_wsinv_whitespace_and_folding_everywhere() -> None:
    # 3.1.1.1: LWS around colons, '/', ';' and '='; folded lines; mixed case names;
    # compact forms; an unknown header with an odd value; escaped quotes in a display name.
    raw = wire(
        f"""
INVITE sip:carol@tortured.example.com;oddparam SIP/2.0
TO :
 sip:carol@tortured.example.com ;   tag    = 77aa1b
from   : "Ann \\\\\\"Q\\\\\\""       <sip:ann@example.com>
  ;
  tag = 41x9
MaX-fOrWaRdS: 0069
Call-ID: wstest.77wq@192.0.2.1
Content-Length   : {len(SDP)}
cseq: 0012
  INVITE
Via  : SIP  /   2.0
 /UDP
    192.0.2.2;branch=z9hG4bKa1
s :
OddHeader:   first part
 second part
WeirdValues: ;;,,;;,;
Content-Type: application/sdp
Route:
 <sip:svc.example.com;lr;unknown=value;flag>
v:  SIP  / 2.0  / TCP     spool.example.com   ;
  branch  =   z9hG4bKb2  ,
 SIP  /    2.0   / UDP  192.0.2.111   ; branch=
 z9hG4bKc3
m:"Quoted \\"\\"" <sip:ann@example.com> ; np =
      nv ;
  flagp ; q = 0.5
""",
        SDP,
    )
    msg = parse_message(raw)
    assert isinstance(msg, SipRequest)
    assert msg.uri.param("oddparam") == ""
    assert msg.to.uri.user == "carol" and msg.to.tag == "77aa1b"
    assert msg.from_.display == 'Ann \\"Q\\"' and msg.from_.tag == "41x9"
    assert msg.headers.get("Max-Forwards") == "0069"
    assert msg.cseq == CSeq(12, "INVITE")
    assert [(v.transport, v.host, v.branch) for v in msg.via] == [
        ("UDP", "192.0.2.2", "z9hG4bKa1"),
        ("TCP", "spool.example.com", "z9hG4bKb2"),
        ("UDP", "192.0.2.111", "z9hG4bKc3"),
    ]
    assert msg.headers.get("Subject") == ""
    assert msg.headers.get("oddheader") == "first part second part"
    assert msg.headers.get("WeirdValues") == ";;,,;;,;"
    contact = msg.contact
    assert contact is not None and contact.display == 'Quoted ""'
    assert (
        contact.param("np") == "nv" and contact.param("flagp") == "" and contact.param("q") == "0.5"
    )
    assert msg.body == SDP.encode()
    again = parse_message(bytes(msg))
    assert bytes(parse_message(bytes(again))) == bytes(again)
    assert (again.via, again.to, again.from_, again.contact) == (
        msg.via,
        msg.to,
        msg.from_,
        contact,
    )


def test_esc01_escapes_in_uris_are_kept_verbatim() -> None:
    # 3.1.1.3: escaped characters in the Request-URI user part and in URI parameters.
    raw = wire(
        """
INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0
To: sip:%75se%72@example.com
From: <sip:I%20have%20spaces@example.net>;tag=1
Max-Forwards: 87
i: esc01.239409asdfakjkn23onasd0-3234
CSeq: 234234 INVITE
Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw
m: <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>
l: 0
"""
    )
    msg = parse_message(raw)
    assert isinstance(msg, SipRequest)
    assert msg.uri.user == "sips%3Auser%40example.com" and msg.uri.host == "example.net"
    assert msg.from_.uri.user == "I%20have%20spaces"
    contact = msg.contact
    assert contact is not None
    assert contact.uri.param("%6C%72") == "" and contact.uri.param("n%61me") == "v%61lue%25%34%31"
    assert bytes(msg).startswith(b"INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0\r\n")


def test_lwsdisp_display_name_without_space_and_bare_addr_spec() -> None:
    # 3.1.1.6: no LWS between display name and '<'; a To with a bare addr-spec.
    raw = wire(
        """
OPTIONS sip:user@example.com SIP/2.0
To: sip:user@example.com
From: caller<sip:caller@example.com>;tag=323
Max-Forwards: 70
Call-ID: lwsdisp.1234abcd@funky.example.com
CSeq: 60 OPTIONS
Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw
l: 0
"""
    )
    msg = parse_message(raw)
    assert msg.from_.display == "caller" and msg.from_.tag == "323"
    assert msg.to.display is None and msg.to.uri.user == "user"


def test_intmeth_unknown_method_and_wild_user_part() -> None:
    # 3.1.1.2: a method made of unusual token characters, matched by CSeq; a user part and
    # password full of reserved characters; odd tokens in display names and parameters.
    method = "!odd-Method9876543210_*+`.%surely'~"
    user = "2_strange.User~(not-so!sure)&why+not$/wild?,/;;*"
    password = "&has+it=2,odd!*secr$t~_too.(isn't-it)"
    uri = f"sip:{user}:{password}@ex.com"
    from_value = (
        "tok1~` tok2'+_ tok3*%!.- <sip:plain@example.com>;odd''~+*_!.-%=value;tag=_t~1'+`*%!-."
    )
    raw = wire(
        f"""
{method} {uri} SIP/2.0
Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~
To: "BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f" <{uri}>
From: {from_value}
Call-ID: odd.word%ZK-!.*_+'@word`~)(><:\\/"][?}}{{
CSeq: 4242 {method}
Max-Forwards: 255
l: 0
"""
    )
    msg = parse_message(raw)
    assert isinstance(msg, SipRequest)
    assert msg.method == method and msg.cseq.method == method
    assert msg.uri.user == user and msg.uri.password == password and msg.uri.host == "ex.com"
    assert msg.from_.display == "tok1~` tok2'+_ tok3*%!.-"
    assert msg.from_.tag == "_t~1'+`*%!-." and msg.from_.param("odd''~+*_!.-%") == "value"
    assert msg.to.display == "BEL:\x07 NUL:\x00 DEL:\x7f"
    assert str(msg.uri) == uri


def test_semiuri_and_noreason_and_dblreq() -> None:
    # 3.1.1.9: ';' in the user part; 3.1.1.13: status line without reason phrase;
    # 3.1.1.8: a second message after Content-Length is ignored.
    raw = wire(
        """
OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0
To: sip:j_user@example.com
From: sip:caller@example.org;tag=33242
Max-Forwards: 3
Call-ID: semiuri.0ha0isndaksdj
CSeq: 8 OPTIONS
Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw
l: 0
""",
        "REGISTER sip:example.com SIP/2.0\r\n",
    )
    msg = parse_message(raw)
    assert isinstance(msg, SipRequest)
    assert msg.uri.user == "user;par=u%40example.net" and msg.uri.params == ()
    assert msg.body == b""
    reply = parse_message(
        wire(
            "SIP/2.0 100 "  # a space, then no reason phrase
            + """
Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe
Call-ID: noreason.asndj203insdf99223ndf
CSeq: 35 INVITE
From: <sip:user@example.com>;tag=39ansfi3
To: <sip:user@example.edu>;tag=902jndnke3
l: 0
"""
        )
    )
    assert isinstance(reply, SipResponse) and (reply.status, reply.reason) == (100, "")


def test_escnull_escaped_nulls_stay_escaped() -> None:
    # 3.1.1.4: %00 in user parts must not end any string early.
    raw = wire(
        """
REGISTER sip:example.com SIP/2.0
To: sip:zero-%00-zero@example.com
From: sip:zero-%00-zero@example.com;tag=7731
Max-Forwards: 70
Call-ID: escnull.a81f7c0e1d
CSeq: 902 REGISTER
Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKnull1
Contact: <sip:%00@host5.example.com>
Contact: <sip:%00%00@host5.example.com>
L:0
"""
    )
    msg = parse_message(raw)
    assert msg.to.uri.user == "zero-%00-zero" and msg.from_.tag == "7731"
    contacts = msg.headers.get_all("Contact")
    assert contacts == ["<sip:%00@host5.example.com>", "<sip:%00%00@host5.example.com>"]
    assert b"%00%00" in bytes(msg) and b"\x00" not in bytes(msg)


def test_esc02_percent_that_is_not_an_escape() -> None:
    # 3.1.1.5: '%' in a method name and a quoted display name is just a character.
    raw = wire(
        """
RE%47IST%45R sip:registrar.example.com SIP/2.0
To: "%Z%45" <sip:resource@example.com>
From: "%Z%45" <sip:resource@example.com>;tag=f232jadfj23
Call-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf
Via: SIP/2.0/TCP host.example.com;rport;branch=z9hG4bKpercent
C%6Fntact: <sip:alias1@host1.example.com>
CSeq: 29344 RE%47IST%45R
Max-Forwards: 70
l: 0
"""
    )
    msg = parse_message(raw)
    assert isinstance(msg, SipRequest) and msg.method == "RE%47IST%45R"  # not REGISTER
    assert msg.to.display == "%Z%45" and msg.cseq.method == "RE%47IST%45R"
    assert msg.headers.get("C%6Fntact") == "<sip:alias1@host1.example.com>"
    assert msg.contact is None  # "C%6Fntact" is an unknown header, not Contact


def test_longreq_long_values_everywhere() -> None:
    # 3.1.1.7: very long header values, many Via values, a long body: all kept intact.
    name = "Long" * 80
    user = "x" * 500
    tag = "t" * 300
    vias = "\n".join(
        f"Via: SIP/2.0/UDP sip{i}.example.com;branch=z9hG4bK{'b' * 90}{i}" for i in range(40)
    )
    unknown = "v" * 5000
    body = "a" * 3000
    raw = wire(
        f"""
INVITE sip:{user}@example.com SIP/2.0
To: "{name}" <sip:{user}@example.com>
From: "{name}" <sip:{user}@example.com>;tag={tag}
Call-ID: longreq.{"c" * 400}
CSeq: 17 INVITE
Max-Forwards: 70
{vias}
X-Unknown-Header: {unknown}
Content-Type: text/plain
Content-Length: {len(body)}
""",
        body,
    )
    msg = parse_message(raw)
    assert len(raw) > 15000 and isinstance(msg, SipRequest)
    assert msg.to.display == name and msg.from_.tag == tag and msg.uri.user == user
    assert len(msg.via) == 40 and msg.via[-1].host == "sip39.example.com"
    assert msg.headers.get("x-unknown-header") == unknown and msg.body == body.encode()


def test_dblreq_trailing_octets_after_the_body_are_ignored() -> None:
    # 3.1.1.8: a datagram holding one message and the start of another.
    first = wire(
        """
REGISTER sip:example.com SIP/2.0
To: sip:j.user@example.com
From: sip:j.user@example.com;tag=43251j3j324
Max-Forwards: 8
Call-ID: dblreq.0ha0isndaksdj99sdfafnl3lk233412
Contact: sip:j.user@host.example.com
CSeq: 8 REGISTER
Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKdbl1
Content-Length: 0
"""
    )
    extra = b"INVITE sip:joe@example.com SIP/2.0\r\nt: sip:joe@example.com\r\n\r\n"
    msg = parse_message(first + extra)
    assert isinstance(msg, SipRequest) and msg.method == "REGISTER" and msg.body == b""


def test_transports_unknown_transport_tokens_in_via() -> None:
    # 3.1.1.10: Via values naming SCTP, TLS-SCTP and a transport nobody knows.
    raw = wire(
        """
OPTIONS sip:user@example.com SIP/2.0
To: sip:user@example.com
From: <sip:caller@example.com>;tag=323
Max-Forwards: 70
Call-ID: transports.kijh4akdnaqjkwendsasfdj
Accept: application/sdp
CSeq: 60 OPTIONS
Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw
Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf
Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj
Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en
Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee
Via: SIP/2.0/TLS-SCTP t6.example.com;branch=z9hG4bKz8x7c6
l: 0
"""
    )
    msg = parse_message(raw)
    transports = [v.transport for v in msg.via]
    assert transports == ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP", "TLS-SCTP"]
    assert msg.via[2].sent_by == ("t3.example.com", 5061)  # TLS's default port


def test_mpart01_multipart_body_is_kept_byte_for_byte() -> None:
    # 3.1.1.11: a multipart/mixed body, one part binary, framed only by Content-Length.
    sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
    binary = bytes(range(256))
    body = (
        b"--7a9cbec02ceef655\r\nContent-Type: application/sdp\r\n\r\n"
        + sdp.encode()
        + b"\r\n--7a9cbec02ceef655\r\nContent-Type: application/octet-stream\r\n"
        + b"Content-Transfer-Encoding: binary\r\n\r\n"
        + binary
        + b"\r\n--7a9cbec02ceef655--\r\n"
    )
    head = wire(
        f"""
MESSAGE sip:kumiko@example.org SIP/2.0
Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bK-mpart
Max-Forwards: 70
From: "Nobuko" <sip:nobuko@example.net>;tag=d87s
To: "Kumiko" <sip:kumiko@example.org>
Call-ID: mpart01.3mo23z7mzv
CSeq: 5 MESSAGE
MIME-Version: 1.0
Content-Type: multipart/mixed;boundary=7a9cbec02ceef655
Content-Length: {len(body)}
"""
    )
    msg = parse_message(head + body)
    assert msg.body == body and msg.content_type == "multipart/mixed"
    assert parse_message(bytes(msg)).body == body


def test_unreason_unusual_reason_phrase() -> None:
    # 3.1.1.12: a reason phrase with UTF-8 text, digits, '=' and '*'.
    reason = "= 2**3 * 5**2 но сто девяносто девять — простое"
    raw = wire(
        f"""
SIP/2.0 200 {reason}
Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923
Call-ID: unreason.1234ksdfak3j2erwedfsASdf
CSeq: 35 INVITE
From: sip:user@example.com;tag=11141343
To: sip:user@example.edu;tag=2229
Contact: <sip:user@host198.example.com>
Content-Length: 0
"""
    )
    msg = parse_message(raw)
    assert isinstance(msg, SipResponse) and (msg.status, msg.reason) == (200, reason)
    assert parse_message(bytes(msg)) == msg


HEADERS = """To: sip:j.user@example.com
From: sip:caller@example.net;tag=134161461246
Max-Forwards: 7
Call-ID: torture.0ha0isndaksdjasdf3234nas
CSeq: 8 {method}
Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw"""


def request(start_line: str, method: str, *extra: str, headers: str = HEADERS) -> bytes:
    """A request with the shared headers, a CSeq for ``method`` and ``extra`` lines."""
    lines = [start_line, headers.format(method=method), *extra]
    if not any(e.lower().startswith(("l:", "content-length")) for e in extra):
        lines.append("l: 0")
    return wire("\n".join(lines))


# name -> (RFC 4475 section, bytes, reason the parser gives, what a UAS answers: None = drop)
INVALID: dict[str, tuple[str, bytes, str, int | None]] = {
    "badinv01": (
        "3.1.2.1",  # extraneous separators in Via and Contact: the Via cannot be read back
        wire(
            """
INVITE sip:user@example.com SIP/2.0
To: sip:j.user@example.com
From: sip:caller@example.net;tag=134161461246
Max-Forwards: 7
Call-ID: badinv01.0ha0isndaksdjasdf3234nas
CSeq: 8 INVITE
Via: SIP/2.0/UDP 192.0.2.15;;,;,,
Contact: "Joe" <sip:joe@example.org>;;;;
l: 0
"""
        ),
        "empty element in Via",
        None,
    ),
    "clerr": (
        "3.1.2.2",  # Content-Length larger than the body
        wire(
            "INVITE sip:user@example.com SIP/2.0\n"
            + HEADERS.format(method="INVITE")
            + "\nContent-Length: 9999",
            "v=0\r\n",
        ),
        "Content-Length 9999 but only 5 body bytes",
        400,
    ),
    "ncl": (
        "3.1.2.3",  # negative Content-Length
        request("REGISTER sip:example.com SIP/2.0", "REGISTER", "Content-Length: -999"),
        "Content-Length is not a number",
        400,
    ),
    "scalar02": (
        "3.1.2.4",  # a request whose numbers are all too large
        request(
            "REGISTER sip:example.com SIP/2.0",
            "REGISTER",
            "Expires: 100000000000000000000",
            "Contact: <sip:j.user@host.example.com>;expires=280297596632815",
            headers=HEADERS.replace("CSeq: 8", "CSeq: 36893488147419103232").replace(
                "Max-Forwards: 7", "Max-Forwards: 300"
            ),
        ),
        "is not below 2**31",
        400,
    ),
    "scalarlg": (
        "3.1.2.5",  # a response whose numbers are all too large: never answered
        wire(
            "SIP/2.0 503 Service Unavailable\n"
            + HEADERS.format(method="REGISTER").replace("CSeq: 8", "CSeq: 36893488147419103232")
            + "\nRetry-After: 949302838503028349304023988\n"
            'Warning: 1812 overture "In Progress"\nl: 0'
        ),
        "is not below 2**31",
        None,
    ),
    "quotbal": (
        "3.1.2.6",  # unterminated quoted display name
        request(
            "INVITE sip:user@example.com SIP/2.0",
            "INVITE",
            headers=HEADERS.replace(
                "From: sip:caller@example.net;", 'From: "Mr. J. User <sip:caller@example.net>;'
            ),
        ),
        "unterminated quoted string",
        400,
    ),
    "ltgtruri": (
        "3.1.2.7",  # Request-URI inside <>
        request("INVITE <sip:user@example.com> SIP/2.0", "INVITE"),
        "unsupported URI scheme",
        400,
    ),
    "lwsruri": (
        "3.1.2.8",  # LWS inside the Request-URI
        request("INVITE sip:user@example.com; lr SIP/2.0", "INVITE"),
        "request line must be",
        400,
    ),
    "lwsstart": (
        "3.1.2.9",  # two spaces between Request-Line elements
        request("INVITE  sip:user@example.com  SIP/2.0", "INVITE"),
        "request line must be",
        400,
    ),
    "trws": (
        "3.1.2.10",  # trailing spaces after the version
        request("OPTIONS sip:remote-target@example.com SIP/2.0  ", "OPTIONS"),
        "request line must be",
        400,
    ),
    "escruri": (
        "3.1.2.11",  # headers in the Request-URI
        request("INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0", "INVITE"),
        "must not carry headers",
        400,
    ),
    "baddn": (
        "3.1.2.15",  # an unquoted display name with a comma
        request(
            "OPTIONS sip:t.watson@example.org SIP/2.0",
            "OPTIONS",
            headers=HEADERS.replace(
                "From: sip:caller@example.net;", "From: Bell, Alexander <sip:a.g.bell@example.com>;"
            ),
        ),
        "bad display name",
        400,
    ),
    "badvers": (
        "3.1.2.16",  # SIP/7.0: answered 505 (21.5.6)
        request("OPTIONS sip:t.watson@example.org SIP/7.0", "OPTIONS"),
        "unsupported SIP version",
        505,
    ),
    "mismatch01": (
        "3.1.2.17",  # CSeq method differs from the request method
        request("OPTIONS sip:user@example.com SIP/2.0", "INVITE"),
        "CSeq method INVITE does not match OPTIONS",
        400,
    ),
    "mismatch02": (
        "3.1.2.18",  # an unknown method, and a CSeq naming another one
        request("NEWMETHOD sip:user@example.com SIP/2.0", "INVITE"),
        "CSeq method INVITE does not match NEWMETHOD",
        400,
    ),
    "bigcode": (
        "3.1.2.19",  # a status code far out of range: a response, never answered
        wire(
            "SIP/2.0 4294967301 better not break the receiver\n"
            + HEADERS.format(method="INVITE")
            + "\nl: 0"
        ),
        "bad status line",
        None,
    ),
    "insuf": (
        "3.3.1",  # mandatory headers missing: still answered, with what there is
        wire(
            "INVITE sip:user@example.com SIP/2.0\nCSeq: 193942 INVITE\n"
            "Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf\nl: 0"
        ),
        "missing Call-ID header",
        400,
    ),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_messages_raise_with_a_reason(name: str) -> None:
    _, raw, reason, _ = INVALID[name]
    with pytest.raises(SipParseError) as info:
        parse_message(raw)
    assert reason in info.value.reason


@pytest.mark.parametrize("name", sorted(INVALID))
def test_a_uas_answers_what_it_can_route_and_drops_the_rest(name: str) -> None:
    _, raw, _, status = INVALID[name]
    ua = UserAgent(("127.0.0.1", 5060))
    ua.receive(raw, ("127.0.0.1", 40000), now=0.0)
    sent = ua.datagrams()
    if status is None:
        assert sent == []
        return
    ((data, peer),) = sent
    assert data.startswith(f"SIP/2.0 {status} ".encode()) and peer == ("127.0.0.1", 40000)
    # The reply goes back along the request's Via and carries its Call-ID and CSeq as sent.
    assert first_line(data, "Via") == first_line(raw, "Via")
    assert first_line(data, "CSeq") == first_line(raw, "CSeq")
    assert ua.open_dialogs() == [] and ua.events() == []


def first_line(message: bytes, name: str) -> str:
    lines = message.decode().split("\r\n")
    return next(x for x in lines if x.startswith(f"{name}:")).split(":", 1)[1].strip()


# Section 3.1.2 messages an element may accept (the RFC allows a liberal reading of these):
# we do, and they must come out usable.
LENIENT = {
    "baddate": "3.1.2.12: a Date in EST, not GMT; the Date header is never interpreted",
    "regbadct": "3.1.2.13: a Contact URI with '?' headers and no <>; the reading is unambiguous",
    "badaspec": "3.1.2.14: spaces inside <>; the URI is taken without them",
}


def test_liberal_readings_of_3_1_2_12_to_14() -> None:
    assert sorted(LENIENT) == ["badaspec", "baddate", "regbadct"]
    baddate = parse_message(
        request(
            "INVITE sip:user@example.com SIP/2.0", "INVITE", "Date: Fri, 01 Jan 2010 16:00:00 EST"
        )
    )
    assert baddate.headers.get("Date") == "Fri, 01 Jan 2010 16:00:00 EST"
    regbadct = parse_message(
        request(
            "REGISTER sip:example.com SIP/2.0",
            "REGISTER",
            "Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E",
        )
    )
    contact = regbadct.contact
    assert contact is not None and contact.uri.headers == (("Route", "%3Csip:sip.example.com%3E"),)
    assert str(contact) == "<sip:user@example.com?Route=%3Csip:sip.example.com%3E>"
    badaspec = parse_message(
        request(
            "OPTIONS sip:user@example.org SIP/2.0",
            "OPTIONS",
            headers=HEADERS.replace(
                "To: sip:j.user@example.com", 'To: "Watson, Thomas" < sip:t.watson@example.org >'
            ),
        )
    )
    assert badaspec.to.uri.user == "t.watson" and badaspec.to.display == "Watson, Thomas"


def test_uas_answers_400_to_a_routable_malformed_request() -> None:
    traces: list[SipTrace] = []
    ua = UserAgent(("127.0.0.1", 5060), on_trace=traces.append)
    raw = INVALID["mismatch01"][1]
    ua.receive(raw, ("127.0.0.1", 40000), now=0.0)
    sent = ua.datagrams()
    assert len(sent) == 1
    data, peer = sent[0]
    reply = parse_message(data)
    assert isinstance(reply, SipResponse) and reply.status == 400
    assert "does not match" in reply.reason and reply.to.tag is not None
    assert peer == ("127.0.0.1", 40000)
    assert traces[0].direction == "in" and traces[0].message is None
    assert traces[0].error is not None and "CSeq method" in traces[0].error
    # Unreadable garbage is dropped silently, and the agent keeps working.
    ua.receive(b"\x00\xff garbage", ("127.0.0.1", 40000), now=0.2)
    ua.receive(b"SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n", ("127.0.0.1", 40000), now=0.3)
    assert ua.datagrams() == []
    assert len(traces) == 4
