"""Calling out from hotlines (SG-ERR): the decision, its configuration, and the stored parts."""

from __future__ import annotations

import asyncio

import pytest

from harness.reference.call_out import CallOut
from harness.reference.domain.call_out import (
    CallMode,
    CallOutCode,
    CallOutRequest,
    CallOutSettings,
    Hotline,
    call_mode,
    decide,
    update_hotline,
    update_settings,
)
from harness.reference.domain.errors import Conflict, InvalidField, NotFound
from harness.reference.service import ContactCenter

CUSTOMER = "+33612345678"


def request(**changes: object) -> CallOutRequest:
    base: dict[str, object] = {
        "hotline": Hotline("num_1"),
        "agent_teams": frozenset(),
        "to": CUSTOMER,
        "blacklist": frozenset(),
        "agent_reachable": True,
        "agent_in_call": False,
        "agent_name": "Alice",
    }
    return CallOutRequest(**{**base, **changes})  # type: ignore[arg-type]


def test_a_hotline_nobody_configured_lets_everyone_call_out() -> None:
    assert decide(request()) is None


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"hotline": None}, CallOutCode.FROM_NUMBER_NOT_FOUND),
        ({"hotline": Hotline("num_1", deleted=True)}, CallOutCode.FROM_NUMBER_NOT_FOUND),
        (
            {"hotline": Hotline("num_1", allow_call_out=False)},
            CallOutCode.FROM_NUMBER_NOT_ALLOWS_AGENT_CALL_OUT,
        ),
        (
            {"hotline": Hotline("num_1", all_groups=False, groups=("team_a",))},
            CallOutCode.FROM_NUMBER_NOT_ALLOWS_AGENT_CALL_OUT,
        ),
        ({"blacklist": frozenset({CUSTOMER})}, CallOutCode.TO_NUMBER_NOT_ALLOWS_CALLOUT),
        ({"agent_in_call": True}, CallOutCode.AGENT_NOT_FOUND_OR_IN_ANOTHER_CALL),
        ({"agent_reachable": False}, CallOutCode.AGENT_NOT_FOUND_OR_IN_ANOTHER_CALL),
    ],
)
def test_each_cause_gives_the_articles_code(changes: dict[str, object], code: CallOutCode) -> None:
    refusal = decide(request(**changes))
    assert refusal is not None and refusal.code is code, refusal


def test_a_user_in_an_allowed_group_calls_out() -> None:
    hotline = Hotline("num_1", all_groups=False, groups=("team_a",))
    assert decide(request(hotline=hotline, agent_teams=frozenset({"team_a", "team_b"}))) is None


def test_the_hotline_is_judged_before_the_customer_and_the_agent() -> None:
    refusal = decide(
        request(
            hotline=Hotline("num_1", allow_call_out=False),
            blacklist=frozenset({CUSTOMER}),
            agent_in_call=True,
        )
    )
    assert refusal is not None
    assert refusal.code is CallOutCode.FROM_NUMBER_NOT_ALLOWS_AGENT_CALL_OUT


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"allow_call_out": "yes"}, "allow_call_out"),
        ({"all_groups": 1}, "all_groups"),
        ({"groups": "team_a"}, "groups"),
        ({"groups": ["team_a", "team_x"]}, "groups[1]"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_hotline_change_names_its_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        update_hotline(Hotline("num_1"), changes, ["team_a"])
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"answer_url": "ftp://127.0.0.1/x"}, "answer_url"),
        ({"answer_url": "http://192.0.2.7/answer"}, "answer_url"),
        ({"stuck_call_timeout_s": 0}, "stuck_call_timeout_s"),
        ({"stuck_call_timeout_s": True}, "stuck_call_timeout_s"),
        ({"answer_timeout_s": 10_000}, "answer_timeout_s"),
        ({"sticky": 1}, "sticky"),
    ],
)
def test_a_bad_setting_names_its_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        update_settings(CallOutSettings(), changes)
    assert refused.value.field == field


def test_the_mode_defaults_to_call_out_and_a_bad_one_is_named() -> None:
    assert call_mode(None) is CallMode.CALL_OUT
    assert call_mode("app") is CallMode.APP
    with pytest.raises(InvalidField, match="mode"):
        call_mode("fax")


def test_the_configuration_is_stored_and_a_bad_change_keeps_it(center: ContactCenter) -> None:
    acc = center.create_account("Calls out").id
    number = center.create_number(acc, "+33145678901", "Hotline")
    team = center.create_team(acc, "Sales")
    part = CallOut(center)
    part.update_hotline(acc, number.id, {"all_groups": False, "groups": [team.id]})
    with pytest.raises(InvalidField):
        part.update_hotline(acc, number.id, {"allow_call_out": False, "groups": ["team_x"]})
    stored = part.hotline(acc, number.id)
    assert (stored.allow_call_out, stored.all_groups, stored.groups) == (True, False, (team.id,))


def test_a_deleted_hotline_stays_deleted_and_cannot_be_configured(center: ContactCenter) -> None:
    acc = center.create_account("Calls out").id
    number = center.create_number(acc, "+33145678902", "Hotline")
    part = CallOut(center)
    part.delete_hotline(acc, number.id)
    part.delete_hotline(acc, number.id)
    with pytest.raises(Conflict, match="support"):
        part.update_hotline(acc, number.id, {"allow_call_out": True})
    assert part.hotline(acc, number.id).deleted


def test_a_failed_attempt_is_logged_under_its_call_id(center: ContactCenter) -> None:
    acc = center.create_account("Calls out").id
    number = center.create_number(acc, "+33145678903", "Hotline")
    agent = center.create_user(acc, "Alice", "alice@example.test")
    part = CallOut(center)
    part.block(acc, CUSTOMER, True)
    failed = asyncio.run(
        part.check(acc, agent_id=agent.id, number_id=number.id, to=CUSTOMER, mode=CallMode.APP)
    )
    assert failed is not None and failed.code == "TO_NUMBER_NOT_ALLOWS_CALLOUT"
    assert part.attempt(acc, failed.call_id) == failed
    other = center.create_account("Someone else").id
    with pytest.raises(NotFound):
        part.attempt(other, failed.call_id)


def test_taking_off_a_number_not_on_the_blacklist_is_not_found(center: ContactCenter) -> None:
    acc = center.create_account("Calls out").id
    part = CallOut(center)
    assert part.block(acc, CUSTOMER, True) == [CUSTOMER]
    with pytest.raises(InvalidField, match="number"):
        part.block(acc, "0612", True)
    assert part.block(acc, CUSTOMER, False) == []
    with pytest.raises(NotFound):
        part.block(acc, CUSTOMER, False)
