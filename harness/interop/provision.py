"""Set-ups interop tests share: a foreign peer stopped after the test, a number ringing one
agent's phone, a caller on a SIPp echo."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from harness.data.numbers import e164
from harness.endpoints.caller import SyntheticCaller
from harness.endpoints.events import CallConnected
from harness.endpoints.sip_phone import SipPhone
from harness.endpoints.stage import Stage
from harness.interop.sipp import Sipp
from harness.runtime.cleanup import Cleanup
from harness.runtime.journal import Journal, Match
from harness.sip.uri import SipUri
from harness.sut.contract import Tenant
from harness.sut.model import Agent, Number


class Peer(Protocol):
    """A foreign program a test runs: it can be stopped and say what it left behind."""

    def stop(self) -> Awaitable[None]: ...

    def leaks(self) -> list[str]: ...


P = TypeVar("P", bound=Peer)


def watched(cleanup: Cleanup, name: str, peer: P) -> P:
    """``peer``, stopped after the test (by its PID); anything it leaves running fails the test."""
    cleanup.push(name, peer.stop)
    cleanup.check(name, peer.leaks)
    return peer


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


@dataclass(frozen=True)
class EchoCall:
    sipp: Sipp
    caller: SyntheticCaller
    sip_call_id: str


async def caller_connected_to_sipp_echo(
    scenario: Path,
    workdir: Path,
    stage: Stage,
    journal: Journal,
    cleanup: Cleanup,
    name: str,
    timeout: float,
) -> EchoCall:
    """Start a SIPp UAS (``-rtp_echo``) on ``scenario`` and connect a synthetic caller to it.

    When the call does not connect, the failure carries SIPp's own account of what it saw.
    """
    sipp = watched(cleanup, "SIPp", Sipp(scenario, workdir, rtp_echo=True))
    await sipp.start()
    caller = await SyntheticCaller.open(name, stage, e164())
    cleanup.push("caller", caller.close)
    host, port = sipp.sip_address
    call_id = await caller.dial(f"sip:echo@{host}:{port}")
    connected = journal.wait_for_async(
        Match(CallConnected, party=name, sip_call_id=call_id), timeout
    )
    await sipp.explaining(connected)
    return EchoCall(sipp, caller, call_id)
