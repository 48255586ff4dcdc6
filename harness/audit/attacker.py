"""The attacker of a security scenario: runs the tools, knocks from its own address, judges.

One :class:`Attacker` per scenario. It reaches the SUT only where any outsider could: the SIP
address the adapter's telephony capability names. Every action is recorded in the journal and
every tool transcript is kept with the scenario's evidence; each ``expect_*`` method raises a
:class:`~harness.errors.ConformanceFailure` naming the requirement the SUT broke.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from harness.audit import probe, registration, sender
from harness.audit.events import AuditAction
from harness.audit.sender import CaseOutcome
from harness.audit.svcrack import SvcrackReport, crack
from harness.audit.svwar import SvwarSweep, sweep
from harness.audit.tools import Address, ToolOutput, free_udp_port
from harness.errors import ConformanceFailure
from harness.evidence.collector import Evidence
from harness.runtime.journal import Journal, Match
from harness.runtime.portal import Portal
from harness.scenario.capabilities import TenantCapabilities
from harness.scenario.cast import Cast
from harness.sut.contract import Tenant
from harness.sut.events import SutEvent
from harness.sut.model import Agent, SipCredentials

__all__ = ["UNKNOWN_NAMES", "Attacker", "wrong_passwords"]

# Names a scanner tries first; none of them is ever an agent's username here.
UNKNOWN_NAMES = ("admin", "test", "operator", "support", "sip", "guest")
_COMMON_PASSWORDS = (
    "123456", "password", "12345678", "qwerty", "123456789", "12345", "1234", "111111",
    "1234567", "dragon", "123123", "baseball", "abc123", "football", "monkey", "letmein",
    "696969", "shadow", "master", "666666", "qwertyuiop", "123321", "mustang", "1234567890",
    "michael", "654321", "superman", "1qaz2wsx", "7777777", "121212", "000000", "qazwsx",
    "123qwe", "killer", "trustno1", "jordan", "jennifer", "zxcvbnm", "asdfgh", "hunter",
)  # fmt: skip


def wrong_passwords(count: int, right: str) -> list[str]:
    """``count`` likely passwords, none of them ``right`` (common ones first, then random)."""
    if not 1 <= count <= 100:
        raise ValueError("count must be within 1..100")
    out = [p for p in _COMMON_PASSWORDS if p != right][:count]
    while len(out) < count:
        guess = secrets.token_urlsafe(9)
        if guess != right:
            out.append(guess)
    return out


@dataclass
class Attacker(TenantCapabilities):
    """What the attacker did in this scenario, and from where."""

    cast: Cast  # the agents whose accounts are attacked
    portal: Portal
    journal: Journal
    evidence: Evidence
    tenant: Tenant
    sweeps: dict[str, SvwarSweep] = field(default_factory=dict)
    cracked: SvcrackReport | None = None
    address: Address | None = None  # the source the password guesses came from
    guessed_for: str | None = None  # the agent whose password was guessed
    malformed: list[CaseOutcome] = field(default_factory=list)

    @property
    def target(self) -> Address:
        return self.telephony.registrar()

    # -- H-SEC-1: enumeration ------------------------------------------------------------
    def run_svwar(self, method: str, candidates: Sequence[str]) -> SvwarSweep:
        result = sweep(self.target, method, candidates)
        self.sweeps[method] = result
        self._keep(f"svwar-{method}", [out for _, out in result.runs])
        found = ", ".join(f.name for f in result.found) or "nothing"
        self._record(f"svwar -m {method} over {len(candidates)} names", f"found {found}")
        return result

    def candidates(self, first: int, last: int) -> list[str]:
        """The agents' usernames among unknown names and numeric extensions, interleaved."""
        if not 0 <= first <= last or last - first > 1000:
            raise ValueError("an extension range of at most 1000 numbers")
        real = [self._sip(a).username for a in self.cast.agents.values()]
        out = [*UNKNOWN_NAMES, *(str(n) for n in range(first, last + 1))]
        for i, name in enumerate(real):  # spread out, as they would be in a real word list
            out.insert((i + 1) * len(out) // (len(real) + 1), name)
        return out

    def expect_no_extension_found(self, method: str) -> None:
        result = self.sweeps[method]
        if result.untried:
            raise ConformanceFailure(
                (),
                f"svwar -m {method} to try every name",
                f"it never tried {result.untried} ({self._stops(result)})",
            )
        if result.found:
            found = ", ".join(f"{f.name} ({f.classification})" for f in result.found)
            raise ConformanceFailure((), f"svwar -m {method} to find nothing", found)

    def expect_alike(self, method: str, agent: str) -> None:
        """An existing and an unknown user get indistinguishable answers to ``method``."""
        known = self._sip(self.cast.agent(agent)).username
        unknown = f"{known[:-4]}{secrets.token_hex(2)}"  # same shape, nobody's name
        kinds = ("REGISTER", "REGISTER!") if method == "REGISTER" else (method,)
        problems = []
        for kind in kinds:
            profiles = self.portal.run(
                probe.probe_users(self.target, kind, [known, unknown]), timeout=60
            )
            problems += probe.compare_profiles(*profiles)
            self._record(
                f"{kind} for {agent}'s username and for {unknown}",
                "alike" if not problems else "; ".join(problems),
            )
        if problems:
            raise ConformanceFailure(
                (),
                "the same answers for an existing and an unknown user",
                " | ".join(problems),
            )

    # -- H-SEC-2: password guessing ---------------------------------------------------------
    def run_svcrack(self, agent: str, count: int) -> SvcrackReport:
        credentials = self._sip(self.cast.agent(agent))
        passwords = wrong_passwords(count, credentials.password)
        report, output = crack(self.target, credentials.username, passwords)
        self.cracked = report
        self.guessed_for = agent
        self.address = ("127.0.0.1", report.local_port or free_udp_port())
        self._keep("svcrack", [output])
        self._record(
            f"svcrack -u {credentials.username} with {count} passwords",
            f"{len(report.guesses)} guesses, cracked {report.passwords or 'nothing'}",
        )
        return report

    def guess(self, agent: str, count: int) -> list[registration.RegisterOutcome]:
        """``count`` REGISTERs with wrong passwords, all from one new address."""
        credentials = self._sip(self.cast.agent(agent))
        outcomes = self.portal.run(
            registration.guess_passwords(
                self.target,
                credentials.username,
                wrong_passwords(count, credentials.password),
                local_port=free_udp_port(),
            ),
            timeout=count * registration.REGISTER_TIMEOUT + 5,
        )
        self.address = outcomes[0].source
        self.guessed_for = agent
        accepted = [str(o) for o in outcomes if o.accepted]
        self._record(f"{count} wrong passwords for {agent}", f"accepted: {accepted or 'none'}")
        if accepted:
            raise ConformanceFailure((), "every wrong password refused", "; ".join(accepted))
        return outcomes

    def expect_nothing_cracked(self) -> None:
        assert self.cracked is not None, "svcrack has not run in this scenario"
        if self.cracked.passwords:
            raise ConformanceFailure((), "no password found", str(self.cracked.passwords))
        if not self.cracked.guesses:
            raise ConformanceFailure(
                (), "svcrack to make its guesses", self.cracked.stop or "no guess made"
            )

    def register(self, agent: str, *, from_attacker: bool) -> registration.RegisterOutcome:
        """A REGISTER of ``agent`` with the right password, from the attacker's or a new address."""
        credentials = self._sip(self.cast.agent(agent))
        port = self._attacker_address()[1] if from_attacker else 0
        outcome = self.portal.run(
            registration.register_from(
                self.target, credentials.username, credentials.password, local_port=port
            ),
            timeout=2 * registration.REGISTER_TIMEOUT + 5,
        )
        self._record(f"REGISTER {agent} with the right password", str(outcome))
        return outcome

    def expect_refused(self, agent: str) -> None:
        """``agent``'s right password is refused at the attacker's address: 403, or silence."""
        outcome = self.register(agent, from_attacker=True)
        if outcome.status not in (403, None):
            raise ConformanceFailure(
                (), f"{agent} locked out at the attacker's address", str(outcome)
            )

    def expect_accepted(self, agent: str, *, from_attacker: bool, meanwhile: str | None) -> None:
        """``agent`` registers; with ``meanwhile``, that user must still be locked out after."""
        outcome = self.register(agent, from_attacker=from_attacker)
        if not outcome.accepted:
            where = "the attacker's address" if from_attacker else "another address"
            raise ConformanceFailure(
                (), f"{agent} registers from {where}, not locked out", str(outcome)
            )
        if meanwhile is not None:  # proves the check above ran while the lockout was on
            self.expect_refused(meanwhile)

    def wait_lockout_end(self, agent: str, within: float) -> None:
        user_id = self.cast.agent(agent).id
        host, port = self._attacker_address()
        source = f"{host}:{port}"

        def ours(data: dict[str, object]) -> bool:
            return data.get("user_id") == user_id and data.get("source") == source

        match = Match(SutEvent, kind="sip.lockout.ended", data=ours)
        try:
            self.journal.wait_for(match, within)
        except AssertionError as exc:
            raise ConformanceFailure(
                (),
                f"the lockout of {agent} at {source} to end within {within:g} s",
                str(exc),
            ) from None

    # -- H-SEC-3: malformed messages ----------------------------------------------------------
    def send_malformed(self, names: Sequence[str]) -> list[CaseOutcome]:
        cases = [sender.case_named(n) for n in names]
        outcomes = self.portal.run(sender.send_cases(self.target, cases))
        self.malformed += outcomes
        for outcome in outcomes:
            self._record(f"malformed: {outcome.case.name}", str(outcome))
        return outcomes

    def expect_malformed_refused(self) -> None:
        assert self.malformed, "no malformed message was sent in this scenario"
        bad = [str(o) for o in self.malformed if not o.acceptable]
        if bad:
            raise ConformanceFailure((), "a 400 or no answer to each", "; ".join(bad))

    def fuzz(self, count: int, seed: int) -> None:
        sent = self.portal.run(sender.fuzz(self.target, seed=seed, count=count))
        self._record(f"{count} mutated OPTIONS (seed {seed})", f"{sent} sent")
        answer = self.portal.run(sender.still_answers(self.target))
        self._record("OPTIONS after the fuzzing", answer or "no answer")
        if answer is None:
            raise ConformanceFailure((), "the SIP service still answers", "silence")

    # -- internals -----------------------------------------------------------------------
    def _sip(self, agent: Agent) -> SipCredentials:
        if agent.sip is None:
            raise LookupError(f"the SUT gave {agent.name} no SIP credentials")
        return agent.sip

    def _attacker_address(self) -> Address:
        if self.address is None:
            raise LookupError("the attacker has not guessed any password yet in this scenario")
        return self.address

    def _record(self, action: str, outcome: str) -> None:
        self.journal.record(AuditAction(action=action, outcome=outcome))

    def _keep(self, name: str, outputs: Sequence[ToolOutput]) -> None:
        evidence = self.evidence
        evidence.directory.mkdir(parents=True, exist_ok=True)
        path = evidence.directory / f"{name}.txt"
        path.write_text("\n".join(o.transcript() for o in outputs))
        if path not in evidence.files:
            evidence.files.append(path)

    @staticmethod
    def _stops(result: SvwarSweep) -> str:
        return "; ".join(r.stop for r, _ in result.runs if r.stop) or "no stop reported"
