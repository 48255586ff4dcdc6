"""SQLite tables of agent notifications (CC-NTF): the account's whisper settings and, per call,
how long the customer waited and how much of it the whisper and the countdown took.

Works on the store's connection and transactions (:class:`NotificationTables` wraps a
:class:`~harness.reference.store.Store`), with the store's rules: every row carries its
``account_id``, every query filters on it, every write runs in a transaction.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .domain.notifications import QueueWhisper, WhisperSettings
from .domain.tones import RingTone

if TYPE_CHECKING:
    from .store import Store

_ACCOUNT = "account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE"

#: The one schema step of agent notifications (appended to the store's migrations).
MIGRATION: tuple[str, ...] = (
    "CREATE TABLE whisper_settings (account_id TEXT PRIMARY KEY REFERENCES accounts(id)"
    " ON DELETE CASCADE, settings TEXT NOT NULL)",
    # When the customer was put through to the agent, and the prompts the agent heard first.
    f"CREATE TABLE call_waits (call_id TEXT PRIMARY KEY, {_ACCOUNT},"
    " connected_at TEXT NOT NULL, whisper_s REAL NOT NULL, countdown_s REAL NOT NULL)",
    # A user's SMS notification of the calls offered to her, and her profile's phone number.
    f"CREATE TABLE agent_sms_notifications ({_ACCOUNT}, user_id TEXT NOT NULL,"
    " sms INTEGER NOT NULL, phone TEXT, PRIMARY KEY (account_id, user_id))",
    # A queue's own whisper: its settings, and its uploaded audio (8 kHz int16) if any.
    f"CREATE TABLE queue_whispers ({_ACCOUNT}, queue_id TEXT NOT NULL, settings TEXT NOT NULL,"
    " audio BLOB, PRIMARY KEY (account_id, queue_id))",
    # The account's uploaded tones (MP3 files) and the incoming-call tone its agents hear.
    f"CREATE TABLE tones ({_ACCOUNT}, id TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL,"
    " PRIMARY KEY (account_id, id))",
    "CREATE TABLE ring_tones (account_id TEXT PRIMARY KEY REFERENCES accounts(id)"
    " ON DELETE CASCADE, tone TEXT NOT NULL, repeat_s INTEGER)",
)


@dataclass(frozen=True)
class CallWait:
    """When the customer of ``call_id`` was put through, after a whisper and a countdown."""

    call_id: str
    connected_at: str
    whisper_s: float
    countdown_s: float


class NotificationTables:
    """Reads and writes of the notification tables, on ``store``'s connection."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def _db(self) -> sqlite3.Connection:
        return self._store._db

    def whisper(self, account_id: str) -> WhisperSettings:
        """The account's whisper settings (off until an administrator turns it on)."""
        row = self._db.execute(
            "SELECT settings FROM whisper_settings WHERE account_id = ?", (account_id,)
        ).fetchone()
        if row is None:
            return WhisperSettings()
        data = json.loads(row[0])
        return WhisperSettings(bool(data["on"]), int(data["speed_wpm"]), bool(data["countdown"]))

    def save_whisper(self, account_id: str, settings: WhisperSettings) -> None:
        """Store the account's whisper settings, replacing the earlier ones."""
        with self._store.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO whisper_settings (account_id, settings) VALUES (?, ?)",
                (account_id, json.dumps(settings.to_json())),
            )

    def agent_sms(self, account_id: str, user_id: str) -> tuple[bool, str | None]:
        """Whether ``user_id`` is told of offered calls by SMS, and her profile's number."""
        row = self._db.execute(
            "SELECT sms, phone FROM agent_sms_notifications WHERE account_id = ? AND user_id = ?",
            (account_id, user_id),
        ).fetchone()
        return (False, None) if row is None else (bool(row[0]), row[1])

    def save_agent_sms(self, account_id: str, user_id: str, sms: bool, phone: str | None) -> None:
        """Store ``user_id``'s SMS notification setting and profile number."""
        with self._store.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO agent_sms_notifications (account_id, user_id, sms, phone)"
                " VALUES (?, ?, ?, ?)",
                (account_id, user_id, int(sms), phone),
            )

    def queue_whisper(self, account_id: str, queue_id: str) -> tuple[QueueWhisper, bytes] | None:
        """The queue's own whisper and its uploaded audio (empty without), if it has one."""
        row = self._db.execute(
            "SELECT settings, audio FROM queue_whispers WHERE account_id = ? AND queue_id = ?",
            (account_id, queue_id),
        ).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        audio = bytes(row[1] or b"")
        whisper = QueueWhisper(
            data["message"], data["text"], data["speed_wpm"], data["countdown"], bool(audio)
        )
        return whisper, audio

    def save_queue_whisper(
        self, account_id: str, queue_id: str, whisper: QueueWhisper, audio: bytes
    ) -> None:
        """Store the queue's whisper (and its audio: empty for none), replacing the former."""
        with self._store.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO queue_whispers (account_id, queue_id, settings, audio)"
                " VALUES (?, ?, ?, ?)",
                (account_id, queue_id, json.dumps(whisper.to_json()), audio or None),
            )

    def save_wait(self, account_id: str, wait: CallWait) -> None:
        """Keep when the call's customer was put through (once: the first connection counts)."""
        with self._store.transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO call_waits (call_id, account_id, connected_at,"
                " whisper_s, countdown_s) VALUES (?, ?, ?, ?, ?)",
                (wait.call_id, account_id, wait.connected_at, wait.whisper_s, wait.countdown_s),
            )

    def wait(self, account_id: str, call_id: str) -> CallWait | None:
        """The call's connection, if its customer was put through to an agent."""
        row = self._db.execute(
            "SELECT connected_at, whisper_s, countdown_s FROM call_waits"
            " WHERE account_id = ? AND call_id = ?",
            (account_id, call_id),
        ).fetchone()
        if row is None:
            return None
        return CallWait(call_id, str(row[0]), float(row[1]), float(row[2]))

    # --- tones ------------------------------------------------------------------------------

    def tones(self, account_id: str) -> list[tuple[str, str]]:
        """The account's uploaded tones, (id, name), oldest first."""
        rows = self._db.execute(
            "SELECT id, name FROM tones WHERE account_id = ? ORDER BY rowid", (account_id,)
        ).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    def tone_data(self, account_id: str, tone_id: str) -> bytes | None:
        """An uploaded tone's file, if the account has that tone."""
        row = self._db.execute(
            "SELECT data FROM tones WHERE account_id = ? AND id = ?", (account_id, tone_id)
        ).fetchone()
        return None if row is None else bytes(row[0])

    def save_tone(self, account_id: str, tone_id: str, name: str, data: bytes) -> None:
        """Add an uploaded tone, or replace its file (its name and id stay)."""
        with self._store.transaction():
            updated = self._db.execute(
                "UPDATE tones SET data = ? WHERE account_id = ? AND id = ?",
                (data, account_id, tone_id),
            ).rowcount
            if not updated:
                self._db.execute(
                    "INSERT INTO tones (account_id, id, name, data) VALUES (?, ?, ?, ?)",
                    (account_id, tone_id, name, data),
                )

    def delete_tone(self, account_id: str, tone_id: str) -> bool:
        """Delete an uploaded tone; whether there was one."""
        with self._store.transaction():
            return bool(
                self._db.execute(
                    "DELETE FROM tones WHERE account_id = ? AND id = ?", (account_id, tone_id)
                ).rowcount
            )

    def ring_tone(self, account_id: str) -> RingTone:
        """The incoming-call tone the account's agents hear (the default until chosen)."""
        row = self._db.execute(
            "SELECT tone, repeat_s FROM ring_tones WHERE account_id = ?", (account_id,)
        ).fetchone()
        return RingTone() if row is None else RingTone(str(row[0]), row[1])

    def save_ring_tone(self, account_id: str, ring: RingTone) -> None:
        """Store the account's incoming-call tone."""
        with self._store.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO ring_tones (account_id, tone, repeat_s) VALUES (?, ?, ?)",
                (account_id, ring.tone, ring.repeat_s),
            )
