"""Dashboard benchmark (#13 item 6): every page in a new tab against the floor, navigation, a filter change.

    .venv/bin/python bench/bench_dashboard.py [--repeats 3] [--rows 0]

What is measured, in the Debian chromium (Playwright, never a downloaded browser) on this machine:

- **open**: each page of the dashboard opened in a fresh browser context (a new tab with nothing cached,
  a new Streamlit session), from navigation start until the page is complete: its charts drawn (or its
  table/button for the pages without charts) and the script run over.
- **floor**: the same moment for a bare Streamlit page (bench/floor_app.py, its own server) drawing the
  same Plotly figures with the same config: no navigation, sidebar, database or engine. The figures are
  the ones the dashboard page drew, captured from the browser in the warm-up. The budget is open ≤ 1.2 ×
  floor for every page.
- **nav**: in one tab, a click in the page navigation from the overview to the indicator explorer (and
  back) until the new page is complete. **filter**: on the overview, choosing one oblast in the sidebar
  until the scorecard shows that oblast alone. Budget ≤ 0.3 s.
- **cold**: the first visit after the server started (caches empty in this process; the stored results
  of the database are read, not computed). Budget ≤ 2 × the warm open of the overview.

Jobs run interleaved: each round runs every job once in a rotated order, `--repeats` rounds; min and
median are reported per job, and the machine's 1-minute load average before every job is recorded (the
machine's 2 cores are shared with other sessions: read the ratios against the floor of the same run).
`--rows N` adds a database of N responses from bench/bench_engine.py's generator. Writes
bench/results/dashboard.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
POLTAVA = "UA53000000000028050"
# (page, url path, what marks it complete besides the charts)
PAGES = [
    ("overview", "", None),
    ("explorer", "indicator", None),
    ("cascade", "cascade", None),
    ("hromada", "hromada", '[data-testid="stTable"]'),
    ("data", "data", None),
    ("reports", "reports", '[data-testid="stButton"]'),
]
# Complete = Streamlit's own marker says the script run is over (`data-test-script-state`, what
# Streamlit's e2e tests wait for; the status widget appears only after a delay, so its absence proves
# nothing), every chart on the page is drawn, at least `charts` of them, every visible data grid painted,
# at least `tables` of them (a grid's bundle loads lazily: without this a page counted as complete while
# its table was not even on screen), and the page's own mark.
DONE = """([charts, selector, tables]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testScriptState !== 'notRunning') return false;
  if (app.dataset.testConnectionState !== 'CONNECTED') return false;
  const boxes = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const drawn = boxes.filter(c => c.querySelector('.main-svg')).length;
  if (drawn < charts || drawn < boxes.length) return false;
  const grids = [...document.querySelectorAll('[data-testid="stDataFrame"]')].filter(g => g.checkVisibility());
  const painted = grids.filter(g => g.querySelector('canvas')).length;
  if (painted < (tables || 0) || painted < grids.length) return false;
  return !selector || !!document.querySelector(selector);
}"""
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def demo_db() -> Path:
    path = DATA / "dashboard-demo.db"
    if not path.exists():
        from monitor.demo.run import run_demo
        from monitor.framework.loader import framework_or_raise
        from monitor.store import db as store_db

        partial = path.with_suffix(".partial")
        url = f"sqlite:///{partial}"
        framework = framework_or_raise(ROOT)
        run_demo(store_db.connect(url), framework, out_dir=DATA / "dashboard-demo-files")
        store_db.close(url)
        partial.replace(path)
    return prepared(path)


def prepared(path: Path) -> Path:
    """The database as every import leaves it: its columnar copy and protected set stored (quick when they
    are). After any rename: both are keyed by the database's real path, so built on a partial file they
    would be found by nobody and the first visit would build them again (a "cold" start of 85 s)."""
    from monitor.engine import refresh_copies
    from monitor.framework.loader import framework_or_raise
    from monitor.privacy import is_stored, protected_set
    from monitor.store import db as store_db

    url = f"sqlite:///{path}"
    engine, framework = store_db.connect(url), framework_or_raise(ROOT)
    refresh_copies(engine, list(framework.surveys.values()))
    if not is_stored(engine, framework):
        started = time.perf_counter()
        print(f"building the protected set of {path.name}...", flush=True)
        protected_set(engine, framework)
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    store_db.close(url)
    return path


def large_db(rows: int, seed: int = 7) -> Path:
    """bench_engine's database of `rows` responses (generated with its own generator when absent)."""
    path = DATA / f"engine-{rows}-{seed}.db"
    if not path.exists():
        from bench_engine import generate

        print(f"generating {rows:,} responses with bench_engine.generate (cached in {path.name})...", flush=True)
        partial = DATA / f"dashboard-{path.stem}.partial"
        child = multiprocessing.get_context("spawn").Process(target=generate, args=(partial, rows, seed))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit("generation failed")
        if not path.exists():
            partial.replace(path)
    return prepared(path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(script: Path, env: dict[str, str], root: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """`streamlit run` with the checkout's .streamlit/config.toml (cwd = its root, its src/ first on the path)."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1"]
    path = os.pathsep.join(p for p in (str(root / "src"), os.environ.get("PYTHONPATH", "")) if p)
    process = subprocess.Popen(command, cwd=root, env={**os.environ, **env, "PYTHONPATH": path},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                return process, base
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("a server did not start")


def load() -> float:
    return round(os.getloadavg()[0], 2)


def open_tab(browser: Any, url: str, charts: int, selector: str | None, tables: int = 0) -> float:
    context = browser.new_context(viewport=VIEWPORT, locale="uk-UA")
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(DONE, arg=[charts, selector, tables], timeout=600_000, polling=20)
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed


def capture(browser: Any, url: str, selector: str | None) -> tuple[list[dict[str, Any]], float, int]:
    """The figures a page draws (as the browser holds them), the time of this first visit, its data grids."""
    context = browser.new_context(viewport=VIEWPORT, locale="uk-UA")
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(DONE, arg=[0, selector], timeout=600_000, polling=20)
    elapsed = time.perf_counter() - started  # the page complete (the wait below is for the capture only)
    page.wait_for_timeout(1500)  # every chart of the run has arrived
    page.wait_for_function(DONE, arg=[0, selector], timeout=600_000, polling=50)
    figures = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
                 .map(gd => JSON.parse(JSON.stringify({data: gd.data, layout: gd.layout})))"""
    )
    grids = int(page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')].filter(g => g.checkVisibility()).length"""
    ))
    context.close()
    return figures, elapsed, grids


def timed_click(page: Any, action: Callable[[], None], charts: int, selector: str | None, extra: str | None) -> float:
    """From the click until the rerun is over and the new content is drawn."""
    started = time.perf_counter()
    action()
    if extra:
        page.wait_for_function(extra, timeout=600_000, polling=20)
    page.wait_for_function(DONE, arg=[charts, selector, 0], timeout=600_000, polling=20)
    return time.perf_counter() - started


def navigation(browser: Any, base: str, counts: dict[str, int]) -> tuple[float, float]:
    """Overview → explorer → overview by the page navigation, in one tab."""
    context = browser.new_context(viewport=VIEWPORT, locale="uk-UA")
    page = context.new_page()
    page.goto(base + "/", wait_until="commit")
    page.wait_for_function(DONE, arg=[counts["overview"], None, 0], timeout=600_000, polling=50)
    nav = page.locator('[data-testid="stSidebarNav"] a')
    there = timed_click(page, lambda: nav.nth(1).click(), counts["explorer"], None,
                        "() => location.pathname.endsWith('/indicator')")
    back = timed_click(page, lambda: nav.nth(0).click(), counts["overview"], None,
                       "() => !location.pathname.endsWith('/indicator')")
    context.close()
    return there, back


def floor_navigation(browser: Any, floor_base: str, counts: dict[str, int]) -> tuple[float, float]:
    """The same two moves on the floor: a rerun that replaces the overview's figures by the explorer's."""
    context = browser.new_context(viewport=VIEWPORT, locale="uk-UA")
    page = context.new_page()
    page.goto(f"{floor_base}/?page=overview&nav=1", wait_until="commit")
    page.wait_for_function(DONE, arg=[counts["overview"], None, 0], timeout=600_000, polling=50)
    radio = page.locator('[data-testid="stRadio"] label')
    heading = "(name) => [...document.querySelectorAll('h3')].some(h => h.textContent.trim() === name)"
    there = timed_click(page, lambda: radio.filter(has_text="explorer").click(), counts["explorer"], None,
                        f"() => ({heading})('explorer')")
    back = timed_click(page, lambda: radio.filter(has_text="overview").click(), counts["overview"], None,
                       f"() => ({heading})('overview')")
    context.close()
    return there, back


def filter_change(browser: Any, base: str, counts: dict[str, int]) -> float:
    """On the overview, one oblast chosen in the sidebar until the scorecard has that oblast alone."""
    context = browser.new_context(viewport=VIEWPORT, locale="uk-UA")
    page = context.new_page()
    page.goto(base + "/", wait_until="commit")
    page.wait_for_function(DONE, arg=[counts["overview"], None, 0], timeout=600_000, polling=50)
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    box.click()
    option = page.get_by_role("option").nth(1)
    option.wait_for()
    one_column = """() => {
      const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
      return gd && gd.data && gd.data[0] && gd.data[0].x && gd.data[0].x.length === 1;
    }"""
    elapsed = timed_click(page, lambda: option.click(), counts["overview"], None, one_column)
    context.close()
    return elapsed


def summary(values: list[float]) -> dict[str, Any]:
    return {"min_s": round(min(values), 3), "median_s": round(statistics.median(values), 3),
            "runs_s": [round(v, 3) for v in values]}


def entry_script(root: Path) -> Path:
    """What `monitor serve` runs in that checkout: server.py (app.py behind the asset middleware) or,
    in a checkout from before it, app.py."""
    return root / "server.py" if (root / "server.py").is_file() else root / "app.py"


def measure(db: Path, repeats: int, baseline: Path | None = None, pages: list[str] | None = None,
            interactions: bool = True) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    floor_dir = DATA / f"floor-{db.stem}"
    floor_dir.mkdir(parents=True, exist_ok=True)
    env = {"MONITOR_DB": f"sqlite:///{db}", "MONITOR_FRAMEWORK": str(ROOT)}
    app, base = start_server(entry_script(ROOT), env)
    floor, floor_base = start_server(ROOT / "bench" / "floor_app.py", {"FLOOR_DIR": str(floor_dir)})
    servers = [app, floor]
    old_base = None
    if baseline is not None:
        old, old_base = start_server(entry_script(baseline), env, root=baseline)
        servers.append(old)
    runs: dict[str, list[float]] = {}
    loads: list[dict[str, Any]] = []
    wanted = set(pages or [name for name, _, _ in PAGES]) | ({"overview", "explorer"} if interactions else set())
    measured_pages = [entry for entry in PAGES if entry[0] in wanted]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            counts: dict[str, int] = {}
            cold = None
            grids: dict[str, int] = {}
            for name, path, selector in measured_pages:
                figures, first, grids[name] = capture(browser, f"{base}/{path}", selector)
                cold = first if cold is None else cold
                counts[name] = len(figures)
                (floor_dir / f"{name}.json").write_text(json.dumps(figures), encoding="utf-8")
                if old_base is not None:
                    capture(browser, f"{old_base}/{path}", selector)  # its caches warm as well
            jobs: list[tuple[str, Callable[[], Any]]] = []
            for name, path, selector in measured_pages:
                jobs.append((f"open:{name}", lambda p=path, n=name, s=selector: open_tab(
                    browser, f"{base}/{p}", counts[n], s, grids[n])))
                jobs.append((f"floor:{name}", lambda n=name: open_tab(
                    browser, f"{floor_base}/?page={n}", counts[n], None)))
                if old_base is not None:
                    jobs.append((f"baseline:{name}", lambda p=path, n=name, s=selector: open_tab(
                        browser, f"{old_base}/{p}", counts[n], s, grids[n])))
            if interactions:
                jobs.append(("nav", lambda: navigation(browser, base, counts)))
                jobs.append(("floor:nav", lambda: floor_navigation(browser, floor_base, counts)))
                jobs.append(("filter", lambda: filter_change(browser, base, counts)))
            if old_base is not None and interactions:
                jobs.append(("baseline:nav", lambda: navigation(browser, old_base, counts)))
                jobs.append(("baseline:filter", lambda: filter_change(browser, old_base, counts)))
            for round_no in range(repeats):
                shift = round_no % len(jobs)
                for label, job in jobs[shift:] + jobs[:shift]:
                    before = load()
                    result = job()
                    loads.append({"round": round_no, "job": label, "load_1m_before": before})
                    if label.endswith("nav"):
                        prefix = label[: -len("nav")]
                        runs.setdefault(f"{prefix}nav:overview->explorer", []).append(result[0])
                        runs.setdefault(f"{prefix}nav:explorer->overview", []).append(result[1])
                    else:
                        runs.setdefault(label, []).append(result)
                    print(f"  round {round_no + 1} {label:<24} load {before:5.2f}", flush=True)
            browser.close()
    finally:
        for process in servers:
            process.terminate()
            process.wait(timeout=20)
    import sqlite3

    with sqlite3.connect(db) as connection:
        responses = connection.execute("SELECT count(*) FROM response").fetchone()[0]
    jobs_out = {label: summary(values) for label, values in runs.items()}
    pages_out = {}
    for name, _, _ in measured_pages:
        page_min, floor_min = jobs_out[f"open:{name}"]["min_s"], jobs_out[f"floor:{name}"]["min_s"]
        page_med, floor_med = jobs_out[f"open:{name}"]["median_s"], jobs_out[f"floor:{name}"]["median_s"]
        pages_out[name] = {"charts": counts[name], "data_grids": grids[name], "ratio_min": round(page_min / floor_min, 2),
                       "ratio_median": round(page_med / floor_med, 2), "budget": 1.2,
                       "met": page_min / floor_min <= 1.2}
    interactions_out: dict[str, dict[str, Any]] = {
        label: {"min_s": jobs_out[label]["min_s"], "budget_s": 0.3, "met": jobs_out[label]["min_s"] <= 0.3}
        for label in ("nav:overview->explorer", "nav:explorer->overview", "filter") if label in jobs_out
    }
    for label in ("nav:overview->explorer", "nav:explorer->overview"):
        if label in interactions_out and f"floor:{label}" in jobs_out:
            # What a bare Streamlit rerun drawing the same figures takes, measured in the same run.
            floor_min = jobs_out[f"floor:{label}"]["min_s"]
            interactions_out[label].update(floor_min_s=floor_min, ratio_to_floor=round(jobs_out[label]["min_s"] / floor_min, 2))
    if baseline is not None and interactions:
        interactions_out.update({f"baseline:{label}": {"min_s": jobs_out[f"baseline:{label}"]["min_s"]}
                             for label in ("nav:overview->explorer", "nav:explorer->overview", "filter")})
    if baseline is not None:
        for name, _, _ in measured_pages:
            old_min = jobs_out[f"baseline:{name}"]["min_s"]
            pages_out[name]["baseline_ratio_min"] = round(old_min / jobs_out[f"floor:{name}"]["min_s"], 2)
            pages_out[name]["speedup_min"] = round(old_min / jobs_out[f"open:{name}"]["min_s"], 2)
    warm = jobs_out["open:overview"]["min_s"] if "open:overview" in jobs_out else float("nan")
    return {
        "database": db.name, "responses": int(responses), "server": entry_script(ROOT).name,
        "baseline": None if baseline is None else str(baseline), "jobs": jobs_out, "pages_vs_floor": pages_out,
        "interactions": interactions_out,
        "cold_first_visit_s": round(cold or 0.0, 3),
        "cold_vs_warm": {"ratio": round((cold or 0.0) / warm, 2), "budget": 2.0, "met": (cold or 0.0) / warm <= 2.0},
        "load_average_1m_per_job": loads,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=0, help="also a database of this many responses (0 = demo only)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another checkout (e.g. `git archive` of the commit before a change) served in the same run")
    parser.add_argument("--out", type=Path, default=RESULTS / "dashboard.json")
    parser.add_argument("--pages", default="", help="only these pages, comma-separated (default: all)")
    parser.add_argument("--no-interactions", action="store_true", help="no navigation and filter jobs")
    parser.add_argument("--skip-demo", action="store_true", help="only the --rows database")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    started_load = os.getloadavg()
    databases = ([] if args.skip_demo and args.rows else [demo_db()]) + ([large_db(args.rows)] if args.rows else [])
    measured = []
    for db in databases:
        print(f"{db.name}:", flush=True)
        measured.append(measure(db, args.repeats, args.baseline.resolve() if args.baseline else None,
                                [p for p in args.pages.split(",") if p] or None, not args.no_interactions))
    report = {
        "metric": "seconds from navigation (or click) to the page complete: charts drawn, script run over",
        "databases": measured, "repeats": args.repeats, "viewport": f"{VIEWPORT['width']}x{VIEWPORT['height']}",
        "chromium": CHROMIUM, "machine": platform.platform(), "python": platform.python_version(),
        "cpus": os.cpu_count(), "load_average_at_start": [round(v, 2) for v in started_load],
        "load_average_at_end": [round(v, 2) for v in os.getloadavg()],
        "note": "the machine's cores are shared with other sessions: absolute seconds vary with their load;"
                " the ratios are against the floor measured in the same run",
    }
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for entry in measured:
        for name, page in entry["pages_vs_floor"].items():
            print(f"{entry['database']} {name:<9} open/floor min {page['ratio_min']:.2f} median {page['ratio_median']:.2f}")
        for name, page in entry["pages_vs_floor"].items():
            if "speedup_min" in page:
                print(f"{entry['database']} {name:<9} baseline/floor min {page['baseline_ratio_min']:.2f}"
                      f"  baseline/open min {page['speedup_min']:.2f}")
        for label, value in entry["interactions"].items():
            print(f"{entry['database']} {label:<24} min {value['min_s']:.2f} s")


if __name__ == "__main__":
    main()
