"""Ring plans: users and teams, de-duplication, strategies, sync state."""

from __future__ import annotations

import pytest

from harness.reference.domain.directory import TeamMember
from harness.reference.domain.distribution import (
    Assignment,
    AssignmentKind,
    Distribution,
    MemberType,
    RingToMember,
    RingToWidget,
    Strategy,
    make_widget,
    ring_plan,
    validate_e164,
)
from harness.reference.domain.errors import Conflict, InvalidField, NotFound

USER, TEAM = MemberType.USER, MemberType.TEAM


def widget(*members: RingToMember, ring: int = 20, strategy: Strategy = Strategy.SIMULTANEOUS):
    return RingToWidget(ring, strategy, members)


def test_empty_distribution_rings_nobody():
    assert ring_plan(Distribution("n1"), {}).stages == ()


def test_widget_with_empty_team_rings_nobody():
    dist = Distribution("n1", (widget(RingToMember(TEAM, "t1")),))
    assert ring_plan(dist, {"t1": ()}).stages == ()


def test_users_and_team_members_resolve_in_order_with_their_assignment():
    dist = Distribution(
        "n1", (widget(RingToMember(USER, "u1"), RingToMember(TEAM, "t1"), ring=15),)
    )
    plan = ring_plan(dist, {"t1": (TeamMember("u2"), TeamMember("u3"))})
    assert len(plan.stages) == 1
    stage = plan.stages[0]
    assert stage.ring_time_s == 15
    assert [(t.user_id, t.via) for t in stage.targets] == [
        ("u1", Assignment(AssignmentKind.NUMBER, "n1")),
        ("u2", Assignment(AssignmentKind.TEAM, "t1")),
        ("u3", Assignment(AssignmentKind.TEAM, "t1")),
    ]


def test_user_reached_twice_is_rung_once_through_first_assignment():
    dist = Distribution(
        "n1",
        (
            widget(RingToMember(TEAM, "t1"), RingToMember(USER, "u1")),
            widget(RingToMember(USER, "u1"), RingToMember(USER, "u9")),
        ),
    )
    plan = ring_plan(dist, {"t1": (TeamMember("u1", in_sync=False), TeamMember("u2"))})
    assert [t.user_id for t in plan.targets] == ["u1", "u2", "u9"]
    first = plan.targets[0]
    assert first.via == Assignment(AssignmentKind.TEAM, "t1")
    assert first.in_sync is False
    assert [s.widget_index for s in plan.stages] == [0, 1]


def test_sync_state_comes_from_the_routing_assignment():
    dist = Distribution(
        "n1", (widget(RingToMember(USER, "u1", in_sync=False), RingToMember(TEAM, "t1")),)
    )
    plan = ring_plan(dist, {"t1": (TeamMember("u2", in_sync=False), TeamMember("u3"))})
    assert {t.user_id: t.in_sync for t in plan.targets} == {"u1": False, "u2": False, "u3": True}


def test_sequential_widget_rings_one_user_per_stage():
    dist = Distribution(
        "n1",
        (
            widget(
                RingToMember(USER, "u1"),
                RingToMember(TEAM, "t1"),
                ring=7,
                strategy=Strategy.SEQUENTIAL,
            ),
        ),
    )
    plan = ring_plan(dist, {"t1": (TeamMember("u2"),)})
    assert [(s.ring_time_s, [t.user_id for t in s.targets]) for s in plan.stages] == [
        (7, ["u1"]),
        (7, ["u2"]),
    ]


def test_removing_and_re_adding_a_user_gives_a_fresh_in_sync_assignment_and_keeps_settings():
    dist = Distribution(
        "n1",
        (
            widget(
                RingToMember(USER, "u0"),
                RingToMember(USER, "u1"),
                ring=35,
                strategy=Strategy.SEQUENTIAL,
            ),
        ),
    ).desynchronised("u1")
    assert dist.widgets[0].find(USER, "u1") == RingToMember(USER, "u1", in_sync=False)
    healed = dist.without_member(0, USER, "u1").with_member(0, USER, "u1")
    assert healed.widgets[0].find(USER, "u1") == RingToMember(USER, "u1", in_sync=True)
    assert healed.widgets[0].ring_time_s == 35
    assert healed.widgets[0].strategy is Strategy.SEQUENTIAL
    assert [m.id for m in healed.widgets[0].members] == ["u0", "u1"]


def test_replacing_widgets_keeps_sync_state_of_members_left_in_place():
    dist = Distribution("n1", (widget(RingToMember(USER, "u1")),)).desynchronised("u1")
    edited = dist.replaced_by([widget(RingToMember(USER, "u1"), RingToMember(USER, "u2"), ring=10)])
    assert edited.widgets[0].members == (
        RingToMember(USER, "u1", in_sync=False),
        RingToMember(USER, "u2", in_sync=True),
    )
    assert edited.widgets[0].ring_time_s == 10


def test_desynchronising_a_user_not_on_the_number_is_not_found():
    with pytest.raises(NotFound):
        Distribution("n1", (widget(RingToMember(USER, "u1")),)).desynchronised("u2")


def test_adding_at_the_next_index_appends_a_default_widget():
    dist = Distribution("n1").with_member(0, USER, "u1")
    assert dist.widgets == (RingToWidget(20, Strategy.SIMULTANEOUS, (RingToMember(USER, "u1"),)),)
    with pytest.raises(NotFound):
        dist.with_member(2, USER, "u2")
    with pytest.raises(Conflict):
        dist.with_member(0, USER, "u1")


def test_removing_last_member_keeps_the_widget():
    dist = Distribution("n1", (widget(RingToMember(USER, "u1"), ring=9),))
    emptied = dist.without_member(0, USER, "u1")
    assert emptied.widgets == (RingToWidget(9, Strategy.SIMULTANEOUS, ()),)
    with pytest.raises(NotFound):
        emptied.without_member(0, USER, "u1")


@pytest.mark.parametrize(
    ("ring", "strategy", "members", "field"),
    [
        (0, "simultaneous", [], "w.ring_time"),
        (601, "simultaneous", [], "w.ring_time"),
        (20, "random", [], "w.strategy"),
        (20, "simultaneous", [("robot", "x")], "w.members[0].type"),
        (20, "simultaneous", [("user", "u1"), ("user", "u1")], "w.members[1]"),
    ],
)
def test_make_widget_names_the_bad_field(ring, strategy, members, field):
    with pytest.raises(InvalidField) as caught:
        make_widget(ring, strategy, members, "w")
    assert caught.value.field == field


@pytest.mark.parametrize("good", ["+33123456789", "+14155550100", "+123456789012345"])
def test_e164_accepts(good):
    assert validate_e164(good) == good


@pytest.mark.parametrize(
    "bad", ["33123456789", "+0123456789", "+1234567", "+1234567890123456", "+33 1 23"]
)
def test_e164_refuses(bad):
    with pytest.raises(InvalidField) as caught:
        validate_e164(bad)
    assert caught.value.field == "e164"
