"""baresip as an agent of the SUT: registered with Digest auth, rung through a number's widget.

The SUT gives an agent SIP credentials and the agent is put in the "Ring to" widget of a number.
baresip's contact is registered with those credentials in one of two ways:

- ``by-baresip``: baresip registers itself (``auth_pass``, ``regint`` in its account line);
- ``by-third-party``: the harness registers baresip's contact for the agent (RFC 3261 section
  10.2: a REGISTER may bind a contact other than its sender's), so the rest is checked even
  where baresip cannot answer the SUT's challenge: baresip 1.0's Digest client knows MD5 alone
  and gives up (ENOSYS) on any 401 that also offers another algorithm, even after an MD5 one,
  where RFC 8760 section 2.4 wants it to answer a challenge it supports. That case skips,
  naming the challenges offered; with an MD5-only registrar the variant passes.

Our synthetic caller then calls the number, the SUT rings baresip, baresip answers by itself
(``answermode=auto``), and:

- the caller hears baresip's signature (played from a WAV file by aufile);
- baresip's received-audio recording (sndfile) carries the caller's signature;
- baresip keys digits (``sndcode`` over ctrl_tcp) and the caller hears each one as RFC 4733
  events that crossed the SUT's bridge;
- the SUT's call log says the call was answered, by that agent.

baresip 1.0 binds its RTP sockets and its DNS client to every address, so the whole test, the
SUT included, runs in a network namespace of its own, as ``test_baresip`` explains.
"""

from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.data.numbers import e164
from harness.endpoints.caller import SyntheticCaller
from harness.endpoints.events import AudioHeard, CallConnected, DtmfHeard
from harness.endpoints.stage import Stage
from harness.interop.baresip import (
    Baresip,
    BaresipConfig,
    BaresipEvent,
    BaresipRegistrationFailed,
)
from harness.interop.netns import IN_NAMESPACE, namespace_unavailable, run_in_private_namespace
from harness.interop.provision import watched
from harness.media.tones import Signature
from harness.media.wav import write_wav
from harness.runtime.cleanup import Cleanup
from harness.runtime.journal import Journal, Match
from harness.sip.auth import Credentials, parse_auth_params
from harness.sip.transport import SipEndpoint
from harness.sut.events import SutEvent
from harness.sut.model import CallLogEntry, SipCredentials
from tests.interop.conftest import SutPeers, or_none, seen_at
from tests.interop.test_baresip import check_two_way_audio, hang_up_after_audio, quit_and_read

pytestmark = pytest.mark.interop
needs_baresip = pytest.mark.usefixtures("baresip_program")  # first: a missing one skips at once

CUSTOMER = "customer"
AGENT = "baresip"
DIGITS = "73#"
SOURCE_SECONDS = 20.0  # longer than the call: baresip ends a call when its aufile source ends
REGINT = 600  # one registration for the whole test
EVENT_TIMEOUT = 10.0
UNSUPPORTED = "Function not implemented"
"""What baresip 1.0 reports (ENOSYS) when a 401 offers any algorithm but MD5."""


@dataclass
class AgentCallOutcome:
    heard: AudioHeard | None
    caller_heard: list[str]
    digits: list[DtmfHeard]
    entry: CallLogEntry | None
    agent_id: str
    exit_status: int
    frames: dict[Signature, int]
    """Frames of baresip's received-audio recording in which each signature was found."""
    frames_total: int
    register_s: float
    ring_to_answer_ms: float


async def challenges_offered(registrar: tuple[str, int], user: str) -> list[str]:
    """The algorithms the SUT's registrar challenges a REGISTER with, in its order."""
    sip = await SipEndpoint.open("127.0.0.1", 0, listen_tcp=False)
    try:
        host, port = registrar
        aor = f"sip:{user}@{host}:{port}"
        response = await sip.register(f"sip:{host}:{port}", aor, expires=0, timeout=EVENT_TIMEOUT)
    finally:
        await sip.close()
    values = response.headers.get_all("WWW-Authenticate")
    return [parse_auth_params(v)[1].get("algorithm", "MD5") for v in values]


async def register_for(
    credentials: SipCredentials, registrar: tuple[str, int], contact: str
) -> None:
    """Bind ``contact`` to the agent's address of record, as a third party with its password.

    Our endpoint's own Contact goes out too; ``Expires: 0`` leaves it unbound while the
    ``expires`` parameter of ``contact`` binds that one (RFC 3261 section 10.2.1.1).
    """
    sip = await SipEndpoint.open("127.0.0.1", 0, listen_tcp=False)
    try:
        host, port = registrar
        aor = f"sip:{credentials.username}@{host}:{port}"
        response = await sip.request(
            "REGISTER", f"sip:{host}:{port}", from_uri=aor, to_uri=aor,
            headers=[("Expires", "0"), ("Contact", f"<{contact}>;expires={REGINT}")],
            credentials=Credentials(credentials.username, credentials.password),
            timeout=EVENT_TIMEOUT,
        )  # fmt: skip
    finally:
        await sip.close()
    assert response.status == 200, f"REGISTER for {contact}: {response.status} {response.reason}"


async def baresip_phone(
    credentials: SipCredentials,
    registrar: tuple[str, int],
    stage: Stage,
    journal: Journal,
    cleanup: Cleanup,
    workdir: Path,
    *,
    by_baresip: bool,
) -> Baresip:
    """Start baresip as the agent's phone, its contact registered with the agent's password."""
    tone = stage.signature(AGENT)
    source = write_wav(workdir / "agent-signature.wav", tone.samples(round(8000 * SOURCE_SECONDS)))
    peer = Baresip(
        workdir, journal, source, name=AGENT, user=credentials.username,
        registrar=registrar if by_baresip else None,
        password=credentials.password if by_baresip else None, regint=REGINT,
    )  # fmt: skip
    watched(cleanup, "baresip", peer)
    await peer.start()
    if not by_baresip:
        await register_for(credentials, registrar, peer.uri)
        return peer
    try:
        await peer.registered(EVENT_TIMEOUT)
    except BaresipRegistrationFailed as exc:
        offered = await challenges_offered(registrar, credentials.username)
        if UNSUPPORTED in str(exc) and set(offered) != {"MD5"}:
            raise BaresipCannotAnswer(str(exc), offered) from None
        raise
    return peer


async def caller_reaches_baresip_agent(peers: SutPeers, registration: str) -> AgentCallOutcome:
    tenant, stage, journal, cleanup = peers.tenant, peers.stage, peers.journal, peers.cleanup
    workdir = peers.workdir
    directory, telephony = tenant.directory, tenant.telephony
    assert directory is not None and telephony is not None and tenant.observation is not None
    agent = await directory.create_agent(f"Baresip {tenant.label}")
    assert agent.sip is not None, "the SUT gave the agent no SIP credentials"
    number = await directory.create_number(f"Support {tenant.label}", e164())
    await directory.add_ring_to(number, "user", agent.id)

    loop = asyncio.get_running_loop()
    started = loop.time()
    peer = await baresip_phone(agent.sip, telephony.registrar(), stage, journal, cleanup, workdir,
                               by_baresip=registration == "by-baresip")  # fmt: skip
    register_s = loop.time() - started

    caller = await SyntheticCaller.open(CUSTOMER, stage, e164())
    cleanup.push("caller", caller.close)
    start = journal.position
    call_id = await caller.dial(telephony.number_uri(number))
    # baresip rings (its 180 makes the SUT report the agent ringing) and answers by itself.
    rang = await journal.wait_for_async(
        Match(SutEvent, kind="call.ringing", data=lambda d: d.get("user_id") == agent.id),
        EVENT_TIMEOUT,
        after=start,
    )
    established = await journal.wait_for_async(
        Match(BaresipEvent, party=AGENT, kind="CALL_ESTABLISHED"), EVENT_TIMEOUT, after=start
    )
    leg = established.sip_call_id  # the SUT's call to baresip, not the caller's
    await journal.wait_for_async(
        Match(CallConnected, party=CUSTOMER, sip_call_id=call_id), EVENT_TIMEOUT
    )
    ring_to_answer = seen_at(journal, established) - seen_at(journal, rang)
    heard = await or_none(
        journal.wait_for_async(
            Match(AudioHeard, party=CUSTOMER, heard=AGENT, sip_call_id=call_id), EVENT_TIMEOUT
        )
    )

    # One digit at a time, each heard before the next: a press and its release per sndcode.
    digits: list[DtmfHeard] = []
    key = Match(DtmfHeard, party=CUSTOMER, sip_call_id=call_id)
    try:
        for digit in DIGITS:
            await peer.send_digits(digit)
            digits.append(await journal.wait_for_async(key, EVENT_TIMEOUT))
    except AssertionError:
        pass  # reported with what was heard

    await hang_up_after_audio(caller, call_id, EVENT_TIMEOUT)
    await journal.wait_for_async(
        Match(BaresipEvent, party=AGENT, kind="CALL_CLOSED", sip_call_id=leg), EVENT_TIMEOUT
    )
    await journal.wait_for_async(Match(SutEvent, kind="call.ended"), EVENT_TIMEOUT, after=start)
    entry = await tenant.observation.call_for_sip_call_id(call_id)
    got = await quit_and_read(peer, peers, call_id)
    return AgentCallOutcome(
        heard, got.caller_heard, digits, entry, agent.id, got.exit_status, got.frames,
        got.frames_total, register_s, ring_to_answer * 1000,
    )  # fmt: skip


class BaresipCannotAnswer(Exception):
    """baresip gave up on a registrar that offers an algorithm other than MD5."""

    def __init__(self, reason: str, offered: list[str]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.offered = offered


REGISTRATIONS = ["by-baresip", "by-third-party"]


def test_a_registering_baresip_account_is_created_over_its_control_connection(
    tmp_path: Path,
) -> None:
    config = BaresipConfig(
        audio_source=tmp_path / "tone.wav", recordings=tmp_path / "rec", user="agent-7",
        registrar="127.0.0.1:5080", password="pw-_9", regint=120,
    )  # fmt: skip
    config.write(tmp_path / "cfg")
    assert (tmp_path / "cfg" / "accounts").read_text() == ""  # `uanew` creates it instead
    aor, *params = config.account_line().strip().split(";")
    assert aor == "<sip:agent-7@127.0.0.1:5080>"
    assert {"auth_pass=pw-_9", "regint=120", "answermode=auto", "audio_codecs=PCMU"} == set(params)
    with pytest.raises(ValueError):
        BaresipConfig(tmp_path, tmp_path, registrar="127.0.0.1:5080", password="a;b").account_line()


@needs_baresip
@pytest.mark.parametrize("registration", REGISTRATIONS)
def test_baresip_agent_in_a_network_namespace_of_its_own(registration: str) -> None:
    """Runs the agent test below, and the SUT it talks to, inside ``unshare -n``.

    The inner test's outcome is this test's: passed, failed, or skipped for the same reason.
    """
    reason = namespace_unavailable()
    if reason is not None:
        pytest.skip(reason)
    inner = f"{__file__}::test_baresip_agent_answers_a_caller_through_the_sut[{registration}]"
    result = run_in_private_namespace(inner, "-rs")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    skipped = re.search(r"^SKIPPED \[\d+\] [^:]+:\d+: (.+)$", result.stdout, re.MULTILINE)
    if skipped is not None:
        pytest.skip(skipped.group(1))
    assert "1 passed" in result.stdout, result.stdout[-4000:]


@needs_baresip
@pytest.mark.parametrize("registration", REGISTRATIONS)
def test_baresip_agent_answers_a_caller_through_the_sut(
    sut_peers: SutPeers, registration: str
) -> None:
    if not os.environ.get(IN_NAMESPACE):
        pytest.skip("runs inside a private network namespace (see the test above)")
    stage, measure = sut_peers.stage, sut_peers.measure
    try:
        outcome = sut_peers.run(caller_reaches_baresip_agent(sut_peers, registration), timeout=90)
    except BaresipCannotAnswer as exc:
        pytest.skip(
            f"baresip 1.0 answers only MD5 and gives up on a 401 that also offers another "
            f"algorithm ({exc.reason}); the SUT offers {', '.join(exc.offered)} in that order "
            f"(RFC 8760 section 2.4 asks a client to answer a challenge it supports)"
        )
    heard = check_two_way_audio(stage, outcome.heard, outcome.caller_heard, outcome.frames,
                                outcome.frames_total)  # fmt: skip
    keyed = "".join(d.digit for d in outcome.digits)
    assert keyed == DIGITS, f"the caller heard {keyed!r} of the digits baresip keyed"
    assert {d.mode for d in outcome.digits} == {"rfc4733"}, outcome.digits
    assert outcome.entry is not None, "the SUT's call log has no entry for the call"
    assert outcome.entry.status == "answered", outcome.entry
    assert outcome.entry.answered_by == outcome.agent_id, outcome.entry
    assert outcome.exit_status == 0, f"baresip ended with status {outcome.exit_status} on quit"
    measure("baresip_registered_after_start_s", round(outcome.register_s, 3))
    measure("baresip_ring_to_answer_ms", round(outcome.ring_to_answer_ms, 1))
    measure("caller_hears_baresip_after_answer_ms", heard.latency_ms)
    measure("baresip_digit_durations_ms", [d.duration_ms for d in outcome.digits])
