"""Voicemails left after hours (seed 004, CC-AH-18): who left one, for which queue, who is told.

The agents of the queue the caller reached when its hours had ended are notified; a voicemail
left on a root queue with no assignment (no agent to tell) becomes a CRM record instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .directory import TeamMember
from .distribution import MemberType
from .routing import Queue


@dataclass(frozen=True)
class Voicemail:
    """A caller's message; its audio is stored beside it."""

    id: str
    account_id: str
    call_id: str
    caller: str
    callback: str | None  # the number to call back, when the caller keyed one in
    queue_id: str | None
    created_at: datetime
    duration_s: float
    notified_user_ids: tuple[str, ...]
    crm_record: bool

    def to_json(self, at: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "call_id": self.call_id,
            "caller": self.caller,
            "callback": self.callback,
            "queue_id": self.queue_id,
            "created_at": at,
            "duration_s": self.duration_s,
            "notified_user_ids": list(self.notified_user_ids),
            "crm_record": self.crm_record,
        }


def recipients(
    queue: Queue, teams: Mapping[str, Sequence[TeamMember]]
) -> tuple[tuple[str, ...], bool]:
    """The users a voicemail on ``queue`` notifies, and whether it goes to the CRM instead.

    Team members count once each, in order. A root queue (no parent) with nobody assigned sends
    its voicemails to the CRM; a deeper queue with nobody assigned notifies nobody.
    """
    users: list[str] = []
    for member in queue.members:
        if member.type is MemberType.USER:
            users.append(member.id)
        else:
            users.extend(m.user_id for m in teams.get(member.id, ()))
    notified = tuple(dict.fromkeys(users))
    return notified, not notified and queue.parent_id is None
