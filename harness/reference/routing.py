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

from .domain.errors import InvalidField
from .domain.hours import Channel, Scope, parse_channel, parse_schedule, parse_scope
from .domain.routing import (
    MESSAGE_NAMES,
    ChannelSettings,
    Deflection,
    Queue,
    QueueMember,
    RoutingConfig,
    VirtualAgent,
    config_from_json,
    validate_text,
)

if TYPE_CHECKING:
    from .service import ContactCenter


class Routing:
    """Routing of every account, kept in the store as one validated document per account."""

    def __init__(self, center: ContactCenter) -> None:
        self._center = center

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

    # --- helpers ------------------------------------------------------------------------------

    def _check_members(self, account_id: str, members: Sequence[QueueMember]) -> None:
        for i, member in enumerate(members):
            self._center.require_member(account_id, member.type, member.id, f"members[{i}].id")

    def _save(
        self, account_id: str, config: RoutingConfig, change: str, **fields: Any
    ) -> RoutingConfig:
        self._center.store.save_routing_document(account_id, json.dumps(config.to_json()))
        self._center.publish(account_id, "routing.changed", change=change, **fields)
        return config
