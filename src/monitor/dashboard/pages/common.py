"""Helpers the pages share: the current selection applied to a results frame."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from monitor.dashboard import access, reads, state
from monitor.i18n import t


@dataclass(frozen=True)
class View:
    """Everything a page needs to ask the cached accessors for its data."""

    url: str
    fp: str
    lang: str
    audience: str
    oblast: str
    gran: str
    period: str
    theme: str


def current() -> View:
    url, fp = reads.context()
    return View(
        url=url,
        fp=fp,
        lang=state.lang(),
        audience=access.audience(),
        oblast=state.get("oblast"),
        gran=state.get("gran"),
        period=state.get("period"),
        theme=state.get("theme"),
    )


def select(frame: pd.DataFrame, view: View, *, period: bool = True, oblast: bool = True, theme: bool = True) -> pd.DataFrame:
    """Rows of `frame` inside the sidebar's selection."""
    if frame.empty:
        return frame
    mask = pd.Series(True, index=frame.index)
    if period and view.period and "period" in frame.columns:
        mask &= frame["period"].astype(str) == view.period
    if oblast and view.oblast and "oblast_code" in frame.columns:
        mask &= frame["oblast_code"] == view.oblast
    if theme and view.theme and "theme" in frame.columns:
        mask &= frame["theme"] == view.theme
    return frame[mask]


def has_answers(view: View) -> bool:
    """False (with a message) when the database holds no answers yet."""
    if not view.period:
        st.info(t("dashboard.empty_db", view.lang))
        return False
    return True


def coverage_in_view(cov: pd.DataFrame, view: View) -> tuple[pd.DataFrame, str]:
    """Coverage rows of the wave the selected period falls in, and that wave (#13: never both rounds summed).

    Coverage is counted per monitoring wave; a year, half or quarter belongs to the wave of its year
    ('2022-Q1' → '2022'). A period in no wave gives no rows.
    """
    if cov.empty or "wave" not in cov.columns or not view.period:
        return cov.iloc[0:0], ""
    waves = set(cov["wave"].astype(str))
    wave = view.period if view.gran == "wave" else view.period[:4]
    if wave not in waves:
        return cov.iloc[0:0], ""
    return cov[cov["wave"].astype(str) == wave], wave
