"""#13 item 2 in the real chromium: a click on a scorecard cell opens the explorer for that indicator and
oblast, a click on a map shape goes one level down (raion → its hromadas → a hromada's profile), the
breadcrumb names the way, and the browser's back button walks it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from e2e_kit import settle

from monitor.i18n import t

pytestmark = pytest.mark.e2e
POLTAVA = "UA53000000000028050"
CHARTS = '[data-testid="stPlotlyChart"]'


def query(tab: Any) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(tab.url).query).items()}


def wait_charts(tab: Any, count: int) -> None:
    tab.wait_for_function(f"() => document.querySelectorAll('{CHARTS} .main-svg').length >= {count}",
                          timeout=120_000, polling=300)
    settle(tab)


def click_center(tab: Any, box: dict[str, float]) -> None:
    tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tab.wait_for_timeout(300)  # Plotly clicks the point under the hover
    tab.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def scorecard_cell(tab: Any, indicator: str, oblast: str) -> dict[str, float]:
    """The screen box of the scorecard's click target for (indicator, oblast), found in the figure's data."""
    index = tab.evaluate(
        """([ind, code]) => {
             const gd = document.querySelectorAll('[data-testid="stPlotlyChart"]')[0].querySelector('.js-plotly-plot');
             const targets = gd.data.find(tr => tr.meta && tr.meta.role === 'drill');
             return targets.customdata.findIndex(c => c[8] === ind && c[7] === code);
           }""",
        [indicator, oblast],
    )
    assert index >= 0, "no scorecard cell for the indicator and oblast"
    point = tab.locator(f"{CHARTS}").first.locator(".scatterlayer .point").nth(index)
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    assert box
    return box


def shape(tab: Any, code_prefix: str) -> tuple[str, dict[str, float]]:
    """A map shape (location code, screen box) whose code starts with `code_prefix`, the largest such, so
    the centre of its box lies inside it."""
    found = tab.evaluate(
        """(prefix) => {
             const chart = document.querySelectorAll('[data-testid="stPlotlyChart"]')[0];
             let best = null;
             chart.querySelectorAll('.choroplethlayer .trace').forEach(trace => {
               trace.querySelectorAll('path.choroplethlocation').forEach(p => {
                 const loc = p.__data__ && p.__data__.loc;
                 const r = p.getBoundingClientRect();
                 if (loc && loc.startsWith(prefix) && (!best || r.width * r.height > best.area)) {
                   best = {loc: loc, area: r.width * r.height};
                 }
               });
             });
             return best && best.loc;
           }""",
        code_prefix,
    )
    assert found, "no map shape to click"
    box = tab.evaluate(
        """(loc) => {
             const chart = document.querySelectorAll('[data-testid="stPlotlyChart"]')[0];
             const p = [...chart.querySelectorAll('path.choroplethlocation')].find(e => e.__data__ && e.__data__.loc === loc);
             p.scrollIntoView({block: 'center'});
             const r = p.getBoundingClientRect();
             return {x: r.x, y: r.y, width: r.width, height: r.height};
           }""",
        found,
    )
    return str(found), box


def back_until(tab: Any, arrived: Any, presses: int = 2) -> None:
    """The browser's back button, pressed until `arrived(url)` (at most `presses` times)."""
    for _ in range(presses):
        tab.go_back(wait_until="commit")
        settle(tab)
        tab.wait_for_timeout(1500)  # the rerun the history step asked for has drawn
        settle(tab)
        if arrived(tab.url):
            return
    raise AssertionError(f"{presses} presses of back did not arrive: {tab.url}")


def test_scorecard_cell_map_shapes_and_the_back_button(server: str, tab: Any, screenshot_dir: Path) -> None:
    tab.goto(f"{server}/", wait_until="domcontentloaded")
    wait_charts(tab, 2)
    click_center(tab, scorecard_cell(tab, "H02", POLTAVA))
    tab.wait_for_url(lambda url: "/indicator" in url, timeout=120_000)
    wait_charts(tab, 4)
    assert query(tab).get("indicator") == "H02" and query(tab).get("oblast") == POLTAVA, tab.url
    assert tab.get_by_text(t("dashboard.explorer.title", "uk")).count() >= 1
    chosen = tab.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.evaluate(
        "e => e.innerText + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' ')")
    assert "H02 ·" in chosen, chosen
    crumbs = tab.locator('[data-testid="stMain"] .st-key-breadcrumb')
    assert "Полтавська" in crumbs.inner_text()

    # A raion on the map: its hromadas, one level down.
    raion, box = shape(tab, "UA53")
    click_center(tab, box)
    tab.wait_for_url(lambda url: "raion=" in url, timeout=120_000)
    wait_charts(tab, 4)
    assert query(tab)["raion"] == raion and query(tab)["level"] == "hromada", tab.url
    tab.screenshot(path=str(screenshot_dir / "drill-raion-hromadas-uk.png"), full_page=True)
    assert crumbs.locator("button").count() == 2  # all oblasts › Poltava › (this raion, not a link)

    # A hromada on that map: its profile.
    hromada, box = shape(tab, "UA53")
    click_center(tab, box)
    tab.wait_for_url(lambda url: "/hromada" in url, timeout=120_000)
    settle(tab)
    assert query(tab)["hromada"] == hromada, tab.url
    tab.get_by_text(t("dashboard.hromada.indicators", "uk")).first.wait_for(timeout=120_000)

    # Back: the raion's hromadas, the oblast's raions, the overview of four oblasts. A click that opens
    # another page makes two history entries (Streamlit's frontend pushes one for the new query and one
    # for the new page), so a step back may take two presses: the first shows the previous page with the
    # clicked selection already applied (e.g. the overview of Poltava). Never more than two.
    back_until(tab, lambda url: "/indicator" in url and "raion=" in url)
    wait_charts(tab, 4)
    back_until(tab, lambda url: "/indicator" in url and "raion=" not in url)
    wait_charts(tab, 4)
    assert query(tab).get("oblast") == POLTAVA and query(tab).get("indicator") == "H02"
    assert query(tab).get("level", "raion") == "raion"
    back_until(tab, lambda url: "/indicator" not in url and "oblast=" not in url)
    wait_charts(tab, 2)
    columns = tab.evaluate(
        """() => document.querySelectorAll('[data-testid="stPlotlyChart"]')[0].querySelector('.js-plotly-plot')
                   .data[0].x.length"""
    )
    assert columns == 4  # the scorecard of the four oblasts again


def test_breadcrumb_leads_back_to_all_oblasts(server: str, tab: Any) -> None:
    tab.goto(f"{server}/indicator?oblast={POLTAVA}&indicator=H02", wait_until="domcontentloaded")
    wait_charts(tab, 4)
    tab.locator(".st-key-breadcrumb button").first.click()
    tab.wait_for_url(lambda url: "oblast=" not in url, timeout=120_000)
    wait_charts(tab, 4)
    assert query(tab).get("indicator") == "H02"
