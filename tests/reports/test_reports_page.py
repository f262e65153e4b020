"""The dashboard's Reports page: selectors, build, download (Streamlit AppTest on the demo database)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

SCRIPT = """
from monitor.dashboard.pages.reports import render
render()
"""


@pytest.fixture
def page(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MONITOR_DB", demo_url)
    monkeypatch.delenv("MONITOR_AUTH", raising=False)
    return AppTest.from_string(SCRIPT, default_timeout=120)


def test_reports_page_builds_an_html_report(page: AppTest) -> None:
    page.run()
    assert not page.exception, page.exception
    assert page.selectbox(key="report_period").value == "2022"
    page.radio(key="report_format").set_value("html")
    page.radio(key="report_lang").set_value("en")
    page.button(key="report_build").click().run()
    assert not page.exception, page.exception
    downloads = page.get("download_button")
    assert downloads, "no download button"
