"""Benchmark: building the protected set (primary, derivation and LP-driven secondary suppression, audit).

    .venv/bin/python bench/bench_protect.py [--repeats 3] [--rows 1000000] [--baseline OTHER/src]

Each measured run is a fresh process (bench/harness.py), interleaved with the other side, on the same
database: the demo (`monitor demo`'s data, built once into bench/.data/protect-demo.db) and, with
`--rows N`, bench_engine's generated database of N responses. The engine's results at every level ×
granularity are computed before the clock starts (they are the engine's cost, measured by
bench_engine.py); the clock covers `monitor.privacy.protect.build`: marking, the derivation pass, the
suppression loop's linear programs and the final derivations. `--baseline` times another checkout's
`src/` (e.g. the commit before a change) in the same run; `--baseline-rows` says on which databases
(default: the demo only, since a baseline may take most of an hour at 1 M).

There is no outside reference: tau-ARGUS (pytauargus) protects one hierarchical table, not linked
tables across territory, time and disaggregation with numerators tied to their n (docs/security.md),
so the comparison is with the project's own previous code, and the audit's verdict is reported beside
the time (a faster build that protects less would show failures here).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results"

from harness import emit, header, interleaved, summary  # noqa: E402


def demo_db() -> Path:
    path = DATA / "protect-demo.db"
    if not path.exists():
        from monitor.demo.run import run_demo
        from monitor.framework.loader import framework_or_raise
        from monitor.store import db as store_db

        partial = DATA / "protect-demo.partial.db"
        partial.unlink(missing_ok=True)
        url = f"sqlite:///{partial}"
        saved = os.environ.get("MONITOR_CACHE_DIR")
        with tempfile.TemporaryDirectory() as cache:
            os.environ["MONITOR_CACHE_DIR"] = cache  # the demo's own protected set is not kept
            try:
                run_demo(store_db.connect(url), framework_or_raise(ROOT), out_dir=DATA / "protect-demo-files")
                store_db.close(url)
            finally:
                os.environ.pop("MONITOR_CACHE_DIR")
                if saved is not None:
                    os.environ["MONITOR_CACHE_DIR"] = saved
        partial.replace(path)
    return path


def large_db(rows: int, seed: int = 7) -> Path:
    path = DATA / f"engine-{rows}-{seed}.db"
    if not path.exists():
        from bench_engine import generate

        partial = DATA / f"protect-{rows}-{seed}.partial.db"
        partial.unlink(missing_ok=True)
        generate(partial, rows, seed)
        partial.replace(path)
    return path


def job(db: Path) -> None:
    """One child: the engine's results first (not timed), then protect.build (timed)."""
    from monitor.framework.loader import framework_or_raise
    from monitor.privacy import protect
    from monitor.store import db as store_db

    url = f"sqlite:///{db}"
    engine, framework = store_db.connect(url), framework_or_raise(ROOT)
    protect._union(engine, framework)  # fills the engine's result cache: build's own _union is then a read
    started = time.perf_counter()
    built = protect.build(engine, framework)
    seconds = time.perf_counter() - started
    public = built.public
    emit({"seconds": round(seconds, 3), "code": str(Path(protect.__file__).parents[2]),
          "version": getattr(protect, "PROTECTION_VERSION", ""), "cells": len(public),
          "withheld": int(public["suppressed"].sum()), "audited": len(built.audit),
          "below_protection": len(built.failures), "rounds": built.rounds})
    store_db.close(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout's src/, timed as job protect-baseline")
    parser.add_argument("--baseline-rows", type=int, nargs="*", default=[0], help="0 = the demo")
    parser.add_argument("--out", type=Path, default=RESULTS / "protect.json")
    parser.add_argument("--job", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--src", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        job(args.db)
        return
    DATA.mkdir(parents=True, exist_ok=True)
    report = header("protect") | {"repeats": args.repeats, "databases": []}
    # Each child gets an empty cache folder of its own: no side reads a protected set the other stored.
    with tempfile.TemporaryDirectory(prefix="bench-protect-") as caches:
        for rows in [0, *args.rows]:
            db = demo_db() if rows == 0 else large_db(rows)
            print(f"{db.name}:", flush=True)
            jobs: dict[str, list[str]] = {"protect": ["--db", str(db)]}
            if args.baseline and rows in args.baseline_rows:
                jobs["protect-baseline"] = ["--db", str(db), "--src", str(args.baseline.resolve())]
            os.environ["MONITOR_CACHE_DIR"] = str(Path(caches) / db.stem)
            runs = interleaved(Path(__file__), jobs, args.repeats)
            entry: dict[str, Any] = {"database": db.name, "responses": responses(db),
                                     "jobs": {name: summary(values) for name, values in runs.items()}}
            if "protect-baseline" in entry["jobs"]:
                ours, base = entry["jobs"]["protect"], entry["jobs"]["protect-baseline"]
                entry["speedup_vs_baseline_min"] = round(base["min_s"] / ours["min_s"], 2)
                entry["speedup_vs_baseline_median"] = round(base["median_s"] / ours["median_s"], 2)
            report["databases"].append(entry)
    report["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for entry in report["databases"]:
        for name, value in entry["jobs"].items():
            last = value["runs"][-1]
            print(f"{entry['database']} {name:<17} min {value['min_s']:8.1f} s  median {value['median_s']:8.1f} s  "
                  f"withheld {last['withheld']:,}  below protection {last['below_protection']}")


def responses(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM response").fetchone()[0])


if __name__ == "__main__":
    main()
