"""Comparing two users' answers: masking per-request values, timing classes, differences."""

from __future__ import annotations

import pytest

from harness.audit.probe import Answer, UserProfile, compare_profiles, mask, timing_class

CHALLENGE = (
    "SIP/2.0 401 Unauthorized\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKabc;rport=40000;received=127.0.0.1\r\n"
    "From: <sip:{user}@127.0.0.1>;tag=1111\r\n"
    "To: <sip:{user}@127.0.0.1>;tag=2222\r\n"
    "Call-ID: 9f9f@127.0.0.1\r\n"
    "CSeq: 1 REGISTER\r\n"
    'WWW-Authenticate: Digest realm="r", nonce="{nonce}", algorithm=MD5, qop="auth"\r\n'
    "Content-Length: 0\r\n\r\n"
)


def answer(user: str, seconds: float, *, nonce: str = "n1", extra: str = "") -> Answer:
    raw = CHALLENGE.format(user=user, nonce=nonce).replace(
        "Content-Length", extra + "Content-Length"
    )
    return Answer(raw, mask(raw, user, 40000), seconds)


def profile(user: str, *answers: Answer) -> UserProfile:
    return UserProfile(user, "REGISTER", answers)


def test_masking_removes_everything_that_differs_between_two_requests() -> None:
    one = mask(CHALLENGE.format(user="alice", nonce="n1"), "alice", 40000)
    other = mask(
        CHALLENGE.format(user="zed", nonce="n2")
        .replace("40000", "41000")
        .replace("tag=1111", "tag=77")
        .replace("z9hG4bKabc", "z9hG4bKxyz")
        .replace("9f9f", "0000"),
        "zed",
        41000,
    )
    assert one == other
    assert one[0] == "SIP/2.0 401 Unauthorized"
    assert one[2] == "From: <sip:<user>@127.0.0.1>;tag=*"


def test_identical_answers_in_the_same_timing_class_are_alike() -> None:
    a = profile("alice", answer("alice", 0.001), answer("alice", 0.002, nonce="n9"))
    b = profile("zed", answer("zed", 0.0015), answer("zed", 0.0012))
    assert compare_profiles(a, b) == []


def test_an_extra_header_for_one_user_is_reported() -> None:
    a = profile("alice", answer("alice", 0.001))
    b = profile("zed", answer("zed", 0.001, extra='Warning: 399 x "no such user"\r\n'))
    (problem,) = compare_profiles(a, b)
    assert "Warning: 399" in problem and "answers differ" in problem


def test_answers_that_vary_for_one_user_are_reported() -> None:
    a = profile("alice", answer("alice", 0.001), answer("alice", 0.001, extra="X: 1\r\n"))
    b = profile("zed", answer("zed", 0.001))
    (problem,) = compare_profiles(a, b)
    assert "vary" in problem


def test_a_slower_answer_for_one_user_is_reported() -> None:
    a = profile("alice", *(answer("alice", 0.001) for _ in range(3)))
    b = profile("zed", *(answer("zed", 0.2) for _ in range(3)))
    (problem,) = compare_profiles(a, b)
    assert "timing differs" in problem and "200.0 ms" in problem


def test_medians_either_side_of_a_decade_but_close_are_one_class() -> None:
    a = profile("alice", answer("alice", 0.009))
    b = profile("zed", answer("zed", 0.012))
    assert timing_class(0.009) != timing_class(0.012)
    assert compare_profiles(a, b) == []


@pytest.mark.parametrize(
    ("seconds", "cls"), [(0.0005, 0), (0.0099, 0), (0.01, 1), (0.5, 2), (1.0, 3), (30.0, 3)]
)
def test_timing_classes_are_decades(seconds: float, cls: int) -> None:
    assert timing_class(seconds) == cls
