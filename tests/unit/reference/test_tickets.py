"""Calls become tickets (ZT-TKT): the rules, and the contact center applying them to calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from harness.reference.domain import tickets as rules
from harness.reference.domain.errors import InvalidField, NotFound
from harness.reference.domain.tickets import (
    CallTimes,
    Comment,
    Direction,
    TicketCall,
    TicketRequester,
)
from harness.reference.service import ContactCenter
from harness.reference.store import Store
from tests.unit.reference.conftest import FakeTime

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CUSTOMER = TicketRequester("eu_1", "Chloé")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def inbound(call_id: str = "CALL-1") -> TicketCall:
    return TicketCall(
        call_id, Direction.INBOUND, "+33145678901", "+33200000000", T0, "+33145678901", "Ana", None
    )


# --- which calls make tickets -------------------------------------------------------------------


def test_an_answered_call_opens_a_ticket_unless_placed_from_one() -> None:
    assert rules.opens_ticket(answered=True, from_ticket=None)
    assert not rules.opens_ticket(answered=False, from_ticket=None)
    assert not rules.opens_ticket(answered=True, from_ticket="7")


# --- duration -----------------------------------------------------------------------------------


def test_the_duration_counts_waiting_talk_and_hold() -> None:
    times = rules.call_times(T0, at(5), at(125), hold_s=90)
    assert times == CallTimes(waited_s=5.0, talk_s=30.0, hold_s=90.0)
    assert rules.call_duration(times) == 125.0


def test_an_unanswered_call_only_waited() -> None:
    times = rules.call_times(T0, None, at(20), hold_s=0)
    assert times == CallTimes(20.0, 0.0, 0.0)
    assert rules.call_duration(times) == 20.0


def test_a_hold_longer_than_the_connected_time_is_capped() -> None:
    assert rules.call_times(T0, at(1), at(11), hold_s=50).hold_s == 10.0


# --- location -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "location"),
    [
        ("+33145678901", "Paris"),
        ("+34912345678", "Madrid"),
        ("+14155552671", "San Francisco, CA"),
        ("anonymous", None),
        ("+999123", None),
        ("", None),
    ],
)
def test_the_callers_location_comes_from_the_number(number: str, location: str | None) -> None:
    assert rules.caller_location(number) == location


# --- comments and properties --------------------------------------------------------------------


def test_a_comment_made_while_the_call_is_live_names_the_call() -> None:
    ticket = rules.new_ticket("1", "acc", inbound(), CUSTOMER, T0)
    during = rules.add_comment(ticket, Comment("c1", "u1", "Ana", "  refund  ", False, at(3)))
    assert during.comments[-1].during_call == "CALL-1"
    assert during.comments[-1].body == "refund"
    ended = rules.call_ended(during, "CALL-1", at(10), CallTimes(1, 9, 0))
    after = rules.add_comment(ended, Comment("c2", "u1", "Ana", "done", False, at(11)))
    assert after.comments[-1].during_call is None


def test_an_empty_comment_is_refused_naming_the_body() -> None:
    ticket = rules.new_ticket("1", "acc", inbound(), CUSTOMER, T0)
    with pytest.raises(InvalidField) as refused:
        rules.add_comment(ticket, Comment("c1", None, "API", "   ", False, T0))
    assert refused.value.field == "body"


def test_properties_change_and_a_bad_value_names_its_field() -> None:
    ticket = rules.new_ticket("1", "acc", inbound(), CUSTOMER, T0)
    changed = rules.update_properties(ticket, {"priority": "high", "status": "open"})
    assert (changed.priority.value, changed.status.value) == ("high", "open")
    for field, value in (("priority", "sky-high"), ("status", "done"), ("colour", "red")):
        with pytest.raises(InvalidField) as refused:
            rules.update_properties(ticket, {field: value})
        assert refused.value.field == field


def test_an_ended_call_keeps_its_first_times() -> None:
    ticket = rules.new_ticket("1", "acc", inbound(), CUSTOMER, T0)
    ended = rules.call_ended(ticket, "CALL-1", at(10), CallTimes(1, 9, 0))
    assert rules.call_ended(ended, "CALL-1", at(20), CallTimes(1, 19, 0)) == ended
    assert ended.calls[0].duration_s == 10.0


# --- the contact center making tickets of calls -------------------------------------------------


def _answered_call(center: ContactCenter, fake_time: FakeTime) -> tuple[str, str, str]:
    account = center.create_account("Acme")
    ana = center.create_user(account.id, "Ana Diaz", "ana@example.test")
    number = center.create_number(account.id, "+33999000111", "Support")
    center.add_ring_to(account.id, number.id, 0, "user", ana.id)
    plan = center.start_inbound_call(number.e164, "+33145678901", "sip-1")
    center.agent_ringing(plan.call_id, ana.id)
    assert center.tickets.list(account.id) == []  # ringing is not accepting
    fake_time.pass_(4)
    assert center.answer_attempt(plan.call_id, ana.id).registered
    return account.id, plan.call_id, ana.id


def test_accepting_an_inbound_call_makes_one_ticket(
    center: ContactCenter, fake_time: FakeTime
) -> None:
    account_id, call_id, ana_id = _answered_call(center, fake_time)
    (ticket,) = center.tickets.list(account_id)
    held = ticket.call(call_id)
    assert held is not None
    assert (held.from_number, held.to_number) == ("+33145678901", "+33999000111")
    assert (held.placed_by, held.answered_by, held.location) == (
        "+33145678901",
        "Ana Diaz",
        "Paris",
    )
    requester = center.end_users.requester_of_call(account_id, call_id)
    assert (ticket.requester, ticket.requester_id) == ("+33145678901", requester.id)
    assert ticket.shown_number == "+33145678901"
    center.answer_attempt(call_id, ana_id)  # a repeated answer makes no second ticket
    assert len(center.tickets.list(account_id)) == 1


def test_the_ended_call_gives_the_ticket_its_duration_with_the_hold(
    center: ContactCenter, fake_time: FakeTime
) -> None:
    account_id, call_id, _ = _answered_call(center, fake_time)
    fake_time.pass_(10)
    center.call_held(call_id, "agent")
    fake_time.pass_(90)
    center.call_resumed(call_id, "agent")
    fake_time.pass_(6)
    center.call_ended(call_id, "caller", "caller hung up")
    (ticket,) = center.tickets.list(account_id, call_id=call_id)
    held = ticket.call(call_id)
    assert held is not None and held.times is not None
    assert held.times == CallTimes(waited_s=4.0, talk_s=16.0, hold_s=90.0)
    assert held.duration_s == 110.0 == center.get_call(account_id, call_id).duration_s


def test_a_missed_call_makes_no_ticket(center: ContactCenter) -> None:
    account = center.create_account("Acme")
    ana = center.create_user(account.id, "Ana", "ana@example.test")
    number = center.create_number(account.id, "+33999000112", "Support")
    center.add_ring_to(account.id, number.id, 0, "user", ana.id)
    plan = center.start_inbound_call(number.e164, "+33145678901", "sip-2")
    center.call_ended(plan.call_id, "caller", "caller cancelled")
    assert center.tickets.list(account.id) == []


def test_tickets_survive_reopening_the_store(
    center: ContactCenter, fake_time: FakeTime, tmp_path: Path
) -> None:
    account_id, call_id, ana_id = _answered_call(center, fake_time)
    (ticket,) = center.tickets.list(account_id)
    center.tickets.comment(
        account_id, ticket.id, author_id=ana_id, author_name="Ana Diaz", body="hi", public=True
    )
    center.tickets.update(account_id, ticket.id, {"priority": "urgent"})
    saved = center.tickets.get(account_id, ticket.id)
    center.store.close()
    reopened = Store(tmp_path / "reference.sqlite3")
    try:
        assert reopened.get_ticket(account_id, ticket.id) == saved
        assert reopened.ticket_of_call(account_id, call_id) == ticket.id
    finally:
        reopened.close()


def test_a_refused_update_changes_nothing_stored(
    center: ContactCenter, fake_time: FakeTime
) -> None:
    account_id, _, _ = _answered_call(center, fake_time)
    (ticket,) = center.tickets.list(account_id)
    with pytest.raises(InvalidField):
        center.tickets.update(account_id, ticket.id, {"priority": "high", "status": "done"})
    assert center.tickets.get(account_id, ticket.id) == ticket
    with pytest.raises(NotFound):
        center.tickets.get(account_id, "999")
