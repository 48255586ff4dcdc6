"""End users on a real SQLite store: callers identified as their calls arrive, merges, bad input
that changes nothing, and what survives a reopening of the file."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from harness.reference.clock import AccountClock
from harness.reference.domain.end_users import Identified, Origin, PhoneKind
from harness.reference.domain.errors import Conflict, InvalidField, NotFound
from harness.reference.events import EventBus
from harness.reference.service import ContactCenter
from harness.reference.store import Store

LINE = "+33123456789"
CHLOE, HUGO, LEA = "+33612345678", "+34612345678", "+84912345678"


@pytest.fixture
def account(center: ContactCenter) -> str:
    acc = center.create_account("Acme")
    center.create_number(acc.id, LINE, "Support")
    return acc.id


_dialogs = itertools.count()


def call_from(center: ContactCenter, caller: str) -> str:
    """A call from ``caller`` arrives (nobody is assigned: it is logged and ends at once)."""
    plan = center.start_inbound_call(LINE, caller, f"call-{next(_dialogs)}@127.0.0.1")
    return plan.call_id


def test_a_known_direct_line_is_the_calls_requester(center, account):
    chloe = center.end_users.create(account, "Chloé Martin", [CHLOE])
    call_id = call_from(center, CHLOE)
    requester = center.end_users.requester_of_call(account, call_id)
    assert (requester.id, requester.link.how) == (chloe.id, Identified.EXISTING_PROFILE)
    assert [u.id for u in center.end_users.find(account)] == [chloe.id]


def test_an_unknown_number_creates_one_profile_named_with_it_and_then_is_known(center, account):
    first = center.end_users.requester_of_call(account, call_from(center, HUGO))
    assert first.link.how is Identified.NEW_PROFILE
    assert first.profile is not None
    assert (first.name, first.profile.origin, first.profile.direct_lines) == (
        HUGO,
        Origin.CALLER,
        (HUGO,),
    )
    again = center.end_users.requester_of_call(account, call_from(center, HUGO))
    assert (again.id, again.link.how) == (first.id, Identified.EXISTING_PROFILE)
    assert len(center.end_users.find(account)) == 1


def test_a_withheld_number_gets_an_id_of_its_own_on_every_call(center, account):
    ids = {center.end_users.requester_of_call(account, call_from(center, "anonymous")).id}
    ids.add(center.end_users.requester_of_call(account, call_from(center, "anonymous")).id)
    assert len(ids) == 2 and all(i.startswith("unk_") for i in ids)
    assert center.end_users.find(account) == []


def test_a_call_from_a_shared_number_is_the_owners_and_without_owner_a_new_user_gets_it(
    center, account
):
    chloe = center.end_users.create(account, "Chloé", [CHLOE])
    hugo = center.end_users.add_phone(account, center.end_users.create(account, "Hugo").id, CHLOE)
    assert hugo.phone(CHLOE) is not None and hugo.phone(CHLOE).kind is PhoneKind.SHARED
    assert center.end_users.requester_of_call(account, call_from(center, CHLOE)).id == chloe.id

    direct = chloe.phone(CHLOE)
    assert direct is not None
    center.end_users.remove_phone(account, chloe.id, direct.id)
    requester = center.end_users.requester_of_call(account, call_from(center, CHLOE))
    assert requester.link.how is Identified.NEW_PROFILE
    assert requester.id not in (chloe.id, hugo.id)
    assert center.end_users.get(account, hugo.id).phones == ()


def test_bad_numbers_and_a_second_shared_number_are_refused_and_change_nothing(center, account):
    center.end_users.create(account, "Chloé", [CHLOE])
    center.end_users.create(account, "Léa", [LEA])
    hugo = center.end_users.create(account, "Hugo", [CHLOE])
    center.end_users.set_phone_validation(account, True)
    with pytest.raises(InvalidField, match=r"E\.164"):
        center.end_users.add_phone(account, hugo.id, "06 12 34 56 78")
    with pytest.raises(Conflict, match="at most one shared number"):
        center.end_users.add_phone(account, hugo.id, LEA)
    with pytest.raises(InvalidField, match=r"phones\[1\]"):
        center.end_users.create(account, "Zoé", [HUGO, "0612"])
    assert center.end_users.get(account, hugo.id) == hugo
    assert [u.name for u in center.end_users.find(account)] == ["Chloé", "Léa", "Hugo"]


def test_a_merge_moves_the_numbers_and_the_calls_and_merging_into_itself_changes_nothing(
    center, account
):
    martin = center.end_users.create(account, "Chloé Martin", [CHLOE])
    call_id = call_from(center, HUGO)
    created = center.end_users.requester_of_call(account, call_id)
    with pytest.raises(InvalidField, match="into itself"):
        center.end_users.merge(account, created.id, created.id)
    assert center.end_users.get(account, created.id) == created.profile

    done = center.end_users.merge(account, created.id, martin.id)
    assert done.target.direct_lines == (CHLOE, HUGO)
    assert center.end_users.requester_of_call(account, call_id).id == martin.id
    assert center.end_users.requester_of_call(account, call_from(center, HUGO)).id == martin.id
    assert [u.id for u in center.end_users.find(account)] == [martin.id]
    with pytest.raises(NotFound):
        center.end_users.merge(account, martin.id, "eu_nope")


def test_profiles_and_requesters_survive_a_reopening_of_the_file(tmp_path: Path, fake_time):
    path = tmp_path / "reference.sqlite3"
    store = Store(path)
    center = ContactCenter(store, AccountClock(store, real=fake_time.wall), EventBus())
    acc = center.create_account("Acme").id
    center.create_number(acc, LINE, "Support")
    chloe = center.end_users.create(acc, "Chloé", [CHLOE])
    call_id = call_from(center, CHLOE)
    center.end_users.set_phone_validation(acc, True)
    store.close()

    reopened = Store(path)
    again = ContactCenter(reopened, AccountClock(reopened, real=fake_time.wall), EventBus())
    assert again.end_users.get(acc, chloe.id) == chloe
    assert again.end_users.requester_of_call(acc, call_id).id == chloe.id
    assert again.end_users.phone_validation(acc) is True
    reopened.close()


def test_a_requester_link_waits_for_its_calls_group_commit_and_commits_with_it(
    tmp_path: Path, fake_time
):
    path = tmp_path / "reference.sqlite3"
    scheduled: list = []
    store = Store(path, group_commit=scheduled.append)
    center = ContactCenter(store, AccountClock(store, real=fake_time.wall), EventBus())
    acc = center.create_account("Acme").id
    center.create_number(acc, LINE, "Support")
    chloe = center.end_users.create(acc, "Chloé", [CHLOE])

    known = call_from(center, CHLOE)
    unknown = call_from(center, "anonymous")
    assert center.end_users.requester_of_call(acc, known).id == chloe.id  # read while waiting
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT count(*) FROM call_requesters").fetchone()[0] == 0
    assert raw.execute("SELECT count(*) FROM calls").fetchone()[0] == 0

    assert len(scheduled) == 1
    scheduled.pop()()  # the group's commit: the calls and their links together
    rows = raw.execute("SELECT call_id, identified FROM call_requesters ORDER BY call_id")
    assert sorted(rows.fetchall()) == sorted(
        [(known, "existing_profile"), (unknown, "unknown_caller")]
    )
    assert raw.execute("SELECT count(*) FROM calls").fetchone()[0] == 2

    created = call_from(center, HUGO)  # a new profile is committed at once, with its link
    assert raw.execute(
        "SELECT identified FROM call_requesters WHERE call_id = ?", (created,)
    ).fetchone() == ("new_profile",)
    raw.close()
    store.close()
