"""Small-cell marks: min-n and the quick complementary rules, which every engine result carries.

The engine marks cells so that staff views show what the public will not see. What the public
actually sees is the protected set (monitor.privacy.protect), which starts from these marks and adds
linked secondary suppression proved by the disclosure audit.

Rules (the sources: docs/domain/data-protection.md):
1. min-n: a cell with 0 < n < min_n is suppressed (min_n: the indicator's, else its survey's; never
   below framework.yaml's survivor_min_n, 11, for survivor instruments). A cell with n = 0 has
   nothing to hide: it is 'no-data', not suppressed.
2. complementary, so that a suppressed cell cannot be recovered by subtraction from published ones:
   a. disaggregation: within one indicator × territory × period × dimension, if exactly one cell is
      suppressed, the next smallest published cell (n > 0) of that dimension is suppressed too (its
      total is always published, so a lone hidden cell would equal total minus the others);
   b. territory: within one indicator × period × disaggregation cell and one parent territory (raion
      for hromadas, oblast for raions and hromadas, the four oblasts for oblasts), if exactly one
      child is suppressed and the parent's total is published (the children's n add up to at least
      min_n), the next smallest published sibling is suppressed too.
   Both rules repeat until nothing changes (a cell hidden by one can trigger the other). Index rows
   are weighted scores, not sums, and are not part of subtraction; they are left out of rule 2.
3. `for_audience(results, 'public')` is the one gate: suppressed rows keep only their labels; value,
   numerator, denominator, interval, % of target, previous value and change are emptied and n is
   shown as the one mark 'withheld' in `n_display` (never '<min_n': not true of a cell hidden to protect
   another, nor of a count of people on an instrument whose min_n is 1); survivor-instrument rows below oblast level are dropped whatever
   the caller asked for. 'internal' keeps everything (staff only; the caller checks the role).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_ROUNDS = 20


def apply_min_n(results: pd.DataFrame) -> pd.DataFrame:
    """Mark cells with 0 < n < min_n as suppressed (reason 'min-n'); keeps earlier marks."""
    n = results["n"].to_numpy(float)
    small = (n > 0) & (n < results["min_n"].to_numpy(float))
    if "suppressed" not in results:
        results["suppressed"] = False
        results["suppression_reason"] = ""
    already = results["suppressed"].to_numpy(bool)
    results["suppressed"] = already | small
    reason = results["suppression_reason"].to_numpy(object).copy()
    reason[small & ~already] = "min-n"
    results["suppression_reason"] = reason
    return results


def _lone_partner(frame: pd.DataFrame, keys: list[str], eligible: np.ndarray, need_parent: bool) -> np.ndarray:
    """Row positions to suppress: per group with exactly one suppressed row, its smallest published peer."""
    sub = frame.loc[eligible, [*keys, "n", "suppressed", "min_n"]].copy()
    if sub.empty:
        return np.array([], dtype=np.int64)
    sub["_pos"] = np.flatnonzero(eligible)
    grouped = sub.groupby(keys, sort=False, dropna=False)
    hidden = grouped["suppressed"].transform("sum").to_numpy()
    candidate = (hidden == 1) & ~sub["suppressed"].to_numpy(bool) & (sub["n"].to_numpy(float) > 0)
    if need_parent:
        total = grouped["n"].transform("sum").to_numpy(float)
        candidate &= total >= sub["min_n"].to_numpy(float)
    pool = sub[candidate]
    if pool.empty:
        return np.array([], dtype=np.int64)
    pool = pool.sort_values([*keys, "n", "_pos"], kind="stable")
    return pool.drop_duplicates(keys, keep="first")["_pos"].to_numpy()


def complementary(results: pd.DataFrame) -> pd.DataFrame:
    """Secondary suppression (rule 2 above); marks the extra cells with reason 'complementary'."""
    if results.empty:
        return results
    results = results.reset_index(drop=True)
    is_index = (results["type"] == "index").to_numpy() if "type" in results else np.zeros(len(results), bool)
    has_dimension = (results["dimension"] != "").to_numpy()
    parents = [c for c in ("parent_code", "oblast_code") if c in results]
    for _ in range(MAX_ROUNDS):
        chosen = [
            _lone_partner(
                results, ["indicator", "territory_code", "period", "dimension"], has_dimension & ~is_index, False
            )
        ]
        for parent in parents:
            chosen.append(
                _lone_partner(
                    results,
                    ["indicator", "level", "period", "dimension", "dimension_value", parent],
                    ~is_index & results[parent].notna().to_numpy() & (results["level"] != "all").to_numpy(),
                    True,
                )
            )
        positions = np.unique(np.concatenate(chosen))
        if positions.size == 0:
            break
        suppressed = results["suppressed"].to_numpy(bool).copy()
        reason = results["suppression_reason"].to_numpy(object).copy()
        suppressed[positions] = True
        reason[positions] = "complementary"
        results["suppressed"] = suppressed
        results["suppression_reason"] = reason
    return results
