"""The journal: every event any party sees, with its time, and arm-then-act waiting on it.

Parties record typed events (frozen dataclasses deriving from :class:`Event`). Steps wait on them:

* :meth:`Journal.wait_for` looks at the history first, then at new events; the match is consumed,
  so two waits for "the agent's phone rings" need two rings.
* :meth:`Journal.expect_absent` proves that nothing matching arrived within a stated window.
* :meth:`Journal.expect` arms a wait *before* an action and checks it after (only events recorded
  after arming count).

The journal is thread-safe: parties record from the loop thread, steps wait from the main thread.
Asynchronous code waits with :meth:`Journal.wait_for_async`.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import Any, Generic, TypeVar

E = TypeVar("E", bound="Event")


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base class of everything recorded in the journal. ``party`` names who saw it."""

    party: str


@dataclass(frozen=True)
class Record(Generic[E]):
    seq: int
    at: float  # monotonic seconds (same clock as the asyncio loop)
    wall: float  # epoch seconds, for reports
    event: E


class Match(Generic[E]):
    """An event type plus attribute filters, e.g. ``Match(AudioHeard, party="caller")``.

    A filter value may be a callable predicate instead of a literal.
    """

    def __init__(self, event_type: type[E], /, **filters: Any) -> None:
        known = {f.name for f in fields(event_type)}
        unknown = set(filters) - known
        if unknown:
            raise TypeError(f"{event_type.__name__} has no field(s) {sorted(unknown)}")
        self.event_type = event_type
        self.filters = filters

    def __call__(self, event: Event) -> bool:
        if not isinstance(event, self.event_type):
            return False
        for name, want in self.filters.items():
            have = getattr(event, name)
            if callable(want) and not isinstance(want, type):
                if not want(have):
                    return False
            elif have != want:
                return False
        return True

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.filters.items())
        return f"{self.event_type.__name__}({args})"


class WaitTimeout(AssertionError):
    """Nothing matching arrived in time. Carries what was being waited for and what was seen."""

    def __init__(self, match: Match[Any], timeout: float, recent: list[Record[Any]]) -> None:
        seen = "\n".join(f"  +{r.at:.3f}s {r.event}" for r in recent[-12:]) or "  (nothing)"
        super().__init__(f"no {match!r} within {timeout:g} s; last events:\n{seen}")
        self.match = match
        self.timeout = timeout


class UnexpectedEvent(AssertionError):
    """Something that must not happen did happen."""


@dataclass
class _Waiter:
    match: Match[Any]
    after: int
    future: asyncio.Future[Record[Any]]
    loop: asyncio.AbstractEventLoop


@dataclass
class Journal:
    """Ordered, thread-safe record of events with arm-then-act waiting."""

    clock: Callable[[], float] = time.monotonic
    _records: list[Record[Any]] = field(default_factory=list)
    _consumed: set[int] = field(default_factory=set)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _async_waiters: list[_Waiter] = field(default_factory=list)
    _listeners: list[Callable[[Record[Any]], None]] = field(default_factory=list)

    # -- recording ---------------------------------------------------------------------------
    def record(self, event: Event) -> Record[Any]:
        with self._cond:
            rec = Record(len(self._records), self.clock(), time.time(), event)
            self._records.append(rec)
            self._cond.notify_all()
            waiters = list(self._async_waiters)
            listeners = list(self._listeners)
        for waiter in waiters:
            if rec.seq >= waiter.after and waiter.match(event):
                waiter.loop.call_soon_threadsafe(self._resolve, waiter, rec)
        for listener in listeners:
            listener(rec)
        return rec

    def record_event(self, event: Event) -> None:
        """:meth:`record` for callbacks that expect nothing back."""
        self.record(event)

    def subscribe(self, listener: Callable[[Record[Any]], None]) -> Callable[[], None]:
        """Call ``listener`` for each new record (in the recording thread); returns a stop."""
        with self._cond:
            self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # -- reading -----------------------------------------------------------------------------
    def records(self, kind: type[E] | None = None) -> list[Record[Any]]:
        with self._cond:
            return [r for r in self._records if kind is None or isinstance(r.event, kind)]

    def events(self, match: Match[E] | type[E]) -> list[E]:
        m = match if isinstance(match, Match) else Match(match)
        return [r.event for r in self.records() if m(r.event)]

    @property
    def position(self) -> int:
        """The sequence number the next record will get (use it to arm a wait)."""
        with self._cond:
            return len(self._records)

    def _find(self, match: Match[Any], after: int) -> Record[Any] | None:
        for rec in self._records[after:]:
            if rec.seq not in self._consumed and match(rec.event):
                self._consumed.add(rec.seq)
                return rec
        return None

    # -- waiting (threads) ---------------------------------------------------------------------
    def wait_for(self, match: Match[E] | type[E], timeout: float, *, after: int = 0) -> E:
        """Return the first unconsumed event matching ``match`` (history first), consuming it."""
        m = match if isinstance(match, Match) else Match(match)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                rec = self._find(m, after)
                if rec is not None:
                    return rec.event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WaitTimeout(m, timeout, self._records)
                self._cond.wait(remaining)

    def expect_absent(
        self, match: Match[E] | type[E], within: float, *, after: int | None = None
    ) -> None:
        """Prove that no event matching ``match`` is recorded within ``within`` seconds.

        By default only events from now on count; pass ``after`` to include recent history.
        """
        m = match if isinstance(match, Match) else Match(match)
        start = self.position if after is None else after
        deadline = time.monotonic() + within
        with self._cond:
            while True:
                for rec in self._records[start:]:
                    if m(rec.event):
                        raise UnexpectedEvent(f"{rec.event} was recorded, expected no {m!r}")
                start = len(self._records)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(remaining)

    @contextmanager
    def expect(self, match: Match[E] | type[E], timeout: float) -> Iterator[list[E]]:
        """Arm a wait, run the block (the action), then wait for the match after the arming point.

        The yielded list receives the matched event once the block has finished.
        """
        armed = self.position
        found: list[E] = []
        yield found
        found.append(self.wait_for(match, timeout, after=armed))

    # -- waiting (asyncio) -------------------------------------------------------------------
    async def wait_for_async(
        self, match: Match[E] | type[E], timeout: float, *, after: int = 0
    ) -> E:
        m = match if isinstance(match, Match) else Match(match)
        loop = asyncio.get_running_loop()
        with self._cond:
            rec = self._find(m, after)
            if rec is not None:
                return rec.event
            waiter = _Waiter(m, max(after, len(self._records)), loop.create_future(), loop)
            self._async_waiters.append(waiter)
        try:
            found = await asyncio.wait_for(waiter.future, timeout)
        except TimeoutError:
            raise WaitTimeout(m, timeout, self.records()) from None
        finally:
            with self._cond:
                self._async_waiters.remove(waiter)
        return found.event

    def _resolve(self, waiter: _Waiter, rec: Record[Any]) -> None:
        if waiter.future.done():
            return
        with self._cond:
            if rec.seq in self._consumed:
                return
            self._consumed.add(rec.seq)
        waiter.future.set_result(rec)
