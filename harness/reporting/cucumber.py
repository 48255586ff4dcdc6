"""``cucumber.json``: every scenario of the run in the Cucumber JSON format CI tools read.

Written from the run's results on the side that sees them all (the only process, or the xdist
controller), so it holds the same scenarios whatever ``-n`` is, including scenarios skipped or
failed before their first step (pytest-bdd's own writer leaves those out, and reports the
steps of a skipped scenario as passed). Features and scenarios come in file order, whatever
order the workers finished them in.

Each step's status: the status it ran with; ``skipped`` for a step that never ran. A scenario
that failed before its first step shows its first step as failed, with the error, so that a
reader that derives a scenario's status from its steps sees it fail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from harness.reporting.model import ItemResult

_NS = 1_000_000_000


def _tags(names: Iterable[str], line: int) -> list[dict[str, Any]]:
    return [{"name": f"@{name}", "line": line} for name in sorted(names)]


def _steps(result: ItemResult, gherkin: Mapping[str, Any]) -> list[dict[str, Any]]:
    written = [tuple(step) for step in gherkin.get("steps", ())]
    ran = list(result.steps)
    steps = []
    for index, (keyword, name, line) in enumerate(written):
        outcome: dict[str, Any]
        if index < len(ran):
            step = ran[index]
            outcome = {"status": step.status, "duration": int(step.duration * _NS)}
        else:
            outcome = {"status": "skipped", "duration": 0}
        if outcome["status"] == "failed" and result.message:
            outcome["error_message"] = result.message
        steps.append(
            {
                "keyword": f"{str(keyword).strip()} ",
                "name": name,
                "line": line,
                "match": {"location": ""},
                "result": outcome,
            }
        )
    if (
        result.status == "failed"
        and steps
        and not any(s["result"]["status"] == "failed" for s in steps)
    ):
        # Failed outside any step (set-up, teardown, a leak found afterwards): say so on the
        # first step that did not pass, or the last one.
        target = next((s for s in steps if s["result"]["status"] != "passed"), steps[-1])
        target["result"] = {
            "status": "failed",
            "duration": target["result"]["duration"],
            "error_message": result.message or "failed outside its steps",
        }
    return steps


def _element(result: ItemResult, gherkin: Mapping[str, Any]) -> dict[str, Any]:
    line = int(gherkin.get("line") or 0)
    return {
        "keyword": str(gherkin.get("keyword") or "Scenario"),
        "id": result.nodeid,
        "name": result.name,
        "line": line,
        "description": str(gherkin.get("description") or ""),
        "tags": _tags(gherkin.get("tags", ()), max(line - 1, 1)),
        "type": "scenario",
        "steps": _steps(result, gherkin),
    }


def cucumber_document(results: Iterable[ItemResult]) -> list[dict[str, Any]]:
    """The document: one entry per feature file, each with its scenarios in file order."""
    features: dict[str, dict[str, Any]] = {}
    for result in results:
        gherkin = result.gherkin
        if not result.is_scenario or gherkin is None:
            continue
        uri = str(result.feature)
        feature = features.get(uri)
        if feature is None:
            line = int(gherkin.get("feature_line") or 1)
            feature = features[uri] = {
                "keyword": str(gherkin.get("feature_keyword") or "Feature"),
                "uri": uri,
                "name": result.feature_name or uri,
                "id": uri.lower().replace(" ", "-"),
                "line": line,
                "description": str(gherkin.get("feature_description") or ""),
                "tags": _tags(gherkin.get("feature_tags", ()), max(line - 1, 1)),
                "elements": [],
            }
        feature["elements"].append(_element(result, gherkin))
    for feature in features.values():
        feature["elements"].sort(key=lambda e: (e["line"], e["id"]))
    return [features[uri] for uri in sorted(features)]
