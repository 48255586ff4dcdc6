"""The HTTP access audit of a scenario: the authorisation matrix and the bad requests (H-SEC-4).

One :class:`AccessAudit` per scenario. It reaches the SUT only through the adapter's ``access``
and ``directory`` capabilities and its published API; each ``expect_*`` method raises a
:class:`~harness.errors.ConformanceFailure` that names the routes and callers concerned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import allure  # without --alluredir its attach is a no-op
import yarl

from harness.audit import http_table
from harness.audit.http_bad import DEFECTS, BadRequest, bad_requests
from harness.audit.http_matrix import AuthorisationMatrix, MatrixReport, access_of, differences
from harness.audit.http_table import AuthorisationTable, expand_path, fill, placeholders
from harness.data.numbers import e164
from harness.errors import ConformanceFailure
from harness.runtime.cleanup import Cleanup
from harness.runtime.ids import ScenarioIds
from harness.runtime.portal import Portal
from harness.scenario.capabilities import need
from harness.sut.contract import Adapter, Tenant
from harness.sut.model import ApiRoute

TABLE = Path(__file__).resolve().parents[2] / "fixtures" / "authorisation.yaml"
SHOWN = 25  # mismatches quoted in a failure message; the rest are counted


@dataclass
class BadAnswer:
    """What the SUT answered to one bad request."""

    request: BadRequest
    status: int
    error: Any

    def problem(self) -> str | None:
        """How the answer falls short (None when it is the expected 4xx naming the culprit)."""
        want = self.request
        if not isinstance(self.error, dict):
            got = f"{self.status} {self.error!r}"
            return f"{want}: expected {want.status} with a JSON error, got {got}"
        named = self.error.get("field")
        if self.status != want.status or named != want.field:
            message = self.error.get("message", "")
            return (
                f"{want}: expected {want.status} naming {want.field!r}, "
                f"got {self.status} naming {named!r} ({message})"
            )
        return None


@dataclass
class AccessAudit:
    """What the access audit did in this scenario and what it saw."""

    portal: Portal
    tenant: Tenant
    cleanup: Cleanup
    ids: ScenarioIds
    sut: Adapter
    table_path: Path = TABLE
    published: list[ApiRoute] = field(default_factory=list)
    report: MatrixReport | None = None
    answers: list[BadAnswer] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    _matrix: AuthorisationMatrix | None = None
    _table: AuthorisationTable | None = None

    @property
    def table(self) -> AuthorisationTable:
        if self._table is None:
            self._table = http_table.load(self.table_path)
        return self._table

    @property
    def matrix(self) -> AuthorisationMatrix:
        if self._matrix is None:
            self._matrix = AuthorisationMatrix(
                self.table,
                access_of(self.tenant),
                need(self.tenant.directory, "directory"),
                self.tenant.clock,
                self.sut.open_tenant,
                self.cleanup,
                self.ids,
            )
        return self._matrix

    # --- the route table -------------------------------------------------------------------

    def read_routes(self) -> None:
        """Read the SUT's own route table."""
        self.published = self.portal.run(self.matrix.published_routes())

    def expect_table_covers_routes(self) -> None:
        """Every published route is in the data file, and the data file lists no other."""
        problems = self.table.coverage_problems(self.published)
        if problems:
            raise ConformanceFailure(
                (),
                f"{self.table_path.name} to list exactly the published routes",
                "; ".join(problems),
            )

    # --- the matrix -------------------------------------------------------------------------

    def prepare_callers(self) -> None:
        """A token per role, a custom role, expired and revoked tokens, another account."""
        self.portal.run(self.matrix.prepare_callers(), timeout=60)

    def run_matrix(self) -> None:
        """Request every published route (the table knows) as every kind of caller."""
        if not self.published:
            self.read_routes()
        probes = self.matrix.probes(self.published)
        self.report = self.portal.run(self.matrix.run(probes), timeout=120)
        took = f"{len(probes)} requests in {self.report.elapsed_s:.2f} s"
        allure.attach(
            f"{took}\n\n{self.report.grid()}", "Authorisation matrix", allure.attachment_type.TEXT
        )

    def _report(self) -> MatrixReport:
        if self.report is None:
            raise RuntimeError("the authorisation matrix has not run in this scenario")
        return self.report

    def expect_answers_as_table(self) -> None:
        """Every answer is the one the table gives."""
        report = self._report()
        _fail_if(
            report.mismatches(), f"every one of {len(report.results)} answers as the table says"
        )

    def expect_refusals_changed_nothing(self) -> None:
        """The account read through the API is the same after the refused requests as before."""
        _fail_if(self._report().changed, "the refused requests to leave the account unchanged")

    def expect_no_leak(self) -> None:
        """Another account's caller saw none of this account's ids."""
        _fail_if(self._report().leaks(), "another account's caller to see none of this account")

    def expect_within(self, seconds: float) -> None:
        """The matrix ran within ``seconds``."""
        report = self._report()
        if report.elapsed_s > seconds:
            raise ConformanceFailure(
                (),
                f"the {len(report.results)} requests to take at most {seconds} s",
                f"{report.elapsed_s:.2f} s",
            )

    def elapsed(self) -> float:
        return self._report().elapsed_s

    # --- bad requests -----------------------------------------------------------------------

    def send_bad_requests(self, defect: str) -> None:
        """Send every route of the table (and of the SUT) spoiled by ``defect``."""
        if defect not in DEFECTS:
            raise ValueError(f"unknown defect {defect!r} (known: {', '.join(DEFECTS)})")
        if not self.published:
            self.read_routes()
        self.answers, self.changed = self.portal.run(self._send_bad(defect), timeout=120)
        if not self.answers:
            raise ConformanceFailure((), f"some route to take {defect}", "none did")

    async def _send_bad(self, defect: str) -> tuple[list[BadAnswer], list[str]]:
        matrix = self.matrix
        if not matrix.callers.headers:
            await matrix.prepare_callers()
        keys = {r.key for r in self.published}
        specs = [s for k, s in sorted(self.table.routes.items()) if k in keys]
        names = set().union(*(placeholders([s.params, s.body]) for s in specs))
        values = await matrix.resources(names, shared=True)
        requests: list[BadRequest] = []
        for spec in specs:
            filled = {**values, "label": self.ids.next("bad"), "e164": e164()}
            filled["now"] = "2030-01-01T00:00:00+00:00"
            raw_params = {k: str(fill(v, filled)) for k, v in spec.params.items()}
            path = expand_path(spec.pattern, spec.params, filled)
            body = fill(spec.body, filled)
            requests += bad_requests(spec, defect, path, body, raw_params)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as session:
            before = await matrix.snapshot(session)
            answers = [await self._send_one(session, r) for r in requests]
            after = await matrix.snapshot(session)
        return answers, differences(before, after)

    async def _send_one(self, session: aiohttp.ClientSession, request: BadRequest) -> BadAnswer:
        url = yarl.URL(self.matrix.access.api_url() + request.path, encoded=True)
        headers = {**self.matrix.callers.header(request.principal)}
        if request.raw is not None:
            headers["Content-Type"] = "application/json"
        async with session.request(
            request.route.method, url, data=request.raw, headers=headers
        ) as response:
            text = await response.text()
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return BadAnswer(request, response.status, text[:200])
        error = data.get("error") if isinstance(data, dict) else None
        return BadAnswer(request, response.status, error if isinstance(error, dict) else text[:200])

    def expect_bad_requests_refused(self) -> None:
        """Each bad request got its 4xx JSON error naming what was wrong."""
        problems = [p for a in self.answers if (p := a.problem()) is not None]
        _fail_if(problems, f"each of {len(self.answers)} bad requests refused, naming the culprit")

    def expect_nothing_changed(self) -> None:
        """Nothing stored in the account changed while the bad requests were refused."""
        _fail_if(self.changed, "the bad requests to change nothing stored")


def _fail_if(problems: list[str], expected: str) -> None:
    if not problems:
        return
    shown = "; ".join(problems[:SHOWN])
    more = f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
    raise ConformanceFailure((), expected, f"{len(problems)} did not: {shown}{more}")
