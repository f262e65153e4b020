"""The oversight index: a weighted mean of component scores, 0-100, per territory and period.

A component's score:
- share: value × 100 when higher is better (or no direction), (1 − value) × 100 when lower is better;
- index: its own value (already 0-100);
- any other type: % of target capped at 100 (no target for the period: no score).
A component that depends on an unverified parameter while the framework's index_excludes_unverified
is on (the default) is left out everywhere: it is not part of the mix until verified. A component that is
missing, suppressed or has no score in a cell is listed in `index_missing` and never counted as 0; with
`index_mix: fixed` the cell then gets no value (incomplete: a value always rests on the same mix, so values
and changes compare like for like); with `reweighted` the others' weights are rescaled to sum to 1. With no component
at all the row is 'no-data'. n is the smallest n among the components used (the weakest base).
Only totals (dimension '') are scored: an index is not disaggregated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitor.framework.models import Framework, Indicator

CELL = ["territory_code", "period"]


def component_scores(rows: pd.DataFrame) -> np.ndarray:
    value = rows["value"].to_numpy(float)
    kind = rows["type"].to_numpy()
    lower = (rows["direction"] == "lower-is-better").to_numpy()
    share_score = np.where(lower, (1 - value) * 100, value * 100)
    other_score = np.minimum(rows["pct_of_target"].to_numpy(float), 100)
    score = np.where(kind == "share", share_score, np.where(kind == "index", value, other_score))
    score[rows["suppressed"].to_numpy(bool)] = np.nan
    return score


def index_rows(indicator: Indicator, results: pd.DataFrame, exclude_unverified: bool = False) -> pd.DataFrame:
    """One row per territory × period where any component has a result (dimension '' only)."""
    ids = [c.indicator for c in indicator.components]
    totals = results[(results["dimension"] == "") & results["indicator"].isin(ids)].copy()
    cell_info = ["level", "territory_code", "oblast_code", "raion_code", "parent_code", "period", "synthetic"]
    if totals.empty:
        return pd.DataFrame(columns=[*cell_info, "n", "value", "index_missing"])
    totals["_score"] = component_scores(totals)
    if exclude_unverified and "unverified" in totals:
        # Until its parameter is checked against the law, a component is not a finding to average in.
        totals.loc[totals["unverified"].fillna(False).astype(bool).to_numpy(), "_score"] = np.nan
    scores = totals.pivot_table(index=CELL, columns="indicator", values="_score", aggfunc="first", dropna=False)
    ns = totals.pivot_table(index=CELL, columns="indicator", values="n", aggfunc="first", dropna=False)
    scores = scores.reindex(columns=ids)
    ns = ns.reindex(index=scores.index, columns=ids)
    weights = np.array([c.weight for c in indicator.components], dtype=float)
    s = scores.to_numpy(float)
    present = ~np.isnan(s)
    used_weight = (present * weights).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(used_weight > 0, np.nansum(s * weights, axis=1) / used_weight, np.nan)
    n_used = np.where(present, ns.to_numpy(float), np.nan)
    n = np.where(present.any(axis=1), np.nanmin(np.where(present, n_used, np.inf), axis=1), 0)
    missing = [",".join(i for i, p in zip(ids, row, strict=True) if not p) for row in present]
    if str(indicator.index_mix) == "fixed":
        # The mix: every component but those left out everywhere as unverified (a framework rule, not data).
        excluded = set()
        if exclude_unverified and "unverified" in totals:
            excluded = set(totals.loc[totals["unverified"].fillna(False).astype(bool).to_numpy(), "indicator"])
        counted = np.array([i not in excluded for i in ids], dtype=bool)
        complete = (present | ~counted).all(axis=1)
        value = np.where(complete, value, np.nan)
    info = (
        totals.sort_values("n", ascending=False)
        .groupby(CELL, sort=False)[[c for c in cell_info if c not in CELL]]
        .agg({"level": "first", "oblast_code": "first", "raion_code": "first", "parent_code": "first", "synthetic": "any"})
    )
    out = scores.index.to_frame(index=False)
    out = out.merge(info.reset_index(), on=CELL, how="left")
    out["n"] = n
    out["value"] = value
    out["index_missing"] = missing
    return out


def index_order(framework: Framework, wanted: list[str]) -> list[str]:
    """Index indicators in dependency order (an index may use another index)."""
    order: list[str] = []

    def visit(indicator_id: str, trail: tuple[str, ...]) -> None:
        if indicator_id in order or indicator_id in trail:
            return
        indicator = framework.indicators[indicator_id]
        if indicator.type != "index":
            return
        for component in indicator.components:
            visit(component.indicator, (*trail, indicator_id))
        order.append(indicator_id)

    for indicator_id in wanted:
        visit(indicator_id, ())
    return order
