"""The incoming-call tone in the agent app (CC-NTF-4, 5): which tone the app plays when a call
is offered, once or again every N seconds, until the agent takes the call or no call waits.

Read from the page through the ``TonesApp`` page objects: the app lists each start of the tone.
A tone that must not start again is watched for a stated window, like ``expect_absent``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from harness.errors import ConformanceFailure
from harness.scenario.cast import CapabilityMissing
from harness.scenario.incoming import IncomingCalls
from harness.sut.contract import TonesApp
from harness.sut.notifications_model import ToneStart

FIRST_TONE_S = 5.0  # the tone starts within this of the call being offered
REPEAT_TOLERANCE_S = 0.5  # a repeat starts within this of its due time


@dataclass
class RingTones:
    """What the scenario's agents' apps play for offered calls."""

    incoming: IncomingCalls

    def _app(self, agent: str) -> TonesApp:
        app = self.incoming.agents.calling_app(agent)
        if not isinstance(app, TonesApp):
            raise CapabilityMissing("the agent app's page objects do not show its tones")
        return app

    def _starts(self, agent: str, count: int, timeout_s: float) -> list[ToneStart]:
        portal = self.incoming.flows.portal
        return portal.run(self._app(agent).wait_tone_starts(count, timeout_s), timeout_s + 10)

    def _expect_named(self, starts: list[ToneStart], tone: str, agent: str) -> None:
        wrong = [s.name for s in starts if s.name.lower() != tone.lower()]
        if wrong:
            raise ConformanceFailure(
                (), f"the app of {agent} to play the tone {tone!r}", f"it played {wrong[0]!r}"
            )

    def expect_repeats(self, agent: str, tone: str, times: int, every_s: int) -> None:
        """The app plays ``tone`` ``times`` times, one start every ``every_s`` seconds."""
        timeout = FIRST_TONE_S + every_s * (times - 1) + REPEAT_TOLERANCE_S
        starts = self._starts(agent, times, timeout)
        if len(starts) < times:
            raise ConformanceFailure(
                (),
                f"the app of {agent} to play the tone {times} times, every {every_s} s",
                f"it started {len(starts)} times within {timeout:g} s",
            )
        self._expect_named(starts, tone, agent)
        gaps = [b.at_s - a.at_s for a, b in itertools.pairwise(starts)]
        off = [g for g in gaps if abs(g - every_s) > REPEAT_TOLERANCE_S]
        if off:
            raise ConformanceFailure(
                (),
                f"the tone to start again every {every_s} s (±{REPEAT_TOLERANCE_S} s)",
                "gaps between starts: " + ", ".join(f"{g:.2f} s" for g in gaps),
            )

    def expect_started(self, agent: str, tone: str) -> None:
        """The app plays ``tone`` for the offered call."""
        starts = self._starts(agent, 1, FIRST_TONE_S)
        if not starts:
            raise ConformanceFailure(
                (), f"the app of {agent} to play the tone", f"nothing within {FIRST_TONE_S:g} s"
            )
        self._expect_named(starts, tone, agent)

    def expect_once(self, agent: str, tone: str, window_s: int) -> None:
        """The app plays ``tone`` once, and not again within ``window_s`` of that start."""
        starts = self._starts(agent, 1, FIRST_TONE_S)
        if not starts:
            raise ConformanceFailure(
                (), f"the app of {agent} to play the tone", f"nothing within {FIRST_TONE_S:g} s"
            )
        self._expect_named(starts, tone, agent)
        again = self._starts(agent, 2, window_s)
        if len(again) > 1:
            raise ConformanceFailure(
                (),
                f"the tone to play once in the app of {agent}",
                f"it started again {again[1].at_s - again[0].at_s:.2f} s later",
            )

    def expect_no_more(self, agent: str, window_s: int) -> None:
        """The tone does not start again within ``window_s`` (the call was taken or ended)."""
        before = self.incoming.flows.portal.run(self._app(agent).tone_starts())
        after = self._starts(agent, len(before) + 1, window_s)
        if len(after) > len(before):
            raise ConformanceFailure(
                (),
                f"the tone to stop in the app of {agent} once no call waits for her",
                f"it started again ({len(after)} starts in all)",
            )


@pytest.fixture
def ring_tones(incoming_calls: IncomingCalls) -> RingTones:
    """The incoming-call tones the scenario's agents' apps play."""
    return RingTones(incoming_calls)
