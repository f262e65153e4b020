"""Per-type aggregation of row values into result cells, vectorised with numpy.

Every function takes `codes` (the cell of each row, 0..ncells-1, or -1 for rows that belong to no
cell) and returns arrays of length `ncells`: n, numerator, denominator, value, ci_low, ci_high, se.
One bincount per statistic, so a million rows cost milliseconds per indicator and disaggregation.

What n means, per type (the suppression rule reads it):
- share: rows meeting filter and denominator (the denominator count);
- count: rows in scope (filter);
- sum, mean, median, duration: rows with a value;
- ratio: rows with both a numerator and a denominator value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from monitor.engine.stats import mean_interval, median_ranks, wilson

NAN = np.nan


@dataclass
class Rows:
    """What one indicator contributes per row (already restricted to the indicator's scope)."""

    kind: str  # share | count | sum | mean | median | ratio | duration
    a: np.ndarray  # share/count: hit (bool); sum/mean/median: value; ratio: numerator (NaN = missing)
    b: np.ndarray | None = None  # share: in denominator (bool); count: in scope; ratio: denominator
    factor: float = 1.0  # ratio: multiplier, e.g. 10000 for "per 10,000 residents"


@dataclass
class Cells:
    n: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    value: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    se: np.ndarray
    ci_method: str


def _count(codes: np.ndarray, mask: np.ndarray, ncells: int) -> np.ndarray:
    return np.bincount(codes[mask], minlength=ncells)[:ncells].astype(float)


def _sum(codes: np.ndarray, mask: np.ndarray, weights: np.ndarray, ncells: int) -> np.ndarray:
    return np.bincount(codes[mask], weights=weights[mask], minlength=ncells)[:ncells]


def _nan(ncells: int) -> np.ndarray:
    return np.full(ncells, NAN)


def aggregate(rows: Rows, codes: np.ndarray, ncells: int) -> Cells:
    valid = codes >= 0
    kind = rows.kind
    if kind == "share":
        assert rows.b is not None
        in_den = valid & rows.b
        n = _count(codes, in_den, ncells)
        k = _count(codes, in_den & rows.a, ncells)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(n > 0, k / n, NAN)
            se = np.where(n > 0, np.sqrt(p * (1 - p) / n), NAN)
        low, high = wilson(k, n)
        return Cells(n, k, n.copy(), p, low, high, se, "wilson")
    if kind == "count":
        assert rows.b is not None
        in_scope = valid & rows.b
        n = _count(codes, in_scope, ncells)
        if rows.a.dtype == bool:
            k = _count(codes, in_scope & rows.a, ncells)
        else:  # a count of a numeric answer (e.g. persons trained) is its sum
            has = in_scope & ~np.isnan(rows.a)
            k = _sum(codes, has, rows.a, ncells)
        return Cells(n, k, _nan(ncells), k.copy(), _nan(ncells), _nan(ncells), _nan(ncells), "")
    if kind == "ratio":
        assert rows.b is not None
        has = valid & ~np.isnan(rows.a) & ~np.isnan(rows.b)
        n = _count(codes, has, ncells)
        num = _sum(codes, has, rows.a, ncells)
        den = _sum(codes, has, rows.b, ncells)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where((n > 0) & (den != 0), num / den * rows.factor, NAN)
        return Cells(n, num, den, value, _nan(ncells), _nan(ncells), _nan(ncells), "")
    has = valid & ~np.isnan(rows.a)
    n = _count(codes, has, ncells)
    total = _sum(codes, has, rows.a, ncells)
    if kind == "sum":
        return Cells(n, total, _nan(ncells), np.where(n > 0, total, NAN), _nan(ncells), _nan(ncells), _nan(ncells), "")
    if kind == "mean":
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(n > 0, total / n, NAN)
            centred = rows.a - mean[np.where(valid, codes, 0)]
            squares = _sum(codes, has, centred * centred, ncells)
            sd = np.where(n > 1, np.sqrt(squares / (n - 1)), NAN)
            se = sd / np.sqrt(n)
        low, high = mean_interval(mean, sd, n)
        return Cells(n, total, n.copy(), mean, low, high, se, "t")
    if kind in ("median", "duration"):
        return _median(codes, has, rows.a, n, ncells)
    raise ValueError(f"unknown indicator type {kind!r}")


def _median(codes: np.ndarray, has: np.ndarray, values: np.ndarray, n: np.ndarray, ncells: int) -> Cells:
    c = codes[has]
    v = values[has]
    order = np.lexsort((v, c))
    sorted_values = v[order]
    counts = n.astype(np.int64)
    starts = np.cumsum(counts) - counts
    value = _nan(ncells)
    low = _nan(ncells)
    high = _nan(ncells)
    filled = counts > 0
    if filled.any():
        s = starts[filled]
        m = counts[filled]
        value[filled] = (sorted_values[s + (m - 1) // 2] + sorted_values[s + m // 2]) / 2
        lo_rank = np.zeros(ncells, dtype=np.int64)
        hi_rank = np.zeros(ncells, dtype=np.int64)
        for size in np.unique(m):
            ranks = median_ranks(int(size))
            if ranks is not None:
                where = filled & (counts == size)
                lo_rank[where], hi_rank[where] = ranks
        ok = lo_rank > 0
        low[ok] = sorted_values[starts[ok] + lo_rank[ok] - 1]
        high[ok] = sorted_values[starts[ok] + hi_rank[ok] - 1]
    return Cells(n, _nan(ncells), _nan(ncells), value, low, high, _nan(ncells), "order-statistic")
