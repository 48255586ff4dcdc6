"""Steps for the agent's whisper and countdown (seed 004, CC-NTF-1, 2, 3).

Thin by design: each step calls one helper of :mod:`harness.scenario.whisper`.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then

from harness.scenario.offer_sms import OfferTexts
from harness.scenario.whisper import WhisperEar


@given("the whisper is on")
def whisper_on(whisper_ear: WhisperEar) -> None:
    whisper_ear.turn_on()


@given(parsers.parse("the whisper is on at {speed:d} words per minute"))
def whisper_on_at(whisper_ear: WhisperEar, speed: int) -> None:
    whisper_ear.turn_on(speed_wpm=speed)


@given("the whisper is on with the countdown")
def whisper_with_countdown(whisper_ear: WhisperEar) -> None:
    whisper_ear.turn_on(countdown=True)


@given(parsers.parse("the whisper is on at {speed:d} words per minute with the countdown"))
def whisper_at_with_countdown(whisper_ear: WhisperEar, speed: int) -> None:
    whisper_ear.turn_on(speed_wpm=speed, countdown=True)


@given("the countdown is on and the whisper off")
def countdown_only(whisper_ear: WhisperEar) -> None:
    whisper_ear.turn_on_countdown_only()


@then(parsers.parse('"{agent}" hears the whisper for "{line}" before the customer'))
@then(
    parsers.parse('"{agent}" hears the whisper for "{line}" and the countdown before the customer')
)
def hears_prompts(whisper_ear: WhisperEar, agent: str, line: str) -> None:
    whisper_ear.expect_prompts_before_customer(agent, line)


@then(parsers.parse('"{agent}" hears the countdown before the customer on "{line}"'))
def hears_countdown(whisper_ear: WhisperEar, agent: str, line: str) -> None:
    whisper_ear.expect_prompts_before_customer(agent, line)


@then("the customer hears neither the whisper nor the countdown")
def customer_hears_none(whisper_ear: WhisperEar) -> None:
    whisper_ear.expect_customer_does_not_hear()


@then(parsers.parse("the call's wait time includes the agent's prompts within {tolerance:d} ms"))
def wait_includes(whisper_ear: WhisperEar, tolerance: int) -> None:
    whisper_ear.expect_wait_includes(tolerance)


@given(parsers.parse('"{agent}" has SMS notifications on for the phone number in her profile'))
def sms_on(offer_texts: OfferTexts, agent: str) -> None:
    offer_texts.set_profile(agent, on=True)


@given(parsers.parse('"{agent}" has SMS notifications off'))
def sms_off(offer_texts: OfferTexts, agent: str) -> None:
    offer_texts.set_profile(agent, on=False)


@then(parsers.parse('the phone in "{agent}"\'s profile gets {count:d} SMS naming "{line}"'))
def texted(offer_texts: OfferTexts, agent: str, count: int, line: str) -> None:
    offer_texts.expect_texted(agent, count, line)


@then(parsers.parse('the phone in "{agent}"\'s profile gets no SMS'))
def not_texted(offer_texts: OfferTexts, agent: str) -> None:
    offer_texts.expect_not_texted(agent)


@given(parsers.parse('the queue "{queue}" whispers "{text}"'))
def queue_whispers_text(whisper_ear: WhisperEar, queue: str, text: str) -> None:
    whisper_ear.give_queue_whisper(queue, text=text)


@given(parsers.parse('the queue "{queue}" whispers at {speed:d} words per minute'))
def queue_whisper_speed(whisper_ear: WhisperEar, queue: str, speed: int) -> None:
    whisper_ear.set_queue_speed(queue, speed)


@given(parsers.parse('the queue "{queue}" whispers an uploaded recording, with the countdown'))
def queue_whispers_recording(whisper_ear: WhisperEar, queue: str) -> None:
    whisper_ear.give_queue_whisper(queue, recorded=True, countdown=True)


@then(parsers.parse('"{agent}" hears the whisper of the queue "{queue}" before the customer'))
@then(
    parsers.parse(
        '"{agent}" hears the whisper of the queue "{queue}" and the countdown before the customer'
    )
)
def hears_queue_prompts(whisper_ear: WhisperEar, agent: str, queue: str) -> None:
    whisper_ear.expect_queue_prompts_before_customer(agent, queue)
