"""Static PNG images of the report's Plotly figures: each rendered once, all together, cached by content.

Where the time went: kaleido reloads its page (and parses the 3.5 MB plotly.js again) after every
figure, about 0.5 s per chart on this machine, 16–17 s for the ~35 charts of the demo report.
Here one Chromium page loads plotly.js once (from its file, so Chromium compiles it as it streams in)
and draws the figures of a build one after another on a promise chain of `Plotly.toImage` calls,
each picture collected as soon as it is drawn, so Python files one while the page draws the next
(Playwright drives the system Chromium, never a downloaded browser). The browser stays up for the next build in the same process (the dashboard), in one
worker thread that owns it. Each PNG is stored under the SHA-256 of the figure's JSON, size and
scale (in memory and in `$MONITOR_CACHE_DIR/charts`, default `~/.cache/ptl-monitor/charts`), so a
second format of the same report, or the same report again, renders nothing. When Playwright or
Chromium is missing, kaleido renders instead (slower, same pictures); with neither the report is
still built: `Pending.note` says why the charts are missing, and the tables carry every value.

The writers ask for each chart's image only when they reach it (`Pending.wait`), so the layout of
the text runs beside the rendering. PNGs are reduced to a 256-colour palette (charts are flat
colours): about four times smaller, no visible change.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import queue
import shutil
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from monitor.i18n import t
from monitor.reports.model import Chart

SCALE = 2.0
RENDERER_VERSION = "2"  # part of the cache key: bump when the pictures would change for the same figure
MEMORY_LIMIT = 256
log = logging.getLogger(__name__)
_memory: dict[str, bytes] = {}
_memory_lock = threading.Lock()

# The figures of a batch are queued on one promise chain, each drawn when the one before it is done, and
# collected one by one in order: Python compacts and files a picture while the page draws the next.
START_JS = """(items) => {
    const jobs = (window.__jobs = window.__jobs || []);
    let chain = window.__chain || Promise.resolve();
    const first = jobs.length;
    for (const [spec, w, h, s] of items) {
        const job = chain.then(() => Plotly.toImage(
            {data: spec.data || [], layout: spec.layout || {}, config: {staticPlot: true}},
            {format: 'png', width: w, height: h, scale: s}));
        jobs.push(job);
        chain = job.catch(() => null);
    }
    window.__chain = chain;
    return first;
}"""
COLLECT_JS = """async (i) => { const job = window.__jobs[i]; window.__jobs[i] = null; return await job; }"""


# --------------------------------------------------------------------------- cache


def cache_dir() -> Path | None:
    """Where PNGs are kept between processes; None when no folder can be written."""
    try:
        if explicit := os.environ.get("MONITOR_CACHE_DIR"):
            root = Path(explicit)
        else:
            xdg = os.environ.get("XDG_CACHE_HOME")
            root = (Path(xdg) if xdg else Path.home() / ".cache") / "ptl-monitor"
        folder = root / "charts"
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: Path.home() when no home directory can be found
        return None
    return folder


def figure_spec(chart: Chart) -> dict[str, Any]:
    import plotly.io as pio

    return json.loads(pio.to_json(chart.figure, validate=False))


def chart_key(spec_json: str, width: int, height: int, scale: float) -> str:
    digest = hashlib.sha256()
    for part in (RENDERER_VERSION, str(width), str(height), repr(scale), spec_json):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def cached(key: str) -> bytes | None:
    with _memory_lock:
        if key in _memory:
            return _memory[key]
    folder = cache_dir()
    if folder is not None:
        path = folder / f"{key}.png"
        if path.is_file():
            data = path.read_bytes()
            remember(key, data, write=False)
            return data
    return None


def remember(key: str, data: bytes, write: bool = True) -> None:
    with _memory_lock:
        if len(_memory) >= MEMORY_LIMIT:
            _memory.pop(next(iter(_memory)))
        _memory[key] = data
    folder = cache_dir() if write else None
    if folder is not None:
        tmp = folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            tmp.write_bytes(data)
            tmp.replace(folder / f"{key}.png")  # atomic: a reader never sees half a file
        except OSError:
            tmp.unlink(missing_ok=True)


def clear_memory() -> None:
    with _memory_lock:
        _memory.clear()


def compact(png: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        palette = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
        out = io.BytesIO()
        palette.save(out, format="PNG", compress_level=6)
    return out.getvalue()


# --------------------------------------------------------------------------- renderers


def chromium_path() -> str | None:
    """The system Chromium: $MONITOR_CHROMIUM, else the first of chromium / chromium-browser / chrome on PATH."""
    wanted = os.environ.get("MONITOR_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserRenderer:
    """One Chromium page with plotly.js loaded once, owned by one worker thread (Playwright's sync API
    is bound to the thread that started it). `stream(items)` yields each PNG as the page draws it."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[list[list[Any]], queue.Queue[Any]]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._launcher: threading.Thread | None = None  # prestart's, while it launches
        self._lock = threading.Lock()

    def _ensure(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                ready: queue.Queue[Any] = queue.Queue()
                self._thread = threading.Thread(target=self._run, args=(ready,), name="report-chromium", daemon=True)
                self._thread.start()
                started = ready.get()
                if isinstance(started, BaseException):
                    self._thread = None
                    raise started

    def _run(self, ready: queue.Queue[Any]) -> None:
        try:
            import plotly
            from playwright.sync_api import sync_playwright

            executable = chromium_path()
            if executable is None:
                raise FileNotFoundError("no Chromium on PATH (set MONITOR_CHROMIUM)")
            manager = sync_playwright().start()
            browser = manager.chromium.launch(
                executable_path=executable, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            page = browser.new_page()
            # plotly.js loaded by the page from its file, not injected through the driver: Chromium then
            # streams and compiles it off the main thread (0.95 s instead of 1.4 s for its 4.6 MB).
            bundle = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
            with tempfile.TemporaryDirectory(prefix="monitor-charts-") as folder:
                html = Path(folder) / "charts.html"
                html.write_text('<!DOCTYPE html><html><head><meta charset="utf-8">'
                                f'<script src="{bundle.as_uri()}"></script></head><body></body></html>',
                                encoding="utf-8")
                page.goto(html.as_uri())
            if page.evaluate("typeof Plotly") != "object":
                raise RuntimeError(f"plotly.js did not load from {bundle}")
        except BaseException as error:
            ready.put(error)
            return
        ready.put(True)
        while True:
            items, out = self._jobs.get()
            try:
                first = page.evaluate(START_JS, items)
                for position in range(len(items)):
                    url = page.evaluate(COLLECT_JS, first + position)
                    out.put(base64.b64decode(url.split(",", 1)[1]))
            except BaseException as error:
                out.put(error)

    def prestart(self) -> None:
        """Launch the browser in the background (a no-op when it runs): it starts while the content is built."""
        if self._thread is None or not self._thread.is_alive():
            self._launcher = threading.Thread(target=self._quiet_ensure, name="report-chromium-start", daemon=True)
            self._launcher.start()

    def wait_for_launch(self) -> None:
        """Block while a launch begun by prestart() is under way; never launches one itself."""
        launcher = self._launcher
        if launcher is not None:
            launcher.join()

    def _quiet_ensure(self) -> None:
        try:
            self._ensure()
        except BaseException as error:
            log.info("chromium not started: %s", error)

    def stream(self, items: list[list[Any]]) -> Iterator[bytes]:
        """The PNG of each item, in order, each as soon as the page has drawn it."""
        self._ensure()
        out: queue.Queue[Any] = queue.Queue()
        self._jobs.put((items, out))
        for _ in items:
            got = out.get()
            if isinstance(got, BaseException):
                raise got
            yield got


_browser = BrowserRenderer()


def prestart() -> None:
    """Start the chart browser now, in the background (call before the slow content work)."""
    _browser.prestart()


def render_with_browser(charts: list[Chart], specs: list[dict[str, Any]], scale: float) -> Iterable[bytes]:
    return _browser.stream([[s, c.width, c.height, scale] for c, s in zip(charts, specs, strict=True)])


def render_with_kaleido(charts: list[Chart], specs: list[dict[str, Any]], scale: float) -> list[bytes]:
    """The fallback: kaleido's sync server, four tabs, one `write_images` call for the whole batch."""
    import kaleido
    import plotly.io as pio

    with tempfile.TemporaryDirectory(prefix="monitor-report-") as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kaleido.start_sync_server(n=4, silence_warnings=True)
        paths = [Path(tmp) / f"{i}.png" for i in range(len(charts))]
        pio.write_images(specs, paths, format="png", scale=scale, width=[c.width for c in charts],
                         height=[c.height for c in charts])
        return [p.read_bytes() for p in paths]


Renderer = Callable[[list[Chart], list[dict[str, Any]], float], Iterable[bytes]]  # PNGs in order, maybe lazily
RENDERERS: dict[str, Renderer] = {"browser": render_with_browser, "kaleido": render_with_kaleido}


def render_charts(charts: list[Chart], scale: float = SCALE, renderer: str | None = None,
                  on_image: Callable[[Chart], None] | None = None,
                  on_drawn: Callable[[Chart], None] | None = None) -> int:
    """Fill `chart.image` for every chart (from the cache, else rendered together); returns how many
    were rendered (not cached). Raises when no renderer works. `renderer`: 'browser' | 'kaleido' | None (both).
    `on_image` is called for each chart once its image is in, `on_drawn` only for those rendered now."""
    specs = [figure_spec(c) for c in charts]
    todo: list[tuple[Chart, dict[str, Any], str]] = []
    for chart, spec in zip(charts, specs, strict=True):
        key = chart_key(json.dumps(spec, sort_keys=True, separators=(",", ":")), chart.width, chart.height, scale)
        image = cached(key)
        if image is None:
            todo.append((chart, spec, key))
            continue
        chart.image = image
        if on_image is not None:
            on_image(chart)
    if not todo:
        return 0
    renderer = renderer or os.environ.get("MONITOR_CHART_RENDERER") or None  # 'browser' | 'kaleido' (benchmarks)
    names = [renderer] if renderer else list(RENDERERS)
    errors: list[str] = []
    rendered = 0
    for name in names:
        try:
            produced = RENDERERS[name]([c for c, _, _ in todo], [s for _, s, _ in todo], scale)
            for (chart, _, key), png in zip(todo, produced, strict=True):
                chart.image = compact(png)
                remember(key, chart.image)
                rendered += 1
                if on_drawn is not None:
                    on_drawn(chart)
                if on_image is not None:
                    on_image(chart)
        except Exception as error:
            errors.append(f"{name}: {error}")
            todo = [item for item in todo if item[0].image is None]  # the next renderer draws only the rest
            continue
        return rendered
    raise RuntimeError("; ".join(errors))


class Prefetch:
    """Charts rendered while the rest of the report is still being built: build_content hands each
    section's charts over as the section is done, so Chromium draws on the second core while Python
    builds the next sections.

    One worker draws. It first waits for the browser (launched at the start of the build), then takes
    every chart handed over by then in one batch, and so on: a few large batches, since each call
    into the page costs a round trip and Chromium draws a batch's figures together."""

    def __init__(self, scale: float = SCALE) -> None:
        self.scale = scale
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-prefetch")
        self._futures: dict[int, Future[int]] = {}
        self._drawn: dict[int, threading.Event] = {}  # set when the chart's picture is in, or its batch ended
        self._waiting: list[tuple[Chart, Future[int]]] = []
        self._lock = threading.Lock()

    def submit(self, charts: list[Chart]) -> None:
        with self._lock:
            todo = [c for c in charts if c.image is None and id(c) not in self._futures]
            if not todo:
                return
            future: Future[int] = Future()
            self._waiting.extend((c, future) for c in todo)
            self._futures.update({id(c): future for c in todo})
            self._drawn.update({id(c): threading.Event() for c in todo})
        self._pool.submit(self._draw_waiting)

    def _draw_waiting(self) -> None:
        _browser.wait_for_launch()  # what is handed over meanwhile joins the first batch
        with self._lock:
            batch, self._waiting = self._waiting, []
        if not batch:
            return  # drawn with an earlier batch
        futures = list(dict.fromkeys(future for _, future in batch))
        owner = {id(chart): future for chart, future in batch}
        drawn = dict.fromkeys(futures, 0)  # per submission: how many of its charts were rendered (not cached)

        def count(chart: Chart) -> None:
            drawn[owner[id(chart)]] += 1

        try:
            render_charts([chart for chart, _ in batch], self.scale, on_drawn=count,
                          on_image=lambda chart: self._drawn[id(chart)].set())
        except Exception as error:
            for future in futures:
                future.set_exception(error)
            return
        finally:
            for chart, _ in batch:
                self._drawn[id(chart)].set()
        for future in futures:
            future.set_result(drawn[future])

    def wait(self, chart: Chart) -> None:
        """Until the chart's picture is in, or its batch has ended without it; at once for a chart never
        handed over."""
        event = self._drawn.get(id(chart))
        if event is not None:
            event.wait()

    def future_of(self, chart: Chart) -> Future[int] | None:
        return self._futures.get(id(chart))

    def close(self) -> None:
        self._pool.shutdown(wait=False)


class Pending:
    """Images being rendered in the background; `wait(chart)` blocks until that chart's image is in.

    Charts a Prefetch already has in hand are awaited, in order, not drawn again; the rest are drawn
    in one batch after them (and so is any the prefetch could not draw)."""

    def __init__(self, charts: list[Chart], lang: str, scale: float = SCALE, renderer: str | None = None,
                 prefetch: Prefetch | None = None) -> None:
        self.prefetch = prefetch
        self.handed = list(charts)  # to count what the prefetch drew, even if it finished before we started
        self.charts = [c for c in charts if c.image is None]
        self.lang = lang
        self.scale = scale
        self.renderer = renderer
        self.note = ""
        self.rendered = 0
        self._done = {id(c): threading.Event() for c in self.charts}
        self._thread = threading.Thread(target=self._run, name="report-images", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            rest = self.charts
            if self.prefetch is not None:
                rest = []
                counted: set[int] = set()
                for chart in self.charts:
                    self.prefetch.wait(chart)  # this chart's picture, not its whole batch
                    if chart.image is None:
                        rest.append(chart)
                    else:
                        self._done[id(chart)].set()
                for chart in self.handed:
                    future = self.prefetch.future_of(chart)
                    if future is not None and id(future) not in counted:  # one batch, several charts
                        counted.add(id(future))
                        try:
                            self.rendered += future.result()
                        except Exception as error:  # drawn below with the rest
                            log.info("prefetched chart not rendered: %s", error)
            if rest:
                self.rendered += render_charts(rest, self.scale, self.renderer,
                                               on_image=lambda c: self._done[id(c)].set())
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
    import plotly.io as pio

    with tempfile.TemporaryDirectory(prefix="monitor-report-") as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kaleido.start_sync_server(n=4, silence_warnings=True)
        paths = [Path(tmp) / f"{i}.svg" for i in range(len(charts))]
        pio.write_images([c.figure for c in charts], paths, format="svg", width=[c.width for c in charts],
                         height=[c.height for c in charts])
        return [p.read_bytes() for p in paths]
