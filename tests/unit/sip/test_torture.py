"""Torture messages in the spirit of RFC 4475 (written here from the RFC's descriptions).

Valid ones must parse with the right values; invalid ones must raise SipParseError with a
reason that names the problem, and a UAS must answer 400 when it can still route a reply.
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
    # 3.1.1.2: escaped characters in the Request-URI user part and in URI parameters.
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
    # 3.1.1.3: a method made of unusual token characters, matched by CSeq; a user part and
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
    # 3.1.1.10: ';' in the user part; 3.1.1.13: status line without reason phrase;
    # 3.1.1.9: a second message after Content-Length is ignored.
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


HEADERS = """To: sip:j.user@example.com
From: sip:caller@example.net;tag=134161461246
Max-Forwards: 7
Call-ID: torture.0ha0isndaksdjasdf3234nas
CSeq: 8 {method}
Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw"""

INVALID = {
    # 3.1.2.1 badinv01: extraneous separators in Via and Contact
    "badinv01": (
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
    ),
    # 3.1.2.2 clerr: Content-Length larger than the body
    "clerr": (
        wire(
            "INVITE sip:user@example.com SIP/2.0\n"
            + HEADERS.format(method="INVITE")
            + "\nContent-Length: 9999",
            "v=0\r\n",
        ),
        "Content-Length 9999 but only 5 body bytes",
    ),
    # 3.1.2.3 scalar02: negative Content-Length
    "scalar02": (
        wire(
            "REGISTER sip:example.com SIP/2.0\n"
            + HEADERS.format(method="REGISTER")
            + "\nContent-Length: -999"
        ),
        "Content-Length is not a number",
    ),
    # 3.1.2.4 scalarlg: CSeq beyond 2**31
    "scalarlg": (
        wire(
            "REGISTER sip:example.com SIP/2.0\n"
            + HEADERS.format(method="REGISTER").replace("CSeq: 8", "CSeq: 36893488147419103232")
            + "\nl: 0"
        ),
        "is not below 2**31",
    ),
    # 3.1.2.5 quotbal: unterminated quoted display name
    "quotbal": (
        wire(
            "INVITE sip:user@example.com SIP/2.0\n"
            + HEADERS.format(method="INVITE").replace(
                "From: sip:caller@example.net;", 'From: "Mr. J. User <sip:caller@example.net>;'
            )
            + "\nl: 0"
        ),
        "unterminated quoted string",
    ),
    # 3.1.2.6 ltgtruri: Request-URI inside <>
    "ltgtruri": (
        wire(
            "INVITE <sip:user@example.com> SIP/2.0\n" + HEADERS.format(method="INVITE") + "\nl: 0"
        ),
        "unsupported URI scheme",
    ),
    # 3.1.2.7 lwsruri: LWS inside the Request-URI
    "lwsruri": (
        wire(
            "INVITE sip:user@example.com; lr SIP/2.0\n" + HEADERS.format(method="INVITE") + "\nl: 0"
        ),
        "request line must be",
    ),
    # 3.1.2.8 lwsstart: two spaces between Request-Line elements
    "lwsstart": (
        wire(
            "INVITE  sip:user@example.com  SIP/2.0\n" + HEADERS.format(method="INVITE") + "\nl: 0"
        ),
        "request line must be",
    ),
    # 3.1.2.9 trws: trailing space after the version
    "trws": (
        wire(
            "OPTIONS sip:remote-target@example.com SIP/2.0  \n"
            + HEADERS.format(method="OPTIONS")
            + "\nl: 0"
        ),
        "request line must be",
    ),
    # 3.1.2.10 escruri: headers in the Request-URI
    "escruri": (
        wire(
            "INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0\n"
            + HEADERS.format(method="INVITE")
            + "\nl: 0"
        ),
        "must not carry headers",
    ),
    # 3.1.2.15 baddn: an unquoted display name with a comma
    "baddn": (
        wire(
            "OPTIONS sip:t.watson@example.org SIP/2.0\n"
            + HEADERS.format(method="OPTIONS").replace(
                "From: sip:caller@example.net;", "From: Bell, Alexander <sip:a.g.bell@example.com>;"
            )
            + "\nl: 0"
        ),
        "bad display name",
    ),
    # 3.1.2.16 badvers: SIP/7.0
    "badvers": (
        wire(
            "OPTIONS sip:t.watson@example.org SIP/7.0\n"
            + HEADERS.format(method="OPTIONS")
            + "\nl: 0"
        ),
        "unsupported SIP version",
    ),
    # 3.1.2.18 mismatch01: CSeq method differs from the request method
    "mismatch01": (
        wire("OPTIONS sip:user@example.com SIP/2.0\n" + HEADERS.format(method="INVITE") + "\nl: 0"),
        "CSeq method INVITE does not match OPTIONS",
    ),
    # 3.1.2.20 bigcode: a status code far out of range
    "bigcode": (
        wire(
            "SIP/2.0 4294967301 better not break the receiver\n"
            + HEADERS.format(method="INVITE")
            + "\nl: 0"
        ),
        "bad status line",
    ),
    # 3.3.1 insuf: mandatory headers missing
    "insuf": (
        wire(
            "INVITE sip:user@example.com SIP/2.0\nCSeq: 193942 INVITE\n"
            "Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf\nl: 0"
        ),
        "missing Call-ID header",
    ),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_messages_raise_with_a_reason(name: str) -> None:
    raw, reason = INVALID[name]
    with pytest.raises(SipParseError) as info:
        parse_message(raw)
    assert reason in info.value.reason


def test_uas_answers_400_to_a_routable_malformed_request() -> None:
    traces: list[SipTrace] = []
    ua = UserAgent(("127.0.0.1", 5060), on_trace=traces.append)
    raw, _ = INVALID["mismatch01"]
    ua.receive(raw, ("127.0.0.1", 40000), now=0.0)
    sent = ua.datagrams()
    assert len(sent) == 1
    data, peer = sent[0]
    reply = parse_message(data)
    assert isinstance(reply, SipResponse) and reply.status == 400
    assert "does not match" in reply.reason
    assert peer == ("127.0.0.1", 40000)
    assert traces[0].direction == "in" and traces[0].message is None
    assert traces[0].error is not None and "CSeq method" in traces[0].error
    # Unroutable garbage is dropped silently, and the agent keeps working.
    ua.receive(INVALID["lwsstart"][0], ("127.0.0.1", 40000), now=0.1)
    ua.receive(b"\x00\xff garbage", ("127.0.0.1", 40000), now=0.2)
    assert ua.datagrams() == []
    assert len(traces) == 4
