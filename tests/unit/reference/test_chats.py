"""Live chats in the reference (consumers/chats.py) and chat tones (chat_tones.py): who is
offered a chat, what each side is told, and that bad input is refused naming what was wrong."""

from __future__ import annotations

from typing import Any

import pytest

from harness.reference.chat_tones import ChatTones, ChatToneSettings
from harness.reference.consumers.chats import ChatService
from harness.reference.consumers.store import ConsumerSession
from harness.reference.domain.errors import Conflict, InvalidField, NotFound
from harness.reference.service import ContactCenter


def session(account_id: str, sid: str = "cs_1") -> ConsumerSession:
    return ConsumerSession(sid, account_id, "web", "q_none", None, None, "2025-03-03T09:00:00Z")


class Inbox:
    """What one side of a chat was sent."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []

    def __call__(self, frame: dict[str, Any]) -> None:
        self.frames.append(frame)

    def kinds(self) -> list[str]:
        return [str(f["type"]) for f in self.frames]


def test_chat_tones_default_then_change_and_bad_values_change_nothing(
    center: ContactCenter,
) -> None:
    account = center.create_account("Acme")
    settings = ChatToneSettings(center)
    assert settings.get(account.id) == ChatTones()
    chosen = settings.choose(account.id, {"new_chat_tone": "classic", "repeat_s": 3})
    assert chosen == ChatTones("classic", 3, "digital")
    for changes, field in (
        ({"new_chat_tone": "nope"}, "new_chat_tone"),
        ({"repeat_s": 1}, "repeat_s"),
        ({"message_tone": "nope"}, "message_tone"),
        ({"message_tone": 3}, "message_tone"),
    ):
        with pytest.raises(InvalidField) as refused:
            settings.choose(account.id, changes)
        assert refused.value.field == field
    assert settings.get(account.id) == chosen  # nothing stored was lost


def test_a_chat_waits_until_an_agent_it_was_offered_to_accepts(center: ContactCenter) -> None:
    account = center.create_account("Acme")
    alice = center.create_user(account.id, "Alice", "alice@example.test")
    chats = ChatService(center)
    consumer, app = Inbox(), Inbox()
    channel = chats.attach_agent(account.id, alice.id, app)
    chat = chats.start(session(account.id), "visitor-1", consumer)
    assert chat.state == "waiting"
    chats.from_agent(channel, {"type": "chat.accept", "chat": chat.id})
    assert app.frames[-1]["type"] == "chat.refused"  # not a member of the chat's queue
    assert chat.state == "waiting" and consumer.frames == []
    chats.from_consumer(session(account.id), {"type": "chat.message", "text": "Hello?"})
    assert [m["text"] for m in chat.messages] == ["Hello?"]


def test_bad_frames_are_refused_naming_the_problem(center: ContactCenter) -> None:
    account = center.create_account("Acme")
    chats = ChatService(center)
    with pytest.raises(Conflict, match=r"send chat\.start first"):
        chats.from_consumer(session(account.id), {"type": "chat.message", "text": "hi"})
    first = chats.start(session(account.id), "visitor-1", Inbox())
    second = chats.start(session(account.id), "visitor-1", Inbox())  # another chat: first ends
    assert first.state == "ended" and second.state == "waiting"
    assert chats.of_session(account.id, "cs_1") is second
    for text in ("", "   ", 42, "x" * 4001):
        with pytest.raises(InvalidField) as refused:
            chats.from_consumer(session(account.id), {"type": "chat.message", "text": text})
        assert refused.value.field == "text"


def test_a_supervisor_ends_a_chat_once_and_the_consumer_is_told(center: ContactCenter) -> None:
    account = center.create_account("Acme")
    other = center.create_account("Other")
    chats = ChatService(center)
    consumer = Inbox()
    chat = chats.start(session(account.id), "visitor-1", consumer)
    with pytest.raises(NotFound):
        chats.end_by(other.id, chat.id, "Eve")  # another account's chat does not exist for it
    chats.end_by(account.id, chat.id, "Diane")
    assert consumer.kinds() == ["chat.ended"]
    assert consumer.frames[0]["by"] == "supervisor" and chat.ended_by == "Diane"
    with pytest.raises(Conflict, match="already ended"):
        chats.end_by(account.id, chat.id, "Diane")
