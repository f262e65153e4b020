"""The access-to-assistance cascade per oblast: where survivors drop out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor.charts import figures
from monitor.dashboard import layout, reads
from monitor.dashboard.pages.common import current, has_answers, select
from monitor.i18n import t


def cascade_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Oblasts as columns, steps as rows; suppressed survivor steps read '<11', never a number."""
    if frame.empty:
        return pd.DataFrame()
    name = "oblast_name_en" if lang == "en" else "oblast_name"
    cells = []
    for row in frame.sort_values("step_order").to_dict("records"):
        if row["suppressed"]:
            text = row["n_display"] or t("dashboard.suppressed", lang)
        elif row["source"] == "survivors":
            text = figures.format_value(row["value"], "percent", lang)
        else:
            text = figures.format_value(row["value"], "count", lang)
        cells.append({"step": t(f"dashboard.cascade.step.{row['step']}", lang), "order": row["step_order"],
                      "oblast": row[name], "text": text})
    table = pd.DataFrame(cells).pivot_table(index=["order", "step"], columns="oblast", values="text", aggfunc="first")
    # Oblasts in the chart's order (by code, the order of every chart and the scorecard), not by name.
    by_code = list(dict.fromkeys(frame.sort_values("oblast_code")[name]))
    table = table[[o for o in by_code if o in table.columns]]
    table = table.reset_index().drop(columns="order").rename(columns={"step": t("dashboard.cascade.step", lang)})
    table.columns.name = None
    return table.fillna("—")


def render() -> None:
    view = current()
    lang = view.lang
    layout.page_header(t("dashboard.cascade.title", lang), t("dashboard.cascade.caption", lang))
    if not has_answers(view):
        return
    frame = select(reads.cascade(view.url, view.fp, view.gran), view, theme=False)
    layout.chart(figures.cascade(frame, lang), key="cascade")
    if frame["suppressed"].any() if not frame.empty else False:
        st.caption(t("dashboard.suppressed_note", lang))
    st.markdown(f"**{t('dashboard.cascade.table', lang)}**")
    table = cascade_table(frame, lang)
    st.dataframe(table, hide_index=True, key="cascade_table")
    if not table.empty:
        st.download_button(
            t("dashboard.chart.download_csv", lang), figures.table_csv(table), file_name="cascade.csv",
            mime="text/csv", key="cascade_csv", icon=":material/download:", on_click="ignore",
        )


if __name__ == "__main__":
    render()
