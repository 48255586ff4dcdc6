"""SMS notifications of offered calls (CC-NTF-6): the agent's profile phone gets a text for each
call offered to her, read as the real message the SUT sent through the harness's SMS gateway
(:mod:`harness.endpoints.sms_gateway`). Talks to the SUT through the ``notifications``
capability, and the ``consumer`` one to point the account's SMS at the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from harness.data.numbers import e164
from harness.endpoints.sms_gateway import SmsGateway, SmsSent
from harness.errors import ConformanceFailure
from harness.runtime.journal import Match, UnexpectedEvent, WaitTimeout
from harness.scenario.calls import CallFlows
from harness.scenario.capabilities import need
from harness.scenario.cast import Cast
from harness.sut.contract import Consumer, Notifications

SMS_TIMEOUT = 5.0  # the text arrives within this of the offer
QUIET_S = 1.0  # listened to for a text that must not come


@dataclass
class OfferTexts:
    """The agents' profile numbers, and the texts the SUT sends them."""

    cast: Cast
    flows: CallFlows
    phones: dict[str, str] = field(default_factory=dict)  # agent name -> profile number
    gateway: SmsGateway | None = None

    def _gateway(self) -> SmsGateway:
        if self.gateway is None:
            consumer: Consumer = need(self.cast.tenant.consumer, "consumer")
            gateway = self.cast.portal.run(SmsGateway.start(self.cast.journal))
            self.cast.cleanup.push("SMS gateway", gateway.close)
            self.cast.cleanup.check("SMS gateway", gateway.leaks)
            self.cast.portal.run(consumer.connect_sms_gateway(gateway.url, e164("fr_FR")))
            self.gateway = gateway
        return self.gateway

    def set_profile(self, agent: str, *, on: bool) -> None:
        """``agent`` has a phone number in her profile, and SMS notifications ``on`` or off."""
        self._gateway()
        notifications: Notifications = need(
            getattr(self.cast.tenant, "notifications", None), "notifications"
        )
        phone = self.phones.setdefault(agent, e164("fr_FR"))
        self.cast.portal.run(
            notifications.set_sms_notifications(self.cast.agent(agent), on=on, phone=phone)
        )

    def _match(self, agent: str) -> Match[SmsSent]:
        return Match(SmsSent, to_number=self.phones[agent])

    def expect_texted(self, agent: str, count: int, line: str) -> None:
        """``agent``'s profile number got ``count`` texts about calls on ``line`` since the
        first call, and no more."""
        journal = self.cast.journal
        since = self.flows.placed[0].dialled_at
        bodies: list[str] = []
        for _ in range(count):
            try:
                sent = journal.wait_for(self._match(agent), SMS_TIMEOUT, after=since)
            except WaitTimeout:
                raise ConformanceFailure(
                    (),
                    f"{agent}'s phone to get {count} SMS about offered calls",
                    f"{len(bodies)} arrived within {SMS_TIMEOUT:g} s",
                ) from None
            since = next(r.seq for r in journal.records(SmsSent) if r.event is sent) + 1
            bodies.append(sent.body)
        try:
            journal.expect_absent(self._match(agent), QUIET_S, after=since)
        except UnexpectedEvent as extra:
            raise ConformanceFailure(
                (), f"{agent}'s phone to get {count} SMS, no more", str(extra)
            ) from None
        wrong = [b for b in bodies if line not in b]
        if wrong:
            raise ConformanceFailure(
                (), f"each SMS to {agent} to name the line {line!r}", f"it says {wrong[0]!r}"
            )

    def expect_not_texted(self, agent: str) -> None:
        """``agent``'s profile number got no text (her SMS notifications are off)."""
        try:
            self.cast.journal.expect_absent(
                self._match(agent), QUIET_S, after=self.flows.placed[0].dialled_at
            )
        except UnexpectedEvent as extra:
            raise ConformanceFailure(
                (), f"no SMS to {agent}, whose SMS notifications are off", str(extra)
            ) from None


@pytest.fixture
def offer_texts(cast: Cast, flows: CallFlows) -> OfferTexts:
    """The agents' profile numbers and the SMS notifications the SUT sends them."""
    return OfferTexts(cast, flows)
