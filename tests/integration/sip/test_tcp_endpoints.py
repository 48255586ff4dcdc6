"""SIP over TCP (RFC 3261 section 18) between two endpoints on real loopback sockets."""

from __future__ import annotations

import asyncio

import pytest

from harness.sip.events import Answered, Failed, ReinviteAccepted
from harness.sip.message import SipRequest
from harness.sip.sdp import SessionDescription, make_answer
from harness.sip.session import CallState
from harness.sip.transport import IncomingCall as EndpointIncomingCall
from harness.sip.transport import SipEndpoint, SipPortInUse
from harness.sip.txlayer import UDP_SIZE_LIMIT
from harness.sip.useragent import SipTrace
from tests.unit.sip.test_tcp import BIG_OFFER, OFFER


def answer_with_sdp(call: EndpointIncomingCall) -> None:
    offer = SessionDescription.parse(call.remote_sdp or b"")
    call.answer(bytes(make_answer(offer, "127.0.0.1", 40002)))


def test_call_hold_and_hangup_over_tcp_between_two_endpoints() -> None:
    async def scenario() -> None:
        traces: list[SipTrace] = []
        async with (
            await SipEndpoint.open(transport="tcp", on_trace=traces.append) as caller,
            await SipEndpoint.open(transport="tcp", on_trace=traces.append) as callee,
        ):
            callee.on_invite = answer_with_sdp
            host, port = callee.local_address
            call = caller.invite(f"sip:bob@{host}:{port}", "sip:alice@127.0.0.1", OFFER)
            await call.wait_answered(5.0)
            incoming = callee.open_dialogs()[0]
            assert isinstance(incoming, EndpointIncomingCall)
            await incoming.wait_confirmed(5.0)
            outcome = await call.hold(5.0)
            assert isinstance(outcome, ReinviteAccepted)
            assert call.local_direction == "sendonly" and incoming.local_direction == "recvonly"
            assert (await incoming.resume(5.0)).__class__ is ReinviteAccepted
            assert not call.held and not incoming.held
            await incoming.hangup(5.0)
            assert call.state is CallState.TERMINATED
            assert {t.transport for t in traces if t.message is not None} == {"TCP"}
            # One connection each way: ours to the callee, the callee's to our Contact;
            # each side knows both (the one it dialled, the one it accepted).
            assert len(caller.tcp_peers()) == 2 and len(callee.tcp_peers()) == 2
            assert (host, port) in caller.tcp_peers()
            again = caller.invite(f"sip:bob@{host}:{port}", "sip:alice@127.0.0.1", OFFER)
            await again.wait_answered(5.0)
            await again.hangup(5.0)
            assert len(caller.tcp_peers()) == 2  # the connection was reused
        leftover = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        assert leftover == []

    asyncio.run(scenario())


def test_udp_endpoints_carry_a_big_invite_over_tcp_or_fail_fast_without_it() -> None:
    async def scenario() -> None:
        traces: list[SipTrace] = []
        async with (
            await SipEndpoint.open(on_trace=traces.append) as caller,
            await SipEndpoint.open() as callee,
            await SipEndpoint.open(listen_tcp=False) as udp_only,
        ):
            callee.on_invite = answer_with_sdp
            udp_only.on_invite = answer_with_sdp
            host, port = callee.local_address
            call = caller.invite(f"sip:bob@{host}:{port}", "sip:alice@127.0.0.1", BIG_OFFER)
            await call.wait_answered(5.0)
            invite = next(t for t in traces if isinstance(t.message, SipRequest))
            assert invite.transport == "TCP" and len(invite.raw) > UDP_SIZE_LIMIT
            ack = next(t for t in traces if isinstance(t.message, SipRequest)
                       and t.message.method == "ACK")  # fmt: skip
            assert ack.transport == "UDP"  # a small request to the Contact: UDP again
            await call.hangup(5.0)

            u_host, u_port = udp_only.local_address
            target = f"sip:carol@{u_host}:{u_port}"
            failed = caller.invite(target, "sip:alice@127.0.0.1", BIG_OFFER)
            outcome = await failed.wait_outcome(5.0)
            assert isinstance(outcome, Failed) and "TCP connection" in outcome.reason
            retry = caller.invite(target, "sip:alice@127.0.0.1", BIG_OFFER)
            assert isinstance(await retry.wait_outcome(5.0), Answered)  # over UDP this time
            await retry.hangup(5.0)

    asyncio.run(scenario())


def test_keepalive_ping_gets_a_pong_and_garbage_closes_the_connection() -> None:
    async def scenario() -> None:
        traces: list[SipTrace] = []
        async with await SipEndpoint.open(on_trace=traces.append) as endpoint:
            host, port = endpoint.local_address
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(b"\r\n\r\n")
            assert await asyncio.wait_for(reader.readexactly(2), 5.0) == b"\r\n"
            writer.write(b"OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nl: nope\r\n\r\n")
            assert await asyncio.wait_for(reader.read(), 5.0) == b""  # closed on us
            writer.close()
            await writer.wait_closed()
            assert any(t.error and "framing" in t.error for t in traces)

    asyncio.run(scenario())


def test_a_taken_tcp_port_is_a_clear_error_and_releases_the_udp_one() -> None:
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        holder = await loop.create_server(asyncio.Protocol, "127.0.0.1", 0)
        port = int(holder.sockets[0].getsockname()[1])
        try:
            with pytest.raises(SipPortInUse, match=rf"127.0.0.1:{port} \(TCP\) is already in use"):
                await SipEndpoint.open("127.0.0.1", port)
            # The UDP socket bound on the way was closed: UDP alone can have the port now.
            async with await SipEndpoint.open("127.0.0.1", port, listen_tcp=False) as udp:
                assert udp.local_address == ("127.0.0.1", port) and udp.tcp_peers() == []
        finally:
            holder.close()
            await holder.wait_closed()

    asyncio.run(scenario())
