"""SQLite tables of end users, their numbers, the account's phone validation and call requesters.

A part of :class:`harness.reference.store.Store` (which inherits it): the same connection and
transactions, the same rules (every row carries its ``account_id``, every query filters on it,
every write runs in a transaction and is committed before the API answers). Kept beside
store.py so that the end users' SQL stays in one place of its own.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from .clock import iso_utc, parse_iso_utc
from .domain.end_users import CallRequester, EndUser, Identified, Origin, Phone, PhoneKind

_log = logging.getLogger(__name__)
#: Following ``merged_into`` links stops after this many hops (a merge never makes a cycle:
#: a merged user cannot be merged again, nor merged into).
MAX_MERGE_HOPS = 64


class EndUserTables:
    """The store's methods for end users (mixed into :class:`~harness.reference.store.Store`)."""

    _db: sqlite3.Connection
    _group_open: bool  # a group of call saves waits for its commit (see store.py)
    _waiting_links: dict[str, tuple[str, CallRequester]]  # Call ID -> (account, link)

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[None]: ...

    # --- profiles -----------------------------------------------------------------------------

    def insert_end_user(self, user: EndUser) -> None:
        """Store a new profile with its numbers."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO end_users (id, account_id, name, origin, created_at, merged_into)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    user.id,
                    user.account_id,
                    user.name,
                    user.origin.value,
                    iso_utc(user.created_at),
                    user.merged_into,
                ),
            )
            self._write_phones(user)

    def save_end_users(self, users: Iterable[EndUser]) -> None:
        """Replace the stored numbers and merge link of each profile, all in one transaction."""
        with self.transaction():
            for user in users:
                self._db.execute(
                    "UPDATE end_users SET name = ?, merged_into = ?"
                    " WHERE account_id = ? AND id = ?",
                    (user.name, user.merged_into, user.account_id, user.id),
                )
                self._write_phones(user)

    def _write_phones(self, user: EndUser) -> None:
        self._db.execute(
            "DELETE FROM end_user_phones WHERE account_id = ? AND end_user_id = ?",
            (user.account_id, user.id),
        )
        self._db.executemany(
            "INSERT INTO end_user_phones (account_id, end_user_id, position, id, number, kind)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (user.account_id, user.id, i, p.id, p.number, p.kind.value)
                for i, p in enumerate(user.phones)
            ],
        )

    def get_end_user(self, account_id: str, user_id: str) -> EndUser | None:
        """The account's profile ``user_id`` (a merged one too)."""
        found = self._end_users(account_id, "id = ?", (user_id,))
        return found[0] if found else None

    def list_end_users(self, account_id: str) -> list[EndUser]:
        """The account's profiles that were not merged away, oldest first."""
        return self._end_users(account_id, "merged_into IS NULL", ())

    def end_users_holding(self, account_id: str, number: str) -> list[EndUser]:
        """The account's profiles (not merged away) that hold ``number``, oldest first."""
        return self._end_users(
            account_id,
            "merged_into IS NULL AND id IN (SELECT end_user_id FROM end_user_phones"
            " WHERE account_id = ? AND number = ?)",
            (account_id, number),
        )

    def merged_target(self, account_id: str, user_id: str) -> str:
        """The profile ``user_id`` stands for now: itself, or where merges took it."""
        current = user_id
        for _ in range(MAX_MERGE_HOPS):
            row = self._db.execute(
                "SELECT merged_into FROM end_users WHERE account_id = ? AND id = ?",
                (account_id, current),
            ).fetchone()
            if row is None or row[0] is None:
                return current
            current = str(row[0])
        return current

    def _end_users(self, account_id: str, where: str, params: Sequence[object]) -> list[EndUser]:
        rows = self._db.execute(
            "SELECT id, name, origin, created_at, merged_into FROM end_users"
            f" WHERE account_id = ? AND {where} ORDER BY rowid",
            (account_id, *params),
        ).fetchall()
        if not rows:
            return []
        ids = [row[0] for row in rows]
        phones: dict[str, list[Phone]] = {i: [] for i in ids}
        marks = ", ".join("?" for _ in ids)
        for owner, phone_id, number, kind in self._db.execute(
            "SELECT end_user_id, id, number, kind FROM end_user_phones"
            f" WHERE account_id = ? AND end_user_id IN ({marks}) ORDER BY end_user_id, position",
            (account_id, *ids),
        ):
            phones[owner].append(Phone(phone_id, number, PhoneKind(kind)))
        return [
            EndUser(
                uid,
                account_id,
                name,
                parse_iso_utc(created),
                Origin(origin),
                tuple(phones[uid]),
                merged,
            )
            for uid, name, origin, created, merged in rows
        ]

    # --- the account's phone validation --------------------------------------------------------

    def phone_validation(self, account_id: str) -> bool:
        """Whether the account accepts only E.164 numbers on profiles (off unless set)."""
        row = self._db.execute(
            "SELECT phone_validation FROM end_user_settings WHERE account_id = ?", (account_id,)
        ).fetchone()
        return bool(row[0]) if row else False

    def set_phone_validation(self, account_id: str, enabled: bool) -> None:
        """Switch the account's phone validation on or off."""
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO end_user_settings (account_id, phone_validation)"
                " VALUES (?, ?)",
                (account_id, int(enabled)),
            )

    # --- requesters of calls -------------------------------------------------------------------

    def link_call_requester(
        self,
        account_id: str,
        requester: CallRequester,
        *,
        created: EndUser | None = None,
        unlinked: Sequence[EndUser] = (),
    ) -> None:
        """Store who a call is from, with the profile its call created and the profiles that
        lost the number (ZT-ID-7).

        A link alone, while the call's arrival waits for the group commit, waits with it and
        is written in the same commit (a crash keeps both or neither, and a call's arrival
        costs no commit of its own); a link that changes profiles commits with them at once.
        """
        if created is None and not unlinked and self._group_open:
            self._waiting_links[requester.call_id] = (account_id, requester)
            return
        with self.transaction():
            if created is not None:
                self.insert_end_user(created)
            self.save_end_users(unlinked)
            self._insert_link(account_id, requester)

    def relink_call_requesters(self, account_id: str, links: Sequence[CallRequester]) -> None:
        """Replace stored requester links (an unknown caller matched to a profile, ZT-ID-10),
        all in one transaction (which first commits any link still waiting for the group)."""
        with self.transaction():
            for link in links:
                self._insert_link(account_id, link)

    def _insert_link(self, account_id: str, requester: CallRequester) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO call_requesters (account_id, call_id, requester_id,"
            " identified, end_user_id) VALUES (?, ?, ?, ?, ?)",
            (
                account_id,
                requester.call_id,
                requester.requester_id,
                requester.how.value,
                requester.end_user_id,
            ),
        )

    def _write_waiting_links(self) -> None:
        """Write the waiting links into the group's transaction (the store calls it), each in
        its own savepoint: a link that cannot be written is logged and forgotten alone."""
        waiting, self._waiting_links = self._waiting_links, {}
        for account_id, link in waiting.values():
            self._db.execute("SAVEPOINT link")
            try:
                self._insert_link(account_id, link)
            except sqlite3.Error as error:
                self._db.execute("ROLLBACK TO link")
                _log.error("the requester of call %s was not written: %s", link.call_id, error)
            finally:
                self._db.execute("RELEASE link")

    def call_requester(self, account_id: str, call_id: str) -> CallRequester | None:
        """Who the account's call ``call_id`` was linked to when it arrived."""
        waiting = self._waiting_links.get(call_id)
        if waiting is not None and waiting[0] == account_id:
            return waiting[1]
        row = self._db.execute(
            "SELECT call_id, requester_id, identified, end_user_id FROM call_requesters"
            " WHERE account_id = ? AND call_id = ?",
            (account_id, call_id),
        ).fetchone()
        if row is None:
            return None
        return CallRequester(row[0], row[1], Identified(row[2]), row[3])


_ACCOUNT = "account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE"

#: The one migration of these tables (appended to the store's list of migrations).
MIGRATION: tuple[str, ...] = (
    f"CREATE TABLE end_users (id TEXT PRIMARY KEY, {_ACCOUNT}, name TEXT NOT NULL,"
    " origin TEXT NOT NULL, created_at TEXT NOT NULL, merged_into TEXT)",
    "CREATE INDEX end_users_account ON end_users (account_id)",
    f"CREATE TABLE end_user_phones ({_ACCOUNT},"
    " end_user_id TEXT NOT NULL REFERENCES end_users(id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL, id TEXT NOT NULL, number TEXT NOT NULL, kind TEXT NOT NULL,"
    " PRIMARY KEY (end_user_id, number), UNIQUE (id))",
    "CREATE INDEX end_user_phones_number ON end_user_phones (account_id, number)",
    "CREATE TABLE end_user_settings (account_id TEXT PRIMARY KEY"
    " REFERENCES accounts(id) ON DELETE CASCADE, phone_validation INTEGER NOT NULL)",
    # call_id is not a foreign key: the link is written as the call arrives, in the same
    # transaction as the profile the call creates, whatever the call log's group commit does.
    f"CREATE TABLE call_requesters (call_id TEXT PRIMARY KEY, {_ACCOUNT},"
    " requester_id TEXT NOT NULL, identified TEXT NOT NULL, end_user_id TEXT)",
)
