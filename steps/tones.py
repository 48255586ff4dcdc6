"""Steps for the tone library (seed 004, CC-NTF-4, 9).

Thin by design: each step calls one helper of :mod:`harness.scenario.tones`.
"""

from __future__ import annotations

import io
import wave

from pytest_bdd import given, parsers, then, when

from harness.scenario.ring_tones import RingTones
from harness.scenario.tones import ToneLibrary


@given(parsers.parse('the admin uploads an MP3 file as the tone "{name}"'))
def upload(tone_library: ToneLibrary, name: str) -> None:
    tone_library.upload(name)


@when(parsers.parse('the admin replaces the tone "{name}" with another MP3 file'))
def replace(tone_library: ToneLibrary, name: str) -> None:
    tone_library.replace(name, frames=35)


@when(parsers.parse('the admin uploads a WAV file as the tone "{name}"'))
def upload_wav(tone_library: ToneLibrary, name: str) -> None:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(bytes(1600))
    tone_library.upload_bad(name, buffer.getvalue())


@given(parsers.re(r'the admin chooses "(?P<name>[^"]+)" as the incoming-call tone$'))
@when(parsers.re(r'the admin chooses "(?P<name>[^"]+)" as the incoming-call tone$'))
def choose(tone_library: ToneLibrary, name: str) -> None:
    tone_library.choose(name)


@given(
    parsers.parse(
        'the admin chooses "{name}" as the incoming-call tone, repeated every {seconds:d} seconds'
    )
)
@when(
    parsers.parse(
        'the admin chooses "{name}" as the incoming-call tone, repeated every {seconds:d} seconds'
    )
)
def choose_repeated(tone_library: ToneLibrary, name: str, seconds: int) -> None:
    tone_library.choose(name, seconds)


@when(parsers.parse('the admin deletes the tone "{name}"'))
def delete(tone_library: ToneLibrary, name: str) -> None:
    tone_library.delete(name)


@then(parsers.parse('previewing the tone "{name}" plays the file uploaded last'))
def preview(tone_library: ToneLibrary, name: str) -> None:
    tone_library.expect_preview(name)


@then(parsers.parse('the tone library lists "{name}"'))
def listed(tone_library: ToneLibrary, name: str) -> None:
    tone_library.expect_listed(name)


@then(parsers.parse('the tone library no longer lists "{name}"'))
def not_listed(tone_library: ToneLibrary, name: str) -> None:
    tone_library.expect_listed(name, listed=False)


@then(parsers.re(r'the incoming-call tone is "(?P<name>[^"]+)"$'))
def ring_tone(tone_library: ToneLibrary, name: str) -> None:
    tone_library.expect_ring_tone(name)


@then(parsers.parse('the incoming-call tone is "{name}", repeated every {seconds:d} seconds'))
def ring_tone_repeated(tone_library: ToneLibrary, name: str, seconds: int) -> None:
    tone_library.expect_ring_tone(name, seconds)


@then(parsers.parse('the upload is refused naming "{words}" and the library is unchanged'))
def refused(tone_library: ToneLibrary, words: str) -> None:
    tone_library.expect_refused(words)


@then(
    parsers.parse(
        'the agent app of "{agent}" plays the tone "{tone}" {times:d} times, every {seconds:d} '
        "seconds"
    )
)
def tone_repeats(ring_tones: RingTones, agent: str, tone: str, times: int, seconds: int) -> None:
    ring_tones.expect_repeats(agent, tone, times, seconds)


@then(
    parsers.parse(
        'the agent app of "{agent}" plays the tone "{tone}" once, not again within {seconds:d} '
        "seconds"
    )
)
def tone_once(ring_tones: RingTones, agent: str, tone: str, seconds: int) -> None:
    ring_tones.expect_once(agent, tone, seconds)


@then(parsers.parse('the agent app of "{agent}" plays no more tone for {seconds:d} seconds'))
def tone_stopped(ring_tones: RingTones, agent: str, seconds: int) -> None:
    ring_tones.expect_no_more(agent, seconds)


@then(parsers.re(r'the agent app of "(?P<agent>[^"]+)" plays the tone "(?P<tone>[^"]+)"$'))
def tone_started(ring_tones: RingTones, agent: str, tone: str) -> None:
    ring_tones.expect_started(agent, tone)
