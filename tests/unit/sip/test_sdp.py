"""SDP parsing and RFC 3264 offer/answer for G.711."""

from __future__ import annotations

import pytest

from harness.sip.grammar import SipParseError
from harness.sip.sdp import (
    Codec,
    SdpNegotiationError,
    SessionDescription,
    dtmf_payload_type,
    make_answer,
    make_offer,
    negotiated,
    remote_rtp_address,
    with_direction,
)

PEER_OFFER = (
    b"v=0\r\n"
    b"o=carol 28908764872 28908764872 IN IP4 100.3.6.6\r\n"
    b"s=-\r\n"
    b"i=a call\r\n"
    b"c=IN IP4 192.0.2.4\r\n"
    b"b=AS:64\r\n"
    b"t=0 0\r\n"
    b"a=sendonly\r\n"
    b"m=audio 49170 RTP/AVP 18 8 0 96\r\n"
    b"c=IN IP4 127.0.0.2\r\n"
    b"a=rtpmap:18 G729/8000\r\n"
    b"a=rtpmap:96 telephone-event/8000\r\n"
    b"a=fmtp:96 0-15\r\n"
    b"a=ptime:30\r\n"
    b"m=video 51372 RTP/AVP 31\r\n"
)


def test_parse_and_round_trip_keeps_every_line() -> None:
    sd = SessionDescription.parse(PEER_OFFER)
    assert sd.origin.username == "carol" and sd.origin.session_version == 28908764872
    assert sd.connection is not None and sd.connection.address == "192.0.2.4"
    assert len(sd.media) == 2
    audio = sd.media[0]
    assert audio.formats == ("18", "8", "0", "96")
    assert [c.name for c in audio.codecs()] == ["G729", "PCMA", "PCMU", "telephone-event"]
    assert sd.direction() == "sendonly"  # inherited from the session level
    assert bytes(sd) == PEER_OFFER
    assert SessionDescription.parse(bytes(sd)) == sd


def test_offer_lists_codecs_and_dtmf() -> None:
    offer = make_offer("127.0.0.1", 40000, codecs=("PCMA", "PCMU"), session_id="42")
    text = bytes(offer).decode()
    assert "m=audio 40000 RTP/AVP 8 0 101\r\n" in text
    assert "a=rtpmap:101 telephone-event/8000\r\n" in text
    assert "c=IN IP4 127.0.0.1\r\n" in text and "o=- 42 1 IN IP4 127.0.0.1\r\n" in text
    assert offer.direction() == "sendrecv"
    assert remote_rtp_address(offer) == ("127.0.0.1", 40000)
    v6 = make_offer("::1", 40002)
    assert "c=IN IP6 ::1\r\n" in bytes(v6).decode()
    with pytest.raises(ValueError):
        make_offer("127.0.0.1", 1, codecs=("OPUS",))


def test_answer_takes_offerers_first_supported_codec_and_mirrors_direction() -> None:
    offer = SessionDescription.parse(PEER_OFFER)
    answer = make_answer(offer, "127.0.0.1", 30000)
    assert negotiated(answer) == Codec("PCMA", 8)  # G729 unsupported, PCMA before PCMU
    assert dtmf_payload_type(answer) == 96  # the offerer's dynamic number is kept
    assert answer.media[0].direction == "recvonly"  # mirror of sendonly (RFC 3264 6.1)
    assert answer.media[0].attribute("ptime") == "30"
    assert answer.media[1].port == 0 and answer.media[1].media == "video"  # rejected stream
    assert remote_rtp_address(offer) == ("127.0.0.2", 49170)  # media-level c= wins
    assert remote_rtp_address(answer) == ("127.0.0.1", 30000)
    pcmu_only = make_answer(offer, "127.0.0.1", 30000, supported=("PCMU",), direction="inactive")
    assert negotiated(pcmu_only).name == "PCMU"
    assert pcmu_only.direction() == "inactive"


def test_answer_without_common_codec_fails() -> None:
    offer = make_offer("127.0.0.1", 4000, codecs=("PCMU",))
    with pytest.raises(SdpNegotiationError):
        make_answer(offer, "127.0.0.1", 5000, supported=("PCMA",))


def test_hold_and_resume_by_direction() -> None:
    offer = make_offer("127.0.0.1", 4000)
    hold = with_direction(offer, "sendonly")
    assert hold.direction() == "sendonly"
    assert hold.origin.session_version == offer.origin.session_version + 1
    answer = make_answer(hold, "127.0.0.1", 5000)
    assert answer.direction() == "recvonly"
    resume = with_direction(hold, "sendrecv")
    assert resume.direction() == "sendrecv" and resume.origin.session_version == 3


def test_malformed_sdp_is_a_parse_error() -> None:
    for bad in [b"", b"o=- 1 1 IN IP4 h\r\n", b"v=0\r\ns=-\r\n", b"v=0\r\no=x\r\n"]:
        with pytest.raises(SipParseError):
            SessionDescription.parse(bad)
    with pytest.raises(SipParseError):
        SessionDescription.parse(b"v=0\r\no=- 1 1 IN IP4 h\r\nm=audio port RTP/AVP 0\r\n")
