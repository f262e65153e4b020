"""Charts drawn while the report is still being built (images.Prefetch) are awaited, never drawn twice."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest
from PIL import Image

from monitor.reports import images
from monitor.reports.model import Chart


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


class CountingRenderer:
    """Stands in for Chromium: records which chart keys it drew, in which thread; can be told to fail."""

    def __init__(self, fail: bool = False) -> None:
        self.drawn: list[str] = []
        self.threads: set[str] = set()
        self.fail = fail

    def __call__(self, charts: list[Chart], specs: list[dict[str, Any]], scale: float) -> list[bytes]:
        if self.fail:
            raise RuntimeError("no browser")
        self.drawn += [c.key for c in charts]
        self.threads.add(threading.current_thread().name)
        return [png() for _ in charts]


@pytest.fixture
def renderer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CountingRenderer:
    monkeypatch.setenv("MONITOR_CACHE_DIR", str(tmp_path))  # an empty chart cache
    images.clear_memory()
    fake = CountingRenderer()
    monkeypatch.setattr(images, "RENDERERS", {"browser": fake})
    return fake


def charts(n: int, prefix: str) -> list[Chart]:
    """n different figures (the cache is by content: equal figures are one image)."""
    return [Chart(f"{prefix}{i}", "t", go.Figure(go.Bar(x=[prefix], y=[i + 1]))) for i in range(n)]


def test_prefetched_charts_are_awaited_and_the_rest_drawn_once(renderer: CountingRenderer) -> None:
    early, late = charts(3, "early"), charts(2, "late")
    prefetch = images.Prefetch()
    prefetch.submit(early)
    prefetch.submit(early)  # handed over twice: drawn once
    pending = images.Pending(early + late, "en", prefetch=prefetch)
    assert all(pending.wait(c) is not None for c in early + late)
    assert pending.join() == ""
    prefetch.close()
    assert sorted(renderer.drawn) == sorted(c.key for c in early + late)  # each exactly once
    assert pending.rendered == 5
    assert "report-prefetch_0" in renderer.threads  # the early ones in the prefetch's own thread


def test_a_failed_prefetch_is_drawn_with_the_rest(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MONITOR_CACHE_DIR", str(tmp_path))
    images.clear_memory()
    failing = CountingRenderer(fail=True)
    monkeypatch.setattr(images, "RENDERERS", {"browser": failing})
    early = charts(2, "lost")
    prefetch = images.Prefetch()
    prefetch.submit(early)
    prefetch._pool.shutdown(wait=True)  # the prefetch has failed before the document asks
    working = CountingRenderer()
    monkeypatch.setattr(images, "RENDERERS", {"browser": working})
    pending = images.Pending(early, "en", prefetch=prefetch)
    assert all(pending.wait(c) is not None for c in early) and pending.join() == ""
    assert working.drawn == [c.key for c in early]
