"""HTTP Digest authentication as SIP uses it (RFC 3261 22.4, RFC 2617, RFC 7616, RFC 8760).

Algorithms MD5 and SHA-256 (and their ``-sess`` variants); qop ``auth`` or no qop (the
RFC 2069 compatible form). Both sides are sans-IO:

- the client turns a WWW-Authenticate / Proxy-Authenticate value into an Authorization
  value with :func:`build_authorization`;
- the server issues stateless, self-authenticating nonces with :class:`DigestChallenger`
  and checks an Authorization value with :meth:`DigestChallenger.verify`, which tells
  ``stale`` (good credentials, expired nonce: RFC 2617 3.2.1 ``stale=true``) apart from
  ``bad`` and ``unknown_user``.

A server may offer several challenges, one per algorithm, most preferred first (RFC 8760
section 2.4): :meth:`DigestChallenger.challenges` gives SHA-256 then MD5. A client answers
the strongest one it supports, the topmost among equals (RFC 7616 section 3.7 lets a local
policy override the server's order; preferring the stronger hash defeats a downgrade).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace

from harness.sip.grammar import SipParseError, quote, split_outside, unquote
from harness.sip.message import SipRequest, SipResponse

__all__ = [
    "ALGORITHMS",
    "AuthResult",
    "AuthStatus",
    "Credentials",
    "DigestChallenge",
    "DigestChallenger",
    "authorize_retry",
    "build_authorization",
    "digest_response",
    "parse_auth_params",
]

_HASHES = {"MD5": "md5", "SHA-256": "sha256"}
ALGORITHMS = ("MD5", "MD5-sess", "SHA-256", "SHA-256-sess")
_STRENGTH = {"SHA-256": 2, "SHA-256-SESS": 2, "MD5": 1, "MD5-SESS": 1}


def _hash_name(algorithm: str) -> str:
    base = algorithm.upper().removesuffix("-SESS")
    if base not in _HASHES:
        raise SipParseError(f"unsupported digest algorithm {algorithm!r}")
    return _HASHES[base]


def parse_auth_params(value: str) -> tuple[str, dict[str, str]]:
    """Split ``Digest a="b", c=d`` into the scheme and unquoted, lower-cased-name params."""
    scheme, _, rest = value.strip().partition(" ")
    params: dict[str, str] = {}
    for item in split_outside(rest, ","):
        if not item.strip():
            continue
        name, eq, raw = item.partition("=")
        if not eq:
            raise SipParseError(f"bad auth parameter {item.strip()!r}")
        raw = raw.strip()
        params[name.strip().lower()] = unquote(raw) if raw.startswith('"') else raw
    return scheme, params


@dataclass(frozen=True)
class DigestChallenge:
    """A parsed WWW-Authenticate / Proxy-Authenticate Digest challenge."""

    realm: str
    nonce: str
    algorithm: str = "MD5"
    qop: tuple[str, ...] = ()
    opaque: str | None = None
    stale: bool = False

    @classmethod
    def parse(cls, value: str) -> DigestChallenge:
        """Parse a challenge header value; raises SipParseError when it is not Digest."""
        scheme, params = parse_auth_params(value)
        if scheme.lower() != "digest":
            raise SipParseError(f"not a Digest challenge: {value!r}")
        if "realm" not in params or "nonce" not in params:
            raise SipParseError(f"Digest challenge without realm or nonce: {value!r}")
        algorithm = params.get("algorithm", "MD5")
        _hash_name(algorithm)
        qop = tuple(q.strip() for q in params.get("qop", "").split(",") if q.strip())
        return cls(
            realm=params["realm"],
            nonce=params["nonce"],
            algorithm=algorithm,
            qop=qop,
            opaque=params.get("opaque"),
            stale=params.get("stale", "").lower() == "true",
        )


def digest_response(
    *,
    algorithm: str,
    username: str,
    realm: str,
    password: str,
    method: str,
    uri: str,
    nonce: str,
    qop: str | None = None,
    nc: str = "00000001",
    cnonce: str = "",
) -> str:
    """The ``response`` value (RFC 7616 3.4.1; RFC 2617 3.2.2.1 without qop)."""
    name = _hash_name(algorithm)

    def h(text: str) -> str:
        return hashlib.new(name, text.encode()).hexdigest()

    ha1 = h(f"{username}:{realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{uri}")
    if qop is None:
        return h(f"{ha1}:{nonce}:{ha2}")
    return h(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")


def build_authorization(
    challenge_header: str,
    method: str,
    uri: str,
    username: str,
    password: str,
    nc: int = 1,
    cnonce: str | None = None,
) -> str:
    """An Authorization (or Proxy-Authorization) value answering ``challenge_header``.

    Uses qop=auth when the server offers it, else the no-qop form. ``uri`` is the
    Request-URI as a string; ``nc`` counts the requests sent with this nonce.
    """
    challenge = DigestChallenge.parse(challenge_header)
    qop = "auth" if "auth" in challenge.qop else None
    if challenge.qop and qop is None:
        raise SipParseError(f"server only offers qop {challenge.qop}, not auth")
    cnonce = cnonce or secrets.token_hex(8)
    nc_text = f"{nc:08x}"
    response = digest_response(
        algorithm=challenge.algorithm,
        username=username,
        realm=challenge.realm,
        password=password,
        method=method,
        uri=uri,
        nonce=challenge.nonce,
        qop=qop,
        nc=nc_text,
        cnonce=cnonce,
    )
    parts = [
        f"username={quote(username)}",
        f"realm={quote(challenge.realm)}",
        f"nonce={quote(challenge.nonce)}",
        f"uri={quote(uri)}",
        f"response={quote(response)}",
        f"algorithm={challenge.algorithm}",
    ]
    if qop is not None:
        parts += [f"cnonce={quote(cnonce)}", f"qop={qop}", f"nc={nc_text}"]
    if challenge.opaque is not None:
        parts.append(f"opaque={quote(challenge.opaque)}")
    return "Digest " + ", ".join(parts)


class AuthStatus(enum.Enum):
    """Outcome of checking credentials."""

    OK = "ok"
    BAD = "bad"  # malformed, wrong password, foreign nonce, replay
    STALE = "stale"  # right password, expired nonce: challenge again with stale=true
    UNKNOWN_USER = "unknown_user"


@dataclass(frozen=True)
class AuthResult:
    """What :meth:`DigestChallenger.verify` concluded, with the reason in words."""

    status: AuthStatus
    username: str | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True only for valid credentials on a fresh nonce."""
        return self.status is AuthStatus.OK


class DigestChallenger:
    """Server side of Digest: issues nonces and verifies answers, with a clock passed in.

    Nonces are ``<issue time>.<HMAC>`` so no state is needed to check that we issued one
    or how old it is; the only state kept is the highest ``nc`` seen per nonce (replay
    protection, RFC 7616 3.3), pruned as nonces expire.
    """

    def __init__(
        self,
        realm: str,
        now: float,
        *,
        nonce_lifetime: float = 300.0,
        qop: bool = True,
        secret: bytes | None = None,
    ) -> None:
        if nonce_lifetime <= 0:
            raise ValueError("nonce_lifetime must be positive")
        self.realm = realm
        self.nonce_lifetime = nonce_lifetime
        self.qop = qop
        self._now = now
        self._secret = secret or secrets.token_bytes(32)
        self._nc_seen: dict[str, tuple[float, int]] = {}

    def _mac(self, stamp: str) -> str:
        key = f"{stamp}:{self.realm}".encode()
        return hmac.new(self._secret, key, hashlib.sha256).hexdigest()[:32]

    def make_nonce(self, now: float) -> str:
        """A fresh nonce stamped with ``now``, unique even for two challenges in one millisecond.

        Replay protection keeps the last ``nc`` per nonce (RFC 7616 section 3.3), so two
        clients must never share a nonce: each carries random bits beside its time stamp.
        """
        stamp = f"{round(now * 1000):x}-{secrets.token_hex(6)}"
        return f"{stamp}.{self._mac(stamp)}"

    def challenge(
        self, algorithm: str = "MD5", *, stale: bool = False, now: float | None = None
    ) -> str:
        """A WWW-Authenticate value with a fresh nonce (time: ``now`` or the latest seen)."""
        if algorithm not in ALGORITHMS:
            raise ValueError(f"algorithm must be one of {ALGORITHMS}")
        if now is not None:
            self._now = now
        return self._format(algorithm, self.make_nonce(self._now), stale)

    def challenges(self, *, stale: bool = False, now: float | None = None) -> list[str]:
        """One challenge per algorithm, SHA-256 first, then MD5 (RFC 8760 section 2.4).

        Send each as its own WWW-Authenticate (or Proxy-Authenticate) header field, in
        this order. They share one nonce: :meth:`verify` accepts an answer to either.
        """
        if now is not None:
            self._now = now
        nonce = self.make_nonce(self._now)
        return [self._format(algorithm, nonce, stale) for algorithm in ("SHA-256", "MD5")]

    def _format(self, algorithm: str, nonce: str, stale: bool) -> str:
        parts = [f"realm={quote(self.realm)}", f"nonce={quote(nonce)}", f"algorithm={algorithm}"]
        if self.qop:
            parts.append('qop="auth"')
        if stale:
            parts.append("stale=true")
        return "Digest " + ", ".join(parts)

    def _issued_at(self, nonce: str) -> float | None:
        stamp, dot, mac = nonce.partition(".")
        if not dot or not hmac.compare_digest(mac, self._mac(stamp)):
            return None
        try:
            return int(stamp.partition("-")[0], 16) / 1000
        except ValueError:
            return None

    def verify(
        self,
        authorization_header: str,
        method: str,
        password_lookup: Callable[[str], str | None],
        now: float,
        *,
        request_uri: str | None = None,
    ) -> AuthResult:
        """Check an Authorization value for a request with ``method`` received at ``now``."""
        self._now = now
        self._prune(now)
        try:
            scheme, p = parse_auth_params(authorization_header)
        except SipParseError as exc:
            return AuthResult(AuthStatus.BAD, reason=exc.reason)
        if scheme.lower() != "digest":
            return AuthResult(AuthStatus.BAD, reason=f"scheme {scheme!r} is not Digest")
        missing = [k for k in ("username", "realm", "nonce", "uri", "response") if k not in p]
        if missing:
            return AuthResult(AuthStatus.BAD, reason=f"missing {', '.join(missing)}")
        user = p["username"]
        if p["realm"] != self.realm:
            return AuthResult(AuthStatus.BAD, user, f"realm {p['realm']!r} is not ours")
        issued = self._issued_at(p["nonce"])
        if issued is None:
            return AuthResult(AuthStatus.BAD, user, "nonce was not issued here")
        if request_uri is not None and p["uri"] != request_uri:
            return AuthResult(AuthStatus.BAD, user, "digest uri differs from the Request-URI")
        qop = p.get("qop")
        if qop is not None and (qop != "auth" or "nc" not in p or "cnonce" not in p):
            return AuthResult(AuthStatus.BAD, user, f"unsupported qop {qop!r} or no nc/cnonce")
        if qop is None and self.qop:
            return AuthResult(AuthStatus.BAD, user, "qop=auth was required")
        password = password_lookup(user)
        if password is None:
            return AuthResult(AuthStatus.UNKNOWN_USER, user, "no such user")
        try:
            expected = digest_response(
                algorithm=p.get("algorithm", "MD5"),
                username=user,
                realm=self.realm,
                password=password,
                method=method,
                uri=p["uri"],
                nonce=p["nonce"],
                qop=qop,
                nc=p.get("nc", ""),
                cnonce=p.get("cnonce", ""),
            )
        except SipParseError as exc:
            return AuthResult(AuthStatus.BAD, user, exc.reason)
        if not hmac.compare_digest(expected, p["response"].lower()):
            return AuthResult(AuthStatus.BAD, user, "wrong response (password)")
        if now - issued > self.nonce_lifetime:
            return AuthResult(AuthStatus.STALE, user, "nonce expired")
        if qop is not None:
            try:
                nc = int(p["nc"], 16)
            except ValueError:
                return AuthResult(AuthStatus.BAD, user, f"bad nc {p['nc']!r}")
            last = self._nc_seen.get(p["nonce"], (issued, 0))[1]
            if nc <= last:
                return AuthResult(AuthStatus.BAD, user, f"nc {nc} replayed (last {last})")
            self._nc_seen[p["nonce"]] = (issued, nc)
        return AuthResult(AuthStatus.OK, user, "ok")

    def _prune(self, now: float) -> None:
        expired = [n for n, (t, _) in self._nc_seen.items() if now - t > self.nonce_lifetime]
        for nonce in expired:
            del self._nc_seen[nonce]


@dataclass(frozen=True)
class Credentials:
    """A user's Digest credentials; ``realm`` restricts them to one realm when set."""

    username: str
    password: str
    realm: str | None = None


def authorize_retry(
    request: SipRequest,
    response: SipResponse,
    credentials: Credentials,
    *,
    stale_only: bool = False,
) -> SipRequest | None:
    """``request`` again with credentials answering a 401/407 (RFC 3261 22.2), or None.

    The CSeq is incremented (8.1.3.5) and the Via is left for the caller to replace with a
    fresh branch. Of the challenges offered, the strongest algorithm we support is answered,
    the topmost among equals (see the module docstring). With ``stale_only`` (a second
    attempt) only a ``stale=true`` challenge is worth answering: anything else means the
    password was refused.
    """
    if response.status not in (401, 407):
        return None
    name = "WWW-Authenticate" if response.status == 401 else "Proxy-Authenticate"
    answer = "Authorization" if response.status == 401 else "Proxy-Authorization"
    usable: list[tuple[int, int, str]] = []
    for index, value in enumerate(response.headers.get_all(name)):
        try:
            challenge = DigestChallenge.parse(value)
        except SipParseError:
            continue
        if credentials.realm is not None and challenge.realm != credentials.realm:
            continue
        if stale_only and not challenge.stale:
            continue
        if challenge.qop and "auth" not in challenge.qop:
            continue  # only auth-int offered: we cannot answer it
        usable.append((-_STRENGTH[challenge.algorithm.upper()], index, value))
    if not usable:
        return None
    value = min(usable)[2]
    authorization = build_authorization(
        value, request.method, str(request.uri), credentials.username, credentials.password
    )
    cseq = request.cseq
    headers = request.headers.remove(answer).replace("CSeq", f"{cseq.seq + 1} {cseq.method}")
    return replace(request, headers=headers.add(answer, authorization))
