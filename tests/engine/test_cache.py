"""Result cache: repeat queries are served from memory without computing; any import invalidates them."""

from __future__ import annotations

import pandas as pd

from monitor.engine import clear_cache, compute, compute_cached

H1 = "UA35020010000028961"


def _rows(k: int) -> list[dict]:
    return [{"hromada": H1, "date": "2022-03-01", "answers": {"focal": "yes"}}] * k


def test_cache_hits_and_invalidation(sqlite_url, tmp_path, framework, add_responses, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import monitor.engine.cache as cache_module
    from monitor.store import db as store_db
    from monitor.store.territory import load_reference

    # The cache beside the SQLite file, whatever an earlier test in this worker set (tests/reports sets
    # MONITOR_CACHE_DIR for its whole session).
    monkeypatch.delenv("MONITOR_CACHE_DIR", raising=False)
    engine = store_db.connect(sqlite_url)
    load_reference(engine)
    add_responses(engine, "hs", _rows(4))
    clear_cache()
    first = compute_cached(engine, framework, indicators=["count_yes"])
    computed = []
    real_compute = cache_module.compute

    def counting_compute(*args, **kwargs):  # type: ignore[no-untyped-def]
        computed.append(1)
        return real_compute(*args, **kwargs)

    monkeypatch.setattr(cache_module, "compute", counting_compute)
    again = compute_cached(engine, framework, indicators=["count_yes"])
    assert computed == []  # served from memory, nothing computed
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


def test_one_sqlite_file_is_one_database_however_its_url_is_spelt(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`monitor demo` run in the project folder names the file relatively; `monitor report --db` may name
    it absolutely: both must find the same stored results and protected set (else the report rebuilds
    the protected set, about a minute)."""
    from monitor.engine import db_fingerprint, default_cache_dir
    from monitor.store import db as store_db
    from monitor.store.territory import load_reference

    absolute = store_db.connect(f"sqlite:///{tmp_path / 'monitor.db'}")
    load_reference(absolute)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MONITOR_CACHE_DIR", raising=False)
    relative = store_db.connect("sqlite:///monitor.db")
    assert db_fingerprint(relative) == db_fingerprint(absolute)
    assert default_cache_dir(relative) == default_cache_dir(absolute) == tmp_path / "cache"
    other = store_db.connect(f"sqlite:///{tmp_path / 'other.db'}")
    load_reference(other)
    assert db_fingerprint(other) != db_fingerprint(absolute)
