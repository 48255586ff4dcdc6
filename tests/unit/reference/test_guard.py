"""The lockout guard against password guessing, on a virtual clock (H-SEC-2)."""

from __future__ import annotations

import pytest

from harness.reference.telephony.guard import LockoutGuard, LockoutPolicy

ATTACKER = ("127.0.0.1", 40000)
PHONE = ("127.0.0.1", 40001)


def fail(guard: LockoutGuard, n: int, *, source=ATTACKER, user="alice", now=0.0) -> list:
    started = []
    for i in range(n):
        started += guard.failure(source, user, now + i * 0.01)
    return started


def test_ten_failures_lock_that_source_and_user_out_and_nine_do_not() -> None:
    guard = LockoutGuard()
    assert fail(guard, 9) == []
    assert guard.locked(ATTACKER, "alice", 1.0) is None
    (lockout,) = guard.failure(ATTACKER, "alice", 1.0)
    assert (lockout.user, lockout.source, lockout.seconds) == ("alice", "127.0.0.1:40000", 5.0)
    assert guard.locked(ATTACKER, "alice", 1.0) == lockout


def test_other_sources_and_other_users_are_not_locked_out() -> None:
    guard = LockoutGuard()
    fail(guard, 10)
    assert guard.locked(ATTACKER, "alice", 1.0) is not None
    assert guard.locked(PHONE, "alice", 1.0) is None
    assert guard.locked(ATTACKER, "bruno", 1.0) is None


def test_the_lockout_ends_on_its_timer() -> None:
    guard = LockoutGuard()
    (lockout,) = fail(guard, 10)
    assert guard.next_timer() == lockout.until
    assert guard.handle_timer(lockout.until - 0.001) == []
    assert guard.locked(ATTACKER, "alice", lockout.until - 0.001) is not None
    assert guard.handle_timer(lockout.until) == [lockout]
    assert guard.locked(ATTACKER, "alice", lockout.until) is None
    assert guard.next_timer() is None


def test_attempts_refused_during_a_lockout_do_not_count() -> None:
    guard = LockoutGuard()
    (first,) = fail(guard, 10)
    assert fail(guard, 50, now=1.0) == []  # still locked: no new lockout, no host lockout
    guard.handle_timer(first.until)
    assert guard.locked(ATTACKER, "alice", first.until) is None


def test_each_new_lockout_of_a_key_lasts_twice_as_long_up_to_the_cap() -> None:
    guard = LockoutGuard(LockoutPolicy(lockout=5.0, max_lockout=15.0, host_max_failures=1000))
    now, lengths = 0.0, []
    for _ in range(4):
        (lockout,) = fail(guard, 10, now=now)
        lengths.append(lockout.seconds)
        guard.handle_timer(lockout.until)
        now = lockout.until
    assert lengths == [5.0, 10.0, 15.0, 15.0]


def test_the_escalation_is_forgiven_after_a_quiet_period() -> None:
    guard = LockoutGuard(LockoutPolicy(memory=100.0, host_max_failures=1000))
    (first,) = fail(guard, 10)
    guard.handle_timer(first.until)
    (second,) = fail(guard, 10, now=first.until + 1)
    assert second.seconds == 10.0
    guard.handle_timer(second.until)
    (third,) = fail(guard, 10, now=second.until + 500)
    assert third.seconds == 5.0


def test_rotating_source_ports_locks_the_whole_host_out_for_that_user() -> None:
    guard = LockoutGuard(LockoutPolicy(max_failures=10, host_max_failures=30))
    started = []
    for port in range(50000, 50030):  # one failure per port: no port reaches 10
        started += guard.failure(("127.0.0.1", port), "alice", 1.0)
    assert [(s.source, s.port) for s in started] == [("127.0.0.1", None)]
    assert guard.locked(("127.0.0.1", 60000), "alice", 1.0) is not None
    assert guard.locked(("127.0.0.1", 60000), "bruno", 1.0) is None


def test_a_guesser_who_waits_out_its_lockouts_gets_the_whole_host_locked_out() -> None:
    guard = LockoutGuard(LockoutPolicy(max_failures=10, host_max_failures=30))
    now, started = 0.0, []
    for _ in range(2):
        started += fail(guard, 10, now=now)
        now = started[-1].until
        guard.handle_timer(now)
    assert guard.locked(PHONE, "alice", now) is None
    last = fail(guard, 10, now=now)  # 30 failures from this host for alice
    assert [s.source for s in last] == ["127.0.0.1:40000", "127.0.0.1"]
    assert guard.locked(PHONE, "alice", now + 1) is not None


def test_failures_older_than_the_window_no_longer_count() -> None:
    guard = LockoutGuard(LockoutPolicy(window=60.0))
    fail(guard, 9)
    assert guard.failure(ATTACKER, "alice", 61.0) == []
    assert guard.locked(ATTACKER, "alice", 61.0) is None


def test_a_right_password_starts_the_count_over() -> None:
    guard = LockoutGuard()
    fail(guard, 9)
    guard.success(ATTACKER, "alice", 1.0)
    assert fail(guard, 9, now=2.0) == []
    assert guard.locked(ATTACKER, "alice", 3.0) is None


def test_unknown_names_are_counted_like_real_ones_and_memory_stays_bounded() -> None:
    guard = LockoutGuard(LockoutPolicy(max_keys=100))
    for n in range(1000):
        guard.failure(ATTACKER, f"nobody{n}", float(n))
    assert len(guard) <= 100
    (lockout,) = fail(guard, 10, user="nobody-at-all", now=2000.0)
    assert lockout.user == "nobody-at-all"


def test_stale_keys_are_forgotten() -> None:
    guard = LockoutGuard(LockoutPolicy(memory=10.0))
    fail(guard, 3, user="alice")
    fail(guard, 3, user="bruno", now=100.0)
    assert len(guard) == 2  # bruno's two keys; alice's were forgotten as they went stale


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_failures": 0},
        {"max_failures": 10, "host_max_failures": 5},
        {"lockout": 0.0},
        {"lockout": 10.0, "max_lockout": 5.0},
        {"window": 0.0},
        {"max_keys": 0},
    ],
)
def test_a_nonsensical_policy_is_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        LockoutPolicy(**kwargs)
