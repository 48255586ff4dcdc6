"""The store's custom roles and users' tokens, and the migration that added them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harness.reference import store as store_module
from harness.reference.domain.accounts import Account
from harness.reference.domain.directory import Role, User
from harness.reference.domain.errors import Conflict
from harness.reference.domain.permissions import CustomRole, Permission, UserToken
from harness.reference.store import Store

AT = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def user(custom_role: str | None = None) -> User:
    return User("usr_1", "acc_1", "Ana", "ana@x.test", Role.AGENT, "ana.x", "pw", custom_role)


def test_a_file_of_the_previous_schema_is_migrated_and_keeps_its_users(tmp_path, monkeypatch):
    path = tmp_path / "reference.sqlite3"
    previous = store_module._MIGRATIONS[:2]
    monkeypatch.setattr(store_module, "_MIGRATIONS", previous)
    old = Store(path)
    old.insert_account(Account("acc_1", "Acme"), "digest", "2026-01-01T00:00:00Z")
    old._db.execute(
        "INSERT INTO users (id, account_id, name, email, role, sip_username, sip_password)"
        " VALUES ('usr_1', 'acc_1', 'Ana', 'ana@x.test', 'agent', 'ana.x', 'pw')"
    )
    old.close()
    monkeypatch.undo()
    store = Store(path)
    assert store.get_user("acc_1", "usr_1") == user()
    assert store.custom_roles("acc_1") == []
    store.close()


def test_custom_roles_tokens_and_revocation_round_trip(tmp_path):
    store = Store(tmp_path / "reference.sqlite3")
    store.insert_account(Account("acc_1", "Acme"), "digest", "2026-01-01T00:00:00Z")
    role = CustomRole("role_1", "acc_1", "Reviewer", Role.AGENT, frozenset({Permission.CALLS_READ}))
    store.insert_custom_role(role)
    with pytest.raises(Conflict, match="a role named 'Reviewer' already exists"):
        store.insert_custom_role(CustomRole("role_2", "acc_1", "Reviewer", Role.ADMIN))
    assert store.custom_role("acc_1", "role_1") == role
    assert store.custom_role("acc_2", "role_1") is None
    store.insert_user(user("role_1"))
    assert store.get_user("acc_1", "usr_1") == user("role_1")
    token = UserToken("tok_1", "acc_1", "usr_1", AT, AT + timedelta(hours=1))
    store.insert_user_token(token, "sha")
    assert store.user_token_by_digest("sha") == token
    assert store.revoke_user_token("acc_1", "tok_1", AT + timedelta(minutes=1))
    assert store.revoke_user_token("acc_1", "tok_1", AT + timedelta(minutes=5))  # keeps the first
    revoked = store.user_token("acc_1", "tok_1")
    assert revoked is not None and revoked.revoked_at == AT + timedelta(minutes=1)
    assert not store.revoke_user_token("acc_2", "tok_1", AT)
    assert store.delete_account("acc_1")
    assert store.user_token_by_digest("sha") is None
    store.close()
