"""Smart actions (seed 004, CC-SA-1 to 5): an agent asks a mobile-SDK consumer for an identity
check, photos, a screenshot, videos, text or a redact; the consumer's app (the harness's own SDK
party) gets the request on its session WebSocket and answers; the agent reads the answer, waiting
on it rather than asking again and again. A web-SDK chat's consumer attaches files.

Talks to the SUT through the ``smart_actions`` capability and the consumer protocol only.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any, cast

import pytest

from harness.data import captures
from harness.endpoints.consumer import ConsumerRefused, SdkFrame
from harness.runtime.journal import Match
from harness.scenario.cast import CapabilityMissing, Cast
from harness.scenario.consumers import ConsumerDesk
from harness.sut.contract import SmartActions, SutRefused
from harness.sut.smart_actions_model import (
    During,
    SmartActionKind,
    SmartActionRecord,
)

WAIT_S = 5.0
READ_WAIT_S = 10.0  # how long the agent's read may wait for the answer
AT_ONCE_S = 1.0  # "at once" (CC-SA-5): the agent has the answer within this of its sending
QUIET_S = 0.3  # how long a refused request must stay away from the consumer's app

# The words of the steps, and the kinds of smart action they stand for.
KINDS: dict[str, SmartActionKind] = {
    "an identity check": "verify_identity",
    "photos": "photos",
    "a screenshot": "screenshot",
    "videos": "videos",
    "text input": "text_input",
    "a redact": "redact",
}
FILES = {"png": captures.png, "jpeg": captures.jpeg, "mp4": captures.mp4, "gif": captures.gif}


def kind_of(words: str) -> SmartActionKind:
    """``"photos"`` -> ``"photos"``, ``"an identity check"`` -> ``"verify_identity"``."""
    try:
        return KINDS[words]
    except KeyError:
        raise KeyError(f"no smart action is called {words!r} (known: {', '.join(KINDS)})") from None


def file_bytes(content: str, seed: int) -> bytes:
    """The bytes of a ``png``, ``jpeg``, ``mp4`` or ``gif`` file, or plain ``text``."""
    if content == "text":
        return f"notes {seed}\n".encode()
    return FILES[content](seed)


@dataclass
class SmartActionDesk:
    """The scenario's smart actions: what each consumer was asked, sent, and what the agent got."""

    cast: Cast
    consumers: ConsumerDesk
    actions: dict[str, SmartActionRecord] = field(default_factory=dict)  # by consumer
    sent: dict[str, list[bytes]] = field(default_factory=dict)  # media each consumer sent
    read: dict[str, SmartActionRecord] = field(default_factory=dict)  # what the agent read
    latency_s: dict[str, float] = field(default_factory=dict)
    refusal: SutRefused | None = None
    armed: int = 0
    seed: int = 0

    @property
    def smart_actions(self) -> SmartActions:
        found = getattr(self.cast.tenant, "smart_actions", None)
        if found is None:
            raise CapabilityMissing("the SUT adapter lacks the capability 'smart_actions'")
        return cast(SmartActions, found)

    def run(self, coro: Any) -> Any:
        return self.cast.portal.run(coro)

    # -- sessions ------------------------------------------------------------------------------
    def in_session(self, name: str, channel: str, talk: str, queue: str) -> None:
        """``name`` opens the SDK of ``channel`` on ``queue`` and keeps its socket open; for a
        ``chat`` she starts one (it must be queued); for a ``call`` the session is the call's."""
        self.consumers.keep_open(name, channel, queue)
        if talk == "chat":
            answer = self.consumers.start_chat(name)
            assert answer.kind == "chat.queued", f"{name}'s chat was not queued: {answer.data}"

    def enable_redact(self) -> None:
        self.run(self.smart_actions.set_redact(True))

    # -- the agent asks ------------------------------------------------------------------------
    def request(
        self,
        name: str,
        words: str,
        during: str,
        count: int | None = None,
        call_id: str | None = None,
    ) -> None:
        """The agent asks ``name`` for ``words``; a refusal is kept for a later check."""
        party = self.consumers.party(name)
        self.armed = self.cast.journal.position
        self.refusal = None
        try:
            self.actions[name] = self.run(
                self.smart_actions.request(
                    party.session_id,
                    kind_of(words),
                    cast(During, during),
                    count=count,
                    call_id=call_id,
                )
            )
        except SutRefused as refusal:
            self.refusal = refusal

    def expect_asked(self, name: str, words: str, count: int | None = None) -> dict[str, Any]:
        """``name``'s app receives the request on its session WebSocket."""
        assert self.refusal is None, f"the request was refused: {self.refusal}"
        kind = kind_of(words)
        match = Match(
            SdkFrame,
            party=name,
            kind="smart_action.requested",
            data=lambda d: d.get("action", {}).get("id") == self.actions[name].id,
        )
        frame = self.cast.journal.wait_for(match, WAIT_S, after=self.armed)
        action = frame.data["action"]
        assert action["kind"] == kind, f"{name}'s app was asked for {action['kind']}, not {kind}"
        if count is not None:
            assert action["count"] == count, f"{name}'s app was asked for {action['count']} items"
        return dict(action)

    def expect_refused(self, name: str, words: str) -> None:
        """The request was refused naming ``words``, and nothing reached ``name``'s app."""
        if self.refusal is None:
            pytest.fail(f"the SUT accepted the request; it must refuse it saying {words!r}")
        assert words in str(self.refusal), f"the refusal does not say {words!r}: {self.refusal}"
        self.cast.journal.expect_absent(
            Match(SdkFrame, party=name, kind="smart_action.requested"), QUIET_S, after=self.armed
        )

    # -- the consumer answers, the agent reads -------------------------------------------------
    def answer(self, name: str, answer: dict[str, Any]) -> None:
        """``name`` answers while the agent is already waiting for the answer (CC-SA-5)."""
        action = self.actions[name]
        party = self.consumers.party(name)

        async def both() -> tuple[SmartActionRecord, float]:
            reading = asyncio.create_task(self.smart_actions.read(action.id, wait_s=READ_WAIT_S))
            await asyncio.sleep(0)  # let the read go out first: it waits, it does not ask again
            sent_at = time.monotonic()
            try:
                await party.answer_smart_action(action.id, answer)
            except BaseException:
                reading.cancel()  # the agent stops waiting for an answer that was refused
                with contextlib.suppress(asyncio.CancelledError, SutRefused):
                    await reading
                raise
            record = await reading
            return record, time.monotonic() - sent_at

        self.read[name], self.latency_s[name] = self.run(both())

    def verify(self, name: str, outcome: str, method: str) -> None:
        self.answer(name, {"result": outcome, "method": method})

    def send_media(self, name: str, count: int, content: str) -> None:
        files = [file_bytes(content, self.seed + i) for i in range(count)]
        self.seed += count
        self.sent[name] = files
        media = [captures.b64(f) for f in files]
        self.answer(name, {"result": "granted", "media": media})

    def deny(self, name: str) -> None:
        self.sent[name] = []
        self.answer(name, {"result": "denied"})

    def enter_text(self, name: str, text: str) -> None:
        self.answer(name, {"result": "entered", "text": text})

    def try_answer(self, name: str, answer: dict[str, Any]) -> None:
        self.refusal = None
        try:
            self.run(self.consumers.party(name).answer_smart_action(self.actions[name].id, answer))
        except ConsumerRefused as refusal:
            self.refusal = refusal

    def try_send_media(self, name: str, count: int, content: str) -> None:
        files = [file_bytes(content, self.seed + i) for i in range(count)]
        self.try_answer(name, {"result": "granted", "media": [captures.b64(f) for f in files]})

    def expect_answer_refused(self, words: str) -> None:
        if self.refusal is None:
            pytest.fail(f"the SUT accepted the answer; it must refuse it saying {words!r}")
        assert words in str(self.refusal), f"the refusal does not say {words!r}: {self.refusal}"

    def expect_still_waiting(self, name: str) -> None:
        """The refused answer left the request open (nothing half-stored)."""
        record = self.run(self.smart_actions.read(self.actions[name].id))
        assert record.status == "requested", f"the request is now {record.status}: {record}"
        assert not record.media, f"the agent has {len(record.media)} item(s) from a refused answer"

    def expect_first_answer_kept(self, name: str) -> None:
        """A second answer was refused: the agent still has the first one, and only it."""
        record = self.run(self.smart_actions.read(self.actions[name].id))
        assert record.status == "answered", f"the request is now {record.status}"
        got = [m.data for m in record.media]
        assert got == self.sent[name], (
            f"the agent now has {len(got)} item(s), not the {len(self.sent[name])} first sent"
        )

    def expect_agent_has(self, name: str, result: str, **detail: str) -> None:
        """The agent read ``result`` at once, with ``detail`` and exactly the media sent."""
        record = self.read[name]
        assert record.status == "answered", f"the agent read the request as {record.status}"
        assert record.result == result, f"the agent read {record.result!r}, not {result!r}"
        for key, value in detail.items():
            assert record.detail.get(key) == value, f"the agent read {key}={record.detail}"
        got = [m.data for m in record.media]
        assert got == self.sent.get(name, []), (
            f"the agent got {len(got)} item(s) that differ from the {len(self.sent.get(name, []))}"
            f" {name} sent"
        )
        latency = self.latency_s[name]
        assert latency <= AT_ONCE_S, (
            f"the agent had the answer {latency:.2f} s after {name} sent it, not at once"
            f" (within {AT_ONCE_S} s)"
        )

    # -- the paperclip (CC-SA-3) ---------------------------------------------------------------
    def attach(self, name: str, file_name: str, content: str) -> None:
        data = file_bytes(content, self.seed)
        self.seed += 1
        self.refusal = None
        self.sent[name] = [*self.sent.get(name, []), data]
        try:
            self.run(self.consumers.party(name).attach(file_name, data))
        except ConsumerRefused as refusal:
            self.refusal = refusal
            self.sent[name].pop()

    def expect_attached(self, name: str, file_name: str) -> None:
        assert self.refusal is None, f"{file_name} was refused: {self.refusal}"
        found = self.run(self.smart_actions.attachments(self.consumers.party(name).session_id))
        assert [a.name for a in found][-1:] == [file_name], f"the agent has {found}"
        assert [a.data for a in found] == self.sent[name], "the agent got other bytes"

    def expect_attachment_refused(self, name: str, words: str) -> None:
        if self.refusal is None:
            pytest.fail(f"the SUT accepted the file; it must refuse it saying {words!r}")
        assert words in str(self.refusal), f"the refusal does not say {words!r}: {self.refusal}"
        found = self.run(self.smart_actions.attachments(self.consumers.party(name).session_id))
        assert [a.data for a in found] == self.sent.get(name, []), (
            f"a refused file changed what the agent has: {[a.name for a in found]}"
        )


@pytest.fixture
def smart_desk(cast: Cast, consumer_desk: ConsumerDesk) -> SmartActionDesk:
    """The scenario's smart actions (on the consumers of ``consumer_desk``)."""
    return SmartActionDesk(cast, consumer_desk)
