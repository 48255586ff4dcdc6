"""A customer in the IVR: hears prompts, keys digits, reaches a queue or is deflected.

Which prompt the customer heard is proven on the audio (``harness.media.prompts``): every
prompt the scenario's settings can play is fetched from the SUT as audio (what an admin hears
in the console) and the customer's received audio is matched against all of them, so a wrong
prompt fails naming both the expected one and the one heard.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pytest

from harness.endpoints.events import CallEnded
from harness.errors import ConformanceFailure
from harness.media.events import DtmfMode
from harness.media.prompts import RATE, Samples, trim_silence
from harness.media.tones import Signature, SignatureDetector
from harness.runtime.journal import Match, WaitTimeout
from harness.scenario.calls import CallFlows, PlacedCall
from harness.scenario.cast import CUSTOMER
from harness.scenario.routing import RoutingAdmin
from harness.sut.events import SutEvent
from harness.sut.model import TimelineKind
from harness.sut.routing_model import PromptAudio, PromptKind, Voicemail

IVR_ANSWER_TIMEOUT = 5.0  # the IVR answers a call within this
PROMPT_TIMEOUT = 8.0  # a prompt is heard within this of the previous action
BEEP_ALLOWANCE_S = 0.6  # the pause and the beep between a greeting and the recording
MESSAGES = {
    "the after-hours message": "after_hours",
    "the voicemail greeting": "voicemail_greeting",
    "the voicemail prompt for a hidden number": "voicemail_blocked_number",
    "the voicemail prompt asking for the number": "voicemail_ask_number",
    "the voicemail prompt once the number is entered": "voicemail_number_entered",
}


@dataclass
class IvrCalls:
    """The scenario's customer going through the IVR."""

    flows: CallFlows
    admin: RoutingAdmin
    mark: int = 0  # the customer's received audio that a prompt must come after
    prompts: dict[str, Samples] = field(default_factory=dict)
    heard_end: int | None = None  # where the last prompt heard ends in the customer's audio
    voicemail: Voicemail | None = None

    @property
    def call(self) -> PlacedCall:
        return self.flows.last

    def dial(self, number: str, *, hide_number: bool = False) -> PlacedCall:
        """The customer calls ``number`` (withholding her number if asked); the IVR answers."""
        if hide_number:
            cast = self.flows.cast
            uri = cast.telephony.number_uri(cast.number(number))
            position = cast.journal.position
            sip_call_id = cast.portal.run(cast.customer.dial(uri, hide_number=True))
            call = PlacedCall(number, sip_call_id, position)
            self.flows.placed.append(call)
        else:
            call = self.flows.dial(number)
        self.flows.wait_connected(call, IVR_ANSWER_TIMEOUT)
        self.mark = 0
        return call

    def key(self, digits: str, mode: DtmfMode = "rfc4733") -> None:
        """The customer keys ``digits``; prompts heard from now on count for what follows."""
        customer = self.flows.cast.customer
        self.mark = customer.audio_mark(self.call.sip_call_id)
        self.flows.cast.portal.run(customer.send_dtmf(self.call.sip_call_id, digits, mode))

    # -- prompts -----------------------------------------------------------------------------------
    def known_prompts(self) -> dict[str, Samples]:
        """Every prompt the scenario's settings can play, by the name the steps use."""
        if self.prompts:
            return self.prompts
        wanted: list[tuple[str, PromptKind, str | None, str | None]] = []
        parents = {p for p in self.admin.parents.values() if p is not None}
        for name in self.admin.queues:
            if name in parents:
                wanted.append((f'the menu of "{name}"', "menu", name, None))
        for label, text_name in MESSAGES.items():
            wanted.append((label, "message", None, text_name))
        for name in self.admin.overrides_with_text:
            wanted.append((f'the message of "{name}"', "override", name, None))
        if self.admin.call_deflection is not None and self.admin.call_deflection.text:
            wanted.append(("the message of the call deflection", "deflection", None, None))
        for label, kind, queue, message_name in wanted:
            audio: PromptAudio = self.admin.run(
                self.admin.routing.prompt_audio(
                    kind, queue=self.admin.queue(queue) if queue else None, message=message_name
                )
            )
            if audio.sample_rate != RATE:
                raise ValueError(f"{label} is at {audio.sample_rate} Hz; the matcher needs {RATE}")
            self.prompts[label] = np.asarray(audio.samples, dtype=np.int16)
        return self.prompts

    def expect_prompt(self, label: str) -> None:
        """The customer hears ``label`` (e.g. ``the menu of "Sales"``) after the last action."""
        prompts = self.known_prompts()
        if label not in prompts:
            known = ", ".join(prompts)
            raise KeyError(f"no prompt {label!r} in this scenario (known: {known})")
        customer = self.flows.cast.customer
        verdict = self.flows.cast.portal.run(
            customer.hear_prompt(
                self.call.sip_call_id, label, prompts, since=self.mark, timeout=PROMPT_TIMEOUT
            ),
            timeout=PROMPT_TIMEOUT + 5,
        )
        if not verdict.matched:
            raise ConformanceFailure((), f"the customer to hear {label}", verdict.explain())
        assert verdict.own is not None
        speech = len(trim_silence(prompts[label]))
        self.heard_end = self.mark + round(verdict.own.offset_s * RATE) + speech

    # -- voicemail ---------------------------------------------------------------------------------
    def leave_message(self, seconds: float) -> None:
        """Once the prompt just heard has played out (and the beep after it), the customer
        talks for ``seconds`` and hangs up."""
        if self.heard_end is None:
            raise LookupError("the customer must hear the greeting before leaving a message")
        customer = self.flows.cast.customer
        sip_call_id = self.call.sip_call_id
        portal = self.flows.cast.portal
        portal.run(customer.wait_heard_samples(sip_call_id, 0, self.heard_end), PROMPT_TIMEOUT)
        portal.run(customer.speak_for(sip_call_id, seconds + BEEP_ALLOWANCE_S), seconds + 5)
        self.flows.hang_up(self.call)

    def expect_voicemail(self, queue: str, seconds: float) -> Voicemail:
        """A voicemail of this call is kept for ``queue`` and holds the customer's voice."""
        cast = self.flows.cast
        call_id = self.flows.sut_call_id(self.call)
        try:
            cast.journal.wait_for(
                Match(SutEvent, kind="voicemail.left", call_id=call_id),
                PROMPT_TIMEOUT,
                after=self.call.dialled_at,
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), f"a voicemail kept for queue {queue!r}", "no voicemail.left event"
            ) from None
        routing = self.admin.routing
        found = [v for v in self.admin.run(routing.voicemails()) if v.call_id == call_id]
        if not found:
            raise ConformanceFailure((), "the voicemail in the SUT's voicemails", "absent")
        voicemail = found[0]
        wanted = self.admin.queue(queue).id
        if voicemail.queue_id != wanted:
            raise ConformanceFailure(
                (), f"the voicemail kept for queue {queue!r}", f"queue {voicemail.queue_id}"
            )
        audio = self.admin.run(routing.voicemail_audio(voicemail))
        voiced = voice_seconds(np.asarray(audio.samples), cast.stage.signature(CUSTOMER))
        total = len(audio.samples) / audio.sample_rate
        if voiced < seconds * 0.75 or voiced < total * 0.6:
            raise ConformanceFailure(
                (),
                f"the customer's {seconds:g}-second message recorded in the voicemail",
                f"{voiced:.2f} s of the customer's voice in {total:.2f} s of recording",
            )
        self.voicemail = voicemail
        return voicemail

    def expect_notified(self, agents: list[str]) -> None:
        """The voicemail notified exactly ``agents`` (and is no CRM record)."""
        voicemail = self._kept()
        wanted = tuple(self.flows.cast.agent(a).id for a in agents)
        names = self.flows.cast.agent_names()
        told = [names.get(u, u) for u in voicemail.notified_user_ids]
        if tuple(sorted(voicemail.notified_user_ids)) != tuple(sorted(wanted)) or (
            voicemail.crm_record
        ):
            raise ConformanceFailure(
                (),
                f"{', '.join(agents)} notified of the voicemail",
                f"notified: {', '.join(told) or 'nobody'}; CRM record: {voicemail.crm_record}",
            )

    def expect_crm_record(self) -> None:
        """The voicemail is available in the CRM, and notified nobody."""
        voicemail = self._kept()
        records = self.admin.run(self.admin.routing.crm_records())
        if not any(r.id == voicemail.id for r in records) or voicemail.notified_user_ids:
            raise ConformanceFailure(
                (),
                "the voicemail available as a CRM record",
                f"CRM records: {[r.id for r in records]}; notified {voicemail.notified_user_ids}",
            )

    def expect_callback(self, number: str) -> None:
        """The voicemail keeps ``number`` as the one to call back."""
        voicemail = self._kept()
        if voicemail.callback != number:
            raise ConformanceFailure(
                (), f"the number to call back {number!r} kept", repr(voicemail.callback)
            )

    def _kept(self) -> Voicemail:
        if self.voicemail is None:
            raise LookupError("no voicemail was checked yet in this scenario")
        return self.voicemail

    # -- the call log ------------------------------------------------------------------------------
    def expect_branch(self, names: list[str]) -> None:
        """The call log shows the last IVR branch chosen as ``names`` from the root down."""
        prefix = self.admin.cast.ids.prefix
        entry = self.flows.log_entry(self.call, final=False)
        shown = entry.ivr_branch or ""
        wanted = " > ".join(f"{n} {prefix}" for n in names)
        if not shown.startswith(wanted):
            raise ConformanceFailure(
                (), f"the call's IVR branch {' > '.join(names)!r}", repr(shown or None)
            )

    def expect_ended_after_message(self) -> None:
        """The SUT hangs up on the customer (a BYE from it) and logs the call missed."""
        try:
            self.flows.cast.journal.wait_for(
                Match(CallEnded, party=CUSTOMER, sip_call_id=self.call.sip_call_id, by="remote"),
                PROMPT_TIMEOUT,
                after=self.call.dialled_at,
            )
        except WaitTimeout:
            raise ConformanceFailure(
                (), "the contact center to hang up after the message", "the call went on"
            ) from None
        entry = self.flows.log_entry(self.call, final=True)
        if entry.status != "missed":
            raise ConformanceFailure(
                (), "the call logged as missed (no agent took it)", entry.status
            )

    def expect_deflected_by(self, queue: str) -> None:
        """The call's timeline says it was deflected by ``queue``'s own hours."""
        entry = self.flows.log_entry(self.call, final=False)
        name = f"{queue} {self.admin.cast.ids.prefix}"
        texts = [t.text for t in entry.timeline if t.kind == TimelineKind.DEFLECTED]
        if not any(f"queue {name} (by its own hours)" in t for t in texts):
            raise ConformanceFailure(
                (), f"the call deflected by the hours of queue {queue!r}", repr(texts)
            )


def voice_seconds(samples: npt.NDArray[np.int16], signature: Signature) -> float:
    """Seconds of ``samples`` (8 kHz) in which ``signature`` is heard, frame by frame."""
    detector = SignatureDetector([signature])
    frame = detector.frame_size
    frames = len(samples) // frame
    heard = sum(
        1
        for i in range(frames)
        if signature in detector.analyse(samples[i * frame : (i + 1) * frame])
    )
    return heard * frame / RATE


@pytest.fixture
def ivr_calls(flows: CallFlows, routing_admin: RoutingAdmin) -> IvrCalls:
    """The customer going through the IVR of the scenario's queues."""
    return IvrCalls(flows, routing_admin)
