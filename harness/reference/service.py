"""The reference contact center's application service.

The HTTP API and the telephony edge both call :class:`ContactCenter`; neither holds a rule of
its own. Each method validates everything before it writes, writes in one transaction, then
publishes what changed on the event bus.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any

from .clock import AccountClock, iso_utc
from .domain import calls
from .domain.accounts import Account, validate_name
from .domain.calls import AnswerDecision, CallRecord, EndedBy
from .domain.directory import (
    Role,
    Team,
    User,
    sip_username_base,
    sip_username_candidate,
    validate_user_fields,
)
from .domain.distribution import (
    Distribution,
    MemberType,
    Number,
    WidgetSpec,
    make_widget,
    ring_plan,
    validate_e164,
    validate_widget_count,
)
from .domain.errors import InvalidField, NotFound
from .domain.inbound import (
    InboundPlan,
    RingStagePlan,
    RingTarget,
    SipAccount,
    inbound_plan,
    offers_for,
)
from .domain.registrations import ContactBindings
from .end_users import EndUsers
from .events import EventBus
from .store import Store
from .ticket_requesters import TicketRequesters
from .tickets import Tickets


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ContactCenter:
    """Accounts, directory, numbers, distribution and calls, with every rule applied."""

    def __init__(
        self,
        store: Store,
        clock: AccountClock,
        bus: EventBus,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.clock = clock
        self.bus = bus
        self._monotonic = monotonic
        self._contacts = ContactBindings()
        self._hangups_ignored: set[str] = set()  # accounts under the "ignore hang-ups" fault
        self.tickets = Tickets(store, clock, bus)  # calls become tickets (ZT-TKT)
        # Imported here: the routing service calls back into this one.
        from .routing import Routing

        self.routing = Routing(self)
        self.end_users = EndUsers(store, clock, bus)  # profiles and callers' identity (ZT-ID)
        #: Where a user's signed-in agent apps are reached (set by the telephony edge).
        self.app_contacts: Callable[[str], list[str]] = lambda _user_id: []
        self.tickets.requesters = self.end_users  # a ticket's requester is its call's (ZT-ID)
        # Ticket merges and requesters matched later (ZT-MRG-4, 6, ZT-ID-10).
        self.ticket_requesters = TicketRequesters(self.tickets, self.end_users)

    # --- accounts -------------------------------------------------------------------------

    def create_account(self, name: str) -> Account:
        """A new tenant; its token is returned here and never again."""
        account = Account(f"acc_{secrets.token_hex(6)}", validate_name(name))
        token = secrets.token_urlsafe(32)
        created = iso_utc(self.clock.now(account.id))
        self.store.insert_account(account, _digest(token), created)
        return Account(account.id, account.name, token)

    def delete_account(self, account_id: str) -> None:
        """Remove the account and everything it owns."""
        users = self.store.list_users(account_id)
        if not self.store.delete_account(account_id):
            raise NotFound("account", account_id)
        for user in users:
            self._contacts.forget(user.id)
        self.clock.forget(account_id)
        self._hangups_ignored.discard(account_id)
        self.bus.close_account(account_id)

    def account_for_token(self, token: str) -> Account | None:
        """The account an API token opens, if any."""
        return self.store.account_by_token_digest(_digest(token)) if token else None

    # --- directory ------------------------------------------------------------------------

    def create_user(self, account_id: str, name: str, email: str, role: str = "agent") -> User:
        """A new user with fresh SIP credentials (username unique across accounts)."""
        name, email, parsed_role, custom_role = self._user_fields(account_id, name, email, role)
        base = sip_username_base(name, account_id)
        attempt = 1
        while self.store.sip_username_taken(sip_username_candidate(base, attempt)):
            attempt += 1
        user = User(
            id=f"usr_{secrets.token_hex(8)}",
            account_id=account_id,
            name=name,
            email=email,
            role=parsed_role,
            sip_username=sip_username_candidate(base, attempt),
            sip_password=secrets.token_urlsafe(18),
            custom_role=custom_role,
        )
        self.store.insert_user(user)
        self._publish(account_id, "directory.changed", change="user.created", user_id=user.id)
        return user

    def _user_fields(
        self, account_id: str, name: str, email: str, role: str
    ) -> tuple[str, str, Role, str | None]:
        """Validated fields of a new user; ``role`` may name one of the account's custom roles."""
        custom = next((r for r in self.store.custom_roles(account_id) if r.name == role), None)
        if custom is None:
            return (*validate_user_fields(name, email, role), None)
        name, email, _ = validate_user_fields(name, email, custom.base.value)
        return name, email, custom.base, custom.id

    def get_user(self, account_id: str, user_id: str) -> User:
        """The account's user, or :class:`NotFound`."""
        user = self.store.get_user(account_id, user_id)
        if user is None:
            raise NotFound("user", user_id)
        return user

    def list_users(self, account_id: str) -> list[User]:
        """The account's users, oldest first."""
        return self.store.list_users(account_id)

    def delete_user(self, account_id: str, user_id: str) -> None:
        """Remove a user from the directory, their teams and every "Ring to" widget."""
        if not self.store.delete_user(account_id, user_id):
            raise NotFound("user", user_id)
        self._contacts.forget(user_id)
        self._publish(account_id, "directory.changed", change="user.deleted", user_id=user_id)

    def create_team(self, account_id: str, name: str) -> Team:
        """A new, empty team."""
        team = Team(f"team_{secrets.token_hex(8)}", account_id, validate_name(name))
        self.store.insert_team(team)
        self._publish(account_id, "directory.changed", change="team.created", team_id=team.id)
        return team

    def get_team(self, account_id: str, team_id: str) -> Team:
        """The account's team with its members, or :class:`NotFound`."""
        team = self.store.get_team(account_id, team_id)
        if team is None:
            raise NotFound("team", team_id)
        return team

    def list_teams(self, account_id: str) -> list[Team]:
        """The account's teams, oldest first."""
        return self.store.list_teams(account_id)

    def delete_team(self, account_id: str, team_id: str) -> None:
        """Remove a team and its "Ring to" entries."""
        if not self.store.delete_team(account_id, team_id):
            raise NotFound("team", team_id)
        self._publish(account_id, "directory.changed", change="team.deleted", team_id=team_id)

    def add_team_member(self, account_id: str, team_id: str, user_id: str) -> Team:
        """Add a user to a team: a fresh membership, in sync."""
        team = self.get_team(account_id, team_id)
        self._require_user(account_id, user_id, "user_id")
        return self._save_team(team.with_member(user_id), "team.member_added", user_id)

    def remove_team_member(self, account_id: str, team_id: str, user_id: str) -> Team:
        """Remove a user from a team; the membership and its sync state are gone."""
        team = self.get_team(account_id, team_id)
        return self._save_team(team.without_member(user_id), "team.member_removed", user_id)

    def _save_team(self, team: Team, change: str, user_id: str) -> Team:
        self.store.save_team_members(team)
        self._publish(
            team.account_id, "directory.changed", change=change, team_id=team.id, user_id=user_id
        )
        return team

    def _require_user(self, account_id: str, user_id: str, where: str) -> User:
        user = self.store.get_user(account_id, user_id)
        if user is None:
            raise NotFound("user", user_id, field=where)
        return user

    # --- numbers and distribution ------------------------------------------------------------

    def create_number(self, account_id: str, e164: str, name: str) -> Number:
        """A new number (E.164, unique across accounts) with an empty distribution."""
        number = Number(
            f"num_{secrets.token_hex(8)}", account_id, validate_e164(e164), validate_name(name)
        )
        self.store.insert_number(number)
        self._publish(
            account_id, "distribution.changed", change="number.created", number_id=number.id
        )
        return number

    def get_number(self, account_id: str, number_id: str) -> Number:
        """The account's number, or :class:`NotFound`."""
        number = self.store.get_number(account_id, number_id)
        if number is None:
            raise NotFound("number", number_id)
        return number

    def list_numbers(self, account_id: str) -> list[Number]:
        """The account's numbers, oldest first."""
        return self.store.list_numbers(account_id)

    def get_distribution(self, account_id: str, number_id: str) -> Distribution:
        """The number's "Ring to" widgets."""
        self.get_number(account_id, number_id)
        return self.store.get_distribution(account_id, number_id)

    def set_distribution(
        self, account_id: str, number_id: str, widgets: Sequence[WidgetSpec]
    ) -> Distribution:
        """Replace the number's widgets; members must exist in the account."""
        current = self.get_distribution(account_id, number_id)
        validate_widget_count(len(widgets))
        built = [
            make_widget(w.ring_time_s, w.strategy, w.members, f"widgets[{i}]")
            for i, w in enumerate(widgets)
        ]
        for i, widget in enumerate(built):
            for j, member in enumerate(widget.members):
                self._require_member(
                    account_id, member.type, member.id, f"widgets[{i}].members[{j}].id"
                )
        return self._save_distribution(account_id, current.replaced_by(built), "replaced")

    def add_ring_to(
        self, account_id: str, number_id: str, widget_index: int, member_type: str, member_id: str
    ) -> Distribution:
        """Add a user or team to a widget (``widget_index == len(widgets)`` appends one)."""
        current = self.get_distribution(account_id, number_id)
        kind = _member_type(member_type)
        self._require_member(account_id, kind, member_id, "id")
        updated = current.with_member(widget_index, kind, member_id)
        return self._save_distribution(account_id, updated, "member_added")

    def remove_ring_to(
        self, account_id: str, number_id: str, widget_index: int, member_type: str, member_id: str
    ) -> Distribution:
        """Remove a user or team from a widget; the widget keeps its settings."""
        current = self.get_distribution(account_id, number_id)
        updated = current.without_member(widget_index, _member_type(member_type), member_id)
        return self._save_distribution(account_id, updated, "member_removed")

    def _require_member(
        self, account_id: str, kind: MemberType, member_id: str, where: str
    ) -> None:
        if kind is MemberType.USER:
            self._require_user(account_id, member_id, where)
        elif self.store.get_team(account_id, member_id) is None:
            raise NotFound("team", member_id, field=where)

    def _save_distribution(
        self, account_id: str, distribution: Distribution, change: str
    ) -> Distribution:
        self.store.save_distribution(account_id, distribution)
        self._publish(
            account_id, "distribution.changed", change=change, number_id=distribution.number_id
        )
        return distribution

    # --- faults (reference only) --------------------------------------------------------------

    def desynchronise(
        self,
        account_id: str,
        user_id: str,
        *,
        number_id: str | None = None,
        team_id: str | None = None,
    ) -> None:
        """Put ONE assignment of a user out of sync: on a number, or in a team (AC-ANS-3).

        The user is still rung through it, but their answer is not registered, until they
        are removed from that widget or team and added back.
        """
        if (number_id is None) == (team_id is None):
            raise InvalidField("number_id", "give exactly one of number_id and team_id")
        self._require_user(account_id, user_id, "user_id")
        if number_id is not None:
            distribution = self.get_distribution(account_id, number_id)
            self._save_distribution(account_id, distribution.desynchronised(user_id), "fault")
        elif team_id is not None:
            team = self.get_team(account_id, team_id)
            self._save_team(team.desynchronised(user_id), "team.fault", user_id)

    def ignore_hangups(self, account_id: str, ignored: bool) -> None:
        """Fault (H-REL-2): the SIP edge drops the callers' BYEs on the account's calls.

        Their calls never end for them: the harness must report the dialog it cannot end.
        Kept in memory only, like any fault of a running process.
        """
        if ignored:
            self._hangups_ignored.add(account_id)
        else:
            self._hangups_ignored.discard(account_id)

    def hangups_ignored(self, account_id: str) -> bool:
        """Whether the account is under the "ignore hang-ups" fault."""
        return account_id in self._hangups_ignored

    # --- clock --------------------------------------------------------------------------------

    def set_clock(self, account_id: str, now: str, *, frozen: bool | None = None) -> None:
        """Set the account's clock to an ISO-8601 time (optionally freezing it)."""
        self.clock.set(account_id, now, frozen=frozen)
        self._publish(account_id, "clock.changed")

    def advance_clock(self, account_id: str, seconds: float) -> None:
        """Move the account's clock forward."""
        self.clock.advance(account_id, seconds)
        self._publish(account_id, "clock.changed")

    # --- telephony-facing ---------------------------------------------------------------------

    def sip_account(self, sip_username: str) -> SipAccount | None:
        """Credentials for a REGISTER or INVITE from ``sip_username``."""
        user = self.store.user_by_sip_username(sip_username)
        if user is None:
            return None
        return SipAccount(user.sip_username, user.sip_password, user.account_id, user.id)

    def register_contact(self, user_id: str, contact_uri: str, expires_s: float) -> None:
        """Bind (or with ``expires_s == 0`` unbind) a contact of a user's phone."""
        self._contacts.bind(user_id, contact_uri, expires_s, self._monotonic())

    def registered_contacts(self, user_id: str) -> list[str]:
        """The user's currently registered contacts."""
        return self._contacts.contacts(user_id, self._monotonic())

    def reachable_contacts(self, user_id: str) -> list[str]:
        """Where a call to the user rings: her signed-in agent apps, then her SIP phones."""
        return self.app_contacts(user_id) + self.registered_contacts(user_id)

    def contact_bindings(self, user_id: str) -> list[tuple[str, int]]:
        """The user's registered contacts with their remaining seconds, for a REGISTER's 200."""
        return self._contacts.remaining(user_id, self._monotonic())

    def number_by_e164(self, e164: str) -> Number | None:
        """The number a call to ``e164`` reaches, whichever account owns it."""
        return self.store.number_by_e164(e164)

    def start_inbound_call(self, called_e164: str, caller: str, sip_call_id: str) -> InboundPlan:
        """Log a new inbound call and plan whom to ring."""
        number = self.store.number_by_e164(called_e164)
        if number is None:
            raise NotFound("number", called_e164)
        account_id = number.account_id
        teams = {t.id: t.members for t in self.store.list_teams(account_id)}
        plan = ring_plan(self.store.get_distribution(account_id, number.id), teams)
        names = {u.id: u.name for u in self.store.list_users(account_id)}
        blank = CallRecord(
            self._new_call_id(),
            account_id,
            number.id,
            caller,
            number.e164,
            started_at=self.clock.now(account_id),
        )
        call = calls.open_call(
            blank,
            number_label=f"{number.name} ({number.e164})",
            offers=offers_for(plan, names),
            sip_call_id=sip_call_id,
        )
        self.store.save_call(call)
        requester = self.end_users.identify_caller(account_id, call.call_id, caller)
        self._call_event(
            call,
            "call.created",
            sip_call_id=sip_call_id,
            requester_id=requester.requester_id,
            identified=requester.how.value,
            **{"from": caller, "to": number.e164},
        )
        if call.status is not None:
            self._ended_event(call)
        return inbound_plan(
            call.call_id, account_id, number.id, plan, names, self.reachable_contacts
        )

    def refuse_inbound_call(
        self, called_e164: str, caller: str, sip_call_id: str, reason: str
    ) -> CallRecord | None:
        """Log a call refused before anyone rang (its offer could not be used; 488 sent).

        The call log gets an entry with status ``refused`` and ``reason`` (what the caller was
        told); the number's account gets a ``call.refused`` event (nobody else: that would tell
        outsiders which numbers exist). A number nobody owns logs nothing: None.
        """
        number = self.store.number_by_e164(called_e164)
        if number is None:
            return None
        blank = CallRecord(
            self._new_call_id(),
            number.account_id,
            number.id,
            caller,
            number.e164,
            started_at=self.clock.now(number.account_id),
        )
        call = calls.refuse(
            blank,
            number_label=f"{number.name} ({number.e164})",
            sip_call_id=sip_call_id,
            reason=reason,
        )
        self.store.save_call(call)
        self._call_event(
            call,
            "call.refused",
            sip_call_id=sip_call_id,
            status=488,
            reason=reason,
            **{"from": caller},
        )
        return call

    def record_sip_call_id(self, call_id: str, sip_call_id: str) -> None:
        """Remember the SIP Call-ID of another leg (an agent's) of this call."""
        call = self._call(call_id)
        self.store.save_call(calls.add_sip_call_id(call, sip_call_id))

    def agent_ringing(self, call_id: str, user_id: str) -> CallRecord:
        """A user's phone rings for this call."""
        call = calls.ringing(self._call(call_id), user_id, self.clock.now(self._account(call_id)))
        self.store.save_call(call)
        self._call_event(call, "call.ringing", user_id=user_id)
        self.tickets.call_queued(call)  # with omnichannel routing, the queue makes a ticket
        return call

    def answer_attempt(self, call_id: str, user_id: str) -> AnswerDecision:
        """A user answers; the decision says whether the answer is registered."""
        before = self._call(call_id)
        call, decision = calls.answer_attempt(before, user_id, self.clock.now(before.account_id))
        if call == before:
            return decision
        self.store.save_call(call)
        self._call_event(
            call,
            "call.answer_attempt",
            user_id=user_id,
            registered=decision.registered,
            refusal=decision.refusal.value if decision.refusal else None,
        )
        if decision.registered:
            self._call_event(call, "call.answered", user_id=user_id)
            self.tickets.inbound_answered(call)
        return decision

    def answer_would_register(self, call_id: str, user_id: str) -> bool:
        """Whether an answer by ``user_id`` would be registered now (a question, no change)."""
        return calls.answer_would_register(self._call(call_id), user_id)

    def answer_not_connected(self, call_id: str, user_id: str, reason: str) -> CallRecord:
        """A user answered a call whose customer was never connected: an attempt is logged."""
        before = self._call(call_id)
        call = calls.answer_not_connected(
            before, user_id, self.clock.now(before.account_id), reason
        )
        self.store.save_call(call)
        self._call_event(
            call, "call.answer_attempt", user_id=user_id, registered=False, refusal="not_connected"
        )
        return call

    def call_held(self, call_id: str, by: str) -> CallRecord:
        """One side put the call on hold (``by``: "agent" or "caller")."""
        before = self._call(call_id)
        call = calls.hold(before, self.clock.now(before.account_id), by)
        if call != before:
            self.store.save_call(call)
            self._call_event(call, "call.held", by=by)
        return call

    def call_resumed(self, call_id: str, by: str) -> CallRecord:
        """The call came back from hold."""
        before = self._call(call_id)
        call = calls.resume(before, self.clock.now(before.account_id), by)
        if call != before:
            self.store.save_call(call)
            self._call_event(call, "call.resumed", by=by, hold_s=call.hold_s)
        return call

    def transfer_call(
        self,
        account_id: str,
        call_id: str,
        by_user_id: str,
        target_id: str,
        target_name: str,
        *,
        queue: tuple[str, tuple[tuple[str, str], ...]] | None = None,
    ) -> CallRecord:
        """``by_user_id`` hands the answered call to the user ``target_id`` or, with ``queue``,
        to the queue ``target_id`` (a blind transfer); the rules are :func:`calls.transfer`'s.
        A refusal changes nothing."""
        before = self.get_call(account_id, call_id)
        now = self.clock.now(account_id)
        call = calls.transfer(before, by_user_id, target_id, target_name, now, queue=queue)
        self.store.save_call(call)
        kind = "queue" if queue is not None else "user"
        self._call_event(call, "call.transferred", by=by_user_id, to=target_id, to_type=kind)
        return call

    def ring_timeout(self, call_id: str, user_id: str) -> CallRecord:
        """A user's ring time ran out: the timeline says they did not answer."""
        before = self._call(call_id)
        call = calls.no_answer(before, user_id, self.clock.now(before.account_id))
        if call != before:
            self.store.save_call(call)
            self._call_event(call, "call.no_answer", user_id=user_id)
        return call

    def call_ended(self, call_id: str, ended_by: str, reason: str = "") -> CallRecord:
        """The call is over; its status is logged. Ending an ended call changes nothing.

        A repeat is expected, not an error: both sides can hang up at once (RFC 3261 §15).
        """
        try:
            by = EndedBy(ended_by)
        except ValueError:
            raise ValueError(
                f"ended_by must be caller, agent or system, not {ended_by!r}"
            ) from None
        before = self._call(call_id)
        if before.ended_at is not None:
            return before
        call = calls.end(before, self.clock.now(before.account_id), by, reason)
        self.store.save_call(call)
        self._ended_event(call)
        self.tickets.call_ended(call)
        return call

    def close_interrupted_calls(self) -> list[CallRecord]:
        """At start: end every call a crash left in progress (H-REL-1), in one transaction.

        Nothing of such a call survives in this process (no dialog, no media), so it would
        otherwise stay "in progress" for ever. Returns the calls closed.
        """
        closed = [
            calls.close_interrupted(call, self.clock.now(call.account_id))
            for call in self.store.calls_in_progress()
        ]
        with self.store.transaction():
            for call in closed:
                self.store.save_call(call)
        for call in closed:
            self._ended_event(call)
            self.tickets.call_ended(call)
        return closed

    def get_call(self, account_id: str, call_id: str) -> CallRecord:
        """The account's call, or :class:`NotFound`."""
        call = self.store.get_call(account_id, call_id)
        if call is None:
            raise NotFound("call", call_id)
        return call

    def list_calls(self, account_id: str, number_id: str | None = None) -> list[CallRecord]:
        """The account's call log, newest first."""
        return self.store.list_calls(account_id, number_id)

    # --- helpers ------------------------------------------------------------------------------

    def _new_call_id(self) -> str:
        while True:
            candidate = f"CALL-{secrets.randbelow(10**10):010d}"
            if self.store.account_of_call(candidate) is None:
                return candidate

    def _account(self, call_id: str) -> str:
        account_id = self.store.account_of_call(call_id)
        if account_id is None:
            raise NotFound("call", call_id)
        return account_id

    def _call(self, call_id: str) -> CallRecord:
        return self.get_call(self._account(call_id), call_id)

    def _call_event(self, call: CallRecord, kind: str, **fields: Any) -> None:
        self._publish(
            call.account_id, kind, call_id=call.call_id, number_id=call.number_id, **fields
        )

    def _ended_event(self, call: CallRecord) -> None:
        self._call_event(
            call,
            "call.ended",
            status=call.status.value if call.status else None,
            ended_by=call.ended_by.value if call.ended_by else None,
            reason=call.end_reason,
            duration_s=call.duration_s,
        )

    def require_member(self, account_id: str, kind: MemberType, member_id: str, where: str) -> None:
        """:class:`NotFound` naming ``where`` unless the user or team exists in the account."""
        self._require_member(account_id, kind, member_id, where)

    def publish(self, account_id: str, kind: str, **fields: Any) -> None:
        """Publish an event of ``kind`` to the account's subscribers, stamped with its clock."""
        self._publish(account_id, kind, **fields)

    def _publish(self, account_id: str, kind: str, **fields: Any) -> None:
        at = iso_utc(self.clock.now(account_id))
        self.bus.publish(account_id, {"type": kind, "at": at, **fields})


def _member_type(value: str) -> MemberType:
    try:
        return MemberType(value)
    except ValueError:
        raise InvalidField("type", "must be user or team") from None


__all__ = [
    "ContactCenter",
    "InboundPlan",
    "RingStagePlan",
    "RingTarget",
    "SipAccount",
]
