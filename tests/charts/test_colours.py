"""Colours mean one thing (#13): every chart kind paints a value with its status colour (or a neutral
scale for context indicators), never a critical value green; oblasts keep one identity colour."""

from __future__ import annotations

import pandas as pd
import pytest
from colour_check import assert_status_colours_honest, drawn, shade
from test_figures import K, P, row

from monitor.charts import figures
from monitor.i18n import t

POLTAVA_RAIONS = ["UA53020000000000001", "UA53040000000000002", "UA53060000000000003", "UA53080000000000004"]


def raion_rows(values_status: list[tuple[float | None, str]], unit: str = "percent") -> pd.DataFrame:
    """Poltava's S01 at raion level as the issue found it: 40 % and less, all critical."""
    rows = []
    for code, (value, status) in zip(POLTAVA_RAIONS, values_status, strict=False):
        suppressed = value is None
        rows.append({**row("S01", code, value, status=status, suppressed=suppressed, unit=unit), "level": "raion",
                     "oblast_code": P, "territory_name": code, "territory_name_en": code})
    return pd.DataFrame(rows)


def geo(codes: list[str]) -> dict:
    square = [[[30, 48], [31, 48], [31, 49], [30, 48]]]
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "id": c, "properties": {}, "geometry": {"type": "Polygon", "coordinates": square}}
                         for c in codes]}


MIXED = [(0.40, "red"), (0.30, "red"), (0.95, "green"), (0.7, "amber")]
ALL_RED = [(0.40, "red"), (0.30, "red"), (0.20, "red"), (None, "red")]


@pytest.mark.parametrize("statuses", [MIXED, ALL_RED], ids=["mixed", "all-red"])
@pytest.mark.parametrize("lang", ["uk", "en"])
def test_map_paints_each_area_with_its_status_never_a_red_green_scale(statuses, lang) -> None:
    frame = raion_rows(statuses)
    fig = figures.choropleth(frame, geo(POLTAVA_RAIONS), "raion", lang)
    assert assert_status_colours_honest(fig, lang) >= 3
    painted = {s: c for s, c in drawn(fig, lang) if s}
    assert painted["red"] == "rgb(178,24,43)" or shade(painted["red"]) == "red"  # 40 % critical is red, not green


def test_map_of_a_context_indicator_uses_a_neutral_sequential_scale() -> None:
    frame = raion_rows([(0.1, "none"), (0.5, "none"), (0.9, "none")])
    fig = figures.choropleth(frame, geo(POLTAVA_RAIONS), "raion", "en")
    values = [tr for tr in fig.data if tr.meta and tr.meta.get("status") == "none"]
    assert len(values) == 1 and [list(s) for s in values[0].colorscale] == figures.SEQUENTIAL
    assert assert_status_colours_honest(fig, "en") == 3


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_scorecard_ranking_trend_index_breakdown_use_the_status_legend(lang) -> None:
    results = pd.DataFrame(
        [
            row("H01", K, 0.95, status="green"),
            row("H01", P, 0.40, status="red"),
            row("V01", K, None, suppressed=True, theme="survivors"),
            row("V01", P, 0.7, status="amber", theme="survivors"),
            row("C01", K, 12.0, status="none", unit="count", target=None, theme="context"),
        ]
    )
    assert assert_status_colours_honest(figures.scorecard(results, lang), lang) == 6  # 5 values + 1 no-data cell
    h01 = results[results["indicator"] == "H01"]
    assert assert_status_colours_honest(figures.ranking(h01, lang), lang) == 2
    over_time = pd.concat([h01, h01.assign(period="2021", status=["red", "green"])])
    assert assert_status_colours_honest(figures.trend(over_time, lang), lang) == 4
    index = pd.DataFrame([row("OI", K, 62.0, type_="index", unit="score", status="red"),
                          row("OI", P, 81.0, type_="index", unit="score", status="green")])
    assert assert_status_colours_honest(figures.index_bars(index, lang), lang) == 2
    parts = pd.DataFrame([row("V01", K, 0.3, status="red", dimension="sex", dimension_value="female"),
                          row("V01", P, 0.9, status="green", dimension="sex", dimension_value="female")])
    assert assert_status_colours_honest(figures.breakdown(parts, lang), lang) == 2


def test_status_reads_without_colour() -> None:
    results = pd.DataFrame([row("H01", K, 0.95, status="green"), row("H01", P, 0.40, status="red")])
    heat = figures.scorecard(results, "en").data[0]
    assert list(heat.text[1]) == ["95.0% ✓", "40.0% ✗"]
    assert list(figures.ranking(results, "en").data[0].text) == ["95.0% ✓", "40.0% ✗"]
    trend = figures.trend(results, "en")
    assert {tuple(tr.marker.symbol) for tr in trend.data if tr.customdata is not None} == {("circle",), ("x",)}


def test_oblasts_keep_one_identity_colour_none_of_them_a_status_colour() -> None:
    assert len(set(figures.OBLAST_COLORS.values())) == 4
    for color in figures.IDENTITY:
        assert shade(color) not in ("red", "green"), color
        assert color not in figures.STATUS_COLORS.values()
    # The same oblast wears the same colour in the trend, the breakdown, the coverage and the cascade.
    over_time = pd.DataFrame([row("H01", K, 0.5), row("H01", P, 0.6)])
    trend = {tr.name: tr.line.color for tr in figures.trend(over_time, "en").data if tr.customdata is not None}
    parts = pd.DataFrame([row("V01", K, 0.3, dimension="sex", dimension_value="f"),
                          row("V01", P, 0.4, dimension="sex", dimension_value="f")])
    bars = {tr.name: tr.marker.color for tr in figures.breakdown(parts, "en").data}
    coverage = pd.DataFrame([{"survey": "police", "territory_code": c, "oblast_code": c, "territory_name": c,
                              "territory_name_en": n, "expected": 1, "received": 1, "share": 1.0}
                             for c, n in ((K, "Kirovohradska"), (P, "Poltavska"))])
    cov = {tr.name: tr.marker.color for tr in figures.coverage_bar(coverage, "en").data}
    expected = {"Kirovohradska": figures.OBLAST_COLORS[K], "Poltavska": figures.OBLAST_COLORS[P]}
    assert trend == bars == cov == expected
    # A raion wears its oblast's colour.
    assert figures.identity_color("UA53020000000000001") == figures.OBLAST_COLORS[P]


def test_status_palette_is_colour_blind_safe_by_lightness() -> None:
    """Red, amber and green differ in lightness too (what a red-green colour-blind reader still sees)."""
    def lightness(color: str) -> float:
        r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    red, green, amber = (lightness(figures.STATUS_COLORS[s]) for s in ("red", "green", "amber"))
    assert red + 0.15 < green and green + 0.1 < amber


# ----------------------------------------------------------------------------- honest empty states
def all_suppressed(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame([{**row("V01", code, None, suppressed=True, theme="survivors"), "min_n": 11}
                         for code in list(figures.OBLAST_COLORS)[:n]])


@pytest.mark.parametrize("kind", ["scorecard", "ranking", "trend", "index", "breakdown", "map"])
@pytest.mark.parametrize("lang", ["uk", "en"])
def test_a_fully_suppressed_chart_says_so_with_the_threshold(kind: str, lang: str) -> None:
    frame = all_suppressed()
    if kind == "index":
        frame = frame.assign(type="index", indicator="OI")
    if kind == "breakdown":
        frame = frame.assign(dimension="sex", dimension_value="female")
    build = {
        "scorecard": lambda f: figures.scorecard(f, lang),
        "ranking": lambda f: figures.ranking(f, lang),
        "trend": lambda f: figures.trend(f, lang),
        "index": lambda f: figures.index_bars(f, lang),
        "breakdown": lambda f: figures.breakdown(f, lang),
        "map": lambda f: figures.choropleth(f, geo(list(f["territory_code"])), "oblast", lang),
    }[kind]
    fig = build(frame)
    assert fig.layout.meta["all_suppressed"] is True
    message = " ".join(a.text for a in fig.layout.annotations)
    assert t("dashboard.chart.all_suppressed", lang, min_n=11) in message.replace("<br>", " ")
    if kind != "map":
        # No empty 0–1 % axis pretending to be zeros: no traces, axes hidden, a grey mark instead.
        assert len(fig.data) == 0 and fig.layout.xaxis.visible is False
        assert fig.layout.shapes[0].fillcolor == figures.NO_DATA
    else:
        assert all(tr.colorscale[0][1] == figures.GREY for tr in fig.data)


def test_a_partly_suppressed_chart_still_draws_the_rest() -> None:
    frame = pd.concat([all_suppressed(2), pd.DataFrame([row("V01", P, 0.5, status="red")])])
    fig = figures.ranking(frame, "en")
    assert not (fig.layout.meta or {}).get("all_suppressed") and len(fig.data) == 1


def test_the_threshold_falls_back_to_the_marker() -> None:
    frame = all_suppressed().drop(columns="min_n")
    assert figures.threshold_of(frame) == 11
