"""Outbound call errors and their fixes (seed 002, SG-ERR).

An agent calls the customer out from a hotline; the SUT refuses with the error code the
help-center article names and a Call ID for support, the documented fix is applied, and the call
then goes through: the customer's phone (played by the harness, reached through the carrier)
rings, the customer answers, and the customer and the agent hear each other. Talks to the SUT
only through the ``call_out`` capability (configuration, attempts, captures) and the
``directory`` (groups are teams); the customer's phone is the :class:`Dialler`'s.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

import pytest

from harness.endpoints.answer_url import AnswerUrl, AnswerUrlFault
from harness.endpoints.events import CallEnded, PhoneRinging
from harness.endpoints.sip_phone import SipPhone
from harness.errors import ConformanceFailure
from harness.evidence.pcap import read_pcap
from harness.runtime.journal import Match, UnexpectedEvent, WaitTimeout
from harness.scenario.calls import LOG_TIMEOUT, CallFlows, PlacedCall
from harness.scenario.capabilities import need
from harness.scenario.cast import CUSTOMER, Cast
from harness.scenario.outbound import NO_RING_WINDOW_S, Dialler
from harness.sut.call_out_model import CallOutAttempt
from harness.sut.contract import CallOut, SutRefused
from harness.sut.events import SutEvent

#: How much later than the SUT's stuck-call timeout a stuck call may end (SG-ERR-9): the
#: reference checks eight times per timeout, and the harness sees the BYE a moment later.
STUCK_TOLERANCE_S = 1.0
#: How much sooner: the agent's last packet left up to one packet interval before the reload.
STUCK_EARLY_S = 0.1


@dataclass
class CallOutDesk:
    """The scenario's outbound attempts from hotlines, and the fixes applied to them."""

    cast: Cast
    flows: CallFlows
    dialler: Dialler
    attempts: list[CallOutAttempt] = field(default_factory=list)
    answer_url: AnswerUrl | None = None
    refused: SutRefused | None = None
    stuck_timeout_s: float | None = None
    reloaded_at: float | None = None  # monotonic time of the reload (SG-ERR-9)
    reloaded_position: int = 0
    asked_at: int = 0  # journal position when the last attempt was asked for

    @property
    def call_out(self) -> CallOut:
        found: CallOut | None = getattr(self.cast.tenant, "call_out", None)
        return need(found, "call_out")

    @property
    def last(self) -> CallOutAttempt:
        if not self.attempts:
            raise LookupError("no outbound call was attempted in this scenario yet")
        return self.attempts[-1]

    # -- configuration -------------------------------------------------------------------------
    def configure(
        self,
        line: str,
        *,
        by: str | None = None,
        allow_call_out: bool | None = None,
        all_groups: bool | None = None,
        groups: list[str] | None = None,
    ) -> None:
        """Change the hotline's call-out configuration as ``by`` (None: the account's own
        administrator); a refusal of ``by``'s change is kept for the checks."""
        cast = self.cast
        teams = [cast.team(name) for name in groups] if groups is not None else None
        self.refused = None
        try:
            cast.portal.run(
                self.call_out.configure_hotline(
                    cast.number(line),
                    by=cast.agent(by) if by is not None else None,
                    allow_call_out=allow_call_out,
                    all_groups=all_groups,
                    groups=teams,
                )
            )
        except SutRefused as refusal:
            if by is None:
                raise
            self.refused = refusal

    def add_to_group(self, who: str, agent: str, team: str) -> None:
        """``who`` (an administrator) adds ``agent`` to the group (the team) ``team``."""
        cast = self.cast
        cast.agent(who)  # the administrator acting is one of the scenario's users
        cast.portal.run(cast.directory.add_to_team(cast.team(team), cast.agent(agent)))

    def delete_hotline(self, line: str) -> None:
        self.cast.portal.run(self.call_out.delete_hotline(self.cast.number(line)))

    def block_customer(self, blocked: bool) -> None:
        self.cast.portal.run(self.call_out.block(self.cast.customer.number, blocked))

    def stuck_calls_end_after(self, seconds: float) -> None:
        self.stuck_timeout_s = seconds
        self.cast.portal.run(self.call_out.set_stuck_call_timeout(seconds))

    def run_answer_url(self) -> None:
        """The SUT asks an answer URL the harness runs."""
        cast = self.cast
        server = cast.portal.run(AnswerUrl.start(cast.journal))
        cast.cleanup.push("answer URL", server.close)
        self.answer_url = server
        cast.portal.run(self.call_out.use_answer_url(server.url))

    def answer_url_fault(self, mode: str) -> None:
        if self.answer_url is None:
            raise LookupError("no answer URL runs: add the answer URL step first")
        self.cast.portal.run(self.answer_url.fault(mode))

    def answer_url_healed(self) -> None:
        """The answer URL works again (a server that went down is started anew)."""
        if self.answer_url is None:
            raise LookupError("no answer URL runs: add the answer URL step first")
        if self.answer_url.leaks():
            self.cast.portal.run(self.answer_url.fault(AnswerUrlFault.NONE))
        else:
            self.run_answer_url()

    # -- calling out ---------------------------------------------------------------------------
    def place(self, agent: str, line: str, *, mode: str = "call_out") -> CallOutAttempt:
        """``agent`` calls the customer out from ``line``. When the SUT places the call, the
        agent's phone rings and the agent picks up; in call-out mode the customer's phone
        then rings (the call is ``flows.last``)."""
        cast = self.cast
        self._customer_phone()
        position = self.asked_at = cast.journal.position
        attempt = cast.portal.run(
            self.call_out.place_call(
                cast.agent(agent),
                cast.customer.number,
                line=cast.number(line),
                mode=mode,
                ring_time_s=self.dialler.ring_time_s,
            )
        )
        self.attempts.append(attempt)
        if attempt.failed:
            return attempt
        placed = PlacedCall(line, "", position, call_id=attempt.call_id)
        self.flows.answer(placed, agent)
        self.flows.placed.append(placed)
        if mode == "call_out":
            self.dialler.customer_rings(placed)
        return attempt

    def in_call(self, agent: str, line: str) -> None:
        """``agent`` calls the customer out and the customer answers."""
        attempt = self.place(agent, line)
        if attempt.failed:
            raise ConformanceFailure((), "the call placed", f"refused: {attempt.message}")
        self.dialler.customer_answers(self.flows.last)
        self.dialler.expect_two_way_after_answer(self.flows.last, agent, 1000)

    def shared_account_calls(self, agent: str, line: str) -> None:
        """A second person signed in as ``agent`` calls the customer out (same account)."""
        self.place(agent, line)

    def give_own_account(self, name: str) -> None:
        """An administrator gives ``name`` an account of their own, with a SIP phone."""
        self.cast.add_agent_with_phone(name)

    def reload_page(self, agent: str) -> None:
        """The agent's page is reloaded during the call: the call's media on the agent's side
        stops and nothing tells the SUT (no BYE); the agent is back, registered as before."""
        call = self.flows.last
        self.reloaded_position = self.cast.journal.position
        self.reloaded_at = time.monotonic()  # the journal's clock
        self.cast.portal.run(self.cast.phone(agent).drop_media(call.agent_legs[agent]))

    def register_phone(self, name: str) -> None:
        """``name`` gets a SIP phone, registered (the documented fix of an agent not found)."""
        cast = self.cast
        agent = cast.agent(name)
        if agent.sip is None:
            raise LookupError(f"the SUT gave {name!r} no SIP credentials")
        phone = cast.portal.run(
            SipPhone.open(name, cast.stage, agent.sip, cast.telephony.registrar())
        )
        cast.cleanup.push(f"SIP phone of {name}", phone.close)
        cast.phones[name] = phone

    # -- checks --------------------------------------------------------------------------------
    def expect_failed(self, code: str) -> None:
        """The last attempt failed with ``code``, with a Call ID under which the SUT logged
        the same failure (what support looks up), and no phone rang."""
        attempt = self.last
        if attempt.code != code:
            got = f"failed with {attempt.code}" if attempt.failed else "the call was placed"
            raise ConformanceFailure((), f"the call to fail with {code}", got)
        if not attempt.call_id:
            raise ConformanceFailure((), f"{code} with a Call ID", "no Call ID")
        logged = self.cast.portal.run(self.call_out.attempt(attempt.call_id))
        if logged.code != code:
            raise ConformanceFailure(
                (), f"the attempt {attempt.call_id} logged with {code}", f"logged {logged.code}"
            )
        try:
            self.cast.journal.expect_absent(
                Match(PhoneRinging), within=NO_RING_WINDOW_S, after=self.asked_at
            )
        except UnexpectedEvent as rang:
            raise ConformanceFailure((), "no phone ringing", str(rang)) from None

    def expect_through(self, agent: str) -> None:
        """The last attempt was placed: the customer answers and hears ``agent`` (and back)."""
        attempt = self.last
        if attempt.failed:
            raise ConformanceFailure((), "the call placed", f"{attempt.code}: {attempt.message}")
        self.dialler.customer_answers(self.flows.last)
        self.dialler.expect_two_way_after_answer(self.flows.last, agent, 1000)

    def expect_configuration_refused(self, line: str, *, allow_call_out: bool) -> None:
        """The change was refused and the hotline's configuration is as it was."""
        if self.refused is None:
            raise ConformanceFailure((), "the change refused", "it was accepted")
        now = self.cast.portal.run(self.call_out.hotline(self.cast.number(line)))
        if now.allow_call_out != allow_call_out:
            raise ConformanceFailure(
                (), f"allow call out still {allow_call_out}", f"it is {now.allow_call_out}"
            )

    def expect_deleted(self, line: str, *, by: str) -> None:
        """There is no self-service fix: ``by``, an administrator, cannot change the deleted
        hotline's configuration, and it stays deleted (SG-ERR-5)."""
        self.configure(line, by=by, allow_call_out=True)
        if self.refused is None:
            raise ConformanceFailure((), "the change refused", "it was accepted")
        now = self.cast.portal.run(self.call_out.hotline(self.cast.number(line)))
        if not now.deleted:
            raise ConformanceFailure((), f"{line} still deleted", "it is not")

    def expect_allows(self, line: str, allow_call_out: bool) -> None:
        now = self.cast.portal.run(self.call_out.hotline(self.cast.number(line)))
        if now.allow_call_out != allow_call_out:
            raise ConformanceFailure(
                (), f"allow call out {allow_call_out}", f"it is {now.allow_call_out}"
            )

    def expect_stuck_call_ends(self) -> None:
        """The stuck call ends ``stuck_timeout_s`` after the reload, within the tolerance."""
        if self.stuck_timeout_s is None or self.reloaded_at is None:
            raise LookupError("set the stuck-call timeout and reload the page first")
        call = self.flows.last
        limit = self.stuck_timeout_s + STUCK_TOLERANCE_S
        try:
            ended = self.cast.journal.wait_for(
                Match(CallEnded, party=CUSTOMER, sip_call_id=call.sip_call_id),
                limit + 1.0,
                after=self.reloaded_position,
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"the stuck call to end within {limit:g} s", "it did not end"
            ) from None
        after = (
            next(
                r.at
                for r in self.cast.journal.records(CallEnded)
                if r.seq >= self.reloaded_position and r.event is ended
            )
            - self.reloaded_at
        )
        if not self.stuck_timeout_s - STUCK_EARLY_S <= after <= limit:
            raise ConformanceFailure(
                (),
                f"the stuck call to end {self.stuck_timeout_s:g} s after the reload"
                f" (-{STUCK_EARLY_S:g} s, +{STUCK_TOLERANCE_S:g} s)",
                f"it ended after {after:.2f} s",
            )

    def expect_ringing_nowhere(self) -> None:
        """The SUT shows the call ringing, but the customer's phone never rings."""
        call = self.flows.last
        journal = self.cast.journal
        try:
            journal.wait_for(
                Match(SutEvent, kind="call.ringing", call_id=call.call_id),
                LOG_TIMEOUT,
                after=call.dialled_at,
            )
        except WaitTimeout:
            raise ConformanceFailure((), "the call shown ringing", "no call.ringing") from None
        try:
            journal.expect_absent(
                Match(PhoneRinging, party=CUSTOMER),
                within=self.dialler.ring_time_s + 0.5,
                after=call.dialled_at,
            )
        except UnexpectedEvent as rang:
            raise ConformanceFailure((), "the customer's phone not ringing", str(rang)) from None

    def expect_capture(self, status: int) -> None:
        """The capture of the last call, retrieved by its Call ID, holds the INVITE to the
        customer and the ``status`` answer the customer's side sent (SG-ERR-12)."""
        call = self.flows.last
        data = self.cast.portal.run(self.call_out.capture(call.call_id or ""))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "capture.pcap"
            path.write_bytes(data)
            packets = read_pcap(path)
        texts = [p.payload.decode("utf-8", "replace") for p in packets]
        ours = [t for t in texts if call.sip_call_id and call.sip_call_id in t]
        invite = any(t.startswith("INVITE ") for t in ours)
        answer = any(t.startswith(f"SIP/2.0 {status} ") for t in ours)
        if not (invite and answer):
            raise ConformanceFailure(
                (),
                f"a capture holding the INVITE of {call.sip_call_id} and its {status} answer",
                f"{len(packets)} packets, {len(ours)} of that dialog:"
                f" {[t.splitlines()[0] for t in ours]}",
            )

    def carrier_refuses(self, status: int) -> None:
        """The customer's side (the carrier) refuses the ringing call with ``status``: the call
        ends at once, with no error of the contact center's (SG-ERR-12)."""
        call = self.flows.last
        try:
            reason = HTTPStatus(status).phrase  # SIP reuses most of HTTP's phrases
        except ValueError:
            reason = "Refused"
        self.cast.portal.run(self._customer_phone().reject(call.sip_call_id, status, reason))

    def _customer_phone(self) -> SipPhone:
        if self.dialler.callee is None:
            raise LookupError("the customer's phone is not reachable: add the carrier step first")
        return self.dialler.callee


@pytest.fixture
def call_out_desk(cast: Cast, flows: CallFlows, dialler: Dialler) -> Iterator[CallOutDesk]:
    """The scenario's outbound attempts from hotlines (SG-ERR)."""
    yield CallOutDesk(cast, flows, dialler)
