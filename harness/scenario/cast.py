"""The cast of a scenario: the names Gherkin uses, bound to SUT objects and to the parties we play.

Creating a thing registers its removal with the scenario's cleanup; nothing here is shared between
scenarios. All SUT access goes through the tenant's adapter capabilities.

The cast is a register of names. A scenario helper takes from it only the names it looks up and
receives what else it uses (portal, journal, evidence, tenant, stage) as its own fixtures (see
harness/scenario/fixtures.py), so a new domain adds its helper and its fixture without touching
this class. The infrastructure attributes stay readable for the step modules that use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from harness.data.callers import mobile_number
from harness.data.numbers import e164
from harness.endpoints.caller import SyntheticCaller
from harness.endpoints.sip_phone import SipPhone
from harness.endpoints.stage import Stage
from harness.evidence.collector import Evidence
from harness.runtime.cleanup import Cleanup
from harness.runtime.ids import ScenarioIds
from harness.runtime.journal import Journal
from harness.runtime.portal import Portal
from harness.scenario.capabilities import CapabilityMissing, TenantCapabilities
from harness.sut.contract import Tenant
from harness.sut.model import Agent, Number, Team

__all__ = ["CUSTOMER", "CapabilityMissing", "Cast"]

CUSTOMER = "customer"
T = TypeVar("T")


@dataclass
class Cast(TenantCapabilities):
    portal: Portal
    tenant: Tenant
    journal: Journal
    cleanup: Cleanup
    ids: ScenarioIds
    evidence: Evidence
    stage: Stage
    numbers: dict[str, Number] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
    phones: dict[str, SipPhone] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    customer_transport: str = "udp"  # how the customer's SIP travels ("udp" or "tcp")
    _customer: SyntheticCaller | None = None

    # -- lookups -------------------------------------------------------------------------------
    def number(self, name: str) -> Number:
        return _lookup(self.numbers, name, "number")

    def agent(self, name: str) -> Agent:
        return _lookup(self.agents, name, "agent")

    def phone(self, name: str) -> SipPhone:
        return _lookup(self.phones, name, "SIP phone")

    def team(self, name: str) -> Team:
        return _lookup(self.teams, name, "team")

    def agent_names(self) -> dict[str, str]:
        return {a.id: name for name, a in self.agents.items()}

    # -- creating --------------------------------------------------------------------------------
    def add_number(self, name: str) -> Number:
        number = self.portal.run(self.directory.create_number(f"{name} {self.ids.prefix}", e164()))
        self.numbers[name] = number
        return number

    def add_agent(self, name: str, *, role: str = "agent") -> Agent:
        agent = self.portal.run(self.directory.create_agent(f"{name} {self.ids.prefix}", role=role))
        self.agents[name] = agent
        self.cleanup.push(f"agent {name}", lambda: self.directory.remove_agent(agent))
        return agent

    def add_agent_with_phone(self, name: str) -> SipPhone:
        agent = self.add_agent(name)
        if agent.sip is None:
            raise CapabilityMissing(f"the SUT gave agent {name!r} no SIP credentials")
        phone = self.portal.run(
            SipPhone.open(name, self.stage, agent.sip, self.telephony.registrar())
        )
        self.cleanup.push(f"SIP phone of {name}", phone.close)
        self.phones[name] = phone
        return phone

    def add_team(self, name: str, members: list[str]) -> Team:
        team = self.portal.run(self.directory.create_team(f"{name} {self.ids.prefix}"))
        self.teams[name] = team
        for member in members:
            self.portal.run(self.directory.add_to_team(team, self.agent(member)))
        return team

    @property
    def customer(self) -> SyntheticCaller:
        """The customer who calls in (one synthetic caller per scenario, created on first use)."""
        if self._customer is None:
            caller = self.portal.run(
                SyntheticCaller.open(
                    CUSTOMER,
                    self.stage,
                    mobile_number("fr_FR"),  # valid by libphonenumber, the same again per seed
                    transport=self.customer_transport,
                )
            )
            self.cleanup.push("customer's caller", caller.close)
            self._customer = caller
        return self._customer


def _lookup(table: dict[str, T], name: str, what: str) -> T:
    try:
        return table[name]
    except KeyError:
        known = ", ".join(sorted(table)) or "none"
        raise KeyError(f"no {what} named {name!r} in this scenario (known: {known})") from None
