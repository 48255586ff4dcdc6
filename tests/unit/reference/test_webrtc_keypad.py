"""The agent app's keypad tones on the WebRTC bridge's way to the relay: laid on the frames
that go out, so a burst of frames after a busy moment of the loop still carries the key."""

from __future__ import annotations

import asyncio
from typing import cast

import numpy as np

from harness.media import g711
from harness.media.dtmf.inband import InbandDtmfDetector
from harness.media.rtp import RtpPacket
from harness.reference.telephony.webrtc import FRAME_SAMPLES, WebRtcBridge

from ..virtual_loop import VirtualTimeLoop, run_virtual


class _Wire:
    """The relay's side of the bridge's socket, in memory: what the bridge sends."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def sendto(self, data: bytes, address: object) -> None:
        self.sent.append(data)

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        pass


def _digits_heard(datagrams: list[bytes]) -> str:
    detector = InbandDtmfDetector()
    heard = ""
    for data in datagrams:
        packet = RtpPacket.parse(data)
        digit = detector.classify(g711.decode(packet.payload_type, packet.payload))
        if digit is not None and not heard.endswith(digit):
            heard += digit
    return heard


def test_a_key_pressed_before_a_stall_of_the_loop_is_still_sent() -> None:
    async def scenario() -> str:
        wire = _Wire()
        bridge = WebRtcBridge(g711.PCMU, ("127.0.0.1", 9))
        bridge._transport = cast(asyncio.DatagramTransport, wire)
        bridge.sending = True
        silence = np.zeros(FRAME_SAMPLES, dtype=np.int16)
        try:
            for _ in range(5):
                bridge._send_to_relay(silence)  # the agent's audio flows
            bridge.press_keys("5")
            # The loop is held up for longer than the tone; the browser's frames of that time
            # come afterwards, all at once, as aiortc hands them over.
            cast(VirtualTimeLoop, asyncio.get_running_loop()).stall(0.3)
            for _ in range(20):
                bridge._send_to_relay(silence)
        finally:
            await bridge.close()
        return _digits_heard(wire.sent)

    assert run_virtual(scenario()) == "5"
