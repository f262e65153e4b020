"""The dashboard under AppTest on the shared demo database (tests/demo_kit.py: the real synthetic demo
through the real import pipeline, its protected set stored as `monitor serve` leaves it)."""

from __future__ import annotations

import pytest
from dashboard_kit import APP, ROOT
from streamlit.testing.v1 import AppTest


@pytest.fixture
def app(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MONITOR_DB", demo_url)
    monkeypatch.setenv("MONITOR_FRAMEWORK", str(ROOT))
    return AppTest.from_file(str(APP), default_timeout=120)
