"""End users (the customers who call in), their phone numbers, caller identity and user merges.

Pure rules of seed 001 ("Comprendre comment les numéros de téléphone sont liés aux profils
utilisateur" and "Fusion d'utilisateurs"), each in one function:

* :func:`phone_kind` — a number added to a profile is a direct line (ZT-ID-4), unless it is
  already another user's direct line: then it is a shared number on this one (ZT-ID-5);
* :func:`add_phone` — a profile holds at most one shared number (ZT-ID-8);
* :func:`validate_phone` — with the account's phone validation on, only E.164 (ZT-ID-9);
* :func:`identify` — who a call is from: the owner of the calling number's direct line, also
  for a call from a shared number (ZT-ID-1, ZT-ID-6); nobody has it as a direct line: a new
  user named with the number, and the users sharing it lose it (ZT-ID-2, ZT-ID-7); a withheld
  number or a digital line: an ID of its own for every call (ZT-ID-3);
* :func:`merge` — every number of the merged user goes to the target; when both have a shared
  number the merged user's is dropped, and nothing else is (ZT-MRG-1, ZT-MRG-2); a user is never
  merged into herself;
* :func:`matched_to` — an unknown caller's call matched to a profile later, from its ticket
  (ZT-ID-10).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import phonenumbers

from .errors import Conflict, InvalidField, NotFound

MAX_PHONE_LENGTH = 40
#: What a SIP From user must look like to be a phone number: digits, perhaps after a "+".
#: Anything else (``anonymous``, an empty user, a web widget's name) is an unknown caller.
_CALLING_NUMBER = re.compile(r"\+?[0-9]{3,15}")
UNKNOWN_CALLER_NAME = "Unknown caller"


class PhoneKind(enum.StrEnum):
    """How a number belongs to a profile."""

    DIRECT_LINE = "direct_line"  # identifies the user: calls from it are hers
    SHARED = "shared"  # another user's direct line, also listed on this profile


class Origin(enum.StrEnum):
    """Why a profile exists."""

    CREATED = "created"  # someone created it (API, agent)
    CALLER = "caller"  # a call from a number on no profile created it (ZT-ID-2, ZT-ID-7)


@dataclass(frozen=True)
class Phone:
    """One number of a profile; ``id`` names it in the API (a number is not a path segment)."""

    id: str
    number: str
    kind: PhoneKind


@dataclass(frozen=True)
class EndUser:
    """An end user's profile. A merged profile keeps only ``merged_into``: calls linked to it
    are the target's from then on."""

    id: str
    account_id: str
    name: str
    created_at: datetime
    origin: Origin = Origin.CREATED
    phones: tuple[Phone, ...] = ()
    merged_into: str | None = None

    @property
    def direct_lines(self) -> tuple[str, ...]:
        return tuple(p.number for p in self.phones if p.kind is PhoneKind.DIRECT_LINE)

    @property
    def shared_number(self) -> str | None:
        return next((p.number for p in self.phones if p.kind is PhoneKind.SHARED), None)

    def phone(self, number: str) -> Phone | None:
        """The profile's entry for ``number``, if it holds it."""
        return next((p for p in self.phones if p.number == number), None)

    def has_direct_line(self, number: str) -> bool:
        entry = self.phone(number)
        return entry is not None and entry.kind is PhoneKind.DIRECT_LINE


def validate_name(value: str) -> str:
    """A profile's name: not blank, at most 200 characters, trimmed."""
    name = value.strip()
    if not name:
        raise InvalidField("name", "must not be blank")
    if len(name) > 200:
        raise InvalidField("name", "must be at most 200 characters")
    return name


def validate_phone(value: str, *, e164_only: bool, field: str = "number") -> str:
    """The number to store, trimmed; with ``e164_only`` (the account's phone validation) it must
    be a valid E.164 number, written as E.164 (ZT-ID-9: ``+`` country code and number, digits
    only). Without validation any non-blank text is kept as typed, as the seed describes."""
    number = value.strip()
    if not number:
        raise InvalidField(field, "must not be blank")
    if len(number) > MAX_PHONE_LENGTH:
        raise InvalidField(field, f"must be at most {MAX_PHONE_LENGTH} characters")
    if e164_only and not is_e164(number):
        raise InvalidField(
            field,
            f"{number!r} is not an E.164 number; phone validation is on, so numbers must be"
            " written as + country code and number, digits only (e.g. +33612345678)",
        )
    return number


def is_e164(number: str) -> bool:
    """Whether ``number`` is a valid number written exactly in E.164 (libphonenumber decides)."""
    if not re.fullmatch(r"\+[1-9][0-9]{1,14}", number):
        return False
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return False
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return phonenumbers.is_valid_number(parsed) and e164 == number


def calling_number(caller: str) -> str | None:
    """The number a call comes from, or None for an unknown caller (withheld, digital line)."""
    value = caller.strip()
    return value if _CALLING_NUMBER.fullmatch(value) else None


# --- numbers on a profile --------------------------------------------------------------------


def direct_line_owner(number: str, holders: Sequence[EndUser]) -> EndUser | None:
    """The user whose direct line ``number`` is, among the profiles that hold it (the oldest
    first, should a merge have left two)."""
    return next((u for u in holders if u.merged_into is None and u.has_direct_line(number)), None)


def phone_kind(user: EndUser, number: str, holders: Sequence[EndUser]) -> PhoneKind:
    """The kind ``number`` gets when added to ``user`` (ZT-ID-4, ZT-ID-5): a direct line, unless
    it already is another user's direct line, then a shared number."""
    owner = direct_line_owner(number, [h for h in holders if h.id != user.id])
    return PhoneKind.SHARED if owner is not None else PhoneKind.DIRECT_LINE


def add_phone(user: EndUser, phone_id: str, number: str, holders: Sequence[EndUser]) -> EndUser:
    """``user`` with ``number`` added; ``holders`` are the account's profiles holding it.

    A number already on the profile, or a second shared number (ZT-ID-8), is a
    :class:`Conflict` naming it, and the profile is unchanged.
    """
    if user.merged_into is not None:
        raise Conflict(f"end user {user.id} was merged into {user.merged_into}", field="id")
    if user.phone(number) is not None:
        raise Conflict(f"{number} is already on the profile of {user.name}", field="number")
    kind = phone_kind(user, number, holders)
    if kind is PhoneKind.SHARED and user.shared_number is not None:
        owner = direct_line_owner(number, [h for h in holders if h.id != user.id])
        raise Conflict(
            f"{number} is the direct line of {owner.name if owner else 'another user'}, so it"
            f" would be a shared number, and {user.name} already has the shared number"
            f" {user.shared_number}: a profile holds at most one shared number",
            field="number",
        )
    return replace(user, phones=(*user.phones, Phone(phone_id, number, kind)))


def remove_phone(user: EndUser, phone_id: str) -> EndUser:
    """``user`` without the number ``phone_id`` (the other users keep theirs, ZT-ID-7)."""
    if all(p.id != phone_id for p in user.phones):
        raise NotFound(f"number of {user.name}", phone_id, field="phone_id")
    return replace(user, phones=tuple(p for p in user.phones if p.id != phone_id))


# --- caller identity -------------------------------------------------------------------------


class Identified(enum.StrEnum):
    """How a call's requester was found."""

    EXISTING_PROFILE = "existing_profile"  # the direct line's owner (ZT-ID-1, ZT-ID-6)
    NEW_PROFILE = "new_profile"  # nobody had it as a direct line (ZT-ID-2, ZT-ID-7)
    UNKNOWN_CALLER = "unknown_caller"  # withheld number, digital line (ZT-ID-3)


@dataclass(frozen=True)
class Identification:
    """What to do for a call from ``number``: link it to ``owner``, or create a new user with
    the number as direct line and take it off ``unlink`` (the profiles sharing it)."""

    how: Identified
    number: str | None
    owner: EndUser | None = None
    unlink: tuple[EndUser, ...] = ()


@dataclass(frozen=True)
class CallRequester:
    """Who a call was linked to as it arrived: a profile, or an unknown caller's own ID."""

    call_id: str
    requester_id: str  # the profile's id, or the unknown caller's ID for this call only
    how: Identified
    end_user_id: str | None  # the profile linked at the call (None for an unknown caller)


def identify(caller: str, holders: Sequence[EndUser]) -> Identification:
    """Who a call from ``caller`` is from; ``holders`` are the profiles holding that number.

    The direct line decides, whoever else shares the number (ZT-ID-6). With no direct line
    anywhere a new user is needed (ZT-ID-2), and the users that had the number as a shared
    number are no longer linked to it (ZT-ID-7). A caller without a number is unknown (ZT-ID-3).
    """
    number = calling_number(caller)
    if number is None:
        return Identification(Identified.UNKNOWN_CALLER, None)
    owner = direct_line_owner(number, holders)
    if owner is not None:
        return Identification(Identified.EXISTING_PROFILE, number, owner)
    sharing = tuple(h for h in holders if h.merged_into is None and h.phone(number) is not None)
    return Identification(Identified.NEW_PROFILE, number, unlink=sharing)


def without_number(user: EndUser, number: str) -> EndUser:
    """``user`` no longer linked to ``number`` (ZT-ID-7)."""
    return replace(user, phones=tuple(p for p in user.phones if p.number != number))


def caller_profile(
    user_id: str, account_id: str, phone_id: str, number: str, at: datetime
) -> EndUser:
    """The profile a call from an unrecognised number creates: named with the number, which is
    its direct line (ZT-ID-2)."""
    return EndUser(
        user_id,
        account_id,
        number,
        at,
        Origin.CALLER,
        (Phone(phone_id, number, PhoneKind.DIRECT_LINE),),
    )


def matched_to(link: CallRequester, user: EndUser) -> CallRequester | None:
    """An unknown caller's call matched later to the end user ``user`` (ZT-ID-10), as an agent
    does from the call's ticket and recording: the link keeps the unknown caller's own ID and
    names the profile from then on. A call its number already linked to a profile is not
    re-linked by a ticket (None)."""
    if link.how is not Identified.UNKNOWN_CALLER:
        return None
    if user.merged_into is not None:
        raise Conflict(
            f"end user {user.id} was merged into {user.merged_into}", field="end_user_id"
        )
    return replace(link, end_user_id=user.id)


# --- merges ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merge:
    """The result of merging ``source`` into ``target``: both as they are now, and the numbers
    the merge removed (only ever the source's shared number)."""

    source: EndUser
    target: EndUser
    dropped: tuple[Phone, ...]


def merge(source: EndUser, target: EndUser) -> Merge:
    """Merge ``source`` into ``target`` (ZT-MRG-1, ZT-MRG-2).

    Every number of the source is added to the target, keeping its kind. The only number
    removed: the source's shared number, when the target has a shared number too (a profile
    holds one). A number both hold stays once, as a direct line if it was one on either.
    The source keeps no number and points at the target. Merging a user into herself, or a
    user already merged, is refused.
    """
    if source.id == target.id:
        raise InvalidField("into", f"end user {source.id} cannot be merged into itself")
    for user, where in ((source, "id"), (target, "into")):
        if user.merged_into is not None:
            raise Conflict(
                f"end user {user.id} was already merged into {user.merged_into}", field=where
            )
    phones = list(target.phones)
    dropped: list[Phone] = []
    target_shares = target.shared_number is not None
    for phone in source.phones:
        held = next((i for i, p in enumerate(phones) if p.number == phone.number), None)
        if held is not None:
            if phone.kind is PhoneKind.DIRECT_LINE:
                phones[held] = replace(phones[held], kind=PhoneKind.DIRECT_LINE)
            continue
        if phone.kind is PhoneKind.SHARED and target_shares:
            dropped.append(phone)
            continue
        phones.append(phone)
    return Merge(
        replace(source, phones=(), merged_into=target.id),
        replace(target, phones=tuple(phones)),
        tuple(dropped),
    )
