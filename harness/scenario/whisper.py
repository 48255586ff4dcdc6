"""The agent's whisper and countdown (CC-NTF-1, 2, 3): heard by the agent alone, before the
customer is on the line, and counted in the call's wait time.

Proven on the audio, like the IVR's prompts (``harness.media.prompts``): the whisper of every
line of the scenario and the countdown are fetched from the SUT as it plays them, and looked for
in what the agent's phone received, by normalised cross-correlation; the whisper of another
line, or at another speed, is a known prompt too, so a whisper naming the wrong queue or played
at the wrong speed is named as such. Talks to the SUT only through the ``notifications``
capability.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import numpy as np
import pytest

from harness.endpoints.events import AudioHeard
from harness.endpoints.media_leg import MediaLeg
from harness.endpoints.prompt_ear import hear_prompt
from harness.endpoints.sip_phone import SipPhone
from harness.errors import ConformanceFailure
from harness.media.fragments import fragments_of
from harness.media.prompts import RATE, PromptVerdict, Samples, identify, trim_silence
from harness.runtime.journal import Match, WaitTimeout
from harness.scenario.calls import CallFlows, PlacedCall
from harness.scenario.capabilities import need
from harness.scenario.cast import CUSTOMER, Cast
from harness.scenario.routing import RoutingAdmin
from harness.sut.contract import Notifications
from harness.sut.routing_model import PromptAudio, QueueRef

WHISPER = "the whisper"
COUNTDOWN = "the countdown"
OTHER_SPEED = "the whisper at the former speed"
NAMING_QUEUE = "the whisper naming the queue"
RECORDING_S = 1.2  # the whisper recording a queue gets uploaded
PROMPT_TIMEOUT = 8.0  # the agent hears the prompts within this of the answer
HEARD_TIMEOUT = 3.0  # the parties hear each other within this of the prompts' end
#: The agent's phone detects the customer's signature within this of the relay connecting
#: (five 20 ms frames, plus the packets in flight).
DETECTION_S = 0.15
#: A customer who hears a tenth of the whisper's loud 10 ms pieces hears the whisper.
LEAK_SHARE = 0.1
LEAK_PIECES = 20  # ... and at least this many of them (200 ms): not a few similar sounds


@dataclass
class WhisperEar:
    """The scenario's whisper settings, and what the agent and the customer hear of them."""

    cast: Cast
    flows: CallFlows
    prompts: dict[str, Samples] = field(default_factory=dict)
    countdown: bool = False
    whisper_on: bool = False
    routing: RoutingAdmin | None = None
    queue: str | None = None  # the queue with its own whisper, whose whisper the agent hears
    put_through_at: dict[str, float] = field(default_factory=dict)  # customer's leg -> when

    @property
    def notifications(self) -> Notifications:
        return need(getattr(self.cast.tenant, "notifications", None), "notifications")

    def _samples(self, audio: PromptAudio) -> Samples:
        if audio.sample_rate != RATE:
            raise ValueError(f"{audio.name} is at {audio.sample_rate} Hz; the matcher needs {RATE}")
        return np.asarray(audio.samples, dtype=np.int16)

    def turn_on(self, *, speed_wpm: int | None = None, countdown: bool = False) -> None:
        """The whisper is on (at ``speed_wpm`` when given), with or without the countdown.

        At another speed the whisper at the former speed is kept as a known prompt: an agent
        who hears that one heard the speed setting ignored.
        """
        run = self.cast.portal.run
        run(self.notifications.set_whisper(on=True, countdown=countdown))
        self.countdown = countdown
        self.whisper_on = True
        if speed_wpm is not None:
            lines = list(self.cast.numbers.values())
            if lines:
                self.prompts[OTHER_SPEED] = self._samples(
                    run(self.notifications.whisper_audio(lines[0]))
                )
            run(self.notifications.set_whisper(speed_wpm=speed_wpm))
            if lines:
                self._expect_changed(OTHER_SPEED, run(self.notifications.whisper_audio(lines[0])))

    def _expect_changed(self, former: str, now: PromptAudio) -> None:
        """The whisper the SUT plays now is not ``former`` (the setting took effect)."""
        verdict = identify(self._samples(now), {former: self.prompts[former]}, former)
        if verdict.matched:
            raise ConformanceFailure(
                (),
                "the whisper to change with its setting",
                f"the SUT still plays {former} (score {verdict.own.score:.2f})"
                if verdict.own
                else f"the SUT still plays {former}",
            )

    def turn_on_countdown_only(self) -> None:
        """The countdown is on, the whisper off."""
        self.cast.portal.run(self.notifications.set_whisper(on=False, countdown=True))
        self.countdown = True

    def give_queue_whisper(
        self,
        queue: str,
        *,
        text: str | None = None,
        recorded: bool = False,
        countdown: bool | None = None,
    ) -> None:
        """``queue`` has its own whisper: ``text`` spoken or a recording uploaded (else its
        name), with or without the countdown (None: the account's).

        The whisper naming the queue, which it replaces, stays a known prompt: an agent who
        hears that one heard the queue's setting ignored.
        """
        run = self.cast.portal.run
        ref = self._queue_ref(queue)
        if text is not None or recorded:
            self.prompts[NAMING_QUEUE] = self._samples(
                run(self.notifications.queue_whisper_audio(ref))
            )
        audio = recorded_whisper() if recorded else None
        run(self.notifications.set_queue_whisper(ref, text=text, audio=audio, countdown=countdown))
        if NAMING_QUEUE in self.prompts:
            self._expect_changed(NAMING_QUEUE, run(self.notifications.queue_whisper_audio(ref)))
        self.queue = queue
        self.whisper_on = True
        if countdown is not None:
            self.countdown = countdown

    def set_queue_speed(self, queue: str, speed_wpm: int) -> None:
        """``queue``'s whisper plays at ``speed_wpm``; the one at the former speed stays a
        known prompt (an agent who hears it heard the speed ignored)."""
        run = self.cast.portal.run
        ref = self._queue_ref(queue)
        self.prompts[OTHER_SPEED] = self._samples(run(self.notifications.queue_whisper_audio(ref)))
        run(self.notifications.set_queue_whisper(ref, speed_wpm=speed_wpm))
        self._expect_changed(OTHER_SPEED, run(self.notifications.queue_whisper_audio(ref)))
        self.queue = queue
        self.whisper_on = True

    def _queue_ref(self, queue: str) -> QueueRef:
        if self.routing is None:
            raise LookupError("a queue's whisper needs the routing admin")
        return self.routing.queue(queue)

    def _known(self, line: str) -> dict[str, Samples]:
        """The whisper of every line of the scenario (``line``'s is :data:`WHISPER`), or of
        every queue when a queue has its own whisper, and the countdown, as the SUT plays them
        now."""
        run = self.cast.portal.run
        known = dict(self.prompts)
        if self.queue is not None and self.routing is not None:
            for name, ref in self.routing.queues.items():
                label = WHISPER if name == self.queue else f"the whisper of {name}"
                known[label] = self._samples(run(self.notifications.queue_whisper_audio(ref)))
        else:
            for name, number in self.cast.numbers.items():
                label = WHISPER if name == line else f"the whisper of {name}"
                known[label] = self._samples(run(self.notifications.whisper_audio(number)))
        known[COUNTDOWN] = self._samples(run(self.notifications.countdown_audio()))
        return known

    def _agent_leg(self, call: PlacedCall, agent: str) -> MediaLeg:
        phone = self.cast.phone(agent)
        if not isinstance(phone, SipPhone):
            raise TypeError(f"{agent} answers on {type(phone).__name__}, not a SIP phone")
        task = phone.calls[call.agent_legs[agent]][1]
        return self.cast.portal.run(_media_leg(task))

    def _listen(self, leg: MediaLeg, expected: str, known: dict[str, Samples]) -> PromptVerdict:
        return self.cast.portal.run(
            hear_prompt(leg, expected, known, since=0, timeout=PROMPT_TIMEOUT),
            timeout=PROMPT_TIMEOUT + 5,
        )

    def expect_prompts_before_customer(self, agent: str, line: str) -> None:
        """``agent`` hears the whisper of ``line`` (when ``whisper``) and the countdown (when
        on), in that order, and hears the customer only once they have played out."""
        call = self.flows.last
        known = self._known(line)
        leg = self._agent_leg(call, agent)
        expected = [WHISPER] if self.whisper_on else []
        if self.countdown:
            expected.append(COUNTDOWN)
        if not expected:
            raise LookupError("neither the whisper nor the countdown is on in this scenario")
        offsets = []
        for label in expected:
            verdict = self._listen(leg, label, known)
            if not verdict.matched:
                raise ConformanceFailure((), f"{agent} to hear {label}", verdict.explain())
            own = verdict.own
            assert own is not None
            offsets.append(own.offset_s)
        if offsets != sorted(offsets):
            raise ConformanceFailure(
                (),
                f"{agent} to hear {' then '.join(expected)}",
                f"heard at {', '.join(f'{o:.2f} s' for o in offsets)} of the call",
            )
        self._expect_customer_after(call, agent, sum(len(trim_silence(known[x])) for x in expected))

    def expect_queue_prompts_before_customer(self, agent: str, queue: str) -> None:
        """``agent`` hears the whisper of the IVR queue ``queue`` (its own, or the account's
        naming the queue), and the countdown when on, before the customer."""
        self.queue = queue
        self.expect_prompts_before_customer(agent, queue)

    def _expect_customer_after(self, call: PlacedCall, agent: str, speech_samples: int) -> None:
        """``agent`` hears the customer, and not before the prompts' speech could have played."""
        journal = self.cast.journal
        if call.answered_at is None:
            raise LookupError(f"{agent} has not answered the call")
        answered = journal.records()[call.answered_at].at
        match = Match(AudioHeard, party=agent, heard=CUSTOMER, sip_call_id=call.agent_legs[agent])
        try:
            heard = journal.wait_for(match, PROMPT_TIMEOUT + HEARD_TIMEOUT, after=call.answered_at)
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"{agent} to hear the customer after the prompts", f"{agent} hears silence"
            ) from None
        at = next(r.at for r in journal.records(AudioHeard) if r.event is heard)
        speech_s = speech_samples / RATE
        if at - answered < speech_s:
            raise ConformanceFailure(
                (),
                f"the customer to be put through only after {agent}'s prompts",
                f"{agent} heard the customer {at - answered:.2f} s after answering; "
                f"the prompts' speech alone lasts {speech_s:.2f} s",
            )

    def expect_customer_does_not_hear(self) -> None:
        """No piece of the whisper or the countdown reached the customer."""
        call = self.flows.last
        customer = self.cast.customer
        # Once she hears the agent the prompts are over: all they could leak is in the audio.
        self._customer_put_through(call)
        heard = customer.audio_since(call.sip_call_id, 0)
        known = self._known(call.number)
        for label in (WHISPER, COUNTDOWN):
            found = fragments_of(heard, known[label])
            verdict = identify(heard, {label: known[label]}, label)
            if verdict.matched or (found.matching >= LEAK_PIECES and found.share > LEAK_SHARE):
                raise ConformanceFailure(
                    (),
                    f"the customer not to hear {label}",
                    f"{found.matching} of {found.loud} loud 10 ms pieces of the customer's "
                    f"{len(heard) / RATE:.1f} s are {label} (score {verdict.own.score:.2f})"
                    if verdict.own
                    else f"{found.matching} of {found.loud} loud pieces are {label}",
                )

    def _customer_put_through(self, call: PlacedCall) -> float:
        """When the customer first heard the agent (journal time): she was put through.

        Kept once found: the journal hands each event to one wait only."""
        found = self.put_through_at.get(call.sip_call_id)
        if found is not None:
            return found
        journal = self.cast.journal
        match = Match(AudioHeard, party=CUSTOMER, sip_call_id=call.sip_call_id)
        try:
            heard = journal.wait_for(match, PROMPT_TIMEOUT, after=call.dialled_at)
        except WaitTimeout:
            raise ConformanceFailure(
                (), "the customer to be put through", "the customer hears silence"
            ) from None
        at = next(r.at for r in journal.records(AudioHeard) if r.event is heard)
        self.put_through_at[call.sip_call_id] = at
        return at

    def expect_wait_includes(self, tolerance_ms: int) -> None:
        """The call's wait time, as the SUT logs it, runs from the call's arrival until the
        customer was put through, so the whisper and the countdown count in it.

        Checked against what the harness measured: the prompts' durations against the audio
        the SUT plays, and the wait against the time from the customer's INVITE to her first
        hearing the agent, each within ``tolerance_ms``.
        """
        call = self.flows.last
        journal = self.cast.journal
        call_id = self.flows.sut_call_id(call)
        wait = self.cast.portal.run(self.notifications.call_wait(call_id))
        known = self._known(call.number)
        tolerance = tolerance_ms / 1000
        problems = []
        for label, logged in ((WHISPER, wait.whisper_s), (COUNTDOWN, wait.countdown_s)):
            played = len(known[label]) / RATE
            wanted = self.countdown if label == COUNTDOWN else self.whisper_on
            if not wanted and logged:
                problems.append(f"{label} is off but is logged as {logged:.2f} s")
            elif wanted and abs(logged - played) > tolerance:
                problems.append(f"{label} is logged as {logged:.2f} s; it plays {played:.2f} s")
        at = self._customer_put_through(call)
        measured = at - journal.records()[call.dialled_at].at - DETECTION_S
        if abs(wait.wait_s - measured) > tolerance:
            problems.append(
                f"the wait is logged as {wait.wait_s:.2f} s; the customer was put through "
                f"{measured:.2f} s after calling"
            )
        if problems:
            raise ConformanceFailure(
                (),
                f"the wait time to include the agent's prompts (±{tolerance_ms} ms)",
                "; ".join(problems),
            )


async def _media_leg(task: asyncio.Future[MediaLeg]) -> MediaLeg:
    """The agent's media leg once its set-up task is done."""
    return await task


def recorded_whisper() -> PromptAudio:
    """A recording an admin uploads as a queue's whisper: a rising sweep, unlike any speech."""
    t = np.arange(round(RECORDING_S * RATE)) / RATE
    sweep = 8000 * np.sin(2 * np.pi * (300 * t + 900 * t * t))
    return PromptAudio("recorded whisper", RATE, np.rint(sweep).astype(np.int16))


@pytest.fixture
def whisper_ear(cast: Cast, flows: CallFlows, routing_admin: RoutingAdmin) -> WhisperEar:
    """The agent listening for the whisper and the countdown, the customer for none of it."""
    return WhisperEar(cast, flows, routing=routing_admin)
