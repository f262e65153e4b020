"""A demo database (the real synthetic demo through the real import pipeline), built once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dashboard_kit import APP, ROOT
from streamlit.testing.v1 import AppTest


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from monitor.demo.run import run_demo
    from monitor.framework.loader import framework_or_raise
    from monitor.store import db as store_db

    folder = tmp_path_factory.mktemp("dashboard-demo")
    url = f"sqlite:///{folder}/demo.db"
    engine = store_db.connect(url)
    run_demo(engine, framework_or_raise(ROOT), out_dir=folder / "demo")
    # Built once here as `monitor demo` does, so no page run waits for the protected set.
    from monitor.privacy import protected_set

    protected_set(engine, framework_or_raise(ROOT))
    yield url
    store_db.close(url)


@pytest.fixture
def app(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MONITOR_DB", demo_url)
    monkeypatch.setenv("MONITOR_FRAMEWORK", str(ROOT))
    return AppTest.from_file(str(APP), default_timeout=120)


