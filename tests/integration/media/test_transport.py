"""RTP endpoints, relay and clock on loopback sockets.

Every wait is on an event or a counter with a timeout; absence is proven by counting the
packets that went through the window, never by sleeping.
"""

from __future__ import annotations

import asyncio
import random
import socket

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
from tests.unit.media.test_transport import TIMEOUT, run

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
