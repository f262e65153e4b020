"""The dashboard's entry point: page setup, the shared filters and the navigation. Nothing else.

Run it with `monitor serve` (creates the database and loads the demo on a first run).
"""

from __future__ import annotations

import streamlit as st

from monitor.dashboard import access, drill, layout, pages, reads, sidebar, state
from monitor.i18n import t

state.follow_history()  # the back button: the URL it returns to is the view
lang = state.lang()
st.set_page_config(page_title=t("dashboard.app_title", lang), page_icon="🧭", layout="wide")
layout.styles()
access.require()  # the login gate: a database with real imports shows only the login form until then
navigation = st.navigation(pages.all_pages(lang))
drill.follow(pages.page_file, pages.url_path, navigation.url_path)  # a click asked for another page
sidebar.render()
layout.synthetic_banner(reads.facts(*reads.context())["synthetic"], state.lang())
navigation.run()
state.write_url(navigation.url_path)
