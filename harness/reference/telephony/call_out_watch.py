"""What the outbound calls of the reference keep and watch for support (SG-ERR-9, 12, 13).

- :class:`SignallingLog` keeps the SIP datagrams the edge sends and receives, by SIP Call-ID,
  so that an outbound call's signalling (both legs) can be stored under its Call ID when it
  ends and served as a pcap: what support hands to the carrier (SG-ERR-12).
- :class:`SilenceWatch` ends a call whose agent side went silent: a page reloaded during a
  call leaves it stuck, and new attempts fail until the stuck call ends after the account's
  stuck-call timeout (SG-ERR-9).
- :func:`publish_ringing` tells the agent the call rings (shown as "Ringing"), in call-out
  mode when the customer's phone rings, in app mode at once (SG-ERR-13).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

from harness.media.relay import Leg
from harness.media.transport import RtpRelay
from harness.reference.clock import iso_utc
from harness.reference.store_call_out import SignallingMessage
from harness.sip.txlayer import SipTrace

if TYPE_CHECKING:
    from harness.reference.domain.talk import OutboundCall
    from harness.reference.tickets import Tickets

#: How many recent SIP dialogs the log keeps (inbound calls' too: it cannot tell them apart
#: when the first message goes out, so the oldest are dropped).
KEPT_DIALOGS = 512
#: How many messages of one dialog it keeps (a phone refreshing its registration for hours
#: reuses one Call-ID; a call's signalling is a few dozen messages).
KEPT_PER_DIALOG = 200


class _TraceHook(Protocol):
    """Where a user agent reports each message (``on_trace``)."""

    on_trace: Callable[[SipTrace], None] | None


class SignallingLog:
    """The SIP datagrams of the edge's latest dialogs, by SIP Call-ID."""

    def __init__(self, limit: int = KEPT_DIALOGS) -> None:
        self._limit = limit
        self._by_call: OrderedDict[str, list[SignallingMessage]] = OrderedDict()

    def install(self, ua: _TraceHook) -> None:
        """Listen to ``ua``'s traces (beside whoever listened before)."""
        previous = ua.on_trace

        def trace(seen: SipTrace) -> None:
            self.note(seen)
            if previous is not None:
                previous(seen)

        ua.on_trace = trace

    def note(self, seen: SipTrace) -> None:
        """Keep one traced message (those not sent or not parsed are left out)."""
        if seen.message is None or seen.error is not None or not seen.peer[0]:
            return
        local = (str(seen.local[0]), int(seen.local[1]))
        peer = (str(seen.peer[0]), int(seen.peer[1]))
        source, destination = (local, peer) if seen.direction == "out" else (peer, local)
        sip_call_id = seen.message.call_id
        kept = self._by_call.get(sip_call_id)
        if kept is None:
            kept = self._by_call[sip_call_id] = []
            while len(self._by_call) > self._limit:
                self._by_call.popitem(last=False)
        if len(kept) < KEPT_PER_DIALOG:
            message = SignallingMessage(time.time(), source, destination, bytes(seen.raw))
            kept.append(message)

    def take(self, sip_call_ids: Iterable[str]) -> list[SignallingMessage]:
        """The messages of these dialogs in time order, forgotten here."""
        found: list[SignallingMessage] = []
        for sip_call_id in sip_call_ids:
            found.extend(self._by_call.pop(sip_call_id, ()))
        return sorted(found, key=lambda m: m.at)


class SilenceWatch:
    """Calls ``on_stuck`` once no RTP came from ``leg`` for ``timeout_s`` seconds.

    Checks eight times per timeout, so a stuck call ends between ``timeout_s`` and
    ``1.125 * timeout_s`` after its last packet.
    """

    def __init__(
        self, relay: RtpRelay, leg: Leg, timeout_s: float, on_stuck: Callable[[float], None]
    ) -> None:
        self._relay = relay
        self._leg = leg
        self._timeout = timeout_s
        self._on_stuck = on_stuck
        self._loop = asyncio.get_running_loop()
        self._last = self._loop.time()
        self._timer: asyncio.TimerHandle | None = None
        previous = relay.tap

        def tap(from_leg: Leg, data: bytes, now: float) -> None:
            if from_leg is self._leg:
                self._last = now
            if previous is not None:
                previous(from_leg, data, now)

        relay.tap = tap
        self._arm()

    def _arm(self) -> None:
        self._timer = self._loop.call_later(self._timeout / 8, self._check)

    def _check(self) -> None:
        self._timer = None
        silent = self._loop.time() - self._last
        if silent >= self._timeout:
            self._on_stuck(silent)
        else:
            self._arm()

    def stop(self) -> None:
        """Stop watching (the call ended)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def publish_ringing(tickets: Tickets, call: OutboundCall) -> None:
    """Tell the account the outbound call rings (the agent's screen shows "Ringing")."""
    tickets.bus.publish(
        call.account_id,
        {
            "type": "call.ringing",
            "at": iso_utc(tickets.clock.now(call.account_id)),
            "call_id": call.call_id,
            "direction": "outbound",
            "mode": call.mode,
        },
    )
