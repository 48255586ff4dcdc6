"""SIPp against the reference and our parties, second round: Digest auth, CANCEL, DTMF.

Each test starts its own SIPp on loopback ports, waits for SIPp's own verdict (exit status,
statistics, error log) and checks what the other side saw in the journal or the SUT's call log.

- Registration: SIPp answers the registrar's challenge with the credentials the SUT gave an
  agent (200, then the binding removed), and with a wrong password (403). SIPp 3.6.1 answers
  MD5 challenges only, and only the first one of a 401: against a registrar that offers
  SHA-256 first (RFC 8760 section 2.4) it cannot register, and the test skips, naming the
  challenges offered. SIPp's MD5 answers are also checked by a registrar made of our own
  `DigestChallenger`, MD5 alone, so that two Digest implementations written apart are compared
  whatever the SUT offers.
- CANCEL: SIPp gives up on a ringing call (200 for the CANCEL, 487 for the INVITE); the SUT logs
  the call as missed and cancels the agent's ringing leg.
- DTMF into the SUT: SIPp replays RFC 4733 events captured in the pcaps sip-tester ships; the
  agent's phone hears each digit through the SUT's bridge.
- DTMF back from SIPp: our caller keys digits to a SIPp UAS run with ``-rtp_echo`` and hears its
  own telephone events come back.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.endpoints.events import (
    AudioHeard,
    CallEnded,
    DtmfHeard,
    PhoneRinging,
    SipTraced,
)
from harness.endpoints.sip_phone import SipPhone
from harness.interop.provision import (
    number_ringing_one_agent,
    watched,
)
from harness.interop.sipp import (
    DTMF_PCAP_DIR,
    Sipp,
    SippRun,
    authentication_field,
    dtmf_pcap,
    write_injection_file,
)
from harness.media.dtmf import DEFAULT_DURATION_MS
from harness.runtime.cleanup import Cleanup
from harness.runtime.journal import Journal, Match
from harness.runtime.portal import Portal
from harness.sip.auth import AuthStatus, DigestChallenger
from harness.sip.calls import IncomingSipRequest
from harness.sip.transport import SipEndpoint
from harness.sip.useragent import DEFAULT_ALLOW
from harness.sut.contract import Tenant
from harness.sut.events import SutEvent
from harness.sut.model import CallLogEntry
from tests.interop.conftest import (
    SIPP_SCENARIOS,
    Peers,
    SutPeers,
    caller_on_sipp_echo,
    in_turn,
    or_none,
    seen_at,
)

pytestmark = pytest.mark.interop
needs_sipp = pytest.mark.usefixtures("sipp_program")

AGENT = "Alice"
CUSTOMER = "customer"
SIPP_DIGITS = "159*#"  # what uac_dtmf.xml keys, in the order its captures must be replayed
CAPTURED_DURATION_MS = 280.0
CALLER_DIGITS = "2580#*"
EVENT_TIMEOUT = 10.0


def check_run(run: SippRun, calls: int = 1) -> None:
    """SIPp says every call of its scenario succeeded, and logged no unexpected message."""
    assert run.returncode == 0, run.describe()
    assert run.stats is not None, run.describe()
    assert (run.stats.successful_calls, run.stats.failed_calls) == (calls, 0), run.describe()
    assert run.errors == "", run.describe()


def check_digits(
    run: SippRun, heard: list[DtmfHeard], who: str, digits: str, duration_ms: float
) -> None:
    """``who`` heard ``digits`` in order as RFC 4733 events of ``duration_ms``, and SIPp's
    scenario succeeded."""
    keyed = "".join(h.digit for h in heard)
    assert keyed == digits, f"{who} heard {keyed!r}\n{run.describe()}"
    assert {h.mode for h in heard} == {"rfc4733"}, heard
    durations = [h.duration_ms for h in heard]
    assert all(d == pytest.approx(duration_ms) for d in durations), durations
    check_run(run)


def test_credentials_reach_sipp_through_its_injection_file(tmp_path: Path) -> None:
    field = authentication_field("alice", "s3cr-t_X")
    assert field == "[authentication username=alice password=s3cr-t_X]"
    path = write_injection_file(tmp_path / "users.csv", [("alice", field), ("bob", "x")])
    assert path.read_text().splitlines() == ["SEQUENTIAL", f"alice;{field};", "bob;x;"]
    for bad in ("a;b", "a b", "a]b", ""):
        with pytest.raises(ValueError):
            authentication_field("alice", bad)
    with pytest.raises(ValueError):
        write_injection_file(tmp_path / "bad.csv", [("a;b",)])
    with pytest.raises(ValueError):
        write_injection_file(tmp_path / "none.csv", [])


def test_dtmf_captures_are_found_by_digit(tmp_path: Path) -> None:
    (tmp_path / "dtmf_2833_pound.pcap").write_bytes(b"")
    (tmp_path / "dtmf_2833_7.pcap").write_bytes(b"")
    assert dtmf_pcap("#", tmp_path) == tmp_path / "dtmf_2833_pound.pcap"
    assert dtmf_pcap("7", tmp_path) == tmp_path / "dtmf_2833_7.pcap"
    assert dtmf_pcap("*", tmp_path) is None
    for bad in ("", "12", "A", "x"):
        with pytest.raises(ValueError):
            dtmf_pcap(bad, tmp_path)


# -- registration with Digest authentication -------------------------------------------------


REGISTRATIONS = [
    pytest.param("register_auth.xml", False, id="right-password-gets-200"),
    pytest.param("register_refused.xml", True, id="wrong-password-gets-403"),
]
SIPP_MD5_ONLY = "authentication must use MD5"
"""SIPp 3.6.1's error on a challenge of another algorithm (it answers only the first one)."""


async def sipp_registers(
    cleanup: Cleanup,
    workdir: Path,
    scenario: str,
    registrar: tuple[str, int],
    username: str,
    password: str,
) -> tuple[SippRun, list[str]]:
    """SIPp's verdict, and the algorithms of the challenges it received in order."""
    row = (username, authentication_field(username, password))
    credentials = write_injection_file(workdir / "credentials.csv", [row])
    sipp = Sipp(SIPP_SCENARIOS / scenario, workdir, remote=registrar, injection=credentials)
    watched(cleanup, "SIPp", sipp)
    await sipp.start()
    run = await sipp.wait()
    log = sipp.messages_path.read_text(errors="replace") if sipp.messages_path.exists() else ""
    return run, re.findall(r"^WWW-Authenticate:.*?algorithm=\"?([\w-]+)", log, re.M | re.I)


async def sipp_registers_as_agent(
    tenant: Tenant, cleanup: Cleanup, workdir: Path, scenario: str, wrong_password: bool
) -> tuple[SippRun, list[str]]:
    """Let SIPp register to the SUT as a new agent, with its password or a wrong one."""
    directory, telephony = tenant.directory, tenant.telephony
    assert directory is not None and telephony is not None
    agent = await directory.create_agent(f"{AGENT} {tenant.label}")
    assert agent.sip is not None, "the SUT gave the agent no SIP credentials"
    password = agent.sip.password + ("-wrong" if wrong_password else "")
    registrar = telephony.registrar()
    return await sipp_registers(cleanup, workdir, scenario, registrar, agent.sip.username, password)


@needs_sipp
@pytest.mark.parametrize(("scenario", "wrong_password"), REGISTRATIONS)
def test_sipp_registers_to_the_sut_with_digest_authentication(
    portal: Portal,
    tenant: Tenant,
    cleanup: Cleanup,
    tmp_path: Path,
    measure: Callable[[str, object], None],
    scenario: str,
    wrong_password: bool,
) -> None:
    run, offered = portal.run(
        sipp_registers_as_agent(tenant, cleanup, tmp_path, scenario, wrong_password), 60
    )
    assert offered, f"SIPp received no Digest challenge\n{run.describe()}"
    if SIPP_MD5_ONLY in run.errors and offered[0] != "MD5":
        # RFC 8760 section 2.4: the UAC answers the topmost challenge it supports. SIPp 3.6.1
        # predates it: it answers the first one, and only with MD5.
        pytest.skip(
            f"this SIPp answers only MD5 challenges, and only the first of a 401; the SUT "
            f"offers {', '.join(offered)} in that order (RFC 8760 section 2.4), which a SIPp "
            f"with SHA-256 (3.7 or later) can answer"
        )
    check_run(run)
    assert run.stats is not None
    measure("sipp_register_to_final_response_s", run.stats.response_time_s)


class Md5Registrar:
    """A registrar of ours that challenges with MD5 alone, as many deployed ones still do.

    It lets SIPp's MD5 answers be checked by our own `DigestChallenger`: two implementations
    written apart must agree on every answer, right or wrong.
    """

    def __init__(self, sip: SipEndpoint, username: str, password: str) -> None:
        self.sip = sip
        self.challenger = DigestChallenger("callproof-test", self._now())
        self.accounts = {username: password}
        self.verdicts: list[AuthStatus] = []
        sip.on_request = self._on_request

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    def _on_request(self, request: IncomingSipRequest) -> None:
        req = request.request
        if req.method != "REGISTER":
            request.respond(405)
            return
        answer = req.headers.get("Authorization")
        if answer is None:
            challenge = self.challenger.challenge("MD5", now=self._now())
            request.respond(401, extra=[("WWW-Authenticate", challenge)])
            return
        result = self.challenger.verify(answer, "REGISTER", self.accounts.get, self._now())
        self.verdicts.append(result.status)
        if not result.ok:
            request.respond(403)
            return
        # RFC 3261 section 10.3, step 8: the 200 lists the bindings with their lifetimes.
        expires = (req.headers.get("Expires") or "3600").strip()
        bindings = [("Contact", f"{c};expires={expires}") for c in req.headers.get_all("Contact")]
        request.respond(200, extra=bindings)


async def sipp_registers_to_md5_registrar(
    cleanup: Cleanup, workdir: Path, scenario: str, wrong_password: bool
) -> tuple[SippRun, list[str], list[AuthStatus]]:
    sip = await SipEndpoint.open(
        "127.0.0.1", 0, allow=(*DEFAULT_ALLOW, "REGISTER"), listen_tcp=False
    )
    cleanup.push("registrar", sip.close)
    username, password = "sipp", secrets.token_urlsafe(18)
    registrar = Md5Registrar(sip, username, password)
    sent = password + ("-wrong" if wrong_password else "")
    run, offered = await sipp_registers(
        cleanup, workdir, scenario, sip.local_address, username, sent
    )
    return run, offered, registrar.verdicts


@needs_sipp
@pytest.mark.parametrize(("scenario", "wrong_password"), REGISTRATIONS)
def test_sipp_md5_answers_check_out_against_our_digest_challenger(
    portal: Portal, cleanup: Cleanup, tmp_path: Path, scenario: str, wrong_password: bool
) -> None:
    run, offered, verdicts = portal.run(
        sipp_registers_to_md5_registrar(cleanup, tmp_path, scenario, wrong_password), 60
    )
    check_run(run)
    assert offered and set(offered) == {"MD5"}, offered
    # The right password is answered twice (binding, then removal), the wrong one once.
    expected = [AuthStatus.BAD] if wrong_password else [AuthStatus.OK, AuthStatus.OK]
    assert verdicts == expected, verdicts


# -- calls from SIPp into the SUT ----------------------------------------------------------------


@dataclass
class AgentLine:
    """A number of the tenant ringing one agent's SIP phone, and SIPp ready to call it."""

    agent_id: str
    phone: SipPhone
    sipp: Sipp


async def agent_line(peers: SutPeers, scenario: Path, *, auto_answer: bool) -> AgentLine:
    """Provision a number ringing one agent's SIP phone and a SIPp calling it (not started)."""
    line = await number_ringing_one_agent(
        peers.tenant, peers.stage, peers.cleanup, AGENT, auto_answer=auto_answer
    )
    target = line.uri
    sipp = Sipp(
        scenario, peers.workdir, remote=(target.host, target.port or 5060), service=target.user
    )
    return AgentLine(line.agent.id, line.phone, watched(peers.cleanup, "SIPp", sipp))


async def ringing(journal: Journal, sipp: Sipp, start: int) -> PhoneRinging:
    """Start SIPp and wait for the agent's phone to ring (SIPp's report if it never does)."""
    await sipp.start()
    return await sipp.explaining(
        journal.wait_for_async(Match(PhoneRinging, party=AGENT), EVENT_TIMEOUT, after=start)
    )


async def logged(
    tenant: Tenant, journal: Journal, sip_call_id: str, start: int
) -> CallLogEntry | None:
    """The SUT's call log entry of the call, once the SUT has said it ended."""
    assert tenant.observation is not None
    await journal.wait_for_async(Match(SutEvent, kind="call.ended"), EVENT_TIMEOUT, after=start)
    return await tenant.observation.call_for_sip_call_id(sip_call_id)


@dataclass
class CancelOutcome:
    run: SippRun
    leg: str
    ended: CallEnded
    cancels_received: int
    entry: CallLogEntry | None
    ring_to_cancel_ms: float


async def sipp_cancels_ringing_call(peers: SutPeers) -> CancelOutcome:
    tenant, journal = peers.tenant, peers.journal
    scenario = SIPP_SCENARIOS / "uac_cancel.xml"
    line = await agent_line(peers, scenario, auto_answer=False)
    start = journal.position
    ring = await ringing(journal, line.sipp, start)
    run = await line.sipp.wait()
    ended = await journal.wait_for_async(
        Match(CallEnded, party=AGENT, sip_call_id=ring.sip_call_id), EVENT_TIMEOUT
    )
    cancels = [
        t
        for t in journal.events(Match(SipTraced, party=AGENT, direction="received"))
        if t.sip_call_id == ring.sip_call_id and t.first_line.startswith("CANCEL ")
    ]
    entry = await logged(tenant, journal, ring.sip_call_id, start)
    lasted = seen_at(journal, ended) - seen_at(journal, ring)
    return CancelOutcome(run, ring.sip_call_id, ended, len(cancels), entry, lasted * 1000)


@needs_sipp
def test_sipp_cancels_a_ringing_call_and_the_sut_logs_it_missed(sut_peers: SutPeers) -> None:
    outcome = sut_peers.run(sipp_cancels_ringing_call(sut_peers))
    # 200 for the CANCEL, 487 for the INVITE: the scenario fails on anything else.
    check_run(outcome.run)
    assert outcome.ended.by == "remote", outcome.ended
    assert outcome.cancels_received >= 1, f"{AGENT}'s phone never received a CANCEL"
    assert outcome.entry is not None, f"no call log entry lists {outcome.leg}"
    assert outcome.entry.status == "missed", outcome.entry
    assert outcome.entry.answered_by is None, outcome.entry
    sut_peers.measure("agent_leg_ended_after_ringing_ms", round(outcome.ring_to_cancel_ms, 1))


@dataclass
class DtmfOutcome:
    run: SippRun
    heard: list[DtmfHeard]
    entry: CallLogEntry | None
    agent_id: str


async def sipp_keys_digits(peers: SutPeers) -> DtmfOutcome:
    tenant, journal, workdir = peers.tenant, peers.journal, peers.workdir
    # SIPp looks for the captures next to the scenario: put both in the working folder.
    scenario = Path(shutil.copy(SIPP_SCENARIOS / "uac_dtmf.xml", workdir))
    for digit in SIPP_DIGITS:
        capture = dtmf_pcap(digit)
        assert capture is not None
        shutil.copy(capture, workdir)
    line = await agent_line(peers, scenario, auto_answer=True)
    start = journal.position
    ring = await ringing(journal, line.sipp, start)
    key = Match(DtmfHeard, party=AGENT, sip_call_id=ring.sip_call_id)
    # What was heard is reported beside SIPp's verdict.
    heard = await in_turn(journal, key, len(SIPP_DIGITS), EVENT_TIMEOUT)
    run = await line.sipp.wait()
    entry = await logged(tenant, journal, ring.sip_call_id, start) if run.returncode == 0 else None
    return DtmfOutcome(run, heard, entry, line.agent_id)


@needs_sipp
def test_agent_hears_the_digits_sipp_keys_through_the_sut(sut_peers: SutPeers) -> None:
    if any(dtmf_pcap(d) is None for d in SIPP_DIGITS):
        pytest.skip(f"sip-tester's DTMF captures are not in {DTMF_PCAP_DIR}")
    outcome = sut_peers.run(sipp_keys_digits(sut_peers))
    # Each capture's end packet reports 2240 timestamp units: 280 ms at 8 kHz.
    check_digits(outcome.run, outcome.heard, AGENT, SIPP_DIGITS, CAPTURED_DURATION_MS)
    assert outcome.entry is not None, "the SUT's call log has no entry for the call"
    assert outcome.entry.status == "answered", outcome.entry
    assert outcome.entry.answered_by == outcome.agent_id, outcome.entry
    assert outcome.run.stats is not None
    sut_peers.measure("sipp_dtmf_call_length_s", outcome.run.stats.call_length_s)


# -- our caller's digits echoed by a SIPp UAS --------------------------------------------------


@dataclass
class EchoOutcome:
    run: SippRun
    heard_itself: bool
    heard: list[DtmfHeard]
    keyed_to_heard_ms: float | None


async def caller_keys_digits_to_sipp_echo(peers: Peers) -> EchoOutcome:
    journal = peers.journal
    echo = await caller_on_sipp_echo(peers, "uas_echo_dtmf.xml", CUSTOMER, EVENT_TIMEOUT)
    sipp, caller, call_id = echo.sipp, echo.caller, echo.sip_call_id
    # The echo path works for audio before any digit is keyed.
    itself = Match(AudioHeard, party=CUSTOMER, heard=CUSTOMER, sip_call_id=call_id)
    heard_itself = await or_none(journal.wait_for_async(itself, EVENT_TIMEOUT)) is not None
    keyed_at = asyncio.get_running_loop().time()
    await caller.send_dtmf(call_id, CALLER_DIGITS)
    key = Match(DtmfHeard, party=CUSTOMER, sip_call_id=call_id)
    # What was heard is reported beside SIPp's verdict.
    heard = await in_turn(journal, key, len(CALLER_DIGITS), EVENT_TIMEOUT)
    latency = (seen_at(journal, heard[0]) - keyed_at) * 1000 if heard else None
    await caller.hangup(call_id)
    return EchoOutcome(await sipp.wait(), heard_itself, heard, latency)


@needs_sipp
def test_synthetic_caller_hears_its_digits_echoed_by_a_sipp_uas(peers: Peers) -> None:
    outcome = peers.run(caller_keys_digits_to_sipp_echo(peers))
    assert outcome.heard_itself, f"SIPp's echo returned no audio\n{outcome.run.describe()}"
    # The echo returns the caller's own event packets, durations included.
    check_digits(outcome.run, outcome.heard, "the caller", CALLER_DIGITS, DEFAULT_DURATION_MS)
    peers.measure("caller_hears_first_echoed_digit_after_keying_ms", outcome.keyed_to_heard_ms)
