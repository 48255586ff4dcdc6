"""Plain data the adapter contract speaks in: what any contact-center platform has.

These are the SUT's things as a user sees them, not the reference's internals.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Literal

MemberType = Literal["user", "team"]


@dataclass(frozen=True)
class SipCredentials:
    username: str
    password: str
    domain: str  # host:port of the SUT's registrar


@dataclass(frozen=True)
class Agent:
    id: str
    name: str
    email: str
    role: str
    sip: SipCredentials | None = None


@dataclass(frozen=True)
class Team:
    id: str
    name: str


@dataclass(frozen=True)
class Number:
    id: str
    e164: str
    name: str


@dataclass(frozen=True)
class RingToMember:
    type: MemberType
    id: str
    name: str


@dataclass(frozen=True)
class RingToWidget:
    """One "Ring to" widget of a number's call distribution."""

    index: int
    ring_time: int
    strategy: str
    members: tuple[RingToMember, ...]

    def has(self, member_type: MemberType, member_id: str) -> bool:
        return any(m.type == member_type and m.id == member_id for m in self.members)


@dataclass(frozen=True)
class Distribution:
    widgets: tuple[RingToWidget, ...]

    def widgets_with(self, member_type: MemberType, member_id: str) -> list[int]:
        return [w.index for w in self.widgets if w.has(member_type, member_id)]


class TimelineKind(enum.StrEnum):
    """The kinds of call-timeline entry an adapter reports (``TimelineEntry.kind``).

    An adapter translates its platform's own words into these; the checks read only these.
    """

    INCOMING = "incoming"
    UNROUTED = "unrouted"
    RINGING = "ringing"
    NO_ANSWER = "no_answer"
    ANSWERED = "answered"
    HELD = "held"
    RESUMED = "resumed"
    NOT_CONNECTED = "not_connected"
    REFUSED = "refused"
    ENDED = "ended"
    IVR = "ivr"  # the caller chose a branch of an IVR menu
    DEFLECTED = "deflected"  # after hours: to a queue, a number, voicemail or a message
    TRANSFERRED = "transferred"  # the agent on the call handed it to another agent


@dataclass(frozen=True)
class TimelineEntry:
    at: str
    kind: str  # a TimelineKind value
    text: str
    user_id: str | None = None


@dataclass(frozen=True)
class AnswerAttempt:
    user_id: str
    at: str
    registered: bool


@dataclass(frozen=True)
class CallLogEntry:
    """A call as the SUT's dashboard shows it. ``call_id`` is the SUT's Call ID (for support)."""

    call_id: str
    status: str  # "answered", "missed", "refused", "ringing", "in_progress", ...
    from_number: str
    to_number: str
    sip_call_ids: tuple[str, ...] = ()
    answered_by: str | None = None
    started_at: str | None = None
    answered_at: str | None = None
    ended_at: str | None = None
    duration_s: float | None = None
    hold_s: float = 0.0
    attempts: tuple[AnswerAttempt, ...] = ()
    timeline: tuple[TimelineEntry, ...] = field(default=())
    end_reason: str | None = None
    """Why the call ended, in the SUT's words (for ``refused``: what the caller was told);
    optional, an adapter whose SUT does not say leaves it None."""
    ivr_branch: str | None = None
    """The last IVR branch the caller chose (menu names from the root, e.g. ``Main > Sales``);
    None for a call that went through no IVR, or an adapter whose SUT does not say."""

    @property
    def is_final(self) -> bool:
        return self.ended_at is not None


@dataclass(frozen=True)
class ApiRoute:
    """One route of the SUT's HTTP API as the SUT publishes it, with the permission it needs."""

    method: str
    path: str  # the pattern, e.g. ``/users/{id}``
    permission: str
    websocket: bool = False

    @property
    def key(self) -> str:
        """``METHOD /path/{pattern}``: how the authorisation data file names the route."""
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class ApiToken:
    """A bearer token the SUT issued for a user: its id (to revoke it) and its secret."""

    id: str
    secret: str


@dataclass(frozen=True)
class EditOutcome:
    """What a page said after an edit: whether the SUT made it, and the page's own words."""

    done: bool
    message: str


@dataclass(frozen=True)
class CallLogRow:
    """One row of the dashboard's call log: the SUT's Call ID and the status word shown."""

    call_id: str
    status: str


@dataclass(frozen=True)
class ShownTimelineEntry:
    """One entry of a call's timeline as the dashboard shows it."""

    at: str
    text: str
