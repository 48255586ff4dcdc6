"""The WebRTC leg of a browser agent: aiortc on the reference's side, bridged to plain RTP.

A browser agent's audio reaches the reference over WebRTC (ICE, DTLS-SRTP); the call's RTP relay
speaks plain RTP. :class:`WebRtcBridge` sits between the two as an agent's phone would: it owns a
UDP socket that the relay's agent leg sends to, turns those G.711 packets into audio frames for
the browser, and turns the browser's frames back into RTP for the relay. Holding, muting and
bridging stay the relay's business, exactly as for a SIP phone.

The browser leg negotiates G.711 when the browser offers it (the reference's agent app offers
PCMU and PCMA first; the bridge prefers the call's own codec); any other codec (Opus at 48 kHz)
is resampled to 8 kHz on the way to the relay.

Network policy, as for SIP callers (:mod:`.offers`): the reference sends media to loopback
only. aioice leaves loopback out of its host candidates, so it is told to gather on 127.0.0.1
alone; the browser's candidates other than loopback addresses (another interface, an mDNS
``.local`` name that would need a multicast query) are dropped from its offer before aiortc
sees them; no STUN or TURN server is configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import ipaddress
import logging
import time
from collections.abc import Callable

import aioice.ice
import numpy as np
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError
from av import AudioFrame, AudioResampler

from harness.media import g711
from harness.media.dtmf.inband import InbandDtmfSender
from harness.media.rtp import RtpPacket, RtpParseError, is_rtcp, stream_random

LOG = logging.getLogger("callproof.reference.webrtc")

SAMPLE_RATE = 8000
FRAME_SAMPLES = 160  # 20 ms of G.711
TIME_BASE = fractions.Fraction(1, SAMPLE_RATE)
QUEUED_FRAMES = 10  # frames waiting for the browser leg; older ones are dropped (200 ms)
CONNECT_TIMEOUT = 10.0


def _loopback_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    """Host candidates of the reference's WebRTC legs: loopback only (see the module)."""
    addresses = []
    if use_ipv4:
        addresses.append("127.0.0.1")
    if use_ipv6:
        addresses.append("::1")
    return addresses


aioice.ice.get_host_addresses = _loopback_host_addresses


class WebRtcRefused(ValueError):
    """The browser's offer cannot be used; the message says why."""


def loopback_candidates_only(offer_sdp: str) -> str:
    """``offer_sdp`` without the ICE candidates the reference may not send to."""
    kept = []
    for line in offer_sdp.splitlines():
        if line.startswith("a=candidate:"):
            fields = line.split()
            address = fields[4] if len(fields) > 4 else ""
            try:
                if not ipaddress.ip_address(address).is_loopback:
                    continue
            except ValueError:
                continue  # an mDNS name or garbage: nothing the reference resolves
        kept.append(line)
    if not any(line.startswith("a=candidate:") for line in kept):
        raise WebRtcRefused(
            "the browser offered no loopback ICE candidate "
            "(Chromium needs --allow-loopback-in-peer-connection)"
        )
    return "\r\n".join(kept) + "\r\n"


class RelayAudioTrack(MediaStreamTrack):
    """The audio the relay sends towards the agent, as frames for the browser leg."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._frames: asyncio.Queue[np.ndarray] = asyncio.Queue(QUEUED_FRAMES)
        self._started: float | None = None
        self._next_pts = 0

    def push(self, samples: np.ndarray) -> None:
        """One 20 ms frame from the relay; the oldest waiting frame goes when the queue is full."""
        if self._frames.full():
            self._frames.get_nowait()
        self._frames.put_nowait(samples)

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        samples = await self._frames.get()
        now = time.monotonic()
        if self._started is None:
            self._started = now
        # Timestamps follow the wall clock, so a pause (a hold) shows as time passing.
        by_clock = round((now - self._started) * SAMPLE_RATE / FRAME_SAMPLES) * FRAME_SAMPLES
        pts = max(self._next_pts, by_clock)
        self._next_pts = pts + len(samples)
        frame = AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = pts
        frame.time_base = TIME_BASE
        return frame


class _RtpSide(asyncio.DatagramProtocol):
    def __init__(self, on_packet: Callable[[bytes], None]) -> None:
        self.on_packet = on_packet

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.on_packet(data)


class WebRtcBridge:
    """One browser agent's WebRTC leg and the RTP socket that faces the call's relay."""

    def __init__(self, payload_type: int, relay_address: tuple[str, int]) -> None:
        self.payload_type = payload_type
        self.relay_address = relay_address
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.to_browser = RelayAudioTrack()
        self.connected = asyncio.get_running_loop().create_future()
        self._transport: asyncio.DatagramTransport | None = None
        self._reader: asyncio.Task[None] | None = None
        rng = stream_random()
        self._ssrc = rng.getrandbits(32)
        self._seq = rng.getrandbits(16)
        self._ts = rng.getrandbits(32)
        #: Whether the browser's audio goes to the relay (once this agent's answer counts).
        self.sending = False
        self.frames_from_browser = 0
        self.frames_to_browser = 0
        self.closed = False
        #: Keys pressed on the app's keypad: their tones replace the agent's audio while down
        #: (in-band, as a phone's keypad sounds), so the caller's side hears the digits.
        self.keypad = InbandDtmfSender()
        #: The keypad's clock: the audio sent to the relay so far, in samples. The browser's
        #: frames reach the relay as aiortc hands them over, in bursts after a busy moment of
        #: the loop; a tone timed by the loop's clock could fall whole into such a gap and
        #: never be sent (a key the caller never heard), one timed by the frames cannot.
        self._sent_samples = 0

    @property
    def rtp_address(self) -> tuple[str, int]:
        """Where the relay's agent leg sends (what the agent's SDP would say)."""
        assert self._transport is not None
        host, port = self._transport.get_extra_info("sockname")[:2]
        return str(host), int(port)

    async def answer(self, offer_sdp: str) -> str:
        """Take the browser's offer; the answer to send back (ICE candidates included)."""
        offer = loopback_candidates_only(offer_sdp)
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.create_datagram_endpoint(
            lambda: _RtpSide(self._from_relay), local_addr=("127.0.0.1", 0)
        )

        @self.pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            LOG.debug("browser track %s", track.kind)
            if track.kind == "audio" and self._reader is None:
                self._reader = asyncio.ensure_future(self._read_browser(track))
                self._reader.add_done_callback(_log_failure)

        @self.pc.on("connectionstatechange")
        def on_state() -> None:
            state = self.pc.connectionState
            if state == "connected" and not self.connected.done():
                self.connected.set_result(True)
            elif state in ("failed", "closed"):
                self._fail(f"the WebRTC leg {state}")

        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(offer, "offer"))
        except ValueError as exc:
            raise WebRtcRefused(f"the browser's offer is unusable: {exc}") from None
        audio = [t for t in self.pc.getTransceivers() if t.kind == "audio"]
        if not audio:
            raise WebRtcRefused("the browser's offer has no audio")
        wanted = "audio/PCMU" if self.payload_type == g711.PCMU else "audio/PCMA"
        codecs = RTCRtpSender.getCapabilities("audio").codecs
        preferred = [c for c in codecs if c.mimeType == wanted]
        audio[0].setCodecPreferences(preferred + [c for c in codecs if c not in preferred])
        self.pc.addTrack(self.to_browser)
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        local = self.pc.localDescription
        media = next((line for line in local.sdp.splitlines() if line.startswith("m=audio")), "")
        LOG.debug("WebRTC leg answered: %s", media)
        return str(local.sdp)

    def _from_relay(self, data: bytes) -> None:
        if self.closed or is_rtcp(data):
            return
        try:
            packet = RtpPacket.parse(data)
        except RtpParseError:
            return
        if not g711.is_g711(packet.payload_type):
            return
        self.frames_to_browser += 1
        if self.frames_to_browser == 1:
            LOG.debug("first RTP from the relay for the browser")
        self.to_browser.push(g711.decode(packet.payload_type, packet.payload))

    async def _read_browser(self, track: MediaStreamTrack) -> None:
        # Whatever the browser leg negotiated (Opus at 48 kHz stereo, or G.711), the relay
        # gets 8 kHz mono.
        resampler = AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        pending = np.zeros(0, dtype=np.int16)
        while not self.closed:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if not isinstance(frame, AudioFrame):
                continue
            for mono in resampler.resample(frame):
                samples = mono.to_ndarray().reshape(-1).astype(np.int16)
                pending = np.concatenate([pending, samples])
                while len(pending) >= FRAME_SAMPLES:
                    chunk, pending = pending[:FRAME_SAMPLES], pending[FRAME_SAMPLES:]
                    self._send_to_relay(chunk)

    def press_keys(self, digits: str) -> None:
        """The agent pressed ``digits`` on the app's keypad, one after another, from the next
        frame that goes to the relay."""
        now = self._sent_samples / SAMPLE_RATE
        for digit in digits:
            self.keypad.press(digit, now)

    def _send_to_relay(self, samples: np.ndarray) -> None:
        if not self.sending or self._transport is None or self._transport.is_closing():
            return
        if not self.keypad.idle:
            tone = self.keypad.samples(self._sent_samples / SAMPLE_RATE, len(samples))
            if tone is not None:
                samples = tone
        self._sent_samples += len(samples)
        packet = RtpPacket(
            payload_type=self.payload_type,
            sequence_number=self._seq,
            timestamp=self._ts,
            ssrc=self._ssrc,
            payload=g711.encode(self.payload_type, samples),
            marker=self.frames_from_browser == 0,
        )
        self._seq = (self._seq + 1) & 0xFFFF
        self._ts = (self._ts + len(samples)) & 0xFFFFFFFF
        self.frames_from_browser += 1
        if self.frames_from_browser == 1:
            LOG.debug("first audio from the browser, to the relay at %s", self.relay_address)
        self._transport.sendto(bytes(packet), self.relay_address)

    def _fail(self, reason: str) -> None:
        if not self.connected.done():
            self.connected.set_exception(ConnectionError(reason))
            self.connected.exception()  # retrieved here: nobody may be waiting any more

    async def wait_connected(self, timeout: float = CONNECT_TIMEOUT) -> None:
        """Until ICE and DTLS are up (ConnectionError or TimeoutError otherwise)."""
        await asyncio.wait_for(asyncio.shield(self.connected), timeout)

    async def close(self) -> None:
        """Close both sides; idempotent."""
        if self.closed:
            return
        self.closed = True
        self._fail("the WebRTC leg was closed")
        self.to_browser.stop()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._transport is not None:
            self._transport.close()
        await self.pc.close()


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        LOG.warning("the browser leg's reader failed: %r", task.exception())
