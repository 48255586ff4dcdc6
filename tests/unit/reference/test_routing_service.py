"""The routing service on a real store: refused changes keep what was stored, routed calls
are logged with their branch and offers, voicemails notify the queue's agents."""

from __future__ import annotations

import numpy as np
import pytest

from harness.reference.domain.distribution import MemberType
from harness.reference.domain.errors import InvalidField, NotFound
from harness.reference.domain.routing import Deflection, DeflectionOption, QueueMember
from harness.reference.service import ContactCenter

PARIS = {"timezone": "Europe/Paris", "weekly": {"mon": ["09:00-17:00"]}}


@pytest.fixture
def account(center: ContactCenter) -> str:
    return center.create_account("Tenant").id


def test_refused_hours_keep_the_previous_ones(center: ContactCenter, account: str) -> None:
    routing = center.routing
    routing.set_hours(account, "global", None, PARIS)
    before = routing.config(account).to_json()
    for bad, field in (
        ({"timezone": "Europe/Pariss"}, "hours.timezone"),
        ({"timezone": "UTC", "weekly": {"mon": ["18:00-09:00"]}}, "hours.weekly.mon[0]"),
        (
            {"timezone": "UTC", "weekly": {"mon": ["09:00-12:00", "11:00-13:00"]}},
            "hours.weekly.mon",
        ),
    ):
        with pytest.raises(InvalidField) as refused:
            routing.set_hours(account, "global", None, bad)
        assert refused.value.field == field
    with pytest.raises(InvalidField, match="unknown scope"):
        routing.set_hours(account, "galaxy", None, PARIS)
    with pytest.raises(NotFound):
        routing.set_hours(account, "queue", "q_missing", PARIS)
    assert routing.config(account).to_json() == before


def test_is_open_reads_the_accounts_clock(center: ContactCenter, account: str) -> None:
    routing = center.routing
    routing.set_hours(account, "global", None, PARIS)
    center.set_clock(account, "2026-03-02T10:00:00+01:00", frozen=True)
    assert routing.is_open(account) == (True, "global")
    center.set_clock(account, "2026-03-02T18:00:00+01:00", frozen=True)
    assert routing.is_open(account) == (False, "global")


def test_a_web_override_is_refused_and_ivr_overrides_need_a_leaf(
    center: ContactCenter, account: str
) -> None:
    routing = center.routing
    main = routing.create_queue(account, "Main")
    leaf = routing.create_queue(account, "Billing", parent_id=main.id, digit="1")
    message = Deflection(DeflectionOption.MESSAGE, text="Closed.")
    with pytest.raises(InvalidField, match="web has no per-queue after-hours override"):
        routing.set_override(account, leaf.id, "web", message)
    with pytest.raises(InvalidField, match="leaf queues"):
        routing.set_override(account, main.id, "ivr", message)
    routing.set_override(account, leaf.id, "ivr", message)
    assert routing.prompt_text(account, f"override-{leaf.id}") == "Closed."
    assert routing.prompt_text(account, f"menu-{main.id}") == "For Billing, press 1."
    with pytest.raises(NotFound):
        routing.prompt_text(account, f"menu-{leaf.id}")  # a leaf has no menu


def test_queue_members_must_exist(center: ContactCenter, account: str) -> None:
    with pytest.raises(NotFound):
        center.routing.create_queue(
            account, "Sales", members=(QueueMember(MemberType.USER, "usr_missing"),)
        )


def test_a_routed_call_is_logged_with_its_branch_offers_and_voicemail(
    center: ContactCenter, account: str
) -> None:
    routing = center.routing
    alice = center.create_user(account, "Alice", "alice@example.test")
    number = center.create_number(account, "+33100000001", "Help")
    main = routing.create_queue(account, "Main")
    leaf = routing.create_queue(
        account,
        "Billing",
        parent_id=main.id,
        digit="1",
        members=(QueueMember(MemberType.USER, alice.id),),
    )
    routing.set_entry(account, number.id, main.id)
    assert routing.entry_queue(number) == main.id
    call = routing.start_routed_call(number, "+33600000000", "sip-1")
    routing.chose(call.call_id, ["Main", "Billing"], "1")
    plan = routing.ring_queue(call.call_id, leaf.id)
    assert [t.user_id for t in plan.targets] == [alice.id]
    voicemail = routing.voicemail_left(call.call_id, leaf.id, np.zeros(8000, dtype=np.int16))
    assert voicemail.notified_user_ids == (alice.id,) and not voicemail.crm_record
    assert voicemail.duration_s == 1.0
    logged = center.get_call(account, call.call_id)
    assert [o.user_id for o in logged.offers] == [alice.id]
    kinds = [e.kind.value for e in logged.timeline]
    assert kinds == ["incoming", "ivr", "ringing", "deflected"]
    assert routing.voicemails(account) == [voicemail]
    assert len(routing.voicemail_audio(account, voicemail.id)) == 8000
