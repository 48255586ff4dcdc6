"""Domain objects as the JSON the API returns.

Assignment sync states are internal (a fault the reference can inject) and never appear here:
a client sees what a user of a real contact center would see.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..clock import iso_utc
from ..domain.calls import CallRecord
from ..domain.directory import Team, User
from ..domain.distribution import Distribution, MemberType, Number
from ..domain.routed_calls import ivr_branch

JSON = dict[str, Any]


def user_shape(user: User) -> JSON:
    """A user with the SIP credentials its phone registers with."""
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": user.role.value,
        "custom_role": user.custom_role,
        "sip": {"username": user.sip_username, "password": user.sip_password},
    }


def team_shape(team: Team, names: Mapping[str, str]) -> JSON:
    """A team and its members in order (no sync state)."""
    return {
        "id": team.id,
        "name": team.name,
        "members": [{"id": m.user_id, "name": names.get(m.user_id, "")} for m in team.members],
    }


def number_shape(number: Number) -> JSON:
    """A number."""
    return {"id": number.id, "e164": number.e164, "name": number.name}


def distribution_shape(
    distribution: Distribution, names: Mapping[tuple[MemberType, str], str]
) -> JSON:
    """The "Ring to" widgets of a number, each member named (no sync state)."""
    return {
        "number_id": distribution.number_id,
        "widgets": [
            {
                "index": index,
                "ring_time": widget.ring_time_s,
                "strategy": widget.strategy.value,
                "members": [
                    {"type": m.type.value, "id": m.id, "name": names.get((m.type, m.id), "")}
                    for m in widget.members
                ],
            }
            for index, widget in enumerate(distribution.widgets)
        ],
    }


def call_shape(call: CallRecord) -> JSON:
    """A call as the call log shows it, with its answer attempts and timeline."""
    answered_name = next((o.user_name for o in call.offers if o.user_id == call.answered_by), None)
    return {
        "call_id": call.call_id,
        "sip_call_ids": list(call.sip_call_ids),
        "number_id": call.number_id,
        "from": call.caller,
        "to": call.called,
        "state": call.state.value,
        "status": call.status.value if call.status else None,
        "started_at": iso_utc(call.started_at),
        "answered_at": _time(call.answered_at),
        "ended_at": _time(call.ended_at),
        "duration_s": call.duration_s,
        "hold_s": call.hold_s,
        "transfer_s": call.transfer_s,
        "answered_by": call.answered_by,
        "answered_by_name": answered_name,
        "ended_by": call.ended_by.value if call.ended_by else None,
        "end_reason": call.end_reason,
        "ivr_branch": ivr_branch(call),
        "routed_to": [
            {
                "user_id": o.user_id,
                "user_name": o.user_name,
                "stage": o.stage,
                "via": {"type": o.via.kind.value, "id": o.via.id},
            }
            for o in call.offers
        ],
        "attempts": [
            {
                "user_id": a.user_id,
                "user_name": a.user_name,
                "at": iso_utc(a.at),
                "registered": a.registered,
            }
            for a in call.attempts
        ],
        "timeline": [
            {"at": iso_utc(e.at), "kind": e.kind.value, "user_id": e.user_id, "text": e.text}
            for e in call.timeline
        ],
    }


def _time(moment: Any) -> str | None:
    return iso_utc(moment) if moment is not None else None
