"""SQLite tables of calling out (SG-ERR): hotlines' call-out configuration, the blacklist, the
account's call-out settings, failed attempts and the signalling of outbound calls.

Works on the store's connection and transactions (:class:`CallOutTables` wraps a
:class:`~harness.reference.store.Store`), with the store's rules: every row carries its
``account_id``, every query filters on it, every write runs in a transaction.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .domain.call_out import CallOutSettings, Hotline

if TYPE_CHECKING:
    from .store import Store

_ACCOUNT = "account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE"

#: The one schema step of calling out (appended to the store's migrations).
MIGRATION: tuple[str, ...] = (
    # A number's call-out configuration; a number without a row allows everyone. The row
    # outlives the number (no foreign key): a deleted hotline is still known as deleted.
    f"CREATE TABLE call_out_hotlines ({_ACCOUNT}, number_id TEXT NOT NULL,"
    " allow_call_out INTEGER NOT NULL, all_groups INTEGER NOT NULL, groups TEXT NOT NULL,"
    " deleted_at TEXT, PRIMARY KEY (account_id, number_id))",
    f"CREATE TABLE call_out_blacklist ({_ACCOUNT}, number TEXT NOT NULL,"
    " PRIMARY KEY (account_id, number))",
    "CREATE TABLE call_out_settings (account_id TEXT PRIMARY KEY REFERENCES accounts(id)"
    " ON DELETE CASCADE, settings TEXT NOT NULL)",
    # Outbound attempts, failed or placed, by Call ID: what support looks up (SG-ERR-10, 11).
    f"CREATE TABLE call_out_attempts (call_id TEXT PRIMARY KEY, {_ACCOUNT},"
    " agent_id TEXT NOT NULL, number_id TEXT NOT NULL, to_number TEXT NOT NULL,"
    " mode TEXT NOT NULL, code TEXT, message TEXT NOT NULL, at TEXT NOT NULL)",
    # The SIP messages an outbound call's legs exchanged (SG-ERR-12), served as a pcap.
    f"CREATE TABLE call_signalling ({_ACCOUNT}, call_id TEXT NOT NULL, seq INTEGER NOT NULL,"
    " at REAL NOT NULL, src_host TEXT NOT NULL, src_port INTEGER NOT NULL,"
    " dst_host TEXT NOT NULL, dst_port INTEGER NOT NULL, data BLOB NOT NULL,"
    " PRIMARY KEY (account_id, call_id, seq))",
)


@dataclass(frozen=True)
class Attempt:
    """One outbound attempt: ``code`` None when the call was placed."""

    call_id: str
    account_id: str
    agent_id: str
    number_id: str
    to: str
    mode: str
    code: str | None
    message: str
    at: str

    def to_json(self) -> dict[str, str | None]:
        """The attempt as the API shows it."""
        return {
            "call_id": self.call_id,
            "agent_id": self.agent_id,
            "number_id": self.number_id,
            "to": self.to,
            "mode": self.mode,
            "status": "placed" if self.code is None else "failed",
            "code": self.code,
            "message": self.message,
            "at": self.at,
        }


@dataclass(frozen=True)
class SignallingMessage:
    """One SIP datagram of a call: when (epoch seconds), between which addresses, its bytes."""

    at: float
    source: tuple[str, int]
    destination: tuple[str, int]
    data: bytes


class CallOutTables:
    """Reads and writes of the call-out tables, on ``store``'s connection."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def _db(self) -> sqlite3.Connection:
        return self._store._db

    def hotline(self, account_id: str, number_id: str) -> Hotline | None:
        """The stored configuration of ``number_id``, if it has one."""
        row = self._db.execute(
            "SELECT allow_call_out, all_groups, groups, deleted_at FROM call_out_hotlines"
            " WHERE account_id = ? AND number_id = ?",
            (account_id, number_id),
        ).fetchone()
        if row is None:
            return None
        return Hotline(
            number_id,
            bool(row[0]),
            bool(row[1]),
            tuple(json.loads(row[2])),
            deleted=row[3] is not None,
        )

    def save_hotline(self, account_id: str, hotline: Hotline, deleted_at: str | None) -> None:
        """Store ``hotline``'s configuration (``deleted_at``: when it was deleted)."""
        with self._store.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO call_out_hotlines (account_id, number_id,"
                " allow_call_out, all_groups, groups, deleted_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    account_id,
                    hotline.number_id,
                    int(hotline.allow_call_out),
                    int(hotline.all_groups),
                    json.dumps(list(hotline.groups)),
                    deleted_at,
                ),
            )

    def blacklist(self, account_id: str) -> list[str]:
        """The account's blocked customer numbers, sorted."""
        rows = self._db.execute(
            "SELECT number FROM call_out_blacklist WHERE account_id = ? ORDER BY number",
            (account_id,),
        )
        return [str(r[0]) for r in rows]

    def set_blocked(self, account_id: str, number: str, blocked: bool) -> bool:
        """Block or unblock ``number``; whether anything changed."""
        with self._store.transaction():
            if blocked:
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO call_out_blacklist (account_id, number) VALUES (?, ?)",
                    (account_id, number),
                )
            else:
                cursor = self._db.execute(
                    "DELETE FROM call_out_blacklist WHERE account_id = ? AND number = ?",
                    (account_id, number),
                )
            return bool(cursor.rowcount)

    def settings(self, account_id: str) -> CallOutSettings:
        """The account's call-out settings (defaults when never changed)."""
        row = self._db.execute(
            "SELECT settings FROM call_out_settings WHERE account_id = ?", (account_id,)
        ).fetchone()
        if row is None:
            return CallOutSettings()
        return CallOutSettings(**json.loads(row[0]))

    def save_settings(self, account_id: str, settings: CallOutSettings) -> None:
        """Store the account's call-out settings."""
        with self._store.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO call_out_settings (account_id, settings) VALUES (?, ?)",
                (account_id, json.dumps(settings.to_json())),
            )

    def insert_attempt(self, attempt: Attempt) -> None:
        """Log an outbound attempt."""
        with self._store.transaction():
            self._db.execute(
                "INSERT INTO call_out_attempts (call_id, account_id, agent_id, number_id,"
                " to_number, mode, code, message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    attempt.call_id,
                    attempt.account_id,
                    attempt.agent_id,
                    attempt.number_id,
                    attempt.to,
                    attempt.mode,
                    attempt.code,
                    attempt.message,
                    attempt.at,
                ),
            )

    def attempt(self, account_id: str, call_id: str) -> Attempt | None:
        """The account's attempt with ``call_id``."""
        row = self._db.execute(
            "SELECT call_id, account_id, agent_id, number_id, to_number, mode, code, message, at"
            " FROM call_out_attempts WHERE account_id = ? AND call_id = ?",
            (account_id, call_id),
        ).fetchone()
        return Attempt(*row) if row is not None else None

    def call_id_taken(self, call_id: str) -> bool:
        """Whether any account has an attempt with ``call_id``."""
        row = self._db.execute("SELECT 1 FROM call_out_attempts WHERE call_id = ?", (call_id,))
        return row.fetchone() is not None

    def save_signalling(
        self, account_id: str, call_id: str, messages: list[SignallingMessage]
    ) -> None:
        """Keep the SIP messages of ``call_id`` (replacing any kept before)."""
        with self._store.transaction():
            self._db.execute(
                "DELETE FROM call_signalling WHERE account_id = ? AND call_id = ?",
                (account_id, call_id),
            )
            self._db.executemany(
                "INSERT INTO call_signalling (account_id, call_id, seq, at, src_host, src_port,"
                " dst_host, dst_port, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (account_id, call_id, i, m.at, *m.source, *m.destination, m.data)
                    for i, m in enumerate(messages)
                ],
            )

    def signalling(self, account_id: str, call_id: str) -> list[SignallingMessage]:
        """The kept SIP messages of ``call_id``, in the order they were seen."""
        rows = self._db.execute(
            "SELECT at, src_host, src_port, dst_host, dst_port, data FROM call_signalling"
            " WHERE account_id = ? AND call_id = ? ORDER BY seq",
            (account_id, call_id),
        )
        return [
            SignallingMessage(float(r[0]), (str(r[1]), int(r[2])), (str(r[3]), int(r[4])), r[5])
            for r in rows
        ]
