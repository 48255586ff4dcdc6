"""Write a run's report files: ``conformance.json`` and ``report.html``."""

from __future__ import annotations

import json
import os
from pathlib import Path

from harness.reporting.cucumber import cucumber_document
from harness.reporting.html import write_html
from harness.reporting.model import RunReport

CONFORMANCE_JSON = "conformance.json"
REPORT_HTML = "report.html"
CUCUMBER_JSON = "cucumber.json"


def write_json_atomically(data: object, path: Path) -> None:
    """Write ``data`` as JSON so that a reader never sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(partial, path)


def write_reports(report: RunReport, reports_dir: Path) -> tuple[Path, Path]:
    """Write conformance.json, cucumber.json and report.html into ``reports_dir``; returns
    (conformance.json, report.html)."""
    conformance = reports_dir / CONFORMANCE_JSON
    html = reports_dir / REPORT_HTML
    write_json_atomically(report.to_json(), conformance)
    write_json_atomically(cucumber_document(report.results), reports_dir / CUCUMBER_JSON)
    write_html(report, html)
    return conformance, html
