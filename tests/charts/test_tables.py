"""The table behind every chart (#13 item 3): the same rows the chart draws, the chart's own texts
(suppression as drawn), and a CSV of exactly that table."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from test_colours import POLTAVA_RAIONS, geo, raion_rows
from test_figures import K, P, row

from monitor.charts import figures
from monitor.i18n import t


def strip(text: str) -> str:
    """A chart text without its status symbol (the table has the status in its own column)."""
    for symbol in figures.STATUS_SYMBOLS.values():
        text = text.removesuffix(f" {symbol}")
    return text


RESULTS = pd.DataFrame(
    [
        row("H01", K, 0.95, status="green"),
        row("H01", P, 0.40, status="red"),
        row("V01", K, None, suppressed=True, theme="survivors"),
        row("V01", P, 0.7, status="amber", theme="survivors"),
        row("V01", P, 0.6, status="amber", theme="survivors", dimension="sex", dimension_value="female"),
        row("V01", K, None, suppressed=True, theme="survivors", dimension="sex", dimension_value="female"),
        row("OI", K, 62.0, type_="index", unit="score", status="amber", theme="index"),
    ]
)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_scorecard_table_equals_the_cells(lang: str) -> None:
    heat = figures.scorecard(RESULTS, lang).data[0]
    table = figures.chart_table("scorecard", RESULTS, lang)
    cells = sorted(strip(c) for r in heat.text for c in r if c)
    assert sorted(table[t("dashboard.chart.value", lang)]) == cells
    assert "<11" in cells  # the suppressed value stays hidden in the table too
    assert list(table.columns) == [t(f"dashboard.col.{c}", lang) for c in ("indicator", "territory")] + [t("dashboard.chart.value", lang), t("dashboard.col.n", lang),
        t("dashboard.chart.interval", lang), t("dashboard.col.target", lang), t("dashboard.col.status", lang)]


@pytest.mark.parametrize("kind", ["ranking", "index", "breakdown", "trend", "map"])
def test_every_chart_table_equals_what_the_chart_shows(kind: str) -> None:
    lang = "en"
    if kind == "map":
        frame = raion_rows([(0.4, "red"), (None, "red"), (0.9, "green")])
        fig = figures.choropleth(frame, geo(POLTAVA_RAIONS), "raion", lang)
        shown = sorted(c[1] for tr in fig.data if tr.customdata is not None for c in tr.customdata)
    else:
        frame = RESULTS[RESULTS["indicator"] == ("OI" if kind == "index" else "V01")]
        if kind == "trend":
            frame = pd.concat([frame, frame.assign(period="2021")])
        fig = {"ranking": figures.ranking, "index": figures.index_bars, "trend": figures.trend,
               "breakdown": figures.breakdown}[kind](frame, lang)
        shown = sorted(c[1] for tr in fig.data if tr.customdata is not None for c in tr.customdata)
    table = figures.chart_table(kind, frame, lang, level="raion")
    assert sorted(table[t("dashboard.chart.value", lang)]) == shown and len(table) == len(shown)
    csv = pd.read_csv(io.BytesIO(figures.table_csv(table)), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert csv.equals(table.astype(str))


def test_table_columns_carry_n_interval_target_status() -> None:
    table = figures.chart_table("ranking", RESULTS[RESULTS["indicator"] == "H01"], "uk")
    first = table.iloc[0].to_dict()
    assert first[t("dashboard.col.n", "uk")] == "40"
    assert first[t("dashboard.chart.interval", "uk")] == "90,0\u00a0% – 100,0\u00a0%"
    assert first[t("dashboard.col.target", "uk")] == "90,0\u00a0%"
    assert first[t("dashboard.col.status", "uk")] == "✓ " + t("dashboard.status.green", "uk")
