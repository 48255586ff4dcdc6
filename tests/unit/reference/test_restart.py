"""Calls a crash left in progress are closed at start, with a status and a timeline entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harness.reference.clock import AccountClock
from harness.reference.domain import calls
from harness.reference.domain.calls import CallRecord, CallState, Offer, TimelineKind
from harness.reference.domain.distribution import Assignment, AssignmentKind, WidgetSpec
from harness.reference.events import EventBus
from harness.reference.service import ContactCenter
from harness.reference.store import Store

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
ANA = Offer("u1", "Ana Lopez", 0, Assignment(AssignmentKind.NUMBER, "n1"), True)


def ringing_call() -> CallRecord:
    blank = CallRecord("CALL-0000000001", "a1", "n1", "+33612345678", "+33123456789", T0)
    opened = calls.open_call(blank, number_label="Sales", offers=(ANA,), sip_call_id="s@x")
    return calls.ringing(opened, "u1", T0 + timedelta(seconds=1))


def answered_call() -> CallRecord:
    call, decision = calls.answer_attempt(ringing_call(), "u1", T0 + timedelta(seconds=3))
    assert decision.registered
    return call


@pytest.mark.parametrize(
    ("call", "status"),
    [
        (ringing_call(), "missed"),
        (answered_call(), "answered"),
        (calls.hold(answered_call(), T0 + timedelta(seconds=4), "agent"), "answered"),
    ],
    ids=["ringing", "answered", "held"],
)
def test_a_cut_call_ends_by_the_system_with_the_restart_as_reason(call, status):
    restarted = T0 + timedelta(seconds=30)
    closed = calls.close_interrupted(call, restarted)
    assert closed.state is CallState.ENDED
    assert (closed.status, closed.ended_by, closed.end_reason) == (
        status,
        "system",
        "service restart",
    )
    assert closed.ended_at == restarted
    last = closed.timeline[-1]
    assert (last.kind, last.text) == (TimelineKind.ENDED, "Call ended by system (service restart)")
    assert closed.timeline[:-1] == call.timeline  # what was logged before stays as it was


def test_an_ended_call_is_left_alone_and_a_clock_set_back_gives_no_negative_duration():
    ended = calls.end(ringing_call(), T0 + timedelta(seconds=5), calls.EndedBy.CALLER, "BYE")
    assert calls.close_interrupted(ended, T0 + timedelta(seconds=60)) is ended
    closed = calls.close_interrupted(ringing_call(), T0 - timedelta(days=1))
    assert closed.duration_s == 0.0


def test_start_closes_every_account_s_calls_in_progress_and_only_those(tmp_path, fake_time):
    path = tmp_path / "reference.sqlite3"
    store = Store(path)
    center = ContactCenter(
        store, AccountClock(store, real=fake_time.wall), EventBus(), monotonic=fake_time.monotonic
    )
    ids = {}
    for name, e164 in (("Acme", "+33123456789"), ("Globex", "+33123456780")):
        account = center.create_account(name)
        ana = center.create_user(account.id, "Ana Lopez", f"ana@{name}.test")
        number = center.create_number(account.id, e164, "Sales")
        center.set_distribution(
            account.id, number.id, [WidgetSpec(20, "simultaneous", (("user", ana.id),))]
        )
        ringing = center.start_inbound_call(e164, "+33611111111", f"r-{name}@x").call_id
        center.agent_ringing(ringing, ana.id)
        answered = center.start_inbound_call(e164, "+33611111112", f"a-{name}@x").call_id
        center.agent_ringing(answered, ana.id)
        center.answer_attempt(answered, ana.id)
        done = center.start_inbound_call(e164, "+33611111113", f"d-{name}@x").call_id
        center.call_ended(done, "caller", "BYE")
        ids[account.id] = (ringing, answered, done)
    ended_before = {acc: center.get_call(acc, done) for acc, (_, _, done) in ids.items()}
    store.close()

    fake_time.pass_(120)
    reopened = Store(path)
    center = ContactCenter(
        reopened,
        AccountClock(reopened, real=fake_time.wall),
        EventBus(),
        monotonic=fake_time.monotonic,
    )
    events = {acc: center.bus.subscribe(acc) for acc in ids}
    closed = center.close_interrupted_calls()
    assert sorted(c.call_id for c in closed) == sorted(
        cid for ringing, answered, _ in ids.values() for cid in (ringing, answered)
    )
    for acc, (ringing, answered, done) in ids.items():
        assert center.get_call(acc, ringing).status == "missed"
        assert center.get_call(acc, answered).status == "answered"
        assert center.get_call(acc, done) == ended_before[acc]
        seen = []
        while (event := events[acc].get_nowait()) is not None:
            if event["type"].startswith("call."):  # the answered call's ticket is updated too
                seen.append(event)
        assert [(e["type"], e["reason"]) for e in seen] == [("call.ended", "service restart")] * 2
    assert center.close_interrupted_calls() == []  # a second start finds nothing left
    reopened.close()
    again = Store(path)
    assert again.calls_in_progress() == []
    again.close()
