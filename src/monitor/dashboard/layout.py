"""What every page shares: the synthetic-data banner, data freshness, map attribution, the
traffic-light legend, print styles and the rendering of suppressed values in tables."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from monitor.charts.figures import (
    LEGEND_STATUSES,
    STATUS_COLORS,
    STATUS_SYMBOLS,
    UNVERIFIED_MARK,
    is_missing,
    table_csv,
)
from monitor.i18n import t
from monitor.privacy import n_label

# Print layout: no sidebar, header or toolbar; charts and tables keep their width on A4.
PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stSidebarCollapsedControl"], .no-print { display: none !important; }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"], .block-container {
     padding: 0 !important; margin: 0 !important; max-width: 100% !important; }
  [data-testid="stPlotlyChart"], [data-testid="stDataFrame"], [data-testid="stTable"] { break-inside: avoid; }
  @page { size: A4; margin: 12mm; }
}
.block-container { padding-top: 2.2rem; }
.synthetic-banner { background:#fff3e0; border-left:6px solid #ef6c00; padding:.45rem .8rem; margin-bottom:.6rem;
  font-weight:600; color:#4e342e; border-radius:4px; }
.legend-chip { display:inline-block; padding:.05rem .5rem; margin:0 .35rem .2rem 0; border-radius:3px; color:white;
  font-size:.82rem; }
.attribution { font-size:.75rem; color:#666; }
.legend-note { font-size:.82rem; color:#37474f; margin-left:.35rem; }
</style>
"""


# Every ASCII punctuation mark CommonMark lets a backslash escape, plus what Streamlit's own markdown adds
# (':' opens :color[...] and :emoji: directives, '$' opens LaTeX).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")


def plain(text: object) -> str:
    """Text from outside (a file name, a cell value, a server's answer) made inert for Streamlit's
    markdown: shown as typed, never a live link, a remote image, a colour directive or LaTeX."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


def issue_text(problem: Any, lang: str) -> str:
    """An error from the catalogue, rendered once (errors.render_issue) and made inert (it quotes file
    names and cell values)."""
    from monitor.errors import render_issue

    return plain(render_issue(problem, lang))


def styles() -> None:
    st.html(PRINT_CSS)


def synthetic_banner(is_synthetic: bool, lang: str) -> None:
    """The unmistakable marker of a demo database (shown on every page, printed too)."""
    if is_synthetic:
        st.html(f'<div class="synthetic-banner" data-testid="synthetic-banner">⚠ {t("dashboard.synthetic_banner", lang)}</div>')


def format_when(when: Any, lang: str) -> str:
    if when is None or (isinstance(when, float) and pd.isna(when)):
        return ""
    if isinstance(when, str):
        try:
            when = datetime.fromisoformat(when)
        except ValueError:
            return when
    return when.strftime("%d.%m.%Y %H:%M") if lang == "uk" else when.strftime("%Y-%m-%d %H:%M")


def freshness(last_import: Any, lang: str, container: Any = None) -> None:
    target = container or st
    if last_import is None:
        target.caption(t("dashboard.freshness_none", lang))
    else:
        target.caption(t("dashboard.freshness", lang, when=format_when(last_import, lang)))


def attribution(lang: str) -> None:
    """CC BY 4.0 requires the boundaries' credit under every map."""
    from monitor.geo import BOUNDARIES_ATTRIBUTION

    st.caption(BOUNDARIES_ATTRIBUTION.get(lang, BOUNDARIES_ATTRIBUTION["en"]))


def legend(lang: str) -> None:
    """The status legend: the figures' own colours, each with its symbol so it reads without colour."""
    chips = "".join(
        f'<span class="legend-chip" style="background:{STATUS_COLORS[s]};'
        f'{"color:#263238;" if s in ("no-data", "amber", "incomplete") else ""}">'
        f"{(STATUS_SYMBOLS[s] + ' ') if s in STATUS_SYMBOLS else ''}{t(f'dashboard.status.{s}', lang)}</span>"
        for s in LEGEND_STATUSES
    )
    unverified = f'<span class="legend-note">{UNVERIFIED_MARK} {t("dashboard.legend.unverified", lang)}</span>'
    st.html(f"<div>{chips}{unverified}</div>")


def shown_n(row: pd.Series | dict[str, Any], lang: str) -> str:
    shown = row.get("n_display")
    if isinstance(shown, str) and shown:
        return n_label(shown, lang)
    n = row.get("n")
    return "—" if is_missing(n) else str(int(n))


def territory_name(row: pd.Series | dict[str, Any], lang: str) -> str:
    if lang == "en":
        name = row.get("territory_name_en") or row.get("name_en")
        if isinstance(name, str) and name:
            return name
    name = row.get("territory_name") or row.get("name_uk")
    return str(name) if name is not None else ""


def page_header(title: str, caption: str | None = None) -> None:
    st.subheader(title)
    if caption:
        st.caption(caption)


# Plotly's geo maps fetch a world topojson from cdn.plot.ly even when every base layer is off (a
# trace's locationmode alone triggers it). The dashboard must work offline and without console
# errors, and our maps draw only our own GeoJSON, so the "download" is an empty topology inline.
EMPTY_TOPOJSON_URL = "data:application/json,%7B%22type%22%3A%22Topology%22%2C%22objects%22%3A%7B%7D%2C%22arcs%22%3A%5B%5D%7D#"
CHART_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "topojsonURL": EMPTY_TOPOJSON_URL,
}
# Plotly in Ukrainian: its toolbar tips and number/date formats come from a locale dictionary that
# the config may carry itself (config.locales), so no extra script has to be registered in the page.
PLOTLY_UK = {
    "dictionary": {
        "Autoscale": "Автомасштаб",
        "Box Select": "Виділити прямокутником",
        "Lasso Select": "Виділити ласо",
        "Compare data on hover": "Порівняти дані під курсором",
        "Show closest data on hover": "Найближчі дані під курсором",
        "Toggle show closest data on hover": "Перемкнути найближчі дані під курсором",
        "Toggle Spike Lines": "Перемкнути лінії-орієнтири",
        "Download plot as a png": "Завантажити графік як PNG",
        "Download plot as a PNG": "Завантажити графік як PNG",  # the wording of Streamlit's Plotly build
        "Download plot as JSON": "Завантажити графік як JSON",
        "Download plot": "Завантажити графік",
        "Image download succeeded": "Зображення завантажено",
        "Preparing image - this may take a few seconds": "Готуємо зображення, це може тривати кілька секунд",
        "Sorry, there was a problem downloading your image!": "На жаль, не вдалося завантажити зображення",
        "Double-click on legend to isolate one trace": "Двічі клацніть у легенді, щоб лишити один ряд",
        "Orbital rotation": "Орбітальне обертання",
        "Turntable rotation": "Обертання",
        "Reset camera to default": "Скинути камеру",
        "Reset camera to last save": "Повернути збережену камеру",
        "Double-click to zoom back out": "Двічі клацніть, щоб зменшити назад",
        "Pan": "Панорама",
        "Reset": "Скинути",
        "Reset axes": "Скинути осі",
        "Reset view": "Скинути вигляд",
        "Reset views": "Скинути вигляди",
        "Zoom": "Масштаб",
        "Zoom in": "Збільшити",
        "Zoom out": "Зменшити",
        "Produced with Plotly.js": "Створено за допомогою Plotly.js",
        "Snapshot succeeded": "Знімок готовий",
        "Taking snapshot - this may take a few seconds": "Робимо знімок, це може тривати кілька секунд",
        "Sorry, there was a problem downloading your snapshot!": "На жаль, не вдалося завантажити знімок",
        "trace": "ряд",
    },
    "format": {
        "days": ["неділя", "понеділок", "вівторок", "середа", "четвер", "пʼятниця", "субота"],
        "shortDays": ["нд", "пн", "вт", "ср", "чт", "пт", "сб"],
        "months": ["січень", "лютий", "березень", "квітень", "травень", "червень", "липень", "серпень",
                   "вересень", "жовтень", "листопад", "грудень"],
        "shortMonths": ["січ", "лют", "бер", "кві", "тра", "чер", "лип", "сер", "вер", "жов", "лис", "гру"],
        "date": "%d.%m.%Y",
        "decimal": ",",
        "thousands": "\u202f",
    },
}


def chart_config(lang: str, filename: str = "chart") -> dict[str, Any]:
    """The Plotly config in the chosen language; the PNG download is named after the chart."""
    config: dict[str, Any] = {**CHART_CONFIG, "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}
    if lang == "uk":
        config.update({"locale": "uk", "locales": {"uk": PLOTLY_UK}})
    return config


def chart(
    fig: Any,
    key: str,
    table: pd.DataFrame | None = None,
    lang: str | None = None,
    on_click: Callable[[dict[str, Any]], None] | None = None,
    scope: str = "",
) -> None:
    """Plotly chart at container width, offline, in the chosen language, with its table one click away.

    `table` is what the chart shows (monitor.charts.figures.chart_table: suppression as drawn); the
    panel under the chart lists it and downloads exactly that as CSV and XLSX once it is opened.
    `on_click(point)` runs (as a callback, before the next run) when a value is clicked: Streamlit's
    point selection, one point at a time. `scope` names what the chart shows (a level, a raion): a new
    scope is a new chart, so a click made on the last one is not taken as made on this one.
    """
    lang = lang or _lang()
    if on_click is None:
        st.plotly_chart(fig, key=key, config=chart_config(lang, key))
    else:
        widget = f"{key}-{scope}" if scope else key

        def clicked() -> None:
            event = st.session_state.get(widget) or {}
            points = (event.get("selection") or {}).get("points") or []
            if points:
                on_click(dict(points[0]))

        st.plotly_chart(fig, key=widget, config=chart_config(lang, key), on_select=clicked, selection_mode="points")
    if table is None:
        return
    # The table is drawn only while its panel is open (opening it reruns the page): a closed panel's
    # grid and two downloads cost every page and every navigation a third of its drawing time
    # (0.35 s of 1.3 s from the overview to the explorer, bench/README.md), for a table few open.
    panel = st.expander(t("dashboard.chart.table", lang), icon=":material/table:", key=table_panel_key(key),
                        on_change="rerun")
    if not panel.open:
        return
    with panel:
        st.dataframe(table, hide_index=True, key=f"{key}_table")
        buttons = st.container(horizontal=True, gap="small")
        buttons.download_button(
            t("dashboard.chart.download_csv", lang), table_csv(table), file_name=f"{key}.csv", mime="text/csv",
            key=f"{key}_csv", icon=":material/download:", on_click="ignore",
        )
        buttons.download_button(
            t("dashboard.chart.download_xlsx", lang), _xlsx(table, key), file_name=f"{key}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}_xlsx", icon=":material/table_view:", on_click="ignore",
        )
        # The picture: Plotly's own toolbar button (labelled in Ukrainian by PLOTLY_UK), at twice the
        # screen resolution and named after the chart.
        st.caption(t("dashboard.chart.png_hint", lang))


def table_panel_key(chart_key: str) -> str:
    """The session-state key of a chart's table panel (True while it is open)."""
    return f"{chart_key}_table_open"


@st.cache_data(show_spinner=False, max_entries=64)
def _xlsx(table: pd.DataFrame, title: str) -> bytes:
    """A chart table's workbook, built once per table (a rerun with the same table reuses it)."""
    from monitor.dashboard.downloads import table_xlsx

    return table_xlsx(table, title)


def _lang() -> str:
    from monitor.dashboard import state

    return state.lang()
