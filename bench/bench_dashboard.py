"""Dashboard benchmark: time to the scorecard's first complete render in chromium, demo vs 1,000,000 responses.

    .venv/bin/python bench/bench_dashboard.py [--rows 1000000] [--runs 5]

1. Databases: the synthetic demo (monitor.demo.run.run_demo, through the real import pipeline)
   and a database of N responses made by bench/bench_engine.py's generator (the same file,
   bench/.data/engine-N-7.db, is reused when it is already there).
2. For each database a real dashboard server (`streamlit run app.py`, headless) and the Debian
   chromium (Playwright, never a downloaded browser). One warm-up visit fills the caches (the engine's
   result cache and st.cache_data, as after any first visit or import); it is reported as `cold_s`.
3. Then `--runs` fresh browser contexts (a new session each, nothing cached in the browser) open the
   overview; the time runs from navigation start until the scorecard is complete: its chart drawn
   with one column per oblast and the script run finished. The median is `warm_s`.
The goal: the larger database at most 1.5x the smaller (what a visitor waits for must not grow with
the data). Writes bench/results/dashboard.json.
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
SCORECARD_DONE = """() => {
  const chart = document.querySelector('[data-testid="stPlotlyChart"]');
  if (!chart || chart.querySelectorAll('.xtick text').length < 4) return false;
  return !document.querySelector('[data-testid="stStatusWidget"]');
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
        run_demo(store_db.connect(url), framework_or_raise(ROOT), out_dir=DATA / "dashboard-demo-files")
        store_db.close(url)
        partial.replace(path)
    return path


def large_db(rows: int, seed: int = 7) -> Path:
    """bench_engine's database of `rows` responses (generated with its own generator when absent)."""
    path = DATA / f"engine-{rows}-{seed}.db"
    if not path.exists():
        from bench_engine import generate

        print(f"generating {rows:,} responses with bench_engine.generate (cached in {path.name})...", flush=True)
        # Our own partial name: bench_engine.py clears its own partial files when it starts.
        partial = DATA / f"dashboard-{path.stem}.partial"
        child = multiprocessing.get_context("spawn").Process(target=generate, args=(partial, rows, seed))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit("generation failed")
        if not path.exists():
            partial.replace(path)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "MONITOR_DB": f"sqlite:///{db}", "MONITOR_FRAMEWORK": str(ROOT)}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--client.toolbarMode", "minimal"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                return process, base
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the dashboard server did not start")


def time_scorecard(browser: Any, base: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(base + "/", wait_until="commit")
    page.wait_for_function(SCORECARD_DONE, timeout=600_000, polling=50)
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed


def measure(db: Path, runs: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    process, base = start_server(db)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            cold = time_scorecard(browser, base)
            warm = [time_scorecard(browser, base) for _ in range(runs)]
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    import sqlite3

    with sqlite3.connect(db) as connection:
        responses = connection.execute("SELECT count(*) FROM response").fetchone()[0]
    return {
        "database": db.name, "responses": int(responses), "cold_s": round(cold, 3),
        "warm_s": round(statistics.median(warm), 3), "warm_runs_s": [round(w, 3) for w in warm],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    small = measure(demo_db(), args.runs)
    print(f"demo:  {small['responses']:>9,} responses  cold {small['cold_s']:6.2f} s  warm {small['warm_s']:5.2f} s")
    large = measure(large_db(args.rows), args.runs)
    print(f"large: {large['responses']:>9,} responses  cold {large['cold_s']:6.2f} s  warm {large['warm_s']:5.2f} s")
    ratio = large["warm_s"] / small["warm_s"]
    report = {
        "metric": "time from navigation to the scorecard's complete render, fresh browser session, caches warm",
        "demo": small, "large": large, "ratio": round(ratio, 2), "ratio_goal": 1.5, "passed": ratio <= 1.5,
        "viewport": "1280x800", "chromium": CHROMIUM, "machine": platform.platform(), "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    (RESULTS / "dashboard.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"ratio {ratio:.2f} (goal <= 1.5): {'ok' if ratio <= 1.5 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
