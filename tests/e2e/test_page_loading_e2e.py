"""How a page loads in the real chromium behind `monitor serve` (#13 item 6, monitor.dashboard.assets):
a deep link finds the server without probing its own path, the page's bundles are fetched from its
HTML (gzipped, as every browser asks), and Plotly's bundle is asked for before any chart arrives."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_kit import settle

pytestmark = pytest.mark.e2e


def record(tab: Any) -> list[tuple[str, dict[str, str]]]:
    requests: list[tuple[str, dict[str, str]]] = []
    tab.on("request", lambda request: requests.append((request.url, request.headers)))
    return requests


def test_a_deep_link_asks_the_server_once_and_preloads_its_bundles(server: str, tab: Any) -> None:
    requests = record(tab)
    responses: dict[str, dict[str, str]] = {}
    tab.on("response", lambda response: responses.setdefault(response.url, response.headers))
    tab.goto(f"{server}/hromada", wait_until="domcontentloaded")
    tab.wait_for_selector('[data-testid="stTable"]', timeout=120_000)
    settle(tab)
    urls = [url for url, _ in requests]
    # Without the hint Streamlit asks /hromada/_stcore/health and /hromada/_stcore/host-config first (404s).
    assert not [u for u in urls if "/hromada/_stcore/" in u], urls
    assert any(u.endswith("/_stcore/health") for u in urls)
    page_response = responses[f"{server}/hromada"]
    assert page_response.get("content-encoding") == "gzip"  # the browser asked for gzip and still got the preloads
    preloads = tab.evaluate(
        "() => [...document.querySelectorAll('link[rel=modulepreload]')].map(l => l.getAttribute('href'))"
    )
    for bundle in ("Selectbox.", "Radio.", "Table."):
        assert any(bundle in href for href in preloads), (bundle, preloads)
    assert not any("PlotlyChart." in href for href in preloads)  # the profile draws no chart
    assert tab.evaluate("() => window.__streamlit.BACKEND_BASE_URL") == f"{server}/"


def test_plotly_is_asked_for_before_the_first_chart_arrives(server: str, tab: Any) -> None:
    requests = record(tab)
    tab.goto(f"{server}/", wait_until="domcontentloaded")
    tab.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=120_000)
    settle(tab)
    plotly = [u for u, _ in requests if "/static/js/PlotlyChart." in u]
    assert len(plotly) == 1, plotly  # the preload and Streamlit's own import are one fetch
    started = tab.evaluate(
        """() => { const r = performance.getEntriesByType('resource').find(e => e.name.includes('/static/js/PlotlyChart.'));
                   const ws = performance.getEntriesByType('resource').find(e => e.name.endsWith('/_stcore/health'));
                   return [r.startTime, ws.startTime]; }"""
    )
    assert started[0] < started[1], started  # fetched with the page, before it even looked for the server
    assert tab.evaluate("() => window.__streamlit === undefined")  # the root page needs no hint
