"""Outbound calls placed in the agent app (ZT-TKT-2, 7): the app's dial message, checked like
an API call before anything is stored or dialled (the media side runs in the features)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from harness.reference.call_out import CallOut
from harness.reference.domain.talk import OutboundCall
from harness.reference.service import ContactCenter
from harness.reference.telephony.app_outbound import AppDialer
from harness.reference.telephony.app_phones import AppSession
from harness.reference.telephony.outbound import OutboundBridge

OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"


class ClaimingDialer:
    """Places nothing: keeps what the outbound dialer would start, as it asks the app dialer."""

    def __init__(self, apps: AppDialer) -> None:
        self.apps = apps
        self.dialled: list[tuple[str, str, Callable[[OutboundBridge], None] | None]] = []

    def dial(self, call: OutboundCall, agent_contact: str, carrier: tuple[str, int]) -> None:
        self.dialled.append((call.call_id, agent_contact, self.apps.claim(agent_contact)))


@pytest.fixture
def app(center: ContactCenter) -> tuple[AppDialer, ClaimingDialer, AppSession, list[Any], str]:
    account = center.create_account("Acme")
    ana = center.create_user(account.id, "Ana", "ana@example.test")
    number = center.create_number(account.id, "+33999000222", "Support")
    center.tickets.update_settings(account.id, {"carrier": "127.0.0.1:5080"})
    apps = AppDialer(center)
    dialer = ClaimingDialer(apps)
    center.tickets.dialer = dialer
    sent: list[Any] = []
    session = AppSession(account.id, ana.id, sent.append)
    return apps, dialer, session, sent, number.id


def _dial(line_id: str, **changes: object) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "dial",
        "dial": "dial-1",
        "to": "+33145678901",
        "number_id": line_id,
        "sdp": OFFER,
    }
    message.update(changes)
    return {k: v for k, v in message.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"to": "01 45 67 89"}, "the number to call must be an E.164 number"),
        ({"to": None}, "the number to call is missing"),
        ({"number_id": "num_nope"}, "'num_nope' not found"),
        ({"ticket_id": "999999"}, "ticket '999999' not found"),
        ({"sdp": None}, "no WebRTC offer"),
        ({"ring_time": 0}, "ring_time"),
        ({"colour": "red"}, "'colour'"),
    ],
)
def test_a_bad_dial_is_refused_to_the_app_naming_the_problem_and_nothing_is_dialled(
    center: ContactCenter,
    app: tuple[AppDialer, ClaimingDialer, AppSession, list[Any], str],
    changes: dict[str, object],
    named: str,
) -> None:
    apps, dialer, session, sent, number_id = app
    asyncio.run(apps.dial(session, _dial(number_id, **changes)))
    assert [m["type"] for m in sent] == ["dial.refused"]
    assert sent[0]["dial"] == "dial-1" and named in sent[0]["message"]
    assert dialer.dialled == []
    assert center.tickets.list(session.account_id) == []
    assert apps.claim(session.contact) is None  # no offer left waiting


def test_a_good_dial_is_placed_with_the_app_as_the_agent_leg(
    app: tuple[AppDialer, ClaimingDialer, AppSession, list[Any], str],
) -> None:
    apps, dialer, session, sent, number_id = app
    asyncio.run(apps.dial(session, _dial(number_id)))
    assert [m["type"] for m in sent] == ["dial.placed"]
    (call_id, contact, starter) = dialer.dialled[0]
    assert sent[0]["call_id"] == sent[0]["offer"] == call_id
    assert contact == session.contact and starter is not None
    assert apps.claim(session.contact) is None  # claimed once, by that call


def test_messages_about_other_calls_are_left_to_the_app_phones(
    app: tuple[AppDialer, ClaimingDialer, AppSession, list[Any], str],
) -> None:
    apps, _, session, sent, _ = app
    assert not apps.handle(session, {"type": "hangup", "offer": "app-123"})
    assert not apps.handle(session, {"type": "accept", "offer": "app-123"})
    assert sent == []


def test_a_phone_contact_is_not_claimed(
    app: tuple[AppDialer, ClaimingDialer, AppSession, list[Any], str],
) -> None:
    apps, *_ = app
    assert apps.claim("sip:ana@127.0.0.1:5099") is None


def test_the_lines_call_out_rules_refuse_a_dial_with_their_code_and_call_id(
    center: ContactCenter,
    app: tuple[AppDialer, ClaimingDialer, AppSession, list[Any], str],
) -> None:
    apps, dialer, session, sent, number_id = app
    call_out = CallOut(center)
    call_out.update_hotline(session.account_id, number_id, {"allow_call_out": False})

    asyncio.run(apps.dial(session, _dial(number_id)))

    assert [m["type"] for m in sent] == ["dial.refused"]
    refused = sent[0]
    assert refused["code"] == "FROM_NUMBER_NOT_ALLOWS_AGENT_CALL_OUT"
    assert refused["message"].startswith("FROM_NUMBER_NOT_ALLOWS_AGENT_CALL_OUT: ")
    assert refused["call_id"] in refused["message"]
    assert call_out.attempt(session.account_id, refused["call_id"]).code == refused["code"]
    assert dialer.dialled == [] and center.tickets.list(session.account_id) == []


def test_a_dial_placed_in_the_app_is_logged_with_the_call_out_attempts(
    center: ContactCenter,
    app: tuple[AppDialer, ClaimingDialer, AppSession, list[Any], str],
) -> None:
    apps, _, session, sent, number_id = app
    asyncio.run(apps.dial(session, _dial(number_id)))
    attempt = CallOut(center).attempt(session.account_id, sent[0]["call_id"])
    assert attempt.code is None and attempt.agent_id == session.user_id
