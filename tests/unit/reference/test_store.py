"""SQLite store: durability across reopen, tenant isolation, schema versioning."""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

import harness.reference.store as store_module
from harness.reference.clock import AccountClock
from harness.reference.domain.accounts import Account
from harness.reference.domain.calls import (
    CallRecord,
    EndedBy,
    Offer,
    add_sip_call_id,
    answer_attempt,
    end,
    open_call,
    refuse,
    ringing,
)
from harness.reference.domain.directory import Role, Team, TeamMember, User
from harness.reference.domain.distribution import (
    Assignment,
    AssignmentKind,
    Distribution,
    MemberType,
    Number,
    RingToMember,
    RingToWidget,
    Strategy,
)
from harness.reference.domain.errors import Conflict
from harness.reference.store import Store

T0 = datetime(2025, 3, 3, 9, 0, 0, 250000, tzinfo=UTC)


def seed(store: Store, acc: str, e164: str = "+33123456780") -> None:
    store.insert_account(Account(acc, f"Tenant {acc}"), f"digest-{acc}", "2025-03-03T09:00:00Z")
    store.insert_user(User(f"{acc}-u1", acc, "Ana", "ana@x.org", Role.AGENT, f"ana.{acc}", "pw"))
    store.insert_team(Team(f"{acc}-t1", acc, "Support", (TeamMember(f"{acc}-u1", False),)))
    store.insert_number(Number(f"{acc}-n1", acc, e164, "Sales"))
    dist = Distribution(
        f"{acc}-n1",
        (
            RingToWidget(
                25, Strategy.SEQUENTIAL, (RingToMember(MemberType.USER, f"{acc}-u1", False),)
            ),
            RingToWidget(20, Strategy.SIMULTANEOUS, (RingToMember(MemberType.TEAM, f"{acc}-t1"),)),
        ),
    )
    store.save_distribution(acc, dist)
    offer = Offer(f"{acc}-u1", "Ana", 0, Assignment(AssignmentKind.NUMBER, f"{acc}-n1"), False)
    blank = CallRecord(f"CALL-{acc}", acc, f"{acc}-n1", "+33611111111", "+33123456780", T0)
    call = open_call(blank, number_label="Sales", offers=(offer,), sip_call_id="sip@x")
    call, _ = answer_attempt(call, f"{acc}-u1", T0)
    store.save_call(call)


def test_everything_survives_close_and_reopen(tmp_path):
    path = tmp_path / "db.sqlite3"
    first = Store(path)
    seed(first, "acc_1")
    before = (
        first.list_users("acc_1"),
        first.list_teams("acc_1"),
        first.list_numbers("acc_1"),
        first.get_distribution("acc_1", "acc_1-n1"),
        first.get_call("acc_1", "CALL-acc_1"),
    )
    first.close()

    second = Store(path)
    after = (
        second.list_users("acc_1"),
        second.list_teams("acc_1"),
        second.list_numbers("acc_1"),
        second.get_distribution("acc_1", "acc_1-n1"),
        second.get_call("acc_1", "CALL-acc_1"),
    )
    assert after == before
    call = after[4]
    assert call is not None
    assert call.started_at == T0
    assert [(a.user_id, a.registered) for a in call.attempts] == [("acc_1-u1", False)]
    assert after[3].widgets[0].members[0].in_sync is False
    assert second.account_by_token_digest("digest-acc_1") == Account("acc_1", "Tenant acc_1")
    second.close()


def test_pragmas_and_schema_version(tmp_path):
    path = tmp_path / "db.sqlite3"
    Store(path).close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # Every migration ran once: the version is their count, whichever domains added them.
    assert raw.execute("SELECT max(version) FROM schema_version").fetchone()[0] == len(
        store_module._MIGRATIONS
    )
    raw.close()
    reopened = Store(path)  # a second open must not re-run the migration
    reopened.close()


def test_accounts_do_not_see_each_others_rows(store):
    seed(store, "acc_a")
    seed(store, "acc_b", "+33123456781")
    assert [u.id for u in store.list_users("acc_a")] == ["acc_a-u1"]
    assert store.get_user("acc_a", "acc_b-u1") is None
    assert store.get_team("acc_a", "acc_b-t1") is None
    assert store.get_number("acc_a", "acc_b-n1") is None
    assert store.get_distribution("acc_a", "acc_b-n1").widgets == ()
    assert store.get_call("acc_a", "CALL-acc_b") is None
    assert [c.call_id for c in store.list_calls("acc_a")] == ["CALL-acc_a"]
    assert not store.delete_user("acc_a", "acc_b-u1")
    assert store.get_user("acc_b", "acc_b-u1") is not None


def test_deleting_an_account_removes_all_its_rows_only(store):
    seed(store, "acc_a")
    seed(store, "acc_b", "+33123456781")
    assert store.delete_account("acc_a")
    assert store.list_users("acc_a") == [] and store.list_calls("acc_a") == []
    assert store.account_of_call("CALL-acc_a") is None
    assert store.get_call("acc_b", "CALL-acc_b") is not None


def test_deleting_a_user_removes_memberships_and_ring_to_entries(store):
    seed(store, "acc_a")
    assert store.delete_user("acc_a", "acc_a-u1")
    dist = store.get_distribution("acc_a", "acc_a-n1")
    assert [len(w.members) for w in dist.widgets] == [0, 1]
    assert store.get_team("acc_a", "acc_a-t1").members == ()


def test_global_uniqueness_conflicts_and_failed_write_leaves_nothing(store):
    seed(store, "acc_a")
    store.insert_account(Account("acc_z", "Z"), "digest-z", "2025-03-03T09:00:00Z")
    with pytest.raises(Conflict):
        store.insert_user(User("z-u", "acc_z", "Ana", "a@x.org", Role.AGENT, "ana.acc_a", "pw"))
    with pytest.raises(Conflict):
        store.insert_number(Number("z-n", "acc_z", "+33123456780", "Dup"))
    assert store.list_users("acc_z") == [] and store.list_numbers("acc_z") == []


def test_transaction_rolls_back_every_write_of_a_failed_block(store):
    store.insert_account(Account("acc_a", "A"), "d", "2025-03-03T09:00:00Z")
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_team(Team("t1", "acc_a", "Support"))
        raise RuntimeError("boom")
    assert store.list_teams("acc_a") == []


def test_clock_settings_survive_reopen_and_go_with_the_account(tmp_path):
    path = tmp_path / "db.sqlite3"
    wall = [datetime(2025, 6, 1, 12, 0, tzinfo=UTC)]
    first = Store(path)
    first.insert_account(Account("acc_a", "A"), "d", "2025-06-01T12:00:00Z")
    clock = AccountClock(first, real=lambda: wall[0])
    clock.set("acc_a", "2025-01-06T09:00:00Z")
    clock.set("acc_b", "2030-01-01T00:00:00Z", frozen=True)
    first.close()

    wall[0] += timedelta(minutes=10)
    second = Store(path)
    reloaded = AccountClock(second, real=lambda: wall[0])
    assert reloaded.now("acc_a") == datetime(2025, 1, 6, 9, 10, tzinfo=UTC)
    assert reloaded.now("acc_b") == datetime(2030, 1, 1, tzinfo=UTC)
    assert reloaded.is_frozen("acc_b")
    second.delete_account("acc_a")
    assert set(second.load_clock_settings()) == {"acc_b"}
    second.close()


def test_a_call_saved_step_by_step_reads_back_exactly_after_reopen(tmp_path):
    """Each save of a call in progress leaves the file holding the record exactly, whether a
    step appended to its history or rewrote it."""
    path = tmp_path / "db.sqlite3"
    first = Store(path)
    seed(first, "acc_a")
    call = first.get_call("acc_a", "CALL-acc_a")
    assert call is not None
    call = ringing(add_sip_call_id(call, "leg-b@x"), "acc_a-u1", T0 + timedelta(seconds=1))
    first.save_call(call)
    rewritten = dataclasses.replace(call, timeline=call.timeline[1:], sip_call_ids=("only@x",))
    first.save_call(rewritten)
    assert first.get_call("acc_a", "CALL-acc_a") == rewritten
    first.close()

    second = Store(path)
    assert second.get_call("acc_a", "CALL-acc_a") == rewritten
    ended = end(rewritten, T0 + timedelta(seconds=9), EndedBy.CALLER, "caller hung up")
    second.save_call(ended)
    second.save_call(add_sip_call_id(ended, "late@x"))  # saved again after its end
    expected = second.get_call("acc_a", "CALL-acc_a")
    second.close()
    assert expected is not None and expected.ended_at is not None
    third = Store(path)
    assert third.get_call("acc_a", "CALL-acc_a") == expected
    assert [c.call_id for c in third.list_calls("acc_a")] == ["CALL-acc_a"]
    third.close()


def test_a_refused_call_reads_back_exactly_after_reopen(tmp_path):
    path = tmp_path / "db.sqlite3"
    first = Store(path)
    seed(first, "acc_a")
    blank = CallRecord("CALL-refused", "acc_a", "acc_a-n1", "+33611111111", "+33123456780", T0)
    refused = refuse(blank, number_label="Sales", sip_call_id="r@x", reason="no codec in common")
    first.save_call(refused)
    first.close()
    second = Store(path)
    assert second.get_call("acc_a", "CALL-refused") == refused
    assert "CALL-refused" not in [c.call_id for c in second.calls_in_progress()]
    second.close()


def test_a_deleted_account_takes_its_calls_in_progress_with_it(store):
    seed(store, "acc_a")
    call = store.get_call("acc_a", "CALL-acc_a")
    assert call is not None and call.ended_at is None
    assert store.delete_account("acc_a")
    assert store.get_call("acc_a", "CALL-acc_a") is None
    assert store.account_of_call("CALL-acc_a") is None


def _committed_calls(path, account_id: str) -> list[str]:
    """Call IDs another connection sees: what is committed to the file."""
    raw = sqlite3.connect(path)
    try:
        rows = raw.execute("SELECT call_id FROM calls WHERE account_id = ?", (account_id,))
        return [row[0] for row in rows]
    finally:
        raw.close()


def _statements(store: Store, prefix: str) -> list[str]:
    """Start recording the SQL statements ``store`` runs that begin with ``prefix``."""
    seen: list[str] = []
    store._db.set_trace_callback(lambda sql: seen.append(sql) if sql.startswith(prefix) else None)
    return seen


def test_grouped_call_saves_wait_in_memory_and_commit_together(tmp_path, caplog):
    path = tmp_path / "db.sqlite3"
    due: list = []
    store = Store(path, group_commit=due.append)
    upserts = _statements(store, "INSERT INTO calls")
    seed(store, "acc_a")  # the call is saved in a group: nothing written or committed yet
    assert len(due) == 1 and _committed_calls(path, "acc_a") == [] and upserts == []
    call = store.get_call("acc_a", "CALL-acc_a")  # this connection sees it
    assert call is not None
    call = ringing(add_sip_call_id(call, "leg-b@x"), "acc_a-u1", T0 + timedelta(seconds=1))
    store.save_call(call)
    assert len(due) == 1  # the same group
    broken = dataclasses.replace(call.timeline[0], text=None)  # type: ignore[arg-type]  # NOT NULL
    store.save_call(dataclasses.replace(call, call_id="CALL-y", timeline=(broken,)))
    assert store.get_call("acc_a", "CALL-y") is not None  # accepted; it fails at the commit
    short = end(dataclasses.replace(call, call_id="CALL-z"), T0, EndedBy.CALLER, "hung up")
    store.save_call(short)  # ended at its first save: waiting, and not a call in progress
    assert store.account_of_call("CALL-z") == "acc_a"
    assert store.get_call("acc_a", "CALL-z") == short and store.get_call("acc_b", "CALL-z") is None
    with caplog.at_level(logging.ERROR, logger="harness.reference.store"):
        left_out = due[0]()
    assert [(cid, type(error)) for cid, error in left_out] == [("CALL-y", sqlite3.IntegrityError)]
    assert "CALL-y" in caplog.text
    assert store.get_call("acc_a", "CALL-y") is None  # undone whole and forgotten
    assert sorted(_committed_calls(path, "acc_a")) == ["CALL-acc_a", "CALL-z"]  # others kept
    assert len(upserts) == 3  # two saves of CALL-acc_a made one write; CALL-y, CALL-z one each
    store.close()
    reopened = Store(path)
    assert reopened.get_call("acc_a", "CALL-acc_a") == call
    reopened.close()


def test_grouped_saves_read_back_exactly_whatever_was_written_between_them(tmp_path):
    """Saves waiting for their commit, with reads writing earlier saves meanwhile: the file
    ends up holding each record exactly."""
    path = tmp_path / "db.sqlite3"
    due: list = []
    store = Store(path, group_commit=due.append)
    seed(store, "acc_a")
    call = store.get_call("acc_a", "CALL-acc_a")
    assert call is not None
    call = ringing(add_sip_call_id(call, "leg-b@x"), "acc_a-u1", T0 + timedelta(seconds=1))
    store.save_call(call)
    assert [c.call_id for c in store.list_calls("acc_a")] == ["CALL-acc_a"]  # writes, uncommitted
    assert _committed_calls(path, "acc_a") == []
    rewritten = dataclasses.replace(call, timeline=call.timeline[1:], sip_call_ids=("only@x",))
    store.save_call(rewritten)
    ended = end(rewritten, T0 + timedelta(seconds=9), EndedBy.CALLER, "caller hung up")
    store.save_call(ended)
    assert store.account_of_call("CALL-acc_a") == "acc_a"
    store.save_call(add_sip_call_id(ended, "late@x"))  # saved again after its end
    expected = store.get_call("acc_a", "CALL-acc_a")
    assert expected is not None and expected.sip_call_ids == ("only@x", "late@x")
    for commit in due:
        commit()
    assert _committed_calls(path, "acc_a") == ["CALL-acc_a"]
    store.close()
    reopened = Store(path)
    assert reopened.get_call("acc_a", "CALL-acc_a") == expected
    reopened.close()


def test_any_other_write_commits_the_pending_group_first(tmp_path):
    path = tmp_path / "db.sqlite3"
    due: list = []
    store = Store(path, group_commit=due.append)
    seed(store, "acc_a")
    store.insert_account(Account("acc_b", "B"), "digest-b", "2025-03-03T09:00:00Z")
    assert _committed_calls(path, "acc_a") == ["CALL-acc_a"]
    call = store.get_call("acc_a", "CALL-acc_a")
    assert call is not None
    store.save_call(add_sip_call_id(call, "late@x"))
    store.close()  # closing commits the pending group too
    reopened = Store(path)
    again = reopened.get_call("acc_a", "CALL-acc_a")
    assert again is not None and again.sip_call_ids[-1] == "late@x"
    reopened.close()


def test_directory_reads_follow_every_write_and_forget_a_rolled_back_one(store):
    seed(store, "acc_a")
    assert [u.id for u in store.list_users("acc_a")] == ["acc_a-u1"]
    store.insert_user(User("acc_a-u2", "acc_a", "Bo", "bo@x.org", Role.AGENT, "bo.acc_a", "pw"))
    assert [u.id for u in store.list_users("acc_a")] == ["acc_a-u1", "acc_a-u2"]
    assert store.user_by_sip_username("bo.acc_a") is not None
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_number(Number("acc_a-n2", "acc_a", "+33123456799", "Temp"))
        assert store.number_by_e164("+33123456799") is not None  # read inside, then undone
        raise RuntimeError("boom")
    assert store.number_by_e164("+33123456799") is None
    assert store.delete_user("acc_a", "acc_a-u2")
    assert store.user_by_sip_username("bo.acc_a") is None
    assert [len(w.members) for w in store.get_distribution("acc_a", "acc_a-n1").widgets] == [1, 1]
    assert store.delete_user("acc_a", "acc_a-u1")
    assert [len(w.members) for w in store.get_distribution("acc_a", "acc_a-n1").widgets] == [0, 1]
    assert store.get_team("acc_a", "acc_a-t1").members == ()
    assert store.list_teams("acc_a")[0].members == ()
