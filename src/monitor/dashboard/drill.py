"""Drill-down: a click on a chart opens the next view, a breadcrumb leads back.

A scorecard cell opens the indicator explorer for that indicator and oblast; a territory on the
explorer's map or ranking goes one level down (oblast → raion → the raion's hromadas) and a hromada
opens its profile. Every step only changes the view (`state`), which is written to the URL, so the
browser's back button returns (see `state.follow_history`).

Clicks arrive in callbacks, which run before the script and may not switch pages: a callback
records the page to open and `follow` (called by app.py once the navigation exists) switches.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from monitor.dashboard import state
from monitor.i18n import t

_PENDING = "_drill_page"
# customdata positions the figures give every drawn value (figures._hover_rows).
CODE, INDICATOR = 7, 8


def request(page: str = "", **changes: str) -> None:
    """Change the view and, if `page` (a page module) is given, open that page next."""
    for key, value in changes.items():
        state.put(key, value)
    if page:
        st.session_state[_PENDING] = page


def follow(page_file: Callable[[str], Path], url_path: Callable[[str], str], current: str) -> None:
    """Open the page a click asked for, with the view in its URL (a new browser history entry).

    `page_file` and `url_path` map a page module to its script and its URL path
    (monitor.dashboard.pages; passed in because the pages import this module); `current` is the URL
    path of the page this run shows. The request is kept until that page is reached: a rerun the
    browser sends at the same moment (a second click) may overtake the switch, and the next run
    tries again.
    """
    page = st.session_state.get(_PENDING)
    if not page:
        return
    if url_path(page) == current:
        st.session_state.pop(_PENDING, None)
        return
    st.switch_page(page_file(page), query_params=state.url_params())


def clicked_code(point: dict[str, Any]) -> str:
    """The territory code of a clicked value: a map shape names its location, bars carry it in customdata."""
    custom = point.get("customdata") or []
    if isinstance(custom, list) and len(custom) > CODE and custom[CODE]:
        return str(custom[CODE])
    return str(point.get("location") or "")


def open_cell(point: dict[str, Any]) -> None:
    """A scorecard cell: the explorer for that indicator in that oblast."""
    custom = point.get("customdata") or []
    if not (isinstance(custom, list) and len(custom) > INDICATOR and custom[INDICATOR]):
        return  # a theme's header row
    request("explorer", indicator=str(custom[INDICATOR]), oblast=str(custom[CODE]), raion="", level="raion")


def open_territory(code: str, territories: pd.DataFrame, levels: list[str]) -> None:
    """One level below the clicked territory: an oblast's raions, a raion's hromadas, a hromada's profile.

    `levels` are the levels the indicator can be mapped at (a raion opens its hromadas only when the
    indicator has hromada results).
    """
    found = territories[territories["code"] == code]
    if found.empty:
        return
    unit = found.iloc[0]
    oblast = str(unit["oblast_code"] or code)
    if unit["level"] == "oblast":
        request(oblast=code, raion="", level="raion")
    elif unit["level"] == "raion":
        request(oblast=oblast, raion=code, level="hromada" if "hromada" in levels else "raion")
    elif unit["level"] == "hromada":
        request("hromada", oblast=oblast, hromada=code)


def raion_of(unit: pd.Series | dict[str, Any]) -> str:
    return str(unit.get("raion_code") or unit.get("parent_code") or "")


def breadcrumb(territories: pd.DataFrame, lang: str, oblast: str, raion: str, leaf: str = "", page: str = "") -> None:
    """All oblasts › oblast › raion [› leaf]: each step but the last is a link back to that level.

    `page` is the page a step opens ('' = stay on this one).
    """
    names = territories.set_index("code")["name_en" if lang == "en" else "name_uk"].to_dict()
    steps: list[tuple[str, dict[str, str]]] = [
        (t("dashboard.filter.all_oblasts", lang), {"oblast": "", "raion": "", "level": "raion"}),
    ]
    if oblast in names:
        steps.append((str(names[oblast]), {"oblast": oblast, "raion": "", "level": "raion"}))
    if raion in names:
        steps.append((str(names[raion]), {"oblast": oblast, "raion": raion, "level": "hromada"}))
    if leaf:
        steps.append((leaf, {}))
    row = st.container(horizontal=True, gap="small", vertical_alignment="center", key="breadcrumb")
    for i, (text, changes) in enumerate(steps):
        if i:
            row.markdown("›", width="content")
        if i == len(steps) - 1:
            row.markdown(f"**{_inert(text)}**", width="content")
        else:
            row.button(text, key=f"crumb_{i}", type="tertiary", on_click=request, args=(page,), kwargs=changes)


def _inert(text: str) -> str:
    from monitor.dashboard.layout import plain

    return plain(text)
