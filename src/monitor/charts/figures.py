"""Every Plotly figure of the project, for the dashboard and the reports alike.

Each builder takes plain DataFrames (engine results that already went through
`monitor.privacy.for_audience`) and a language, and returns a `go.Figure`. Nothing here knows
Streamlit: the reports render the same figures to static images.

Suppressed rows never show a number: their bars/cells are grey and labelled with `n_display`
(e.g. '<11'). Optional columns `indicator_title`, `theme_title`, `theme_order`, `indicator_order`
(added by `with_titles`) give readable labels; without them the indicator id is shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from monitor import format as fmt
from monitor.i18n import t
from monitor.privacy import WITHHELD, n_label

# Every colour of the project lives here (dashboard and reports draw with the same builders).
# Status colours are colour-blind safe (Okabe & Ito's bluish green and orange, a dark red): the three
# differ in lightness as well as hue, and every status also carries a symbol and its label, so it
# reads without colour (#13).
GREEN = "#009e73"
AMBER = "#e69f00"
RED = "#b2182b"
GREY = "#9e9e9e"
NEUTRAL = "#546e7a"
NO_DATA = "#eceff1"
INCOMPLETE = "#e8eaf6"  # an index not computed for want of a component: neither a value's colour nor grey "hidden"

STATUS_COLORS: dict[str, str] = {
    "green": GREEN,
    "amber": AMBER,
    "red": RED,
    "suppressed": GREY,
    "none": NEUTRAL,
    "incomplete": INCOMPLETE,
    "no-data": NO_DATA,
}
STATUS_SYMBOLS: dict[str, str] = {"green": "✓", "amber": "!", "red": "✗", "incomplete": "…"}
# The order of the legend (dashboard) and of the status counts (reports).
LEGEND_STATUSES = ("green", "amber", "red", "none", "suppressed", "incomplete", "no-data")
# Trend markers: the same meaning as a shape (Plotly marker symbols).
STATUS_MARKERS: dict[str, str] = {"green": "circle", "amber": "diamond", "red": "x", "none": "circle-open"}
# Context indicators (no thresholds, no target) are coloured by value on one neutral sequential
# scale: a diverging red-to-green scale would call a value good or bad that no legend judges.
SEQUENTIAL: list[list[Any]] = [[0.0, "#deebf7"], [0.5, "#6baed6"], [1.0, "#08306b"]]
# One identity colour per oblast on every chart and page: blues and purples only, so no oblast wears
# a status colour (least of all the critical red) and the pairs differ in lightness.
OBLAST_COLORS: dict[str, str] = {
    "UA35000000000016081": "#0072b2",  # Kirovohradska
    "UA53000000000028050": "#7b3294",  # Poltavska
    "UA63000000000041885": "#56b4e9",  # Kharkivska
    "UA73000000000044923": "#c2a5cf",  # Chernivetska
}
IDENTITY_EXTRA = ["#2b5c8a", "#9e7bb5", "#8fb8de", "#5e4b8b", "#3f6e9c", "#b59fcf"]
IDENTITY = [*OBLAST_COLORS.values(), *IDENTITY_EXTRA]
TARGET_LINE = "#263238"
# The scorecard heatmap needs numbers: one per status, mapped onto a discrete colour scale.
_STATUS_ORDER = ["no-data", "incomplete", "suppressed", "none", "red", "amber", "green"]
_FONT = "DejaVu Sans, Arial, sans-serif"
_PERCENT_UNITS = {"percent", "share"}


# ----------------------------------------------------------------------------- helpers
def with_titles(results: pd.DataFrame, framework: Any, lang: str) -> pd.DataFrame:
    """Add indicator_title, theme_title, theme_order and indicator_order from the framework."""
    out = results.copy()
    themes = {th.id: th for th in framework.settings.themes}
    order = {ind_id: i for i, ind_id in enumerate(framework.indicators)}

    def title(ind_id: str) -> str:
        ind = framework.indicators.get(ind_id)
        if ind is None:
            return str(ind_id)
        text = ind.short_title or ind.title
        return getattr(text, lang, None) or text.en

    def theme_title(theme_id: str) -> str:
        th = themes.get(theme_id)
        return (getattr(th.title, lang, None) or th.title.en) if th else str(theme_id)

    out["indicator_title"] = out["indicator"].map(title)
    out["theme_title"] = out["theme"].map(theme_title)
    out["theme_order"] = out["theme"].map(lambda th: themes[th].order if th in themes else 99)
    out["indicator_order"] = out["indicator"].map(lambda i: order.get(i, 999))
    return out


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """`frame.to_dict("records")`, column by column: pandas 3 builds records row by row through
    itertuples (0.05 s for a results frame of a few hundred rows, 13 times per overview run)."""
    columns = [str(c) for c in frame.columns]
    values = [frame[c].tolist() for c in frame.columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def format_value(value: Any, unit: str | None, lang: str = "uk") -> str:
    """A value as people read it (monitor.format.value): the dashboard's tables call this too."""
    return fmt.value(value, unit, lang)


def _scale(unit: str | None) -> float:
    return 100.0 if unit in _PERCENT_UNITS else 1.0


def _tick_suffix(scale: float, lang: str) -> str:
    """A percent axis reads like the labels on it ('40 %' / '40%'); other axes have no suffix."""
    return fmt.percent_sign(lang) if scale == 100 else ""


def _n_text(row: Mapping[str, Any], lang: str = "uk") -> str:
    shown = row.get("n_display")
    if isinstance(shown, str) and shown:
        return n_label(shown, lang)
    return fmt.integer(row.get("n"), lang)


def _interval_text(row: Mapping[str, Any], lang: str) -> str:
    return fmt.interval(row.get("ci_low"), row.get("ci_high"), row.get("unit"), lang)


def _is_suppressed(row: Mapping[str, Any]) -> bool:
    return bool(row.get("suppressed")) or row.get("status") == "suppressed"


def identity_color(code: Any, order: int = 0) -> str:
    """An oblast's own colour (a raion or hromada wears its oblast's); unknown codes take the extras."""
    text = str(code or "")
    for oblast, color in OBLAST_COLORS.items():
        if text == oblast or (len(text) > 4 and text[:4] == oblast[:4]):
            return color
    return IDENTITY_EXTRA[order % len(IDENTITY_EXTRA)]


def status_of(row: Mapping[str, Any]) -> str:
    """The status a value is drawn with: suppressed and missing values are 'suppressed' (grey)."""
    if _is_suppressed(row) or is_missing(row.get("value")):
        return "suppressed"
    status = row.get("status")
    return status if isinstance(status, str) and status in STATUS_COLORS else "none"


def status_color(row: Mapping[str, Any]) -> str:
    return STATUS_COLORS[status_of(row)]


def _with_symbol(text: str, row: Mapping[str, Any]) -> str:
    """The value with its status symbol, so status reads without colour ('40% ✗')."""
    symbol = STATUS_SYMBOLS.get(status_of(row), "")
    return f"{text} {symbol}" if symbol and text else text


# The mark of a value that depends on a parameter not yet verified against the law's text (#10):
# on the value itself wherever it is drawn or listed, explained by the legend.
UNVERIFIED_MARK = "*"


def is_unverified(row: Mapping[str, Any]) -> bool:
    value = row.get("unverified")
    return bool(value) and not is_missing(value)


def shown_value(row: Mapping[str, Any], lang: str) -> str:
    """A value as every chart label and dashboard table shows it: the withheld mark ('приховано' /
    'hidden'; a cascade step's '<11') instead of any number of a withheld cell, and the unverified mark
    on a value that rests on a parameter not yet checked against the law."""
    if _is_suppressed(row):
        shown = row.get("n_display")
        return shown if isinstance(shown, str) and shown.startswith("<") else n_label(WITHHELD, lang)
    text = format_value(row.get("value"), row.get("unit"), lang)
    return f"{text}{UNVERIFIED_MARK}" if text != "—" and is_unverified(row) else text


def _status_label(status: Any, lang: str) -> str:
    if not (isinstance(status, str) and status):
        return ""
    symbol = STATUS_SYMBOLS.get(status, "")
    return f"{symbol} {t(f'dashboard.status.{status}', lang)}" if symbol else t(f"dashboard.status.{status}", lang)


def _territory_label(row: Mapping[str, Any], lang: str) -> str:
    if lang == "en":
        name = row.get("territory_name_en")
        if isinstance(name, str) and name:
            return name
    name = row.get("territory_name")
    return name if isinstance(name, str) and name else str(row.get("territory_code", ""))


def _indicator_label(row: Mapping[str, Any]) -> str:
    title = row.get("indicator_title")
    return title if isinstance(title, str) and title else str(row.get("indicator", ""))


def _shorten(text: str, width: int = 58) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _wrap(text: str, width: int) -> str:
    """Break a long axis label into lines (plotly wraps only on <br>)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _base_layout(
    fig: go.Figure, title: str | None = None, height: int | None = None, lang: str | None = None
) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}} if title else None,
        font={"family": _FONT, "size": 12},
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        plot_bgcolor="white",
        paper_bgcolor="white",
        hoverlabel={"font": {"family": _FONT}},
        # Plotly's default colour cycle has a red and a green: traces without an explicit colour
        # take identity colours instead, which never read as a status.
        colorway=IDENTITY,
    )
    if lang:
        fig.update_layout(separators=fmt.plotly_separators(lang))  # ticks: '12,5' like the labels
    if height:
        fig.update_layout(height=height)
    return fig


def empty_figure(lang: str, message_key: str = "dashboard.no_data") -> go.Figure:
    """A blank figure saying there is nothing to show (keeps layouts stable)."""
    fig = go.Figure()
    fig.add_annotation(text=t(message_key, lang), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base_layout(fig, height=220, lang=lang)


def threshold_of(frame: pd.DataFrame) -> int | None:
    """The smallest number of answers a value needs to be shown (min_n, else the '<11' marker)."""
    if "min_n" in frame.columns:
        known = pd.to_numeric(frame["min_n"], errors="coerce").dropna()
        if not known.empty:
            return int(known.max())
    if "n_display" in frame.columns:
        marks = frame["n_display"].astype(str).str.extract(r"^<(\d+)$")[0].dropna()
        if not marks.empty:
            return int(marks.astype(int).max())
    return None


def all_hidden(frame: pd.DataFrame) -> bool:
    """Rows exist, but none of them may show a value (every one suppressed or empty)."""
    if frame.empty:
        return False
    return bool(frame.apply(lambda r: status_of(r) == "suppressed", axis=1).all())


def _nothing_suppressed(frame: pd.DataFrame) -> bool:
    return not frame.apply(_is_suppressed, axis=1).any()


def hidden_message(frame: pd.DataFrame, lang: str) -> str:
    if _nothing_suppressed(frame):
        # No value to draw, yet nothing is hidden: e.g. an index whose components are not all published
        # (a fixed mix is computed only where every component is there). Saying "hidden" would be untrue.
        missing = sorted({c for v in frame.get("index_missing", pd.Series(dtype=object)).dropna()
                          for c in str(v).split(",") if c})
        if missing:
            return t("dashboard.chart.index_incomplete", lang, missing=", ".join(missing))
        return t("dashboard.chart.no_values", lang)
    threshold = threshold_of(frame)
    if threshold is None:
        return t("dashboard.chart.all_hidden", lang)
    return t("dashboard.chart.all_suppressed", lang, min_n=threshold)


def hidden_figure(frame: pd.DataFrame, lang: str, height: int = 220) -> go.Figure:
    """Every value suppressed: a grey 'hidden' mark that says so in words, with the threshold.

    An empty 0–1 % axis would look like zeros; this says why there is nothing to see.
    """
    fig = go.Figure()
    fig.add_shape(type="rect", xref="paper", yref="paper", x0=0.02, x1=0.98, y0=0.2, y1=0.8,
                  fillcolor=NO_DATA, line={"color": GREY, "width": 1, "dash": "dot"})
    fig.add_annotation(text=_wrap(hidden_message(frame, lang), 36), showarrow=False, x=0.5, y=0.5, xref="paper",
                       yref="paper", font={"color": "#37474f", "size": 13})
    fig.update_xaxes(visible=False, range=[0, 1])
    fig.update_yaxes(visible=False, range=[0, 1])
    _base_layout(fig, height=height, lang=lang)
    fig.update_layout(meta={"all_suppressed": not _nothing_suppressed(frame), "no_values": True})
    return fig


def _hover_rows(frame: pd.DataFrame, lang: str) -> list[list[str]]:
    """customdata per row: label, value, n, interval, status, target, indicator title, and the
    territory code and indicator id a click on the value drills down with (never shown)."""
    rows = []
    for row in records(frame):
        rows.append(
            [
                _territory_label(row, lang),
                shown_value(row, lang),
                _n_text(row, lang),
                _interval_text(row, lang) if not _is_suppressed(row) else "—",
                _status_label(row.get("status"), lang),
                format_value(row.get("target"), row.get("unit"), lang),
                _indicator_label(row) + (f" ({UNVERIFIED_MARK} {t('dashboard.unverified', lang)})"
                                         if is_unverified(row) else ""),
                str(row.get("territory_code") or ""),
                str(row.get("indicator") or ""),
            ]
        )
    return rows


def _hovertemplate(lang: str) -> str:
    return (
        "<b>%{customdata[0]}</b><br>%{customdata[6]}<br>"
        + t("dashboard.chart.value", lang)
        + ": %{customdata[1]}<br>n = %{customdata[2]}<br>"
        + t("dashboard.chart.interval", lang)
        + ": %{customdata[3]}<br>"
        + t("dashboard.chart.target", lang)
        + ": %{customdata[5]}<br>%{customdata[4]}<extra></extra>"
    )


def _totals(results: pd.DataFrame) -> pd.DataFrame:
    if "dimension" not in results.columns:
        return results
    dim = results["dimension"].fillna("")
    return results[dim == ""]


def _sorted_indicators(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in ("theme_order", "theme", "indicator_order", "indicator") if c in frame.columns]
    return frame.sort_values(keys, kind="stable")


# ----------------------------------------------------------------------------- scorecard
def scorecard(results: pd.DataFrame, lang: str) -> go.Figure:
    """Oblasts (columns) × indicators (rows, grouped by theme) in traffic-light colours.

    Expects one period and the oblast level; cells show the value (or '<11' when suppressed), and
    hovering shows value, n, interval, target and status. Theme names are header rows.
    """
    frame = _totals(results)
    frame = frame[frame["type"] != "index"] if "type" in frame.columns else frame
    frame = frame[frame["territory_code"] != "ALL"]
    if frame.empty:
        return empty_figure(lang)
    if all_hidden(frame):
        return hidden_figure(frame, lang)
    frame = _sorted_indicators(frame)
    columns: list[str] = []
    column_codes: list[str] = []
    for row in records(frame.drop_duplicates("territory_code").sort_values("territory_code")):
        column_codes.append(row["territory_code"])
        columns.append(_territory_label(row, lang))
    cells = records(frame)
    # Every cell's hover text in one pass over the frame (#13: one-row DataFrames per cell were 72 %
    # of the overview's script time).
    by_cell = {
        (r["indicator"], r["territory_code"]): (r, hover)
        for r, hover in zip(cells, _hover_rows(frame, lang), strict=True)
    }

    y_labels: list[str] = []
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    custom: list[list[list[str]]] = []
    # The click targets: one invisible marker on each cell (Plotly's heatmaps send no selection
    # events to Streamlit, streamlit#8760), carrying the cell's indicator and oblast.
    targets: dict[str, list[Any]] = {"x": [], "y": [], "customdata": []}
    current_theme = None
    for ind in records(frame.drop_duplicates("indicator")):
        theme = ind.get("theme_title") or ind.get("theme")
        if theme != current_theme:
            current_theme = theme
            y_labels.append(f"<b>{_shorten(str(theme), 60)}</b>")
            z.append([None] * len(column_codes))
            text.append([""] * len(column_codes))
            custom.append([[""] * 9 for _ in column_codes])
        y_labels.append(_shorten(_indicator_label(ind)))
        z_row, text_row, custom_row = [], [], []
        for column, code in zip(columns, column_codes, strict=True):
            found = by_cell.get((ind["indicator"], code))
            if found is None:
                z_row.append(float(_STATUS_ORDER.index("no-data")))
                text_row.append("")
                hover = ["", "—", "—", "—", _status_label("no-data", lang), "—", _indicator_label(ind), code,
                         str(ind["indicator"])]
            else:
                cell, hover = found
                status = "suppressed" if _is_suppressed(cell) else (cell.get("status") or "none")
                if status not in _STATUS_ORDER:
                    status = "none"
                z_row.append(float(_STATUS_ORDER.index(status)))
                text_row.append(_with_symbol(shown_value(cell, lang), cell) if status != "no-data" else "")
            custom_row.append(hover)
            targets["x"].append(column)
            targets["y"].append(y_labels[-1])
            targets["customdata"].append(hover)
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)

    steps = len(_STATUS_ORDER)
    colorscale = []
    for i, status in enumerate(_STATUS_ORDER):
        colorscale.append([i / steps, STATUS_COLORS[status]])
        colorscale.append([(i + 1) / steps, STATUS_COLORS[status]])
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=columns,
            y=y_labels,
            text=text,
            texttemplate="%{text}",
            # No fixed text colour: Plotly picks black or white against each cell (white on amber is unreadable).
            textfont={"size": 12},
            customdata=custom,
            hovertemplate=_hovertemplate(lang),
            colorscale=colorscale,
            zmin=0,
            zmax=steps,
            showscale=False,
            xgap=3,
            ygap=3,
            hoverongaps=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            **targets,
            mode="markers",
            # Transparent squares about a cell's height: hover and click land on them near the value.
            marker={"symbol": "square", "size": 24, "opacity": 0},
            # A clicked cell stays as it was drawn (Plotly would dim the others).
            selected={"marker": {"opacity": 0}},
            unselected={"marker": {"opacity": 0}},
            hovertemplate=_hovertemplate(lang),
            showlegend=False,
            name="",
            meta={"role": "drill"},
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": 11})
    fig.update_xaxes(side="top", automargin=True, tickfont={"size": 12})
    _base_layout(fig, height=max(260, 26 * len(y_labels) + 60), lang=lang)
    fig.update_layout(meta={"columns": column_codes}, hovermode="closest")
    return fig


# ----------------------------------------------------------------------------- map
def choropleth(
    results: pd.DataFrame, geojson: Mapping[str, Any], level: str, lang: str, *, attribution: bool = True
) -> go.Figure:
    """One indicator on the real boundaries of `level` (oblast, raion or hromada), suppressed areas grey.

    The boundaries' CC BY 4.0 attribution is written on the figure itself (so a static image in a
    report carries it); the dashboard prints it under the map instead (`attribution=False`).
    """
    from monitor.geo import BOUNDARIES_ATTRIBUTION

    frame = _totals(results)
    if "level" in frame.columns:
        frame = frame[frame["level"] == level]
    shown = frame[~frame.apply(_is_suppressed, axis=1)] if not frame.empty else frame
    shown = shown[shown["value"].map(lambda v: not is_missing(v))] if not shown.empty else shown
    hidden = frame[~frame.index.isin(shown.index)]
    codes_with_rows = set(frame["territory_code"]) if not frame.empty else set()
    feature_codes = [f["id"] for f in geojson.get("features", [])]
    oblasts = set(frame["oblast_code"]) if "oblast_code" in frame.columns and not frame.empty else set()
    no_rows = [
        c
        for c in feature_codes
        if c not in codes_with_rows and (not oblasts or any(c.startswith(o[:4]) for o in oblasts))
    ]

    fig = go.Figure()
    unit = frame["unit"].iloc[0] if "unit" in frame.columns and not frame.empty else None
    scale = _scale(unit)
    if no_rows:
        fig.add_trace(
            go.Choropleth(
                geojson=geojson,
                featureidkey="id",
                locations=no_rows,
                z=[0] * len(no_rows),
                colorscale=[[0, NO_DATA], [1, NO_DATA]],
                showscale=False,
                marker={"line": {"color": "white", "width": 0.5}},
                hovertemplate=t("dashboard.no_data", lang) + "<extra></extra>",
                name=t("dashboard.no_data", lang),
            )
        )
    if not hidden.empty:
        fig.add_trace(
            go.Choropleth(
                geojson=geojson,
                featureidkey="id",
                locations=list(hidden["territory_code"]),
                z=[0] * len(hidden),
                colorscale=[[0, GREY], [1, GREY]],
                showscale=False,
                customdata=_hover_rows(hidden, lang),
                hovertemplate=_hovertemplate(lang),
                marker={"line": {"color": "white", "width": 0.5}},
                name=t("dashboard.suppressed", lang),
            )
        )
    if not shown.empty:
        statuses = shown.apply(status_of, axis=1)
        if statuses.isin(list(STATUS_SYMBOLS)).any():
            # An indicator with a status legend: each area wears its status colour, exactly as the
            # scorecard and the ranking do (a value scale would paint a critical value green).
            for status in ("green", "amber", "red", "none"):
                part = shown[statuses == status]
                if part.empty:
                    continue
                color = STATUS_COLORS[status]
                fig.add_trace(
                    go.Choropleth(
                        geojson=geojson,
                        featureidkey="id",
                        locations=list(part["territory_code"]),
                        z=[float(v) * scale for v in part["value"]],
                        colorscale=[[0, color], [1, color]],
                        showscale=False,
                        showlegend=True,
                        customdata=_hover_rows(part, lang),
                        hovertemplate=_hovertemplate(lang),
                        marker={"line": {"color": "white", "width": 0.5}},
                        name=_status_label(status, lang),
                        meta={"status": status},
                    )
                )
        else:
            # A context indicator: a neutral sequential scale, darker = more, no judgement.
            fig.add_trace(
                go.Choropleth(
                    geojson=geojson,
                    featureidkey="id",
                    locations=list(shown["territory_code"]),
                    z=[float(v) * scale for v in shown["value"]],
                    colorscale=SEQUENTIAL,
                    customdata=_hover_rows(shown, lang),
                    hovertemplate=_hovertemplate(lang),
                    marker={"line": {"color": "white", "width": 0.5}},
                    colorbar={"ticksuffix": _tick_suffix(scale, lang), "thickness": 12, "len": 0.8},
                    name=t("dashboard.chart.value", lang),
                    meta={"status": "none"},
                )
            )
    if all_hidden(frame):
        # The grey areas stay (where the data would be); the words say why there is no colour.
        fig.add_annotation(text=_wrap(hidden_message(frame, lang), 36), showarrow=False, x=0.5, y=1.0, xref="paper",
                           yref="paper", yanchor="top", bgcolor="white", bordercolor=GREY,
                           font={"color": "#37474f", "size": 13})
        fig.update_layout(meta={"all_suppressed": True})
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    fig.update_layout(legend={"orientation": "h", "y": -0.02, "x": 0})
    if attribution:
        fig.add_annotation(
            text=BOUNDARIES_ATTRIBUTION.get(lang, BOUNDARIES_ATTRIBUTION["en"]),
            showarrow=False,
            x=0,
            y=0,
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            font={"size": 9, "color": "#555"},
        )
    _base_layout(fig, height=440, lang=lang)
    return fig


# ----------------------------------------------------------------------------- ranking
def ranking(results: pd.DataFrame, lang: str) -> go.Figure:
    """Territories ranked by value with their intervals; suppressed territories at the bottom, grey."""
    frame = _totals(results)
    if frame.empty:
        return empty_figure(lang)
    if all_hidden(frame):
        return hidden_figure(frame, lang)
    frame = frame.copy()
    frame["_suppressed"] = frame.apply(_is_suppressed, axis=1)
    frame["_missing"] = frame["value"].map(is_missing)
    higher_better = (frame["direction"].iloc[0] if "direction" in frame.columns else "") != "lower-is-better"
    shown = frame[~frame["_suppressed"] & ~frame["_missing"]].sort_values("value", ascending=not higher_better)
    rest = frame[frame["_suppressed"] | frame["_missing"]]
    ordered = pd.concat([shown, rest])
    unit = frame["unit"].iloc[0] if "unit" in frame.columns else None
    scale = _scale(unit)
    labels = [_territory_label(r, lang) for r in records(ordered)]
    values, colors, texts, err_plus, err_minus = [], [], [], [], []
    for row in records(ordered):
        hidden = row["_suppressed"] or row["_missing"]
        value = 0.0 if hidden else float(row["value"]) * scale
        values.append(value)
        colors.append(GREY if hidden else status_color(row))
        texts.append(_with_symbol(shown_value(row, lang), row))
        low, high = row.get("ci_low"), row.get("ci_high")
        if hidden or is_missing(low) or is_missing(high):
            err_plus.append(0.0)
            err_minus.append(0.0)
        else:
            err_plus.append(max(0.0, float(high) * scale - value))
            err_minus.append(max(0.0, value - float(low) * scale))
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker={"color": colors},
            text=texts,
            # Inside at the bar's start keeps the number clear of the interval whiskers; a hidden
            # (zero-length) bar writes its '<11' outside.
            textposition=["outside" if v == 0 else "inside" for v in values],
            insidetextanchor="start",
            textangle=0,  # a short bar shrinks its label rather than turning it on its side
            textfont={"color": ["#37474f" if v == 0 or c == AMBER else "white" for v, c in zip(values, colors, strict=True)]},
            cliponaxis=False,
            error_x={"type": "data", "array": err_plus, "arrayminus": err_minus, "color": "#37474f", "thickness": 1},
            customdata=_hover_rows(ordered, lang),
            hovertemplate=_hovertemplate(lang),
        )
    )
    targets = frame["target"].dropna().unique() if "target" in frame.columns else []
    if len(targets) == 1:
        fig.add_vline(
            x=float(targets[0]) * scale,
            line={"dash": "dash", "color": TARGET_LINE},
            annotation_text=t("dashboard.chart.target", lang),
            annotation_position="top",
        )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(ticksuffix=_tick_suffix(scale, lang), gridcolor="#eceff1", rangemode="tozero")
    _base_layout(fig, height=max(240, 22 * len(labels) + 80), lang=lang)
    fig.update_layout(margin={"t": 30})
    return fig


# ----------------------------------------------------------------------------- trend
def trend(results: pd.DataFrame, lang: str) -> go.Figure:
    """Value over periods per territory (intervals as error bars) with the target as a dashed line."""
    frame = _totals(results)
    if frame.empty:
        return empty_figure(lang)
    if all_hidden(frame):
        return hidden_figure(frame, lang, height=360)
    frame = frame.sort_values(["period", "territory_code"])
    unit = frame["unit"].iloc[0] if "unit" in frame.columns else None
    scale = _scale(unit)
    periods = sorted(frame["period"].astype(str).unique())
    fig = go.Figure()
    for order, (code, group) in enumerate(frame.groupby("territory_code", sort=True)):
        rows = records(group)
        identity = identity_color(rows[0].get("oblast_code") or code, order)
        y, plus, minus, texts = [], [], [], []
        for row in rows:
            hidden = _is_suppressed(row) or is_missing(row.get("value"))
            value = None if hidden else float(row["value"]) * scale
            y.append(value)
            texts.append(shown_value(row, lang))
            low, high = row.get("ci_low"), row.get("ci_high")
            ok = value is not None and not is_missing(low) and not is_missing(high)
            plus.append(max(0.0, float(high) * scale - value) if ok else 0.0)
            minus.append(max(0.0, value - float(low) * scale) if ok else 0.0)
        fig.add_trace(
            go.Scatter(
                x=[str(r["period"]) for r in rows],
                y=y,
                mode="lines+markers",
                name=_territory_label(rows[0], lang),
                # The line is the oblast (identity colour); each point wears its status colour and shape.
                line={"color": identity},
                marker={
                    "color": [status_color(r) for r in rows],
                    "symbol": [STATUS_MARKERS.get(status_of(r), "circle") for r in rows],
                    "size": 10,
                    "line": {"color": identity, "width": 1.5},
                },
                error_y={"type": "data", "array": plus, "arrayminus": minus, "thickness": 1, "color": identity},
                customdata=_hover_rows(group, lang),
                hovertemplate=_hovertemplate(lang),
                connectgaps=False,
            )
        )
    if "target" in frame.columns:
        targets = frame.dropna(subset=["target"]).drop_duplicates("period").sort_values("period")
        if not targets.empty:
            fig.add_trace(
                go.Scatter(
                    x=[str(p) for p in targets["period"]],
                    y=[float(v) * scale for v in targets["target"]],
                    mode="lines+markers",
                    name=t("dashboard.chart.target", lang),
                    line={"dash": "dash", "color": TARGET_LINE},
                    marker={"symbol": "line-ew-open", "size": 14, "color": TARGET_LINE},
                    hovertemplate=t("dashboard.chart.target", lang) + ": %{y}<extra></extra>",
                )
            )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=periods)
    fig.update_yaxes(ticksuffix=_tick_suffix(scale, lang), gridcolor="#eceff1", rangemode="tozero")
    fig.update_layout(legend={"orientation": "h", "y": -0.15})
    return _base_layout(fig, height=360, lang=lang)


# ----------------------------------------------------------------------------- breakdown
BAR_TEXT_MARGIN = 76  # px: "100,0 % ✓" in the charts' 12 px font, with room to spare
def breakdown(results: pd.DataFrame, lang: str, labels: Mapping[str, str] | None = None) -> go.Figure:
    """The indicator by each disaggregation (rows with dimension != ''), one bar series per territory.

    `labels` maps dimension names and 'dimension=value' codes to readable labels.
    """
    if "dimension" not in results.columns:
        return empty_figure(lang)
    frame = results[results["dimension"].fillna("") != ""]
    if frame.empty:
        return empty_figure(lang, "dashboard.no_breakdown")
    if all_hidden(frame):
        return hidden_figure(frame, lang, height=300)
    labels = labels or {}
    unit = frame["unit"].iloc[0] if "unit" in frame.columns else None
    scale = _scale(unit)
    frame = frame.sort_values(["dimension", "dimension_value", "territory_code"])
    fig = go.Figure()
    for order, (code, group) in enumerate(frame.groupby("territory_code", sort=True)):
        rows = records(group)
        identity = identity_color(rows[0].get("oblast_code") or code, order)
        dims = [labels.get(str(r["dimension"]), str(r["dimension"])) for r in rows]
        vals = [
            labels.get(f"{r['dimension']}={r['dimension_value']}", str(r["dimension_value"])) for r in rows
        ]
        hidden = [_is_suppressed(r) or is_missing(r.get("value")) for r in rows]
        fig.add_trace(
            go.Bar(
                y=[dims, [_shorten(v, 34) for v in vals]],
                x=[0 if h else float(r["value"]) * scale for r, h in zip(rows, hidden, strict=True)],
                orientation="h",
                name=_territory_label(rows[0], lang),
                marker={"color": identity},
                text=[_with_symbol(shown_value(r, lang), r) for r in rows],
                textposition="outside",
                cliponaxis=False,
                customdata=_hover_rows(group, lang),
                hovertemplate=_hovertemplate(lang),
            )
        )
    n_bars = len(frame)
    fig.update_xaxes(ticksuffix=_tick_suffix(scale, lang), gridcolor="#eceff1", rangemode="tozero")
    fig.update_yaxes(autorange="reversed", automargin=True)
    # Same territory order and colours as the trend beside it, so its legend serves both.
    fig.update_layout(barmode="group", showlegend=False)
    _base_layout(fig, height=max(300, 10 * n_bars + 100), lang=lang)
    # The values are written past the bars' ends ("100,0 % ✓"): the right margin holds the longest,
    # or the longest bar's label is cut at the chart's edge.
    fig.update_layout(margin={"t": 40, "r": BAR_TEXT_MARGIN})
    return fig


# ----------------------------------------------------------------------------- cascade
def cascade(frame: pd.DataFrame, lang: str) -> go.Figure:
    """The access-to-assistance cascade (see monitor.engine.cascade): counts and survivor shares.

    Left: administrative counts per step (police and status-procedure data) per oblast. Right: the
    survivors' path as shares of respondents; steps under the survivor threshold are grey '<11'.
    """
    if frame.empty:
        return empty_figure(lang)
    admin = frame[frame["source"] != "survivors"]
    survivors = frame[frame["source"] == "survivors"]
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.55, 0.45],
        horizontal_spacing=0.08,
        subplot_titles=[t("dashboard.cascade.admin_title", lang), t("dashboard.cascade.survivor_title", lang)],
    )
    oblasts = list(dict.fromkeys(frame.sort_values("oblast_code")["oblast_code"]))
    for i, code in enumerate(oblasts):
        color = identity_color(code, i)
        for col, part in ((1, admin), (2, survivors)):
            rows = part[part["oblast_code"] == code].sort_values("step_order").to_dict("records")
            if not rows:
                continue
            name = rows[0]["oblast_name_en" if lang == "en" else "oblast_name"]
            steps = [_wrap(t(f"dashboard.cascade.step.{r['step']}", lang), 16 if col == 1 else 10) for r in rows]
            hidden = [bool(r.get("suppressed")) or is_missing(r.get("value")) for r in rows]
            if col == 1:
                y = [0 if h else float(r["value"]) for r, h in zip(rows, hidden, strict=True)]
                text = [
                    r.get("n_display") or t("dashboard.suppressed", lang)
                    if h
                    else format_value(r["value"], "count", lang)
                    for r, h in zip(rows, hidden, strict=True)
                ]
            else:
                y = [0 if h else float(r["value"]) * 100 for r, h in zip(rows, hidden, strict=True)]
                # Hidden survivor steps stay blank in the bars (the table and the hover say '<11').
                text = ["" if h else format_value(r["value"], "percent", lang) for r, h in zip(rows, hidden, strict=True)]
            conv = [
                format_value(r.get("of_previous"), "percent", lang) if not h else "—"
                for r, h in zip(rows, hidden, strict=True)
            ]
            fig.add_trace(
                go.Bar(
                    x=steps,
                    y=y,
                    name=name,
                    legendgroup=code,
                    showlegend=False,  # the legend entries below wear the oblast's colour, never a hidden grey
                    marker={"color": [GREY if h else color for h in hidden]},
                    text=text,
                    textposition="outside",
                    cliponaxis=False,
                    customdata=[
                        [name, tx or r.get("n_display") or "", c, r.get("n_display") or _n_text(r, lang)]
                        for r, tx, c in zip(rows, text, conv, strict=True)
                    ],
                    hovertemplate=(
                        "<b>%{customdata[0]}</b><br>%{x}: %{customdata[1]}<br>"
                        + t("dashboard.cascade.of_previous", lang)
                        + ": %{customdata[2]}<br>n = %{customdata[3]}<extra></extra>"
                    ),
                ),
                row=1,
                col=col,
            )
        # One legend entry per oblast in its identity colour. A legend takes its swatch from the trace's
        # first bar, and a first step hidden in every oblast made all four swatches grey.
        fig.add_trace(
            go.Bar(x=[None], y=[None], name=_oblast_name(frame, code, lang), legendgroup=code, showlegend=True,
                   marker={"color": color}, hoverinfo="skip", meta={"role": "legend"}),
            row=1, col=1,
        )
    meta: dict[str, bool] = {}
    for col, part, flag in ((1, admin, "admin_suppressed"), (2, survivors, "survivors_suppressed")):
        if part.empty or not bool((part["suppressed"].astype(bool) | part["value"].map(is_missing)).all()):
            continue
        # Every value of the panel hidden: it says so in words with the threshold, not a bare 0–1 axis.
        threshold = threshold_of(part)
        text = (t("dashboard.chart.all_suppressed", lang, min_n=threshold) if threshold
                else t("dashboard.chart.all_hidden", lang))
        axis = "" if col == 1 else "2"
        fig.add_annotation(text=_wrap(text, 34), showarrow=False, x=0.5, y=0.5, xref=f"x{axis} domain",
                           yref=f"y{axis} domain", bgcolor=NO_DATA, bordercolor=GREY,
                           font={"color": "#37474f", "size": 12})
        fig.update_yaxes(showticklabels=False, row=1, col=col)
        meta[flag] = True
    if meta:
        fig.update_layout(meta=meta)
    fig.update_yaxes(gridcolor="#eceff1", rangemode="tozero")
    fig.update_yaxes(ticksuffix=_tick_suffix(100, lang), row=1, col=2)
    fig.update_xaxes(tickangle=0, tickfont={"size": 10})
    _base_layout(fig, height=470, lang=lang)
    fig.update_layout(
        barmode="group", legend={"orientation": "h", "y": 1.1, "yanchor": "bottom", "x": 0}, margin={"t": 90, "b": 10},
        # Plotly shrinks a narrow bar's outside label until it cannot be read ('76,2 %' at 5 px): never below 9 px.
        uniformtext={"minsize": 9, "mode": "show"},
    )
    fig.update_annotations(font={"size": 13})
    return fig


def _oblast_name(frame: pd.DataFrame, code: str, lang: str) -> str:
    rows = frame[frame["oblast_code"] == code]
    return str(rows.iloc[0]["oblast_name_en" if lang == "en" else "oblast_name"]) if not rows.empty else code


# ----------------------------------------------------------------------------- coverage
def coverage_bar(coverage: pd.DataFrame, lang: str, titles: Mapping[str, str] | None = None) -> go.Figure:
    """Share of expected answers received per instrument (rows) and territory (one bar series each).

    `coverage` is monitor.engine.coverage rows of one level and wave (e.g. level == 'oblast');
    `titles` maps survey ids to readable instrument names.
    """
    if coverage.empty:
        return empty_figure(lang)
    titles = titles or {}
    frame = coverage.sort_values(["survey", "territory_code"])
    fig = go.Figure()
    for order, (code, group) in enumerate(frame.groupby("territory_code", sort=True)):
        rows = records(group)
        shares = [0.0 if is_missing(r.get("share")) else float(r["share"]) * 100 for r in rows]
        fig.add_trace(
            go.Bar(
                y=[_shorten(titles.get(str(r["survey"]), str(r["survey"])), 42) for r in rows],
                x=shares,
                orientation="h",
                name=_territory_label(rows[0], lang),
                marker={"color": identity_color(rows[0].get("oblast_code") or code, order)},
                text=[fmt.ratio(r.get("received") or 0, r.get("expected") or 0, lang) for r in rows],
                customdata=[fmt.share(r.get("share"), lang, 0) for r in rows],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}<br>%{fullData.name}: %{customdata} (%{text})<extra></extra>",
            )
        )
    fig.add_vline(x=100, line={"dash": "dot", "color": TARGET_LINE})
    fig.update_xaxes(ticksuffix=_tick_suffix(100, lang), range=[0, 118], gridcolor="#eceff1")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.12})
    bars = frame["survey"].nunique() * max(1, frame["territory_code"].nunique())
    return _base_layout(fig, height=max(260, 16 * bars + 120), lang=lang)


# ----------------------------------------------------------------------------- oversight index
def index_bars(results: pd.DataFrame, lang: str) -> go.Figure:
    """The oversight index per territory (0..1 or 0..100 as the engine gives it), traffic-lit."""
    frame = _totals(results)
    if "type" in frame.columns:
        frame = frame[frame["type"] == "index"]
    if frame.empty:
        return empty_figure(lang)
    if all_hidden(frame):
        return hidden_figure(frame, lang, height=280)
    frame = frame.sort_values("territory_code")
    rows = records(frame)
    unit = rows[0].get("unit")
    scale = _scale(unit)
    hidden = [_is_suppressed(r) or is_missing(r.get("value")) for r in rows]
    fig = go.Figure(
        go.Bar(
            x=[_territory_label(r, lang) for r in rows],
            y=[0 if h else float(r["value"]) * scale for r, h in zip(rows, hidden, strict=True)],
            marker={
                "color": [GREY if h else status_color(r) for r, h in zip(rows, hidden, strict=True)]
            },
            text=[_with_symbol(shown_value(r, lang), r) for r in rows],
            textposition="outside",
            cliponaxis=False,
            customdata=_hover_rows(frame, lang),
            hovertemplate=_hovertemplate(lang),
        )
    )
    fig.update_yaxes(ticksuffix=_tick_suffix(scale, lang), gridcolor="#eceff1", rangemode="tozero")
    return _base_layout(fig, height=280, lang=lang)


# ----------------------------------------------------------------------------- the table behind a chart
CHART_KINDS = ("scorecard", "map", "ranking", "trend", "breakdown", "index")


def chart_rows(kind: str, results: pd.DataFrame, level: str | None = None) -> pd.DataFrame:
    """The result rows a chart of `kind` draws from `results` (the same filters as its builder)."""
    if results.empty:
        return results
    if kind == "breakdown":
        return results[results["dimension"].fillna("") != ""] if "dimension" in results.columns else results.iloc[0:0]
    frame = _totals(results)
    if kind == "scorecard":
        frame = frame[frame["type"] != "index"] if "type" in frame.columns else frame
        frame = frame[frame["territory_code"] != "ALL"]
        return _sorted_indicators(frame) if not frame.empty else frame
    if kind == "index":
        return frame[frame["type"] == "index"].sort_values("territory_code") if "type" in frame.columns else frame.iloc[0:0]
    if kind == "map" and level and "level" in frame.columns:
        frame = frame[frame["level"] == level]
    if kind == "trend":
        return frame.sort_values(["territory_code", "period"])
    return frame


def chart_table(kind: str, results: pd.DataFrame, lang: str, *, level: str | None = None,
                labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """What a chart shows, as a table: value, n, interval, target and status per drawn value.

    Values are the chart's own texts (a suppressed value reads '<11', never a number), so the
    table and its CSV carry exactly what the chart shows to this audience.
    """
    rows = chart_rows(kind, results, level)
    columns = {
        "indicator": t("dashboard.col.indicator", lang),
        "territory": t("dashboard.col.territory", lang),
        "period": t("dashboard.col.period", lang),
        "dimension": t("dashboard.col.breakdown", lang),
        "value": t("dashboard.chart.value", lang),
        "n": t("dashboard.col.n", lang),
        "interval": t("dashboard.chart.interval", lang),
        "target": t("dashboard.col.target", lang),
        "status": t("dashboard.col.status", lang),
    }
    if rows.empty:
        return pd.DataFrame(columns=list(columns.values()))
    labels = labels or {}
    out = []
    for row in records(rows):
        dim = str(row.get("dimension") or "")
        value = str(row.get("dimension_value") or "")
        out.append(
            {
                "indicator": _indicator_label(row),
                "territory": _territory_label(row, lang),
                "period": str(row.get("period") or ""),
                "dimension": f"{labels.get(dim, dim)}: {labels.get(f'{dim}={value}', value)}" if dim else "",
                "value": shown_value(row, lang),
                "n": _n_text(row, lang),
                "interval": _interval_text(row, lang) if not _is_suppressed(row) else "—",
                "target": format_value(row.get("target"), row.get("unit"), lang),
                "status": _status_label("suppressed" if _is_suppressed(row) else (row.get("status") or "none"), lang),
            }
        )
    table = pd.DataFrame(out)
    # Columns that say nothing here (one indicator, one period, no breakdown) are left out.
    if kind != "scorecard" and table["indicator"].nunique() <= 1:
        table = table.drop(columns="indicator")
    if kind not in ("trend",) and table["period"].nunique() <= 1:
        table = table.drop(columns="period")
    if kind != "breakdown":
        table = table.drop(columns="dimension")
    return table.rename(columns=columns).reset_index(drop=True)


def table_csv(table: pd.DataFrame) -> bytes:
    """The table as CSV for spreadsheets (UTF-8 with BOM so Excel reads Cyrillic)."""
    return table.to_csv(index=False).encode("utf-8-sig")


def format_change(change: Any, unit: str | None, lang: str = "uk") -> str:
    """A change as people read it (monitor.format.change): percentage points for shares, signed."""
    return fmt.change(change, unit, lang)
