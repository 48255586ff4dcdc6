"""Who a consumer is, and what the contact center knows of them (CC-UNA-1 to 4, CC-RSV-1 to 5).

* A session opened with a ``user_id`` is authenticated: that is its unique ID. Without one, a
  web session gets a visitor ID (a new one, or the one the page kept from an earlier visit and
  sends back), a mobile session takes its mobile SDK ID (``installation_id``): an Android
  reinstall brings a new installation ID, so a new contact. A mobile session without one (an
  older app) is tracked by an ID of its own for that session, a reference choice.
* A chat that starts (is queued) makes a ticket in the account's CRM, under the contact of the
  session's unique ID, made on first need: "Web User - MM/DD HH:MM" or "Mobile User - MM/DD
  HH:MM" for an unauthenticated consumer (see :mod:`..domain.consumer_identity` for the zone).
* Logging in (``POST /sdk/login``) makes the user ID the session's unique ID and, unless asked
  not to, moves the tickets of the unauthenticated period to the user's contact. Merging at
  login by default is a reference choice: the seed says only that they "can be merged".
* Reserved flags come with the session, later through the SDK or the Apps API, or in an inbound
  call's SIP headers. A flag not sent stays as it was; a session that ended takes no more.
* A queue's virtual agent (reference model: one setting, the metadata key it reads) passes
  "verified customer" from the session's metadata when the chat starts (CC-RSV-4).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..clock import iso_utc
from ..domain.consumer_identity import (
    VERIFIED,
    check_identifier,
    metadata_flag,
    parse_flags,
    parse_metadata,
    profile_flags,
    visitor_first_name,
)
from ..domain.errors import Conflict, InvalidField, NotFound
from ..service import ContactCenter
from .crm_writer import CrmUnavailable, CrmWriter
from .identity_tables import ConsumerIdentity, IdentityTables
from .store import ConsumerSession

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IdentityRequest:
    """What a session's opener said about the consumer, checked (nothing stored yet)."""

    user_id: str | None = None
    visitor_id: str | None = None
    installation_id: str | None = None
    reserved: dict[str, bool] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)


def parse_request(channel: str, data: Mapping[str, Any]) -> IdentityRequest:
    """The identity fields of ``POST /sdk/sessions``, each checked; refused naming the field."""

    def text(name: str) -> str | None:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise InvalidField(name, "must be a string")
        return check_identifier(value, name)

    user_id, visitor_id = text("user_id"), text("visitor_id")
    installation_id = text("installation_id")
    if visitor_id is not None and channel != "web":
        raise InvalidField("visitor_id", "is for web sessions (mobile sends installation_id)")
    if installation_id is not None and channel != "mobile":
        raise InvalidField("installation_id", "is for mobile sessions (the mobile SDK ID)")
    reserved = parse_flags(data["reserved"]) if data.get("reserved") is not None else {}
    metadata = parse_metadata(data["metadata"]) if data.get("metadata") is not None else {}
    return IdentityRequest(user_id, visitor_id, installation_id, reserved, metadata)


class IdentityService:
    """Consumers' identities, their CRM records and their reserved flags."""

    def __init__(self, center: ContactCenter) -> None:
        self._center = center
        self.tables = IdentityTables(center.store)

    # --- sessions ---------------------------------------------------------------------------

    def check_visitor(self, account_id: str, request: IdentityRequest) -> None:
        """A visitor ID sent back must be one the account issued."""
        visitor = request.visitor_id
        if visitor is not None and not self.tables.visitor_known(account_id, visitor):
            raise InvalidField("visitor_id", "was not issued by this account")

    def begin(self, session: ConsumerSession, request: IdentityRequest) -> ConsumerIdentity:
        """Record who the new session's consumer is (in the caller's transaction)."""
        unique_id = request.user_id or request.installation_id or request.visitor_id
        if unique_id is None and session.channel == "web":  # a first visit: a new visitor ID
            unique_id = f"visitor-{secrets.token_hex(8)}"
            self.tables.add_visitor(session.account_id, unique_id, session.created_at)
        elif unique_id is None:  # an app that gave no mobile SDK ID: tracked for this session
            unique_id = f"mobile-{secrets.token_hex(8)}"
        identity = ConsumerIdentity(
            session_id=session.id,
            account_id=session.account_id,
            unique_id=unique_id,
            installation_id=request.installation_id,
            user_id=request.user_id,
            reserved=dict(request.reserved),
            metadata=dict(request.metadata),
        )
        self.tables.insert_identity(identity)
        return identity

    def open_for(self, session: ConsumerSession, data: Mapping[str, Any]) -> ConsumerIdentity:
        """Check the identity fields of ``POST /sdk/sessions`` and record them for the new
        session (the caller holds the transaction the session was stored in)."""
        request = parse_request(session.channel, data)
        self.check_visitor(session.account_id, request)
        return self.begin(session, request)

    async def after_chat(self, session: ConsumerSession, answer: dict[str, Any]) -> dict[str, Any]:
        """The answer to ``chat.start``, with what a queued chat added (:meth:`chat_started`)."""
        if answer.get("type") != "chat.queued":
            return answer
        return {**answer, **await self.chat_started(session)}

    def identity(self, account_id: str, session_id: str) -> ConsumerIdentity:
        """The identity of ``session_id``, or NotFound."""
        found = self.tables.identity(account_id, session_id)
        if found is None:
            raise NotFound("consumer session", session_id, field="session_id")
        return found

    def end(self, session: ConsumerSession) -> ConsumerIdentity:
        """End the session: it takes no more reserved flags."""
        identity = self.identity(session.account_id, session.id)
        if identity.ended_at is None:
            at = iso_utc(self._center.clock.now(session.account_id))
            self.tables.end(session.account_id, session.id, at)
            self._center.publish(session.account_id, "consumer.ended", session_id=session.id)
        return self.identity(session.account_id, session.id)

    # --- reserved flags ---------------------------------------------------------------------

    def set_reserved(self, account_id: str, session_id: str, data: object) -> ConsumerIdentity:
        """Send reserved flags for a session (the SDK or the Apps API): all checked first; the
        flags not named stay as they were."""
        flags = parse_flags(data)
        identity = self.identity(account_id, session_id)
        if identity.ended_at is not None:
            raise Conflict(f"consumer session {session_id!r} has ended: it takes no more flags")
        merged = {**identity.reserved, **flags}
        self.tables.set_reserved(account_id, session_id, merged)
        self._center.publish(account_id, "consumer.reserved", session_id=session_id, **merged)
        return self.identity(account_id, session_id)

    def call_flags(self, account_id: str, call_id: str) -> dict[str, bool]:
        """An inbound call's reserved flags (its SIP headers, then the Apps API)."""
        self._center.get_call(account_id, call_id)  # NotFound for another account's call
        return self.tables.call_reserved(account_id, call_id)

    def set_call_flags(self, account_id: str, call_id: str, data: object) -> dict[str, bool]:
        """Send reserved flags for an inbound call through the Apps API."""
        flags = parse_flags(data)
        call = self._center.get_call(account_id, call_id)
        if call.status is not None:
            raise Conflict(f"call {call_id!r} has ended: it takes no more flags")
        merged = {**self.tables.call_reserved(account_id, call_id), **flags}
        self.tables.set_call_reserved(account_id, call_id, merged)
        self._center.publish(account_id, "call.reserved", call_id=call_id, **merged)
        return merged

    # --- the virtual agent ------------------------------------------------------------------

    def set_virtual_agent(self, account_id: str, queue_id: str, key: str | None) -> None:
        """The queue's virtual agent reads "verified customer" from the metadata ``key``."""
        config = self._center.routing.config(account_id)
        config.queue(queue_id, "queue_id")
        if key is not None and (not key.strip() or len(key) > 64):
            raise InvalidField("verified_customer_key", "must be 1 to 64 characters")
        self.tables.set_verified_key(account_id, queue_id, key)

    def virtual_agent_key(self, account_id: str, queue_id: str) -> str | None:
        return self.tables.verified_key(account_id, queue_id)

    # --- chats, CRM records and login -------------------------------------------------------

    async def chat_started(self, session: ConsumerSession) -> dict[str, Any]:
        """A chat was queued: the virtual agent passes its parameter, the CRM gets a ticket.
        What is added to the ``chat.queued`` frame."""
        added: dict[str, Any] = {}
        identity = self.identity(session.account_id, session.id)
        key = self.tables.verified_key(session.account_id, session.queue_id)
        if key is not None:
            verified = metadata_flag(identity.metadata, key)
            if verified is not None:
                identity = self.set_reserved(session.account_id, session.id, {VERIFIED: verified})
                added["virtual_agent"] = {"verified_customer": verified}
        writer = self._writer(session.account_id)
        if writer is not None:
            try:
                added["crm_ticket_id"] = await self._ticket(writer, session, identity)
            except CrmUnavailable as error:
                _log.warning("no CRM ticket for session %s: %s", session.id, error)
        return added

    def _writer(self, account_id: str) -> CrmWriter | None:
        stored = self._center.store.crm_settings(account_id)
        return None if stored is None else CrmWriter(stored[0], stored[1])

    async def _contact(
        self, writer: CrmWriter, session: ConsumerSession, identity: ConsumerIdentity
    ) -> str:
        account_id = session.account_id
        found = self.tables.crm_contact(account_id, identity.unique_id)
        if found is not None:
            return found
        fields: dict[str, Any] = {"unique_id": identity.unique_id, "channel": session.channel}
        if identity.authenticated:
            fields["first_name"] = identity.unique_id  # the user's own ID (a reference choice)
        else:
            config = self._center.routing.config(account_id)
            zone = config.hours.global_.timezone if config.hours.global_ else "UTC"
            now = self._center.clock.now(account_id)
            fields["first_name"] = visitor_first_name(session.channel, now, zone)
            if identity.installation_id is not None:
                fields["mobile_sdk_id"] = identity.installation_id
        contact_id = await writer.create_contact(fields)
        self.tables.add_crm_contact(account_id, identity.unique_id, contact_id)
        return contact_id

    async def _ticket(
        self, writer: CrmWriter, session: ConsumerSession, identity: ConsumerIdentity
    ) -> str:
        contact_id = await self._contact(writer, session, identity)
        ticket_id = await writer.create_ticket(
            {
                "contact_id": contact_id,
                "subject": f"Chat on the {session.channel} SDK",
                "channel": session.channel,
                "session_id": session.id,
            }
        )
        self.tables.add_crm_ticket(session.account_id, ticket_id, identity.unique_id, session.id)
        return ticket_id

    async def login(self, session: ConsumerSession, user_id: str, merge: bool) -> dict[str, Any]:
        """The session's consumer logged in as ``user_id`` (CC-UNA-3); with ``merge``, the
        tickets of the unauthenticated period move to the user's contact."""
        checked = check_identifier(user_id, "user_id")
        assert checked is not None
        account_id = session.account_id
        identity = self.identity(account_id, session.id)
        if identity.ended_at is not None:
            raise Conflict(f"consumer session {session.id!r} has ended")
        if identity.authenticated:
            raise Conflict(f"the session is already logged in as {identity.user_id!r}")
        before = identity.unique_id
        self.tables.authenticate(account_id, session.id, checked)
        merged: list[str] = []
        writer = self._writer(account_id)
        tickets = self.tables.crm_tickets(account_id, before)
        if merge and writer is not None and tickets:
            authenticated = self.identity(account_id, session.id)
            try:
                contact_id = await self._contact(writer, session, authenticated)
                for ticket_id in tickets:
                    await writer.move_ticket(ticket_id, contact_id)
                    self.tables.move_crm_ticket(account_id, ticket_id, checked)
                    merged.append(ticket_id)
            except CrmUnavailable as error:
                _log.warning("tickets of %s not all merged: %s", before, error)
        self._center.publish(account_id, "consumer.login", session_id=session.id)
        return {"unique_id": checked, "previous_unique_id": before, "merged_tickets": merged}


def shown_flags(flags: Mapping[str, bool]) -> list[dict[str, str]]:
    """The user profile flags as the agent app shows them (label and meaning)."""
    return [flag.to_json() for flag in profile_flags(flags)]
