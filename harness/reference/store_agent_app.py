"""SQLite tables of the agent app's account settings: which lines may text (the conversation's
SMS composer, AC-IN-11) and the CRM the insight card comes from (AC-IN-5).

A part of :class:`harness.reference.store.Store` (which inherits it): the same connection and
transactions, the same rules (every row carries its ``account_id``, every query filters on it,
every write runs in a transaction).
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

MIGRATION: tuple[str, ...] = (
    # The lines (numbers) whose conversations offer the SMS composer; absent: not eligible.
    "CREATE TABLE sms_lines (account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " number_id TEXT NOT NULL REFERENCES numbers(id) ON DELETE CASCADE,"
    " PRIMARY KEY (account_id, number_id))",
    # The CRM the app fetches the caller's insight card from; absent: no CRM configured.
    "CREATE TABLE crm_settings (account_id TEXT PRIMARY KEY"
    " REFERENCES accounts(id) ON DELETE CASCADE,"
    " url TEXT NOT NULL, timeout_s REAL NOT NULL)",
)


class AgentAppTables:
    """The store's methods for the agent app's settings (mixed into the store)."""

    _db: sqlite3.Connection

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[None]: ...

    def sms_eligible(self, account_id: str, number_id: str) -> bool:
        """Whether the line ``number_id`` offers the SMS composer."""
        row = self._db.execute(
            "SELECT 1 FROM sms_lines WHERE account_id = ? AND number_id = ?",
            (account_id, number_id),
        ).fetchone()
        return row is not None

    def set_sms_eligible(self, account_id: str, number_id: str, eligible: bool) -> None:
        """Make the line eligible for SMS, or not."""
        with self.transaction():
            if eligible:
                self._db.execute(
                    "INSERT OR IGNORE INTO sms_lines (account_id, number_id) VALUES (?, ?)",
                    (account_id, number_id),
                )
            else:
                self._db.execute(
                    "DELETE FROM sms_lines WHERE account_id = ? AND number_id = ?",
                    (account_id, number_id),
                )

    def crm_settings(self, account_id: str) -> tuple[str, float] | None:
        """The account's CRM URL and timeout, or None when none is configured."""
        row = self._db.execute(
            "SELECT url, timeout_s FROM crm_settings WHERE account_id = ?", (account_id,)
        ).fetchone()
        return (str(row[0]), float(row[1])) if row else None

    def set_crm_settings(self, account_id: str, url: str | None, timeout_s: float) -> None:
        """Configure the account's CRM (``url`` None: none)."""
        with self.transaction():
            if url is None:
                self._db.execute("DELETE FROM crm_settings WHERE account_id = ?", (account_id,))
            else:
                self._db.execute(
                    "INSERT OR REPLACE INTO crm_settings (account_id, url, timeout_s)"
                    " VALUES (?, ?, ?)",
                    (account_id, url, timeout_s),
                )
