"""An in-memory link between two sans-IO user agents, with loss and reordering.

Like h11's ConnectionPair: datagrams move between the two cores through a list; a test
can drop or hold back chosen messages and step a virtual clock through the timers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from harness.sip.events import IncomingCall, UaEvent
from harness.sip.message import SipMessage, SipRequest, SipResponse, parse_message
from harness.sip.transaction import Address
from harness.sip.uas import ServerInviteSession
from harness.sip.useragent import SipTrace, UserAgent

UAC_ADDR: Address = ("127.0.0.1", 5061)
UAS_ADDR: Address = ("127.0.0.1", 5062)

Filter = Callable[[str, SipMessage], bool]


def label(message: SipMessage) -> str:
    """Short ladder label: ``INVITE`` or ``180/INVITE``."""
    if isinstance(message, SipRequest):
        return message.method
    return f"{message.status}/{message.cseq.method}"


@dataclass
class Pair:
    """UAC core and UAS core joined by a list; ``now`` is the virtual clock."""

    now: float = 0.0
    uac: UserAgent = field(init=False)
    uas: UserAgent = field(init=False)
    wire: list[tuple[str, str]] = field(default_factory=list)  # (sender, label) delivered
    dropped: list[tuple[str, str]] = field(default_factory=list)
    held: list[tuple[str, bytes, Address, Address, str]] = field(default_factory=list)
    drop: Filter | None = None
    hold: Filter | None = None
    uac_events: list[UaEvent] = field(default_factory=list)
    uas_events: list[UaEvent] = field(default_factory=list)
    traces: list[SipTrace] = field(default_factory=list)
    transports: list[str] = field(default_factory=list)  # transport of each delivery
    uac_transport: str = "UDP"
    uas_transport: str = "UDP"
    tcp: bool = False

    def __post_init__(self) -> None:
        self.uac = UserAgent(
            UAC_ADDR, on_trace=self.traces.append, transport=self.uac_transport, tcp=self.tcp
        )
        self.uas = UserAgent(
            UAS_ADDR, on_trace=self.traces.append, transport=self.uas_transport, tcp=self.tcp
        )

    def callees(self) -> list[ServerInviteSession]:
        """The calls the UAS was offered so far, found from its IncomingCall events."""
        found = [self.uas.session(e.call) for e in self.uas_events if isinstance(e, IncomingCall)]
        return [s for s in found if isinstance(s, ServerInviteSession)]

    def _agent(self, name: str) -> UserAgent:
        return self.uac if name == "uac" else self.uas

    def pump(self) -> None:
        """Deliver everything in flight until both sides are quiet."""
        while True:
            moved = False
            for name in ("uac", "uas"):
                agent = self._agent(name)
                for data, peer, transport in agent.outgoing():
                    moved = True
                    message = parse_message(data)
                    if self.drop is not None and self.drop(name, message):
                        self.dropped.append((name, label(message)))
                        continue
                    if self.hold is not None and self.hold(name, message):
                        self.held.append((name, data, agent.local, peer, transport))
                        continue
                    self._deliver(name, data, agent.local, peer, transport)
            self.uac_events += self.uac.events()
            self.uas_events += self.uas.events()
            if not moved:
                return

    def _deliver(
        self, sender: str, data: bytes, source: Address, dest: Address, transport: str = "UDP"
    ) -> None:
        target = self.uac if dest == UAC_ADDR else self.uas
        assert dest in (UAC_ADDR, UAS_ADDR), f"sent to unknown address {dest}"
        self.wire.append((sender, label(parse_message(data))))
        self.transports.append(transport)
        target.receive(data, source, self.now, transport=transport)

    def release(self) -> None:
        """Deliver the held-back messages now (in the order they were held)."""
        held, self.held = self.held, []
        self.hold = None
        for sender, data, source, dest, transport in held:
            self._deliver(sender, data, source, dest, transport)
        self.pump()

    def advance(self, until: float) -> None:
        """Step the clock through every timer up to ``until``, pumping after each."""
        while True:
            due = [t for t in (self.uac.next_timer(), self.uas.next_timer()) if t is not None]
            if not due or min(due) > until:
                break
            self.now = max(self.now, min(due))
            self.uac.handle_timer(self.now)
            self.uas.handle_timer(self.now)
            self.pump()
        self.now = until

    def labels(self, sender: str | None = None) -> list[str]:
        """Delivered message labels, optionally only from one side."""
        return [lab for who, lab in self.wire if sender is None or who == sender]


def is_response(status: int, method: str = "INVITE") -> Filter:
    """Filter matching responses with ``status`` to ``method`` sent by the UAS."""

    def match(sender: str, message: SipMessage) -> bool:
        return (
            isinstance(message, SipResponse)
            and message.status == status
            and message.cseq.method == method
        )

    return match
