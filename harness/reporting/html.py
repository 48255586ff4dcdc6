"""``report.html``: one self-contained page (inline CSS, no script, no external asset).

It opens from disk in any browser, survives being attached to a ticket, and shows what a
reader needs first: the verdict of the run, the requirement table grouped as in the
catalogue, and each failure with its message, verdict, Call IDs and evidence.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from html import escape
from pathlib import Path

from harness.reporting.model import UNCATALOGUED, ItemResult, RequirementResult, RunReport
from harness.reporting.progress import SEPARATOR

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;color:#1d1d1f;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd}
h3{margin:1.4em 0 .4em}.meta{color:#555}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.3em .5em;
vertical-align:top;text-align:left}th{background:#f4f4f6}
.passed{background:#dff3e3}.failed,.verdict.failed{background:#fbdada}.incomplete,.verdict.incomplete{background:#fdf3d0}
.verdict{padding:.5em .8em;border-radius:.3em}.verdict.passed{background:#dff3e3}
.steps td{border:none;padding:.1em .4em}.skipped{background:#fdf3d0}
.not-covered{background:#ececec;color:#555}.badge{padding:.1em .5em;border-radius:.6em;
font-weight:600;white-space:nowrap}.totals td{text-align:right}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto;white-space:pre-wrap}
.choice{font-size:.8em;color:#6a4c93}.failure{border-left:4px solid #d33;padding-left:1em;
margin-bottom:1.5em}code{font-size:.95em}.id{white-space:nowrap}.count{font-weight:normal;
color:#555;font-size:.85em}
"""


def _badge(status: str) -> str:
    return f'<span class="badge {escape(status)}">{escape(status)}</span>'


def _link(path: str, report_dir: Path) -> str:
    """A link that works from the report's own directory when the file lies under it."""
    target = Path(path)
    if not target.is_absolute():
        target = report_dir / target
    try:
        href = os.path.relpath(target, report_dir)
    except ValueError:
        href = target.as_uri()
    if href.startswith(".."):
        href = target.resolve().as_uri()
    return f'<a href="{escape(href)}">{escape(path)}</a>'


def _totals_table(report: RunReport) -> str:
    totals = report.totals()
    rows = []
    columns = ("passed", "failed", "skipped", "not-covered")
    for kind in ("scenarios", "requirements", "tests"):
        counts = totals[kind]
        cells = "".join(
            f'<td class="{c}">{counts[c]} {escape(c)}</td>' if c in counts else "<td></td>"
            for c in columns
        )
        rows.append(f"<tr><th>{kind}</th><td>{counts['total']} in all</td>{cells}</tr>")
    return f'<table class="totals">{"".join(rows)}</table>'


def _requirement_rows(requirements: Iterable[RequirementResult]) -> str:
    rows = []
    for requirement in requirements:
        choice = (
            ' <span class="choice">reference choice</span>' if requirement.reference_choice else ""
        )
        scenarios = "<br>".join(
            f"{_badge(s.status)} {escape(s.name)} <code>{escape(s.feature or '')}</code>"
            for s in requirement.scenarios
        )
        rows.append(
            f'<tr id="{escape(requirement.id)}"><td class="id"><b>{escape(requirement.id)}</b>'
            f"{choice}</td>"
            f"<td>{_badge(requirement.status)}</td><td>{escape(requirement.statement)}</td>"
            f"<td>{scenarios or '—'}</td></tr>"
        )
    return "".join(rows)


def _requirements_section(report: RunReport) -> str:
    by_group: dict[str, list[RequirementResult]] = {}
    for requirement in report.requirement_results():
        by_group.setdefault(requirement.group, []).append(requirement)
    parts = ["<h2>Requirements</h2>"]
    if not by_group:
        parts.append("<p>No requirement catalogue was loaded and no scenario carries an ID.</p>")
    for group_id, requirements in by_group.items():
        group = report.catalogue.group(group_id)
        title = f"{group_id} — {group.title}" if group and group.title else group_id
        if group_id == UNCATALOGUED:
            title = "IDs carried by scenarios but missing from the catalogue"
        statuses = Counter(r.status for r in requirements)
        count = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
        parts.append(
            f"<h3>{escape(title)} <span class='count'>({count})</span></h3>"
            "<table><tr><th>ID</th><th>status</th><th>statement</th><th>scenarios</th></tr>"
            f"{_requirement_rows(requirements)}</table>"
        )
    return "".join(parts)


def _failure(result: ItemResult, report_dir: Path) -> str:
    where = f"{result.feature} {SEPARATOR} {result.name}" if result.feature else result.nodeid
    lines = [f'<div class="failure"><h3>{escape(where)}</h3>']
    if result.requirements:
        links = ", ".join(f'<a href="#{escape(r)}">{escape(r)}</a>' for r in result.requirements)
        lines.append(f"<p>Requirements: {links}</p>")
    lines.append(f"<p class='meta'><code>{escape(result.nodeid)}</code></p>")
    if result.verdict:
        lines.append(f"<p><b>Verdict:</b> {escape(result.verdict)}</p>")
    if result.call_ids:
        ids = ", ".join(f"<code>{escape(c)}</code>" for c in result.call_ids)
        lines.append(f"<p><b>Call IDs:</b> {ids}</p>")
    if result.evidence:
        links = "".join(f"<li>{_link(p, report_dir)}</li>" for p in result.evidence)
        lines.append(f"<p><b>Evidence:</b></p><ul>{links}</ul>")
    lines.append(_steps(result))
    if result.message:
        lines.append(f"<pre>{escape(result.message)}</pre>")
    lines.append("</div>")
    return "".join(lines)


def _steps(result: ItemResult) -> str:
    if not result.steps:
        return ""
    rows = "".join(
        f"<tr><td>{_badge(step.status)}</td><td><b>{escape(step.keyword)}</b> "
        f"{escape(step.name)}</td><td>{step.duration:.3f} s</td></tr>"
        for step in result.steps
    )
    return f"<table class='steps'>{rows}</table>"


def _verdict_section(report: RunReport) -> str:
    verdict = report.verdict()
    parts = [f"<p class='verdict {verdict.outcome}'><b>{escape(verdict.headline)}</b></p>"]
    if verdict.gate_failures:
        ids = ", ".join(f'<a href="#{escape(i)}">{escape(i)}</a>' for i in verdict.gate_failures)
        parts.append(
            f"<p>Untested in the required groups {escape(', '.join(verdict.gate))}: {ids}</p>"
        )
    if report.seed is not None:
        parts.append(f"<p class='meta'>Seed <code>{report.seed}</code>")
        if report.command:
            parts.append(f" · rerun with <code>{escape(report.reproduce())}</code>")
        parts.append("</p>")
    return "".join(parts)


def _series_section(report: RunReport) -> str:
    series = report.series()
    if not series:
        return ""
    flaky = [s for s in series if s.flaky]
    runs = max(s.runs for s in series)
    parts = [f"<h2>Repeated runs ({runs} each): {len(flaky)} flaky</h2>"]
    if flaky:
        items = "".join(
            f"<li>{escape(s.feature or '')} {SEPARATOR} {escape(s.name)}: passed {s.passed}, "
            f"failed {s.failed} of {s.runs}</li>"
            for s in flaky
        )
        parts.append(f"<p><b>Flaky (passed and failed in the same series):</b></p><ul>{items}</ul>")
    rows = "".join(
        f"<tr><td>{escape(s.feature or s.nodeid)} {SEPARATOR} {escape(s.name)}</td>"
        f"<td>{s.passed}/{s.runs}</td><td>{s.failed}</td><td>{s.skipped}</td>"
        f"<td>{'flaky' if s.flaky else ''}</td></tr>"
        for s in series
    )
    parts.append(
        "<table><tr><th>item</th><th>passed</th><th>failed</th><th>skipped</th><th></th></tr>"
        f"{rows}</table>"
    )
    return "".join(parts)


def render_html(report: RunReport, report_dir: Path) -> str:
    """The page for ``report``; links to evidence are made relative to ``report_dir``."""
    failed = [r for r in report.results if r.status == "failed"]
    failed.sort(key=lambda r: (not r.is_scenario, r.nodeid))
    skipped = [r for r in report.scenarios if r.status == "skipped"]
    verdict = report.verdict().outcome
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>callproof — {escape(report.sut_name)} — {verdict}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Conformance of {escape(report.sut_name)} {_badge(verdict)}</h1>",
        f"<p class='meta'>SUT {escape(report.sut_name)} {escape(report.sut_version)} · "
        f"{escape(report.harness_name)} {escape(report.harness_version)} · "
        f"from {escape(report.started_at)} to {escape(report.finished_at)}</p>",
        _verdict_section(report),
        _totals_table(report),
    ]
    undefined = report.undefined_steps()
    if undefined:
        items = "".join(f"<li><code>{escape(f)}</code>: {escape(s)}</li>" for f, s in undefined)
        parts.append(f"<h2>Undefined steps</h2><ul>{items}</ul>")
    if failed:
        parts.append(f"<h2>Failures ({len(failed)})</h2>")
        parts.extend(_failure(r, report_dir) for r in failed)
    parts.append(_series_section(report))
    parts.append(_requirements_section(report))
    if skipped:
        items = "".join(
            f"<li>{escape(r.feature or '')} {SEPARATOR} {escape(r.name)}: "
            f"{escape(r.message or '')}</li>"
            for r in skipped
        )
        parts.append(f"<h2>Skipped scenarios ({len(skipped)})</h2><ul>{items}</ul>")
    parts.append("</body></html>\n")
    return "".join(parts)


def write_html(report: RunReport, path: Path) -> None:
    """Write :func:`render_html` to ``path``, creating its directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report, path.parent), encoding="utf-8")
