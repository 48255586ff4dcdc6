"""The application service: inbound calls end to end, the stuck-call fault and its remedy."""

from __future__ import annotations

import pytest

from harness.reference.domain.distribution import Strategy, WidgetSpec
from harness.reference.domain.errors import Conflict, InvalidField, NotFound
from harness.reference.service import ContactCenter


def drain(center: ContactCenter, subscription) -> list[dict]:
    events = []
    while (event := subscription.get_nowait()) is not None:
        events.append(event)
    return events


@pytest.fixture
def setup(center: ContactCenter):
    account = center.create_account("Acme")
    ana = center.create_user(account.id, "Ana Lopez", "ana@acme.test")
    bob = center.create_user(account.id, "Bob Martin", "bob@acme.test")
    team = center.create_team(account.id, "Support")
    center.add_team_member(account.id, team.id, bob.id)
    number = center.create_number(account.id, "+33123456789", "Sales")
    center.set_distribution(
        account.id,
        number.id,
        [WidgetSpec(12, "simultaneous", (("user", ana.id), ("team", team.id)))],
    )
    return account, ana, bob, team, number


def test_call_to_number_with_nobody_assigned_is_missed_with_reason(center):
    account = center.create_account("Empty")
    center.create_user(account.id, "Ana", "ana@x.test")
    number = center.create_number(account.id, "+33999999999", "Lonely line")
    events = center.bus.subscribe(account.id)
    plan = center.start_inbound_call("+33999999999", "+33611111111", "abc@127.0.0.1")
    assert plan.targets == [] and plan.stages == ()
    call = center.get_call(account.id, plan.call_id)
    assert call.status == "missed" and call.number_id == number.id
    assert any("No user is assigned" in e.text for e in call.timeline)
    created, ended = drain(center, events)
    assert (created["type"], created["from"], created["to"]) == (
        "call.created",
        "+33611111111",
        "+33999999999",
    )
    assert (ended["type"], ended["status"], ended["reason"]) == (
        "call.ended",
        "missed",
        "no user assigned",
    )


def test_refused_call_is_in_the_call_log_with_its_reason(center, setup):
    account, *_, number = setup
    events = center.bus.subscribe(account.id)
    reason = "stream 1: transport 'RTP/SAVP' is not supported"
    call = center.refuse_inbound_call("+33123456789", "+33611111111", "r@127.0.0.1", reason)
    assert call is not None
    logged = center.get_call(account.id, call.call_id)
    assert (logged.status, logged.end_reason, logged.attempts) == ("refused", reason, ())
    assert [c.call_id for c in center.list_calls(account.id, number.id)] == [call.call_id]
    (event,) = drain(center, events)
    assert (event["type"], event["call_id"], event["sip_call_id"], event["status"]) == (
        "call.refused",
        call.call_id,
        "r@127.0.0.1",
        488,
    )
    assert (event["reason"], event["from"], event["number_id"]) == (
        reason,
        "+33611111111",
        number.id,
    )


def test_refused_call_to_a_number_nobody_owns_logs_nothing(center, setup):
    account, *_ = setup
    assert center.refuse_inbound_call("+33100000000", "+33611111111", "x@y", "no codec") is None
    assert center.list_calls(account.id) == []


def test_unknown_number_is_not_found(center):
    with pytest.raises(NotFound):
        center.start_inbound_call("+33100000000", "+33611111111", "x@y")


def test_answered_call_flow_and_events(center, setup, fake_time):
    account, ana, bob, _, number = setup
    center.register_contact(ana.id, "sip:ana@127.0.0.1:5071", 300)
    events = center.bus.subscribe(account.id)
    plan = center.start_inbound_call("+33123456789", "+33611111111", "inv-1@127.0.0.1")
    assert plan.call_id.startswith("CALL-") and len(plan.call_id) == 15
    assert plan.ring_time_s == 12 and plan.number_id == number.id
    assert [(t.user_name, t.contacts, t.in_sync) for t in plan.targets] == [
        ("Ana Lopez", ("sip:ana@127.0.0.1:5071",), True),
        ("Bob Martin", (), True),
    ]
    center.agent_ringing(plan.call_id, ana.id)
    center.agent_ringing(plan.call_id, bob.id)
    fake_time.pass_(3)
    assert center.answer_attempt(plan.call_id, ana.id).registered
    center.record_sip_call_id(plan.call_id, "leg-ana@127.0.0.1")
    fake_time.pass_(40)
    center.call_ended(plan.call_id, "caller", "BYE")
    call = center.get_call(account.id, plan.call_id)
    assert (call.status, call.answered_by, call.duration_s) == ("answered", ana.id, 43.0)
    assert call.sip_call_ids == ("inv-1@127.0.0.1", "leg-ana@127.0.0.1")
    # The call's own events (the answered call also makes a ticket: ticket.* events).
    seen = [e for e in drain(center, events) if e["type"].startswith("call.")]
    assert [e["type"] for e in seen] == [
        "call.created",
        "call.ringing",
        "call.ringing",
        "call.answer_attempt",
        "call.answered",
        "call.ended",
    ]
    assert seen[3]["registered"] is True and seen[-1]["status"] == "answered"
    assert all(e["call_id"] == plan.call_id for e in seen)
    # a second end (both sides hung up at once) changes nothing
    assert center.call_ended(plan.call_id, "agent", "BYE") == call
    with pytest.raises(ValueError):
        center.call_ended(plan.call_id, "nobody", "")


def stuck_call(center: ContactCenter, account, ana, bob) -> str:
    plan = center.start_inbound_call("+33123456789", "+33611111111", "inv@127.0.0.1")
    assert {t.user_id for t in plan.targets} == {ana.id, bob.id}
    for user in (ana, bob):
        center.agent_ringing(plan.call_id, user.id)
    return plan.call_id


def test_stuck_signature_then_both_remedies(center, setup):
    account, ana, bob, team, number = setup
    center.desynchronise(account.id, ana.id, number_id=number.id)
    center.desynchronise(account.id, bob.id, team_id=team.id)

    call_id = stuck_call(center, account, ana, bob)
    events = center.bus.subscribe(account.id)
    assert not center.answer_attempt(call_id, ana.id).registered
    assert not center.answer_attempt(call_id, bob.id).registered
    center.call_ended(call_id, "caller", "caller hung up")
    call = center.get_call(account.id, call_id)
    assert call.status == "missed"
    assert [(a.user_id, a.registered) for a in call.attempts] == [(ana.id, False), (bob.id, False)]
    assert [e.text for e in call.timeline if e.kind == "no_answer"] == [
        "Ana Lopez did not answer",
        "Bob Martin did not answer",
    ]
    attempts = [e for e in drain(center, events) if e["type"] == "call.answer_attempt"]
    assert [(e["user_id"], e["registered"]) for e in attempts] == [(ana.id, False), (bob.id, False)]

    # Remedies (seed 000): remove from the Ring-to widget / the team, add back at once.
    center.remove_ring_to(account.id, number.id, 0, "user", ana.id)
    center.add_ring_to(account.id, number.id, 0, "user", ana.id)
    center.remove_team_member(account.id, team.id, bob.id)
    center.add_team_member(account.id, team.id, bob.id)
    widget = center.get_distribution(account.id, number.id).widgets[0]
    assert (widget.ring_time_s, widget.strategy) == (12, Strategy.SIMULTANEOUS)
    assert [(m.type, m.in_sync) for m in widget.members] == [("team", True), ("user", True)]

    for user in (ana, bob):
        call_id = stuck_call(center, account, ana, bob)
        assert center.answer_attempt(call_id, user.id).registered
        center.call_ended(call_id, "agent", "")
        assert center.get_call(account.id, call_id).status == "answered"


def test_editing_the_distribution_without_removing_does_not_heal(center, setup):
    account, ana, _, team, number = setup
    center.desynchronise(account.id, ana.id, number_id=number.id)
    center.set_distribution(
        account.id, number.id, [WidgetSpec(30, "sequential", (("user", ana.id), ("team", team.id)))]
    )
    plan = center.start_inbound_call("+33123456789", "+33611111111", "x@127.0.0.1")
    assert plan.ring_time_s == 30 and [t.in_sync for t in plan.targets] == [False]
    assert len(plan.stages) == 2


def test_desynchronise_needs_exactly_one_existing_assignment(center, setup):
    account, ana, bob, team, number = setup
    with pytest.raises(InvalidField):
        center.desynchronise(account.id, ana.id)
    with pytest.raises(InvalidField):
        center.desynchronise(account.id, ana.id, number_id=number.id, team_id=team.id)
    with pytest.raises(NotFound):
        center.desynchronise(account.id, bob.id, number_id=number.id)  # bob is there via team
    with pytest.raises(NotFound):
        center.desynchronise(account.id, ana.id, team_id=team.id)


def test_bad_input_changes_nothing(center, setup):
    account, _, _, _, number = setup
    before_users = center.list_users(account.id)
    before_dist = center.get_distribution(account.id, number.id)
    with pytest.raises(InvalidField):
        center.create_user(account.id, "Eve", "eve-at-nowhere", "agent")
    with pytest.raises(NotFound) as caught:
        center.set_distribution(
            account.id, number.id, [WidgetSpec(20, "simultaneous", (("user", "usr_nope"),))]
        )
    assert caught.value.field == "widgets[0].members[0].id"
    with pytest.raises(InvalidField):
        center.set_distribution(account.id, number.id, [WidgetSpec(0, "simultaneous", ())])
    with pytest.raises(InvalidField):
        center.create_number(account.id, "0123", "Bad")
    with pytest.raises(Conflict):
        center.create_number(account.id, "+33123456789", "Duplicate")
    assert center.list_users(account.id) == before_users
    assert center.get_distribution(account.id, number.id) == before_dist
    assert len(center.list_numbers(account.id)) == 1


def test_sip_credentials_unique_and_resolvable(center):
    account = center.create_account("Acme")
    first = center.create_user(account.id, "Ana Lopez", "a1@acme.test")
    second = center.create_user(account.id, "Ana Lopez", "a2@acme.test")
    assert second.sip_username == first.sip_username + "-2"
    found = center.sip_account(first.sip_username)
    assert found is not None
    assert (found.password, found.account_id, found.user_id) == (
        first.sip_password,
        account.id,
        first.id,
    )
    assert center.sip_account("nobody") is None


def test_registrations_expire_on_monotonic_time(center, fake_time):
    center.register_contact("usr_1", "sip:a@127.0.0.1:5090", 60)
    fake_time.pass_(59)
    assert center.registered_contacts("usr_1") == ["sip:a@127.0.0.1:5090"]
    fake_time.pass_(1)
    assert center.registered_contacts("usr_1") == []


def test_account_token_and_deletion(center, setup):
    account, ana, *_ = setup
    other = center.create_account("Other")
    assert center.account_for_token(account.token).id == account.id
    assert center.account_for_token("wrong") is None and center.account_for_token("") is None
    subscription = center.bus.subscribe(account.id)
    center.delete_account(account.id)
    assert center.account_for_token(account.token) is None
    assert center.list_users(account.id) == []
    assert center.sip_account(ana.sip_username) is None
    assert subscription.closed_reason == "account deleted"
    assert center.account_for_token(other.token).id == other.id
    with pytest.raises(NotFound):
        center.delete_account(account.id)


def test_clock_drives_call_times(center, setup):
    account, *_ = setup
    center.set_clock(account.id, "2025-12-24T18:00:00+01:00", frozen=True)
    plan = center.start_inbound_call("+33123456789", "+33611111111", "x@127.0.0.1")
    call = center.get_call(account.id, plan.call_id)
    assert call.started_at.isoformat() == "2025-12-24T17:00:00+00:00"
    center.advance_clock(account.id, 90)
    center.call_ended(plan.call_id, "caller", "")
    assert center.get_call(account.id, plan.call_id).duration_s == 90.0
