"""A value that depends on an unverified parameter (#10 item 2) carries its mark wherever it is drawn or
listed: the scorecard cell, the ranking bar, the hover and the chart's table; a hidden value shows none."""

from __future__ import annotations

import pandas as pd
import pytest
from test_figures import K, P, row

from monitor import format as fmt
from monitor.charts import figures
from monitor.i18n import t

MARK = figures.UNVERIFIED_MARK


def frame() -> pd.DataFrame:
    rows = pd.DataFrame([
        row("S01", K, 0.40, status="red"),
        row("S01", P, None, suppressed=True),
        row("H01", K, 0.95, status="green"),
    ])
    rows["unverified"] = [True, True, False]
    return rows


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_the_scorecard_marks_an_unverified_value_and_only_that(lang: str) -> None:
    heat = figures.scorecard(frame(), lang).data[0]
    cells = {c[8] + "@" + c[7]: text for c_row, t_row in zip(heat.customdata, heat.text, strict=True)
             for c, text in zip(c_row, t_row, strict=True) if c[8]}
    assert cells[f"S01@{K}"].startswith(f"{fmt.percent(40, lang)}{MARK}")
    assert MARK not in cells[f"H01@{K}"]
    assert MARK not in cells[f"S01@{P}"]  # a hidden value: nothing to mark, no number
    hover = {c[8] + "@" + c[7]: c for c_row in heat.customdata for c in c_row if c[8]}
    assert t("dashboard.unverified", lang) in hover[f"S01@{K}"][6]
    assert t("dashboard.unverified", lang) not in hover[f"H01@{K}"][6]


def test_the_ranking_and_the_table_carry_the_mark() -> None:
    s01 = frame()[frame()["indicator"] == "S01"]
    bars = figures.ranking(s01, "uk").data[0]
    assert any(text.startswith(f"{fmt.percent(40, 'uk')}{MARK}") for text in bars.text)
    table = figures.chart_table("ranking", s01, "uk")
    assert f"{fmt.percent(40, 'uk')}{MARK}" in set(table[t("dashboard.chart.value", "uk")])
