"""What the reference accepts in a caller's SDP offer, decided before any agent rings.

The rules are RFC 3264's (:mod:`harness.sip.offer`); this module adds the reference's own
policy on addresses. The reference runs on loopback and sends media nowhere else, so:

- a connection address must be a loopback address (127.0.0.0/8 or ::1);
- a host name (RFC 4566 allows one in ``c=``) is resolved from the hosts file only: a DNS
  query would be a packet sent off loopback, and a name the hosts file does not know cannot
  lead anywhere the reference may send to. Names under the reserved ``.invalid`` top-level
  domain (RFC 6761 section 6.4) never resolve.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from harness.sip.offer import IpAddress, OfferReview, review_offer
from harness.sip.sdp import SessionDescription

__all__ = ["HOSTS_FILE", "HostsFile", "loopback_only", "review_caller_offer"]

HOSTS_FILE = Path("/etc/hosts")


def loopback_only(address: IpAddress) -> bool:
    """The reference sends media to loopback addresses only."""
    return address.is_loopback


class HostsFile:
    """Host names from a hosts(5) file, looked up without any network traffic."""

    def __init__(self, text: str) -> None:
        self._names: dict[tuple[str, int], str] = {}
        for line in text.splitlines():
            fields = line.split("#", 1)[0].split()
            if len(fields) < 2:
                continue
            try:
                address = ipaddress.ip_address(fields[0].split("%", 1)[0])
            except ValueError:
                continue
            for name in fields[1:]:
                self._names.setdefault((name.lower(), address.version), str(address))

    @classmethod
    def read(cls, path: Path = HOSTS_FILE) -> HostsFile:
        """The hosts file at ``path``; an unreadable one knows only ``localhost``."""
        try:
            return cls(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return cls("127.0.0.1 localhost\n::1 localhost\n")

    def resolve(self, name: str, addrtype: str) -> str | None:
        """The address of ``name`` of type ``addrtype`` ("IP4" or "IP6"), or None."""
        key = name.lower().rstrip(".")
        if key == "invalid" or key.endswith(".invalid"):
            return None
        version = 6 if addrtype == "IP6" else 4
        found = self._names.get((key, version))
        if found is None and key == "localhost":  # RFC 6761 section 6.3: always loopback
            found = "::1" if version == 6 else "127.0.0.1"
        return found


def review_caller_offer(offer: SessionDescription, codecs: tuple[str, ...]) -> OfferReview:
    """Review a caller's offer with the reference's address policy (see the module)."""
    return review_offer(offer, codecs, resolve=HostsFile.read().resolve, reachable=loopback_only)
