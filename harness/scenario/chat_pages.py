"""The dashboard's Chats > Connected page (CC-MON-6, 9, 10, CC-END-1 for chats): a supervisor
at the dashboard lists the connected chats, views a live chat, opens its details and ends it.

The chat itself is the :class:`~harness.scenario.chats.ChatDesk`'s; the dashboard is the one
the user signed in to (:class:`~harness.scenario.dashboard.DashboardUsers`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from harness.scenario.chats import ChatDesk
from harness.scenario.dashboard import DashboardUsers
from harness.sut.chats_model import LiveChatShown
from harness.sut.contract import ChatPages

#: The session's data the chat details pop-up must show (CC-MON-6).
DETAIL_TERMS = ("Session", "Channel", "Queue", "Agent", "End user", "Started", "Connected")


@dataclass
class ChatPagesDesk:
    """What the scenario's supervisors did and saw on Chats > Connected."""

    chats: ChatDesk
    dashboards: DashboardUsers
    shown: LiveChatShown | None = None

    def _pages(self, who: str) -> ChatPages:
        return self.chats.chats.chat_pages(self.dashboards.page(who))

    def expect_listed(self, who: str, listed: bool) -> None:
        found = self.chats.run(self._pages(who).connected_chats())
        assert (self.chats.chat_id in found) is listed, (
            f"Chats > Connected on the dashboard of {who} lists {found}; "
            f"the customer's chat is {self.chats.chat_id}"
        )

    def view(self, who: str) -> None:
        """Actions > View live chat, read, then closed with the X (the page object waits for
        the view to be gone)."""
        self.chats.watched_from = self.chats.cast.journal.position
        self.shown = self.chats.run(self._pages(who).view_live_chat(self.chats.chat_id))

    def expect_view(self, agent: str, issue: str, crm: bool, messages: list[str]) -> None:
        shown = self.shown
        assert shown is not None, "nobody opened the live chat view"
        cast, consumers = self.chats.cast, self.chats.consumers
        assert shown.agent_name == cast.agent(agent).name, f"agent {shown.agent_name!r}"
        assert shown.end_user == self.chats.customer.unique_id, f"end user {shown.end_user!r}"
        path = " > ".join(consumers.routing.queue(q).name for q in issue.split(" > "))
        assert shown.issue == path, f"issue {shown.issue!r}, expected {path!r}"
        assert bool(shown.crm_record_url) is crm, f"CRM link: {shown.crm_record_url!r}"
        texts = [m.split(": ", 1)[-1] for m in shown.messages]
        assert texts == messages, f"the view shows {shown.messages}, expected {messages}"

    def expect_details(self, who: str, agent: str) -> None:
        details = self.chats.run(self._pages(who).chat_details(self.chats.chat_id))
        missing = [t for t in DETAIL_TERMS if not details.get(t)]
        assert not missing, f"the chat details show no {missing}: {details}"
        assert details["Agent"] == self.chats.cast.agent(agent).name, details
        assert details["End user"] == self.chats.customer.unique_id, details

    def end(self, who: str) -> None:
        self.chats.armed = self.chats.cast.journal.position
        outcome = self.chats.run(self._pages(who).end_chat(self.chats.chat_id))
        assert outcome.done, f"the dashboard refused to end the chat: {outcome.message}"


@pytest.fixture
def chat_pages(chat_desk: ChatDesk, dashboard_users: DashboardUsers) -> ChatPagesDesk:
    """The scenario's supervisors on Chats > Connected."""
    return ChatPagesDesk(chat_desk, dashboard_users)
