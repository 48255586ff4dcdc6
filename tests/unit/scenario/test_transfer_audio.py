"""The verdict on the audio after a transfer's answer, from journals recorded in the order a
real run records them (no SUT, no sockets: the journal's clock is set by hand)."""

from __future__ import annotations

from typing import cast

import pytest

from harness.endpoints.events import AnswerSent, AudioHeard
from harness.errors import ConformanceFailure
from harness.runtime.journal import Event, Journal
from harness.runtime.portal import Portal
from harness.scenario.calls import CallFlows, PlacedCall
from harness.scenario.cast import CUSTOMER
from harness.scenario.transfers import TransferDesk, TransferRecord

CUSTOMER_LEG = "customer-leg"
DORA_LEG = "app-dora"


class Timeline:
    """A journal whose clock reads what the test says."""

    def __init__(self) -> None:
        self.now = 100.0
        self.journal = Journal(clock=lambda: self.now)

    def at(self, seconds: float, event: Event) -> None:
        self.now = seconds
        self.journal.record(event)


def desk_after_transfer(timeline: Timeline) -> tuple[TransferDesk, PlacedCall]:
    """Alice's call, transferred to Dora at 100 s (the journal's position then)."""
    call = PlacedCall("Support", CUSTOMER_LEG, 0, agent_legs={"Dora": DORA_LEG})
    desk = TransferDesk(cast(CallFlows, None), cast(Portal, None), timeline.journal)
    desk.done.append(TransferRecord("Alice", "Dora", timeline.journal.position))
    return desk, call


def customer_hears_dora() -> AudioHeard:
    return AudioHeard(party=CUSTOMER, sip_call_id=CUSTOMER_LEG, heard="Dora", latency_ms=0.0)


def dora_hears_customer() -> AudioHeard:
    return AudioHeard(party="Dora", sip_call_id=DORA_LEG, heard=CUSTOMER, latency_ms=40.0)


def test_audio_heard_before_the_apps_answer_is_recorded_counts_from_the_click() -> None:
    # The agent app's answer is recorded a round trip after the click; the customer heard the
    # agent in between. That is audio 60 ms after the answer, not no audio at all.
    timeline = Timeline()
    desk, call = desk_after_transfer(timeline)
    timeline.at(101.06, customer_hears_dora())
    timeline.at(101.09, dora_hears_customer())
    timeline.at(101.15, AnswerSent(party="Dora", sip_call_id=DORA_LEG, answered_at=101.0))
    desk.expect_target_heard(call, "Dora", 500)


def test_audio_late_after_the_click_fails_naming_the_delay() -> None:
    timeline = Timeline()
    desk, call = desk_after_transfer(timeline)
    timeline.at(101.15, AnswerSent(party="Dora", sip_call_id=DORA_LEG, answered_at=101.0))
    timeline.at(101.16, dora_hears_customer())
    timeline.at(101.7, customer_hears_dora())
    with pytest.raises(ConformanceFailure, match="customer hears Dora after 700 ms"):
        desk.expect_target_heard(call, "Dora", 500)


def test_the_customer_hearing_the_target_before_she_answered_fails() -> None:
    timeline = Timeline()
    desk, call = desk_after_transfer(timeline)
    timeline.at(100.5, customer_hears_dora())
    timeline.at(101.09, dora_hears_customer())
    timeline.at(101.15, AnswerSent(party="Dora", sip_call_id=DORA_LEG, answered_at=101.0))
    with pytest.raises(ConformanceFailure, match="customer hears Dora 500 ms before Dora answered"):
        desk.expect_target_heard(call, "Dora", 500)


def test_a_phone_answer_without_a_better_time_counts_from_its_record() -> None:
    # A SIP phone's answer is its 200 OK, recorded as it leaves.
    timeline = Timeline()
    desk, call = desk_after_transfer(timeline)
    timeline.at(101.0, AnswerSent(party="Dora", sip_call_id=DORA_LEG))
    timeline.at(101.05, customer_hears_dora())
    timeline.at(101.6, dora_hears_customer())
    with pytest.raises(ConformanceFailure, match="Dora hears customer after 600 ms"):
        desk.expect_target_heard(call, "Dora", 500)
