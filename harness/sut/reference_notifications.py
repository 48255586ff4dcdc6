"""The reference's ``notifications`` capability: the whisper settings, the whisper's and the
countdown's audio (``GET /notifications/...``) and a call's wait (``GET /calls/{id}/wait``)."""

from __future__ import annotations

import io
import wave
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import numpy as np

from harness.sut.model import Agent, Number
from harness.sut.notifications_model import CallWait, RingTone, Tone, WhisperSettings
from harness.sut.routing_model import PromptAudio, QueueRef

if TYPE_CHECKING:
    from harness.sut.reference_adapter import _Api
    from harness.sut.reference_routing import ReferenceRouting


class ReferenceNotifications:
    """The account's whisper and countdown, over the reference's API."""

    def __init__(self, api: _Api, routing: ReferenceRouting | None) -> None:
        self._api = api
        self._routing = routing

    async def set_whisper(
        self, *, on: bool | None = None, speed_wpm: int | None = None, countdown: bool | None = None
    ) -> WhisperSettings:
        changes: dict[str, Any] = {
            k: v
            for k, v in (("on", on), ("speed_wpm", speed_wpm), ("countdown", countdown))
            if v is not None
        }
        data = await self._api.request("PUT", "/notifications/whisper", changes)
        return WhisperSettings(bool(data["on"]), int(data["speed_wpm"]), bool(data["countdown"]))

    async def whisper_audio(self, line: Number) -> PromptAudio:
        return await self._audio("whisper", f"/notifications/whisper/numbers/{line.id}/audio")

    async def countdown_audio(self) -> PromptAudio:
        return await self._audio("countdown", "/notifications/countdown/audio")

    async def call_wait(self, call_id: str) -> CallWait:
        data = await self._api.request("GET", f"/calls/{call_id}/wait")
        return CallWait(
            str(data["call_id"]),
            float(data["wait_s"]),
            float(data["whisper_s"]),
            float(data["countdown_s"]),
        )

    async def set_queue_whisper(
        self,
        queue: QueueRef,
        *,
        text: str | None = None,
        audio: PromptAudio | None = None,
        speed_wpm: int | None = None,
        countdown: bool | None = None,
    ) -> None:
        path = f"/notifications/whisper/queues/{queue.id}"
        body: dict[str, Any] = {
            k: v for k, v in (("speed_wpm", speed_wpm), ("countdown", countdown)) if v is not None
        }
        if text is not None:
            body.update(message="text", text=text)
        elif audio is None and not body:
            body["message"] = "queue_name"
        await self._api.request("PUT", path, body)
        if audio is not None:
            await self._upload(f"{path}/audio", _wav(audio))

    async def queue_whisper_audio(self, queue: QueueRef) -> PromptAudio:
        return await self._audio(
            f"whisper of {queue.name}", f"/notifications/whisper/queues/{queue.id}/audio"
        )

    async def tones(self) -> tuple[list[Tone], RingTone]:
        data = await self._api.request("GET", "/notifications/tones")
        library = [Tone(str(t["id"]), str(t["name"]), bool(t["built_in"])) for t in data["tones"]]
        ring = data["ring_tone"]
        return library, RingTone(str(ring["tone"]), ring["repeat_s"])

    async def upload_tone(self, name: str, data: bytes) -> Tone:
        added = await self._send("POST", f"/notifications/tones?name={quote(name)}", data)
        return Tone(str(added["id"]), str(added["name"]), False)

    async def replace_tone(self, tone: Tone, data: bytes) -> None:
        await self._send("PUT", f"/notifications/tones/{tone.id}", data)

    async def delete_tone(self, tone: Tone) -> None:
        await self._api.request("DELETE", f"/notifications/tones/{tone.id}")

    async def preview_tone(self, tone: Tone) -> bytes:
        path = f"/notifications/tones/{tone.id}/audio"
        headers = {"Authorization": f"Bearer {self._api.token}"}
        async with self._api.session.get(self._api.base + path, headers=headers) as resp:
            if resp.status >= 400:
                from harness.sut.reference_adapter import SutApiError

                raise SutApiError("GET", path, resp.status, await resp.json(content_type=None))
            return await resp.read()

    async def choose_ring_tone(self, tone: Tone, repeat_s: int | None = None) -> None:
        body = {"tone": tone.id, "repeat_s": repeat_s}
        await self._api.request("PUT", "/notifications/ring-tone", body)

    async def set_sms_notifications(self, agent: Agent, *, on: bool, phone: str) -> None:
        await self._api.request(
            "PUT", f"/users/{agent.id}/notifications", {"phone": phone, "sms": on}
        )

    async def _upload(self, path: str, data: bytes) -> None:
        """PUT a WAV file as the request's body (not JSON)."""
        await self._send("PUT", path, data, "audio/wav")

    async def _send(
        self, method: str, path: str, data: bytes, kind: str = "audio/mpeg"
    ) -> dict[str, Any]:
        """Send a file as the request's body (not JSON); the JSON answer."""
        headers = {"Authorization": f"Bearer {self._api.token}", "Content-Type": kind}
        url = self._api.base + path
        async with self._api.session.request(method, url, data=data, headers=headers) as resp:
            answer = await resp.json(content_type=None)
            if resp.status >= 400:
                from harness.sut.reference_adapter import SutApiError

                raise SutApiError(method, path, resp.status, answer)
            return dict(answer)

    async def _audio(self, name: str, path: str) -> PromptAudio:
        if self._routing is None:
            raise LookupError("prompt audio is read through the routing part of the API")
        rate, samples = await self._routing._wav(path)
        return PromptAudio(name, rate, samples)


def _wav(audio: PromptAudio) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(audio.sample_rate)
        wav.writeframes(np.asarray(audio.samples, dtype="<i2").tobytes())
    return buffer.getvalue()
