"""A mailbox the harness runs for the SUT: an SMTP server on loopback (aiosmtpd).

The SUT sends its notification emails here; each message received is parsed and recorded in
the scenario's journal as a :class:`MailReceived`, so a step waits for it like any other event
and reads the real message (subject, body, links).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from harness.runtime.journal import Event, Journal

MAILBOX = "mailbox"


@dataclass(frozen=True, kw_only=True)
class MailReceived(Event):
    """The mailbox received a message."""

    sender: str
    recipients: tuple[str, ...]
    subject: str
    body: str = field(repr=False)


class _Handler:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        data = raw if isinstance(raw, bytes) else raw.encode()
        message = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.mailbox.received(message, envelope)
        return "250 Message accepted for delivery"


class Mailbox:
    """An SMTP server on 127.0.0.1 that keeps every message and journals it."""

    def __init__(self, journal: Journal, server: asyncio.Server) -> None:
        self.journal = journal
        self._server = server
        self.messages: list[EmailMessage] = []

    @classmethod
    async def open(cls, journal: Journal) -> Mailbox:
        """Listen on a free loopback port."""
        holder: list[Mailbox] = []
        loop = asyncio.get_running_loop()

        def protocol() -> Any:
            return SMTP(_Handler(holder[0]), hostname="mailbox.callproof.test", loop=loop)

        server = await loop.create_server(protocol, "127.0.0.1", 0)
        mailbox = cls(journal, server)
        holder.append(mailbox)
        return mailbox

    @property
    def address(self) -> tuple[str, int]:
        """Where the SMTP server listens."""
        host, port = self._server.sockets[0].getsockname()[:2]
        return str(host), int(port)

    def received(self, message: EmailMessage, envelope: Envelope) -> None:
        self.messages.append(message)
        part = message.get_body(preferencelist=("plain",))
        body = part.get_content() if part is not None else ""
        self.journal.record(
            MailReceived(
                party=MAILBOX,
                sender=str(envelope.mail_from or ""),
                recipients=tuple(str(r) for r in envelope.rcpt_tos),
                subject=str(message.get("Subject", "")),
                body=str(body),
            )
        )

    async def close(self) -> None:
        self._server.close()
        await self._server.wait_closed()
