"""What the harness sees of live chats (capability ``chats``): the frames an agent's app gets
on its channel, and a chat as a supervisor's live chat view shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.runtime.journal import Event


@dataclass(frozen=True, kw_only=True)
class AgentChatFrame(Event):
    """One chat frame an agent's app received (``kind``: ``chat.offered``, ``chat.connected``,
    ``chat.message``, ``chat.taken``, ``chat.ended``, ``chat.refused``); ``party`` is the
    agent's name."""

    kind: str
    chat_id: str
    data: dict[str, Any] = field(compare=False)


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat: ``side`` is ``consumer`` or ``agent``."""

    side: str
    name: str
    text: str


@dataclass(frozen=True)
class LiveChatView:
    """A chat as the live chat view and the chat details pop-up show it (CC-MON-6, 10)."""

    chat_id: str
    state: str  # waiting, connected or ended
    agent_name: str | None
    end_user: str  # the end user's name or unique ID
    issue: str  # the queue's menu path
    crm_record_url: str | None
    started_at: str
    connected_at: str | None
    messages: tuple[ChatMessage, ...]


@dataclass(frozen=True)
class LiveChatShown:
    """What the dashboard's live chat view showed (CC-MON-10): each message as ``name: text``."""

    chat_id: str
    agent_name: str
    end_user: str
    issue: str
    crm_record_url: str | None
    messages: tuple[str, ...]
