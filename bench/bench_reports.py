"""Reports benchmark: the full four-oblast donor report of the demo data, every format, against references.

    .venv/bin/python bench/bench_reports.py [--repeats 3] [--lang en] [--db URL] [--examples DIR]

Without --db, `monitor demo` data is generated into a temporary SQLite file first (not timed).
Every measurement is a fresh process (`--job NAME`), run as `monitor report` would run it: cold
engine cache, an empty chart cache, Chromium not yet started. Jobs are interleaved (one round of
every job, then the next round), so the machine's load falls on all of them alike; each job reports
min and median over the rounds and the process's peak memory (ru_maxrss, Python process; Chromium is
a separate process and not included).

Jobs:
- `figures-browser`: the report's figures alone, rendered by the report's own renderer (one system
  Chromium page, plotly.js loaded once, every figure in one `Promise.all`), Chromium launch included;
- `figures-kaleido`: the same figures through the strongest kaleido set-up (`start_sync_server` with
  four tabs, one batched `write_images` call) — the reference;
- `pdf`, `docx`, `xlsx`, `html`, `iati`, `opendata`: `build_report` end to end (compute, content,
  charts, layout, file); `pdf-kaleido`: the PDF with kaleido as the renderer;
- `pdf-again`: a second PDF in the same process (the dashboard's case: Chromium up, charts cached).

The headline figures are ratios in the same run: `pdf / figures-browser` (what the report costs beyond
drawing its charts) and `figures-kaleido / figures-browser`, `pdf-kaleido / pdf` (the speed-up).
Writes bench/results/reports.json and prints a table. With --examples DIR the files are also copied
there (used to refresh docs/examples/).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "src"))

GOAL_PDF_S = 5.0
GOAL_TABLES_S = 2.0
JOBS = ("figures-browser", "figures-kaleido", "pdf", "pdf-kaleido", "docx", "xlsx", "html", "iati", "opendata",
        "pdf-again")
NAMES = {"pdf": "report-{lang}.pdf", "docx": "report-{lang}.docx", "xlsx": "report-{lang}.xlsx",
         "html": "report-{lang}.html", "opendata": "opendata-{lang}", "iati": "iati-{lang}.xml"}


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def run_job(job: str, url: str, lang: str, out_dir: Path) -> dict[str, object]:
    """One measurement in this (fresh) process."""
    from monitor.engine import clear_cache
    from monitor.framework.loader import framework_or_raise
    from monitor.reports import build_report
    from monitor.reports.iati import Activity
    from monitor.store.db import connect

    framework = framework_or_raise()
    engine = connect(url)
    imported = time.perf_counter() - STARTED
    entry: dict[str, object] = {"job": job, "imports_s": round(imported, 3)}
    if job.startswith("figures-"):
        from monitor.reports import images
        from monitor.reports.content import build_content

        charts = build_content(engine, framework, lang=lang).charts()
        started = time.perf_counter()
        images.render_charts(charts, renderer=job.removeprefix("figures-"))
        entry["seconds"] = time.perf_counter() - started
        entry["charts"] = len(charts)
    else:
        fmt = "pdf" if job in ("pdf-kaleido", "pdf-again") else job
        if job == "pdf-kaleido":
            os.environ["MONITOR_CHART_RENDERER"] = "kaleido"
        out = out_dir / NAMES[fmt].format(lang=lang)
        activity = Activity("UA-EDR-00000000-PTL", "UA-EDR-00000000") if fmt == "iati" else None
        clear_cache()
        started = time.perf_counter()
        build_report(engine, framework, fmt=fmt, lang=lang, out=out, activity=activity)
        entry["seconds"] = time.perf_counter() - started
        if job == "pdf-again":
            clear_cache()
            started = time.perf_counter()
            build_report(engine, framework, fmt=fmt, lang=lang, out=out)
            entry["first_s"] = round(entry["seconds"], 3)  # type: ignore[arg-type]
            entry["seconds"] = time.perf_counter() - started
        entry["bytes"] = size(out)
        if fmt == "pdf":
            import pypdf

            entry["pages"] = len(pypdf.PdfReader(out).pages)
    entry["process_s"] = round(time.perf_counter() - STARTED, 3)
    entry["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    entry["seconds"] = round(float(entry["seconds"]), 3)  # type: ignore[arg-type]
    return entry


def measure(job: str, url: str, lang: str, out_dir: Path, cache: Path) -> dict[str, object]:
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "MONITOR_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT / "src")}
    env.pop("MONITOR_CHART_RENDERER", None)
    command = [sys.executable, str(Path(__file__).resolve()), "--job", job, "--db", url, "--lang", lang,
               "--out", str(out_dir)]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{job} failed:\n{done.stderr[-3000:]}")
    entry = json.loads(done.stdout.strip().splitlines()[-1])
    entry["wall_s"] = round(wall, 3)
    return entry


def summary(runs: list[dict[str, object]], key: str = "seconds") -> dict[str, object]:
    values = [float(r[key]) for r in runs]  # type: ignore[arg-type]
    return {"min_s": round(min(values), 3), "median_s": round(statistics.median(values), 3),
            "runs_s": [round(v, 3) for v in values]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="Database URL with data (default: fresh demo data in a temp file)")
    parser.add_argument("--lang", default="en", choices=["uk", "en"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", default=",".join(JOBS), help="comma-separated subset of: " + ", ".join(JOBS))
    parser.add_argument("--examples", type=Path, help="Also copy the files into this folder")
    parser.add_argument("--job", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        print(json.dumps(run_job(args.job, args.db, args.lang, args.out)))
        return
    from monitor.framework.loader import framework_or_raise
    from monitor.store.db import connect

    jobs = [j for j in args.jobs.split(",") if j]
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        folder = Path(tmp)
        url = args.db
        if url is None:
            from monitor.demo.run import run_demo

            url = f"sqlite:///{folder}/demo.db"
            started = time.perf_counter()
            run_demo(connect(url), framework_or_raise(), out_dir=folder / "demo")
            print(f"demo data: {time.perf_counter() - started:.1f} s (not timed)")
        runs: dict[str, list[dict[str, object]]] = {j: [] for j in jobs}
        load: list[float] = []
        for round_no in range(args.repeats):
            for job in jobs:
                load.append(os.getloadavg()[0])
                entry = measure(job, url, args.lang, folder, folder / "chart-cache")
                runs[job].append(entry)
                print(f"round {round_no + 1} {job:16} {entry['seconds']:7.2f} s  (process {entry['process_s']:.1f} s, "
                      f"peak {entry['peak_rss_mb']:.0f} MB)", flush=True)
        if args.examples:
            args.examples.mkdir(parents=True, exist_ok=True)
            for name in NAMES.values():
                source = folder / name.format(lang=args.lang)
                if source.is_dir():
                    shutil.rmtree(args.examples / source.name, ignore_errors=True)
                    shutil.copytree(source, args.examples / source.name)
                elif source.exists():
                    shutil.copy(source, args.examples / source.name)
    table = {}
    for job, entries in runs.items():
        row = summary(entries)
        row["process_median_s"] = summary(entries, "process_s")["median_s"]
        row["peak_rss_mb"] = max(float(e["peak_rss_mb"]) for e in entries)  # type: ignore[arg-type]
        for extra in ("bytes", "pages", "charts"):
            if extra in entries[-1]:
                row[extra] = entries[-1][extra]
        table[job] = row

    def ratio(a: str, b: str, stat: str = "median_s") -> float | None:
        if a in table and b in table and float(table[b][stat]):  # type: ignore[arg-type]
            return round(float(table[a][stat]) / float(table[b][stat]), 2)  # type: ignore[arg-type]
        return None

    result = {
        "lang": args.lang, "oblasts": 4, "repeats": args.repeats, "jobs": table,
        "ratios": {
            "pdf_over_figures_alone": ratio("pdf", "figures-browser"),
            "docx_over_figures_alone": ratio("docx", "figures-browser"),
            "kaleido_figures_over_browser_figures": ratio("figures-kaleido", "figures-browser"),
            "pdf_kaleido_over_pdf": ratio("pdf-kaleido", "pdf"),
            "pdf_kaleido_over_pdf_min": ratio("pdf-kaleido", "pdf", "min_s"),
        },
        "goals": {
            "pdf_s": GOAL_PDF_S, "xlsx_html_s": GOAL_TABLES_S,
            "pdf_min_met": float(table["pdf"]["min_s"]) <= GOAL_PDF_S if "pdf" in table else None,  # type: ignore[arg-type]
            "pdf_median_met": float(table["pdf"]["median_s"]) <= GOAL_PDF_S if "pdf" in table else None,  # type: ignore[arg-type]
        },
        "load_average_1min": {"min": round(min(load), 2), "median": round(statistics.median(load), 2),
                              "max": round(max(load), 2)},
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "date": time.strftime("%Y-%m-%d"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "reports.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result["ratios"], indent=2))
    print(json.dumps(result["goals"], indent=2), "load", result["load_average_1min"])


if __name__ == "__main__":
    main()
