"""Shared fixtures: a real SQLite file and, when MONITOR_TEST_PG_URL is set, a real PostgreSQL database.

`.ci/run` starts a PostgreSQL server and sets MONITOR_TEST_PG_URL; in CI (CI=true) a missing server
is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from demo_kit import DemoDatabase, copy_demo, shared_demo, start_build, uses_demo
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from monitor.store import db as store_db

# Cheap argon2 parameters for every password the tests hash, here and in the servers and CLIs they
# start (set before monitor.auth.passwords is imported; tests/auth/test_passwords.py checks that the
# production parameters stay the strong ones).
os.environ.setdefault("MONITOR_ARGON2_PROFILE", "test")

PG_URL = os.environ.get("MONITOR_TEST_PG_URL")
# The server key (monitor.secret) of a test run lives in a temporary folder, never in data/.
os.environ.setdefault("MONITOR_SECRET_FILE", str(Path(tempfile.mkdtemp(prefix="monitor-key-")) / "monitor.key"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true", help="Rewrite golden files from the current output")


def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and not PG_URL:
        raise pytest.UsageError("CI=true but MONITOR_TEST_PG_URL is not set: .ci/run must start PostgreSQL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the run for two workers (the same order on each: xdist needs one collection).

    First the tests that do not read the shared demo, the slow ones at the head, while the demo is built
    in a process of its own (`_demo_build`); then those that read it, the e2e and slow ones first, so
    that no long test starts last and leaves the other worker idle. (No xdist groups: pytest-xdist 3.8's
    --dist loadgroup renames `item._nodeid`, which pytest 9 no longer reads, so it runs as plain load.)"""

    def rank(item: pytest.Item) -> int:
        slow = item.get_closest_marker("slow") is not None
        if not uses_demo(item):
            return 0 if slow else 1
        return 2 if item.get_closest_marker("e2e") or slow else 3

    items.sort(key=rank)


@pytest.fixture(scope="session", autouse=True)
def _demo_build(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Start building the shared demo at the start of the session when any test here reads it."""
    process = start_build(tmp_path_factory) if any(uses_demo(i) for i in request.session.items) else None
    yield
    if process is not None:
        process.wait()  # a worker may still be waiting for it


@pytest.fixture
def regen_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen-golden"))


def _fresh_pg_database(template: str | None = None) -> str:
    assert PG_URL
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(url: str) -> None:
    assert PG_URL
    name = make_url(url).database
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file as `store.db.connect` leaves a new one (every migration run, the territory
    reference loaded), built once per worker by that same call; each `db_url` test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "monitor.db"
    url = f"sqlite:///{path}"
    store_db.connect(url)
    store_db.close(url)
    with sqlite3.connect(path) as connection:  # everything in the main file, nothing left in the WAL
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def _pg_template() -> Iterator[str | None]:
    """The same on PostgreSQL: one database per worker migrated by `store.db.connect`, then used as
    the TEMPLATE of each test's database (a file copy on the server instead of every migration)."""
    if not PG_URL:
        yield None
        return
    url = _fresh_pg_database()
    store_db.connect(url)
    store_db.close(url)  # a template may have no open connection while it is copied
    yield make_url(url).database
    _drop_pg_database(url)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh database URL, as `store.db.connect` leaves a new database (schema at the newest migration,
    territory reference loaded, nothing else): a SQLite file, then (same test again) a PostgreSQL
    database. Copied from a template built by that call, so each test does not run every migration;
    `sqlite_url` and `pg_url` stay empty, and the template itself is built from empty each session."""
    if request.param == "sqlite":
        path = tmp_path / "monitor.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        url = f"sqlite:///{path}"
        yield url
        store_db.close(url)
        return
    yield from _pg_database(request.getfixturevalue("_pg_template"))


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database URL, for what only PostgreSQL has (COPY, its session time zone)."""
    yield from _pg_database()


def _pg_database(template: str | None = None) -> Iterator[str]:
    if not PG_URL:
        pytest.skip("PostgreSQL tests need MONITOR_TEST_PG_URL (set by .ci/run)")
    url = _fresh_pg_database(template)
    try:
        yield url
    finally:
        store_db.close(url)
        _drop_pg_database(url)


@pytest.fixture
def sqlite_url(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path}/monitor.db"
    yield url
    store_db.close(url)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoDatabase:
    """The synthetic demo as a new user's first `monitor serve` leaves it (imported, protected set
    stored), built once per session for all workers (tests/demo_kit.py). Read it; never write to it."""
    return shared_demo(tmp_path_factory)


@pytest.fixture(scope="session")
def demo_url(demo: DemoDatabase) -> str:
    return demo.url


@pytest.fixture
def demo_copy(demo: DemoDatabase, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A private copy of the demo database, for a test that writes into it."""
    url = copy_demo(demo, tmp_path / "demo-copy")
    yield url
    store_db.close(url)
