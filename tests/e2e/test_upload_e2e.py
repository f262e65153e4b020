"""The dashboard's upload goes through the hardened path (monitor.auth.uploads): a file whose content
is not what its name says is refused with the bilingual message, and an accepted file lands in a new
private folder of its own (0700, the file 0600), never in a shared world-readable temp folder."""

from __future__ import annotations

import stat
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from test_dashboard_e2e import page, settle  # noqa: F401  (the page fixture and the wait helper)

from monitor.i18n import t

pytestmark = pytest.mark.e2e
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def open_import_tab(tab: Any, server: str) -> None:
    tab.goto(f"{server}/data?lang=uk", wait_until="domcontentloaded")
    tab.get_by_text(t("dashboard.data.title", "uk")).first.wait_for(timeout=120_000)
    settle(tab)
    tab.get_by_role("tab", name=t("dashboard.data.tab_import", "uk")).click()
    tab.locator('[data-testid="stFileUploader"] input[type="file"]').wait_for(state="attached", timeout=60_000)


def upload(tab: Any, path: Path) -> None:
    tab.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    tab.wait_for_timeout(800)
    settle(tab)


def test_renamed_binary_is_refused_and_a_good_file_lands_in_a_private_folder(
    server: str, page: tuple[Any, list[str]], tmp_path: Path,  # noqa: F811
) -> None:
    tab, _ = page
    started = time.time()
    open_import_tab(tab, server)
    fake = tmp_path / "police.csv"
    fake.write_bytes(PNG)
    upload(tab, fake)
    tab.get_by_text("неприйнятний файл", exact=False).first.wait_for(timeout=60_000)
    assert tab.get_by_role("button", name=t("dashboard.data.check", "uk")).count() == 0

    good = tmp_path / "police-good.csv"
    good.write_text("wave,oblast\n2022-1,UA53000000000028050\n", encoding="utf-8")
    upload(tab, good)
    tab.get_by_role("button", name=t("dashboard.data.check", "uk")).wait_for(timeout=60_000)
    temp = Path(tempfile.gettempdir())
    assert not (temp / "monitor-uploads" / good.name).exists()  # the old shared folder is not used
    landed = [p for p in temp.glob("monitor-upload-*/police-good.csv") if p.stat().st_mtime >= started - 1]
    assert len(landed) == 1, landed
    assert stat.S_IMODE(landed[0].parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(landed[0].stat().st_mode) == 0o600
    assert landed[0].read_bytes() == good.read_bytes()
