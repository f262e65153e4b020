"""Every page in both languages in a real headless chromium: no exception, no console error, a filter
change that redraws, and screenshots kept under test-artifacts/screenshots/ (look at them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from monitor.i18n import t

pytestmark = pytest.mark.e2e

PAGES = [
    ("", "dashboard.overview.title", '[data-testid="stPlotlyChart"] .main-svg'),
    ("indicator", "dashboard.explorer.title", '[data-testid="stPlotlyChart"] .main-svg'),
    ("cascade", "dashboard.cascade.title", '[data-testid="stPlotlyChart"] .main-svg'),
    ("hromada", "dashboard.hromada.indicators", '[data-testid="stTable"]'),
    ("data", "dashboard.data.title", '[data-testid="stPlotlyChart"] .main-svg'),
    ("reports", "reports.page.title", '[data-testid="stButton"]'),
]
VIEWPORT = {"width": 1280, "height": 800}  # a 13-inch laptop


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    context = browser.new_context(viewport=VIEWPORT, locale="uk-UA")
    tab = context.new_page()
    errors: list[str] = []
    def on_console(message: Any) -> None:
        # Every error counts, 404s included: a page opened by its own URL (/cascade) no longer probes
        # /cascade/_stcore/health first (monitor.dashboard.assets.base_url_hint).
        if message.type == "error":
            errors.append(f"{message.text} ({(message.location or {}).get('url', '')})")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab, errors
    context.close()


def settle(tab: Any) -> None:
    """Wait until the script run is over (the status widget disappears) and the page is quiet."""
    tab.wait_for_selector('[data-testid="stMainBlockContainer"]', timeout=60_000)
    tab.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000, polling=200
    )
    tab.wait_for_timeout(400)


def shoot(tab: Any, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to its height first."""
    height = tab.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    tab.set_viewport_size({"width": VIEWPORT["width"], "height": min(int(height) + 20, 6000)})
    tab.wait_for_timeout(600)
    tab.screenshot(path=str(path), full_page=True)
    tab.set_viewport_size(VIEWPORT)


def assert_clean(tab: Any, errors: list[str]) -> None:
    assert tab.locator('[data-testid="stException"]').count() == 0, tab.locator('[data-testid="stException"]').first.inner_text()
    assert errors == [], errors


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize(("path", "title_key", "ready"), PAGES, ids=[p[0] or "overview" for p in PAGES])
def test_every_page_renders(server: str, page: tuple[Any, list[str]], lang: str, path: str, title_key: str,
                            ready: str, screenshot_dir) -> None:  # type: ignore[no-untyped-def]
    tab, errors = page
    tab.goto(f"{server}/{path}?lang={lang}", wait_until="domcontentloaded")
    tab.get_by_text(t(title_key, lang)).first.wait_for(timeout=120_000)
    tab.wait_for_selector(ready, timeout=120_000)
    settle(tab)
    assert tab.locator('[data-testid="synthetic-banner"]').count() == 1
    assert tab.get_by_text(t("dashboard.synthetic_banner", lang)).count() >= 1
    shoot(tab, screenshot_dir / f"{path or 'overview'}-{lang}.png")
    assert_clean(tab, errors)


def test_oblast_filter_redraws_the_scorecard_and_goes_into_the_url(server: str, page: tuple[Any, list[str]],
                                                                   screenshot_dir) -> None:  # type: ignore[no-untyped-def]
    tab, errors = page
    tab.goto(f"{server}/", wait_until="domcontentloaded")
    tab.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=120_000)
    settle(tab)
    scorecard = tab.locator('[data-testid="stPlotlyChart"]').first
    before = scorecard.locator(".xtick text").count()
    assert before == 4  # the four oblasts
    tab.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    tab.get_by_role("option", name="Полтавська").click()
    tab.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')[0]?.querySelectorAll('.xtick text').length === 1",
        timeout=60_000,
    )
    tab.wait_for_url(lambda url: "oblast=UA53" in url, timeout=60_000)
    settle(tab)
    shoot(tab, screenshot_dir / "overview-poltava-uk.png")
    # A shared link opens the same view in a new session.
    other = tab.context.new_page()
    other.goto(tab.url, wait_until="domcontentloaded")
    other.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=120_000)
    settle(other)
    assert other.locator('[data-testid="stPlotlyChart"]').first.locator(".xtick text").count() == 1
    assert_clean(tab, errors)


def test_language_switch_and_page_navigation_keep_the_filters(server: str, page: tuple[Any, list[str]]) -> None:
    tab, errors = page
    tab.goto(f"{server}/?oblast=UA53000000000028050", wait_until="domcontentloaded")
    tab.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=120_000)
    settle(tab)
    tab.locator('[data-testid="stSidebar"]').get_by_text("English").click()
    tab.get_by_text(t("dashboard.overview.title", "en")).first.wait_for(timeout=60_000)
    settle(tab)
    tab.locator('[data-testid="stSidebarNav"]').get_by_text(t("dashboard.page.cascade", "en")).click()
    tab.get_by_text(t("dashboard.cascade.title", "en")).first.wait_for(timeout=60_000)
    # The URL is rewritten at the end of the page's script run.
    tab.wait_for_url(lambda url: "lang=en" in url and "oblast=UA53000000000028050" in url, timeout=60_000)
    settle(tab)
    assert "/cascade" in tab.url
    assert_clean(tab, errors)
