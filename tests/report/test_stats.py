"""Percentiles, means, rates and distributions: hand-computed values and a brute-force reference."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bluejay_async.errors import InvalidRequestError
from bluejay_async.report import Distribution, Rate, percentile
from bluejay_async.report.stats import mean

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


def brute_percentile(values: list[float], p: float) -> float:
    """The definition: the smallest value with at least p% of the values at or below it."""
    n = len(values)
    return min(v for v in values if Fraction(sum(x <= v for x in values) * 100) >= Fraction(p) * n)


@pytest.mark.parametrize(
    ("p", "expected"),
    [(0, 15), (5, 15), (20, 15), (30, 20), (40, 20), (50, 35), (75, 40), (95, 50), (100, 50)],
)
def test_nearest_rank_on_a_textbook_example(p: float, expected: float) -> None:
    assert percentile([35, 20, 15, 50, 40], p) == expected


def test_p95_of_twenty_values_is_the_nineteenth() -> None:
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 95) == 19.0  # 0.95 * 20 = 19 exactly: no rounding up to 20
    assert percentile(values, 95.0) == 19.0
    assert percentile(values, 50) == 10.0
    assert percentile(values[:10], 95) == 10.0


def test_percentile_of_nothing_is_none() -> None:
    assert percentile([], 50) is None


@pytest.mark.parametrize("p", [-1, 100.5, math.nan, True, "50"])
def test_percentile_refuses_a_p_outside_0_to_100(p: object) -> None:
    with pytest.raises(InvalidRequestError):
        percentile([1.0], p)  # type: ignore[arg-type]


@given(st.lists(finite, min_size=1, max_size=60), st.integers(0, 100))
def test_percentile_matches_the_brute_force_definition(values: list[float], p: int) -> None:
    assert percentile(values, p) == brute_percentile(values, p)


@given(st.lists(finite, min_size=1, max_size=60), st.floats(0, 100))
def test_percentile_matches_the_definition_for_fractional_p(values: list[float], p: float) -> None:
    assert percentile(values, p) == brute_percentile(values, p)


@given(st.lists(finite, max_size=40).flatmap(lambda v: st.tuples(st.just(v), st.permutations(v))))
def test_figures_do_not_depend_on_order(pair: tuple[list[float], list[float]]) -> None:
    values, shuffled = pair
    assert Distribution.of(values) == Distribution.of(shuffled)
    assert mean(values) == mean(shuffled)


def test_mean_is_exactly_rounded() -> None:
    assert mean([1.0, 2.0, 3.0, 4.0]) == 2.5
    assert mean([1e16, 1.0, -1e16]) == pytest.approx(1 / 3)
    assert mean([1e16, -1e16, 1.0]) == mean([1.0, 1e16, -1e16])
    assert mean([]) is None


@given(st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=50))
def test_mean_matches_exact_arithmetic(values: list[int]) -> None:
    assert mean([float(v) for v in values]) == float(Fraction(sum(values), len(values)))


def test_rate_counts_missing_apart() -> None:
    rate = Rate.of([True, False, None, True])
    assert (rate.hits, rate.judged, rate.missing) == (2, 3, 1)
    assert rate.rate == pytest.approx(2 / 3)
    assert Rate.of([None, None]).rate is None
    assert Rate.of([]) == Rate(hits=0, judged=0, missing=0)


def test_distribution_treats_none_and_non_finite_as_missing() -> None:
    dist = Distribution.of([3.0, None, 1.0, math.nan, 2.0, math.inf, 4.0])
    assert dist == Distribution(count=4, missing=3, mean=2.5, p50=2.0, p95=4.0, min=1.0, max=4.0)
    empty = Distribution.of([None])
    assert (empty.count, empty.missing, empty.mean, empty.p95) == (0, 1, None, None)
