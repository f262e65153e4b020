"""Report test fixtures: the shared demo database (tests/demo_kit.py), and each report built once.

Building a PDF or DOCX renders ~30 charts, so each (format, language) is built once per session and
shared by the tests that read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from demo_kit import DemoDatabase
from sqlalchemy.engine import Engine

from monitor.engine import compute
from monitor.framework.loader import framework_or_raise
from monitor.framework.models import Framework
from monitor.privacy import public_results as privacy_public
from monitor.reports.build import render
from monitor.reports.content import build_content
from monitor.reports.model import Report
from monitor.store import db as store_db


@pytest.fixture(scope="session", autouse=True)
def chart_cache(demo: DemoDatabase) -> Iterator[Path]:
    """Report charts are cached by content: the tests use the demo's cache folder (shared by the workers,
    so each chart is rendered once per session; writes are atomic), never ~/.cache. The demo's protected
    set is stored there too, so the reports read it instead of building their own."""
    import os

    old = os.environ.get("MONITOR_CACHE_DIR")
    os.environ["MONITOR_CACHE_DIR"] = str(demo.cache)
    yield demo.cache
    if old is None:
        os.environ.pop("MONITOR_CACHE_DIR", None)
    else:
        os.environ["MONITOR_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def demo_engine(demo_url: str) -> Engine:
    return store_db.connect(demo_url)


@pytest.fixture(scope="session")
def framework() -> Framework:
    return framework_or_raise()


@pytest.fixture(scope="session")
def public_results(demo_engine: Engine, framework: Framework) -> pd.DataFrame:
    """What `monitor compute` prints: oblast × year results, a filter of the protected set."""
    out = privacy_public(demo_engine, framework, level="oblast", period="year").drop(columns=["granularity"])
    out["period"] = out["period"].astype(str)
    return out


@pytest.fixture(scope="session")
def internal_results(demo_engine: Engine, framework: Framework) -> pd.DataFrame:
    out = compute(demo_engine, framework, level="oblast", period="year")
    out["period"] = out["period"].astype(str)
    return out


@pytest.fixture(scope="session")
def reports(demo_engine: Engine, framework: Framework) -> Callable[[str], Report]:
    cache: dict[str, Report] = {}

    def get(lang: str) -> Report:
        if lang not in cache:
            cache[lang] = build_content(demo_engine, framework, lang=lang)
        return cache[lang]

    return get


@pytest.fixture(scope="session")
def built(reports: Callable[[str], Report], tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Path]:
    """built(fmt, lang) -> the file (opendata: a folder), written once per session."""
    folder = tmp_path_factory.mktemp("reports")
    cache: dict[tuple[str, str], Path] = {}

    def get(fmt: str, lang: str) -> Path:
        key = (fmt, lang)
        if key not in cache:
            name = f"report-{lang}" + ("" if fmt == "opendata" else f".{fmt}")
            cache[key] = render(reports(lang), fmt, folder / name)
        return cache[key]

    return get
