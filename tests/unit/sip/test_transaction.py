"""RFC 3261 section 17 transactions, driven by a virtual clock (no sleeping)."""

from __future__ import annotations

import pytest

from harness.sip.headers import Headers
from harness.sip.message import SipRequest, SipResponse, SipUri, build_response
from harness.sip.transaction import (
    CLIENT_INVITE,
    ClientInviteTransaction,
    ClientNonInviteTransaction,
    RequestReceived,
    ResponseReceived,
    ServerInviteTransaction,
    ServerNonInviteTransaction,
    Terminated,
    TimerConfig,
    TransactionEvent,
    TransactionTimedOut,
    Transmit,
    TxState,
    client_key,
    server_key,
)

PEER = ("127.0.0.1", 5070)


def request(method: str, branch: str = "z9hG4bKtest1") -> SipRequest:
    headers = Headers([
        ("Via", f"SIP/2.0/UDP 127.0.0.1:5060;branch={branch}"),
        ("From", "<sip:alice@127.0.0.1>;tag=a1"),
        ("To", "<sip:bob@127.0.0.1>"),
        ("Call-ID", "tx-test@127.0.0.1"),
        ("CSeq", f"1 {method}"),
        ("Route", "<sip:127.0.0.1:5080;lr>"),
    ])  # fmt: skip
    return SipRequest(method, SipUri.parse("sip:bob@127.0.0.1:5070"), headers)


class Clock:
    """Steps a transaction through its timers and records when each event happened."""

    def __init__(self, tx: object) -> None:
        self.tx = tx
        self.log: list[tuple[float, TransactionEvent]] = []

    def drain(self, now: float) -> list[TransactionEvent]:
        events = self.tx.events()  # type: ignore[attr-defined]
        self.log += [(now, e) for e in events]
        return events

    def run_until(self, end: float) -> None:
        while (t := self.tx.next_timer()) is not None and t <= end:  # type: ignore[attr-defined]
            self.tx.handle_timer(t)  # type: ignore[attr-defined]
            self.drain(t)

    def times(self, kind: type) -> list[float]:
        return [t for t, e in self.log if isinstance(e, kind)]


def test_invite_client_timer_a_doubles_and_timer_b_ends_it() -> None:
    tx = ClientInviteTransaction(request("INVITE"), PEER, now=0.0)
    clock = Clock(tx)
    clock.drain(0.0)
    clock.run_until(100.0)
    assert clock.times(Transmit) == [0.0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5]
    assert [(t, e) for t, e in clock.log if isinstance(e, TransactionTimedOut)] == [
        (32.0, TransactionTimedOut("B"))
    ]
    assert isinstance(clock.log[-1][1], Terminated) and tx.state is TxState.TERMINATED
    assert tx.next_timer() is None


def test_invite_client_provisional_stops_retransmissions_and_failure_is_acked() -> None:
    invite = request("INVITE")
    tx = ClientInviteTransaction(invite, PEER, now=0.0)
    clock = Clock(tx)
    clock.drain(0.0)
    tx.receive(build_response(invite, 180, to_tag="b1"), 0.2)
    assert [type(e) for e in clock.drain(0.2)] == [ResponseReceived]
    clock.run_until(20.0)
    assert clock.times(Transmit) == [0.0]  # no retransmission after a provisional
    busy = build_response(invite, 486, to_tag="b1")
    tx.receive(busy, 20.0)
    events = clock.drain(20.0)
    ack = events[0]
    assert isinstance(ack, Transmit) and isinstance(ack.message, SipRequest)
    assert ack.message.method == "ACK" and ack.message.branch == invite.branch  # 17.1.1.3
    assert ack.message.to.tag == "b1" and ack.message.cseq.seq == 1
    assert ack.message.headers.get_all("Route") == ["<sip:127.0.0.1:5080;lr>"]
    assert isinstance(events[1], ResponseReceived) and tx.state is TxState.COMPLETED
    tx.receive(busy, 21.0)  # retransmitted 486: ACK again, not passed up
    assert [type(e) for e in clock.drain(21.0)] == [Transmit]
    clock.run_until(100.0)
    assert tx.state is TxState.TERMINATED and clock.times(Terminated) == [52.0]  # Timer D = 32 s


def test_invite_client_accepted_state_passes_2xx_retransmissions_and_drops_late_1xx() -> None:
    invite = request("INVITE")
    tx = ClientInviteTransaction(invite, PEER, now=0.0)
    clock = Clock(tx)
    clock.drain(0.0)
    ok = build_response(invite, 200, to_tag="b1")
    tx.receive(ok, 1.0)
    assert tx.state is TxState.ACCEPTED and [type(e) for e in clock.drain(1.0)] == [
        ResponseReceived
    ]
    tx.receive(build_response(invite, 180, to_tag="b1"), 1.1)  # reordered behind the 200
    assert clock.drain(1.1) == []
    tx.receive(ok, 2.0)
    assert clock.drain(2.0) == [ResponseReceived(ok)]  # RFC 6026: to the TU, which re-ACKs
    clock.run_until(100.0)
    assert clock.times(Terminated) == [33.0]  # Timer M = 64*T1
    assert clock.times(Transmit) == [0.0]


def test_non_invite_client_timer_e_capped_at_t2_and_timer_f() -> None:
    tx = ClientNonInviteTransaction(request("OPTIONS"), PEER, now=10.0)
    clock = Clock(tx)
    clock.drain(10.0)
    clock.run_until(100.0)
    sent = [round(t - 10.0, 3) for t in clock.times(Transmit)]
    assert sent == [0.0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]
    assert [e for _, e in clock.log if isinstance(e, TransactionTimedOut)] == [
        TransactionTimedOut("F")
    ]
    assert clock.times(Terminated) == [42.0]


def test_non_invite_client_proceeding_retransmits_at_t2_then_timer_k() -> None:
    options = request("OPTIONS")
    tx = ClientNonInviteTransaction(options, PEER, now=0.0)
    clock = Clock(tx)
    clock.drain(0.0)
    clock.run_until(0.6)  # first retransmission at 0.5; next due at 1.5
    tx.receive(build_response(options, 100), 0.6)
    clock.drain(0.6)
    clock.run_until(10.0)
    assert clock.times(Transmit) == [0.0, 0.5, 1.5, 5.5, 9.5]  # 17.1.2.2: T2 in Proceeding
    tx.receive(build_response(options, 200, to_tag="x"), 10.0)
    clock.drain(10.0)
    tx.receive(build_response(options, 200, to_tag="x"), 11.0)
    assert clock.drain(11.0) == []  # absorbed in Completed
    clock.run_until(100.0)
    assert clock.times(Terminated) == [15.0]  # Timer K = T4


def test_server_invite_timer_g_h_for_unacknowledged_failure() -> None:
    invite = request("INVITE")
    tx = ServerInviteTransaction(invite, PEER, now=0.0)
    clock = Clock(tx)
    trying = clock.drain(0.0)
    assert isinstance(trying[0], Transmit) and isinstance(trying[0].message, SipResponse)
    assert trying[0].message.status == 100
    tx.receive(invite, 0.3)  # retransmitted INVITE: the last response again
    assert [e.message.status for e in clock.drain(0.3) if isinstance(e, Transmit)] == [100]  # type: ignore[union-attr]
    tx.send_response(build_response(invite, 486, to_tag="b1"), 1.0)
    clock.drain(1.0)
    clock.run_until(100.0)
    sent = [t for t in clock.times(Transmit)]
    assert sent == [0.0, 0.3, 1.0, 1.5, 2.5, 4.5, 8.5, 12.5, 16.5, 20.5, 24.5, 28.5, 32.5]
    assert [e for _, e in clock.log if isinstance(e, TransactionTimedOut)] == [
        TransactionTimedOut("H")
    ]
    assert clock.times(Terminated) == [33.0]


def test_server_invite_ack_confirms_then_timer_i() -> None:
    invite = request("INVITE")
    tx = ServerInviteTransaction(invite, PEER, now=0.0, send_trying=False)
    clock = Clock(tx)
    tx.send_response(build_response(invite, 404, to_tag="b1"), 0.0)
    clock.drain(0.0)
    ack = SipRequest("ACK", invite.uri, invite.headers.replace("CSeq", "1 ACK"))
    assert server_key(ack) == server_key(invite)
    tx.receive(ack, 0.2)
    assert tx.state is TxState.CONFIRMED and clock.drain(0.2) == []
    clock.run_until(100.0)
    assert clock.times(Transmit) == [0.0]  # Timer G stopped by the ACK
    assert clock.times(Terminated) == [5.2]  # Timer I = T4


def test_server_invite_accepted_absorbs_retransmissions_until_timer_l() -> None:
    invite = request("INVITE")
    tx = ServerInviteTransaction(invite, PEER, now=0.0)
    clock = Clock(tx)
    ok = build_response(invite, 200, to_tag="b1")
    tx.send_response(ok, 0.1)
    clock.drain(0.1)
    tx.receive(invite, 0.5)
    assert clock.drain(0.5) == []  # RFC 6026 8.5: absorbed, the TU retransmits 2xx itself
    tx.send_response(ok, 0.6)
    assert [type(e) for e in clock.drain(0.6)] == [Transmit]
    ack = SipRequest("ACK", invite.uri, invite.headers.replace("CSeq", "1 ACK"))
    tx.receive(ack, 0.7)
    assert clock.drain(0.7) == [RequestReceived(ack)]
    clock.run_until(100.0)
    assert clock.times(Terminated) == [32.1]  # Timer L = 64*T1
    with pytest.raises(ValueError):
        tx.send_response(ok, 101.0)


def test_server_non_invite_timer_j_and_absorption() -> None:
    bye = request("BYE")
    tx = ServerNonInviteTransaction(bye, PEER, now=0.0)
    clock = Clock(tx)
    tx.receive(bye, 0.1)
    assert clock.drain(0.1) == []  # Trying: retransmissions discarded
    tx.send_response(build_response(bye, 200), 0.2)
    clock.drain(0.2)
    tx.receive(bye, 0.4)
    assert [type(e) for e in clock.drain(0.4)] == [Transmit]  # the 200 again
    with pytest.raises(ValueError, match="cannot send 200 in state completed"):
        tx.send_response(build_response(bye, 200), 0.5)
    clock.run_until(100.0)
    assert clock.times(Terminated) == [32.2]  # Timer J = 64*T1


def test_reliable_transport_skips_retransmissions_and_zeroes_waits() -> None:
    config = TimerConfig(reliable=True)
    tx = ClientNonInviteTransaction(request("OPTIONS"), PEER, now=0.0, config=config)
    clock = Clock(tx)
    clock.drain(0.0)
    clock.run_until(100.0)
    assert clock.times(Transmit) == [0.0] and clock.times(Terminated) == [32.0]
    assert config.duration("K") == 0.0 and TimerConfig(t1=0.1).duration("B") == pytest.approx(6.4)


def test_tables_and_keys() -> None:
    invite = request("INVITE")
    assert client_key(build_response(invite, 180)) == ("z9hG4bKtest1", "INVITE")
    assert server_key(invite) == ("z9hG4bKtest1", "127.0.0.1", 5060, "INVITE")
    cancel = SipRequest("CANCEL", invite.uri, invite.headers.replace("CSeq", "1 CANCEL"))
    assert server_key(cancel)[3] == "CANCEL"
    assert all(state is not TxState.TERMINATED for state, _ in CLIENT_INVITE)
    with pytest.raises(ValueError):
        ClientInviteTransaction(request("OPTIONS"), PEER, now=0.0)
    with pytest.raises(ValueError):
        ServerNonInviteTransaction(request("INVITE"), PEER, now=0.0)
