"""Consumers' chats reaching agents, and supervisors watching and ending them (seed 004:
CC-MON-6, 9, 10, CC-END-1 for chats).

The consumer is the harness's web chat party (:mod:`harness.endpoints.consumer`), opened by the
scenario's :class:`~harness.scenario.consumers.ConsumerDesk`; the agents' apps and the
supervisors' views come from the SUT's ``chats`` capability. Every frame either side receives is
in the journal, so each check waits on it (arm, act, wait).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from harness.endpoints.consumer import SdkConsumer, SdkFrame
from harness.runtime.journal import Match
from harness.scenario.cast import CUSTOMER, CapabilityMissing, Cast
from harness.scenario.consumers import ConsumerDesk
from harness.sut.chats_model import AgentChatFrame, LiveChatView
from harness.sut.contract import AgentChatApp, Chats, SutRefused

WAIT_S = 5.0
QUIET_S = 0.5  # how long nothing may reach the agent or the consumer while a supervisor watches


@dataclass
class ChatDesk:
    """The scenario's agent apps, its customer's chat, and what supervisors saw of it."""

    cast: Cast
    consumers: ConsumerDesk
    apps: dict[str, AgentChatApp] = field(default_factory=dict)
    chat_id: str = ""
    armed: int = 0
    watched_from: int = 0
    view: LiveChatView | None = None
    refusal: SutRefused | None = None

    def run(self, coro: Any) -> Any:
        return self.cast.portal.run(coro)

    @property
    def chats(self) -> Chats:
        found = getattr(self.cast.tenant, "chats", None)
        if found is None:
            raise CapabilityMissing("the SUT adapter lacks the capability 'chats'")
        return found

    @property
    def customer(self) -> SdkConsumer:
        return self.consumers.party(CUSTOMER)

    def add_sub_queue(self, parent: str, child: str, agent: str) -> None:
        """A menu queue ``parent`` whose option 1 is the leaf queue ``child``, for ``agent``."""
        if agent not in self.cast.agents:
            self.cast.add_agent(agent)
        routing = self.consumers.routing
        routing.add_queue(parent, prompt=f"For {child}, press 1")
        routing.add_queue(child, parent=parent, digit="1", agents=(agent,))

    # -- agents' apps --------------------------------------------------------------------------
    def connect_app(self, agent: str) -> None:
        """``agent``'s app connects: chats of her queues are offered to it from now on."""
        app = self.run(
            self.chats.connect_agent_app(self.cast.agent(agent), self.cast.journal, agent)
        )
        self.cast.cleanup.push(f"{agent}'s chat app", app.close)
        self.apps[agent] = app

    def _app(self, agent: str) -> AgentChatApp:
        try:
            return self.apps[agent]
        except KeyError:
            raise KeyError(f"{agent}'s app is not connected in this scenario") from None

    def _agent_frame(self, agent: str, kind: str, within: float = WAIT_S) -> AgentChatFrame:
        match = Match(AgentChatFrame, party=agent, kind=kind)
        found: AgentChatFrame = self.cast.journal.wait_for(match, within, after=self.armed)
        return found

    def _customer_frame(self, kind: str, within: float = WAIT_S) -> SdkFrame:
        match = Match(SdkFrame, party=CUSTOMER, kind=kind)
        found: SdkFrame = self.cast.journal.wait_for(match, within, after=self.armed)
        return found

    # -- the chat ------------------------------------------------------------------------------
    def start(self, queue: str) -> None:
        """The customer starts a web chat on ``queue``; it must be queued."""
        self.armed = self.cast.journal.position
        self.consumers.open_app(CUSTOMER, "web", queue)
        answer = self.run(self.customer.start_chat())
        assert answer.kind == "chat.queued", f"the chat was not queued: {answer.data}"
        self.chat_id = str(answer.data.get("chat_id") or "")
        assert self.chat_id, f"chat.queued names no chat_id: {answer.data}"

    def offered(self, agent: str, within: float) -> None:
        """``agent``'s app is offered the customer's chat within ``within`` seconds."""
        frame = self._agent_frame(agent, "chat.offered", within)
        assert frame.chat_id == self.chat_id, f"{agent} was offered another chat: {frame.data}"
        assert frame.data.get("end_user") == self.customer.unique_id, frame.data

    def accept(self, agent: str) -> None:
        self.run(self._app(agent).accept(self.chat_id))
        self._agent_frame(agent, "chat.connected")

    def customer_told_joined(self, agent: str) -> None:
        frame = self._customer_frame("chat.connected")
        expected = self.cast.agent(agent).name
        assert frame.data.get("agent") == expected, f"expected {expected!r}: {frame.data}"

    def taken(self, agent: str) -> None:
        """``agent`` is told another agent took the chat."""
        frame = self._agent_frame(agent, "chat.taken")
        assert frame.chat_id == self.chat_id, frame.data

    def customer_says(self, text: str) -> None:
        self.run(self.customer.send({"type": "chat.message", "text": text}))

    def agent_says(self, agent: str, text: str) -> None:
        self.run(self._app(agent).say(self.chat_id, text))

    def agent_reads(self, agent: str, text: str) -> None:
        match = Match(AgentChatFrame, party=agent, kind="chat.message", chat_id=self.chat_id)
        frame: AgentChatFrame = self.cast.journal.wait_for(match, WAIT_S, after=self.armed)
        assert frame.data.get("text") == text, f"{agent} read {frame.data.get('text')!r}"
        assert frame.data.get("from") == "consumer", frame.data

    def customer_reads(self, text: str) -> None:
        frame = self._customer_frame("chat.message")
        assert frame.data.get("text") == text, f"the customer read {frame.data.get('text')!r}"
        assert frame.data.get("from") == "agent", frame.data

    def customer_ends(self) -> None:
        self.run(self.customer.send({"type": "chat.end"}))

    def agent_ends(self, agent: str) -> None:
        self.run(self._app(agent).end(self.chat_id))

    def close_app(self, agent: str) -> None:
        """``agent``'s app goes away (closed, or its connection lost)."""
        self.run(self._app(agent).close())

    def customer_told_ended(self, by: str) -> None:
        """The customer is told the chat ended, ended by ``by``."""
        told = self._customer_frame("chat.ended")
        assert told.data.get("by") == by, f"expected the chat ended by {by!r}: {told.data}"

    def ended_for(self, agent: str, by: str) -> None:
        """The chat ended for ``agent``'s app and for the customer, ended by ``by``."""
        frame = self._agent_frame(agent, "chat.ended")
        told = self._customer_frame("chat.ended")
        for seen in (frame.data, told.data):
            assert seen.get("by") == by, f"expected the chat ended by the {by}: {seen}"

    # -- supervisors ---------------------------------------------------------------------------
    def add_supervisor(self, name: str, role: str) -> None:
        self.cast.add_agent(name, role=role)

    def listed(self, who: str) -> list[str]:
        views = self.run(self.chats.connected_chats(self.cast.agent(who)))
        return [v.chat_id for v in views]

    def expect_listed(self, who: str, listed: bool) -> None:
        found = self.listed(who)
        assert (self.chat_id in found) is listed, (
            f"Chats > Connected as {who} lists {found}; the customer's chat is {self.chat_id}"
        )

    def watch(self, who: str) -> None:
        """``who`` opens the live chat view of the customer's chat."""
        self.watched_from = self.cast.journal.position
        self.view = self.run(self.chats.live_chat(self.cast.agent(who), self.chat_id))

    def expect_view(self, agent: str, issue: str, crm: bool) -> LiveChatView:
        view = self.view
        assert view is not None, "nobody opened the live chat view"
        expected = self.cast.agent(agent).name
        assert view.agent_name == expected, f"agent {view.agent_name!r}, expected {expected!r}"
        assert view.end_user == self.customer.unique_id, (
            f"end user {view.end_user!r}, expected {self.customer.unique_id!r}"
        )
        path = " > ".join(self.consumers.routing.queue(q).name for q in issue.split(" > "))
        assert view.issue == path, f"issue {view.issue!r}, expected {path!r}"
        if crm:
            assert view.crm_record_url, "the view has no link to the CRM record"
        else:
            assert view.crm_record_url is None, f"a CRM link without a CRM: {view.crm_record_url}"
        return view

    def expect_messages(self, texts: list[str]) -> None:
        assert self.view is not None, "nobody opened the live chat view"
        shown = [m.text for m in self.view.messages]
        assert shown == texts, f"the live chat view shows {shown}, expected {texts}"

    def expect_unrevealed(self, agent: str) -> None:
        """Watching sent nothing to ``agent``'s app or to the customer."""
        journal = self.cast.journal
        journal.expect_absent(Match(AgentChatFrame, party=agent), QUIET_S, after=self.watched_from)
        journal.expect_absent(Match(SdkFrame, party=CUSTOMER), 0.0, after=self.watched_from)

    def end_as(self, who: str) -> None:
        self.armed = self.cast.journal.position
        try:
            self.run(self.chats.end_chat(self.cast.agent(who), self.chat_id))
        except SutRefused as refused:
            self.refusal = refused

    def expect_refused(self) -> None:
        assert self.refusal is not None, "the SUT let the user end the chat"
        self.cast.journal.expect_absent(
            Match(SdkFrame, party=CUSTOMER, kind="chat.ended"), QUIET_S, after=self.armed
        )


@pytest.fixture
def chat_desk(cast: Cast, consumer_desk: ConsumerDesk) -> Iterator[ChatDesk]:
    """The scenario's chats, agents' apps and supervisors."""
    yield ChatDesk(cast, consumer_desk)
