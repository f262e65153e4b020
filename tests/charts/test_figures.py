"""The shared figure builders, on small hand-made result tables (the engine's columns)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from monitor.charts import figures

OBLASTS = {
    "UA35000000000016081": ("Кіровоградська", "Kirovohradska"),
    "UA53000000000028050": ("Полтавська", "Poltavska"),
}


def row(indicator: str, code: str, value: float | None, *, status: str = "green", n: int = 40, period: str = "2022",
        suppressed: bool = False, theme: str = "hromada-capacity", unit: str = "percent", dimension: str = "",
        dimension_value: str = "", target: float | None = 0.9, type_: str = "share", **extra) -> dict:
    uk, en = OBLASTS.get(code, (code, code))
    return {
        "indicator": indicator, "theme": theme, "type": type_, "unit": unit, "direction": "higher-is-better",
        "level": "oblast", "territory_code": code, "territory_name": uk, "territory_name_en": en, "oblast_code": code,
        "period": period, "dimension": dimension, "dimension_value": dimension_value, "n": n,
        "value": None if suppressed else value, "ci_low": None if suppressed or value is None else value - 0.05,
        "ci_high": None if suppressed or value is None else value + 0.05, "target": target,
        "status": "suppressed" if suppressed else status, "suppressed": suppressed,
        "n_display": "<11" if suppressed else str(n), **extra,
    }


K, P = list(OBLASTS)


def test_scorecard_colours_and_suppressed_cells():
    results = pd.DataFrame(
        [
            row("H01", K, 0.95, status="green"),
            row("H01", P, 0.5, status="red"),
            row("V01", K, None, suppressed=True, theme="survivors"),
            row("V01", P, 0.7, status="amber", theme="survivors"),
        ]
    )
    fig = figures.scorecard(results, "en")
    heat = fig.data[0]
    assert isinstance(heat, go.Heatmap)
    assert list(heat.x) == ["Kirovohradska", "Poltavska"]
    # Two theme header rows + two indicator rows.
    assert len(heat.y) == 4
    text = [list(r) for r in heat.text]
    assert text[1] == ["95.0% ✓", "50.0% ✗"]  # the status reads without colour too
    assert text[3] == ["<11", "70.0% !"]  # the suppressed cell shows the marker, never a number
    status_index = {s: i for i, s in enumerate(figures._STATUS_ORDER)}
    z = [list(r) for r in heat.z]
    assert z[1] == [status_index["green"], status_index["red"]]
    assert z[3] == [status_index["suppressed"], status_index["amber"]]


def test_scorecard_uses_titles_and_language():
    results = pd.DataFrame([row("H01", K, 0.95, indicator_title="Відповідальна особа", theme_title="Громади")])
    fig = figures.scorecard(results, "uk")
    assert "Відповідальна особа" in fig.data[0].y
    assert fig.data[0].x[0] == "Кіровоградська"


def test_scorecard_empty_is_a_message():
    fig = figures.scorecard(pd.DataFrame(columns=["indicator", "type", "territory_code", "dimension"]), "en")
    assert fig.layout.annotations[0].text == "No data for this selection"


def test_ranking_sorts_and_puts_suppressed_last_in_grey():
    results = pd.DataFrame(
        [row("H01", "A", 0.4, status="red"), row("H01", "B", None, suppressed=True), row("H01", "C", 0.8)]
    )
    fig = figures.ranking(results, "en")
    bar = fig.data[0]
    assert list(bar.y) == ["C", "A", "B"]
    assert list(np.round(bar.x, 6)) == [80.0, 40.0, 0.0]
    assert bar.marker.color[2] == figures.GREY
    assert bar.text[2] == "<11"
    assert list(np.round(bar.error_x.array, 6)) == [5.0, 5.0, 0.0]
    assert any(shape.type == "line" for shape in fig.layout.shapes)  # the target line


def test_trend_has_target_line_and_gaps_for_suppressed():
    results = pd.DataFrame(
        [
            row("H01", K, 0.5, period="2021", target=None),
            row("H01", K, None, period="2022", suppressed=True),
            row("H01", P, 0.6, period="2021", target=None),
            row("H01", P, 0.7, period="2022"),
        ]
    )
    fig = figures.trend(results, "en")
    lines = {trace.name: trace for trace in fig.data}
    assert set(lines) == {"Kirovohradska", "Poltavska", "Target"}
    assert list(lines["Kirovohradska"].y) == [50.0, None]
    assert list(lines["Target"].x) == ["2022"] and list(lines["Target"].y) == [90.0]


def test_breakdown_groups_by_dimension_and_hides_suppressed():
    results = pd.DataFrame(
        [
            row("V01", K, 0.6),
            row("V01", K, 0.5, dimension="sex", dimension_value="female"),
            row("V01", K, None, dimension="sex", dimension_value="male", suppressed=True),
        ]
    )
    fig = figures.breakdown(results, "en", {"sex": "Sex", "sex=female": "Female", "sex=male": "Male"})
    bar = fig.data[0]
    assert [list(level) for level in bar.y] == [["Sex", "Sex"], ["Female", "Male"]]
    assert list(bar.x) == [50.0, 0]
    assert list(bar.text) == ["50.0% ✓", "<11"]
    # The labels are written past the bars: the right margin holds the longest one a share can have
    # (about 7 px a character in the charts' 12 px font), or a 100 % bar's label is cut at the edge.
    assert fig.layout.margin.r >= 7 * len("100,0 % ✓")


def test_breakdown_without_dimensions_says_so():
    fig = figures.breakdown(pd.DataFrame([row("H01", K, 0.5)]), "uk")
    assert "розрізів" in fig.layout.annotations[0].text


def test_choropleth_splits_shown_and_suppressed_and_carries_attribution():
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": code, "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[30, 48], [31, 48], [31, 49], [30, 48]]]}}
        for code in ("UA35A", "UA35B", "UA35C")
    ]}
    results = pd.DataFrame(
        [
            {**row("H01", "UA35A", 0.5), "level": "hromada", "oblast_code": "UA35000"},
            {**row("H01", "UA35B", None, suppressed=True), "level": "hromada", "oblast_code": "UA35000"},
        ]
    )
    fig = figures.choropleth(results, geo, "hromada", "en")
    by_name = {trace.name: trace for trace in fig.data}
    on_track = by_name["✓ on track"]  # a status indicator: areas wear their status colour
    assert list(on_track.locations) == ["UA35A"] and list(on_track.z) == [50.0]
    assert list(by_name["suppressed"].locations) == ["UA35B"]
    assert list(by_name["No data for this selection"].locations) == ["UA35C"]
    assert "CC BY 4.0" in fig.layout.annotations[0].text


def test_index_bars_only_index_rows():
    results = pd.DataFrame(
        [row("OI", K, 62.0, type_="index", unit="score", status="amber"), row("H01", K, 0.5)]
    )
    fig = figures.index_bars(results, "en")
    assert list(fig.data[0].y) == [62.0]
    assert fig.data[0].marker.color[0] == figures.AMBER


def test_coverage_bar_shares_and_counts():
    coverage = pd.DataFrame(
        [
            {"survey": "police", "territory_code": K, "territory_name": "Кіровоградська", "territory_name_en": "Kirovohradska",
             "expected": 1, "received": 1, "share": 1.0},
            {"survey": "hromada-officials", "territory_code": K, "territory_name": "Кіровоградська",
             "territory_name_en": "Kirovohradska", "expected": 49, "received": 40, "share": 40 / 49},
        ]
    )
    fig = figures.coverage_bar(coverage, "en", {"police": "Police", "hromada-officials": "Hromada officials"})
    bar = fig.data[0]
    assert list(bar.y) == ["Hromada officials", "Police"]
    assert list(bar.text) == ["40/49", "1/1"]


def test_cascade_figure_two_panels_suppressed_grey():
    frame = pd.DataFrame(
        [
            {"oblast_code": K, "oblast_name": "Кіровоградська", "oblast_name_en": "Kirovohradska", "period": "2022",
             "source": "admin", "step": "identified", "step_order": 0, "value": 20.0, "of_previous": None,
             "suppressed": False, "n_display": "20", "n": 20},
            {"oblast_code": K, "oblast_name": "Кіровоградська", "oblast_name_en": "Kirovohradska", "period": "2022",
             "source": "admin", "step": "referred", "step_order": 1, "value": 10.0, "of_previous": 0.5,
             "suppressed": False, "n_display": "10", "n": 10},
            {"oblast_code": K, "oblast_name": "Кіровоградська", "oblast_name_en": "Kirovohradska", "period": "2022",
             "source": "survivors", "step": "sv_applied", "step_order": 5, "value": None, "of_previous": None,
             "suppressed": True, "n_display": "<11", "n": None},
        ]
    )
    fig = figures.cascade(frame, "en")
    admin, survivors = [tr for tr in fig.data if (tr.meta or {}).get("role") != "legend"]
    # The legend: one entry per oblast, in its identity colour (its first bar's grey made all four grey).
    legend = [tr for tr in fig.data if tr.showlegend]
    assert [(tr.name, tr.marker.color) for tr in legend] == [("Kirovohradska", figures.OBLAST_COLORS[K])]
    assert fig.layout.meta == {"survivors_suppressed": True}
    assert list(admin.y) == [20.0, 10.0]
    assert [x.replace("<br>", " ") for x in admin.x] == ["Identified by police", "Referred to local administration"]
    assert list(survivors.y) == [0] and list(survivors.text) == [""]  # no number, not even zero
    assert survivors.customdata[0][1] == "<11"  # the hover says why
    assert survivors.marker.color[0] == figures.GREY


def test_cascade_says_so_when_every_administrative_value_is_hidden():
    frame = pd.DataFrame(
        [
            {"oblast_code": code, "oblast_name": name, "oblast_name_en": name, "period": "2022", "source": "admin",
             "step": step, "step_order": order, "value": None, "of_previous": None, "suppressed": True,
             "n_display": "<11", "n": None, "min_n": 11}
            for code, name in ((K, "Kirovohradska"), (P, "Poltavska"))
            for order, step in enumerate(("identified", "referred"))
        ]
    )
    fig = figures.cascade(frame, "en")
    assert fig.layout.meta == {"admin_suppressed": True}
    notes = [a.text for a in fig.layout.annotations if a.xref == "x domain"]
    assert notes and "11" in notes[0].replace("<br>", " ")
    assert fig.layout.yaxis.showticklabels is False  # no bare 0–1 axis under the note
    assert {tr.marker.color for tr in fig.data if tr.showlegend} == {figures.OBLAST_COLORS[K], figures.OBLAST_COLORS[P]}
