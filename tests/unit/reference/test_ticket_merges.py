"""Tickets meet end users (ZT-MRG-3, 4, 6, ZT-ID-10): the pure rules, and the contact center
keeping them (a refused change leaves everything stored as it was)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harness.reference.domain import end_users as identity
from harness.reference.domain import ticket_merges as rules
from harness.reference.domain.end_users import CallRequester, EndUser, Identified
from harness.reference.domain.errors import Conflict, InvalidField, NotFound
from harness.reference.domain.tickets import (
    Comment,
    Direction,
    Ticket,
    TicketCall,
    TicketRequester,
    TicketStatus,
    new_ticket,
    shown_number,
)
from harness.reference.service import ContactCenter
from harness.reference.store import Store
from harness.reference.store_tickets import StoredRecording
from tests.unit.reference.conftest import FakeTime

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CHLOE = TicketRequester("eu_1", "Chloé")


def call(call_id: str, caller: str, direction: Direction = Direction.INBOUND) -> TicketCall:
    line = "+33200000000"
    frm, to = (caller, line) if direction is Direction.INBOUND else (line, caller)
    return TicketCall(call_id, direction, frm, to, T0, frm, "Ana", None)


def ticket(ticket_id: str, caller: str) -> Ticket:
    return new_ticket(ticket_id, "acc", call(f"CALL-{ticket_id}", caller), CHLOE, T0)


def note(text: str) -> Comment:
    return Comment(f"c-{text}", "u1", "Ana", text, False, T0)


# --- the number at the top (ZT-MRG-3, 4) ----------------------------------------------------------


def test_the_top_shows_the_customer_number_of_the_call_that_made_the_ticket() -> None:
    assert shown_number(call("A", "+33611111111")) == "+33611111111"
    assert shown_number(call("B", "+34611111111", Direction.OUTBOUND)) == "+34611111111"
    assert ticket("1", "+33611111111").shown_number == "+33611111111"


def test_after_a_merge_the_target_shows_the_number_that_created_the_merged_ticket() -> None:
    existing, new = ticket("1", "+33611111111"), ticket("2", "+33622222222")
    merged = rules.merge(new, existing, note("closed"), note("received"))
    assert merged.target.shown_number == "+33622222222"
    assert [c.call_id for c in merged.target.calls] == ["CALL-1", "CALL-2"]
    assert [c.body for c in merged.target.comments] == ["received"]
    assert merged.source.calls == () and merged.source.merged_into == "1"
    assert merged.source.status is TicketStatus.CLOSED


def test_a_merged_ticket_without_a_voice_comment_leaves_the_targets_number() -> None:
    existing, new = ticket("1", "+33611111111"), replace(ticket("2", "+336222"), calls=())
    assert rules.top_after_merge(new, existing) == "+33611111111"


# --- refused merges -------------------------------------------------------------------------------


def test_a_ticket_cannot_be_merged_into_itself() -> None:
    one = ticket("1", "+33611111111")
    with pytest.raises(InvalidField, match="cannot be merged into itself") as refused:
        rules.merge(one, one, note("a"), note("b"))
    assert refused.value.field == "into"


def test_a_ticket_is_merged_once_and_never_into_a_merged_or_closed_ticket() -> None:
    one, two = ticket("1", "+33611111111"), ticket("2", "+33622222222")
    merged = rules.merge(two, one, note("a"), note("b"))
    with pytest.raises(Conflict, match="already merged into ticket 1"):
        rules.check_merge(merged.source, merged.target)
    with pytest.raises(Conflict, match="no longer exists"):
        rules.check_merge(merged.target, merged.source)
    with pytest.raises(Conflict, match="is closed"):
        rules.check_merge(ticket("3", "+336"), replace(one, status=TicketStatus.CLOSED))


# --- a ticket's requester set later (ZT-ID-10) ----------------------------------------------------


def test_only_an_unknown_callers_call_is_linked_to_the_matched_user() -> None:
    user = EndUser("eu_9", "acc", "Hugo", T0)
    unknown = CallRequester("CALL-1", "unk_1", Identified.UNKNOWN_CALLER, None)
    known = CallRequester("CALL-2", "eu_1", Identified.EXISTING_PROFILE, "eu_1")
    assert identity.matched_to(unknown, user) == replace(unknown, end_user_id="eu_9")
    assert identity.matched_to(known, user) is None
    with pytest.raises(Conflict, match="merged"):
        identity.matched_to(unknown, replace(user, merged_into="eu_1"))


def test_a_merged_tickets_requester_cannot_be_set() -> None:
    merged = replace(ticket("2", "+336"), merged_into="1")
    with pytest.raises(Conflict, match="merged into ticket 1"):
        rules.with_requester(merged, TicketRequester("eu_9", "Hugo"))


# --- the contact center ---------------------------------------------------------------------------


def _two_tickets(center: ContactCenter, fake_time: FakeTime) -> tuple[str, list[str]]:
    account = center.create_account("Acme")
    ana = center.create_user(account.id, "Ana Diaz", "ana@example.test")
    number = center.create_number(account.id, "+33999000111", "Support")
    center.add_ring_to(account.id, number.id, 0, "user", ana.id)
    call_ids = []
    for caller in ("anonymous", "+33145678901"):
        plan = center.start_inbound_call(number.e164, caller, f"sip-{caller}")
        center.agent_ringing(plan.call_id, ana.id)
        fake_time.pass_(2)
        assert center.answer_attempt(plan.call_id, ana.id).registered
        call_ids.append(plan.call_id)
    return account.id, call_ids


def test_a_merge_moves_the_calls_and_a_refused_one_changes_nothing(
    center: ContactCenter, fake_time: FakeTime
) -> None:
    acc, (first, second) = _two_tickets(center, fake_time)
    old, new = center.tickets.store.ticket_of_call(acc, first), center.tickets.list(acc)[0].id
    assert old is not None and old != new
    merged = center.ticket_requesters.merge(acc, new, old, author_id=None, author="API")
    assert merged.target.shown_number == "+33145678901"
    assert center.tickets.store.ticket_of_call(acc, second) == old
    stored = center.tickets.list(acc)
    for into, words in ((old, "already merged"), ("404", "not found"), (new, "itself")):
        with pytest.raises((Conflict, NotFound, InvalidField), match=words):
            center.ticket_requesters.merge(acc, new, into, author_id=None, author="API")
    assert center.tickets.list(acc) == stored


def test_an_unknown_callers_ticket_gets_a_new_user_and_the_call_follows(
    center: ContactCenter, fake_time: FakeTime
) -> None:
    acc, (unknown_call, _) = _two_tickets(center, fake_time)
    ticket_id = center.tickets.store.ticket_of_call(acc, unknown_call)
    assert ticket_id is not None
    before = center.tickets.get(acc, ticket_id)
    assert before.requester_id is not None and before.requester_id.startswith("unk_")
    with pytest.raises(InvalidField, match="phones"):  # a bad number creates nobody
        center.ticket_requesters.new_requester(acc, ticket_id, "Hugo", [" "])
    with pytest.raises(NotFound):  # no such ticket: nobody is created either
        center.ticket_requesters.new_requester(acc, "404", "Hugo", ["+33611111111"])
    assert [u.name for u in center.end_users.find(acc)] == ["+33145678901"]
    after = center.ticket_requesters.new_requester(acc, ticket_id, "Hugo", ["+33611111111"])
    requester = center.end_users.requester_of_call(acc, unknown_call)
    assert (after.requester, after.requester_id) == ("Hugo", requester.id)
    assert requester.link.requester_id == before.requester_id  # the unknown ID, now linked


def test_a_merge_survives_reopening_the_store_with_its_recordings_moved(
    center: ContactCenter, fake_time: FakeTime, tmp_path: Path
) -> None:
    acc, (first, second) = _two_tickets(center, fake_time)
    store = center.tickets.store
    old, new = store.ticket_of_call(acc, first), store.ticket_of_call(acc, second)
    assert old is not None and new is not None
    recording = StoredRecording("rec_1", acc, new, second, "rec_1.wav", 1.0, T0)
    store.insert_recording(recording)
    merged = center.ticket_requesters.merge(acc, new, old, author_id=None, author="API")
    center.store.close()
    reopened = Store(tmp_path / "reference.sqlite3")
    try:
        assert reopened.get_ticket(acc, old) == merged.target
        assert reopened.get_ticket(acc, new) == merged.source
        assert [r.id for r in reopened.recordings(acc, old)] == ["rec_1"]
        assert reopened.recordings(acc, new) == []
    finally:
        reopened.close()
