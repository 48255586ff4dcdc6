"""The setting of the call benchmark: the reference, one account, one number ringing one agent.

Everything is created through the adapter contract, as a scenario would, and each step registers
its own undoing on a :class:`Cleanup` stack, so an interruption at any point (Ctrl-C included)
still hangs up, closes every party, deletes the account and stops the reference.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from harness.data.numbers import e164
from harness.endpoints.caller import SyntheticCaller
from harness.endpoints.sip_phone import SipPhone
from harness.endpoints.stage import Stage
from harness.runtime.cleanup import Cleanup
from harness.runtime.ids import ScenarioIds
from harness.runtime.journal import Journal
from harness.sip.transport import IncomingCall, OutgoingCall
from harness.sut.events import SutEvent
from harness.sut.reference_adapter import ReferenceAdapter

Progress = Callable[[str], None]

CUSTOMER = "customer"
AGENT = "agent"
START_TIMEOUT = 60.0  # the reference reports ready within its own 30 s or fails
QUICK_HANGUP = 1.0  # per call, when a run is cut short; the parties' own close waits longer


@dataclass
class Rig:
    """What the call loop needs; the parties live on the running loop."""

    journal: Journal
    stage: Stage
    caller: SyntheticCaller
    phone: SipPhone
    number_uri: str
    sut_version: str

    async def hang_up_all(self) -> None:
        """Hang up every live call on both sides at once, each within ``QUICK_HANGUP``.

        Only a run cut short (Ctrl-C, which also stops a reference started from the same
        terminal) leaves calls up; a BYE nobody answers then costs one second, not the parties'
        full hang-up timeout each.
        """
        calls: list[OutgoingCall | IncomingCall] = [call for call, _ in self.caller.calls.values()]
        calls += [call for call, _ in self.phone.calls.values()]
        live = [call.hangup(QUICK_HANGUP) for call in calls if call.session.live]
        for outcome in await asyncio.gather(*live, return_exceptions=True):
            if isinstance(outcome, BaseException) and not isinstance(outcome, TimeoutError):
                raise outcome


async def start_reference(adapter: ReferenceAdapter, cleanup: Cleanup) -> None:
    """Start the reference; its stop is registered before the start is awaited.

    The start runs in a worker thread that a cancellation cannot stop, so the stop first lets a
    start still under way finish (bounded), then stops whatever came up.
    """
    starting = asyncio.ensure_future(adapter.start())

    async def stop() -> None:
        if not starting.done():
            await asyncio.wait({starting}, timeout=START_TIMEOUT)
        if starting.done() and not starting.cancelled():
            starting.exception()  # retrieved here: a failed start is reported by the shield below
        await adapter.stop()

    cleanup.push("the reference", stop)
    await asyncio.wait_for(asyncio.shield(starting), START_TIMEOUT)


async def open_rig(cleanup: Cleanup, progress: Progress, sut_url: str | None = None) -> Rig:
    """Start (or join, with ``sut_url``) the reference and provision the benchmark's account."""
    adapter = ReferenceAdapter(sut_url)
    progress("starting the reference" if sut_url is None else f"joining the reference at {sut_url}")
    await start_reference(adapter, cleanup)
    version = await adapter.version()
    ids = ScenarioIds()
    tenant = await adapter.open_tenant(f"bench {ids.prefix}")
    cleanup.push("the benchmark's account", tenant.close)
    directory, telephony, observation = tenant.directory, tenant.telephony, tenant.observation
    if directory is None or telephony is None or observation is None:
        raise RuntimeError("the call benchmark needs directory, telephony and observation")

    journal = Journal()

    def sink(event: SutEvent) -> None:
        journal.record(event)

    cleanup.push("the SUT's event stream", await observation.subscribe(sink))
    stage = await Stage.open(journal)
    cleanup.push("the media clock", stage.close)

    progress("provisioning one number ringing one agent with an auto-answering SIP phone")
    number = await directory.create_number(f"Bench {ids.prefix}", e164())
    agent = await directory.create_agent(f"Bench agent {ids.prefix}")
    await directory.add_ring_to(number, "user", agent.id)
    if agent.sip is None:
        raise RuntimeError("the SUT gave the benchmark's agent no SIP credentials")
    phone = await SipPhone.open(AGENT, stage, agent.sip, telephony.registrar(), auto_answer=True)
    cleanup.push("the agent's SIP phone", phone.close)
    caller = await SyntheticCaller.open(CUSTOMER, stage, e164("fr_FR"))
    cleanup.push("the customer's caller", caller.close)
    rig = Rig(journal, stage, caller, phone, telephony.number_uri(number), version)
    cleanup.push("the calls still up", rig.hang_up_all)
    return rig
