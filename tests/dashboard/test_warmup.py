"""monitor.dashboard.warmup: the first visit's work done while the server starts (#13 item 6)."""

from __future__ import annotations

import logging

import pytest
from dashboard_kit import ROOT

from monitor.dashboard import warmup
from monitor.framework.loader import framework_or_raise
from monitor.privacy import protect
from monitor.store.db import connect


def test_warm_up_leaves_the_stored_protected_set_in_memory(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protect, "_MEMORY", type(protect._MEMORY)())
    key = protect.set_key(connect(demo_url), framework_or_raise(ROOT))
    assert key not in protect._MEMORY
    seconds = warmup.warm(demo_url, str(ROOT))
    assert key in protect._MEMORY and seconds > 0
    assert not protect._MEMORY[key].public.empty  # read from the stored copy, the set the pages read


def test_a_failed_warm_up_is_logged_and_never_stops_the_server(tmp_path, caplog: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_DB", f"sqlite:///{tmp_path}/db.sqlite")
    monkeypatch.setenv("MONITOR_FRAMEWORK", str(tmp_path / "no-framework-here"))
    with caplog.at_level(logging.INFO, logger="monitor.dashboard.warmup"):
        thread = warmup.start()
        thread.join(timeout=120)
    assert not thread.is_alive() and thread.daemon
    assert "warm-up failed" in caplog.text
