"""Permissions as data: roles, custom roles, team scopes, principals, token lifetimes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harness.reference.domain.directory import Role
from harness.reference.domain.errors import InvalidField
from harness.reference.domain.permissions import (
    GRANTABLE,
    OPERATOR,
    ROLE_GRANTS,
    CustomRole,
    Permission,
    Scope,
    UserToken,
    account_key,
    parse_permissions,
    user_principal,
    validate_ttl,
)

P = Permission


def test_every_built_in_role_has_grants_and_none_can_manage_accounts():
    assert set(ROLE_GRANTS) == set(Role)
    for grants in ROLE_GRANTS.values():
        assert P.ACCOUNTS_MANAGE not in grants
        assert set(grants) <= GRANTABLE


def test_admins_hold_monitor_edit_everywhere_managers_only_for_their_teams():
    # Seed 004, CC-END-2: "included by default for administrators and managers (restricted to
    # assigned teams only)".
    assert ROLE_GRANTS[Role.ADMIN][P.MONITOR_EDIT] is Scope.ALL
    assert ROLE_GRANTS[Role.MANAGER][P.MONITOR_EDIT] is Scope.ASSIGNED_TEAMS
    assert P.MONITOR_EDIT not in ROLE_GRANTS[Role.SUPERVISOR]
    assert P.MONITOR_EDIT not in ROLE_GRANTS[Role.AGENT]
    assert P.MONITOR_CALLS in ROLE_GRANTS[Role.SUPERVISOR]


def test_a_manager_acts_on_assigned_teams_only():
    manager = user_principal("acc_1", "usr_m", Role.MANAGER, ["team_a"])
    assert manager.allows(P.TEAM_MEMBERS_WRITE)
    assert manager.allows_team(P.TEAM_MEMBERS_WRITE, "team_a")
    assert not manager.allows_team(P.TEAM_MEMBERS_WRITE, "team_b")
    assert not manager.allows(P.USERS_WRITE)
    admin = user_principal("acc_1", "usr_a", Role.ADMIN, [])
    assert admin.allows_team(P.TEAM_MEMBERS_WRITE, "team_b")


def test_a_custom_role_is_its_base_plus_the_added_permissions_for_every_team():
    role = CustomRole(
        "role_1", "acc_1", "Quality reviewer", Role.AGENT, frozenset({P.MONITOR_EDIT})
    )
    who = user_principal("acc_1", "usr_q", Role.AGENT, [], role)
    assert who.role == "Quality reviewer"
    assert who.allows(P.NUMBERS_READ)  # from the base
    assert who.allows_team(P.MONITOR_EDIT, "any-team")
    assert not who.allows(P.USERS_WRITE)


def test_the_operator_and_an_account_key():
    assert OPERATOR.allows(P.ACCOUNTS_MANAGE) and not OPERATOR.allows(P.USERS_READ)
    key = account_key("acc_1")
    assert key.allows(P.USERS_WRITE) and not key.allows(P.ACCOUNTS_MANAGE)
    assert key.allows(P.SELF) and OPERATOR.allows(P.SELF)


def test_parse_permissions_names_the_bad_item():
    assert parse_permissions(["calls.read", "users.read"]) == {P.CALLS_READ, P.USERS_READ}
    with pytest.raises(InvalidField, match=r"permissions\[1\]: unknown permission 'calls.burn'"):
        parse_permissions(["calls.read", "calls.burn"])
    with pytest.raises(InvalidField, match=r"permissions\[0\]: 'accounts.manage' cannot be"):
        parse_permissions(["accounts.manage"])
    with pytest.raises(InvalidField, match=r"permissions\[0\]: must be a string"):
        parse_permissions([3])


def test_a_token_is_refused_once_expired_or_revoked():
    issued = datetime(2026, 1, 1, tzinfo=UTC)
    token = UserToken("tok_1", "acc_1", "usr_1", issued, issued + timedelta(seconds=60))
    assert token.refusal(issued + timedelta(seconds=59)) is None
    assert token.refusal(issued + timedelta(seconds=60)) == "the token has expired"
    revoked = UserToken("tok_1", "acc_1", "usr_1", issued, issued + timedelta(hours=1), issued)
    assert revoked.refusal(issued) == "the token was revoked"


@pytest.mark.parametrize("ttl", [0, -1, 30 * 24 * 3600 + 1])
def test_a_token_lifetime_out_of_range_names_the_field(ttl):
    with pytest.raises(InvalidField, match="ttl_s: must be between 1 and"):
        validate_ttl(ttl)
