"""Proving the leak detector (H-REL-2): a party the SUT will not let go of is reported by name.

The scenario provokes the leak with a reference-only fault (the SUT drops the customer's BYE),
then ends the customer the way the plugin does after every scenario: its finalizer, then the
post-conditions, through :mod:`harness.runtime.postconditions` on a stack of its own. The
report must name H-REL-2 and the customer's call. The customer then leaves the stage, so the
scenario's own post-conditions judge only what the scenario still owns; the fault is lifted
so the agent's phone can end its side normally.
"""

from __future__ import annotations

from harness.runtime import postconditions
from harness.runtime.cleanup import Cleanup
from harness.scenario.calls import CallFlows
from harness.scenario.cast import Cast

DETECTOR = "the harness's leak detector"


class LeakNotReported(AssertionError):
    """The post-conditions did not report a leak the scenario provoked on purpose."""


def ignore_hangups(cast: Cast) -> None:
    """Fault: the SUT drops the customer's BYEs from now on."""
    faults = cast.tenant.faults
    if faults is None:
        raise LookupError("the scenario needs @needs:faults")
    cast.portal.run(faults.ignore_hangups(True))
    cast.cleanup.push("the 'ignore hang-ups' fault", lambda: faults.ignore_hangups(False))


def customer_leak_report(cast: Cast, flows: CallFlows) -> str:
    """End the customer as after a scenario; returns the post-conditions' failure message."""
    customer = cast.customer
    stack = Cleanup()
    stack.push("customer's caller", customer.close)
    stack.check("media and signalling", cast.stage.leaks)
    problems = cast.portal.run(postconditions.settle(stack), timeout=60)
    cast.stage.leave(customer)  # reported here: the scenario's own check must not count it twice
    faults = cast.tenant.faults
    if faults is not None:
        cast.portal.run(faults.ignore_hangups(False))
    if not problems:
        raise LeakNotReported(f"{DETECTOR} found nothing after the call {flows.last.sip_call_id}")
    return postconditions.leak_report(problems)


def check_names(report: str, *needles: str) -> None:
    """The report names H-REL-2 and each of ``needles``."""
    missing = [n for n in (postconditions.REQUIREMENT, *needles) if n not in report]
    if missing:
        raise LeakNotReported(f"{DETECTOR} did not name {missing}: {report}")


def expect_customer_leak_named(cast: Cast, flows: CallFlows) -> None:
    """The post-conditions fail H-REL-2 naming the customer's call that never ended."""
    report = customer_leak_report(cast, flows)
    check_names(report, f"customer: call {flows.last.sip_call_id} did not end")
