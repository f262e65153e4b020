"""Uncertainty, vectorised over result cells: Wilson, t and order-statistic 95% intervals.

scipy is not a dependency, so:
- the t quantile uses an exact table for df 1..30 and the Cornish-Fisher expansion of the t
  distribution around the normal quantile beyond (error < 1e-4 at df > 30);
- the order-statistic interval for a median uses exact binomial(n, 1/2) tail sums for n <= 1000
  and the normal approximation of the ranks beyond. No interval is given for n < 6 because no pair
  of order statistics then reaches 95% coverage (for n = 5 the widest pair, min..max, covers 93.75%).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

Z95 = 1.959963984540054

# Two-sided 95% (0.975 quantile) of Student's t for df = 1..30.
_T975 = (
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
    2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
    2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272,
)


def t975(df: np.ndarray | float) -> np.ndarray:
    """0.975 quantile of Student's t with `df` degrees of freedom (NaN for df < 1)."""
    d = np.asarray(df, dtype=float)
    z = Z95
    safe = np.where(d >= 1, d, 1.0)
    # Cornish-Fisher expansion (Abramowitz & Stegun 26.7.5), accurate for large df.
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    approx = z + g1 / safe + g2 / safe**2 + g3 / safe**3 + g4 / safe**4
    table = np.asarray(_T975)
    index = np.clip(safe.astype(int), 1, 30) - 1
    exact = table[index]
    out = np.where(safe <= 30, exact, approx)
    return np.where(d >= 1, out, np.nan)


def wilson(k: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes out of n (NaN where n = 0)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        z2 = z * z
        denom = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
        low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return low, high


def mean_interval(mean: np.ndarray, sd: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """t interval for a mean; NaN below n = 2 (no spread to estimate)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = t975(n - 1) * np.asarray(sd, dtype=float) / np.sqrt(n)
    ok = n >= 2
    return np.where(ok, mean - half, np.nan), np.where(ok, mean + half, np.nan)


@lru_cache(maxsize=4096)
def median_ranks(n: int) -> tuple[int, int] | None:
    """1-based ranks (l, u) of the order statistics bounding a >= 95% interval for the median."""
    if n < 6:
        return None
    if n > 1000:
        half_width = 0.5 * Z95 * math.sqrt(n)
        low = max(1, math.floor(n / 2 - half_width))
        return low, n - low + 1
    # Largest l with P(X <= l - 1) <= 0.025 for X ~ Binomial(n, 1/2); the interval is [x_(l), x_(n-l+1)].
    log_half_n = n * math.log(0.5)
    cumulative = 0.0
    low = 0
    for k in range(n):
        cumulative += math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + log_half_n)
        if cumulative > 0.025:
            break
        low = k + 1
    if low < 1:
        return None
    return low, n - low + 1


def two_proportion_significant(k1: ArrayLike, n1: ArrayLike, k2: ArrayLike, n2: ArrayLike, z: float = Z95) -> np.ndarray:
    """Pooled two-proportion z-test at 95% (two-sided); False where either n is 0."""
    k1, n1, k2, n2 = (np.asarray(x, dtype=float) for x in (k1, n1, k2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (k1 + k2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        stat = np.abs(k1 / n1 - k2 / n2) / se
    ok = (n1 > 0) & (n2 > 0) & np.isfinite(stat)
    return np.where(ok, stat > z, False).astype(bool)


def welch_significant(m1: ArrayLike, se1: ArrayLike, m2: ArrayLike, se2: ArrayLike, z: float = Z95) -> np.ndarray:
    """Difference of two means larger than 1.96 combined standard errors (Welch, normal approximation)."""
    m1, se1, m2, se2 = (np.asarray(x, dtype=float) for x in (m1, se1, m2, se2))
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.abs(m1 - m2) / np.sqrt(se1**2 + se2**2)
    ok = np.isfinite(stat)
    return np.where(ok, stat > z, False).astype(bool)
