"""Overview: the scorecard of the four oblasts, the oversight index, what changed, and coverage."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor.charts import figures
from monitor.dashboard import drill, layout, reads
from monitor.dashboard.pages.common import View, coverage_in_view, current, has_answers, select
from monitor.i18n import t


def changes_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Indicators whose value moved since the previous period, significant changes first."""
    if frame.empty or "change" not in frame.columns:
        return pd.DataFrame()
    moved = frame[frame["change"].notna() & (frame["type"] != "index")].copy()
    if moved.empty:
        return pd.DataFrame()
    moved["_abs"] = moved["change"].abs()
    moved["_sig"] = moved["change_significant"].fillna(False).astype(bool) if "change_significant" in moved else False
    moved = moved.sort_values(["_sig", "_abs"], ascending=[False, False])
    rows = figures.records(moved)
    return pd.DataFrame(
        {
            t("dashboard.col.indicator", lang): moved["indicator_title"],
            t("dashboard.col.territory", lang): [layout.territory_name(r, lang) for r in rows],
            t("dashboard.col.previous", lang): [
                figures.format_value(v, u, lang) for v, u in zip(moved["previous_value"], moved["unit"], strict=True)
            ],
            t("dashboard.col.value", lang): [figures.shown_value(r, lang) for r in rows],
            t("dashboard.col.change", lang): [
                figures.format_change(c, u, lang) for c, u in zip(moved["change"], moved["unit"], strict=True)
            ],
            t("dashboard.col.significant", lang): ["✔" if s else "" for s in moved["_sig"]],
        }
    )


def coverage_metrics(view: View) -> None:
    """Share of expected answers received per oblast in the selected wave (all instruments)."""
    try:
        cov = reads.coverage(view.url, view.fp)
    except ImportError:
        return
    if cov.empty:
        return
    cov, wave = coverage_in_view(cov[cov["level"] == "oblast"], view)
    if view.oblast and "oblast_code" in cov.columns:
        cov = cov[cov["oblast_code"] == view.oblast]
    if cov.empty:
        return
    st.markdown(f"**{t('dashboard.overview.coverage_wave', view.lang, wave=wave)}**")
    terr = reads.territories(view.url, view.fp)
    names = terr.set_index("code")["name_en" if view.lang == "en" else "name_uk"].to_dict()
    totals = cov.groupby("territory_code")[["expected", "received"]].sum()
    columns = st.columns(2)
    for i, (code, row) in enumerate(totals.iterrows()):
        column = columns[i % 2]
        share = row["received"] / row["expected"] if row["expected"] else float("nan")
        column.metric(
            names.get(code, code),
            figures.format_value(min(share, 1.0) if share == share else share, "percent", view.lang),
            f"{int(row['received'])}/{int(row['expected'])}",
            delta_color="off",
            delta_arrow="off",
        )


def render() -> None:
    view = current()
    lang = view.lang
    layout.page_header(t("dashboard.overview.title", lang), t("dashboard.overview.caption", lang))
    if not has_answers(view):
        return
    frame = reads.titled(view.url, view.fp, "oblast", view.gran, view.audience, lang, True)
    shown = select(frame, view)
    layout.legend(lang)
    st.caption(t("dashboard.drill.scorecard_hint", lang))
    layout.chart(figures.scorecard(shown, lang), key="scorecard", table=figures.chart_table("scorecard", shown, lang),
                 lang=lang, on_click=drill.open_cell)
    if shown.get("suppressed", pd.Series(dtype=bool)).any():
        st.caption(t("dashboard.suppressed_note", lang))

    left, right = st.columns([2, 3])
    with left:
        st.markdown(f"**{t('dashboard.overview.index', lang)}**")
        index = select(frame, view, theme=False)
        layout.chart(figures.index_bars(index, lang), key="index", table=figures.chart_table("index", index, lang),
                     lang=lang)
    with right:
        coverage_metrics(view)
    # A change table only when the previous period has data to compare with (#13: not 2021-Q1
    # against an empty 2020-Q4): the previous period of rows that carry a previous value.
    previous = pd.Series(dtype=str)
    if {"previous_period", "previous_value"} <= set(shown.columns):
        previous = shown.loc[shown["previous_value"].notna(), "previous_period"].dropna()
    if previous.empty or changes_table(shown, lang).empty:
        st.markdown(f"**{t('dashboard.overview.no_changes', lang)}**")
    else:
        st.markdown(f"**{t('dashboard.overview.changes', lang, previous=previous.iloc[0], period=view.period)}**")
        st.dataframe(changes_table(shown, lang), hide_index=True, height=300, key="changes")


if __name__ == "__main__":
    render()
