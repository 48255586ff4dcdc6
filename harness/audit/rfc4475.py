"""The invalid messages of RFC 4475 (SIP torture tests), section 3.1.2, and the missing-headers
case of section 3.3.1, rendered from the RFC's descriptions for our own source and target.

Where the RFC lets an element be liberal (it may ignore the flaw and go on), the answer a
liberal element gives is listed in ``also_allowed``: 200 to an OPTIONS, 401 to a REGISTER
(RFC 3261 10.3 authenticates before it reads the Contact). Every other case must get a 400 or
be dropped; responses are never answered, so the two response cases must be dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from harness.audit.malformed import MalformedCase, Wire, compose, replace_header

__all__ = ["RFC4475_INVALID"]

_SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
_SDP += "m=audio 9 RTP/AVP 0\r\n"
LIBERAL_OPTIONS = frozenset({200})


def _invite(w: Wire, start: str | None = None, headers: list[str] | None = None) -> bytes:
    return compose(
        start or f"INVITE sip:audit@{w.host} SIP/2.0",
        [*(headers or w.headers("INVITE")), "Content-Type: application/sdp"],
        _SDP,
    )


def badinv01(w: Wire) -> bytes:
    """3.1.2.1: empty elements between separators in Via and Contact."""
    headers = replace_header(w.headers("INVITE"), "Via:", f"Via: {w.via};;,;,,")
    headers = replace_header(headers, "Contact:", f'Contact: "Audit" <sip:audit@{w.local[0]}>;;;;')
    return _invite(w, headers=headers)


def clerr(w: Wire) -> bytes:
    """3.1.2.2: a Content-Length far larger than the body."""
    return compose(
        f"INVITE sip:audit@{w.host} SIP/2.0",
        [*w.headers("INVITE"), "Content-Type: application/sdp"],
        _SDP,
        length=9999,
    )


def ncl(w: Wire) -> bytes:
    """3.1.2.3: a negative Content-Length."""
    return compose(
        f"INVITE sip:audit@{w.host} SIP/2.0",
        [*w.headers("INVITE"), "Content-Type: application/sdp"],
        _SDP,
        length=-999,
    )


def scalar02(w: Wire) -> bytes:
    """3.1.2.4: scalar fields of a request far beyond their range."""
    headers = replace_header(w.headers("REGISTER"), "CSeq:", "CSeq: 36893488147419103232 REGISTER")
    headers = replace_header(headers, "Max-Forwards:", "Max-Forwards: 300")
    headers = replace_header(
        headers, "Contact:", f"Contact: <sip:audit@{w.local[0]}:{w.local[1]}>;expires=2802975966328"
    )
    return compose(f"REGISTER sip:{w.host} SIP/2.0", [*headers, "Expires: 10000000000"])


def scalarlg(w: Wire) -> bytes:
    """3.1.2.5: a response whose scalar fields are far beyond their range."""
    headers = replace_header(w.headers("OPTIONS"), "CSeq:", "CSeq: 36893488147419103232 OPTIONS")
    headers = [*headers, "Retry-After: 949302838503028349304023988", "Warning: 1812 overture"]
    return compose("SIP/2.0 503 Service Unavailable", headers)


def quotbal(w: Wire) -> bytes:
    """3.1.2.6: a display name whose quote is never closed."""
    headers = replace_header(w.headers("INVITE"), "To:", f'To: "Mr. J. User <sip:audit@{w.host}>')
    return _invite(w, headers=headers)


def ltgtruri(w: Wire) -> bytes:
    """3.1.2.7: a Request-URI enclosed in <>."""
    return _invite(w, start=f"INVITE <sip:audit@{w.host}> SIP/2.0")


def lwsruri(w: Wire) -> bytes:
    """3.1.2.8: white space inside the Request-URI."""
    return _invite(w, start=f"INVITE sip:audit@{w.host}; lr SIP/2.0")


def lwsstart(w: Wire) -> bytes:
    """3.1.2.9: several spaces between the elements of the Request-Line."""
    return _invite(w, start=f"INVITE  sip:audit@{w.host}  SIP/2.0")


def trws(w: Wire) -> bytes:
    """3.1.2.10: spaces after the SIP version of the Request-Line."""
    return compose(f"OPTIONS sip:{w.host} SIP/2.0  ", w.headers("OPTIONS"))


def escruri(w: Wire) -> bytes:
    """3.1.2.11: escaped headers in a Request-URI."""
    return _invite(w, start=f"INVITE sip:audit@{w.host}?Route=%3Csip:{w.host}%3E SIP/2.0")


def baddate(w: Wire) -> bytes:
    """3.1.2.12: a Date in a time zone other than GMT."""
    return compose(
        f"OPTIONS sip:{w.host} SIP/2.0",
        [*w.headers("OPTIONS"), "Date: Fri, 01 Jan 2010 16:00:00 EST"],
    )


def regbadct(w: Wire) -> bytes:
    """3.1.2.13: a Contact URI with escaped headers, not enclosed in <>."""
    contact = f"Contact: sip:audit@{w.local[0]}:{w.local[1]}?Route=%3Csip:{w.host}%3E"
    return compose(
        f"REGISTER sip:{w.host} SIP/2.0", replace_header(w.headers("REGISTER"), "Contact:", contact)
    )


def badaspec(w: Wire) -> bytes:
    """3.1.2.14: spaces inside the angle brackets around an addr-spec."""
    to = f'To: "Watson, Thomas" < sip:t.watson@{w.host} >'
    return compose(f"OPTIONS sip:{w.host} SIP/2.0", replace_header(w.headers("OPTIONS"), "To:", to))


def baddn(w: Wire) -> bytes:
    """3.1.2.15: display names with non-token characters, not quoted."""
    headers = replace_header(
        w.headers("OPTIONS"), "To:", f"To: Watson, Thomas <sip:t.watson@{w.host}>"
    )
    headers = replace_header(
        headers, "From:", f"From: Bell, Alexander <sip:a.g.bell@{w.local[0]}>;tag={w.tag}"
    )
    return compose(f"OPTIONS sip:{w.host} SIP/2.0", headers)


def badvers(w: Wire) -> bytes:
    """3.1.2.16: SIP version 7.0."""
    return compose(f"OPTIONS sip:{w.host} SIP/7.0", w.headers("OPTIONS"))


def mismatch01(w: Wire) -> bytes:
    """3.1.2.17: the method of the start line and of the CSeq differ."""
    return compose(f"OPTIONS sip:{w.host} SIP/2.0", w.headers("INVITE"))


def mismatch02(w: Wire) -> bytes:
    """3.1.2.18: an unknown method, and a CSeq naming another one."""
    return compose(f"NEWMETHOD sip:{w.host} SIP/2.0", w.headers("INVITE"))


def bigcode(w: Wire) -> bytes:
    """3.1.2.19: a response whose status code is far too large."""
    return compose("SIP/2.0 4294967301 better not break the receiver", w.headers("INVITE"))


def insuf(w: Wire) -> bytes:
    """3.3.1: a request without Call-ID, From, To and Max-Forwards."""
    headers = [h for h in w.headers("INVITE") if h.split(":")[0] in ("Via", "CSeq", "Contact")]
    return _invite(w, headers=headers)


def _case(
    build: Callable[[Wire], bytes], also: frozenset[int] = frozenset(), *, response: bool = False
) -> MalformedCase:
    why = (build.__doc__ or "").strip()
    return MalformedCase(f"RFC 4475 {build.__name__}", build, why, also, answerable=not response)


RFC4475_INVALID: tuple[MalformedCase, ...] = (
    _case(badinv01),
    _case(clerr),
    _case(ncl),
    _case(scalar02),
    _case(scalarlg, response=True),
    _case(quotbal),
    _case(ltgtruri),
    _case(lwsruri),
    _case(lwsstart),
    _case(trws),
    _case(escruri),
    _case(baddate, LIBERAL_OPTIONS),
    _case(regbadct, frozenset({401})),
    _case(badaspec, LIBERAL_OPTIONS),
    _case(baddn, LIBERAL_OPTIONS),
    _case(badvers, frozenset({505})),
    _case(mismatch01),
    _case(mismatch02, frozenset({501})),
    _case(bigcode, response=True),
    _case(insuf),
)
