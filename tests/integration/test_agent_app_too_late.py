"""The agent app acting on a call too late is refused with a message, and changes nothing.

These talk to the reference's own agent-app channel (``GET /me/calls``, a WebSocket) as the app
does, so that the too-late cases are met exactly: an ``accept`` sent after another device of the
same agent answered, a ``reject`` sent after the caller hung up. In the browser both buttons go
away when the call ends; these are the clicks that crossed that message on the way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import pytest

from harness.scenario.calls import CallFlows
from harness.scenario.cast import CUSTOMER, Cast
from harness.scenario.distribution import DistributionAdmin
from harness.sut.model import Agent
from harness.sut.reference_desktop import ReferenceDesktop

TIMEOUT_S = 10.0
Frame = dict[str, Any]


class AppChannel:
    """One agent app's WebSocket, read frame by frame in the order the reference sent them."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.seen: list[Frame] = []

    async def next_where(self, wanted: Callable[[Frame], bool]) -> Frame:
        while True:
            message = await self.socket.receive(TIMEOUT_S)
            assert message.type == aiohttp.WSMsgType.TEXT, (message, self.seen[-5:])
            frame = json.loads(message.data)
            self.seen.append(frame)
            if wanted(frame):
                return frame

    async def send(self, frame: Frame) -> None:
        await self.socket.send_str(json.dumps(frame))


class OpenChannel:
    """An agent's app channel opened on the scenario's portal, closed by the test's cleanup."""

    def __init__(self, cast: Cast, agent: str) -> None:
        self.cast = cast
        self.session: aiohttp.ClientSession | None = None
        desktop = cast.tenant.desktop
        assert isinstance(desktop, ReferenceDesktop)
        self.channel = cast.portal.run(self._open(desktop, cast.agent(agent)))

    async def _open(self, desktop: ReferenceDesktop, agent: Agent) -> AppChannel:
        secret = await desktop.sign_in_secret(agent)
        url = desktop.app_url().removesuffix("/app").replace("http://", "ws://", 1)
        self.session = aiohttp.ClientSession()
        socket = await self.session.ws_connect(f"{url}/me/calls?access_token={secret}")
        channel = AppChannel(socket)
        await channel.next_where(lambda f: f["type"] == "ready")
        return channel

    def next_where(self, wanted: Callable[[Frame], bool]) -> Frame:
        return self.cast.portal.run(self.channel.next_where(wanted))

    def send(self, frame: Frame) -> None:
        self.cast.portal.run(self.channel.send(frame))

    def close(self) -> None:
        async def close() -> None:
            await self.channel.socket.close()
            if self.session is not None:
                await self.session.close()

        self.cast.portal.run(close())


@pytest.fixture
def alice_app(cast: Cast, admin: DistributionAdmin) -> Iterator[OpenChannel]:
    cast.add_number("Support")
    cast.add_agent_with_phone("Alice")
    admin.add("Support", "user", "Alice")
    channel = OpenChannel(cast, "Alice")
    yield channel
    channel.close()


def test_accepting_a_call_answered_on_another_device_is_refused_and_changes_nothing(
    alice_app: OpenChannel, flows: CallFlows
) -> None:
    call = flows.dial("Support")
    offered = alice_app.next_where(lambda f: f["type"] == "call.offered")
    flows.answer(call, "Alice")  # on her SIP phone, not in the app
    ended = alice_app.next_where(lambda f: f["type"] == "call.ended")
    alice_app.send({"type": "accept", "offer": offered["offer"]})
    refused = alice_app.next_where(lambda f: f["type"] == "call.refused")

    assert ended["reason"] == "answered on another device"
    assert "answered on another device or has ended" in refused["message"]
    assert flows.heard(call, "Alice", CUSTOMER, 3) is not None  # the phone's call goes on
    flows.hang_up(call)
    entry = flows.log_entry(call, final=True)
    assert entry.status == "answered"
    assert entry.answered_by == alice_app.cast.agent("Alice").id


def test_rejecting_after_the_caller_hung_up_is_refused_and_changes_nothing(
    alice_app: OpenChannel, flows: CallFlows
) -> None:
    call = flows.dial("Support")
    offered = alice_app.next_where(lambda f: f["type"] == "call.offered")
    flows.hang_up(call)
    ended = alice_app.next_where(lambda f: f["type"] == "call.ended")
    alice_app.send({"type": "reject", "offer": offered["offer"]})
    refused = alice_app.next_where(lambda f: f["type"] == "call.refused")

    assert ended["reason"] == "the caller hung up"
    assert "the caller has hung up" in refused["message"]
    entry = flows.log_entry(call, final=True)
    assert entry.status == "missed"
    # The reject crossed the caller's hang-up: it is not recorded as Alice turning the call down.
    assert [t.kind for t in entry.timeline if t.kind == "no_answer"] == [], entry.timeline
