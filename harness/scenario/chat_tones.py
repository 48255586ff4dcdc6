"""Chat notifications in the agent app (CC-NTF-7): the new-chat tone, once or again every N
seconds until the agent takes the chat or no chat waits, and the new-message tone.

Read from the page through the ``ChatsApp`` page objects: the app lists each start of a chat
tone. A tone that must not start again is watched for a stated window, like ``expect_absent``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from harness.errors import ConformanceFailure
from harness.scenario.cast import CapabilityMissing
from harness.scenario.chats import ChatDesk
from harness.scenario.desktop import DesktopAgents
from harness.sut.contract import ChatsApp
from harness.sut.notifications_model import ToneStart

FIRST_TONE_S = 5.0  # a tone starts within this of what it announces
REPEAT_TOLERANCE_S = 0.5  # a repeat starts within this of its due time
NEW_CHAT, NEW_MESSAGE = "new-chat", "new-message"


@dataclass
class ChatTones:
    """What the scenario's agents' apps play for chats."""

    desktop: DesktopAgents
    chats: ChatDesk

    def _app(self, agent: str) -> ChatsApp:
        app = self.desktop.app(agent)
        if not isinstance(app, ChatsApp):
            raise CapabilityMissing("the agent app's page objects do not show its chats")
        return app

    def _starts(self, agent: str, kind: str, count: int, timeout_s: float) -> list[ToneStart]:
        portal = self.chats.cast.portal
        app = self._app(agent)
        return portal.run(app.wait_chat_tone_starts(kind, count, timeout_s), timeout_s + 10)

    def choose(self, new_chat: str, repeat_s: int | None, message: str) -> None:
        """The admin chooses the chat tones."""
        self.chats.run(self.chats.chats.choose_chat_tones(new_chat, repeat_s, message))

    def accept(self, agent: str) -> None:
        """``agent`` clicks Accept chat in her app; the customer is told she joined."""
        self.chats.armed = self.chats.cast.journal.position
        self.chats.run(self._app(agent).accept_chat())
        self.chats.customer_told_joined(agent)

    def write(self, agent: str, text: str) -> None:
        """``agent`` writes ``text`` in her app's chat and sends it."""
        self.chats.run(self._app(agent).write_chat(text))

    def end(self, agent: str) -> None:
        """``agent`` clicks End chat in her app."""
        self.chats.armed = self.chats.cast.journal.position
        self.chats.run(self._app(agent).end_chat())

    def expect_shown(self, agent: str, text: str) -> None:
        """``agent``'s app shows the customer's message ``text``."""
        shown = self.chats.run(self._app(agent).chat_messages())
        assert any(m.endswith(": " + text) for m in shown), f"the app of {agent} shows {shown}"

    def _named(self, starts: list[ToneStart], tone: str, agent: str, kind: str) -> None:
        wrong = [s.name for s in starts if s.name.lower() != tone.lower()]
        if wrong:
            raise ConformanceFailure(
                (),
                f"the app of {agent} to play the {kind} tone {tone!r}",
                f"it played {wrong[0]!r}",
            )

    def expect_repeats(self, agent: str, tone: str, times: int, every_s: int) -> None:
        """The new-chat tone ``tone`` starts ``times`` times, one start every ``every_s`` s."""
        timeout = FIRST_TONE_S + every_s * (times - 1) + REPEAT_TOLERANCE_S
        starts = self._starts(agent, NEW_CHAT, times, timeout)
        if len(starts) < times:
            raise ConformanceFailure(
                (),
                f"the app of {agent} to play the new-chat tone {times} times, every {every_s} s",
                f"it started {len(starts)} times within {timeout:g} s",
            )
        self._named(starts, tone, agent, NEW_CHAT)
        gaps = [b.at_s - a.at_s for a, b in itertools.pairwise(starts)]
        off = [g for g in gaps if abs(g - every_s) > REPEAT_TOLERANCE_S]
        if off:
            raise ConformanceFailure(
                (),
                f"the new-chat tone to repeat every {every_s} s",
                f"the gaps were {', '.join(f'{g:.2f}' for g in gaps)} s",
            )

    def expect_started(self, agent: str, kind: str, tone: str, count: int = 1) -> None:
        """The tone ``kind`` has started ``count`` times in ``agent``'s app, as ``tone``."""
        starts = self._starts(agent, kind, count, FIRST_TONE_S)
        if len(starts) < count:
            raise ConformanceFailure(
                (),
                f"the app of {agent} to play the {kind} tone {count} times",
                f"it started {len(starts)} times within {FIRST_TONE_S:g} s",
            )
        self._named(starts, tone, agent, kind)

    def expect_no_more(self, agent: str, kind: str, window_s: int) -> None:
        """The tone ``kind`` does not start again in ``agent``'s app within ``window_s``."""
        before = self.chats.run(self._app(agent).chat_tone_starts(kind))
        after = self._starts(agent, kind, len(before) + 1, window_s)
        if len(after) > len(before):
            raise ConformanceFailure(
                (),
                f"no more {kind} tone in the app of {agent} for {window_s} s",
                f"it started again ({len(after)} starts in all)",
            )


@pytest.fixture
def chat_tones(desktop_agents: DesktopAgents, chat_desk: ChatDesk) -> ChatTones:
    """The chat tones the scenario's agents' apps play."""
    return ChatTones(desktop_agents, chat_desk)
