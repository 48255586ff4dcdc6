"""The agent app's conversation beyond its header (AC-IN-8, 10, 11, 15): SMS/MMS bubbles beside
the voice calls, the system log of the agent's actions, and the SMS composer of eligible lines.

Customers text through the harness's own SMS gateway (:mod:`harness.endpoints.sms_gateway`),
signed to the SUT's webhook; what the agent texts is read where a carrier would see it: the
message the gateway received. Talks to the SUT through the ``consumer`` capability (the
gateway), ``conversations`` (which lines may text) and the agent app's page objects.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from harness.data.numbers import e164
from harness.endpoints.sms_gateway import Sms, SmsGateway, SmsSent
from harness.errors import ConformanceFailure
from harness.runtime.journal import Match, UnexpectedEvent, WaitTimeout
from harness.scenario.cast import CapabilityMissing, Cast
from harness.scenario.incoming import IncomingCalls
from harness.sut.consumer_model import SmsWebhook
from harness.sut.contract import Consumer, ConversationApp, Conversations

GATEWAY_WAIT_S = 5.0  # a message the app sent reaches the gateway within this
QUIET_S = 0.5  # how long a refused message is watched for at the gateway
PICTURE = "/media/receipt.png"  # an MMS asset, under the gateway's URL


@dataclass
class AgentConversations:
    """The scenario's customer texting a line, and the agents' conversation views."""

    incoming: IncomingCalls
    gateway: SmsGateway | None = None
    webhook: SmsWebhook | None = None

    @property
    def _cast(self) -> Cast:
        return self.incoming.flows.cast

    def _settings(self) -> Conversations:
        settings = getattr(self._cast.tenant, "conversations", None)
        if settings is None:
            raise CapabilityMissing("this adapter lacks the capability 'conversations'")
        assert isinstance(settings, Conversations)
        return settings

    def _app(self, name: str) -> ConversationApp:
        app = self.incoming.agents.calling_app(name)
        if not isinstance(app, ConversationApp):
            raise CapabilityMissing("the agent app's page objects have no conversation view")
        return app

    def _start_gateway(self) -> SmsGateway:
        if self.gateway is None:
            consumer: Consumer | None = self._cast.tenant.consumer
            if consumer is None:
                raise CapabilityMissing("this adapter lacks the capability 'consumer'")
            gateway = self._cast.portal.run(SmsGateway.start(self._cast.journal))
            self._cast.cleanup.push("SMS gateway", gateway.close)
            self._cast.cleanup.check("SMS gateway", gateway.leaks)
            self.gateway = gateway
            # The account's own SMS number, unlike any line's: lines text from theirs.
            account_number = e164("fr_FR")
            self.webhook = self._cast.portal.run(
                consumer.connect_sms_gateway(gateway.url, account_number)
            )
        return self.gateway

    def set_line(self, number: str, eligible: bool) -> None:
        """The account texts through the harness's gateway; ``number`` may text, or not."""
        self._start_gateway()
        line = self._cast.number(number)
        self._cast.portal.run(self._settings().set_sms_eligible(line, eligible))

    def customer_texts(self, number: str, body: str, picture: bool) -> None:
        """The customer texts the line ``number`` (with a picture: an MMS), through the gateway
        to the SUT's webhook."""
        gateway = self._start_gateway()
        assert self.webhook is not None
        media = (f"{gateway.url}{PICTURE}",) if picture else ()
        sms = Sms(self._cast.customer.number, self._cast.number(number).e164, body, media)
        status, answer = self._cast.portal.run(
            gateway.deliver(self.webhook.url, self.webhook.secret, sms)
        )
        if status >= 300:
            raise ConformanceFailure((), "the SUT to take the customer's SMS", f"{status} {answer}")

    def expect_customer_sms(self, name: str, body: str, picture: bool) -> None:
        """``name``'s conversation has the customer's message ``body`` (with its picture as a
        link to the asset the customer sent)."""
        shown = self._cast.portal.run(self._app(name).wait_interaction("sms", body))
        problems = []
        if "from the customer" not in shown.text:
            problems.append(f"the bubble says {shown.text!r}, not that the customer sent it")
        wanted = tuple(f"{self.gateway.url}{PICTURE}" for _ in range(picture) if self.gateway)
        if shown.media != wanted:
            problems.append(f"its media are {list(shown.media)}, not {list(wanted)}")
        if problems:
            raise ConformanceFailure((), f"the customer's message {body!r}", "; ".join(problems))

    def expect_agent_sms(self, name: str, body: str) -> None:
        """``name``'s conversation has the message ``body`` sent to the customer."""
        shown = self._cast.portal.run(self._app(name).wait_interaction("sms", body))
        if "to the customer" not in shown.text or "not delivered" in shown.text:
            raise ConformanceFailure((), f"a bubble of the SMS {body!r} sent", repr(shown.text))

    def expect_composer(self, name: str, shown: bool) -> None:
        """``name``'s conversation offers the SMS composer, or not."""
        offered = self._cast.portal.run(self._app(name).composer_shown())
        if offered != shown:
            wanted = "an SMS composer" if shown else "no SMS composer"
            seen = "one" if offered else "none"
            raise ConformanceFailure((), f"{wanted} in the conversation", seen)

    def agent_texts(self, name: str, body: str) -> None:
        """``name`` sends ``body`` from the conversation's composer; the app reports no problem."""
        self._start_gateway()
        problem = self._cast.portal.run(self._app(name).send_sms(body))
        if problem:
            raise ConformanceFailure((), f"the SMS {body!r} sent", f"the app says {problem!r}")

    def expect_gateway_received(self, body: str, number: str) -> None:
        """The gateway received ``body`` for the customer, from the line ``number``."""
        customer = self._cast.customer.number
        try:
            sent = self._cast.journal.wait_for(
                Match(SmsSent, to_number=customer, body=body), GATEWAY_WAIT_S
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"the gateway to receive {body!r} for the customer", "nothing"
            ) from None
        line = self._cast.number(number).e164
        if sent.from_number != line:
            raise ConformanceFailure((), f"{body!r} sent from {line}", sent.from_number)

    def expect_send_refused(self, name: str, body: str, words: str) -> None:
        """``name`` tries to send ``body``; the app refuses saying ``words``, the gateway gets
        nothing and the SUT logs no such message."""
        problem = self._cast.portal.run(self._app(name).send_sms(body))
        if words not in problem:
            raise ConformanceFailure((), f"a refusal saying {words!r}", repr(problem) or "none")
        try:
            self._cast.journal.expect_absent(Match(SmsSent, body=body), within=QUIET_S)
        except UnexpectedEvent:
            raise ConformanceFailure((), "nothing sent", "the gateway received it") from None
        consumer = self._cast.tenant.consumer
        assert consumer is not None  # the gateway was connected through it
        stored = [m for m in self._cast.portal.run(consumer.sms_log()) if m.body == body]
        if stored:
            raise ConformanceFailure((), "nothing stored", f"the SUT logs {stored}")

    def expect_log(self, name: str, actions: list[str]) -> None:
        """The conversation's system log traces each of ``actions`` by ``name`` (answered,
        held, resumed, hung up), in that order."""
        agent = self._cast.agent(name).name
        wanted = {
            "answered": f"{agent} answered",
            # The SUT's timeline says which side held the call: the agent's.
            "held": "Put on hold by agent",
            "resumed": "Resumed by agent",
        }
        app = self._app(name)
        log: list[str] = []
        for action in actions:
            if action not in wanted:
                raise ValueError(f"a logged action is one of {', '.join(wanted)}, not {action!r}")
            log = self._cast.portal.run(app.wait_log(wanted[action]))
        positions = [next(i for i, e in enumerate(log) if wanted[a] in e) for a in actions]
        if positions != sorted(positions):
            raise ConformanceFailure((), f"the log in the order {', '.join(actions)}", str(log))


@pytest.fixture
def agent_conversations(incoming_calls: IncomingCalls) -> AgentConversations:
    """The scenario's conversations in the agent app, and the customer's SMS."""
    return AgentConversations(incoming_calls)
