"""Steps for the hold audio a caller waiting in the queue hears (seed 001, ZT-TKT-9).

Thin by design: each step calls one helper of :mod:`harness.scenario.hold_audio`.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then

from harness.scenario.hold_audio import HoldAudioEar


@given(parsers.parse('the line "{line}" plays hold audio to waiting callers'))
def line_plays_hold_audio(hold_audio_ear: HoldAudioEar, line: str) -> None:
    hold_audio_ear.turn_on(line)


@then("while queued the customer hears the hold audio")
def hears_hold_audio(hold_audio_ear: HoldAudioEar) -> None:
    hold_audio_ear.expect_heard()


@then("the hold audio has stopped")
def hold_audio_stopped(hold_audio_ear: HoldAudioEar) -> None:
    hold_audio_ear.expect_stopped()


@then(
    parsers.parse(
        'the customer and "{agent}" hear each other within {bound:d} ms of the agent\'s answer'
    )
)
def two_way_after_agent_answer(hold_audio_ear: HoldAudioEar, agent: str, bound: int) -> None:
    hold_audio_ear.expect_two_way_after_answer(agent, bound)


@then(
    parsers.parse(
        "the contact center ends the call within {seconds:d} seconds once nobody answered"
    )
)
def ended_unanswered(hold_audio_ear: HoldAudioEar, seconds: int) -> None:
    hold_audio_ear.expect_ended_unanswered(seconds)
