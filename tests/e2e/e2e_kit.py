"""Helpers the chromium tests share."""

from __future__ import annotations

from typing import Any


def settle(tab: Any) -> None:
    """Wait until the script run is over (the status widget disappears) and the page is quiet."""
    tab.wait_for_selector('[data-testid="stMainBlockContainer"]', timeout=60_000)
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000,
                          polling=200)
    tab.wait_for_timeout(600)
