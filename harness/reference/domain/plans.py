"""The account's plan: which parts of the agent app's conversation it includes (AC-IN-15).

The seed makes the conversation's content depend on the plan and on add-ons: the header's
*Add to Power Dialer* action exists on plans that include the Power Dialer, the context
snapshot's AI context only with the AI add-on (or its trial). The reference offers two plans
*(reference choice)*: ``essentials`` without the Power Dialer, ``professional`` with it; the
AI add-on is a separate switch. An account that never chose is on ``essentials`` without AI.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import InvalidField


class PlanName(StrEnum):
    ESSENTIALS = "essentials"
    PROFESSIONAL = "professional"


@dataclass(frozen=True)
class Plan:
    """What the account pays for."""

    name: PlanName = PlanName.ESSENTIALS
    ai_addon: bool = False

    @property
    def power_dialer(self) -> bool:
        """Whether *Add to Power Dialer* is offered in the conversation's header."""
        return self.name is PlanName.PROFESSIONAL

    @property
    def ai_context(self) -> bool:
        """Whether the context snapshot shows the AI context."""
        return self.ai_addon

    def as_dict(self) -> dict[str, object]:
        return {
            "plan": self.name.value,
            "ai_addon": self.ai_addon,
            "power_dialer": self.power_dialer,
            "ai_context": self.ai_context,
        }


DEFAULT_PLAN = Plan()


def parse_plan(name: object, ai_addon: object) -> Plan:
    """A plan from request fields; a wrong value is :class:`InvalidField` naming the field."""
    if not isinstance(name, str) or name not in {p.value for p in PlanName}:
        allowed = ", ".join(repr(p.value) for p in PlanName)
        raise InvalidField("plan", f"must be one of {allowed}, got {name!r}")
    if not isinstance(ai_addon, bool):
        raise InvalidField("ai_addon", f"must be true or false, got {ai_addon!r}")
    return Plan(PlanName(name), ai_addon)
