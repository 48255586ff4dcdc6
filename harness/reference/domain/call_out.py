"""Whether an agent may call a customer out from a hotline, and the error code when not (SG-ERR).

A *hotline* is one of the account's numbers seen as a line agents call out from. Its call-out
configuration (changed by an administrator only, SG-ERR-4) says whether it allows calling out
at all and which groups (the account's teams) may: all of them, or the listed ones. The
account keeps a blacklist of customer numbers no call may go to, and one user is one account:
a user who is already in a call (the same account used by two people, a call left stuck by a
reload) cannot place another.

:func:`decide` is the one place these rules are applied, in the order the help-center article
lists its error codes. Each refusal carries the code the article names; the caller gives it a
Call ID so that support can find the failed attempt (SG-ERR-10, 11).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .distribution import validate_e164
from .errors import InvalidField
from .sms import validate_gateway_url


class CallOutCode(enum.StrEnum):
    """The error codes of failed outbound calls, as the agent's screen shows them."""

    FROM_NUMBER_NOT_FOUND = "FROM_NUMBER_NOT_FOUND"
    FROM_NUMBER_NOT_ALLOWS_AGENT_CALL_OUT = "FROM_NUMBER_NOT_ALLOWS_AGENT_CALL_OUT"
    TO_NUMBER_NOT_ALLOWS_CALLOUT = "TO_NUMBER_NOT_ALLOWS_CALLOUT"
    AGENT_NOT_FOUND_OR_IN_ANOTHER_CALL = "AGENT_NOT_FOUND_OR_IN_ANOTHER_CALL"
    REQUEST_ANSWER_URL_ERROR = "REQUEST_ANSWER_URL_ERROR"


class CallMode(enum.StrEnum):
    """How the agent asked for the call: ``call_out`` reaches a customer's phone through the
    carrier; ``app`` calls another user of the contact center's apps (an internal call), so a
    customer's number dialled in that mode rings nowhere (SG-ERR-13)."""

    CALL_OUT = "call_out"
    APP = "app"


#: Bounds of the settings in seconds (the stuck-call timeout, SG-ERR-9, and the answer URL's).
SECONDS_MIN = 0.5
SECONDS_MAX = 600.0
#: The article says a stuck call ends "after about one minute".
STUCK_TIMEOUT_DEFAULT_S = 60.0
HOTLINE_FIELDS = ("allow_call_out", "all_groups", "groups")


@dataclass(frozen=True)
class Hotline:
    """A number's call-out configuration; a number nobody configured allows every group."""

    number_id: str
    allow_call_out: bool = True
    all_groups: bool = True
    groups: tuple[str, ...] = ()  # team ids allowed when not all groups are
    deleted: bool = False

    def to_json(self) -> dict[str, Any]:
        """The configuration as the API shows it."""
        return {
            "number_id": self.number_id,
            "allow_call_out": self.allow_call_out,
            "all_groups": self.all_groups,
            "groups": list(self.groups),
            "deleted": self.deleted,
        }


@dataclass(frozen=True)
class CallOutSettings:
    """The account's call-out settings: the answer URL asked before each call (none: not
    asked) and how long a call whose agent went silent lasts before it is ended."""

    answer_url: str | None = None
    answer_timeout_s: float = 2.0
    stuck_call_timeout_s: float = STUCK_TIMEOUT_DEFAULT_S

    def to_json(self) -> dict[str, Any]:
        """The settings as the API shows them."""
        return {
            "answer_url": self.answer_url,
            "answer_timeout_s": self.answer_timeout_s,
            "stuck_call_timeout_s": self.stuck_call_timeout_s,
        }


@dataclass(frozen=True)
class CallOutRequest:
    """Everything :func:`decide` looks at for one attempt."""

    hotline: Hotline | None  # None: the account has no such number
    agent_teams: frozenset[str]
    to: str
    blacklist: frozenset[str]
    agent_reachable: bool  # the agent has a phone (or app) the call can ring
    agent_in_call: bool  # the agent's account is already in a live call
    agent_name: str = ""


@dataclass(frozen=True)
class CallOutRefusal:
    """Why the attempt failed: the article's code and a sentence saying what to do."""

    code: CallOutCode
    message: str


#: The HTTP status of each refusal: the line is missing (404), the account's configuration
#: forbids the call (403), the agent is busy or unreachable (409), the answer URL failed (502).
REFUSAL_STATUS = {
    CallOutCode.FROM_NUMBER_NOT_FOUND: 404,
    CallOutCode.FROM_NUMBER_NOT_ALLOWS_AGENT_CALL_OUT: 403,
    CallOutCode.TO_NUMBER_NOT_ALLOWS_CALLOUT: 403,
    CallOutCode.AGENT_NOT_FOUND_OR_IN_ANOTHER_CALL: 409,
    CallOutCode.REQUEST_ANSWER_URL_ERROR: 502,
}


def decide(request: CallOutRequest) -> CallOutRefusal | None:
    """The refusal for ``request``, or None when the call may be placed."""
    hotline = request.hotline
    if hotline is None or hotline.deleted:
        return CallOutRefusal(
            CallOutCode.FROM_NUMBER_NOT_FOUND,
            "the hotline was deleted or does not exist: give support the Call ID",
        )
    if not hotline.allow_call_out:
        return CallOutRefusal(
            CallOutCode.FROM_NUMBER_NOT_ALLOWS_AGENT_CALL_OUT,
            "the hotline does not allow calling out: an admin turns on 'allow call out'",
        )
    if not hotline.all_groups and not request.agent_teams & set(hotline.groups):
        return CallOutRefusal(
            CallOutCode.FROM_NUMBER_NOT_ALLOWS_AGENT_CALL_OUT,
            "the user is in no group allowed to call out from this hotline: an admin allows"
            " all groups or adds the user to an allowed group",
        )
    if request.to in request.blacklist:
        return CallOutRefusal(
            CallOutCode.TO_NUMBER_NOT_ALLOWS_CALLOUT,
            f"the customer's number {request.to} is on the blacklist",
        )
    if request.agent_in_call:
        return CallOutRefusal(
            CallOutCode.AGENT_NOT_FOUND_OR_IN_ANOTHER_CALL,
            f"{request.agent_name or 'the agent'} is already in another call (an account"
            " shared by several users, or a call left stuck by a reload)",
        )
    if not request.agent_reachable:
        return CallOutRefusal(
            CallOutCode.AGENT_NOT_FOUND_OR_IN_ANOTHER_CALL,
            f"{request.agent_name or 'the agent'} has no registered phone to place the call"
            " from: give support the Call ID",
        )
    return None


def answer_url_refusal(problem: str) -> CallOutRefusal:
    """The refusal when the answer URL could not be asked how to connect the call."""
    return CallOutRefusal(
        CallOutCode.REQUEST_ANSWER_URL_ERROR,
        f"the answer URL request failed ({problem}): give support the Call ID",
    )


def update_hotline(hotline: Hotline, changes: Mapping[str, Any], teams: Iterable[str]) -> Hotline:
    """``hotline`` with ``changes`` applied; a bad member is refused naming it."""
    known = set(teams)
    updated = hotline
    for name, value in changes.items():
        if name not in HOTLINE_FIELDS:
            raise InvalidField(
                name, f"unknown setting; expected one of {', '.join(HOTLINE_FIELDS)}"
            )
        if name in ("allow_call_out", "all_groups"):
            if not isinstance(value, bool):
                raise InvalidField(name, "must be true or false")
            if name == "allow_call_out":
                updated = replace(updated, allow_call_out=value)
            else:
                updated = replace(updated, all_groups=value)
        else:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InvalidField(name, "must be a list of group (team) ids")
            for index, team_id in enumerate(value):
                if team_id not in known:
                    raise InvalidField(f"{name}[{index}]", f"no group {team_id!r} in the account")
            updated = replace(updated, groups=tuple(dict.fromkeys(value)))
    return updated


def update_settings(settings: CallOutSettings, changes: Mapping[str, Any]) -> CallOutSettings:
    """``settings`` with ``changes`` applied; a bad member is refused naming it."""
    updated = settings
    for name, value in changes.items():
        if name == "answer_url":
            if value is not None and not isinstance(value, str):
                raise InvalidField(name, "must be an http(s) URL or null")
            # Like the SMS gateway's: the reference never sends beyond this machine.
            url = validate_gateway_url(value, name) if value is not None else None
            updated = replace(updated, answer_url=url)
        elif name in ("stuck_call_timeout_s", "answer_timeout_s"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidField(name, "must be a number of seconds")
            if not SECONDS_MIN <= float(value) <= SECONDS_MAX:
                raise InvalidField(name, f"must be between {SECONDS_MIN:g} and {SECONDS_MAX:g}")
            if name == "stuck_call_timeout_s":
                updated = replace(updated, stuck_call_timeout_s=float(value))
            else:
                updated = replace(updated, answer_timeout_s=float(value))
        else:
            raise InvalidField(
                name, "unknown setting; expected answer_url, answer_timeout_s, stuck_call_timeout_s"
            )
    return updated


def blocked_number(value: object) -> str:
    """A number for the blacklist (E.164), or InvalidField naming ``number``."""
    if not isinstance(value, str):
        raise InvalidField("number", "must be an E.164 number")
    return validate_e164(value, "number")


def call_mode(value: object) -> CallMode:
    """The mode an outbound call is placed in (default ``call_out``)."""
    if value is None:
        return CallMode.CALL_OUT
    try:
        return CallMode(str(value))
    except ValueError:
        raise InvalidField("mode", "must be 'call_out' or 'app'") from None
