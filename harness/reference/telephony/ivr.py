"""The IVR of a call that enters the queue tree: prompts out, digits in, then a leaf queue.

The reference answers the call, plays the root menu's prompt (real audio, see
:mod:`.prompts`) on the caller's leg of the call's RTP relay and listens to that leg for
digits (RFC 4733 telephone events or in-band tones, through the harness's own
:class:`~harness.media.stream.MediaStream`). A digit stops the prompt (barge-in) and picks a
menu entry; an unknown digit or no digit within ``NO_INPUT_S`` plays the menu again, up to
``MAX_TRIES`` times, then the call ends. At a leaf queue the call either rings the queue's
members, like a number's "Ring to" widget, or, after hours, is deflected
(:mod:`.deflection`).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from harness.media import g711
from harness.media.dtmf import TELEPHONE_EVENT_PT
from harness.media.events import DtmfReceived
from harness.media.relay import Leg
from harness.media.rtp import RtpPacket
from harness.media.stream import MediaStream
from harness.media.transport import RtpRelay

if TYPE_CHECKING:
    from harness.reference.telephony.inbound import InboundCall

LOG = logging.getLogger("callproof.reference.ivr")
PTIME = 0.02
FRAME = 160  # samples of 8 kHz audio in 20 ms
NO_INPUT_S = 6.0
MAX_TRIES = 3


class PromptPlayer:
    """Sends prompt audio as G.711 RTP on one leg of a relay, one 20 ms frame at a time.

    Its own stream (SSRC, sequence numbers, timestamps on the 8 kHz clock of real time, a
    marker bit at each prompt's first packet), paced on the event loop's clock.
    """

    def __init__(self, relay: RtpRelay, payload_type: int, leg: Leg = Leg.A) -> None:
        rng = random.Random()
        self._relay = relay
        self._leg = leg
        self._pt = payload_type
        self._ssrc = rng.getrandbits(32)
        self._seq = rng.getrandbits(16)
        self._ts0 = rng.getrandbits(32)
        self._t0: float | None = None
        self._frames: list[bytes] = []
        self._index = 0
        self._start = 0.0
        self._handle: asyncio.TimerHandle | None = None
        self._done: Callable[[], None] | None = None

    @property
    def playing(self) -> bool:
        return self._handle is not None

    def play(self, samples: np.ndarray, done: Callable[[], None] | None = None) -> None:
        """Play ``samples`` (8 kHz int16) from now on; ``done`` runs after the last frame."""
        self.stop()
        padded = np.concatenate(
            [samples, np.zeros((-len(samples)) % FRAME, dtype=np.int16)]
        ).astype(np.int16)
        encoded = g711.encode(self._pt, padded)
        self._frames = [encoded[i : i + FRAME] for i in range(0, len(encoded), FRAME)]
        self._index = 0
        loop = asyncio.get_running_loop()
        self._start = loop.time()
        if self._t0 is None:
            self._t0 = self._start
        self._done = done
        self._tick()

    def stop(self) -> None:
        """Stop at once (barge-in, or the call moves on); ``done`` does not run."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._done = None

    def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        assert self._t0 is not None
        while self._index < len(self._frames) and self._start + self._index * PTIME <= now:
            at = self._start + self._index * PTIME
            timestamp = (self._ts0 + round((at - self._t0) / PTIME) * FRAME) % (1 << 32)
            packet = RtpPacket(
                self._pt,
                self._seq,
                timestamp,
                self._ssrc,
                self._frames[self._index],
                marker=self._index == 0,
            )
            self._relay.send(self._leg, bytes(packet))
            self._seq = (self._seq + 1) % (1 << 16)
            self._index += 1
        if self._index < len(self._frames):
            self._handle = loop.call_at(self._start + self._index * PTIME, self._tick)
            return
        self._handle = None
        done, self._done = self._done, None
        if done is not None:
            done()


class IvrSession:
    """The menus of one call, from the number's root queue down to a leaf queue."""

    def __init__(self, call: InboundCall, root_id: str, telephone_event_pt: int | None) -> None:
        self.call = call
        self.routing = call.center.routing
        self.account_id = call.plan.account_id
        self.current = root_id
        config = self.routing.config(self.account_id)
        self.names = [config.queue(root_id).name]
        self.keys = ""
        payload_type = g711.PCMU if call.codec == "PCMU" else g711.PCMA
        self.player = PromptPlayer(call.relay, payload_type)
        self.ear = MediaStream(payload_type=payload_type, detect_inband_dtmf=True)
        self.ear.telephone_event_pt = telephone_event_pt or TELEPHONE_EVENT_PT
        self.active = False
        self.tries = 0
        self._timer: asyncio.TimerHandle | None = None
        self._pending: asyncio.Task[None] | None = None
        self.on_digit: Callable[[str], None] | None = None  # set while a deflection collects

    # -- life ------------------------------------------------------------------------------------
    def begin(self) -> None:
        """The caller is connected: listen for digits and enter the root queue."""
        if self.active:
            return
        self.active = True
        self.call.relay.tap = self._heard
        self.enter(self.current)

    def stop(self) -> None:
        """The call moves on (bridged to an agent) or ends: no more prompts or digits."""
        self.active = False
        self.player.stop()
        self._cancel_timer()
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        if self.call.relay.tap == self._heard:
            self.call.relay.tap = None

    # -- menus -----------------------------------------------------------------------------------
    def enter(self, queue_id: str) -> None:
        """Arrive at a queue: a menu plays its prompt; a leaf hands the call on."""
        self.current = queue_id
        config = self.routing.config(self.account_id)
        if config.is_leaf(queue_id):
            self.stop()
            self.call.reached_leaf(queue_id)
            return
        self.announce(f"menu-{queue_id}", self._await_digit)

    def announce(self, prompt: str, then: Callable[[], None] | None = None) -> None:
        """Play the prompt named ``prompt`` (see ``Routing.prompt_text``), then ``then``."""
        self.player.stop()
        self._cancel_timer()
        text = self.routing.prompt_text(self.account_id, prompt)

        async def render_and_play() -> None:
            samples = await self.routing.prompts.arender(text)
            if not self.call.finished:
                self.player.play(samples, then)

        if self._pending is not None:
            self._pending.cancel()
        self._pending = asyncio.ensure_future(render_and_play())
        self._pending.add_done_callback(self._rendered)

    def hush(self) -> None:
        """Stop the prompt playing or about to play (the caller keyed over it)."""
        self.player.stop()
        self._cancel_timer()
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def _rendered(self, task: asyncio.Task[None]) -> None:
        if task is self._pending:
            self._pending = None
        if not task.cancelled() and task.exception() is not None:
            self.call.fail(f"prompt not available: {task.exception()}")

    def _await_digit(self) -> None:
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(NO_INPUT_S, self._no_input)

    def _no_input(self) -> None:
        self._timer = None
        self._try_again("no choice made")

    def _try_again(self, why: str) -> None:
        self.tries += 1
        if self.tries >= MAX_TRIES:
            self.stop()
            self.call.end_everything("system", f"IVR: {why}")
            self.call.caller.end()
            return
        self.announce(f"menu-{self.current}", self._await_digit)

    def _heard(self, leg: Leg, data: bytes, now: float) -> None:
        if leg is not Leg.A or (not self.active and self.on_digit is None):
            return
        for event in self.ear.receive(data, now):
            if isinstance(event, DtmfReceived):
                self.digit(event.digit)

    def digit(self, digit: str) -> None:
        """A key the caller pressed: a menu entry, or another try."""
        if self.on_digit is not None:
            self.on_digit(digit)
            return
        if not self.active:
            return
        self.player.stop()
        self._cancel_timer()
        config = self.routing.config(self.account_id)
        child = config.child_for_digit(self.current, digit)
        if child is None:
            self._try_again(f"no menu entry for {digit}")
            return
        self.tries = 0
        self.names.append(child.name)
        self.keys += digit
        self.routing.chose(self.call.call_id, self.names, self.keys)
        self.enter(child.id)

    def listen(self, on_digit: Callable[[str], None] | None) -> None:
        """Hand the caller's digits to ``on_digit`` (a deflection collecting them)."""
        self.on_digit = on_digit
        if on_digit is not None:
            self.call.relay.tap = self._heard

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
