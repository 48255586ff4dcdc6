"""Steps for the HTTP access audit: the authorisation matrix and the bad requests (H-SEC-4).

Thin by design: each step calls one method of :class:`harness.scenario.access.AccessAudit`,
which owns the requests, the waiting and the verdicts.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.access import AccessAudit


@when("the routes are read from the contact center's own route table")
def read_routes(access_audit: AccessAudit) -> None:
    access_audit.read_routes()


@then("every published route is in the authorisation table, and the table lists no other route")
def table_covers_routes(access_audit: AccessAudit) -> None:
    access_audit.expect_table_covers_routes()


@given(
    "a token for each role of the account, a custom role, an expired and a revoked token, "
    "and an administrator of another account"
)
def callers(access_audit: AccessAudit) -> None:
    access_audit.prepare_callers()


@when("every published route is requested by every kind of caller")
def run_matrix(access_audit: AccessAudit) -> None:
    access_audit.run_matrix()


@then("every answer is the one the authorisation table gives")
def answers_as_table(access_audit: AccessAudit) -> None:
    access_audit.expect_answers_as_table()


@then("the requests that were refused changed nothing stored in the account")
def refusals_changed_nothing(access_audit: AccessAudit) -> None:
    access_audit.expect_refusals_changed_nothing()


@then("the administrator of the other account saw none of this account's data")
def no_leak(access_audit: AccessAudit) -> None:
    access_audit.expect_no_leak()


@then(parsers.parse("the whole matrix took less than {seconds:d} seconds"))
def matrix_fast(access_audit: AccessAudit, seconds: int) -> None:
    access_audit.expect_within(float(seconds))


@when(parsers.parse("every route is sent {defect} by a caller allowed to use it"))
def send_bad(access_audit: AccessAudit, defect: str) -> None:
    access_audit.send_bad_requests(defect)


@then("each answer is the expected 4xx status with a JSON error naming the culprit")
def bad_refused(access_audit: AccessAudit) -> None:
    access_audit.expect_bad_requests_refused()


@then("nothing stored in the account changed")
def nothing_changed(access_audit: AccessAudit) -> None:
    access_audit.expect_nothing_changed()
