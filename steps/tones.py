"""Steps for the tone library (seed 004, CC-NTF-4, 9).

Thin by design: each step calls one helper of :mod:`harness.scenario.tones`.
"""

from __future__ import annotations

import io
import wave

from pytest_bdd import given, parsers, then, when

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


@when(parsers.re(r'the admin chooses "(?P<name>[^"]+)" as the incoming-call tone$'))
def choose(tone_library: ToneLibrary, name: str) -> None:
    tone_library.choose(name)


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
