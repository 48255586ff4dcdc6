"""The agents of a load run: SIP phones in the Ring to of the load number that answer at once.

Each phone registers with the SUT (digest auth) and takes up to ``capacity`` calls at a time;
beyond that it answers 486 Busy Here, and the SUT rings the next agent of its sequential
widget. A call's key comes from the number it presents (`key_from_number`); the phone sends the
agent's word with that key and, once it reads the customer's word with the same key, switches to
``agent-hears``: its confirmation reaches the customer in band, so the customer's side proves
both directions of its own call. A word of another call heard here is cross-talk, kept with
both keys and the agent leg's SIP Call-ID; so are calls whose customer was never heard.

Only counters and problems are kept per call, so a long run does not grow.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from harness.load.watermark import WatermarkStream, Word, key_from_number
from harness.media.transport import MediaClock, RtpEndpoint
from harness.sip import events as sip_events
from harness.sip import sdp
from harness.sip.auth import Credentials
from harness.sip.grammar import SipParseError
from harness.sip.transport import IncomingCall, SipEndpoint
from harness.sut.model import SipCredentials

REGISTER_TIMEOUT = 5.0
HANGUP_TIMEOUT = 5.0
MAX_PROBLEMS = 200  # kept in full; beyond, only counted


@dataclass
class AgentTally:
    """What the agents saw over a run."""

    answered: int = 0
    busy: int = 0
    heard_customer: int = 0
    crosstalk: int = 0
    unknown_callers: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0

    def problem(self, text: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "answered": self.answered,
            "busy": self.busy,
            "heard_customer": self.heard_customer,
            "crosstalk": self.crosstalk,
            "unknown_callers": self.unknown_callers,
            "problem_count": self.problem_count,
            "problems": list(self.problems),
        }


@dataclass
class _Leg:
    call: IncomingCall
    rtp: RtpEndpoint
    stream: WatermarkStream
    key: int
    heard: bool = False


class LoadAgent:
    """One registered SIP phone answering load calls."""

    def __init__(
        self, name: str, sip: SipEndpoint, clock: MediaClock, capacity: int, tally: AgentTally
    ) -> None:
        self.name = name
        self.sip = sip
        self.clock = clock
        self.capacity = capacity
        self.tally = tally
        self.legs: dict[str, _Leg] = {}
        self._opening: set[asyncio.Task[None]] = set()

    @classmethod
    async def open(
        cls, name: str, credentials: SipCredentials, registrar: tuple[str, int],
        clock: MediaClock, capacity: int, tally: AgentTally,
    ) -> LoadAgent:  # fmt: skip
        sip = await SipEndpoint.open("127.0.0.1", 0, listen_tcp=False)
        agent = cls(name, sip, clock, capacity, tally)
        sip.on_invite = agent._on_invite
        sip.on_call_event = agent._on_call_event
        host, port = registrar
        try:
            response = await sip.register(
                f"sip:{host}:{port}", f"sip:{credentials.username}@{host}:{port}",
                credentials=Credentials(credentials.username, credentials.password),
                expires=3600, timeout=REGISTER_TIMEOUT,
            )  # fmt: skip
        except BaseException:
            await sip.close()
            raise
        if response.status != 200:
            await sip.close()
            raise ConnectionError(
                f"{name}: REGISTER to {host}:{port} got {response.status} {response.reason}"
            )
        return agent

    def _on_invite(self, call: IncomingCall) -> None:
        if len(self.legs) + len(self._opening) >= self.capacity:
            self.tally.busy += 1
            call.reject(486, "Busy Here")
            return
        task = asyncio.ensure_future(self._answer(call))
        self._opening.add(task)
        task.add_done_callback(self._opening.discard)

    async def _answer(self, call: IncomingCall) -> None:
        key = key_from_number(str(call.request.from_.uri))
        if key is None:
            self.tally.unknown_callers += 1
            self.tally.problem(
                f"{self.name}: call {call.call_id} from {call.request.from_.uri} "
                "carries no load key"
            )
            key = 0
        stream = WatermarkStream(Word("agent", key))
        rtp = await RtpEndpoint.open(stream, self.clock)
        try:
            offer = sdp.SessionDescription.parse(call.remote_sdp or b"")
            host, port = sdp.remote_rtp_address(offer)
            answer = sdp.make_answer(offer, rtp.local_address[0], rtp.local_address[1])
            stream.payload_type = sdp.negotiated(answer).payload_type
        except (SipParseError, sdp.SdpNegotiationError, ValueError) as exc:
            rtp.close()
            self.tally.problem(f"{self.name}: call {call.call_id}: unusable offer: {exc}")
            call.reject(488, "Not Acceptable Here")
            return
        if not call.session.live:  # cancelled while the media opened
            rtp.close()
            return
        leg = _Leg(call, rtp, stream, key)
        self.legs[call.call_id] = leg
        stream.on_word = lambda word, at: self._on_word(leg, word)
        call.answer(bytes(answer))
        self.tally.answered += 1
        rtp.set_remote(host, port)
        rtp.start_sending()

    def _on_word(self, leg: _Leg, word: Word) -> None:
        if word.key != leg.key:
            self.tally.crosstalk += 1
            self.tally.problem(
                f"cross-talk: agent leg {leg.call.call_id} of the call with key {leg.key} "
                f"heard the {word.speaker} of the call with key {word.key}"
            )
        elif word.speaker == "customer" and not leg.heard:
            leg.heard = True
            self.tally.heard_customer += 1
            leg.stream.say(Word("agent-hears", leg.key))

    def _on_call_event(self, call: object, event: sip_events.UaEvent) -> None:
        if isinstance(event, sip_events.CallEnded) and isinstance(call, IncomingCall):
            leg = self.legs.pop(call.call_id, None)
            if leg is not None:
                leg.rtp.close()
                if not leg.heard:
                    self.tally.problem(
                        f"agent leg {call.call_id} of the call with key {leg.key} never heard "
                        "its customer"
                    )

    async def close(self) -> None:
        for task in list(self._opening):
            task.cancel()
        live = [leg.call.hangup(HANGUP_TIMEOUT) for leg in self.legs.values()
                if leg.call.session.live]  # fmt: skip
        await asyncio.gather(*live, return_exceptions=True)
        for leg in self.legs.values():
            leg.rtp.close()
        self.legs.clear()
        await self.sip.close()


class AgentPool:
    """The load number's agents, sharing one media clock."""

    def __init__(self, clock: MediaClock) -> None:
        self.clock = clock
        self.agents: list[LoadAgent] = []
        self.tally = AgentTally()

    async def add(
        self, name: str, credentials: SipCredentials, registrar: tuple[str, int], capacity: int
    ) -> None:
        self.agents.append(
            await LoadAgent.open(name, credentials, registrar, self.clock, capacity, self.tally)
        )

    @property
    def live(self) -> int:
        return sum(len(a.legs) for a in self.agents)

    async def close(self) -> None:
        await asyncio.gather(*(a.close() for a in self.agents), return_exceptions=True)
        self.clock.close()
