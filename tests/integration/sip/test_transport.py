"""The asyncio transport: two endpoints on 127.0.0.1 place a call and close cleanly."""

from __future__ import annotations

import asyncio

import pytest

from harness.sip.auth import Credentials, DigestChallenger
from harness.sip.events import Answered, CallEnded, Cancelled, Failed, Rejected, TimedOut
from harness.sip.sdp import SessionDescription, make_answer, make_offer, negotiated
from harness.sip.session import CallState
from harness.sip.transaction import TimerConfig
from harness.sip.transport import (
    CallNotAnswered,
    EndpointClosed,
    IncomingCall,
    IncomingSipRequest,
    SipEndpoint,
    SipPortInUse,
)
from harness.sip.useragent import DEFAULT_ALLOW, SipTrace
from tests.unit.sip.pair import label


def test_two_endpoints_complete_a_call_and_close_cleanly() -> None:
    async def scenario() -> None:
        traces: list[SipTrace] = []
        caller = await SipEndpoint.open("127.0.0.1", 0, on_trace=traces.append)
        callee = await SipEndpoint.open(
            "127.0.0.1", 0, on_trace=traces.append, allow=(*DEFAULT_ALLOW, "REGISTER")
        )
        host, port = callee.local_address
        assert host == "127.0.0.1" and port != 0

        def on_invite(call: IncomingCall) -> None:
            call.ring()
            offer = SessionDescription.parse(call.remote_sdp or b"")
            call.answer(bytes(make_answer(offer, "127.0.0.1", 40002)))

        callee.on_invite = on_invite
        offer = make_offer("127.0.0.1", 40000, codecs=("PCMA", "PCMU"))
        call = caller.invite(f"sip:bob@{host}:{port}", "sip:alice@127.0.0.1", bytes(offer))
        answered = await call.wait_answered(5.0)
        assert isinstance(answered, Answered) and answered.response.status == 200
        assert call.state is CallState.CONFIRMED
        assert negotiated(SessionDescription.parse(call.remote_sdp or b"")).name == "PCMA"
        assert len(caller.open_dialogs()) == 1 and caller.open_dialogs()[0] is call
        (incoming,) = callee.open_dialogs()
        assert isinstance(incoming, IncomingCall)
        await incoming.wait_confirmed(5.0)

        await call.hangup(5.0)
        ended = await incoming.wait_ended(5.0)
        assert isinstance(ended, CallEnded) and ended.by == "remote"
        assert call.session.bye_response is not None and call.session.bye_response.status == 200
        assert caller.open_dialogs() == [] and callee.open_dialogs() == []
        mine = [t for t in traces if t.local == caller.local_address]
        assert all(t.message is not None and t.peer == (host, port) for t in mine)
        assert [(t.direction, label(t.message)) for t in mine if t.message is not None] == [
            ("out", "INVITE"), ("in", "100/INVITE"), ("in", "180/INVITE"), ("in", "200/INVITE"),
            ("out", "ACK"), ("out", "BYE"), ("in", "200/BYE"),
        ]  # fmt: skip

        await caller.close()
        await callee.close()
        assert caller.closed and caller._timer is None and callee._timer is None
        assert caller._transport is not None and caller._transport.closed
        leftover = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        assert leftover == []

    asyncio.run(scenario())


def test_requests_registration_with_digest_and_rejection() -> None:
    async def scenario() -> None:
        async with (
            await SipEndpoint.open() as phone,
            await SipEndpoint.open(allow=(*DEFAULT_ALLOW, "REGISTER")) as registrar,
        ):
            loop = asyncio.get_running_loop()
            challenger = DigestChallenger("callproof.test", now=loop.time())
            bindings: list[str] = []

            def on_request(request: IncomingSipRequest) -> None:
                if request.request.method != "REGISTER":
                    return  # the default answers (OPTIONS 200, else 405)
                auth = request.request.headers.get("Authorization")
                verdict = auth and challenger.verify(
                    auth, "REGISTER", {"alice": "pw"}.get, loop.time()
                )
                if verdict and verdict.ok:
                    bindings.append(request.request.headers.get("Contact") or "")
                    request.respond(200, extra=[("Contact", bindings[-1])])
                else:
                    request.respond(401, extra=[("WWW-Authenticate", challenger.challenge())])

            registrar.on_request = on_request
            r_host, r_port = registrar.local_address
            target = f"sip:callproof.test@{r_host}:{r_port}"
            response = await phone.register(
                target,
                "sip:alice@callproof.test",
                credentials=Credentials("alice", "pw"),
                timeout=5,
            )
            assert response.status == 200 and len(bindings) == 1
            assert str(phone.local_address[1]) in bindings[0]
            options = await phone.request("OPTIONS", target, from_uri="sip:a@h", timeout=5)
            assert options.status == 200 and "INVITE" in options.headers.get_all("Allow")
            message = await phone.request(
                "MESSAGE",
                target,
                from_uri="sip:a@h",
                body=b"hi",
                content_type="text/plain",
                timeout=5,
            )
            assert message.status == 405

            registrar.on_invite = lambda call: call.reject(486)
            call = phone.invite(target, "sip:alice@callproof.test", None)
            with pytest.raises(CallNotAnswered) as info:
                await call.wait_answered(5)
            assert isinstance(info.value.outcome, Rejected) and info.value.outcome.status == 486

            with pytest.raises(TimeoutError, match="no incoming call"):
                await phone.next_incoming(0.05)

    asyncio.run(scenario())


def test_busy_port_is_a_clear_error_and_non_loopback_is_refused() -> None:
    async def scenario() -> None:
        first = await SipEndpoint.open()
        _, port = first.local_address
        with pytest.raises(SipPortInUse, match=f"127.0.0.1:{port} is already in use"):
            await SipEndpoint.open("127.0.0.1", port)
        with pytest.raises(ValueError, match="loopback only"):
            await SipEndpoint.open("0.0.0.0", 0)
        traces: list[SipTrace] = []
        first.ua.on_trace = traces.append
        call = first.invite("sip:bob@192.0.2.10:5060", "sip:alice@127.0.0.1", None)
        assert [t.error for t in traces] == ["refused: 192.0.2.10 is not a loopback address"]
        outcome = await call.wait_outcome(1.0)
        assert isinstance(outcome, Failed) and "not a loopback address" in outcome.reason
        assert first.open_dialogs() == [] and first.open_transactions() == 0
        await first.close()
        with pytest.raises(EndpointClosed):
            first.invite("sip:bob@127.0.0.1:5060", "sip:alice@127.0.0.1", None)

    asyncio.run(scenario())


def test_cancel_through_the_queue_and_timer_b_on_a_silent_peer() -> None:
    async def scenario() -> None:
        fast = TimerConfig(t1=0.01, t2=0.04, t4=0.05)
        async with (
            await SipEndpoint.open(timers=fast) as caller,
            await SipEndpoint.open(timers=fast) as callee,
        ):
            host, port = callee.local_address
            call = caller.invite(f"sip:bob@{host}:{port}", "sip:alice@127.0.0.1", None)
            incoming = await callee.next_incoming(5.0)
            incoming.ring()
            ringing = await call.wait_ringing(5.0)
            assert ringing.status == 180 and call.state is CallState.EARLY
            outcome = await call.cancel(5.0)
            assert isinstance(outcome, Cancelled)
            ended = await incoming.wait_ended(5.0)
            assert (ended.by, ended.reason) == ("remote", "cancelled")

            # A peer that swallows everything: Timer B (64*T1 = 0.64 s here) ends the call.
            loop = asyncio.get_running_loop()
            silent, _ = await loop.create_datagram_endpoint(
                asyncio.DatagramProtocol, local_addr=("127.0.0.1", 0)
            )
            try:
                s_port = silent.get_extra_info("sockname")[1]
                lost = caller.invite(f"sip:nobody@127.0.0.1:{s_port}", "sip:alice@127.0.0.1", None)
                assert await lost.wait_outcome(5.0) == TimedOut("timer B fired")
            finally:
                silent.close()
            assert caller.open_dialogs() == [] and callee.open_dialogs() == []

    asyncio.run(scenario())
