"""cucumber.json from the run's results: every scenario, steps as written, statuses that add up."""

from __future__ import annotations

from typing import Any

from harness.reporting.cucumber import cucumber_document
from harness.reporting.model import ItemResult, Status, StepResult

GHERKIN: dict[str, Any] = {
    "keyword": "Scenario",
    "line": 12,
    "description": "",
    "tags": ["AC-ANS-1"],
    "steps": [["Given", "a caller", 13], ["When", "she calls", 14], ["Then", "it rings", 15]],
    "feature_keyword": "Feature",
    "feature_line": 1,
    "feature_description": "Source: seed 000.",
    "feature_tags": [],
}


def scenario(
    name: str, status: Status, *ran: Status, message: str | None = None, line: int = 12
) -> ItemResult:
    return ItemResult(
        nodeid=f"features/a.feature::test_{name}",
        name=name,
        status=status,
        duration=1.0,
        feature="features/a.feature",
        feature_name="Answered calls",
        message=message,
        steps=tuple(StepResult("Given", f"step {i}", s, 0.5) for i, s in enumerate(ran)),
        gherkin={**GHERKIN, "line": line},
    )


def statuses(document: list[dict[str, Any]], name: str) -> list[str]:
    element = next(e for f in document for e in f["elements"] if e["name"] == name)
    return [step["result"]["status"] for step in element["steps"]]


def test_every_scenario_with_its_written_steps_in_file_order() -> None:
    document = cucumber_document(
        [
            scenario("later", "passed", "passed", "passed", "passed", line=30),
            scenario("earlier", "failed", "passed", "failed", message="boom"),
            ItemResult(
                nodeid="tests/test_x.py::test_plain", name="plain", status="passed", duration=0.1
            ),
        ]
    )
    [feature] = document
    assert feature["uri"] == "features/a.feature"
    assert feature["name"] == "Answered calls"
    assert [e["name"] for e in feature["elements"]] == ["earlier", "later"]
    earlier = feature["elements"][0]
    assert [s["name"] for s in earlier["steps"]] == ["a caller", "she calls", "it rings"]
    assert earlier["tags"] == [{"name": "@AC-ANS-1", "line": 11}]
    assert statuses(document, "earlier") == ["passed", "failed", "skipped"]
    assert earlier["steps"][1]["result"]["error_message"] == "boom"
    assert earlier["steps"][0]["result"]["duration"] == 500_000_000


def test_a_scenario_skipped_before_its_first_step_is_listed_with_skipped_steps() -> None:
    document = cucumber_document([scenario("needs a clock", "skipped")])
    assert statuses(document, "needs a clock") == ["skipped", "skipped", "skipped"]


def test_a_failure_outside_the_steps_shows_on_a_step() -> None:
    set_up = cucumber_document([scenario("no SUT", "failed", message="SUT unreachable")])
    assert statuses(set_up, "no SUT") == ["failed", "skipped", "skipped"]
    leak = cucumber_document(
        [scenario("leaky", "failed", "passed", "passed", "passed", message="leaked a port")]
    )
    assert statuses(leak, "leaky") == ["passed", "passed", "failed"]
    step = leak[0]["elements"][0]["steps"][2]
    assert step["result"]["error_message"] == "leaked a port"
