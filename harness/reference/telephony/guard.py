"""Lockout bookkeeping against online password guessing (sans-IO: time is passed in).

Failed Digest answers are counted per *source and user*: a source is the address a SIP answer
goes back to (host and port, RFC 3261 section 18.2.2 with RFC 3581 ``rport``). After
``max_failures`` failures within ``window`` seconds that pair is locked out: the registrar refuses
it, even with the right password, until the lockout ends. Other users, and the same user from
other sources, are not affected, so a guesser cannot lock the real user's phone out.

Two refinements keep the rule from being trivially walked around:

* rotating source ports: failures also count per *host* and user, with a higher threshold
  (``host_max_failures``), which locks that user out for the whole host;
* waiting out the lockout: each new lockout of the same key lasts twice as long as the last one
  (up to ``max_lockout``); the escalation is forgotten after ``memory`` seconds without failure.

The guard never asks whether a user exists: unknown names are counted and locked exactly like
real ones, so the lockout itself reveals nothing (H-SEC-1). Its memory is bounded by
``max_keys``: past that, the least recently touched keys are forgotten first.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict, deque
from dataclasses import dataclass, field

Source = tuple[str, int]

__all__ = ["Lockout", "LockoutGuard", "LockoutPolicy", "Source"]


@dataclass(frozen=True)
class LockoutPolicy:
    """How many failures lock a key out, and for how long."""

    max_failures: int = 10
    host_max_failures: int = 30
    window: float = 600.0
    lockout: float = 5.0
    max_lockout: float = 900.0
    memory: float = 3600.0
    max_keys: int = 50_000

    def __post_init__(self) -> None:
        if self.max_failures < 1 or self.host_max_failures < self.max_failures:
            raise ValueError("need 1 <= max_failures <= host_max_failures")
        if not 0 < self.lockout <= self.max_lockout:
            raise ValueError("need 0 < lockout <= max_lockout")
        if self.window <= 0 or self.memory <= 0 or self.max_keys < 1:
            raise ValueError("window, memory and max_keys must be positive")

    def duration(self, level: int) -> float:
        """Length of the ``level``-th lockout of one key (1 for the first)."""
        return min(self.lockout * 2 ** (level - 1), self.max_lockout)


@dataclass(frozen=True)
class Lockout:
    """One lockout: ``port`` is None when the whole host is locked out for ``user``."""

    user: str
    host: str
    port: int | None
    since: float
    until: float

    @property
    def seconds(self) -> float:
        return self.until - self.since

    @property
    def source(self) -> str:
        """``host:port``, or the host alone for a host-wide lockout."""
        return self.host if self.port is None else f"{self.host}:{self.port}"


_Key = tuple[str, str, int | None]  # (user, host, port or None for the host tier)


@dataclass
class _Entry:
    failures: deque[float]
    level: int = 0  # how many times this key was locked out (escalation)
    locked: Lockout | None = None
    last: float = 0.0


@dataclass
class LockoutGuard:
    """Counts failed authentications and answers "is this source locked out for this user?"."""

    policy: LockoutPolicy = field(default_factory=LockoutPolicy)
    _entries: OrderedDict[_Key, _Entry] = field(default_factory=OrderedDict)
    _ends: list[tuple[float, int, _Key]] = field(default_factory=list)  # heap of lockout ends
    _pushed: int = 0  # tie-breaker, so that the heap never compares keys

    def locked(self, source: Source, user: str, now: float) -> Lockout | None:
        """The lockout that applies to ``user`` from ``source`` at ``now``, if any."""
        for key in _keys(source, user):
            entry = self._entries.get(key)
            if entry is not None and entry.locked is not None and now < entry.locked.until:
                return entry.locked
        return None

    def failure(self, source: Source, user: str, now: float) -> list[Lockout]:
        """Count one failed attempt; returns the lockouts it started (usually none).

        An attempt made while the pair is locked out is not counted: it was refused unverified.
        """
        if self.locked(source, user, now) is not None:
            return []
        started = []
        for key, limit in zip(
            _keys(source, user),
            (self.policy.max_failures, self.policy.host_max_failures),
            strict=True,
        ):
            entry = self._touch(key, now)
            entry.failures.append(now)
            while entry.failures and now - entry.failures[0] > self.policy.window:
                entry.failures.popleft()
            if len(entry.failures) >= limit:
                entry.level += 1
                entry.failures.clear()
                lockout = Lockout(
                    user, key[1], key[2], now, now + self.policy.duration(entry.level)
                )
                entry.locked = lockout
                self._pushed += 1
                heapq.heappush(self._ends, (lockout.until, self._pushed, key))
                started.append(lockout)
        self._forget_stale(now)
        self._evict()
        return started

    def success(self, source: Source, user: str, now: float) -> None:
        """A right password from ``source``: its count and escalation for ``user`` start over."""
        key = _keys(source, user)[0]
        entry = self._entries.get(key)
        if entry is not None and (entry.locked is None or now >= entry.locked.until):
            del self._entries[key]

    def next_timer(self) -> float | None:
        """When the earliest running lockout ends (call :meth:`handle_timer` then)."""
        while self._ends and not self._current(self._ends[0][0], self._ends[0][2]):
            heapq.heappop(self._ends)
        return self._ends[0][0] if self._ends else None

    def handle_timer(self, now: float) -> list[Lockout]:
        """End every lockout due at ``now`` and forget stale keys; returns the ended lockouts."""
        ended = []
        while self._ends and self._ends[0][0] <= now:
            until, _, key = heapq.heappop(self._ends)
            if self._current(until, key):
                entry = self._entries[key]
                assert entry.locked is not None
                ended.append(entry.locked)
                entry.locked = None
        self._forget_stale(now)
        return ended

    def __len__(self) -> int:
        return len(self._entries)

    # -- internals -------------------------------------------------------------------------
    def _current(self, until: float, key: _Key) -> bool:
        entry = self._entries.get(key)
        return entry is not None and entry.locked is not None and entry.locked.until == until

    def _touch(self, key: _Key, now: float) -> _Entry:
        entry = self._entries.get(key)
        if entry is None:
            entry = _Entry(deque(maxlen=self.policy.host_max_failures))
            self._entries[key] = entry
        else:
            self._entries.move_to_end(key)
            if entry.locked is None and now - entry.last > self.policy.memory:
                entry.level = 0  # the escalation is forgiven after a quiet period
        entry.last = now
        return entry

    def _evict(self) -> None:
        # An attacker who floods us with names must not grow memory without bound; the least
        # recently touched keys go first (a lockout dropped this way ends early, which costs
        # that attacker far more requests than it saves).
        while len(self._entries) > self.policy.max_keys:
            self._entries.popitem(last=False)

    def _forget_stale(self, now: float) -> None:
        while self._entries:
            key, entry = next(iter(self._entries.items()))
            if entry.locked is not None or now - entry.last <= self.policy.memory:
                return
            del self._entries[key]


def _keys(source: Source, user: str) -> tuple[_Key, _Key]:
    host, port = source
    return (user, host, port), (user, host, None)
