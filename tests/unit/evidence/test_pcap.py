"""The pcap writer and reader: exact headers, valid checksums, both IP families, clear errors."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from harness.evidence.capture import Datagram
from harness.evidence.pcap import (
    LINKTYPE_RAW,
    PcapFormatError,
    _checksum,
    encode_packet,
    read_pcap,
    write_pcap,
)

SIP = b"OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nCall-ID: abc\r\nContent-Length: 0\r\n\r\n"


def test_an_ipv4_packet_has_exact_lengths_and_valid_checksums() -> None:
    packet = encode_packet(("127.0.0.1", 5080), ("127.0.0.2", 5060), SIP, ident=7)
    assert packet[0] == 0x45
    assert struct.unpack("!H", packet[2:4])[0] == len(packet) == 20 + 8 + len(SIP)
    assert packet[9] == 17  # UDP
    assert _checksum(packet[:20]) == 0  # a right header checksum sums to zero
    sport, dport, length, _ = struct.unpack("!HHHH", packet[20:28])
    assert (sport, dport, length) == (5080, 5060, 8 + len(SIP))
    pseudo = packet[12:20] + struct.pack("!BBH", 0, 17, length)
    assert _checksum(pseudo + packet[20:]) == 0
    assert packet[28:] == SIP


def test_an_ipv6_packet_carries_a_valid_udp_checksum() -> None:
    packet = encode_packet(("::1", 40000, 0, 0), ("::1", 40002, 0, 0), b"\x80" * 172)
    assert packet[0] >> 4 == 6
    assert struct.unpack("!H", packet[4:6])[0] == 8 + 172
    pseudo = packet[8:40] + struct.pack("!IxxxB", 8 + 172, 17)
    assert _checksum(pseudo + packet[40:]) == 0


def test_an_ipv4_peer_of_an_ipv6_socket_is_written_as_ipv4_mapped() -> None:
    packet = encode_packet(("::", 5060, 0, 0), ("127.0.0.1", 5070), SIP)
    assert packet[0] >> 4 == 6
    assert packet[24:40] == bytes(10) + b"\xff\xff" + bytes([127, 0, 0, 1])


def test_written_datagrams_read_back_in_order_with_times(tmp_path: Path) -> None:
    datagrams = [
        Datagram(1_700_000_000.25, ("127.0.0.1", 5080), ("127.0.0.1", 5060), SIP),
        Datagram(1_700_000_000.5, ("::1", 40000, 0, 0), ("::1", 40002, 0, 0), b"\x80\x00" * 50),
    ]
    path = tmp_path / "c.pcap"
    assert write_pcap(path, datagrams) == 2
    raw = path.read_bytes()
    magic, major, minor, _, _, _, linktype = struct.unpack_from("<IHHiIII", raw)
    assert (magic, major, minor, linktype) == (0xA1B2C3D4, 2, 4, LINKTYPE_RAW)
    packets = read_pcap(path)
    assert [(p.source, p.destination, p.payload) for p in packets] == [
        (("127.0.0.1", 5080), ("127.0.0.1", 5060), SIP),
        (("::1", 40000), ("::1", 40002), b"\x80\x00" * 50),
    ]
    assert packets[0].at == pytest.approx(1_700_000_000.25)


def test_a_file_that_is_not_a_pcap_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.pcap"
    path.write_bytes(b"this is plain text, long enough for a header")
    with pytest.raises(PcapFormatError, match=r"notes\.pcap: magic 0x73696874"):
        read_pcap(path)


def test_a_cut_short_capture_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.pcap"
    write_pcap(path, [Datagram(1.0, ("127.0.0.1", 1), ("127.0.0.1", 2), SIP)])
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(PcapFormatError, match="cut short"):
        read_pcap(path)


def test_a_packet_whose_udp_length_disagrees_with_ip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.pcap"
    write_pcap(path, [Datagram(1.0, ("127.0.0.1", 1), ("127.0.0.1", 2), SIP)])
    raw = bytearray(path.read_bytes())
    udp_length_at = 24 + 16 + 20 + 4  # global header, record header, IPv4 header, ports
    raw[udp_length_at : udp_length_at + 2] = struct.pack("!H", 8 + len(SIP) - 8)
    path.write_bytes(bytes(raw))
    with pytest.raises(PcapFormatError, match=r"UDP length of the packet at byte 40 is"):
        read_pcap(path)
