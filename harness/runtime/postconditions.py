"""The post-conditions every scenario must meet (H-REL-2): nothing it created is left behind.

After a scenario its cleanup stack runs (newest first), then the leak checks its helpers
registered (live dialogs, open RTP ports, processes...). Whatever is left fails the scenario
with one message that names the requirement and each leaked thing. The plugin runs this after
every scenario; a scenario that provokes a leak on purpose runs the very same code on a stack
of its own to prove that the leak is reported.
"""

from __future__ import annotations

from harness.runtime.cleanup import Cleanup, LeakError

REQUIREMENT = "H-REL-2"


async def settle(stack: Cleanup) -> list[str]:
    """Run every finalizer of ``stack``, then its leak checks; returns what went wrong."""
    errors = await stack.run()
    return errors + stack.leaks()


def leak_report(problems: list[str]) -> str:
    """The failure message for ``problems`` (what :func:`settle` returned)."""
    return f"[{REQUIREMENT}] the scenario left things behind; leaked: " + "; ".join(problems)


def check(problems: list[str]) -> None:
    """Raise :class:`LeakError` naming H-REL-2 and each leaked thing, if any."""
    if problems:
        raise LeakError(leak_report(problems))
