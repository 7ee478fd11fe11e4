"""Percentiles and summaries: the arithmetic the reported figures rest on."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.stats import percentile, summarize


def test_percentiles_of_one_to_ten() -> None:
    values = [float(v) for v in range(10, 0, -1)]  # unsorted on purpose
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 10
    assert percentile(values, 50) == 5.5
    assert percentile(values, 95) == pytest.approx(9.55)
    assert percentile(values, 99) == pytest.approx(9.91)


def test_percentile_of_one_value_is_that_value() -> None:
    assert percentile([7.0], 50) == percentile([7.0], 99) == 7.0


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=2, max_size=300))
def test_percentiles_agree_with_the_standard_library(values: list[float]) -> None:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    for p in (50, 95, 99):
        assert percentile(values, p) == pytest.approx(cuts[p - 1], rel=1e-9, abs=1e-9)


def test_bad_input_is_an_error() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_summary() -> None:
    summary = summarize([10.0, 20.0, 30.0, 40.0], wall_seconds=2.0)
    assert summary["count"] == 4
    assert summary["p50"] == 25.0
    assert summary["mean"] == 25.0
    assert summary["min"] == 10.0 and summary["max"] == 40.0
    assert summary["requests_per_second"] == 2.0
    assert "requests_per_second" not in summarize([1.0])
    assert summarize([]) == {"count": 0}
