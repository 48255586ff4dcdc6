"""The SQLite tables of smart actions (CC-SA), in the reference's file beside :mod:`..store`:
the same rules (every row carries its ``account_id``, every query filters on it, every write
runs in the store's transaction).

This module does not import the store (the store imports :data:`MIGRATION` from here).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.smart_actions import Media

if TYPE_CHECKING:
    from ..store import Store

_ACCOUNT = "account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE"
_SESSION = "session_id TEXT NOT NULL REFERENCES consumer_sessions(id) ON DELETE CASCADE"

MIGRATION: tuple[str, ...] = (
    # Whether the account offers redact (CC-SA-1: "when that option is enabled").
    "CREATE TABLE smart_action_settings (account_id TEXT PRIMARY KEY REFERENCES accounts(id)"
    " ON DELETE CASCADE, redact INTEGER NOT NULL)",
    # What an agent asked a consumer for, and the consumer's answer once given.
    f"CREATE TABLE smart_actions (id TEXT PRIMARY KEY, {_ACCOUNT}, {_SESSION},"
    " agent_id TEXT, kind TEXT NOT NULL, during TEXT NOT NULL, count INTEGER NOT NULL,"
    " status TEXT NOT NULL, result TEXT, detail TEXT NOT NULL, requested_at TEXT NOT NULL,"
    " answered_at TEXT, call_id TEXT)",
    # The media of an answer (photos, a screenshot, videos), in the order sent.
    f"CREATE TABLE smart_action_media ({_ACCOUNT}, action_id TEXT NOT NULL"
    " REFERENCES smart_actions(id) ON DELETE CASCADE, seq INTEGER NOT NULL,"
    " content_type TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (action_id, seq))",
    # Files a web-SDK chat's consumer attached with the paperclip (CC-SA-3).
    f"CREATE TABLE chat_attachments (id TEXT PRIMARY KEY, {_ACCOUNT}, {_SESSION},"
    " name TEXT NOT NULL, content_type TEXT NOT NULL, data BLOB NOT NULL, at TEXT NOT NULL)",
)

_COLUMNS = (
    "id, account_id, session_id, agent_id, kind, during, count, status, result, detail,"
    " requested_at, answered_at, call_id"
)


@dataclass(frozen=True)
class SmartAction:
    """One smart action as stored: ``status`` is requested, answered or ended."""

    id: str
    account_id: str
    session_id: str
    agent_id: str | None
    kind: str
    during: str
    count: int
    status: str
    result: str | None
    detail: dict[str, Any]
    requested_at: str
    answered_at: str | None
    call_id: str | None


@dataclass(frozen=True)
class Attachment:
    """One file a web-SDK chat's consumer attached."""

    id: str
    session_id: str
    name: str
    content_type: str
    data: bytes
    at: str


def _action(row: Any) -> SmartAction:
    values = list(row)
    values[9] = json.loads(values[9])
    return SmartAction(*values)


class SmartActionTables:
    """Typed access to the smart-action tables."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def redact_enabled(self, account_id: str) -> bool:
        row = self._store.execute(
            "SELECT redact FROM smart_action_settings WHERE account_id = ?", (account_id,)
        ).fetchone()
        return bool(row and row[0])

    def set_redact(self, account_id: str, enabled: bool) -> None:
        with self._store.transaction():
            self._store.execute(
                "INSERT INTO smart_action_settings (account_id, redact) VALUES (?, ?)"
                " ON CONFLICT (account_id) DO UPDATE SET redact = excluded.redact",
                (account_id, int(enabled)),
            )

    def session_channel(self, account_id: str, session_id: str) -> str | None:
        """The channel (web or mobile) of the account's session, None if there is none."""
        row = self._store.execute(
            "SELECT channel FROM consumer_sessions WHERE account_id = ? AND id = ?",
            (account_id, session_id),
        ).fetchone()
        return None if row is None else str(row[0])

    def insert(self, action: SmartAction) -> None:
        with self._store.transaction():
            self._store.execute(
                f"INSERT INTO smart_actions ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    action.id,
                    action.account_id,
                    action.session_id,
                    action.agent_id,
                    action.kind,
                    action.during,
                    action.count,
                    action.status,
                    action.result,
                    json.dumps(action.detail),
                    action.requested_at,
                    action.answered_at,
                    action.call_id,
                ),
            )

    def get(self, account_id: str, action_id: str) -> SmartAction | None:
        row = self._store.execute(
            f"SELECT {_COLUMNS} FROM smart_actions WHERE account_id = ? AND id = ?",
            (account_id, action_id),
        ).fetchone()
        return None if row is None else _action(row)

    def of_session(self, account_id: str, session_id: str) -> list[SmartAction]:
        rows = self._store.execute(
            f"SELECT {_COLUMNS} FROM smart_actions WHERE account_id = ? AND session_id = ?"
            " ORDER BY requested_at, rowid",
            (account_id, session_id),
        )
        return [_action(row) for row in rows]

    def answer(
        self,
        action: SmartAction,
        status: str,
        result: str | None,
        detail: dict[str, Any],
        at: str,
        media: tuple[Media, ...] = (),
    ) -> None:
        """Store the answer (or the end) of ``action`` with its media, in one transaction."""
        with self._store.transaction():
            self._store.execute(
                "UPDATE smart_actions SET status = ?, result = ?, detail = ?, answered_at = ?"
                " WHERE account_id = ? AND id = ?",
                (status, result, json.dumps(detail), at, action.account_id, action.id),
            )
            for seq, item in enumerate(media):
                self._store.execute(
                    "INSERT INTO smart_action_media (account_id, action_id, seq, content_type,"
                    " data) VALUES (?, ?, ?, ?, ?)",
                    (action.account_id, action.id, seq, item.content_type, item.data),
                )

    def media(self, account_id: str, action_id: str) -> list[Media]:
        rows = self._store.execute(
            "SELECT content_type, data FROM smart_action_media WHERE account_id = ?"
            " AND action_id = ? ORDER BY seq",
            (account_id, action_id),
        )
        return [Media(str(t), bytes(d)) for t, d in rows]

    def insert_attachment(self, account_id: str, attachment: Attachment) -> None:
        with self._store.transaction():
            self._store.execute(
                "INSERT INTO chat_attachments (id, account_id, session_id, name, content_type,"
                " data, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    attachment.id,
                    account_id,
                    attachment.session_id,
                    attachment.name,
                    attachment.content_type,
                    attachment.data,
                    attachment.at,
                ),
            )

    def attachments(self, account_id: str, session_id: str) -> list[Attachment]:
        rows = self._store.execute(
            "SELECT id, session_id, name, content_type, data, at FROM chat_attachments"
            " WHERE account_id = ? AND session_id = ? ORDER BY at, rowid",
            (account_id, session_id),
        )
        return [Attachment(i, s, n, t, bytes(d), a) for i, s, n, t, d, a in rows]
