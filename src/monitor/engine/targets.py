"""Targets, % of target, traffic-light status and change since the previous period.

% of target follows a USAID indicator performance tracking table (docs/domain/donor-reporting.md): for
higher-is-better indicators actual / target × 100, for lower-is-better target / actual × 100.
Undefined (NaN) when the target is missing or 0, or when a lower-is-better actual is 0 (the formula
would be infinite; the status still shows green). Context indicators (direction none) get
actual / target × 100 when a target exists.

Status: 'no-data' (n = 0 or no value), 'incomplete' (an index with a fixed mix whose components are not
all there: answers exist, but no value is computed), 'suppressed' (n below min_n), 'none' (no direction or no
thresholds), else green/amber/red: higher-is-better value >= green is green, >= amber amber, else red;
lower-is-better value <= green is green, <= amber amber, else red. Thresholds are in the indicator's
own unit (a share's 0.9, not 90%).

Change since the previous period of the same granularity (2022 vs 2021, 2022-Q1 vs 2021-Q4, the wave
before in framework.yaml's order). A suppressed previous value is never shown: previous_value and
change stay empty. Significance at 95%:
- share: pooled two-proportion z-test (more powerful than checking that two Wilson intervals do not
  overlap, which is conservative at about 99.4% when the widths are similar);
- mean: Welch's difference over the combined standard errors (normal approximation);
- median, duration: the two order-statistic intervals do not overlap (conservative);
- count, sum, ratio, index: no sampling model, never flagged significant;
- any type, when the instrument is a census or a convenience sample (Survey.design): the cell has no
  sampling interval, so no test either (a census of bodies has no sampling error; the uncertainty
  shown for it is non-response, answers received of expected, in the coverage table).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from monitor.engine.periods import Granularity, period_year, previous_period
from monitor.engine.stats import two_proportion_significant, welch_significant
from monitor.framework.models import Framework, Indicator, Number, ParamRef
from monitor.framework.params import thresholds_on

EPS = 1e-9


def _number(value: Number) -> float:
    """A target as a number: the loader has already replaced `{param: ...}` by the parameter's value."""
    if isinstance(value, ParamRef):
        raise TypeError(f"target {value!r} was not resolved by the framework loader")
    return float(value)


def target_for(indicator: Indicator, period: str) -> float:
    """The target set for a period: an exact key ('2022-H1' or a wave) first, else the period's year."""
    targets = indicator.targets
    if period in targets:
        return _number(targets[period])
    year = period_year(period)
    if year is not None and year in targets:
        return _number(targets[year])
    return np.nan


def pct_of_target(value: np.ndarray, target: np.ndarray, direction: np.ndarray) -> np.ndarray:
    value = np.asarray(value, dtype=float)
    target = np.asarray(target, dtype=float)
    lower = np.asarray(direction) == "lower-is-better"
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(lower, target / value * 100, value / target * 100)
    bad = ~np.isfinite(pct) | (target == 0)
    return np.where(bad, np.nan, pct)


def add_targets(results: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Fill baseline, target and pct_of_target (before suppression decides what people see)."""
    targets = np.full(len(results), np.nan)
    baselines = np.full(len(results), np.nan)
    for (indicator_id, period), where in results.groupby(["indicator", "period"], sort=False).indices.items():
        indicator = framework.indicators[indicator_id]
        targets[where] = target_for(indicator, str(period))
        if indicator.baseline is not None and indicator.baseline.value is not None:
            baselines[where] = indicator.baseline.value
    results["baseline"] = baselines
    results["target"] = targets
    results["pct_of_target"] = pct_of_target(results["value"].to_numpy(float), targets, results["direction"].to_numpy())
    return results


def statuses(results: pd.DataFrame, framework: Framework) -> np.ndarray:
    value = results["value"].to_numpy(float)
    n = results["n"].to_numpy(float)
    green = np.full(len(results), np.nan)
    amber = np.full(len(results), np.nan)
    for indicator_id, where in results.groupby("indicator", sort=False).indices.items():
        indicator = framework.indicators[indicator_id]
        thresholds = indicator.thresholds
        if thresholds is not None:
            green[where], amber[where] = thresholds.green, thresholds.amber
        if thresholds is not None and indicator.param_refs:
            # Thresholds taken from a parameter follow the value in force at each period's end.
            periods = results["period"].to_numpy(object)[where]
            for period in set(periods):
                on = thresholds_on(indicator, framework.settings, str(period))
                if on is not None:
                    green[where[periods == period]], amber[where[periods == period]] = on
    direction = results["direction"].to_numpy()
    higher = direction == "higher-is-better"
    lower = direction == "lower-is-better"
    out = np.full(len(results), "none", dtype=object)
    rated = (higher | lower) & ~np.isnan(green)
    out[rated & higher] = np.where(
        value[rated & higher] >= green[rated & higher] - EPS,
        "green",
        np.where(value[rated & higher] >= amber[rated & higher] - EPS, "amber", "red"),
    )
    out[rated & lower] = np.where(
        value[rated & lower] <= green[rated & lower] + EPS,
        "green",
        np.where(value[rated & lower] <= amber[rated & lower] + EPS, "amber", "red"),
    )
    out[results["suppressed"].to_numpy(bool)] = "suppressed"
    out[(n <= 0) | np.isnan(value)] = "no-data"
    if "index_missing" in results:
        missing = results["index_missing"].fillna("").astype(str).to_numpy() != ""
        out[missing & np.isnan(value) & (n > 0) & ~results["suppressed"].to_numpy(bool)] = "incomplete"
    return out


KEYS = ["indicator", "territory_code", "dimension", "dimension_value"]


def add_change(results: pd.DataFrame, granularity: Granularity, waves: Sequence[str] = ()) -> pd.DataFrame:
    """previous_period, previous_value, change, change_significant (after suppression is marked)."""
    periods = results["period"].astype(str)
    previous = {p: previous_period(p, granularity, waves) for p in periods.unique()}
    results["previous_period"] = periods.map(previous).astype("str")
    published = results[~results["suppressed"].to_numpy(bool)]
    lookup = published[[*KEYS, "period", "value", "numerator", "n", "se", "ci_low", "ci_high"]].rename(
        columns={
            "period": "previous_period", "value": "previous_value", "numerator": "_prev_k", "n": "_prev_n",
            "se": "_prev_se", "ci_low": "_prev_low", "ci_high": "_prev_high",
        }
    )
    lookup["previous_period"] = lookup["previous_period"].astype("str")
    merged = results[[*KEYS, "previous_period"]].merge(lookup, on=[*KEYS, "previous_period"], how="left")
    previous_value = merged["previous_value"].to_numpy(float)
    value = results["value"].to_numpy(float)
    suppressed = results["suppressed"].to_numpy(bool)
    change = np.where(suppressed, np.nan, value - previous_value)
    kind = results["type"].to_numpy()
    significant = np.zeros(len(results), dtype=bool)
    share = kind == "share"
    significant[share] = two_proportion_significant(
        results["numerator"].to_numpy(float)[share], results["n"].to_numpy(float)[share],
        merged["_prev_k"].to_numpy(float)[share], merged["_prev_n"].to_numpy(float)[share],
    )
    mean = kind == "mean"
    significant[mean] = welch_significant(
        value[mean], results["se"].to_numpy(float)[mean], previous_value[mean], merged["_prev_se"].to_numpy(float)[mean]
    )
    median = (kind == "median") | (kind == "duration")
    low, high = results["ci_low"].to_numpy(float), results["ci_high"].to_numpy(float)
    prev_low, prev_high = merged["_prev_low"].to_numpy(float), merged["_prev_high"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        apart = (low > prev_high) | (high < prev_low)
    significant[median] = apart[median]
    significant &= ~np.isnan(change)
    if "ci_method" in results:
        # Only where the cell has a sampling interval: a census or a convenience sample (Survey.design) gets
        # none, so no test of a change either (compute._decorate clears the interval).
        significant &= results["ci_method"].astype(str).to_numpy() != ""
    results["previous_value"] = previous_value
    results["change"] = change
    results["change_significant"] = significant
    return results
