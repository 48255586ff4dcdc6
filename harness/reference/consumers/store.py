"""The consumer side's tables in the reference's SQLite file (beside :mod:`..store`).

Every write runs in the store's transaction; every query filters on the account, except the
lookups the outside world routes on (a session token's digest), which say so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..domain.sms import Delivery, Direction, SmsMessage, SmsSettings
from ..store import Store


@dataclass(frozen=True)
class ConsumerSession:
    """One consumer's SDK session: which channel, which queue, what the app told about itself."""

    id: str
    account_id: str
    channel: str
    queue_id: str
    app_version: str | None
    device_type: str | None
    created_at: str
    language: str | None = None  # the language the consumer chose, for its hours


@dataclass(frozen=True)
class ConsumerRequest:
    """Something a consumer asked for after hours: a scheduled call, a voicemail."""

    id: str
    account_id: str
    session_id: str
    queue_id: str
    kind: str
    detail: dict[str, Any]
    at: str


class ConsumerStore:
    """Typed access to the consumer tables; domain objects in, domain objects out."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # --- SMS ------------------------------------------------------------------------------

    def sms_settings(self, account_id: str) -> SmsSettings | None:
        """The account's SMS gateway settings, if set."""
        row = self._store.execute(
            "SELECT gateway_url, number, webhook_secret FROM sms_settings WHERE account_id = ?",
            (account_id,),
        ).fetchone()
        return SmsSettings(row[0], row[1], row[2]) if row else None

    def save_sms_settings(self, account_id: str, settings: SmsSettings) -> None:
        """Replace the account's SMS gateway settings."""
        with self._store.transaction():
            self._store.execute(
                "INSERT OR REPLACE INTO sms_settings (account_id, gateway_url, number,"
                " webhook_secret) VALUES (?, ?, ?, ?)",
                (account_id, settings.gateway_url, settings.number, settings.webhook_secret),
            )

    def insert_sms(self, message: SmsMessage) -> None:
        """Store one message in or out."""
        with self._store.transaction():
            self._store.execute(
                "INSERT INTO sms_messages (id, account_id, direction, from_number, to_number,"
                " body, media_urls, status, at, detail, reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    message.id,
                    message.account_id,
                    message.direction.value,
                    message.from_number,
                    message.to_number,
                    message.body,
                    json.dumps(list(message.media_urls)),
                    message.status.value,
                    message.at,
                    message.detail,
                    message.reason,
                ),
            )

    def sms_messages(self, account_id: str) -> list[SmsMessage]:
        """The account's messages, oldest first."""
        rows = self._store.execute(
            "SELECT id, account_id, direction, from_number, to_number, body, media_urls,"
            " status, at, detail, reason FROM sms_messages WHERE account_id = ?"
            " ORDER BY at, rowid",
            (account_id,),
        ).fetchall()
        return [
            SmsMessage(
                r[0],
                r[1],
                Direction(r[2]),
                r[3],
                r[4],
                r[5],
                tuple(json.loads(r[6])),
                Delivery(r[7]),
                r[8],
                r[9],
                r[10],
            )
            for r in rows
        ]

    # --- settings and overrides -------------------------------------------------------------

    def consumer_settings(self, account_id: str) -> dict[str, Any] | None:
        """The account's consumer settings as stored (a JSON object), if ever set."""
        row = self._store.execute(
            "SELECT settings FROM consumer_settings WHERE account_id = ?", (account_id,)
        ).fetchone()
        return dict(json.loads(row[0])) if row else None

    def save_consumer_settings(self, account_id: str, settings: dict[str, Any]) -> None:
        """Replace the account's consumer settings."""
        with self._store.transaction():
            self._store.execute(
                "INSERT OR REPLACE INTO consumer_settings (account_id, settings) VALUES (?, ?)",
                (account_id, json.dumps(settings, sort_keys=True)),
            )

    def queue_override(self, account_id: str, queue_id: str, channel: str) -> dict[str, Any] | None:
        """The after-hours override of ``queue_id`` for ``channel``, if any."""
        row = self._store.execute(
            "SELECT settings FROM queue_overrides"
            " WHERE account_id = ? AND queue_id = ? AND channel = ?",
            (account_id, queue_id, channel),
        ).fetchone()
        return dict(json.loads(row[0])) if row else None

    def queue_overrides(self, account_id: str) -> list[tuple[str, str, dict[str, Any]]]:
        """Every override of the account: (queue id, channel, settings), in a stable order."""
        rows = self._store.execute(
            "SELECT queue_id, channel, settings FROM queue_overrides WHERE account_id = ?"
            " ORDER BY queue_id, channel",
            (account_id,),
        ).fetchall()
        return [(r[0], r[1], dict(json.loads(r[2]))) for r in rows]

    def save_queue_override(
        self, account_id: str, queue_id: str, channel: str, settings: dict[str, Any] | None
    ) -> None:
        """Replace (or, with None, remove) the override of ``queue_id`` for ``channel``."""
        with self._store.transaction():
            self._store.execute(
                "DELETE FROM queue_overrides WHERE account_id = ? AND queue_id = ? AND channel = ?",
                (account_id, queue_id, channel),
            )
            if settings is not None:
                self._store.execute(
                    "INSERT INTO queue_overrides (account_id, queue_id, channel, settings)"
                    " VALUES (?, ?, ?, ?)",
                    (account_id, queue_id, channel, json.dumps(settings, sort_keys=True)),
                )

    # --- sessions and requests --------------------------------------------------------------

    def insert_session(self, session: ConsumerSession, token_sha256: str) -> None:
        """Store a new session; only its token's digest is kept."""
        with self._store.transaction():
            self._store.execute(
                "INSERT INTO consumer_sessions (id, account_id, token_sha256, channel, queue_id,"
                " app_version, device_type, created_at, language)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session.id,
                    session.account_id,
                    token_sha256,
                    session.channel,
                    session.queue_id,
                    session.app_version,
                    session.device_type,
                    session.created_at,
                    session.language,
                ),
            )

    def session_by_token_digest(self, token_sha256: str) -> ConsumerSession | None:
        """Cross-tenant lookup: the session whose token has this digest."""
        row = self._store.execute(
            "SELECT id, account_id, channel, queue_id, app_version, device_type, created_at,"
            " language FROM consumer_sessions WHERE token_sha256 = ?",
            (token_sha256,),
        ).fetchone()
        return ConsumerSession(*row) if row else None

    def insert_request(self, request: ConsumerRequest) -> None:
        """Store a consumer's after-hours request."""
        with self._store.transaction():
            self._store.execute(
                "INSERT INTO consumer_requests (id, account_id, session_id, queue_id, kind,"
                " detail, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    request.id,
                    request.account_id,
                    request.session_id,
                    request.queue_id,
                    request.kind,
                    json.dumps(request.detail, sort_keys=True),
                    request.at,
                ),
            )

    def requests(self, account_id: str) -> list[ConsumerRequest]:
        """The account's consumer requests, oldest first."""
        rows = self._store.execute(
            "SELECT id, account_id, session_id, queue_id, kind, detail, at"
            " FROM consumer_requests WHERE account_id = ? ORDER BY at, rowid",
            (account_id,),
        ).fetchall()
        return [ConsumerRequest(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6]) for r in rows]
