"""Shared harness for the benchmarks: one fresh subprocess per measured run, interleaved, repeated.

Why a subprocess per run: caches (the engine's frame cache, SQLite's page cache in the process,
imported modules) would otherwise carry from one run to the next and from one side to the other,
and peak memory must be the peak of the measured work alone. The child reports its own high-water
mark, `VmHWM` from /proc/self/status: `ru_maxrss` of a child is NOT usable, because Linux carries
the forking parent's high-water mark across exec into the child's ru_maxrss (a child forked from a
1 GB parent reports ≥ 1 GB whatever it does).

Why interleaved: the machine is shared (2 cores, other sessions); running A A A B B B would charge
a burst of someone else's load to one side only. Round r runs the jobs in an order rotated by r.
The load average is recorded before and after every run, so a reader can discount noisy rounds.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEPS = ROOT / "bench" / ".deps"  # `pip install --target bench/.deps adbc-driver-sqlite`: keeps the shared venv as it is
MARK = "BENCH-RESULT "


def peak_mb() -> float:
    """This process's own peak resident set (VmHWM), in MB; ru_maxrss as a fallback off Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def emit(result: dict[str, Any]) -> None:
    """The child's last word: its result with its own peak memory, on one marked stdout line."""
    print(MARK + json.dumps({**result, "peak_mb": peak_mb()}), flush=True)


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "cpus": multiprocessing.cpu_count(),
            "platform": platform.platform(), "processor": platform.processor() or platform.machine()}


def run_child(script: Path, job: str, args: Sequence[str]) -> dict[str, Any]:
    src = args[list(args).index("--src") + 1] if "--src" in args else str(ROOT / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, str(DEPS),
                                                        os.environ.get("PYTHONPATH", "")])}
    before = load()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(script), "--job", job, *args], capture_output=True, text=True,
                          env=env, check=False)
    wall = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{job} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    result = json.loads(lines[-1][len(MARK):])
    return {**result, "process_wall_s": round(wall, 3), "load_before": before, "load_after": load()}


def interleaved(script: Path, jobs: dict[str, Sequence[str]], repeats: int) -> dict[str, list[dict[str, Any]]]:
    names = list(jobs)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for round_ in range(repeats):
        order = names[round_ % len(names):] + names[:round_ % len(names)]
        for name in order:
            result = run_child(script, name, jobs[name])
            runs[name].append(result)
            print(f"  round {round_ + 1}/{repeats} {name:<22} {result['seconds']:8.2f} s  "
                  f"peak {result['peak_mb']:7.1f} MB  load {result['load_before'][0]}", flush=True)
    return runs


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = [r["seconds"] for r in runs]
    peaks = [r["peak_mb"] for r in runs]
    return {"min_s": round(min(seconds), 3), "median_s": round(statistics.median(seconds), 3),
            "runs_s": [round(s, 3) for s in seconds], "peak_mb_max": max(peaks),
            "peak_mb_median": round(statistics.median(peaks), 1), "runs": runs}


def header(benchmark: str) -> dict[str, Any]:
    return {"benchmark": benchmark, "when": datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": machine(), "load_average_at_start": load()}
