"""The indicator engine: answers -> indicator results per level × period × disaggregation.

Public API (the dashboard, the reports and the CLI use only these):
- compute(engine, framework, *, level, period, indicators, disaggregate, oblasts) -> DataFrame
- compute_cached(...) same arguments, served from the result cache when nothing changed
- coverage(engine, framework, waves=None) -> DataFrame
- load_frame(engine, survey, repeat=None) -> DataFrame
Outputs for people must pass through monitor.privacy.for_audience.
"""

from monitor.engine.cache import clear_cache, compute_cached, db_fingerprint
from monitor.engine.compute import COLUMNS, LEVELS, compute
from monitor.engine.coverage import coverage
from monitor.engine.frames import DbSource, ParquetSource, load_frame
from monitor.engine.periods import GRANULARITIES

__all__ = [
    "COLUMNS", "GRANULARITIES", "LEVELS", "DbSource", "ParquetSource", "clear_cache", "compute", "compute_cached",
    "coverage", "db_fingerprint", "load_frame",
]
