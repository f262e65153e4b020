"""Result cache: repeat queries are served from memory (< 50 ms); any import invalidates them."""

from __future__ import annotations

import time

import pandas as pd

from monitor.engine import clear_cache, compute, compute_cached

H1 = "UA35020010000028961"


def _rows(k: int) -> list[dict]:
    return [{"hromada": H1, "date": "2022-03-01", "answers": {"focal": "yes"}}] * k


def test_cache_hits_and_invalidation(sqlite_url, tmp_path, framework, add_responses) -> None:  # type: ignore[no-untyped-def]
    from monitor.store import db as store_db
    from monitor.store.territory import load_reference

    engine = store_db.connect(sqlite_url)
    load_reference(engine)
    add_responses(engine, "hs", _rows(4))
    clear_cache()
    first = compute_cached(engine, framework, indicators=["count_yes"])
    started = time.perf_counter()
    again = compute_cached(engine, framework, indicators=["count_yes"])
    elapsed = time.perf_counter() - started
    assert elapsed < 0.05
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, compute(engine, framework, indicators=["count_yes"]))
    assert list((tmp_path / "cache").glob("results-*.parquet"))  # next to the SQLite file
    again.loc[0, "value"] = -1  # callers get a copy: the cache is not changed through it
    assert compute_cached(engine, framework, indicators=["count_yes"]).loc[0, "value"] == 4
    add_responses(engine, "hs", _rows(2))
    assert compute_cached(engine, framework, indicators=["count_yes"]).loc[0, "value"] == 6
    clear_cache()  # memory gone: served from the Parquet file, same table
    pd.testing.assert_frame_equal(compute_cached(engine, framework, indicators=["count_yes"]),
                                  compute(engine, framework, indicators=["count_yes"]))
