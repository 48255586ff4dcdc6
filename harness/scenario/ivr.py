"""A customer in the IVR: hears prompts, keys digits, reaches a queue or is deflected.

Which prompt the customer heard is proven on the audio (``harness.media.prompts``): every
prompt the scenario's settings can play is fetched from the SUT as audio (what an admin hears
in the console) and the customer's received audio is matched against all of them, so a wrong
prompt fails naming both the expected one and the one heard.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from harness.endpoints.events import CallEnded
from harness.errors import ConformanceFailure
from harness.media.events import DtmfMode
from harness.media.prompts import RATE, Samples
from harness.runtime.journal import Match, WaitTimeout
from harness.scenario.calls import CallFlows, PlacedCall
from harness.scenario.cast import CUSTOMER
from harness.scenario.routing import RoutingAdmin
from harness.sut.routing_model import PromptAudio, PromptKind

IVR_ANSWER_TIMEOUT = 5.0  # the IVR answers a call within this
PROMPT_TIMEOUT = 8.0  # a prompt is heard within this of the previous action
MESSAGES = {
    "the after-hours message": "after_hours",
    "the voicemail greeting": "voicemail_greeting",
    "the voicemail prompt for a hidden number": "voicemail_blocked_number",
}


@dataclass
class IvrCalls:
    """The scenario's customer going through the IVR."""

    flows: CallFlows
    admin: RoutingAdmin
    mark: int = 0  # the customer's received audio that a prompt must come after
    prompts: dict[str, Samples] = field(default_factory=dict)

    @property
    def call(self) -> PlacedCall:
        return self.flows.last

    def dial(self, number: str) -> PlacedCall:
        """The customer calls ``number``; the IVR answers."""
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
        texts = [t.text for t in entry.timeline if t.kind == "deflected"]
        if not any(f"queue {name} (by its own hours)" in t for t in texts):
            raise ConformanceFailure(
                (), f"the call deflected by the hours of queue {queue!r}", repr(texts)
            )


@pytest.fixture
def ivr_calls(flows: CallFlows, routing_admin: RoutingAdmin) -> IvrCalls:
    """The customer going through the IVR of the scenario's queues."""
    return IvrCalls(flows, routing_admin)
