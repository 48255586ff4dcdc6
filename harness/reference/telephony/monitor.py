"""Silent monitoring of a live call (CC-MON-1 to 4): a supervisor listens from her SIP phone.

The reference calls the supervisor's registered phone with a *sendonly* offer (RFC 3264
section 6.1: she receives, she is never heard) from a relay of her own, so nothing changes on
the customer's or the agent's leg: no re-INVITE, no new participant, no tone, no event in the
agent's app. What the call's relay forwards in each direction (its ``forwarded_tap``, so a held
call is silent to her too) is decoded and each frame is added to the other direction's next
frame into one stream for her (:class:`TwoWayMix`): she hears the customer and the agent at
once, as a conference mixer would. Several supervisors may listen to the same call, each on her
own leg; stopping ends only that leg. When the call ends, every monitor's leg ends with it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from harness.media import g711
from harness.media.relay import Leg
from harness.media.rtp import RtpPacket, RtpParseError
from harness.media.transport import RtpRelay
from harness.sip import events as sip_events
from harness.sip import sdp
from harness.sip.transport import OutgoingCall

if TYPE_CHECKING:
    from harness.reference.telephony.inbound import InboundCall

LOG = logging.getLogger("callproof.reference.monitor")

FRAME = 160  # samples per 20 ms at 8 kHz
#: How long a frame waits for the other direction's before it leaves alone.
HOLD_S = 0.04
#: Frames a direction may queue before the oldest is dropped: the mix keeps at most this much
#: delay behind the call, whatever the jitter between the two directions.
MAX_QUEUED = 10

Tap = Callable[[Leg, bytes, float], None]


class TwoWayMix:
    """Sans-IO: the two directions of a call in, one G.711 RTP stream of their sum out.

    The mix follows the senders' pace rather than a clock of its own, so that a burst of late
    packets (a loaded machine) reaches the listener as a burst of audio, never as silence: a
    frame from one direction waits for the other direction's next frame and the two leave as one
    packet; a frame that has waited :data:`HOLD_S` (the other direction is late, muted or held)
    leaves alone. Each direction keeps at most :data:`MAX_QUEUED` frames, the oldest dropped.
    Time is passed in: :meth:`feed` and :meth:`handle_timer` return the packets to send now,
    :meth:`next_timer` says when the next lone frame is due.
    """

    def __init__(self, payload_type: int, rng: random.Random | None = None) -> None:
        rng = rng or random.Random()
        self.payload_type = payload_type
        self._queues: dict[Leg, deque[tuple[float, npt.NDArray[np.int32]]]] = {
            Leg.A: deque(maxlen=MAX_QUEUED),
            Leg.B: deque(maxlen=MAX_QUEUED),
        }
        self._ssrc = rng.getrandbits(32)
        self._seq = rng.getrandbits(16)
        self._ts = rng.getrandbits(32)

    def feed(self, from_leg: Leg, datagram: bytes, now: float) -> list[bytes]:
        """A datagram from ``from_leg`` at ``now``; the packets to send now. Anything but a
        20 ms G.711 frame (telephone events, garbage) is left out."""
        try:
            packet = RtpPacket.parse(datagram)
        except RtpParseError:
            return []
        if not g711.is_g711(packet.payload_type) or len(packet.payload) != FRAME:
            return []
        decoded = g711.decode(packet.payload_type, packet.payload)
        self._queues[from_leg].append((now, decoded.astype(np.int32)))
        return self.handle_timer(now)

    def queued(self, from_leg: Leg) -> int:
        """Frames waiting from ``from_leg``."""
        return len(self._queues[from_leg])

    def next_timer(self) -> float | None:
        """When the oldest waiting frame must leave alone (None: nothing waits)."""
        heads = [q[0][0] + HOLD_S for q in self._queues.values() if q]
        return min(heads) if heads else None

    def handle_timer(self, now: float) -> list[bytes]:
        """The packets due at ``now``: pairs of frames, then frames that waited too long."""
        out = []
        a, b = self._queues[Leg.A], self._queues[Leg.B]
        while a and b:
            out.append(self._packet(a.popleft()[1] + b.popleft()[1]))
        for queue in (a, b):
            while queue and queue[0][0] + HOLD_S <= now:
                out.append(self._packet(queue.popleft()[1]))
        return out

    def _packet(self, mixed: npt.NDArray[np.int32]) -> bytes:
        samples = np.clip(mixed, -32768, 32767).astype(np.int16)
        payload = g711.encode(self.payload_type, samples)
        packet = RtpPacket(self.payload_type, self._seq, self._ts, self._ssrc, payload)
        self._seq = (self._seq + 1) % (1 << 16)
        self._ts = (self._ts + FRAME) % (1 << 32)
        return bytes(packet)


class CallMonitor:
    """One supervisor listening to one live call, on a SIP leg and a relay of her own."""

    def __init__(
        self,
        call: InboundCall,
        user_id: str,
        relay: RtpRelay,
        on_stopped: Callable[[CallMonitor], None],
    ) -> None:
        self.call = call
        self.user_id = user_id
        self.relay = relay  # leg A: towards the supervisor's phone; leg B is never used
        self.leg: OutgoingCall | None = None
        self.answered = False
        self.stopped = False
        self._on_stopped = on_stopped
        self.mix = TwoWayMix(g711.PCMU if call.codec == "PCMU" else g711.PCMA)
        self._timer: asyncio.TimerHandle | None = None

    @property
    def call_id(self) -> str:
        return self.call.call_id

    # -- the supervisor's leg --------------------------------------------------------------
    def ring(self, contact: str) -> None:
        """Call the supervisor's phone at ``contact`` with a send-only offer."""
        edge = self.call.edge
        host, port = self.relay.leg_a.local_address
        offer = sdp.make_offer(host, port, codecs=(self.call.codec,), direction="sendonly")
        self.leg = edge.sip.invite(contact, f"sip:monitor@{host}", bytes(offer))
        edge.route(self.leg, self)

    def on_agent_event(self, call: OutgoingCall, event: sip_events.UaEvent) -> None:
        """Events of the supervisor's leg (the edge routes them here)."""
        if isinstance(event, sip_events.CallAnswered) and not self.stopped:
            answer = sdp.SessionDescription.parse(event.response.body)
            host, port = sdp.remote_rtp_address(answer)
            self.relay.leg_a.set_remote(host, port)
            self.answered = True
        elif isinstance(event, sip_events.CallEnded):
            self.stop()

    def fail(self, reason: str) -> None:
        LOG.warning("monitor of call %s by %s failed: %s", self.call_id, self.user_id, reason)
        self.stop()

    def finish(self) -> None:
        self.stop()

    # -- the mix ---------------------------------------------------------------------------
    def feed(self, from_leg: Leg, datagram: bytes, now: float) -> None:
        """One datagram the call's relay forwarded from ``from_leg`` (the relay's tap)."""
        if self.answered and not self.stopped:
            self._send(self.mix.feed(from_leg, datagram, now))

    def _on_timer(self) -> None:
        self._timer = None
        if not self.stopped:
            self._send(self.mix.handle_timer(asyncio.get_running_loop().time()))

    def _send(self, packets: list[bytes]) -> None:
        for packet in packets:
            self.relay.send(Leg.A, packet)
        due = self.mix.next_timer()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if due is not None:
            self._timer = asyncio.get_running_loop().call_at(due, self._on_timer)

    # -- the end ---------------------------------------------------------------------------
    def stop(self) -> None:
        """End this supervisor's listening: her leg only; the call goes on (a second stop
        changes nothing)."""
        if self.stopped:
            return
        self.stopped = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.leg is not None and self.leg.session.live:
            self.leg.end()
        self.relay.close()
        self._on_stopped(self)


class CallMonitors:
    """The monitors of one live call, fed from its relay's ``forwarded_tap``."""

    def __init__(self, call: InboundCall) -> None:
        self.call = call
        self.monitors: list[CallMonitor] = []
        self._previous: Tap | None = call.relay.forwarded_tap
        call.relay.forwarded_tap = self._fan_out
        call.closing.append(self.stop_all)

    def _fan_out(self, from_leg: Leg, datagram: bytes, now: float) -> None:
        if self._previous is not None:
            self._previous(from_leg, datagram, now)
        for monitor in list(self.monitors):
            monitor.feed(from_leg, datagram, now)

    def stop_all(self) -> None:
        """The call ends: every supervisor's leg ends with it."""
        for monitor in list(self.monitors):
            monitor.stop()

    def by_user(self, user_id: str) -> CallMonitor | None:
        return next((m for m in self.monitors if m.user_id == user_id and not m.stopped), None)
