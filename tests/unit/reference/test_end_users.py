"""The end-user rules of seed 001 (ZT-ID, ZT-MRG), pure: numbers, caller identity, merges."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harness.reference.domain.end_users import (
    EndUser,
    Identified,
    Phone,
    PhoneKind,
    add_phone,
    calling_number,
    identify,
    is_e164,
    merge,
    remove_phone,
    validate_phone,
)
from harness.reference.domain.errors import Conflict, InvalidField, NotFound

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DIRECT, SHARED = PhoneKind.DIRECT_LINE, PhoneKind.SHARED


def user(uid: str, *phones: tuple[str, PhoneKind]) -> EndUser:
    return EndUser(
        uid, "acc", uid.title(), AT, phones=tuple(Phone(f"ph-{uid}-{n}", n, k) for n, k in phones)
    )


def test_a_single_number_becomes_a_direct_line_and_several_are_allowed():
    chloe = add_phone(user("chloe"), "p1", "+33612345678", [])
    chloe = add_phone(chloe, "p2", "+34612345678", [])
    assert chloe.direct_lines == ("+33612345678", "+34612345678")
    assert chloe.shared_number is None


def test_another_users_direct_line_becomes_a_shared_number():
    chloe = user("chloe", ("+33612345678", DIRECT))
    hugo = add_phone(user("hugo"), "p1", "+33612345678", [chloe])
    assert hugo.phone("+33612345678") == Phone("p1", "+33612345678", SHARED)
    assert chloe.has_direct_line("+33612345678")


def test_a_number_someone_only_shares_is_a_direct_line_for_the_next_user():
    hugo = user("hugo", ("+33612345678", SHARED))
    lea = add_phone(user("lea"), "p1", "+33612345678", [hugo])
    assert lea.direct_lines == ("+33612345678",)


def test_a_second_shared_number_is_refused_naming_both_numbers():
    chloe = user("chloe", ("+33612345678", DIRECT))
    lea = user("lea", ("+34612345678", DIRECT))
    hugo = user("hugo", ("+33612345678", SHARED))
    with pytest.raises(Conflict) as refused:
        add_phone(hugo, "p2", "+34612345678", [lea])
    message = refused.value.message
    assert "+34612345678" in message and "+33612345678" in message
    assert "at most one shared number" in message and refused.value.field == "number"
    assert chloe.has_direct_line("+33612345678")


def test_a_number_already_on_the_profile_is_refused():
    chloe = user("chloe", ("+33612345678", DIRECT))
    with pytest.raises(Conflict, match="already on the profile"):
        add_phone(chloe, "p2", "+33612345678", [chloe])


def test_removing_a_number_keeps_the_others_and_an_unknown_one_is_not_found():
    chloe = user("chloe", ("+33612345678", DIRECT), ("+34612345678", DIRECT))
    left = remove_phone(chloe, "ph-chloe-+33612345678")
    assert left.direct_lines == ("+34612345678",)
    with pytest.raises(NotFound):
        remove_phone(chloe, "ph-nope")


@pytest.mark.parametrize(
    "number",
    ["06 12 34 56 78", "0612345678", "+33 6 12 34 56 78", "0033612345678", "+336123", "+1999"],
)
def test_phone_validation_refuses_what_is_not_e164_naming_the_number(number):
    with pytest.raises(InvalidField) as refused:
        validate_phone(number, e164_only=True)
    assert refused.value.field == "number"
    assert repr(number) in refused.value.message and "E.164" in refused.value.message
    assert validate_phone(number, e164_only=False) == number


@pytest.mark.parametrize("number", ["+33612345678", "+34612345678", "+84912345678", "+12015550123"])
def test_phone_validation_accepts_e164(number):
    assert is_e164(number)
    assert validate_phone(f"  {number} ", e164_only=True) == number


def test_a_blank_number_is_refused_even_without_validation():
    with pytest.raises(InvalidField, match="blank"):
        validate_phone("   ", e164_only=False)


def test_a_call_from_a_direct_line_is_its_owners():
    chloe = user("chloe", ("+33612345678", DIRECT))
    found = identify("+33612345678", [chloe])
    assert (found.how, found.owner) == (Identified.EXISTING_PROFILE, chloe)


def test_a_call_from_a_shared_number_is_the_direct_line_owners():
    hugo = user("hugo", ("+33612345678", SHARED))
    chloe = user("chloe", ("+33612345678", DIRECT))
    found = identify("+33612345678", [hugo, chloe])
    assert found.owner == chloe


def test_a_number_nobody_has_as_direct_line_needs_a_new_user_and_unlinks_the_sharers():
    hugo = user("hugo", ("+33612345678", SHARED), ("+34612345678", DIRECT))
    found = identify("+33612345678", [hugo])
    assert (found.how, found.owner, found.unlink) == (Identified.NEW_PROFILE, None, (hugo,))
    assert identify("+33699999999", []).how is Identified.NEW_PROFILE


@pytest.mark.parametrize("caller", ["anonymous", "", "Anonymous", "web-widget-7", "restricted"])
def test_a_caller_without_a_number_is_unknown(caller):
    assert calling_number(caller) is None
    assert identify(caller, []).how is Identified.UNKNOWN_CALLER


def test_a_merge_adds_every_number_of_the_merged_user_to_the_target():
    source = user("chloe", ("+33611111111", DIRECT), ("+33622222222", DIRECT))
    target = user("martin", ("+33633333333", DIRECT))
    done = merge(source, target)
    assert done.target.direct_lines == ("+33633333333", "+33611111111", "+33622222222")
    assert done.source.phones == () and done.source.merged_into == "martin"
    assert done.dropped == ()


def test_when_both_have_a_shared_number_only_the_merged_users_is_removed():
    source = user("chloe", ("+33611111111", DIRECT), ("+33644444444", SHARED))
    target = user("martin", ("+33633333333", DIRECT), ("+33655555555", SHARED))
    done = merge(source, target)
    assert [p.number for p in done.dropped] == ["+33644444444"]
    assert done.target.direct_lines == ("+33633333333", "+33611111111")
    assert done.target.shared_number == "+33655555555"


def test_a_merged_users_shared_number_is_kept_when_the_target_has_none():
    source = user("chloe", ("+33644444444", SHARED))
    target = user("martin", ("+33633333333", DIRECT))
    done = merge(source, target)
    assert done.target.shared_number == "+33644444444" and done.dropped == ()


def test_a_number_both_hold_stays_once_as_a_direct_line():
    source = user("chloe", ("+33611111111", DIRECT))
    target = user("martin", ("+33611111111", SHARED))
    done = merge(source, target)
    assert done.target.phones == (Phone("ph-martin-+33611111111", "+33611111111", DIRECT),)


def test_a_user_is_not_merged_into_herself_nor_twice():
    chloe = user("chloe", ("+33611111111", DIRECT))
    with pytest.raises(InvalidField) as refused:
        merge(chloe, chloe)
    assert refused.value.field == "into" and "into itself" in refused.value.message
    done = merge(chloe, user("martin"))
    with pytest.raises(Conflict, match="already merged"):
        merge(done.source, user("lea"))
    with pytest.raises(Conflict, match="already merged"):
        merge(user("lea"), done.source)
