"""REGISTER with Digest authentication: where each agent's SIP phone can be reached.

Hardened against the two classic attacks on a SIP registrar:

* enumeration (H-SEC-1): every REGISTER without credentials gets the same 401 challenge,
  whoever it names; every refused answer gets the same 403, whether the user exists, the
  password is wrong or the source is locked out. An unknown user's answer is even checked
  against a decoy password, so it costs the same work (and time) as a real user's;
* password guessing (H-SEC-2): failures are counted per source and user by a
  :class:`~harness.reference.telephony.guard.LockoutGuard`; a locked-out pair is refused
  before its credentials are looked at, and the guard's lockouts are reported to whoever
  listens (the edge turns them into account events).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from harness.reference.service import ContactCenter
from harness.reference.telephony.guard import Lockout, LockoutGuard
from harness.sip.auth import AuthStatus, DigestChallenger, parse_auth_params
from harness.sip.grammar import SipParseError
from harness.sip.transport import IncomingSipRequest
from harness.sip.uri import NameAddr

LOG = logging.getLogger("callproof.reference.registrar")
REALM = "callproof-reference"
DEFAULT_EXPIRES = 3600
MAX_EXPIRES = 7200


class Registrar:
    """Answers REGISTER requests: challenge, verify, guard against guessing, bind contacts."""

    def __init__(
        self,
        center: ContactCenter,
        now: float,
        *,
        guard: LockoutGuard | None = None,
        on_lockout: Callable[[Lockout], None] | None = None,
    ) -> None:
        self.center = center
        self.challenger = DigestChallenger(REALM, now)
        self.guard = guard if guard is not None else LockoutGuard()
        self.on_lockout = on_lockout
        # Unknown users are checked against this, so that their refusal takes the same path
        # as a wrong password for a real user.
        self._decoy = secrets.token_urlsafe(18)

    def handle(self, request: IncomingSipRequest, now: float) -> None:
        req = request.request
        header = req.headers.get("Authorization")
        if header is None:
            request.respond(401, extra=self._challenges(now))
            return
        source = request.handle.peer
        user = _claimed_user(header) or req.to.uri.user or ""
        if self.guard.locked(source, user, now) is not None:
            LOG.info("REGISTER for %r from %s:%s refused: locked out", user, *source)
            request.respond(403)
            return

        def password(username: str) -> str:
            account = self.center.sip_account(username)
            return account.password if account else self._decoy

        result = self.challenger.verify(header, "REGISTER", password, now)
        if result.status is AuthStatus.STALE:
            request.respond(401, extra=self._challenges(now, stale=True))
            return
        account = (
            self.center.sip_account(result.username) if result.ok and result.username else None
        )
        if account is None:  # wrong password, unknown user, malformed answer, or just deleted
            LOG.info("REGISTER refused for %r: %s", result.username, result.reason)
            for lockout in self.guard.failure(source, user, now):
                LOG.warning("%r locked out from %s for %gs", user, lockout.source, lockout.seconds)
                if self.on_lockout is not None:
                    self.on_lockout(lockout)
            request.respond(403)
            return
        self.guard.success(source, user, now)
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
        # RFC 3261 section 10.3 step 8: the 200 lists every current binding, with its expiry.
        bindings = self.center.contact_bindings(account.user_id)
        extra = [("Contact", f"<{uri}>;expires={left}") for uri, left in bindings]
        request.respond(200, extra=extra)

    def _challenges(self, now: float, *, stale: bool = False) -> list[tuple[str, str]]:
        """One WWW-Authenticate per algorithm (RFC 8760 section 2.4), MD5 first.

        RFC 8760 asks for the preferred algorithm first, but deployed MD5-only phones (SIPp
        3.6, baresip 1.0 among them) give up at a first challenge they cannot answer instead
        of reading on. A contact center must take their calls, so MD5 leads; a client that
        knows SHA-256 still finds it and, like ours, chooses the strongest offered.
        """
        values = self.challenger.challenges(stale=stale, now=now)  # SHA-256, then MD5
        return [("WWW-Authenticate", value) for value in reversed(values)]


def _claimed_user(authorization: str) -> str | None:
    """The username an Authorization value claims, before anything is verified."""
    try:
        return parse_auth_params(authorization)[1].get("username")
    except SipParseError:
        return None


def _expires(value: str | None) -> int:
    if value is None:
        return DEFAULT_EXPIRES
    try:
        return max(0, min(int(value.strip()), MAX_EXPIRES))
    except ValueError:
        return DEFAULT_EXPIRES
