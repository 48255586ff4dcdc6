"""The CRM insight card (AC-IN-5, and the toolbar of AC-IN-13): a CRM the harness runs
(:mod:`harness.endpoints.crm`) holds the customer's record; the SUT, configured with it, shows
the card with the ringing call and from the call toolbar. A CRM that is slow or down must not
hold the call up: the app rings and says why there is no card.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from harness.endpoints.crm import Crm, CrmFault, CustomerRecord
from harness.errors import ConformanceFailure
from harness.scenario.cast import CapabilityMissing, Cast
from harness.scenario.incoming import IncomingCalls
from harness.sut.contract import Conversations, InsightApp, InsightShown, SutRefused

CRM_TIMEOUT_S = 0.5  # how long the SUT may wait for the CRM in these scenarios


@dataclass
class CrmInsight:
    """The scenario's CRM and what the agents' apps show of it."""

    incoming: IncomingCalls
    crm: Crm | None = None
    refusal: str = ""

    @property
    def _cast(self) -> Cast:
        return self.incoming.flows.cast

    def _settings(self) -> Conversations:
        settings = getattr(self._cast.tenant, "conversations", None)
        if not isinstance(settings, Conversations):
            raise CapabilityMissing("this adapter lacks the capability 'conversations'")
        return settings

    def _app(self, name: str) -> InsightApp:
        app = self.incoming.agents.calling_app(name)
        if not isinstance(app, InsightApp):
            raise CapabilityMissing("the agent app's page objects have no insight card")
        return app

    def _start(self) -> Crm:
        if self.crm is None:
            crm = self._cast.portal.run(Crm.start(self._cast.journal))
            self._cast.cleanup.push("CRM", crm.close)
            self._cast.cleanup.check("CRM", crm.leaks)
            self.crm = crm
            self._cast.portal.run(self._settings().configure_crm(crm.url, timeout_s=CRM_TIMEOUT_S))
        return self.crm

    def knows_customer(self, name: str, company: str) -> None:
        """The account's CRM holds the customer's record."""
        crm = self._start()
        crm.add(CustomerRecord(self._cast.customer.number, name, company, tier="Gold"))

    def crm_fault(self, mode: str) -> None:
        """The account's CRM is ``slow`` (never answers in time) or ``down``."""
        crm = self._start()
        self._cast.portal.run(crm.fault(CrmFault(mode)))

    def _popup(self, name: str) -> InsightShown:
        key = self.incoming.popup(name).key
        try:
            return self._cast.portal.run(self._app(name).popup_insight(key))
        except AssertionError as exc:  # a web-first assertion: the card never settled
            first = str(exc).splitlines()[0] if str(exc) else "nothing"
            raise ConformanceFailure(
                (), "the pop-up's insight card or why there is none", first
            ) from None

    def expect_card(self, name: str, customer: str, company: str) -> None:
        """``name``'s pop-up shows the customer's card from the CRM."""
        shown = self._popup(name)
        wanted = {"Name": customer, "Company": company}
        if not shown.shown or any(shown.card.get(k) != v for k, v in wanted.items()):
            seen = f"{shown.card or 'no card'} {shown.note}" if shown.shown else "no card at all"
            raise ConformanceFailure((), f"the insight card of {customer} of {company}", seen)

    def expect_no_card(self, name: str, words: str | None) -> None:
        """``name``'s pop-up has no card; with ``words``, it says why in those words."""
        shown = self._popup(name)
        if shown.card:
            raise ConformanceFailure((), "no insight card", f"a card {shown.card}")
        if words is None and shown.shown:
            raise ConformanceFailure((), "no insight card at all", f"a card saying {shown.note!r}")
        if words is not None and words not in shown.note:
            raise ConformanceFailure((), f"a pop-up saying {words!r}", repr(shown.note))

    def expect_toolbar_card(self, name: str, customer: str) -> None:
        """From the call toolbar, ``name`` opens the caller's card."""
        card = self._cast.portal.run(self._app(name).toolbar_insight())
        if card.get("Name") != customer:
            raise ConformanceFailure(
                (), f"the insight card of {customer} from the toolbar", str(card)
            )

    def try_crm_url(self, url: str) -> None:
        """An admin tries to point the CRM at ``url``; a refusal is kept for the check."""
        settings = self._settings()
        before = self._cast.portal.run(settings.crm_settings())
        try:
            self._cast.portal.run(settings.configure_crm(url))
        except SutRefused as refusal:
            self.refusal = str(refusal)
        after = self._cast.portal.run(settings.crm_settings())
        if after != before:
            raise ConformanceFailure((), "the CRM settings unchanged", f"{before} became {after}")

    def expect_refused(self, words: str) -> None:
        """The last CRM setting was refused, saying ``words``."""
        if words not in self.refusal:
            raise ConformanceFailure((), f"a refusal saying {words!r}", self.refusal or "accepted")


@pytest.fixture
def crm_insight(incoming_calls: IncomingCalls) -> CrmInsight:
    """The scenario's CRM and the insight cards the agents' apps show."""
    return CrmInsight(incoming_calls)
