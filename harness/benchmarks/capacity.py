"""``callproof bench capacity``: how many calls per second the reference connects, all of them.

Every call crosses the reference's B2BUA: SIPp's built-in UAC (``sipp -sn uac``) calls a number
that rings one agent, and that agent's only registered contact is a SIPp built-in UAS (``sipp
-sn uas``). Signalling only: both scenarios carry SDP but nobody sends RTP. The rate steps up,
each step placing a fixed number of calls, until a step has a failed call on either side or its
retransmissions explode; the reference's capacity is the highest rate whose step had no failed
call at all. Each step gets a fresh UAS (its own counters), registered in the previous one's
place before the UAC starts.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.benchmarks import stats
from harness.benchmarks.rig import Progress, start_reference
from harness.benchmarks.sipp_load import (
    LoadStep,
    SippLoad,
    best_clean,
    continues,
    render_steps,
    step_calls,
    with_fresh_ports,
)
from harness.data.numbers import e164
from harness.interop.process import PeerTimeout
from harness.interop.sipp import find_sipp
from harness.runtime.cleanup import Cleanup
from harness.runtime.ids import ScenarioIds
from harness.sip.auth import Credentials
from harness.sip.message import SipUri
from harness.sip.transport import SipEndpoint
from harness.sut.model import SipCredentials
from harness.sut.reference_adapter import ReferenceAdapter

# The reference is a test oracle, not a production switch: it must carry the conformance suite
# and the load demos (`callproof load` runs its profiles at tens of calls per second), with room
# to spare. Its earlier aim of 500 calls/s was retired with the capacity optimisations it needed.
AIM_CPS = 50.0
AIM = f"{AIM_CPS:g} calls/s (2 cores, signalling only)"
RATES = (25, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600, 700, 1000)
STEP_SECONDS = 5.0
MAX_STEP_CALLS = 2500
REGISTER_TIMEOUT = 5.0
CONTACT_LIFETIME = 600  # seconds: longer than the whole benchmark
UAC_TAIL = 15.0  # seconds past a step's last call before the UAC gives up (exit 255)
UAS_GRACE = 10.0  # after the UAC: the UAS keeps each call 4 s after its BYE before it counts it


class RegistrationRefused(RuntimeError):
    """The SUT's registrar did not accept the contact the benchmark registered."""


@dataclass(frozen=True)
class Target:
    """The number SIPp calls and the agent whose contact the SIPp UAS becomes."""

    registrar: tuple[str, int]
    service: str  # the number's user part, SIPp's ``-s``
    credentials: SipCredentials


@dataclass(frozen=True)
class CapacityResult:
    """The steps of one capacity run."""

    steps: tuple[LoadStep, ...]
    sut_version: str = ""
    commands: tuple[str, ...] = ()  # the last step's SIPp loads (UAS, then UAC), traces left out
    problems: tuple[str, ...] = ()
    note: str = ""  # why the run measured nothing or stopped short

    @property
    def best(self) -> LoadStep | None:
        return best_clean(self.steps)

    @property
    def best_rate(self) -> float | None:
        best = self.best
        return best.caller.achieved_rate if best is not None else None

    @property
    def measured(self) -> bool:
        """The ramp ran to a step that ended it (or through every rate) and nothing broke."""
        return not self.note and bool(self.steps)

    def aim_met(self) -> bool:
        return self.best_rate is not None and self.best_rate >= AIM_CPS

    def as_dict(self) -> dict[str, Any]:
        return {
            "sut_version": self.sut_version,
            "best_rate": self.best_rate,
            "best_rate_asked": self.best.rate if self.best is not None else None,
            "aim": {"text": AIM, "calls_per_second": AIM_CPS, "met": self.aim_met()},
            "steps": [step.as_dict() for step in self.steps],
            "commands": list(self.commands),
            "note": self.note,
            "problems": list(self.problems),
        }


def render_capacity(result: CapacityResult) -> str:
    """The figures of a capacity run as printed."""
    lines = [
        f"capacity: sipp -sn uac -> reference {result.sut_version or '?'} (B2BUA) -> "
        "sipp -sn uas, signalling only",
    ]
    if result.steps:
        lines += ["", render_steps(result.steps), ""]
    best = result.best
    if best is not None:
        lines.append(
            f"highest clean rate: {stats.number(result.best_rate)} calls/s "
            f"(asked {best.rate:g}; response p50 {stats.number(best.caller.response.median, 0)} "
            f"ms) — aim {AIM}: {'met' if result.aim_met() else 'NOT met'}"
        )
    elif result.steps:
        lines.append(f"highest clean rate: none (aim {AIM})")
    if result.commands:
        lines.append("the last step's SIPp commands (trace files left out):")
        lines.extend(f"  {command}" for command in result.commands)
    if result.note:
        lines.append(f"incomplete: {result.note}")
    lines.extend(f"problem: {p}" for p in result.problems)
    return "\n".join(lines)


async def open_target(
    cleanup: Cleanup, progress: Progress, sut_url: str | None
) -> tuple[Target, str]:
    """Start (or join) the reference; one account, one number ringing one agent."""
    adapter = ReferenceAdapter(sut_url)
    progress("starting the reference" if sut_url is None else f"joining the reference at {sut_url}")
    await start_reference(adapter, cleanup)
    version = await adapter.version()
    ids = ScenarioIds()
    tenant = await adapter.open_tenant(f"bench capacity {ids.prefix}")
    cleanup.push("the benchmark's account", tenant.close)
    directory, telephony = tenant.directory, tenant.telephony
    if directory is None or telephony is None:
        raise RuntimeError("the capacity benchmark needs directory and telephony")
    progress("provisioning one number ringing one agent")
    number = await directory.create_number(f"Bench {ids.prefix}", e164())
    agent = await directory.create_agent(f"Bench agent {ids.prefix}")
    await directory.add_ring_to(number, "user", agent.id)
    if agent.sip is None:
        raise RuntimeError("the SUT gave the benchmark's agent no SIP credentials")
    service = SipUri.parse(telephony.number_uri(number)).user or ""
    return Target(telephony.registrar(), service, agent.sip), version


def contact_headers(user: str, port: int, previous: int | None) -> list[tuple[str, str]]:
    """REGISTER headers making ``127.0.0.1:port`` the agent's one binding.

    Our user agent puts its own Contact on every request: ``Expires: 0`` removes that one at
    once, while each Contact's ``expires`` parameter, which takes precedence over the header
    (RFC 3261 section 10.2.1.1), binds the new UAS and removes the previous step's.
    """
    headers = [
        ("Expires", "0"),
        ("Contact", f"<sip:{user}@127.0.0.1:{port}>;expires={CONTACT_LIFETIME}"),
    ]
    if previous is not None and previous != port:
        headers.append(("Contact", f"<sip:{user}@127.0.0.1:{previous}>;expires=0"))
    return headers


async def point_agent_at(
    endpoint: SipEndpoint, target: Target, port: int, previous: int | None
) -> None:
    """Register the SIPp UAS on ``port`` as the agent's contact, with the agent's credentials."""
    host, registrar_port = target.registrar
    user = target.credentials.username
    aor = f"sip:{user}@{host}:{registrar_port}"
    try:
        response = await endpoint.request(
            "REGISTER",
            f"sip:{host}:{registrar_port}",
            from_uri=aor,
            to_uri=aor,
            headers=contact_headers(user, port, previous),
            credentials=Credentials(user, target.credentials.password),
            timeout=REGISTER_TIMEOUT,
        )
    except TimeoutError as exc:
        raise RegistrationRefused(str(exc)) from exc
    if response.status != 200:
        raise RegistrationRefused(f"REGISTER got {response.status} {response.reason}")


class Steps:
    """The ramp's steps: each a fresh SIPp UAS, registered in the previous one's place as the
    agent's contact, then SIPp's UAC at the step's rate."""

    def __init__(self, endpoint: SipEndpoint, target: Target, workdir: Path) -> None:
        self.endpoint = endpoint
        self.target = target
        self.workdir = workdir
        self.registered: int | None = None  # the port of the UAS bound as the agent's contact
        self.commands: tuple[str, ...] = ()  # the last step's loads (UAS, then UAC)
        self._runs = 0

    async def run(self, rate: float) -> LoadStep:
        """One step at ``rate`` (run again with new ports if SIPp could not bind one)."""
        return await with_fresh_ports(lambda: self._once(rate))

    async def _once(self, rate: float) -> LoadStep:
        self._runs += 1
        workdir = self.workdir / f"{self._runs}-{rate:g}"
        calls = step_calls(rate, STEP_SECONDS, MAX_STEP_CALLS)
        limit = calls / rate + UAC_TAIL
        uas = SippLoad("uas", workdir / "uas", calls=calls, time_limit=limit + UAS_GRACE)
        uac = SippLoad(
            "uac", workdir / "uac", calls=calls, rate=rate, remote=self.target.registrar,
            service=self.target.service, time_limit=limit, trace_rtt=True,
        )  # fmt: skip
        self.commands = (uas.load_command, uac.load_command)
        try:
            await uas.start()
            await point_agent_at(self.endpoint, self.target, uas.sip_port, self.registered)
            self.registered = uas.sip_port
            await uac.start()
            caller = await uac.wait()
            callee = await uas.finish(UAS_GRACE)
        finally:
            await uac.stop()
            await uas.stop()
        return LoadStep(rate, caller, callee)


async def bench_capacity(
    progress: Progress, sut_url: str | None = None, rates: Sequence[float] = RATES
) -> CapacityResult:
    """Step SIPp's rate up through ``rates`` against the reference; everything is undone after."""
    if not rates or any(r <= 0 for r in rates):
        raise ValueError("rates must be positive")
    if find_sipp() is None:
        return CapacityResult((), note="sipp is not installed (Debian: sip-tester)")
    cleanup = Cleanup()
    steps: list[LoadStep] = []
    commands: tuple[str, ...] = ()
    note, version = "", ""
    with tempfile.TemporaryDirectory(prefix="callproof-capacity-") as tmp:
        try:
            target, version = await open_target(cleanup, progress, sut_url)
            endpoint = await SipEndpoint.open("127.0.0.1", 0)
            cleanup.push("the registering SIP endpoint", endpoint.close)
            ramp = Steps(endpoint, target, Path(tmp))
            for rate in rates:
                progress(f"capacity: {step_calls(rate, STEP_SECONDS, MAX_STEP_CALLS)} calls "
                         f"at {rate:g} calls/s")  # fmt: skip
                step = await ramp.run(rate)
                commands = ramp.commands
                steps.append(step)
                failed = f"{step.caller.failed}+{step.callee.failed}"
                progress(f"capacity: {rate:g} calls/s: {step.caller.ok} ok, {failed} failed, "
                         f"{step.verdict}")  # fmt: skip
                if not continues(step):
                    break
        except RegistrationRefused as exc:
            note = f"the agent's contact could not be registered: {exc}"
        except PeerTimeout as exc:
            note = f"SIPp did not end by itself: {exc}"
        finally:
            progress("cleaning up: SIPp, the account, the reference")
            problems = await cleanup.run()
    return CapacityResult(tuple(steps), version, commands, tuple(problems), note)
