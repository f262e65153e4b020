"""The open demo's visitor is anonymous: the Data page offers no upload at all (issue #14 item 5), and
says why in Ukrainian. The upload path of a signed-in person (monitor.auth.uploads: size, type by
content, safe name, private per-session folder, links never followed) is proved in
tests/auth/test_attacks.py (10–12, 10c)."""

from __future__ import annotations

from typing import Any

import pytest
from test_dashboard_e2e import page, settle  # noqa: F401  (the page fixture and the wait helper)

from monitor.i18n import t

pytestmark = pytest.mark.e2e


def test_anonymous_demo_visitor_gets_no_upload(server: str, page: tuple[Any, list[str]]) -> None:  # noqa: F811
    tab, _ = page
    tab.goto(f"{server}/data?lang=uk", wait_until="domcontentloaded")
    tab.get_by_text(t("dashboard.data.title", "uk")).first.wait_for(timeout=120_000)
    settle(tab)
    tab.get_by_role("tab", name=t("dashboard.data.tab_import", "uk"), exact=True).click()
    tab.get_by_text(t("dashboard.data.not_allowed", "uk")).first.wait_for(timeout=60_000)
    assert tab.locator('[data-testid="stFileUploader"]').count() == 0
    assert tab.locator('input[type="file"]').count() == 0
