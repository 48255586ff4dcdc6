"""Ending a call before it is answered, from either side, through real loopback sockets."""

from __future__ import annotations

import asyncio

import pytest

from harness.sip.events import Answered, CallProgress, Rejected, UaEvent
from harness.sip.message import SipRequest, SipResponse
from harness.sip.session import CallState
from harness.sip.transport import IncomingCall, OutgoingCall, SipEndpoint
from harness.sip.useragent import SipTrace
from tests.unit.sip.pair import label


def ladder(traces: list[SipTrace], local: tuple[str, int]) -> list[str]:
    return [
        f"{t.direction} {label(t.message)}"
        for t in traces
        if t.local == local and t.message is not None
    ]


@pytest.mark.parametrize(("status", "by_hangup"), [(486, False), (603, False), (603, True)])
def test_callee_declines_after_ringing(status: int, by_hangup: bool) -> None:
    async def scenario() -> None:
        traces: list[SipTrace] = []
        async with (
            await SipEndpoint.open(on_trace=traces.append) as caller,
            await SipEndpoint.open(on_trace=traces.append) as callee,
        ):
            host, port = callee.local_address
            call = caller.invite(f"sip:bob@{host}:{port}", "sip:alice@127.0.0.1", None)
            incoming = await callee.next_incoming(5.0)
            incoming.ring()
            await call.wait_ringing(5.0)
            if by_hangup:
                await incoming.hangup(5.0)  # before answering, hanging up declines (603)
            else:
                incoming.reject(status)
            outcome = await call.wait_outcome(5.0)
            assert isinstance(outcome, Rejected) and outcome.status == status
            ended = await incoming.wait_ended(5.0)
            assert ended.by == "local" and ended.reason.startswith(str(status))
            assert ladder(traces, caller.local_address) == [
                "out INVITE", "in 100/INVITE", "in 180/INVITE", f"in {status}/INVITE", "out ACK",
            ]  # fmt: skip
            # The callee's transaction absorbs the ACK (17.2.1): nothing reaches the call.
            await callee._until(lambda: any(
                t.local == callee.local_address and isinstance(t.message, SipRequest)
                and t.message.method == "ACK" for t in traces), 5.0, "ACK")  # fmt: skip
            assert caller.open_dialogs() == [] and callee.open_dialogs() == []
            assert call.state is CallState.TERMINATED and incoming.state is CallState.TERMINATED

    asyncio.run(scenario())


def test_cancel_crossing_the_200_ends_the_answered_call_with_bye() -> None:
    async def scenario() -> None:
        traces: list[SipTrace] = []
        async with (
            await SipEndpoint.open(on_trace=traces.append) as caller,
            await SipEndpoint.open(on_trace=traces.append) as callee,
        ):
            incoming: list[IncomingCall] = []

            def on_invite(call: IncomingCall) -> None:
                incoming.append(call)
                call.ring()

            def on_event(call: OutgoingCall | IncomingCall, event: UaEvent) -> None:
                # On the 180, the caller cancels and, before the callee has read the
                # CANCEL, the callee answers: the CANCEL and the 200 cross on the wire.
                if isinstance(event, CallProgress) and event.response.status == 180:
                    assert isinstance(call, OutgoingCall)
                    call.session.cancel(caller._now())
                    caller._pump()
                    incoming[0].answer(None)

            callee.on_invite = on_invite
            caller.on_call_event = on_event
            host, port = callee.local_address
            call = caller.invite(f"sip:bob@{host}:{port}", "sip:alice@127.0.0.1", None)
            outcome = await call.wait_outcome(5.0)
            assert isinstance(outcome, Answered)  # too late to cancel: the call was answered
            ended = await call.wait_ended(5.0)
            assert (ended.by, ended.reason) == ("local", "answered after CANCEL")
            callee_ended = await incoming[0].wait_ended(5.0)
            assert (callee_ended.by, callee_ended.reason) == ("remote", "BYE")
            await caller._until(lambda: call.session.bye_done, 5.0, "200 to BYE")
            mine = ladder(traces, caller.local_address)
            assert mine[:4] == ["out INVITE", "in 100/INVITE", "in 180/INVITE", "out CANCEL"]
            assert {"in 200/CANCEL", "in 200/INVITE", "out ACK", "out BYE", "in 200/BYE"} <= set(
                mine
            )
            assert "in 487/INVITE" not in mine  # the INVITE was answered, not terminated
            theirs = [t.message for t in traces if t.local == callee.local_address
                      and isinstance(t.message, SipResponse)]  # fmt: skip
            assert [m.status for m in theirs if m.cseq.method == "CANCEL"] == [200]

    asyncio.run(scenario())
