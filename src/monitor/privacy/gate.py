"""The public gate: what is left of a result row once it is suppressed."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from monitor.i18n import t

Audience = Literal["public", "internal"]
HIDDEN_ON_SUPPRESSED = (
    "value", "numerator", "denominator", "ci_low", "ci_high", "pct_of_target", "previous_value", "change", "se",
)
SURVIVOR = "survivor"
# Why a cell is withheld is not published: "min-n" says 0 < n < k and "complementary"/"linked" says
# n >= k, and that bound narrows what an attacker can solve for (a total of 14 with a hidden cell known
# to hold at least 11 leaves at most 3 for its small partner). The LP audit models only the published
# numbers, so every withheld cell carries this one reason in public (staff see the real one).
PUBLIC_REASON = "withheld"
# A withheld cell's n is published as the same one mark, whatever the reason: "<11" would be false for a
# cell hidden to protect another (its n may be 40), and "<1" for a count of people on an instrument whose
# min_n is 1 (protected with the survivor threshold). Readers see it in their language (`n_label`).
WITHHELD = PUBLIC_REASON
PUBLISHED_REASONS = frozenset({"", PUBLIC_REASON, "subset", "not-additive"})
FINE_LEVELS = ("raion", "hromada")


def for_audience(results: pd.DataFrame, audience: Audience = "public") -> pd.DataFrame:
    """The one gate between engine results and anything people see (see rule 3 above)."""
    if audience not in ("public", "internal"):
        raise ValueError(f"audience must be 'public' or 'internal', not {audience!r}")
    out = results.copy()
    n = out["n"].astype("float")
    suppressed = out["suppressed"].to_numpy(bool)
    display = n.map(lambda v: "" if np.isnan(v) else str(int(v))).astype(object).to_numpy()
    if audience == "public":
        if "respondent" in out:
            survivor_fine = (out["respondent"] == SURVIVOR).to_numpy() & out["level"].isin(FINE_LEVELS).to_numpy()
            keep = ~survivor_fine
            out, suppressed, display = out[keep], suppressed[keep], display[keep]
        for column in HIDDEN_ON_SUPPRESSED:
            if column in out:
                values = out[column].to_numpy(float).copy()
                values[suppressed] = np.nan
                out[column] = values
        if "change_significant" in out:
            out["change_significant"] = out["change_significant"].to_numpy(bool) & ~suppressed
        display = display.copy()
        display[suppressed] = WITHHELD
        n_values = out["n"].astype("Int64")
        n_values[suppressed] = pd.NA
        out["n"] = n_values
        if "suppression_reason" in out:
            reasons = out["suppression_reason"].fillna("").astype(object).to_numpy().copy()
            reasons[suppressed] = PUBLIC_REASON
            out["suppression_reason"] = reasons
    out["n_display"] = display
    out.attrs["audience"] = audience
    return out.reset_index(drop=True)


def n_label(display: object, lang: str) -> str:
    """n as a reader sees it: the withheld mark in `lang` ('приховано' / 'hidden'), anything else as it is."""
    if display == WITHHELD:
        return t("privacy.withheld", lang)
    if display is None or (isinstance(display, float) and display != display):
        return ""
    return str(display)
