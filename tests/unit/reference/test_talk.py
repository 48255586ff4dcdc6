"""Talk settings and outbound calls placed by agents (ZT-TKT-2, 7): checks before dialling."""

from __future__ import annotations

import pytest

from harness.reference.domain.errors import Conflict, InvalidField, NotFound
from harness.reference.domain.talk import OutboundCall, TalkSettings, update_settings
from harness.reference.service import ContactCenter


class RecordingDialer:
    """Keeps what would have been dialled (the SIP side is tested with real calls)."""

    def __init__(self) -> None:
        self.dialled: list[tuple[str, str, tuple[str, int]]] = []

    def dial(self, call: OutboundCall, agent_contact: str, carrier: tuple[str, int]) -> None:
        self.dialled.append((call.call_id, agent_contact, carrier))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"carrier": "10.0.0.1:5060"}, "carrier"),
        ({"carrier": "example.test:5060"}, "carrier"),
        ({"carrier": "127.0.0.1:99999"}, "carrier"),
        ({"smtp": 25}, "smtp"),
        ({"recording": "yes"}, "recording"),
        ({"notify_email": "nobody"}, "notify_email"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_setting_is_refused_naming_it(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        update_settings(TalkSettings(), changes)
    assert refused.value.field == field


def test_settings_take_loopback_addresses_and_flags() -> None:
    updated = update_settings(
        TalkSettings(), {"carrier": "[::1]:5080", "recording": True, "recordings_playable": False}
    )
    assert (updated.carrier, updated.recording, updated.recordings_playable) == (
        "[::1]:5080",
        True,
        False,
    )
    assert TalkSettings.from_json(updated.to_json()) == updated


def _account(center: ContactCenter) -> tuple[str, str, str]:
    account = center.create_account("Acme")
    ana = center.create_user(account.id, "Ana", "ana@example.test")
    center.register_contact(ana.id, "sip:ana@127.0.0.1:5099", 3600)
    number = center.create_number(account.id, "+33999000222", "Support")
    return account.id, ana.id, number.e164


def _place(center: ContactCenter, account_id: str, ana_id: str, line: str, **kw: object) -> None:
    args: dict[str, object] = {
        "agent_id": ana_id,
        "agent_name": "Ana",
        "agent_contacts": center.registered_contacts(ana_id),
        "line": line,
        "to": "+33145678901",
        "ticket_id": None,
        "ring_time_s": 10,
    }
    args.update(kw)
    center.tickets.place_outbound(account_id, **args)  # type: ignore[arg-type]


def test_a_call_from_a_ticket_that_does_not_exist_is_refused_and_nothing_is_dialled(
    center: ContactCenter,
) -> None:
    account_id, ana_id, line = _account(center)
    dialer = RecordingDialer()
    center.tickets.dialer = dialer
    center.tickets.update_settings(account_id, {"carrier": "127.0.0.1:5080"})
    with pytest.raises(NotFound) as refused:
        _place(center, account_id, ana_id, line, ticket_id="41")
    assert refused.value.field == "ticket_id" and "'41'" in refused.value.message
    assert dialer.dialled == [] and center.tickets.list(account_id) == []


def test_every_check_comes_before_dialling(center: ContactCenter) -> None:
    account_id, ana_id, line = _account(center)
    dialer = RecordingDialer()
    center.tickets.dialer = dialer
    with pytest.raises(Conflict, match="carrier"):
        _place(center, account_id, ana_id, line)
    center.tickets.update_settings(account_id, {"carrier": "127.0.0.1:5080"})
    with pytest.raises(InvalidField) as bad_number:
        _place(center, account_id, ana_id, line, to="0145678901")
    assert bad_number.value.field == "to"
    with pytest.raises(Conflict, match="no registered phone"):
        _place(center, account_id, ana_id, line, agent_contacts=[])
    assert dialer.dialled == []
    _place(center, account_id, ana_id, line)
    assert [(c, a) for _, c, a in dialer.dialled] == [
        ("sip:ana@127.0.0.1:5099", ("127.0.0.1", 5080))
    ]


def test_an_answered_outbound_call_makes_a_ticket_and_an_unanswered_one_none(
    center: ContactCenter,
) -> None:
    account_id, ana_id, line = _account(center)
    dialer = RecordingDialer()
    center.tickets.dialer = dialer
    center.tickets.update_settings(account_id, {"carrier": "127.0.0.1:5080"})
    _place(center, account_id, ana_id, line)
    _place(center, account_id, ana_id, line)
    (first, _, _), (second, _, _) = dialer.dialled
    center.tickets.outbound_ended(second, "unanswered", "the callee did not answer")
    center.tickets.outbound_answered(first)
    center.tickets.outbound_ended(first, "answered", "the agent hung up")
    (ticket,) = center.tickets.list(account_id)
    (held,) = ticket.calls
    assert (held.call_id, held.placed_by, held.answered_by) == (first, "Ana", "+33145678901")
    assert held.duration_s is not None and ticket.requester == "+33145678901"


def test_line_settings_under_omnichannel_routing() -> None:
    from harness.reference.domain.talk import (
        LineSettings,
        abandoned_call_makes_ticket,
        queue_entry_makes_ticket,
        update_line,
    )

    plain = LineSettings()
    assert not abandoned_call_makes_ticket(plain) and not queue_entry_makes_ticket(plain)
    on = update_line(plain, {"abandoned_call_tickets": True})
    assert abandoned_call_makes_ticket(on) and not queue_entry_makes_ticket(on)
    omni = update_line(plain, {"omnichannel_routing": True})
    assert abandoned_call_makes_ticket(omni) and queue_entry_makes_ticket(omni)
    with pytest.raises(InvalidField) as refused:
        update_line(omni, {"abandoned_call_tickets": False})
    assert refused.value.field == "abandoned_call_tickets"
    assert "omnichannel" in refused.value.message
    stored = TalkSettings().with_line("num_1", omni)
    assert TalkSettings.from_json(stored.to_json()).line("num_1") == omni
    assert TalkSettings.from_json(stored.to_json()).line("num_2") == LineSettings()


def test_an_abandoned_call_makes_a_ticket_as_its_line_says(center: ContactCenter) -> None:
    account_id, ana_id, line = _account(center)
    number = center.list_numbers(account_id)[0]
    center.add_ring_to(account_id, number.id, 0, "user", ana_id)
    for setting, tickets in ((False, 0), (True, 1)):
        center.tickets.update_line(account_id, number.id, {"abandoned_call_tickets": setting})
        plan = center.start_inbound_call(line, "+33145678901", f"sip-{setting}")
        center.agent_ringing(plan.call_id, ana_id)
        center.call_ended(plan.call_id, "caller", "caller cancelled")
        assert len(center.tickets.list(account_id)) == tickets
