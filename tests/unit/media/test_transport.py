"""RTP endpoints, relay and clock on loopback sockets.

Every wait is on an event or a counter with a timeout; absence is proven by counting the
packets that went through the window, never by sleeping.
"""

from __future__ import annotations

import asyncio
import random
import socket
from collections.abc import Awaitable

import pytest

from harness.media import g711
from harness.media.events import MediaEvent, SignatureHeard
from harness.media.relay import Leg
from harness.media.stream import MediaStream
from harness.media.tones import Signature, signature_for
from harness.media.transport import (
    MediaClock,
    RtpEndpoint,
    RtpRelay,
    TransportClosedError,
    open_endpoints,
)

TIMEOUT = 5.0
A = signature_for(0)
B = signature_for(1)


class Party:
    """An endpoint plus what it heard, with an event per signature."""

    def __init__(self) -> None:
        self.events: list[MediaEvent] = []
        self.heard: dict[Signature, asyncio.Event] = {}
        self.endpoint: RtpEndpoint

    @classmethod
    async def open(
        cls,
        clock: MediaClock,
        payload_type: int,
        own: Signature,
        other: Signature,
        host: str = "127.0.0.1",
        latching: bool = False,
    ) -> Party:
        party = cls()
        party.heard = {other: asyncio.Event()}
        stream = MediaStream(payload_type, signature=own, listen_for=[other])
        party.endpoint = await RtpEndpoint.open(
            stream, clock, host, on_event=party.on_event, latching=latching
        )
        return party

    def on_event(self, event: MediaEvent) -> None:
        self.events.append(event)
        if isinstance(event, SignatureHeard):
            self.heard[event.signature].set()

    def heard_signatures(self) -> list[Signature]:
        return [e.signature for e in self.events if isinstance(e, SignatureHeard)]


def run(coro: Awaitable[None]) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(TIMEOUT * 2):
            await coro

    asyncio.run(bounded())


async def _bridge(connected: bool) -> tuple[MediaClock, RtpRelay, Party, Party]:
    clock = MediaClock()
    relay = await RtpRelay.open(
        payload_type_a=g711.PCMU, payload_type_b=g711.PCMA, rng=random.Random(9)
    )
    caller = await Party.open(clock, g711.PCMU, A, B)
    agent = await Party.open(clock, g711.PCMA, B, A)
    caller.endpoint.set_remote(*relay.leg_a.local_address)
    agent.endpoint.set_remote(*relay.leg_b.local_address)
    if connected:
        relay.connect()
    return clock, relay, caller, agent


def _close(clock: MediaClock, relay: RtpRelay, *parties: Party) -> None:
    for party in parties:
        party.endpoint.close()
    relay.close()
    clock.close()


def test_two_endpoints_hear_each_other_through_a_transcoding_relay():
    async def scenario() -> None:
        clock, relay, caller, agent = await _bridge(connected=True)
        try:
            caller.endpoint.start_sending()
            agent.endpoint.start_sending()
            await asyncio.wait_for(agent.heard[A].wait(), TIMEOUT)
            await asyncio.wait_for(caller.heard[B].wait(), TIMEOUT)
            await caller.endpoint.wait_sent(25)
            assert agent.endpoint.stream.heard_now() == {A}
            assert caller.endpoint.stream.heard_now() == {B}
            assert relay.a_to_b.transcoded > 0 and relay.b_to_a.transcoded > 0
            # The relay latched onto the endpoints' addresses from their packets.
            assert relay.leg_a.remote_address == caller.endpoint.local_address
            assert relay.leg_b.remote_address == agent.endpoint.local_address
            stats = agent.endpoint.stream.stats
            assert stats.ssrc != caller.endpoint.stream.ssrc  # rewritten by the relay
            assert stats.lost == 0
            assert stats.jitter_ms < 20
        finally:
            _close(clock, relay, caller, agent)

    run(scenario())


def test_a_disconnected_relay_carries_nothing_until_connected():
    async def scenario() -> None:
        clock, relay, caller, agent = await _bridge(connected=False)
        try:
            caller.endpoint.start_sending()
            agent.endpoint.start_sending()
            # The window: 25 frames (half a second of audio) reached the relay each way.
            await asyncio.wait_for(relay.wait_received(Leg.A, 25), TIMEOUT)
            await asyncio.wait_for(relay.wait_received(Leg.B, 25), TIMEOUT)
            assert relay.a_to_b.forwarded == 0 and relay.a_to_b.dropped >= 25
            assert relay.b_to_a.forwarded == 0 and relay.b_to_a.dropped >= 25
            assert caller.endpoint.datagrams_received == 0
            assert agent.endpoint.datagrams_received == 0
            assert caller.heard_signatures() == [] and agent.heard_signatures() == []
            # Positive control: the same path carries media once connected.
            relay.connect()
            await asyncio.wait_for(agent.heard[A].wait(), TIMEOUT)
            await asyncio.wait_for(caller.heard[B].wait(), TIMEOUT)
            assert agent.endpoint.stream.stats.lost == 0  # the dropped frames are not "lost"
        finally:
            _close(clock, relay, caller, agent)

    run(scenario())


def test_endpoint_latches_onto_the_source_of_rtp():
    async def scenario() -> None:
        clock = MediaClock()
        # A socket that never answers stands for a wrong address in the SDP.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as wrong:
            wrong.bind(("127.0.0.1", 0))
            caller = await Party.open(clock, g711.PCMU, A, B)
            agent = await Party.open(clock, g711.PCMU, B, A, latching=True)
            try:
                caller.endpoint.set_remote(*agent.endpoint.local_address)
                agent.endpoint.set_remote(*wrong.getsockname())
                caller.endpoint.start_sending()
                agent.endpoint.start_sending()
                await asyncio.wait_for(caller.heard[B].wait(), TIMEOUT)
                assert agent.endpoint.remote_address == caller.endpoint.local_address
            finally:
                caller.endpoint.close()
                agent.endpoint.close()
                clock.close()

    run(scenario())


def test_ports_are_even_and_open_sockets_are_reported_until_closed():
    async def scenario() -> None:
        before = set(open_endpoints())
        clock = MediaClock()
        endpoints = [await RtpEndpoint.open(MediaStream(), clock) for _ in range(6)]
        relay = await RtpRelay.open()
        ports = [e.local_address[1] for e in endpoints]
        ports += [relay.leg_a.local_address[1], relay.leg_b.local_address[1]]
        assert all(port % 2 == 0 for port in ports)
        assert len(set(ports)) == len(ports)
        leaked = set(open_endpoints()) - before
        assert len(leaked) == 7
        assert any(f":{endpoints[0].local_address[1]}" in item for item in leaked)
        assert any(item.startswith("<RtpRelay") for item in leaked)
        for endpoint in endpoints:
            endpoint.close()
            endpoint.close()  # idempotent
        relay.close()
        assert set(open_endpoints()) == before
        clock.close()

    run(scenario())


def test_clock_runs_only_while_needed_and_leaves_nothing_behind():
    async def scenario() -> None:
        clock = MediaClock()
        assert clock.next_wake is None
        endpoint = await RtpEndpoint.open(MediaStream(signature=A), clock)
        assert clock.members == 1
        assert clock.next_wake is None  # attached but idle: no timer armed
        sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sink.bind(("127.0.0.1", 0))
        endpoint.set_remote(*sink.getsockname())
        endpoint.start_sending()
        assert clock.next_wake is not None
        await asyncio.wait_for(endpoint.wait_sent(5), TIMEOUT)
        endpoint.stop_sending()
        endpoint.close()
        assert clock.members == 0
        assert clock.next_wake is None
        clock.close()
        assert asyncio.all_tasks() == {asyncio.current_task()}
        with pytest.raises(RuntimeError, match="closed"):
            clock.attach(endpoint)
        sink.close()

    run(scenario())


def test_streams_started_together_are_spread_over_the_frame():
    async def scenario() -> None:
        clock = MediaClock(frame=0.02, slots=4)
        starts = [clock.start_time() for _ in range(4)]
        offsets = sorted(round((s - starts[0]) * 1000, 6) for s in starts)
        assert offsets == [0.0, 5.0, 10.0, 15.0]
        clock.close()

    run(scenario())


def test_waiters_fail_when_the_endpoint_closes():
    async def scenario() -> None:
        clock = MediaClock()
        endpoint = await RtpEndpoint.open(MediaStream(), clock)
        # Runs once the wait below has registered.
        asyncio.get_running_loop().call_soon(endpoint.close)
        with pytest.raises(TransportClosedError):
            await asyncio.wait_for(endpoint.wait_received(1), TIMEOUT)
        clock.close()

    run(scenario())


def test_ipv6_loopback():
    async def scenario() -> None:
        clock = MediaClock()
        try:
            caller = await Party.open(clock, g711.PCMU, A, B, host="::1")
        except OSError as exc:
            pytest.skip(f"no IPv6 loopback here: {exc}")
        agent = await Party.open(clock, g711.PCMU, B, A, host="::1")
        try:
            caller.endpoint.set_remote(*agent.endpoint.local_address)
            agent.endpoint.set_remote(*caller.endpoint.local_address)
            caller.endpoint.start_sending()
            await asyncio.wait_for(agent.heard[A].wait(), TIMEOUT)
            assert agent.endpoint.local_address[0] == "::1"
        finally:
            caller.endpoint.close()
            agent.endpoint.close()
            clock.close()

    run(scenario())


class Ticker:
    """A clock member that wants a tick every ``period`` once started."""

    def __init__(self, clock: MediaClock, wanted: int, period: float = 0.02) -> None:
        self.clock = clock
        self.period = period
        self.wanted = wanted
        self.due: float | None = None
        self.ticks: list[float] = []
        self.asked = 0
        self.done = asyncio.Event()
        self.after_tick: list[object] = []

    def start(self) -> None:
        self.due = self.clock.start_time()
        self.clock.poke(self)

    def next_timer(self) -> float | None:
        self.asked += 1
        return self.due

    def on_tick(self, now: float) -> None:
        assert self.due is not None and now >= self.due - 1e-6
        self.ticks.append(now)
        self.due = None if len(self.ticks) >= self.wanted else self.due + self.period
        if len(self.ticks) >= self.wanted:
            self.done.set()
        for action in self.after_tick:
            assert callable(action)
            action()


def test_clock_keeps_serving_others_when_a_member_raises():
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        reported: list[object] = []
        loop.set_exception_handler(lambda _loop, context: reported.append(context["exception"]))
        clock = MediaClock()
        broken = Ticker(clock, wanted=1)

        def explode() -> None:
            raise RuntimeError("broken stream")

        broken.after_tick.append(explode)
        healthy = Ticker(clock, wanted=5)
        for member in (broken, healthy):
            clock.attach(member)
            member.start()
        await asyncio.wait_for(healthy.done.wait(), TIMEOUT)
        assert len(broken.ticks) == 1
        assert [str(e) for e in reported] == ["broken stream"]
        assert all(b - a > 0.015 for a, b in zip(healthy.ticks, healthy.ticks[1:], strict=False))
        clock.close()
        assert clock.next_wake is None

    run(scenario())


def test_clock_serves_a_member_started_from_another_members_tick():
    async def scenario() -> None:
        clock = MediaClock()
        late = Ticker(clock, wanted=3)
        first = Ticker(clock, wanted=1)
        first.after_tick.append(late.start)  # e.g. an event callback starting a stream
        clock.attach(late)  # visited before ``first`` on every wake-up
        clock.attach(first)
        first.start()
        await asyncio.wait_for(late.done.wait(), TIMEOUT)
        assert len(late.ticks) == 3
        assert clock.next_wake is None  # nobody has a timer any more
        clock.close()

    run(scenario())


def test_a_wake_up_asks_only_the_members_due():
    async def scenario() -> None:
        clock = MediaClock(frame=0.02, slots=4)
        tickers = [Ticker(clock, wanted=10) for _ in range(12)]
        for ticker in tickers:
            clock.attach(ticker)  # asked once: nothing to do yet
            ticker.start()  # asked once more by the poke
        await asyncio.wait_for(asyncio.gather(*(t.done.wait() for t in tickers)), TIMEOUT)
        # Each tick asks its member before and after; a clock asking every member at every
        # wake-up (four a frame) would ask each about forty times.
        assert all(t.asked <= 2 + 2 * t.wanted for t in tickers), [t.asked for t in tickers]
        assert all(len(t.ticks) == t.wanted for t in tickers)
        assert clock.next_wake is None
        clock.close()

    run(scenario())


def test_a_member_whose_timer_moved_later_is_served_at_its_new_time():
    async def scenario() -> None:
        clock = MediaClock()
        moved = Ticker(clock, wanted=2)
        clock.attach(moved)
        moved.start()
        assert moved.due is not None
        moved.due += 0.05  # later, without a poke: its old entry comes up first
        later = moved.due
        # Ticker.on_tick asserts that no tick comes before the member's time.
        await asyncio.wait_for(moved.done.wait(), TIMEOUT)
        assert moved.ticks[0] >= later - 1e-6
        clock.close()

    run(scenario())


def test_a_detached_member_is_not_served_again():
    async def scenario() -> None:
        clock = MediaClock()
        gone = Ticker(clock, wanted=100)
        stays = Ticker(clock, wanted=5)
        gone.after_tick.append(lambda: clock.detach(gone))
        for ticker in (gone, stays):
            clock.attach(ticker)
            ticker.start()
        await asyncio.wait_for(stays.done.wait(), TIMEOUT)
        assert len(gone.ticks) == 1
        assert clock.members == 1
        clock.close()

    run(scenario())
