"""Reports benchmark: the full four-oblast donor report of the demo data, every format, against its figures alone.

    .venv/bin/python bench/bench_reports.py [--repeats 3] [--lang en] [--db URL] [--jobs pdf,figures]
                                            [--baseline OTHER/src] [--examples DIR]

Without --db, `monitor demo` data and its oversight loop are generated into a temporary SQLite file and
its protected set built (as `monitor serve` does on a first run), then one untimed report of each kind fills the
engine's on-disk result cache beside the database: what a user's `monitor report` meets. Every
measurement is then a fresh process (bench/harness.py): nothing in memory (engine frames, the
catalogue, the protected set), an EMPTY chart cache (its own `$XDG_CACHE_HOME`), Chromium not started.
Jobs are interleaved, the order rotated each round; min and median per job; each child's own peak
memory (VmHWM), plus the peak of the Chromium processes it started; the load average before and
after every run.

Jobs:
- `figures`: the report's figures alone, drawn by the report's renderer (one system Chromium page,
  plotly.js loaded once, every figure in one `Promise.all`), Chromium launch included: the reference
  every format's time is divided by (the content is built before the clock starts);
- `figures-kaleido`: the same figures through the strongest kaleido set-up (`start_sync_server` with
  four tabs, one batched `write_images` call);
- `pdf`, `docx`, `xlsx`, `html`, `iati`, `opendata`: `build_report` end to end (results, content,
  charts, layout, file); `pdf-again`: a second PDF in the same process (the dashboard's case:
  Chromium up, charts cached by content);
- with `--baseline DIR`: `pdf-baseline`, `docx-baseline`, ... the same jobs on another checkout's
  `src/` (e.g. the commit before a change), in the same interleaved run.

Writes bench/results/reports.json: per job min/median/runs, CPU seconds of the Python process,
stage times, peaks, bytes, pages; the ratios to `figures`; the goals; the load. With --examples DIR
the files are also copied there (used to refresh docs/examples/).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRC = Path(sys.argv[sys.argv.index("--src") + 1]) if "--src" in sys.argv else ROOT / "src"
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(ROOT / "bench"))

from harness import emit, header, interleaved, load, summary  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "reports.json"
GOAL_DOCUMENT_S = 5.0  # issue #12 item 7: PDF, DOCX
GOAL_TABLES_S = 2.0  # XLSX, HTML
FORMATS = ("pdf", "docx", "xlsx", "html", "iati", "opendata")
JOBS = ("figures", "figures-kaleido", *FORMATS, "pdf-again")
NAMES = {
    "pdf": "report-{lang}.pdf",
    "docx": "report-{lang}.docx",
    "xlsx": "report-{lang}.xlsx",
    "html": "report-{lang}.html",
    "opendata": "opendata-{lang}",
    "iati": "iati-{lang}.xml",
}


def size(path: Path) -> int:
    return (
        sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        if path.is_dir()
        else path.stat().st_size
    )


def descendants_peak_mb() -> float:
    """The summed VmHWM of this process's descendants still alive (Playwright's driver, Chromium): an
    upper bound of their peak together."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    mine, frontier = set(), {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - mine
        mine |= frontier
    total = 0
    for pid in mine:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def run_job(job: str, url: str, lang: str, out_dir: Path) -> dict[str, Any]:
    """One measurement in this (fresh) process, with an empty chart cache of its own."""
    chart_home = Path(tempfile.mkdtemp(prefix="bench-charts-"))
    os.environ["XDG_CACHE_HOME"] = str(chart_home)
    os.environ.pop("MONITOR_CACHE_DIR", None)
    os.environ.pop("MONITOR_CHART_RENDERER", None)
    from monitor.framework.loader import framework_or_raise
    from monitor.reports import build_report
    from monitor.reports.iati import Activity
    from monitor.store.db import connect

    framework = framework_or_raise()
    engine = connect(url)
    entry: dict[str, Any] = {"job": job}
    stages: dict[str, float] = {}
    try:
        if job.startswith("figures"):
            from monitor.reports import images
            from monitor.reports.content import build_content

            charts = build_content(engine, framework, lang=lang).charts()
            renderer = "kaleido" if job == "figures-kaleido" else "browser"
            started, cpu = time.perf_counter(), time.process_time()
            images.render_charts(charts, renderer=renderer)
            entry["charts"] = len(charts)
        else:
            fmt = job.removesuffix("-again")
            out = out_dir / NAMES[fmt].format(lang=lang)
            activity = Activity("UA-EDR-00000000-PTL", "UA-EDR-00000000") if fmt == "iati" else None

            def progress(stage: str, *_: Any) -> None:
                stages.setdefault(stage, round(time.perf_counter() - started, 3))

            started, cpu = time.perf_counter(), time.process_time()
            build_report(engine, framework, fmt=fmt, lang=lang, out=out, activity=activity, progress=progress)
            if job == "pdf-again":
                entry["first_s"] = round(time.perf_counter() - started, 3)
                stages.clear()
                started, cpu = time.perf_counter(), time.process_time()
                build_report(engine, framework, fmt=fmt, lang=lang, out=out, progress=progress)
            entry["bytes"] = size(out)
            if fmt == "pdf":
                import pypdf

                entry["pages"] = len(pypdf.PdfReader(out).pages)
        entry["seconds"] = round(time.perf_counter() - started, 3)
        entry["cpu_s"] = round(time.process_time() - cpu, 3)
        entry["stages_s"] = stages
        entry["browser_peak_mb"] = descendants_peak_mb()
    finally:
        shutil.rmtree(chart_home, ignore_errors=True)
    return entry


def prepare(url: str, lang: str, folder: Path) -> None:
    """Untimed: the protected set and the engine's on-disk results, as a user's database has them."""
    from monitor.cli.privacy import prepare_public_tables
    from monitor.framework.loader import framework_or_raise
    from monitor.reports import build_report
    from monitor.store.db import connect

    engine, framework = connect(url), framework_or_raise()
    prepare_public_tables(engine, framework)
    build_report(engine, framework, fmt="xlsx", lang=lang, out=folder / "warm-up.xlsx")


def table_of(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for job, entries in runs.items():
        row = summary(entries)
        row["cpu_min_s"] = min(float(e["cpu_s"]) for e in entries)
        row["cpu_median_s"] = round(statistics.median(float(e["cpu_s"]) for e in entries), 3)
        row["browser_peak_mb_max"] = max(float(e["browser_peak_mb"]) for e in entries)
        for extra in ("bytes", "pages", "charts", "stages_s"):
            if extra in entries[-1]:
                row[extra] = entries[-1][extra]
        table[job] = row
    return table


def ratios(table: dict[str, Any]) -> dict[str, Any]:
    def ratio(a: str, b: str, stat: str) -> float | None:
        if a in table and b in table and float(table[b][stat]):
            return round(float(table[a][stat]) / float(table[b][stat]), 2)
        return None

    out: dict[str, Any] = {}
    for job in (*FORMATS, "pdf-again", "figures-kaleido"):
        for stat in ("min_s", "median_s"):
            value = ratio(job, "figures", stat)
            if value is not None:
                out[f"{job}_over_figures_{stat.removesuffix('_s')}"] = value
        for stat in ("min_s", "median_s"):
            value = ratio(f"{job}-baseline", job, stat)
            if value is not None:
                out[f"{job}_speedup_vs_baseline_{stat.removesuffix('_s')}"] = value
    return out


def goals(table: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"documents_s": GOAL_DOCUMENT_S, "tables_s": GOAL_TABLES_S}
    for job, goal in (
        ("pdf", GOAL_DOCUMENT_S),
        ("docx", GOAL_DOCUMENT_S),
        ("xlsx", GOAL_TABLES_S),
        ("html", GOAL_TABLES_S),
    ):
        if job in table:
            out[f"{job}_min_met"] = float(table[job]["min_s"]) <= goal
            out[f"{job}_median_met"] = float(table[job]["median_s"]) <= goal
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="Database URL with data (default: fresh demo data in a temp file)")
    parser.add_argument("--lang", default="en", choices=["uk", "en"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--jobs", default=",".join(JOBS), help="comma-separated subset of: " + ", ".join(JOBS)
    )
    parser.add_argument(
        "--baseline", type=Path, help="Another checkout's src/: its jobs run as <job>-baseline"
    )
    parser.add_argument("--examples", type=Path, help="Also copy the files into this folder")
    parser.add_argument("--results", type=Path, default=RESULTS, help="Where to write the JSON")
    parser.add_argument("--job", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--src", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        emit(run_job(args.job.removesuffix("-baseline"), args.url, args.lang, args.out))
        return
    jobs = [j for j in args.jobs.split(",") if j]
    unknown = sorted(set(jobs) - set(JOBS))
    if unknown:
        raise SystemExit(f"unknown jobs: {', '.join(unknown)}")
    result = header("reports")
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        folder = Path(tmp)
        url = args.db
        if url is None:
            from monitor.demo.run import run_demo
            from monitor.framework.loader import framework_or_raise
            from monitor.store.db import connect

            url = f"sqlite:///{folder}/demo.db"
            started = time.perf_counter()
            from monitor.oversight.demo_loop import load_demo_loop

            demo_engine, demo_framework = connect(url), framework_or_raise()
            run_demo(demo_engine, demo_framework, out_dir=folder / "demo")
            load_demo_loop(demo_engine, demo_framework)  # as `monitor serve`'s first run: the report's loop sections
            print(f"demo data: {time.perf_counter() - started:.1f} s (not timed)", flush=True)
        started = time.perf_counter()
        prepare(url, args.lang, folder)
        print(
            f"protected set and engine cache: {time.perf_counter() - started:.1f} s (not timed)", flush=True
        )
        common = ["--url", url, "--lang", args.lang, "--out", str(folder)]
        argv = {job: common for job in jobs}
        if args.baseline:
            for job in jobs:
                argv[f"{job}-baseline"] = [*common, "--src", str(args.baseline)]
        runs = interleaved(Path(__file__), argv, args.repeats)
        if args.examples:
            args.examples.mkdir(parents=True, exist_ok=True)
            for name in NAMES.values():
                source = folder / name.format(lang=args.lang)
                if source.is_dir():
                    shutil.rmtree(args.examples / source.name, ignore_errors=True)
                    shutil.copytree(source, args.examples / source.name)
                elif source.exists():
                    shutil.copy(source, args.examples / source.name)
    table = table_of(runs)
    every_load = [r["load_before"][0] for entries in runs.values() for r in entries]
    result.update(
        {
            "lang": args.lang,
            "oblasts": 4,
            "repeats": args.repeats,
            "baseline_src": str(args.baseline) if args.baseline else None,
            "jobs": table,
            "ratios": ratios(table),
            "goals": goals(table),
            "load_average_1min": {
                "min": min(every_load),
                "median": round(statistics.median(every_load), 2),
                "max": max(every_load),
                "at_end": load(),
            },
            "note": NOTE,
        }
    )
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{'job':<22} {'min s':>8} {'median s':>9} {'cpu s':>7} {'/figures':>9} {'peak MB':>8}")
    for job, row in table.items():
        base = job.removesuffix("-baseline")
        over = result["ratios"].get(f"{base}_over_figures_min", "") if base == job else ""
        print(
            f"{job:<22} {row['min_s']:8.2f} {row['median_s']:9.2f} {row['cpu_min_s']:7.2f} {over!s:>9} "
            f"{row['peak_mb_max']:8.1f}"
        )
    print(json.dumps(result["goals"]), "load", result["load_average_1min"])


NOTE = (
    "Every run in a fresh process (bench/harness.py), interleaved rounds with the order rotated; seconds are wall "
    "time of build_report (or of render_charts for the figures jobs), cpu_s the Python process's CPU time in "
    "the same span (Chromium's is not in it); peak_mb is the child's own VmHWM, browser_peak_mb the summed VmHWM "
    "of its live descendants (Playwright driver, Chromium). The chart cache is empty in every run; the "
    "protected set and the engine's on-disk results exist, as on a user's database after `monitor serve`. "
    "Ratios are min/min and median/median against `figures`, the same figures drawn alone in the same run. "
    "On this shared 2-core machine read the ratios and the load, not the seconds."
)


if __name__ == "__main__":
    main()
