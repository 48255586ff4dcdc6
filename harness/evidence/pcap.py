"""Captured datagrams as a classic libpcap file, and a reader for such files.

The file is what tcpdump writes (magic 0xa1b2c3d4, microsecond times) with link type
LINKTYPE_RAW (101): each record is an IP packet, IPv4 or IPv6 as its first nibble says, so one
file holds both families. The IP and UDP headers are synthesised from the socket addresses the
datagram travelled between: lengths exact, the IPv4 header checksum computed, the UDP checksum
computed too (mandatory over IPv6, RFC 8200 section 8.1; over IPv4 it could be 0, but a right
one keeps Wireshark's checksum validation quiet when a user turns it on).

Wireshark and tshark decode UDP port 5060 as SIP by themselves; for other ports give them
``-d udp.port==N,sip`` (and ``-d udp.port==N,rtp`` or ``-o rtp.heuristic_rtp:TRUE`` for RTP).
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from harness.evidence.capture import Datagram
from harness.net.udp import SocketAddress

__all__ = [
    "LINKTYPE_RAW",
    "CapturedPacket",
    "PcapFormatError",
    "encode_packet",
    "read_pcap",
    "write_pcap",
]

LINKTYPE_RAW = 101
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
_MAGIC_US = 0xA1B2C3D4
_MAGIC_NS = 0xA1B23C4D
_SNAPLEN = 262_144
_GLOBAL = struct.Struct("<IHHiIII")
_RECORD = struct.Struct("<IIII")
_UDP = struct.Struct("!HHHH")
_IPV4 = struct.Struct("!BBHHHBBH4s4s")
_IPV6 = struct.Struct("!IHBB16s16s")
_UDP_PROTOCOL = 17
_TTL = 64
_MAX_IPV4_PAYLOAD = 65535 - 20 - 8

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class PcapFormatError(Exception):
    """A file that is not a pcap of IP/UDP packets this module can read."""


@dataclass(frozen=True)
class CapturedPacket:
    """One UDP datagram read back from a pcap file."""

    at: float
    source: tuple[str, int]
    destination: tuple[str, int]
    payload: bytes


@lru_cache(maxsize=256)
def _ip(host: object) -> IpAddress:
    """The address of a socket address's host; a name (only "localhost" is expected) or
    something unparsable becomes the loopback or unspecified address of its family."""
    text = str(host).split("%", 1)[0]  # an IPv6 scope ("fe80::1%lo") is not part of the address
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return ipaddress.ip_address("127.0.0.1" if text == "localhost" else "0.0.0.0")


def _same_family(a: IpAddress, b: IpAddress) -> tuple[IpAddress, IpAddress]:
    """An IPv4 peer of an IPv6 socket appears as IPv4-mapped IPv6 (RFC 4291 section 2.5.5.2)."""
    if a.version == b.version:
        return a, b
    if a.version == 4:
        return ipaddress.IPv6Address(f"::ffff:{a}"), b
    return a, ipaddress.IPv6Address(f"::ffff:{b}")


def _checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071): ones' complement of the ones' complement sum."""
    if len(data) % 2:
        data += b"\0"
    total = int(np.frombuffer(data, dtype=">u2").sum(dtype=np.uint64))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _udp(src: IpAddress, dst: IpAddress, sport: int, dport: int, payload: bytes) -> bytes:
    length = 8 + len(payload)
    if src.version == 4:
        pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, _UDP_PROTOCOL, length)
    else:
        pseudo = src.packed + dst.packed + struct.pack("!IxxxB", length, _UDP_PROTOCOL)
    header = _UDP.pack(sport, dport, length, 0)
    checksum = _checksum(pseudo + header + payload) or 0xFFFF  # 0 means "none" (RFC 768)
    return _UDP.pack(sport, dport, length, checksum) + payload


def encode_packet(
    source: SocketAddress, destination: SocketAddress, payload: bytes, ident: int = 0
) -> bytes:
    """An IPv4 or IPv6 packet carrying ``payload`` in UDP from ``source`` to ``destination``."""
    src, dst = _same_family(_ip(source[0]), _ip(destination[0]))  # parsed once per address
    sport, dport = int(source[1]), int(destination[1])
    if src.version == 4:
        payload = payload[:_MAX_IPV4_PAYLOAD]  # cannot happen over IPv4; never a bad length
        udp = _udp(src, dst, sport, dport, payload)
        fields = [0x45, 0, 20 + len(udp), ident & 0xFFFF, 0x4000, _TTL, _UDP_PROTOCOL, 0]
        header = _IPV4.pack(*fields, src.packed, dst.packed)
        fields[-1] = _checksum(header)
        return _IPV4.pack(*fields, src.packed, dst.packed) + udp
    udp = _udp(src, dst, sport, dport, payload)
    header = _IPV6.pack(6 << 28, len(udp), _UDP_PROTOCOL, _TTL, src.packed, dst.packed)
    return header + udp


def write_pcap(path: str | Path, datagrams: Iterable[Datagram]) -> int:
    """Write ``datagrams`` to a pcap file at ``path``; returns how many packets it holds."""
    count = 0
    with open(path, "wb") as out:
        out.write(_GLOBAL.pack(_MAGIC_US, 2, 4, 0, 0, _SNAPLEN, LINKTYPE_RAW))
        for datagram in datagrams:
            packet = encode_packet(datagram.source, datagram.destination, datagram.data, count)
            seconds = int(datagram.at)
            micros = min(999_999, round((datagram.at - seconds) * 1_000_000))
            kept = packet[:_SNAPLEN]
            out.write(_RECORD.pack(seconds, micros, len(kept), len(packet)))
            out.write(kept)
            count += 1
    return count


def read_pcap(path: str | Path) -> list[CapturedPacket]:
    """The UDP datagrams of a pcap file of raw IP packets (as `write_pcap` writes them)."""
    data = Path(path).read_bytes()
    if len(data) < _GLOBAL.size:
        raise PcapFormatError(f"{path}: {len(data)} bytes, too short for a pcap header")
    magic = struct.unpack_from("<I", data)[0]
    if magic in (_MAGIC_US, _MAGIC_NS):
        order = "<"
    elif struct.unpack_from(">I", data)[0] in (_MAGIC_US, _MAGIC_NS):
        order, magic = ">", struct.unpack_from(">I", data)[0]
    else:
        raise PcapFormatError(f"{path}: magic {magic:#010x} is not a pcap file's")
    linktype = struct.unpack_from(f"{order}I", data, 20)[0] & 0xFFFF
    if linktype not in (LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6):
        raise PcapFormatError(f"{path}: link type {linktype}, expected raw IP (101, 228, 229)")
    fraction = 1e-9 if magic == _MAGIC_NS else 1e-6
    packets = []
    offset = _GLOBAL.size
    while offset < len(data):
        if offset + _RECORD.size > len(data):
            raise PcapFormatError(f"{path}: record header cut short at byte {offset}")
        seconds, part, caplen, _ = struct.unpack_from(f"{order}IIII", data, offset)
        offset += _RECORD.size
        if offset + caplen > len(data):
            raise PcapFormatError(f"{path}: packet at byte {offset} cut short")
        packet = _parse_ip(data[offset : offset + caplen], offset, path)
        offset += caplen
        if packet is not None:
            source, destination, payload = packet
            packets.append(CapturedPacket(seconds + part * fraction, source, destination, payload))
    return packets


def _parse_ip(
    packet: bytes, offset: int, path: str | Path
) -> tuple[tuple[str, int], tuple[str, int], bytes] | None:
    """(source, destination, payload) of a UDP packet; None for any other protocol."""
    if not packet:
        raise PcapFormatError(f"{path}: empty packet at byte {offset}")
    version = packet[0] >> 4
    if version == 4:
        header_length = (packet[0] & 0x0F) * 4
        protocol = packet[9]
        src: IpAddress = ipaddress.IPv4Address(packet[12:16])
        dst: IpAddress = ipaddress.IPv4Address(packet[16:20])
    elif version == 6:
        header_length, protocol = 40, packet[6]
        src, dst = ipaddress.IPv6Address(packet[8:24]), ipaddress.IPv6Address(packet[24:40])
    else:
        raise PcapFormatError(f"{path}: IP version {version} in the packet at byte {offset}")
    if protocol != _UDP_PROTOCOL:
        return None
    ip_length = struct.unpack_from("!H", packet, 2 if version == 4 else 4)[0]
    ip_payload = ip_length - header_length if version == 4 else ip_length
    if header_length + ip_payload != len(packet):
        raise PcapFormatError(
            f"{path}: the IP length of the packet at byte {offset} says {ip_payload} bytes of "
            f"payload, the record holds {len(packet) - header_length}"
        )
    sport, dport, length, _ = _UDP.unpack_from(packet, header_length)
    if length != ip_payload:
        raise PcapFormatError(
            f"{path}: the UDP length of the packet at byte {offset} is {length}, "
            f"its IP payload {ip_payload} bytes"
        )
    payload = packet[header_length + 8 : header_length + length]
    return (str(src), sport), (str(dst), dport), payload
