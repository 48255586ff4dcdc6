"""Routing rules of the reference (seed 004): the queue tree, after-hours deflection by the
chosen queue's hours with per-queue overrides, transfer targets, voicemail recipients."""

from __future__ import annotations

from datetime import datetime

import pytest

from harness.reference.domain.calls import CallRecord
from harness.reference.domain.directory import TeamMember
from harness.reference.domain.distribution import MemberType
from harness.reference.domain.errors import Conflict, InvalidField, NotFound
from harness.reference.domain.hours import Scope, parse_schedule
from harness.reference.domain.routed_calls import (
    chose_branch,
    ivr_branch,
    last_ivr_branch,
    open_routed,
)
from harness.reference.domain.routing import (
    ChannelSettings,
    Deflection,
    DeflectionOption,
    Queue,
    QueueMember,
    RoutingConfig,
    VirtualAgent,
    config_from_json,
    parse_carrier,
    transfer_targets,
)
from harness.reference.domain.voicemail import recipients

OFFICE = parse_schedule({"timezone": "Europe/Paris", "weekly": {"mon": ["09:00-17:00"]}})
ALWAYS = parse_schedule({"timezone": "Europe/Paris", "always_open": True})
MONDAY_NOON = datetime.fromisoformat("2026-03-02T12:00:00+01:00")
MONDAY_NIGHT = datetime.fromisoformat("2026-03-02T21:00:00+01:00")
MESSAGE = Deflection(DeflectionOption.MESSAGE)


def tree() -> RoutingConfig:
    config = RoutingConfig()
    for queue in (
        Queue("main", "Main"),
        Queue("sales", "Sales", "main", "1", members=(QueueMember(MemberType.USER, "u1"),)),
        Queue("support", "Support", "main", "2"),
        Queue("night", "Night"),
    ):
        config = config.with_queue(queue)
    hours = config.hours.with_schedule(Scope.QUEUE, "sales", OFFICE)
    hours = hours.with_schedule(Scope.QUEUE, "night", ALWAYS)
    return config.with_hours(hours)


def with_calls(config: RoutingConfig, deflection: Deflection | None, **kw: bool) -> RoutingConfig:
    settings = ChannelSettings(True, deflection, kw.get("transfers", False))
    return RoutingConfig(config.hours, config.queues, config.entries, settings, config.chats)


def test_a_menu_lists_its_entries_by_digit_and_speaks_them_by_default() -> None:
    config = tree()
    assert [q.id for q in config.children("main")] == ["sales", "support"]
    assert config.child_for_digit("main", "2") is not None
    assert config.child_for_digit("main", "9") is None
    assert config.menu_prompt("main") == "For Sales, press 1. For Support, press 2."
    assert config.is_leaf("sales") and not config.is_leaf("main")


def test_the_tree_refuses_a_clashing_digit_a_missing_parent_and_a_digit_on_a_root() -> None:
    config = tree()
    with pytest.raises(Conflict, match="1 already leads to queue 'Sales'"):
        config.with_queue(Queue("x", "X", "main", "1"))
    with pytest.raises(NotFound):
        config.with_queue(Queue("x", "X", "nowhere", "3"))
    with pytest.raises(InvalidField, match="only a queue with a parent has a digit"):
        config.with_queue(Queue("x", "X", None, "3"))
    with pytest.raises(InvalidField, match="one key of"):
        config.with_queue(Queue("x", "X", "main", "12"))
    with pytest.raises(Conflict, match="menu entries"):
        config.without_queue("main")


def test_deflection_follows_the_hours_of_the_queue_reached() -> None:
    config = with_calls(tree(), MESSAGE)
    assert config.after_hours_deflection("sales", MONDAY_NOON) is None
    assert config.after_hours_deflection("sales", MONDAY_NIGHT) == MESSAGE
    # Support has no hours of its own, nor has its menu, nor the account: never closed
    assert config.after_hours_deflection("support", MONDAY_NIGHT) is None
    assert config.after_hours_deflection("night", MONDAY_NIGHT) is None


def test_a_queue_without_hours_follows_its_menu() -> None:
    config = tree()
    config = config.with_hours(config.hours.with_schedule(Scope.QUEUE, "main", OFFICE))
    config = with_calls(config, MESSAGE)
    assert config.hours_for("support", "ivr", None).source == "queue:main"  # type: ignore[arg-type]
    assert config.after_hours_deflection("support", MONDAY_NIGHT) == MESSAGE


def test_nothing_is_deflected_with_deflection_off_or_off_for_the_queue() -> None:
    config = tree()
    assert config.after_hours_deflection("sales", MONDAY_NIGHT) is None
    config = with_calls(config, MESSAGE)
    config = config.with_queue(Queue("sales", "Sales", "main", "1", deflection_enabled=False))
    assert config.after_hours_deflection("sales", MONDAY_NIGHT) is None


def test_the_queue_override_wins_over_the_global_option() -> None:
    to_night = Deflection(DeflectionOption.QUEUE, queue_id="night")
    config = with_calls(tree(), to_night)
    assert config.after_hours_deflection("sales", MONDAY_NIGHT) == to_night
    override = config.checked_deflection(Deflection(DeflectionOption.VOICEMAIL, text=" Hi "), "o")
    sales = config.queues["sales"]
    config = config.with_queue(Queue(**{**sales.__dict__, "ivr_override": override}))
    assert config.after_hours_deflection("sales", MONDAY_NIGHT) == Deflection(
        DeflectionOption.VOICEMAIL, text="Hi"
    )


@pytest.mark.parametrize(
    ("deflection", "words"),
    [
        (Deflection(DeflectionOption.PHONE, phone="0612345678"), "is not an E.164 number"),
        (Deflection(DeflectionOption.PHONE), "is required for the phone option"),
        (Deflection(DeflectionOption.QUEUE, queue_id="main"), "must be a leaf queue"),
        (Deflection(DeflectionOption.QUEUE), "is required for the queue option"),
        (Deflection(DeflectionOption.QUEUE, queue_id="gone"), "'gone' not found"),
        (Deflection(DeflectionOption.MESSAGE, phone="+33612345678"), "only the phone option"),
    ],
)
def test_a_deflection_naming_nothing_usable_is_refused(deflection: Deflection, words: str) -> None:
    with pytest.raises((InvalidField, NotFound), match=words):
        tree().checked_deflection(deflection, "deflection")


def test_the_configuration_reads_back_from_its_json() -> None:
    config = with_calls(tree(), Deflection(DeflectionOption.PHONE, phone="+33612345678"))
    config = config.with_entry("num_1", "main")
    assert config_from_json(config.to_json()) == config


def test_a_number_enters_the_tree_only_at_a_root() -> None:
    with pytest.raises(InvalidField, match="root queue"):
        tree().with_entry("num_1", "sales")


def test_transfer_targets_follow_cc_ah_3() -> None:
    config = RoutingConfig()
    rows = [
        ("open", True, VirtualAgent.NONE),
        ("deflecting", True, VirtualAgent.NONE),
        ("staffed", False, VirtualAgent.NONE),
        ("empty", False, VirtualAgent.NONE),
        ("bot", False, VirtualAgent.ALWAYS),
        ("bot-hours", True, VirtualAgent.QUEUE_HOURS),
    ]
    for name, deflection, agent in rows:
        config = config.with_queue(
            Queue(name, name, deflection_enabled=deflection, virtual_agent=agent)
        )
        schedule = ALWAYS if name == "open" else OFFICE
        config = config.with_hours(config.hours.with_schedule(Scope.QUEUE, name, schedule))

    def seen(settings: ChannelSettings, family: str = "calls") -> list[str]:
        configured = RoutingConfig(
            config.hours,
            config.queues,
            {},
            settings if family == "calls" else ChannelSettings(),
            settings if family == "chats" else ChannelSettings(),
        )
        found = transfer_targets(configured, family, MONDAY_NIGHT, lambda q: q.id == "staffed")
        return [t.queue.id for t in found]

    allowed = ChannelSettings(True, MESSAGE, True)
    assert seen(allowed) == ["bot", "deflecting", "open", "staffed"]
    assert seen(ChannelSettings(True, MESSAGE, False)) == ["open"]
    assert seen(ChannelSettings(False, None, True)) == ["open"]  # calls need deflection on
    assert seen(ChannelSettings(False, None, True), "chats") == [
        "bot",
        "deflecting",
        "open",
        "staffed",
    ]
    assert seen(ChannelSettings(True, None, True), "chats") == ["open"]


def test_voicemail_recipients_and_the_crm() -> None:
    teams = {"t1": [TeamMember("u2"), TeamMember("u1")]}
    queue = Queue(
        "q",
        "Q",
        "main",
        "1",
        members=(QueueMember(MemberType.USER, "u1"), QueueMember(MemberType.TEAM, "t1")),
    )
    assert recipients(queue, teams) == (("u1", "u2"), False)
    assert recipients(Queue("r", "Root"), teams) == ((), True)
    assert recipients(Queue("s", "Sub", "r", "1"), teams) == ((), False)


def test_the_last_ivr_branch_is_the_calls_branch() -> None:
    call = CallRecord("CALL-1", "acc", "num", "+33100000000", "+33200000000", MONDAY_NOON)
    call = open_routed(call, number_label="Help", sip_call_id="sip-1")
    assert ivr_branch(call) is None
    call = chose_branch(call, MONDAY_NOON, ["Main", "Sales"], "1")
    call = chose_branch(call, MONDAY_NOON, ["Main", "Sales", "Billing"], "11")
    assert ivr_branch(call) == "Main > Sales > Billing (keys 1, 1)"


def test_the_pop_up_names_only_the_last_branch_chosen() -> None:
    call = CallRecord("CALL-1", "acc", "num", "+33100000000", "+33200000000", MONDAY_NOON)
    call = open_routed(call, number_label="Help", sip_call_id="sip-1")
    assert last_ivr_branch(call) is None
    call = chose_branch(call, MONDAY_NOON, ["Main"], "")
    assert last_ivr_branch(call) is None  # the menu the call entered by itself: no choice
    call = chose_branch(call, MONDAY_NOON, ["Main", "Sales", "Billing"], "11")
    assert last_ivr_branch(call) == "Billing"


@pytest.mark.parametrize(
    ("host", "port", "result"),
    [("127.0.0.1", 5060, "127.0.0.1:5060"), ("::1", 5070, "[::1]:5070")],
)
def test_a_carrier_on_loopback_is_accepted(host: str, port: int, result: str) -> None:
    assert parse_carrier(host, port) == result


@pytest.mark.parametrize(
    ("host", "port", "words"),
    [
        ("192.0.2.1", 5060, "not a loopback"),
        ("localhost", 5060, "not an IP"),
        ("127.0.0.1", 0, "port"),
    ],
)
def test_a_carrier_elsewhere_is_refused(host: str, port: int, words: str) -> None:
    with pytest.raises(InvalidField, match=words):
        parse_carrier(host, port)
