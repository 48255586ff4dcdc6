"""A failure inside the reference's SIP callbacks ends that call cleanly (both legs, the log).

The edge runs in this process, on this test's own loop and loopback ports, so that a failure
can be planted in it; the caller and the agent's phone are real SIP endpoints.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from harness.reference.clock import AccountClock
from harness.reference.domain.calls import CallRecord
from harness.reference.events import EventBus
from harness.reference.service import ContactCenter
from harness.reference.store import Store
from harness.reference.telephony import inbound
from harness.reference.telephony.edge import SipEdge
from harness.sip import events as ev
from harness.sip import sdp
from harness.sip.transport import IncomingCall, SipEndpoint

TIMEOUT = 5.0


async def _a_call_whose_answer_fails(data_dir: Path) -> tuple[ev.CallEnded, str, CallRecord]:
    store = Store(data_dir / "reference.sqlite3")
    center = ContactCenter(store, AccountClock(store), EventBus())
    edge = await SipEdge.open(center)
    phone = await SipEndpoint.open("127.0.0.1", 0, listen_tcp=False)
    caller = await SipEndpoint.open("127.0.0.1", 0, listen_tcp=False)
    try:
        account = center.create_account("Failures")
        user = center.create_user(account.id, "Ana", "ana@x.test")
        number = center.create_number(account.id, "+33100000042", "Support")
        center.add_ring_to(account.id, number.id, 0, "user", user.id)
        p_host, p_port = phone.local_address
        center.register_contact(user.id, f"sip:ana@{p_host}:{p_port}", 60)

        answered: asyncio.Future[IncomingCall] = asyncio.get_running_loop().create_future()

        def pick_up(call: IncomingCall) -> None:
            offer = sdp.SessionDescription.parse(call.remote_sdp or b"")
            call.answer(bytes(sdp.make_answer(offer, "127.0.0.1", 40000)))
            answered.set_result(call)

        phone.on_invite = pick_up
        e_host, e_port = edge.local_address
        offer = sdp.make_offer("127.0.0.1", 40002)
        call = caller.invite(
            f"sip:{number.e164}@{e_host}:{e_port}", "sip:+33611111111@127.0.0.1", bytes(offer)
        )
        agent_leg = await asyncio.wait_for(answered, TIMEOUT)
        ended = await call.wait_ended(TIMEOUT)
        await agent_leg.wait_ended(TIMEOUT)
        logged = center.list_calls(account.id)[0]
        return ended, str(call.outcome), logged
    finally:
        await caller.close()
        await phone.close()
        await edge.close()
        store.close()


def test_a_failure_while_answering_ends_both_legs_and_closes_the_log_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: inbound.InboundCall) -> None:
        raise RuntimeError("planted failure while answering the caller")

    monkeypatch.setattr(inbound.InboundCall, "answer_caller", broken)
    with caplog.at_level(logging.ERROR, logger="callproof.reference.edge"):
        ended, outcome, logged = asyncio.run(_a_call_whose_answer_fails(tmp_path))
    assert "500" in outcome  # the caller is told, not left ringing
    assert ended.by == "remote"
    assert logged.status == "missed" and logged.answered_by is None
    assert logged.end_reason == ("failed: RuntimeError: planted failure while answering the caller")
    failures = [r for r in caplog.records if "failed on" in r.getMessage()]
    assert len(failures) == 1  # logged once
