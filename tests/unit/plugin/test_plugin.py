"""The harness plugin's own behaviour: leaks fail a scenario, expectations are read from data."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.plugin import _load_expectations

pytest_plugins = ["pytester"]


def test_a_leak_fails_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["harness.plugin"]\n')
    pytester.makepyfile(
        """
        def test_leaves_a_port_open(cleanup):
            cleanup.check("RTP", lambda: ["127.0.0.1:40000 still open"])

        def test_cleans_up(cleanup):
            cleanup.check("RTP", lambda: [])
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:harness.reporting.plugin")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*LeakError: [[]H-REL-2] the scenario left things behind; leaked: RTP: 127.0.0.1:40000*"]
    )


def test_a_leak_counts_against_h_rel_2_in_the_report(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        pytest_plugins = ["harness.plugin"]

        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_makereport(item, call):
            report = yield
            if report.when == "teardown":
                found = [v for k, vs in report.user_properties if k == "requirements" for v in vs]
                print("REQUIREMENTS=" + ",".join(found))
            return report
        """
    )
    pytester.makepyfile(
        """
        def test_leaves_a_dialog(cleanup):
            cleanup.check("customer", lambda: ["call abc did not end"])

        def test_cleans_up(cleanup):
            cleanup.check("customer", lambda: [])
        """
    )
    result = pytester.runpytest("-s", "-p", "no:cacheprovider", "-p", "no:harness.reporting.plugin")
    result.assert_outcomes(passed=2, errors=1)
    found = [
        line.split("REQUIREMENTS=")[1] for line in result.stdout.lines if "REQUIREMENTS=" in line
    ]
    assert sorted(found) == ["", "H-REL-2"]  # only the scenario that leaked


def test_expectations_are_loaded_from_the_adapter_file(tmp_path: Path) -> None:
    folder = tmp_path / "fixtures" / "expectations"
    folder.mkdir(parents=True)
    (folder / "vendor.yaml").write_text(
        "deviations:\n  - requirement: AC-ANS-2\n    reason: logs answered calls as 'completed'\n"
    )
    assert _load_expectations(tmp_path, "vendor") == {
        "AC-ANS-2": "logs answered calls as 'completed'"
    }
    assert _load_expectations(tmp_path, "other") == {}


def test_a_deviation_without_reason_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "fixtures" / "expectations"
    folder.mkdir(parents=True)
    (folder / "vendor.yaml").write_text("deviations:\n  - requirement: AC-ANS-2\n")
    with pytest.raises(pytest.UsageError, match="needs a 'reason'"):
        _load_expectations(tmp_path, "vendor")
