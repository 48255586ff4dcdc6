"""SQLite persistence: the one place in the reference that speaks SQL.

One file on disk in WAL mode (readers never block the writer), ``synchronous=NORMAL`` (durable
at checkpoints, safe against corruption), foreign keys on. The schema is created or migrated on
open and versioned in ``schema_version``. Every write runs in a transaction.

Multi-tenant: every row carries its ``account_id`` and every query of account data filters on
it. The only lookups without an account are those the outside world routes on globally unique
names (a token, a SIP username, an E.164 number, a Call ID); they say so in their name or doc.

The connection belongs to the thread that opened it (sqlite3's own check enforces this): the
reference opens it on its event-loop thread and uses it there only.

The reference is a test oracle: each rule should read plainly here, so the store reads and
writes the file directly (SQLite's default page cache, no caches of its own, a call's rows
written whole at each save). One optimisation stays, because without it a call saved at every
step (ringing, answer, end...) would wait for a commit of its own each time:

Group commit. Given ``group_commit`` (which schedules the commit, e.g. on the event loop a few
tens of milliseconds later), a call's save is kept in memory until that commit, which writes
each waiting call once, as last saved, atomic in its own savepoint, and commits them together.
Reads see the waiting saves (a read of the calls table writes them first, uncommitted). A crash
can then lose the steps of those milliseconds, never leave a half-written call; any other write
commits what is pending first, then runs on its own. A call whose write fails at the commit is
left out of it, logged and forgotten; the others are committed. The crash-safety family
(H-REL-1, features/reliability/crash_safety.feature and tests/integration/reference/
test_store_crash.py) proves that bound.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .clock import ClockSetting, iso_utc, parse_iso_utc
from .consumers.identity_tables import MIGRATION as CONSUMER_IDENTITY_MIGRATION
from .consumers.smart_action_tables import MIGRATION as SMART_ACTIONS_MIGRATION
from .domain.accounts import Account
from .domain.calls import (
    AnswerAttempt,
    CallRecord,
    CallState,
    CallStatus,
    EndedBy,
    Offer,
    TimelineEntry,
    TimelineKind,
)
from .domain.directory import Role, Team, TeamMember, User
from .domain.distribution import (
    Assignment,
    AssignmentKind,
    Distribution,
    MemberType,
    Number,
    RingToMember,
    RingToWidget,
    Strategy,
)
from .domain.end_users import CallRequester
from .domain.errors import Conflict
from .domain.permissions import CustomRole, Permission, UserToken
from .domain.voicemail import Voicemail
from .store_agent_app import MIGRATION as AGENT_APP_MIGRATION
from .store_agent_app import AgentAppTables
from .store_call_out import MIGRATION as CALL_OUT_MIGRATION
from .store_chat_tones import MIGRATION as CHAT_TONES_MIGRATION
from .store_crm_recordings import MIGRATION as CRM_RECORDINGS_MIGRATION
from .store_end_users import MIGRATION as END_USERS_MIGRATION
from .store_end_users import EndUserTables
from .store_notifications import MIGRATION as NOTIFICATIONS_MIGRATION
from .store_tickets import MIGRATION as TICKETS_MIGRATION
from .store_tickets import TOP_AND_MERGE_MIGRATION, TicketTables

__all__ = ["Store"]

_log = logging.getLogger(__name__)


class Store(EndUserTables, TicketTables, AgentAppTables):
    """Typed access to the reference's SQLite file; domain objects in, domain objects out."""

    def __init__(
        self,
        path: str | Path,
        *,
        group_commit: Callable[[Callable[[], object]], object] | None = None,
    ) -> None:
        self.path = str(path)
        self._group_commit = group_commit
        self._group_open = False  # a group of call saves waits for its scheduled commit
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._depth = 0
        # Saves waiting for the group's commit: Call ID -> the call as last saved.
        self._unwritten: dict[str, CallRecord] = {}
        self._in_group = False  # the group's transaction is open in the file
        self._failed: list[tuple[str, sqlite3.Error]] = []  # saves the commit left out
        # Requester links of calls that arrived in the open group, written with their calls.
        self._waiting_links: dict[str, tuple[str, CallRequester]] = {}
        with self.transaction():
            self._migrate()

    def close(self) -> None:
        """Commit what is pending and close the file; the store cannot be used afterwards."""
        self.commit_pending()
        self._db.close()

    def commit_pending(self) -> list[tuple[str, sqlite3.Error]]:
        """Write and commit the group of call saves waiting for their commit, if any.

        Returns the calls left out because their write failed (each also logged as an error);
        a failed COMMIT rolls the whole group back and raises.
        """
        if not self._group_open:
            return []
        self._group_open = False
        try:
            self._write_unwritten()
            if self._in_group:
                self._in_group = False
                self._db.execute("COMMIT")
        except sqlite3.Error:
            self._in_group = False
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            self._unwritten.clear()
            self._waiting_links.clear()
            self._failed.clear()
            raise
        failed, self._failed = self._failed, []
        for call_id, error in failed:
            _log.error("call %s was not written, its save is lost: %s", call_id, error)
        return failed

    def _write_unwritten(self) -> None:
        """Write the waiting saves into the group's transaction, each in its own savepoint.

        A save that fails is undone whole and forgotten, its error kept for the commit to
        report.
        """
        if not self._unwritten and not self._waiting_links:
            return
        if not self._in_group:
            self._db.execute("BEGIN IMMEDIATE")
            self._in_group = True
        waiting, self._unwritten = self._unwritten, {}
        for call_id, call in waiting.items():
            self._db.execute("SAVEPOINT grouped")
            try:
                self._save_call(call)
            except sqlite3.Error as exc:
                self._db.execute("ROLLBACK TO grouped")
                self._failed.append((call_id, exc))
            finally:
                self._db.execute("RELEASE grouped")
        self._write_waiting_links()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block in one transaction; nested blocks join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.commit_pending()
        self._db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")
        finally:
            self._depth = 0

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> sqlite3.Cursor:
        """Run one statement: for the store's companion modules (consumers, SMS) that keep
        their own tables in this file. A write must run inside :meth:`transaction`."""
        return self._db.execute(sql, parameters)

    # --- accounts -------------------------------------------------------------------------

    def insert_account(self, account: Account, token_sha256: str, created_at: str) -> None:
        """Store a new account; only the token's digest is kept."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO accounts (id, name, token_sha256, created_at) VALUES (?, ?, ?, ?)",
                (account.id, account.name, token_sha256, created_at),
            )

    def get_account(self, account_id: str) -> Account | None:
        """The account, without its token."""
        row = self._db.execute(
            "SELECT id, name FROM accounts WHERE id = ?", (account_id,)
        ).fetchone()
        return Account(row[0], row[1]) if row else None

    def account_by_token_digest(self, token_sha256: str) -> Account | None:
        """Cross-tenant lookup: the account whose API token has this digest."""
        row = self._db.execute(
            "SELECT id, name FROM accounts WHERE token_sha256 = ?", (token_sha256,)
        ).fetchone()
        return Account(row[0], row[1]) if row else None

    def delete_account(self, account_id: str) -> bool:
        """Delete the account and, by cascade, every row it owns."""
        with self.transaction():
            self._db.execute("DELETE FROM clock_settings WHERE account_id = ?", (account_id,))
            cursor = self._db.execute("DELETE FROM accounts WHERE id = ?", (account_id,))
        return cursor.rowcount > 0

    # --- custom roles and user tokens ----------------------------------------------------

    def insert_custom_role(self, role: CustomRole) -> None:
        """Store a new custom role; a name already used in the account is a :class:`Conflict`."""
        try:
            with self.transaction():
                self._db.execute(
                    "INSERT INTO custom_roles (id, account_id, name, base, permissions)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        role.id,
                        role.account_id,
                        role.name,
                        role.base.value,
                        " ".join(sorted(p.value for p in role.added)),
                    ),
                )
        except sqlite3.IntegrityError as error:
            raise Conflict(f"a role named {role.name!r} already exists") from error

    def custom_roles(self, account_id: str) -> list[CustomRole]:
        """The account's custom roles, oldest first."""
        rows = self._db.execute(
            "SELECT id, account_id, name, base, permissions FROM custom_roles"
            " WHERE account_id = ? ORDER BY rowid",
            (account_id,),
        )
        return [_custom_role(row) for row in rows]

    def custom_role(self, account_id: str, role_id: str) -> CustomRole | None:
        """The account's custom role ``role_id``."""
        row = self._db.execute(
            "SELECT id, account_id, name, base, permissions FROM custom_roles"
            " WHERE account_id = ? AND id = ?",
            (account_id, role_id),
        ).fetchone()
        return _custom_role(row) if row else None

    def insert_user_token(self, token: UserToken, token_sha256: str) -> None:
        """Store a user's new token; only its digest is kept."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO user_tokens (id, account_id, user_id, token_sha256, issued_at,"
                " expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, NULL)",
                (
                    token.id,
                    token.account_id,
                    token.user_id,
                    token_sha256,
                    iso_utc(token.issued_at),
                    iso_utc(token.expires_at),
                ),
            )

    def user_token_by_digest(self, token_sha256: str) -> UserToken | None:
        """Cross-tenant lookup: the user token with this digest."""
        row = self._db.execute(
            f"SELECT {_TOKEN_COLUMNS} FROM user_tokens WHERE token_sha256 = ?", (token_sha256,)
        ).fetchone()
        return _user_token(row) if row else None

    def user_token(self, account_id: str, token_id: str) -> UserToken | None:
        """The account's user token ``token_id``."""
        row = self._db.execute(
            f"SELECT {_TOKEN_COLUMNS} FROM user_tokens WHERE account_id = ? AND id = ?",
            (account_id, token_id),
        ).fetchone()
        return _user_token(row) if row else None

    def revoke_user_token(self, account_id: str, token_id: str, at: datetime) -> bool:
        """Mark the token revoked (once: a second revocation keeps the first time)."""
        with self.transaction():
            cursor = self._db.execute(
                "UPDATE user_tokens SET revoked_at = coalesce(revoked_at, ?)"
                " WHERE account_id = ? AND id = ?",
                (iso_utc(at), account_id, token_id),
            )
        return cursor.rowcount > 0

    def user_team_ids(self, account_id: str, user_id: str) -> frozenset[str]:
        """The teams ``user_id`` is a member of."""
        rows = self._db.execute(
            "SELECT team_id FROM team_members WHERE account_id = ? AND user_id = ?",
            (account_id, user_id),
        )
        return frozenset(row[0] for row in rows)

    # --- clock settings ------------------------------------------------------------------

    def load_clock_settings(self) -> dict[str, ClockSetting]:
        """Every account's clock setting (accounts on plain real time have none)."""
        rows = self._db.execute("SELECT account_id, offset_s, frozen_at FROM clock_settings")
        return {
            acc: ClockSetting(timedelta(seconds=offset), parse_iso_utc(frozen) if frozen else None)
            for acc, offset, frozen in rows
        }

    def save_clock_setting(self, account_id: str, setting: ClockSetting) -> None:
        """Insert or replace one account's clock setting."""
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO clock_settings (account_id, offset_s, frozen_at)"
                " VALUES (?, ?, ?)",
                (account_id, setting.offset.total_seconds(), _opt_time(setting.frozen_at)),
            )

    # --- users ----------------------------------------------------------------------------

    def insert_user(self, user: User) -> None:
        """Store a new user; a SIP username already taken anywhere is a :class:`Conflict`."""
        try:
            with self.transaction():
                self._db.execute(
                    "INSERT INTO users (id, account_id, name, email, role, sip_username,"
                    " sip_password, custom_role_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        user.id,
                        user.account_id,
                        user.name,
                        user.email,
                        user.role.value,
                        user.sip_username,
                        user.sip_password,
                        user.custom_role,
                    ),
                )
        except sqlite3.IntegrityError as error:
            if "users.sip_username" not in str(error):
                raise
            raise Conflict(f"SIP username {user.sip_username!r} is taken") from error

    def availability(self, account_id: str, user_id: str) -> str | None:
        """The user's stored availability, or None when she never switched it."""
        row = self._db.execute(
            "SELECT availability FROM user_availability WHERE account_id = ? AND user_id = ?",
            (account_id, user_id),
        ).fetchone()
        return str(row[0]) if row else None

    def set_availability(self, account_id: str, user_id: str, availability: str) -> None:
        """Store the user's availability, replacing the previous one."""
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO user_availability (account_id, user_id, availability)"
                " VALUES (?, ?, ?)",
                (account_id, user_id, availability),
            )

    # --- the account's plan (AC-IN-15) ----------------------------------------------------

    def plan(self, account_id: str) -> tuple[str, bool] | None:
        """The account's stored plan and AI add-on, or None when it never chose."""
        row = self._db.execute(
            "SELECT plan, ai_addon FROM account_plans WHERE account_id = ?", (account_id,)
        ).fetchone()
        return (str(row[0]), bool(row[1])) if row else None

    def set_plan(self, account_id: str, plan: str, ai_addon: bool) -> None:
        """Store the account's plan, replacing the previous one."""
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO account_plans (account_id, plan, ai_addon)"
                " VALUES (?, ?, ?)",
                (account_id, plan, int(ai_addon)),
            )

    def sip_username_taken(self, username: str) -> bool:
        """Cross-tenant check: SIP usernames are unique across accounts."""
        row = self._db.execute("SELECT 1 FROM users WHERE sip_username = ?", (username,))
        return row.fetchone() is not None

    def get_user(self, account_id: str, user_id: str) -> User | None:
        """The account's user ``user_id``."""
        row = self._db.execute(
            f"SELECT {_USER_COLUMNS} FROM users WHERE account_id = ? AND id = ?",
            (account_id, user_id),
        ).fetchone()
        return _user(row) if row else None

    def list_users(self, account_id: str) -> list[User]:
        """The account's users, oldest first."""
        return list(self._read_users(account_id))

    def _read_users(self, account_id: str) -> tuple[User, ...]:
        rows = self._db.execute(
            f"SELECT {_USER_COLUMNS} FROM users WHERE account_id = ? ORDER BY rowid",
            (account_id,),
        )
        return tuple(_user(row) for row in rows)

    def user_by_sip_username(self, username: str) -> User | None:
        """Cross-tenant lookup: the user a SIP username belongs to."""
        return self._read_user_by_sip_username(username)

    def _read_user_by_sip_username(self, username: str) -> User | None:
        row = self._db.execute(
            f"SELECT {_USER_COLUMNS} FROM users WHERE sip_username = ?", (username,)
        ).fetchone()
        return _user(row) if row else None

    def delete_user(self, account_id: str, user_id: str) -> bool:
        """Delete a user with their team memberships and "Ring to" entries."""
        with self.transaction():
            self._db.execute(
                "DELETE FROM widget_members WHERE account_id = ? AND member_type = ?"
                " AND member_id = ?",
                (account_id, MemberType.USER.value, user_id),
            )
            cursor = self._db.execute(
                "DELETE FROM users WHERE account_id = ? AND id = ?", (account_id, user_id)
            )
        return cursor.rowcount > 0

    # --- teams ----------------------------------------------------------------------------

    def insert_team(self, team: Team) -> None:
        """Store a new team and its members."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO teams (id, account_id, name) VALUES (?, ?, ?)",
                (team.id, team.account_id, team.name),
            )
            self.save_team_members(team)

    def save_team_members(self, team: Team) -> None:
        """Replace the stored members of ``team`` (order and sync state included)."""
        with self.transaction():
            self._db.execute(
                "DELETE FROM team_members WHERE account_id = ? AND team_id = ?",
                (team.account_id, team.id),
            )
            self._db.executemany(
                "INSERT INTO team_members (account_id, team_id, user_id, position, in_sync)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (team.account_id, team.id, m.user_id, i, int(m.in_sync))
                    for i, m in enumerate(team.members)
                ],
            )

    def get_team(self, account_id: str, team_id: str) -> Team | None:
        """The account's team with its members."""
        teams = self._teams(account_id, team_id)
        return teams[0] if teams else None

    def list_teams(self, account_id: str) -> list[Team]:
        """The account's teams with their members, oldest first."""
        return list(self._read_teams(account_id))

    def _read_teams(self, account_id: str) -> tuple[Team, ...]:
        return tuple(self._teams(account_id, None))

    def delete_team(self, account_id: str, team_id: str) -> bool:
        """Delete a team, its memberships and its "Ring to" entries."""
        with self.transaction():
            self._db.execute(
                "DELETE FROM widget_members WHERE account_id = ? AND member_type = ?"
                " AND member_id = ?",
                (account_id, MemberType.TEAM.value, team_id),
            )
            cursor = self._db.execute(
                "DELETE FROM teams WHERE account_id = ? AND id = ?", (account_id, team_id)
            )
        return cursor.rowcount > 0

    def _teams(self, account_id: str, team_id: str | None) -> list[Team]:
        only = " AND {} = ?" if team_id is not None else ""
        params = (account_id,) if team_id is None else (account_id, team_id)
        teams = self._db.execute(
            "SELECT id, name FROM teams WHERE account_id = ?"
            + only.format("id")
            + " ORDER BY rowid",
            params,
        ).fetchall()
        members: dict[str, list[TeamMember]] = {row[0]: [] for row in teams}
        member_rows = self._db.execute(
            "SELECT team_id, user_id, in_sync FROM team_members WHERE account_id = ?"
            + only.format("team_id")
            + " ORDER BY position",
            params,
        )
        for team, user, in_sync in member_rows:
            members[team].append(TeamMember(user, bool(in_sync)))
        return [Team(tid, account_id, name, tuple(members[tid])) for tid, name in teams]

    # --- numbers and distribution ------------------------------------------------------------

    def insert_number(self, number: Number) -> None:
        """Store a new number; an E.164 already used by any account is a :class:`Conflict`."""
        try:
            with self.transaction():
                self._db.execute(
                    "INSERT INTO numbers (id, account_id, e164, name) VALUES (?, ?, ?, ?)",
                    (number.id, number.account_id, number.e164, number.name),
                )
        except sqlite3.IntegrityError as error:
            if "numbers.e164" not in str(error):
                raise
            raise Conflict(f"number {number.e164} is already in use", field="e164") from error

    def get_number(self, account_id: str, number_id: str) -> Number | None:
        """The account's number ``number_id``."""
        row = self._db.execute(
            "SELECT id, account_id, e164, name FROM numbers WHERE account_id = ? AND id = ?",
            (account_id, number_id),
        ).fetchone()
        return Number(*row) if row else None

    def list_numbers(self, account_id: str) -> list[Number]:
        """The account's numbers, oldest first."""
        rows = self._db.execute(
            "SELECT id, account_id, e164, name FROM numbers WHERE account_id = ? ORDER BY rowid",
            (account_id,),
        )
        return [Number(*row) for row in rows]

    def number_by_e164(self, e164: str) -> Number | None:
        """Cross-tenant lookup: the number a call to ``e164`` reaches."""
        return self._read_number_by_e164(e164)

    def _read_number_by_e164(self, e164: str) -> Number | None:
        row = self._db.execute(
            "SELECT id, account_id, e164, name FROM numbers WHERE e164 = ?", (e164,)
        ).fetchone()
        return Number(*row) if row else None

    def get_distribution(self, account_id: str, number_id: str) -> Distribution:
        """The number's widgets with their members, in order (none for a new number)."""
        return self._read_distribution(account_id, number_id)

    def _read_distribution(self, account_id: str, number_id: str) -> Distribution:
        widgets = self._db.execute(
            "SELECT idx, ring_time_s, strategy FROM widgets WHERE account_id = ? AND number_id = ?"
            " ORDER BY idx",
            (account_id, number_id),
        ).fetchall()
        members: dict[int, list[RingToMember]] = {row[0]: [] for row in widgets}
        rows = self._db.execute(
            "SELECT idx, member_type, member_id, in_sync FROM widget_members"
            " WHERE account_id = ? AND number_id = ? ORDER BY idx, position",
            (account_id, number_id),
        )
        for idx, member_type, member_id, in_sync in rows:
            members[idx].append(RingToMember(MemberType(member_type), member_id, bool(in_sync)))
        return Distribution(
            number_id,
            tuple(
                RingToWidget(ring, Strategy(strategy), tuple(members[idx]))
                for idx, ring, strategy in widgets
            ),
        )

    def save_distribution(self, account_id: str, distribution: Distribution) -> None:
        """Replace the number's widgets and members with ``distribution``."""
        number_id = distribution.number_id
        with self.transaction():
            self._db.execute(
                "DELETE FROM widgets WHERE account_id = ? AND number_id = ?",
                (account_id, number_id),
            )
            for idx, widget in enumerate(distribution.widgets):
                self._db.execute(
                    "INSERT INTO widgets (account_id, number_id, idx, ring_time_s, strategy)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (account_id, number_id, idx, widget.ring_time_s, widget.strategy.value),
                )
                self._db.executemany(
                    "INSERT INTO widget_members (account_id, number_id, idx, position,"
                    " member_type, member_id, in_sync) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (account_id, number_id, idx, pos, m.type.value, m.id, int(m.in_sync))
                        for pos, m in enumerate(widget.members)
                    ],
                )

    # --- calls ----------------------------------------------------------------------------

    def save_call(self, call: CallRecord) -> None:
        """Insert or update a call with its SIP Call-IDs, offers, attempts and timeline.

        With ``group_commit`` (and outside :meth:`transaction`) the save waits in memory for
        the group's commit; several saves of one call meanwhile make one write.
        """
        cid = call.call_id
        if self._group_commit is not None and not self._depth:
            waiting = self._unwritten.get(cid)
            if waiting is not None and waiting.account_id != call.account_id:
                self._write_unwritten()  # another account's Call ID: its own write
            self._unwritten[cid] = call
            if not self._group_open:
                self._group_open = True
                self._group_commit(self.commit_pending)
        else:
            with self.transaction():
                self._save_call(call)

    def get_call(self, account_id: str, call_id: str) -> CallRecord | None:
        """The account's call ``call_id``."""
        waiting = self._unwritten.get(call_id)
        if waiting is not None and waiting.account_id == account_id:
            return waiting
        # Not waiting for this account: a waiting save of another account's Call ID would not
        # change this account's row, so the file answers without writing what waits.
        return self._load_call(account_id, call_id)

    def list_calls(self, account_id: str, number_id: str | None = None) -> list[CallRecord]:
        """The account's calls, newest first, optionally for one number."""
        sql = "SELECT call_id FROM calls WHERE account_id = ?"
        params: tuple[str, ...] = (account_id,)
        if number_id is not None:
            sql += " AND number_id = ?"
            params += (number_id,)
        self._write_unwritten()
        ids = [row[0] for row in self._db.execute(sql + " ORDER BY rowid DESC", params)]
        calls = (self.get_call(account_id, call_id) for call_id in ids)
        return [call for call in calls if call is not None]

    def account_of_call(self, call_id: str) -> str | None:
        """Cross-tenant lookup: which account a Call ID belongs to."""
        waiting = self._unwritten.get(call_id)
        if waiting is not None:
            return waiting.account_id
        row = self._db.execute("SELECT account_id FROM calls WHERE call_id = ?", (call_id,))
        found = row.fetchone()
        return str(found[0]) if found else None

    def calls_in_progress(self) -> list[CallRecord]:
        """Cross-tenant: every call not ended yet, oldest first (at start: those a crash cut)."""
        self._write_unwritten()
        rows = self._db.execute(
            "SELECT account_id, call_id FROM calls WHERE ended_at IS NULL ORDER BY rowid"
        ).fetchall()
        found = (self.get_call(account_id, call_id) for account_id, call_id in rows)
        return [call for call in found if call is not None]

    def _save_call(self, call: CallRecord) -> None:
        """Write ``call`` whole: its row, and its child rows replaced by the record's."""
        acc, cid = call.account_id, call.call_id
        self._db.execute(
            "INSERT INTO calls (call_id, account_id, number_id, caller, called, state, status,"
            " started_at, answered_at, answered_by, ended_at, ended_by, end_reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (call_id) DO UPDATE SET state = excluded.state,"
            " status = excluded.status, answered_at = excluded.answered_at,"
            " answered_by = excluded.answered_by, ended_at = excluded.ended_at,"
            " ended_by = excluded.ended_by, end_reason = excluded.end_reason"
            " WHERE calls.account_id = excluded.account_id",
            (
                cid,
                acc,
                call.number_id,
                call.caller,
                call.called,
                call.state.value,
                _opt(call.status),
                iso_utc(call.started_at),
                _opt_time(call.answered_at),
                call.answered_by,
                _opt_time(call.ended_at),
                _opt(call.ended_by),
                call.end_reason,
            ),
        )
        for child in _CHILDREN:
            self._db.execute(
                f"DELETE FROM {child.table} WHERE account_id = ? AND call_id = ?", (acc, cid)
            )
            self._db.executemany(child.insert, child.rows(call))

    def _load_call(self, account_id: str, call_id: str) -> CallRecord | None:
        row = self._db.execute(
            "SELECT number_id, caller, called, state, status, started_at, answered_at,"
            " answered_by, ended_at, ended_by, end_reason FROM calls"
            " WHERE account_id = ? AND call_id = ?",
            (account_id, call_id),
        ).fetchone()
        if row is None:
            return None
        key = (account_id, call_id)
        children = " WHERE account_id = ? AND call_id = ? ORDER BY position"
        sip_ids = self._db.execute("SELECT sip_call_id FROM call_sip_ids" + children, key)
        offers = self._db.execute(
            "SELECT user_id, user_name, stage, via_kind, via_id, in_sync FROM call_offers"
            + children,
            key,
        )
        attempts = self._db.execute(
            "SELECT user_id, user_name, at, registered FROM call_attempts" + children, key
        )
        timeline = self._db.execute(
            "SELECT at, kind, user_id, text FROM call_timeline" + children, key
        )
        return CallRecord(
            call_id=call_id,
            account_id=account_id,
            number_id=row[0],
            caller=row[1],
            called=row[2],
            state=CallState(row[3]),
            status=CallStatus(row[4]) if row[4] else None,
            started_at=parse_iso_utc(row[5]),
            answered_at=parse_iso_utc(row[6]) if row[6] else None,
            answered_by=row[7],
            ended_at=parse_iso_utc(row[8]) if row[8] else None,
            ended_by=EndedBy(row[9]) if row[9] else None,
            end_reason=row[10],
            sip_call_ids=tuple(r[0] for r in sip_ids),
            offers=tuple(
                Offer(u, n, st, Assignment(AssignmentKind(k), v), bool(s))
                for u, n, st, k, v, s in offers
            ),
            attempts=tuple(
                AnswerAttempt(u, n, parse_iso_utc(at), bool(r)) for u, n, at, r in attempts
            ),
            timeline=tuple(
                TimelineEntry(parse_iso_utc(at), TimelineKind(k), u, t) for at, k, u, t in timeline
            ),
        )

    # --- routing: hours, queues, deflection (one JSON document per account) -------------

    def routing_document(self, account_id: str) -> str | None:
        """The account's routing configuration as stored (JSON text), or None if never set."""
        row = self._db.execute(
            "SELECT document FROM routing_config WHERE account_id = ?", (account_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def save_routing_document(self, account_id: str, document: str) -> None:
        """Replace the account's routing configuration in one transaction."""
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO routing_config (account_id, document) VALUES (?, ?)",
                (account_id, document),
            )

    def insert_voicemail(self, voicemail: Voicemail, audio: bytes) -> None:
        """Store a voicemail and its audio (16-bit little-endian samples)."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO voicemails (id, account_id, call_id, caller, callback, queue_id,"
                " created_at, duration_s, notified, crm_record, audio)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    voicemail.id,
                    voicemail.account_id,
                    voicemail.call_id,
                    voicemail.caller,
                    voicemail.callback,
                    voicemail.queue_id,
                    iso_utc(voicemail.created_at),
                    voicemail.duration_s,
                    " ".join(voicemail.notified_user_ids),
                    int(voicemail.crm_record),
                    audio,
                ),
            )

    def list_voicemails(self, account_id: str) -> list[Voicemail]:
        """The account's voicemails, newest first (without their audio)."""
        rows = self._db.execute(
            f"SELECT {_VOICEMAIL_COLUMNS} FROM voicemails WHERE account_id = ?"
            " ORDER BY created_at DESC, id",
            (account_id,),
        )
        return [_voicemail(row) for row in rows]

    def voicemail_audio(self, account_id: str, voicemail_id: str) -> bytes | None:
        """The audio of the account's voicemail, or None if there is no such voicemail."""
        row = self._db.execute(
            "SELECT audio FROM voicemails WHERE account_id = ? AND id = ?",
            (account_id, voicemail_id),
        ).fetchone()
        return None if row is None else bytes(row[0])

    # --- schema ---------------------------------------------------------------------------

    def _migrate(self) -> None:
        self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = self._db.execute("SELECT max(version) FROM schema_version").fetchone()
        current = row[0] or 0
        if current > len(_MIGRATIONS):
            raise RuntimeError(
                f"{self.path} has schema version {current}; this code knows {len(_MIGRATIONS)}"
            )
        for version, statements in enumerate(_MIGRATIONS[current:], start=current + 1):
            for statement in statements:
                self._db.execute(statement)
            self._db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))


_VOICEMAIL_COLUMNS = (
    "id, account_id, call_id, caller, callback, queue_id, created_at, duration_s, notified,"
    " crm_record"
)


def _voicemail(row: tuple[Any, ...]) -> Voicemail:
    return Voicemail(
        id=row[0],
        account_id=row[1],
        call_id=row[2],
        caller=row[3],
        callback=row[4],
        queue_id=row[5],
        created_at=parse_iso_utc(row[6]),
        duration_s=float(row[7]),
        notified_user_ids=tuple(row[8].split()),
        crm_record=bool(row[9]),
    )


_USER_COLUMNS = "id, account_id, name, email, role, sip_username, sip_password, custom_role_id"


def _user(row: tuple[str, ...]) -> User:
    return User(row[0], row[1], row[2], row[3], Role(row[4]), row[5], row[6], row[7])


def _custom_role(row: tuple[str, ...]) -> CustomRole:
    added = frozenset(Permission(p) for p in row[4].split())
    return CustomRole(row[0], row[1], row[2], Role(row[3]), added)


_TOKEN_COLUMNS = "id, account_id, user_id, issued_at, expires_at, revoked_at"


def _user_token(row: tuple[str, ...]) -> UserToken:
    revoked = parse_iso_utc(row[5]) if row[5] else None
    return UserToken(row[0], row[1], row[2], parse_iso_utc(row[3]), parse_iso_utc(row[4]), revoked)


def _opt(value: str | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class _Child:
    """One child table of ``calls``: which of the record's items it holds, and how, row by row."""

    table: str
    insert: str
    items: Callable[[CallRecord], tuple[Any, ...]]
    row: Callable[[str, str, int, Any], tuple[object, ...]]

    def rows(self, call: CallRecord) -> list[tuple[object, ...]]:
        """The rows of the record's items, in order."""
        acc, cid = call.account_id, call.call_id
        return [self.row(acc, cid, i, item) for i, item in enumerate(self.items(call))]


_CHILDREN = (
    _Child(
        "call_sip_ids",
        "INSERT INTO call_sip_ids VALUES (?, ?, ?, ?)",
        lambda call: call.sip_call_ids,
        lambda acc, cid, i, sip_id: (acc, cid, i, sip_id),
    ),
    _Child(
        "call_offers",
        "INSERT INTO call_offers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        lambda call: call.offers,
        lambda acc, cid, i, o: (
            acc,
            cid,
            i,
            o.user_id,
            o.user_name,
            o.stage,
            o.via.kind.value,
            o.via.id,
            int(o.in_sync),
        ),
    ),
    _Child(
        "call_attempts",
        "INSERT INTO call_attempts VALUES (?, ?, ?, ?, ?, ?, ?)",
        lambda call: call.attempts,
        lambda acc, cid, i, a: (
            acc,
            cid,
            i,
            a.user_id,
            a.user_name,
            iso_utc(a.at),
            int(a.registered),
        ),
    ),
    _Child(
        "call_timeline",
        "INSERT INTO call_timeline VALUES (?, ?, ?, ?, ?, ?, ?)",
        lambda call: call.timeline,
        lambda acc, cid, i, e: (acc, cid, i, iso_utc(e.at), e.kind.value, e.user_id, e.text),
    ),
)


def _opt_time(value: datetime | None) -> str | None:
    return None if value is None else iso_utc(value)


_ACCOUNT = "account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE"
_CALL_CHILD = f"{_ACCOUNT}, call_id TEXT NOT NULL REFERENCES calls(call_id) ON DELETE CASCADE"

# Each entry migrates the schema one version up; append, never edit a released entry.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
        " token_sha256 TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)",
        f"CREATE TABLE users (id TEXT PRIMARY KEY, {_ACCOUNT}, name TEXT NOT NULL,"
        " email TEXT NOT NULL, role TEXT NOT NULL, sip_username TEXT NOT NULL UNIQUE,"
        " sip_password TEXT NOT NULL)",
        "CREATE INDEX users_account ON users (account_id)",
        f"CREATE TABLE teams (id TEXT PRIMARY KEY, {_ACCOUNT}, name TEXT NOT NULL)",
        "CREATE INDEX teams_account ON teams (account_id)",
        f"CREATE TABLE team_members ({_ACCOUNT},"
        " team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,"
        " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
        " position INTEGER NOT NULL, in_sync INTEGER NOT NULL, PRIMARY KEY (team_id, user_id))",
        "CREATE INDEX team_members_user ON team_members (user_id)",
        f"CREATE TABLE numbers (id TEXT PRIMARY KEY, {_ACCOUNT}, e164 TEXT NOT NULL UNIQUE,"
        " name TEXT NOT NULL)",
        "CREATE INDEX numbers_account ON numbers (account_id)",
        f"CREATE TABLE widgets ({_ACCOUNT},"
        " number_id TEXT NOT NULL REFERENCES numbers(id) ON DELETE CASCADE,"
        " idx INTEGER NOT NULL, ring_time_s INTEGER NOT NULL, strategy TEXT NOT NULL,"
        " PRIMARY KEY (number_id, idx))",
        f"CREATE TABLE widget_members ({_ACCOUNT}, number_id TEXT NOT NULL,"
        " idx INTEGER NOT NULL, position INTEGER NOT NULL, member_type TEXT NOT NULL,"
        " member_id TEXT NOT NULL, in_sync INTEGER NOT NULL,"
        " PRIMARY KEY (number_id, idx, position),"
        " FOREIGN KEY (number_id, idx) REFERENCES widgets (number_id, idx) ON DELETE CASCADE)",
        "CREATE INDEX widget_members_member ON widget_members (account_id, member_type, member_id)",
        # number_id is not a foreign key: the call log outlives a deleted number.
        f"CREATE TABLE calls (call_id TEXT PRIMARY KEY, {_ACCOUNT}, number_id TEXT NOT NULL,"
        " caller TEXT NOT NULL, called TEXT NOT NULL, state TEXT NOT NULL, status TEXT,"
        " started_at TEXT NOT NULL, answered_at TEXT, answered_by TEXT, ended_at TEXT,"
        " ended_by TEXT, end_reason TEXT)",
        "CREATE INDEX calls_account_number ON calls (account_id, number_id)",
        f"CREATE TABLE call_sip_ids ({_CALL_CHILD}, position INTEGER NOT NULL,"
        " sip_call_id TEXT NOT NULL, PRIMARY KEY (call_id, position))",
        f"CREATE TABLE call_offers ({_CALL_CHILD}, position INTEGER NOT NULL,"
        " user_id TEXT NOT NULL, user_name TEXT NOT NULL, stage INTEGER NOT NULL,"
        " via_kind TEXT NOT NULL, via_id TEXT NOT NULL, in_sync INTEGER NOT NULL,"
        " PRIMARY KEY (call_id, position))",
        f"CREATE TABLE call_attempts ({_CALL_CHILD}, position INTEGER NOT NULL,"
        " user_id TEXT NOT NULL, user_name TEXT NOT NULL, at TEXT NOT NULL,"
        " registered INTEGER NOT NULL, PRIMARY KEY (call_id, position))",
        f"CREATE TABLE call_timeline ({_CALL_CHILD}, position INTEGER NOT NULL,"
        " at TEXT NOT NULL, kind TEXT NOT NULL, user_id TEXT, text TEXT NOT NULL,"
        " PRIMARY KEY (call_id, position))",
    ),
    (
        # No foreign key: a clock may be set before its account exists in this file (tests,
        # tools); delete_account removes the row explicitly.
        "CREATE TABLE clock_settings (account_id TEXT PRIMARY KEY, offset_s REAL NOT NULL,"
        " frozen_at TEXT)",
    ),
    (
        # Custom roles: a built-in base role plus added permissions (space separated).
        f"CREATE TABLE custom_roles (id TEXT PRIMARY KEY, {_ACCOUNT}, name TEXT NOT NULL,"
        " base TEXT NOT NULL, permissions TEXT NOT NULL, UNIQUE (account_id, name))",
        "ALTER TABLE users ADD COLUMN custom_role_id TEXT REFERENCES custom_roles(id)",
        # Users' API tokens: only the digest is kept; expiry is on the account's clock.
        f"CREATE TABLE user_tokens (id TEXT PRIMARY KEY, {_ACCOUNT},"
        " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
        " token_sha256 TEXT NOT NULL UNIQUE, issued_at TEXT NOT NULL, expires_at TEXT NOT NULL,"
        " revoked_at TEXT)",
        "CREATE INDEX user_tokens_user ON user_tokens (user_id)",
    ),
    (
        # A user without a row is available (the default of the agent app's switch).
        f"CREATE TABLE user_availability ({_ACCOUNT},"
        " user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
        " availability TEXT NOT NULL)",
    ),
    (
        # Routing (business hours, queues, IVR menus, deflection, messages): validated as a
        # whole by domain/routing.py and replaced as a whole, so it is one JSON document.
        f"CREATE TABLE routing_config ({_ACCOUNT} PRIMARY KEY, document TEXT NOT NULL)",
        # Voicemails left after hours (CC-AH-18): the caller's message as 8 kHz 16-bit audio.
        # call_id is not a foreign key: a voicemail outlives its call's log entry.
        f"CREATE TABLE voicemails (id TEXT PRIMARY KEY, {_ACCOUNT}, call_id TEXT NOT NULL,"
        " caller TEXT NOT NULL, callback TEXT, queue_id TEXT, created_at TEXT NOT NULL,"
        " duration_s REAL NOT NULL, notified TEXT NOT NULL, crm_record INTEGER NOT NULL,"
        " audio BLOB NOT NULL)",
        "CREATE INDEX voicemails_account ON voicemails (account_id, created_at)",
    ),
    # End users, their numbers, phone validation and call requesters (store_end_users.py).
    END_USERS_MIGRATION,
    (
        # Consumers (SDK, chat, SMS): harness/reference/consumers/store.py reads and writes these.
        # Queue ids are not foreign keys: an override or a message outlives nothing it names.
        "CREATE TABLE sms_settings (account_id TEXT PRIMARY KEY REFERENCES accounts(id)"
        " ON DELETE CASCADE, gateway_url TEXT NOT NULL, number TEXT NOT NULL,"
        " webhook_secret TEXT NOT NULL)",
        f"CREATE TABLE sms_messages (id TEXT PRIMARY KEY, {_ACCOUNT}, direction TEXT NOT NULL,"
        " from_number TEXT NOT NULL, to_number TEXT NOT NULL, body TEXT NOT NULL,"
        " media_urls TEXT NOT NULL, status TEXT NOT NULL, at TEXT NOT NULL,"
        " detail TEXT NOT NULL, reason TEXT NOT NULL)",
        "CREATE INDEX sms_messages_account ON sms_messages (account_id, at)",
        "CREATE TABLE consumer_settings (account_id TEXT PRIMARY KEY REFERENCES accounts(id)"
        " ON DELETE CASCADE, settings TEXT NOT NULL)",
        f"CREATE TABLE queue_overrides ({_ACCOUNT}, queue_id TEXT NOT NULL,"
        " channel TEXT NOT NULL, settings TEXT NOT NULL,"
        " PRIMARY KEY (account_id, queue_id, channel))",
        f"CREATE TABLE consumer_sessions (id TEXT PRIMARY KEY, {_ACCOUNT},"
        " token_sha256 TEXT NOT NULL UNIQUE, channel TEXT NOT NULL, queue_id TEXT NOT NULL,"
        " app_version TEXT, device_type TEXT, language TEXT, created_at TEXT NOT NULL)",
        f"CREATE TABLE consumer_requests (id TEXT PRIMARY KEY, {_ACCOUNT},"
        " session_id TEXT NOT NULL REFERENCES consumer_sessions(id) ON DELETE CASCADE,"
        " queue_id TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL, at TEXT NOT NULL)",
    ),
    # Tickets, their calls, comments and recordings, Talk settings (store_tickets.py).
    TICKETS_MIGRATION,
    (
        # The account's plan and AI add-on; an account without a row is on the default plan.
        "CREATE TABLE account_plans (account_id TEXT PRIMARY KEY"
        " REFERENCES accounts(id) ON DELETE CASCADE,"
        " plan TEXT NOT NULL, ai_addon INTEGER NOT NULL)",
    ),
    # A ticket's top number and the ticket it was merged into (store_tickets.py).
    TOP_AND_MERGE_MIGRATION,
    # The agent app's settings: lines eligible for SMS, the CRM (store_agent_app.py).
    AGENT_APP_MIGRATION,
    # Consumers' identities, CRM records and reserved flags (consumers/identity_tables.py).
    CONSUMER_IDENTITY_MIGRATION,
    # Calling out: hotlines, blacklist, settings, attempts, signalling (store_call_out.py).
    CALL_OUT_MIGRATION,
    # Recordings kept in the CRM: the account's choice, each upload (store_crm_recordings.py).
    CRM_RECORDINGS_MIGRATION,
    # Agent notifications: whisper settings, calls' waits (store_notifications.py).
    NOTIFICATIONS_MIGRATION,
    # Smart actions: requests, answers and their media, chat attachments (smart_action_tables).
    SMART_ACTIONS_MIGRATION,
    # Chat notifications: the new-chat and new-message tones (store_chat_tones.py).
    CHAT_TONES_MIGRATION,
)
