"""What the call objects may ask of the user agent core: two small typed interfaces.

Sessions, re-INVITE handles and request handles decide what must happen; the core that
owns the transactions, the dialogs and the event queue makes it happen. They never hold
the whole :class:`~harness.sip.useragent.UserAgent`, only the one of these Protocols they
need, so every way a call object reaches the core is listed here (as aioquic's streams
only see what their connection hands them).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Protocol

from harness.sip.auth import Credentials
from harness.sip.message import SipMessage, SipRequest, SipResponse
from harness.sip.transaction import Address, TimerConfig

if TYPE_CHECKING:
    from typing import TypeAlias

    from harness.sip.dialog import Dialog
    from harness.sip.events import EndedBy, UaEvent
    from harness.sip.handles import ClientRequest
    from harness.sip.modify import ClientReinvite, ServerReinvite
    from harness.sip.session import InviteSession
    from harness.sip.txlayer import ServerTx, Timed
    from harness.sip.uac import ClientInviteSession

    TxOwner: TypeAlias = InviteSession | ClientRequest | ClientReinvite | ServerReinvite
    """Whoever hears of a client transaction's responses and failures."""

__all__ = ["CallCore", "ServerTransactionSink"]


class ServerTransactionSink(Protocol):
    """What a request handle needs: send what its server transaction produced."""

    def flush_server_transaction(self, tx: ServerTx, now: float) -> None:
        """Send what ``tx`` wants sent and act on what it reported."""
        ...


class CallCore(Protocol):
    """What an invite session and its re-INVITEs need from the core that owns them."""

    @property
    def allow(self) -> tuple[str, ...]:
        """The methods we accept (the Allow header of our 2xx and INVITEs)."""
        ...

    @property
    def outbound_proxy(self) -> Address | None:
        """Where new requests go whatever their Request-URI, if set."""
        ...

    @property
    def timers(self) -> TimerConfig:
        """T1, T2 and the timers derived from them (RFC 3261 section 17)."""
        ...

    @property
    def rng(self) -> random.Random:
        """Randomness for the timers the RFC wants random (glare retry)."""
        ...

    def contact(self, user: str | None = None) -> str:
        """A Contact value for this user agent."""
        ...

    def stamp(self, request: SipRequest, peer: Address | None = None) -> SipRequest:
        """``request`` with our Via on top (a new branch)."""
        ...

    def start_transaction(
        self, request: SipRequest, peer: Address, owner: TxOwner, now: float
    ) -> None:
        """Send ``request`` in a new client transaction reporting to ``owner``."""
        ...

    def send_stateless(self, message: SipMessage, peer: Address, now: float) -> bool:
        """Send ``message`` outside any transaction; False when the peer is refused."""
        ...

    def send_unreported(self, request: SipRequest, peer: Address, now: float) -> None:
        """Send a request the application never asked for (a BYE to an extra fork)."""
        ...

    def respond_to(
        self, request: SipRequest, peer: Address, response: SipResponse, now: float
    ) -> None:
        """Send a response to an INVITE through its transaction while it lives."""
        ...

    def drop_invite_transaction(self, session: ClientInviteSession) -> None:
        """Forget the client transaction of ``session``'s INVITE."""
        ...

    def reschedule(self, owner: Timed) -> None:
        """Note that ``owner``'s next timer may have changed."""
        ...

    def report(self, event: UaEvent) -> None:
        """Queue ``event`` for the application."""
        ...

    def bind_dialog(self, dialog: Dialog, s: InviteSession) -> Dialog:
        """Route in-dialog requests for ``dialog`` to ``s``; returns ``dialog``."""
        ...

    def unbind_dialog(self, dialog: Dialog) -> None:
        """Stop routing requests for ``dialog``."""
        ...

    def session_ended(self, s: InviteSession, by: EndedBy, reason: str, now: float) -> None:
        """``s`` ended: settle its re-INVITEs and report it."""
        ...

    def auth_retry(
        self, request: SipRequest, response: SipResponse, creds: Credentials | None, attempts: int
    ) -> SipRequest | None:
        """The request to send again with credentials after a 401/407, or None."""
        ...
