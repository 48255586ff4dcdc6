"""SIPp against our stack: as a caller into the SUT, and as a UAS our synthetic caller dials.

How each direction of the audio is proven, given what SIPp 3.6.1 can do (see
``harness.interop.sipp``):

- SIPp to the agent: ``uac_rtp.xml`` streams the customer's signature (``rtp_stream``) and the
  agent's SIP phone must hear it. SIPp runs without ``-rtp_echo`` here.
- The agent to SIPp: ``uac_echo.xml`` with ``-rtp_echo``. SIPp sends every packet it receives
  back to where it came from, so the agent hears its own signature again, after a round trip
  through the SUT, only if SIPp received it. In the stream call the agent never hears itself,
  which shows the echo is what returns it.

Both cannot share one call. The stream leaves from the very socket the echo answers on, so the
SUT receives one flow in which packets of the stream and echoed packets alternate; its relay
renumbers them into one stream and the agent then hears the customer and itself in turn (both
came and went several times a second in trial runs): nothing a test can rely on. Moving the
echo to another port in mid-call would need a re-INVITE with a new offer, which the reference
does not accept. So the suite places two calls: one per direction, each checked end to end
(SIPp's verdict and statistics, the agent's hearing, the SUT's call log).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from harness.endpoints.events import AudioHeard, CallEnded, PhoneRinging
from harness.interop.provision import (
    number_ringing_one_agent,
    watched,
)
from harness.interop.sipp import Sipp, SippRun, SippStats, write_g711_file
from harness.runtime.journal import Match
from harness.sut.events import SutEvent
from harness.sut.model import CallLogEntry
from tests.interop.conftest import SIPP_SCENARIOS, Peers, SutPeers, caller_on_sipp_echo, or_none

pytestmark = [pytest.mark.interop, pytest.mark.usefixtures("sipp_program")]

AGENT = "Alice"
CUSTOMER = "customer"  # the party SIPp plays when it calls in
STREAM_FILE = "caller-signature.pcmu"  # the name uac_rtp.xml streams from its working directory
STREAM_SECONDS = 2.0  # as long as the scenario's pause: the stream plays until the BYE
RING_TIMEOUT = 10.0
CONNECT_TIMEOUT = 10.0
HEAR_TIMEOUT = 5.0
LOG_TIMEOUT = 10.0


@dataclass
class SippCallOutcome:
    """What one SIPp call into the SUT produced, for the assertions."""

    run: SippRun
    agent_leg: str
    heard: AudioHeard | None
    agent_heard: list[str]
    entry: CallLogEntry | None
    agent_id: str


async def sipp_calls_agent(
    peers: SutPeers, *, scenario: str, stream: bool, expect_heard: str
) -> SippCallOutcome:
    """Provision a number ringing one agent's SIP phone (auto-answer), let SIPp call it."""
    tenant, stage, journal, workdir = peers.tenant, peers.stage, peers.journal, peers.workdir
    observation = tenant.observation
    assert observation is not None
    line = await number_ringing_one_agent(tenant, stage, peers.cleanup, AGENT)
    agent = line.agent

    signature = stage.signature(CUSTOMER)
    if stream:  # the customer's signature, as the raw mu-law uac_rtp.xml streams
        write_g711_file(workdir / STREAM_FILE, signature.samples(round(8000 * STREAM_SECONDS)))
    target = line.uri
    sipp = Sipp(
        SIPP_SCENARIOS / scenario, workdir, remote=(target.host, target.port or 5060),
        service=target.user, rtp_echo=not stream,
    )  # fmt: skip
    watched(peers.cleanup, "SIPp", sipp)

    start = journal.position
    await sipp.start()
    ring = await sipp.explaining(
        journal.wait_for_async(Match(PhoneRinging, party=AGENT), RING_TIMEOUT, after=start)
    )
    # When not heard, the caller's assertion reports it with SIPp's verdict beside it.
    heard = await or_none(
        journal.wait_for_async(
            Match(AudioHeard, party=AGENT, heard=expect_heard, sip_call_id=ring.sip_call_id),
            HEAR_TIMEOUT,
        )
    )
    run = await sipp.wait()
    entry = None
    if run.returncode == 0:
        await journal.wait_for_async(
            Match(CallEnded, party=AGENT, sip_call_id=ring.sip_call_id), LOG_TIMEOUT
        )
        await journal.wait_for_async(Match(SutEvent, kind="call.ended"), LOG_TIMEOUT, after=start)
        entry = await observation.call_for_sip_call_id(ring.sip_call_id)
    everything_heard = [
        e.heard
        for e in journal.events(Match(AudioHeard, party=AGENT, sip_call_id=ring.sip_call_id))
    ]
    return SippCallOutcome(run, ring.sip_call_id, heard, everything_heard, entry, agent.id)


def check_sipp_call(outcome: SippCallOutcome) -> None:
    """SIPp's verdict, its statistics and the SUT's call log all agree that the call succeeded."""
    run = outcome.run
    assert run.returncode == 0, run.describe()
    assert run.stats is not None, run.describe()
    assert (run.stats.successful_calls, run.stats.failed_calls) == (1, 0), run.describe()
    assert run.errors == "", run.describe()
    assert outcome.entry is not None, f"no call log entry lists {outcome.agent_leg}"
    assert outcome.entry.status == "answered", outcome.entry
    assert outcome.entry.answered_by == outcome.agent_id, outcome.entry


@dataclass(frozen=True)
class Direction:
    """One direction of a SIPp call's audio, proven by what the agent hears."""

    scenario: str
    stream: bool
    """SIPp streams the customer's signature (else it echoes what it receives)."""
    heard: str
    """The party whose signature the agent must hear."""
    what: str
    """What that is, for the failure message."""
    never: str
    """The party the agent must never hear in this call..."""
    why: str
    """...and why."""


def agent_hears(peers: SutPeers, direction: Direction) -> tuple[SippStats, AudioHeard]:
    """SIPp calls the agent; the call succeeded and the agent heard the direction's signature."""
    outcome = peers.run(
        sipp_calls_agent(peers, scenario=direction.scenario, stream=direction.stream,
                         expect_heard=direction.heard)
    )  # fmt: skip
    check_sipp_call(outcome)
    assert outcome.heard is not None, (
        f"{AGENT} never heard {direction.what}; heard {outcome.agent_heard or 'nothing'}\n"
        f"{outcome.run.describe()}"
    )
    assert direction.never not in outcome.agent_heard, direction.why
    assert outcome.run.stats is not None
    return outcome.run.stats, outcome.heard


STREAM = Direction("uac_rtp.xml", True, CUSTOMER, "the customer's signature streamed by SIPp",
                   AGENT, "without -rtp_echo the agent must not hear itself")  # fmt: skip
ECHO = Direction("uac_echo.xml", False, AGENT, "its own signature back from SIPp's echo",
                 CUSTOMER, "SIPp streamed nothing in the echo call")  # fmt: skip


def test_reference_answers_sipp_and_the_agent_hears_sipp_stream(sut_peers: SutPeers) -> None:
    stats, heard = agent_hears(sut_peers, STREAM)
    sut_peers.measure("sipp_call_length_s", stats.call_length_s)
    sut_peers.measure("sipp_invite_to_200_s", stats.response_time_s)
    sut_peers.measure("agent_hears_sipp_after_answer_ms", heard.latency_ms)


def test_sipp_receives_the_agent_and_echoes_it_back(sut_peers: SutPeers) -> None:
    stats, heard = agent_hears(sut_peers, ECHO)
    sut_peers.measure("sipp_call_length_s", stats.call_length_s)
    sut_peers.measure("agent_hears_itself_after_answer_ms", heard.latency_ms)


async def caller_calls_sipp_uas(peers: Peers) -> tuple[SippRun, AudioHeard | None, list[str]]:
    journal = peers.journal
    echo = await caller_on_sipp_echo(peers, "uas_echo.xml", CUSTOMER, CONNECT_TIMEOUT)
    sipp, caller, call_id = echo.sipp, echo.caller, echo.sip_call_id
    heard = await or_none(
        journal.wait_for_async(
            Match(AudioHeard, party=CUSTOMER, heard=CUSTOMER, sip_call_id=call_id), HEAR_TIMEOUT
        )
    )
    await caller.hangup(call_id)
    run = await sipp.wait()
    everything_heard = [
        e.heard for e in journal.events(Match(AudioHeard, party=CUSTOMER, sip_call_id=call_id))
    ]
    return run, heard, everything_heard


def test_synthetic_caller_hears_itself_through_a_sipp_uas(peers: Peers) -> None:
    run, heard, everything = peers.run(caller_calls_sipp_uas(peers))
    assert heard is not None, (
        f"the caller never heard its signature echoed by SIPp; heard {everything or 'nothing'}\n"
        f"{run.describe()}"
    )
    assert run.returncode == 0, run.describe()
    assert run.stats is not None, run.describe()
    assert (run.stats.successful_calls, run.stats.failed_calls) == (1, 0), run.describe()
    peers.measure("caller_hears_echo_after_answer_ms", heard.latency_ms)
