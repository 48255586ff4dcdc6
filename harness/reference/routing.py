"""The reference's routing service: hours, queues, IVR menus, deflection and messages.

The HTTP API (``api/routing.py``) and the telephony edge call it; the rules are the pure ones
of :mod:`.domain.routing` and :mod:`.domain.hours`. Each change reads the account's current
configuration, builds the changed one (validating everything first), stores it whole and
publishes ``routing.changed``; a refused change stores nothing, so the previous settings stay.

Other domains ask it one question above all: :meth:`Routing.is_open` ("is this queue / channel
/ language open now?") on the account's own clock.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from .domain import routed_calls
from .domain.calls import CallRecord
from .domain.distribution import (
    Distribution,
    Number,
    RingToMember,
    RingToWidget,
    Strategy,
    ring_plan,
)
from .domain.errors import InvalidField, NotFound
from .domain.hours import Channel, Scope, parse_channel, parse_schedule, parse_scope
from .domain.inbound import InboundPlan, inbound_plan, offers_for
from .domain.routing import (
    MESSAGE_NAMES,
    ChannelSettings,
    Deflection,
    Queue,
    QueueMember,
    RoutingConfig,
    TransferTarget,
    VirtualAgent,
    config_from_json,
    parse_carrier,
    transfer_targets,
    validate_text,
)
from .domain.voicemail import Voicemail, recipients
from .telephony.prompts import PromptRenderer

if TYPE_CHECKING:
    from .service import ContactCenter


def _new_call_id(center: ContactCenter) -> str:
    while True:
        candidate = f"CALL-{secrets.randbelow(10**10):010d}"
        if center.store.account_of_call(candidate) is None:
            return candidate


class Routing:
    """Routing of every account, kept in the store as one validated document per account."""

    def __init__(self, center: ContactCenter) -> None:
        self._center = center
        self.prompts = PromptRenderer()

    # --- reading ------------------------------------------------------------------------------

    def config(self, account_id: str) -> RoutingConfig:
        """The account's routing configuration (the default one if it never set any)."""
        text = self._center.store.routing_document(account_id)
        return RoutingConfig() if text is None else config_from_json(json.loads(text))

    def now(self, account_id: str) -> datetime:
        """The account's clock."""
        return self._center.clock.now(account_id)

    def is_open(
        self,
        account_id: str,
        *,
        queue_id: str | None = None,
        channel: Channel | str = Channel.IVR,
        language: str | None = None,
        at: datetime | None = None,
    ) -> tuple[bool, str]:
        """Whether the queue / channel / language is open at ``at`` (default: the account's
        clock now), and which schedule said so (``queue:<id>``, ``language:fr``, ``global``)."""
        config = self.config(account_id)
        if queue_id is not None:
            config.queue(queue_id)
        resolved = config.hours_for(queue_id, parse_channel(channel), language)
        return resolved.is_open(at or self.now(account_id)), resolved.source

    # --- hours --------------------------------------------------------------------------------

    def set_hours(
        self, account_id: str, scope: str, key: str | None, schedule: object | None
    ) -> RoutingConfig:
        """Set (or with ``schedule`` None, remove) one scope's hours (CC-AH-1)."""
        parsed_scope = parse_scope(scope)
        if parsed_scope is Scope.GLOBAL and key is not None:
            raise InvalidField("key", "the global scope takes no key")
        parsed = None if schedule is None else parse_schedule(schedule, "hours")
        config = self.config(account_id)
        hours = config.hours.with_schedule(parsed_scope, key, parsed)
        return self._save(account_id, config.with_hours(hours), "hours")

    # --- queues -------------------------------------------------------------------------------

    def create_queue(
        self,
        account_id: str,
        name: str,
        *,
        parent_id: str | None = None,
        digit: str | None = None,
        prompt: str | None = None,
        members: Sequence[QueueMember] = (),
        ring_time_s: int = 20,
        virtual_agent: VirtualAgent = VirtualAgent.NONE,
    ) -> Queue:
        """A new queue; with a parent, a menu entry picked by ``digit``."""
        self._check_members(account_id, members)
        queue = Queue(
            f"q_{secrets.token_hex(6)}",
            name,
            parent_id,
            digit,
            prompt,
            tuple(members),
            ring_time_s,
            virtual_agent=virtual_agent,
        )
        config = self.config(account_id).with_queue(queue)
        self._save(account_id, config, "queue.created", queue_id=queue.id)
        return config.queues[queue.id]

    def update_queue(self, account_id: str, queue_id: str, **changes: Any) -> Queue:
        """Change a queue's name, prompt, members, ring time, virtual agent or deflection."""
        config = self.config(account_id)
        queue = config.queue(queue_id)
        if "members" in changes:
            self._check_members(account_id, changes["members"])
            changes["members"] = tuple(changes["members"])
        updated = config.with_queue(replace(queue, **changes))
        self._save(account_id, updated, "queue.updated", queue_id=queue_id)
        return updated.queues[queue_id]

    def delete_queue(self, account_id: str, queue_id: str) -> None:
        """Remove a queue that nothing leads to any more."""
        config = self.config(account_id).without_queue(queue_id)
        self._save(account_id, config, "queue.deleted", queue_id=queue_id)

    def set_override(
        self, account_id: str, queue_id: str, channel: str, deflection: Deflection | None
    ) -> Queue:
        """A leaf queue's own after-hours deflection for a channel (CC-AH-13, 14).

        Overrides exist for the IVR, mobile and SMS channels of leaf queues, never for web.
        """
        parsed = parse_channel(channel)
        if parsed is Channel.WEB:
            raise InvalidField(
                "channel", "web has no per-queue after-hours override; set it globally"
            )
        if parsed is not Channel.IVR:
            raise InvalidField(
                "channel", f"{parsed.value} overrides are not set through this route"
            )
        config = self.config(account_id)
        if not config.is_leaf(queue_id):
            raise InvalidField("queue_id", "overrides are set on leaf queues")
        checked = None if deflection is None else config.checked_deflection(deflection, "override")
        return self.update_queue(account_id, queue_id, ivr_override=checked)

    def set_entry(self, account_id: str, number_id: str, queue_id: str | None) -> RoutingConfig:
        """Make a number enter the queue tree at ``queue_id`` (None: back to its "Ring to")."""
        self._center.get_number(account_id, number_id)
        config = self.config(account_id).with_entry(number_id, queue_id)
        return self._save(account_id, config, "entry", number_id=number_id)

    # --- channel settings and messages --------------------------------------------------------

    def set_channel_settings(
        self,
        account_id: str,
        family: str,
        *,
        deflection_enabled: bool,
        deflection: Deflection | None,
        allow_after_hours_transfers: bool,
    ) -> ChannelSettings:
        """Settings > Call (``calls``) or Settings > Chat (``chats``)."""
        if family not in ("calls", "chats"):
            raise InvalidField("family", "must be calls or chats")
        config = self.config(account_id)
        checked = (
            None if deflection is None else config.checked_deflection(deflection, "deflection")
        )
        settings = ChannelSettings(deflection_enabled, checked, allow_after_hours_transfers)
        if family == "calls":
            updated = replace(config, calls=settings)
        else:
            updated = replace(config, chats=settings)
        self._save(account_id, updated, family)
        return settings

    def set_messages(self, account_id: str, changes: Mapping[str, object]) -> RoutingConfig:
        """Change some of the configurable messages (CC-AH-10, 19); the rest are kept."""
        values: dict[str, str] = {}
        for name, value in changes.items():
            if name not in MESSAGE_NAMES:
                raise InvalidField(name, f"unknown message; known: {', '.join(MESSAGE_NAMES)}")
            if not isinstance(value, str):
                raise InvalidField(name, "must be a string")
            text = validate_text(value, name, required=True)
            assert text is not None
            values[name] = text
        config = self.config(account_id)
        return self._save(
            account_id, replace(config, messages=replace(config.messages, **values)), "messages"
        )

    def set_carrier(self, account_id: str, host: object, port: object) -> RoutingConfig:
        """Where calls redirected to outside numbers go (a SIP address on loopback)."""
        carrier = parse_carrier(host, port)
        return self._save(account_id, replace(self.config(account_id), carrier=carrier), "carrier")

    # --- prompts ------------------------------------------------------------------------------

    def prompt_text(self, account_id: str, name: str) -> str:
        """The text of a prompt by name: ``menu-<queue id>`` (a menu), ``message-<message>``
        (a configurable message), ``override-<queue id>`` (a queue override's own text),
        ``deflection-calls`` (the global call deflection's own text)."""
        config = self.config(account_id)
        kind, _, key = name.partition("-")
        if kind == "menu" and key in config.queues and not config.is_leaf(key):
            return config.menu_prompt(key)
        if kind == "message" and key in MESSAGE_NAMES:
            return str(getattr(config.messages, key))
        if kind == "override" and key in config.queues:
            override = config.queues[key].ivr_override
            if override is not None and override.text:
                return override.text
        if kind == "deflection" and key == "calls":
            deflection = config.calls.deflection
            if deflection is not None and deflection.text:
                return deflection.text
        raise NotFound("prompt", name)

    # --- calls entering the queue tree ---------------------------------------------------------

    def entry_queue(self, number: Number) -> str | None:
        """The root queue calls to ``number`` enter, if the number is in the tree."""
        return self.config(number.account_id).entries.get(number.id)

    def start_routed_call(self, number: Number, caller: str, sip_call_id: str) -> CallRecord:
        """Log a call to a number that enters the queue tree (nobody offered yet)."""
        center = self._center
        blank = CallRecord(
            _new_call_id(center),
            number.account_id,
            number.id,
            caller,
            number.e164,
            started_at=center.clock.now(number.account_id),
        )
        label = f"{number.name} ({number.e164})"
        call = routed_calls.open_routed(blank, number_label=label, sip_call_id=sip_call_id)
        center.store.save_call(call)
        self._call_event(
            call, "call.created", sip_call_id=sip_call_id, **{"from": caller, "to": number.e164}
        )
        return call

    def chose(self, call_id: str, names: Sequence[str], keys: str) -> None:
        """The caller chose a branch of the menus (``names`` from the root, ``keys`` pressed)."""
        call = self._center.get_call(self._account(call_id), call_id)
        at = self.now(call.account_id)
        self._center.store.save_call(routed_calls.chose_branch(call, at, names, keys))
        self._call_event(call, "call.ivr", branch=" > ".join(names), keys=keys)

    def deflection_for(self, account_id: str, leaf_id: str) -> Deflection | None:
        """How a call reaching ``leaf_id`` now is deflected (None: it rings the queue)."""
        return self.config(account_id).after_hours_deflection(leaf_id, self.now(account_id))

    def deflected(self, call_id: str, text: str, **fields: Any) -> None:
        """Log a deflection on the call and publish ``call.deflected``."""
        call = self._center.get_call(self._account(call_id), call_id)
        at = self.now(call.account_id)
        self._center.store.save_call(routed_calls.deflected(call, at, text))
        self._call_event(call, "call.deflected", text=text, **fields)

    def ring_queue(self, call_id: str, queue_id: str) -> InboundPlan:
        """Offer the call to the members of a leaf queue; the plan says whom the edge rings."""
        center = self._center
        account_id = self._account(call_id)
        call = center.get_call(account_id, call_id)
        queue = self.config(account_id).queue(queue_id)
        widget = RingToWidget(
            queue.ring_time_s,
            Strategy.SIMULTANEOUS,
            tuple(RingToMember(m.type, m.id) for m in queue.members),
        )
        teams = {t.id: t.members for t in center.store.list_teams(account_id)}
        plan = ring_plan(Distribution(queue.id, (widget,)), teams)
        names = {u.id: u.name for u in center.store.list_users(account_id)}
        offers = offers_for(plan, names)
        at = self.now(account_id)
        center.store.save_call(routed_calls.offered(call, at, queue.name, offers))
        self._call_event(call, "call.queued", queue_id=queue.id, queue=queue.name)
        return inbound_plan(
            call_id, account_id, call.number_id, plan, names, center.reachable_contacts
        )

    # --- transfer targets ---------------------------------------------------------------------

    def transfer_targets(self, account_id: str, family: str) -> list[TransferTarget]:
        """The queues agents may transfer a call (``calls``) or chat (``chats``) to now."""
        if family not in ("calls", "chats"):
            raise InvalidField("family", "must be calls or chats")
        config = self.config(account_id)
        teams = {t.id: t.members for t in self._center.store.list_teams(account_id)}

        def logged_in(queue: Queue) -> bool:
            users, _ = recipients(queue, teams)
            return any(self._center.reachable_contacts(u) for u in users)

        return transfer_targets(config, family, self.now(account_id), logged_in)

    # --- voicemail ----------------------------------------------------------------------------

    def voicemail_left(
        self, call_id: str, queue_id: str, audio: np.ndarray, callback: str | None = None
    ) -> Voicemail:
        """Keep a caller's message left on ``queue_id`` and tell whom it concerns (CC-AH-18).

        Publishes ``voicemail.left`` (with the users notified, or ``crm_record``): the event
        other domains (tickets) hook on.
        """
        center = self._center
        account_id = self._account(call_id)
        call = center.get_call(account_id, call_id)
        queue = self.config(account_id).queue(queue_id)
        teams = {t.id: t.members for t in center.store.list_teams(account_id)}
        notified, crm = recipients(queue, teams)
        now = self.now(account_id)
        voicemail = Voicemail(
            id=f"vm_{secrets.token_hex(8)}",
            account_id=account_id,
            call_id=call_id,
            caller=call.caller,
            callback=callback,
            queue_id=queue_id,
            created_at=now,
            duration_s=round(len(audio) / 8000, 3),
            notified_user_ids=notified,
            crm_record=crm,
        )
        center.store.insert_voicemail(voicemail, audio.astype("<i2").tobytes())
        center.tickets.voicemail_left(call, voicemail.id)  # the call becomes a ticket (ZT-TKT-3)
        names = {u.id: u.name for u in center.store.list_users(account_id)}
        told = ", ".join(names.get(u, u) for u in notified) or "nobody"
        where = "kept as a CRM record" if crm else f"notified: {told}"
        text = f"Voicemail left on queue {queue.name} ({voicemail.duration_s:.1f} s); {where}"
        center.store.save_call(routed_calls.deflected(call, now, text))
        self._call_event(
            call,
            "voicemail.left",
            voicemail_id=voicemail.id,
            queue_id=queue_id,
            notified_user_ids=list(notified),
            crm_record=crm,
            duration_s=voicemail.duration_s,
        )
        return voicemail

    def voicemails(self, account_id: str) -> list[Voicemail]:
        """The account's voicemails, newest first."""
        return self._center.store.list_voicemails(account_id)

    def voicemail_audio(self, account_id: str, voicemail_id: str) -> np.ndarray:
        """A voicemail's audio (8 kHz int16), or :class:`NotFound`."""
        raw = self._center.store.voicemail_audio(account_id, voicemail_id)
        if raw is None:
            raise NotFound("voicemail", voicemail_id)
        return np.frombuffer(raw, dtype="<i2").astype(np.int16)

    # --- helpers ------------------------------------------------------------------------------

    def _account(self, call_id: str) -> str:
        account_id = self._center.store.account_of_call(call_id)
        if account_id is None:
            raise NotFound("call", call_id)
        return account_id

    def _call_event(self, call: CallRecord, kind: str, **fields: Any) -> None:
        self._center.publish(
            call.account_id, kind, call_id=call.call_id, number_id=call.number_id, **fields
        )

    def _check_members(self, account_id: str, members: Sequence[QueueMember]) -> None:
        for i, member in enumerate(members):
            self._center.require_member(account_id, member.type, member.id, f"members[{i}].id")

    def _save(
        self, account_id: str, config: RoutingConfig, change: str, **fields: Any
    ) -> RoutingConfig:
        self._center.store.save_routing_document(account_id, json.dumps(config.to_json()))
        self._center.publish(account_id, "routing.changed", change=change, **fields)
        return config
