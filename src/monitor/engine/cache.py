"""Result cache keyed by (database state, framework hash, arguments), so a dashboard never recomputes.

Database state is a fingerprint from one cheap query: the newest response id, the number, newest id,
accepted rows and newest import time of import batches, and the size of the territory table. Every
import adds a batch and responses; deleting a batch changes the batch count; reloading the reference
changes the territory count/ids. (Editing answers in place with SQL behind the application's back is
not detected: call clear_cache().)

Two levels: an in-process LRU of DataFrames (a hit costs the fingerprint query plus a copy, a few
milliseconds) and, optionally, Parquet files in a cache folder (default: `cache/` next to a SQLite
database file, e.g. data/cache/; `$MONITOR_CACHE_DIR` otherwise; none for other databases).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
from sqlalchemy.engine import Engine

from monitor.engine.columnar import engine_folder
from monitor.engine.compute import compute
from monitor.engine.frames import ResponseSource, db_fingerprint, source_of  # noqa: F401  (db_fingerprint: still importable from here)
from monitor.framework.models import Framework

MAX_ENTRIES = 64
_MEMORY: OrderedDict[str, pd.DataFrame] = OrderedDict()

def framework_key(framework: Framework) -> str:
    if framework.hash:
        return framework.hash
    # A framework built in code (tests) has no file hash: hash its definitions instead.
    payload = orjson.dumps(
        {
            "settings": framework.settings.model_dump(mode="json"),
            "surveys": {k: v.model_dump(mode="json") for k, v in framework.surveys.items()},
            "indicators": {k: v.model_dump(mode="json") for k, v in framework.indicators.items()},
        },
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(payload).hexdigest()


def default_cache_dir(engine: Engine | ResponseSource) -> Path | None:
    if isinstance(engine, Engine):
        return engine_folder(engine)
    if os.environ.get("MONITOR_CACHE_DIR"):
        return Path(os.environ["MONITOR_CACHE_DIR"])
    return None


def cache_key(fingerprint: tuple[Any, ...], framework: Framework, arguments: dict[str, Any]) -> str:
    payload = orjson.dumps([list(fingerprint), framework_key(framework), arguments], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()[:32]


def clear_cache(cache_dir: Path | None = None) -> None:
    """Forget cached results and frames (and the Parquet files in cache_dir, when given)."""
    from monitor.engine.frames import clear_frames

    _MEMORY.clear()
    clear_frames()
    if cache_dir is not None and cache_dir.is_dir():
        for path in cache_dir.glob("results-*.parquet"):
            path.unlink(missing_ok=True)


def _remember(key: str, results: pd.DataFrame) -> None:
    _MEMORY[key] = results
    _MEMORY.move_to_end(key)
    while len(_MEMORY) > MAX_ENTRIES:
        _MEMORY.popitem(last=False)


def write_private(path: Path, results: pd.DataFrame) -> None:
    """The results hold unsuppressed values: a private folder (0700) and private files (0600), created
    exclusively under a fresh name and moved into place atomically (a concurrent reader never sees
    half a file; a planted link is never written through)."""
    folder = path.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_uid == os.getuid():
        folder.chmod(0o700)
    descriptor, partial = tempfile.mkstemp(dir=folder, prefix=".results-", suffix=".tmp")  # O_EXCL, mode 0600
    try:
        with os.fdopen(descriptor, "wb") as handle:
            results.to_parquet(handle, index=False)
        Path(partial).replace(path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def compute_cached(
    engine: Engine | ResponseSource,
    framework: Framework,
    *,
    level: str = "oblast",
    period: str = "year",
    indicators: Iterable[str] | None = None,
    disaggregate: bool = True,
    oblasts: Sequence[str] | None = None,
    disk: bool = True,
    cache_dir: Path | None = None,
) -> pd.DataFrame:
    """compute() with the same arguments, served from memory or disk when the database has not changed."""
    indicator_list = None if indicators is None else list(indicators)
    arguments = {
        "level": level, "period": period, "indicators": indicator_list, "disaggregate": disaggregate,
        "oblasts": None if oblasts is None else sorted(oblasts),
    }
    source = source_of(engine)
    key = cache_key(source.fingerprint(), framework, arguments)
    if key in _MEMORY:
        _MEMORY.move_to_end(key)
        return _MEMORY[key].copy()
    folder = (cache_dir or default_cache_dir(engine)) if disk else None
    path = folder / f"results-{key}.parquet" if folder is not None else None
    if path is not None and path.is_file() and not path.is_symlink():
        results = pd.read_parquet(path)
    else:
        results = compute(
            engine, framework, level=level, period=period, indicators=indicator_list, disaggregate=disaggregate,
            oblasts=oblasts,
        )
        if path is not None:
            write_private(path, results)
    _remember(key, results)
    return results.copy()
