"""RFC 3261 section 12 dialogs: creation on both sides, in-dialog requests, CSeq rules."""

from __future__ import annotations

import pytest

from harness.sip.dialog import Dialog, DialogState
from harness.sip.grammar import SipParseError
from harness.sip.headers import Headers
from harness.sip.message import SipRequest, SipUri, build_response


def invite(record_route: tuple[str, ...] = ()) -> SipRequest:
    items = [
        ("Via", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKd1"),
        ("From", '"Alice" <sip:alice@127.0.0.1>;tag=a1'),
        ("To", "<sip:bob@127.0.0.1>"),
        ("Call-ID", "dlg@127.0.0.1"),
        ("CSeq", "10 INVITE"),
        ("Contact", "<sip:alice@127.0.0.1:5060>"),
    ]
    items += [("Record-Route", r) for r in record_route]
    return SipRequest("INVITE", SipUri.parse("sip:bob@127.0.0.1:5070"), Headers(items))


ROUTES = ("<sip:p2.example.com;lr>", "<sip:127.0.0.1:5090;lr>")


def test_uac_dialog_from_2xx_reverses_record_route() -> None:
    request = invite(ROUTES)
    ok = build_response(request, 200, to_tag="b1", contact="<sip:bob@127.0.0.1:5071>")
    dialog = Dialog.from_uac(request, ok)
    assert dialog.id == ("dlg@127.0.0.1", "a1", "b1")
    assert dialog.state is DialogState.CONFIRMED
    assert dialog.route_set == tuple(reversed(ROUTES))  # 12.1.2
    assert dialog.remote_target == SipUri.parse("sip:bob@127.0.0.1:5071")
    assert dialog.next_hop() == ("127.0.0.1", 5090)
    bye = dialog.create_bye()
    assert bye.method == "BYE" and bye.uri == dialog.remote_target
    assert bye.cseq.seq == 11 and bye.from_.tag == "a1" and bye.to.tag == "b1"
    assert bye.from_.display == "Alice"
    assert bye.headers.get_all("Route") == list(reversed(ROUTES))
    assert bye.headers.get("Contact") is None
    ack = dialog.create_ack(10)
    assert ack.cseq.seq == 10 and ack.cseq.method == "ACK" and dialog.local_cseq == 11
    reinvite = dialog.create_reinvite(b"v=0\r\n")
    assert (
        reinvite.cseq.seq == 12 and reinvite.headers.get("Contact") == "<sip:alice@127.0.0.1:5060>"
    )


def test_early_dialog_then_confirmed() -> None:
    request = invite()
    ringing = build_response(request, 180, to_tag="b1")
    dialog = Dialog.from_uac(request, ringing)
    assert dialog.state is DialogState.EARLY
    assert dialog.remote_target == request.uri  # no Contact in the 180
    dialog.confirm()
    dialog.terminate()
    assert dialog.state is DialogState.TERMINATED
    with pytest.raises(ValueError):
        dialog.confirm()
    with pytest.raises(ValueError):
        dialog.create_request("INFO")
    with pytest.raises(SipParseError):
        Dialog.from_uac(request, build_response(request, 200, to_tag="b1"))  # 2xx without Contact


def test_an_early_dialog_that_fails_is_terminated_for_good() -> None:
    request = invite()
    dialog = Dialog.from_uac(request, build_response(request, 180, to_tag="b1"))
    dialog.terminate()  # a non-2xx final response ends the early dialog (section 12.3)
    assert dialog.state is DialogState.TERMINATED
    with pytest.raises(ValueError):
        dialog.confirm()
    with pytest.raises(ValueError):
        dialog.create_request("INFO")


def test_uas_dialog_keeps_record_route_order_and_checks_cseq() -> None:
    request = invite(ROUTES)
    dialog = Dialog.from_uas(
        request, "b1", local_contact="<sip:bob@127.0.0.1:5070>", local_cseq=500
    )
    assert dialog.id == ("dlg@127.0.0.1", "b1", "a1")
    assert dialog.route_set == ROUTES and dialog.next_hop() == ("p2.example.com", 5060)
    assert dialog.remote_cseq == 10 and dialog.remote_target.port == 5060
    bye = dialog.create_bye()
    assert bye.from_.tag == "b1" and bye.to.tag == "a1" and bye.cseq.seq == 501
    assert bye.to.display == "Alice"

    def req(seq: int, method: str) -> SipRequest:
        return SipRequest(method, request.uri, request.headers.replace("CSeq", f"{seq} {method}"))

    assert dialog.check_remote_cseq(req(10, "ACK"))  # ACK reuses the INVITE's number
    assert not dialog.check_remote_cseq(req(10, "INFO"))
    assert not dialog.check_remote_cseq(req(9, "BYE"))
    assert dialog.check_remote_cseq(req(11, "INFO")) and dialog.remote_cseq == 11
    with pytest.raises(SipParseError):
        Dialog.from_uas(SipRequest("INVITE", request.uri, request.headers.remove("Contact")), "b1")


def test_strict_router_goes_into_the_request_uri() -> None:
    request = invite(("<sip:strict.example.com>",))
    dialog = Dialog.from_uas(request, "b1")
    info = dialog.create_request("INFO", b"Signal=5\r\n", "application/dtmf-relay")
    assert info.uri == SipUri.parse("sip:strict.example.com")  # 12.2.1.1 strict routing
    assert info.headers.get_all("Route") == ["<sip:alice@127.0.0.1:5060>"]
    assert info.body == b"Signal=5\r\n" and info.content_type == "application/dtmf-relay"


def test_matching() -> None:
    request = invite()
    dialog = Dialog.from_uas(request, "b1")
    bye = dialog.create_bye()
    assert not dialog.matches(bye, incoming_request=True)  # our own BYE has the tags swapped
    incoming = SipRequest("BYE", request.uri, bye.headers.replace("From", "<sip:a@h>;tag=a1")
                          .replace("To", "<sip:b@h>;tag=b1"))  # fmt: skip
    assert dialog.matches(incoming, incoming_request=True)
