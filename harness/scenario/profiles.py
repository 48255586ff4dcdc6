"""End users and callers' identity (seed 001: ZT-ID, ZT-MRG), for the steps.

The scenario names people ("Chloé") and phone numbers ("Chloé's mobile"); each name is bound
to what the SUT holds (an end user's id) and each number label to an E.164 number drawn from
the run's seed for a locale (:mod:`harness.data.callers`). A call from a label is placed by a
synthetic caller of our own, from that number, through the SUT's SIP interface; who the SUT
says the call is from is read through the ``profiles`` capability.

An action the scenario expects the SUT to refuse is *tried*: the refusal is kept with a
snapshot of every end user taken just before, so that a Then step can check both the message
and that nothing stored changed.
"""

from __future__ import annotations

from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.data.callers import REGIONS, mobile_number
from harness.endpoints.caller import SyntheticCaller
from harness.errors import ConformanceFailure
from harness.runtime.journal import Match
from harness.scenario.calls import LOG_TIMEOUT, CallFlows, PlacedCall
from harness.scenario.cast import CapabilityMissing, Cast
from harness.sut.contract import Profiles, SutRefused
from harness.sut.events import SutEvent
from harness.sut.profiles import CallRequester, EndUserProfile

#: How the features name a country's numbers.
COUNTRIES = {"French": "fr_FR", "Spanish": "es_ES", "Vietnamese": "vi_VN", "American": "en_US"}
#: Callers without a number, and what their SIP From carries (RFC 3323's anonymous user; a web
#: widget's call has a name, not a number).
UNKNOWN_LINES = {"a withheld number": "anonymous", "a digital line": "web-widget"}


@dataclass
class Refusal:
    """An action the SUT refused, and every end user as stored just before it."""

    action: str
    message: str
    before: list[EndUserProfile]


@dataclass
class CallerBook:
    """The scenario's end users, their numbers and the calls placed from them."""

    cast: Cast
    flows: CallFlows
    numbers: dict[str, str] = field(default_factory=dict)  # label -> E.164
    users: dict[str, str] = field(default_factory=dict)  # Gherkin name -> the SUT's id
    callers: dict[str, SyntheticCaller] = field(default_factory=dict)  # label -> our caller
    calls: dict[str, list[PlacedCall]] = field(default_factory=dict)  # label -> its calls
    refusal: Refusal | None = None

    @property
    def profiles(self) -> Profiles:
        found = getattr(self.cast.tenant, "profiles", None)
        if found is None:
            raise CapabilityMissing("this adapter lacks the capability 'profiles'")
        profiles: Profiles = found
        return profiles

    # -- names ---------------------------------------------------------------------------------
    def number(self, label: str, country: str | None = None) -> str:
        """The number called ``label``; a new label draws one, distinct within the scenario."""
        if label in self.numbers:
            return self.numbers[label]
        locale = locale_of(country) if country else "fr_FR"
        number = mobile_number(locale)
        while number in self.numbers.values():
            number = mobile_number(locale)
        self.numbers[label] = number
        return number

    def user_id(self, name: str) -> str:
        try:
            return self.users[name]
        except KeyError:
            known = ", ".join(sorted(self.users)) or "none"
            raise KeyError(
                f"no end user named {name!r} in this scenario (known: {known})"
            ) from None

    def name_of(self, user_id: str) -> str:
        """The scenario's name for an end user's id, or the id itself."""
        return next((n for n, i in self.users.items() if i == user_id), user_id)

    def label_of(self, number: str) -> str:
        return next((label for label, n in self.numbers.items() if n == number), number)

    def profile(self, name: str) -> EndUserProfile:
        return self.cast.portal.run(self.profiles.end_user(self.user_id(name)))

    # -- profiles --------------------------------------------------------------------------------
    def add_end_user(
        self, name: str, labels: Sequence[str] = (), country: str | None = None
    ) -> None:
        """A new end user ``name`` holding the numbers ``labels``, added in order."""
        numbers = [self.number(label, country) for label in labels]
        created = self.cast.portal.run(self.profiles.create_end_user(name, numbers))
        self.users[name] = created.id

    def add_phone(self, name: str, label: str, country: str | None = None) -> None:
        """Add the number ``label`` to ``name``'s profile (a refusal fails the step)."""
        number = self.number(label, country)
        self.cast.portal.run(self.profiles.add_phone(self.user_id(name), number))

    def remove_phone(self, name: str, label: str) -> None:
        self.cast.portal.run(self.profiles.remove_phone(self.user_id(name), self.number(label)))

    def merge(self, name: str, into: str) -> None:
        self.cast.portal.run(self.profiles.merge(self.user_id(name), into=self.user_id(into)))

    def set_phone_validation(self, enabled: bool) -> None:
        self.cast.portal.run(self.profiles.set_phone_validation(enabled))

    def try_add_phone(self, name: str, number: str) -> None:
        """Try to add ``number`` (a label, or text as typed) to ``name``; keep any refusal."""
        value = self.numbers.get(number, number)
        self._try(f"adding {value!r} to {name}", self.profiles.add_phone(self.user_id(name), value))

    def try_merge(self, name: str, into: str) -> None:
        """Try to merge ``name`` into ``into``; keep any refusal."""
        action = self.profiles.merge(self.user_id(name), into=self.user_id(into))
        self._try(f"merging {name} into {into}", action)

    def _try(self, action: str, attempt: Coroutine[Any, Any, object]) -> None:
        try:
            before = self.cast.portal.run(self.profiles.end_users())
        except BaseException:
            attempt.close()
            raise
        try:
            self.cast.portal.run(attempt)
        except SutRefused as refused:
            self.refusal = Refusal(action, str(refused), before)
        else:
            self.refusal = None

    # -- calls -----------------------------------------------------------------------------------
    def dial(self, label: str, number_name: str) -> PlacedCall:
        """A call from ``label`` (a number label, or an unknown line) to the SUT's number."""
        caller = self._caller(label)
        cast = self.cast
        uri = cast.telephony.number_uri(cast.number(number_name))
        position = cast.journal.position
        sip_call_id = cast.portal.run(caller.dial(uri))
        call = PlacedCall(number_name, sip_call_id, position)
        self.flows.placed.append(call)  # the shared call steps ("Alice answers") act on it
        self.calls.setdefault(label, []).append(call)
        self.flows.sut_call_id(call)
        return call

    def hang_up(self, label: str) -> None:
        """The last call from ``label`` ends on the caller's side; the SUT logs its end."""
        call = self._last_call(label)
        self.cast.portal.run(self._caller(label).hangup(call.sip_call_id))
        self.cast.journal.wait_for(
            Match(SutEvent, kind="call.ended", call_id=call.call_id),
            LOG_TIMEOUT,
            after=call.dialled_at,
        )

    def call_and_hang_up(self, label: str, number_name: str) -> None:
        self.dial(label, number_name)
        self.hang_up(label)

    def _caller(self, label: str) -> SyntheticCaller:
        if label not in self.callers:
            sip_user = UNKNOWN_LINES.get(label) or self.number(label)
            caller = self.cast.portal.run(SyntheticCaller.open(label, self.cast.stage, sip_user))
            self.cast.cleanup.push(f"caller {label}", caller.close)
            self.callers[label] = caller
        return self.callers[label]

    def last_call(self, label: str) -> PlacedCall:
        """The last call placed from ``label`` in this scenario."""
        return self._last_call(label)

    def _last_call(self, label: str) -> PlacedCall:
        calls = self.calls.get(label)
        if not calls:
            raise LookupError(f"no call from {label!r} in this scenario yet")
        return calls[-1]

    def requester(self, call: PlacedCall) -> CallRequester:
        return self.cast.portal.run(self.profiles.call_requester(self.flows.sut_call_id(call)))

    # -- verdicts ----------------------------------------------------------------------------------
    def expect_requester(self, name: str, *, label: str | None = None) -> None:
        """The last call (from ``label``) has ``name``'s profile as requester."""
        call = self._last_call(label) if label else self.flows.last
        found = self.requester(call)
        wanted = self.user_id(name)
        if found.profile is None or found.profile.id != wanted:
            raise ConformanceFailure(
                (),
                f"call {call.call_id} linked to {name} ({wanted})",
                f"linked to {self._who(found)}",
            )

    def expect_new_requester(self, name: str, label: str) -> None:
        """The last call from ``label`` has a profile of its own, created for it, as requester:
        named with the number, which is its direct line. The scenario calls it ``name``."""
        call = self._last_call(label)
        found = self.requester(call)
        number = self.number(label)
        profile = found.profile
        if profile is None or profile.id in self.users.values():
            raise ConformanceFailure(
                (), f"call {call.call_id} linked to a new end user", self._who(found)
            )
        if profile.name != number or profile.direct_lines != (number,):
            raise ConformanceFailure(
                (),
                f"a new end user named {number} with it as her direct line",
                f"{profile.name!r} with direct lines {list(profile.direct_lines)}"
                f" and shared numbers {list(profile.shared_numbers)}",
            )
        self.users[name] = profile.id

    def expect_unknown_callers(self, label: str) -> None:
        """Every call from ``label`` has an unknown caller's ID of its own, and no profile."""
        calls = self.calls.get(label) or []
        found = [self.requester(c) for c in calls]
        problems = [self._who(r) for r in found if r.identified != "unknown_caller" or r.profile]
        ids = [r.requester_id for r in found]
        if len(calls) < 2 or problems or len(set(ids)) != len(ids):
            raise ConformanceFailure(
                (),
                f"an unknown caller with an ID of its own on each of {len(calls)} calls",
                "; ".join(problems) or f"requester IDs {ids}",
            )

    def expect_numbers(self, name: str, direct: Sequence[str], shared: str | None) -> None:
        """``name``'s profile holds exactly the direct lines ``direct`` and the shared number
        ``shared`` (labels), nothing else."""
        profile = self.profile(name)
        want_direct = sorted(self.number(label) for label in direct)
        want_shared = [self.number(shared)] if shared else []
        if sorted(profile.direct_lines) != want_direct or list(profile.shared_numbers) != (
            want_shared
        ):
            raise ConformanceFailure(
                (),
                f"{name} with direct lines {self._labels(want_direct)}"
                f" and shared numbers {self._labels(want_shared)}",
                f"direct lines {self._labels(profile.direct_lines)}"
                f" and shared numbers {self._labels(profile.shared_numbers)}",
            )

    def expect_not_holding(self, name: str, label: str) -> None:
        profile = self.profile(name)
        if self.number(label) in profile.numbers:
            raise ConformanceFailure(
                (), f"{name} no longer linked to {label}", f"{self._labels(profile.numbers)}"
            )

    def expect_end_user_count(self, count: int) -> None:
        found = self.cast.portal.run(self.profiles.end_users())
        if len(found) != count:
            names = [self.name_of(u.id) for u in found]
            raise ConformanceFailure((), f"{count} end users", f"{len(found)}: {names}")

    def expect_refused(self, words: str) -> None:
        """The last tried action was refused with a message saying ``words``, and every end
        user is stored as before it."""
        refusal = self.refusal
        if refusal is None:
            raise ConformanceFailure((), "the action refused", "the SUT accepted it")
        if words.lower() not in refusal.message.lower():
            raise ConformanceFailure(
                (), f"a refusal saying {words!r}", f"{refusal.action}: {refusal.message}"
            )
        after = self.cast.portal.run(self.profiles.end_users())
        if after != refusal.before:
            raise ConformanceFailure(
                (), f"nothing stored changed by {refusal.action}", f"{refusal.before} -> {after}"
            )

    def _who(self, found: CallRequester) -> str:
        if found.profile is None:
            return f"{found.identified} {found.requester_id}"
        return f"{self.name_of(found.profile.id)} ({found.profile.id}, {found.identified})"

    def _labels(self, numbers: Sequence[str]) -> list[str]:
        return [self.label_of(n) for n in numbers]


def locale_of(country: str) -> str:
    """'French' -> 'fr_FR'."""
    try:
        return COUNTRIES[country]
    except KeyError:
        known = ", ".join(COUNTRIES)
        raise ValueError(f"no locale for {country!r} numbers (known: {known})") from None


assert set(COUNTRIES.values()) <= set(REGIONS)


# -- the crash family (H-REL-1): end users join it as two kinds of stored record ---------------
def _profiles_of(cast: Cast) -> Profiles:
    found = getattr(cast.tenant, "profiles", None)
    if found is None:
        raise CapabilityMissing("this adapter lacks the capability 'profiles'")
    profiles: Profiles = found
    return profiles


def make_end_user(cast: Cast) -> tuple[str, EndUserProfile]:
    """An end user with a direct line and a shared number; the SUT commits a profile before
    its API answers, so what it answered is what must survive."""
    profiles = _profiles_of(cast)
    owner = cast.portal.run(profiles.create_end_user("Chloé", [mobile_number("fr_FR")]))
    numbers = [mobile_number("es_ES"), owner.direct_lines[0]]
    made = cast.portal.run(profiles.create_end_user("Hugo", numbers))
    return made.id, made


def read_end_user(cast: Cast, user_id: str) -> EndUserProfile | None:
    try:
        return cast.portal.run(_profiles_of(cast).end_user(user_id))
    except SutRefused:
        return None


def make_call_requester(cast: Cast, flows: CallFlows) -> tuple[str, CallRequester]:
    """The requester the SUT linked to a customer's call as it arrived, read once the call is
    over. The customer's number is an end user's direct line: linking the call changes no
    profile, so the link is only as durable as the call log's own commits."""
    cast.portal.run(_profiles_of(cast).create_end_user("Chloé", [cast.customer.number]))
    call = flows.dial(next(iter(cast.numbers)))
    flows.hang_up(call)
    flows.log_entry(call, final=True)
    call_id = flows.sut_call_id(call)
    return call_id, cast.portal.run(_profiles_of(cast).call_requester(call_id))


def read_call_requester(cast: Cast, call_id: str) -> CallRequester | None:
    try:
        return cast.portal.run(_profiles_of(cast).call_requester(call_id))
    except SutRefused:
        return None
