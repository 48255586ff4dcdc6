"""A load profile: rate, ramp, duration, processes, agents and the mix of calls, validated.

A profile comes from the command line or a small YAML file (the command line overrides it)::

    rate: 20            # calls per second, all workers together
    duration: 60        # seconds of load, ramp included
    ramp: 10            # seconds to reach the rate
    processes: 2        # Locust worker processes on this machine
    agents: 4           # SIP phones in the number's Ring to
    agent_capacity: 50  # calls one phone takes at once (486 Busy beyond)
    mix:                # call kinds, picked by weight
      - {name: short, weight: 3, hold: 2}
      - {name: long, weight: 1, hold: 8}

Locust paces users, not calls: the profile turns the rate into users that each place calls at
``rate / users`` per second (Locust's ``constant_throughput``), with enough users that every
call of the mix can be up at once. A rate this machine cannot carry, or that the agents cannot
take, is refused before anything starts, with the figure that makes it impossible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from harness.load.calls import ANSWER_TIMEOUT, MIN_HOLD

MAX_RATE_PER_PROCESS = 250.0
"""Calls per second one worker process can place and verify (its asyncio thread is one core)."""
MAX_CALLS_PER_PROCESS = 1500
"""Calls one worker process can hold at once with audio verified."""
MAX_DURATION = 24 * 3600.0
MAX_PROCESSES = 16
SET_UP_SECONDS = 1.0  # dial to answer and verification, added to the hold of every call
USERS_MARGIN = 1.25


class ProfileError(ValueError):
    """A profile that cannot run; the message names the field and why."""


@dataclass(frozen=True)
class CallKind:
    """One kind of call of the mix."""

    name: str
    weight: float
    hold: float  # seconds from the answer to the hang-up


@dataclass(frozen=True)
class LoadProfile:
    """What a load run does."""

    rate: float = 5.0
    duration: float = 30.0
    ramp: float = 5.0
    processes: int = 1
    agents: int = 4
    agent_capacity: int = 50
    mix: tuple[CallKind, ...] = field(default=(CallKind("call", 1.0, 3.0),))

    @property
    def mean_call_seconds(self) -> float:
        total = sum(k.weight for k in self.mix)
        return sum(k.weight * (k.hold + SET_UP_SECONDS) for k in self.mix) / total

    @property
    def concurrent_calls(self) -> int:
        """Calls up at once at full rate (Little's law)."""
        return math.ceil(self.rate * self.mean_call_seconds)

    @property
    def users(self) -> int:
        return max(1, math.ceil(self.concurrent_calls * USERS_MARGIN))

    @property
    def rate_per_user(self) -> float:
        return self.rate / self.users

    @property
    def spawn_rate(self) -> float:
        return self.users / self.ramp if self.ramp > 0 else float(self.users)

    def check(self, *, agents_needed: bool = True) -> LoadProfile:
        """This profile if it can run here, else a ProfileError naming what is wrong."""
        _positive("rate", self.rate)
        _within("duration", self.duration, 1.0, MAX_DURATION)
        _within("ramp", self.ramp, 0.0, self.duration)
        _within("processes", self.processes, 1, MAX_PROCESSES)
        if not self.mix:
            raise ProfileError("mix: at least one kind of call is needed")
        names = [k.name for k in self.mix]
        if len(set(names)) != len(names):
            raise ProfileError(f"mix: call kinds must have distinct names, got {names}")
        for kind in self.mix:
            _positive(f"mix.{kind.name}.weight", kind.weight)
            _within(f"mix.{kind.name}.hold", kind.hold, MIN_HOLD, 3600.0)
        ceiling = MAX_RATE_PER_PROCESS * self.processes
        if self.rate > ceiling:
            raise ProfileError(
                f"rate: {self.rate:g} calls/s is impossible with {self.processes} process(es): "
                f"one process places and verifies at most {MAX_RATE_PER_PROCESS:g} calls/s "
                f"(raise --processes or lower the rate)"
            )
        held = MAX_CALLS_PER_PROCESS * self.processes
        if self.concurrent_calls > held:
            raise ProfileError(
                f"rate: {self.rate:g} calls/s of {self.mean_call_seconds:.1f} s each keeps "
                f"{self.concurrent_calls} calls up, more than {held} that {self.processes} "
                f"process(es) hold (shorten the calls, lower the rate or add processes)"
            )
        if agents_needed:
            _within("agents", self.agents, 1, 500)
            _within("agent_capacity", self.agent_capacity, 1, 10_000)
            if self.agents * self.agent_capacity < self.concurrent_calls:
                raise ProfileError(
                    f"agents: {self.agents} agents taking {self.agent_capacity} calls each "
                    f"cannot answer the {self.concurrent_calls} calls up at once at "
                    f"{self.rate:g} calls/s (add agents or raise agent_capacity)"
                )
        return self

    def with_overrides(self, **values: Any) -> LoadProfile:
        """This profile with the values given (None: keep this profile's)."""
        given = {k: v for k, v in values.items() if v is not None}
        if "mix" in given and isinstance(given["mix"], str):
            given["mix"] = parse_mix(given["mix"])
        return replace(self, **given)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rate": self.rate,
            "duration": self.duration,
            "ramp": self.ramp,
            "processes": self.processes,
            "agents": self.agents,
            "agent_capacity": self.agent_capacity,
            "mix": [{"name": k.name, "weight": k.weight, "hold": k.hold} for k in self.mix],
            "users": self.users,
            "concurrent_calls": self.concurrent_calls,
            "answer_timeout": ANSWER_TIMEOUT,
        }


def _positive(name: str, value: float) -> None:
    if not isinstance(value, int | float) or not value > 0:
        raise ProfileError(f"{name}: must be a positive number, got {value!r}")


def _within(name: str, value: float, low: float, high: float) -> None:
    if not isinstance(value, int | float) or not low <= value <= high:
        raise ProfileError(f"{name}: must be between {low:g} and {high:g}, got {value!r}")


def parse_mix(text: str) -> tuple[CallKind, ...]:
    """``short:3:2,long:1:8`` (name:weight:hold seconds) as call kinds."""
    kinds = []
    for part in text.split(","):
        fields = part.strip().split(":")
        if len(fields) != 3:
            raise ProfileError(f"mix: {part.strip()!r} is not name:weight:hold")
        name, weight, hold = fields
        try:
            kinds.append(CallKind(name.strip(), float(weight), float(hold)))
        except ValueError:
            raise ProfileError(f"mix: {part.strip()!r}: weight and hold are numbers") from None
    return tuple(kinds)


_FIELDS = {"rate", "duration", "ramp", "processes", "agents", "agent_capacity", "mix"}


def load_profile(path: Path) -> LoadProfile:
    """The profile in a YAML file; unknown keys and wrong types are errors naming them."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"profile {path}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"profile {path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ProfileError(f"profile {path}: expected a mapping of settings")
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise ProfileError(
            f"profile {path}: unknown setting(s) {', '.join(unknown)} "
            f"(known: {', '.join(sorted(_FIELDS))})"
        )
    values: dict[str, Any] = {}
    for name in ("rate", "duration", "ramp"):
        if name in data:
            values[name] = _number(path, name, data[name])
    for name in ("processes", "agents", "agent_capacity"):
        if name in data:
            if not isinstance(data[name], int) or isinstance(data[name], bool):
                raise ProfileError(f"profile {path}: {name} must be a whole number")
            values[name] = data[name]
    if "mix" in data:
        values["mix"] = _mix(path, data["mix"])
    return LoadProfile().with_overrides(**values)


def _number(path: Path, name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(f"profile {path}: {name} must be a number, got {value!r}")
    return float(value)


def _mix(path: Path, value: object) -> tuple[CallKind, ...]:
    if not isinstance(value, list) or not value:
        raise ProfileError(f"profile {path}: mix must be a list of {{name, weight, hold}}")
    kinds = []
    for index, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"name", "weight", "hold"}:
            raise ProfileError(
                f"profile {path}: mix[{index}] must have exactly name, weight and hold"
            )
        kinds.append(
            CallKind(
                str(item["name"]),
                _number(path, f"mix[{index}].weight", item["weight"]),
                _number(path, f"mix[{index}].hold", item["hold"]),
            )
        )
    return tuple(kinds)
