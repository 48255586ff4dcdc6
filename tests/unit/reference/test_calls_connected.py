"""The call log's integrity rule: an answer that never reached the customer is only an attempt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harness.reference.domain import calls
from harness.reference.domain.calls import (
    CallRecord,
    CallState,
    CallStatus,
    EndedBy,
    Offer,
    TimelineKind,
)
from harness.reference.domain.distribution import Assignment, AssignmentKind
from harness.reference.domain.errors import IllegalTransition
from harness.reference.telephony.offers import HostsFile

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
VIA = Assignment(AssignmentKind.NUMBER, "n1")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def ringing_call(*, in_sync: bool = True) -> CallRecord:
    blank = CallRecord("c1", "a1", "n1", "+33612345678", "+33100000000", T0)
    opened = calls.open_call(
        blank,
        number_label="Sales",
        offers=(Offer("u1", "Ana", 0, VIA, in_sync),),
        sip_call_id="sip-1",
    )
    return calls.ringing(opened, "u1", at(1))


def test_an_answer_that_never_reached_the_customer_ends_as_missed_with_the_attempt_kept() -> None:
    call = calls.answer_not_connected(ringing_call(), "u1", at(2), "BYE before the ACK")
    assert call.state is CallState.RINGING and call.answered_by is None
    assert [(a.user_id, a.registered) for a in call.attempts] == [("u1", False)]
    entry = call.timeline[-1]
    assert entry.kind is TimelineKind.NOT_CONNECTED and entry.user_id == "u1"
    assert entry.text == "Ana answered, but the customer was never connected (BYE before the ACK)"
    ended = calls.end(call, at(3), EndedBy.CALLER, "failed while answering")
    assert ended.status is CallStatus.MISSED and ended.answered_at is None


def test_an_answer_after_a_registered_one_cannot_be_marked_not_connected() -> None:
    answered, _ = calls.answer_attempt(ringing_call(), "u1", at(2))
    with pytest.raises(IllegalTransition):
        calls.answer_not_connected(answered, "u1", at(3), "late")


def test_answer_would_register_asks_without_changing_anything() -> None:
    call = ringing_call()
    assert calls.answer_would_register(call, "u1")
    assert not calls.answer_would_register(ringing_call(in_sync=False), "u1")
    answered, _ = calls.answer_attempt(call, "u1", at(2))
    assert not calls.answer_would_register(answered, "u1")


def test_hosts_file_resolves_names_of_the_asked_family_and_never_invalid_ones() -> None:
    hosts = HostsFile("127.0.0.1 localhost box # comment\n::1 localhost ip6-box\nbad line\n")
    assert hosts.resolve("BOX", "IP4") == "127.0.0.1"
    assert hosts.resolve("box", "IP6") is None
    assert hosts.resolve("ip6-box", "IP6") == "::1"
    assert hosts.resolve("localhost", "IP6") == "::1"
    assert hosts.resolve("aaaa.invalid", "IP4") is None
    assert HostsFile("").resolve("localhost", "IP4") == "127.0.0.1"
