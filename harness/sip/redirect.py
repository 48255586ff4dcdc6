"""Following 3xx redirects as a UAC (RFC 3261 section 8.1.3.4), sans-IO helpers.

A 301 or 302 names new targets in its Contacts. The UAC tries them in order of their
``q`` value (highest first, then as listed: 20.10), building each new request from the
redirected one: same Call-ID, From (with its tag) and To, CSeq plus one, a new branch.
Two guards keep a misconfigured peer from sending us around forever: at most
:data:`MAX_REDIRECTS` hops, and a target already tried is never tried again (a loop).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from harness.sip.grammar import SipParseError, drop_param
from harness.sip.message import SipRequest, SipResponse
from harness.sip.uri import NameAddr, SipUri

__all__ = [
    "MAX_REDIRECTS",
    "REDIRECT_STATUSES",
    "redirect_targets",
    "redirected_request",
    "uri_key",
]

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302})

UriKey = tuple[str, str, str, int, str]


def uri_key(uri: SipUri) -> UriKey:
    """What makes two targets the same for loop detection (19.1.4, simplified)."""
    host, port = uri.address
    return uri.scheme, uri.user or "", host.lower(), port, (uri.param("transport") or "").lower()


def redirect_targets(response: SipResponse, tried: Collection[UriKey]) -> list[SipUri]:
    """The usable, untried Contact URIs of a 3xx, best ``q`` first.

    Contacts that do not parse, are not SIP URIs, or were tried already are skipped. The
    ``method`` parameter and URI headers are dropped (8.1.3.4).
    """
    ranked: list[tuple[float, int, SipUri]] = []
    seen: set[UriKey] = set(tried)
    for index, value in enumerate(response.headers.get_all("Contact")):
        try:
            contact = NameAddr.parse(value)
        except SipParseError:
            continue
        uri = contact.uri
        if uri.scheme not in ("sip", "sips"):
            continue
        uri = replace(uri.without_headers(), params=drop_param(uri.params, "method"))
        key = uri_key(uri)
        if key in seen:
            continue
        seen.add(key)
        ranked.append((-_q(contact), index, uri))
    return [uri for _, _, uri in sorted(ranked, key=lambda item: item[:2])]


def _q(contact: NameAddr) -> float:
    text = contact.param("q")
    try:
        value = float(text) if text else 1.0
    except ValueError:
        return 0.0
    return value if 0.0 <= value <= 1.0 else 0.0


def redirected_request(request: SipRequest, target: SipUri) -> SipRequest:
    """``request`` sent to ``target``: CSeq plus one, no credentials, Via left to stamp."""
    cseq = request.cseq
    headers = (
        request.headers.remove("Authorization")
        .remove("Proxy-Authorization")
        .replace("CSeq", f"{cseq.seq + 1} {cseq.method}")
    )
    return replace(request, uri=target, headers=headers)
