"""Order statistics and the table layout of the benchmarks."""

from __future__ import annotations

import pytest

from harness.benchmarks import stats


def test_median_odd_and_even() -> None:
    assert stats.median([1.0, 2.0, 9.0]) == 2.0
    assert stats.median([1.0, 2.0, 4.0, 9.0]) == 3.0


def test_nearest_rank_percentile_returns_an_observed_value() -> None:
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert stats.percentile(values, 95) == 19.0  # rank ceil(0.95 * 20) = 19
    assert stats.percentile(values, 100) == 20.0
    assert stats.percentile(values, 50) == 10.0
    assert stats.percentile([7.0], 95) == 7.0


@pytest.mark.parametrize("q", [0, -1, 101])
def test_percentile_outside_range_is_a_bug(q: float) -> None:
    with pytest.raises(ValueError):
        stats.percentile([1.0], q)


def test_statistics_of_nothing_are_a_bug() -> None:
    with pytest.raises(ValueError):
        stats.median([])
    with pytest.raises(ValueError):
        stats.percentile([], 95)


def test_summary_of_complete_samples() -> None:
    s = stats.Summary.of([30.0, 10.0, 20.0, 40.0])
    assert (s.n, s.missing, s.median, s.p95, s.max) == (4, 0, 25.0, 40.0, 40.0)
    assert s.median_within(25.0) and not s.p95_within(39.9)


def test_missing_samples_count_as_beyond_any_bound() -> None:
    # 19 fast calls and one silent one: the median stands, the p95 still does (rank 19),
    # the max has no value.
    s = stats.Summary.of([5.0] * 19 + [None])
    assert (s.n, s.missing, s.median, s.p95, s.max) == (19, 1, 5.0, 5.0, None)
    # Two silent calls in twenty push the p95 onto a silent one.
    s = stats.Summary.of([5.0] * 18 + [None, None])
    assert s.p95 is None and not s.p95_within(1e9)
    # Mostly silent: no median either.
    s = stats.Summary.of([1.0, None, None])
    assert s.median is None and not s.median_within(1e9)


def test_summary_of_no_samples() -> None:
    assert stats.Summary.of([]) == stats.Summary(0, 0, None, None, None)


def test_summary_as_dict() -> None:
    assert stats.Summary.of([2.0, None]).as_dict() == {
        "n": 1, "missing": 1, "median": None, "p95": None, "max": None,
    }  # fmt: skip


def test_rates() -> None:
    assert stats.per_minute(20, 30.0) == 40.0
    assert stats.per_second(10, 4.0) == 2.5
    assert stats.per_minute(5, 0.0) is None


def test_number_and_yes_no() -> None:
    assert stats.number(41.25) == "41.2"
    assert stats.number(0.466, 2) == "0.47"
    assert stats.number(None) == stats.MISSING
    assert (stats.yes_no(True), stats.yes_no(False)) == ("yes", "no")


def test_table_aligns_columns() -> None:
    text = stats.table(["direction", "n", "note"], [["a", "5", "ok"], ["longer", "12", "x"]], "lrl")
    assert text.splitlines() == [
        "direction   n  note",
        "a           5  ok",
        "longer     12  x",
    ]


def test_table_rejects_ragged_rows_and_bad_alignment() -> None:
    with pytest.raises(ValueError):
        stats.table(["a", "b"], [["1"]])
    with pytest.raises(ValueError):
        stats.table(["a", "b"], [["1", "2"]], "lx")
