"""Tickets from calls in the reference (ZT-TKT): the service part that the API and calls use.

The rules are in :mod:`harness.reference.domain.tickets`; here they meet the store and the
event bus. The contact center tells this part when a call is answered and when it ends; each
change is committed before anything is published, and each publishes ``ticket.created`` or
``ticket.updated`` to the account (with the ticket's id and the call's Call ID).
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from harness.media.wav import write_wav

from .clock import AccountClock, iso_utc
from .domain import talk
from .domain import ticket_merges as merges
from .domain import tickets as rules
from .domain.calls import CallRecord, EndedBy
from .domain.distribution import validate_e164
from .domain.errors import Conflict, NotFound
from .domain.talk import LineSettings, OutboundCall, TalkSettings
from .domain.tickets import Comment, Direction, Ticket, TicketCall, TicketRequester
from .events import EventBus
from .store import Store
from .store_tickets import StoredRecording

LOG = logging.getLogger("callproof.reference.tickets")
MAIL_FROM = "talk@reference.callproof.test"
SMTP_TIMEOUT_S = 10.0
WARM_UP_NUMBER = "+33145678901"


class Dialer(Protocol):
    """The telephony side of outbound calls: rings the agent's phone, then the callee."""

    def dial(self, call: OutboundCall, agent_contact: str, carrier: tuple[str, int]) -> None: ...


class _Named(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


class RequesterSource(Protocol):
    """Who a call is from, as caller identity linked it (the reference's ``EndUsers``)."""

    def requester_of_call(self, account_id: str, call_id: str) -> _Named: ...


class Tickets:
    """The account's tickets: made from calls, read, commented and updated; Talk settings and
    the outbound calls agents place."""

    def __init__(self, store: Store, clock: AccountClock, bus: EventBus) -> None:
        self.store = store
        self.clock = clock
        self.bus = bus
        self.dialer: Dialer | None = None  # set by the SIP edge when it opens
        self._outbound: dict[str, OutboundCall] = {}  # live outbound calls by Call ID
        # Runs blocking work (sending mail) off the event loop; the SIP edge sets it.
        self.background: Callable[[Callable[[], None]], None] | None = None
        self.public_url = ""  # the API's address, for the links in notification emails
        self.recordings_dir = Path(store.path).parent / "recordings"
        # Caller identity (set by the contact center): a ticket's requester is its call's.
        self.requesters: RequesterSource | None = None
        # libphonenumber loads its metadata on first use (half a second): load it now, before
        # any call, so that the first answered call does not stall the media relay.
        rules.caller_location(WARM_UP_NUMBER)

    # --- settings --------------------------------------------------------------------------

    def settings(self, account_id: str) -> TalkSettings:
        """The account's Talk settings."""
        return TalkSettings.from_json(self.store.talk_settings(account_id))

    def update_settings(self, account_id: str, changes: Mapping[str, Any]) -> TalkSettings:
        """Change settings; a bad member is refused naming it and nothing changes."""
        updated = talk.update_settings(self.settings(account_id), changes)
        self.store.save_talk_settings(account_id, updated.to_json())
        self.bus.publish(
            account_id,
            {"type": "talk.settings.changed", "at": iso_utc(self.clock.now(account_id))},
        )
        return updated

    # --- outbound calls (ZT-TKT-2, 7) --------------------------------------------------------

    def place_outbound(
        self,
        account_id: str,
        *,
        agent_id: str,
        agent_name: str,
        agent_contacts: list[str],
        line: str,
        to: str,
        ticket_id: str | None,
        ring_time_s: int,
        mode: str = "call_out",
    ) -> OutboundCall:
        """An agent places a call from ``line`` to ``to``, from the console or from a ticket.

        Everything is checked before anything is stored or dialled: a ticket that does not
        exist, a bad number, an agent without a phone, no carrier, each refused naming it.
        """
        callee = validate_e164(to, "to")
        ring_time = talk.validate_ring_time(ring_time_s)
        if ticket_id is not None and self.store.get_ticket(account_id, ticket_id) is None:
            raise NotFound("ticket", ticket_id, field="ticket_id")
        carrier = self.settings(account_id).carrier
        if carrier is None:
            raise Conflict("no carrier is set for outbound calls (Talk settings: carrier)")
        if not agent_contacts:
            raise Conflict(f"{agent_name} has no registered phone to place the call from")
        if self.dialer is None:
            raise Conflict("outbound calls are not available: no telephony edge is running")
        call = OutboundCall(
            self._new_call_id(),
            account_id,
            agent_id,
            agent_name,
            line,
            callee,
            self.clock.now(account_id),
            ring_time,
            from_ticket=ticket_id,
            mode=mode,
        )
        self._outbound[call.call_id] = call
        self._call_event(call, "call.created", **{"from": line, "to": callee})
        if ticket_id is not None:  # ZT-TKT-7: the call's details go to that ticket
            ticket = self.get(account_id, ticket_id)
            updated = rules.add_call(ticket, self._details(call))
            self.store.save_ticket(updated)
            self._publish(updated, "ticket.updated", call_id=call.call_id, change="call.added")
        self.dialer.dial(call, agent_contacts[0], talk.address_of(carrier))
        return call

    def outbound(self, call_id: str) -> OutboundCall | None:
        """A live outbound call."""
        return self._outbound.get(call_id)

    def agent_in_outbound_call(self, agent_id: str) -> bool:
        """Whether the agent has a live outbound call (one stuck after a reload too)."""
        return any(call.agent_id == agent_id for call in self._outbound.values())

    def outbound_answered(self, call_id: str) -> None:
        """The callee answered: the customer answers an outbound call (ZT-TKT-2, 10)."""
        call = self._outbound.get(call_id)
        if call is None or call.answered_at is not None:
            return
        call = talk.answered(call, self.clock.now(call.account_id))
        self._outbound[call_id] = call
        self._call_event(call, "call.answered", by="callee")
        if call.from_ticket is not None:
            ticket = self.get(call.account_id, call.from_ticket)
            updated = rules.call_answered(ticket, call_id, call.to)
            self.store.save_ticket(updated)
            self._publish(updated, "ticket.updated", call_id=call_id, change="call.answered")
        elif rules.opens_ticket(answered=True, from_ticket=None):
            details = self._details(call)
            self._open(call.account_id, details)

    def outbound_ended(self, call_id: str, outcome: str, reason: str) -> None:
        """The outbound call is over; its ticket, if any, gets the call's times."""
        call = self._outbound.pop(call_id, None)
        if call is None:
            return
        call = talk.ended(call, self.clock.now(call.account_id), outcome, reason)
        assert call.ended_at is not None
        self._call_event(
            call,
            "call.ended",
            status=call.outcome,
            reason=reason,
            duration_s=round((call.ended_at - call.started_at).total_seconds(), 3),
        )
        ticket_id = self.store.ticket_of_call(call.account_id, call_id)
        if ticket_id is None:
            return
        ticket = self.get(call.account_id, ticket_id)
        times = rules.call_times(call.started_at, call.answered_at, call.ended_at, 0.0)
        updated = rules.call_ended(ticket, call_id, call.ended_at, times)
        self.store.save_ticket(updated)
        self._publish(updated, "ticket.updated", call_id=call_id, change="call.ended")

    # --- recordings (ZT-TKT-12, 14, 16) and notifications (ZT-TKT-15) ---------------------

    def recording_on(self, account_id: str) -> bool:
        """Whether the account's calls are recorded."""
        return self.settings(account_id).recording

    def call_finished(
        self, account_id: str, call_id: str, recording: npt.NDArray[np.int16] | None
    ) -> None:
        """The telephony side is done with a call: keep its recording in its ticket, then send
        the ticket's notification when this call made the ticket."""
        ticket_id = self.store.ticket_of_call(account_id, call_id)
        if ticket_id is None:
            return
        saved = None
        if recording is not None and len(recording):
            saved = self._save_recording(account_id, ticket_id, call_id, recording)
        ticket = self.get(account_id, ticket_id)
        if ticket.calls and ticket.calls[0].call_id == call_id:
            self._notify(ticket, saved)

    def _save_recording(
        self, account_id: str, ticket_id: str, call_id: str, samples: npt.NDArray[np.int16]
    ) -> StoredRecording:
        recording = StoredRecording(
            id=f"rec_{secrets.token_hex(8)}",
            account_id=account_id,
            ticket_id=ticket_id,
            call_id=call_id,
            file="",
            seconds=round(len(samples) / 8000, 3),
            created_at=self.clock.now(account_id),
        )
        self.recordings_dir.mkdir(parents=True, exist_ok=True)
        path = write_wav(self.recordings_dir / f"{recording.id}.wav", samples)
        stored = StoredRecording(**{**recording.__dict__, "file": path.name})
        self.store.insert_recording(stored)
        ticket = self.get(account_id, ticket_id)
        self._publish(
            ticket,
            "ticket.updated",
            call_id=call_id,
            change="recording.added",
            recording_id=stored.id,
        )
        return stored

    def recordings(self, account_id: str, ticket_id: str) -> list[StoredRecording]:
        """The ticket's recordings, deleted ones included (marked)."""
        self.get(account_id, ticket_id)
        return self.store.recordings(account_id, ticket_id)

    def recording_audio(self, account_id: str, recording_id: str) -> Path:
        """The WAV file of a recording users may play; refused when the account forbids
        playing recordings (ZT-TKT-14), not found once deleted."""
        recording = self.store.recording(account_id, recording_id)
        if recording is None or recording.deleted_at is not None:
            raise NotFound("recording", recording_id)
        if not talk.may_play_recordings(self.settings(account_id)):
            raise talk.RecordingsForbidden()
        return self.recordings_dir / recording.file

    def delete_recording(self, account_id: str, ticket_id: str, recording_id: str) -> None:
        """Delete a recording from its ticket (ZT-TKT-16); a second deletion is refused,
        naming the recording, and changes nothing."""
        ticket = self.get(account_id, ticket_id)
        recording = self.store.recording(account_id, recording_id)
        if recording is None or recording.ticket_id != ticket_id:
            raise NotFound(f"recording of ticket {ticket_id}", recording_id, field="recording_id")
        if recording.deleted_at is not None:
            raise Conflict(
                f"recording {recording_id!r} was already deleted from ticket {ticket_id}",
                field="recording_id",
            )
        self.store.mark_recording_deleted(account_id, recording_id, self.clock.now(account_id))
        (self.recordings_dir / recording.file).unlink(missing_ok=True)
        self._publish(
            ticket, "ticket.updated", change="recording.deleted", recording_id=recording_id
        )

    def _notify(self, ticket: Ticket, recording: StoredRecording | None) -> None:
        settings = self.settings(ticket.account_id)
        if settings.smtp is None or settings.notify_email is None or self.background is None:
            return
        message = EmailMessage()
        message["From"] = MAIL_FROM
        message["To"] = settings.notify_email
        message["Subject"] = f"[Ticket #{ticket.id}] {ticket.subject}"
        lines = [f"Ticket #{ticket.id}: {ticket.subject}", ""]
        for call in ticket.calls:
            lines += [
                f"Call {call.call_id} from {call.from_number} to {call.to_number}",
                f"Placed by: {call.placed_by}",
                f"Answered by: {call.answered_by or 'nobody'}",
                f"Duration: {call.duration_s} s",
            ]
            if call.location:
                lines.append(f"Location: {call.location}")
        if recording is not None:
            lines += ["", f"Listen to the recording: {self.public_url}/recordings/{recording.id}"]
        message.set_content("\n".join(lines) + "\n")
        host, port = talk.address_of(settings.smtp)
        account_id, ticket_id = ticket.account_id, ticket.id

        def send() -> None:
            try:
                with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_S) as smtp:
                    smtp.send_message(message)
            except (OSError, smtplib.SMTPException) as exc:
                LOG.warning("ticket %s: notification not sent: %s", ticket_id, exc)
                return
            LOG.info("ticket %s (account %s): notification sent", ticket_id, account_id)

        self.background(send)

    def _details(self, call: OutboundCall) -> TicketCall:
        return TicketCall(
            call_id=call.call_id,
            direction=Direction.OUTBOUND,
            from_number=call.line,
            to_number=call.to,
            started_at=call.started_at,
            placed_by=call.agent_name,
            answered_by=call.to if call.answered_at is not None else None,
            location=rules.caller_location(call.to),
        )

    def _new_call_id(self) -> str:
        while True:
            candidate = f"CALL-{secrets.randbelow(10**10):010d}"
            taken = candidate in self._outbound or self.store.account_of_call(candidate)
            if not taken:
                return candidate

    def _call_event(self, call: OutboundCall, kind: str, **fields: Any) -> None:
        at = iso_utc(self.clock.now(call.account_id))
        self.bus.publish(
            call.account_id,
            {"type": kind, "at": at, "call_id": call.call_id, "direction": "outbound", **fields},
        )

    # --- from calls ----------------------------------------------------------------------------

    def inbound_answered(self, call: CallRecord) -> Ticket | None:
        """An agent accepted an inbound call: it becomes a ticket (ZT-TKT-1).

        The ticket names the caller as who placed the call and the agent as who answered it,
        with the caller's location when the number tells it.
        """
        agent = next((o.user_name for o in call.offers if o.user_id == call.answered_by), None)
        ticket_id = self.store.ticket_of_call(call.account_id, call.call_id)
        if ticket_id is not None:  # made when the call entered the queue (omnichannel)
            ticket = self.get(call.account_id, ticket_id)
            held = ticket.call(call.call_id)
            if agent is None or held is None or held.answered_by is not None:
                return None  # a repeated answer (a retransmission) changes nothing
            updated = rules.call_answered(ticket, call.call_id, agent)
            self.store.save_ticket(updated)
            self._publish(updated, "ticket.updated", call_id=call.call_id, change="call.answered")
            return updated
        if not rules.opens_ticket(answered=call.answered_by is not None, from_ticket=None):
            return None
        return self._open_inbound(call, answered_by=agent)

    def call_queued(self, call: CallRecord) -> Ticket | None:
        """The call entered the queue (it is offered to agents): with omnichannel routing on
        its line, it becomes a ticket now (ZT-TKT-4)."""
        if self.store.ticket_of_call(call.account_id, call.call_id) is not None:
            return None
        line = self.settings(call.account_id).line(call.number_id)
        if not talk.queue_entry_makes_ticket(line):
            return None
        return self._open_inbound(call, answered_by=None)

    def _open_inbound(
        self, call: CallRecord, *, answered_by: str | None, voicemail_id: str | None = None
    ) -> Ticket:
        details = TicketCall(
            call_id=call.call_id,
            direction=Direction.INBOUND,
            from_number=call.caller,
            to_number=call.called,
            started_at=call.started_at,
            placed_by=call.caller,
            answered_by=answered_by,
            location=rules.caller_location(call.caller),
            voicemail_id=voicemail_id,
        )
        return self._open(call.account_id, details)

    def voicemail_left(self, call: CallRecord, voicemail_id: str) -> Ticket | None:
        """The caller left a voicemail: the call becomes a ticket holding it (ZT-TKT-3)."""
        ticket_id = self.store.ticket_of_call(call.account_id, call.call_id)
        if ticket_id is not None:  # the call already made one: it holds the voicemail too
            ticket = self.get(call.account_id, ticket_id)
            updated = rules.voicemail_left(ticket, call.call_id, voicemail_id)
            self.store.save_ticket(updated)
            self._publish(updated, "ticket.updated", call_id=call.call_id, change="voicemail.added")
            return updated
        if not rules.opens_ticket(answered=False, from_ticket=None, voicemail=True):
            return None
        return self._open_inbound(call, answered_by=None, voicemail_id=voicemail_id)

    def call_ended(self, call: CallRecord) -> Ticket | None:
        """A call ended: its ticket, if it has one, gets the call's times (ZT-TKT-9)."""
        ticket_id = self.store.ticket_of_call(call.account_id, call.call_id)
        if call.ended_at is None:
            return None
        if ticket_id is None:
            if not self._abandoned_makes_ticket(call):
                return None
            ticket_id = self._open_inbound(call, answered_by=None).id
        ticket = self.get(call.account_id, ticket_id)
        times = rules.call_times(
            call.started_at, call.answered_at, call.ended_at, call.hold_s, call.transfer_s
        )
        updated = rules.call_ended(ticket, call.call_id, call.ended_at, times)
        if updated == ticket:
            return ticket
        self.store.save_ticket(updated)
        self._publish(updated, "ticket.updated", call_id=call.call_id, change="call.ended")
        return updated

    def _abandoned_makes_ticket(self, call: CallRecord) -> bool:
        """An abandoned call (its caller hung up before anyone answered, in the queue, the
        IVR or voicemail) makes a ticket as its line's settings say (ZT-TKT-5, 6)."""
        abandoned = call.answered_at is None and call.ended_by is EndedBy.CALLER
        if not abandoned:
            return False
        return talk.abandoned_call_makes_ticket(self.settings(call.account_id).line(call.number_id))

    def line(self, account_id: str, number_id: str) -> LineSettings:
        """A line's ticket settings."""
        return self.settings(account_id).line(number_id)

    def update_line(
        self, account_id: str, number_id: str, changes: Mapping[str, Any]
    ) -> LineSettings:
        """Change a line's ticket settings; a refused change changes nothing."""
        settings = self.settings(account_id)
        line = talk.update_line(settings.line(number_id), changes)
        self.store.save_talk_settings(account_id, settings.with_line(number_id, line).to_json())
        return line

    def _linked_requester(self, account_id: str, call_id: str) -> TicketRequester | None:
        """The requester caller identity linked to the call, if it linked one."""
        if self.requesters is None:
            return None
        try:
            found = self.requesters.requester_of_call(account_id, call_id)
        except NotFound:
            return None
        return TicketRequester(found.id, found.name)

    def _open(self, account_id: str, details: TicketCall) -> Ticket:
        linked = self._linked_requester(account_id, details.call_id)
        requester = rules.ticket_requester(linked, details)
        with self.store.transaction():
            number = self.store.next_ticket_number(account_id)
            ticket = rules.new_ticket(
                str(number), account_id, details, requester, self.clock.now(account_id)
            )
            self.store.save_ticket(ticket)
        self._publish(ticket, "ticket.created", call_id=details.call_id)
        return ticket

    # --- read ----------------------------------------------------------------------------------

    def get(self, account_id: str, ticket_id: str) -> Ticket:
        """The account's ticket, or :class:`NotFound`."""
        ticket = self.store.get_ticket(account_id, ticket_id)
        if ticket is None:
            raise NotFound("ticket", ticket_id)
        return self._as_now(ticket)

    def list(self, account_id: str, *, call_id: str | None = None) -> list[Ticket]:
        """The account's tickets, newest first; with ``call_id``, the one holding that call."""
        if call_id is None:
            return [self._as_now(t) for t in self.store.list_tickets(account_id)]
        ticket_id = self.store.ticket_of_call(account_id, call_id)
        return [] if ticket_id is None else [self.get(account_id, ticket_id)]

    def _as_now(self, ticket: Ticket) -> Ticket:
        """The ticket with its requester as it stands now, after any merge of end users."""
        requester_id = ticket.requester_id
        if requester_id is None:
            return ticket
        current = self.store.merged_target(ticket.account_id, requester_id)
        if current == requester_id:
            return ticket
        user = self.store.get_end_user(ticket.account_id, current)
        if user is None:
            return ticket
        return merges.requester_after_user_merge(ticket, TicketRequester(user.id, user.name))

    # --- changes by people ------------------------------------------------------------------------

    def comment(
        self,
        account_id: str,
        ticket_id: str,
        *,
        author_id: str | None,
        author_name: str,
        body: str,
        public: bool,
    ) -> Comment:
        """Add a comment (also while the ticket's call is live, ZT-TKT-13)."""
        ticket = self.get(account_id, ticket_id)
        draft = Comment(
            f"cmt_{secrets.token_hex(6)}",
            author_id,
            author_name,
            body,
            public,
            self.clock.now(account_id),
        )
        updated = rules.add_comment(ticket, draft)
        self.store.save_ticket(updated)
        made = updated.comments[-1]
        self._publish(updated, "ticket.updated", change="comment.added", comment_id=made.id)
        return made

    def update(self, account_id: str, ticket_id: str, changes: Mapping[str, str]) -> Ticket:
        """Change the ticket's properties; a bad value changes nothing."""
        ticket = self.get(account_id, ticket_id)
        updated = rules.update_properties(ticket, changes)
        if updated != ticket:
            self.store.save_ticket(updated)
            self._publish(updated, "ticket.updated", change="properties", fields=sorted(changes))
        return updated

    def _publish(self, ticket: Ticket, kind: str, **fields: Any) -> None:
        at = iso_utc(self.clock.now(ticket.account_id))
        self.bus.publish(
            ticket.account_id, {"type": kind, "at": at, "ticket_id": ticket.id, **fields}
        )
