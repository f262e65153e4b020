"""Reports benchmark: the full four-oblast donor report of the demo data, in every format.

    .venv/bin/python bench/bench_reports.py [--db URL] [--lang en] [--examples DIR]

Without --db, `monitor demo` data is generated into a temporary SQLite file first (not timed).
Each format is timed end to end, cold, as `monitor report` runs it: the engine's result cache is
cleared first, so every figure includes compute (oblast and all-oblast results), coverage, the
provenance hash over every response, chart rendering (PDF and DOCX: ~30 Plotly figures through
kaleido/Chromium) and writing the file. Goal: the PDF in under 30 s.
Writes bench/results/reports.json and prints a small table. With --examples DIR the files are also
copied there (used to refresh docs/examples/).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "src"))

from monitor.engine import clear_cache  # noqa: E402
from monitor.framework.loader import framework_or_raise  # noqa: E402
from monitor.reports import FORMATS, build_report  # noqa: E402
from monitor.store.db import connect  # noqa: E402

GOAL_PDF_S = 30.0
NAMES = {"pdf": "report-{lang}.pdf", "docx": "report-{lang}.docx", "xlsx": "report-{lang}.xlsx",
         "html": "report-{lang}.html", "opendata": "opendata-{lang}"}


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="Database URL with data (default: fresh demo data in a temp file)")
    parser.add_argument("--lang", default="en", choices=["uk", "en"])
    parser.add_argument("--examples", type=Path, help="Also copy the files into this folder")
    args = parser.parse_args()
    framework = framework_or_raise()
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        folder = Path(tmp)
        url = args.db
        if url is None:
            from monitor.ingest.demo import run_demo

            url = f"sqlite:///{folder}/demo.db"
            started = time.perf_counter()
            run_demo(connect(url), framework, out_dir=folder / "demo")
            print(f"demo data: {time.perf_counter() - started:.1f} s (not timed)")
        engine = connect(url)
        rows = []
        for fmt in FORMATS:
            clear_cache()
            out = folder / NAMES[fmt].format(lang=args.lang)
            started = time.perf_counter()
            build_report(engine, framework, fmt=fmt, lang=args.lang, out=out)
            seconds = time.perf_counter() - started
            entry = {"format": fmt, "seconds": round(seconds, 2), "bytes": size(out)}
            if fmt == "pdf":
                import pypdf

                entry["pages"] = len(pypdf.PdfReader(out).pages)
            rows.append(entry)
            print(f"{fmt:9} {seconds:7.2f} s {entry['bytes'] / 1e6:7.2f} MB")
            if args.examples:
                args.examples.mkdir(parents=True, exist_ok=True)
                target = args.examples / out.name
                if out.is_dir():
                    shutil.rmtree(target, ignore_errors=True)
                    shutil.copytree(out, target)
                else:
                    shutil.copy(out, target)
    pdf = next(r for r in rows if r["format"] == "pdf")
    result = {
        "lang": args.lang,
        "oblasts": 4,
        "formats": rows,
        "pdf_goal_s": GOAL_PDF_S,
        "pdf_goal_met": pdf["seconds"] < GOAL_PDF_S,
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "date": time.strftime("%Y-%m-%d"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "reports.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"PDF {pdf['seconds']:.1f} s (goal < {GOAL_PDF_S:.0f} s): {'met' if result['pdf_goal_met'] else 'NOT met'}")


if __name__ == "__main__":
    main()
