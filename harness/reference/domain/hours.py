"""Business hours: weekly opening times in a time zone, with holidays, globally and per scope.

Seed 004 (CC-AH-1): hours are set for the whole help center and, where needed, per queue, per
channel and per language; a customer is deflected by the hours of the queue, language or
channel they chose or were routed to. Here that is :class:`BusinessHours`, whose
:meth:`BusinessHours.resolve` picks the most specific schedule that is set, in the order
queue, then language, then channel, then the global one, and :meth:`Schedule.is_open` answers
for one instant.

Everything is pure: instants come in as aware datetimes (the account's clock), and a schedule
is read in its own time zone (``zoneinfo``), so "09:00-17:00 Europe/Paris" follows Paris's
summer time. A holiday is a whole local day closed. Hours run within a day: an opening that
crosses midnight is two openings (``22:00-24:00`` on one day, ``00:00-06:00`` the next).

Parsing validates everything before anything is built, and names the field at fault: an
inverted opening (``17:00-09:00``), overlapping openings on the same day, a malformed time or
day, an unknown time zone.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InvalidField

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = datetime.weekday()
_OPENING = re.compile(r"^([0-2][0-9]):([0-5][0-9])-([0-2][0-9]):([0-5][0-9])$")
MAX_HOLIDAYS = 400
MAX_OPENINGS_PER_DAY = 12


class Channel(enum.StrEnum):
    """The ways a customer reaches the help center (seed 004)."""

    IVR = "ivr"  # phone calls
    MOBILE = "mobile"
    WEB = "web"
    SMS = "sms"
    CHAT = "chat"


class Scope(enum.StrEnum):
    """What a schedule applies to."""

    GLOBAL = "global"
    QUEUE = "queue"
    CHANNEL = "channel"
    LANGUAGE = "language"


_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # BCP 47, loosely


@dataclass(frozen=True, order=True)
class Opening:
    """Open from ``start`` to ``end`` minutes after local midnight (``end`` may be 1440)."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


@dataclass(frozen=True)
class Schedule:
    """When one scope is open: weekly openings in ``timezone``, minus holidays (local dates).

    ``always_open`` is the 24/7 schedule (holidays are ignored then: a 24/7 queue is exactly
    what takes calls on a holiday).
    """

    timezone: str
    weekly: tuple[tuple[Opening, ...], ...] = field(default=((),) * 7)
    holidays: frozenset[date] = frozenset()
    always_open: bool = False

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_open(self, instant: datetime) -> bool:
        """Whether the scope is open at ``instant`` (an aware datetime, any zone)."""
        if instant.tzinfo is None:
            raise ValueError("naive datetime: pass an aware instant")
        if self.always_open:
            return True
        local = instant.astimezone(self.zone)
        if local.date() in self.holidays:
            return False
        minute = local.hour * 60 + local.minute
        return any(o.start <= minute < o.end for o in self.weekly[local.weekday()])

    def open_periods(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open periods between ``start`` and ``end`` (aware), clipped to them, in order.

        For offering slots within the hours (a scheduled call, CC-AH-5).
        """
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("naive datetime: pass aware instants")
        if self.always_open:
            if start < end:
                yield start, end
            return
        zone = self.zone
        day = start.astimezone(zone).date()
        last = end.astimezone(zone).date()
        while day <= last:
            if day not in self.holidays:
                for opening in self.weekly[day.weekday()]:
                    lo = _local(day, opening.start, zone)
                    hi = _local(day, opening.end, zone)
                    lo, hi = max(lo, start), min(hi, end)
                    if lo < hi:
                        yield lo.astimezone(UTC), hi.astimezone(UTC)
            day += timedelta(days=1)

    def to_json(self) -> dict[str, Any]:
        """The schedule as the API shows it (and as :func:`parse_schedule` reads it)."""
        return {
            "timezone": self.timezone,
            "always_open": self.always_open,
            "weekly": {
                DAYS[i]: [str(o) for o in openings]
                for i, openings in enumerate(self.weekly)
                if openings
            },
            "holidays": sorted(d.isoformat() for d in self.holidays),
        }


@dataclass(frozen=True)
class Resolved:
    """The schedule that applies, and which scope it was set on (``queue:<id>``, ``global``)."""

    schedule: Schedule | None
    source: str

    def is_open(self, instant: datetime) -> bool:
        """No hours set anywhere: always open (a help center that set none is never closed)."""
        return self.schedule is None or self.schedule.is_open(instant)


@dataclass(frozen=True)
class BusinessHours:
    """An account's hours: the global schedule and the per-queue, channel, language ones."""

    global_: Schedule | None = None
    queues: Mapping[str, Schedule] = field(default_factory=dict)
    channels: Mapping[Channel, Schedule] = field(default_factory=dict)
    languages: Mapping[str, Schedule] = field(default_factory=dict)

    def resolve(
        self,
        *,
        queue_id: str | None = None,
        channel: Channel | str | None = None,
        language: str | None = None,
    ) -> Resolved:
        """The most specific schedule set: queue, then language, then channel, then global."""
        if queue_id is not None and queue_id in self.queues:
            return Resolved(self.queues[queue_id], f"queue:{queue_id}")
        if language is not None and language in self.languages:
            return Resolved(self.languages[language], f"language:{language}")
        if channel is not None and Channel(channel) in self.channels:
            return Resolved(self.channels[Channel(channel)], f"channel:{Channel(channel).value}")
        return Resolved(self.global_, "global")

    def is_open(
        self,
        instant: datetime,
        *,
        queue_id: str | None = None,
        channel: Channel | str | None = None,
        language: str | None = None,
    ) -> bool:
        """Whether the queue / language / channel the customer is on is open at ``instant``."""
        return self.resolve(queue_id=queue_id, channel=channel, language=language).is_open(instant)

    def with_schedule(
        self, scope: Scope, key: str | None, schedule: Schedule | None
    ) -> BusinessHours:
        """A copy with one scope's schedule set (or removed, with ``None``)."""
        if scope is Scope.GLOBAL:
            return BusinessHours(schedule, self.queues, self.channels, self.languages)
        if key is None:
            raise InvalidField("key", f"is required for the {scope.value} scope")
        if scope is Scope.QUEUE:
            return BusinessHours(
                self.global_, _put(self.queues, key, schedule), self.channels, self.languages
            )
        if scope is Scope.CHANNEL:
            return BusinessHours(
                self.global_,
                self.queues,
                _put(self.channels, parse_channel(key, "key"), schedule),
                self.languages,
            )
        return BusinessHours(
            self.global_,
            self.queues,
            self.channels,
            _put(self.languages, parse_language(key, "key"), schedule),
        )

    def without_queue(self, queue_id: str) -> BusinessHours:
        """A copy forgetting a deleted queue's hours."""
        return self.with_schedule(Scope.QUEUE, queue_id, None)

    def to_json(self) -> dict[str, Any]:
        """Every schedule, as the API shows them."""
        return {
            "global": self.global_.to_json() if self.global_ else None,
            "queues": {k: v.to_json() for k, v in sorted(self.queues.items())},
            "channels": {k.value: v.to_json() for k, v in sorted(self.channels.items())},
            "languages": {k: v.to_json() for k, v in sorted(self.languages.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BusinessHours:
        """Read back what :meth:`to_json` wrote (validated again)."""
        glob = data.get("global")
        return cls(
            parse_schedule(glob, "global") if glob else None,
            {k: parse_schedule(v, f"queues.{k}") for k, v in (data.get("queues") or {}).items()},
            {
                parse_channel(k, "channels"): parse_schedule(v, f"channels.{k}")
                for k, v in (data.get("channels") or {}).items()
            },
            {
                parse_language(k, "languages"): parse_schedule(v, f"languages.{k}")
                for k, v in (data.get("languages") or {}).items()
            },
        )


def parse_scope(value: object, where: str = "scope") -> Scope:
    """``global``, ``queue``, ``channel`` or ``language``."""
    try:
        return Scope(str(value))
    except ValueError:
        known = ", ".join(s.value for s in Scope)
        raise InvalidField(where, f"unknown scope {value!r}; known: {known}") from None


def parse_channel(value: object, where: str = "channel") -> Channel:
    """One of the channels, or :class:`InvalidField` listing them."""
    try:
        return Channel(str(value))
    except ValueError:
        known = ", ".join(c.value for c in Channel)
        raise InvalidField(where, f"unknown channel {value!r}; known: {known}") from None


def parse_language(value: object, where: str = "language") -> str:
    """A language tag such as ``en`` or ``fr-CA``."""
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise InvalidField(where, f"{value!r} is not a language tag such as 'en' or 'fr-CA'")
    return value


def parse_timezone(value: object, where: str = "timezone") -> str:
    """An IANA time zone name known to this machine's tz database."""
    if not isinstance(value, str) or not value:
        raise InvalidField(where, "must be an IANA time zone name such as 'Europe/Paris'")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidField(where, f"unknown time zone {value!r}") from None
    return value


def parse_schedule(data: object, where: str = "hours") -> Schedule:
    """Validate a schedule given as JSON::

        {"timezone": "Europe/Paris", "weekly": {"mon": ["09:00-12:00", "13:00-17:00"], ...},
         "holidays": ["2026-12-25"], "always_open": false}

    Days left out are closed. Refused, naming the field: an unknown time zone or day, a
    malformed or inverted opening, two openings of one day that overlap, a malformed holiday.
    """
    if not isinstance(data, Mapping):
        raise InvalidField(where, "must be an object")
    unknown = set(data) - {"timezone", "weekly", "holidays", "always_open"}
    if unknown:
        raise InvalidField(f"{where}.{sorted(unknown)[0]}", "unknown field")
    zone = parse_timezone(data.get("timezone"), f"{where}.timezone")
    always = data.get("always_open", False)
    if not isinstance(always, bool):
        raise InvalidField(f"{where}.always_open", "must be true or false")
    weekly_raw = data.get("weekly", {})
    if not isinstance(weekly_raw, Mapping):
        raise InvalidField(f"{where}.weekly", "must be an object of days")
    weekly: list[tuple[Opening, ...]] = [() for _ in DAYS]
    for day, openings in weekly_raw.items():
        if day not in DAYS:
            raise InvalidField(f"{where}.weekly.{day}", f"unknown day; days are {', '.join(DAYS)}")
        weekly[DAYS.index(day)] = _parse_day(openings, f"{where}.weekly.{day}")
    holidays = _parse_holidays(data.get("holidays", []), f"{where}.holidays")
    return Schedule(zone, tuple(weekly), holidays, always)


def _parse_day(openings: object, where: str) -> tuple[Opening, ...]:
    if not isinstance(openings, Sequence) or isinstance(openings, str):
        raise InvalidField(where, "must be a list of openings such as '09:00-17:00'")
    if len(openings) > MAX_OPENINGS_PER_DAY:
        raise InvalidField(where, f"at most {MAX_OPENINGS_PER_DAY} openings a day")
    parsed = [_parse_opening(o, f"{where}[{i}]") for i, o in enumerate(openings)]
    ordered = sorted(parsed)
    for before, after in pairwise(ordered):
        if after.start < before.end:
            raise InvalidField(where, f"openings {before} and {after} overlap")
    return tuple(ordered)


def _parse_opening(value: object, where: str) -> Opening:
    match = _OPENING.match(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidField(where, f"{value!r} is not an opening such as '09:00-17:00'")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23:
        raise InvalidField(where, f"{value!r}: no such time {h1:02d}:{m1:02d}")
    if h2 > 24 or (h2 == 24 and m2 != 0):
        raise InvalidField(where, f"{value!r}: no such time {h2:02d}:{m2:02d}")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:
        raise InvalidField(
            where,
            f"{value!r} closes before it opens (an opening past midnight is two openings, "
            "one on each day)",
        )
    return Opening(start, end)


def _parse_holidays(value: object, where: str) -> frozenset[date]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise InvalidField(where, "must be a list of dates such as '2026-12-25'")
    if len(value) > MAX_HOLIDAYS:
        raise InvalidField(where, f"at most {MAX_HOLIDAYS} holidays")
    days: set[date] = set()
    for i, text in enumerate(value):
        try:
            days.add(date.fromisoformat(text))
        except (TypeError, ValueError):
            raise InvalidField(
                f"{where}[{i}]", f"{text!r} is not a date such as '2026-12-25'"
            ) from None
    return frozenset(days)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _local(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """Local wall time ``minutes`` after midnight of ``day`` (24:00 is the next midnight)."""
    base = datetime.combine(day, time(0), tzinfo=zone)
    return (base.replace(tzinfo=None) + timedelta(minutes=minutes)).replace(tzinfo=zone)


def _put(
    mapping: Mapping[Any, Schedule], key: Any, schedule: Schedule | None
) -> dict[Any, Schedule]:
    copy = dict(mapping)
    if schedule is None:
        copy.pop(key, None)
    else:
        copy[key] = schedule
    return copy
