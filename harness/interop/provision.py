"""The set-up most interop tests share: a number of the SUT that rings one agent's SIP phone."""

from __future__ import annotations

from dataclasses import dataclass

from harness.data.numbers import e164
from harness.endpoints.sip_phone import SipPhone
from harness.endpoints.stage import Stage
from harness.runtime.cleanup import Cleanup
from harness.sip.uri import SipUri
from harness.sut.contract import Tenant
from harness.sut.model import Agent, Number


@dataclass(frozen=True)
class AgentNumber:
    agent: Agent
    number: Number
    phone: SipPhone
    uri: SipUri
    """Where a caller dials the number (the SUT's SIP URI for it)."""


async def number_ringing_one_agent(
    tenant: Tenant, stage: Stage, cleanup: Cleanup, name: str, *, auto_answer: bool = True
) -> AgentNumber:
    """Provision a number whose Ring to holds agent ``name``, whose SIP phone is registered."""
    directory, telephony = tenant.directory, tenant.telephony
    assert directory is not None and telephony is not None, "needs directory and telephony"
    agent = await directory.create_agent(f"{name} {tenant.label}")
    assert agent.sip is not None, "the SUT gave the agent no SIP credentials"
    number = await directory.create_number(f"Support {tenant.label}", e164())
    await directory.add_ring_to(number, "user", agent.id)
    phone = await SipPhone.open(
        name, stage, agent.sip, telephony.registrar(), auto_answer=auto_answer
    )
    cleanup.push(f"SIP phone of {name}", phone.close)
    return AgentNumber(agent, number, phone, SipUri.parse(telephony.number_uri(number)))
