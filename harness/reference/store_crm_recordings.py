"""SQLite tables of recordings kept in the CRM (CC-REC): the account's choice, and each
recording's way to the CRM.

Works on the store's connection and transactions (:class:`CrmRecordingTables` wraps a
:class:`~harness.reference.store.Store`), with the store's rules: every row carries its
``account_id``, every query filters on it (the sweep over all accounts excepted, which
reads each row's own account), every write runs in a transaction.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING

from .clock import iso_utc, parse_iso_utc
from .domain.crm_recordings import Upload, UploadState

if TYPE_CHECKING:
    from .store import Store

_ACCOUNT = "account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE"

#: The one schema step of CRM recording storage (appended to the store's migrations).
MIGRATION: tuple[str, ...] = (
    # The account keeps its recordings in its CRM from ``since`` on, cut in parts of
    # ``part_bytes``; an account without a row keeps them in its tickets only.
    "CREATE TABLE crm_recording_settings (account_id TEXT PRIMARY KEY"
    " REFERENCES accounts(id) ON DELETE CASCADE,"
    " since TEXT NOT NULL, part_bytes INTEGER NOT NULL)",
    # One row per recording on its way to the CRM; it stays once the recording left the
    # origin, so the ticket can still say where its recording went (or that it expired).
    f"CREATE TABLE crm_recording_uploads (recording_id TEXT PRIMARY KEY, {_ACCOUNT},"
    " ticket_id TEXT NOT NULL, call_id TEXT NOT NULL, created_at TEXT NOT NULL,"
    " size INTEGER NOT NULL, sha256 TEXT NOT NULL, part_bytes INTEGER NOT NULL,"
    " state TEXT NOT NULL, crm_ticket_id TEXT NOT NULL, parts_sent TEXT NOT NULL,"
    " failures INTEGER NOT NULL, next_try_at TEXT, last_try_at TEXT, note TEXT NOT NULL)",
    "CREATE INDEX crm_recording_uploads_state ON crm_recording_uploads (state)",
    # CC-REC-5: a retained recording is reachable only with MFA and an authenticated CRM key.
    # A user's MFA secret; the bearer tokens (by SHA-256) that passed MFA; the CRM's keys.
    f"CREATE TABLE user_mfa ({_ACCOUNT}, user_id TEXT NOT NULL, secret BLOB NOT NULL,"
    " PRIMARY KEY (account_id, user_id))",
    f"CREATE TABLE mfa_tokens (token_sha256 TEXT PRIMARY KEY, {_ACCOUNT},"
    " user_id TEXT NOT NULL, verified_at TEXT NOT NULL)",
    f"CREATE TABLE crm_keys (id TEXT PRIMARY KEY, {_ACCOUNT},"
    " key_sha256 TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)",
)

_COLUMNS = (
    "recording_id, account_id, ticket_id, call_id, created_at, size, sha256, part_bytes,"
    " state, crm_ticket_id, parts_sent, failures, next_try_at, last_try_at, note"
)


class CrmRecordingTables:
    """Reads and writes of the CRM recording tables, on ``store``'s connection."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def _db(self) -> sqlite3.Connection:
        return self._store._db

    def settings(self, account_id: str) -> tuple[datetime, int] | None:
        """Since when and in which part size the account keeps recordings in its CRM."""
        row = self._db.execute(
            "SELECT since, part_bytes FROM crm_recording_settings WHERE account_id = ?",
            (account_id,),
        ).fetchone()
        return (parse_iso_utc(str(row[0])), int(row[1])) if row else None

    def save_settings(self, account_id: str, since: datetime | None, part_bytes: int) -> None:
        """Keep recordings in the CRM (``since`` None: no longer)."""
        with self._store.transaction():
            if since is None:
                self._db.execute(
                    "DELETE FROM crm_recording_settings WHERE account_id = ?", (account_id,)
                )
                return
            self._db.execute(
                "INSERT OR REPLACE INTO crm_recording_settings (account_id, since, part_bytes)"
                " VALUES (?, ?, ?)",
                (account_id, iso_utc(since), part_bytes),
            )

    def new_recordings(self) -> list[tuple[str, str, str, str, str, str, int]]:
        """Live recordings of accounts that keep them in the CRM, made since they chose so,
        that have no upload yet: (id, account, ticket, call, file, created_at, part_bytes)."""
        rows = self._db.execute(
            "SELECT r.id, r.account_id, r.ticket_id, r.call_id, r.file, r.created_at,"
            " s.part_bytes FROM ticket_recordings r JOIN crm_recording_settings s"
            " ON s.account_id = r.account_id WHERE r.deleted_at IS NULL"
            " AND r.created_at >= s.since AND NOT EXISTS (SELECT 1 FROM crm_recording_uploads u"
            " WHERE u.recording_id = r.id) ORDER BY r.created_at"
        ).fetchall()
        return [(*(str(v) for v in row[:6]), int(row[6])) for row in rows]  # type: ignore[misc]

    def pending(self) -> list[Upload]:
        """Every upload still on the origin, oldest recording first."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM crm_recording_uploads WHERE state = ? ORDER BY created_at",
            (UploadState.PENDING.value,),
        ).fetchall()
        return [_upload(row) for row in rows]

    def of_ticket(self, account_id: str, ticket_id: str) -> list[Upload]:
        """The uploads of the ticket's recordings, oldest first."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM crm_recording_uploads WHERE account_id = ? AND ticket_id = ?"
            " ORDER BY created_at",
            (account_id, ticket_id),
        ).fetchall()
        return [_upload(row) for row in rows]

    def get(self, account_id: str, recording_id: str) -> Upload | None:
        """The upload of the account's recording ``recording_id``."""
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM crm_recording_uploads"
            " WHERE account_id = ? AND recording_id = ?",
            (account_id, recording_id),
        ).fetchone()
        return _upload(row) if row else None

    def save(self, upload: Upload) -> None:
        """Store the upload as it is now."""
        with self._store.transaction():
            self._db.execute(
                f"INSERT OR REPLACE INTO crm_recording_uploads ({_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    upload.recording_id,
                    upload.account_id,
                    upload.ticket_id,
                    upload.call_id,
                    iso_utc(upload.created_at),
                    upload.size,
                    upload.sha256,
                    upload.part_bytes,
                    upload.state.value,
                    upload.crm_ticket_id,
                    json.dumps(list(upload.parts_sent)),
                    upload.failures,
                    None if upload.next_try_at is None else iso_utc(upload.next_try_at),
                    None if upload.last_try_at is None else iso_utc(upload.last_try_at),
                    upload.note,
                ),
            )

    # --- CC-REC-5: MFA and CRM keys ---------------------------------------------------------

    def set_mfa_secret(self, account_id: str, user_id: str, secret: bytes) -> None:
        """Enrol the user in MFA with ``secret`` (a new enrolment replaces the old one)."""
        with self._store.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO user_mfa (account_id, user_id, secret) VALUES (?, ?, ?)",
                (account_id, user_id, secret),
            )

    def mfa_secret(self, account_id: str, user_id: str) -> bytes | None:
        """The user's MFA secret, if enrolled."""
        row = self._db.execute(
            "SELECT secret FROM user_mfa WHERE account_id = ? AND user_id = ?",
            (account_id, user_id),
        ).fetchone()
        return bytes(row[0]) if row else None

    def mark_mfa_token(self, account_id: str, user_id: str, digest: str, at: datetime) -> None:
        """The token whose SHA-256 is ``digest`` passed MFA at ``at``."""
        with self._store.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO mfa_tokens (token_sha256, account_id, user_id,"
                " verified_at) VALUES (?, ?, ?, ?)",
                (digest, account_id, user_id, iso_utc(at)),
            )

    def token_passed_mfa(self, account_id: str, user_id: str, digest: str) -> bool:
        """Whether the user's token ``digest`` passed MFA."""
        row = self._db.execute(
            "SELECT 1 FROM mfa_tokens WHERE token_sha256 = ? AND account_id = ? AND user_id = ?",
            (digest, account_id, user_id),
        ).fetchone()
        return row is not None

    def add_crm_key(self, key_id: str, account_id: str, digest: str, at: datetime) -> None:
        """Keep a new CRM key (its SHA-256 only)."""
        with self._store.transaction():
            self._db.execute(
                "INSERT INTO crm_keys (id, account_id, key_sha256, created_at) VALUES (?, ?, ?, ?)",
                (key_id, account_id, digest, iso_utc(at)),
            )

    def crm_key_known(self, account_id: str, digest: str) -> bool:
        """Whether ``digest`` is the SHA-256 of one of the account's CRM keys."""
        row = self._db.execute(
            "SELECT 1 FROM crm_keys WHERE account_id = ? AND key_sha256 = ?", (account_id, digest)
        ).fetchone()
        return row is not None


def _upload(row: tuple[object, ...]) -> Upload:
    return Upload(
        recording_id=str(row[0]),
        account_id=str(row[1]),
        ticket_id=str(row[2]),
        call_id=str(row[3]),
        created_at=parse_iso_utc(str(row[4])),
        size=int(row[5]),  # type: ignore[call-overload]
        sha256=str(row[6]),
        part_bytes=int(row[7]),  # type: ignore[call-overload]
        state=UploadState(str(row[8])),
        crm_ticket_id=str(row[9]),
        parts_sent=tuple(json.loads(str(row[10]))),
        failures=int(row[11]),  # type: ignore[call-overload]
        next_try_at=None if row[12] is None else parse_iso_utc(str(row[12])),
        last_try_at=None if row[13] is None else parse_iso_utc(str(row[13])),
        note=str(row[14]),
    )
