"""REGISTER with Digest authentication: where each agent's SIP phone can be reached."""

from __future__ import annotations

import logging

from harness.reference.service import ContactCenter
from harness.sip.auth import AuthStatus, DigestChallenger
from harness.sip.transport import IncomingSipRequest
from harness.sip.uri import NameAddr

LOG = logging.getLogger("callproof.reference.registrar")
REALM = "callproof-reference"
DEFAULT_EXPIRES = 3600
MAX_EXPIRES = 7200


class Registrar:
    def __init__(self, center: ContactCenter, now: float) -> None:
        self.center = center
        self.challenger = DigestChallenger(REALM, now)

    def handle(self, request: IncomingSipRequest, now: float) -> None:
        req = request.request
        header = req.headers.get("Authorization")
        if header is None:
            request.respond(401, extra=[("WWW-Authenticate", self.challenger.challenge(now=now))])
            return

        def password(username: str) -> str | None:
            account = self.center.sip_account(username)
            return account.password if account else None

        result = self.challenger.verify(header, "REGISTER", password, now)
        if result.status is AuthStatus.STALE:
            challenge = self.challenger.challenge(stale=True, now=now)
            request.respond(401, extra=[("WWW-Authenticate", challenge)])
            return
        if not result.ok or result.username is None:
            LOG.info("REGISTER refused for %s: %s", result.username, result.reason)
            request.respond(403)
            return
        account = self.center.sip_account(result.username)
        if account is None:  # deleted between the two lookups
            request.respond(403)
            return
        expires = _expires(req.headers.get("Expires"))
        contacts = req.headers.get_all("Contact")
        for value in contacts:
            if value.strip() == "*":
                expires = 0
                continue
            contact = NameAddr.parse(value)
            own = contact.param("expires")
            lifetime = _expires(own) if own is not None else expires
            self.center.register_contact(account.user_id, str(contact.uri), lifetime)
        extra = [("Contact", f"{c};expires={expires}") for c in contacts if c.strip() != "*"]
        request.respond(200, extra=extra)


def _expires(value: str | None) -> int:
    if value is None:
        return DEFAULT_EXPIRES
    try:
        return max(0, min(int(value.strip()), MAX_EXPIRES))
    except ValueError:
        return DEFAULT_EXPIRES
