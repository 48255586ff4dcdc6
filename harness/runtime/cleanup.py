"""Cleanup owned by whoever creates a thing, and post-conditions checked after each scenario."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Finalizer = Callable[[], Awaitable[None] | None]
LeakCheck = Callable[[], list[str]]


class LeakError(AssertionError):
    """A scenario left something alive (a dialog, an RTP port, a process, a page)."""


@dataclass
class Cleanup:
    """A LIFO stack of finalizers; each registered by the helper that created the resource."""

    _stack: list[tuple[str, Finalizer]] = field(default_factory=list)
    _checks: list[tuple[str, LeakCheck]] = field(default_factory=list)

    def push(self, what: str, finalizer: Finalizer) -> None:
        self._stack.append((what, finalizer))

    def check(self, what: str, leak_check: LeakCheck) -> None:
        """Register a post-condition: ``leak_check()`` returns descriptions of leaked things."""
        self._checks.append((what, leak_check))

    async def run(self) -> list[str]:
        """Run every finalizer (newest first); return the errors rather than stop at the first."""
        errors: list[str] = []
        while self._stack:
            what, fin = self._stack.pop()
            try:
                result = fin()
                if inspect.isawaitable(result):
                    await result
            except (OSError, RuntimeError, ValueError, TimeoutError, AssertionError) as exc:
                errors.append(f"cleanup of {what} failed: {exc!r}")
        return errors

    def leaks(self) -> list[str]:
        found: list[str] = []
        for what, leak_check in self._checks:
            found.extend(f"{what}: {item}" for item in leak_check())
        return found
