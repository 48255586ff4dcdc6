"""Reviewing an offer stream by stream before answering it (RFC 3264 section 6, RFC 4566)."""

from __future__ import annotations

import pytest

from harness.sip.grammar import SipParseError
from harness.sip.offer import (
    IpAddress,
    OfferRefused,
    review_offer,
    warning_value,
)
from harness.sip.sdp import SessionDescription, make_answer

HEAD = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
AUDIO = "m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"


def sdp(*lines: str, session_c: str | None = "IN IP4 127.0.0.1") -> SessionDescription:
    text = HEAD + (f"c={session_c}\r\n" if session_c else "") + "t=0 0\r\n" + "".join(lines)
    return SessionDescription.parse(text)


def loopback(address: IpAddress) -> bool:
    return address.is_loopback


def hosts(name: str, addrtype: str) -> str | None:
    table = {("localhost", "IP4"): "127.0.0.1", ("localhost", "IP6"): "::1",
             ("elsewhere.test", "IP4"): "192.0.2.1"}  # fmt: skip
    return table.get((name, addrtype))


def refused(offer: SessionDescription) -> OfferRefused:
    with pytest.raises(OfferRefused) as info:
        review_offer(offer, resolve=hosts, reachable=loopback).require()
    return info.value


def test_plain_offer_is_accepted_with_its_address_codec_and_dtmf() -> None:
    review = review_offer(sdp(AUDIO), resolve=hosts, reachable=loopback)
    accepted = review.require()
    assert review.remote == ("127.0.0.1", 40000)
    assert accepted.codec is not None and accepted.codec.name == "PCMU"
    assert accepted.telephone_event is not None and accepted.telephone_event.payload_type == 101
    answer = review.answer("127.0.0.1", 50000)
    assert bytes(answer.media[0].lines()[0], "ascii") == b"m=audio 50000 RTP/AVP 0 101"


# -- connection address: RFC 4566 section 5.7 ------------------------------------------------------
def test_media_level_connection_overrides_the_session_level() -> None:
    offer = sdp(AUDIO + "c=IN IP4 127.0.0.9\r\n", session_c="IN IP4 10.10.10.256")
    assert review_offer(offer, reachable=loopback).remote == ("127.0.0.9", 40000)


def test_no_connection_line_at_either_level_is_refused() -> None:
    problem = refused(sdp(AUDIO, session_c=None))
    assert problem.warning == 307 and "no connection address" in problem.reason


@pytest.mark.parametrize(
    ("c_line", "warning", "words"),
    [
        ("IN IP4 10.10.10.256", 301, "'10.10.10.256' in c=IN IP4 10.10.10.256 is not an address"),
        ("IN IP4 aaaa.invalid", 301, "host name 'aaaa.invalid'"),
        ("AF IP4 127.0.0.1", 300, "network type 'AF'"),
        ("IN IP7 127.0.0.1", 301, "address type 'IP7'"),
        ("IN IP4 ::1", 301, "is not an IP4 address"),
        ("IN IP6 127.0.0.1", 301, "is not an IP6 address"),
        ("IN IP4 192.0.2.7", 301, "media cannot be sent to 192.0.2.7"),
        ("IN IP4 elsewhere.test", 301, "media cannot be sent to 192.0.2.1"),
        ("IN IP4 0.0.0.0", 301, "media cannot be sent to 0.0.0.0"),
        ("IN IP4 -bad-.name", 301, "is not an address"),
    ],
)
def test_unusable_connection_addresses_are_refused(c_line: str, warning: int, words: str) -> None:
    problem = refused(sdp(AUDIO, session_c=c_line))
    assert problem.warning == warning
    assert words in problem.reason


def test_a_host_name_is_used_once_resolved_to_an_address_of_its_type() -> None:
    v4 = review_offer(sdp(AUDIO, session_c="IN IP4 localhost"), resolve=hosts, reachable=loopback)
    v6 = review_offer(sdp(AUDIO, session_c="IN IP6 localhost"), resolve=hosts, reachable=loopback)
    assert v4.remote == ("127.0.0.1", 40000) and v6.remote == ("::1", 40000)


def test_ipv6_offer_is_answered_on_ipv6() -> None:
    review = review_offer(sdp(AUDIO, session_c="IN IP6 ::1"), reachable=loopback)
    assert review.remote == ("::1", 40000)
    assert str(review.answer("::1", 50000).connection) == "IN IP6 ::1"


def test_the_default_policy_refuses_host_names_and_accepts_any_unicast_address() -> None:
    with pytest.raises(OfferRefused, match="does not resolve"):
        review_offer(sdp(AUDIO, session_c="IN IP4 localhost")).require()
    assert review_offer(sdp(AUDIO, session_c="IN IP4 192.0.2.7")).remote == ("192.0.2.7", 40000)
    with pytest.raises(OfferRefused):
        review_offer(sdp(AUDIO, session_c="IN IP4 224.0.0.1")).require()


# -- transport: RFC 3264 section 6.1 ---------------------------------------------------------------
@pytest.mark.parametrize("proto", ["RTP/SAVP", "RTP/XAVP", "UDP/TLS/RTP/SAVPF", "FOO"])
def test_a_stream_on_a_transport_we_do_not_speak_is_refused(proto: str) -> None:
    problem = refused(sdp(f"m=audio 40000 {proto} 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 x\r\n"))
    assert problem.warning == 302 and repr(proto) in problem.reason


def test_an_unsupported_transport_is_rejected_with_port_0_and_the_stream_beside_it_accepted() -> (
    None
):
    offer = sdp("m=audio 40002 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 x\r\n", AUDIO)
    review = review_offer(offer, reachable=loopback)
    assert review.remote == ("127.0.0.1", 40000)
    answer = review.answer("127.0.0.1", 50000)
    assert [(m.port, m.proto) for m in answer.media] == [(0, "RTP/SAVP"), (50000, "RTP/AVP")]


def test_make_answer_rejects_a_secure_stream_instead_of_answering_it_on_rtp_avp() -> None:
    offer = sdp("m=audio 40002 RTP/SAVP 0\r\n", AUDIO)
    answer = make_answer(offer, "127.0.0.1", 50000)
    assert [(m.port, m.proto) for m in answer.media] == [(0, "RTP/SAVP"), (50000, "RTP/AVP")]


# -- several m= lines and codecs: RFC 3264 section 6 -----------------------------------------------
def test_first_stream_without_a_common_codec_is_rejected_and_the_second_accepted() -> None:
    offer = sdp("m=audio 40002 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\n", AUDIO)
    review = review_offer(offer, reachable=loopback)
    assert review.require().index == 1
    answer = review.answer("127.0.0.1", 50000)
    assert [m.port for m in answer.media] == [0, 50000]
    assert answer.media[0].formats == ("96",)


def test_no_codec_in_common_is_refused_naming_the_offered_formats() -> None:
    problem = refused(sdp("m=audio 40000 RTP/AVP 18 96\r\na=rtpmap:96 telephone-event/8000\r\n"))
    assert problem.warning == 305
    assert "no codec in common (offered formats 18 96; supported PCMU, PCMA)" in problem.reason


def test_video_and_a_second_audio_stream_are_rejected_with_port_0() -> None:
    offer = sdp("m=video 40010 RTP/AVP 31\r\n", AUDIO, "m=audio 40020 RTP/AVP 8\r\n")
    answer = review_offer(offer, reachable=loopback).answer("127.0.0.1", 50000)
    assert [(m.media, m.port) for m in answer.media] == [
        ("video", 0),
        ("audio", 50000),
        ("audio", 0),
    ]


def test_an_offer_of_disabled_or_non_audio_streams_only_is_refused() -> None:
    problem = refused(sdp("m=audio 0 RTP/AVP 0\r\n", "m=video 40010 RTP/AVP 31\r\n"))
    assert problem.warning == 304
    assert problem.reason == (
        "stream 1: the stream is disabled (port 0); "
        "stream 2: media type 'video' is not available, only audio"
    )


def test_an_offer_without_media_is_refused() -> None:
    assert refused(sdp()).reason == "the offer has no media stream"


def test_an_unusable_port_does_not_even_parse() -> None:
    with pytest.raises(SipParseError, match="bad media port"):
        sdp("m=audio 99999 RTP/AVP 0\r\n")


# -- direction: RFC 3264 section 6.1 ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("offered", "answered"),
    [("sendonly", "recvonly"), ("recvonly", "sendonly"), ("inactive", "inactive")],
)
def test_a_one_way_or_inactive_offer_is_answered_with_the_mirrored_direction(
    offered: str, answered: str
) -> None:
    review = review_offer(sdp(AUDIO + f"a={offered}\r\n"), reachable=loopback)
    assert review.answer("127.0.0.1", 50000).direction() == answered


# -- rtcp attribute: RFC 3605 ----------------------------------------------------------------------
@pytest.mark.parametrize("value", ["40001", "40001 IN IP4 127.0.0.1", "40001 IN IP6 ::1"])
def test_well_formed_rtcp_attributes_are_accepted(value: str) -> None:
    assert review_offer(sdp(AUDIO + f"a=rtcp:{value}\r\n"), reachable=loopback).accepted


@pytest.mark.parametrize(
    "value", ["", "x", "70000", "40001 IN", "40001 IN IP7 127.0.0.1", "40001 IN IP4 ::1"]
)
def test_malformed_rtcp_attributes_refuse_the_stream(value: str) -> None:
    problem = refused(sdp(AUDIO + f"a=rtcp:{value}\r\n"))
    assert problem.warning == 306 and "a=rtcp:" in problem.reason


def test_warning_value_quotes_the_text() -> None:
    assert warning_value(305, "ref", 'no "codec"') == '305 ref "no \\"codec\\""'
