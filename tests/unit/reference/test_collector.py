"""When the reference collects its old generation: idle with something new, or at the latest."""

from __future__ import annotations

import asyncio
import gc

from harness.reference import collector
from harness.reference.collector import OldGenerationPolicy


class Process:
    """What the policy looks at, set by the test."""

    def __init__(self) -> None:
        self.started = 0
        self.in_progress = 0
        self.young = 0

    def policy(self, max_age: float = 300.0) -> OldGenerationPolicy:
        policy = OldGenerationPolicy(
            lambda: self.started, lambda: self.in_progress, lambda: self.young, max_age
        )
        policy.collected(0.0)
        policy.seen_started = self.started
        return policy


def test_a_quiet_process_collects_once_after_new_activity():
    process = Process()
    policy = process.policy()
    assert not policy.due(5.0)  # quiet, but nothing new since the last collection
    process.young += 3
    assert policy.due(10.0)
    policy.collected(10.0)
    assert not policy.due(15.0) and not policy.due(100.0)  # nothing new: no walk again


def test_calls_in_progress_postpone_it_until_the_latest():
    process = Process()
    policy = process.policy(max_age=300.0)
    process.in_progress, process.young = 40, 1000
    assert not policy.due(5.0) and not policy.due(299.0)
    assert policy.due(300.0)  # under load all along: collected anyway
    policy.collected(300.0)
    assert not policy.due(305.0)
    process.in_progress = 0
    assert not policy.due(310.0)  # the load ended, but nothing was collected young since
    process.young += 1
    assert policy.due(315.0)


def test_short_calls_between_checks_count_as_load():
    process = Process()
    policy = process.policy()
    process.young += 5
    process.started += 2000  # each call over within milliseconds: none in progress now
    assert not policy.due(5.0)
    assert policy.due(10.0)  # no call started since the previous check: quiet


def test_install_sets_the_thresholds_and_its_stop_cancels_the_checks():
    saved = gc.get_threshold()

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        stop = collector.install(loop, lambda: 0, lambda: 0)
        try:
            assert gc.get_threshold() == (
                collector.YOUNG_THRESHOLD,
                collector.MIDDLE_THRESHOLD,
                collector.OLD_THRESHOLD,
            )
            timers = [h for h in loop._scheduled if not h.cancelled()]  # type: ignore[attr-defined]
            assert len(timers) == 1
        finally:
            stop()
        assert all(h.cancelled() for h in loop._scheduled)  # type: ignore[attr-defined]

    try:
        asyncio.run(scenario())
    finally:
        gc.set_threshold(*saved)
        gc.unfreeze()
