"""One module per dashboard page. Each is also a page script: Streamlit runs the file, whose
`if __name__ == "__main__": render()` draws the page (file-based pages keep AppTest's switch_page working)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from monitor.i18n import t

HERE = Path(__file__).resolve().parent
# (module, url path, title key, icon): the url paths are part of shared links, keep them stable.
# The default page is served at "/" whatever its url_path says, so "/overview" needs a page of its own:
# a hidden alias of the overview (#13: a link to /overview opened "Page not found").
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("overview", "home", "dashboard.page.overview", ":material/dashboard:"),
    ("explorer", "indicator", "dashboard.page.explorer", ":material/query_stats:"),
    ("cascade", "cascade", "dashboard.page.cascade", ":material/filter_alt:"),
    ("hromada", "hromada", "dashboard.page.hromada", ":material/location_city:"),
    ("data", "data", "dashboard.page.data", ":material/database:"),
    ("oversight", "oversight", "oversight.page.nav", ":material/gavel:"),
    ("reports", "reports", "reports.page.title", ":material/description:"),
)


def page_file(module: str) -> Path:
    return HERE / f"{module}.py"


def url_path(module: str) -> str:
    """The URL path a page module is listed under ('' for an unknown one)."""
    return next((path for name, path, _, _ in PAGES if name == module), "")


# (module, url path, title key, icon) of pages reachable by URL but not listed in the navigation.
ALIASES: tuple[tuple[str, str, str, str], ...] = (
    ("overview", "overview", "dashboard.page.overview", ":material/dashboard:"),
)


def all_pages(lang: str) -> list[st.Page]:
    listed = [
        st.Page(page_file(module), title=t(title_key, lang), icon=icon, url_path=url_path, default=i == 0)
        for i, (module, url_path, title_key, icon) in enumerate(PAGES)
    ]
    hidden = [
        st.Page(page_file(module), title=t(title_key, lang), icon=icon, url_path=url_path, visibility="hidden")
        for module, url_path, title_key, icon in ALIASES
    ]
    return listed + hidden
