"""report.html: self-contained, escaped, with what a reader of a failure needs."""

from __future__ import annotations

import re
from pathlib import Path

from harness.reporting.catalogue import parse_catalogue
from harness.reporting.html import render_html, write_html
from harness.reporting.model import ItemResult, RunReport

CATALOGUE = parse_catalogue(
    {
        "groups": [
            {
                "group": "AC-ANS",
                "title": "an answered call really connects",
                "requirements": [
                    {"id": "AC-ANS-1", "statement": "audio <both> ways"},
                    {"id": "AC-ANS-2", "statement": "logged", "reference_choice": True},
                ],
            },
            {
                "group": "CC-AH",
                "title": "after hours",
                "requirements": [{"id": "CC-AH-1", "statement": "deflect"}],
            },
        ]
    }
)


def _report(tmp_path: Path) -> RunReport:
    report = RunReport(
        catalogue=CATALOGUE,
        harness_name="callproof",
        harness_version="0.1.0",
        sut_name="reference",
        sut_version="0.1.0",
    )
    report.results.append(
        ItemResult(
            nodeid="features/calls/a.feature::test_stuck",
            name="A stuck <call>",
            status="failed",
            duration=2.0,
            feature="features/calls/a.feature",
            requirements=("AC-ANS-1",),
            call_ids=("CALL-0000000007",),
            verdict="the caller heard silence",
            evidence=(str(tmp_path / "evidence" / "ladder.txt"), "/elsewhere/capture.pcap"),
            message="AssertionError: <no audio>",
        )
    )
    report.results.append(
        ItemResult(
            nodeid="features/calls/a.feature::test_ok",
            name="Fine",
            status="passed",
            duration=1.0,
            feature="features/calls/a.feature",
            requirements=("AC-ANS-2",),
        )
    )
    return report


def test_page_is_self_contained(tmp_path: Path) -> None:
    page = render_html(_report(tmp_path), tmp_path)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    assert "<link" not in page
    assert not re.search(r"""(src|href)=["']?https?:""", page)


def test_requirements_are_grouped_with_status(tmp_path: Path) -> None:
    page = render_html(_report(tmp_path), tmp_path)
    first = page.index("AC-ANS — an answered call really connects")
    second = page.index("CC-AH — after hours")
    assert first < second
    row = page[page.index('<tr id="AC-ANS-1">') :]
    row = row[: row.index("</tr>")]
    assert 'class="badge failed"' in row
    cc_row = page[page.index('<tr id="CC-AH-1">') :]
    assert 'class="badge not-covered"' in cc_row[: cc_row.index("</tr>")]
    assert "reference choice" in page


def test_failures_show_message_verdict_call_ids_and_evidence(tmp_path: Path) -> None:
    page = render_html(_report(tmp_path), tmp_path)
    assert "Failures (1)" in page
    assert "the caller heard silence" in page
    assert "CALL-0000000007" in page
    assert 'href="evidence/ladder.txt"' in page
    assert 'href="file:///elsewhere/capture.pcap"' in page
    # Everything from a scenario or a message is escaped.
    assert "A stuck &lt;call&gt;" in page
    assert "AssertionError: &lt;no audio&gt;" in page
    assert "audio &lt;both&gt; ways" in page
    assert "<no audio>" not in page


def test_write_html_creates_the_directory(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.html"
    write_html(_report(tmp_path), target)
    assert "Conformance of reference" in target.read_text(encoding="utf-8")
