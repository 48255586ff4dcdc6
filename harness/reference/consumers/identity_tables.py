"""SQLite tables of consumers' identities and reserved flags (CC-UNA, CC-RSV), beside
:mod:`..store`: the same file, the same rules (every row carries its ``account_id``, every query
filters on it, every write runs in the store's transaction).

This module does not import the store (the store imports :data:`MIGRATION` from here).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store import Store

_ACCOUNT = "account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE"

MIGRATION: tuple[str, ...] = (
    # Who each SDK session's consumer is: a user ID once authenticated, else the temporary
    # unique ID (a web visitor ID, or the mobile SDK ID); the reserved flags and metadata sent.
    f"CREATE TABLE consumer_identities (session_id TEXT PRIMARY KEY"
    f" REFERENCES consumer_sessions(id) ON DELETE CASCADE, {_ACCOUNT},"
    " unique_id TEXT NOT NULL, installation_id TEXT, user_id TEXT,"
    " reserved TEXT NOT NULL, metadata TEXT NOT NULL, ended_at TEXT)",
    # The web visitor IDs the account issued (a page sends its own back on its next visit).
    f"CREATE TABLE consumer_visitors ({_ACCOUNT}, visitor_id TEXT NOT NULL,"
    " issued_at TEXT NOT NULL, PRIMARY KEY (account_id, visitor_id))",
    # The CRM contact made for each unique ID, and the CRM tickets made for it.
    f"CREATE TABLE consumer_crm_contacts ({_ACCOUNT}, unique_id TEXT NOT NULL,"
    " contact_id TEXT NOT NULL, PRIMARY KEY (account_id, unique_id))",
    f"CREATE TABLE consumer_crm_tickets ({_ACCOUNT}, ticket_id TEXT NOT NULL,"
    " unique_id TEXT NOT NULL, session_id TEXT NOT NULL, PRIMARY KEY (account_id, ticket_id))",
    # The reserved flags an inbound call carried in its SIP headers or got through the Apps API.
    f"CREATE TABLE call_reserved_flags ({_ACCOUNT}, call_id TEXT NOT NULL,"
    " reserved TEXT NOT NULL, PRIMARY KEY (account_id, call_id))",
    # A queue's virtual agent: the session metadata key it reads "verified customer" from.
    f"CREATE TABLE virtual_agent_params ({_ACCOUNT}, queue_id TEXT NOT NULL,"
    " verified_key TEXT NOT NULL, PRIMARY KEY (account_id, queue_id))",
)


@dataclass(frozen=True)
class ConsumerIdentity:
    """Who one session's consumer is, and the reserved flags and metadata it was given."""

    session_id: str
    account_id: str
    unique_id: str
    installation_id: str | None
    user_id: str | None
    reserved: dict[str, bool] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    ended_at: str | None = None

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None


class IdentityTables:
    """Typed access to the identity tables; domain objects in, domain objects out."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # --- identities -----------------------------------------------------------------------

    def insert_identity(self, identity: ConsumerIdentity) -> None:
        """Store a new session's identity."""
        with self._store.transaction():
            self._store.execute(
                "INSERT INTO consumer_identities (session_id, account_id, unique_id,"
                " installation_id, user_id, reserved, metadata, ended_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    identity.session_id,
                    identity.account_id,
                    identity.unique_id,
                    identity.installation_id,
                    identity.user_id,
                    json.dumps(identity.reserved, sort_keys=True),
                    json.dumps(identity.metadata, sort_keys=True),
                    identity.ended_at,
                ),
            )

    def identity(self, account_id: str, session_id: str) -> ConsumerIdentity | None:
        """The identity of ``session_id`` in the account, if any."""
        row = self._store.execute(
            "SELECT session_id, account_id, unique_id, installation_id, user_id, reserved,"
            " metadata, ended_at FROM consumer_identities WHERE account_id = ? AND session_id = ?",
            (account_id, session_id),
        ).fetchone()
        if row is None:
            return None
        return ConsumerIdentity(
            row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), json.loads(row[6]), row[7]
        )

    def set_reserved(self, account_id: str, session_id: str, reserved: dict[str, bool]) -> None:
        """Replace the session's reserved flags."""
        with self._store.transaction():
            self._store.execute(
                "UPDATE consumer_identities SET reserved = ?"
                " WHERE account_id = ? AND session_id = ?",
                (json.dumps(reserved, sort_keys=True), account_id, session_id),
            )

    def authenticate(self, account_id: str, session_id: str, user_id: str) -> None:
        """The session's consumer logged in as ``user_id``: that is its unique ID from now on."""
        with self._store.transaction():
            self._store.execute(
                "UPDATE consumer_identities SET user_id = ?, unique_id = ?"
                " WHERE account_id = ? AND session_id = ?",
                (user_id, user_id, account_id, session_id),
            )

    def end(self, account_id: str, session_id: str, at: str) -> None:
        """The session ended at ``at``."""
        with self._store.transaction():
            self._store.execute(
                "UPDATE consumer_identities SET ended_at = ?"
                " WHERE account_id = ? AND session_id = ?",
                (at, account_id, session_id),
            )

    # --- visitors ---------------------------------------------------------------------------

    def add_visitor(self, account_id: str, visitor_id: str, at: str) -> None:
        """A web visitor ID the account issued."""
        with self._store.transaction():
            self._store.execute(
                "INSERT INTO consumer_visitors (account_id, visitor_id, issued_at)"
                " VALUES (?, ?, ?)",
                (account_id, visitor_id, at),
            )

    def visitor_known(self, account_id: str, visitor_id: str) -> bool:
        """Whether the account issued ``visitor_id``."""
        row = self._store.execute(
            "SELECT 1 FROM consumer_visitors WHERE account_id = ? AND visitor_id = ?",
            (account_id, visitor_id),
        ).fetchone()
        return row is not None

    # --- CRM records ------------------------------------------------------------------------

    def crm_contact(self, account_id: str, unique_id: str) -> str | None:
        """The CRM contact made for ``unique_id``, if any."""
        row = self._store.execute(
            "SELECT contact_id FROM consumer_crm_contacts WHERE account_id = ? AND unique_id = ?",
            (account_id, unique_id),
        ).fetchone()
        return str(row[0]) if row else None

    def add_crm_contact(self, account_id: str, unique_id: str, contact_id: str) -> None:
        """Remember the CRM contact made for ``unique_id``."""
        with self._store.transaction():
            self._store.execute(
                "INSERT OR REPLACE INTO consumer_crm_contacts (account_id, unique_id, contact_id)"
                " VALUES (?, ?, ?)",
                (account_id, unique_id, contact_id),
            )

    def add_crm_ticket(
        self, account_id: str, ticket_id: str, unique_id: str, session_id: str
    ) -> None:
        """Remember a CRM ticket made for ``unique_id`` in ``session_id``."""
        with self._store.transaction():
            self._store.execute(
                "INSERT INTO consumer_crm_tickets (account_id, ticket_id, unique_id, session_id)"
                " VALUES (?, ?, ?, ?)",
                (account_id, ticket_id, unique_id, session_id),
            )

    def crm_tickets(self, account_id: str, unique_id: str) -> list[str]:
        """The CRM tickets made for ``unique_id``, oldest first."""
        rows = self._store.execute(
            "SELECT ticket_id FROM consumer_crm_tickets WHERE account_id = ? AND unique_id = ?"
            " ORDER BY rowid",
            (account_id, unique_id),
        ).fetchall()
        return [str(r[0]) for r in rows]

    def move_crm_ticket(self, account_id: str, ticket_id: str, unique_id: str) -> None:
        """The CRM ticket now belongs to ``unique_id`` (after a merge)."""
        with self._store.transaction():
            self._store.execute(
                "UPDATE consumer_crm_tickets SET unique_id = ?"
                " WHERE account_id = ? AND ticket_id = ?",
                (unique_id, account_id, ticket_id),
            )

    # --- calls and virtual agents -----------------------------------------------------------

    def call_reserved(self, account_id: str, call_id: str) -> dict[str, bool]:
        """The reserved flags of an inbound call (empty when none were sent)."""
        row = self._store.execute(
            "SELECT reserved FROM call_reserved_flags WHERE account_id = ? AND call_id = ?",
            (account_id, call_id),
        ).fetchone()
        return dict(json.loads(row[0])) if row else {}

    def set_call_reserved(self, account_id: str, call_id: str, reserved: dict[str, bool]) -> None:
        """Replace an inbound call's reserved flags."""
        with self._store.transaction():
            self._store.execute(
                "INSERT OR REPLACE INTO call_reserved_flags (account_id, call_id, reserved)"
                " VALUES (?, ?, ?)",
                (account_id, call_id, json.dumps(reserved, sort_keys=True)),
            )

    def verified_key(self, account_id: str, queue_id: str) -> str | None:
        """The session metadata key the queue's virtual agent reads "verified customer" from."""
        row = self._store.execute(
            "SELECT verified_key FROM virtual_agent_params WHERE account_id = ? AND queue_id = ?",
            (account_id, queue_id),
        ).fetchone()
        return str(row[0]) if row else None

    def set_verified_key(self, account_id: str, queue_id: str, key: str | None) -> None:
        """Set (None: remove) the queue's virtual agent's "verified customer" metadata key."""
        with self._store.transaction():
            self._store.execute(
                "DELETE FROM virtual_agent_params WHERE account_id = ? AND queue_id = ?",
                (account_id, queue_id),
            )
            if key is not None:
                self._store.execute(
                    "INSERT INTO virtual_agent_params (account_id, queue_id, verified_key)"
                    " VALUES (?, ?, ?)",
                    (account_id, queue_id, key),
                )


def shape(identity: ConsumerIdentity) -> dict[str, Any]:
    """A session's identity and flags as the API shows them."""
    return {
        "session_id": identity.session_id,
        "unique_id": identity.unique_id,
        "authenticated": identity.authenticated,
        "installation_id": identity.installation_id,
        "reserved": identity.reserved,
        "ended": identity.ended_at is not None,
    }
