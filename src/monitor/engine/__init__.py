"""The indicator engine: answers -> indicator results per level × period × disaggregation.

Public API (the dashboard, the reports and the CLI use only these):
- compute(engine, framework, *, level, period, indicators, disaggregate, oblasts) -> DataFrame
- compute_cached(...) same arguments, served from the result cache when nothing changed
- coverage(engine, framework, waves=None) -> DataFrame
- load_frame(engine, survey, repeat=None) -> DataFrame (from the columnar copy when it is current)
- refresh_copies(engine, surveys) -> the columnar copies written (after an import; see engine/columnar.py);
  rebuild_copies(engine, surveys) writes them all again from the documents
- contributions(engine, framework) -> atoms per (survey, repeat), for the disclosure audit
- rederive(results, framework, engine) -> index, status and change again after suppression changed
Outputs for people come from monitor.privacy (the protected set), never from compute() directly.
"""

from monitor.engine.cache import clear_cache, compute_cached, default_cache_dir, framework_key
from monitor.engine.cascade import compute_cascade
from monitor.engine.compute import COLUMNS, LEVELS, check_arguments, compute, rederive
from monitor.engine.contributions import Contributions, Quantity, contributions, quantities_of
from monitor.engine.coverage import coverage
from monitor.engine.frames import (
    DbSource,
    ParquetSource,
    ResponseSource,
    db_fingerprint,
    load_frame,
    rebuild_copies,
    refresh_copies,
    source_of,
)
from monitor.engine.periods import GRANULARITIES
from monitor.engine.smallcells import apply_min_n, complementary
from monitor.engine.targets import pct_of_target, target_for

__all__ = [
    "COLUMNS", "GRANULARITIES", "LEVELS", "Contributions", "DbSource", "ParquetSource", "Quantity",
    "ResponseSource", "apply_min_n", "check_arguments", "clear_cache", "complementary", "compute",
    "compute_cached", "compute_cascade", "contributions", "coverage", "db_fingerprint", "default_cache_dir",
    "framework_key", "load_frame", "pct_of_target", "quantities_of", "rebuild_copies", "rederive",
    "refresh_copies", "source_of", "target_for",
]
