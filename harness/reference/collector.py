"""When the reference's process collects its old generation of objects.

Python's cyclic garbage collector walks every object of the generation it collects. Under load
the old generation holds the calls ended in the last 32 s (their dialogs and transactions are
kept 64*T1 to absorb stray retransmissions): hundreds of thousands of objects, half a second
and more per walk, during which no SIP message is read. Yet almost all of them are freed by
reference counting when their timers expire; the collector is only needed for the few cycles.

So the young generations are collected as usual, the old one only rarely by the interpreter
(`OLD_THRESHOLD`), and on a schedule by :class:`OldGenerationPolicy`: when no call started
since the previous check and none is in progress, and something was collected young since the
last time; or at the latest every `MAX_AGE` seconds, whatever the load.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "CHECK_INTERVAL",
    "MAX_AGE",
    "MIDDLE_THRESHOLD",
    "OLD_THRESHOLD",
    "YOUNG_THRESHOLD",
    "OldGenerationPolicy",
    "install",
]

LOG = logging.getLogger("callproof.reference")

YOUNG_THRESHOLD = 5000  # allocations between young collections (default 700): calls come in bursts
MIDDLE_THRESHOLD = 10  # young collections per middle one (the default)
OLD_THRESHOLD = 1000  # middle collections before the interpreter considers the old one (10)
CHECK_INTERVAL = 5.0  # seconds between looks at whether to collect the old generation
MAX_AGE = 300.0  # seconds: the old generation is collected at least this often


@dataclass
class OldGenerationPolicy:
    """Decides, at each check, whether to collect the old generation now.

    ``calls_started()`` counts the calls the process ever started and ``calls_in_progress()``
    those not finished; the process is quiet when none is in progress and none started since
    the previous check (short calls can leave none in progress at an instant under load).
    ``activity()`` moves when the young generations are collected: something was promoted.
    """

    calls_started: Callable[[], int]
    calls_in_progress: Callable[[], int]
    activity: Callable[[], int]
    max_age: float = MAX_AGE
    last_at: float = 0.0
    last_activity: int = -1
    seen_started: int = -1

    def due(self, now: float) -> bool:
        started, previous = self.calls_started(), self.seen_started
        self.seen_started = started
        if now - self.last_at >= self.max_age:
            return True
        quiet = started == previous and self.calls_in_progress() == 0
        return quiet and self.activity() != self.last_activity

    def collected(self, now: float) -> None:
        self.last_at = now
        self.last_activity = self.activity()


def _young_collections() -> int:
    return sum(int(generation["collections"]) for generation in gc.get_stats()[:2])


def install(
    loop: asyncio.AbstractEventLoop,
    calls_started: Callable[[], int],
    calls_in_progress: Callable[[], int],
) -> Callable[[], None]:
    """Set the thresholds and check every `CHECK_INTERVAL` on ``loop``; returns the stop."""
    gc.freeze()  # what start-up allocated lives as long as the process: keep the walks off it
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
    policy = OldGenerationPolicy(calls_started, calls_in_progress, _young_collections)
    policy.collected(loop.time())
    policy.seen_started = calls_started()
    handle: asyncio.TimerHandle | None = None

    def check() -> None:
        nonlocal handle
        now = loop.time()
        if policy.due(now):
            started = time.perf_counter()
            found = gc.collect()
            policy.collected(loop.time())
            LOG.debug(
                "old generation collected: %d unreachable, %.0f ms",
                found,
                (time.perf_counter() - started) * 1000,
            )
        handle = loop.call_later(CHECK_INTERVAL, check)

    def stop() -> None:
        if handle is not None:
            handle.cancel()

    handle = loop.call_later(CHECK_INTERVAL, check)
    return stop
