"""Handles on single non-INVITE requests: one we sent, one we must answer.

They are created by the :class:`~harness.sip.useragent.UserAgent` core; the application
reads the outcome of a :class:`ClientRequest` and answers a :class:`ServerRequest`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from harness.sip.auth import Credentials
from harness.sip.message import SipRequest, SipResponse, build_response, make_tag
from harness.sip.transaction import Address, ServerNonInviteTransaction

if TYPE_CHECKING:
    from harness.sip.core import ServerTransactionSink

__all__ = ["ClientRequest", "ServerRequest"]


@dataclass(eq=False)
class ServerRequest:
    """A request handed to the application; answer it once with :meth:`respond`."""

    request: SipRequest
    peer: Address
    _core: ServerTransactionSink = field(repr=False)
    _tx: ServerNonInviteTransaction = field(repr=False)
    response: SipResponse | None = None

    def respond(
        self,
        status: int,
        now: float,
        reason: str | None = None,
        *,
        body: bytes = b"",
        content_type: str | None = None,
        extra: Iterable[tuple[str, str]] = (),
    ) -> SipResponse:
        """Send a response; out-of-dialog final responses get a To tag."""
        response = build_response(
            self.request,
            status,
            reason,
            to_tag=make_tag() if status >= 200 else None,
            body=body,
            content_type=content_type,
            extra=extra,
        )
        self._tx.send_response(response, now)
        self.response = response
        self._core.flush_server_transaction(self._tx, now)
        return response


@dataclass(eq=False)
class ClientRequest:
    """A non-INVITE request we sent; once ``done``, ``response`` or ``error`` is set."""

    request: SipRequest
    peer: Address
    credentials: Credentials | None = None
    response: SipResponse | None = None
    provisional: list[SipResponse] = field(default_factory=list)
    error: str | None = None
    done: bool = False
    auth_attempts: int = 0
    report: bool = True  # False for requests the core sends on its own behalf
