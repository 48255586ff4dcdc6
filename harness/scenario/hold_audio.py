"""A customer waiting in the queue hears the line's hold audio, until an agent answers.

Proven on the audio, like a prompt (``harness.media.prompts``): the hold audio is fetched from
the SUT as it plays it and looked for in what the customer received, by normalised
cross-correlation. Talks to the SUT only through the ``hold_audio`` capability.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from harness.endpoints.events import AudioHeard, CallEnded
from harness.errors import ConformanceFailure
from harness.media.fragments import fragments_of
from harness.media.prompts import RATE, Samples
from harness.runtime.journal import Match, WaitTimeout
from harness.scenario.calls import AUDIO_GRACE, CallFlows
from harness.scenario.cast import CUSTOMER, CapabilityMissing, Cast
from harness.sut.contract import HoldAudio

LABEL = "the hold audio"
HOLD_TIMEOUT = 5.0  # the hold audio is heard within this of the phone ringing
ANSWER_GRACE_S = 0.2  # audio already on its way when the answer was registered
STOPPED_WINDOW_S = 0.6  # listened to after the answer: several notes of a melody still playing
STILL_PLAYING_SHARE = 0.1  # pieces of the melody among the loud ones that mean it still plays


@dataclass
class HoldAudioEar:
    """The scenario's lines with hold audio, and what the customer hears while waiting."""

    cast: Cast
    flows: CallFlows
    audio: Samples | None = None

    @property
    def hold(self) -> HoldAudio:
        found = getattr(self.cast.tenant, "hold_audio", None)
        if found is None:
            raise CapabilityMissing("the SUT adapter lacks the capability 'hold_audio'")
        return found

    def turn_on(self, line: str) -> None:
        """``line`` plays hold audio to callers waiting for an agent."""
        number = self.cast.number(line)
        self.cast.portal.run(self.hold.set_hold_audio(number, True))
        audio = self.cast.portal.run(self.hold.hold_audio(number))
        if audio.sample_rate != RATE:
            raise ValueError(
                f"the hold audio is at {audio.sample_rate} Hz; the matcher needs {RATE}"
            )
        self.audio = np.asarray(audio.samples, dtype=np.int16)

    def _known(self) -> dict[str, Samples]:
        if self.audio is None:
            raise LookupError("no line plays hold audio: add the hold audio step first")
        return {LABEL: self.audio}

    def expect_heard(self) -> None:
        """While the call waits for an agent, the customer hears the hold audio."""
        call = self.flows.last
        verdict = self.cast.portal.run(
            self.cast.customer.hear_prompt(
                call.sip_call_id, LABEL, self._known(), since=0, timeout=HOLD_TIMEOUT
            ),
            timeout=HOLD_TIMEOUT + 5,
        )
        if not verdict.matched:
            raise ConformanceFailure((), f"the customer to hear {LABEL}", verdict.explain())

    def expect_two_way_after_answer(self, agent: str, bound_ms: int) -> None:
        """The customer and ``agent`` hear each other within ``bound_ms`` of the agent's answer.

        The customer's own leg was answered when the call started waiting (the hold audio
        needs it), so the latency that counts is from the agent's answer, not from that one.
        """
        call = self.flows.last
        journal = self.cast.journal
        if call.answered_at is None:
            raise LookupError(f"{agent} has not answered the call")
        since = call.answered_at
        start = journal.records()[since].at
        problems = []
        for listener, speaker, leg in (
            (CUSTOMER, agent, call.sip_call_id),
            (agent, CUSTOMER, call.agent_legs[agent]),
        ):
            match = Match(AudioHeard, party=listener, heard=speaker, sip_call_id=leg)
            try:
                heard = journal.wait_for(match, bound_ms / 1000 + AUDIO_GRACE, after=since)
            except WaitTimeout:
                problems.append(f"{listener} does not hear {speaker}")
                continue
            record = next(r for r in journal.records(AudioHeard) if r.event is heard)
            late_ms = (record.at - start) * 1000
            if late_ms > bound_ms:
                problems.append(f"{listener} hears {speaker} after {late_ms:.0f} ms")
        if problems:
            raise ConformanceFailure(
                (), f"two-way audio within {bound_ms} ms of the agent's answer", "; ".join(problems)
            )

    def expect_stopped(self) -> None:
        """Once an agent answered, no piece of the hold audio reaches the customer any more.

        Pieces, not the whole melody: a melody that went on beside the agent's audio would
        reach the customer cut into packets (:mod:`harness.media.fragments`).
        """
        known = self._known()[LABEL]
        customer = self.cast.customer
        call = self.flows.last
        mark = customer.audio_mark(call.sip_call_id) + round(ANSWER_GRACE_S * RATE)
        window = round(STOPPED_WINDOW_S * RATE)
        self.cast.portal.run(
            customer.wait_heard_samples(call.sip_call_id, mark, window), STOPPED_WINDOW_S + 5
        )
        heard = customer.audio_since(call.sip_call_id, mark)
        found = fragments_of(heard, known)
        if found.share > STILL_PLAYING_SHARE:
            raise ConformanceFailure(
                (),
                f"{CUSTOMER} no longer hears {LABEL} once the agent answered",
                f"{found.matching} of {found.loud} loud 10 ms pieces of the "
                f"{len(heard) / RATE:.1f} s after the answer are the hold audio",
            )

    def expect_ended_unanswered(self, within_s: float) -> None:
        """Nobody answered: the contact center hangs up on the customer (a BYE from it, since
        the line answered her to play the hold audio) within ``within_s``."""
        call = self.flows.last
        try:
            self.cast.journal.wait_for(
                Match(CallEnded, party=CUSTOMER, sip_call_id=call.sip_call_id, by="remote"),
                within_s,
                after=call.dialled_at,
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (),
                f"the contact center to end the call within {within_s:g} s once nobody answered",
                "the customer is still waiting",
            ) from None


@pytest.fixture
def hold_audio_ear(cast: Cast, flows: CallFlows) -> HoldAudioEar:
    """The customer listening for the hold audio of the scenario's lines."""
    return HoldAudioEar(cast, flows)
