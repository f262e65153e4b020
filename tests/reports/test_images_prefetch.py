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


def test_each_image_is_handed_over_as_soon_as_it_is_drawn(renderer: CountingRenderer,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A renderer that yields pictures one by one (the browser does): a chart's image is filed before the
    next one is drawn, so the document can lay it out meanwhile."""
    filed: list[str] = []
    batch = charts(3, "stream")

    def lazily(drawn: list[Chart], specs: list[dict[str, Any]], scale: float):  # type: ignore[no-untyped-def]
        for number in range(len(drawn)):
            assert filed == [c.key for c in drawn[:number]]  # every earlier one is already in
            yield png()

    monkeypatch.setattr(images, "RENDERERS", {"browser": lazily})
    assert images.render_charts(batch, on_image=lambda chart: filed.append(chart.key)) == 3
    assert filed == [c.key for c in batch] and all(c.image for c in batch)


@pytest.mark.skipif(images.chromium_path() is None, reason="needs the system Chromium")
def test_the_browser_draws_a_batch_in_order_and_a_second_batch_after_it() -> None:
    sizes = [(300, 200), (420, 240), (360, 300)]
    made = [Chart(f"b{i}", "t", go.Figure(go.Bar(x=["a"], y=[i + 1])), width=w, height=h)
            for i, (w, h) in enumerate(sizes)]
    specs = [images.figure_spec(c) for c in made]
    first = list(images.render_with_browser(made[:2], specs[:2], 1.0))
    second = list(images.render_with_browser(made[2:], specs[2:], 1.0))
    got = [Image.open(io.BytesIO(p)).size for p in first + second]
    assert got == sizes  # each picture is the one asked for, in the order asked


def test_a_prefetched_chart_reaches_the_document_before_the_rest_of_its_batch(renderer: CountingRenderer,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The document waits for each chart, not for the whole batch it was drawn in: the first picture
    is laid out while the page is still drawing the second."""
    first_seen = threading.Event()
    batch = charts(2, "early-batch")

    def held(drawn: list[Chart], specs: list[dict[str, Any]], scale: float):  # type: ignore[no-untyped-def]
        yield png()
        assert first_seen.wait(10), "the document did not get the first picture while the second was drawn"
        yield png()

    monkeypatch.setattr(images, "RENDERERS", {"browser": held})
    prefetch = images.Prefetch()
    prefetch.submit(batch)
    pending = images.Pending(batch, "en", prefetch=prefetch)
    assert pending.wait(batch[0]) is not None
    first_seen.set()
    assert pending.wait(batch[1]) is not None and pending.join() == ""
    prefetch.close()
    assert pending.rendered == 2


def test_a_prefetch_done_before_the_document_starts_is_counted(renderer: CountingRenderer) -> None:
    early, late = charts(2, "done-early"), charts(1, "done-late")
    prefetch = images.Prefetch()
    prefetch.submit(early)
    future = prefetch.future_of(early[0])
    assert future is not None and future.result(timeout=10) == 2  # drawn before the document asks
    pending = images.Pending(early + late, "en", prefetch=prefetch)
    assert pending.join() == "" and all(c.image for c in early + late)
    prefetch.close()
    assert pending.rendered == 3 and sorted(renderer.drawn) == sorted(c.key for c in early + late)
