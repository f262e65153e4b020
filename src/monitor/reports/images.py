"""Static PNG images of the report's Plotly figures, rendered by kaleido while the document is laid out.

kaleido starts a Chromium per call unless a sync server runs; with one server and `write_images`
in small batches a figure takes about 0.3 s instead of about 2 s. Rendering runs in a background
thread (Chromium is another process, so it really runs beside the Python layout work): the PDF and
DOCX writers ask for each chart's image only when they reach it (`Pending.wait`). PNGs are reduced
to a 256-colour palette (charts are flat colours): about four times smaller, no visible change.
With no Chromium the report is still built: `Pending.note` says why the charts are missing, and
the tables carry every value.
"""

from __future__ import annotations

import io
import logging
import tempfile
import threading
import warnings
from pathlib import Path

from monitor.i18n import t
from monitor.reports.model import Chart

SCALE = 2.0
BATCH = 4
log = logging.getLogger(__name__)
_SERVER_LOCK = threading.Lock()  # one kaleido sync server per process


def compact(png: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        palette = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
        out = io.BytesIO()
        palette.save(out, format="PNG", compress_level=9)
    return out.getvalue()


def _write(charts: list[Chart], folder: Path, fmt: str, scale: float) -> list[Path]:
    import plotly.io as pio

    paths = [folder / f"{id(c)}.{fmt}" for c in charts]
    pio.write_images(
        [c.figure for c in charts], paths, format=fmt, scale=scale,
        width=[c.width for c in charts], height=[c.height for c in charts],
    )
    return paths


class Pending:
    """Images being rendered in the background; `wait(chart)` blocks until that chart's image is in."""

    def __init__(self, charts: list[Chart], lang: str, scale: float = SCALE) -> None:
        self.charts = [c for c in charts if c.image is None]
        self.lang = lang
        self.scale = scale
        self.note = ""
        self._done = {id(c): threading.Event() for c in self.charts}
        self._thread = threading.Thread(target=self._run, name="report-images", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import kaleido

        try:
            with _SERVER_LOCK, tempfile.TemporaryDirectory(prefix="monitor-report-") as tmp, \
                    warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # The server stays up for the next report (kaleido closes it at exit); a no-op when running.
                kaleido.start_sync_server(silence_warnings=True)
                for start in range(0, len(self.charts), BATCH):
                    batch = self.charts[start:start + BATCH]
                    for chart, path in zip(batch, _write(batch, Path(tmp), "png", self.scale), strict=True):
                        chart.image = compact(path.read_bytes())
                        self._done[id(chart)].set()
        except Exception as error:
            log.warning("static charts not rendered: %s", error)
            self.note = t("reports.no_charts", self.lang)
        finally:
            for event in self._done.values():
                event.set()

    def wait(self, chart: Chart) -> bytes | None:
        event = self._done.get(id(chart))
        if event is not None:
            event.wait()
        return chart.image

    def join(self) -> str:
        self._thread.join()
        return self.note


def render_all(charts: list[Chart], lang: str) -> str:
    """Fill `chart.image` for every chart and wait; returns '' or the fallback note."""
    return Pending(charts, lang).join()


def render_svg(charts: list[Chart]) -> list[bytes]:
    """SVG images of the figures (vector, for print workflows); raises without Chromium."""
    import kaleido

    with _SERVER_LOCK, tempfile.TemporaryDirectory(prefix="monitor-report-") as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kaleido.start_sync_server(silence_warnings=True)
        return [p.read_bytes() for p in _write(charts, Path(tmp), "svg", 1.0)]
