"""Loads the harness's pytest plugin and the step library for every feature file."""

pytest_plugins = [
    "harness.plugin",
    "harness.reporting.plugin",
    "steps.common",
    "steps.calls",
    "steps.offers",
    "steps.security",
    "steps.evidence",
    "steps.access",
    "steps.reliability",
    "harness.scenario.desktop",
    "steps.desktop",
    "harness.scenario.incoming",
    "steps.incoming",
]
