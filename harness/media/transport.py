"""RTP over UDP on asyncio (sockets from `harness.net.udp`): the only module of `harness.media`
that touches sockets or a loop.

- `MediaClock`: one timer on the running loop drives every attached endpoint (one task per
  stream costs about three times as much); send times are spread over the 20 ms frame.
- `RtpEndpoint`: one party's `MediaStream` on a UDP socket.
- `RtpRelay`: two sockets and a `RelayCore`, the media path of a B2BUA.
- `open_endpoints()`: every socket still open, so a scenario that leaks an RTP port can fail.
"""

from __future__ import annotations

import asyncio
import heapq
import math
import random
from collections.abc import Callable
from typing import Protocol

from harness.media import g711
from harness.media.events import MediaEvent
from harness.media.latch import Address, OpenRegistry, RemoteAddress
from harness.media.relay import Leg, RelayCore, RelayCounters
from harness.media.rtp import RTP_HEADER_SIZE, RTP_VERSION, is_rtcp
from harness.media.stream import MediaStream
from harness.net.udp import SocketAddress, UdpSocket

__all__ = [
    "MediaClock",
    "RelayLeg",
    "RtpEndpoint",
    "RtpRelay",
    "TransportClosedError",
    "open_endpoints",
]

EventCallback = Callable[[MediaEvent], None]

_ROUNDING = 1e-7
"""Seconds a time may sit past a slot boundary and still count as on it (float noise)."""
_DUE = 1e-6
"""Seconds early a timer still counts as due; the same slack `MediaStream` allows."""
STALL_AFTER_FRAMES = 1.0
"""A wake-up later than this many frames is a stall of the harness's own process (the loop
was busy or the process was not scheduled), not an ordinary timer's jitter."""


class TransportClosedError(Exception):
    """The endpoint or relay was closed while something waited on it."""


_OPEN: OpenRegistry = OpenRegistry()


def open_endpoints() -> list[str]:
    """A description of every RTP endpoint and relay not closed yet (empty when none leaked).

    Safe to call from any thread; the result fits a scenario's leak check directly.
    """
    return _OPEN.describe()


# -- clock ------------------------------------------------------------------------------------


class ClockMember(Protocol):
    """What a `MediaClock` drives."""

    def next_timer(self) -> float | None:
        """Loop time of the next thing to do, or None."""
        ...

    def on_tick(self, now: float) -> None:
        """Do what is due by ``now``."""
        ...


class MediaClock:
    """One timer handle on the running loop serving many media streams.

    Wake-ups are rounded up to ``frame / slots`` so streams due within the same slot share one
    wake-up, and `start_time` hands new streams successive slots so their sends are spread over
    the frame instead of bunching at one instant. Nothing is scheduled while no attached member
    has a timer, and `close` cancels the handle.

    Members wait in a heap by the time they asked for, so a wake-up visits the members due in
    its slot and no others: with hundreds of streams spread over four slots, asking every member
    at every wake-up cost more than serving the ones due. A member's entry is the earliest time
    it asked for; when it comes, the member is asked again (its timer may have moved later) and
    goes back in the heap at its next time.

    A wake-up that comes more than `STALL_AFTER_FRAMES` frames late means this process itself
    did not run meanwhile; `stalled` adds those seconds up, so listeners can leave that time
    out of the silence they judge (`RtpEndpoint`).
    """

    def __init__(self, frame: float = 0.02, slots: int = 4) -> None:
        if frame <= 0 or slots < 1:
            raise ValueError("frame must be positive and slots at least 1")
        self.frame = frame
        self.slots = slots
        self._slot = frame / slots
        self._members: dict[ClockMember, None] = {}
        # Heap of (due, entry number, member); a member's live entry is the one in ``_entries``
        # (others are stale and skipped when they come up).
        self._heap: list[tuple[float, int, ClockMember]] = []
        self._entries: dict[ClockMember, tuple[float, int]] = {}
        self._count = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._when = 0.0
        self._next_slot = 0
        self._closed = False
        self.stalled = 0.0
        """Seconds of wake-ups that came late because this process was stalled, in total."""

    @property
    def members(self) -> int:
        """How many members are attached."""
        return len(self._members)

    @property
    def next_wake(self) -> float | None:
        """Loop time of the scheduled wake-up, or None when nothing is scheduled."""
        return self._when if self._handle is not None else None

    def now(self) -> float:
        """The loop's time, the clock every attached stream runs on."""
        return self._get_loop().time()

    def _get_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    def start_time(self) -> float:
        """When a stream starting now should send its first frame (the next free slot)."""
        base = self._round_up(self.now())
        offset = self._next_slot * self._slot
        self._next_slot = (self._next_slot + 1) % self.slots
        return base + offset

    def attach(self, member: ClockMember) -> None:
        """Drive ``member`` from now on (call on the loop's thread)."""
        if self._closed:
            raise RuntimeError("the media clock is closed")
        self._get_loop()
        self._members[member] = None
        self.poke(member)

    def detach(self, member: ClockMember) -> None:
        """Stop driving ``member``; with no member left nothing stays scheduled."""
        self._members.pop(member, None)
        self._entries.pop(member, None)
        if not self._members:
            self._heap.clear()
            self._cancel()

    def poke(self, member: ClockMember) -> None:
        """``member``'s timer may have moved earlier: make sure the clock wakes in time."""
        if self._closed or member not in self._members:
            return
        due = member.next_timer()
        if due is None:
            return
        entry = self._entries.get(member)
        if entry is not None and entry[0] <= due:
            return  # it comes up in time already and is asked again then
        self._push(member, due)
        wake = self._round_up(due)
        if self._handle is None or wake < self._when - _ROUNDING:
            self._arm(wake)

    def close(self) -> None:
        """Detach everything and cancel the pending wake-up."""
        self._closed = True
        self._members.clear()
        self._entries.clear()
        self._heap.clear()
        self._cancel()

    def _push(self, member: ClockMember, due: float) -> None:
        self._count += 1
        self._entries[member] = (due, self._count)
        heapq.heappush(self._heap, (due, self._count, member))

    def _round_up(self, t: float) -> float:
        return math.ceil((t - _ROUNDING) / self._slot) * self._slot

    def _arm(self, wake: float) -> None:
        self._cancel()
        self._when = wake
        self._handle = self._get_loop().call_at(wake, self._on_wake)

    def _cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _earliest(self) -> float | None:
        """The earliest live entry, dropping the stale ones above it."""
        heap, entries = self._heap, self._entries
        while heap:
            due, number, member = heap[0]
            entry = entries.get(member)
            if entry is not None and entry[1] == number:
                return due
            heapq.heappop(heap)
        return None

    def _schedule(self) -> None:
        earliest = self._earliest()
        if earliest is None:
            self._cancel()
            return
        wake = self._round_up(earliest)
        if self._handle is None or wake < self._when - _ROUNDING:
            self._arm(wake)

    def _on_wake(self) -> None:
        self._handle = None
        # The loop may run a handle a hair before its time; never let ``now`` precede it.
        now = max(self._get_loop().time(), self._when)
        late = now - self._when
        if late > STALL_AFTER_FRAMES * self.frame:
            self.stalled += late
        heap, entries = self._heap, self._entries
        served: list[ClockMember] = []  # go back in the heap after this wake-up
        ticked: set[ClockMember] = set()
        try:
            while heap and heap[0][0] <= now + _DUE:
                _, number, member = heapq.heappop(heap)
                entry = entries.get(member)
                if entry is None or entry[1] != number:
                    continue  # stale: detached, or pushed again at another time
                del entries[member]
                served.append(member)
                if member in ticked:
                    continue  # poked during its own tick: served again at the next wake-up
                due = member.next_timer()
                if due is not None and due <= now + _DUE:
                    ticked.add(member)
                    member.on_tick(now)
        finally:
            # Put the members served back at their next time even if one raised (the loop's
            # exception handler reports it), so one broken stream does not silence the others.
            if not self._closed:
                for member in served:
                    if member in self._members and member not in entries:
                        due = member.next_timer()
                        if due is not None:
                            self._push(member, due)
                self._schedule()


# -- sockets ----------------------------------------------------------------------------------


def _address(source: SocketAddress) -> Address:
    return str(source[0]), int(source[1])


def _looks_like_rtp(data: bytes) -> bool:
    return len(data) >= RTP_HEADER_SIZE and data[0] >> 6 == RTP_VERSION and not is_rtcp(data)


class _CountWaiters:
    """Futures completed when a counter reaches a target."""

    def __init__(self) -> None:
        self._waiting: list[tuple[int, asyncio.Future[None]]] = []
        self._closed_by: str | None = None

    async def wait(self, current: int, target: int) -> None:
        if current >= target:
            return
        if self._closed_by is not None:
            raise TransportClosedError(f"{self._closed_by} closed")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((target, future))
        await future

    def update(self, value: int) -> None:
        if not self._waiting:
            return
        still = []
        for target, future in self._waiting:
            if future.done():
                continue
            if value >= target:
                future.set_result(None)
            else:
                still.append((target, future))
        self._waiting = still

    def fail(self, what: str) -> None:
        self._closed_by = what
        for _, future in self._waiting:
            if not future.done():
                future.set_exception(TransportClosedError(f"{what} closed"))
        self._waiting = []


# -- endpoint ---------------------------------------------------------------------------------


class RtpEndpoint:
    """One party's `MediaStream` on a UDP socket, driven by a shared `MediaClock`.

    Start and stop sending through the endpoint (not the stream directly) so the clock learns
    about the new timer. Events the stream reports go to ``on_event``.
    """

    def __init__(self, stream: MediaStream, clock: MediaClock, latching: bool) -> None:
        """Use `RtpEndpoint.open`."""
        self.stream = stream
        self._clock = clock
        self._remote = RemoteAddress(latching)
        self._on_event: EventCallback | None = None
        self._transport: UdpSocket | None = None
        self._socket: UdpSocket | None = None  # kept after close, for its error count
        self.local_address: Address = ("", 0)
        self.packets_sent = 0
        self.datagrams_received = 0
        self.unsent = 0
        """Packets produced while no remote address was known."""
        self._sent_waiters = _CountWaiters()
        self._received_waiters = _CountWaiters()
        self._stalls_seen = clock.stalled
        """The clock's `MediaClock.stalled` already taken into account by this listener."""

    @classmethod
    async def open(
        cls,
        stream: MediaStream,
        clock: MediaClock,
        host: str = "127.0.0.1",
        *,
        on_event: EventCallback | None = None,
        latching: bool = False,
    ) -> RtpEndpoint:
        """Bind an even UDP port on ``host`` for ``stream`` and attach it to ``clock``."""
        endpoint = cls(stream, clock, latching)
        endpoint._on_event = on_event
        transport = UdpSocket.open_even(host, endpoint._on_datagram)
        endpoint._transport = endpoint._socket = transport
        sockname = transport.sockname
        endpoint.local_address = (str(sockname[0]), int(sockname[1]))
        _OPEN.add(endpoint)
        clock.attach(endpoint)
        return endpoint

    def __repr__(self) -> str:
        host, port = self.local_address
        state = "closed" if self.closed else f"remote {self.remote_address}"
        return f"<RtpEndpoint {host}:{port} ssrc={self.stream.ssrc:#010x} {state}>"

    @property
    def closed(self) -> bool:
        return self._transport is None

    @property
    def remote_address(self) -> Address | None:
        return self._remote.address

    @property
    def socket_errors(self) -> int:
        """Sends the kernel refused, and errors it reported for earlier sends."""
        return self._socket.errors if self._socket is not None else 0

    def set_remote(self, host: str, port: int) -> None:
        """Send to ``host:port`` (from the peer's SDP); with latching, until RTP arrives."""
        self._remote.set(host, port)

    def start_sending(self) -> None:
        self.stream.start_sending(self._clock.start_time())
        self._clock.poke(self)

    def stop_sending(self) -> None:
        self.stream.stop_sending()

    def set_hold(self, on_hold: bool) -> None:
        self.stream.set_hold(on_hold, self._clock.start_time())
        self._clock.poke(self)

    async def wait_sent(self, count: int) -> None:
        """Return once ``count`` packets in total have been sent (bound it with a timeout)."""
        await self._sent_waiters.wait(self.packets_sent, count)

    async def wait_received(self, count: int) -> None:
        """Return once ``count`` datagrams in total have arrived (bound it with a timeout)."""
        await self._received_waiters.wait(self.datagrams_received, count)

    def next_timer(self) -> float | None:
        return self.stream.next_timer()

    def on_tick(self, now: float) -> None:
        packets = self.stream.produce(now)
        address = self._remote.address
        if packets:
            if address is None or self._transport is None:
                self.unsent += len(packets)
            else:
                for packet in packets:
                    self._transport.sendto(packet, address)
                self.packets_sent += len(packets)
                self._sent_waiters.update(self.packets_sent)
        stalled = self._clock.stalled
        if stalled != self._stalls_seen:
            # This process stalled since the last frame: the peer is not to blame for that time
            # (nothing was read, and our own senders were silent too).
            self.stream.excuse_silence(stalled - self._stalls_seen)
            self._stalls_seen = stalled
        events = self.stream.handle_timer(now)
        if events:
            self._publish(events)

    def _on_datagram(self, data: bytes, source: SocketAddress) -> None:
        if self._transport is None:
            return
        now = self._clock.now()
        self.datagrams_received += 1
        self._stalls_seen = self._clock.stalled  # earlier stalls came before this datagram
        if self._remote.armed and _looks_like_rtp(data):
            self._remote.observe(_address(source))
        events = self.stream.receive(data, now)
        self._clock.poke(self)
        self._received_waiters.update(self.datagrams_received)
        if events:
            self._publish(events)

    def _publish(self, events: list[MediaEvent]) -> None:
        if self._on_event is not None:
            for event in events:
                self._on_event(event)

    def close(self) -> None:
        """Stop, release the socket and unregister; safe to call twice."""
        if self._transport is None:
            return
        self._clock.detach(self)
        self._transport.close()
        self._transport = None
        _OPEN.discard(self)
        self._sent_waiters.fail(repr(self))
        self._received_waiters.fail(repr(self))


# -- relay ------------------------------------------------------------------------------------


class RelayLeg:
    """One socket of an `RtpRelay`."""

    def __init__(self, relay: RtpRelay, leg: Leg, latching: bool) -> None:
        self.leg = leg
        self._relay = relay
        self._remote = RemoteAddress(latching)
        self.transport: UdpSocket | None = None
        self.local_address: Address = ("", 0)
        self.unsent = 0
        """Packets to send on this leg while its remote address was unknown."""

    @property
    def remote_address(self) -> Address | None:
        return self._remote.address

    def set_remote(self, host: str, port: int) -> None:
        """Send this leg's media to ``host:port`` (from its SDP)."""
        self._remote.set(host, port)

    @property
    def payload_type(self) -> int:
        return self._relay.core.payload_type(self.leg)

    def _on_datagram(self, data: bytes, source: SocketAddress) -> None:
        if self._remote.armed and _looks_like_rtp(data):
            self._remote.observe(_address(source))
        self._relay._forward(self.leg, data)

    def _send(self, data: bytes) -> None:
        address = self._remote.address
        if address is None or self.transport is None:
            self.unsent += 1
        else:
            self.transport.sendto(data, address)


class RtpRelay:
    """Two UDP sockets relaying RTP between leg A and leg B, as a B2BUA's media path.

    Created disconnected: media is dropped until `connect`, as for call legs not yet bridged.
    """

    def __init__(self, core: RelayCore, latching: bool) -> None:
        """Use `RtpRelay.open`."""
        self.core = core
        self.leg_a = RelayLeg(self, Leg.A, latching)
        self.leg_b = RelayLeg(self, Leg.B, latching)
        self._waiters = {Leg.A: _CountWaiters(), Leg.B: _CountWaiters()}
        self._closed = False
        # Sees every RTP datagram the relay forwards, as received: (from leg, datagram, now).
        # A call recorder listens here, so it records exactly what each party was sent.
        self.forwarded_tap: Callable[[Leg, bytes, float], None] | None = None
        self.tap: Callable[[Leg, bytes, float], None] | None = None
        """Sees every datagram received on either leg (with ``loop.time()``), forwarded or not:
        how a B2BUA's IVR hears the caller's digits before the legs are bridged."""

    @classmethod
    async def open(
        cls,
        host: str = "127.0.0.1",
        *,
        payload_type_a: int = g711.PCMU,
        payload_type_b: int = g711.PCMU,
        latching: bool = True,
        rng: random.Random | None = None,
        host_a: str | None = None,
    ) -> RtpRelay:
        """Bind two even UDP ports on ``host``; legs use the given payload types.

        ``host_a`` binds leg A elsewhere (``::1`` for a peer whose SDP is IPv6).
        """
        relay = cls(RelayCore(payload_type_a, payload_type_b, rng=rng), latching)
        try:
            for leg in (relay.leg_a, relay.leg_b):
                bind_host = host_a if host_a is not None and leg is relay.leg_a else host
                leg.transport = UdpSocket.open_even(bind_host, leg._on_datagram)
                sockname = leg.transport.sockname
                leg.local_address = (str(sockname[0]), int(sockname[1]))
        except OSError:
            relay._close_sockets()
            raise
        _OPEN.add(relay)
        return relay

    def __repr__(self) -> str:
        a, b = self.leg_a.local_address, self.leg_b.local_address
        state = "closed" if self._closed else ("connected" if self.connected else "disconnected")
        return f"<RtpRelay a={a[0]}:{a[1]} b={b[0]}:{b[1]} {state}>"

    def leg(self, leg: Leg) -> RelayLeg:
        return self.leg_a if leg is Leg.A else self.leg_b

    @property
    def connected(self) -> bool:
        return self.core.connected

    @property
    def a_to_b(self) -> RelayCounters:
        return self.core.a_to_b

    @property
    def b_to_a(self) -> RelayCounters:
        return self.core.b_to_a

    def connect(self) -> None:
        """Forward media between the legs."""
        self.core.connect()

    def disconnect(self) -> None:
        """Drop media (counted per direction) until `connect`."""
        self.core.disconnect()

    def set_direction(self, leg: Leg, direction: str) -> None:
        """The party on ``leg`` sends and receives as the SDP ``direction`` says; the relay
        forwards only what one side sends and the other receives (`RelayCore.set_direction`)."""
        self.core.set_direction(leg, direction)

    async def wait_received(self, from_leg: Leg, count: int) -> None:
        """Return once ``count`` datagrams in total have arrived on ``from_leg``."""
        await self._waiters[from_leg].wait(self.core.counters(from_leg).received, count)

    def send(self, leg: Leg, data: bytes) -> None:
        """Send a datagram of our own on ``leg`` (an IVR prompt), to that leg's remote."""
        if not self._closed:
            self.leg(leg)._send(data)

    def _forward(self, from_leg: Leg, data: bytes) -> None:
        if self._closed:
            return
        now = asyncio.get_running_loop().time()
        if self.tap is not None:
            self.tap(from_leg, data, now)
        out = self.core.handle(from_leg, data, now)
        if out is not None:
            self.leg(from_leg.other)._send(out)
            if self.forwarded_tap is not None:
                self.forwarded_tap(from_leg, data, now)
        self._waiters[from_leg].update(self.core.counters(from_leg).received)

    def _close_sockets(self) -> None:
        for leg in (self.leg_a, self.leg_b):
            if leg.transport is not None:
                leg.transport.close()
                leg.transport = None

    def close(self) -> None:
        """Release both sockets and unregister; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._close_sockets()
        _OPEN.discard(self)
        for waiters in self._waiters.values():
            waiters.fail(repr(self))
