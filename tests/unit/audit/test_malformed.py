"""The malformed messages: each is what it claims to be, and the outcomes they allow."""

from __future__ import annotations

import pytest

from harness.audit.malformed import BASIC, MAX_UDP_PAYLOAD, Wire
from harness.audit.rfc4475 import RFC4475_INVALID
from harness.audit.sender import ALL_CASES, CaseOutcome, case_named, mutants
from harness.sip.message import SipParseError, SipRequest, parse_message

WIRE = Wire(("127.0.0.1", 40000), ("127.0.0.1", 5060), "t4g", "br4nch", "c4ll")
LIBERAL = {"RFC 4475 baddate", "RFC 4475 regbadct", "RFC 4475 badaspec"}


def test_names_are_unique_and_found_whatever_the_case() -> None:
    names = [c.name for c in ALL_CASES]
    assert len(set(names)) == len(names) == 26
    assert case_named("bad cseq") is case_named("bad CSeq")
    with pytest.raises(KeyError, match="known:"):
        case_named("a message nobody wrote")


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_every_case_is_refused_by_a_strict_parser(case) -> None:
    data = case.build(WIRE)
    if case.name in LIBERAL:  # the RFC lets a parser accept these
        return
    with pytest.raises(SipParseError):
        parse_message(data)


@pytest.mark.parametrize("case", RFC4475_INVALID, ids=lambda c: c.name)
def test_rfc4475_cases_come_from_our_address_and_go_to_the_target(case) -> None:
    data = case.build(WIRE)
    if case.answerable and case.name != "RFC 4475 badinv01":
        assert b"Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKbr4nch;rport" in data
    assert b"192.0.2" not in data and b"example.com" not in data


def test_the_liberal_cases_are_otherwise_valid_requests() -> None:
    for name in LIBERAL:
        assert isinstance(parse_message(case_named(name).build(WIRE)), SipRequest)


def test_the_70_kb_case_fills_the_largest_udp_datagram_and_claims_more() -> None:
    data = case_named("70 kB datagram").build(WIRE)
    assert len(data) == MAX_UDP_PAYLOAD
    assert b"Content-Length: 70000\r\n" in data


def test_the_huge_header_is_huge() -> None:
    assert len(case_named("huge header").build(WIRE)) > 32_000


def test_binary_garbage_is_the_same_for_the_same_branch() -> None:
    build = case_named("binary garbage").build
    assert build(WIRE) == build(WIRE)
    assert b"\r\n\r\n" not in build(WIRE)


def test_outcomes_allowed() -> None:
    bad_cseq, badvers, bigcode = (
        case_named(n) for n in ("bad CSeq", "RFC 4475 badvers", "RFC 4475 bigcode")
    )
    assert bad_cseq.acceptable(400) and bad_cseq.acceptable(None)
    assert not bad_cseq.acceptable(200) and not bad_cseq.acceptable(500)
    assert badvers.acceptable(505)
    assert not bigcode.acceptable(400) and bigcode.acceptable(None)  # never answer a response
    refused = CaseOutcome(bad_cseq, 10, "Message too long", None)
    assert not refused.acceptable and "not sent" in str(refused)
    answered = CaseOutcome(bad_cseq, 10, None, "SIP/2.0 400 Bad Request (x)")
    assert answered.status == 400 and answered.acceptable


def test_mutants_are_reproducible_and_bounded() -> None:
    one = list(mutants(7, 50, ("127.0.0.1", 5060), ("127.0.0.1", 40000)))
    assert one == list(mutants(7, 50, ("127.0.0.1", 5060), ("127.0.0.1", 40000)))
    assert one != list(mutants(8, 50, ("127.0.0.1", 5060), ("127.0.0.1", 40000)))
    assert len(one) == 50 and all(len(m) < MAX_UDP_PAYLOAD for m in one)
    with pytest.raises(ValueError):
        list(mutants(7, 0, ("127.0.0.1", 5060), ("127.0.0.1", 40000)))


def test_the_basic_set_is_the_one_the_feature_lists() -> None:
    assert [c.name for c in BASIC] == [
        "truncated start line",
        "bad CSeq",
        "missing Via",
        "binary garbage",
        "huge header",
        "70 kB datagram",
    ]
