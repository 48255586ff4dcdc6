"""Load profiles: YAML and command line, refused with the field named when they cannot run."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.load.profile import (
    MAX_RATE_PER_PROCESS,
    CallKind,
    LoadProfile,
    ProfileError,
    load_profile,
    parse_mix,
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_yaml_profile_is_read_and_the_command_line_overrides_it(tmp_path: Path) -> None:
    path = _write(tmp_path, "rate: 20\nduration: 60\nramp: 10\nprocesses: 2\nagents: 4\n"
                            "agent_capacity: 50\nmix:\n  - {name: short, weight: 3, hold: 2}\n"
                            "  - {name: long, weight: 1, hold: 8}\n")  # fmt: skip
    profile = load_profile(path).check()
    assert profile.rate == 20 and profile.processes == 2
    assert profile.mix == (CallKind("short", 3, 2), CallKind("long", 1, 8))
    # Little's law: 20 calls/s of (3*3 + 1*9)/4 = 4.5 s each keep 90 calls up.
    assert profile.concurrent_calls == 90
    assert profile.users == 113
    assert profile.with_overrides(rate=5.0, ramp=None).rate == 5.0


def test_an_impossible_rate_is_refused_with_the_figure_that_makes_it_impossible() -> None:
    with pytest.raises(ProfileError, match=r"rate: 1000 calls/s is impossible with 1 process"):
        LoadProfile(rate=1000).check()
    assert LoadProfile(rate=MAX_RATE_PER_PROCESS * 2, processes=2, agents=500,
                       agent_capacity=100).check()  # fmt: skip
    with pytest.raises(ProfileError, match="rate: must be a positive number"):
        LoadProfile(rate=0).check()


def test_more_calls_up_than_the_agents_take_is_refused() -> None:
    with pytest.raises(ProfileError, match=r"agents: 2 agents taking 3 calls each cannot"):
        LoadProfile(rate=10, agents=2, agent_capacity=3).check()
    # An echoing target needs no agents.
    assert LoadProfile(rate=10, agents=2, agent_capacity=3).check(agents_needed=False)


def test_a_hold_too_short_to_verify_is_refused_naming_the_call_kind() -> None:
    with pytest.raises(ProfileError, match=r"mix.quick.hold: must be between 1.5"):
        LoadProfile(mix=(CallKind("quick", 1, 0.5),)).check()


def test_bad_yaml_settings_are_named(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"unknown setting\(s\) speed"):
        load_profile(_write(tmp_path, "speed: 3\n"))
    with pytest.raises(ProfileError, match="rate must be a number"):
        load_profile(_write(tmp_path, "rate: fast\n"))
    with pytest.raises(ProfileError, match=r"mix\[0\] must have exactly name, weight and hold"):
        load_profile(_write(tmp_path, "mix:\n  - {name: a, weight: 1}\n"))
    with pytest.raises(ProfileError, match="cannot be read"):
        load_profile(tmp_path / "missing.yaml")


def test_the_command_line_mix_is_parsed_and_bad_parts_named() -> None:
    assert parse_mix("short:3:2, long:1:8") == (CallKind("short", 3, 2), CallKind("long", 1, 8))
    with pytest.raises(ProfileError, match="'short:3' is not name:weight:hold"):
        parse_mix("short:3")
    with pytest.raises(ProfileError, match="weight and hold are numbers"):
        parse_mix("short:x:2")
