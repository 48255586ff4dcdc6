from __future__ import annotations

from harness.audit.launch import md5_challenge_first

SHA = 'Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth"'
MD5 = 'Digest realm="r", nonce="n", algorithm=MD5, qop="auth"'


def packet(*challenges: str) -> str:
    lines = "".join(f"\r\nWWW-Authenticate: {c}" for c in challenges)
    return f"SIP/2.0 401 Unauthorized\r\nVia: x{lines}\r\nContent-Length: 0\r\n\r\n"


def test_the_md5_challenge_is_chosen_among_several() -> None:
    assert md5_challenge_first(packet(SHA, MD5)) == MD5


def test_a_single_challenge_is_kept_whatever_its_algorithm() -> None:
    assert md5_challenge_first(packet(SHA)) == SHA
    assert md5_challenge_first("SIP/2.0 200 OK\r\n\r\n") is None
