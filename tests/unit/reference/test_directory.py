"""Directory rules: team membership and its sync state, SIP usernames, validation."""

from __future__ import annotations

import re

import pytest

from harness.reference.domain.directory import (
    Role,
    Team,
    TeamMember,
    sip_username_base,
    sip_username_candidate,
    validate_user_fields,
)
from harness.reference.domain.errors import Conflict, InvalidField, NotFound


def test_team_remedy_remove_then_add_restores_sync_and_goes_last():
    team = Team("t1", "a1", "Support", (TeamMember("u1"), TeamMember("u2")))
    stuck = team.desynchronised("u1")
    assert stuck.member("u1") == TeamMember("u1", in_sync=False)
    assert stuck.member("u2") == TeamMember("u2", in_sync=True)
    healed = stuck.without_member("u1").with_member("u1")
    assert healed.members == (TeamMember("u2"), TeamMember("u1", in_sync=True))


def test_team_membership_errors():
    team = Team("t1", "a1", "Support", (TeamMember("u1"),))
    with pytest.raises(Conflict):
        team.with_member("u1")
    with pytest.raises(NotFound):
        team.without_member("u2")
    with pytest.raises(NotFound):
        team.desynchronised("u2")


def test_sip_username_is_safe_and_carries_the_account():
    base = sip_username_base("Élodie O'Brien", "acc_0a1b2c3d4e5f")
    assert base == "elodie-o-brien.0a1b2c3d"
    assert re.fullmatch(r"[a-z0-9._-]+", base)
    assert sip_username_candidate(base, 1) == base
    assert sip_username_candidate(base, 3) == base + "-3"


def test_sip_username_of_unpronounceable_name_still_valid():
    assert sip_username_base("李小龍", "acc_ff") == "user.ff"
    assert len(sip_username_base("x" * 200, "acc_12345678")) <= 48


def test_user_fields_validated_with_field_names():
    assert validate_user_fields(" Ana ", "ana@example.com", "manager") == (
        "Ana",
        "ana@example.com",
        Role.MANAGER,
    )
    for args, field in [
        (("", "a@example.com", "agent"), "name"),
        (("Ana", "not-an-email", "agent"), "email"),
        (("Ana", "a@example.com", "boss"), "role"),
    ]:
        with pytest.raises(InvalidField) as caught:
            validate_user_fields(*args)
        assert caught.value.field == field
