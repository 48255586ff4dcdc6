"""SIP dialogs (RFC 3261 section 12), sans-IO.

A :class:`Dialog` holds the state section 12 names (Call-ID, tags, URIs, remote target,
route set, CSeq numbers, secure flag) and builds in-dialog requests from it. Requests
come out without a Via: the user agent core stamps one with a fresh branch when it hands
the request to a transaction, because only it knows the transport address.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from harness.sip.entropy import random_below
from harness.sip.grammar import SipParseError
from harness.sip.headers import Headers
from harness.sip.message import MAX_CSEQ, SipRequest, SipResponse
from harness.sip.uri import NameAddr, SipUri

__all__ = ["DIALOG_TRANSITIONS", "Dialog", "DialogState"]


class DialogState(enum.Enum):
    """Dialog states (section 12): early after a 1xx with a tag, confirmed after a 2xx."""

    EARLY = "early"
    CONFIRMED = "confirmed"
    TERMINATED = "terminated"


# (state, event) -> next state. Events: "confirm" (2xx), "terminate" (non-2xx final, BYE).
DIALOG_TRANSITIONS: dict[tuple[DialogState, str], DialogState] = {
    (DialogState.EARLY, "confirm"): DialogState.CONFIRMED,
    (DialogState.EARLY, "terminate"): DialogState.TERMINATED,
    (DialogState.CONFIRMED, "confirm"): DialogState.CONFIRMED,
    (DialogState.CONFIRMED, "terminate"): DialogState.TERMINATED,
    (DialogState.TERMINATED, "terminate"): DialogState.TERMINATED,
}

# Requests that refresh the remote target and so carry a Contact (section 12.2.1.1).
TARGET_REFRESH = frozenset({"INVITE", "UPDATE", "SUBSCRIBE", "NOTIFY", "REFER"})


@dataclass
class Dialog:
    """One dialog, seen from our side. Mutable: CSeq numbers and state move on."""

    call_id: str
    local_tag: str
    remote_tag: str
    local_uri: NameAddr
    remote_uri: NameAddr
    remote_target: SipUri
    route_set: tuple[str, ...] = ()
    local_cseq: int = 0
    remote_cseq: int | None = None
    secure: bool = False
    local_contact: str | None = None
    state: DialogState = DialogState.EARLY
    user_agent: str | None = field(default=None, compare=False)

    @property
    def id(self) -> tuple[str, str, str]:
        """The dialog id: Call-ID, local tag, remote tag (section 12)."""
        return self.call_id, self.local_tag, self.remote_tag

    @classmethod
    def from_uac(
        cls, request: SipRequest, response: SipResponse, *, local_contact: str | None = None
    ) -> Dialog:
        """The UAC side of a dialog created by ``response`` to ``request`` (section 12.1.2)."""
        remote_tag = response.to.tag
        local_tag = request.from_.tag
        if remote_tag is None or local_tag is None:
            raise SipParseError("a dialog-creating response needs tags in From and To")
        contact = response.contact
        if contact is None and response.status < 300 and response.status >= 200:
            raise SipParseError(f"{response.status} to {request.method} without a Contact")
        dialog = cls(
            call_id=request.call_id,
            local_tag=local_tag,
            remote_tag=remote_tag,
            local_uri=request.from_.with_tag(None),
            remote_uri=response.to.with_tag(None),
            remote_target=contact.uri if contact is not None else request.uri,
            route_set=tuple(reversed(response.headers.get_all("Record-Route"))),
            local_cseq=request.cseq.seq,
            secure=request.uri.scheme == "sips",
            local_contact=local_contact or request.headers.get("Contact"),
        )
        if 200 <= response.status < 300:
            dialog.confirm()
        return dialog

    @classmethod
    def from_uas(
        cls,
        request: SipRequest,
        local_tag: str,
        *,
        local_contact: str | None = None,
        local_cseq: int | None = None,
    ) -> Dialog:
        """The UAS side of a dialog created by answering ``request`` (section 12.1.1)."""
        contact = request.contact
        remote_tag = request.from_.tag
        if contact is None:
            raise SipParseError(f"{request.method} without a Contact cannot create a dialog")
        if remote_tag is None:
            raise SipParseError(f"{request.method} without a From tag")
        return cls(
            call_id=request.call_id,
            local_tag=local_tag,
            remote_tag=remote_tag,
            local_uri=request.to.with_tag(None),
            remote_uri=request.from_.with_tag(None),
            remote_target=contact.uri,
            route_set=tuple(request.headers.get_all("Record-Route")),
            # Section 12.1.1: our sequence space starts empty; pick a random start (8.1.1.5).
            local_cseq=local_cseq if local_cseq is not None else random_below(2**16),
            remote_cseq=request.cseq.seq,
            secure=request.uri.scheme == "sips",
            local_contact=local_contact,
        )

    # --- state -----------------------------------------------------------------------------

    def _move(self, event: str) -> None:
        try:
            self.state = DIALOG_TRANSITIONS[(self.state, event)]
        except KeyError:
            raise ValueError(f"dialog cannot {event} from {self.state.value}") from None

    def confirm(self) -> None:
        """A 2xx arrived or was sent: the dialog is confirmed."""
        self._move("confirm")

    def terminate(self) -> None:
        """BYE sent or received, or the early dialog failed."""
        self._move("terminate")

    # --- requests --------------------------------------------------------------------------

    def _routing(self) -> tuple[SipUri, list[str]]:
        """Request-URI and Route values for the next request (section 12.2.1.1)."""
        if not self.route_set:
            return self.remote_target, []
        first = NameAddr.parse(self.route_set[0])
        if first.uri.param("lr") is not None:
            return self.remote_target, list(self.route_set)
        # Strict router (RFC 2543): it goes into the Request-URI, the target goes last.
        strict_uri = first.uri.without_headers()
        return strict_uri, [*self.route_set[1:], f"<{self.remote_target}>"]

    def next_hop(self) -> tuple[str, int]:
        """Address to send in-dialog requests to: first route, else the remote target."""
        if self.route_set:
            return NameAddr.parse(self.route_set[0]).uri.address
        return self.remote_target.address

    def create_request(
        self,
        method: str,
        body: bytes = b"",
        content_type: str | None = None,
        extra: Iterable[tuple[str, str]] = (),
        *,
        cseq: int | None = None,
    ) -> SipRequest:
        """A new in-dialog request (section 12.2.1.1), CSeq incremented unless ACK/CANCEL."""
        if self.state is DialogState.TERMINATED and method != "ACK":
            raise ValueError(f"cannot send {method} in a terminated dialog")
        if body and content_type is None:
            raise ValueError("a body needs a content_type")
        if cseq is None:
            if method in ("ACK", "CANCEL"):
                raise ValueError(f"{method} reuses the CSeq number of the request it refers to")
            self.local_cseq += 1
            if self.local_cseq >= MAX_CSEQ:
                raise ValueError("local CSeq exhausted")
            cseq = self.local_cseq
        uri, routes = self._routing()
        items: list[tuple[str, str]] = [
            ("Max-Forwards", "70"),
            ("From", str(self.local_uri.with_tag(self.local_tag))),
            ("To", str(self.remote_uri.with_tag(self.remote_tag))),
            ("Call-ID", self.call_id),
            ("CSeq", f"{cseq} {method}"),
        ]
        items += [("Route", r) for r in routes]
        if method in TARGET_REFRESH and self.local_contact is not None:
            items.append(("Contact", self.local_contact))
        if self.user_agent:
            items.append(("User-Agent", self.user_agent))
        items += list(extra)
        if content_type is not None:
            items.append(("Content-Type", content_type))
        return SipRequest(method, uri, Headers(items), body)

    def create_ack(
        self, invite_cseq: int, body: bytes = b"", content_type: str | None = None
    ) -> SipRequest:
        """The ACK for a 2xx to the INVITE with CSeq ``invite_cseq`` (section 13.2.2.4)."""
        return self.create_request("ACK", body, content_type, cseq=invite_cseq)

    def create_bye(self, extra: Iterable[tuple[str, str]] = ()) -> SipRequest:
        """A BYE ending this dialog (section 15.1.1)."""
        return self.create_request("BYE", extra=extra)

    def create_reinvite(self, sdp: bytes) -> SipRequest:
        """A re-INVITE carrying a new offer, e.g. for hold/resume (section 14.1)."""
        return self.create_request("INVITE", sdp, "application/sdp")

    # --- incoming --------------------------------------------------------------------------

    def check_remote_cseq(self, request: SipRequest) -> bool:
        """Accept ``request`` only if its CSeq is above the last one (section 12.2.2).

        ACK and CANCEL reuse the CSeq of the request they refer to, so they are exempt.
        On success the remote CSeq advances; on failure the caller answers 500.
        """
        if request.method in ("ACK", "CANCEL"):
            return True
        seq = request.cseq.seq
        if self.remote_cseq is not None and seq <= self.remote_cseq:
            return False
        self.remote_cseq = seq
        return True

    def refresh_target(self, message: SipRequest | SipResponse) -> None:
        """Take the remote target from the Contact of a target-refresh message (12.2)."""
        contact = message.contact
        if contact is not None:
            self.remote_target = contact.uri

    def matches(self, message: SipRequest | SipResponse, *, incoming_request: bool) -> bool:
        """True when ``message`` belongs to this dialog (Call-ID and both tags)."""
        if message.call_id != self.call_id:
            return False
        if incoming_request:
            return message.to.tag == self.local_tag and message.from_.tag == self.remote_tag
        return message.from_.tag == self.local_tag and message.to.tag == self.remote_tag
