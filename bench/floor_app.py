"""The floor of bench_dashboard.py: a bare Streamlit page drawing the same Plotly figures as a dashboard page.

No navigation, sidebar, login, database or engine: it reads the figures a dashboard page drew (captured
from the browser by bench_dashboard.py into FLOOR_DIR/<page>.json) and draws them with the dashboard's
own Plotly config, so the difference between the two is what the dashboard adds. With ?nav=1 a radio switches between the
pages' figures in one tab: the floor of a navigation.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from monitor.dashboard.layout import chart_config

st.set_page_config(layout="wide")
page = st.query_params.get("page", "overview")
if st.query_params.get("nav"):
    # The floor of a navigation: a rerun that replaces one page's figures by another's (bench_dashboard's
    # `floor:nav` jobs click these). Only with ?nav=1, so the page floors carry no radio.
    names = sorted(p.stem for p in Path(os.environ["FLOOR_DIR"]).glob("*.json"))
    page = st.radio("page", names, index=names.index(page) if page in names else 0, horizontal=True)
path = Path(os.environ["FLOOR_DIR"]) / f"{page}.json"
figures = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
st.subheader(page)
for i, spec in enumerate(figures):
    st.plotly_chart(go.Figure(spec, skip_invalid=True), key=f"floor_{i}", config=chart_config("uk", f"floor_{i}"))
