"""Interval formulas against published numbers."""

from __future__ import annotations

import numpy as np
import pytest

from monitor.engine.stats import median_ranks, t975, two_proportion_significant, welch_significant, wilson


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (5, 10, 0.2366, 0.7634),  # the brief's reference value
        (0, 10, 0.0, 0.2775),  # Wilson with no successes (Newcombe 1998, table I)
        (10, 10, 0.7225, 1.0),
        (81, 263, 0.2553, 0.3662),  # Newcombe 1998 example 81/263
        (1, 1, 0.2065, 1.0),
    ],
)
def test_wilson_matches_known_values(k: int, n: int, low: float, high: float) -> None:
    got_low, got_high = wilson(np.array([k]), np.array([n]))
    assert got_low[0] == pytest.approx(low, abs=1e-4)
    assert got_high[0] == pytest.approx(high, abs=1e-4)


def test_wilson_zero_n_is_missing() -> None:
    low, high = wilson(np.array([0]), np.array([0]))
    assert np.isnan(low[0]) and np.isnan(high[0])


@pytest.mark.parametrize(
    ("df", "quantile"),
    [(1, 12.7062), (2, 4.3027), (9, 2.2622), (30, 2.0423), (31, 2.0395), (40, 2.0211), (60, 2.0003),
     (120, 1.9799), (1000, 1.9623), (0, np.nan)],
)
def test_t_quantile(df: int, quantile: float) -> None:
    got = float(t975(df))
    if np.isnan(quantile):
        assert np.isnan(got)
    else:
        assert got == pytest.approx(quantile, abs=2e-4)


@pytest.mark.parametrize(
    ("n", "ranks"),
    [(5, None), (6, (1, 6)), (10, (2, 9)), (20, (6, 15)), (100, (40, 61))],
)
def test_median_order_statistic_ranks(n: int, ranks: tuple[int, int] | None) -> None:
    # Reference ranks: the binomial(n, 1/2) tables of distribution-free median intervals (e.g. Conover).
    assert median_ranks(n) == ranks


def _exact_low_rank(n: int) -> int:
    from fractions import Fraction
    from math import comb

    tail, low = Fraction(0), 0
    for k in range(n):
        tail += Fraction(comb(n, k), 2**n)
        if tail > Fraction(25, 1000):
            return low
        low = k + 1
    return low


def test_median_ranks_approximation_beyond_1000_is_within_one_rank() -> None:
    got = median_ranks(2000)
    exact = _exact_low_rank(2000)
    assert got is not None and abs(got[0] - exact) <= 1 and got[1] == 2000 - got[0] + 1


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2", "significant"),
    [(50, 100, 70, 100, True), (50, 100, 55, 100, False), (5, 10, 6, 10, False), (0, 0, 5, 10, False)],
)
def test_two_proportion_test(k1: int, n1: int, k2: int, n2: int, significant: bool) -> None:
    assert bool(two_proportion_significant([k1], [n1], [k2], [n2])[0]) is significant


@pytest.mark.parametrize(
    ("m1", "se1", "m2", "se2", "significant"),
    [(3.0, 0.2, 4.0, 0.2, True), (3.0, 0.5, 3.5, 0.5, False), (3.0, np.nan, 9.0, 0.1, False)],
)
def test_welch(m1: float, se1: float, m2: float, se2: float, significant: bool) -> None:
    assert bool(welch_significant([m1], [se1], [m2], [se2])[0]) is significant
