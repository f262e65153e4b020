"""min-n and complementary suppression, and the public gate: a hidden cell stays hidden."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitor.engine import apply_min_n, complementary
from monitor.privacy import for_audience


def _table(cells: list[tuple], min_n: int = 5, level: str = "oblast") -> pd.DataFrame:
    """cells: (territory, parent, dimension, dimension_value, n, numerator)."""
    frame = pd.DataFrame(cells, columns=["territory_code", "parent_code", "dimension", "dimension_value", "n", "numerator"])
    frame["indicator"] = "x"
    frame["type"] = "count"
    frame["level"] = level
    frame["period"] = "2022"
    frame["oblast_code"] = frame["parent_code"]
    frame["min_n"] = min_n
    frame["value"] = frame["numerator"].astype(float)
    frame["denominator"] = np.nan
    frame["respondent"] = "hromada-official"
    frame["change_significant"] = False
    return frame


@pytest.mark.parametrize(
    ("n", "min_n", "suppressed"),
    [(0, 5, False), (1, 5, True), (4, 5, True), (5, 5, False), (10, 11, True), (11, 11, False)],
)
def test_min_n(n: int, min_n: int, suppressed: bool) -> None:
    out = apply_min_n(_table([("A", "P", "", "", n, n)], min_n=min_n))
    assert bool(out.loc[0, "suppressed"]) is suppressed
    assert out.loc[0, "suppression_reason"] == ("min-n" if suppressed else "")


def test_lone_suppressed_disaggregation_cell_takes_the_next_smallest_with_it() -> None:
    # Total 30 = 3 + 8 + 19 by sex: publishing 8 and 19 would reveal the hidden 3 as 30 - 27.
    table = _table([("A", "P", "", "", 30, 30), ("A", "P", "sex", "f", 3, 3), ("A", "P", "sex", "m", 8, 8),
                    ("A", "P", "sex", "x", 19, 19)])
    out = complementary(apply_min_n(table)).set_index("dimension_value")
    assert out.loc["f", "suppression_reason"] == "min-n"
    assert out.loc["m", "suppression_reason"] == "complementary"
    assert not out.loc["x", "suppressed"] and not out.loc["", "suppressed"]


def test_subtraction_cannot_recover_a_suppressed_cell() -> None:
    table = _table([("A", "P", "", "", 30, 30), ("A", "P", "sex", "f", 3, 3), ("A", "P", "sex", "m", 8, 8),
                    ("A", "P", "sex", "x", 19, 19)])
    public = for_audience(complementary(apply_min_n(table)), "public")
    total = public[public["dimension"] == ""]["value"].iloc[0]
    cells = public[public["dimension"] == "sex"]
    published = cells["value"].dropna()
    hidden_values = table.set_index("dimension_value").loc[cells.loc[cells["value"].isna(), "dimension_value"], "value"]
    # Total minus the published cells is the sum of at least two hidden cells, never one of them.
    assert len(hidden_values) >= 2
    assert all(total - published.sum() != v for v in hidden_values)


def test_two_suppressed_cells_need_no_partner() -> None:
    table = _table([("A", "P", "", "", 30, 30), ("A", "P", "sex", "f", 3, 3), ("A", "P", "sex", "m", 2, 2),
                    ("A", "P", "sex", "x", 25, 25)])
    out = complementary(apply_min_n(table))
    assert out["suppression_reason"].tolist() == ["", "min-n", "min-n", ""]


def test_lone_suppressed_territory_takes_smallest_sibling() -> None:
    # Three hromadas of one raion: the raion total (3 + 9 + 40) is published elsewhere.
    table = _table([("H1", "R", "", "", 3, 3), ("H2", "R", "", "", 9, 9), ("H3", "R", "", "", 40, 40),
                    ("H4", "R2", "", "", 50, 50)], level="hromada")
    out = complementary(apply_min_n(table)).set_index("territory_code")
    assert out.loc["H1", "suppression_reason"] == "min-n"
    assert out.loc["H2", "suppression_reason"] == "complementary"
    assert not out.loc["H3", "suppressed"] and not out.loc["H4", "suppressed"]


def test_zero_cells_are_not_partners() -> None:
    table = _table([("A", "P", "", "", 12, 12), ("A", "P", "sex", "f", 0, 0), ("A", "P", "sex", "m", 2, 2),
                    ("A", "P", "sex", "x", 10, 10)])
    out = complementary(apply_min_n(table)).set_index("dimension_value")
    assert out.loc["x", "suppression_reason"] == "complementary" and not out.loc["f", "suppressed"]


def test_public_gate_withholds_values_and_marks_n() -> None:
    table = _table([("A", "P", "", "", 3, 2), ("B", "P", "", "", 40, 20), ("C", "P", "", "", 30, 10)])
    for column in ("ci_low", "ci_high", "pct_of_target", "previous_value", "change"):
        table[column] = 1.0
    table = complementary(apply_min_n(table))
    public = for_audience(table, "public").set_index("territory_code")
    assert public.loc["A", "n_display"] == "withheld" and pd.isna(public.loc["A", "n"])
    for column in ("value", "numerator", "ci_low", "ci_high", "pct_of_target", "previous_value", "change"):
        assert np.isnan(public.loc["A", column])
        assert np.isnan(public.loc["C", column])  # complementary partner, also hidden
    assert public.loc["B", "value"] == 20 and public.loc["B", "n_display"] == "40"
    internal = for_audience(table, "internal").set_index("territory_code")
    assert internal.loc["A", "value"] == 2 and internal.loc["A", "n_display"] == "3"
    assert public.attrs["audience"] == "public"


def test_public_gate_does_not_say_why_a_cell_is_withheld() -> None:
    """A total of 14 over a small cell (3) and its partner (11): told that the partner was hidden only to
    protect the other (so it holds at least 5), anyone could bound the small cell to [0, 9]; told nothing,
    only to [0, 14]. Primary and complementary cells look the same in public; staff keep the reason."""
    table = _table([("A", "P", "", "", 14, 14), ("A", "P", "sex", "f", 3, 3), ("A", "P", "sex", "m", 11, 11)])
    table = complementary(apply_min_n(table))
    internal = for_audience(table, "internal").set_index("dimension_value")
    assert internal.loc["f", "suppression_reason"] == "min-n"
    assert internal.loc["m", "suppression_reason"] == "complementary"
    public = for_audience(table, "public").set_index("dimension_value")
    assert public.loc["f", "suppression_reason"] == public.loc["m", "suppression_reason"] == "withheld"
    assert public.loc["f", "n_display"] == public.loc["m", "n_display"]
    assert public.loc["", "suppression_reason"] == "" and public.loc["", "n_display"] == "14"


def test_public_gate_drops_survivor_rows_below_oblast() -> None:
    table = _table([("H1", "R", "", "", 30, 30)], level="hromada")
    table["respondent"] = "survivor"
    table = apply_min_n(table)
    assert for_audience(table, "public").empty
    assert len(for_audience(table, "internal")) == 1


def test_unknown_audience_is_refused() -> None:
    with pytest.raises(ValueError):
        for_audience(apply_min_n(_table([("A", "P", "", "", 3, 3)])), "donors")  # type: ignore[arg-type]
