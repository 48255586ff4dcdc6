"""End users of the reference: profiles, their numbers, merges, and who each call is from.

The application service for :mod:`harness.reference.domain.end_users`: it reads what a rule
needs, applies the rule, writes the outcome in one transaction, then publishes what changed.
The HTTP API and the contact center's inbound calls both come through here.

:meth:`EndUsers.identify_caller` is what links a call to its requester as the call arrives;
whatever is made of a call later (a ticket) takes its requester from
:meth:`EndUsers.requester_of_call`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .clock import AccountClock, iso_utc
from .domain import end_users as rules
from .domain.end_users import (
    UNKNOWN_CALLER_NAME,
    CallRequester,
    EndUser,
    Identified,
    Merge,
)
from .domain.errors import NotFound
from .events import EventBus
from .store import Store


@dataclass(frozen=True)
class Requester:
    """A call's requester as it stands now: the linked profile after any merge, or the unknown
    caller's own ID (``profile`` None)."""

    link: CallRequester
    profile: EndUser | None

    @property
    def id(self) -> str:
        return self.profile.id if self.profile is not None else self.link.requester_id

    @property
    def name(self) -> str:
        return self.profile.name if self.profile is not None else UNKNOWN_CALLER_NAME


class EndUsers:
    """End-user profiles of every account, with the rules of seed 001 applied."""

    def __init__(self, store: Store, clock: AccountClock, bus: EventBus) -> None:
        self.store = store
        self.clock = clock
        self.bus = bus

    # --- profiles -----------------------------------------------------------------------------

    def create(self, account_id: str, name: str, phones: Sequence[str] = ()) -> EndUser:
        """A new profile; each number is added in order, as :meth:`add_phone` would."""
        user = EndUser(
            _new_id("eu_"), account_id, rules.validate_name(name), self.clock.now(account_id)
        )
        validation = self.store.phone_validation(account_id)
        for index, value in enumerate(phones):
            number = rules.validate_phone(value, e164_only=validation, field=f"phones[{index}]")
            holders = self.store.end_users_holding(account_id, number)
            user = rules.add_phone(user, _new_id("ph_"), number, holders)
        self.store.insert_end_user(user)
        self._publish(account_id, "end_user.created", user.id)
        return user

    def get(self, account_id: str, user_id: str) -> EndUser:
        """The account's profile (a merged one too, with ``merged_into``), or :class:`NotFound`."""
        user = self.store.get_end_user(account_id, user_id)
        if user is None:
            raise NotFound("end user", user_id)
        return user

    def find(self, account_id: str, phone: str | None = None) -> list[EndUser]:
        """The account's profiles, oldest first; with ``phone``, only those holding it."""
        if phone is not None:
            return self.store.end_users_holding(account_id, phone.strip())
        return self.store.list_end_users(account_id)

    def add_phone(self, account_id: str, user_id: str, value: str) -> EndUser:
        """Add a number: a direct line, or a shared number when it is another user's direct
        line (ZT-ID-4, 5); refused when it would be a second shared number (ZT-ID-8) or, with
        phone validation on, when it is not E.164 (ZT-ID-9)."""
        user = self.get(account_id, user_id)
        number = rules.validate_phone(value, e164_only=self.store.phone_validation(account_id))
        holders = self.store.end_users_holding(account_id, number)
        updated = rules.add_phone(user, _new_id("ph_"), number, holders)
        self.store.save_end_users([updated])
        self._publish(account_id, "end_user.changed", user.id, change="phone_added")
        return updated

    def remove_phone(self, account_id: str, user_id: str, phone_id: str) -> EndUser:
        """Take a number off a profile; the users sharing it keep it (ZT-ID-7)."""
        updated = rules.remove_phone(self.get(account_id, user_id), phone_id)
        self.store.save_end_users([updated])
        self._publish(account_id, "end_user.changed", user_id, change="phone_removed")
        return updated

    def merge(self, account_id: str, source_id: str, into_id: str) -> Merge:
        """Merge ``source_id`` into ``into_id`` (ZT-MRG-1, 2): calls linked to the source are
        the target's from now on."""
        source = self.get(account_id, source_id)
        try:
            target = self.get(account_id, into_id)
        except NotFound:
            raise NotFound("end user", into_id, field="into") from None
        merged = rules.merge(source, target)
        self.store.save_end_users([merged.source, merged.target])
        self._publish(
            account_id,
            "end_user.merged",
            merged.target.id,
            merged_id=source.id,
            dropped=[p.number for p in merged.dropped],
        )
        return merged

    # --- the account's phone validation ---------------------------------------------------------

    def phone_validation(self, account_id: str) -> bool:
        """Whether profiles of the account accept only E.164 numbers."""
        return self.store.phone_validation(account_id)

    def set_phone_validation(self, account_id: str, enabled: bool) -> None:
        """Switch phone validation on or off; numbers already stored are kept as they are."""
        self.store.set_phone_validation(account_id, enabled)
        self._publish(account_id, "end_user.settings_changed", None, phone_validation=enabled)

    # --- callers --------------------------------------------------------------------------------

    def identify_caller(self, account_id: str, call_id: str, caller: str) -> CallRequester:
        """Link the call ``call_id`` from ``caller`` (the number it comes from, as the SIP From
        gives it) to its requester, and return the link (ZT-ID-1, 2, 3, 6, 7).

        A known direct line: its owner. A number nobody has as a direct line: a new profile
        named with it, which the users sharing it no longer hold. No number: an ID of its own
        for this call. The link and any profile change are committed together; nothing is
        published here: the call's own ``call.created`` event names the requester.
        """
        number = rules.calling_number(caller)
        holders = self.store.end_users_holding(account_id, number) if number else []
        found = rules.identify(caller, holders)
        created: EndUser | None = None
        unlinked: list[EndUser] = []
        if found.how is Identified.UNKNOWN_CALLER:
            link = CallRequester(call_id, _new_id("unk_"), found.how, None)
        elif found.owner is not None:
            link = CallRequester(call_id, found.owner.id, found.how, found.owner.id)
        else:
            assert found.number is not None  # identify() found a number
            created = rules.caller_profile(
                _new_id("eu_"),
                account_id,
                _new_id("ph_"),
                found.number,
                self.clock.now(account_id),
            )
            unlinked = [rules.without_number(u, found.number) for u in found.unlink]
            link = CallRequester(call_id, created.id, found.how, created.id)
        # Published by the caller of this method, in the call's own ``call.created`` event.
        self.store.link_call_requester(account_id, link, created=created, unlinked=unlinked)
        return link

    def requester_of_call(self, account_id: str, call_id: str) -> Requester:
        """The requester of the account's call, after any merge, or :class:`NotFound`."""
        link = self.store.call_requester(account_id, call_id)
        if link is None:
            raise NotFound("requester of call", call_id)
        if link.end_user_id is None:
            return Requester(link, None)
        current = self.store.merged_target(account_id, link.end_user_id)
        return Requester(link, self.store.get_end_user(account_id, current))

    def _publish(self, account_id: str, kind: str, user_id: str | None, **fields: Any) -> None:
        at = iso_utc(self.clock.now(account_id))
        self.bus.publish(account_id, {"type": kind, "at": at, "end_user_id": user_id, **fields})


def _new_id(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(8)}"


__all__ = ["EndUsers", "Requester"]
