"""Digest authentication: published vectors, the server's verdicts, the client's retry."""

from __future__ import annotations

import pytest

from harness.sip.auth import (
    AuthStatus,
    Credentials,
    DigestChallenge,
    DigestChallenger,
    authorize_retry,
    build_authorization,
    digest_response,
    parse_auth_params,
)
from harness.sip.grammar import SipParseError
from harness.sip.headers import Headers
from harness.sip.message import SipRequest, SipUri, build_response

# RFC 7616 section 3.9.1 (the MD5 and SHA-256 examples share these values).
RFC7616 = {
    "realm": "http-auth@example.org",
    "nonce": "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
    "cnonce": "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    "opaque": "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
}


def rfc7616_challenge(algorithm: str) -> str:
    return (
        f'Digest realm="{RFC7616["realm"]}", qop="auth, auth-int", algorithm={algorithm}, '
        f'nonce="{RFC7616["nonce"]}", opaque="{RFC7616["opaque"]}"'
    )


def test_rfc2617_md5_vector() -> None:
    # RFC 2617 section 3.5.
    response = digest_response(
        algorithm="MD5",
        username="Mufasa",
        realm="testrealm@host.com",
        password="Circle Of Life",
        method="GET",
        uri="/dir/index.html",
        nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
        qop="auth",
        nc="00000001",
        cnonce="0a4f113b",
    )
    assert response == "6629fae49393a05397450978507c4ef1"


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
        ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
    ],
)
def test_rfc7616_vectors_through_build_authorization(algorithm: str, expected: str) -> None:
    header = build_authorization(
        rfc7616_challenge(algorithm),
        "GET",
        "/dir/index.html",
        "Mufasa",
        "Circle of Life",
        nc=1,
        cnonce=RFC7616["cnonce"],
    )
    scheme, params = parse_auth_params(header)
    assert scheme == "Digest"
    assert params["response"] == expected
    assert params["qop"] == "auth" and params["nc"] == "00000001"
    assert params["opaque"] == RFC7616["opaque"] and params["algorithm"] == algorithm
    assert params["uri"] == "/dir/index.html" and params["username"] == "Mufasa"


def test_challenge_parsing() -> None:
    ch = DigestChallenge.parse(rfc7616_challenge("SHA-256") + ", stale=TRUE")
    assert ch.qop == ("auth", "auth-int") and ch.stale and ch.algorithm == "SHA-256"
    with pytest.raises(SipParseError):
        DigestChallenge.parse('Basic realm="x"')
    with pytest.raises(SipParseError):
        DigestChallenge.parse('Digest realm="x", nonce="n", algorithm=SHA-1')


def test_no_qop_form() -> None:
    header = build_authorization('Digest realm="r", nonce="n"', "REGISTER", "sip:r", "u", "p")
    _, params = parse_auth_params(header)
    assert "qop" not in params and "cnonce" not in params
    expected = digest_response(algorithm="MD5", username="u", realm="r", password="p",
                               method="REGISTER", uri="sip:r", nonce="n")  # fmt: skip
    assert params["response"] == expected


PASSWORDS = {"alice": "wonderland"}


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256", "MD5-sess", "SHA-256-sess"])
def test_server_accepts_right_password_and_refuses_replay(algorithm: str) -> None:
    server = DigestChallenger("callproof.test", now=100.0)
    challenge = server.challenge(algorithm)
    auth = build_authorization(challenge, "REGISTER", "sip:callproof.test", "alice", "wonderland")
    result = server.verify(
        auth, "REGISTER", PASSWORDS.get, now=101.0, request_uri="sip:callproof.test"
    )
    assert result.status is AuthStatus.OK and result.ok and result.username == "alice"
    replay = server.verify(auth, "REGISTER", PASSWORDS.get, now=102.0)
    assert replay.status is AuthStatus.BAD and "replayed" in replay.reason
    second = build_authorization(
        challenge, "REGISTER", "sip:callproof.test", "alice", "wonderland", nc=2
    )
    assert server.verify(second, "REGISTER", PASSWORDS.get, now=102.0).ok


def test_server_verdicts() -> None:
    server = DigestChallenger("callproof.test", now=0.0, nonce_lifetime=30.0)
    challenge = server.challenge()
    wrong = build_authorization(challenge, "INVITE", "sip:b@h", "alice", "guess")
    assert server.verify(wrong, "INVITE", PASSWORDS.get, now=1.0).status is AuthStatus.BAD
    nobody = build_authorization(challenge, "INVITE", "sip:b@h", "mallory", "x")
    assert server.verify(nobody, "INVITE", PASSWORDS.get, now=1.0).status is AuthStatus.UNKNOWN_USER
    other_method = build_authorization(challenge, "BYE", "sip:b@h", "alice", "wonderland")
    assert server.verify(other_method, "INVITE", PASSWORDS.get, now=1.0).status is AuthStatus.BAD
    forged = build_authorization(challenge.replace("nonce=\"", 'nonce="f'), "INVITE", "sip:b@h",
                                 "alice", "wonderland")  # fmt: skip
    assert "not issued here" in server.verify(forged, "INVITE", PASSWORDS.get, now=1.0).reason
    foreign = DigestChallenger("callproof.test", now=0.0).challenge()
    other = build_authorization(foreign, "INVITE", "sip:b@h", "alice", "wonderland")
    assert server.verify(other, "INVITE", PASSWORDS.get, now=1.0).status is AuthStatus.BAD
    assert (
        server.verify("Basic YWxpY2U6eA==", "INVITE", PASSWORDS.get, now=1.0).status
        is AuthStatus.BAD
    )
    uri_mismatch = build_authorization(challenge, "INVITE", "sip:b@h", "alice", "wonderland", nc=5)
    assert not server.verify(
        uri_mismatch, "INVITE", PASSWORDS.get, now=1.0, request_uri="sip:c@h"
    ).ok


def test_stale_nonce_only_with_the_right_password() -> None:
    server = DigestChallenger("callproof.test", now=0.0, nonce_lifetime=30.0)
    challenge = server.challenge()
    good = build_authorization(challenge, "REGISTER", "sip:r", "alice", "wonderland")
    assert server.verify(good, "REGISTER", PASSWORDS.get, now=31.0).status is AuthStatus.STALE
    bad = build_authorization(challenge, "REGISTER", "sip:r", "alice", "nope", nc=2)
    assert server.verify(bad, "REGISTER", PASSWORDS.get, now=31.0).status is AuthStatus.BAD
    fresh = server.challenge(stale=True, now=31.0)
    assert DigestChallenge.parse(fresh).stale
    again = build_authorization(fresh, "REGISTER", "sip:r", "alice", "wonderland")
    assert server.verify(again, "REGISTER", PASSWORDS.get, now=32.0).ok


def _register() -> SipRequest:
    headers = Headers([
        ("Via", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1"),
        ("From", "<sip:alice@callproof.test>;tag=1"),
        ("To", "<sip:alice@callproof.test>"),
        ("Call-ID", "reg-1@127.0.0.1"),
        ("CSeq", "7 REGISTER"),
    ])  # fmt: skip
    return SipRequest("REGISTER", SipUri.parse("sip:callproof.test"), headers)


def test_authorize_retry_builds_the_next_request() -> None:
    server = DigestChallenger("callproof.test", now=0.0)
    request = _register()
    challenge = build_response(
        request, 401, extra=[("WWW-Authenticate", server.challenge("SHA-256"))]
    )
    retry = authorize_retry(request, challenge, Credentials("alice", "wonderland"))
    assert retry is not None
    assert retry.cseq.seq == 8 and retry.call_id == request.call_id
    auth = retry.headers.get("Authorization")
    assert auth is not None
    assert server.verify(
        auth, "REGISTER", PASSWORDS.get, now=1.0, request_uri="sip:callproof.test"
    ).ok
    proxy = build_response(request, 407, extra=[("Proxy-Authenticate", server.challenge())])
    proxied = authorize_retry(request, proxy, Credentials("alice", "wonderland"))
    assert proxied is not None and proxied.headers.get("Proxy-Authorization") is not None
    # A second refusal without stale=true means the password is wrong: no more retries.
    assert authorize_retry(retry, challenge, Credentials("alice", "x"), stale_only=True) is None
    assert authorize_retry(request, challenge, Credentials("alice", "x", realm="other")) is None


def test_challenges_offer_sha256_then_md5_and_verify_takes_either() -> None:
    server = DigestChallenger("callproof.test", now=0.0)
    offered = server.challenges(now=5.0)
    assert [DigestChallenge.parse(c).algorithm for c in offered] == ["SHA-256", "MD5"]
    assert len({DigestChallenge.parse(c).nonce for c in offered}) == 1
    assert not any(DigestChallenge.parse(c).stale for c in server.challenges())
    assert all(DigestChallenge.parse(c).stale for c in server.challenges(stale=True))
    for nc, challenge in enumerate(offered, start=1):
        auth = build_authorization(challenge, "REGISTER", "sip:r", "alice", "wonderland", nc=nc)
        assert server.verify(auth, "REGISTER", PASSWORDS.get, now=6.0).ok


def test_the_client_answers_the_strongest_challenge_it_supports() -> None:
    server = DigestChallenger("callproof.test", now=0.0)
    request = _register()
    md5, sha = server.challenge("MD5"), server.challenge("SHA-256")
    unsupported = 'Digest realm="callproof.test", nonce="n", algorithm=SHA-512-256'
    only_int = 'Digest realm="callproof.test", nonce="n", algorithm=SHA-256, qop="auth-int"'
    response = build_response(
        request,
        401,
        extra=[("WWW-Authenticate", v) for v in (unsupported, only_int, md5, sha)],
    )
    retry = authorize_retry(request, response, Credentials("alice", "wonderland"))
    assert retry is not None
    _, params = parse_auth_params(retry.headers.get("Authorization") or "")
    assert params["algorithm"] == "SHA-256" and params["nonce"] == DigestChallenge.parse(sha).nonce
    # Among equals, the topmost wins.
    two_md5 = build_response(
        request, 401, extra=[("WWW-Authenticate", v) for v in (md5, server.challenge("MD5"))]
    )
    picked = authorize_retry(request, two_md5, Credentials("alice", "wonderland"))
    assert picked is not None
    _, params = parse_auth_params(picked.headers.get("Authorization") or "")
    assert params["nonce"] == DigestChallenge.parse(md5).nonce


def test_two_clients_challenged_in_the_same_millisecond_get_distinct_nonces() -> None:
    from harness.sip.auth import DigestChallenger, build_authorization

    challenger = DigestChallenger("r", now=100.0)
    first, second = challenger.challenge(now=100.0), challenger.challenge(now=100.0)
    assert first != second
    passwords = {"alice": "a-secret", "bruno": "b-secret"}
    for user, header in (("alice", first), ("bruno", second)):
        auth = build_authorization(header, "REGISTER", "sip:r", user, passwords[user], nc=1)
        result = challenger.verify(auth, "REGISTER", passwords.get, now=100.1)
        assert result.ok, result.reason
