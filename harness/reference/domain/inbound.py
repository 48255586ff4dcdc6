"""What the telephony edge is told about an inbound call, and the SIP credentials it checks.

Value types only, plus the pure steps that turn a :class:`.distribution.RingPlan` into the
offers kept with the call and the plan handed to the edge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .calls import Offer
from .distribution import RingPlan


@dataclass(frozen=True)
class SipAccount:
    """Digest credentials of a SIP phone and the user it registers as."""

    username: str
    password: str
    account_id: str
    user_id: str


@dataclass(frozen=True)
class RingTarget:
    """A user the edge should ring, at the contacts registered when the call arrived."""

    user_id: str
    user_name: str
    contacts: tuple[str, ...]
    in_sync: bool


@dataclass(frozen=True)
class RingStagePlan:
    """Users to ring together for ``ring_time_s`` seconds."""

    ring_time_s: int
    targets: tuple[RingTarget, ...]


@dataclass(frozen=True)
class InboundPlan:
    """What the edge does with a new inbound call.

    ``targets`` and ``ring_time_s`` are the first stage; ``stages`` lists every stage in order
    for edges that ring on when a stage goes unanswered. No targets: nobody is assigned, the
    call is already logged missed (AC-IN-1) and the edge should refuse it.
    """

    call_id: str
    account_id: str
    number_id: str
    targets: list[RingTarget]
    ring_time_s: int
    stages: tuple[RingStagePlan, ...] = field(default=())


def offers_for(plan: RingPlan, names: Mapping[str, str]) -> tuple[Offer, ...]:
    """The offers a call keeps: who is rung, at which stage, through which assignment."""
    return tuple(
        Offer(t.user_id, names[t.user_id], stage, t.via, t.in_sync)
        for stage, ring_stage in enumerate(plan.stages)
        for t in ring_stage.targets
    )


def inbound_plan(
    call_id: str,
    account_id: str,
    number_id: str,
    plan: RingPlan,
    names: Mapping[str, str],
    contacts_of: Callable[[str], list[str]],
) -> InboundPlan:
    """The plan handed to the edge, with each user's contacts looked up once."""
    stages = tuple(
        RingStagePlan(
            stage.ring_time_s,
            tuple(
                RingTarget(t.user_id, names[t.user_id], tuple(contacts_of(t.user_id)), t.in_sync)
                for t in stage.targets
            ),
        )
        for stage in plan.stages
    )
    first = stages[0] if stages else RingStagePlan(0, ())
    return InboundPlan(
        call_id, account_id, number_id, list(first.targets), first.ring_time_s, stages
    )
