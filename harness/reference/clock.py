"""Per-account business clock: real time plus an offset, which can be set, advanced or frozen.

Scenarios move an account's clock to test business hours, retention and timeouts; media and
SIP timers keep running in real time. Times leave this module as aware UTC datetimes and are
written as ISO-8601 UTC text (:func:`iso_utc`), whose fixed width makes text order time order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from .domain.errors import InvalidField


def real_utc_now() -> datetime:
    """The machine's current time, UTC."""
    return datetime.now(UTC)


def iso_utc(moment: datetime) -> str:
    """``moment`` as ISO-8601 UTC with microseconds, e.g. ``2025-01-31T09:00:00.000000Z``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the reference only handles aware UTC times")
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def parse_iso_utc(text: str, field: str = "now") -> datetime:
    """Parse an ISO-8601 time with an explicit offset into aware UTC, or :class:`InvalidField`."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise InvalidField(field, "must be an ISO-8601 date and time") from None
    if moment.tzinfo is None:
        raise InvalidField(field, "must carry a UTC offset, e.g. 'Z' or '+01:00'")
    return moment.astimezone(UTC)


@dataclass
class ClockSetting:
    """How an account's clock departs from real time."""

    offset: timedelta = timedelta(0)
    frozen_at: datetime | None = None


class ClockPersistence(Protocol):
    """Where clock settings are kept so that they survive a restart (the store)."""

    def load_clock_settings(self) -> Mapping[str, ClockSetting]:
        """Every stored setting by account id."""
        ...

    def save_clock_setting(self, account_id: str, setting: ClockSetting) -> None:
        """Store one account's setting."""
        ...


class AccountClock:
    """Clocks of every account; an account never touched runs on real time.

    With ``persistence`` each change is written through and settings are reloaded on start;
    an offset is kept, not a reading, so a restarted process carries on where real time is.
    """

    def __init__(
        self,
        persistence: ClockPersistence | None = None,
        *,
        real: Callable[[], datetime] = real_utc_now,
    ) -> None:
        self._real = real
        self._persistence = persistence
        self._settings: dict[str, ClockSetting] = {}
        if persistence is not None:
            self._settings.update(persistence.load_clock_settings())

    def now(self, account_id: str) -> datetime:
        """The account's current time (aware, UTC)."""
        setting = self._settings.get(account_id)
        if setting is None:
            return self._real().astimezone(UTC)
        if setting.frozen_at is not None:
            return setting.frozen_at
        return (self._real() + setting.offset).astimezone(UTC)

    def is_frozen(self, account_id: str) -> bool:
        """Whether the account's clock stands still."""
        setting = self._settings.get(account_id)
        return setting is not None and setting.frozen_at is not None

    def set(self, account_id: str, moment: datetime | str, *, frozen: bool | None = None) -> None:
        """Make the account's clock read ``moment`` now; ``frozen`` changes freezing if given."""
        target = parse_iso_utc(moment) if isinstance(moment, str) else _aware(moment)
        setting = self._settings.setdefault(account_id, ClockSetting())
        freeze = setting.frozen_at is not None if frozen is None else frozen
        if freeze:
            setting.frozen_at = target
        else:
            setting.frozen_at = None
            setting.offset = target - self._real()
        if self._persistence is not None:
            self._persistence.save_clock_setting(account_id, setting)

    def advance(self, account_id: str, seconds: float) -> None:
        """Move the account's clock forward by ``seconds`` (never backward)."""
        if seconds < 0:
            raise InvalidField("seconds", "must not be negative")
        self.set(account_id, self.now(account_id) + timedelta(seconds=seconds))

    def freeze(self, account_id: str) -> None:
        """Stop the account's clock at its current reading."""
        self.set(account_id, self.now(account_id), frozen=True)

    def unfreeze(self, account_id: str) -> None:
        """Let the account's clock run again from its current reading."""
        self.set(account_id, self.now(account_id), frozen=False)

    def forget(self, account_id: str) -> None:
        """Drop a deleted account's setting (the store deletes its row with the account)."""
        self._settings.pop(account_id, None)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware datetime")
    return moment.astimezone(UTC)
