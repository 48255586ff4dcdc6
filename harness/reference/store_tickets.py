"""SQLite tables of tickets: their calls, comments and recordings, and the account's Talk settings.

A part of :class:`harness.reference.store.Store` (which inherits it): the same connection and
transactions, the same rules (every row carries its ``account_id``, every query filters on it,
every write runs in a transaction and is committed before the API answers). Kept beside
store.py so that the tickets' SQL stays in one place of its own.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .clock import iso_utc, parse_iso_utc
from .domain.tickets import (
    CallTimes,
    Comment,
    Direction,
    Priority,
    Ticket,
    TicketCall,
    TicketStatus,
)
from .domain.tickets import shown_number as _shown

_ACCOUNT = "account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE"
_TICKET_CHILD = f"{_ACCOUNT}, ticket_id TEXT NOT NULL"

#: The one schema step of tickets (appended to the store's migrations).
MIGRATION: tuple[str, ...] = (
    f"CREATE TABLE tickets ({_ACCOUNT}, id TEXT NOT NULL, seq INTEGER NOT NULL,"
    " subject TEXT NOT NULL, status TEXT NOT NULL, priority TEXT NOT NULL,"
    " requester TEXT NOT NULL, requester_id TEXT, created_at TEXT NOT NULL,"
    " PRIMARY KEY (account_id, id))",
    f"CREATE TABLE ticket_calls ({_TICKET_CHILD}, position INTEGER NOT NULL,"
    " call_id TEXT NOT NULL, direction TEXT NOT NULL, from_number TEXT NOT NULL,"
    " to_number TEXT NOT NULL, started_at TEXT NOT NULL, placed_by TEXT NOT NULL,"
    " answered_by TEXT, location TEXT, ended_at TEXT, waited_s REAL, talk_s REAL,"
    " hold_s REAL, transfer_s REAL, voicemail_id TEXT,"
    " PRIMARY KEY (account_id, ticket_id, position))",
    "CREATE UNIQUE INDEX ticket_calls_call ON ticket_calls (account_id, call_id)",
    f"CREATE TABLE ticket_comments ({_TICKET_CHILD}, position INTEGER NOT NULL,"
    " id TEXT NOT NULL, author_id TEXT, author_name TEXT NOT NULL, body TEXT NOT NULL,"
    " public INTEGER NOT NULL, at TEXT NOT NULL, during_call TEXT,"
    " PRIMARY KEY (account_id, ticket_id, position))",
    # A recording's audio is a file beside the database; the row says where, and when it was
    # deleted from its ticket (the row stays, so a second deletion is told it already was).
    f"CREATE TABLE ticket_recordings (id TEXT PRIMARY KEY, {_ACCOUNT},"
    " ticket_id TEXT NOT NULL, call_id TEXT NOT NULL, file TEXT NOT NULL,"
    " seconds REAL NOT NULL, created_at TEXT NOT NULL, deleted_at TEXT)",
    "CREATE INDEX ticket_recordings_ticket ON ticket_recordings (account_id, ticket_id)",
    # Talk settings of the account: recording, who may play recordings, where ticket
    # notifications go, and the carrier that outbound calls leave through.
    "CREATE TABLE talk_settings (account_id TEXT PRIMARY KEY REFERENCES accounts(id)"
    " ON DELETE CASCADE, settings TEXT NOT NULL)",
)

#: Tickets meet end users (ZT-MRG-3, 4, 6): the number at the top of a ticket, and the ticket a
#: merged one went into. A ticket stored before has an empty number: its first call's is shown.
TOP_AND_MERGE_MIGRATION: tuple[str, ...] = (
    "ALTER TABLE tickets ADD COLUMN shown_number TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE tickets ADD COLUMN merged_into TEXT",
)


@dataclass(frozen=True)
class StoredRecording:
    """A recording row: which ticket and call, where its audio is, whether it was deleted."""

    id: str
    account_id: str
    ticket_id: str
    call_id: str
    file: str
    seconds: float
    created_at: datetime
    deleted_at: datetime | None = None


class TicketTables:
    """The store's methods for tickets (mixed into :class:`~harness.reference.store.Store`)."""

    _db: sqlite3.Connection

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[None]: ...

    # --- tickets ------------------------------------------------------------------------------

    def next_ticket_number(self, account_id: str) -> int:
        """The account's next ticket number (1, 2, 3... as a help desk counts them)."""
        row = self._db.execute(
            "SELECT coalesce(max(seq), 0) + 1 FROM tickets WHERE account_id = ?", (account_id,)
        ).fetchone()
        return int(row[0])

    def save_ticket(self, ticket: Ticket) -> None:
        """Insert or replace a ticket with its calls and comments, in one transaction."""
        acc = ticket.account_id
        with self.transaction():
            self._db.execute(
                "INSERT INTO tickets (account_id, id, seq, subject, status,"
                " priority, requester, requester_id, created_at, shown_number, merged_into)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (account_id, id) DO UPDATE SET subject = excluded.subject,"
                " status = excluded.status, priority = excluded.priority,"
                " requester = excluded.requester, requester_id = excluded.requester_id,"
                " shown_number = excluded.shown_number, merged_into = excluded.merged_into",
                (
                    acc,
                    ticket.id,
                    int(ticket.id),
                    ticket.subject,
                    ticket.status.value,
                    ticket.priority.value,
                    ticket.requester,
                    ticket.requester_id,
                    iso_utc(ticket.created_at),
                    ticket.shown_number,
                    ticket.merged_into,
                ),
            )
            key = (acc, ticket.id)
            self._db.execute("DELETE FROM ticket_calls WHERE account_id = ? AND ticket_id = ?", key)
            self._db.execute(
                "DELETE FROM ticket_comments WHERE account_id = ? AND ticket_id = ?", key
            )
            self._db.executemany(
                "INSERT INTO ticket_calls VALUES (" + ", ".join("?" * 17) + ")",
                [_call_row(acc, ticket.id, i, c) for i, c in enumerate(ticket.calls)],
            )
            self._db.executemany(
                "INSERT INTO ticket_comments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        acc,
                        ticket.id,
                        i,
                        c.id,
                        c.author_id,
                        c.author_name,
                        c.body,
                        int(c.public),
                        iso_utc(c.at),
                        c.during_call,
                    )
                    for i, c in enumerate(ticket.comments)
                ],
            )

    def get_ticket(self, account_id: str, ticket_id: str) -> Ticket | None:
        """The account's ticket ``ticket_id``."""
        row = self._db.execute(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE account_id = ? AND id = ?",
            (account_id, ticket_id),
        ).fetchone()
        return self._ticket(row) if row else None

    def list_tickets(self, account_id: str) -> list[Ticket]:
        """The account's tickets, newest first."""
        rows = self._db.execute(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE account_id = ? ORDER BY seq DESC",
            (account_id,),
        ).fetchall()
        return [self._ticket(row) for row in rows]

    def ticket_of_call(self, account_id: str, call_id: str) -> str | None:
        """The id of the account's ticket that holds ``call_id``, if any."""
        row = self._db.execute(
            "SELECT ticket_id FROM ticket_calls WHERE account_id = ? AND call_id = ?",
            (account_id, call_id),
        ).fetchone()
        return str(row[0]) if row else None

    def _ticket(self, row: tuple[object, ...]) -> Ticket:
        acc, tid = str(row[0]), str(row[1])
        key = (acc, tid)
        calls = self._db.execute(
            "SELECT call_id, direction, from_number, to_number, started_at, placed_by,"
            " answered_by, location, ended_at, waited_s, talk_s, hold_s, transfer_s, voicemail_id"
            " FROM ticket_calls WHERE account_id = ? AND ticket_id = ? ORDER BY position",
            key,
        ).fetchall()
        comments = self._db.execute(
            "SELECT id, author_id, author_name, body, public, at, during_call"
            " FROM ticket_comments WHERE account_id = ? AND ticket_id = ? ORDER BY position",
            key,
        ).fetchall()
        return Ticket(
            id=tid,
            account_id=acc,
            subject=str(row[2]),
            status=TicketStatus(str(row[3])),
            priority=Priority(str(row[4])),
            requester=str(row[5]),
            requester_id=None if row[6] is None else str(row[6]),
            created_at=parse_iso_utc(str(row[7])),
            shown_number=str(row[8]) or (_shown(_call(calls[0])) if calls else ""),
            merged_into=None if row[9] is None else str(row[9]),
            calls=tuple(_call(c) for c in calls),
            comments=tuple(
                Comment(i, a, n, b, bool(p), parse_iso_utc(at), d)
                for i, a, n, b, p, at, d in comments
            ),
        )

    # --- merges (ZT-MRG-4, 6) ------------------------------------------------------------------

    def save_ticket_merge(self, source: Ticket, target: Ticket) -> None:
        """Store a merge in one transaction: the merged ticket (its calls gone), then the target
        (holding them), and the merged ticket's recordings moved to the target."""
        with self.transaction():
            self.save_ticket(source)
            self.save_ticket(target)
            self._db.execute(
                "UPDATE ticket_recordings SET ticket_id = ? WHERE account_id = ? AND ticket_id = ?",
                (target.id, source.account_id, source.id),
            )

    # --- recordings ------------------------------------------------------------------------------

    def insert_recording(self, recording: StoredRecording) -> None:
        """Store a new recording's row (its audio file is already written)."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO ticket_recordings (id, account_id, ticket_id, call_id, file,"
                " seconds, created_at, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                (
                    recording.id,
                    recording.account_id,
                    recording.ticket_id,
                    recording.call_id,
                    recording.file,
                    recording.seconds,
                    iso_utc(recording.created_at),
                ),
            )

    def recordings(self, account_id: str, ticket_id: str) -> list[StoredRecording]:
        """The ticket's recordings (deleted ones too), oldest first."""
        rows = self._db.execute(
            f"SELECT {_RECORDING_COLUMNS} FROM ticket_recordings"
            " WHERE account_id = ? AND ticket_id = ? ORDER BY rowid",
            (account_id, ticket_id),
        ).fetchall()
        return [_recording(r) for r in rows]

    def recording(self, account_id: str, recording_id: str) -> StoredRecording | None:
        """The account's recording ``recording_id`` (deleted or not)."""
        row = self._db.execute(
            f"SELECT {_RECORDING_COLUMNS} FROM ticket_recordings WHERE account_id = ? AND id = ?",
            (account_id, recording_id),
        ).fetchone()
        return _recording(row) if row else None

    def mark_recording_deleted(self, account_id: str, recording_id: str, at: datetime) -> bool:
        """Mark a live recording deleted; False when it was already (nothing changes then)."""
        with self.transaction():
            cursor = self._db.execute(
                "UPDATE ticket_recordings SET deleted_at = ?"
                " WHERE account_id = ? AND id = ? AND deleted_at IS NULL",
                (iso_utc(at), account_id, recording_id),
            )
        return cursor.rowcount > 0

    # --- settings --------------------------------------------------------------------------------

    def talk_settings(self, account_id: str) -> str | None:
        """The account's Talk settings as stored (JSON text), or None when never set."""
        row = self._db.execute(
            "SELECT settings FROM talk_settings WHERE account_id = ?", (account_id,)
        ).fetchone()
        return str(row[0]) if row else None

    def save_talk_settings(self, account_id: str, settings: str) -> None:
        """Replace the account's Talk settings (JSON text)."""
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO talk_settings (account_id, settings) VALUES (?, ?)",
                (account_id, settings),
            )


_TICKET_COLUMNS = (
    "account_id, id, subject, status, priority, requester, requester_id, created_at,"
    " shown_number, merged_into"
)
_RECORDING_COLUMNS = "id, account_id, ticket_id, call_id, file, seconds, created_at, deleted_at"


def _call_row(acc: str, ticket_id: str, position: int, c: TicketCall) -> tuple[object, ...]:
    t = c.times
    return (
        acc,
        ticket_id,
        position,
        c.call_id,
        c.direction.value,
        c.from_number,
        c.to_number,
        iso_utc(c.started_at),
        c.placed_by,
        c.answered_by,
        c.location,
        iso_utc(c.ended_at) if c.ended_at else None,
        t.waited_s if t else None,
        t.talk_s if t else None,
        t.hold_s if t else None,
        t.transfer_s if t else None,
        c.voicemail_id,
    )


def _call(row: tuple[object, ...]) -> TicketCall:
    (
        cid,
        direction,
        frm,
        to,
        started,
        placed,
        answered,
        loc,
        ended,
        waited,
        talk,
        hold,
        xfer,
        vm,
    ) = row
    times = (
        CallTimes(float(waited), float(talk), float(hold), float(xfer))  # type: ignore[arg-type]
        if waited is not None
        else None
    )
    return TicketCall(
        call_id=str(cid),
        direction=Direction(str(direction)),
        from_number=str(frm),
        to_number=str(to),
        started_at=parse_iso_utc(str(started)),
        placed_by=str(placed),
        answered_by=None if answered is None else str(answered),
        location=None if loc is None else str(loc),
        ended_at=parse_iso_utc(str(ended)) if ended is not None else None,
        times=times,
        voicemail_id=None if vm is None else str(vm),
    )


def _recording(row: tuple[object, ...]) -> StoredRecording:
    return StoredRecording(
        id=str(row[0]),
        account_id=str(row[1]),
        ticket_id=str(row[2]),
        call_id=str(row[3]),
        file=str(row[4]),
        seconds=float(row[5]),  # type: ignore[arg-type]
        created_at=parse_iso_utc(str(row[6])),
        deleted_at=parse_iso_utc(str(row[7])) if row[7] is not None else None,
    )
