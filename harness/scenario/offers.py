"""SDP offers a customer's phone may send, and how the SUT must treat them (RFC 3264, RFC 4566).

The scenarios of ``features/calls/offers.feature`` name one part of the offer and the value it
takes ("the connection line is "IN IP4 aaaa.invalid""); :func:`reshape` writes that into the
customer's ordinary offer, as text, so that even values no parser would produce (a port of
99999, an address type of IP7) reach the SUT exactly as written.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.endpoints.events import AudioHeard, CallConnected, CallFailed, PhoneRinging
from harness.errors import ConformanceFailure
from harness.runtime.journal import Match, UnexpectedEvent, WaitTimeout
from harness.scenario.calls import LOG_TIMEOUT, CallFlows, PlacedCall
from harness.scenario.cast import CUSTOMER
from harness.sip.grammar import SipParseError
from harness.sip.sdp import SessionDescription
from harness.sut.events import SutEvent
from harness.sut.model import CallLogEntry

__all__ = ["PARTS", "OfferFlows", "reshape", "unusable_stream_first"]

PARTS = (
    "connection line",
    "transport",
    "formats",
    "audio port",
    "rtcp attribute",
    "media type",
    "direction",
)
OUTCOME_TIMEOUT = 10.0  # s for the SUT's final answer to the INVITE
NO_RING_WINDOW = 1.0  # s after the refusal during which no phone may start ringing
CRYPTO = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"


def _split(offer: bytes) -> tuple[list[str], list[str]]:
    """The session lines and the (single) audio section's lines of one of our offers."""
    lines = [line for line in offer.decode("ascii").split("\r\n") if line]
    start = next(i for i, line in enumerate(lines) if line.startswith("m="))
    return lines[:start], lines[start:]


def _join(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _set_m_field(section: list[str], index: int, value: str) -> list[str]:
    fields = section[0][2:].split(" ")
    fields[index] = value
    return ["m=" + " ".join(fields), *section[1:]]


def _reshape_section(section: list[str], part: str, value: str) -> list[str]:
    if part == "transport":
        out = _set_m_field(section, 2, value)
        return [*out, CRYPTO] if "SAVP" in value.upper() else out  # what an SRTP offer carries
    if part == "audio port":
        return _set_m_field(section, 1, value)
    if part == "media type":
        return _set_m_field(section, 0, value)
    if part == "formats":
        number, _, rtpmap = value.partition(" ")
        head = section[0][2:].split(" ")[:3]
        kept = [x for x in section[1:] if not x.startswith(("a=rtpmap:", "a=fmtp:"))]
        maps = [f"a=rtpmap:{number} {rtpmap}"] if rtpmap else []
        return ["m=" + " ".join([*head, number]), *maps, *kept]
    if part == "rtcp attribute":
        return [*section, f"a=rtcp:{value}"]
    if part == "direction":
        directions = ("a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive")
        return [*(x for x in section if x not in directions), f"a={value}"]
    if part == "connection line":
        connection = [] if value == "none" else [f"c={value}"]
        return [section[0], *connection, *(x for x in section[1:] if not x.startswith("c="))]
    raise ValueError(f"unknown part of an offer {part!r}; known: {', '.join(PARTS)}")


def reshape(offer: bytes, part: str, value: str) -> bytes:
    """``offer`` with ``part`` set to ``value``; "none" removes the connection line."""
    session, section = _split(offer)
    if part == "connection line":
        connection = [] if value == "none" else [f"c={value}"]
        kept = [x for x in session if not x.startswith("c=")]
        timing = next(i for i, line in enumerate(kept) if line.startswith("t="))
        return _join([*kept[:timing], *connection, *kept[timing:], *section])
    return _join([*session, *_reshape_section(section, part, value)])


def unusable_stream_first(offer: bytes, part: str, value: str) -> bytes:
    """``offer`` with a copy of its audio stream, ``part`` set to ``value``, placed before it.

    The copy's port is the real one plus 2, so nothing the SUT might send there reaches the
    customer's audio; a connection line is given to the copy alone (media level).
    """
    session, section = _split(offer)
    fields = section[0][2:].split(" ")
    copy = _set_m_field(section, 1, str(int(fields[1]) + 2))
    return _join([*session, *_reshape_section(copy, part, value), *section])


@dataclass(frozen=True)
class Refusal:
    """How the SUT refused the customer's INVITE."""

    status: int
    reason: str
    warning: str


class OfferFlows:
    """Calls whose offer is shaped by the scenario, and what the SUT did with them."""

    def __init__(self, flows: CallFlows) -> None:
        self.flows = flows
        self.cast = flows.cast

    def call_with(self, number: str, part: str, value: str) -> PlacedCall:
        """The customer calls ``number`` with ``part`` of the offer set to ``value``."""
        _check_part(part)
        return self.flows.dial(number, shape=lambda offer: reshape(offer, part, value))

    def call_with_unusable_stream_first(self, number: str, part: str, value: str) -> PlacedCall:
        """The customer offers an unusable audio stream, then the usual usable one."""
        _check_part(part)
        return self.flows.dial(
            number, shape=lambda offer: unusable_stream_first(offer, part, value)
        )

    def call_offering(self, number: str, direction: str) -> PlacedCall:
        """The customer calls ``number`` offering audio in ``direction`` (RFC 3264 section 6.1);
        her phone sends and listens whatever it offered, so what each side hears is what the
        SUT forwards."""
        return self.flows.dial(number, direction=direction)

    def answered_direction(self, call: PlacedCall) -> str:
        """The direction of the audio stream in the SUT's answer to the customer."""
        self.answered_streams(call)  # waits for the answer, checks it parses
        body = self.flows.portal.run(self.cast.customer.answer_sdp(call.sip_call_id))
        assert body is not None
        return SessionDescription.parse(body).direction()

    def expect_answer_direction(self, call: PlacedCall, direction: str) -> None:
        """The SUT's answer to the customer's offer says ``direction`` (RFC 3264 section 6.1)."""
        seen = self.answered_direction(call)
        if seen != direction:
            raise ConformanceFailure((), f"an answer saying {direction}", seen)

    def expect_heard_as_offered(
        self,
        call: PlacedCall,
        agent: str,
        *,
        agent_hears: bool,
        customer_hears: bool,
        window: float,
    ) -> None:
        """Within ``window`` s of the answer, each side hears the other exactly as expected.

        Hearing is the journal's AudioHeard (the speaker's signature detected); not hearing is
        proven by no such event from the answer to ``window`` s after the last check.
        """
        legs = {CUSTOMER: call.sip_call_id, agent: call.agent_legs[agent]}
        checks = ((agent, CUSTOMER, agent_hears), (CUSTOMER, agent, customer_hears))
        problems = []
        for listener, speaker, expected in checks:
            if expected and self.flows.heard(call, listener, speaker, window) is None:
                problems.append(f"{listener} did not hear {speaker} within {window:g} s")
        silent_legs = {legs[listener] for listener, _, expected in checks if not expected}
        if silent_legs:
            match = Match(AudioHeard, sip_call_id=lambda leg: leg in silent_legs)
            start = call.answered_at if call.answered_at is not None else call.dialled_at
            try:
                self.flows.journal.expect_absent(match, within=window, after=start)
            except UnexpectedEvent:
                heard = self.flows.journal.events(match)
                problems.extend(f"{ev.party} heard {ev.heard}" for ev in heard[:2])
        if problems:
            wanted = ", ".join(
                f"{listener} {'hears' if hears else 'does not hear'} {speaker}"
                for listener, speaker, hears in checks
            )
            raise ConformanceFailure((), wanted, "; ".join(problems))

    def call_with_late_offer(self, number: str) -> PlacedCall:
        """The customer calls ``number`` with an INVITE without SDP (RFC 3261 section 13.2.1)."""
        return self.flows.dial(number, late_offer=True)

    def refusal(self, call: PlacedCall) -> Refusal:
        """The final non-2xx answer to the customer's INVITE; a connected call fails H-SEC-3."""
        journal = self.flows.journal
        try:
            failed = journal.wait_for(
                Match(CallFailed, party=CUSTOMER, sip_call_id=call.sip_call_id),
                OUTCOME_TIMEOUT,
                after=call.dialled_at,
            )
        except WaitTimeout:
            connected = journal.events(
                Match(CallConnected, party=CUSTOMER, sip_call_id=call.sip_call_id)
            )
            seen = "the call was answered" if connected else "no final response"
            raise ConformanceFailure((), f"a refusal within {OUTCOME_TIMEOUT:g} s", seen) from None
        return Refusal(failed.status, failed.reason, failed.warning)

    def expect_refused(self, call: PlacedCall, status: int, code: int, mention: str) -> None:
        """The INVITE got ``status`` with a Warning of ``code`` whose text mentions ``mention``."""
        refusal = self.refusal(call)
        seen = f"{refusal.status} {refusal.reason}, Warning: {refusal.warning or '(none)'}"
        warning_code = refusal.warning.split(" ", 1)[0]
        if (
            refusal.status != status
            or warning_code != str(code)
            or mention.lower() not in refusal.warning.lower()
        ):
            raise ConformanceFailure((), f"{status} with a Warning {code} naming {mention!r}", seen)

    def refused_events(self, call: PlacedCall) -> list[SutEvent]:
        """The SUT's own events about this refused call (the reference says ``call.refused``)."""
        return self.flows.journal.events(
            Match(SutEvent, data=lambda d: d.get("sip_call_id") == call.sip_call_id)
        )

    def expect_logged_refused(self, call: PlacedCall, mention: str) -> CallLogEntry:
        """The call log has this call as ``refused``, its reason naming ``mention``, with no
        agent attempt and nobody credited with an answer.

        The reason is the entry's end reason; an adapter whose SUT gives none is checked on
        the timeline's texts instead.
        """
        journal, observation = self.flows.journal, self.flows.observation
        entry = self.flows.portal.run(observation.call_for_sip_call_id(call.sip_call_id))
        if entry is None:  # not logged yet: wait for the SUT to say something about the call
            try:
                journal.wait_for(
                    Match(SutEvent, data=lambda d: d.get("sip_call_id") == call.sip_call_id),
                    LOG_TIMEOUT,
                    after=call.dialled_at,
                )
            except WaitTimeout:
                pass
            entry = self.flows.portal.run(observation.call_for_sip_call_id(call.sip_call_id))
        expected = f"a call log entry refused, its reason naming {mention!r}, no attempt"
        if entry is None:
            raise ConformanceFailure((), expected, "no call log entry for the call")
        said = [entry.end_reason] if entry.end_reason else [t.text for t in entry.timeline]
        problems = []
        if entry.status != "refused":
            problems.append(f"status {entry.status!r}")
        if not any(mention.lower() in text.lower() for text in said):
            problems.append(f"reason {entry.end_reason!r}")
        if entry.attempts or entry.answered_by is not None:
            problems.append(
                f"{len(entry.attempts)} answer attempts, answered by {entry.answered_by}"
            )
        if problems:
            raise ConformanceFailure((), expected, "; ".join(problems))
        call.entry = entry
        return entry

    def expect_no_phone_rang(self, call: PlacedCall) -> None:
        """No agent's phone rang for this call, up to a moment after its refusal."""
        self.flows.journal.expect_absent(
            Match(PhoneRinging), within=NO_RING_WINDOW, after=call.dialled_at
        )

    def answered_streams(self, call: PlacedCall) -> list[tuple[str, int, str]]:
        """(media, port, transport) of every m= line of the SUT's answer to the customer."""
        self.flows.wait_connected(call, OUTCOME_TIMEOUT)
        body = self.flows.portal.run(self.cast.customer.answer_sdp(call.sip_call_id))
        if not body:
            raise ConformanceFailure((), "an SDP answer to the customer", "none")
        try:
            answer = SessionDescription.parse(body)
        except SipParseError as exc:
            raise ConformanceFailure((), "a valid SDP answer", exc.reason) from None
        return [(m.media, m.port, m.proto) for m in answer.media]

    def expect_first_rejected_second_accepted(self, call: PlacedCall) -> None:
        """The answer rejects the first stream with port 0 and accepts the second over RTP/AVP
        (RFC 3264 section 6)."""
        streams = self.answered_streams(call)
        if not _first_rejected_second_accepted(streams):
            raise ConformanceFailure(
                (), "m= lines: first port 0, second RTP/AVP on a port", f"{streams}"
            )


def _check_part(part: str) -> None:
    if part not in PARTS:
        raise ValueError(f"unknown part of an offer {part!r}; known: {', '.join(PARTS)}")


def _first_rejected_second_accepted(streams: list[tuple[str, int, str]]) -> bool:
    ports = [port for _, port, _ in streams]
    return len(streams) == 2 and ports[0] == 0 and ports[1] != 0 and streams[1][2] == "RTP/AVP"
